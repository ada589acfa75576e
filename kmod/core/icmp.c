// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6 for the firewall: which messages are echoes, which are
 * errors and what packet an error quotes, which are link-local neighbour
 * discovery.  An error is only as good as the packet it quotes, so that
 * packet is parsed as carefully as the outer one: every length checked,
 * every byte through gw_header_pointer().
 */
#include "icmp.h"

#define GW_IPV4_MIN_HDR		20
#define GW_IPV6_HDR		40
#define GW_ICMP_HDR		8	/* type, code, checksum, 4 more bytes */
/* The part of the offending packet's L4 header every error carries. */
#define GW_QUOTED_L4		8

/*
 * Find the upper-layer header of the IPv4 or IPv6 packet at @off, which
 * must end by @end.  On success @l4 is its offset, @proto its protocol,
 * @first whether it carries the upper-layer header at all (not a later
 * fragment), and @ttl the hop limit.
 */
static bool gw_ip_walk(struct gw_pkt *pkt, const void *data, unsigned int off,
		       unsigned int end, unsigned int *l4, u8 *ttl,
		       bool *first)
{
	u8 buf[GW_IPV6_HDR];
	const u8 *h;
	struct gw_ipv6_l4 w;

	*first = true;
	if (pkt->family == AF_INET) {
		unsigned int ihl;

		if (off + GW_IPV4_MIN_HDR > end)
			return false;
		h = gw_header_pointer(data, off, GW_IPV4_MIN_HDR, buf);
		if (!h || (h[0] >> 4) != 4)
			return false;
		ihl = (h[0] & 0x0f) * 4;
		if (ihl < GW_IPV4_MIN_HDR || off + ihl > end)
			return false;
		memcpy(&pkt->saddr.ip, h + 12, 4);
		memcpy(&pkt->daddr.ip, h + 16, 4);
		pkt->proto = h[9];
		*ttl = h[8];
		*first = (((unsigned int)h[6] << 8 | h[7]) & 0x1fff) == 0;
		*l4 = off + ihl;
		return true;
	}

	if (off + GW_IPV6_HDR > end)
		return false;
	h = gw_header_pointer(data, off, GW_IPV6_HDR, buf);
	if (!h || (h[0] >> 4) != 6)
		return false;
	memcpy(pkt->saddr.bytes, h + 8, 16);
	memcpy(pkt->daddr.bytes, h + 24, 16);
	*ttl = h[7];
	if (!gw_ipv6_walk(data, h[6], off + GW_IPV6_HDR, end, &w))
		return false;
	pkt->proto = w.proto;
	*l4 = w.off;
	*first = !w.fragment;
	return true;
}

static bool gw_icmp_is_echo(u8 family, u8 type, bool *request)
{
	if (family == AF_INET && (type == 8 || type == 0)) {
		*request = type == 8;
		return true;
	}
	if (family == AF_INET6 && (type == 128 || type == 129)) {
		*request = type == 128;
		return true;
	}
	return false;
}

static bool gw_icmp_is_error(u8 family, u8 type)
{
	if (family == AF_INET)	/* unreachable, time exceeded, parameter */
		return type == 3 || type == 11 || type == 12;
	/* unreachable, packet too big, time exceeded, parameter problem */
	return type >= 1 && type <= 4;
}

static bool gw_addr_link_local(const union gw_addr *a)
{
	return a->bytes[0] == 0xfe && (a->bytes[1] & 0xc0) == 0x80;
}

/*
 * Neighbour discovery (RS, RA, NS, NA, redirect) with a hop limit of 255
 * cannot have been forwarded (RFC 4861); MLD (RFC 2710, 3810) comes from a
 * link-local address with a hop limit of 1.
 */
static bool gw_icmp6_on_link(const struct gw_pkt *pkt, u8 hop_limit)
{
	u8 type = pkt->icmp_type;

	if (type >= 133 && type <= 137)
		return hop_limit == 255;
	if ((type >= 130 && type <= 132) || type == 143)
		return hop_limit == 1 && gw_addr_link_local(&pkt->saddr);
	return false;
}

/*
 * Read the packet an ICMP error quotes, at @off: its addresses, protocol
 * and ports as it was sent (so its source is the error's destination).  A
 * quoted echo is keyed by its identifier; a quoted error or fragment is
 * refused: nothing legitimate answers those with an error.
 */
static bool gw_icmp_parse_inner(struct gw_icmp *icmp, u8 family,
				const void *data, unsigned int off,
				unsigned int end)
{
	struct gw_pkt *inner = &icmp->inner;
	unsigned int l4;
	u8 buf[GW_QUOTED_L4], ttl;
	const u8 *h;
	bool first, request;

	memset(inner, 0, sizeof(*inner));
	inner->family = family;
	if (!gw_ip_walk(inner, data, off, end, &l4, &ttl, &first) || !first)
		return false;
	inner->l4_off = (u16)l4;
	switch (inner->proto) {
	case GW_NEXTHDR_TCP:
	case GW_NEXTHDR_UDP:
	case GW_IPPROTO_ICMP:
	case GW_NEXTHDR_ICMPV6:
		break;
	default:
		return true;	/* keyed by protocol and addresses alone */
	}
	if (l4 + GW_QUOTED_L4 > end)
		return false;
	h = gw_header_pointer(data, l4, GW_QUOTED_L4, buf);
	if (!h)
		return false;
	icmp->quoted_l4 = (u16)(end - l4 > 0xffff ? 0xffff : end - l4);
	if (inner->proto == GW_NEXTHDR_TCP || inner->proto == GW_NEXTHDR_UDP) {
		inner->sport = (u16)(h[0] << 8 | h[1]);
		inner->dport = (u16)(h[2] << 8 | h[3]);
		if (inner->proto == GW_NEXTHDR_TCP)
			inner->seq = gw_get_be32(h + 4);
		return true;
	}
	if (!gw_icmp_proto(family, inner->proto) ||
	    !gw_icmp_is_echo(family, h[0], &request))
		return false;
	inner->icmp_type = h[0];
	inner->sport = (u16)(h[4] << 8 | h[5]);
	inner->dport = inner->sport;
	return true;
}

/*
 * What the ICMP or ICMPv6 message @pkt (its family, type and source) is,
 * for one that arrived with hop limit @hop_limit (read for ICMPv6 only):
 * gw_icmp_parse() asks it of a packet, the explain command of the message
 * it describes.
 */
enum gw_icmp_class gw_icmp_classify(const struct gw_pkt *pkt, u8 hop_limit)
{
	bool request;

	if (pkt->family == AF_INET6 && gw_icmp6_on_link(pkt, hop_limit))
		return GW_ICMP_LINK;
	if (gw_icmp_is_echo(pkt->family, pkt->icmp_type, &request))
		return request ? GW_ICMP_ECHO_REQUEST : GW_ICMP_ECHO_REPLY;
	if (gw_icmp_is_error(pkt->family, pkt->icmp_type))
		return GW_ICMP_ERROR;
	return GW_ICMP_OTHER;
}

/*
 * Classify the ICMP or ICMPv6 message @pkt (already parsed by gw_parse(),
 * @len bytes from the network header of @data).  GW_PARSE_MALFORMED when
 * an echo or an error is too short for what it must carry; an error whose
 * quoted packet cannot be read is also malformed.
 */
int gw_icmp_parse(struct gw_icmp *icmp, const struct gw_pkt *pkt,
		  const void *data, unsigned int len)
{
	struct gw_pkt outer;
	unsigned int l4, end;
	u8 buf[GW_ICMP_HDR], ttl;
	enum gw_icmp_class cls;
	const u8 *h;
	bool first;

	memset(icmp, 0, sizeof(*icmp));
	icmp->cls = GW_ICMP_OTHER;
	memset(&outer, 0, sizeof(outer));
	outer.family = pkt->family;
	/*
	 * gw_parse() checked the lengths; the IP header says where the
	 * datagram ends (what lies beyond is link padding).
	 */
	h = gw_header_pointer(data, 0, 6, buf);
	if (!h)
		return GW_PARSE_MALFORMED;
	if (pkt->family == AF_INET)
		end = (unsigned int)h[2] << 8 | h[3];
	else
		end = GW_IPV6_HDR + ((unsigned int)h[4] << 8 | h[5]);
	if (end > len || end < 6)
		end = len;	/* jumbograms, which gw_parse() allowed */
	if (!gw_ip_walk(&outer, data, 0, end, &l4, &ttl, &first) || !first ||
	    !gw_icmp_proto(pkt->family, outer.proto))
		return GW_PARSE_MALFORMED;

	cls = gw_icmp_classify(pkt, ttl);
	switch (cls) {
	case GW_ICMP_ECHO_REQUEST:
	case GW_ICMP_ECHO_REPLY:
		if (l4 + GW_ICMP_HDR > end)
			return GW_PARSE_MALFORMED;
		h = gw_header_pointer(data, l4, GW_ICMP_HDR, buf);
		if (!h)
			return GW_PARSE_MALFORMED;
		icmp->id = (u16)(h[4] << 8 | h[5]);
		break;
	case GW_ICMP_ERROR:
		if (l4 + GW_ICMP_HDR > end ||
		    !gw_icmp_parse_inner(icmp, pkt->family, data,
					 l4 + GW_ICMP_HDR, end))
			return GW_PARSE_MALFORMED;
		break;
	default:
		break;
	}
	icmp->cls = cls;
	return GW_PARSE_OK;
}
