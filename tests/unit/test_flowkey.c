// SPDX-License-Identifier: GPL-2.0
/*
 * Flow keys: one key per connection whichever way a packet travels, a
 * different key for anything that is a different connection, and no byte
 * of the key left to chance (the flow table hashes and compares raw keys).
 */
#include "unit.h"
#include "flowkey.h"

/* The endpoint src_first names really is the packet's source. */
static void assert_src_slot(const struct gw_flow_key *k,
			    const struct gw_pkt *p, bool src_first)
{
	unsigned int s = src_first ? 0 : 1;

	assert_memory_equal(&k->addr[s], &p->saddr, sizeof(p->saddr));
	assert_int_equal(k->port[s], p->sport);
	assert_memory_equal(&k->addr[!s], &p->daddr, sizeof(p->daddr));
	assert_int_equal(k->port[!s], p->dport);
	assert_int_equal(k->family, p->family);
	assert_int_equal(k->proto, p->proto);
}

static void check_both_directions(const struct gw_pkt *req)
{
	struct gw_pkt rep = gw_test_pkt_reversed(req);
	struct gw_flow_key a, b;
	bool a_first, b_first;

	a_first = gw_flow_key_from_pkt(&a, req);
	b_first = gw_flow_key_from_pkt(&b, &rep);
	assert_true(gw_flow_key_equal(&a, &b));
	assert_memory_equal(&a, &b, sizeof(a));	/* what a hash sees */
	assert_int_not_equal(a_first, b_first);
	assert_src_slot(&a, req, a_first);
	assert_src_slot(&b, &rep, b_first);
}

/* Request and reply as parsed from the wire, for each protocol. */
TEST(flowkey_both_directions_equal_parsed)
{
	struct gw_pb pb;
	struct gw_pkt req, rep;
	struct gw_flow_key a, b;

	gw_pb_ipv4(&pb, "192.0.2.1", "198.51.100.2");
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_SYN, 1, 0);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &req), GW_PARSE_OK);
	gw_pb_ipv4(&pb, "198.51.100.2", "192.0.2.1");
	gw_pb_tcp(&pb, 443, 40000, GW_TCP_SYN | GW_TCP_ACK, 7, 2);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &rep), GW_PARSE_OK);
	assert_int_not_equal(gw_flow_key_from_pkt(&a, &req),
			     gw_flow_key_from_pkt(&b, &rep));
	assert_memory_equal(&a, &b, sizeof(a));

	gw_pb_ipv6(&pb, "2001:db8::1", "2001:db8:0:1::2");
	gw_pb_udp(&pb, 5353, 53);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &req), GW_PARSE_OK);
	gw_pb_ipv6(&pb, "2001:db8:0:1::2", "2001:db8::1");
	gw_pb_ipv6_ext(&pb, 60, 8);	/* headers in between change nothing */
	gw_pb_udp(&pb, 53, 5353);
	gw_pb_payload(&pb, 100);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &rep), GW_PARSE_OK);
	assert_int_not_equal(gw_flow_key_from_pkt(&a, &req),
			     gw_flow_key_from_pkt(&b, &rep));
	assert_memory_equal(&a, &b, sizeof(a));
}

TEST(flowkey_both_directions_equal)
{
	struct gw_pkt p;

	p = gw_test_pkt(AF_INET, IPPROTO_TCP, "10.0.0.1", 5000, "10.0.0.2", 80);
	check_both_directions(&p);
	p = gw_test_pkt(AF_INET, IPPROTO_TCP, "10.0.0.2", 5000, "10.0.0.1", 80);
	check_both_directions(&p);
	/* the address decides even when the ports point the other way */
	p = gw_test_pkt(AF_INET, IPPROTO_UDP, "10.0.0.1", 65535, "10.0.0.2", 1);
	check_both_directions(&p);
	/* same address both ends (hairpin): the ports decide */
	p = gw_test_pkt(AF_INET, IPPROTO_UDP, "10.0.0.1", 1000, "10.0.0.1", 2000);
	check_both_directions(&p);
	p = gw_test_pkt(AF_INET, IPPROTO_UDP, "10.0.0.1", 2000, "10.0.0.1", 1000);
	check_both_directions(&p);
	/* addresses equal in the first word, differing in the last byte */
	p = gw_test_pkt(AF_INET6, IPPROTO_TCP, "2001:db8::2", 1, "2001:db8::1", 1);
	check_both_directions(&p);
	p = gw_test_pkt(AF_INET6, IPPROTO_ICMPV6, "ff02::1", 0, "fe80::1", 0);
	check_both_directions(&p);
	p = gw_test_pkt(AF_INET, IPPROTO_ICMP, "255.255.255.255", 0, "0.0.0.0", 0);
	check_both_directions(&p);
}

static void assert_keys_differ(const struct gw_pkt *a, const struct gw_pkt *b,
			       const char *what)
{
	struct gw_flow_key ka, kb;

	gw_flow_key_from_pkt(&ka, a);
	gw_flow_key_from_pkt(&kb, b);
	if (gw_flow_key_equal(&ka, &kb) ||
	    memcmp(&ka, &kb, sizeof(ka)) == 0)
		fail_msg("%s: same key", what);
	/* ... from the other direction too */
	{
		struct gw_pkt rb = gw_test_pkt_reversed(b);

		gw_flow_key_from_pkt(&kb, &rb);
		if (gw_flow_key_equal(&ka, &kb))
			fail_msg("%s, reversed: same key", what);
	}
}

TEST(flowkey_differs_by_port_address_proto)
{
	struct gw_pkt base = gw_test_pkt(AF_INET6, IPPROTO_TCP, "2001:db8::1", 40000,
				   "2001:db8::2", 443);
	struct gw_pkt p;
	unsigned int byte;

	p = base;
	p.sport++;
	assert_keys_differ(&base, &p, "source port");
	p = base;
	p.dport = 444;
	assert_keys_differ(&base, &p, "destination port");
	/* a:1 -> b:2 and a:2 -> b:1 are different connections */
	p = base;
	p.sport = base.dport;
	p.dport = base.sport;
	assert_keys_differ(&base, &p, "ports swapped, addresses not");
	p = base;
	p.proto = IPPROTO_UDP;
	assert_keys_differ(&base, &p, "protocol");
	for (byte = 0; byte < 16; byte++) {
		p = base;
		p.saddr.bytes[byte] ^= 0x10;
		assert_keys_differ(&base, &p, "source address");
		p = base;
		p.daddr.bytes[byte] ^= 0x01;
		assert_keys_differ(&base, &p, "destination address");
	}
}

/*
 * 10.0.0.1 and 0a00:1:: hold the same bytes in union gw_addr (IPv4 in the
 * first word, zeros after): only the family tells them apart.
 */
TEST(flowkey_differs_by_family)
{
	struct gw_pkt p4 = gw_test_pkt(AF_INET, IPPROTO_UDP, "10.0.0.1", 53,
				 "10.0.0.2", 53);
	struct gw_pkt p6 = gw_test_pkt(AF_INET6, IPPROTO_UDP, "a00:1::", 53,
				 "a00:2::", 53);

	assert_memory_equal(&p4.saddr, &p6.saddr, sizeof(p4.saddr));
	assert_keys_differ(&p4, &p6, "family");
}

/*
 * Two keys for the same packet are byte-for-byte equal whatever the memory
 * held before: no padding, no uninitialised field.
 */
TEST(flowkey_no_uninitialised_padding)
{
	static const uint8_t fills[] = { 0x00, 0xff, 0xa5, 0x5a };
	struct gw_pkt pkts[3];
	unsigned int i, f;

	/* a compiler-inserted hole would show up as a size mismatch */
	_Static_assert(sizeof(struct gw_flow_key) ==
		       2 * sizeof(union gw_addr) + 2 * sizeof(uint16_t) + 4,
		       "struct gw_flow_key has padding");
	pkts[0] = gw_test_pkt(AF_INET, IPPROTO_TCP, "10.0.0.1", 1, "10.0.0.2", 2);
	pkts[1] = gw_test_pkt_reversed(&pkts[0]);
	pkts[2] = gw_test_pkt(AF_INET6, IPPROTO_UDP, "::1", 7, "::2", 9);

	for (i = 0; i < ARRAY_SIZE(pkts); i++) {
		struct gw_flow_key ref;

		memset(&ref, fills[0], sizeof(ref));
		gw_flow_key_from_pkt(&ref, &pkts[i]);
		assert_int_equal(ref.pad[0], 0);
		assert_int_equal(ref.pad[1], 0);
		if (pkts[i].family == AF_INET) {	/* unused words zero */
			assert_int_equal(ref.addr[0].all[1] | ref.addr[0].all[2] |
					 ref.addr[0].all[3] | ref.addr[1].all[1] |
					 ref.addr[1].all[2] | ref.addr[1].all[3], 0);
		}
		for (f = 1; f < ARRAY_SIZE(fills); f++) {
			struct gw_flow_key k;

			memset(&k, fills[f], sizeof(k));
			gw_flow_key_from_pkt(&k, &pkts[i]);
			assert_memory_equal(&k, &ref, sizeof(k));
		}
	}
}

/*
 * gw_flow_key_equal() and a raw memcmp() agree, so a table that hashes the
 * raw bytes and compares with gw_flow_key_equal() is consistent.
 */
TEST(flowkey_equal_agrees_with_memcmp)
{
	struct gw_pkt pkts[6];
	unsigned int i, j;

	pkts[0] = gw_test_pkt(AF_INET, IPPROTO_TCP, "10.0.0.1", 1, "10.0.0.2", 2);
	pkts[1] = gw_test_pkt_reversed(&pkts[0]);
	pkts[2] = gw_test_pkt(AF_INET, IPPROTO_UDP, "10.0.0.1", 1, "10.0.0.2", 2);
	pkts[3] = gw_test_pkt(AF_INET, IPPROTO_TCP, "10.0.0.1", 1, "10.0.0.3", 2);
	pkts[4] = gw_test_pkt(AF_INET6, IPPROTO_TCP, "a00:1::", 1, "a00:2::", 2);
	pkts[5] = gw_test_pkt(AF_INET, IPPROTO_TCP, "10.0.0.1", 2, "10.0.0.2", 1);

	for (i = 0; i < ARRAY_SIZE(pkts); i++) {
		for (j = 0; j < ARRAY_SIZE(pkts); j++) {
			struct gw_flow_key a, b;

			gw_flow_key_from_pkt(&a, &pkts[i]);
			gw_flow_key_from_pkt(&b, &pkts[j]);
			assert_int_equal(gw_flow_key_equal(&a, &b),
					 memcmp(&a, &b, sizeof(a)) == 0);
			/* only 0 and its reverse 1 are the same connection */
			assert_int_equal(gw_flow_key_equal(&a, &b),
					 i == j || (i < 2 && j < 2));
		}
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(flowkey_both_directions_equal_parsed),
	cmocka_unit_test(flowkey_both_directions_equal),
	cmocka_unit_test(flowkey_differs_by_port_address_proto),
	cmocka_unit_test(flowkey_differs_by_family),
	cmocka_unit_test(flowkey_no_uninitialised_padding),
	cmocka_unit_test(flowkey_equal_agrees_with_memcmp),
};

GW_UNIT_MAIN(tests)
