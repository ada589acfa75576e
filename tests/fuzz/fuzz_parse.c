// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for gw_parse(), and gw_icmp_parse() on what it takes
 * for ICMP (the second user of the IPv6 extension header walker).  The
 * first byte picks the family (bit 0: IPv6), the rest is the packet from
 * its network header.  Checks, besides ASan and UBSan:
 *   - the same answer whichever way gw_header_pointer() hands out bytes
 *     (gw_test_parse() aborts otherwise), with the packet in a heap block
 *     of exactly its length;
 *   - what it fills in is sane (lengths, option flags, window scale);
 *   - bytes after the packet (link-layer padding) change nothing, as long
 *     as the packet states its own length;
 *   - gw_icmp_parse() reads no byte outside the packet or outside what
 *     gw_header_pointer() handed it (a heap block of exactly that size),
 *     and its answer is one of its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#include "parse.h"
#include "icmp.h"
#include "pkt_buffer.h"

#define CHECK(cond, ...)						\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "fuzz_parse: %s: ", #cond);	\
			fprintf(stderr, __VA_ARGS__);			\
			fputc('\n', stderr);				\
			abort();					\
		}							\
	} while (0)

#define PAD	16

static void fuzz_icmp(const struct gw_pkt *pkt, const uint8_t *data,
		      unsigned int len)
{
	struct gw_test_buf buf;
	struct gw_icmp icmp;
	uint8_t *copy = gw_test_dup(data, len);
	int rc;

	buf.data = copy;
	buf.len = len;
	gw_hp_set_mode(GW_HP_EXACT);
	rc = gw_icmp_parse(&icmp, pkt, &buf, len);
	gw_hp_release();
	gw_hp_set_mode(GW_HP_DIRECT);
	free(copy);
	CHECK(rc == GW_PARSE_OK || rc == GW_PARSE_MALFORMED, "icmp rc %d", rc);
	CHECK(icmp.cls <= GW_ICMP_LINK, "icmp class %u", icmp.cls);
	if (rc == GW_PARSE_OK && icmp.cls == GW_ICMP_ERROR)
		CHECK(icmp.inner.family == pkt->family, "inner family %u",
		      icmp.inner.family);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t family, *padded;
	struct gw_pkt pkt, pkt2;
	unsigned int len;
	int rc, rc2;

	if (size < 1 || size > 65535)
		return 0;
	family = data[0] & 1 ? AF_INET6 : AF_INET;
	data++;
	len = (unsigned int)size - 1;

	rc = gw_test_parse(&pkt, family, data, len);
	CHECK(rc == GW_PARSE_OK || rc == GW_PARSE_MALFORMED, "rc %d", rc);
	CHECK(pkt.family == family, "family %u", pkt.family);
	if (rc == GW_PARSE_OK && pkt.proto == IPPROTO_TCP && !pkt.fragment) {
		CHECK(pkt.payload_len + 20u <= len, "payload %u of %u",
		      pkt.payload_len, len);
		CHECK(pkt.wscale <= 14, "wscale %u", pkt.wscale);
		CHECK(!(pkt.tcp_opts & ~(GW_TCPOPT_WSCALE_SEEN |
					 GW_TCPOPT_SACK_PERM |
					 GW_TCPOPT_SACK | GW_TCPOPT_MSS |
					 GW_TCPOPT_TS)),
		      "opts %#x", pkt.tcp_opts);
		if (pkt.tcp_flags & GW_TCP_SYN)
			CHECK(!(pkt.tcp_opts & GW_TCPOPT_SACK), "SACK on SYN");
		else
			CHECK(!(pkt.tcp_opts & (GW_TCPOPT_WSCALE_SEEN |
						GW_TCPOPT_SACK_PERM |
						GW_TCPOPT_MSS)),
			      "SYN options on a non-SYN");
		if (!(pkt.tcp_opts & GW_TCPOPT_MSS))
			CHECK(pkt.mss == 0, "MSS %u without the option",
			      pkt.mss);
		if (!(pkt.tcp_opts & GW_TCPOPT_TS))
			CHECK(pkt.tsval == 0 && pkt.tsecr == 0,
			      "timestamps without the option");
	}
	if (rc == GW_PARSE_OK && pkt.proto == IPPROTO_UDP && !pkt.fragment)
		CHECK(pkt.payload_len + 8u <= len, "UDP payload %u of %u",
		      pkt.payload_len, len);
	if (rc == GW_PARSE_OK && gw_icmp_proto(pkt.family, pkt.proto))
		fuzz_icmp(&pkt, data, len);

	/* a length field of 0 may mean "the packet's own length" (BIG TCP) */
	if (len + PAD > 0xffff)
		return 0;
	padded = calloc(1, len + PAD);
	if (!padded)
		abort();
	memcpy(padded, data, len);
	rc2 = gw_test_parse(&pkt2, family, padded, len + PAD);
	free(padded);
	if (rc == GW_PARSE_OK)
		CHECK(rc2 == GW_PARSE_OK && memcmp(&pkt, &pkt2, sizeof(pkt)) == 0,
		      "padding changed the parse (%d)", rc2);
	return 0;
}
