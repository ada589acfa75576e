// SPDX-License-Identifier: GPL-2.0
/*
 * Header parsing for IPv4, IPv6 (with extension headers), TCP, UDP and
 * ICMP.  Every byte read comes through gw_header_pointer() and every length
 * the packet claims is checked against what is really there: the packet is
 * written by whoever is attacking us.
 */
#include "parse.h"

#define GW_IPV4_MIN_HDR		20
#define GW_IPV6_HDR		40
#define GW_TCP_MIN_HDR		20
#define GW_UDP_HDR		8
#define GW_ICMP_MIN_HDR		4
#define GW_IPV6_EXT_MIN_HDR	8	/* every extension header's least */

/* The highest right edge of a SACK option's blocks, by sequence order. */
static void gw_parse_sack(struct gw_pkt *pkt, const u8 *blocks,
			  unsigned int len)
{
	unsigned int i;

	for (i = 0; i + 8 <= len; i += 8) {
		u32 edge = gw_get_be32(blocks + i + 4);

		if (!(pkt->tcp_opts & GW_TCPOPT_SACK) ||
		    (s32)(edge - pkt->sack_edge) > 0)
			pkt->sack_edge = edge;
		pkt->tcp_opts |= GW_TCPOPT_SACK;
	}
}

static void gw_parse_tcp_options(struct gw_pkt *pkt, const u8 *opt,
				 unsigned int len)
{
	bool syn = pkt->tcp_flags & GW_TCP_SYN;
	unsigned int i = 0;

	while (i < len) {
		u8 kind = opt[i];
		u8 olen;

		if (kind == 0)		/* end of option list */
			return;
		if (kind == 1) {	/* no-op padding */
			i++;
			continue;
		}
		if (i + 1 >= len)
			return;
		olen = opt[i + 1];
		if (olen < 2 || i + olen > len)
			return;
		if (kind == 3 && olen == 3 && syn) {
			pkt->tcp_opts |= GW_TCPOPT_WSCALE_SEEN;
			/* RFC 7323: a shift above 14 is treated as 14. */
			pkt->wscale = opt[i + 2] > 14 ? 14 : opt[i + 2];
		} else if (kind == 2 && olen == 4 && syn) {
			pkt->tcp_opts |= GW_TCPOPT_MSS;
			pkt->mss = (u16)(opt[i + 2] << 8 | opt[i + 3]);
		} else if (kind == 4 && olen == 2 && syn) {
			pkt->tcp_opts |= GW_TCPOPT_SACK_PERM;
		} else if (kind == 8 && olen == 10) {
			/* as receivers do, the last one counts */
			pkt->tcp_opts |= GW_TCPOPT_TS;
			pkt->tsval = gw_get_be32(opt + i + 2);
			pkt->tsecr = gw_get_be32(opt + i + 6);
		} else if (kind == 5 && olen >= 10 && !syn) {
			gw_parse_sack(pkt, opt + i + 2, olen - 2);
		}
		i += olen;
	}
}

/*
 * The first @need bytes of the transport header at @off, or NULL when the
 * l4_len bytes the IP header gives it are fewer or the packet ends first.
 */
static const u8 *gw_l4_header(const void *data, unsigned int off,
			      unsigned int l4_len, unsigned int need, u8 *buf)
{
	if (l4_len < need)
		return NULL;
	return gw_header_pointer(data, off, need, buf);
}

static int gw_parse_tcp(struct gw_pkt *pkt, const void *data,
			unsigned int off, unsigned int l4_len)
{
	u8 buf[60];
	const u8 *th;
	unsigned int doff;

	th = gw_l4_header(data, off, l4_len, GW_TCP_MIN_HDR, buf);
	if (!th)
		return GW_PARSE_MALFORMED;

	doff = (th[12] >> 4) * 4;
	if (doff < GW_TCP_MIN_HDR || doff > l4_len)
		return GW_PARSE_MALFORMED;

	pkt->sport = (u16)(th[0] << 8 | th[1]);
	pkt->dport = (u16)(th[2] << 8 | th[3]);
	pkt->seq = gw_get_be32(th + 4);
	pkt->ack_seq = gw_get_be32(th + 8);
	pkt->tcp_flags = th[13];
	pkt->window = (u16)(th[14] << 8 | th[15]);
	pkt->payload_len = l4_len - doff;

	if (doff > GW_TCP_MIN_HDR) {
		th = gw_header_pointer(data, off, doff, buf);
		if (!th)
			return GW_PARSE_MALFORMED;
		gw_parse_tcp_options(pkt, th + GW_TCP_MIN_HDR,
				     doff - GW_TCP_MIN_HDR);
	}
	return GW_PARSE_OK;
}

static int gw_parse_l4(struct gw_pkt *pkt, const void *data,
		       unsigned int off, unsigned int l4_len)
{
	u8 buf[8];
	const u8 *h;

	pkt->l4_off = (u16)off;
	switch (pkt->proto) {
	case GW_NEXTHDR_TCP:
		return gw_parse_tcp(pkt, data, off, l4_len);
	case GW_NEXTHDR_UDP:
		h = gw_l4_header(data, off, l4_len, GW_UDP_HDR, buf);
		if (!h)
			return GW_PARSE_MALFORMED;
		pkt->sport = (u16)(h[0] << 8 | h[1]);
		pkt->dport = (u16)(h[2] << 8 | h[3]);
		pkt->payload_len = l4_len - GW_UDP_HDR;
		return GW_PARSE_OK;
	case GW_IPPROTO_ICMP:
	case GW_NEXTHDR_ICMPV6:
		h = gw_l4_header(data, off, l4_len, GW_ICMP_MIN_HDR, buf);
		if (!h)
			return GW_PARSE_MALFORMED;
		pkt->icmp_type = h[0];
		pkt->icmp_code = h[1];
		return GW_PARSE_OK;
	default:
		return GW_PARSE_OK;
	}
}

static int gw_parse_ipv4(struct gw_pkt *pkt, const void *data,
			 unsigned int len)
{
	u8 buf[GW_IPV4_MIN_HDR];
	const u8 *iph;
	unsigned int ihl, tot_len, frag;

	iph = gw_header_pointer(data, 0, GW_IPV4_MIN_HDR, buf);
	if (!iph || (iph[0] >> 4) != 4)
		return GW_PARSE_MALFORMED;
	ihl = (iph[0] & 0x0f) * 4;
	tot_len = (unsigned int)iph[2] << 8 | iph[3];
	/*
	 * A GRO packet above 64 KiB ("BIG TCP") carries a total length of 0;
	 * nothing that long ever arrives from a wire as one datagram.
	 */
	if (tot_len == 0 && len > 0xffff)
		tot_len = len;
	if (ihl < GW_IPV4_MIN_HDR || tot_len < ihl || tot_len > len)
		return GW_PARSE_MALFORMED;

	memcpy(&pkt->saddr.ip, iph + 12, 4);
	memcpy(&pkt->daddr.ip, iph + 16, 4);
	pkt->proto = iph[9];
	frag = ((unsigned int)iph[6] << 8 | iph[7]) & 0x1fff;
	if (frag) {
		pkt->fragment = 1;
		return GW_PARSE_OK;
	}
	return gw_parse_l4(pkt, data, ihl, tot_len - ihl);
}

/*
 * Walk the IPv6 extension headers from @off, where a header of type
 * @nexthdr starts, to the upper-layer header, all within @end (where the
 * datagram ends).  Hop-by-hop, routing, destination options, AH and
 * fragment headers are skipped, at most GW_IPV6_MAX_EXTHDRS of them; any
 * other type ends the chain, GW_NEXTHDR_NONE too (nothing follows it,
 * RFC 8200 4.7).  A non-first fragment ends it as well: @l4 then names the
 * protocol the fragment header gives and where the fragment's data starts.
 * False when a header does not lie wholly before @end or there are too
 * many; @l4 is only written on success.  gw_parse() inlines it, so that
 * no IPv6 packet pays a call for it; icmp.c (the ICMPv6 message and the
 * packet an error quotes) calls it as gw_ipv6_walk().
 */
static inline bool gw_ipv6_walk_inline(const void *data, u8 nexthdr,
				       unsigned int off, unsigned int end,
				       struct gw_ipv6_l4 *l4)
{
	u8 buf[GW_IPV6_EXT_MIN_HDR];
	const u8 *h;
	unsigned int hdrs, hdrlen;

	for (hdrs = 0;; hdrs++) {
		switch (nexthdr) {
		case GW_NEXTHDR_HOP:
		case GW_NEXTHDR_ROUTING:
		case GW_NEXTHDR_DEST:
		case GW_NEXTHDR_AUTH:
		case GW_NEXTHDR_FRAGMENT:
			break;
		case GW_NEXTHDR_NONE:	/* the end: nothing to read behind */
		default:		/* an upper-layer protocol */
			l4->off = off;
			l4->proto = nexthdr;
			l4->fragment = false;
			return true;
		}

		if (hdrs == GW_IPV6_MAX_EXTHDRS || off > end ||
		    end - off < GW_IPV6_EXT_MIN_HDR)
			return false;
		h = gw_header_pointer(data, off, GW_IPV6_EXT_MIN_HDR, buf);
		if (!h)
			return false;
		if (nexthdr == GW_NEXTHDR_FRAGMENT) {
			hdrlen = GW_IPV6_EXT_MIN_HDR;
			if ((((unsigned int)h[2] << 8 | h[3]) & 0xfff8) != 0) {
				l4->off = off + hdrlen;
				l4->proto = h[0];
				l4->fragment = true;
				return true;
			}
		} else if (nexthdr == GW_NEXTHDR_AUTH) {
			hdrlen = ((unsigned int)h[1] + 2) * 4;	/* RFC 4302 */
		} else {
			hdrlen = ((unsigned int)h[1] + 1) * 8;
		}
		if (hdrlen > end - off)
			return false;
		nexthdr = h[0];
		off += hdrlen;
	}
}

bool gw_ipv6_walk(const void *data, u8 nexthdr, unsigned int off,
		  unsigned int end, struct gw_ipv6_l4 *l4)
{
	return gw_ipv6_walk_inline(data, nexthdr, off, end, l4);
}

static int gw_parse_ipv6(struct gw_pkt *pkt, const void *data,
			 unsigned int len)
{
	u8 buf[GW_IPV6_HDR];
	const u8 *h;
	struct gw_ipv6_l4 l4;
	unsigned int end;

	h = gw_header_pointer(data, 0, GW_IPV6_HDR, buf);
	if (!h || (h[0] >> 4) != 6)
		return GW_PARSE_MALFORMED;
	end = GW_IPV6_HDR + ((unsigned int)h[4] << 8 | h[5]);
	/*
	 * A zero payload length is a jumbogram; only GRO ("BIG TCP") builds
	 * those, and then the packet is longer than a payload length can say.
	 */
	if (end == GW_IPV6_HDR && len > GW_IPV6_HDR + 0xffff)
		end = len;
	if (end == GW_IPV6_HDR || end > len)
		return GW_PARSE_MALFORMED;
	memcpy(pkt->saddr.bytes, h + 8, 16);
	memcpy(pkt->daddr.bytes, h + 24, 16);

	if (!gw_ipv6_walk_inline(data, h[6], GW_IPV6_HDR, end, &l4))
		return GW_PARSE_MALFORMED;
	pkt->proto = l4.proto;
	if (l4.fragment) {
		pkt->fragment = 1;
		return GW_PARSE_OK;
	}
	if (l4.proto == GW_NEXTHDR_NONE)
		return GW_PARSE_OK;
	return gw_parse_l4(pkt, data, l4.off, end - l4.off);
}

/*
 * Parse the packet at the network header of @data, @len bytes long from
 * there.  @pkt is fully initialised on every return.
 */
int gw_parse(struct gw_pkt *pkt, u8 family, const void *data,
	     unsigned int len)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->family = family;
	if (family == AF_INET)
		return gw_parse_ipv4(pkt, data, len);
	if (family == AF_INET6)
		return gw_parse_ipv6(pkt, data, len);
	return GW_PARSE_MALFORMED;
}
