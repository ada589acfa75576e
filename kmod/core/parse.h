/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_PARSE_H
#define _GW_CORE_PARSE_H

#include "types.h"

union gw_addr {
	__be32 ip;		/* IPv4 lives in the first word, the rest is 0 */
	__be32 all[4];
	u8 bytes[16];
};

/* TCP header flag bits, as in byte 13 of the header. */
#define GW_TCP_FIN	0x01
#define GW_TCP_SYN	0x02
#define GW_TCP_RST	0x04
#define GW_TCP_PSH	0x08
#define GW_TCP_ACK	0x10
#define GW_TCP_URG	0x20
#define GW_TCP_ECE	0x40
#define GW_TCP_CWR	0x80

/* What the TCP options announced: the first two on SYNs only. */
#define GW_TCPOPT_WSCALE_SEEN	0x01
#define GW_TCPOPT_SACK_PERM	0x02
#define GW_TCPOPT_SACK		0x04	/* SACK blocks; @sack_edge is valid */
#define GW_TCPOPT_MSS		0x08	/* on a SYN: @mss is valid */
#define GW_TCPOPT_TS		0x10	/* timestamps: @tsval, @tsecr are valid */

/*
 * Everything the decision core needs to know about one packet, filled from
 * untrusted bytes by gw_parse().  Ports, sequence numbers and the window are
 * in host order; addresses stay in network order.
 */
struct gw_pkt {
	union gw_addr saddr;
	union gw_addr daddr;
	u32 seq;
	u32 ack_seq;
	u32 sack_edge;		/* highest right edge of the SACK blocks */
	u16 sport;
	u16 dport;
	u16 window;
	u32 payload_len;	/* L4 payload bytes: GRO makes more than 64 KiB */
	/* the SYN proxy's: the options it answers and translates */
	u32 tsval;
	u32 tsecr;
	u16 mss;
	u16 l4_off;		/* of the L4 header, from the network header */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 proto;		/* L4 protocol after IPv6 extension headers */
	u8 tcp_flags;
	u8 tcp_opts;		/* GW_TCPOPT_* */
	u8 wscale;
	u8 icmp_type;
	u8 icmp_code;
	u8 fragment;		/* a non-first fragment: no L4 header */
};

/*
 * IP protocol numbers the core knows, IPv6 extension headers among them
 * (RFC 8200 4, RFC 4302): one set for the outer packet and the one an
 * ICMP error quotes.
 */
enum {
	GW_NEXTHDR_HOP = 0,
	GW_IPPROTO_ICMP = 1,
	GW_NEXTHDR_TCP = 6,
	GW_NEXTHDR_UDP = 17,
	GW_NEXTHDR_ROUTING = 43,
	GW_NEXTHDR_FRAGMENT = 44,
	GW_NEXTHDR_AUTH = 51,
	GW_NEXTHDR_ICMPV6 = 58,
	GW_NEXTHDR_NONE = 59,
	GW_NEXTHDR_DEST = 60,
};

/* More extension headers than this is an evasion attempt, not traffic. */
#define GW_IPV6_MAX_EXTHDRS	8

/* Where gw_ipv6_walk() found the end of an extension header chain. */
struct gw_ipv6_l4 {
	unsigned int off;	/* of the upper-layer header (or fragment data) */
	u8 proto;		/* upper-layer protocol, or GW_NEXTHDR_NONE */
	bool fragment;		/* a non-first fragment: no upper-layer header */
};

enum gw_parse_result {
	GW_PARSE_OK,
	GW_PARSE_MALFORMED,	/* truncated or self-contradicting headers */
};

/*
 * Supplied by whoever embeds the core: copy or point at @len bytes at
 * @offset from the network header of @data (an skb in the module, a byte
 * buffer in userspace), or return NULL when the packet is too short.
 * Bound at link time, so the fast path pays no indirect call.
 */
const void *gw_header_pointer(const void *data, unsigned int offset,
			      unsigned int len, void *buffer);

int gw_parse(struct gw_pkt *pkt, u8 family, const void *data,
	     unsigned int len);
bool gw_ipv6_walk(const void *data, u8 nexthdr, unsigned int off,
		  unsigned int end, struct gw_ipv6_l4 *l4);

/* The big-endian 32-bit word at @p, which may be unaligned. */
static inline u32 gw_get_be32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static inline bool gw_addr_equal(const union gw_addr *a,
				 const union gw_addr *b)
{
	return ((a->all[0] ^ b->all[0]) | (a->all[1] ^ b->all[1]) |
		(a->all[2] ^ b->all[2]) | (a->all[3] ^ b->all[3])) == 0;
}

#endif /* _GW_CORE_PARSE_H */
