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

#include "track.h"
#include "pernet.h"
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

/*
 * One more packet on @flow, in the direction @src_first says; nothing in
 * a dry judgement (the packet passes on a flow whatever its state).
 */
static void gw_pseudo_step(const struct gw_judge *j, struct gw_flow *flow,
			   bool src_first)
{
	enum gw_dir dir = gw_flow_dir(flow, src_first);
	u32 now = (u32)jiffies;

	if (j->dry)
		return;
	spin_lock_bh(&flow->lock);
	gw_udp_track(&flow->udp, dir, now, HZ);
	flow->packets[dir]++;
	WRITE_ONCE(flow->last_seen, now);
	spin_unlock_bh(&flow->lock);
}

/* Create the flow: @ok, with the flow, or what gw_flow_admit() made of it. */
static struct gw_verdict gw_pseudo_admit(const struct gw_judge *j,
					 const struct gw_flow_key *key,
					 u32 hash, bool src_first, u8 flags,
					 int in_ifindex, struct gw_rule_ctr *ctr,
					 struct gw_verdict ok)
{
	struct gw_flow *flow;
	bool raced;

	if (src_first)
		flags |= GW_FLOW_ORIG_FIRST;
	flow = gw_flow_admit(j, key, hash, flags, in_ifindex, ctr, NULL, NULL,
			     &ok, &raced);
	/* Another CPU created it first: this is one more packet of it. */
	if (flow && raced)
		gw_pseudo_step(j, flow, src_first);
	return ok;
}

/*
 * From wan: a packet of a live flow passes, whichever side opened it;
 * anything else needs an allow rule, or is dropped for @denied.
 */
struct gw_verdict gw_pseudo_inbound(const struct gw_judge *j,
				    const struct gw_pkt *pkt, u8 denied)
{
	const struct gw_rule *rule;
	struct gw_flow_key key;
	struct gw_verdict ok;
	struct gw_flow *flow;
	bool src_first, blocked;
	u32 hash;

	flow = gw_flow_lookup_inbound(j, pkt, &key, &hash, &src_first,
				      &blocked);
	if (blocked)
		return gw_drop(GW_CTR_DROP_BLOCKED);
	if (flow) {
		/* from the outside end of the flow, not one forging ours */
		if (gw_flow_dir(flow, src_first) != gw_pseudo_outside(flow)) {
			ok = gw_drop(denied);
			ok.flow = flow;
			return ok;
		}
		gw_pseudo_step(j, flow, src_first);
		return gw_accept_flow(GW_REASON_FLOW, flow);
	}
	rule = gw_rules_match(j->gn, pkt, j->dev->name, j->dry);
	if (!rule)
		return gw_drop(denied);
	ok = gw_accept(GW_CTR_RULE_ACCEPTED);
	ok.rule = rule->handle;
	return gw_pseudo_admit(j, &key, hash, src_first, GW_FLOW_INBOUND,
			       j->dev->ifindex, rule->ctr, ok);
}

/* Towards wan: every packet opens or refreshes its flow. */
struct gw_verdict gw_pseudo_outbound(const struct gw_judge *j,
				     const struct gw_pkt *pkt)
{
	struct gw_flow_key key;
	struct gw_verdict v;
	struct gw_flow *flow;
	bool src_first;
	u32 hash;

	flow = gw_flow_lookup_pkt(j->gn, pkt, &key, &hash, &src_first);
	if (flow && gw_flow_closed(flow)) {
		/*
		 * The inside end of a flow reload_policy closed: opening it
		 * again from here would let the outside end back in.
		 */
		if (!j->dry)
			WRITE_ONCE(flow->last_seen, (u32)jiffies);
		v = gw_drop(GW_CTR_DROP_POLICY_CLOSED);
		v.flow = flow;
		return v;
	}
	if (flow) {
		gw_pseudo_step(j, flow, src_first);
		return gw_accept_flow(GW_REASON_FLOW, flow);
	}
	return gw_pseudo_admit(j, &key, hash, src_first, 0, 0, NULL,
			       gw_accept(GW_REASON_NEW_FLOW));
}

/*
 * From wan, a packet that may only answer what we sent (an echo reply):
 * its flow, moved along, when @pkt is the reply of a live flow opened
 * inside; NULL otherwise.
 */
struct gw_flow *gw_pseudo_reply(const struct gw_judge *j,
				const struct gw_pkt *pkt)
{
	struct gw_flow_key key;
	struct gw_flow *flow;
	bool src_first;
	u32 hash;

	flow = gw_flow_lookup_pkt(j->gn, pkt, &key, &hash, &src_first);
	if (!flow || (flow->flags & GW_FLOW_INBOUND) || gw_flow_closed(flow) ||
	    gw_flow_dir(flow, src_first) != GW_DIR_REPLY)
		return NULL;
	gw_pseudo_step(j, flow, src_first);
	return flow;
}
