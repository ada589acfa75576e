/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_ICMP_H
#define _GW_CORE_ICMP_H

#include "types.h"
#include "parse.h"

/* What an ICMP or ICMPv6 message is to the firewall. */
enum gw_icmp_class {
	GW_ICMP_OTHER,		/* redirects, timestamps, router ads (v4), ... */
	GW_ICMP_ECHO_REQUEST,
	GW_ICMP_ECHO_REPLY,
	GW_ICMP_ERROR,		/* unreachable, too big, time exceeded, param */
	GW_ICMP_LINK,		/* ICMPv6 ND and MLD that never left the link */
};

/*
 * One ICMP message, read by gw_icmp_parse().  Echo messages and the
 * packets errors quote are keyed with the echo identifier as both ports,
 * so a request, its reply and an error about either find one flow.
 */
struct gw_icmp {
	u8 cls;			/* enum gw_icmp_class */
	u16 id;			/* echo identifier, host order */
	/*
	 * GW_ICMP_ERROR: the packet it quotes, @inner.l4_off from the
	 * outer network header (where gw_icmp_parse()'s @data starts), and
	 * for TCP @inner.seq too
	 */
	struct gw_pkt inner;
	/* how many bytes of @inner's L4 header the error quotes (8 or more) */
	u16 quoted_l4;
};

/* Inline: the hooks ask it of every packet, most of them TCP or UDP. */
static inline bool gw_icmp_proto(u8 family, u8 proto)
{
	return (family == AF_INET && proto == GW_IPPROTO_ICMP) ||
	       (family == AF_INET6 && proto == GW_NEXTHDR_ICMPV6);
}

enum gw_icmp_class gw_icmp_classify(const struct gw_pkt *pkt, u8 hop_limit);
int gw_icmp_parse(struct gw_icmp *icmp, const struct gw_pkt *pkt,
		  const void *data, unsigned int len);

#endif /* _GW_CORE_ICMP_H */
