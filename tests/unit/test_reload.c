// SPDX-License-Identifier: GPL-2.0
/*
 * What "set reload_policy close" decides with the core: a flow is judged
 * again as the packet that opened it (gw_flow_key_opening_pkt()), which
 * every rule must match exactly as it matched the real one, from either
 * direction's key; and a TCP connection is reset at both ends with the
 * sequence numbers each simulated end really expects (gw_tcp_close_resets()).
 */
#include "sim_test.h"
#include "flowkey.h"
#include "rule.h"

/* An opening packet: a TCP one is a SYN. */
static struct gw_pkt mkpkt(uint8_t family, uint8_t proto, const char *src,
			   uint16_t sport, const char *dst, uint16_t dport)
{
	struct gw_pkt p = gw_test_pkt(family, proto, src, sport, dst, dport);

	if (proto == IPPROTO_TCP)
		p.tcp_flags = GW_TCP_SYN;
	return p;
}

/* Its answer: a TCP one is a SYN-ACK. */
static struct gw_pkt reversed(const struct gw_pkt *p)
{
	struct gw_pkt r = gw_test_pkt_reversed(p);

	r.tcp_flags = GW_TCP_SYN | GW_TCP_ACK;
	return r;
}

/* Openers whose source sorts both before and after their destination. */
static const struct gw_pkt *openers(size_t *n)
{
	static struct gw_pkt p[8];

	p[0] = mkpkt(AF_INET, IPPROTO_TCP, "203.0.113.2", 40000, "192.0.2.2", 8080);
	p[1] = mkpkt(AF_INET, IPPROTO_TCP, "192.0.2.9", 40000, "203.0.113.10", 22);
	p[2] = mkpkt(AF_INET, IPPROTO_UDP, "198.51.100.7", 5300, "192.0.2.2", 5300);
	p[3] = mkpkt(AF_INET, IPPROTO_UDP, "192.0.2.2", 1000, "192.0.2.2", 53);
	p[4] = mkpkt(AF_INET, 47, "203.0.113.2", 0, "192.0.2.2", 0);
	p[5] = mkpkt(AF_INET6, IPPROTO_TCP, "2001:db8:203::2", 50000, "2001:db8:192::2", 443);
	p[6] = mkpkt(AF_INET6, IPPROTO_UDP, "2001:db8::1", 53, "2001:db8:ffff::1", 53);
	p[7] = mkpkt(AF_INET6, IPPROTO_TCP, "2001:db8:ffff::9", 1, "2001:db8::1", 65535);
	*n = ARRAY_SIZE(p);
	return p;
}

static void assert_same_opener(const struct gw_pkt *got, const struct gw_pkt *want)
{
	assert_memory_equal(&got->saddr, &want->saddr, sizeof(want->saddr));
	assert_memory_equal(&got->daddr, &want->daddr, sizeof(want->daddr));
	assert_int_equal(got->sport, want->sport);
	assert_int_equal(got->dport, want->dport);
	assert_int_equal(got->family, want->family);
	assert_int_equal(got->proto, want->proto);
	assert_int_equal(got->tcp_flags,
			 want->proto == IPPROTO_TCP ? GW_TCP_SYN : 0);
}

/*
 * The key, built from the opener or from a reply, gives the opener back,
 * as long as the flow says which end opened it.
 */
TEST(reload_opening_pkt_from_either_direction)
{
	size_t n, i;
	const struct gw_pkt *p = openers(&n);

	for (i = 0; i < n; i++) {
		struct gw_pkt rep = reversed(&p[i]), got;
		struct gw_flow_key key, key2;
		bool orig_first = gw_flow_key_from_pkt(&key, &p[i]);
		bool rep_first = gw_flow_key_from_pkt(&key2, &rep);

		gw_flow_key_opening_pkt(&got, &key, orig_first);
		assert_same_opener(&got, &p[i]);
		/* the reply's key is the same flow: the opener is the other end */
		assert_memory_equal(&key, &key2, sizeof(key));
		gw_flow_key_opening_pkt(&got, &key2, !rep_first);
		assert_same_opener(&got, &p[i]);
		/* the wrong end is a different packet (unless both are one) */
		gw_flow_key_opening_pkt(&got, &key, !orig_first);
		if (p[i].sport != p[i].dport || !gw_addr_equal(&p[i].saddr, &p[i].daddr))
			assert_false(gw_addr_equal(&got.saddr, &p[i].saddr) &&
				     got.sport == p[i].sport &&
				     gw_addr_equal(&got.daddr, &p[i].daddr));
	}
}

static struct gw_rule_match mkrule(uint8_t family, uint8_t proto,
				   const char *src, uint8_t src_plen,
				   const char *dst, uint8_t dst_plen,
				   uint16_t first, uint16_t last, const char *ifname)
{
	struct gw_rule_match r;
	uint8_t f = family ? family : AF_INET;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.proto = proto;
	if (src) {
		r.src = gw_test_addr(f, src);
		r.src_plen = src_plen;
		gw_addr_mask(&r.src, src_plen);
	}
	if (dst) {
		r.dst = gw_test_addr(f, dst);
		r.dst_plen = dst_plen;
		gw_addr_mask(&r.dst, dst_plen);
	}
	if (first) {
		r.ports[0].first = first;
		r.ports[0].last = last;
		r.nports = 1;
	}
	if (ifname)
		snprintf(r.ifname, sizeof(r.ifname), "%s", ifname);
	return r;
}

/*
 * Every rule decides the reconstructed opener exactly as it decided the
 * real one: matching or not, by family, protocol, either prefix, port
 * and interface, so the re-check reuses the rule match unchanged.
 */
TEST(reload_rules_judge_the_opener_alike)
{
	const struct gw_rule_match rules[] = {
		mkrule(0, IPPROTO_TCP, NULL, 0, NULL, 0, 0, 0, NULL),
		mkrule(AF_INET, IPPROTO_TCP, NULL, 0, "192.0.2.2", 32, 8080, 8080, NULL),
		mkrule(AF_INET, IPPROTO_TCP, NULL, 0, "192.0.2.2", 32, 8081, 8081, NULL),
		mkrule(AF_INET, IPPROTO_TCP, "203.0.113.0", 24, NULL, 0, 0, 0, NULL),
		mkrule(AF_INET, IPPROTO_TCP, "192.0.2.0", 24, NULL, 0, 1, 1024, NULL),
		mkrule(AF_INET, IPPROTO_UDP, NULL, 0, "192.0.2.0", 24, 5300, 5300, NULL),
		mkrule(AF_INET, IPPROTO_UDP, NULL, 0, NULL, 0, 53, 53, "wan0"),
		mkrule(AF_INET, 47, NULL, 0, NULL, 0, 0, 0, NULL),
		mkrule(AF_INET6, IPPROTO_TCP, NULL, 0, "2001:db8:192::", 48, 443, 443, NULL),
		mkrule(AF_INET6, IPPROTO_TCP, "2001:db8:203::", 64, NULL, 0, 0, 0, "wan1"),
		mkrule(AF_INET6, IPPROTO_UDP, NULL, 0, "2001:db8:ffff::", 48, 53, 53, NULL),
		mkrule(AF_INET6, IPPROTO_TCP, NULL, 0, NULL, 0, 65535, 65535, NULL),
	};
	const char *ifnames[] = { "wan0", "wan1", "" };
	unsigned int matched = 0, refused = 0;
	size_t n, i, r, f;
	const struct gw_pkt *p = openers(&n);

	for (i = 0; i < n; i++) {
		struct gw_flow_key key;
		struct gw_pkt got;
		bool orig_first = gw_flow_key_from_pkt(&key, &p[i]);

		gw_flow_key_opening_pkt(&got, &key, orig_first);
		for (r = 0; r < ARRAY_SIZE(rules); r++) {
			for (f = 0; f < ARRAY_SIZE(ifnames); f++) {
				bool want = gw_rule_matches(&rules[r], &p[i], ifnames[f]);

				assert_int_equal(gw_rule_matches(&rules[r], &got, ifnames[f]), want);
				if (want)
					matched++;
				else
					refused++;
			}
		}
	}
	/* the table is no use unless it has both outcomes aplenty */
	assert_true(matched >= 10);
	assert_true(refused >= 10);
}

/* The resets of a connection in @state, checked against both ends. */
static void check_resets_in(uint8_t state)
{
	struct gw_tcp_close rst;
	struct sim s;

	sim_init(&s, 0xfffff000u, 0x7fffff00u);	/* both wrap soon */
	sim_to_state(&s, state);
	assert_true(gw_tcp_close_resets(&s.conn, &rst));
	/* the responder takes an RST exactly at the seq it expects next */
	assert_int_equal(rst.to_responder_seq, s.e[REPLY].rcv_nxt);
	/* the originator: at its rcv_nxt, acknowledging all it sent */
	if (s.e[ORIG].synced)
		assert_int_equal(rst.to_originator_seq, s.e[ORIG].rcv_nxt);
	assert_int_equal(rst.to_originator_ack, s.e[ORIG].snd_nxt);
}

TEST(reload_resets_fit_both_ends)
{
	check_resets_in(SS);
	check_resets_in(SR);
	check_resets_in(ES);
	check_resets_in(FW);
	check_resets_in(CW);
	check_resets_in(LA);
}

/* After a bulk transfer both ways, the ends still take them. */
TEST(reload_resets_after_data)
{
	struct gw_tcp_close rst;
	struct sim s;
	unsigned int i;

	sim_init(&s, 1000, 0xffffff00u);
	sim_to_state(&s, ES);
	for (i = 0; i < 50; i++) {
		STEP(&s, mk_data(&s, i % 3 ? REPLY : ORIG, 1000), OK, ES);
		STEP(&s, mk_ack(&s, i % 3 ? ORIG : REPLY), OK, ES);
		sim_read(&s, ORIG, UINT32_MAX);
		sim_read(&s, REPLY, UINT32_MAX);
	}
	assert_true(gw_tcp_close_resets(&s.conn, &rst));
	assert_int_equal(rst.to_responder_seq, s.e[REPLY].rcv_nxt);
	assert_int_equal(rst.to_originator_seq, s.e[ORIG].rcv_nxt);
	assert_int_equal(rst.to_originator_ack, s.e[ORIG].snd_nxt);
}

/* Nothing to reset once both ends are done, or when windows are unknown. */
TEST(reload_no_resets_when_no_end_is_left)
{
	struct gw_tcp_close rst;
	struct sim s;

	sim_init(&s, 1, 2);
	sim_to_state(&s, TW);
	assert_false(gw_tcp_close_resets(&s.conn, &rst));
	sim_init(&s, 1, 2);
	sim_to_state(&s, CL);
	assert_false(gw_tcp_close_resets(&s.conn, &rst));
	sim_init(&s, 1, 2);
	sim_to_state(&s, ES);
	s.conn.flags |= GW_TCP_CONN_PICKED_UP;
	assert_false(gw_tcp_close_resets(&s.conn, &rst));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(reload_opening_pkt_from_either_direction),
	cmocka_unit_test(reload_rules_judge_the_opener_alike),
	cmocka_unit_test(reload_resets_fit_both_ends),
	cmocka_unit_test(reload_resets_after_data),
	cmocka_unit_test(reload_no_resets_when_no_end_is_left),
};

GW_UNIT_MAIN(tests)
