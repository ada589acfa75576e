/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Userspace embedding of the gatewarden core, shared by the unit tests,
 * fuzzers and benchmarks:
 *
 *  - gw_header_pointer() over a plain byte buffer (struct gw_test_buf), the
 *    userspace stand-in for skb_header_pointer();
 *  - a packet builder (struct gw_pb) that writes IPv4/IPv6 packets with
 *    TCP/UDP/ICMP, TCP options, IPv6 extension headers and fragments, with
 *    every length and checksum field filled in, so that a test only has to
 *    break the one field it is about.
 *
 * Nothing here uses cmocka: misuse of the builder aborts, which a test
 * runner counts as a failure and a fuzzer reports as a crash.
 */
#ifndef _GW_TEST_PKT_BUFFER_H
#define _GW_TEST_PKT_BUFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "seqadj.h"

/* What the core's @data argument points at in userspace. */
struct gw_test_buf {
	const uint8_t *data;
	unsigned int len;
};

/*
 * How gw_header_pointer() hands bytes to the core.  The module sees both of
 * the first two (skb_header_pointer() returns a pointer into a linear skb and
 * copies out of a paged one); the third exists to catch the core reading past
 * what it asked for.
 */
enum gw_hp_mode {
	GW_HP_DIRECT,	/* pointer into the packet buffer */
	GW_HP_COPY,	/* copy into the caller's buffer: catches a short one */
	GW_HP_EXACT,	/* fresh heap block of exactly @len bytes */
};

void gw_hp_set_mode(enum gw_hp_mode mode);
/* Free the blocks GW_HP_EXACT handed out; pointers from them die. */
void gw_hp_release(void);

/* A heap copy of exactly @len bytes (never NULL; free() it). */
uint8_t *gw_test_dup(const void *data, unsigned int len);

/*
 * gw_parse() on a heap copy of exactly @len bytes of @data, so that
 * AddressSanitizer flags any read past the end, once in every
 * gw_header_pointer() mode.  Aborts if the modes disagree on the result or
 * on a single byte of @pkt.  Returns gw_parse()'s result.
 */
int gw_test_parse(struct gw_pkt *pkt, uint8_t family, const void *data,
		  unsigned int len);

/*
 * What the module does with gw_seqadj_tcp()'s answer, on a byte buffer:
 * write each edit into the TCP header at @th and update its checksum
 * incrementally (RFC 1624, eqn. 3) from each edit's csum_from to its
 * csum_to, as inet_proto_csum_replace4() does.  Aborts if a field does not
 * hold the edit's @from.
 */
void gw_test_seqadj_apply(uint8_t *th, const struct gw_seqadj_edits *edits);

/* ---- packet builder ---------------------------------------------------- */

#define GW_PB_MAX	4096

struct gw_pb {
	uint8_t data[GW_PB_MAX];
	unsigned int len;
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t l4_proto;	/* protocol of the last header added */
	unsigned int ihl;	/* IPv4 header length */
	unsigned int nexthdr_at; /* byte that names the next header */
	unsigned int l4_off;	/* offset of the L4 header, 0 = none yet */
	unsigned int tcp_opt_len; /* TCP option bytes so far */
	unsigned int payload_off; /* offset of the L4 payload, 0 = not yet */
	bool jumbo;		/* leave the IPv6 payload length 0 */
	bool finished;
};

/*
 * Start a packet.  Addresses are text ("192.0.2.1", "2001:db8::1"); the
 * IPv4 header gets DF, TTL 64; the IPv6 header hop limit 64.
 */
void gw_pb_ipv4(struct gw_pb *pb, const char *src, const char *dst);
void gw_pb_ipv6(struct gw_pb *pb, const char *src, const char *dst);

/* IPv4 only, before any L4 header: @words 32-bit words of NOP options. */
void gw_pb_ipv4_options(struct gw_pb *pb, unsigned int words);
/* IPv4 only: fragment offset in 8-byte units, and the MF flag (clears DF). */
void gw_pb_ipv4_frag(struct gw_pb *pb, unsigned int offset8, bool more);

/*
 * IPv6 extension header of @type (0 hop-by-hop, 43 routing, 60 destination
 * options, 51 AH) and @len bytes in all, the header's own length field
 * encoded as its type prescribes: (len / 8) - 1 for the first three, RFC
 * 4302's (len / 4) - 2 for AH.  @len must be a multiple of 8 (of 4 for AH),
 * at least 8.  The body is PadN / zero filled.
 */
void gw_pb_ipv6_ext(struct gw_pb *pb, uint8_t type, unsigned int len);
/* An IPv6 header from @src to @dst, then @n destination options of 8 bytes. */
void gw_pb_ipv6_chain(struct gw_pb *pb, const char *src, const char *dst,
		      unsigned int n);
/* IPv6 fragment header: offset in 8-byte units, M flag, identification. */
void gw_pb_ipv6_frag(struct gw_pb *pb, unsigned int offset8, bool more,
		     uint32_t id);
/* Hop-by-hop header carrying a Jumbo Payload option (RFC 2675). */
void gw_pb_ipv6_jumbo(struct gw_pb *pb, uint32_t jumbo_len);

void gw_pb_tcp(struct gw_pb *pb, uint16_t sport, uint16_t dport,
	       uint8_t flags, uint32_t seq, uint32_t ack);
/* TCP options, appended in call order right after gw_pb_tcp(). */
void gw_pb_tcp_mss(struct gw_pb *pb, uint16_t mss);
void gw_pb_tcp_wscale(struct gw_pb *pb, uint8_t shift);
void gw_pb_tcp_sack_perm(struct gw_pb *pb);
void gw_pb_tcp_nop(struct gw_pb *pb);
/* A SACK option (RFC 2018) of @n blocks, @edges[2 * i] the left edge. */
void gw_pb_tcp_sack(struct gw_pb *pb, const uint32_t *edges, unsigned int n);
/* The 16-bit window field, right after gw_pb_tcp() (default 64240). */
void gw_pb_tcp_window(struct gw_pb *pb, uint16_t window);
/* Any bytes as options, well formed or not. */
void gw_pb_tcp_opt_raw(struct gw_pb *pb, const void *bytes, unsigned int n);

void gw_pb_udp(struct gw_pb *pb, uint16_t sport, uint16_t dport);
/* ICMP for IPv4, ICMPv6 for IPv6; an 8-byte header (id/seq or unused). */
void gw_pb_icmp(struct gw_pb *pb, uint8_t type, uint8_t code);
/* Name @proto as the next protocol, with no header of ours (GRE, ESP, 59). */
void gw_pb_proto(struct gw_pb *pb, uint8_t proto);

/* @n payload bytes of a recognisable pattern. */
void gw_pb_payload(struct gw_pb *pb, unsigned int n);

/*
 * Close the packet: pad the TCP options with EOL to a 4-byte boundary and set
 * the data offset, set the IPv4 total length / IPv6 payload length (left 0
 * if a jumbo option was added), the UDP length and every checksum.  Returns
 * the packet's length.  Tests then break fields in pb->data as they please.
 */
unsigned int gw_pb_finish(struct gw_pb *pb);

/* Field helpers for breaking a finished packet (network byte order). */
void gw_pb_put16(struct gw_pb *pb, unsigned int off, uint16_t v);
void gw_pb_put32(struct gw_pb *pb, unsigned int off, uint32_t v);

/* Parse a finished packet through gw_test_parse(). */
int gw_pb_parse(const struct gw_pb *pb, struct gw_pkt *pkt);

/* Text address to union gw_addr (aborts on a typo). */
union gw_addr gw_test_addr(uint8_t family, const char *text);

/* A parsed packet with just its addresses and ports, and the same reversed. */
struct gw_pkt gw_test_pkt(uint8_t family, uint8_t proto, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport);
struct gw_pkt gw_test_pkt_reversed(const struct gw_pkt *p);

#endif /* _GW_TEST_PKT_BUFFER_H */
