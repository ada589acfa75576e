// SPDX-License-Identifier: GPL-2.0
/*
 * Allow-rule matching: prefixes at every length, masks, family, protocol,
 * destination port ranges and the input interface.
 */
#include "unit.h"
#include "rule.h"

/* Bit @bit of @a, counted from the most significant bit of byte 0. */
static bool addr_bit(const union gw_addr *a, unsigned int bit)
{
	return a->bytes[bit / 8] >> (7 - bit % 8) & 1;
}

static void addr_flip(union gw_addr *a, unsigned int bit)
{
	a->bytes[bit / 8] ^= (uint8_t)(0x80 >> bit % 8);
}

/*
 * For every prefix length, an address matches the network it is masked to,
 * keeps matching when any host bit (at or after @plen) changes, and stops
 * matching when any network bit (before @plen) does.  @bits is 32 or 128.
 */
static void check_prefix_every_plen(uint8_t family, const char *text,
				    unsigned int bits)
{
	union gw_addr addr = gw_test_addr(family, text);
	unsigned int plen, bit;

	for (plen = 0; plen <= bits; plen++) {
		union gw_addr net = addr;

		gw_addr_mask(&net, (uint8_t)plen);
		if (!gw_prefix_match(&addr, &net, (uint8_t)plen))
			fail_msg("%s/%u does not match itself", text, plen);
		for (bit = 0; bit < bits; bit++) {
			union gw_addr other = addr;
			bool want = bit >= plen;

			addr_flip(&other, bit);
			if (gw_prefix_match(&other, &net, (uint8_t)plen) != want)
				fail_msg("%s/%u, bit %u flipped: match %d, "
					 "want %d", text, plen, bit, !want, want);
		}
	}
}

TEST(rule_prefix_match_every_v4_plen)
{
	/* Alternating bits, so that masking mistakes show either way. */
	check_prefix_every_plen(AF_INET, "170.85.170.85", 32);
	check_prefix_every_plen(AF_INET, "255.255.255.255", 32);
	check_prefix_every_plen(AF_INET, "0.0.0.0", 32);
}

TEST(rule_prefix_match_every_v6_plen)
{
	check_prefix_every_plen(AF_INET6,
				"aa55:aa55:aa55:aa55:aa55:aa55:aa55:aa55", 128);
	check_prefix_every_plen(AF_INET6,
				"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128);
	check_prefix_every_plen(AF_INET6, "2001:db8::1", 128);
}

/* gw_addr_mask() keeps exactly the first @plen bits: compare bit by bit. */
TEST(rule_addr_mask_every_plen)
{
	unsigned int plen, bit;

	for (plen = 0; plen <= 128; plen++) {
		union gw_addr ones, a;

		memset(&ones, 0xff, sizeof(ones));
		a = ones;
		gw_addr_mask(&a, (uint8_t)plen);
		for (bit = 0; bit < 128; bit++)
			if (addr_bit(&a, bit) != (bit < plen))
				fail_msg("plen %u: bit %u is %d", plen, bit,
					 addr_bit(&a, bit));
	}

	/* Network bits are kept as they are, not set. */
	{
		union gw_addr a = gw_test_addr(AF_INET, "192.168.77.200");
		union gw_addr want = gw_test_addr(AF_INET, "192.168.64.0");

		gw_addr_mask(&a, 18);
		assert_memory_equal(&a, &want, sizeof(a));
	}
	{
		union gw_addr a = gw_test_addr(AF_INET6, "2001:db8:abcd:1234::99");
		union gw_addr want = gw_test_addr(AF_INET6, "2001:db8:ab80::");

		gw_addr_mask(&a, 41);
		assert_memory_equal(&a, &want, sizeof(a));
	}
}

/* ---- whole rules --------------------------------------------------------- */

static struct gw_pkt pkt_v4(uint8_t proto, const char *src, const char *dst,
			    uint16_t dport)
{
	return gw_test_pkt(AF_INET, proto, src, 50000, dst, dport);
}

static struct gw_pkt pkt_v6(uint8_t proto, const char *src, const char *dst,
			    uint16_t dport)
{
	return gw_test_pkt(AF_INET6, proto, src, 50000, dst, dport);
}

/* A rule as the netlink code builds one: prefixes stored masked. */
static struct gw_rule_match rule(uint8_t family, uint8_t proto)
{
	struct gw_rule_match r;

	memset(&r, 0, sizeof(r));
	r.family = family;
	r.proto = proto;
	return r;
}

static void rule_src(struct gw_rule_match *r, uint8_t family,
		     const char *text, uint8_t plen)
{
	r->src = gw_test_addr(family, text);
	r->src_plen = plen;
	gw_addr_mask(&r->src, plen);
}

static void rule_dst(struct gw_rule_match *r, uint8_t family,
		     const char *text, uint8_t plen)
{
	r->dst = gw_test_addr(family, text);
	r->dst_plen = plen;
	gw_addr_mask(&r->dst, plen);
}

static void rule_port(struct gw_rule_match *r, uint16_t first, uint16_t last)
{
	assert_true(r->nports < GW_RULE_MAX_PORT_RANGES);
	r->ports[r->nports].first = first;
	r->ports[r->nports].last = last;
	r->nports++;
}

TEST(rule_family_zero_matches_both)
{
	struct gw_rule_match r = rule(0, IPPROTO_TCP);
	struct gw_pkt p4 = pkt_v4(IPPROTO_TCP, "192.0.2.1", "198.51.100.2", 22);
	struct gw_pkt p6 = pkt_v6(IPPROTO_TCP, "2001:db8::1", "2001:db8::2", 22);

	rule_port(&r, 22, 22);
	assert_true(gw_rule_matches(&r, &p4, "wan0"));
	assert_true(gw_rule_matches(&r, &p6, "wan0"));
}

/*
 * A rule of one family never matches the other, even where the address
 * words line up: ::/0 and 0.0.0.0/0 both match everything of their own
 * family, and 10.0.0.0/8 shares its first byte with 0a00::/8.
 */
TEST(rule_family_mismatch_never_matches)
{
	struct gw_pkt p4 = pkt_v4(IPPROTO_TCP, "10.1.2.3", "10.9.9.9", 80);
	struct gw_pkt p6 = pkt_v6(IPPROTO_TCP, "a01:203::", "a09:909::", 80);
	struct gw_rule_match r4 = rule(AF_INET, IPPROTO_TCP);
	struct gw_rule_match r6 = rule(AF_INET6, IPPROTO_TCP);

	assert_true(gw_rule_matches(&r4, &p4, "wan0"));
	assert_false(gw_rule_matches(&r4, &p6, "wan0"));
	assert_true(gw_rule_matches(&r6, &p6, "wan0"));
	assert_false(gw_rule_matches(&r6, &p4, "wan0"));

	rule_src(&r4, AF_INET, "10.0.0.0", 8);
	rule_dst(&r4, AF_INET, "10.0.0.0", 8);
	assert_true(gw_rule_matches(&r4, &p4, "wan0"));
	assert_false(gw_rule_matches(&r4, &p6, "wan0"));
}

TEST(rule_proto_mismatch)
{
	static const uint8_t protos[] = {
		IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_ICMPV6, 47,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		struct gw_rule_match r = rule(AF_INET, protos[i]);

		for (j = 0; j < ARRAY_SIZE(protos); j++) {
			struct gw_pkt p = pkt_v4(protos[j], "192.0.2.1",
						 "198.51.100.2", 0);

			assert_int_equal(gw_rule_matches(&r, &p, "wan0"),
					 i == j);
		}
	}
}

TEST(rule_src_and_dst_prefixes)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);
	struct gw_pkt p = pkt_v4(IPPROTO_TCP, "203.0.113.77", "192.168.1.10",
				 443);

	rule_src(&r, AF_INET, "203.0.113.64", 26);
	rule_dst(&r, AF_INET, "192.168.1.10", 32);
	assert_true(gw_rule_matches(&r, &p, "wan0"));

	p.saddr = gw_test_addr(AF_INET, "203.0.113.63");	/* below /26 */
	assert_false(gw_rule_matches(&r, &p, "wan0"));
	p.saddr = gw_test_addr(AF_INET, "203.0.113.127");	/* last in it */
	assert_true(gw_rule_matches(&r, &p, "wan0"));
	p.daddr = gw_test_addr(AF_INET, "192.168.1.11");
	assert_false(gw_rule_matches(&r, &p, "wan0"));

	/* Length 0 is "any" however the address field reads. */
	r.dst_plen = 0;
	assert_true(gw_rule_matches(&r, &p, "wan0"));

	/* The same for IPv6. */
	r = rule(AF_INET6, IPPROTO_UDP);
	rule_src(&r, AF_INET6, "2001:db8:1::", 48);
	rule_dst(&r, AF_INET6, "2001:db8:ffff::53", 128);
	p = pkt_v6(IPPROTO_UDP, "2001:db8:1:ab::7", "2001:db8:ffff::53", 53);
	assert_true(gw_rule_matches(&r, &p, "wan0"));
	p.saddr = gw_test_addr(AF_INET6, "2001:db8:2::7");
	assert_false(gw_rule_matches(&r, &p, "wan0"));
}

/* No port ranges means any port, 0 and 65535 included. */
TEST(rule_no_port_ranges_any_port)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_UDP);
	static const uint16_t ports[] = { 0, 1, 53, 1024, 65534, 65535 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ports); i++) {
		struct gw_pkt p = pkt_v4(IPPROTO_UDP, "192.0.2.1",
					 "198.51.100.2", ports[i]);

		assert_true(gw_rule_matches(&r, &p, "wan0"));
	}
}

/* Every destination port against rule @r: in a range iff @want says so. */
static void check_all_ports(const struct gw_rule_match *r,
			    bool (*want)(unsigned int port))
{
	unsigned int port;

	for (port = 0; port <= 65535; port++) {
		struct gw_pkt p = pkt_v4(IPPROTO_TCP, "192.0.2.1",
					 "198.51.100.2", (uint16_t)port);

		if (gw_rule_matches(r, &p, "wan0") != want(port))
			fail_msg("port %u: match %d, want %d", port,
				 !want(port), want(port));
	}
}

static bool want_single(unsigned int port)
{
	return port == 22;
}

static bool want_range(unsigned int port)
{
	return port >= 8000 && port <= 8100;
}

static bool want_several(unsigned int port)
{
	return port == 22 || port == 80 || port == 443 ||
	       (port >= 8000 && port <= 8100) || port == 0 || port == 65535;
}

/* Range i (0..7) is 1000 * i + 100 and the i ports above it. */
static bool want_eight(unsigned int port)
{
	unsigned int i;

	for (i = 0; i < 8; i++)
		if (port >= 1000 * i + 100 && port <= 1000 * i + 100 + i)
			return true;
	return false;
}

TEST(rule_port_single)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);

	rule_port(&r, 22, 22);
	check_all_ports(&r, want_single);
}

/* The range's first and last ports are in it, their neighbours are not. */
TEST(rule_port_range_edges)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);

	rule_port(&r, 8000, 8100);
	check_all_ports(&r, want_range);
}

/* "port 22,80,443,8000-8100" plus the two extreme ports. */
TEST(rule_port_several_ranges)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);

	rule_port(&r, 22, 22);
	rule_port(&r, 80, 80);
	rule_port(&r, 443, 443);
	rule_port(&r, 8000, 8100);
	rule_port(&r, 0, 0);
	rule_port(&r, 65535, 65535);
	check_all_ports(&r, want_several);
}

/* All GW_RULE_MAX_PORT_RANGES ranges count, the last one included. */
TEST(rule_port_all_ranges_used)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);
	unsigned int i;

	_Static_assert(GW_RULE_MAX_PORT_RANGES == 8, "want_eight() has 8");
	for (i = 0; i < 8; i++)
		rule_port(&r, (uint16_t)(1000 * i + 100),
			  (uint16_t)(1000 * i + 100 + i));
	check_all_ports(&r, want_eight);
}

/*
 * A count above GW_RULE_MAX_PORT_RANGES must not read past ports[]: what
 * follows it (ifname) is laid out here to read as the range 0-65535.
 */
TEST(rule_port_count_clamped)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);
	struct gw_port_range any = { 0, 65535 };
	unsigned int i;

	for (i = 0; i < GW_RULE_MAX_PORT_RANGES; i++)
		rule_port(&r, 22, 22);
	r.nports = 255;
	_Static_assert(offsetof(struct gw_rule_match, ifname) ==
		       offsetof(struct gw_rule_match, ports) + sizeof(r.ports),
		       "ifname no longer follows ports[]: rethink this test");
	memcpy(r.ifname, &any, sizeof(any));	/* ifname[0] == 0: any */
	check_all_ports(&r, want_single);
}

TEST(rule_port_full_range)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);
	struct gw_pkt p = pkt_v4(IPPROTO_TCP, "192.0.2.1", "198.51.100.2", 0);

	rule_port(&r, 0, 65535);
	assert_true(gw_rule_matches(&r, &p, "wan0"));
	p.dport = 65535;
	assert_true(gw_rule_matches(&r, &p, "wan0"));
}

/* The rule matches the destination port, not the source port. */
TEST(rule_port_is_destination)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);
	struct gw_pkt p = pkt_v4(IPPROTO_TCP, "192.0.2.1", "198.51.100.2",
				 50000);

	rule_port(&r, 22, 22);
	p.sport = 22;
	assert_false(gw_rule_matches(&r, &p, "wan0"));
}

TEST(rule_ifname)
{
	struct gw_rule_match r = rule(AF_INET, IPPROTO_TCP);
	struct gw_pkt p = pkt_v4(IPPROTO_TCP, "192.0.2.1", "198.51.100.2", 22);

	/* "" is any interface */
	assert_true(gw_rule_matches(&r, &p, "wan0"));
	assert_true(gw_rule_matches(&r, &p, "eth1"));
	assert_true(gw_rule_matches(&r, &p, ""));

	strcpy(r.ifname, "wan0");
	assert_true(gw_rule_matches(&r, &p, "wan0"));
	assert_false(gw_rule_matches(&r, &p, "wan1"));
	assert_false(gw_rule_matches(&r, &p, "wan"));	/* a prefix of it */
	assert_false(gw_rule_matches(&r, &p, "wan01"));	/* it is a prefix */
	assert_false(gw_rule_matches(&r, &p, "WAN0"));
	assert_false(gw_rule_matches(&r, &p, ""));

	/* A name of the full 15 characters IFNAMSIZ allows. */
	strcpy(r.ifname, "abcdefghijklmno");
	assert_true(gw_rule_matches(&r, &p, "abcdefghijklmno"));
	assert_false(gw_rule_matches(&r, &p, "abcdefghijklmnp"));
}

/*
 * A ruleset's handles: ascending, with the gaps deleted rules leave (here
 * every third handle is gone), starting past 1 as after a load.
 */
#define HANDLES_MAX	64

static void fill_handles(u32 *h, unsigned int n)
{
	unsigned int i;
	u32 next = 5;

	for (i = 0; i < n; i++) {
		if (next % 3 == 0)
			next++;
		h[i] = next++;
	}
}

/* Every handle of every ruleset size is found at its own index. */
static void rule_handle_index_finds_every_handle(void **state)
{
	u32 h[HANDLES_MAX];
	unsigned int n, i;

	(void)state;
	for (n = 1; n <= HANDLES_MAX; n++) {
		fill_handles(h, n);
		for (i = 0; i < n; i++)
			assert_int_equal(gw_rule_handle_index(h, n, h[i]),
					 (int)i);
	}
	/* the largest handle a u32 holds */
	h[0] = 1;
	h[1] = UINT32_MAX;
	assert_int_equal(gw_rule_handle_index(h, 2, UINT32_MAX), 1);
}

/* Below, between, above the handles, and an empty ruleset: -1. */
static void rule_handle_index_misses(void **state)
{
	u32 h[HANDLES_MAX];
	unsigned int n, i;

	(void)state;
	assert_int_equal(gw_rule_handle_index(NULL, 0, 1), -1);
	assert_int_equal(gw_rule_handle_index(h, 0, 0), -1);
	for (n = 1; n <= HANDLES_MAX; n++) {
		fill_handles(h, n);
		assert_int_equal(gw_rule_handle_index(h, n, 0), -1);
		assert_int_equal(gw_rule_handle_index(h, n, h[0] - 1), -1);
		assert_int_equal(gw_rule_handle_index(h, n, h[n - 1] + 1), -1);
		assert_int_equal(gw_rule_handle_index(h, n, UINT32_MAX), -1);
		for (i = 1; i < n; i++)
			if (h[i] - h[i - 1] > 1)
				assert_int_equal(gw_rule_handle_index(h, n,
								      h[i] - 1),
						 -1);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(rule_prefix_match_every_v4_plen),
	cmocka_unit_test(rule_prefix_match_every_v6_plen),
	cmocka_unit_test(rule_addr_mask_every_plen),
	cmocka_unit_test(rule_family_zero_matches_both),
	cmocka_unit_test(rule_family_mismatch_never_matches),
	cmocka_unit_test(rule_proto_mismatch),
	cmocka_unit_test(rule_src_and_dst_prefixes),
	cmocka_unit_test(rule_no_port_ranges_any_port),
	cmocka_unit_test(rule_port_single),
	cmocka_unit_test(rule_port_range_edges),
	cmocka_unit_test(rule_port_several_ranges),
	cmocka_unit_test(rule_port_all_ranges_used),
	cmocka_unit_test(rule_port_count_clamped),
	cmocka_unit_test(rule_port_full_range),
	cmocka_unit_test(rule_port_is_destination),
	cmocka_unit_test(rule_ifname),
	cmocka_unit_test(rule_handle_index_finds_every_handle),
	cmocka_unit_test(rule_handle_index_misses),
};

GW_UNIT_MAIN(tests)
