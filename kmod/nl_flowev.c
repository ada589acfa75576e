// SPDX-License-Identifier: GPL-2.0
/*
 * Flow events ("gwctl monitor flows", as "conntrack -E"): a flow created
 * (GW_EVENT_FLOW_NEW), its TCP state changed (GW_EVENT_FLOW_STATE), or
 * ended (GW_EVENT_FLOW_END, with why), each with the flow as "gwctl conn
 * list" shows it, sent on the flows group.  They come from the packet
 * path and the collector, so they are atomic: built with GFP_ATOMIC, and
 * only while a socket of the namespace listens (gw_event_wanted()), so
 * that a table nobody watches pays one test per flow created or ended
 * and per TCP state change.  They carry their own numbers (GW_A_FLOW_SEQ,
 * not GW_A_EVENT_SEQ) on a group of their own: a monitor of the changes
 * is neither sent them nor makes the packet path build them.
 */
#include <linux/jiffies.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "flowtable.h"
#include "flowev.h"
#include "bucket.h"

/* Enough for the header, the counters and a TCP conn nest (about 350). */
#define GW_FLOWEV_SIZE	512

/* After the tunables: the bucket starts full at flow_event_rate. */
void gw_flowev_init(struct gw_net *gn)
{
	spin_lock_init(&gn->flowev.lock);
	gw_bucket_init(&gn->flowev.bucket,
		       gw_tunable(gn, GW_TUN_FLOW_EVENT_RATE));
}

/* One more event within flow_event_rate (0: no limit)?  Lock-free. */
static bool gw_flowev_allowed(struct gw_net *gn)
{
	u32 rate = gw_tunable(gn, GW_TUN_FLOW_EVENT_RATE);

	return !rate || gw_bucket_take(&gn->flowev.bucket, rate, false);
}

/* Not sent: the next event that is says so. */
static void gw_flowev_lost(struct gw_net *gn, u64 n)
{
	atomic64_add(n, &gn->flowev.lost);
	gw_count(gn, GW_CTR_FLOW_EVENTS_LOST);
}

/*
 * A state change (sent under the flow's lock) may race with the flow's
 * end (sent under its bucket lock): whoever ends a flow marks it dead or
 * closed before it takes @fe->lock to send the end, so a state change
 * that tests the mark under @fe->lock is never sent after the end.
 */
static bool gw_flowev_late(const struct gw_flow *flow, u8 event)
{
	return event == GW_EVENT_FLOW_STATE &&
	       (READ_ONCE(flow->dead) || gw_flow_closed(flow));
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
	struct sk_buff *msg;
	u64 lost;
	void *hdr;

	if (likely(!gw_event_wanted(gn, GW_MCGRP_FLOWS)))
		return;
	/* the family may be going (rmmod): gw_genetlink_uninit() waits */
	rcu_read_lock();
	/* here to build nothing in vain; under the lock below to be sure */
	if (!READ_ONCE(gw_genl_live) || gw_flowev_late(flow, event))
		goto out;
	if (!gw_flowev_allowed(gn)) {
		gw_flowev_lost(gn, 1);
		goto out;
	}
	msg = gw_event_new(event, GW_FLOWEV_SIZE, GFP_ATOMIC | __GFP_NOWARN,
			   &hdr);
	if (!msg || gw_flowev_fill(msg, gn, flow, event, end)) {
		nlmsg_free(msg);
		gw_flowev_lost(gn, 1);
		goto out;
	}
	/*
	 * Numbered and multicast under the lock, so that the numbers reach
	 * every listener in order (gwctl counts a gap as lost), and so the
	 * events of one flow too: its new event is sent before the flow is
	 * linked, its state changes under its lock, and its end after the
	 * mark gw_flowev_late() tests again here, where it cannot miss it.
	 */
	spin_lock_bh(&fe->lock);
	if (gw_flowev_late(flow, event)) {
		spin_unlock_bh(&fe->lock);
		nlmsg_free(msg);
		goto out;
	}
	lost = atomic64_xchg(&fe->lost, 0);
	if (nla_put_u64_64bit(msg, GW_A_FLOW_SEQ, fe->seq + 1, GW_A_PAD) ||
	    nla_put_u64_64bit(msg, GW_A_FLOW_LOST, lost, GW_A_PAD)) {
		spin_unlock_bh(&fe->lock);
		nlmsg_free(msg);
		gw_flowev_lost(gn, lost + 1);
		goto out;
	}
	fe->seq++;
	genlmsg_end(msg, hdr);
	/* a socket that overran finds the gap in GW_A_FLOW_SEQ */
	genlmsg_multicast_netns(&gw_genl_family, gn->net, msg, 0,
				GW_MCGRP_FLOWS, GFP_ATOMIC);
	spin_unlock_bh(&fe->lock);
	gw_count(gn, GW_CTR_FLOW_EVENTS);
out:
	rcu_read_unlock();
}
