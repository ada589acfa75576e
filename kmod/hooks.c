// SPDX-License-Identifier: GPL-2.0
/*
 * Where gatewarden sits in the packet path.
 *
 * Inbound packets are judged at PRE_ROUTING right after defragmentation,
 * before conntrack, NAT or the local stack see them: a dropped probe costs
 * no conntrack entry and draws no RST or ICMP error.  Outbound flows are
 * learnt at the very end of POST_ROUTING, after SNAT and masquerade, so the
 * flow holds the addresses the replies will carry.
 *
 * The trackers return a verdict as a value (kmod/verdict.h); this file is
 * the only one that counts its reason and turns it into NF_ACCEPT/NF_DROP.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "hooks.h"
#include "pernet.h"
#include "zones.h"
#include "track.h"
#include "blocklist.h"
#include "scan.h"
#include "trace.h"
#include "nflog.h"
#include "core/icmp.h"
#include "core/parse.h"

static bool gw_parse_skb(struct gw_pkt *pkt, struct sk_buff *skb, u8 family)
{
	unsigned int len = skb->len - skb_network_offset(skb);

	return gw_parse(pkt, family, skb, len) == GW_PARSE_OK;
}

/*
 * The one place a verdict is counted and made netfilter's.  @prior is the
 * rare earlier stage's reason that has always been counted too (see
 * struct gw_verdict); the reasons past __GW_CTR_MAX have no counter.  A
 * packet that passes on a flow a rule admitted, in either direction, is
 * counted in that rule's counters (rulectr.h): the flow's first packet,
 * which the rule matched, and every later one, an ICMP error that
 * quotes one of them included; a dropped one is not.  A dropped packet
 * goes to the drop trace and to drop events (trace.c): @pkt as far as it
 * was parsed, crossing @j->dev inbound (@in) or outbound.  Either verdict
 * may go to NFLOG (nflog.c), without a parse when the packet was
 * malformed.
 */
static unsigned int gw_verdict_nf(const struct gw_judge *j,
				  struct gw_verdict v,
				  const struct gw_pkt *pkt, bool in)
{
	struct gw_net *gn = j->gn;

	if (unlikely(v.prior < __GW_CTR_MAX))
		gw_count(gn, v.prior);
	if (v.reason < __GW_CTR_MAX)
		gw_count(gn, v.reason);
	/* a malformed packet's parse is no tuple to log (nflog.c) */
	gw_nflog_verdict(gn, v, j->skb, j->state,
			 v.reason == GW_CTR_DROP_MALFORMED ? NULL : pkt);
	if (v.action == GW_DROP) {
		gw_trace_drop(gn, &v, pkt, j->dev, in);
		return NF_DROP;
	}
	if (v.flow && v.flow->ctr)
		gw_rule_ctr_count(v.flow->ctr, j->skb);
	return NF_ACCEPT;
}

/*
 * The ICMP message @pkt, an ICMP or ICMPv6 packet, carries, read from
 * @skb: @icmp, or NULL when it cannot be read (or @pkt is a fragment).
 */
static const struct gw_icmp *gw_icmp_read(struct gw_icmp *icmp,
					  const struct gw_pkt *pkt,
					  const struct sk_buff *skb)
{
	if (pkt->fragment ||
	    gw_icmp_parse(icmp, pkt, skb, skb->len - skb_network_offset(skb)) !=
	    GW_PARSE_OK)
		return NULL;
	return icmp;
}

/*
 * Judge @pkt, arriving on the wan interface @j->dev: the hook's packet,
 * or, with @j->dry, one the explain command describes, which has no skb
 * (struct gw_judge).  @icmp: what an ICMP message is (NULL: unreadable).
 * Under rcu_read_lock(), as the hooks are.
 */
struct gw_verdict gw_judge_inbound_pkt(const struct gw_judge *j,
				       const struct gw_pkt *pkt,
				       const struct gw_icmp *icmp)
{
	/* Defragmentation runs before us: a lone fragment is an evasion. */
	if (pkt->fragment)
		return gw_drop(GW_CTR_DROP_MALFORMED);
	/*
	 * A blocked source is cut off, silently.  TCP, UDP and the other
	 * protocols ask on a flow miss only (gw_flow_lookup_inbound()): a
	 * block flushes the source's flows, so a live flow is not blocked,
	 * and an established packet skips the lookup.
	 */
	if (pkt->proto == IPPROTO_TCP)
		return gw_tcp_inbound(j, pkt);
	if (pkt->proto == IPPROTO_UDP)
		return gw_pseudo_inbound(j, pkt, GW_CTR_DROP_UDP_PROBE);
	if (gw_icmp_proto(pkt->family, pkt->proto)) {
		if (gw_block_drop(j, pkt))
			return gw_drop(GW_CTR_DROP_BLOCKED);
		if (!icmp)
			return gw_drop(GW_CTR_DROP_MALFORMED);
		return gw_icmp_inbound(j, pkt, icmp);
	}
	return gw_pseudo_inbound(j, pkt, GW_CTR_DROP_PROTO_DENIED);
}

/*
 * Judge @pkt, leaving through the wan interface @j->dev, as
 * gw_judge_inbound_pkt() does.
 */
struct gw_verdict gw_judge_outbound_pkt(const struct gw_judge *j,
					const struct gw_pkt *pkt,
					const struct gw_icmp *icmp)
{
	if (pkt->fragment)
		return gw_accept(GW_REASON_UNFILTERED);
	if (pkt->proto == IPPROTO_TCP)
		return gw_tcp_outbound(j, pkt);
	if (gw_icmp_proto(pkt->family, pkt->proto))
		return gw_icmp_outbound(j, pkt, icmp);
	return gw_pseudo_outbound(j, pkt);
}

/*
 * Both hooks: judge @skb crossing the wan interface @dev, inbound (@in) or
 * outbound, and make the verdict netfilter's.
 */
static unsigned int gw_hook_judge(struct gw_net *gn,
				  const struct net_device *dev,
				  struct sk_buff *skb,
				  const struct nf_hook_state *state, bool in)
{
	struct gw_judge j = { .gn = gn, .dev = dev, .skb = skb,
			      .state = state };
	const struct gw_icmp *icmp;
	struct gw_verdict v;
	struct gw_icmp buf;
	struct gw_pkt pkt;

	/*
	 * A header we cannot parse is dropped on the way in.  What leaves
	 * was built by this host or passed its input checks: such a header
	 * is not ours to police, only to count (the reason is a drop
	 * counter's, the action is accept).
	 */
	if (!gw_parse_skb(&pkt, skb, state->pf))
		return gw_verdict_nf(&j, in ? gw_drop(GW_CTR_DROP_MALFORMED) :
					      gw_accept(GW_CTR_DROP_MALFORMED),
				     &pkt, in);
	/* a TCP segment or a UDP datagram has no ICMP message to read */
	icmp = gw_icmp_proto(pkt.family, pkt.proto) ?
	       gw_icmp_read(&buf, &pkt, skb) : NULL;
	if (!in)
		return gw_verdict_nf(&j, gw_judge_outbound_pkt(&j, &pkt, icmp),
				     &pkt, in);
	v = gw_judge_inbound_pkt(&j, &pkt, icmp);
	/* a probe dropped for want of a flow or a rule is scored (scan.c) */
	gw_scan_verdict(gn, skb, &pkt, v);
	return gw_verdict_nf(&j, v, &pkt, in);
}

/*
 * Each namespace registers its own copy of the hooks with its gw_net as
 * @priv (gw_hooks_register()): no net_generic(), whose rcu_read_lock()
 * pair is two calls on a kernel of preemptible RCU, and redundant here:
 * nf_hook() runs the hooks under rcu_read_lock() already.
 */
static unsigned int gw_hook_inbound(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct gw_net *gn = priv;

	if (!state->in || !gw_is_wan_rmb(&gn->zones, state->in->ifindex))
		return NF_ACCEPT;
	/* an event, not a verdict: every packet looked at */
	gw_count(gn, GW_CTR_IN_PACKETS);
	return gw_hook_judge(gn, state->in, skb, state, true);
}

static unsigned int gw_hook_outbound(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct gw_net *gn = priv;

	if (!state->out || !gw_is_wan_rmb(&gn->zones, state->out->ifindex))
		return NF_ACCEPT;
	/* Forwarded from one wan to another: already judged on the way in. */
	if (skb->skb_iif && gw_is_wan(&gn->zones, skb->skb_iif))
		return NF_ACCEPT;

	gw_count(gn, GW_CTR_OUT_PACKETS);
	return gw_hook_judge(gn, state->out, skb, state, false);
}

static const struct nf_hook_ops gw_hook_ops[GW_HOOK_OPS] = {
	{
		.hook = gw_hook_inbound,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook = gw_hook_outbound,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_LAST,
	},
	{
		.hook = gw_hook_inbound,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_CONNTRACK_DEFRAG + 1,
	},
	{
		.hook = gw_hook_outbound,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_LAST,
	},
};

/*
 * The hooks are registered with the namespace and cost nothing until it
 * has a wan interface: they see none and accept at once.  The core keeps
 * a pointer to the ops it registered (nf_hook_entries_get_hook_ops()),
 * so they live in @gn, which outlives the registration.
 */
int gw_hooks_register(struct gw_net *gn)
{
	unsigned int i;

	for (i = 0; i < GW_HOOK_OPS; i++) {
		gn->hook_ops[i] = gw_hook_ops[i];
		gn->hook_ops[i].priv = gn;
	}
	return nf_register_net_hooks(gn->net, gn->hook_ops, GW_HOOK_OPS);
}

/*
 * .pre_exit: no packet enters the hooks after this, but on 6.1 one may be
 * inside them still (the old hook array goes by call_rcu(), no
 * synchronize_net()): the core's synchronize_rcu() before .exit waits.
 */
void gw_hooks_unregister(struct gw_net *gn)
{
	nf_unregister_net_hooks(gn->net, gn->hook_ops, GW_HOOK_OPS);
}

/*
 * Judge whole datagrams, never fragments an attacker arranged: from the
 * first wan zone on (defragmenting costs every namespace that has it).
 */
int gw_hooks_defrag_enable(struct net *net)
{
	int err;

	err = nf_defrag_ipv4_enable(net);
	if (err)
		return err;
	err = nf_defrag_ipv6_enable(net);
	if (err)
		nf_defrag_ipv4_disable(net);
	return err;
}

void gw_hooks_defrag_disable(struct net *net)
{
	nf_defrag_ipv6_disable(net);
	nf_defrag_ipv4_disable(net);
}
