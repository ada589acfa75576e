// SPDX-License-Identifier: GPL-2.0
/*
 * The rule index against the linear scan it replaces: on random rulesets
 * and packets, and on the edges (ports 0 and 65535, no rule, the most
 * rules a namespace holds, a ruleset past the budget), the first match
 * through the index is the scan's, and every rule that matches is among
 * the index's candidates, which come in rule order.
 */
#include "unit.h"
#include "ruleindex.h"

/* kmod/rules.h's GW_MAX_RULES, which userspace cannot include */
#define MAX_RULES	4096

static struct gw_rule_match rules[MAX_RULES];
static unsigned int nrules;

static const struct gw_rule_match *at(const void *set, unsigned int i)
{
	return &((const struct gw_rule_match *)set)[i];
}

static const struct gw_rule_array array = { .rules = rules, .at = at };

static struct gw_rule_index *build(void)
{
	struct gw_rule_array ra = array;
	struct gw_rule_index_scratch *s = malloc(sizeof(*s));
	struct gw_rule_index *idx;
	size_t size;

	assert_non_null(s);
	/* garbage in the scratch must not matter */
	memset(s, 0xa5, sizeof(*s));
	ra.n = nrules;
	size = gw_rule_index_size(s, &ra);
	assert_true(size >= sizeof(*idx));
	idx = malloc(size);
	assert_non_null(idx);
	memset(idx, 0x5a, size);
	gw_rule_index_build(idx, s, &ra);
	free(s);
	return idx;
}

static int scan(const struct gw_pkt *pkt, const char *ifname)
{
	unsigned int i;

	for (i = 0; i < nrules; i++)
		if (gw_rule_matches(&rules[i], pkt, ifname))
			return (int)i;
	return -1;
}

/*
 * Should rule @r be a candidate for @pkt?  Of a protocol scanned (or whose
 * rules all have any port), every rule of it; otherwise those whose ports
 * cover the packet's: @r matches with the rest of it made "any".
 */
static bool candidate(const struct gw_rule_index *idx,
		      const struct gw_rule_match *r, const struct gw_pkt *pkt)
{
	struct gw_rule_match ports;

	if (r->proto != pkt->proto)
		return false;
	if (!idx->proto[idx->slot[pkt->proto] - 1].niv)
		return true;
	memset(&ports, 0, sizeof(ports));
	ports.proto = r->proto;
	ports.nports = r->nports;
	memcpy(ports.ports, r->ports, sizeof(ports.ports));
	return gw_rule_matches(&ports, pkt, "");
}

/*
 * The index's first match, checked against the scan; the candidates
 * ascend, and are exactly the rules they should be (so none that matches
 * is left out).  Returns the first match.
 */
static int check(const struct gw_rule_index *idx, const struct gw_pkt *pkt,
		 const char *ifname)
{
	static bool seen[MAX_RULES];
	struct gw_rule_cursor c;
	int i, prev = -1, first = -1;
	unsigned int r;

	memset(seen, 0, sizeof(seen));
	gw_rule_index_start(&c, idx, pkt->proto, pkt->dport);
	while ((i = gw_rule_cursor_next(&c)) >= 0) {
		if (i <= prev || i >= (int)nrules)
			fail_msg("candidate %d after %d (of %u rules)", i, prev,
				 nrules);
		prev = i;
		seen[i] = true;
		if (first < 0 && gw_rule_matches(&rules[i], pkt, ifname))
			first = i;
	}
	if (first != scan(pkt, ifname))
		fail_msg("proto %u port %u family %u on \"%s\": index %d, "
			 "scan %d", pkt->proto, pkt->dport, pkt->family,
			 ifname, first, scan(pkt, ifname));
	for (r = 0; r < nrules; r++)
		if (seen[r] != candidate(idx, &rules[r], pkt))
			fail_msg("rule %u, proto %u port %u: candidate %d, "
				 "want %d", r, pkt->proto, pkt->dport, seen[r],
				 !seen[r]);
	return first;
}

/* ---- random rulesets ----------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 32) % n;
}

static const uint8_t protos[] = {
	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, 47, 0, 255,
};
static const char *const ifnames[] = { "", "wan0", "wan1" };

/* Ports near the edges and a few clusters, where the cuts fall. */
static uint16_t rnd_port(void)
{
	static const uint16_t edge[] = { 0, 1, 2, 22, 80, 443, 1023, 1024,
					 32767, 32768, 65533, 65534, 65535 };

	switch (rnd(4)) {
	case 0:
		return edge[rnd(ARRAY_SIZE(edge))];
	case 1:
		return (uint16_t)(1000 + rnd(40));
	case 2:
		return (uint16_t)(65535 - rnd(20));
	default:
		return (uint16_t)rnd(65536);
	}
}

static void rnd_prefix(uint8_t family, union gw_addr *a, uint8_t *plen)
{
	static const char *const v4[] = { "203.0.113.0", "203.0.113.7",
					  "198.51.100.1" };
	static const char *const v6[] = { "2001:db8::", "2001:db8::7",
					  "2001:db8:1::1" };

	if (!family || rnd(3) == 0) {
		*plen = 0;
		memset(a, 0, sizeof(*a));
		return;
	}
	if (family == AF_INET) {
		*a = gw_test_addr(family, v4[rnd(ARRAY_SIZE(v4))]);
		*plen = (uint8_t)(rnd(2) ? 24 : 32);
	} else {
		*a = gw_test_addr(family, v6[rnd(ARRAY_SIZE(v6))]);
		*plen = (uint8_t)(rnd(2) ? 32 : 128);
	}
	gw_addr_mask(a, *plen);
}

static void rnd_rule(struct gw_rule_match *r)
{
	static const uint8_t families[] = { 0, AF_INET, AF_INET6 };
	unsigned int i;

	memset(r, 0, sizeof(*r));
	r->family = families[rnd(ARRAY_SIZE(families))];
	/* mostly TCP and UDP, where ports are */
	r->proto = rnd(4) ? (rnd(2) ? IPPROTO_TCP : IPPROTO_UDP)
			  : protos[rnd(ARRAY_SIZE(protos))];
	rnd_prefix(r->family, &r->src, &r->src_plen);
	rnd_prefix(r->family, &r->dst, &r->dst_plen);
	strcpy(r->ifname, ifnames[rnd(ARRAY_SIZE(ifnames))]);
	/* any port, 1 to 8 ranges, or more than the 8 that are read */
	r->nports = (uint8_t)(rnd(4) == 0 ? 0 : rnd(20) == 0 ? 9 + rnd(3)
					     : 1 + rnd(GW_RULE_MAX_PORT_RANGES));
	for (i = 0; i < GW_RULE_MAX_PORT_RANGES; i++) {
		uint16_t a = rnd_port(), b;

		switch (rnd(4)) {
		case 0:		/* one port */
			b = a;
			break;
		case 1:		/* a short range, maybe empty: first > last */
			b = (uint16_t)(a + rnd(8) - 2);
			break;
		default:
			b = rnd_port();
			break;
		}
		r->ports[i].first = a;
		r->ports[i].last = b;
	}
}

static struct gw_pkt rnd_pkt(void)
{
	static const char *const v4[] = { "203.0.113.7", "203.0.113.200",
					  "198.51.100.1", "192.0.2.9" };
	static const char *const v6[] = { "2001:db8::7", "2001:db8::1:2",
					  "2001:db8:1::1", "2001:db9::1" };
	uint8_t family = rnd(2) ? AF_INET : AF_INET6;
	const char *const *a = family == AF_INET ? v4 : v6;
	struct gw_pkt p;

	p = gw_test_pkt(family, IPPROTO_TCP, a[rnd(4)], (uint16_t)rnd(65536),
			a[rnd(4)], rnd_port());
	p.proto = rnd(4) ? (rnd(2) ? IPPROTO_TCP : IPPROTO_UDP)
			 : protos[rnd(ARRAY_SIZE(protos))];
	return p;
}

/*
 * Rulesets of every size up to 64 and a few larger ones, 400 packets each,
 * every rule's range ends and their neighbours among them.
 */
TEST(ruleindex_random_rulesets_match_the_scan)
{
	unsigned int round, i, j, matched = 0, total = 0;

	for (round = 0; round < 300; round++) {
		struct gw_rule_index *idx;

		nrules = round < 260 ? round % 65 : 100 + rnd(900);
		for (i = 0; i < nrules; i++)
			rnd_rule(&rules[i]);
		idx = build();
		for (i = 0; i < 400; i++) {
			struct gw_pkt p = rnd_pkt();

			matched += check(idx, &p, ifnames[rnd(3)]) >= 0;
			total++;
		}
		/* the ports on either side of every cut (of 64 rules) */
		for (i = 0; i < nrules && i < 64; i++) {
			const struct gw_rule_match *r = &rules[i];

			for (j = 0; j < GW_RULE_MAX_PORT_RANGES; j++) {
				struct gw_pkt p = rnd_pkt();
				int d;

				p.proto = r->proto;
				for (d = -1; d <= 1; d++) {
					p.dport = (uint16_t)(r->ports[j].first + d);
					check(idx, &p, r->ifname);
					p.dport = (uint16_t)(r->ports[j].last + d);
					check(idx, &p, r->ifname);
				}
			}
		}
		free(idx);
	}
	/* the random packets do find rules, and do miss them */
	assert_true(matched > total / 20);
	assert_true(matched < total - total / 20);
}

/* Every port, for a few protocols, over one random ruleset of 200 rules. */
TEST(ruleindex_every_port)
{
	static const uint8_t which[] = { IPPROTO_TCP, IPPROTO_UDP, 47 };
	struct gw_rule_index *idx;
	unsigned int i, port;

	nrules = 200;
	for (i = 0; i < nrules; i++)
		rnd_rule(&rules[i]);
	idx = build();
	for (i = 0; i < ARRAY_SIZE(which); i++) {
		struct gw_pkt p = gw_test_pkt(AF_INET, which[i], "192.0.2.9",
					      40000, "203.0.113.7", 0);

		for (port = 0; port < 65536; port++) {
			p.dport = (uint16_t)port;
			check(idx, &p, "wan0");
		}
	}
	free(idx);
}

/* ---- edges --------------------------------------------------------------- */

static struct gw_rule_match tcp_ports(uint16_t first, uint16_t last)
{
	struct gw_rule_match r;

	memset(&r, 0, sizeof(r));
	r.proto = IPPROTO_TCP;
	r.nports = 1;
	r.ports[0].first = first;
	r.ports[0].last = last;
	return r;
}

static int first_match(const struct gw_rule_index *idx, uint8_t proto,
		       uint16_t port)
{
	struct gw_pkt p = gw_test_pkt(AF_INET, proto, "192.0.2.9", 40000,
				      "203.0.113.7", port);

	return check(idx, &p, "wan0");
}

TEST(ruleindex_empty_ruleset)
{
	struct gw_rule_index *idx;

	nrules = 0;
	idx = build();
	assert_int_equal(idx->nprotos, 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 0), -1);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 65535), -1);
	assert_int_equal(first_match(idx, 0, 0), -1);
	free(idx);
}

TEST(ruleindex_ports_0_and_65535)
{
	struct gw_rule_index *idx;

	nrules = 0;
	rules[nrules++] = tcp_ports(65535, 65535);
	rules[nrules++] = tcp_ports(0, 0);
	rules[nrules++] = tcp_ports(0, 65535);
	rules[nrules++] = tcp_ports(65534, 65535);
	idx = build();
	assert_int_equal(first_match(idx, IPPROTO_TCP, 65535), 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 0), 1);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 1), 2);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 65534), 2);
	assert_int_equal(first_match(idx, IPPROTO_UDP, 0), -1);
	free(idx);
}

/* An any-port rule between ranged ones keeps its place in the order. */
TEST(ruleindex_any_port_keeps_its_place)
{
	struct gw_rule_index *idx;

	nrules = 0;
	rules[nrules] = tcp_ports(22, 22);
	rules[nrules++].family = AF_INET6;	/* not for our IPv4 packet */
	rules[nrules] = tcp_ports(0, 0);
	rules[nrules++].nports = 0;		/* any port */
	rules[nrules++] = tcp_ports(22, 22);
	idx = build();
	assert_int_equal(first_match(idx, IPPROTO_TCP, 22), 1);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 9), 1);
	free(idx);
}

/* One rule's overlapping and empty ranges: listed once, or not at all. */
TEST(ruleindex_overlapping_ranges_of_one_rule)
{
	struct gw_rule_index *idx;
	struct gw_rule_match *r;

	nrules = 1;
	r = &rules[0];
	*r = tcp_ports(10, 20);
	r->nports = 4;
	r->ports[1].first = 15;
	r->ports[1].last = 30;
	r->ports[2].first = 31;		/* adjacent */
	r->ports[2].last = 31;
	r->ports[3].first = 50;		/* empty */
	r->ports[3].last = 40;
	idx = build();
	/* indexed: cut at 10, 32 (and 41 and 51, were the empty one read) */
	assert_int_equal(idx->proto[idx->slot[IPPROTO_TCP] - 1].niv, 3);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 9), -1);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 10), 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 31), 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 32), -1);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 45), -1);
	free(idx);
}

/*
 * The most rules a namespace holds, each one port, every 16th of any
 * port: a miss has no candidate but the any-port rules.
 */
TEST(ruleindex_max_rules)
{
	struct gw_rule_cursor c;
	struct gw_rule_index *idx;
	unsigned int i, n = 0;

	nrules = MAX_RULES;
	for (i = 0; i < nrules; i++) {
		rules[i] = tcp_ports((uint16_t)(1000 + i), (uint16_t)(1000 + i));
		rules[i].dst = gw_test_addr(AF_INET, "198.51.100.0");
		rules[i].dst_plen = 24;
		if (i % 16 == 15)
			rules[i].nports = 0;
	}
	idx = build();
	assert_int_equal(first_match(idx, IPPROTO_TCP, 9), -1);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 1000 + MAX_RULES - 1), -1);
	gw_rule_index_start(&c, idx, IPPROTO_TCP, 9);
	while (gw_rule_cursor_next(&c) >= 0)
		n++;
	assert_int_equal(n, MAX_RULES / 16);
	for (i = 0; i < nrules; i++) {
		struct gw_pkt p = gw_test_pkt(AF_INET, IPPROTO_TCP, "192.0.2.9",
					      40000, "198.51.100.7",
					      (uint16_t)(1000 + i));

		/* rule 15, of any port, comes before every later one */
		assert_int_equal(check(idx, &p, "wan0"), i < 15 ? (int)i : 15);
	}
	assert_true(idx->proto[idx->slot[IPPROTO_TCP] - 1].niv > 0);
	free(idx);
}

/*
 * Rule i on ports i to 65535 - i: every rule on most intervals, some
 * 17 million pairs, past the budget: TCP is scanned, in rule order, and
 * still matches as the scan does; UDP, small, is still indexed.
 */
TEST(ruleindex_past_the_budget_scans)
{
	const struct gw_rule_index_proto *tcp, *udp;
	struct gw_rule_index_scratch *s = malloc(sizeof(*s));
	struct gw_rule_array ra = array;
	struct gw_rule_index *idx;
	unsigned int i;
	size_t size;

	assert_non_null(s);
	nrules = MAX_RULES;
	for (i = 0; i < nrules - 2; i++)
		rules[i] = tcp_ports((uint16_t)i, (uint16_t)(65535 - i));
	rules[i] = tcp_ports(7, 7);
	rules[i++].proto = IPPROTO_UDP;
	rules[i] = tcp_ports(9, 9);
	rules[i].proto = IPPROTO_UDP;
	ra.n = nrules;
	size = gw_rule_index_size(s, &ra);
	free(s);
	/* the bound ruleindex.h gives */
	assert_true(size <= sizeof(struct gw_rule_index) +
			    256 * sizeof(struct gw_rule_index_proto) +
			    GW_RULE_INDEX_BUDGET + 2 * MAX_RULES);
	idx = build();
	tcp = &idx->proto[idx->slot[IPPROTO_TCP] - 1];
	udp = &idx->proto[idx->slot[IPPROTO_UDP] - 1];
	assert_int_equal(tcp->niv, 0);
	assert_int_equal(tcp->nany, MAX_RULES - 2);
	assert_true(udp->niv > 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 0), 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 65535), 0);
	assert_int_equal(first_match(idx, IPPROTO_TCP, 4000), 0);
	assert_int_equal(first_match(idx, IPPROTO_UDP, 7), MAX_RULES - 2);
	assert_int_equal(first_match(idx, IPPROTO_UDP, 8), -1);
	/* only the last rules match the middle of the port space */
	for (i = 0; i < MAX_RULES - 2; i++)
		rules[i].family = AF_INET6;
	assert_int_equal(first_match(idx, IPPROTO_TCP, 32767), -1);
	free(idx);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(ruleindex_random_rulesets_match_the_scan),
	cmocka_unit_test(ruleindex_every_port),
	cmocka_unit_test(ruleindex_empty_ruleset),
	cmocka_unit_test(ruleindex_ports_0_and_65535),
	cmocka_unit_test(ruleindex_any_port_keeps_its_place),
	cmocka_unit_test(ruleindex_overlapping_ranges_of_one_rule),
	cmocka_unit_test(ruleindex_max_rules),
	cmocka_unit_test(ruleindex_past_the_budget_scans),
};

GW_UNIT_MAIN(tests)
