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

#include "icmp_track.h"
#include "connless_track.h"
#include "flowtable.h"
#include "rules.h"
#include "core/icmp.h"

static int gw_icmp_read(struct gw_icmp *icmp, const struct gw_pkt *pkt,
			struct sk_buff *skb)
{
	return gw_icmp_parse(icmp, pkt, skb,
			     skb->len - skb_network_offset(skb));
}

/* The echo keyed as its flow is: the identifier as both ports. */
static void gw_icmp_echo_pkt(struct gw_pkt *echo, const struct gw_pkt *pkt,
			     u16 id)
{
	*echo = *pkt;
	echo->sport = id;
	echo->dport = id;
}

/*
 * Does the packet @icmp quotes belong to a live flow, sent by us through
 * wan?  It must have been addressed from where the error now goes, and
 * travel the flow in its outward direction.
 */
static bool gw_icmp_error_tracked(struct gw_net *gn, const struct gw_pkt *pkt,
				  const struct gw_icmp *icmp)
{
	const struct gw_pkt *inner = &icmp->inner;
	struct gw_flow_key key;
	struct gw_flow *flow;
	enum gw_dir outward;
	bool src_first;

	if (!gw_addr_equal(&inner->saddr, &pkt->daddr))
		return false;
	src_first = gw_flow_key_from_pkt(&key, inner);
	flow = gw_flow_lookup(gn, &key, gw_flow_hash(gn, &key));
	if (!flow || gw_flow_closed(flow))
		return false;
	outward = flow->flags & GW_FLOW_INBOUND ? GW_DIR_REPLY :
						  GW_DIR_ORIGINAL;
	return gw_flow_dir(flow, src_first) == outward;
}

unsigned int gw_icmp_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			     struct sk_buff *skb, const struct net_device *in)
{
	struct gw_rule *rule;
	struct gw_icmp icmp;
	struct gw_pkt echo;

	if (gw_icmp_read(&icmp, pkt, skb) != GW_PARSE_OK) {
		gw_count(gn, GW_CTR_DROP_MALFORMED);
		return NF_DROP;
	}
	switch (icmp.cls) {
	case GW_ICMP_LINK:
		return NF_ACCEPT;
	case GW_ICMP_ERROR:
		if (!gw_icmp_error_tracked(gn, pkt, &icmp)) {
			gw_count(gn, GW_CTR_DROP_ICMP_ERROR);
			return NF_DROP;
		}
		gw_count(gn, GW_CTR_ICMP_ERROR_PASSED);
		return NF_ACCEPT;
	case GW_ICMP_ECHO_REPLY:
		gw_icmp_echo_pkt(&echo, pkt, icmp.id);
		if (gw_pseudo_reply(gn, &echo))
			return NF_ACCEPT;
		gw_count(gn, GW_CTR_DROP_ICMP_OTHER);
		return NF_DROP;
	case GW_ICMP_ECHO_REQUEST:
		/*
		 * Judged one by one, never tracked: a ping is answered at
		 * once, and a flood must meet the rate limit, not a flow.
		 */
		gw_icmp_echo_pkt(&echo, pkt, icmp.id);
		rule = gw_rules_match(gn, &echo, in->name);
		if (!rule) {
			gw_count(gn, GW_CTR_DROP_ICMP_ECHO);
			return NF_DROP;
		}
		if (rule->rate && !gw_rule_rate_allow(rule)) {
			gw_count(gn, GW_CTR_DROP_ICMP_RATE);
			return NF_DROP;
		}
		gw_count(gn, GW_CTR_RULE_ACCEPTED);
		return NF_ACCEPT;
	default:
		gw_count(gn, GW_CTR_DROP_ICMP_OTHER);
		return NF_DROP;
	}
}

/* Only echo requests open flows; what else leaves is not ours to judge. */
unsigned int gw_icmp_outbound(struct gw_net *gn, const struct gw_pkt *pkt,
			      struct sk_buff *skb)
{
	struct gw_icmp icmp;
	struct gw_pkt echo;

	if (gw_icmp_read(&icmp, pkt, skb) != GW_PARSE_OK ||
	    icmp.cls != GW_ICMP_ECHO_REQUEST)
		return NF_ACCEPT;
	gw_icmp_echo_pkt(&echo, pkt, icmp.id);
	return gw_pseudo_outbound(gn, &echo);
}
