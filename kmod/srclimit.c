// SPDX-License-Identifier: GPL-2.0
/*
 * Per-source connection limits and the overload list.
 *
 * The per-source table counts the established inbound connections of
 * every outside source (an IPv4 address, an IPv6 /64) and its recent
 * connection rate.  It is counted only when a handshake completes, so a
 * spoofed source never gets a slot: it can neither be overloaded in
 * someone's name nor flush the table.  The table is fixed and allocated
 * with the namespace: GW_SRC_SETS sets of GW_SRC_WAYS slots, the set
 * chosen by a keyed hash, one small lock each.  A new source takes a free
 * slot of its set or the least recently used idle one (no connection, not
 * overloaded); when all four are busy it takes the one of the source
 * holding fewest connections (src_evicted), never going uncounted: a table
 * that failed open would turn the limits off for whoever fills it
 * (gw_src_pick() in core/flood.c).
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/siphash.h>
#include <linux/sched.h>

#include "pernet.h"
#include "flowtable.h"
#include "rules.h"
#include "srclimit.h"
#include "blocklist.h"

#define GW_SRC_WAYS	4
#define GW_SRC_SETS	1024		/* 4096 sources, 160 KiB a namespace */
/* Overloaded sources whose connections one collector run closes. */
#define GW_SRC_FLUSH_BATCH	16

struct gw_src_set {
	spinlock_t lock;
	struct gw_src_slot slot[GW_SRC_WAYS];
};

u32 gw_src_slots(void)
{
	return GW_SRC_SETS * GW_SRC_WAYS;
}

void gw_srclimit_init(struct gw_net *gn)
{
	atomic_set(&gn->sources.overload_count, 0);
	gn->sources.sets = NULL;
}

/* With the flow table (gw_net_activate_locked()), charged to the caller. */
int gw_srclimit_alloc(struct gw_net *gn)
{
	unsigned int i;

	gn->sources.sets = kvcalloc(GW_SRC_SETS, sizeof(*gn->sources.sets),
				GFP_KERNEL_ACCOUNT);
	if (!gn->sources.sets)
		return -ENOMEM;
	for (i = 0; i < GW_SRC_SETS; i++)
		spin_lock_init(&gn->sources.sets[i].lock);
	return 0;
}

/* The flows are gone (gw_flowtable_exit) when this runs. */
void gw_srclimit_exit(struct gw_net *gn)
{
	kvfree(gn->sources.sets);
}

static struct gw_src_set *gw_src_set_of(struct gw_net *gn,
					const union gw_addr *prefix, u8 family)
{
	struct {
		union gw_addr prefix;
		u32 family;
	} key = { .prefix = *prefix, .family = family };

	return &gn->sources.sets[siphash(&key, sizeof(key),
					 &gn->table.hash_key) &
				 (GW_SRC_SETS - 1)];
}

static struct gw_src_slot *gw_src_find(struct gw_src_set *set,
				       const union gw_addr *prefix, u8 family)
{
	unsigned int i;

	for (i = 0; i < GW_SRC_WAYS; i++)
		if (set->slot[i].family == family &&
		    gw_addr_equal(&set->slot[i].prefix, prefix))
			return &set->slot[i];
	return NULL;
}

static bool gw_src_overload_active(const struct gw_src_slot *slot, u32 now)
{
	return slot->overloaded && (s32)(slot->overload_until - now) > 0;
}

/* Caller holds the set's lock. */
static void gw_src_unoverload(struct gw_net *gn, struct gw_src_slot *slot,
			      u32 now)
{
	if (!slot->overloaded)
		return;
	slot->overloaded = 0;
	slot->flush = 0;
	gw_conn_rate_reset(&slot->rate, now);
	atomic_dec(&gn->sources.overload_count);
}

/*
 * A slot for a new source (gw_src_pick()).  A source evicted while it
 * holds connections forgets them: its flows stay GW_FLOW_SRC_COUNTED and
 * release nothing when they end (or, if it came back, what its new slot
 * counted, never below 0), so it gains at most what it held, the fewest
 * of its set.  Caller holds the set's lock.
 */
static struct gw_src_slot *gw_src_alloc(struct gw_net *gn,
					struct gw_src_set *set,
					const union gw_addr *prefix,
					u8 family, u32 now)
{
	struct gw_src_slot *best;
	int i = gw_src_pick(set->slot, GW_SRC_WAYS, now);

	if (WARN_ON_ONCE(i < 0))
		return NULL;
	best = &set->slot[i];
	if (best->family && (best->conns || best->overloaded)) {
		gw_src_unoverload(gn, best, now);
		gw_count(gn, GW_CTR_SRC_EVICTED);
	}
	memset(best, 0, sizeof(*best));
	best->prefix = *prefix;
	best->family = family;
	gw_conn_rate_reset(&best->rate, now);
	return best;
}

/*
 * The never-block list exempts a source from the automatic limits: the
 * admin's own addresses are never counted, never overloaded.  The one
 * place the source limits ask, so that scan detection asks the same.
 */
bool gw_src_exempt(struct gw_net *gn, u8 family, const union gw_addr *addr)
{
	return gw_never_block_match(gn, family, addr);
}

/*
 * May a new inbound connection from @pkt's source start?  An overload
 * found over is ended here, unless @dry (the answer is the same).
 */
bool gw_src_overloaded(struct gw_net *gn, const struct gw_pkt *pkt,
		       bool dry)
{
	struct gw_src_slot *slot;
	struct gw_src_set *set;
	union gw_addr prefix;
	u32 now = (u32)jiffies;
	bool ret = false;

	if (!atomic_read(&gn->sources.overload_count))
		return false;
	/* overloaded before it was put in the never-block list */
	if (gw_src_exempt(gn, pkt->family, &pkt->saddr))
		return false;
	gw_src_prefix(&prefix, &pkt->saddr, pkt->family);
	set = gw_src_set_of(gn, &prefix, pkt->family);
	spin_lock_bh(&set->lock);
	slot = gw_src_find(set, &prefix, pkt->family);
	if (slot && slot->overloaded) {
		ret = gw_src_overload_active(slot, now);
		if (!ret && !dry)
			gw_src_unoverload(gn, slot, now);
	}
	spin_unlock_bh(&set->lock);
	return ret;
}

/*
 * The inbound @flow has just completed its handshake: count it against its
 * source, under @rule's limits or the defaults.  False when that puts the
 * source over a limit: it is overloaded, and the caller refuses the flow.
 */
bool gw_src_conn_open(struct gw_net *gn, struct gw_flow *flow, u32 hash,
		      const struct gw_rule *rule)
{
	u32 max_conn = gw_tunable(gn, GW_TUN_MAX_SRC_CONN);
	u32 rate_conn = gw_tunable(gn, GW_TUN_MAX_SRC_CONN_RATE);
	u32 rate_secs = gw_tunable(gn, GW_TUN_MAX_SRC_CONN_RATE_SECONDS);
	spinlock_t *bucket_lock = gw_flow_bucket_lock(gn, hash);
	const union gw_addr *addr;
	struct gw_src_slot *slot;
	struct gw_src_set *set;
	union gw_addr prefix;
	u32 now = (u32)jiffies;
	bool over;
	u16 port;

	if (rule && rule->max_src_conn)
		max_conn = rule->max_src_conn;
	if (rule && rule->src_rate_conn) {
		rate_conn = rule->src_rate_conn;
		rate_secs = rule->src_rate_seconds;
	}
	if (!max_conn && !rate_conn)
		return true;
	gw_flow_originator(flow, &addr, &port);
	if (gw_src_exempt(gn, flow->key.family, addr))
		return true;
	gw_src_prefix(&prefix, addr, flow->key.family);
	set = gw_src_set_of(gn, &prefix, flow->key.family);

	/* bucket, then set: the order gw_src_conn_close() runs in */
	spin_lock_bh(bucket_lock);
	if (flow->dead || (flow->flags & GW_FLOW_CLOSED)) {
		spin_unlock_bh(bucket_lock);
		return true;
	}
	spin_lock(&set->lock);
	slot = gw_src_find(set, &prefix, flow->key.family);
	if (!slot)
		slot = gw_src_alloc(gn, set, &prefix, flow->key.family, now);
	if (!slot) {
		spin_unlock(&set->lock);
		spin_unlock_bh(bucket_lock);
		gw_count(gn, GW_CTR_SRC_UNTRACKED);
		return true;
	}
	slot->last_used = now;
	over = gw_conn_rate_exceeded(&slot->rate, rate_conn, rate_secs * HZ,
				     now);
	if (max_conn && slot->conns >= max_conn)
		over = true;
	if (gw_src_overload_active(slot, now))
		over = true;
	if (over) {
		if (!slot->overloaded) {
			slot->overloaded = 1;
			slot->flush = !!gw_tunable(gn, GW_TUN_OVERLOAD_FLUSH);
			atomic_inc(&gn->sources.overload_count);
			gw_count(gn, GW_CTR_SRC_OVERLOADED);
		}
		slot->overload_until =
			now + gw_tunable(gn, GW_TUN_OVERLOAD_TIMEOUT) * HZ;
	} else {
		slot->conns++;
		WRITE_ONCE(flow->flags, flow->flags | GW_FLOW_SRC_COUNTED);
	}
	spin_unlock(&set->lock);
	spin_unlock_bh(bucket_lock);
	return !over;
}

/* Caller holds @flow's bucket lock (it is being unlinked or closed). */
void gw_src_conn_close(struct gw_net *gn, struct gw_flow *flow)
{
	const union gw_addr *addr;
	struct gw_src_slot *slot;
	struct gw_src_set *set;
	union gw_addr prefix;
	u16 port;

	gw_flow_originator(flow, &addr, &port);
	gw_src_prefix(&prefix, addr, flow->key.family);
	set = gw_src_set_of(gn, &prefix, flow->key.family);
	spin_lock(&set->lock);
	slot = gw_src_find(set, &prefix, flow->key.family);
	if (slot && slot->conns)
		slot->conns--;
	spin_unlock(&set->lock);
}

/* @flow is closing: it stops counting against its source, exactly once. */
void gw_src_conn_release(struct gw_net *gn, struct gw_flow *flow, u32 hash)
{
	spinlock_t *bucket_lock = gw_flow_bucket_lock(gn, hash);

	spin_lock_bh(bucket_lock);
	if (!flow->dead && (flow->flags & GW_FLOW_SRC_COUNTED)) {
		WRITE_ONCE(flow->flags, flow->flags & ~GW_FLOW_SRC_COUNTED);
		gw_src_conn_close(gn, flow);
	}
	spin_unlock_bh(bucket_lock);
}

struct gw_src_flush {
	unsigned int count;
	u8 family[GW_SRC_FLUSH_BATCH];
	union gw_addr prefix[GW_SRC_FLUSH_BATCH];
};

static bool gw_src_flush_match(const struct gw_flow *flow, void *arg)
{
	const struct gw_src_flush *fl = arg;
	const union gw_addr *addr;
	union gw_addr prefix;
	unsigned int i;
	u16 port;

	if (!(flow->flags & GW_FLOW_INBOUND))
		return false;
	gw_flow_originator(flow, &addr, &port);
	gw_src_prefix(&prefix, addr, flow->key.family);
	for (i = 0; i < fl->count; i++)
		if (fl->family[i] == flow->key.family &&
		    gw_addr_equal(&fl->prefix[i], &prefix))
			return true;
	return false;
}

/*
 * From the collector, once a second: lift overloads that timed out, and
 * close the connections of sources overloaded with overload_flush on.
 */
void gw_src_gc(struct gw_net *gn)
{
	struct gw_src_flush fl = { .count = 0 };
	u32 now = (u32)jiffies;
	unsigned int i, w;

	if (!atomic_read(&gn->sources.overload_count))
		return;
	for (i = 0; i < GW_SRC_SETS; i++) {
		struct gw_src_set *set = &gn->sources.sets[i];

		spin_lock_bh(&set->lock);
		for (w = 0; w < GW_SRC_WAYS; w++) {
			struct gw_src_slot *slot = &set->slot[w];

			if (!slot->overloaded)
				continue;
			if (!gw_src_overload_active(slot, now)) {
				gw_src_unoverload(gn, slot, now);
			} else if (slot->flush && fl.count < GW_SRC_FLUSH_BATCH) {
				fl.family[fl.count] = slot->family;
				fl.prefix[fl.count++] = slot->prefix;
				slot->flush = 0;
			}
		}
		spin_unlock_bh(&set->lock);
		if (i % 128 == 127)
			cond_resched();
	}
	if (fl.count)
		gw_flowtable_flush_if(gn, gw_src_flush_match, &fl,
				      GW_FLOW_END_FLUSHED);
}

u32 gw_src_count(struct gw_net *gn)
{
	unsigned int i, w;
	u32 n = 0;

	if (!gw_flowtable_active(gn))
		return 0;
	for (i = 0; i < GW_SRC_SETS; i++) {
		spin_lock_bh(&gn->sources.sets[i].lock);
		for (w = 0; w < GW_SRC_WAYS; w++)
			n += !!gn->sources.sets[i].slot[w].family;
		spin_unlock_bh(&gn->sources.sets[i].lock);
	}
	return n;
}

/* The next overloaded source from slot *@pos on; false at the end. */
bool gw_overload_get(struct gw_net *gn, unsigned int *pos,
		     struct gw_overload_info *info)
{
	u32 now = (u32)jiffies;
	bool found = false;

	if (!gw_flowtable_active(gn))
		return false;
	for (; !found && *pos < GW_SRC_SETS * GW_SRC_WAYS; (*pos)++) {
		struct gw_src_set *set = &gn->sources.sets[*pos / GW_SRC_WAYS];
		struct gw_src_slot *slot = &set->slot[*pos % GW_SRC_WAYS];

		spin_lock_bh(&set->lock);
		if (gw_src_overload_active(slot, now)) {
			info->prefix = slot->prefix;
			info->family = slot->family;
			info->conns = slot->conns;
			info->seconds_left =
				DIV_ROUND_UP(slot->overload_until - now, HZ);
			found = true;
		}
		spin_unlock_bh(&set->lock);
	}
	return found;
}

/* Let a source (@all: every source) in again; how many were overloaded. */
unsigned int gw_overload_del(struct gw_net *gn, u8 family,
			     const union gw_addr *addr, bool all)
{
	u32 now = (u32)jiffies;
	unsigned int i, w, n = 0;
	union gw_addr prefix;

	if (!gw_flowtable_active(gn))
		return 0;
	if (!all) {
		struct gw_src_set *set;
		struct gw_src_slot *slot;

		gw_src_prefix(&prefix, addr, family);
		set = gw_src_set_of(gn, &prefix, family);
		spin_lock_bh(&set->lock);
		slot = gw_src_find(set, &prefix, family);
		if (slot && slot->overloaded) {
			n = gw_src_overload_active(slot, now);
			gw_src_unoverload(gn, slot, now);
		}
		spin_unlock_bh(&set->lock);
		return n;
	}
	for (i = 0; i < GW_SRC_SETS; i++) {
		struct gw_src_set *set = &gn->sources.sets[i];

		spin_lock_bh(&set->lock);
		for (w = 0; w < GW_SRC_WAYS; w++) {
			if (!set->slot[w].overloaded)
				continue;
			n += gw_src_overload_active(&set->slot[w], now);
			gw_src_unoverload(gn, &set->slot[w], now);
		}
		spin_unlock_bh(&set->lock);
	}
	return n;
}
