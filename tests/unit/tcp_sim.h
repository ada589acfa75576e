/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TCP connection simulator: two endpoints that keep the sequence space
 * the way real stacks do (RFC 9293, RFC 7323 window scaling, RFC 2018
 * SACK), so that tests drive the tracker with the segments a real
 * connection would show it rather than with made-up numbers.
 *
 * Endpoints are named by enum gw_dir: GW_DIR_ORIGINAL is the side that
 * opens.  A segment is built by the side that sends it (sim_syn(),
 * sim_data(), ...), which advances that side's send state as sending
 * does; what happens to it next is up to the test: sim_track() shows it to
 * the tracker, sim_deliver() hands it to the other endpoint (or the test
 * loses it by doing neither).
 *
 * By default every segment travels as bytes: built with the packet builder
 * and read back with gw_parse() (every gw_header_pointer() mode), and the
 * parse must give back exactly the segment, SACK edge included.
 *
 * Nothing here uses cmocka: a misuse aborts, which the unit runner counts
 * as a failure and a fuzzer (the seed generator uses this too) as a crash.
 */
#ifndef _GW_TEST_TCP_SIM_H
#define _GW_TEST_TCP_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcp.h"

#define SIM_MAX_SACK	4	/* blocks in one option (no timestamps) */
#define SIM_MAX_OOO	8	/* out-of-order ranges a receiver keeps */
/* The largest payload sent as bytes; longer ones fill struct gw_pkt. */
#define SIM_WIRE_MAX	3000

/* Modulo-2^32 sequence comparisons, written independently of tcp.c. */
static inline bool sim_before(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline bool sim_after(uint32_t a, uint32_t b)
{
	return sim_before(b, a);
}

struct sim_seg {
	enum gw_dir dir;	/* who sends it */
	uint8_t flags;		/* GW_TCP_* */
	uint32_t seq;
	uint32_t ack;
	uint16_t win;		/* the window field as sent (unscaled) */
	uint32_t len;		/* payload bytes */
	bool wscale_opt;	/* SYN options */
	uint8_t wscale;
	bool sack_perm_opt;
	uint8_t nsack;		/* SACK blocks [left, right) */
	uint32_t sack[SIM_MAX_SACK][2];
};

struct sim_range {
	uint32_t left;
	uint32_t right;
};

struct sim_end {
	/* set before the handshake (sim_init() gives defaults) */
	uint32_t isn;
	uint32_t rcv_buf;	/* receive buffer in bytes */
	bool offer_wscale;
	uint8_t wscale;		/* the shift it offers */
	bool offer_sack;

	/* sending */
	bool syn_sent;
	uint32_t snd_una;	/* oldest byte not acknowledged */
	uint32_t snd_nxt;	/* one past the highest byte sent */
	uint32_t snd_right;	/* right edge the peer has allowed */
	bool fin_sent;
	uint32_t fin_seq;

	/* receiving */
	bool synced;		/* the peer's SYN arrived */
	uint32_t irs;
	uint32_t rcv_nxt;
	uint32_t rcv_unread;	/* delivered, not yet read by the app */
	uint32_t rcv_right;	/* right edge advertised: never moves left */
	uint16_t syn_win;	/* the window its own SYN carried */
	uint32_t max_adv_win;	/* largest window it offered, scaled */
	struct sim_range ooo[SIM_MAX_OOO];	/* most recent first */
	unsigned int nooo;
	bool fin_rcvd;
	bool reset;		/* an RST arrived */
	struct sim_range sacked[SIM_MAX_SACK];	/* the peer's latest SACK */
	unsigned int nsacked;

	/* what the handshake settled */
	bool peer_wscale_opt;	/* the peer's SYN offered scaling */
	uint8_t peer_wscale;
	bool peer_sack_opt;
	uint8_t snd_shift;	/* applied to the peer's window fields */
	uint8_t rcv_shift;	/* applied to its own */
	bool sack_ok;
};

struct sim {
	struct sim_end e[2];	/* by enum gw_dir */
	uint8_t family;		/* AF_INET (default) or AF_INET6 */
	bool wire;		/* segments go through bytes and gw_parse() */
	struct gw_tcp_conn conn;
	bool tracked;		/* the tracker holds the connection */
	uint64_t rng;
	unsigned long segments;	/* shown to the tracker */
};

/* Defaults: 64 KiB buffers, no scaling, no SACK, IPv4, wire on. */
void sim_init(struct sim *s, uint32_t isn_orig, uint32_t isn_reply);
void sim_offer_wscale(struct sim *s, enum gw_dir d, uint8_t shift);
void sim_offer_sack(struct sim *s, enum gw_dir d);
void sim_rcv_buf(struct sim *s, enum gw_dir d, uint32_t bytes);

/* ---- segments, built by the side that sends them ---------------------- */

/* SYN (or its retransmission) with the options the side offers. */
void sim_syn(struct sim *s, enum gw_dir d, struct sim_seg *seg);
/* A SYN carrying @n bytes of data (TCP Fast Open, RFC 7413). */
void sim_syn_data(struct sim *s, enum gw_dir d, uint32_t n,
		  struct sim_seg *seg);
/* A new SYN with a new ISN: the client gave up on the first and restarted. */
void sim_syn_new_isn(struct sim *s, enum gw_dir d, uint32_t isn,
		     struct sim_seg *seg);
/* SYN-ACK answering the peer's SYN (retransmission: the same again). */
void sim_synack(struct sim *s, enum gw_dir d, struct sim_seg *seg);
/* @n new bytes at snd_nxt, with ACK, window and SACK blocks. */
void sim_data(struct sim *s, enum gw_dir d, uint32_t n, struct sim_seg *seg);
/* A pure ACK (or window update) at snd_nxt. */
void sim_ack(struct sim *s, enum gw_dir d, struct sim_seg *seg);
/* FIN|ACK after the last byte (its retransmission if already sent). */
void sim_fin(struct sim *s, enum gw_dir d, struct sim_seg *seg);
/* @n bytes of data and the FIN in one segment. */
void sim_fin_data(struct sim *s, enum gw_dir d, uint32_t n,
		  struct sim_seg *seg);
/* Exact RST at snd_nxt, RST|ACK acknowledging rcv_nxt if @with_ack. */
void sim_rst(struct sim *s, enum gw_dir d, bool with_ack, struct sim_seg *seg);
/* Keep-alive: seq snd_nxt - 1, no data or one garbage byte. */
void sim_keepalive(struct sim *s, enum gw_dir d, bool one_byte,
		   struct sim_seg *seg);
/* Zero-window probe as Linux sends it: seq snd_una - 1, no data. */
void sim_zwp(struct sim *s, enum gw_dir d, struct sim_seg *seg);
/* Data again: @n bytes from @seq, current ACK and window. */
void sim_retx(struct sim *s, enum gw_dir d, uint32_t seq, uint32_t n,
	      struct sim_seg *seg);

/* Bytes the side may still send within the window the peer allowed. */
uint32_t sim_send_room(const struct sim *s, enum gw_dir d);
/* The application on side @d reads @n bytes (opening its window). */
void sim_read(struct sim *s, enum gw_dir d, uint32_t n);

/* The other endpoint receives @seg. */
void sim_deliver(struct sim *s, const struct sim_seg *seg);

/* ---- the tracker --------------------------------------------------------- */

/* @seg as the core sees it: through bytes and gw_parse() when s->wire. */
void sim_pkt(const struct sim *s, const struct sim_seg *seg,
	     struct gw_pkt *pkt);
/*
 * Show @seg to the tracker: gw_tcp_init() for the connection's first SYN
 * (verdict ACCEPT), gw_tcp_track() afterwards.
 */
enum gw_tcp_verdict sim_track(struct sim *s, const struct sim_seg *seg);
/* gw_tcp_track(), checked against a dry gw_tcp_judge() first */
enum gw_tcp_verdict sim_track_checked(struct gw_tcp_conn *conn,
				      const struct gw_pkt *pkt, enum gw_dir dir);
/* Mid-stream pickup from @seg, as tcp_pickup=loose does. */
bool sim_pickup(struct sim *s, const struct sim_seg *seg);
/* The packet's bytes (for fuzz seeds); returns the length. */
unsigned int sim_encode(const struct sim *s, const struct sim_seg *seg,
			uint8_t *buf, unsigned int cap);

/* ---- reporting ----------------------------------------------------------- */

const char *sim_verdict_name(enum gw_tcp_verdict v);
/* "ORIG ACK|PSH seq=.. ack=.. win=.. len=.." (relative to the ISNs) */
const char *sim_seg_str(const struct sim *s, const struct sim_seg *seg);
/* The tracker's window state, relative to the ISNs. */
const char *sim_conn_str(const struct sim *s);

/* Deterministic PRNG (splitmix64). */
uint64_t sim_rand(struct sim *s);
static inline uint32_t sim_rand_below(struct sim *s, uint32_t n)
{
	return n ? (uint32_t)(sim_rand(s) % n) : 0;
}

#endif /* _GW_TEST_TCP_SIM_H */
