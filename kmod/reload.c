// SPDX-License-Identifier: GPL-2.0
/*
 * "set reload_policy close": what a rule change does to the connections
 * the old rules let in.  By default (expire) nothing: a connection lives
 * until it ends.  With close, after a load commits, a rule is deleted or
 * the rules are flushed, every flow a rule admitted from a wan interface
 * is judged again, as the packet that opened it, by the rules now in
 * force; one they no longer allow is closed at once: a TCP connection is
 * reset at both ends, every flow is left as a tombstone that shuts its
 * tuple (kmod/flowtable.c, GW_FLOW_CLOSED).  Connections opened from
 * inside are never judged by rules, so never touched.
 *
 * It runs in the process context of the command that changed the rules,
 * once the change is published and gn->lock is dropped, one bucket lock
 * at a time: the packet path never waits for more than a few flows.
 */
#include <linux/netdevice.h>
#include <linux/rcupdate.h>

#include "reload.h"
#include "pernet.h"
#include "flowtable.h"
#include "reset.h"
#include "rules.h"
#include "zones.h"
#include "core/flowkey.h"

/* The input interface of the last flow judged: flows mostly share one. */
struct gw_reload_walk {
	struct gw_net *gn;
	int ifindex;
	bool wan;
	char ifname[IFNAMSIZ];
};

/* Under the flow's bucket lock; the walk's cache is ours alone. */
static bool gw_reload_disallowed(const struct gw_flow *flow, void *arg)
{
	struct gw_reload_walk *w = arg;
	const struct net_device *dev;
	struct gw_pkt pkt;
	bool allowed;

	if (!(flow->flags & GW_FLOW_INBOUND))
		return false;
	rcu_read_lock();
	if (flow->in_ifindex != w->ifindex) {
		w->ifindex = flow->in_ifindex;
		dev = dev_get_by_index_rcu(w->gn->net, w->ifindex);
		/*
		 * No longer wan (or gone): nothing arriving there is
		 * judged any more, so neither is what came in there.
		 */
		w->wan = dev && gw_is_wan(&w->gn->zones, w->ifindex);
		strscpy(w->ifname, dev ? dev->name : "", sizeof(w->ifname));
	}
	if (!w->wan) {
		rcu_read_unlock();
		return false;
	}
	gw_flow_key_opening_pkt(&pkt, &flow->key,
				flow->flags & GW_FLOW_ORIG_FIRST);
	allowed = gw_rules_find(w->gn, &pkt, w->ifname);
	rcu_read_unlock();
	return !allowed;
}

/* The rules have just changed: apply reload_policy to what they let in. */
void gw_reload_apply(struct gw_net *gn)
{
	struct gw_reload_walk walk = { .gn = gn, .ifindex = 0 };
	struct gw_reset_batch resets;
	unsigned int closed;

	if (gw_tunable(gn, GW_TUN_RELOAD_POLICY) != GW_RELOAD_POLICY_CLOSE)
		return;
	gw_reset_batch_closed(&resets);
	closed = gw_flowtable_close_if(gn, gw_reload_disallowed, &walk,
				       &resets.walk);
	if (closed)
		this_cpu_add(gn->stats->ctr[GW_CTR_POLICY_CLOSED], closed);
}
