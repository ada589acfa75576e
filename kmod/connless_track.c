// SPDX-License-Identifier: GPL-2.0
/*
 * UDP, ICMP echo and every other protocol across a wan interface, as
 * pseudo-connections.  What leaves opens a flow on its exact tuple (5-tuple
 * for UDP, echo identifier for ICMP, protocol and addresses otherwise), and
 * only that flow's replies come back in.  What arrives with no flow is
 * dropped here, before the local stack could answer it with an ICMP
 * port-unreachable, unless an allow rule opens it.
 */
#include <linux/netfilter.h>
#include <linux/jiffies.h>

#include "connless_track.h"
#include "flowtable.h"
#include "budget.h"
#include "rules.h"
#include "blocklist.h"
#include "core/udp.h"

/* The direction of what comes in from wan on @flow. */
static enum gw_dir gw_pseudo_outside(const struct gw_flow *flow)
{
	return flow->flags & GW_FLOW_INBOUND ? GW_DIR_ORIGINAL : GW_DIR_REPLY;
}

/* One more packet on @flow, in the direction @src_first says. */
static enum gw_dir gw_pseudo_step(struct gw_flow *flow, bool src_first)
{
	enum gw_dir dir = gw_flow_dir(flow, src_first);
	u32 now = (u32)jiffies;

	spin_lock_bh(&flow->lock);
	gw_udp_track(&flow->udp, dir, now, HZ);
	flow->packets[dir]++;
	WRITE_ONCE(flow->last_seen, now);
	spin_unlock_bh(&flow->lock);
	return dir;
}

static unsigned int gw_pseudo_admit(struct gw_net *gn,
				    const struct gw_flow_key *key, u32 hash,
				    bool src_first, u8 flags, int in_ifindex)
{
	enum gw_counter why;
	struct gw_flow *flow;
	bool raced;

	if (src_first)
		flags |= GW_FLOW_ORIG_FIRST;
	flow = gw_flow_admit(gn, key, hash, flags, in_ifindex, NULL, &why,
			     &raced);
	if (!flow) {
		gw_count(gn, why);
		return NF_DROP;
	}
	/* Another CPU created it first: this is one more packet of it. */
	if (raced)
		gw_pseudo_step(flow, src_first);
	return NF_ACCEPT;
}

/*
 * From wan: a packet of a live flow passes, whichever side opened it;
 * anything else needs an allow rule, or is dropped and counted in @denied.
 */
unsigned int gw_pseudo_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			       const struct net_device *in,
			       enum gw_counter denied)
{
	struct gw_flow_key key;
	struct gw_flow *flow;
	bool src_first, blocked;
	u32 hash;

	flow = gw_flow_lookup_inbound(gn, pkt, &key, &hash, &src_first,
				      &blocked);
	if (blocked)
		return NF_DROP;
	if (flow) {
		/* from the outside end of the flow, not one forging ours */
		if (gw_flow_dir(flow, src_first) != gw_pseudo_outside(flow)) {
			gw_count(gn, denied);
			return NF_DROP;
		}
		gw_pseudo_step(flow, src_first);
		return NF_ACCEPT;
	}
	if (!gw_rules_match(gn, pkt, in->name)) {
		gw_count(gn, denied);
		return NF_DROP;
	}
	gw_count(gn, GW_CTR_RULE_ACCEPTED);
	return gw_pseudo_admit(gn, &key, hash, src_first, GW_FLOW_INBOUND,
			       in->ifindex);
}

/* Towards wan: every packet opens or refreshes its flow. */
unsigned int gw_pseudo_outbound(struct gw_net *gn, const struct gw_pkt *pkt)
{
	struct gw_flow_key key;
	struct gw_flow *flow;
	bool src_first;
	u32 hash;

	flow = gw_flow_lookup_pkt(gn, pkt, &key, &hash, &src_first);
	if (flow && gw_flow_closed(flow)) {
		/*
		 * The inside end of a flow reload_policy closed: opening it
		 * again from here would let the outside end back in.
		 */
		WRITE_ONCE(flow->last_seen, (u32)jiffies);
		gw_count(gn, GW_CTR_DROP_POLICY_CLOSED);
		return NF_DROP;
	}
	if (flow) {
		gw_pseudo_step(flow, src_first);
		return NF_ACCEPT;
	}
	return gw_pseudo_admit(gn, &key, hash, src_first, 0, 0);
}

/*
 * From wan, a packet that may only answer what we sent (an echo reply):
 * true, and counted, when @pkt is the reply of a live flow opened inside.
 */
bool gw_pseudo_reply(struct gw_net *gn, const struct gw_pkt *pkt)
{
	struct gw_flow_key key;
	struct gw_flow *flow;
	bool src_first;
	u32 hash;

	flow = gw_flow_lookup_pkt(gn, pkt, &key, &hash, &src_first);
	if (!flow || (flow->flags & GW_FLOW_INBOUND) || gw_flow_closed(flow) ||
	    gw_flow_dir(flow, src_first) != GW_DIR_REPLY)
		return false;
	gw_pseudo_step(flow, src_first);
	return true;
}
