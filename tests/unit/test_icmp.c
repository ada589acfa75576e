// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP classification and the packet an error quotes: echo identifiers,
 * which errors carry a quoted packet and what its tuple is, neighbour
 * discovery only with the hop limit that proves it never left the link,
 * and every short or broken quote refused.  Also the UDP pseudo-connection
 * clock.
 */
#include "unit.h"
#include "icmp.h"
#include "udp.h"

#define LAN4 "192.0.2.2"
#define OUT4 "203.0.113.2"
#define LAN6 "2001:db8:192::2"
#define OUT6 "2001:db8:203::2"

/* Parse @pb (finished) and classify it; every read bounded by ASan. */
static int classify(const struct gw_pb *pb, struct gw_icmp *icmp)
{
	struct gw_test_buf buf;
	struct gw_pkt pkt;
	uint8_t *copy;
	int rc;

	assert_int_equal(gw_pb_parse(pb, &pkt), GW_PARSE_OK);
	assert_true(gw_icmp_proto(pkt.family, pkt.proto));
	copy = gw_test_dup(pb->data, pb->len);
	buf.data = copy;
	buf.len = pb->len;
	gw_hp_set_mode(GW_HP_EXACT);
	rc = gw_icmp_parse(icmp, &pkt, &buf, pb->len);
	gw_hp_release();
	gw_hp_set_mode(GW_HP_DIRECT);
	free(copy);
	return rc;
}

/* A UDP datagram lan sent to out: the packet errors quote. */
static unsigned int quoted_udp(uint8_t *out, uint8_t family, uint16_t sport)
{
	struct gw_pb in;

	if (family == AF_INET)
		gw_pb_ipv4(&in, LAN4, OUT4);
	else
		gw_pb_ipv6(&in, LAN6, OUT6);
	gw_pb_udp(&in, sport, 53);
	gw_pb_payload(&in, 32);
	gw_pb_finish(&in);
	memcpy(out, in.data, in.len);
	return in.len;
}

/* An error of @type/@code from out to lan quoting @quote (@qlen bytes). */
static void error_pkt(struct gw_pb *pb, uint8_t family, uint8_t type,
		      uint8_t code, const uint8_t *quote, unsigned int qlen)
{
	if (family == AF_INET)
		gw_pb_ipv4(pb, OUT4, LAN4);
	else
		gw_pb_ipv6(pb, OUT6, LAN6);
	gw_pb_icmp(pb, type, code);
	gw_pb_payload(pb, qlen);
	memcpy(pb->data + pb->payload_off, quote, qlen);
	gw_pb_finish(pb);
}

TEST(icmp_echo_id)
{
	static const struct { uint8_t family, type, cls; } cases[] = {
		{ AF_INET, 8, GW_ICMP_ECHO_REQUEST },
		{ AF_INET, 0, GW_ICMP_ECHO_REPLY },
		{ AF_INET6, 128, GW_ICMP_ECHO_REQUEST },
		{ AF_INET6, 129, GW_ICMP_ECHO_REPLY },
		{ AF_INET, 13, GW_ICMP_OTHER },		/* timestamp */
		{ AF_INET, 5, GW_ICMP_OTHER },		/* redirect */
		{ AF_INET6, 8, GW_ICMP_OTHER },		/* v4 numbers mean nothing */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct gw_icmp icmp;
		struct gw_pb pb;

		if (cases[i].family == AF_INET)
			gw_pb_ipv4(&pb, OUT4, LAN4);
		else
			gw_pb_ipv6(&pb, OUT6, LAN6);
		gw_pb_icmp(&pb, cases[i].type, 0);
		gw_pb_put16(&pb, pb.l4_off + 4, 0x1234);
		gw_pb_finish(&pb);
		assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
		assert_int_equal(icmp.cls, cases[i].cls);
		if (cases[i].cls != GW_ICMP_OTHER)
			assert_int_equal(icmp.id, 0x1234);
	}
}

TEST(icmp_error_quotes_udp)
{
	static const struct { uint8_t family, type, code; } cases[] = {
		{ AF_INET, 3, 4 },	/* fragmentation needed */
		{ AF_INET, 3, 3 },	/* port unreachable */
		{ AF_INET, 11, 0 },	/* TTL exceeded */
		{ AF_INET, 12, 0 },	/* parameter problem */
		{ AF_INET6, 1, 4 },	/* port unreachable */
		{ AF_INET6, 2, 0 },	/* packet too big */
		{ AF_INET6, 3, 0 },	/* hop limit exceeded */
		{ AF_INET6, 4, 0 },	/* parameter problem */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint8_t quote[256];
		unsigned int qlen = quoted_udp(quote, cases[i].family, 40000);
		union gw_addr lan, out;
		struct gw_icmp icmp;
		struct gw_pb pb;

		error_pkt(&pb, cases[i].family, cases[i].type, cases[i].code,
			  quote, qlen);
		assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
		assert_int_equal(icmp.cls, GW_ICMP_ERROR);
		lan = gw_test_addr(cases[i].family,
				   cases[i].family == AF_INET ? LAN4 : LAN6);
		out = gw_test_addr(cases[i].family,
				   cases[i].family == AF_INET ? OUT4 : OUT6);
		assert_true(gw_addr_equal(&icmp.inner.saddr, &lan));
		assert_true(gw_addr_equal(&icmp.inner.daddr, &out));
		assert_int_equal(icmp.inner.proto, IPPROTO_UDP);
		assert_int_equal(icmp.inner.family, cases[i].family);
		assert_int_equal(icmp.inner.sport, 40000);
		assert_int_equal(icmp.inner.dport, 53);
	}
}

/*
 * A quoted TCP segment: where its header starts in the error and its
 * sequence number (what the SYN proxy translates back for the server),
 * and how much of its header the error carries, all of it or the 8 bytes
 * an IPv4 router promises.
 */
TEST(icmp_error_quotes_tcp_seq)
{
	uint8_t family;

	for (family = 0; family < 2; family++) {
		uint8_t f = family ? AF_INET6 : AF_INET;
		unsigned int ip = family ? 40 : 20, cut;
		struct gw_pb in;

		if (f == AF_INET)
			gw_pb_ipv4(&in, LAN4, OUT4);
		else
			gw_pb_ipv6(&in, LAN6, OUT6);
		gw_pb_tcp(&in, 443, 40000, GW_TCP_ACK, 0x89abcdefu, 1);
		gw_pb_payload(&in, 100);
		gw_pb_finish(&in);
		for (cut = ip + 8; cut <= in.len; cut += in.len - ip - 8) {
			struct gw_icmp icmp;
			struct gw_pb pb;

			error_pkt(&pb, f, family ? 2 : 3, family ? 0 : 4,
				  in.data, cut);
			assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
			assert_int_equal(icmp.cls, GW_ICMP_ERROR);
			assert_int_equal(icmp.inner.proto, IPPROTO_TCP);
			assert_int_equal(icmp.inner.seq, 0x89abcdefu);
			assert_int_equal(icmp.inner.l4_off,
					 pb.payload_off + ip);
			assert_int_equal(icmp.quoted_l4, cut - ip);
		}
	}
}

/* Only 8 bytes of the quoted L4 header are promised; fewer is malformed. */
TEST(icmp_error_short_quote)
{
	uint8_t family;

	for (family = 0; family < 2; family++) {
		uint8_t f = family ? AF_INET6 : AF_INET;
		unsigned int ip = family ? 40 : 20;
		uint8_t quote[256];
		unsigned int qlen = quoted_udp(quote, f, 40000), cut;

		for (cut = 0; cut < qlen; cut++) {
			struct gw_icmp icmp;
			struct gw_pb pb;
			int rc;

			error_pkt(&pb, f, family ? 2 : 3, family ? 0 : 4,
				  quote, cut);
			rc = classify(&pb, &icmp);
			if (cut < ip + 8)
				assert_int_equal(rc, GW_PARSE_MALFORMED);
			else
				assert_int_equal(icmp.inner.sport, 40000);
		}
	}
}

/* A quoted echo is keyed by its identifier, in both ports. */
TEST(icmp_error_quotes_echo)
{
	struct gw_icmp icmp;
	struct gw_pb in, pb;

	gw_pb_ipv6(&in, LAN6, OUT6);
	gw_pb_icmp(&in, 128, 0);
	gw_pb_put16(&in, in.l4_off + 4, 0x4242);
	gw_pb_finish(&in);
	error_pkt(&pb, AF_INET6, 3, 0, in.data, in.len);
	assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
	assert_int_equal(icmp.cls, GW_ICMP_ERROR);
	assert_int_equal(icmp.inner.proto, IPPROTO_ICMPV6);
	assert_int_equal(icmp.inner.sport, 0x4242);
	assert_int_equal(icmp.inner.dport, 0x4242);

	/* an error about an error: nothing legitimate sends that */
	gw_pb_ipv6(&in, LAN6, OUT6);
	gw_pb_icmp(&in, 1, 4);
	gw_pb_finish(&in);
	error_pkt(&pb, AF_INET6, 3, 0, in.data, in.len);
	assert_int_equal(classify(&pb, &icmp), GW_PARSE_MALFORMED);
}

/* The quoted IPv6 packet's extension headers are walked, within bounds. */
TEST(icmp_error_quote_exthdr)
{
	struct gw_icmp icmp;
	struct gw_pb in, pb;

	gw_pb_ipv6(&in, LAN6, OUT6);
	gw_pb_ipv6_ext(&in, 60, 16);
	gw_pb_udp(&in, 40001, 123);
	gw_pb_finish(&in);
	error_pkt(&pb, AF_INET6, 2, 0, in.data, in.len);
	assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
	assert_int_equal(icmp.inner.proto, IPPROTO_UDP);
	assert_int_equal(icmp.inner.sport, 40001);
	assert_int_equal(icmp.inner.dport, 123);

	/* a quoted later fragment has no ports to match */
	gw_pb_ipv6(&in, LAN6, OUT6);
	gw_pb_ipv6_frag(&in, 100, false, 7);
	gw_pb_udp(&in, 40001, 123);
	gw_pb_finish(&in);
	error_pkt(&pb, AF_INET6, 2, 0, in.data, in.len);
	assert_int_equal(classify(&pb, &icmp), GW_PARSE_MALFORMED);
}

/*
 * The quoted packet's chain has the bound gw_parse() has (one walker,
 * gw_ipv6_walk()): 8 extension headers are read, 9 refused.  So has the
 * outer ICMPv6 message's own chain.
 */
TEST(icmp_error_quote_exthdr_bound)
{
	struct gw_icmp icmp;
	struct gw_pb in, pb;
	unsigned int n, i;

	for (n = 7; n <= 9; n++) {
		gw_pb_ipv6(&in, LAN6, OUT6);
		for (i = 0; i < n; i++)
			gw_pb_ipv6_ext(&in, 60, 8);
		gw_pb_udp(&in, 40001, 123);
		gw_pb_finish(&in);
		error_pkt(&pb, AF_INET6, 1, 4, in.data, in.len);
		if (n <= 8) {
			assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
			assert_int_equal(icmp.cls, GW_ICMP_ERROR);
			assert_int_equal(icmp.inner.sport, 40001);
			assert_int_equal(icmp.inner.dport, 123);
		} else {
			assert_int_equal(classify(&pb, &icmp),
					 GW_PARSE_MALFORMED);
		}
	}

	/* An echo request behind 8 extension headers of its own. */
	gw_pb_ipv6(&pb, LAN6, OUT6);
	for (i = 0; i < 8; i++)
		gw_pb_ipv6_ext(&pb, 60, 8);
	gw_pb_icmp(&pb, 128, 0);
	gw_pb_finish(&pb);
	assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
	assert_int_equal(icmp.cls, GW_ICMP_ECHO_REQUEST);
}

/* Neighbour discovery needs hop limit 255; from afar it is just "other". */
TEST(icmp6_nd_hop_limit)
{
	uint8_t type;

	for (type = 133; type <= 137; type++) {
		struct gw_icmp icmp;
		struct gw_pb pb;

		gw_pb_ipv6(&pb, "fe80::1", "ff02::1");
		gw_pb_icmp(&pb, type, 0);
		gw_pb_finish(&pb);
		pb.data[7] = 255;
		assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
		assert_int_equal(icmp.cls, GW_ICMP_LINK);
		pb.data[7] = 254;
		assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
		assert_int_equal(icmp.cls, GW_ICMP_OTHER);
	}
}

TEST(udp_stream_after_reply_and_2s)
{
	struct gw_udp_conn c;

	gw_udp_init(&c, 1000);
	gw_udp_track(&c, GW_DIR_ORIGINAL, 5000, 1000);
	assert_false(c.seen_reply);
	assert_false(c.stream);		/* old, but never answered */
	gw_udp_init(&c, 0xfffffc18);	/* across the jiffies wrap */
	gw_udp_track(&c, GW_DIR_REPLY, 0xfffffc18 + 500, 1000);
	assert_true(c.seen_reply);
	assert_false(c.stream);		/* answered within 2 s: a query */
	gw_udp_track(&c, GW_DIR_ORIGINAL, 0xfffffc18 + 2000, 1000);
	assert_true(c.stream);
}

/*
 * gw_icmp_classify(), which the explain command asks of a message it
 * describes, says what gw_icmp_parse() finds in the same message on the
 * wire, for every type of both families, at the hop limit it came with.
 */
TEST(icmp_classify_agrees_with_parse)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	uint8_t quote[128];
	unsigned int f, type, qlen;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		uint8_t family = families[f];

		qlen = quoted_udp(quote, family, 40000);
		for (type = 0; type < 256; type++) {
			struct gw_icmp icmp;
			struct gw_pkt pkt;
			struct gw_pb pb;
			uint8_t hop;

			error_pkt(&pb, family, type, 0, quote, qlen);
			assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
			hop = family == AF_INET ? pb.data[8] : pb.data[7];
			assert_int_equal(classify(&pb, &icmp), GW_PARSE_OK);
			if (gw_icmp_classify(&pkt, hop) != icmp.cls)
				fail_msg("family %u type %u: classify %d, parse %d",
					 family, type, gw_icmp_classify(&pkt, hop),
					 icmp.cls);
		}
	}
}

/* Neighbour discovery is link traffic only at the hop limit 255. */
TEST(icmp_classify_nd_by_hop_limit)
{
	struct gw_pkt pkt;

	memset(&pkt, 0, sizeof(pkt));
	pkt.family = AF_INET6;
	pkt.proto = GW_NEXTHDR_ICMPV6;
	pkt.saddr = gw_test_addr(AF_INET6, OUT6);
	pkt.icmp_type = 135;
	assert_int_equal(gw_icmp_classify(&pkt, 255), GW_ICMP_LINK);
	assert_int_equal(gw_icmp_classify(&pkt, 254), GW_ICMP_OTHER);
	pkt.icmp_type = 128;
	assert_int_equal(gw_icmp_classify(&pkt, 255), GW_ICMP_ECHO_REQUEST);
	pkt.icmp_type = 1;
	assert_int_equal(gw_icmp_classify(&pkt, 64), GW_ICMP_ERROR);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(icmp_echo_id),
	cmocka_unit_test(icmp_error_quotes_udp),
	cmocka_unit_test(icmp_error_quotes_tcp_seq),
	cmocka_unit_test(icmp_error_short_quote),
	cmocka_unit_test(icmp_error_quotes_echo),
	cmocka_unit_test(icmp_error_quote_exthdr),
	cmocka_unit_test(icmp_error_quote_exthdr_bound),
	cmocka_unit_test(icmp6_nd_hop_limit),
	cmocka_unit_test(icmp_classify_agrees_with_parse),
	cmocka_unit_test(icmp_classify_nd_by_hop_limit),
	cmocka_unit_test(udp_stream_after_reply_and_2s),
};

GW_UNIT_MAIN(tests)
