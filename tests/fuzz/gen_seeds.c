// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the seed corpora of the fuzz targets, so that no binary is checked
 * in without the program that made it:
 *
 *   gen_seeds DIR     DIR/track: real connections from the simulator of
 *                     tests/unit (tcp_sim.h) in fuzz_track's input format
 *                     (fuzz_input.h): handshakes, data, loss and SACK,
 *                     closes, resets, simultaneous open, pickup, zero
 *                     windows, keep-alives, a peer reboot, Fast Open, two
 *                     connections at once, and one as raw packets;
 *                     DIR/parse: packets of every kind gw_parse() knows,
 *                     for fuzz_parse (first byte: the family).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tcp_sim.h"
#include "pkt_buffer.h"
#include "fuzz_input.h"

#define SEED_MAX	(64 * 1024)

struct seed {
	uint8_t buf[SEED_MAX];
	size_t len;
	bool inbound;	/* the originator is B, outside */
	bool v6;
	bool raw;
	bool port2;
};

static const char *outdir;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void put(struct seed *sd, const void *p, size_t n)
{
	if (sd->len + n > SEED_MAX) {
		fprintf(stderr, "gen_seeds: seed too long\n");
		exit(1);
	}
	memcpy(sd->buf + sd->len, p, n);
	sd->len += n;
}

static void put8(struct seed *sd, uint8_t v)
{
	put(sd, &v, 1);
}

static void put16(struct seed *sd, uint16_t v)
{
	put8(sd, (uint8_t)(v >> 8));
	put8(sd, (uint8_t)v);
}

static void put32(struct seed *sd, uint32_t v)
{
	put16(sd, (uint16_t)(v >> 16));
	put16(sd, (uint16_t)v);
}

static void seed_start(struct seed *sd, uint8_t cfg, bool inbound, bool v6)
{
	memset(sd, 0, sizeof(*sd));
	sd->inbound = inbound;
	sd->v6 = v6;
	put8(sd, cfg);
}

/* Append @g as a record (absolute numbers), then deliver it. */
static void rec(struct seed *sd, struct sim *s, const struct sim_seg *g,
		bool deliver)
{
	bool from_outside = (g->dir == GW_DIR_ORIGINAL) == sd->inbound;
	uint8_t ctl = (from_outside ? FZ_FROM_OUTSIDE : 0) |
		      (sd->v6 ? FZ_IPV6 : 0) | (sd->port2 ? FZ_PORT2 : 0);
	unsigned int i;

	if (sd->raw) {
		uint8_t pkt[4096];
		unsigned int n = sim_encode(s, g, pkt, sizeof(pkt));

		put8(sd, ctl | FZ_RAW);
		put16(sd, (uint16_t)n);
		put(sd, pkt, n);
	} else {
		put8(sd, ctl);
		put8(sd, g->flags);
		put32(sd, g->seq);
		put32(sd, g->ack);
		put16(sd, g->win);
		put16(sd, (uint16_t)g->len);
		if (g->flags & GW_TCP_SYN) {
			put8(sd, FZ_OPT_SYN |
			     (g->sack_perm_opt ? FZ_OPT_SACK_PERM : 0) |
			     (g->wscale_opt ? FZ_OPT_WSCALE : 0));
			if (g->wscale_opt)
				put8(sd, g->wscale);
		} else if (g->nsack) {
			put8(sd, FZ_OPT_RAW);
			put8(sd, (uint8_t)(4 + 8 * g->nsack));
			put8(sd, 1);
			put8(sd, 1);
			put8(sd, 5);
			put8(sd, (uint8_t)(2 + 8 * g->nsack));
			for (i = 0; i < g->nsack; i++) {
				put32(sd, g->sack[i][0]);
				put32(sd, g->sack[i][1]);
			}
		} else {
			put8(sd, FZ_OPT_NONE);
		}
	}
	if (deliver)
		sim_deliver(s, g);
}

static void seed_write(const struct seed *sd, const char *sub,
		       const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/%s", outdir, sub, name);
	f = fopen(path, "wb");
	if (!f || fwrite(sd->buf, 1, sd->len, f) != sd->len || fclose(f))
		die(path);
}

/* Shorthands: build a segment from side @d and record it. */
#define SYN_(d)		do { sim_syn(s, d, &g); rec(sd, s, &g, true); } while (0)
#define SYNACK_(d)	do { sim_synack(s, d, &g); rec(sd, s, &g, true); } while (0)
#define DATA_(d, n)	do { sim_data(s, d, n, &g); rec(sd, s, &g, true); } while (0)
#define ACK_(d)		do { sim_ack(s, d, &g); rec(sd, s, &g, true); } while (0)
#define FIN_(d)		do { sim_fin(s, d, &g); rec(sd, s, &g, true); } while (0)
#define RST_(d, a)	do { sim_rst(s, d, a, &g); rec(sd, s, &g, true); } while (0)

#define O	GW_DIR_ORIGINAL
#define R	GW_DIR_REPLY

static void open_conn(struct seed *sd, struct sim *s)
{
	struct sim_seg g;

	SYN_(O);
	SYNACK_(R);
	ACK_(O);
}

static void scenario_basic(struct seed *sd, struct sim *s)
{
	struct sim_seg g;
	int i;

	open_conn(sd, s);
	DATA_(O, 300);
	for (i = 0; i < 6; i++)
		DATA_(R, 1400);
	ACK_(O);
	FIN_(O);
	ACK_(R);
	FIN_(R);
	ACK_(O);
	/* a new connection on the closed tuple */
	sim_syn_new_isn(s, O, s->e[O].snd_nxt + 100000, &g);
	rec(sd, s, &g, false);
}

static void scenario_sack(struct seed *sd, struct sim *s)
{
	struct sim_seg g, lost;
	int i;

	open_conn(sd, s);
	DATA_(R, 1400);
	sim_data(s, R, 1400, &lost);
	rec(sd, s, &lost, false);
	for (i = 0; i < 4; i++) {
		DATA_(R, 1400);
		ACK_(O);
	}
	sim_retx(s, R, lost.seq, lost.len, &g);
	rec(sd, s, &g, true);
	ACK_(O);
	sim_keepalive(s, O, true, &g);
	rec(sd, s, &g, true);
	ACK_(R);
}

static void scenario_rst(struct seed *sd, struct sim *s)
{
	struct sim_seg g;

	open_conn(sd, s);
	DATA_(O, 100);
	DATA_(R, 100);
	sim_rst(s, R, false, &g);
	g.seq += 0x40000000u;		/* blind */
	rec(sd, s, &g, false);
	RST_(R, true);
	RST_(O, false);
}

static void scenario_refused(struct seed *sd, struct sim *s)
{
	struct sim_seg g;

	SYN_(O);
	g = (struct sim_seg){ .dir = R, .flags = GW_TCP_RST | GW_TCP_ACK,
			      .ack = s->e[O].isn + 1 };
	rec(sd, s, &g, true);
}

static void scenario_simultaneous(struct seed *sd, struct sim *s)
{
	struct sim_seg a, b, g;

	sim_syn(s, O, &a);
	sim_syn(s, R, &b);
	rec(sd, s, &a, false);
	rec(sd, s, &b, false);
	sim_deliver(s, &a);
	sim_deliver(s, &b);
	SYNACK_(O);
	SYNACK_(R);
	ACK_(O);
	DATA_(R, 500);
	ACK_(O);
}

static void scenario_pickup(struct seed *sd, struct sim *s)
{
	struct sim_seg g;

	/* the handshake happened before the table was flushed */
	sim_syn(s, O, &g);
	sim_deliver(s, &g);
	sim_synack(s, R, &g);
	sim_deliver(s, &g);
	sim_ack(s, O, &g);
	sim_deliver(s, &g);
	DATA_(O, 200);
	DATA_(R, 1400);
	ACK_(O);
	FIN_(R);
	ACK_(O);
}

static void scenario_zero_window(struct seed *sd, struct sim *s)
{
	struct sim_seg g;

	open_conn(sd, s);
	while (sim_send_room(s, R)) {
		uint32_t room = sim_send_room(s, R);

		DATA_(R, room < 1400 ? room : 1400);
	}
	ACK_(O);
	sim_zwp(s, R, &g);
	rec(sd, s, &g, true);
	ACK_(O);
	sim_read(s, O, UINT32_MAX);
	ACK_(O);
	DATA_(R, 1000);
}

static void scenario_reboot(struct seed *sd, struct sim *s)
{
	struct sim_seg g, ch;

	open_conn(sd, s);
	DATA_(O, 50);
	ACK_(R);
	g = (struct sim_seg){ .dir = O, .flags = GW_TCP_SYN,
			      .seq = s->e[O].snd_nxt + 0x10000000u,
			      .win = 64240 };
	rec(sd, s, &g, false);
	sim_ack(s, R, &ch);
	rec(sd, s, &ch, true);
	g = (struct sim_seg){ .dir = O, .flags = GW_TCP_RST, .seq = ch.ack };
	rec(sd, s, &g, false);
	g = (struct sim_seg){ .dir = O, .flags = GW_TCP_SYN,
			      .seq = s->e[O].snd_nxt + 0x10000000u,
			      .win = 64240 };
	rec(sd, s, &g, false);
}

static void scenario_fast_open(struct seed *sd, struct sim *s)
{
	struct sim_seg g;

	sim_syn_data(s, O, 100, &g);
	rec(sd, s, &g, true);
	SYNACK_(R);
	DATA_(R, 1400);
	DATA_(R, 1400);
	ACK_(O);
}

struct scenario {
	const char *name;
	void (*run)(struct seed *, struct sim *);
	uint8_t cfg;
	bool inbound, v6, raw;
	int ws;			/* -1: no scaling */
	bool sack;
	uint32_t isn_o, isn_r;
};

static const struct scenario scenarios[] = {
	{ "basic-v4", scenario_basic, 0, false, false, false, -1, false,
	  1000, 2000000 },
	{ "basic-v6-wrap", scenario_basic, 0, false, true, false, 7, true,
	  0xfffffff0u, 0xffffff00u },
	{ "basic-raw", scenario_basic, 0, false, false, true, 7, true,
	  5, 0x7ffffff0u },
	{ "inbound-v4", scenario_basic, 0, true, false, false, 8, true,
	  0x12345678u, 0x9abcdef0u },
	{ "inbound-v6", scenario_rst, 0, true, true, false, 14, false,
	  77, 88 },
	{ "sack", scenario_sack, 0, false, false, false, 7, true,
	  0xffff0000u, 0x100 },
	{ "sack-v6-raw", scenario_sack, 0, false, true, true, 2, true,
	  0x100, 0xffff0000u },
	{ "rst", scenario_rst, 0, false, false, false, 7, false, 3, 4 },
	{ "refused", scenario_refused, 0, false, false, false, -1, false,
	  0xffffffffu, 0 },
	{ "simultaneous", scenario_simultaneous, 0, false, false, false, 5,
	  true, 42, 43 },
	{ "pickup", scenario_pickup, FZ_CFG_PICKUP_LOOSE, false, false,
	  false, 7, true, 0x80000000u, 0x7fffffffu },
	{ "zero-window", scenario_zero_window, 0, false, false, false, -1,
	  false, 9, 0xfffff000u },
	{ "reboot", scenario_reboot, 0, false, true, false, 7, true, 1, 2 },
	{ "fast-open", scenario_fast_open, 0, false, false, false, -1, false,
	  0xffffff80u, 10 },
};

static void gen_track(void)
{
	static struct seed sd;
	struct sim s;
	unsigned int i;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		const struct scenario *c = &scenarios[i];

		sim_init(&s, c->isn_o, c->isn_r);
		s.family = c->v6 ? AF_INET6 : AF_INET;
		if (c->ws >= 0) {
			sim_offer_wscale(&s, GW_DIR_ORIGINAL, (uint8_t)c->ws);
			sim_offer_wscale(&s, GW_DIR_REPLY, (uint8_t)c->ws);
			sim_rcv_buf(&s, GW_DIR_ORIGINAL, 1u << 20);
			sim_rcv_buf(&s, GW_DIR_REPLY, 1u << 20);
		}
		if (c->sack) {
			sim_offer_sack(&s, GW_DIR_ORIGINAL);
			sim_offer_sack(&s, GW_DIR_REPLY);
		}
		seed_start(&sd, c->cfg, c->inbound, c->v6);
		sd.raw = c->raw;
		c->run(&sd, &s);
		seed_write(&sd, "track", c->name);
	}

	/* two connections at once, interleaved */
	{
		struct sim a, b;
		struct sim_seg g;
		struct seed *sdp = &sd;
		int k;

		sim_init(&a, 100, 200);
		sim_init(&b, 300, 400);
		seed_start(sdp, 0, false, false);
		for (k = 0; k < 3; k++) {
			struct sim *s = k % 2 ? &b : &a;

			sdp->port2 = k % 2;
			if (k < 2) {
				sim_syn(s, O, &g);
				rec(sdp, s, &g, true);
			}
		}
		sdp->port2 = false;
		sim_synack(&a, R, &g);
		rec(sdp, &a, &g, true);
		sdp->port2 = true;
		sim_synack(&b, R, &g);
		rec(sdp, &b, &g, true);
		sim_ack(&b, O, &g);
		rec(sdp, &b, &g, true);
		sdp->port2 = false;
		sim_ack(&a, O, &g);
		rec(sdp, &a, &g, true);
		sim_data(&a, R, 700, &g);
		rec(sdp, &a, &g, true);
		seed_write(sdp, "track", "two-flows");
	}
}

/* ---- parser seeds ------------------------------------------------------------ */

static void parse_seed(struct gw_pb *pb, const char *name)
{
	static struct seed sd;

	memset(&sd, 0, sizeof(sd));
	put8(&sd, pb->family == AF_INET6 ? 1 : 0);
	put(&sd, pb->data, pb->len);
	seed_write(&sd, "parse", name);
}

static void gen_parse(void)
{
	static const uint32_t edges[] = { 1000, 2000, 5000, 6000 };
	struct gw_pb pb, in;

	gw_pb_ipv4(&pb, FZ_A4, FZ_B4);
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_SYN, 1, 0);
	gw_pb_tcp_mss(&pb, 1460);
	gw_pb_tcp_sack_perm(&pb);
	gw_pb_tcp_nop(&pb);
	gw_pb_tcp_wscale(&pb, 7);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v4-syn-options");

	gw_pb_ipv4(&pb, FZ_A4, FZ_B4);
	gw_pb_ipv4_options(&pb, 2);
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_ACK | GW_TCP_PSH, 1, 2);
	gw_pb_tcp_nop(&pb);
	gw_pb_tcp_nop(&pb);
	gw_pb_tcp_sack(&pb, edges, 2);
	gw_pb_payload(&pb, 100);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v4-ipopts-sack");

	gw_pb_ipv4(&pb, FZ_A4, FZ_B4);
	gw_pb_udp(&pb, 5353, 53);
	gw_pb_payload(&pb, 30);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v4-udp");

	gw_pb_ipv4(&pb, FZ_B4, FZ_A4);
	gw_pb_icmp(&pb, 8, 0);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v4-icmp-echo");

	gw_pb_ipv4(&pb, FZ_B4, FZ_A4);
	gw_pb_ipv4_frag(&pb, 100, true);
	gw_pb_udp(&pb, 1, 2);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v4-fragment");

	gw_pb_ipv6(&pb, FZ_A6, FZ_B6);
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_SYN | GW_TCP_ACK, 7, 8);
	gw_pb_tcp_mss(&pb, 1440);
	gw_pb_tcp_wscale(&pb, 14);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-synack");

	gw_pb_ipv6(&pb, FZ_A6, FZ_B6);
	gw_pb_ipv6_ext(&pb, 0, 8);
	gw_pb_ipv6_ext(&pb, 60, 16);
	gw_pb_ipv6_ext(&pb, 43, 24);
	gw_pb_ipv6_ext(&pb, 51, 12);
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_ACK, 7, 8);
	gw_pb_tcp_nop(&pb);
	gw_pb_tcp_nop(&pb);
	gw_pb_tcp_sack(&pb, edges, 2);
	gw_pb_payload(&pb, 20);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-ext-chain");

	gw_pb_ipv6(&pb, FZ_B6, FZ_A6);
	gw_pb_ipv6_frag(&pb, 0, true, 0x1234);
	gw_pb_icmp(&pb, 128, 0);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-first-fragment");

	gw_pb_ipv6(&pb, FZ_B6, FZ_A6);
	gw_pb_ipv6_frag(&pb, 10, false, 0x1234);
	gw_pb_udp(&pb, 1, 2);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-later-fragment");

	gw_pb_ipv6(&pb, FZ_B6, FZ_A6);
	gw_pb_ipv6_jumbo(&pb, 70000);
	gw_pb_udp(&pb, 1, 2);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-jumbo");

	gw_pb_ipv6(&pb, FZ_B6, FZ_A6);
	gw_pb_proto(&pb, 59);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-no-next-header");

	/* an ICMPv6 error quoting a datagram with extension headers */
	gw_pb_ipv6(&in, FZ_A6, FZ_B6);
	gw_pb_ipv6_ext(&in, 0, 8);
	gw_pb_ipv6_ext(&in, 51, 12);
	gw_pb_ipv6_ext(&in, 60, 8);
	gw_pb_udp(&in, 40000, 53);
	gw_pb_payload(&in, 8);
	gw_pb_finish(&in);
	gw_pb_ipv6(&pb, FZ_B6, FZ_A6);
	gw_pb_ipv6_ext(&pb, 60, 8);
	gw_pb_icmp(&pb, 1, 4);
	gw_pb_payload(&pb, in.len);
	memcpy(pb.data + pb.payload_off, in.data, in.len);
	gw_pb_finish(&pb);
	parse_seed(&pb, "v6-icmp-error-ext");
}

static void mkdir_p(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		die(path);
}

int main(int argc, char **argv)
{
	char path[512];

	if (argc != 2) {
		fprintf(stderr, "usage: gen_seeds DIR\n");
		return 2;
	}
	outdir = argv[1];
	mkdir_p(outdir);
	snprintf(path, sizeof(path), "%s/track", outdir);
	mkdir_p(path);
	snprintf(path, sizeof(path), "%s/parse", outdir);
	mkdir_p(path);
	gen_track();
	gen_parse();
	return 0;
}
