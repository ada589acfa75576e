/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_TCP_H
#define _GW_CORE_TCP_H

#include "types.h"
#include "parse.h"
#include "gatewarden.h"

enum gw_dir {
	GW_DIR_ORIGINAL,	/* from the side that sent the first SYN */
	GW_DIR_REPLY,
};

/* Flag classes: the columns of the state machine. */
enum gw_tcp_flag_class {
	GW_TCP_FC_SYN,
	GW_TCP_FC_SYNACK,
	GW_TCP_FC_FIN,
	GW_TCP_FC_ACK,
	GW_TCP_FC_RST,
	GW_TCP_FC_NONE,
	GW_TCP_FC_MAX,
};

/* Pseudo states the transition table yields besides enum gw_tcp_state. */
#define GW_TCP_S_IGNORE		0xfe	/* fits, but changes nothing */
#define GW_TCP_S_INVALID	0xff	/* does not fit the state: drop */

enum gw_tcp_verdict {
	GW_TCP_ACCEPT,
	/*
	 * Let it pass, but it proves nothing about the connection being
	 * alive (a retransmitted SYN, old data sent again): the caller does
	 * not refresh the flow's timeout.
	 */
	GW_TCP_ACCEPT_STALE,
	/* a reset before any reply: pass it and forget the flow at once */
	GW_TCP_ACCEPT_CLOSE,
	GW_TCP_INVALID,		/* does not fit the state machine */
	GW_TCP_OUT_OF_WINDOW,	/* sequence or ACK outside the windows */
	/* a SYN on a closed connection's tuple: the caller starts afresh */
	GW_TCP_REOPEN,
};

/* Per-peer flags (struct gw_tcp_peer.flags), as the UAPI shows them. */
#define GW_TCP_PEER_WSCALE	GW_TCP_PEER_F_WSCALE
#define GW_TCP_PEER_SACK_PERM	GW_TCP_PEER_F_SACK_PERM
#define GW_TCP_PEER_LIBERAL	GW_TCP_PEER_F_LIBERAL	/* windows unknown */

/*
 * What one side of the connection has shown, as in van Rooij's "Real
 * Stateful TCP Packet Filtering in IP Filter" and the kernel's
 * tcp_in_window(): @end is one past the highest sequence number it sent,
 * @maxend the highest the other side's ACK plus window lets it send, @maxwin
 * the largest window it advertised (scaled).  A peer with @maxwin 0 has not
 * been seen yet.
 */
struct gw_tcp_peer {
	u32 end;
	u32 maxend;
	u32 maxwin;
	u8 wscale;
	u8 flags;
	u16 held;	/* half of the connection's held number (gw_tcp_held()) */
};

/* Connection flags (struct gw_tcp_conn.flags). */
#define GW_TCP_CONN_PICKED_UP	0x01	/* picked up mid-stream, not by SYN */

/*
 * What the held number is (gw_tcp_held(); struct gw_tcp_conn.held_kind),
 * by state:
 *   SYN_SENT, SYN_SENT2  the originator's ISN + 1: a SYN-ACK must
 *                        acknowledge at least its SYN;
 *   SYN_RECV             the responder's ISN + 1: the originator's ACK
 *                        must acknowledge at least the SYN-ACK;
 *   ESTABLISHED..LAST_ACK with GW_TCP_HELD_MAXACK, the highest ACK the
 *                        originator sent; with GW_TCP_HELD_SYN, the end of
 *                        a SYN the originator sent on the connection,
 *                        passed and not acted on, whose options are the
 *                        other bits.
 */
#define GW_TCP_HELD_MAXACK	0x80
#define GW_TCP_HELD_SYN		0x40
#define GW_TCP_HELD_SACK_PERM	0x20	/* the held SYN offered SACK */
#define GW_TCP_HELD_WSCALE	0x10	/* the held SYN offered scaling ... */
#define GW_TCP_HELD_SHIFT	0x0f	/* ... by this shift */

/*
 * Per-connection TCP state, kept in the flow entry (36 bytes, so that the
 * entry stays 128: the 32-bit held number lives in the two peers' spare
 * halves).
 */
struct gw_tcp_conn {
	u8 state;		/* enum gw_tcp_state */
	u8 seen_reply;		/* the responder has sent something */
	u8 flags;		/* GW_TCP_CONN_* */
	u8 held_kind;		/* GW_TCP_HELD_*: what the held number is */
	struct gw_tcp_peer peer[2];	/* by enum gw_dir of the sender */
};

/* The held number: the low half in peer[0], the high half in peer[1]. */
static inline u32 gw_tcp_held(const struct gw_tcp_conn *conn)
{
	return conn->peer[0].held | (u32)conn->peer[1].held << 16;
}

static inline void gw_tcp_set_held(struct gw_tcp_conn *conn, u32 v)
{
	conn->peer[0].held = (u16)v;
	conn->peer[1].held = (u16)(v >> 16);
}

/*
 * The two resets that close a tracked connection at both ends, with the
 * sequence numbers each end's stack takes (gw_tcp_close_resets()).
 */
struct gw_tcp_close {
	u32 to_responder_seq;	/* from the originator, no ACK */
	u32 to_originator_seq;	/* from the responder, with ACK ... */
	u32 to_originator_ack;	/* ... of everything the originator sent */
};

bool gw_tcp_close_resets(const struct gw_tcp_conn *conn,
			 struct gw_tcp_close *rst);
bool gw_tcp_flags_valid(u8 flags);
enum gw_tcp_flag_class gw_tcp_flag_class(u8 flags);
u8 gw_tcp_next_state(u8 state, enum gw_dir dir, enum gw_tcp_flag_class fc);
bool gw_tcp_is_pure_syn(u8 flags);
void gw_tcp_init(struct gw_tcp_conn *conn, const struct gw_pkt *pkt);
bool gw_tcp_pickup(struct gw_tcp_conn *conn, const struct gw_pkt *pkt);
enum gw_tcp_verdict gw_tcp_track(struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir);
enum gw_tcp_verdict gw_tcp_judge(const struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir,
				 struct gw_tcp_conn *next);
const char *gw_tcp_state_name(u8 state);

#endif /* _GW_CORE_TCP_H */
