// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmarks of the decision core's hot path: the parser, the flow key,
 * the TCP tracker, the SYN proxy's cookie and sequence translation, the
 * rule match and the flood arithmetic, compiled from kmod/core as they are
 * (the files the module builds) with -O2.
 *
 * Every case is a loop of iterations that checks each result it computes
 * (a parse that fails, a verdict that is not the expected one, a rule match
 * that returns the wrong rule): a wrong result fails the run, the time it
 * took never does.  Two measures, printed side by side:
 *
 *  - wall clock: ns per iteration, the median of BENCH_ROUNDS timed
 *    batches, taken round robin over the cases so that a burst of load from
 *    other jobs lands on all of them alike;
 *  - instructions: Ir per iteration under valgrind --tool=callgrind, each
 *    case collected on its own between client requests (this binary runs
 *    itself under valgrind); the same on every run, whatever the load.
 *
 * The claims are ratios within one run: each case against the baseline (a
 * memcpy of the header bytes a parse reads), N rules against 10, an
 * established segment against the handshake, a proxied established
 * segment against a plain one.
 *
 *   bench_core [--no-callgrind] [--callgrind-dir DIR]
 *   bench_core --callgrind-child   (what valgrind runs)
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#define BENCH_HAVE_CALLGRIND 1
#else
#define BENCH_HAVE_CALLGRIND 0
#endif

#include "pkt_buffer.h"
#include "parse.h"
#include "flowkey.h"
#include "tcp.h"
#include "rule.h"
#include "ruleindex.h"
#include "flood.h"
#include "blocklist.h"
#include "syncookie.h"
#include "seqadj.h"
#include "proxy.h"
#include "scan.h"
#include "siphash.h"

/*
 * Timed batches per case, each at least BENCH_BATCH_NS long: many short
 * ones, shorter than a scheduler time slice, so that most of them run
 * without being preempted by the other jobs on the machine.
 */
#define BENCH_ROUNDS	41
#define BENCH_BATCH_NS	250000ULL

/*
 * Keep the compiler from computing a result once, or not at all: every
 * input goes through bench_hide() and every result into bench_use().
 */
#define bench_use(x)	__asm__ volatile("" : : "g"(x) : "memory")
#define bench_hide(x)	__asm__ volatile("" : "+r"(x))

static volatile uint64_t bench_sink;

#define BENCH_DIE(...)							\
	do {								\
		fprintf(stderr, "bench: " __VA_ARGS__);			\
		fputc('\n', stderr);					\
		exit(2);						\
	} while (0)

/* ---- the packets ------------------------------------------------------- */

#define A4	"192.0.2.10"		/* inside client */
#define B4	"198.51.100.20"		/* outside server */
#define SRV4	"203.0.113.10"		/* inside server, rule target */
#define A6	"2001:db8:1::10"
#define B6	"2001:db8:2::20"
#define A_PORT	40000
#define B_PORT	443
#define MSS	1448

struct bench_wire {
	struct gw_pb pb;
	struct gw_test_buf buf;
	unsigned int hdr_len;	/* network + transport header bytes */
	struct gw_pkt want;	/* the parse, taken once outside the loop */
};

static struct bench_wire w_tcp4, w_tcp4_syn, w_tcp6, w_udp4, w_udp6;

/* The options Linux puts on a data segment: NOP NOP timestamps. */
static void tcp_ts_option(struct gw_pb *pb)
{
	static const uint8_t ts[12] = {
		1, 1, 8, 10, 0, 0, 0x12, 0x34, 0, 0, 0x56, 0x78,
	};

	gw_pb_tcp_opt_raw(pb, ts, sizeof(ts));
}

static void wire_finish(struct bench_wire *w, unsigned int hdr_len)
{
	gw_pb_finish(&w->pb);
	w->buf.data = w->pb.data;
	w->buf.len = w->pb.len;
	w->hdr_len = hdr_len;
	if (gw_pb_parse(&w->pb, &w->want) != GW_PARSE_OK)
		BENCH_DIE("a benchmark packet does not parse");
}

static void build_packets(void)
{
	gw_pb_ipv4(&w_tcp4.pb, B4, A4);
	gw_pb_tcp(&w_tcp4.pb, B_PORT, A_PORT, GW_TCP_ACK | GW_TCP_PSH,
		  1000, 2000);
	tcp_ts_option(&w_tcp4.pb);
	gw_pb_payload(&w_tcp4.pb, MSS);
	wire_finish(&w_tcp4, 20 + 32);

	/* MSS, SACK permitted, timestamps, NOP, window scale: Linux's SYN */
	gw_pb_ipv4(&w_tcp4_syn.pb, B4, SRV4);
	gw_pb_tcp(&w_tcp4_syn.pb, 51000, B_PORT, GW_TCP_SYN, 1000, 0);
	gw_pb_tcp_mss(&w_tcp4_syn.pb, MSS);
	gw_pb_tcp_sack_perm(&w_tcp4_syn.pb);
	tcp_ts_option(&w_tcp4_syn.pb);
	gw_pb_tcp_wscale(&w_tcp4_syn.pb, 7);
	wire_finish(&w_tcp4_syn, 20 + 40);

	gw_pb_ipv6(&w_tcp6.pb, B6, A6);
	gw_pb_tcp(&w_tcp6.pb, B_PORT, A_PORT, GW_TCP_ACK | GW_TCP_PSH,
		  1000, 2000);
	tcp_ts_option(&w_tcp6.pb);
	gw_pb_payload(&w_tcp6.pb, MSS - 20);
	wire_finish(&w_tcp6, 40 + 32);

	gw_pb_ipv4(&w_udp4.pb, B4, A4);
	gw_pb_udp(&w_udp4.pb, 53, A_PORT);
	gw_pb_payload(&w_udp4.pb, 512);
	wire_finish(&w_udp4, 20 + 8);

	gw_pb_ipv6(&w_udp6.pb, B6, A6);
	gw_pb_udp(&w_udp6.pb, 53, A_PORT);
	gw_pb_payload(&w_udp6.pb, 512);
	wire_finish(&w_udp6, 40 + 8);
}

/* ---- baseline: the bytes a parse reads, copied ------------------------- */

static uint64_t copy_header(const struct bench_wire *w, uint64_t iters)
{
	uint8_t hdr[128];
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		const uint8_t *src = w->buf.data;
		size_t len = w->hdr_len;

		bench_hide(src);
		bench_hide(len);
		memcpy(hdr, src, len);
		bench_use(hdr);
		bad += hdr[0] != src[0];
	}
	return bad;
}

static uint64_t run_copy_v4(uint64_t iters)
{
	return copy_header(&w_tcp4, iters);
}

static uint64_t run_copy_v6(uint64_t iters)
{
	return copy_header(&w_tcp6, iters);
}

/* ---- gw_parse() -------------------------------------------------------- */

static uint64_t parse_wire(const struct bench_wire *w, uint64_t iters)
{
	const void *data = &w->buf;
	struct gw_pkt pkt;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		bench_hide(data);
		if (gw_parse(&pkt, w->pb.family, data, w->buf.len) !=
		    GW_PARSE_OK)
			bad++;
		bench_use(&pkt);
		/* what the callers read next: the ports and the protocol */
		bad += pkt.dport != w->want.dport || pkt.proto != w->want.proto ||
		       pkt.payload_len != w->want.payload_len;
	}
	return bad;
}

static uint64_t run_parse_tcp4(uint64_t iters)
{
	return parse_wire(&w_tcp4, iters);
}

static uint64_t run_parse_tcp4_syn(uint64_t iters)
{
	return parse_wire(&w_tcp4_syn, iters);
}

static uint64_t run_parse_tcp6(uint64_t iters)
{
	return parse_wire(&w_tcp6, iters);
}

static uint64_t run_parse_udp4(uint64_t iters)
{
	return parse_wire(&w_udp4, iters);
}

static uint64_t run_parse_udp6(uint64_t iters)
{
	return parse_wire(&w_udp6, iters);
}

/* ---- the flow key: built and compared, as a table lookup does ----------- */

static struct gw_flow_key key_tcp4, key_tcp6;

static uint64_t flow_key(const struct bench_wire *w,
			 const struct gw_flow_key *stored, uint64_t iters)
{
	const struct gw_pkt *pkt = &w->want;
	struct gw_flow_key key;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		bool src_first;

		bench_hide(pkt);
		src_first = gw_flow_key_from_pkt(&key, pkt);
		bench_use(&key);
		/* the server (B, port 443) sorts after the client in both */
		bad += src_first || !gw_flow_key_equal(&key, stored);
	}
	return bad;
}

static uint64_t run_flowkey_tcp4(uint64_t iters)
{
	return flow_key(&w_tcp4, &key_tcp4, iters);
}

static uint64_t run_flowkey_tcp6(uint64_t iters)
{
	return flow_key(&w_tcp6, &key_tcp6, iters);
}

/* ---- the TCP tracker ----------------------------------------------------- */

/*
 * One IPv4 connection A:40000 -> B:443, window scale 7 and SACK on both
 * sides, as parsed packets: the tracker reads struct gw_pkt, not bytes.
 */
static struct gw_pkt seg_syn, seg_synack, seg_ack, seg_data, seg_data_ack;
static struct gw_tcp_conn conn_est;
static uint32_t est_seq, est_ack;	/* where the established flow is */

#define ISN_A	0x10000000U
#define ISN_B	0xf0000000U	/* wraps 2^32 during the run */

static void parse_segment(struct gw_pkt *pkt, const char *src,
			  const char *dst, uint16_t sport, uint16_t dport,
			  uint8_t flags, uint32_t seq, uint32_t ack,
			  bool syn_opts, unsigned int payload)
{
	struct gw_pb pb;

	gw_pb_ipv4(&pb, src, dst);
	gw_pb_tcp(&pb, sport, dport, flags, seq, ack);
	if (syn_opts) {
		gw_pb_tcp_mss(&pb, MSS);
		gw_pb_tcp_sack_perm(&pb);
		tcp_ts_option(&pb);
		gw_pb_tcp_wscale(&pb, 7);
	} else {
		tcp_ts_option(&pb);
	}
	if (payload)
		gw_pb_payload(&pb, payload);
	gw_pb_finish(&pb);
	if (gw_pb_parse(&pb, pkt) != GW_PARSE_OK)
		BENCH_DIE("a TCP segment does not parse");
}

/* The segments the module shows the tracker, with their flag check. */
static enum gw_tcp_verdict track(struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir)
{
	if (!gw_tcp_flags_valid(pkt->tcp_flags))
		return GW_TCP_INVALID;
	return gw_tcp_track(conn, pkt, dir);
}

static void build_segments(void)
{
	parse_segment(&seg_syn, A4, B4, A_PORT, B_PORT, GW_TCP_SYN,
		      ISN_A, 0, true, 0);
	parse_segment(&seg_synack, B4, A4, B_PORT, A_PORT,
		      GW_TCP_SYN | GW_TCP_ACK, ISN_B, ISN_A + 1, true, 0);
	parse_segment(&seg_ack, A4, B4, A_PORT, B_PORT, GW_TCP_ACK,
		      ISN_A + 1, ISN_B + 1, false, 0);
	/* the server's data and the client's ACK of it; seq/ack set per use */
	parse_segment(&seg_data, B4, A4, B_PORT, A_PORT,
		      GW_TCP_ACK | GW_TCP_PSH, ISN_B + 1, ISN_A + 1, false,
		      MSS);
	parse_segment(&seg_data_ack, A4, B4, A_PORT, B_PORT, GW_TCP_ACK,
		      ISN_A + 1, ISN_B + 1 + MSS, false, 0);

	gw_tcp_init(&conn_est, &seg_syn);
	if (track(&conn_est, &seg_synack, GW_DIR_REPLY) != GW_TCP_ACCEPT ||
	    track(&conn_est, &seg_ack, GW_DIR_ORIGINAL) != GW_TCP_ACCEPT ||
	    conn_est.state != GW_TCP_ESTABLISHED)
		BENCH_DIE("the tracker refuses the benchmark's handshake");
	est_seq = ISN_B + 1;
	est_ack = ISN_A + 1;
}

/* SYN, SYN-ACK, ACK: a connection from nothing to ESTABLISHED. */
static uint64_t run_tcp_handshake(uint64_t iters)
{
	const struct gw_pkt *syn = &seg_syn, *synack = &seg_synack;
	const struct gw_pkt *ack = &seg_ack;
	struct gw_tcp_conn conn;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		bench_hide(syn);
		bench_hide(synack);
		bench_hide(ack);
		bad += !gw_tcp_is_pure_syn(syn->tcp_flags);
		gw_tcp_init(&conn, syn);
		bad += track(&conn, synack, GW_DIR_REPLY) != GW_TCP_ACCEPT;
		bad += track(&conn, ack, GW_DIR_ORIGINAL) != GW_TCP_ACCEPT;
		bench_use(&conn);
		bad += conn.state != GW_TCP_ESTABLISHED;
	}
	return bad;
}

/*
 * One full-sized data segment from the server and the client's ACK of it,
 * on the established connection: sequence numbers move on each time, so
 * every one is new data, never a retransmission.
 */
static uint64_t run_tcp_established(uint64_t iters)
{
	struct gw_pkt *data = &seg_data, *ack = &seg_data_ack;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		data->seq = est_seq;
		data->ack_seq = est_ack;
		est_seq += MSS;
		ack->seq = est_ack;
		ack->ack_seq = est_seq;
		bench_hide(data);
		bench_hide(ack);
		bad += track(&conn_est, data, GW_DIR_REPLY) != GW_TCP_ACCEPT;
		bad += track(&conn_est, ack, GW_DIR_ORIGINAL) != GW_TCP_ACCEPT;
		bench_use(&conn_est);
		bad += conn_est.state != GW_TCP_ESTABLISHED;
	}
	return bad;
}

/* ---- the SYN proxy ------------------------------------------------------- */

/* The namespace's two keys (random in the module, fixed here). */
static const siphash_key_t proxy_key[2] = {
	{ { 0x0123456789abcdefULL, 0xfedcba9876543210ULL } },
	{ { 0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL } },
};

static u64 bench_siphash(const void *data, size_t len, const void *key)
{
	return siphash(data, len, key);
}

/* kmod/synproxy.c's gw_synproxy_hash(): the core's, with siphash(). */
static void synproxy_hash(const siphash_key_t *key, const struct gw_pkt *pkt,
			  u32 counter, bool prev, struct gw_cookie_hash *h)
{
	gw_proxy_cookie_hash(pkt, counter, prev, bench_siphash, &key[0],
			     &key[1], h);
}

/*
 * The SYN is w_tcp4_syn, the one parse_tcp4_syn parses (MSS 1448, SACK
 * permitted, timestamps, window scale 7), at a fixed epoch and timestamp
 * clock (the module's jiffies and tcp_time_stamp_raw()).
 */
#define PROXY_COUNTER	1000U
#define PROXY_TS_NOW	0x12345678U

static struct gw_cookie_hash proxy_hash_want;
static struct gw_cookie_opts proxy_opts_want;
static u32 proxy_cookie_want, proxy_tsval_want;

/* The client's SYN options, as gw_synproxy_answer_syn() hands them over. */
static struct gw_cookie_opts syn_cookie_opts(const struct gw_pkt *syn)
{
	struct gw_cookie_opts opts;

	gw_proxy_syn_opts(syn, &opts);
	return opts;
}

/*
 * The proxied connection of synproxy_established: the client
 * 198.51.100.20:51000 outside, the server 203.0.113.10:443 inside.  The
 * tracker's connection is the server's half, in the server's sequence
 * space, from the same handshake as conn_est (ISN_A the client's, ISN_B
 * the server's).  Our SYN-ACK told the client ISN COOKIE_ISN and TSval
 * COOKIE_TSVAL; the server's told us ISN_B and TSval SERVER_TSVAL.
 */
#define COOKIE_ISN	0x9e3779b9U
#define COOKIE_TSVAL	0x00c0ffeeU
#define SERVER_TSVAL	0x1234U		/* the TSval of tcp_ts_option() */
#define CLIENT_TSVAL	0x5678U		/* and its TSecr */

struct proxy_seg {
	struct gw_pb pb;
	struct gw_pkt pkt;
	uint8_t *th;		/* the TCP header in pb.data */
	unsigned int th_len;	/* with its options: what the module reads */
};

static struct proxy_seg pseg_data, pseg_ack;
static struct gw_tcp_conn conn_proxied;
static struct gw_seqadj proxy_adj;
static uint32_t pest_seq, pest_ack;	/* the server's space */

static void put_be32(uint8_t *p, uint32_t v)
{
	v = gw_htonl(v);
	memcpy(p, &v, sizeof(v));
}

static void proxy_seg_finish(struct proxy_seg *s)
{
	gw_pb_finish(&s->pb);
	if (gw_pb_parse(&s->pb, &s->pkt) != GW_PARSE_OK)
		BENCH_DIE("a proxied segment does not parse");
	s->th = s->pb.data + s->pkt.l4_off;
	s->th_len = (s->th[12] >> 4) * 4U;
}

static void build_proxy(void)
{
	const struct gw_pkt *syn = &w_tcp4_syn.want;
	struct gw_cookie_opts opts, back;
	struct gw_cookie_hash h;
	uint8_t ts[12] = { 1, 1, 8, 10 };
	u32 tsval = 0;

	if (!siphash_selftest())
		BENCH_DIE("siphash does not give the reference vectors");

	/* the cookie of the benchmark's SYN, and it must check */
	synproxy_hash(proxy_key, syn, PROXY_COUNTER, true, &h);
	opts = syn_cookie_opts(syn);
	proxy_cookie_want = gw_cookie_make(syn->family, syn->seq,
					   PROXY_COUNTER, &h, &opts,
					   PROXY_TS_NOW, &tsval);
	if (gw_cookie_check(syn->family, proxy_cookie_want, syn->seq,
			    PROXY_COUNTER, &h, &tsval, &back) != GW_COOKIE_OK ||
	    back.mss != 1440 || !back.wscale_ok || back.wscale != 7 ||
	    !back.sack_ok || !back.ts_ok || back.ecn_ok ||
	    opts.mss != back.mss || opts.wscale != back.wscale)
		BENCH_DIE("the benchmark SYN's cookie does not check");
	proxy_opts_want = opts;
	proxy_tsval_want = tsval;
	proxy_hash_want = h;
	proxy_hash_want.prev = 0;

	/* the tracker's half: the same handshake as conn_est's */
	gw_tcp_init(&conn_proxied, &seg_syn);
	if (track(&conn_proxied, &seg_synack, GW_DIR_REPLY) != GW_TCP_ACCEPT ||
	    track(&conn_proxied, &seg_ack, GW_DIR_ORIGINAL) != GW_TCP_ACCEPT ||
	    conn_proxied.state != GW_TCP_ESTABLISHED)
		BENCH_DIE("the tracker refuses the proxied handshake");
	gw_seqadj_init(&proxy_adj, COOKIE_ISN, ISN_B, true, COOKIE_TSVAL,
		       SERVER_TSVAL);
	pest_seq = ISN_B + 1;
	pest_ack = ISN_A + 1;

	/* the server's data segment, in its own space: seq set per use */
	gw_pb_ipv4(&pseg_data.pb, SRV4, B4);
	gw_pb_tcp(&pseg_data.pb, B_PORT, 51000, GW_TCP_ACK | GW_TCP_PSH,
		  pest_seq, pest_ack);
	tcp_ts_option(&pseg_data.pb);
	gw_pb_payload(&pseg_data.pb, MSS);
	proxy_seg_finish(&pseg_data);

	/*
	 * The client's ACK of it, in the client's space: its ack and TSecr
	 * are the server's seq and TSval as the proxy showed them (ack set
	 * per use).
	 */
	gw_pb_ipv4(&pseg_ack.pb, B4, SRV4);
	gw_pb_tcp(&pseg_ack.pb, 51000, B_PORT, GW_TCP_ACK, pest_ack,
		  pest_seq + MSS - proxy_adj.seq_delta);
	put_be32(ts + 4, CLIENT_TSVAL);
	put_be32(ts + 8, SERVER_TSVAL - proxy_adj.ts_delta);
	gw_pb_tcp_opt_raw(&pseg_ack.pb, ts, sizeof(ts));
	proxy_seg_finish(&pseg_ack);
	if (pseg_data.th_len != 32 || pseg_ack.th_len != 32 ||
	    pseg_data.pkt.payload_len != MSS || pseg_ack.pkt.payload_len ||
	    !(pseg_ack.pkt.tcp_opts & GW_TCPOPT_TS) ||
	    pseg_ack.pkt.tsecr != SERVER_TSVAL - proxy_adj.ts_delta)
		BENCH_DIE("the proxied segments are not what they should be");
}

/*
 * The two siphash() calls of gw_synproxy_hash() for a SYN, alone: the
 * kernel's function, not the core, but paid for every SYN answered.
 */
static uint64_t run_synproxy_hash(uint64_t iters)
{
	const struct gw_pkt *syn = &w_tcp4_syn.want;
	const siphash_key_t *key = proxy_key;
	struct gw_cookie_hash h;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		u32 counter = PROXY_COUNTER;

		bench_hide(syn);
		bench_hide(key);
		bench_hide(counter);
		synproxy_hash(key, syn, counter, false, &h);
		bench_use(&h);
		bad += h.tuple != proxy_hash_want.tuple ||
		       h.cur != proxy_hash_want.cur;
	}
	return bad;
}

/*
 * What the module does in the core for a SYN it answers with a cookie
 * SYN-ACK: the parse, kmod/tcp_track.c's flag checks of a SYN with no
 * flow, and gw_synproxy_answer_syn()'s hashes and cookie.  The SYN-ACK's
 * options are written by the module (gw_synproxy_options()), not the core.
 */
static uint64_t run_synproxy_synack(uint64_t iters)
{
	const void *data = &w_tcp4_syn.buf;
	const siphash_key_t *key = proxy_key;
	const struct gw_cookie_opts *want = &proxy_opts_want;
	struct gw_pkt syn;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		struct gw_cookie_opts opts;
		struct gw_cookie_hash h;
		u32 counter = PROXY_COUNTER, ts_now = PROXY_TS_NOW;
		u32 tsval = 0, cookie;

		bench_hide(data);
		bench_hide(key);
		bench_hide(counter);
		bench_hide(ts_now);
		if (gw_parse(&syn, AF_INET, data, w_tcp4_syn.buf.len) !=
		    GW_PARSE_OK)
			bad++;
		bad += !gw_tcp_flags_valid(syn.tcp_flags) ||
		       !gw_tcp_is_pure_syn(syn.tcp_flags);
		opts = syn_cookie_opts(&syn);
		synproxy_hash(key, &syn, counter, false, &h);
		cookie = gw_cookie_make(syn.family, syn.seq, counter, &h, &opts,
					ts_now, &tsval);
		bench_use(cookie);
		bench_use(tsval);
		bench_use(&opts);
		bad += cookie != proxy_cookie_want ||
		       tsval != proxy_tsval_want ||
		       opts.mss != want->mss || opts.wscale != want->wscale ||
		       !opts.wscale_ok || !opts.sack_ok || !opts.ts_ok ||
		       opts.ecn_ok;
	}
	return bad;
}

/*
 * tcp_established's two segments on a proxied connection, with what a
 * proxied flow adds to each in the core (kmod/tcp_track.c and
 * gw_synproxy_rewrite()): the server's data is judged as it is, then
 * gw_seqadj_tcp() finds its seq and TSval to move for the client; the
 * client's ACK is copied and translated into the server's space
 * (gw_proxy_to_server()), judged, then gw_seqadj_tcp() finds its ack and
 * TSecr to move for the server.  The window needs no rewrite: the
 * server's shift is the one the proxy offered (7).  The loop also writes
 * the moving seq and ack into the two headers' bytes.
 */
static uint64_t run_synproxy_established(uint64_t iters)
{
	struct gw_pkt *data = &pseg_data.pkt, *ack = &pseg_ack.pkt;
	uint8_t *dth = pseg_data.th, *ath = pseg_ack.th;
	const struct gw_seqadj *adj = &proxy_adj;
	const __be32 to_client_tsval = gw_htonl(COOKIE_TSVAL);
	const __be32 to_server_tsecr = gw_htonl(SERVER_TSVAL);
	struct gw_seqadj_edits edits;
	struct gw_pkt translated;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		u32 seq = pest_seq;

		data->seq = seq;
		data->ack_seq = pest_ack;
		put_be32(dth + 4, seq);
		pest_seq += MSS;
		ack->seq = pest_ack;
		ack->ack_seq = pest_seq - adj->seq_delta;
		put_be32(ath + 8, ack->ack_seq);
		bench_hide(data);
		bench_hide(ack);
		bench_hide(dth);
		bench_hide(ath);
		bench_hide(adj);

		/* from the server: gw_tcp_proxy_outbound() */
		bad += track(&conn_proxied, data, GW_DIR_REPLY) != GW_TCP_ACCEPT;
		bad += !gw_seqadj_tcp(adj, GW_SEQADJ_TO_CLIENT, dth,
				      pseg_data.th_len, &edits);
		bench_use(&edits);
		bad += edits.n != 2 ||
		       edits.edit[0].to != gw_htonl(seq - adj->seq_delta) ||
		       edits.edit[1].to != to_client_tsval;

		/* from the client: gw_tcp_inbound() */
		translated = *ack;
		gw_proxy_to_server(adj, &translated);
		bad += track(&conn_proxied, &translated, GW_DIR_ORIGINAL) !=
		       GW_TCP_ACCEPT;
		bad += !gw_seqadj_tcp(adj, GW_SEQADJ_TO_SERVER, ath,
				      pseg_ack.th_len, &edits);
		bench_use(&edits);
		bad += translated.ack_seq != pest_seq || edits.n != 2 ||
		       edits.edit[0].to != gw_htonl(pest_seq) ||
		       edits.edit[1].to != to_server_tsecr;
		bench_use(&conn_proxied);
		bad += conn_proxied.state != GW_TCP_ESTABLISHED;
	}
	return bad;
}

/* ---- the rule match ------------------------------------------------------ */

/*
 * Rule i admits TCP to 203.0.113.0/24 port 1000 + i, from anywhere, on any
 * interface.  Allocated one by one and reached through pointers, as
 * kmod/rules.c keeps them, and indexed as it indexes them
 * (core/ruleindex.c): the first N rules, for each N measured.  Through
 * the index, a SYN to port 1000 + i has one candidate, rule i, judged
 * whole; a SYN to port 9 has none.  Through the scan the module did
 * before, every rule gets as far as its port test before it fails, the
 * longest way through a rule short of a match.
 */
#define RULES_MAX	4096		/* GW_MAX_RULES */
#define RULE_PORT0	1000

static struct gw_rule_match *ruleset[RULES_MAX];
static struct gw_pkt pkt_rule_first, pkt_rule_none, pkt_rule_next;
static struct gw_pkt pkt_rule_other;
static struct gw_pkt pkt_rule_last[RULES_MAX + 1];	/* by rule count */

struct rule_index {
	unsigned int n;
	struct gw_rule_index *index;
};

static struct rule_index rules_1 = { .n = 1 }, rules_10 = { .n = 10 },
			 rules_1000 = { .n = 1000 },
			 rules_4096 = { .n = RULES_MAX };

static const struct gw_rule_match *rule_at(const void *rules, unsigned int i)
{
	return ((struct gw_rule_match *const *)rules)[i];
}

/* What kmod/rules.c's gw_ruleset_index() does, with malloc(). */
static void index_rules(struct rule_index *ri)
{
	const struct gw_rule_array ra = {
		.rules = ruleset, .n = ri->n, .at = rule_at,
	};
	struct gw_rule_index_scratch *scratch = malloc(sizeof(*scratch));

	if (!scratch)
		BENCH_DIE("out of memory");
	ri->index = malloc(gw_rule_index_size(scratch, &ra));
	if (!ri->index)
		BENCH_DIE("out of memory");
	gw_rule_index_build(ri->index, scratch, &ra);
	free(scratch);
}

static void build_rules(void)
{
	unsigned int i;

	for (i = 0; i < RULES_MAX; i++) {
		struct gw_rule_match *r = calloc(1, sizeof(*r));

		if (!r)
			BENCH_DIE("out of memory");
		r->family = AF_INET;
		r->proto = IPPROTO_TCP;
		r->dst = gw_test_addr(AF_INET, "203.0.113.0");
		r->dst_plen = 24;
		gw_addr_mask(&r->dst, r->dst_plen);
		r->nports = 1;
		r->ports[0].first = (u16)(RULE_PORT0 + i);
		r->ports[0].last = (u16)(RULE_PORT0 + i);
		ruleset[i] = r;
	}
	index_rules(&rules_1);
	index_rules(&rules_10);
	index_rules(&rules_1000);
	index_rules(&rules_4096);
	pkt_rule_first = w_tcp4_syn.want;
	pkt_rule_first.dport = RULE_PORT0;
	pkt_rule_none = w_tcp4_syn.want;
	pkt_rule_none.dport = 9;
	/*
	 * the port after 1000 rules': its interval found among the 17 of
	 * ports 1984-2047
	 */
	pkt_rule_next = w_tcp4_syn.want;
	pkt_rule_next.dport = RULE_PORT0 + 1000;
	/* a port the rules list, to an address they do not */
	pkt_rule_other = w_tcp4_syn.want;
	pkt_rule_other.dport = RULE_PORT0 + 500;
	pkt_rule_other.daddr = gw_test_addr(AF_INET, "198.51.100.10");
	for (i = 1; i <= RULES_MAX; i++) {
		pkt_rule_last[i] = w_tcp4_syn.want;
		pkt_rule_last[i].dport = (u16)(RULE_PORT0 + i - 1);
	}
}

/* kmod/rules.c's __gw_rules_match(): the first match wins. */
static int rules_match(const struct rule_index *ri, const struct gw_pkt *pkt,
		       const char *in_ifname)
{
	struct gw_rule_cursor c;
	int i;

	gw_rule_index_start(&c, ri->index, pkt->proto, pkt->dport);
	while ((i = gw_rule_cursor_next(&c)) >= 0)
		if (gw_rule_matches(ruleset[i], pkt, in_ifname))
			return i;
	return -1;
}

/* The same before the index: every rule in turn. */
static int rules_scan(const struct rule_index *ri, const struct gw_pkt *pkt,
		      const char *in_ifname)
{
	unsigned int i;

	for (i = 0; i < ri->n; i++)
		if (gw_rule_matches(ruleset[i], pkt, in_ifname))
			return (int)i;
	return -1;
}

static uint64_t rule_loop(const struct rule_index *ri,
			  int (*match)(const struct rule_index *,
				       const struct gw_pkt *, const char *),
			  const struct gw_pkt *pkt, int want, uint64_t iters)
{
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		int got;

		bench_hide(ri);
		bench_hide(pkt);
		got = match(ri, pkt, "wan0");
		bench_use(got);
		bad += got != want;
	}
	return bad;
}

#define RULE_CASES(n)							\
static uint64_t run_rules_##n##_first(uint64_t iters)			\
{									\
	return rule_loop(&rules_##n, rules_match, &pkt_rule_first, 0,	\
			 iters);					\
}									\
static uint64_t run_rules_##n##_none(uint64_t iters)			\
{									\
	return rule_loop(&rules_##n, rules_match, &pkt_rule_none, -1,	\
			 iters);					\
}
/* with one rule, the last is the first */
#define RULE_CASE_LAST(n)						\
static uint64_t run_rules_##n##_last(uint64_t iters)			\
{									\
	return rule_loop(&rules_##n, rules_match, &pkt_rule_last[n],	\
			 n - 1, iters);					\
}

RULE_CASES(1)
RULE_CASES(10)
RULE_CASE_LAST(10)
RULE_CASES(1000)
RULE_CASE_LAST(1000)
static uint64_t run_rules_4096_none(uint64_t iters)
{
	return rule_loop(&rules_4096, rules_match, &pkt_rule_none, -1, iters);
}

static uint64_t run_rules_1000_next(uint64_t iters)
{
	return rule_loop(&rules_1000, rules_match, &pkt_rule_next, -1, iters);
}

static uint64_t run_rules_1000_other(uint64_t iters)
{
	return rule_loop(&rules_1000, rules_match, &pkt_rule_other, -1, iters);
}

static uint64_t run_scan_10_first(uint64_t iters)
{
	return rule_loop(&rules_10, rules_scan, &pkt_rule_first, 0, iters);
}

static uint64_t run_scan_1000_none(uint64_t iters)
{
	return rule_loop(&rules_1000, rules_scan, &pkt_rule_none, -1, iters);
}

/* ---- flood arithmetic ---------------------------------------------------- */

/*
 * kmod/srclimit.c, once per inbound connection that completes its handshake:
 * the source's /64 (or address) and its connection rate.  A steady 100
 * connections per 1000 ticks, exactly the limit, never trips it.
 */
static uint64_t run_flood_conn_rate(uint64_t iters)
{
	static struct gw_conn_rate rate;
	static u32 now;
	const struct gw_pkt *pkt = &w_tcp6.want;
	union gw_addr prefix;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		bench_hide(pkt);
		gw_src_prefix(&prefix, &pkt->saddr, pkt->family);
		bench_use(&prefix);
		now += 10;
		bad += gw_conn_rate_exceeded(&rate, 100, 1000, now);
		bad += prefix.all[2] != 0;
	}
	bench_use(&rate);
	return bad;
}

/*
 * kmod/flowtable.c, on every lookup that finds a half-open TCP flow: its
 * timeout scaled down by the number of half-open flows (here half way from
 * adaptive start to end: half the timeout).
 */
static uint64_t run_flood_adaptive(uint64_t iters)
{
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		u32 timeout = 30000, count = 3000, got;

		bench_hide(timeout);
		bench_hide(count);
		got = gw_adaptive_timeout(timeout, count, 1000, 5000);
		bench_use(got);
		bad += got != 15000;
	}
	return bad;
}

/* ---- blocklist ----------------------------------------------------------- */

/*
 * kmod/blocklist.c, gw_block_drop(): until issue 13's item 8, on every
 * packet from wan, established ones too; now only on a flow miss (a new
 * connection, a probe).  A list of 1024 prefixes spread over every length
 * (IPv4 /8../32, IPv6 /8../128: one binary search per length present),
 * and a source in none of them, the common case: every length searched.
 */
#define BLOCK_N	1024

static struct gw_block_table block_t4, block_t6;

static void block_build(struct gw_block_table *t, u8 family)
{
	static struct gw_block_entry e4[BLOCK_N], e6[BLOCK_N];
	struct gw_block_entry *e = family == AF_INET ? e4 : e6;
	unsigned int i, max = family == AF_INET ? 32 : 128;
	u32 x = 0x9e3779b9u;

	for (i = 0; i < BLOCK_N; i++) {
		struct gw_block_entry *b = &e[i];
		unsigned int w;

		memset(b, 0, sizeof(*b));
		b->family = family;
		b->plen = (u8)(8 + i % (max - 7));
		for (w = 0; w < 4; w++) {
			x = x * 1664525u + 1013904223u;
			b->addr.all[w] = x;
		}
		if (family == AF_INET) {
			/* 10.0.0.0/8: never the source looked up */
			b->addr.all[1] = b->addr.all[2] = b->addr.all[3] = 0;
			b->addr.bytes[0] = 10;
		} else {
			b->addr.bytes[0] = 0xfd;	/* fd00::/8, likewise */
		}
		gw_addr_mask(&b->addr, b->plen);
	}
	t->entry = e;
	t->count = gw_block_sort_unique(e, BLOCK_N);
	gw_block_index(t);
}

static uint64_t block_loop(struct gw_block_table *t, const struct gw_pkt *pkt,
			   uint64_t iters)
{
	uint64_t i, bad = 0;

	if (!t->count)
		block_build(t, pkt->family);
	for (i = 0; i < iters; i++) {
		const struct gw_block_entry *got;

		bench_hide(pkt);
		got = gw_block_lookup(t, pkt->family, &pkt->saddr, 1);
		bench_use(got);
		bad += got != NULL;
	}
	return bad;
}

static uint64_t run_block4_miss(uint64_t iters)
{
	return block_loop(&block_t4, &w_tcp4.want, iters);
}

static uint64_t run_block6_miss(uint64_t iters)
{
	return block_loop(&block_t6, &w_tcp6.want, iters);
}

/* ---- scan detection ---------------------------------------------------- */

#define SCAN_SETS	256	/* kmod/scan.h's GW_SCAN_SETS */

static struct gw_scan_entry scan_table[SCAN_SETS][GW_SCAN_WAYS];
static const struct gw_scan_cfg scan_cfg = {
	.threshold = 21, .delay = 300, .weight_low = 3, .weight_high = 1,
};

/*
 * kmod/scan.c's __gw_scan_drop(), lock aside: the source key, the siphash
 * that picks its set, the set's 8 entries scored.  @new_source: each
 * probe from another IPv4 source (a random-source flood: a victim evicted
 * every time), else one source probing a new port each time.
 */
static uint64_t scan_loop(uint64_t iters, bool new_source)
{
	const struct gw_pkt *pkt = &w_tcp4_syn.want;
	static u32 now, n;
	uint64_t i, bad = 0;

	for (i = 0; i < iters; i++) {
		struct gw_scan_probe probe = {
			.dst = pkt->daddr, .proto = pkt->proto,
			.port = (u16)(n % 60000 + 1),
		};
		struct {
			union gw_addr src;
			u32 family;
		} key;
		union gw_addr saddr;
		u32 set;

		bench_hide(pkt);
		saddr = pkt->saddr;
		if (new_source)
			saddr.ip ^= gw_htonl(n);
		n++;
		gw_scan_source(&probe, pkt->family, &saddr);
		key.src = probe.src;
		key.family = probe.family;
		set = (u32)bench_siphash(&key, sizeof(key), &proxy_key[0]) %
		      SCAN_SETS;
		now++;
		bad += gw_scan_observe(scan_table[set], GW_SCAN_WAYS, &scan_cfg,
				       &probe, now, NULL) == GW_SCAN_REPEAT;
	}
	bench_use(scan_table);
	return bad;
}

static uint64_t run_scan_new_source(uint64_t iters)
{
	return scan_loop(iters, true);
}

static uint64_t run_scan_one_source(uint64_t iters)
{
	return scan_loop(iters, false);
}

/* ---- the cases ----------------------------------------------------------- */

struct bench_case {
	const char *name;
	const char *what;		/* what one iteration is */
	uint64_t (*run)(uint64_t iters);	/* returns wrong results */
	uint64_t cg_iters;		/* iterations under callgrind */
	/* results */
	uint64_t batch;			/* wall-clock iterations per batch */
	double ns[BENCH_ROUNDS];
	double ns_median;
	double ns_min;
	double ir;			/* instructions per iteration, <0 none */
	uint64_t bad;
};

#define CASE(n, w, fn, cg)						\
	{ .name = n, .what = w, .run = fn, .cg_iters = cg }

static struct bench_case cases[] = {
	CASE("copy_hdr4", "baseline: memcpy of a 52-byte IPv4+TCP header",
	     run_copy_v4, 5000),
	CASE("copy_hdr6", "baseline: memcpy of a 72-byte IPv6+TCP header",
	     run_copy_v6, 5000),
	CASE("parse_tcp4", "gw_parse: IPv4 TCP data segment, timestamps",
	     run_parse_tcp4, 5000),
	CASE("parse_tcp4_syn", "gw_parse: IPv4 TCP SYN, 5 options",
	     run_parse_tcp4_syn, 5000),
	CASE("parse_tcp6", "gw_parse: IPv6 TCP data segment, timestamps",
	     run_parse_tcp6, 5000),
	CASE("parse_udp4", "gw_parse: IPv4 UDP",
	     run_parse_udp4, 5000),
	CASE("parse_udp6", "gw_parse: IPv6 UDP",
	     run_parse_udp6, 5000),
	CASE("flowkey4", "gw_flow_key_from_pkt + _equal, IPv4",
	     run_flowkey_tcp4, 5000),
	CASE("flowkey6", "gw_flow_key_from_pkt + _equal, IPv6",
	     run_flowkey_tcp6, 5000),
	CASE("tcp_established", "tracker: data segment + its ACK (2 segs)",
	     run_tcp_established, 5000),
	CASE("tcp_handshake", "tracker: SYN, SYN-ACK, ACK (3 segs)",
	     run_tcp_handshake, 5000),
	CASE("synproxy_established",
	     "tcp_established, proxied: + seq translation",
	     run_synproxy_established, 5000),
	CASE("synproxy_synack", "SYN answered: parse, 2 siphash, cookie",
	     run_synproxy_synack, 5000),
	CASE("synproxy_hash", "gw_synproxy_hash: 2 siphash (40, 44 bytes)",
	     run_synproxy_hash, 5000),
	CASE("rules_1_first", "rule match, 1 rule, matches rule 1",
	     run_rules_1_first, 5000),
	CASE("rules_1_none", "rule match, 1 rule, no match",
	     run_rules_1_none, 5000),
	CASE("rules_10_first", "rule match, 10 rules, matches rule 1",
	     run_rules_10_first, 5000),
	CASE("rules_10_last", "rule match, 10 rules, matches rule 10",
	     run_rules_10_last, 5000),
	CASE("rules_10_none", "rule match, 10 rules, no match",
	     run_rules_10_none, 5000),
	CASE("rules_1000_first", "rule match, 1000 rules, matches rule 1",
	     run_rules_1000_first, 5000),
	CASE("rules_1000_last", "rule match, 1000 rules, matches rule 1000",
	     run_rules_1000_last, 5000),
	CASE("rules_1000_none", "rule match, 1000 rules, no match",
	     run_rules_1000_none, 5000),
	CASE("rules_1000_next", "rule match, 1000, no match, port 2000",
	     run_rules_1000_next, 5000),
	CASE("rules_1000_other", "rule match, 1000, a listed port, no match",
	     run_rules_1000_other, 5000),
	CASE("rules_4096_none", "rule match, 4096 rules, no match",
	     run_rules_4096_none, 5000),
	CASE("scan_10_first", "linear scan, 10 rules, matches rule 1",
	     run_scan_10_first, 5000),
	CASE("scan_1000_none", "linear scan, 1000 rules, no match",
	     run_scan_1000_none, 200),
	CASE("flood_conn_rate", "gw_src_prefix + gw_conn_rate_exceeded",
	     run_flood_conn_rate, 5000),
	CASE("flood_adaptive", "gw_adaptive_timeout (half-open flow)",
	     run_flood_adaptive, 5000),
	CASE("block4_miss", "blocklist lookup, 1024 IPv4 prefixes, no match",
	     run_block4_miss, 5000),
	CASE("block6_miss", "blocklist lookup, 1024 IPv6 prefixes, no match",
	     run_block6_miss, 5000),
	CASE("scan_new_source", "scan score, random-source flood: evicts",
	     run_scan_new_source, 5000),
	CASE("scan_one_source", "scan score, one source, a new port each",
	     run_scan_one_source, 5000),
};

#define NCASES	ARRAY_SIZE(cases)
/* the baseline every "x base" column divides by */
#define BASELINE	0

static struct bench_case *find_case(const char *name)
{
	unsigned int i;

	for (i = 0; i < NCASES; i++)
		if (!strcmp(cases[i].name, name))
			return &cases[i];
	BENCH_DIE("no case %s", name);
}

static void setup(void)
{
	gw_hp_set_mode(GW_HP_DIRECT);	/* a linear skb: no copy */
	build_packets();
	gw_flow_key_from_pkt(&key_tcp4, &w_tcp4.want);
	gw_flow_key_from_pkt(&key_tcp6, &w_tcp6.want);
	build_segments();
	build_proxy();
	build_rules();
}

/* ---- wall clock ---------------------------------------------------------- */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void run_wall(void)
{
	unsigned int i, r;

	/* warm up, and size each batch to BENCH_BATCH_NS */
	for (i = 0; i < NCASES; i++) {
		struct bench_case *c = &cases[i];
		uint64_t n = 64, t;

		for (;;) {
			t = now_ns();
			c->bad += c->run(n);
			t = now_ns() - t;
			if (t >= BENCH_BATCH_NS || n >= (1ULL << 32))
				break;
			n *= 2;
		}
		c->batch = n;
	}
	for (r = 0; r < BENCH_ROUNDS; r++) {
		for (i = 0; i < NCASES; i++) {
			struct bench_case *c = &cases[i];
			uint64_t t = now_ns();

			c->bad += c->run(c->batch);
			t = now_ns() - t;
			c->ns[r] = (double)t / (double)c->batch;
		}
	}
	for (i = 0; i < NCASES; i++) {
		struct bench_case *c = &cases[i];
		double sorted[BENCH_ROUNDS];

		memcpy(sorted, c->ns, sizeof(sorted));
		qsort(sorted, BENCH_ROUNDS, sizeof(sorted[0]), cmp_double);
		c->ns_median = sorted[BENCH_ROUNDS / 2];
		c->ns_min = sorted[0];
	}
}

/* ---- callgrind ----------------------------------------------------------- */

/* The child's exit status for wrong results, apart from valgrind's own. */
#define BENCH_CHILD_WRONG	42

/* Under valgrind: each case's instructions in a dump of its own. */
static int callgrind_child(void)
{
#if BENCH_HAVE_CALLGRIND
	unsigned int i;
	uint64_t bad = 0;

	if (!RUNNING_ON_VALGRIND)
		BENCH_DIE("--callgrind-child is for valgrind to run");
	for (i = 0; i < NCASES; i++) {
		struct bench_case *c = &cases[i];

		bad += c->run(c->cg_iters / 10);	/* warm up, not counted */
		CALLGRIND_TOGGLE_COLLECT;
		bad += c->run(c->cg_iters);
		CALLGRIND_TOGGLE_COLLECT;
		CALLGRIND_DUMP_STATS_AT(c->name);
	}
	bench_sink = bad;
	return bad ? BENCH_CHILD_WRONG : 0;
#else
	BENCH_DIE("built without valgrind/callgrind.h");
#endif
}

/* Read "desc: Trigger: Client Request: NAME" and "totals: N" per dump. */
static int read_dump(const char *path)
{
	char line[512], name[128] = "";
	uint64_t total = 0;
	bool have_total = false;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "desc: Trigger: Client Request: %127s", name) == 1)
			continue;
		if (sscanf(line, "totals: %" SCNu64, &total) == 1)
			have_total = true;
	}
	fclose(f);
	if (name[0] && have_total) {
		struct bench_case *c = find_case(name);

		c->ir = (double)total / (double)c->cg_iters;
	}
	return 0;
}

/*
 * Run this binary under callgrind; false (and a reason in @why) when it
 * could not be measured, which is not a failure: valgrind is optional.
 * A wrong result under valgrind is one: *bad is set.
 */
static bool run_callgrind(const char *dir, char *why, size_t whylen,
			  bool *bad)
{
	char out[512], log[512], exe[512];
	unsigned int i, dumps;
	ssize_t n;
	pid_t pid;
	int status;

	*bad = false;
	if (!BENCH_HAVE_CALLGRIND) {
		snprintf(why, whylen, "built without valgrind/callgrind.h");
		return false;
	}
	if (system("valgrind --version >/dev/null 2>&1") != 0) {
		snprintf(why, whylen, "valgrind is not installed");
		return false;
	}
	if (mkdir(dir, 0755) && errno != EEXIST) {
		snprintf(why, whylen, "cannot create %s", dir);
		return false;
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		snprintf(why, whylen, "cannot find this binary");
		return false;
	}
	exe[n] = '\0';
	for (i = 1; i <= NCASES + 1; i++) {
		snprintf(out, sizeof(out), "%s/callgrind.out.%u", dir, i);
		unlink(out);
	}
	snprintf(out, sizeof(out), "--callgrind-out-file=%s/callgrind.out",
		 dir);
	snprintf(log, sizeof(log), "--log-file=%s/valgrind.log", dir);

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "fork: %s", strerror(errno));
		return false;
	}
	if (pid == 0) {
		execlp("valgrind", "valgrind", "--tool=callgrind",
		       "--collect-atstart=no", out, log, exe,
		       "--callgrind-child", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status)) {
		snprintf(why, whylen, "valgrind died, see %s/valgrind.log", dir);
		return false;
	}
	if (WEXITSTATUS(status) == BENCH_CHILD_WRONG) {
		snprintf(why, whylen, "wrong results under valgrind");
		*bad = true;
		return false;
	}
	if (WEXITSTATUS(status) != 0) {
		/* a valgrind that cannot run this binary is not a wrong result */
		snprintf(why, whylen, "valgrind failed, exit %d, see %s/valgrind.log",
			 WEXITSTATUS(status), dir);
		return false;
	}
	dumps = 0;
	for (i = 1; i <= NCASES; i++) {
		snprintf(out, sizeof(out), "%s/callgrind.out.%u", dir, i);
		if (read_dump(out) == 0)
			dumps++;
	}
	for (i = 0; i < NCASES; i++)
		if (cases[i].ir < 0) {
			snprintf(why, whylen, "no dump for %s (%u dumps)",
				 cases[i].name, dumps);
			*bad = true;
			return false;
		}
	return true;
}

/* ---- report -------------------------------------------------------------- */

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void print_ratio(const char *label, const char *a, const char *b,
			bool have_ir)
{
	const struct bench_case *x = find_case(a), *y = find_case(b);

	printf("  %-44s wall %7.2fx", label, ratio(x->ns_median, y->ns_median));
	if (have_ir)
		printf("   instr %7.2fx", ratio(x->ir, y->ir));
	printf("\n");
}

static void print_header(void)
{
	struct utsname u;
	double load[3] = { 0, 0, 0 };
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
			load[0] = -1;
		fclose(f);
	}
	uname(&u);
	printf("gatewarden core benchmarks (bench/), %s %s, %ld cpus, "
	       "load %.2f\n", u.sysname, u.machine,
	       sysconf(_SC_NPROCESSORS_ONLN), load[0]);
#if defined(__clang__)
	printf("compiler: clang %s, -O2, no sanitizers\n", __clang_version__);
#elif defined(__GNUC__)
	printf("compiler: gcc %s, -O2, no sanitizers\n", __VERSION__);
#endif
	printf("wall: ns per iteration, median and fastest of %d batches of "
	       ">= %llu us, round robin;\n      x base from the medians "
	       "(noisy on a loaded machine: compare ratios)\n", BENCH_ROUNDS,
	       BENCH_BATCH_NS / 1000ULL);
	printf("instr: instructions (callgrind Ir) per iteration, loop "
	       "included: the same on any load\n");
	printf("x base: this case / %s, in the same run\n\n",
	       cases[BASELINE].name);
}

int main(int argc, char **argv)
{
	const char *cg_dir = "callgrind";
	bool want_cg = true, have_ir, cg_bad = false;
	char why[256] = "";
	uint64_t wrong = 0;
	unsigned int i;

	for (i = 0; i < NCASES; i++)
		cases[i].ir = -1;
	setup();

	for (i = 1; i < (unsigned int)argc; i++) {
		if (!strcmp(argv[i], "--callgrind-child"))
			return callgrind_child();
		else if (!strcmp(argv[i], "--no-callgrind"))
			want_cg = false;
		else if (!strcmp(argv[i], "--callgrind-dir") && i + 1 < (unsigned int)argc)
			cg_dir = argv[++i];
		else
			BENCH_DIE("usage: %s [--no-callgrind] [--callgrind-dir DIR]",
				  argv[0]);
	}

	print_header();
	run_wall();
	if (want_cg) {
		have_ir = run_callgrind(cg_dir, why, sizeof(why), &cg_bad);
	} else {
		have_ir = false;
		snprintf(why, sizeof(why), "--no-callgrind");
	}

	printf("%-20s %-44s %8s %8s %7s %9s %7s\n", "case", "one iteration",
	       "ns med", "ns min", "x base", "instr", "x base");
	for (i = 0; i < NCASES; i++) {
		const struct bench_case *c = &cases[i];

		printf("%-20s %-44s %8.1f %8.1f %7.2f", c->name, c->what,
		       c->ns_median, c->ns_min,
		       ratio(c->ns_median, cases[BASELINE].ns_median));
		if (have_ir)
			printf(" %9.1f %7.2f", c->ir,
			       ratio(c->ir, cases[BASELINE].ir));
		else
			printf(" %9s %7s", "-", "-");
		printf("%s\n", c->bad ? "  WRONG RESULTS" : "");
		wrong += c->bad;
	}
	if (!have_ir)
		printf("(no instruction counts: %s)\n", why);

	printf("\nratios in this run:\n");
	print_ratio("parse: IPv6 TCP / IPv4 TCP", "parse_tcp6", "parse_tcp4",
		    have_ir);
	print_ratio("parse: IPv4 SYN (options) / IPv4 data", "parse_tcp4_syn",
		    "parse_tcp4", have_ir);
	print_ratio("tracker: established 2 segs / handshake 3",
		    "tcp_established", "tcp_handshake", have_ir);
	print_ratio("rules: none of 1000 / first of 10", "rules_1000_none",
		    "rules_10_first", have_ir);
	print_ratio("rules: none of 4096 / first of 10", "rules_4096_none",
		    "rules_10_first", have_ir);
	print_ratio("rules: last of 1000 / first of 10", "rules_1000_last",
		    "rules_10_first", have_ir);
	print_ratio("rules: none of 1000, port 2000 / first of 10",
		    "rules_1000_next", "rules_10_first", have_ir);
	print_ratio("rules: listed port, other address / first",
		    "rules_1000_other", "rules_1000_first", have_ir);
	print_ratio("rules: first of 10, index / scan", "rules_10_first",
		    "scan_10_first", have_ir);
	print_ratio("rules: none of 1000, scan / index", "scan_1000_none",
		    "rules_1000_none", have_ir);
	{
		const struct bench_case *e = find_case("tcp_established");
		const struct bench_case *h = find_case("tcp_handshake");

		printf("  %-44s wall %7.2fx",
		       "tracker: per segment, established/handshake",
		       ratio(e->ns_median / 2, h->ns_median / 3));
		if (have_ir)
			printf("   instr %7.2fx", ratio(e->ir / 2, h->ir / 3));
		printf("\n");
	}
	{
		const struct bench_case *sc = find_case("scan_1000_none");

		printf("  %-44s wall %7.2f ns", "rules: scan, a rule (1000, no match)",
		       sc->ns_median / 1000);
		if (have_ir)
			printf("   instr %7.1f", sc->ir / 1000);
		printf("\n");
	}
	{
		/*
		 * An established inbound TCP segment in the core: parse, key,
		 * one segment of the tracker; before issue 13's item 8 the
		 * blocklist lookup too, now skipped on a flow hit.
		 */
		const struct bench_case *p4 = find_case("parse_tcp4");
		const struct bench_case *p6 = find_case("parse_tcp6");
		const struct bench_case *k4 = find_case("flowkey4");
		const struct bench_case *k6 = find_case("flowkey6");
		const struct bench_case *e = find_case("tcp_established");
		const struct bench_case *b4 = find_case("block4_miss");
		const struct bench_case *b6 = find_case("block6_miss");
		double a4 = p4->ns_median + k4->ns_median + e->ns_median / 2;
		double a6 = p6->ns_median + k6->ns_median + e->ns_median / 2;

		printf("  %-44s wall %7.2fx", "established IPv4 segment, with/without block",
		       ratio(a4 + b4->ns_median, a4));
		if (have_ir)
			printf("   instr %7.2fx",
			       ratio(p4->ir + k4->ir + e->ir / 2 + b4->ir,
				     p4->ir + k4->ir + e->ir / 2));
		printf("\n");
		printf("  %-44s wall %7.2fx", "established IPv6 segment, with/without block",
		       ratio(a6 + b6->ns_median, a6));
		if (have_ir)
			printf("   instr %7.2fx",
			       ratio(p6->ir + k6->ir + e->ir / 2 + b6->ir,
				     p6->ir + k6->ir + e->ir / 2));
		printf("\n");
	}
	{
		/*
		 * The SYN proxy.  A SYN it answers, as far as the core goes
		 * (parse, flag checks, the two siphash() calls, the cookie),
		 * as a rate: an upper bound for the module, which also
		 * looks the flow up (a miss), matches the rules and builds
		 * and sends the SYN-ACK, none of which is here.  A
		 * proxied established segment: the tracker plus the
		 * translation against the tracker alone, and the same with
		 * the parse and the flow key every segment pays besides.
		 */
		const struct bench_case *sa = find_case("synproxy_synack");
		const struct bench_case *pe = find_case("synproxy_established");
		const struct bench_case *e = find_case("tcp_established");
		const struct bench_case *p4 = find_case("parse_tcp4");
		const struct bench_case *k4 = find_case("flowkey4");

		print_ratio("synproxy: SYN answered / parse of the SYN",
			    "synproxy_synack", "parse_tcp4_syn", have_ir);
		print_ratio("synproxy: SYN answered / tracker handshake",
			    "synproxy_synack", "tcp_handshake", have_ir);
		print_ratio("synproxy: 2 siphash / SYN answered",
			    "synproxy_hash", "synproxy_synack", have_ir);
		printf("  %-44s wall %7.2f M/s (fastest batch %.2f)",
		       "synproxy: SYN-ACKs a second, core work only",
		       ratio(1e3, sa->ns_median), ratio(1e3, sa->ns_min));
		if (have_ir)
			printf("   instr %7.1f a SYN", sa->ir);
		printf("\n");
		print_ratio("synproxy: established, proxied / plain",
			    "synproxy_established", "tcp_established", have_ir);
		printf("  %-44s wall %7.2fx", "synproxy: segment + parse + key, prox./plain",
		       ratio(p4->ns_median + k4->ns_median + pe->ns_median / 2,
			     p4->ns_median + k4->ns_median + e->ns_median / 2));
		if (have_ir)
			printf("   instr %7.2fx",
			       ratio(p4->ir + k4->ir + pe->ir / 2,
				     p4->ir + k4->ir + e->ir / 2));
		printf("\n");
		printf("  %-44s wall %7.2f ns", "synproxy: cost of the proxy, a segment",
		       (pe->ns_median - e->ns_median) / 2);
		if (have_ir)
			printf("   instr %7.1f", (pe->ir - e->ir) / 2);
		printf("\n");
	}
	printf("\n");

	if (wrong || cg_bad) {
		for (i = 0; i < NCASES; i++)
			if (cases[i].bad)
				printf("FAIL: %s: %" PRIu64 " wrong results\n",
				       cases[i].name, cases[i].bad);
		if (cg_bad)
			printf("FAIL: callgrind run: %s\n", why);
		printf("bench: FAILED, wrong results (%" PRIu64 " in the wall-clock "
		       "run%s)\n", wrong, cg_bad ? ", some under valgrind" : "");
		return 1;
	}
	{
		const struct bench_case *p = find_case("parse_tcp4");
		const struct bench_case *e = find_case("tcp_established");
		const struct bench_case *h = find_case("tcp_handshake");
		const struct bench_case *r10 = find_case("rules_10_first");
		const struct bench_case *r1000 = find_case("rules_1000_none");
		const struct bench_case *sa = find_case("synproxy_synack");
		const struct bench_case *pe = find_case("synproxy_established");
		bool ir = have_ir;

		printf("bench: %zu cases, results correct; %s: parse IPv4 TCP "
		       "%.1fx baseline, established/handshake %.2fx, "
		       "rules: none of 1000 / first of 10 %.2fx, "
		       "proxied/plain established %.2fx; "
		       "SYN answered in the core %.2f M/s", NCASES,
		       ir ? "instructions" : "wall clock only (no instruction counts)",
		       ir ? ratio(p->ir, cases[BASELINE].ir) :
			    ratio(p->ns_median, cases[BASELINE].ns_median),
		       ir ? ratio(e->ir, h->ir) :
			    ratio(e->ns_median, h->ns_median),
		       ir ? ratio(r1000->ir, r10->ir) :
			    ratio(r1000->ns_median, r10->ns_median),
		       ir ? ratio(pe->ir, e->ir) :
			    ratio(pe->ns_median, e->ns_median),
		       ratio(1e3, sa->ns_median));
		if (ir)
			printf(", %.0f instructions", sa->ir);
		printf("\n");
	}
	return 0;
}
