// SPDX-License-Identifier: GPL-2.0
/*
 * ICMP and ICMPv6 across a wan interface.  Echo requests sent out open a
 * flow keyed by their identifier, and only its replies come back.  Echo
 * requests from outside need an allow rule, which may limit their rate.
 * An error (unreachable, packet too big, time exceeded, parameter problem)
 * passes only when the packet it quotes is one we sent on a live flow, and
 * then it always passes: path-MTU discovery depends on it.  Neighbour
 * discovery that never left the link passes; everything else is dropped.
 */
#include <linux/netfilter.h>

#include "track.h"
#include "pernet.h"
#include "flowtable.h"
#include "rules.h"
#include "synproxy.h"
#include "core/icmp.h"

/* The echo keyed as its flow is: the identifier as both ports. */
static void gw_icmp_echo_pkt(struct gw_pkt *echo, const struct gw_pkt *pkt,
			     u16 id)
{
	*echo = *pkt;
	echo->sport = id;
	echo->dport = id;
}

/*
 * The live flow the packet @icmp quotes belongs to, if we sent it through
 * wan; NULL if not.  It must have been addressed from where the error now
 * goes, and travel the flow in its outward direction.
 */
static struct gw_flow *gw_icmp_error_flow(struct gw_net *gn,
					  const struct gw_pkt *pkt,
					  const struct gw_icmp *icmp)
{
	const struct gw_pkt *inner = &icmp->inner;
	struct gw_flow_key key;
	struct gw_flow *flow;
	enum gw_dir outward;
	bool src_first;

	if (!gw_addr_equal(&inner->saddr, &pkt->daddr))
		return NULL;
	src_first = gw_flow_key_from_pkt(&key, inner);
	flow = gw_flow_lookup(gn, &key, gw_flow_hash(gn, &key));
	if (!flow || gw_flow_closed(flow))
		return NULL;
	outward = flow->flags & GW_FLOW_INBOUND ? GW_DIR_REPLY :
						  GW_DIR_ORIGINAL;
	return gw_flow_dir(flow, src_first) == outward ? flow : NULL;
}

/*
 * Judged one by one, never tracked: a ping is answered at once, and a
 * flood must meet the rate limit, not a flow.
 */
static struct gw_verdict gw_icmp_echo_request(const struct gw_judge *j,
					      const struct gw_pkt *echo)
{
	struct gw_verdict v;
	struct gw_rule *rule;

	rule = gw_rules_match(j->gn, echo, j->dev->name, j->dry);
	if (!rule)
		return gw_drop(GW_CTR_DROP_ICMP_ECHO);
	if (rule->rate && !gw_rule_rate_allow(rule, j->dry)) {
		v = gw_drop(GW_CTR_DROP_ICMP_RATE);
	} else {
		v = gw_accept(GW_CTR_RULE_ACCEPTED);
		/* no flow to count it through: the rule's packet, here */
		if (!j->dry)
			gw_rule_ctr_count(rule->ctr, j->skb);
	}
	v.rule = rule->handle;
	return v;
}

struct gw_verdict gw_icmp_inbound(const struct gw_judge *j,
				  const struct gw_pkt *pkt,
				  const struct gw_icmp *icmp)
{
	struct gw_flow *flow;
	struct gw_pkt echo;

	switch (icmp->cls) {
	case GW_ICMP_LINK:
		return gw_accept(GW_REASON_LINK);
	case GW_ICMP_ERROR:
		flow = gw_icmp_error_flow(j->gn, pkt, icmp);
		if (!flow)
			return gw_drop(GW_CTR_DROP_ICMP_ERROR);
		/* quoting what the SYN proxy translated: translated back */
		if (unlikely(READ_ONCE(flow->proxy)) && !j->dry &&
		    gw_synproxy_icmp_rewrite(j->skb, pkt, icmp, flow))
			return gw_verdict_after(gw_drop(GW_CTR_DROP_NOMEM),
						GW_CTR_ICMP_ERROR_PASSED);
		return gw_accept_flow(GW_CTR_ICMP_ERROR_PASSED, flow);
	case GW_ICMP_ECHO_REPLY:
		gw_icmp_echo_pkt(&echo, pkt, icmp->id);
		flow = gw_pseudo_reply(j, &echo);
		if (!flow)
			return gw_drop(GW_CTR_DROP_ICMP_OTHER);
		return gw_accept_flow(GW_REASON_FLOW, flow);
	case GW_ICMP_ECHO_REQUEST:
		gw_icmp_echo_pkt(&echo, pkt, icmp->id);
		return gw_icmp_echo_request(j, &echo);
	default:
		return gw_drop(GW_CTR_DROP_ICMP_OTHER);
	}
}

/* Only echo requests open flows; what else leaves is not ours to judge. */
struct gw_verdict gw_icmp_outbound(const struct gw_judge *j,
				   const struct gw_pkt *pkt,
				   const struct gw_icmp *icmp)
{
	struct gw_pkt echo;

	if (!icmp || icmp->cls != GW_ICMP_ECHO_REQUEST)
		return gw_accept(GW_REASON_UNFILTERED);
	gw_icmp_echo_pkt(&echo, pkt, icmp->id);
	return gw_pseudo_outbound(j, &echo);
}
