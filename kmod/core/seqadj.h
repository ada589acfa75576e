/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_SEQADJ_H
#define _GW_CORE_SEQADJ_H

#include "types.h"

/*
 * Sequence and timestamp translation for the SYN proxy, as Linux's
 * nf_conntrack_seqadj.c and synproxy_tstamp_adjust() do it for SYNPROXY.
 *
 * The client agreed its connection with us: our SYN-ACK had ISN C (the
 * cookie) and, with timestamps, TSval Tc.  The server agreed its own with
 * us: its SYN-ACK had ISN S and TSval Ts.  The client's sequence numbers
 * and timestamp clock pass through unchanged; the server's are seen by the
 * client shifted by
 *
 *	seq_delta = S - C,  ts_delta = Ts - Tc  (mod 2^32)
 *
 * for the whole life of the connection.  So, in each direction, the fields
 * that name the server's sequence space or clock move, and only those:
 *
 *   to the client:  seq   -= seq_delta   (the server's own data)
 *		     TSval -= ts_delta    (the server's clock)
 *		     ack, SACK blocks, TSecr: unchanged (the client's data
 *		     and clock, echoed)
 *   to the server:  ack   += seq_delta   (acknowledges server data)
 *		     SACK block edges += seq_delta (so do they)
 *		     TSecr += ts_delta    (echoes the server's clock)
 *		     seq, TSval: unchanged (the client's own)
 *
 * Linux gets the same from nf_ct_seqadj_init(ct, reply, C - S): the reply
 * direction's offset is added to its seq and taken from the original
 * direction's ack and SACK edges; the original direction's offset is 0.
 * The urgent pointer is relative to seq and never moves.  TCP-MD5 and
 * TCP-AO signatures cover seq and ack: such connections cannot be proxied.
 *
 * Fields that only mean something with the ACK flag (ack, SACK blocks, and
 * TSecr, RFC 7323 3.2) are left alone in a segment to the server without
 * it.  Linux translates that TSecr anyway; it is meant to be zero and is
 * ignored.
 *
 * The core reads the TCP header and never writes it: it returns the list
 * of 32-bit fields to change, so that the module rewrites them with its
 * own checksum helpers (inet_proto_csum_replace4()).
 */

/* A TCP header holds at most 40 bytes of options. */
#define GW_TCP_MAX_OPTLEN	40

/*
 * ack, then at most 8 option fields: in 40 bytes, a SACK option of n
 * blocks is 2 + 8n bytes for 2n edges, a timestamps option 10 bytes for
 * one field, and no mix of them gives more than 8 (one SACK option of 4
 * blocks, or four of one).  Segments to the client need at most 1 + 4.
 */
#define GW_SEQADJ_MAX_EDITS	9

enum gw_seqadj_dir {
	GW_SEQADJ_TO_SERVER,	/* from the client: the flow's original way */
	GW_SEQADJ_TO_CLIENT,	/* from the server: the reply way */
};

struct gw_seqadj {
	u32 seq_delta;		/* S - C */
	u32 ts_delta;		/* Ts - Tc; 0 without timestamps */
};

/*
 * One 32-bit field of the TCP header to rewrite, @from to @to, and the
 * words to give the checksum update: inet_proto_csum_replace4(&th->check,
 * skb, @csum_from, @csum_to, false).  They are @from and @to at an even
 * offset, rotated by a byte at an odd one (seqadj.c says why).
 */
struct gw_seqadj_edit {
	__be32 from;		/* as the segment has it */
	__be32 to;
	__be32 csum_from;
	__be32 csum_to;
	u8 off;			/* from the start of the TCP header */
};

struct gw_seqadj_edits {
	unsigned int n;
	struct gw_seqadj_edit edit[GW_SEQADJ_MAX_EDITS];
};

/*
 * @cookie_isn, @cookie_tsval: our SYN-ACK's ISN and TSval to the client;
 * @server_isn, @server_tsval: those of the server's SYN-ACK to us;
 * @ts: whether both SYN-ACKs carried timestamps.
 */
static inline void gw_seqadj_init(struct gw_seqadj *adj, u32 cookie_isn,
				  u32 server_isn, bool ts, u32 cookie_tsval,
				  u32 server_tsval)
{
	adj->seq_delta = server_isn - cookie_isn;
	adj->ts_delta = ts ? server_tsval - cookie_tsval : 0;
}

bool gw_seqadj_tcp(const struct gw_seqadj *adj, enum gw_seqadj_dir dir,
		   const u8 *th, unsigned int len,
		   struct gw_seqadj_edits *edits);

#endif /* _GW_CORE_SEQADJ_H */
