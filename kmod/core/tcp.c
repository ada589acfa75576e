// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connection tracking as a middle box sees it.
 *
 * The protocol is data: a table [direction][flag class][state] -> next
 * state, in the spirit of the kernel's nf_conntrack_proto_tcp.c.  Keeping
 * it as a table lets the unit tests walk every cell.
 */
#include "tcp.h"

/*
 * ECE and CWR are ECN signalling and PSH is a delivery hint: none changes
 * what a segment means to the state machine, so they are masked before the
 * whitelist below is consulted.
 */
#define GW_TCP_FLAGS_IGNORED	(GW_TCP_ECE | GW_TCP_CWR | GW_TCP_PSH)

/*
 * The only flag combinations a real TCP stack sends.  NULL, XMAS, SYN+FIN,
 * SYN+RST, FIN without ACK and the rest exist only to fingerprint or evade.
 */
static const bool gw_tcp_valid_flags[0x40] = {
	[GW_TCP_SYN] = true,
	[GW_TCP_SYN | GW_TCP_URG] = true,
	[GW_TCP_SYN | GW_TCP_ACK] = true,
	[GW_TCP_RST] = true,
	[GW_TCP_RST | GW_TCP_ACK] = true,
	[GW_TCP_FIN | GW_TCP_ACK] = true,
	[GW_TCP_FIN | GW_TCP_ACK | GW_TCP_URG] = true,
	[GW_TCP_ACK] = true,
	[GW_TCP_ACK | GW_TCP_URG] = true,
};

bool gw_tcp_flags_valid(u8 flags)
{
	return gw_tcp_valid_flags[flags & ~GW_TCP_FLAGS_IGNORED & 0x3f];
}

enum gw_tcp_flag_class gw_tcp_flag_class(u8 flags)
{
	if (flags & GW_TCP_RST)
		return GW_TCP_FC_RST;
	if (flags & GW_TCP_SYN)
		return flags & GW_TCP_ACK ? GW_TCP_FC_SYNACK : GW_TCP_FC_SYN;
	if (flags & GW_TCP_FIN)
		return GW_TCP_FC_FIN;
	if (flags & GW_TCP_ACK)
		return GW_TCP_FC_ACK;
	return GW_TCP_FC_NONE;
}

bool gw_tcp_is_pure_syn(u8 flags)
{
	return gw_tcp_flags_valid(flags) &&
	       gw_tcp_flag_class(flags) == GW_TCP_FC_SYN;
}

#define sNO GW_TCP_NONE
#define sSS GW_TCP_SYN_SENT
#define sSR GW_TCP_SYN_RECV
#define sES GW_TCP_ESTABLISHED
#define sFW GW_TCP_FIN_WAIT
#define sCW GW_TCP_CLOSE_WAIT
#define sLA GW_TCP_LAST_ACK
#define sTW GW_TCP_TIME_WAIT
#define sCL GW_TCP_CLOSE
#define sS2 GW_TCP_SYN_SENT2
#define sIG GW_TCP_S_IGNORE
#define sIV GW_TCP_S_INVALID

/*
 * States: SYN_SENT, the originator's SYN was seen; SYN_SENT2, both sides
 * sent a SYN (simultaneous open); SYN_RECV, a SYN-ACK answered it;
 * ESTABLISHED, the handshake's final ACK; FIN_WAIT, a first FIN; CLOSE_WAIT,
 * that FIN was acknowledged; LAST_ACK, the second FIN; TIME_WAIT, the last
 * ACK; CLOSE, a reset.  A SYN on a TIME_WAIT or CLOSE tuple is a new
 * connection (the caller re-checks policy, see gw_tcp_track()).
 */
static const u8 gw_tcp_table[2][GW_TCP_FC_MAX][__GW_TCP_STATE_MAX] = {
	[GW_DIR_ORIGINAL] = {
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* syn */	   { sSS, sSS, sIG, sIG, sIG, sIG, sIG, sSS, sSS, sS2 },
/*
 * syn:    a retransmitted SYN keeps SYN_SENT; once answered, a SYN is either a
 *         retransmission the responder will ACK or a reboot it will
 *         challenge, and neither is ours to act on.
 */
/* synack */	   { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
/*
 * synack: only in a simultaneous open does the originator send a SYN-ACK.
 */
/* fin */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ack */	   { sIV, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/*
 * ack:    no connection is picked up from an ACK alone (strict pickup), and
 *         an ACK before the SYN-ACK answers nothing.
 */
/* rst */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
	[GW_DIR_REPLY] = {
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* syn */	   { sIV, sS2, sIV, sIV, sIV, sIV, sIV, sSS, sSS, sS2 },
/*
 * syn:    the responder's own SYN is a simultaneous open; on a TIME_WAIT
 *         or CLOSE tuple it is a new connection in the other direction.
 */
/* synack */	   { sIV, sSR, sIG, sIG, sIG, sIG, sIG, sIG, sIG, sSR },
/*
 * synack: late SYN-ACK retransmissions are harmless and change nothing.
 */
/* fin */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ack */	   { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
/*
 * ack:    an ACK before its SYN-ACK may be a challenge ACK; it passes but
 *         moves nothing.
 */
/* rst */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

u8 gw_tcp_next_state(u8 state, enum gw_dir dir, enum gw_tcp_flag_class fc)
{
	if (state > GW_TCP_STATE_MAX || fc >= GW_TCP_FC_MAX)
		return GW_TCP_S_INVALID;
	return gw_tcp_table[dir][fc][state];
}

void gw_tcp_init(struct gw_tcp_conn *conn, const struct gw_pkt *pkt)
{
	conn->state = gw_tcp_next_state(GW_TCP_NONE, GW_DIR_ORIGINAL,
					gw_tcp_flag_class(pkt->tcp_flags));
	conn->seen_reply = 0;
}

/*
 * Move @conn along for @pkt travelling in @dir.  The caller has already
 * rejected flag combinations outside the whitelist.
 */
enum gw_tcp_verdict gw_tcp_track(struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir)
{
	enum gw_tcp_flag_class fc = gw_tcp_flag_class(pkt->tcp_flags);
	u8 next;

	/*
	 * A fresh SYN on a finished connection's tuple is a new connection,
	 * possibly opened from the other side: policy must judge it again.
	 */
	if (fc == GW_TCP_FC_SYN &&
	    (conn->state == GW_TCP_TIME_WAIT || conn->state == GW_TCP_CLOSE))
		return GW_TCP_REOPEN;

	next = gw_tcp_next_state(conn->state, dir, fc);
	if (next == GW_TCP_S_INVALID)
		return GW_TCP_INVALID;
	if (dir == GW_DIR_REPLY)
		conn->seen_reply = 1;
	if (next != GW_TCP_S_IGNORE)
		conn->state = next;
	return GW_TCP_ACCEPT;
}

static const char *const gw_tcp_state_names[__GW_TCP_STATE_MAX] = {
	[GW_TCP_NONE] = "NONE",
	[GW_TCP_SYN_SENT] = "SYN_SENT",
	[GW_TCP_SYN_RECV] = "SYN_RECV",
	[GW_TCP_ESTABLISHED] = "ESTABLISHED",
	[GW_TCP_FIN_WAIT] = "FIN_WAIT",
	[GW_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[GW_TCP_LAST_ACK] = "LAST_ACK",
	[GW_TCP_TIME_WAIT] = "TIME_WAIT",
	[GW_TCP_CLOSE] = "CLOSE",
	[GW_TCP_SYN_SENT2] = "SYN_SENT2",
};

const char *gw_tcp_state_name(u8 state)
{
	return state <= GW_TCP_STATE_MAX ? gw_tcp_state_names[state] : "?";
}
