// SPDX-License-Identifier: GPL-2.0
/*
 * The TCP segments gatewarden builds and sends itself, in the name of one
 * end of a connection (resets, kmod/reset.c; the SYN proxy's handshake,
 * kmod/synproxy.c): one builder for both, as nf_send_reset() and
 * synproxy_send_tcp() each build theirs.  Routed as the end they claim to
 * come from (FLOWI_FLAG_ANYSRC: the address is not ours) and sent with
 * ip_local_out()/ip6_local_out(), so they pass LOCAL_OUT and POST_ROUTING
 * like any packet this host sends.
 */
#include <linux/kernel.h>
#include <linux/skbuff.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/ip6_route.h>
#include <net/ip6_checksum.h>
#include <net/route.h>
#include <net/tcp.h>

#include "pernet.h"
#include "tcp_xmit.h"

static unsigned int gw_tcp_seg_len(const struct gw_tcp_seg *seg)
{
	return sizeof(struct tcphdr) + seg->optlen;
}

/*
 * The TCP header, after the network header at skb->data: the checksum is
 * left to the device (or the stack, skb_checksum_help()), the pseudo
 * header's sum in place as CHECKSUM_PARTIAL wants.
 */
static struct tcphdr *gw_tcp_xmit_tcphdr(struct sk_buff *skb,
					 const struct gw_tcp_seg *seg)
{
	struct tcphdr *th;

	skb_set_transport_header(skb, skb->len);
	th = skb_put_zero(skb, gw_tcp_seg_len(seg));
	th->source = htons(seg->sport);
	th->dest = htons(seg->dport);
	th->seq = htonl(seg->seq);
	th->ack_seq = htonl(seg->ack);
	th->doff = gw_tcp_seg_len(seg) / 4;
	((u8 *)th)[13] = seg->flags;
	th->window = htons(seg->window);
	memcpy(th + 1, seg->opts, seg->optlen);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = (unsigned char *)th - skb->head;
	skb->csum_offset = offsetof(struct tcphdr, check);
	return th;
}

/*
 * A segment for the wan side answers a packet judged on its way in: our
 * outbound hook lets it by as it lets what is forwarded from a wan by
 * (skb_iif, gw_hook_outbound()).  Nothing else reads skb_iif on output.
 */
static void gw_tcp_xmit_mark(struct sk_buff *skb, const struct gw_tcp_seg *seg)
{
	skb->skb_iif = seg->iif;
}

static int gw_tcp_xmit4(struct net *net, const struct gw_tcp_seg *seg)
{
	struct flowi4 fl4 = {
		.daddr = seg->daddr.ip,
		.saddr = seg->saddr.ip,
		.flowi4_proto = IPPROTO_TCP,
		/* in an end's name: its address is not ours */
		.flowi4_flags = FLOWI_FLAG_ANYSRC,
	};
	struct sk_buff *skb;
	struct iphdr *iph;
	struct tcphdr *th;
	struct rtable *rt;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return PTR_ERR(rt);
	skb = alloc_skb(LL_RESERVED_SPACE(rt->dst.dev) + sizeof(*iph) +
			gw_tcp_seg_len(seg), GFP_ATOMIC | __GFP_NOWARN);
	if (!skb) {
		ip_rt_put(rt);
		return -ENOMEM;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(rt->dst.dev));
	skb_dst_set(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);
	gw_tcp_xmit_mark(skb, seg);
	skb_reset_network_header(skb);
	iph = skb_put_zero(skb, sizeof(*iph));
	iph->version = 4;
	iph->ihl = sizeof(*iph) / 4;
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = seg->saddr.ip;
	iph->daddr = seg->daddr.ip;
	th = gw_tcp_xmit_tcphdr(skb, seg);
	th->check = ~tcp_v4_check(gw_tcp_seg_len(seg), iph->saddr, iph->daddr,
				  0);
	return ip_local_out(net, NULL, skb);
}

static int gw_tcp_xmit6(struct net *net, const struct gw_tcp_seg *seg)
{
	struct flowi6 fl6 = { .flowi6_proto = IPPROTO_TCP };
	struct dst_entry *dst;
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct tcphdr *th;
	int err;

	memcpy(&fl6.daddr, seg->daddr.bytes, sizeof(fl6.daddr));
	memcpy(&fl6.saddr, seg->saddr.bytes, sizeof(fl6.saddr));
	dst = ip6_route_output(net, NULL, &fl6);
	if (dst->error) {
		err = dst->error;
		dst_release(dst);
		return err;
	}
	skb = alloc_skb(LL_RESERVED_SPACE(dst->dev) + sizeof(*ip6h) +
			gw_tcp_seg_len(seg), GFP_ATOMIC | __GFP_NOWARN);
	if (!skb) {
		dst_release(dst);
		return -ENOMEM;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(dst->dev));
	skb_dst_set(skb, dst);
	skb->protocol = htons(ETH_P_IPV6);
	gw_tcp_xmit_mark(skb, seg);
	skb_reset_network_header(skb);
	ip6h = skb_put_zero(skb, sizeof(*ip6h));
	ip6_flow_hdr(ip6h, 0, 0);
	ip6h->nexthdr = IPPROTO_TCP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6.saddr;
	ip6h->daddr = fl6.daddr;
	th = gw_tcp_xmit_tcphdr(skb, seg);
	th->check = ~tcp_v6_check(gw_tcp_seg_len(seg), &ip6h->saddr,
				  &ip6h->daddr, 0);
	return ip6_local_out(net, NULL, skb);
}

/*
 * Send @seg now, from any context: the packet path (softirq), the
 * collector or a netlink command.  0 or a negative errno.
 */
int gw_tcp_xmit(struct gw_net *gn, const struct gw_tcp_seg *seg)
{
	int err;

	local_bh_disable();
	if (seg->family == AF_INET)
		err = gw_tcp_xmit4(gn->net, seg);
	else
		err = gw_tcp_xmit6(gn->net, seg);
	local_bh_enable();
	return err < 0 ? err : 0;
}
