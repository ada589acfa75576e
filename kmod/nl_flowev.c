// SPDX-License-Identifier: GPL-2.0
/*
 * Flow events ("gwctl monitor flows", as "conntrack -E"): a flow created
 * (GW_EVENT_FLOW_NEW), its TCP state changed (GW_EVENT_FLOW_STATE), or
 * ended (GW_EVENT_FLOW_END, with why), each with the flow as "gwctl conn
 * list" shows it, sent on the flows group.  They come from the packet
 * path and the collector, so they are atomic: built with GFP_ATOMIC, and
 * only while someone listens, so that a table nobody watches pays one
 * test per flow created or ended and per TCP state change.  They carry
 * their own numbers (GW_A_FLOW_SEQ, not GW_A_EVENT_SEQ) on a group of
 * their own: a monitor of the changes is neither sent them nor makes the
 * packet path build them.
 */
#include <linux/jiffies.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "flowtable.h"
#include "flowev.h"

/* Enough for the header, the counters and a TCP conn nest (about 350). */
#define GW_FLOWEV_SIZE	512

void gw_flowev_init(struct gw_net *gn)
{
	spin_lock_init(&gn->flowev.lock);
}

/* One more event this second, within flow_event_rate?  Under the lock. */
static bool gw_flowev_allowed(struct gw_net *gn)
{
	u32 rate = gw_tunable(gn, GW_TUN_FLOW_EVENT_RATE);
	u32 now = (u32)jiffies;

	if (!rate)
		return true;
	if (now - gn->flowev.stamp >= HZ) {
		gn->flowev.stamp = now;
		gn->flowev.used = 0;
	}
	if (gn->flowev.used >= rate)
		return false;
	gn->flowev.used++;
	return true;
}

static int gw_flowev_fill(struct sk_buff *msg, struct gw_net *gn,
			  const struct gw_flow *flow, u8 event, u8 end)
{
	bool inbound = flow->flags & GW_FLOW_INBOUND;

	if (gw_conn_fill(msg, gn, flow, (u32)jiffies) ||
	    nla_put_u8(msg, GW_A_ZONE, inbound ? GW_ZONE_WAN : GW_ZONE_LAN) ||
	    (flow->rule && nla_put_u32(msg, GW_A_RULE_HANDLE, flow->rule)) ||
	    (event == GW_EVENT_FLOW_END && nla_put_u8(msg, GW_A_FLOW_END, end)))
		return -EMSGSIZE;
	return 0;
}

/*
 * Tell the listeners of @gn's flow events that @flow was created, changed
 * state or ended (then @end, an enum gw_flow_end, says why).  Any context;
 * callers may hold the flow's bucket lock and its own lock.
 */
void gw_flowev_send(struct gw_net *gn, const struct gw_flow *flow, u8 event,
		    u8 end)
{
	struct gw_flowev *fe = &gn->flowev;
	struct sk_buff *msg = NULL;
	void *hdr;

	if (likely(!gw_event_wanted(gn, GW_MCGRP_FLOWS)))
		return;
	/* the family may be going (rmmod): gw_genetlink_uninit() waits */
	rcu_read_lock();
	if (!READ_ONCE(gw_genl_live))
		goto out;
	spin_lock_bh(&fe->lock);
	/*
	 * A state change races with the flow's end, which the bucket lock
	 * alone orders (unlink, policy close): whoever ends it marks it dead
	 * or closed before it takes @fe->lock to send the end, so under that
	 * lock a change that comes too late sees the mark and is not sent
	 * after the end.
	 */
	if (event == GW_EVENT_FLOW_STATE &&
	    (READ_ONCE(flow->dead) || gw_flow_closed(flow)))
		goto unlock;
	if (gw_flowev_allowed(gn))
		msg = gw_event_new(event, GW_FLOWEV_SIZE,
				   GFP_ATOMIC | __GFP_NOWARN, &hdr);
	if (!msg || gw_flowev_fill(msg, gn, flow, event, end) ||
	    nla_put_u64_64bit(msg, GW_A_FLOW_SEQ, fe->seq + 1, GW_A_PAD) ||
	    nla_put_u64_64bit(msg, GW_A_FLOW_LOST, fe->lost, GW_A_PAD)) {
		nlmsg_free(msg);
		fe->lost++;
		goto unlock;
	}
	fe->seq++;
	fe->lost = 0;
	genlmsg_end(msg, hdr);
	/* a socket that overran finds the gap in GW_A_FLOW_SEQ */
	genlmsg_multicast_netns(&gw_genl_family, gn->net, msg, 0,
				GW_MCGRP_FLOWS, GFP_ATOMIC);
unlock:
	spin_unlock_bh(&fe->lock);
out:
	rcu_read_unlock();
}
