/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_PERNET_H
#define _GW_PERNET_H

#include <linux/if.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/workqueue.h>
#include <linux/siphash.h>
#include <linux/percpu.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/netfilter.h>

#include "gatewarden.h"
#include "tunables.h"

#include "flowtable.h"
#include "gc.h"
#include "budget.h"
#include "srclimit.h"
#include "reset.h"
#include "blocklist.h"
#include "zones.h"
#include "rules.h"
#include "txn.h"
#include "synproxy.h"
#include "synproxy_auto.h"
#include "scan.h"
#include "trace.h"
#include "nflog.h"
#include "flowev.h"
#include "hooks.h"
#include "core/listeners.h"

struct gw_stats {
	u64 ctr[__GW_CTR_MAX];
};

/*
 * One gatewarden instance per network namespace: one member per owner,
 * each declared in the header of the file named beside it.  The packet
 * path reads only RCU-published or per-CPU state; everything the control
 * plane changes is serialised by @lock.
 *
 * What every packet reads comes first (struct gw_net is kzalloc()ed, so
 * it starts a cache line): the table's buckets and hash key, the per-CPU
 * counters and the published ruleset in line 0, the tunables in lines 1
 * and 2; what a new flow reads, its budgets, the blocklists and the
 * overload count, in line 3; the wan map, at the head of the zones, in
 * line 4 ("pahole -C gw_net kmod/gatewarden.ko").  Then the cold state.
 */
struct gw_net {
	struct gw_table table;		/* flowtable.c */
	struct gw_stats __percpu *stats;	/* stats.c, gw_count() */
	struct gw_rules rules;		/* rules.c */
	u32 tunables[__GW_TUN_MAX];	/* tunables.c */
	struct gw_budgets budgets;	/* budget.c, flowtable.c */
	struct gw_blocklists block;	/* blocklist.c */
	struct gw_sources sources;	/* srclimit.c */
	struct gw_zones zones;		/* zones.c */
	struct gw_gc gc;		/* gc.c */
	struct gw_resets resets;	/* reset.c */
	struct gw_synproxy synproxy;	/* synproxy.c */
	struct gw_synproxy_auto synproxy_auto;	/* synproxy_auto.c */
	struct gw_scan scan;		/* scan.c */
	struct gw_trace trace;		/* trace.c, nl_trace.c */
	struct gw_nflog nflog;		/* nflog.c */

	struct net *net;
	struct mutex lock;
	bool defrag;			/* defrag enabled (with the table) */

	struct gw_txn_slot txn;		/* txn.c */

	/* this namespace's copy of the hooks, each with us as its priv */
	struct nf_hook_ops hook_ops[GW_HOOK_OPS];	/* hooks.c */

	/* sequence number of the last GW_CMD_EVENT sent */
	atomic64_t event_seq;
	/*
	 * The sockets of this namespace subscribed to its events, under
	 * @lock, and the groups they want between them, published for the
	 * packet path (nl_event.c, gw_event_wanted()).
	 */
	struct gw_listeners listeners;
	u32 event_groups;
	struct gw_flowev flowev;	/* nl_flowev.c */

	/*
	 * "gwctl stats --reset": the sums at the last reset, under @lock.  The
	 * per-CPU counters themselves are never written by another CPU.
	 */
	u64 stats_base[__GW_CTR_MAX];
};

extern unsigned int gw_net_id;

/*
 * The core's per-namespace slot holds only a pointer: the core allocates
 * it without __GFP_ACCOUNT, and struct gw_net is ours to charge to the
 * namespace's creator (gw_net_init()).
 */
static inline struct gw_net *gw_pernet(const struct net *net)
{
	return *(struct gw_net **)net_generic(net, gw_net_id);
}

static inline void gw_count(struct gw_net *gn, enum gw_counter ctr)
{
	this_cpu_inc(gn->stats->ctr[ctr]);
}

static inline u32 gw_tunable(const struct gw_net *gn, enum gw_tunable t)
{
	return READ_ONCE(gn->tunables[t]);
}

void gw_stats_sum(struct gw_net *gn, u64 *sum);

/*
 * Is the flow table (and the flood tables) allocated?  A namespace gets
 * them with its first wan zone; until then the hooks see no wan interface
 * and every walk of the table is empty.  Pairs with the release store of
 * gw_flowtable_alloc().  The packet path does not call this: a wan ifindex
 * is published after the table (see gw_hook_inbound()).
 */
static inline bool gw_flowtable_active(const struct gw_net *gn)
{
	/* pairs with smp_store_release() in gw_flowtable_alloc() */
	return smp_load_acquire(&gn->table.nbuckets) != 0;
}

int gw_net_activate_locked(struct gw_net *gn);

/* The collector's period (kmod/gc.c). */
#define GW_GC_INTERVAL		HZ

/*
 * Start the collector if it stopped for want of work.  The packet path
 * calls this after each insert: one read of a flag while the collector
 * runs.  Pairs with the barrier in gw_gc_worker(): either the worker sees
 * the new flow (flow_count was raised by a fully ordered atomic), or this
 * sees gc.idle set.  Here, not in gc.h: the table and the blocklist wake
 * the collector, and the collector calls them.
 */
static inline void gw_gc_kick(struct gw_net *gn)
{
	/* the new flow (or block) before the read of gc.idle */
	smp_mb();
	if (READ_ONCE(gn->gc.idle) && xchg(&gn->gc.idle, 0))
		queue_delayed_work(system_power_efficient_wq, &gn->gc.work,
				   GW_GC_INTERVAL);
}

#endif /* _GW_PERNET_H */
