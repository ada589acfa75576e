// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connection tracking as a middle box sees it.
 *
 * The protocol is data: a table [direction][flag class][state] -> next
 * state, in the spirit of the kernel's nf_conntrack_proto_tcp.c.  Keeping
 * it as a table lets the unit tests walk every cell.
 */
#include "tcp.h"
#include "names.h"

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
 * ACK; CLOSE, a reset.  A cell that yields SYN_SENT from LAST_ACK, TIME_WAIT
 * or CLOSE is a new connection on the old one's tuple: gw_tcp_track()
 * returns GW_TCP_REOPEN and the caller judges it as new (policy again).
 *
 * The table says which segments fit a state; gw_tcp_track() adds what a
 * cell cannot say: in the handshake an ACK must acknowledge exactly the SYN
 * it answers (gw_tcp_handshake_ack_ok()), and a SYN passed on a live
 * connection is held, to resynchronise on the SYN-ACK that answers it
 * (gw_tcp_resync()).
 */
static const u8 gw_tcp_table[2][GW_TCP_FC_MAX][__GW_TCP_STATE_MAX] = {
	[GW_DIR_ORIGINAL] = {
/*		     sNO  sSS  sSR  sES  sFW  sCW  sLA  sTW  sCL  sS2 */
/* syn */	   { sSS, sSS, sIG, sIG, sIG, sIG, sSS, sSS, sSS, sS2 },
/*
 * syn:    a retransmitted SYN keeps SYN_SENT.  Once answered, a SYN is a
 *         retransmission the responder will ACK, a reboot it will
 *         challenge (RFC 5961), or, if the responder has forgotten the
 *         connection, a new one it answers with a SYN-ACK: passed and held
 *         (ESTABLISHED, FIN_WAIT, CLOSE_WAIT), never acted on by itself,
 *         since anybody can send one; the responder may still send data
 *         in FIN_WAIT and CLOSE_WAIT.  In LAST_ACK both sides have sent
 *         their FIN and only the last ACK can follow: the originator has
 *         moved on (its last ACK was lost) and this is a new connection,
 *         as in TIME_WAIT and CLOSE.
 */
/* synack */	   { sIV, sIV, sSR, sIV, sIV, sIV, sIV, sIV, sIV, sSR },
/*
 * synack: only in a simultaneous open does the originator send a SYN-ACK.
 */
/* fin */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/*
 * fin:    in SYN_RECV it must acknowledge the SYN-ACK exactly, as the ACK.
 */
/* ack */	   { sIV, sIV, sES, sES, sCW, sCW, sTW, sTW, sCL, sIV },
/*
 * ack:    no connection is picked up from an ACK alone (strict pickup), and
 *         an ACK before the SYN-ACK answers nothing.  SYN_RECV to
 *         ESTABLISHED only with an ACK of the responder's ISN + 1 (or of
 *         data it sent after its SYN-ACK): a window's worth of guesses
 *         would otherwise complete a spoofed handshake blindly.
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
 * synack: it must acknowledge exactly the SYN it answers.  Late SYN-ACK
 *         retransmissions are harmless and change nothing; one that
 *         answers exactly the SYN held in ESTABLISHED, FIN_WAIT or
 *         CLOSE_WAIT means the responder had forgotten the old connection
 *         and both ends now run a new one: the tracker starts it over in
 *         SYN_RECV (as conntrack does).
 */
/* fin */	   { sIV, sIV, sFW, sFW, sLA, sLA, sLA, sTW, sCL, sIV },
/* ack */	   { sIV, sIG, sSR, sES, sCW, sCW, sTW, sTW, sCL, sIG },
/*
 * ack:    an ACK before its SYN-ACK may be a challenge ACK; it passes but
 *         moves nothing.
 */
/* rst */	   { sIV, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL, sCL },
/*
 * rst:    (either side) in the handshake, an in-window reset closes the
 *         entry at once; in an established connection only an exact one
 *         does (gw_tcp_in_window()).
 */
/* none */	   { sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV, sIV },
	},
};

u8 gw_tcp_next_state(u8 state, enum gw_dir dir, enum gw_tcp_flag_class fc)
{
	if (state > GW_TCP_STATE_MAX || fc >= GW_TCP_FC_MAX)
		return GW_TCP_S_INVALID;
	return gw_tcp_table[dir][fc][state];
}

/* Sequence-number comparisons modulo 2^32 (RFC 1982). */
static bool gw_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static bool gw_seq_after(u32 a, u32 b)
{
	return gw_seq_before(b, a);
}

/*
 * An ACK may lag what it acknowledges by at most the sender's largest
 * window, or 64 KiB plus change for senders that never opened one up.
 */
static u32 gw_max_ack_window(const struct gw_tcp_peer *sender)
{
	return sender->maxwin > 66000 ? sender->maxwin : 66000;
}

/* One past the last sequence number @pkt occupies; SYN and FIN count one. */
static u32 gw_tcp_seg_end(const struct gw_pkt *pkt)
{
	return pkt->seq + pkt->payload_len + !!(pkt->tcp_flags & GW_TCP_SYN) +
	       !!(pkt->tcp_flags & GW_TCP_FIN);
}

/* Learn a side from its SYN or SYN-ACK: nothing about it is known before. */
static void gw_tcp_peer_from_syn(struct gw_tcp_peer *peer,
				 const struct gw_pkt *pkt)
{
	peer->end = gw_tcp_seg_end(pkt);
	peer->maxend = peer->end;
	/* a SYN's window is never scaled */
	peer->maxwin = pkt->window ? pkt->window : 1;
	peer->flags &= GW_TCP_PEER_LIBERAL;
	peer->wscale = 0;
	if (pkt->tcp_opts & GW_TCPOPT_WSCALE_SEEN) {
		peer->flags |= GW_TCP_PEER_WSCALE;
		peer->wscale = pkt->wscale;
	}
	if (pkt->tcp_opts & GW_TCPOPT_SACK_PERM)
		peer->flags |= GW_TCP_PEER_SACK_PERM;
}

/* Learn a side from a segment in mid-stream (pickup, or a reply RST). */
static void gw_tcp_peer_from_segment(struct gw_tcp_peer *peer,
				     const struct gw_pkt *pkt)
{
	u32 win = (u32)pkt->window << peer->wscale;

	peer->end = gw_tcp_seg_end(pkt);
	peer->maxwin = win ? win : 1;
	peer->maxend = peer->end + peer->maxwin;
}

void gw_tcp_init(struct gw_tcp_conn *conn, const struct gw_pkt *pkt)
{
	memset(conn, 0, sizeof(*conn));
	conn->state = gw_tcp_next_state(GW_TCP_NONE, GW_DIR_ORIGINAL,
					gw_tcp_flag_class(pkt->tcp_flags));
	gw_tcp_peer_from_syn(&conn->peer[GW_DIR_ORIGINAL], pkt);
	gw_tcp_set_held(conn, pkt->seq + 1);
}

/*
 * Adopt a connection we did not see open (the module was loaded, or the
 * table flushed, under it) from a segment its inside end sent.  The window
 * scale was agreed in a handshake we missed and can never be learnt, so the
 * windows of such a connection are not judged at all, for its whole life;
 * its states still are.  Returns false for a segment that cannot belong to
 * a live connection.
 */
bool gw_tcp_pickup(struct gw_tcp_conn *conn, const struct gw_pkt *pkt)
{
	enum gw_tcp_flag_class fc = gw_tcp_flag_class(pkt->tcp_flags);

	if (fc != GW_TCP_FC_ACK && fc != GW_TCP_FC_FIN)
		return false;
	memset(conn, 0, sizeof(*conn));
	conn->state = fc == GW_TCP_FC_FIN ? GW_TCP_FIN_WAIT :
					    GW_TCP_ESTABLISHED;
	conn->flags = GW_TCP_CONN_PICKED_UP;
	conn->peer[GW_DIR_ORIGINAL].flags = GW_TCP_PEER_LIBERAL;
	conn->peer[GW_DIR_REPLY].flags = GW_TCP_PEER_LIBERAL;
	gw_tcp_peer_from_segment(&conn->peer[GW_DIR_ORIGINAL], pkt);
	/* what it acknowledges is what the other side has sent */
	conn->peer[GW_DIR_REPLY].end = pkt->ack_seq;
	conn->peer[GW_DIR_REPLY].maxend = pkt->ack_seq;
	return true;
}

/*
 * A stack with no socket for a segment answers it with a reset at the
 * segment's ACK (RFC 9293 3.10.7.1): so a reset from the responder at
 * exactly the highest ACK the originator sent is as good as one at its
 * own end (conntrack's td_maxack test).  Only the originator's ACKs are
 * kept: the 36 bytes have room for one number.
 */
static bool gw_tcp_rst_at_maxack(const struct gw_tcp_conn *conn, u32 seq,
				 enum gw_dir dir)
{
	return dir == GW_DIR_REPLY && (conn->held_kind & GW_TCP_HELD_MAXACK) &&
	       seq == gw_tcp_held(conn);
}

enum gw_window_verdict {
	GW_WINDOW_OK,
	GW_WINDOW_STALE,	/* old news sent again: pass, change nothing */
	GW_WINDOW_BAD,
};

/*
 * The four bounds of van Rooij's window check, for a segment @sender sends
 * to @receiver:
 *   I   it starts no later than the receiver lets the sender send;
 *   II  it ends no earlier than the receiver's window below the sender's
 *       highest data (older would be a retransmission of acked data);
 *   III it acknowledges nothing the receiver has not sent;
 *   IV  it acknowledges no less than a window below the receiver's data.
 * A failed I or III is forged or broken: drop.  A failed II or IV is a late
 * duplicate: passed unchanged, if it is at most one more window late, so
 * retransmissions and delayed ACKs get through; anything older can only be
 * a blind guess at the sequence space.  Resets get no such leniency:
 * RFC 5961 wants them in the window.
 */
static enum gw_window_verdict gw_tcp_in_window(struct gw_tcp_conn *conn,
					       const struct gw_pkt *pkt,
					       enum gw_dir dir)
{
	struct gw_tcp_peer *sender = &conn->peer[dir];
	struct gw_tcp_peer *receiver = &conn->peer[!dir];
	bool syn = pkt->tcp_flags & GW_TCP_SYN;
	bool rst = pkt->tcp_flags & GW_TCP_RST;
	u32 seq = pkt->seq, end = gw_tcp_seg_end(pkt);
	u32 win = pkt->window, ack, low;
	struct gw_tcp_peer saved[2];
	enum gw_window_verdict verdict;
	bool in_seq, in_ack;

	/* a refused segment must leave no trace: forged ones are refused */
	memcpy(saved, conn->peer, sizeof(saved));

	if (!sender->maxwin) {
		/* the first segment from this side */
		if (syn) {
			gw_tcp_peer_from_syn(sender, pkt);
			/* TCP Fast Open: data may follow the SYN-ACK at once */
			if (receiver->maxwin)
				sender->maxend = sender->end + receiver->maxwin;
			/* RFC 7323: scaling only when both sides offer it */
			if (!(sender->flags & receiver->flags &
			      GW_TCP_PEER_WSCALE)) {
				sender->wscale = 0;
				receiver->wscale = 0;
			}
		} else {
			gw_tcp_peer_from_segment(sender, pkt);
		}
	} else if (syn && !(pkt->tcp_flags & GW_TCP_ACK) &&
		   dir == GW_DIR_ORIGINAL && conn->state == GW_TCP_SYN_SENT) {
		/* the client gave up on its SYN and started over */
		gw_tcp_peer_from_syn(sender, pkt);
		return GW_WINDOW_OK;
	}

	if (!(pkt->tcp_flags & GW_TCP_ACK) || (rst && pkt->ack_seq == 0))
		ack = receiver->end;	/* acknowledges nothing: fits */
	else
		ack = pkt->ack_seq;
	/* a SACK block beyond the data acknowledges data nobody sent */
	if ((pkt->tcp_opts & GW_TCPOPT_SACK) &&
	    gw_seq_after(pkt->sack_edge, ack))
		ack = pkt->sack_edge;

	if (!receiver->maxwin) {
		/* nothing known of the receiver yet: nothing to check against */
		if (gw_seq_after(end, sender->end))
			sender->end = end;
		return GW_WINDOW_OK;
	}

	in_seq = gw_seq_before(seq, sender->maxend + 1) &&
		 gw_seq_after(end, sender->end - receiver->maxwin - 1);
	in_ack = gw_seq_before(ack, receiver->end + 1) &&
		 gw_seq_after(ack, receiver->end - gw_max_ack_window(sender) - 1);

	if (!in_seq || !in_ack) {
		if (sender->flags & GW_TCP_PEER_LIBERAL)
			goto update;
		verdict = GW_WINDOW_BAD;
		if (rst || !gw_seq_before(seq, sender->maxend + 1) ||
		    !gw_seq_before(ack, receiver->end + 1))
			goto refuse;
		/* bound II or IV failed: how late is it? */
		low = sender->end - 2 * receiver->maxwin - 1;
		if (!gw_seq_after(end, low))
			goto refuse;
		low = receiver->end - 2 * gw_max_ack_window(sender) - 1;
		if (!gw_seq_after(ack, low))
			goto refuse;
		verdict = GW_WINDOW_STALE;
		goto refuse;
	}

	/*
	 * RFC 5961: an in-window reset that is not exactly where the
	 * sender's data ends is answered by the endpoint with a challenge
	 * ACK, not obeyed; so it must not close our entry either, or a few
	 * hundred blind guesses would.  The real peer answers the challenge
	 * with an exact reset.
	 */
	if (rst && !(sender->flags & GW_TCP_PEER_LIBERAL) &&
	    conn->state >= GW_TCP_ESTABLISHED &&
	    conn->state <= GW_TCP_LAST_ACK && seq != sender->end &&
	    !gw_tcp_rst_at_maxack(conn, seq, dir)) {
		verdict = GW_WINDOW_STALE;
		goto refuse;
	}

update:
	if (!syn)
		win <<= sender->wscale;
	if (sender->maxwin < win)
		sender->maxwin = win;
	if (gw_seq_after(end, sender->end))
		sender->end = end;
	/* the sender overshot what we thought the receiver allowed */
	if (gw_seq_after(end, sender->maxend))
		receiver->maxwin += end - sender->maxend;
	if (gw_seq_after(ack + win, receiver->maxend - 1))
		/* a zero window still admits a one-byte probe */
		receiver->maxend = ack + (win ? win : 1);
	return GW_WINDOW_OK;

refuse:
	memcpy(conn->peer, saved, sizeof(saved));
	return verdict;
}

/*
 * In the handshake an ACK must acknowledge exactly the SYN it answers: at
 * least the ISN + 1 of its receiver (the held number in SYN_SENT, the
 * originator's; in SYN_RECV, the responder's), and at most what that side
 * sent since (data after a SYN or SYN-ACK: TCP Fast Open).  The window
 * checks alone would take any ACK up to 66000 below the end, and a blind
 * sweep of some 65 000 guesses would complete a spoofed handshake.  In a
 * simultaneous open the responder's SYN is acknowledged exactly.
 */
static bool gw_tcp_handshake_ack_ok(const struct gw_tcp_conn *conn,
				    const struct gw_pkt *pkt, enum gw_dir dir,
				    enum gw_tcp_flag_class fc)
{
	const struct gw_tcp_peer *orig = &conn->peer[GW_DIR_ORIGINAL];
	const struct gw_tcp_peer *reply = &conn->peer[GW_DIR_REPLY];
	u32 ack = pkt->ack_seq, low = gw_tcp_held(conn);

	if (fc == GW_TCP_FC_RST || !(pkt->tcp_flags & GW_TCP_ACK))
		return true;
	switch (conn->state) {
	case GW_TCP_SYN_SENT:
	case GW_TCP_SYN_SENT2:
		/* only SYN-ACKs get here: the table refuses the rest */
		if (dir == GW_DIR_ORIGINAL)
			return ack == reply->end;
		return ack - low <= orig->end - low;
	case GW_TCP_SYN_RECV:
		if (dir == GW_DIR_REPLY)
			return true;
		return ack - low <= reply->end - low;
	default:
		return true;
	}
}

/*
 * The originator sent a SYN on a live connection (ESTABLISHED, FIN_WAIT,
 * CLOSE_WAIT): pass it, change nothing, and hold its end and options, in
 * case the responder answers it with a SYN-ACK (gw_tcp_resync()).  Its
 * window is not held (no room): the largest a SYN can offer stands in.
 */
static void gw_tcp_hold_syn(struct gw_tcp_conn *conn, const struct gw_pkt *pkt)
{
	u8 kind = GW_TCP_HELD_SYN;

	if (pkt->tcp_opts & GW_TCPOPT_WSCALE_SEEN)
		kind |= GW_TCP_HELD_WSCALE | (pkt->wscale & GW_TCP_HELD_SHIFT);
	if (pkt->tcp_opts & GW_TCPOPT_SACK_PERM)
		kind |= GW_TCP_HELD_SACK_PERM;
	conn->held_kind = kind;
	gw_tcp_set_held(conn, gw_tcp_seg_end(pkt));
}

/*
 * The responder answers the held SYN with a SYN-ACK of exactly its end:
 * it had no connection any more (it would have sent a challenge ACK), so
 * both ends now run the new one and the tracker, out of step, starts over
 * from the held SYN (here) and this SYN-ACK (judged next, as in SYN_SENT),
 * as conntrack does ("b) This SYN/ACK acknowledges a SYN that we earlier
 * ignored").  A blind attacker can forge the SYN but not this answer: it
 * must acknowledge the held end exactly, and only while nothing else came
 * from the responder since the SYN.
 */
static void gw_tcp_resync(struct gw_tcp_conn *conn)
{
	struct gw_tcp_peer *orig = &conn->peer[GW_DIR_ORIGINAL];
	u32 end = gw_tcp_held(conn);
	u8 kind = conn->held_kind;

	memset(conn->peer, 0, sizeof(conn->peer));
	orig->end = end;
	orig->maxend = end;
	orig->maxwin = 0xffff;
	if (kind & GW_TCP_HELD_WSCALE) {
		orig->flags |= GW_TCP_PEER_WSCALE;
		orig->wscale = kind & GW_TCP_HELD_SHIFT;
	}
	if (kind & GW_TCP_HELD_SACK_PERM)
		orig->flags |= GW_TCP_PEER_SACK_PERM;
	gw_tcp_set_held(conn, end);
	conn->flags &= ~GW_TCP_CONN_PICKED_UP;
	conn->held_kind = 0;
	conn->state = GW_TCP_SYN_SENT;
}

/*
 * After an accepted segment: keep the held number what the new state
 * wants it to be (see GW_TCP_HELD_*).
 */
static void gw_tcp_update_held(struct gw_tcp_conn *conn,
			       const struct gw_pkt *pkt, enum gw_dir dir,
			       u8 old, enum gw_tcp_flag_class fc)
{
	u8 next = conn->state;

	if (next == GW_TCP_SYN_SENT && fc == GW_TCP_FC_SYN &&
	    dir == GW_DIR_ORIGINAL) {
		/* a new SYN from the originator: a new ISN */
		gw_tcp_set_held(conn, pkt->seq + 1);
		return;
	}
	if (next == GW_TCP_SYN_RECV && old != GW_TCP_SYN_RECV) {
		/* the responder's ISN + 1: what its SYN-ACK says, or what
		 * the originator's SYN-ACK acknowledged exactly
		 */
		conn->held_kind = 0;
		gw_tcp_set_held(conn, dir == GW_DIR_REPLY ? pkt->seq + 1 :
							    pkt->ack_seq);
		return;
	}
	if (next < GW_TCP_ESTABLISHED || next > GW_TCP_LAST_ACK)
		return;
	if (dir == GW_DIR_REPLY) {
		/* the responder answered something else: no resync */
		if (conn->held_kind & GW_TCP_HELD_SYN)
			conn->held_kind = 0;
		return;
	}
	if ((pkt->tcp_flags & (GW_TCP_ACK | GW_TCP_RST)) != GW_TCP_ACK)
		return;
	if (!(conn->held_kind & GW_TCP_HELD_MAXACK) ||
	    gw_seq_after(pkt->ack_seq, gw_tcp_held(conn))) {
		conn->held_kind = GW_TCP_HELD_MAXACK;
		gw_tcp_set_held(conn, pkt->ack_seq);
	}
}

/*
 * Move @conn along for @pkt travelling in @dir.  The caller has already
 * rejected flag combinations outside the whitelist.
 */
enum gw_tcp_verdict gw_tcp_track(struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir)
{
	enum gw_tcp_flag_class fc = gw_tcp_flag_class(pkt->tcp_flags);
	u8 old = conn->state, next;
	struct gw_tcp_conn before;
	bool resync = false;

	next = gw_tcp_next_state(old, dir, fc);
	if (next == GW_TCP_S_INVALID)
		return GW_TCP_INVALID;
	/*
	 * A fresh SYN on a finished connection's tuple is a new connection,
	 * possibly opened from the other side: policy must judge it again.
	 */
	if (next == GW_TCP_SYN_SENT && old >= GW_TCP_LAST_ACK &&
	    old <= GW_TCP_CLOSE)
		return GW_TCP_REOPEN;
	/*
	 * A SYN on an established connection (the peer rebooted, or we
	 * missed its end) or a late SYN-ACK: the endpoint answers with a
	 * challenge ACK (RFC 5961) and the exchange that follows, judged
	 * normally, settles it; or with a SYN-ACK to that very SYN, and the
	 * tracker follows the new connection.
	 */
	if (next == GW_TCP_S_IGNORE) {
		if (fc != GW_TCP_FC_SYNACK || dir != GW_DIR_REPLY ||
		    !(conn->held_kind & GW_TCP_HELD_SYN) ||
		    pkt->ack_seq != gw_tcp_held(conn)) {
			if (fc == GW_TCP_FC_SYN && old >= GW_TCP_ESTABLISHED &&
			    old <= GW_TCP_CLOSE_WAIT)
				gw_tcp_hold_syn(conn, pkt);
			return GW_TCP_ACCEPT_STALE;
		}
		before = *conn;
		resync = true;
		gw_tcp_resync(conn);
		next = GW_TCP_SYN_RECV;
	}

	if (fc == GW_TCP_FC_RST && dir == GW_DIR_REPLY &&
	    old == GW_TCP_SYN_SENT) {
		/* "connection refused": valid only if it answers our SYN */
		if (!(pkt->tcp_flags & GW_TCP_ACK) ||
		    pkt->ack_seq != conn->peer[GW_DIR_ORIGINAL].end)
			return GW_TCP_OUT_OF_WINDOW;
		conn->state = GW_TCP_CLOSE;
		return GW_TCP_ACCEPT_CLOSE;
	}

	if (!gw_tcp_handshake_ack_ok(conn, pkt, dir, fc)) {
		if (unlikely(resync))
			*conn = before;
		return GW_TCP_OUT_OF_WINDOW;
	}

	switch (gw_tcp_in_window(conn, pkt, dir)) {
	case GW_WINDOW_BAD:
		if (unlikely(resync))
			*conn = before;
		return GW_TCP_OUT_OF_WINDOW;
	case GW_WINDOW_STALE:
		if (unlikely(resync))
			*conn = before;
		return GW_TCP_ACCEPT_STALE;
	case GW_WINDOW_OK:
		break;
	}

	if (dir == GW_DIR_REPLY)
		conn->seen_reply = 1;
	conn->state = next;
	gw_tcp_update_held(conn, pkt, dir, old, fc);
	/* a reset in the handshake: nothing was established, keep nothing */
	if (fc == GW_TCP_FC_RST &&
	    (!conn->seen_reply || old == GW_TCP_SYN_RECV ||
	     old == GW_TCP_SYN_SENT2))
		return GW_TCP_ACCEPT_CLOSE;
	/* a retransmitted SYN must not keep a dead half-open entry alive */
	if (fc == GW_TCP_FC_SYN && old == GW_TCP_SYN_SENT &&
	    dir == GW_DIR_ORIGINAL)
		return GW_TCP_ACCEPT_STALE;
	return GW_TCP_ACCEPT;
}

/*
 * gw_tcp_track() without its side effect: the verdict it would give @pkt
 * and, in @next, the state it would leave, while @conn is left as it is.
 * The decision is the state the segment moves to, so "what it would do"
 * is that state, and applying it is storing it.  The packet path keeps
 * calling gw_tcp_track(), which moves the flow's state in place under the
 * flow's lock and copies nothing; this is for a judgement that must change
 * nothing (the explain command), and costs a copy of the 36 bytes.
 */
enum gw_tcp_verdict gw_tcp_judge(const struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir,
				 struct gw_tcp_conn *next)
{
	*next = *conn;
	return gw_tcp_track(next, pkt, dir);
}

/*
 * How to reset both ends of @conn so that each obeys: an end takes a
 * reset only at exactly the sequence number it expects next (RFC 5961),
 * which is where the other side's data ends (@end), as far as the
 * tracker saw it.  The responder's reset carries no ACK, so a request
 * socket still in SYN_RECV takes it too; the originator's acknowledges
 * all it sent, so one still in SYN_SENT takes it as a refusal.  False
 * when no end is left to tell (TIME_WAIT, CLOSE) or the windows are not
 * known (picked up mid-stream).
 */
bool gw_tcp_close_resets(const struct gw_tcp_conn *conn,
			 struct gw_tcp_close *rst)
{
	const struct gw_tcp_peer *orig = &conn->peer[GW_DIR_ORIGINAL];
	const struct gw_tcp_peer *reply = &conn->peer[GW_DIR_REPLY];

	switch (conn->state) {
	case GW_TCP_SYN_SENT:
	case GW_TCP_SYN_RECV:
	case GW_TCP_SYN_SENT2:
	case GW_TCP_ESTABLISHED:
	case GW_TCP_FIN_WAIT:
	case GW_TCP_CLOSE_WAIT:
	case GW_TCP_LAST_ACK:
		break;
	default:
		return false;
	}
	if (conn->flags & GW_TCP_CONN_PICKED_UP)
		return false;
	rst->to_responder_seq = orig->end;
	/* a responder that never answered: its sequence number is moot */
	rst->to_originator_seq = reply->maxwin ? reply->end : 0;
	rst->to_originator_ack = orig->end;
	return true;
}

/*
 * The states' names, as "gwctl conn list" prints them and GW_CMD_NAMES_GET
 * sends them (kmod/nl_names.c); gwctl keeps no copy.
 */
static const char *const gw_tcp_state_names[] = {
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

GW_NAMES_COMPLETE(gw_tcp_state_names, __GW_TCP_STATE_MAX);

const char *gw_tcp_state_name(u8 state)
{
	return GW_NAME_OF(gw_tcp_state_names, state, "?");
}
