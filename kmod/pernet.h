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

#include "gatewarden.h"
#include "tunables.h"

struct gw_ruleset;
struct gw_src_set;
struct gw_blocklist;
struct gw_txn;

/*
 * The handshakes in progress to one destination address+port and
 * direction (shared on a hash collision): how many, and in the order they
 * began, so that the one waiting longest makes way for a new SYN in O(1)
 * however the table is spread.  Lock order: a bucket lock, then this.
 */
#define GW_HALFOPEN_DST_SLOTS	4096
struct gw_halfopen_slot {
	spinlock_t lock;
	u32 count;			/* written under lock */
	struct list_head fifo;		/* gw_flow.halfopen_link, oldest first */
};

/* Interface zones as the admin configured them, by name. */
#define GW_MAX_ZONES	64

struct gw_zone_cfg {
	char name[IFNAMSIZ];
	u8 zone;
};

/* The ifindexes of the wan interfaces that exist now. */
struct gw_wan_map {
	unsigned int count;
	int ifindex[GW_MAX_ZONES];
};

struct gw_stats {
	u64 ctr[__GW_CTR_MAX];
};

/*
 * One gatewarden instance per network namespace.  The packet path reads
 * only RCU-published or per-CPU state; everything the control plane changes
 * is serialised by @lock.
 */
struct gw_net {
	struct net *net;
	struct mutex lock;

	/* zones: the configuration, and the ifindex map the hooks read */
	struct gw_zone_cfg zones[GW_MAX_ZONES];
	unsigned int nzones;
	struct gw_wan_map __rcu *wan_map;
	struct gw_wan_map wan_maps[2];	/* the published one and a spare */
	u32 zones_gen;			/* changes of @zones, for dumps */

	/* allow rules: a list owned by @lock, published as one array */
	struct list_head rules;
	struct gw_ruleset __rcu *ruleset;
	u32 next_rule_handle;
	u32 rules_gen;

	u32 tunables[__GW_TUN_MAX];

	/* the flow table */
	struct hlist_head *buckets;
	spinlock_t *bucket_locks;
	unsigned int nbuckets;		/* a power of two */
	atomic_t flow_count;
	siphash_key_t hash_key;
	struct delayed_work gc_work;	/* the collector (kmod/gc.c) */
	unsigned int gc_cursor;		/* where its next slice starts */
	unsigned int gc_idle;		/* the collector waits for a flow */
	bool defrag;			/* defrag enabled (with the table) */

	/* flood budgets (kmod/budget.c, kmod/srclimit.c, kmod/reset.c) */
	atomic_t halfopen_count;	/* both directions */
	atomic_t halfopen_inbound;	/* of which opened from wan */
	atomic_t inbound_count;		/* flows opened from wan */
	struct gw_halfopen_slot *halfopen_dst;	/* GW_HALFOPEN_DST_SLOTS */
	struct gw_src_set *src_sets;	/* the per-source table */
	atomic_t overload_count;
	spinlock_t reset_lock;		/* the RST budget (kmod/reset.c): */
	u32 reset_stamp;		/* second it counts from (jiffies) */
	u32 reset_used;			/* RSTs sent in it */

	/* block and never-block lists (kmod/blocklist.c), by gw_block_kind */
	struct gw_blocklist __rcu *block[__GW_BLOCK_KIND_MAX];
	u32 block_gen;			/* changes of @block, under @lock */

	struct gw_stats __percpu *stats;

	/* the one staged load ("gwctl load") of the namespace, under @lock */
	struct gw_txn *txn;
	u32 txn_last_id;

	/* sequence number of the last GW_CMD_EVENT sent */
	atomic64_t event_seq;

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
	return smp_load_acquire(&gn->nbuckets) != 0;
}

int gw_net_activate_locked(struct gw_net *gn);

/* The collector's period (kmod/gc.c). */
#define GW_GC_INTERVAL		HZ

/*
 * Start the collector if it stopped for want of work.  The packet path
 * calls this after each insert: one read of a flag while the collector
 * runs.  Pairs with the barrier in gw_gc_worker(): either the worker sees
 * the new flow (flow_count was raised by a fully ordered atomic), or this
 * sees gc_idle set.  Here, not in gc.h: the table and the blocklist wake
 * the collector, and the collector calls them.
 */
static inline void gw_gc_kick(struct gw_net *gn)
{
	/* the new flow (or block) before the read of gc_idle */
	smp_mb();
	if (READ_ONCE(gn->gc_idle) && xchg(&gn->gc_idle, 0))
		queue_delayed_work(system_power_efficient_wq, &gn->gc_work,
				   GW_GC_INTERVAL);
}

#endif /* _GW_PERNET_H */
