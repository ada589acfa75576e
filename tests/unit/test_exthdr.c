// SPDX-License-Identifier: GPL-2.0
/*
 * gw_ipv6_walk(), the one IPv6 extension header walker gw_parse() and the
 * ICMPv6 code share: the bound on the chain, a header cut anywhere, AH's
 * own length unit, first and later fragments, No Next Header.  Every walk
 * runs over a heap block of exactly the bytes given (AddressSanitizer sees
 * a read past them), once per gw_header_pointer() mode, and the modes must
 * agree.
 */
#include "unit.h"

#define V6_SRC	"2001:db8::1"
#define V6_DST	"2001:db8:0:1::2"

enum {
	NH_HOP = 0,
	NH_TCP = 6,
	NH_UDP = 17,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_ESP = 50,
	NH_AUTH = 51,
	NH_NONE = 59,
	NH_DEST = 60,
};

/*
 * gw_ipv6_walk() over the first @len bytes of @bytes, from the end of the
 * fixed header to @end, in every gw_header_pointer() mode.  Returns its
 * answer; @l4 gets what it found (zeroed first, and left so on failure).
 */
static bool walk_bytes(const uint8_t *bytes, unsigned int len,
		       unsigned int off, unsigned int end,
		       struct gw_ipv6_l4 *l4)
{
	static const enum gw_hp_mode modes[] = {
		GW_HP_DIRECT, GW_HP_COPY, GW_HP_EXACT,
	};
	struct gw_test_buf buf;
	struct gw_ipv6_l4 first, got;
	bool first_ok = false, ok;
	uint8_t *copy = gw_test_dup(bytes, len);
	unsigned int i;

	assert_true(len > 6);
	buf.data = copy;
	buf.len = len;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		gw_hp_set_mode(modes[i]);
		memset(&got, 0, sizeof(got));
		ok = gw_ipv6_walk(&buf, bytes[6], off, end, &got);
		gw_hp_release();
		if (i == 0) {
			first_ok = ok;
			first = got;
		} else if (ok != first_ok ||
			   memcmp(&got, &first, sizeof(got)) != 0) {
			fail_msg("gw_ipv6_walk() answers differently in "
				 "gw_header_pointer() mode %u", i);
		}
	}
	gw_hp_set_mode(GW_HP_DIRECT);
	free(copy);
	*l4 = first;
	return first_ok;
}

/* The whole of a finished packet, its datagram ending where it does. */
static bool walk(const struct gw_pb *pb, struct gw_ipv6_l4 *l4)
{
	return walk_bytes(pb->data, pb->len, 40, pb->len, l4);
}

static void assert_l4(const struct gw_ipv6_l4 *l4, unsigned int off,
		      uint8_t proto, bool fragment)
{
	assert_int_equal(l4->off, off);
	assert_int_equal(l4->proto, proto);
	assert_int_equal(l4->fragment, fragment);
}

/* No extension header: the fixed header names the upper layer itself. */
TEST(walk_no_ext_headers)
{
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_SYN, 1, 0);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 40, NH_TCP, false);

	/* The upper-layer header itself is not the walker's to read. */
	assert_true(walk_bytes(pb.data, 40, 40, 40, &l4));
	assert_l4(&l4, 40, NH_TCP, false);
}

/* GW_IPV6_MAX_EXTHDRS headers, of every type, are walked to the end. */
TEST(walk_chain_at_bound)
{
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;

	assert_int_equal(GW_IPV6_MAX_EXTHDRS, 8);
	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, GW_IPV6_MAX_EXTHDRS);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 40 + 8 * 8, NH_UDP, false);

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_HOP, 8);
	gw_pb_ipv6_ext(&pb, NH_DEST, 16);
	gw_pb_ipv6_ext(&pb, NH_ROUTING, 24);
	gw_pb_ipv6_frag(&pb, 0, true, 1);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 12);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 16);
	gw_pb_ipv6_ext(&pb, NH_DEST, 8);
	gw_pb_tcp(&pb, 40000, 443, GW_TCP_ACK, 1, 2);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, pb.l4_off, NH_TCP, false);
	assert_int_equal(l4.off, 40 + 8 + 16 + 24 + 8 + 12 + 8 + 16 + 8);

	/* At the bound, No Next Header still ends the chain. */
	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, GW_IPV6_MAX_EXTHDRS);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 40 + 8 * 8, NH_NONE, false);
}

/* One header more is refused, whatever comes after it. */
TEST(walk_one_over_bound)
{
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;
	unsigned int n;

	for (n = GW_IPV6_MAX_EXTHDRS + 1; n <= 3 * GW_IPV6_MAX_EXTHDRS; n++) {
		gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, n);
		gw_pb_udp(&pb, 1111, 2222);
		gw_pb_finish(&pb);
		if (walk(&pb, &l4))
			fail_msg("%u extension headers walked", n);
	}

	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, GW_IPV6_MAX_EXTHDRS + 1);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_finish(&pb);
	assert_false(walk(&pb, &l4));

	/* The ninth a non-first fragment header: still nine. */
	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, GW_IPV6_MAX_EXTHDRS);
	gw_pb_ipv6_frag(&pb, 100, true, 1);
	gw_pb_proto(&pb, NH_UDP);
	gw_pb_payload(&pb, 8);
	gw_pb_finish(&pb);
	assert_false(walk(&pb, &l4));
	/* ... and eight, the eighth that fragment header, are fine. */
	gw_pb_ipv6_chain(&pb, V6_SRC, V6_DST, GW_IPV6_MAX_EXTHDRS - 1);
	gw_pb_ipv6_frag(&pb, 100, true, 1);
	gw_pb_proto(&pb, NH_UDP);
	gw_pb_payload(&pb, 8);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 40 + 8 * 8, NH_UDP, true);
}

/*
 * A header cut anywhere by where the datagram ends: the bytes behind that
 * end, there in the buffer, must not count.  And the buffer itself cut
 * short of the 8 bytes the walker reads of each header (an end claiming
 * more than there is): gw_header_pointer() refuses, so does the walk.
 */
TEST(walk_truncated_header)
{
	static const struct {
		uint8_t type;
		unsigned int len;
	} hdrs[] = {
		{ NH_HOP, 8 }, { NH_HOP, 24 }, { NH_ROUTING, 16 },
		{ NH_DEST, 8 }, { NH_DEST, 64 }, { NH_AUTH, 12 },
		{ NH_AUTH, 24 }, { NH_FRAGMENT, 8 },
	};
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;
	unsigned int i, at, cut;

	for (i = 0; i < ARRAY_SIZE(hdrs); i++) {
		/* the cut header second, so that a first one is walked */
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_DEST, 8);
		at = pb.len;
		if (hdrs[i].type == NH_FRAGMENT)
			gw_pb_ipv6_frag(&pb, 0, true, 5);
		else
			gw_pb_ipv6_ext(&pb, hdrs[i].type, hdrs[i].len);
		gw_pb_proto(&pb, NH_NONE);
		gw_pb_finish(&pb);
		assert_int_equal(pb.len, at + hdrs[i].len);
		assert_true(walk(&pb, &l4));
		assert_l4(&l4, pb.len, NH_NONE, false);

		for (cut = 0; cut < hdrs[i].len; cut++) {
			if (walk_bytes(pb.data, pb.len, 40, at + cut, &l4))
				fail_msg("type %u, %u bytes, ending after %u: "
					 "walked", hdrs[i].type, hdrs[i].len,
					 cut);
			if (cut < 8 &&
			    walk_bytes(pb.data, at + cut, 40, pb.len, &l4))
				fail_msg("type %u, %u bytes, %u in the buffer: "
					 "walked", hdrs[i].type, hdrs[i].len,
					 cut);
		}
	}

	/* A length field of 255 units runs far past anything there is. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_ROUTING, 8);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_payload(&pb, 200);
	gw_pb_finish(&pb);
	pb.data[41] = 0xff;
	assert_false(walk(&pb, &l4));

	/* A start past the end is refused, not read from. */
	assert_false(walk_bytes(pb.data, pb.len, 48, 44, &l4));
}

/*
 * AH counts 4-byte words minus 2 (RFC 4302 2.2), the others 8-byte units
 * minus 1: the same length byte lands in different places.
 */
TEST(walk_ah_length)
{
	static const unsigned int lens[] = { 8, 12, 16, 24, 28, 1028 };
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_AUTH, lens[i]);
		gw_pb_udp(&pb, 1111, 2222);
		gw_pb_finish(&pb);
		assert_int_equal((pb.data[41] + 2) * 4, lens[i]);
		assert_true(walk(&pb, &l4));
		assert_l4(&l4, 40 + lens[i], NH_UDP, false);
	}

	/* Length byte 4: AH is 24 bytes, a destination header 40. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 24);
	gw_pb_udp(&pb, 1111, 2222);
	gw_pb_finish(&pb);
	assert_int_equal(pb.data[41], 4);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 64, NH_UDP, false);
	pb.data[6] = NH_DEST;
	assert_false(walk(&pb, &l4));	/* 40 bytes: there are 32 */

	/* An AH length reaching one word past the end. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 16);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	pb.data[41]++;
	assert_false(walk(&pb, &l4));
}

/* Offset 0, with or without more fragments to come: walked through. */
TEST(walk_fragment_first)
{
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;
	int more;

	for (more = 0; more <= 1; more++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_HOP, 8);
		gw_pb_ipv6_frag(&pb, 0, more, 0x01020304);
		gw_pb_ipv6_ext(&pb, NH_DEST, 16);
		gw_pb_tcp(&pb, 40000, 443, GW_TCP_SYN, 1, 0);
		gw_pb_finish(&pb);
		assert_true(walk(&pb, &l4));
		assert_l4(&l4, 40 + 8 + 8 + 16, NH_TCP, false);
	}
}

/*
 * A later fragment ends the walk at its fragment header: the protocol it
 * names, the offset of the fragment's data, and nothing behind it read
 * (not even when that would be another extension header, or nothing).
 */
TEST(walk_fragment_nonfirst)
{
	static const unsigned int offsets[] = { 1, 181, 0x1fff };
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;
	unsigned int i, cut;

	for (i = 0; i < ARRAY_SIZE(offsets); i++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_DEST, 8);
		gw_pb_ipv6_frag(&pb, offsets[i], i == 0, 42);
		gw_pb_tcp(&pb, 40000, 443, GW_TCP_SYN, 1, 0);
		gw_pb_finish(&pb);
		assert_true(walk(&pb, &l4));
		assert_l4(&l4, 56, NH_TCP, true);
		/* the same with the datagram ending at the fragment header */
		assert_true(walk_bytes(pb.data, 56, 40, 56, &l4));
		assert_l4(&l4, 56, NH_TCP, true);
		/*
		 * but the fragment header itself must lie wholly before the
		 * end, even with the buffer holding the rest of it
		 */
		for (cut = 0; cut < 8; cut++)
			if (walk_bytes(pb.data, pb.len, 40, 48 + cut, &l4))
				fail_msg("fragment header cut to %u bytes "
					 "walked", cut);
	}

	/* It names an extension header: not walked into. */
	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_frag(&pb, 9, false, 42);
	gw_pb_proto(&pb, NH_ROUTING);
	gw_pb_payload(&pb, 3);	/* too short for a routing header */
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 48, NH_ROUTING, true);
}

/* No Next Header (RFC 8200 4.7) ends the chain; what follows is ignored. */
TEST(walk_none)
{
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_payload(&pb, 5);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 40, NH_NONE, false);
	assert_true(walk_bytes(pb.data, 40, 40, 40, &l4));
	assert_l4(&l4, 40, NH_NONE, false);

	gw_pb_ipv6(&pb, V6_SRC, V6_DST);
	gw_pb_ipv6_ext(&pb, NH_HOP, 8);
	gw_pb_ipv6_ext(&pb, NH_AUTH, 12);
	gw_pb_proto(&pb, NH_NONE);
	gw_pb_payload(&pb, 3);
	gw_pb_finish(&pb);
	assert_true(walk(&pb, &l4));
	assert_l4(&l4, 60, NH_NONE, false);
	assert_true(walk_bytes(pb.data, 60, 40, 60, &l4));
	assert_l4(&l4, 60, NH_NONE, false);
}

/* Any other protocol is an upper layer the walker stops at (ESP too). */
TEST(walk_stops_at_upper_layer)
{
	static const uint8_t protos[] = { 1, NH_TCP, NH_UDP, 47, NH_ESP, 58,
					  135, 255 };
	struct gw_pb pb;
	struct gw_ipv6_l4 l4;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		gw_pb_ipv6(&pb, V6_SRC, V6_DST);
		gw_pb_ipv6_ext(&pb, NH_DEST, 8);
		gw_pb_proto(&pb, protos[i]);
		gw_pb_payload(&pb, 16);
		gw_pb_finish(&pb);
		assert_true(walk(&pb, &l4));
		assert_l4(&l4, 48, protos[i], false);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(walk_no_ext_headers),
	cmocka_unit_test(walk_chain_at_bound),
	cmocka_unit_test(walk_one_over_bound),
	cmocka_unit_test(walk_truncated_header),
	cmocka_unit_test(walk_ah_length),
	cmocka_unit_test(walk_fragment_first),
	cmocka_unit_test(walk_fragment_nonfirst),
	cmocka_unit_test(walk_none),
	cmocka_unit_test(walk_stops_at_upper_layer),
};

GW_UNIT_MAIN(tests)
