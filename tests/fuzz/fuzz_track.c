// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness: sequences of packets (fuzz_input.h) through the
 * plain-C core as the module runs it (kmod/tcp_track.c): gw_parse(), the
 * flow key and direction (gw_flow_key_from_pkt(), which endpoint is
 * first), then for TCP gw_tcp_init() on an allowed SYN, gw_tcp_track() on
 * a known flow, gw_tcp_pickup() under loose pickup, and gw_rule_matches()
 * on a few fixed rules for every packet.
 *
 * Besides ASan and UBSan, it checks what must hold whatever the input:
 *   - gw_parse() gives the same answer whichever way gw_header_pointer()
 *     hands it bytes (gw_test_parse()), and what it fills in is sane;
 *   - a flow key is the same from both ends, with opposite directions;
 *   - verdicts and states are in range; a refused packet (INVALID,
 *     OUT_OF_WINDOW, REOPEN) leaves the entry exactly as it was; a
 *     passed-but-stale one leaves state and flags alone; ACCEPT moves the
 *     state as the transition table says; ACCEPT_CLOSE leaves CLOSE;
 *     REOPEN only for a SYN on TIME_WAIT or CLOSE; seen_reply only from
 *     the reply direction; scales at most 14; LIBERAL only when picked up;
 *   - a segment that was passed is passed again if it comes twice in a
 *     row (a retransmission is never refused where the original was not).
 *
 * A violation aborts, which libFuzzer reports as a crash with the input.
 * -DGW_FUZZ_STRICT also aborts on the core bugs already reported (see
 * tests/unit/sim_test.h), which are otherwise let through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#include "parse.h"
#include "tcp.h"
#include "rule.h"
#include "flowkey.h"
#include "pkt_buffer.h"
#include "fuzz_input.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_track: %s: ", #cond);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

#define NFLOWS	4

struct flow {
	bool used;
	bool orig_first;	/* the originator is key endpoint 0 */
	bool inbound;
	struct gw_flow_key key;
	struct gw_tcp_conn tcp;
};

static struct flow flows[NFLOWS];
static unsigned int victim;	/* the next flow a full table gives up */
static bool pickup_loose;
static int trace = -1;		/* FUZZ_TRACE=1: print every decision */
static struct gw_rule_match rules[4];
static bool rules_ready;

static void rules_init(void)
{
	static const char *const ifname = "wan0";
	struct gw_rule_match *r;

	memset(rules, 0, sizeof(rules));
	/* any TCP to A's first port */
	r = &rules[0];
	r->proto = IPPROTO_TCP;
	r->nports = 1;
	r->ports[0].first = FZ_A_PORT;
	r->ports[0].last = FZ_A_PORT;
	/* IPv6 TCP into 2001:db8:1::/48, low ports and A's second port */
	r = &rules[1];
	r->family = AF_INET6;
	r->proto = IPPROTO_TCP;
	r->dst = gw_test_addr(AF_INET6, "2001:db8:1::");
	r->dst_plen = 48;
	gw_addr_mask(&r->dst, r->dst_plen);
	r->nports = 2;
	r->ports[0].first = 1;
	r->ports[0].last = 1024;
	r->ports[1].first = FZ_A_PORT2;
	r->ports[1].last = FZ_A_PORT2;
	/* IPv4 TCP from B's /24, on wan0 only */
	r = &rules[2];
	r->family = AF_INET;
	r->proto = IPPROTO_TCP;
	r->src = gw_test_addr(AF_INET, "198.51.100.0");
	r->src_plen = 24;
	gw_addr_mask(&r->src, r->src_plen);
	memcpy(r->ifname, ifname, strlen(ifname) + 1);
	/* UDP to anything: never for TCP */
	rules[3].proto = IPPROTO_UDP;
	rules_ready = true;
}

static bool rules_match(const struct gw_pkt *pkt, const char *ifname)
{
	bool any = false;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rules); i++)
		any |= gw_rule_matches(&rules[i], pkt, ifname);
	return any;
}

/* ---- invariants ----------------------------------------------------------- */

static void check_parse(const struct gw_pkt *pkt, int rc, unsigned int len)
{
	CHECK(rc == GW_PARSE_OK || rc == GW_PARSE_MALFORMED, "rc %d", rc);
	if (rc != GW_PARSE_OK || pkt->proto != IPPROTO_TCP || pkt->fragment)
		return;
	CHECK(pkt->payload_len <= len, "payload %u of %u", pkt->payload_len,
	      len);
	CHECK(pkt->wscale <= 14, "wscale %u", pkt->wscale);
	CHECK(!(pkt->tcp_opts & ~(GW_TCPOPT_WSCALE_SEEN | GW_TCPOPT_SACK_PERM |
				  GW_TCPOPT_SACK | GW_TCPOPT_MSS |
				  GW_TCPOPT_TS)), "opts %#x", pkt->tcp_opts);
	if (pkt->tcp_flags & GW_TCP_SYN)
		CHECK(!(pkt->tcp_opts & GW_TCPOPT_SACK), "SACK on a SYN");
	else
		CHECK(!(pkt->tcp_opts & (GW_TCPOPT_WSCALE_SEEN |
					 GW_TCPOPT_SACK_PERM | GW_TCPOPT_MSS)),
		      "SYN options without SYN");
	if (!(pkt->tcp_opts & GW_TCPOPT_MSS))
		CHECK(pkt->mss == 0, "MSS without the option");
	if (!(pkt->tcp_opts & GW_TCPOPT_TS))
		CHECK(pkt->tsval == 0 && pkt->tsecr == 0,
		      "timestamps without the option");
	if (!(pkt->tcp_opts & GW_TCPOPT_WSCALE_SEEN))
		CHECK(pkt->wscale == 0, "wscale without the option");
	if (!(pkt->tcp_opts & GW_TCPOPT_SACK))
		CHECK(pkt->sack_edge == 0, "SACK edge without SACK");
}

static void check_key(const struct gw_pkt *pkt)
{
	struct gw_flow_key k1, k2;
	struct gw_pkt rev = *pkt;
	bool f1, f2;

	rev.saddr = pkt->daddr;
	rev.daddr = pkt->saddr;
	rev.sport = pkt->dport;
	rev.dport = pkt->sport;
	f1 = gw_flow_key_from_pkt(&k1, pkt);
	f2 = gw_flow_key_from_pkt(&k2, &rev);
	CHECK(gw_flow_key_equal(&k1, &k2), "key differs by direction");
	CHECK(memcmp(&k1, &k2, sizeof(k1)) == 0, "key padding differs");
	if (gw_addr_equal(&pkt->saddr, &pkt->daddr) &&
	    pkt->sport == pkt->dport)
		CHECK(f1 && f2, "a flow to itself");
	else
		CHECK(f1 != f2, "both ends first");
}

static void check_conn(const struct gw_tcp_conn *c)
{
	unsigned int d;

	CHECK(c->state != GW_TCP_NONE && c->state <= GW_TCP_STATE_MAX,
	      "state %u", c->state);
	CHECK(c->seen_reply <= 1, "seen_reply %u", c->seen_reply);
	CHECK(!(c->flags & ~GW_TCP_CONN_PICKED_UP), "flags %#x", c->flags);
	for (d = 0; d < 2; d++) {
		const struct gw_tcp_peer *p = &c->peer[d];

		CHECK(p->wscale <= 14, "wscale %u", p->wscale);
		CHECK(!(p->flags & ~(GW_TCP_PEER_WSCALE | GW_TCP_PEER_SACK_PERM |
				     GW_TCP_PEER_LIBERAL)),
		      "peer flags %#x", p->flags);
		if (!(c->flags & GW_TCP_CONN_PICKED_UP))
			CHECK(!(p->flags & GW_TCP_PEER_LIBERAL),
			      "liberal without pickup");
	}
}

static void check_step(const struct gw_tcp_conn *old,
		       const struct gw_tcp_conn *now, const struct gw_pkt *pkt,
		       enum gw_dir dir, enum gw_tcp_verdict v)
{
	enum gw_tcp_flag_class fc = gw_tcp_flag_class(pkt->tcp_flags);
	/*
	 * The one move outside the table (gw_tcp_resync()): a live
	 * connection whose originator sent a SYN, which the responder
	 * answers with a SYN-ACK acknowledging exactly that SYN.
	 */
	bool resync = gw_tcp_next_state(old->state, dir, fc) ==
			GW_TCP_S_IGNORE &&
		      fc == GW_TCP_FC_SYNACK && dir == GW_DIR_REPLY &&
		      (old->held_kind & GW_TCP_HELD_SYN) &&
		      pkt->ack_seq == gw_tcp_held(old);

	CHECK(v >= GW_TCP_ACCEPT && v <= GW_TCP_REOPEN, "verdict %d", v);
	check_conn(now);
	switch (v) {
	case GW_TCP_INVALID:
	case GW_TCP_OUT_OF_WINDOW:
	case GW_TCP_REOPEN:
		if (v == GW_TCP_REOPEN)
			CHECK(fc == GW_TCP_FC_SYN &&
			      old->state >= GW_TCP_LAST_ACK &&
			      old->state <= GW_TCP_CLOSE,
			      "REOPEN of %u in %s", pkt->tcp_flags,
			      gw_tcp_state_name(old->state));
		CHECK(memcmp(old, now, sizeof(*old)) == 0,
		      "verdict %d changed the entry", v);
		break;
	case GW_TCP_ACCEPT_STALE:
		CHECK(old->state == now->state && old->flags == now->flags &&
		      old->seen_reply == now->seen_reply,
		      "ACCEPT_STALE moved %s to %s",
		      gw_tcp_state_name(old->state),
		      gw_tcp_state_name(now->state));
		break;
	case GW_TCP_ACCEPT_CLOSE:
		CHECK(now->state == GW_TCP_CLOSE, "ACCEPT_CLOSE in %s",
		      gw_tcp_state_name(now->state));
		break;
	case GW_TCP_ACCEPT:
		if (resync) {
			/* the responder took the held SYN: a new handshake */
			CHECK(now->state == GW_TCP_SYN_RECV,
			      "resync to %s", gw_tcp_state_name(now->state));
			CHECK(!(now->flags & GW_TCP_CONN_PICKED_UP),
			      "a resync kept the picked-up mark");
			break;
		}
		CHECK(now->state == gw_tcp_next_state(old->state, dir, fc),
		      "ACCEPT: %s -> %s, the table says %u",
		      gw_tcp_state_name(old->state),
		      gw_tcp_state_name(now->state),
		      gw_tcp_next_state(old->state, dir, fc));
		break;
	}
	if (dir == GW_DIR_ORIGINAL || (v != GW_TCP_ACCEPT &&
				       v != GW_TCP_ACCEPT_CLOSE))
		CHECK(now->seen_reply == old->seen_reply,
		      "seen_reply changed by dir %d verdict %d", dir, v);
	if (!resync)
		CHECK(old->flags == now->flags, "connection flags changed");

	/* the same segment again, as a retransmission */
	if (v == GW_TCP_ACCEPT || v == GW_TCP_ACCEPT_STALE) {
		struct gw_tcp_conn again = *now;
		enum gw_tcp_verdict v2 = gw_tcp_track(&again, pkt, dir);

		CHECK(v2 == GW_TCP_ACCEPT || v2 == GW_TCP_ACCEPT_STALE ||
		      v2 == GW_TCP_ACCEPT_CLOSE,
		      "passed with %d, refused with %d when sent again "
		      "(flags %#x state %s)", v, v2, pkt->tcp_flags,
		      gw_tcp_state_name(now->state));
		check_conn(&again);
	}
}

/* ---- the flow table --------------------------------------------------------- */

static struct flow *flow_find(const struct gw_flow_key *key)
{
	unsigned int i;

	for (i = 0; i < NFLOWS; i++)
		if (flows[i].used && gw_flow_key_equal(&flows[i].key, key))
			return &flows[i];
	return NULL;
}

/* A new flow for @key, replacing a finished one (or the oldest). */
static struct flow *flow_add(const struct gw_flow_key *key)
{
	struct flow *f = flow_find(key);
	unsigned int i;

	if (!f)
		for (i = 0; i < NFLOWS && !f; i++)
			if (!flows[i].used)
				f = &flows[i];
	if (!f)
		f = &flows[victim++ % NFLOWS];
	memset(f, 0, sizeof(*f));
	f->used = true;
	f->key = *key;
	return f;
}

static enum gw_dir flow_dir(const struct flow *f, bool src_first)
{
	return src_first == f->orig_first ? GW_DIR_ORIGINAL : GW_DIR_REPLY;
}

/* kmod/tcp_track.c: gw_tcp_inbound() and gw_tcp_outbound(). */
static void tcp_packet(const struct gw_pkt *pkt, bool inbound)
{
	struct gw_flow_key key;
	struct gw_tcp_conn tcp;
	struct flow *f;
	bool src_first;

	if (!gw_tcp_flags_valid(pkt->tcp_flags))
		return;
	src_first = gw_flow_key_from_pkt(&key, pkt);
	f = flow_find(&key);
	if (f) {
		enum gw_dir dir = flow_dir(f, src_first);
		struct gw_tcp_conn old = f->tcp;
		enum gw_tcp_verdict v = gw_tcp_track(&f->tcp, pkt, dir);

		check_step(&old, &f->tcp, pkt, dir, v);
		if (trace)
			fprintf(stderr, "flow %d %s flags %#x seq %u ack %u "
				"len %u: verdict %d, %s -> %s\n",
				(int)(f - flows), dir ? "REPLY" : "ORIG",
				pkt->tcp_flags, pkt->seq, pkt->ack_seq,
				pkt->payload_len, v,
				gw_tcp_state_name(old.state),
				gw_tcp_state_name(f->tcp.state));
		if (v == GW_TCP_ACCEPT_CLOSE)
			f->used = false;
		if (v != GW_TCP_REOPEN)
			return;
	}

	if (inbound) {
		/* nothing from outside is picked up mid-stream */
		if (!gw_tcp_is_pure_syn(pkt->tcp_flags))
			return;
		if (!rules_match(pkt, "wan0"))
			return;
		gw_tcp_init(&tcp, pkt);
	} else if (gw_tcp_is_pure_syn(pkt->tcp_flags)) {
		gw_tcp_init(&tcp, pkt);
	} else if (pickup_loose && gw_tcp_pickup(&tcp, pkt)) {
		enum gw_tcp_flag_class fc = gw_tcp_flag_class(pkt->tcp_flags);

		CHECK(fc == GW_TCP_FC_ACK || fc == GW_TCP_FC_FIN,
		      "picked up from flags %#x", pkt->tcp_flags);
		CHECK(tcp.flags == GW_TCP_CONN_PICKED_UP && !tcp.seen_reply,
		      "pickup flags");
		CHECK(tcp.state == (fc == GW_TCP_FC_FIN ? GW_TCP_FIN_WAIT :
				    GW_TCP_ESTABLISHED), "pickup state");
		check_conn(&tcp);
		goto add;
	} else {
		return;
	}
	CHECK(tcp.state == GW_TCP_SYN_SENT && !tcp.seen_reply && !tcp.flags,
	      "init");
	CHECK(tcp.peer[GW_DIR_ORIGINAL].end == pkt->seq + 1 +
	      pkt->payload_len, "init end");
	CHECK(tcp.peer[GW_DIR_REPLY].maxwin == 0, "init: a reply known");
	check_conn(&tcp);
add:
	if (trace)
		fprintf(stderr, "new flow (%s) flags %#x seq %u: %s\n",
			inbound ? "inbound" : "outbound", pkt->tcp_flags,
			pkt->seq, gw_tcp_state_name(tcp.state));
	f = flow_add(&key);
	f->orig_first = src_first;
	f->inbound = inbound;
	f->tcp = tcp;
}

/* ---- decoding --------------------------------------------------------------- */

struct reader {
	const uint8_t *p;
	size_t n;
};

static bool take(struct reader *r, void *out, size_t n)
{
	if (r->n < n)
		return false;
	memcpy(out, r->p, n);
	r->p += n;
	r->n -= n;
	return true;
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

/* The tracker's view of the flow a template packet would belong to. */
static bool template_view(uint8_t ctl, const struct gw_tcp_peer **snd,
			  const struct gw_tcp_peer **rcv)
{
	bool v6 = ctl & FZ_IPV6, out = ctl & FZ_FROM_OUTSIDE;
	struct gw_flow_key key;
	struct gw_pkt probe;
	struct flow *f;
	enum gw_dir dir;
	bool src_first;

	memset(&probe, 0, sizeof(probe));
	probe.family = v6 ? AF_INET6 : AF_INET;
	probe.proto = IPPROTO_TCP;
	probe.saddr = gw_test_addr(probe.family, out ? (v6 ? FZ_B6 : FZ_B4) :
						       (v6 ? FZ_A6 : FZ_A4));
	probe.daddr = gw_test_addr(probe.family, out ? (v6 ? FZ_A6 : FZ_A4) :
						       (v6 ? FZ_B6 : FZ_B4));
	probe.sport = out ? FZ_B_PORT :
			    (ctl & FZ_PORT2 ? FZ_A_PORT2 : FZ_A_PORT);
	probe.dport = out ? (ctl & FZ_PORT2 ? FZ_A_PORT2 : FZ_A_PORT) :
			    FZ_B_PORT;
	src_first = gw_flow_key_from_pkt(&key, &probe);
	f = flow_find(&key);
	if (!f)
		return false;
	dir = flow_dir(f, src_first);
	*snd = &f->tcp.peer[dir];
	*rcv = &f->tcp.peer[!dir];
	return true;
}

/* Build a template record's packet into @pb; false if the input ran out. */
static bool template_packet(struct reader *r, uint8_t ctl, struct gw_pb *pb)
{
	uint8_t t[FZ_TEMPLATE_LEN], n, opt, b[64];
	const struct gw_tcp_peer *snd = NULL, *rcv = NULL;
	bool v6 = ctl & FZ_IPV6, out = ctl & FZ_FROM_OUTSIDE;
	uint16_t aport = ctl & FZ_PORT2 ? FZ_A_PORT2 : FZ_A_PORT;
	uint32_t seq, ack, sbase = 0, abase = 0, rend = 0;
	unsigned int len, i;

	if (!take(r, t, sizeof(t)))
		return false;
	if (template_view(ctl, &snd, &rcv)) {
		rend = rcv->end;
		switch ((ctl >> 4) & 3) {
		case 1:
			sbase = snd->end;
			break;
		case 2:
			sbase = snd->maxend;
			break;
		case 3:
			sbase = snd->end - rcv->maxwin;
			break;
		}
		switch ((ctl >> 6) & 3) {
		case 1:
			abase = rcv->end;
			break;
		case 2:
			abase = rcv->end - 66000;
			break;
		case 3:
			abase = rcv->maxend;
			break;
		}
	}
	seq = sbase + be32(t + 1);
	ack = abase + be32(t + 5);
	len = ((unsigned int)t[11] << 8 | t[12]) % (FZ_MAX_PAYLOAD + 1);
	opt = t[13];

	if (v6)
		gw_pb_ipv6(pb, out ? FZ_B6 : FZ_A6, out ? FZ_A6 : FZ_B6);
	else
		gw_pb_ipv4(pb, out ? FZ_B4 : FZ_A4, out ? FZ_A4 : FZ_B4);
	gw_pb_tcp(pb, out ? FZ_B_PORT : aport, out ? aport : FZ_B_PORT, t[0],
		  seq, ack);
	gw_pb_tcp_window(pb, (uint16_t)(t[9] << 8 | t[10]));
	switch (opt & 3) {
	case FZ_OPT_SYN:
		gw_pb_tcp_mss(pb, 1460);
		if (opt & FZ_OPT_SACK_PERM)
			gw_pb_tcp_sack_perm(pb);
		if (opt & FZ_OPT_WSCALE) {
			if (!take(r, &n, 1))
				return false;
			gw_pb_tcp_nop(pb);
			gw_pb_tcp_wscale(pb, n);
		}
		break;
	case FZ_OPT_SACK: {
		uint32_t edges[8];

		if (!take(r, &n, 1))
			return false;
		n = n % 4 + 1;
		if (!take(r, b, 2u * n))
			return false;
		for (i = 0; i < n; i++) {
			int16_t d = (int16_t)(b[2 * i] << 8 | b[2 * i + 1]);

			edges[2 * i + 1] = rend + (uint32_t)(int32_t)d;
			edges[2 * i] = edges[2 * i + 1] - 1000;
		}
		gw_pb_tcp_nop(pb);
		gw_pb_tcp_nop(pb);
		gw_pb_tcp_sack(pb, edges, n);
		break;
	}
	case FZ_OPT_RAW:
		if (!take(r, &n, 1))
			return false;
		if (!take(r, b, n > 40 ? 40 : n))
			return false;
		if (n)
			gw_pb_tcp_opt_raw(pb, b, n > 40 ? 40 : n);
		break;
	}
	if (len)
		gw_pb_payload(pb, len);
	gw_pb_finish(pb);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };
	uint8_t cfg, ctl;

	if (!rules_ready)
		rules_init();
	if (trace < 0)
		trace = getenv("FUZZ_TRACE") != NULL;
	memset(flows, 0, sizeof(flows));
	victim = 0;
	if (!take(&r, &cfg, 1))
		return 0;
	pickup_loose = cfg & FZ_CFG_PICKUP_LOOSE;

	while (take(&r, &ctl, 1)) {
		uint8_t family = ctl & FZ_IPV6 ? AF_INET6 : AF_INET;
		bool inbound = ctl & FZ_FROM_OUTSIDE;
		const uint8_t *bytes;
		unsigned int len;
		struct gw_pkt pkt;
		struct gw_pb pb;
		int rc;

		if (ctl & FZ_RAW) {
			uint8_t l[2];

			if (!take(&r, l, 2))
				break;
			len = (unsigned int)l[0] << 8 | l[1];
			if (len > r.n)
				len = (unsigned int)r.n;
			bytes = r.p;
			r.p += len;
			r.n -= len;
		} else {
			if (!template_packet(&r, ctl, &pb))
				break;
			bytes = pb.data;
			len = pb.len;
		}
		/* exactly @len bytes on the heap, parsed in every mode */
		rc = gw_test_parse(&pkt, family, bytes, len);
		check_parse(&pkt, rc, len);
		if (rc != GW_PARSE_OK)
			continue;
		check_key(&pkt);
		rules_match(&pkt, inbound ? "wan0" : "lan0");
		if (pkt.fragment || pkt.proto != IPPROTO_TCP)
			continue;
		tcp_packet(&pkt, inbound);
	}
	return 0;
}
