// SPDX-License-Identifier: GPL-2.0
/*
 * gw_parse(): IPv4, IPv6 with extension headers, TCP (with options), UDP,
 * ICMP.  The packet is written by an attacker, so most of these cases feed
 * it lies and truncations.  Every parse goes through gw_test_parse(): the
 * bytes sit in a heap block of exactly their length (AddressSanitizer turns
 * any read past the end into a crash), the parse runs once per
 * gw_header_pointer() mode, and stale contents of struct gw_pkt must not
 * survive it.
 */
#include "unit.h"

#define V4_SRC	"192.0.2.1"
#define V4_DST	"198.51.100.2"
#define V6_SRC	"2001:db8::1"
#define V6_DST	"2001:db8:0:1::2"

static const uint8_t families[] = { AF_INET, AF_INET6 };

#define SPORT	40000
#define DPORT	443

enum {
	NH_HOP = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_AUTH = 51,
	NH_NONE = 59,
	NH_DEST = 60,
	PROTO_GRE = 47,
};

static void assert_addr(const union gw_addr *got, uint8_t family,
			const char *text)
{
	union gw_addr want = gw_test_addr(family, text);

	/* All 16 bytes: an IPv4 address must leave the other 12 at zero. */
	assert_memory_equal(got->bytes, want.bytes, sizeof(want.bytes));
}

static void pb_start(struct gw_pb *pb, uint8_t family)
{
	if (family == AF_INET)
		gw_pb_ipv4(pb, V4_SRC, V4_DST);
	else
		gw_pb_ipv6(pb, V6_SRC, V6_DST);
}

/* A SYN carrying MSS, SACK-permitted, NOP and window scale 7. */
static void pb_tcp_syn(struct gw_pb *pb)
{
	gw_pb_tcp(pb, SPORT, DPORT, GW_TCP_SYN, 0x11223344, 0);
	gw_pb_tcp_mss(pb, 1460);
	gw_pb_tcp_sack_perm(pb);
	gw_pb_tcp_nop(pb);
	gw_pb_tcp_wscale(pb, 7);
}

/* ---- well-formed packets ------------------------------------------------ */

static void check_tcp_data(uint8_t family)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	pb_start(&pb, family);
	gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK | GW_TCP_PSH,
		  0xdeadbeef, 0x01020304);
	gw_pb_payload(&pb, 100);
	gw_pb_finish(&pb);

	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.family, family);
	assert_int_equal(pkt.proto, IPPROTO_TCP);
	assert_addr(&pkt.saddr, family, family == AF_INET ? V4_SRC : V6_SRC);
	assert_addr(&pkt.daddr, family, family == AF_INET ? V4_DST : V6_DST);
	assert_int_equal(pkt.sport, SPORT);
	assert_int_equal(pkt.dport, DPORT);
	assert_int_equal(pkt.seq, 0xdeadbeef);
	assert_int_equal(pkt.ack_seq, 0x01020304);
	assert_int_equal(pkt.tcp_flags, GW_TCP_ACK | GW_TCP_PSH);
	assert_int_equal(pkt.window, 64240);
	assert_int_equal(pkt.payload_len, 100);
	assert_int_equal(pkt.fragment, 0);
	assert_int_equal(pkt.tcp_opts, 0);
}

TEST(parse_v4_tcp_valid)
{
	check_tcp_data(AF_INET);
}

TEST(parse_v6_tcp_valid)
{
	check_tcp_data(AF_INET6);
}

static void check_udp(uint8_t family)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	pb_start(&pb, family);
	gw_pb_udp(&pb, 5353, 53);
	gw_pb_payload(&pb, 33);
	gw_pb_finish(&pb);

	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.family, family);
	assert_int_equal(pkt.proto, IPPROTO_UDP);
	assert_addr(&pkt.saddr, family, family == AF_INET ? V4_SRC : V6_SRC);
	assert_addr(&pkt.daddr, family, family == AF_INET ? V4_DST : V6_DST);
	assert_int_equal(pkt.sport, 5353);
	assert_int_equal(pkt.dport, 53);
	assert_int_equal(pkt.payload_len, 33);
	/* No TCP here: nothing TCP-shaped may be left behind. */
	assert_int_equal(pkt.tcp_flags, 0);
	assert_int_equal(pkt.seq, 0);
	assert_int_equal(pkt.fragment, 0);
}

TEST(parse_v4_udp_valid)
{
	check_udp(AF_INET);
}

TEST(parse_v6_udp_valid)
{
	check_udp(AF_INET6);
}

TEST(parse_v4_icmp_valid)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_icmp(&pb, 3, 4);	/* fragmentation needed */
	gw_pb_payload(&pb, 28);
	gw_pb_finish(&pb);

	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.proto, IPPROTO_ICMP);
	assert_int_equal(pkt.icmp_type, 3);
	assert_int_equal(pkt.icmp_code, 4);
	assert_int_equal(pkt.sport, 0);
	assert_int_equal(pkt.dport, 0);
	assert_addr(&pkt.saddr, AF_INET, V4_SRC);
}

TEST(parse_v6_icmp_valid)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_icmp(&pb, 128, 0);	/* echo request */
	gw_pb_finish(&pb);

	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.proto, IPPROTO_ICMPV6);
	assert_int_equal(pkt.icmp_type, 128);
	assert_int_equal(pkt.icmp_code, 0);
	assert_int_equal(pkt.sport, 0);
	assert_addr(&pkt.daddr, AF_INET6, V6_DST);
}

/* A protocol the core has no header for still parses, just without ports. */
TEST(parse_other_proto_valid)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		uint8_t family = families[f];

		pb_start(&pb, family);
		gw_pb_proto(&pb, PROTO_GRE);
		gw_pb_payload(&pb, 4);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.proto, PROTO_GRE);
		assert_int_equal(pkt.sport, 0);
		assert_int_equal(pkt.dport, 0);
	}
}

/* Ethernet pads short frames: bytes past the IP length are not payload. */
TEST(parse_v4_trailing_bytes_ignored)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int len;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_udp(&pb, 1000, 2000);
	gw_pb_payload(&pb, 2);
	len = gw_pb_finish(&pb);

	assert_int_equal(gw_test_parse(&pkt, AF_INET, pb.data, len + 16),
			 GW_PARSE_OK);
	assert_int_equal(pkt.payload_len, 2);
}

TEST(parse_unknown_family_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int len;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_udp(&pb, 1000, 2000);
	len = gw_pb_finish(&pb);

	assert_int_equal(gw_test_parse(&pkt, AF_UNSPEC, pb.data, len),
			 GW_PARSE_MALFORMED);
	assert_int_equal(gw_test_parse(&pkt, AF_PACKET, pb.data, len),
			 GW_PARSE_MALFORMED);
}

/* The version nibble must agree with the family the hook said. */
TEST(parse_version_mismatch_malformed)
{
	struct gw_pb v4, v6;
	struct gw_pkt pkt;

	gw_pb_ipv4(&v4, V4_SRC, V4_DST);
	gw_pb_udp(&v4, 1000, 2000);
	gw_pb_payload(&v4, 40);	/* long enough to pass for an IPv6 header */
	gw_pb_finish(&v4);
	gw_pb_ipv6(&v6, V6_SRC, V6_DST);
	gw_pb_udp(&v6, 1000, 2000);
	gw_pb_finish(&v6);

	assert_int_equal(gw_test_parse(&pkt, AF_INET6, v4.data, v4.len),
			 GW_PARSE_MALFORMED);
	assert_int_equal(gw_test_parse(&pkt, AF_INET, v6.data, v6.len),
			 GW_PARSE_MALFORMED);
	/* A wrong version nibble in an otherwise sound header. */
	v4.data[0] = 0x55;
	assert_int_equal(gw_pb_parse(&v4, &pkt), GW_PARSE_MALFORMED);
	v4.data[0] = 0x65;
	assert_int_equal(gw_pb_parse(&v4, &pkt), GW_PARSE_MALFORMED);
	v6.data[0] = 0x40;
	assert_int_equal(gw_pb_parse(&v6, &pkt), GW_PARSE_MALFORMED);
	v6.data[0] = 0x70;
	assert_int_equal(gw_pb_parse(&v6, &pkt), GW_PARSE_MALFORMED);
}

/* ---- truncation --------------------------------------------------------- */

/*
 * Every prefix of @pb shorter than @need bytes (the headers the parser must
 * read) is MALFORMED, three times over:
 *  (a) as a short buffer behind length fields still claiming the whole
 *      packet;
 *  (b) with the IPv4 total length / IPv6 payload length rewritten to the
 *      cut, so that the cut reaches the header checks themselves instead of
 *      stopping at the length check;
 *  (c) as (b), but with the rest of the packet still in the buffer, as
 *      link-layer padding would be: the bytes are there to read, and only
 *      the IP length says they are not part of the packet.
 * At @need itself (b) and (c) must parse, which shows the loop ends where
 * it should.
 */
static void check_every_truncation(const struct gw_pb *pb, unsigned int need)
{
	static struct gw_pb cut;
	struct gw_pkt pkt;
	unsigned int n;

	for (n = 0; n <= need; n++) {
		int rc, want = n < need ? GW_PARSE_MALFORMED : GW_PARSE_OK;

		if (n < need) {
			rc = gw_test_parse(&pkt, pb->family, pb->data, n);
			if (rc != GW_PARSE_MALFORMED)
				fail_msg("%u of %u bytes, full length claimed: "
					 "parsed", n, need);
		}

		cut = *pb;
		if (pb->family == AF_INET)
			gw_pb_put16(&cut, 2, (uint16_t)n);
		else
			gw_pb_put16(&cut, 4, (uint16_t)(n > 40 ? n - 40 : 0));
		rc = gw_test_parse(&pkt, cut.family, cut.data, n);
		if (rc != want)
			fail_msg("%u of %u bytes, length field says %u: %d",
				 n, need, n, rc);
		rc = gw_test_parse(&pkt, cut.family, cut.data, pb->len + 8);
		if (rc != want)
			fail_msg("length field says %u of %u, more bytes "
				 "behind: %d", n, need, rc);
	}
}

static unsigned int tcp_hdr_len(const struct gw_pb *pb)
{
	return (pb->data[pb->l4_off + 12] >> 4) * 4u;
}

TEST(parse_v4_tcp_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	pb_tcp_syn(&pb);
	gw_pb_finish(&pb);
	assert_int_equal(tcp_hdr_len(&pb), 32);
	check_every_truncation(&pb, pb.l4_off + 32);

	/* Again behind IPv4 options, so the L4 offset is IHL, not 20. */
	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_ipv4_options(&pb, 3);
	pb_tcp_syn(&pb);
	gw_pb_finish(&pb);
	check_every_truncation(&pb, pb.l4_off + 32);
}

TEST(parse_v4_udp_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_udp(&pb, 1000, 2000);
	gw_pb_finish(&pb);
	check_every_truncation(&pb, pb.l4_off + 8);
}

/*
 * The parser needs type and code and the checksum word behind them (the
 * 4-byte ICMP/ICMPv6 header of RFC 792 / RFC 4443); the rest of the 8
 * bytes is message body it never reads.
 */
TEST(parse_v4_icmp_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_icmp(&pb, 8, 0);
	gw_pb_finish(&pb);
	check_every_truncation(&pb, pb.l4_off + 4);
}

TEST(parse_v6_tcp_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	pb_tcp_syn(&pb);
	gw_pb_finish(&pb);
	check_every_truncation(&pb, pb.l4_off + 32);
}

TEST(parse_v6_udp_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_udp(&pb, 1000, 2000);
	gw_pb_finish(&pb);
	check_every_truncation(&pb, pb.l4_off + 8);
}

TEST(parse_v6_icmp_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_icmp(&pb, 128, 0);
	gw_pb_finish(&pb);
	check_every_truncation(&pb, pb.l4_off + 4);
}

/* A cut anywhere in a chain of every extension header type. */
TEST(parse_v6_ext_chain_every_truncation_malformed)
{
	struct gw_pb pb;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_HOP, 8);
	gw_pb_ipv6_ext(&pb, NH_DEST, 16);
	gw_pb_ipv6_ext(&pb, NH_ROUTING, 24);
	gw_pb_ipv6_frag(&pb, 0, true, 7);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 16);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	pb_tcp_syn(&pb);
	gw_pb_finish(&pb);
	assert_int_equal(pb.l4_off, 40 + 8 + 16 + 24 + 8 + 16 + 8);
	check_every_truncation(&pb, pb.l4_off + 32);
}

/* ---- IPv4 header lies --------------------------------------------------- */

TEST(parse_v4_ihl_below_5_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int ihl;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_udp(&pb, 1000, 2000);
	gw_pb_payload(&pb, 40);
	gw_pb_finish(&pb);

	for (ihl = 0; ihl < 5; ihl++) {
		pb.data[0] = (uint8_t)(0x40 | ihl);
		if (gw_pb_parse(&pb, &pkt) != GW_PARSE_MALFORMED)
			fail_msg("IHL %u parsed", ihl);
	}
	pb.data[0] = 0x45;
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
}

/* Options push the L4 header to IHL * 4; ports must be read from there. */
TEST(parse_v4_ihl_options_locate_l4)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int words;

	for (words = 1; words <= 10; words++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_ipv4_options(&pb, words);
		gw_pb_udp(&pb, 1111, 2222);
		gw_pb_payload(&pb, 5);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.sport, 1111);
		assert_int_equal(pkt.dport, 2222);
		assert_int_equal(pkt.payload_len, 5);
	}
}

TEST(parse_v4_tot_len_exceeds_buffer_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int len;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK, 1, 1);
	gw_pb_payload(&pb, 10);
	len = gw_pb_finish(&pb);

	gw_pb_put16(&pb, 2, (uint16_t)(len + 1));
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
	gw_pb_put16(&pb, 2, 0xffff);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
	gw_pb_put16(&pb, 2, (uint16_t)len);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
}

TEST(parse_v4_tot_len_below_ihl_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	/* GRE: no L4 checks of the core's, so only the IP lengths matter. */
	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_ipv4_options(&pb, 1);		/* IHL 24 */
	gw_pb_proto(&pb, PROTO_GRE);
	gw_pb_payload(&pb, 8);
	gw_pb_finish(&pb);

	gw_pb_put16(&pb, 2, 23);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
	gw_pb_put16(&pb, 2, 0);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
	gw_pb_put16(&pb, 2, 24);		/* exactly the header: fine */
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);

	/* IHL 15 (60 bytes) in a 40-byte datagram. */
	gw_pb_put16(&pb, 2, 40);
	pb.data[0] = 0x4f;
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
}

/*
 * A fragment with a non-zero offset carries no L4 header: the parser must
 * flag it and read no ports, even when its first bytes look like one.
 */
TEST(parse_v4_nonfirst_fragment)
{
	static const unsigned int offsets[] = { 1, 185, 0x1fff };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_ipv4_frag(&pb, offsets[i], i == 0);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.fragment, 1);
		assert_int_equal(pkt.proto, IPPROTO_TCP);
		assert_int_equal(pkt.sport, 0);
		assert_int_equal(pkt.dport, 0);
		assert_int_equal(pkt.tcp_flags, 0);
		assert_addr(&pkt.saddr, AF_INET, V4_SRC);
	}

	/* Nothing at all after the IP header is still a valid fragment. */
	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_ipv4_frag(&pb, 100, false);
	gw_pb_proto(&pb, IPPROTO_UDP);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.fragment, 1);
	assert_int_equal(pkt.proto, IPPROTO_UDP);
}

/* The first fragment (offset 0, MF) holds the L4 header and is parsed. */
TEST(parse_v4_first_fragment_parsed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_ipv4_frag(&pb, 0, true);
	gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
	gw_pb_payload(&pb, 64);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.fragment, 0);
	assert_int_equal(pkt.sport, SPORT);
	assert_int_equal(pkt.tcp_flags, GW_TCP_SYN);
}

/* ---- TCP header lies ---------------------------------------------------- */

TEST(parse_tcp_doff_below_5_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int doff, f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		uint8_t family = families[f];

		pb_start(&pb, family);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK, 1, 1);
		gw_pb_payload(&pb, 40);
		gw_pb_finish(&pb);
		for (doff = 0; doff < 5; doff++) {
			pb.data[pb.l4_off + 12] = (uint8_t)(doff << 4);
			if (gw_pb_parse(&pb, &pkt) != GW_PARSE_MALFORMED)
				fail_msg("family %u doff %u parsed", family,
					 doff);
		}
	}
}

/*
 * The data offset may not reach past the segment, and "the segment" ends
 * where the IP length says, not where the buffer does: the bytes behind it
 * must not be taken for TCP options.
 */
TEST(parse_tcp_doff_beyond_segment_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int doff, len, f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		uint8_t family = families[f];

		pb_start(&pb, family);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		gw_pb_payload(&pb, 12);		/* a 32-byte segment */
		len = gw_pb_finish(&pb);
		for (doff = 5; doff <= 15; doff++) {
			int rc;

			pb.data[pb.l4_off + 12] = (uint8_t)(doff << 4);
			/* 40 bytes of buffer behind the datagram */
			rc = gw_test_parse(&pkt, family, pb.data, len + 40);
			if (doff <= 8 && rc != GW_PARSE_OK)
				fail_msg("doff %u within the segment: %d",
					 doff, rc);
			if (doff > 8 && rc != GW_PARSE_MALFORMED)
				fail_msg("doff %u past the segment parsed",
					 doff);
			if (doff == 8)
				assert_int_equal(pkt.payload_len, 0);
		}
	}
}

TEST(parse_tcp_payload_len)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		uint8_t family = families[f];

		pb_start(&pb, family);
		if (family == AF_INET6)
			gw_pb_ipv6_ext(&pb, NH_DEST, 16);
		pb_tcp_syn(&pb);
		gw_pb_payload(&pb, 1000);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.payload_len, 1000);
	}
}

/* ---- IPv6 extension headers --------------------------------------------- */

TEST(parse_v6_ext_headers_skipped)
{
	static const uint8_t types[] = { NH_HOP, NH_ROUTING, NH_DEST };
	static const unsigned int lens[] = { 8, 16, 64, 2048 };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int t, l;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			gw_pb_ipv6(&pb, V6_SRC, V6_DST);
			gw_pb_ipv6_ext(&pb, types[t], lens[l]);
			gw_pb_udp(&pb, 1111, 2222);
			gw_pb_finish(&pb);
			assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
			assert_int_equal(pkt.proto, IPPROTO_UDP);
			assert_int_equal(pkt.sport, 1111);
			assert_int_equal(pkt.dport, 2222);
		}
	}
}

TEST(parse_v6_ext_chain_valid)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_HOP, 8);
	gw_pb_ipv6_ext(&pb, NH_DEST, 24);
	gw_pb_ipv6_ext(&pb, NH_ROUTING, 16);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 24);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	pb_tcp_syn(&pb);
	gw_pb_payload(&pb, 3);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.proto, IPPROTO_TCP);
	assert_int_equal(pkt.sport, SPORT);
	assert_int_equal(pkt.dport, DPORT);
	assert_int_equal(pkt.tcp_flags, GW_TCP_SYN);
	assert_int_equal(pkt.wscale, 7);
	assert_int_equal(pkt.payload_len, 3);
}

/*
 * AH counts its length in 4-byte words minus 2 (RFC 4302 2.2), not in
 * 8-byte units minus 1 like the others.  16, 24 and 1028 bytes are
 * lengths where the two formulas land in different places.
 */
TEST(parse_v6_ah_length_formula)
{
	static const unsigned int lens[] = { 12, 16, 24, 1028 };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_AUTH, lens[i]);
		gw_pb_udp(&pb, 1111, 2222);
		gw_pb_finish(&pb);
		assert_int_equal(pb.data[41], lens[i] / 4 - 2);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.proto, IPPROTO_UDP);
		assert_int_equal(pkt.sport, 1111);
		assert_int_equal(pkt.dport, 2222);
	}
}

/* A header whose length field runs into or past the end of the payload. */
TEST(parse_v6_ext_length_past_end_malformed)
{
	static const uint8_t types[] = { NH_HOP, NH_ROUTING, NH_DEST, NH_AUTH };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int t;
	bool ah;

	for (t = 0; t < ARRAY_SIZE(types); t++) {
		ah = types[t] == NH_AUTH;
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, types[t], 16);
		gw_pb_udp(&pb, 1111, 2222);	/* 24 bytes of payload in all */
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);

		/* 24 bytes: swallows the UDP header, which is then missing */
		pb.data[41] = ah ? 4 : 2;
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
		/* 32 (28 for AH) bytes: past the end */
		pb.data[41] = ah ? 5 : 3;
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
		pb.data[41] = 0xff;
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);

		/*
		 * Past the payload but not past the buffer: the bytes behind
		 * the datagram must not be parsed as its next header.
		 */
		pb.data[41] = ah ? 5 : 3;
		assert_int_equal(gw_test_parse(&pkt, AF_INET6, pb.data,
					       pb.len + 64),
				 GW_PARSE_MALFORMED);
	}

	/* Fewer than the 8 bytes every extension header has. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	gw_pb_put16(&pb, 4, 7);
	assert_int_equal(gw_test_parse(&pkt, AF_INET6, pb.data, 47),
			 GW_PARSE_MALFORMED);
}

TEST(parse_v6_fragment_first_parsed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	int more;

	/* more == 0 is an atomic fragment (RFC 6946): a whole packet */
	for (more = 0; more <= 1; more++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_frag(&pb, 0, more, 0x01020304);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		gw_pb_payload(&pb, 16);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.fragment, 0);
		assert_int_equal(pkt.proto, IPPROTO_TCP);
		assert_int_equal(pkt.sport, SPORT);
		assert_int_equal(pkt.dport, DPORT);
		assert_int_equal(pkt.payload_len, 16);
	}
}

TEST(parse_v6_fragment_nonfirst)
{
	static const unsigned int offsets[] = { 1, 181, 0x1fff };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_DEST, 8);
		gw_pb_ipv6_frag(&pb, offsets[i], i == 0, 42);
		/* payload bytes that happen to look like a TCP header */
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.fragment, 1);
		assert_int_equal(pkt.proto, IPPROTO_TCP);
		assert_int_equal(pkt.sport, 0);
		assert_int_equal(pkt.dport, 0);
		assert_int_equal(pkt.tcp_flags, 0);
	}

	/* Nothing behind the fragment header. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_frag(&pb, 9, false, 42);
	gw_pb_proto(&pb, IPPROTO_UDP);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.fragment, 1);
	assert_int_equal(pkt.proto, IPPROTO_UDP);
}

/*
 * A non-first fragment header is the end of what the core reads, but it
 * must still lie wholly inside the payload, even when the buffer holds the
 * bytes the payload length disowns.
 */
TEST(parse_v6_fragment_header_past_end_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int cut;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_ipv6_frag(&pb, 100, true, 42);
	gw_pb_proto(&pb, IPPROTO_UDP);
	gw_pb_payload(&pb, 16);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.fragment, 1);

	for (cut = 0; cut < 8; cut++) {
		gw_pb_put16(&pb, 4, (uint16_t)(8 + cut));
		if (gw_pb_parse(&pb, &pkt) != GW_PARSE_MALFORMED)
			fail_msg("fragment header cut to %u bytes parsed", cut);
	}
}

/* The core allows 8 extension headers (GW_IPV6_MAX_EXTHDRS); 9 is evasion. */
TEST(parse_v6_max_ext_headers_valid)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, 8);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.sport, 1111);

	/* Mixed types count alike; a first fragment header is one of them. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_HOP, 8);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_ipv6_ext(&pb, NH_ROUTING, 8);
	gw_pb_ipv6_frag(&pb, 0, true, 1);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 16);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.dport, 2222);
}

TEST(parse_v6_too_many_ext_headers_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int n;

	for (n = 9; n <= 40; n++) {
		gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, n);
		gw_pb_udp(&pb, 1111, 2222);
		gw_pb_finish(&pb);
		if (gw_pb_parse(&pb, &pkt) != GW_PARSE_MALFORMED)
			fail_msg("%u extension headers parsed", n);
	}
}

/*
 * The limit counts headers, whatever the last one is: nine where the ninth
 * is a non-first fragment header are still nine.
 */
TEST(parse_v6_too_many_ext_headers_before_fragment_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, 8);
	gw_pb_ipv6_frag(&pb, 100, true, 1);
	gw_pb_proto(&pb, IPPROTO_UDP);
	gw_pb_payload(&pb, 8);
	gw_pb_finish(&pb);
	if (gw_pb_parse(&pb, &pkt) != GW_PARSE_MALFORMED)
		fail_msg("8 destination options headers and a non-first "
			 "fragment header, 9 extension headers in all, parsed "
			 "(the limit is 8)");

	/* Eight, the last a non-first fragment, are within the limit. */
	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, 7);
	gw_pb_ipv6_frag(&pb, 100, true, 1);
	gw_pb_proto(&pb, IPPROTO_UDP);
	gw_pb_payload(&pb, 8);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.fragment, 1);
}

TEST(parse_v6_no_next_header)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_payload(&pb, 5);	/* ignored, RFC 8200 4.7 */
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.proto, NH_NONE);
	assert_int_equal(pkt.sport, 0);
	assert_int_equal(pkt.fragment, 0);
}

/*
 * Payload length 0 means a jumbogram (RFC 2675): the real length is in a
 * hop-by-hop option the core does not read, so the packet is refused.
 */
TEST(parse_v6_jumbogram_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_jumbo(&pb, 70000);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_payload(&pb, 100);
	gw_pb_finish(&pb);
	assert_int_equal(pb.data[4] | pb.data[5], 0);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);

	/* Same with no jumbo option at all. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_finish(&pb);
	gw_pb_put16(&pb, 4, 0);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);

	/*
	 * And where nothing after the header would fail on its own (no next
	 * header, or a protocol without a header the core reads): the zero
	 * itself is refused.
	 */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_finish(&pb);
	assert_int_equal(pb.data[4] | pb.data[5], 0);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_proto(&pb, PROTO_GRE);
	gw_pb_payload(&pb, 16);
	gw_pb_finish(&pb);
	gw_pb_put16(&pb, 4, 0);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
}

TEST(parse_v6_payload_len_exceeds_buffer_malformed)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int len;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_payload(&pb, 10);
	len = gw_pb_finish(&pb);

	gw_pb_put16(&pb, 4, (uint16_t)(len - 40 + 1));
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
	gw_pb_put16(&pb, 4, 0xffff);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_MALFORMED);
}

/* ---- TCP options -------------------------------------------------------- */

TEST(parse_tcp_opt_wscale_sack_mss)
{
	static const uint8_t flags[] = { GW_TCP_SYN, GW_TCP_SYN | GW_TCP_ACK };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i, f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		uint8_t family = families[f];

		for (i = 0; i < ARRAY_SIZE(flags); i++) {
			pb_start(&pb, family);
			gw_pb_tcp(&pb, SPORT, DPORT, flags[i], 1, 2);
			gw_pb_tcp_mss(&pb, 1460);
			gw_pb_tcp_sack_perm(&pb);
			gw_pb_tcp_nop(&pb);
			gw_pb_tcp_wscale(&pb, 9);
			gw_pb_finish(&pb);
			assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
			assert_int_equal(pkt.tcp_opts, GW_TCPOPT_WSCALE_SEEN |
						       GW_TCPOPT_SACK_PERM |
						       GW_TCPOPT_MSS);
			assert_int_equal(pkt.wscale, 9);
			assert_int_equal(pkt.mss, 1460);
			assert_int_equal(pkt.payload_len, 0);
		}
	}
}

/* RFC 7323 2.3: a shift count above 14 is used as 14. */
TEST(parse_tcp_opt_wscale_clamped)
{
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int shift;

	for (shift = 0; shift <= 255; shift++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		gw_pb_tcp_wscale(&pb, (uint8_t)shift);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.tcp_opts, GW_TCPOPT_WSCALE_SEEN);
		assert_int_equal(pkt.wscale, shift > 14 ? 14 : shift);
	}
}

TEST(parse_tcp_opt_only_what_is_there)
{
	struct gw_pb pb;
	struct gw_pkt pkt;

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
	gw_pb_tcp_sack_perm(&pb);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.tcp_opts, GW_TCPOPT_SACK_PERM);
	assert_int_equal(pkt.wscale, 0);

	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
	gw_pb_tcp_mss(&pb, 536);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.tcp_opts, GW_TCPOPT_MSS);
	assert_int_equal(pkt.mss, 536);

	/* an MSS means something on a SYN only */
	gw_pb_ipv4(&pb, V4_SRC, V4_DST);
	gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK, 1, 0);
	gw_pb_tcp_mss(&pb, 536);
	gw_pb_finish(&pb);
	assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
	assert_int_equal(pkt.tcp_opts, 0);
	assert_int_equal(pkt.mss, 0);
}

/* Timestamps on any segment, for the SYN proxy; the last one counts. */
TEST(parse_tcp_opt_timestamps)
{
	static const uint8_t ts1[] = { 1, 1, 8, 10, 0x11, 0x22, 0x33, 0x44,
				       0x55, 0x66, 0x77, 0x88 };
	static const uint8_t ts2[] = { 8, 10, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1 };
	static const uint8_t bad_len[] = { 8, 9, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		pb_start(&pb, families[f]);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK, 1, 2);
		gw_pb_tcp_opt_raw(&pb, ts1, sizeof(ts1));
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.tcp_opts, GW_TCPOPT_TS);
		assert_int_equal(pkt.tsval, 0x11223344);
		assert_int_equal(pkt.tsecr, 0x55667788);
		assert_int_equal(pkt.l4_off, families[f] == AF_INET ? 20 : 40);

		pb_start(&pb, families[f]);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		gw_pb_tcp_opt_raw(&pb, ts1, sizeof(ts1));
		gw_pb_tcp_opt_raw(&pb, ts2, sizeof(ts2));
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.tcp_opts, GW_TCPOPT_TS);
		assert_int_equal(pkt.tsval, 1);
		assert_int_equal(pkt.tsecr, 2);

		pb_start(&pb, families[f]);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK, 1, 2);
		gw_pb_tcp_opt_raw(&pb, bad_len, sizeof(bad_len));
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.tcp_opts, 0);
	}
}

/*
 * Broken option lists end the walk without a crash, a hang (length 0
 * would never advance) or a read past the header, and never invent an
 * option.  The packet itself still parses: the options are advisory.
 */
TEST(parse_tcp_opt_malformed_lengths)
{
	static const struct {
		const char *what;
		unsigned int nops;	/* NOPs in front of @bytes */
		uint8_t bytes[8];
		unsigned int n;
		uint8_t want_opts;
		uint8_t want_wscale;
	} cases[] = {
		{ "length 0", 0, { 3, 0, 7, 1 }, 4, 0, 0 },
		{ "length 1", 0, { 3, 1, 7, 1 }, 4, 0, 0 },
		{ "kind in the last byte", 3, { 3 }, 1, 0, 0 },
		{ "length past the end", 2, { 3, 4 }, 2, 0, 0 },
		{ "length 255 in the last byte", 38, { 3, 255 }, 2, 0, 0 },
		{ "MSS past the end hides wscale", 0,
		  { 2, 0xff, 3, 3, 7, 1, 1, 1 }, 8, 0, 0 },
		{ "wscale of length 4", 0, { 3, 4, 7, 0 }, 4, 0, 0 },
		{ "wscale of length 2 skipped", 0, { 3, 2, 3, 3, 7, 1, 1, 1 },
		  8, GW_TCPOPT_WSCALE_SEEN, 7 },
		{ "SACK-permitted of length 3", 0, { 4, 3, 0, 0 }, 4, 0, 0 },
		/* read as a 2-byte option, kind 0 would reveal the wscale */
		{ "wscale after end of list", 0, { 0, 2, 3, 3, 7, 1, 1, 1 }, 8,
		  0, 0 },
		{ "unknown kind skipped", 0, { 99, 4, 0, 0, 3, 3, 5, 0 }, 8,
		  GW_TCPOPT_WSCALE_SEEN, 5 },
		{ "wscale ending on the last byte", 37, { 3, 3, 6 }, 3,
		  GW_TCPOPT_WSCALE_SEEN, 6 },
	};
	static const uint8_t nop = 1;
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_SYN, 1, 0);
		for (j = 0; j < cases[i].nops; j++)
			gw_pb_tcp_opt_raw(&pb, &nop, 1);
		gw_pb_tcp_opt_raw(&pb, cases[i].bytes, cases[i].n);
		gw_pb_finish(&pb);
		if (gw_pb_parse(&pb, &pkt) != GW_PARSE_OK)
			fail_msg("%s: not parsed", cases[i].what);
		if (pkt.tcp_opts != cases[i].want_opts ||
		    pkt.wscale != cases[i].want_wscale)
			fail_msg("%s: opts %#x wscale %u, want %#x %u",
				 cases[i].what, pkt.tcp_opts, pkt.wscale,
				 cases[i].want_opts, cases[i].want_wscale);
	}
}

/* Only a handshake segment's options matter: later ones are not read. */
TEST(parse_tcp_options_ignored_without_syn)
{
	static const uint8_t flags[] = {
		GW_TCP_ACK, GW_TCP_ACK | GW_TCP_PSH, GW_TCP_FIN | GW_TCP_ACK,
		GW_TCP_RST, GW_TCP_RST | GW_TCP_ACK,
	};
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_tcp(&pb, SPORT, DPORT, flags[i], 1, 2);
		gw_pb_tcp_sack_perm(&pb);
		gw_pb_tcp_wscale(&pb, 7);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.tcp_flags, flags[i]);
		assert_int_equal(pkt.tcp_opts, 0);
		assert_int_equal(pkt.wscale, 0);
	}
}

/*
 * SACK blocks (RFC 2018) on segments other than SYNs: the highest right
 * edge in sequence order, modulo 2^32, goes to sack_edge, whatever the
 * order of the blocks.
 */
TEST(parse_tcp_sack_blocks)
{
	static const struct {
		const char *what;
		uint32_t edges[8];
		unsigned int n;
		uint32_t want;
	} cases[] = {
		{ "one block", { 1000, 2000 }, 1, 2000 },
		{ "highest first", { 5000, 6000, 1000, 2000 }, 2, 6000 },
		{ "highest last", { 1000, 2000, 3000, 4000, 5000, 6000 }, 3,
		  6000 },
		{ "four blocks", { 10, 20, 50, 60, 30, 40, 0, 5 }, 4, 60 },
		{ "wrapping past 0", { 0xfffffff0u, 0xfffffff8u, 0x10, 0x20 },
		  2, 0x20 },
		{ "wrapping, other order", { 0x10, 0x20, 0xfffffff0u,
		  0xfffffff8u }, 2, 0x20 },
	};
	static const uint8_t flags[] = {
		GW_TCP_ACK, GW_TCP_ACK | GW_TCP_PSH, GW_TCP_FIN | GW_TCP_ACK,
		GW_TCP_RST | GW_TCP_ACK,
	};
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i, f, fam;

	for (fam = 0; fam < ARRAY_SIZE(families); fam++) {
		for (i = 0; i < ARRAY_SIZE(cases); i++) {
			for (f = 0; f < ARRAY_SIZE(flags); f++) {
				pb_start(&pb, families[fam]);
				gw_pb_tcp(&pb, SPORT, DPORT, flags[f], 1, 2);
				gw_pb_tcp_nop(&pb);
				gw_pb_tcp_nop(&pb);
				gw_pb_tcp_sack(&pb, cases[i].edges, cases[i].n);
				gw_pb_payload(&pb, 10);
				gw_pb_finish(&pb);
				assert_int_equal(gw_pb_parse(&pb, &pkt),
						 GW_PARSE_OK);
				if (pkt.tcp_opts != GW_TCPOPT_SACK ||
				    pkt.sack_edge != cases[i].want)
					fail_msg("%s: opts %#x edge %#x, want "
						 "%#x", cases[i].what,
						 pkt.tcp_opts, pkt.sack_edge,
						 cases[i].want);
				assert_int_equal(pkt.payload_len, 10);
			}
		}
	}
}

/* A SYN carries no SACK blocks; any there are not read. */
TEST(parse_tcp_sack_ignored_on_syn)
{
	static const uint32_t edges[] = { 100, 200 };
	static const uint8_t flags[] = { GW_TCP_SYN, GW_TCP_SYN | GW_TCP_ACK };
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_tcp(&pb, SPORT, DPORT, flags[i], 1, 2);
		gw_pb_tcp_sack_perm(&pb);
		gw_pb_tcp_sack(&pb, edges, 1);
		gw_pb_finish(&pb);
		assert_int_equal(gw_pb_parse(&pb, &pkt), GW_PARSE_OK);
		assert_int_equal(pkt.tcp_opts, GW_TCPOPT_SACK_PERM);
		assert_int_equal(pkt.sack_edge, 0);
	}
}

/*
 * Broken SACK options: shorter than one block, a length running past the
 * header, a partial block after whole ones (read up to the last whole
 * block), a SACK after the end of the list.  No crash, no read past the
 * header, no invented edge.
 */
TEST(parse_tcp_sack_malformed)
{
	static const struct {
		const char *what;
		uint8_t bytes[24];
		unsigned int n;
		uint8_t want_opts;
		uint32_t want_edge;
	} cases[] = {
		{ "length 9", { 5, 9, 0, 0, 0, 1, 0, 0, 0, 2, 1, 1 }, 12,
		  0, 0 },
		{ "length 2", { 5, 2, 1, 1 }, 4, 0, 0 },
		{ "length 0", { 5, 0, 0, 0 }, 4, 0, 0 },
		{ "length past the header", { 5, 18, 0, 0, 0, 1, 0, 0, 0, 2 },
		  10, 0, 0 },
		{ "one block and 4 stray bytes",
		  { 5, 14, 0, 0, 0, 1, 0, 0, 0, 9, 0xff, 0xff, 0xff, 0xff, 1,
		    1 }, 16, GW_TCPOPT_SACK, 9 },
		{ "after end of list", { 0, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2 },
		  12, 0, 0 },
		{ "after an unknown option", { 99, 3, 0, 5, 10, 0, 0, 0, 1, 0,
		  0, 0, 7, 1, 1, 1 }, 16, GW_TCPOPT_SACK, 7 },
	};
	struct gw_pb pb;
	struct gw_pkt pkt;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_tcp(&pb, SPORT, DPORT, GW_TCP_ACK, 1, 2);
		gw_pb_tcp_opt_raw(&pb, cases[i].bytes, cases[i].n);
		gw_pb_finish(&pb);
		if (gw_pb_parse(&pb, &pkt) != GW_PARSE_OK)
			fail_msg("%s: not parsed", cases[i].what);
		if (pkt.tcp_opts != cases[i].want_opts ||
		    pkt.sack_edge != cases[i].want_edge)
			fail_msg("%s: opts %#x edge %u, want %#x %u",
				 cases[i].what, pkt.tcp_opts, pkt.sack_edge,
				 cases[i].want_opts, cases[i].want_edge);
	}
}

/* ---- the struct and the embedding --------------------------------------- */

/*
 * gw_parse() owns all of @pkt: what was in it before must not show, for a
 * good packet or a bad one (a MALFORMED result may still be logged).
 */
TEST(parse_pkt_fully_initialised)
{
	struct gw_pb pb;
	struct gw_pkt a, b;
	struct gw_test_buf buf;
	int bad;

	for (bad = 0; bad <= 1; bad++) {
		gw_pb_ipv4(&pb, V4_SRC, V4_DST);
		gw_pb_udp(&pb, 1111, 2222);
		gw_pb_finish(&pb);
		if (bad)
			gw_pb_put16(&pb, 2, 22);	/* UDP cut to 2 bytes */
		buf.data = pb.data;
		buf.len = pb.len;
		memset(&a, 0x00, sizeof(a));
		memset(&b, 0xff, sizeof(b));
		assert_int_equal(gw_parse(&a, AF_INET, &buf, buf.len),
				 bad ? GW_PARSE_MALFORMED : GW_PARSE_OK);
		assert_int_equal(gw_parse(&b, AF_INET, &buf, buf.len),
				 bad ? GW_PARSE_MALFORMED : GW_PARSE_OK);
		assert_memory_equal(&a, &b, sizeof(a));
	}
}

/* The userspace gw_header_pointer() the whole suite relies on. */
TEST(parse_header_pointer_bounds)
{
	static const uint8_t bytes[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	struct gw_test_buf buf = { bytes, sizeof(bytes) };
	uint8_t tmp[16];
	const uint8_t *p;

	p = gw_header_pointer(&buf, 8, 2, tmp);
	assert_non_null(p);
	assert_int_equal(p[0], 8);
	assert_int_equal(p[1], 9);
	assert_non_null(gw_header_pointer(&buf, 0, 10, tmp));
	assert_null(gw_header_pointer(&buf, 8, 3, tmp));
	assert_null(gw_header_pointer(&buf, 0, 11, tmp));
	assert_null(gw_header_pointer(&buf, 11, 0, tmp));
	/* offset + len wraps around to a small number */
	assert_null(gw_header_pointer(&buf, 0xffffffffu, 2, tmp));
	assert_null(gw_header_pointer(&buf, 2, 0xffffffffu, tmp));
	assert_null(gw_header_pointer(&buf, 0x80000000u, 0x80000001u, tmp));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(parse_v4_tcp_valid),
	cmocka_unit_test(parse_v6_tcp_valid),
	cmocka_unit_test(parse_v4_udp_valid),
	cmocka_unit_test(parse_v6_udp_valid),
	cmocka_unit_test(parse_v4_icmp_valid),
	cmocka_unit_test(parse_v6_icmp_valid),
	cmocka_unit_test(parse_other_proto_valid),
	cmocka_unit_test(parse_v4_trailing_bytes_ignored),
	cmocka_unit_test(parse_unknown_family_malformed),
	cmocka_unit_test(parse_version_mismatch_malformed),
	cmocka_unit_test(parse_v4_tcp_every_truncation_malformed),
	cmocka_unit_test(parse_v4_udp_every_truncation_malformed),
	cmocka_unit_test(parse_v4_icmp_every_truncation_malformed),
	cmocka_unit_test(parse_v6_tcp_every_truncation_malformed),
	cmocka_unit_test(parse_v6_udp_every_truncation_malformed),
	cmocka_unit_test(parse_v6_icmp_every_truncation_malformed),
	cmocka_unit_test(parse_v6_ext_chain_every_truncation_malformed),
	cmocka_unit_test(parse_v4_ihl_below_5_malformed),
	cmocka_unit_test(parse_v4_ihl_options_locate_l4),
	cmocka_unit_test(parse_v4_tot_len_exceeds_buffer_malformed),
	cmocka_unit_test(parse_v4_tot_len_below_ihl_malformed),
	cmocka_unit_test(parse_v4_nonfirst_fragment),
	cmocka_unit_test(parse_v4_first_fragment_parsed),
	cmocka_unit_test(parse_tcp_doff_below_5_malformed),
	cmocka_unit_test(parse_tcp_doff_beyond_segment_malformed),
	cmocka_unit_test(parse_tcp_payload_len),
	cmocka_unit_test(parse_v6_ext_headers_skipped),
	cmocka_unit_test(parse_v6_ext_chain_valid),
	cmocka_unit_test(parse_v6_ah_length_formula),
	cmocka_unit_test(parse_v6_ext_length_past_end_malformed),
	cmocka_unit_test(parse_v6_fragment_first_parsed),
	cmocka_unit_test(parse_v6_fragment_nonfirst),
	cmocka_unit_test(parse_v6_fragment_header_past_end_malformed),
	cmocka_unit_test(parse_v6_max_ext_headers_valid),
	cmocka_unit_test(parse_v6_too_many_ext_headers_malformed),
	cmocka_unit_test(parse_v6_too_many_ext_headers_before_fragment_malformed),
	cmocka_unit_test(parse_v6_no_next_header),
	cmocka_unit_test(parse_v6_jumbogram_malformed),
	cmocka_unit_test(parse_v6_payload_len_exceeds_buffer_malformed),
	cmocka_unit_test(parse_tcp_opt_wscale_sack_mss),
	cmocka_unit_test(parse_tcp_opt_wscale_clamped),
	cmocka_unit_test(parse_tcp_sack_blocks),
	cmocka_unit_test(parse_tcp_sack_ignored_on_syn),
	cmocka_unit_test(parse_tcp_sack_malformed),
	cmocka_unit_test(parse_tcp_opt_only_what_is_there),
	cmocka_unit_test(parse_tcp_opt_timestamps),
	cmocka_unit_test(parse_tcp_opt_malformed_lengths),
	cmocka_unit_test(parse_tcp_options_ignored_without_syn),
	cmocka_unit_test(parse_pkt_fully_initialised),
	cmocka_unit_test(parse_header_pointer_bounds),
};

GW_UNIT_MAIN(tests)
