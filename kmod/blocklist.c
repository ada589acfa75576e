// SPDX-License-Identifier: GPL-2.0
/*
 * The blocklist and the never-block list of a namespace.
 *
 * Each list is one immutable table (core/blocklist.c: a sorted array, one
 * span per prefix length, looked up longest first), published with RCU.
 * Every change under gn->lock builds a new table, copying the old one
 * with the entry inserted or removed and the expired entries left out,
 * swaps the pointer and frees the old table after a grace period: the
 * packet path never locks, never allocates, and does at most one binary
 * search per prefix length present.  A change costs O(n), which is what
 * an admin command or a load can afford; max_block_entries bounds n.
 *
 * Timed entries carry their expiry and simply stop matching when it
 * passes; the collector drops them from the table once a second, with no
 * timer per entry.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/rcupdate.h>

#include "pernet.h"
#include "flowtable.h"
#include "blocklist.h"
#include "netlink.h"
#include "verdict.h"
#include "core/rule.h"

static struct gw_blocklist *gw_blocklist_alloc(u32 count)
{
	struct gw_blocklist *bl;

	bl = kvzalloc(size_add(struct_size(bl, hits, count),
			       array_size(count, sizeof(*bl->t.entry))),
		      GFP_KERNEL_ACCOUNT);
	if (!bl)
		return NULL;
	bl->t.entry = (struct gw_block_entry *)&bl->hits[count];
	bl->t.count = count;
	return bl;
}

static struct gw_blocklist *gw_block_locked(struct gw_net *gn, u8 kind)
{
	return rcu_dereference_protected(gn->block.list[kind],
					 lockdep_is_held(&gn->lock));
}

/*
 * Block-released events sent for one change of the list at most: a list
 * of a million timed entries may expire at once, and each event is an
 * atomic allocation made under gn->lock.  What is left over is still
 * gone, as `gwctl block list` shows.
 */
#define GW_BLOCK_RELEASED_EVENTS	64

struct gw_block_carry_arg {
	struct gw_net *gn;
	const struct gw_blocklist *old;
	struct gw_blocklist *bl;
	u32 now;
	u32 released;		/* events sent */
};

/*
 * Entry @i of the old table is entry @j of the new one (-1: gone): its
 * hits go on there; gone because it expired, it is released.
 */
static void gw_block_carry(void *arg, u32 i, long j)
{
	struct gw_block_carry_arg *a = arg;
	const struct gw_block_entry *e = &a->old->t.entry[i];
	u64 hits = atomic_long_read(&a->old->hits[i]);

	if (j >= 0)
		atomic_long_set(&a->bl->hits[j], hits);
	else if (e->timed && !gw_block_live(e, a->now) &&
		 a->released++ < GW_BLOCK_RELEASED_EVENTS)
		gw_notify_block_released(a->gn, e, hits);
}

/*
 * Publish @bl (NULL: empty) as @kind's list; the old one goes after RCU.
 * The hits of the entries it keeps are carried over first: what the old
 * table counts after that, until the grace period ends, is lost (the
 * drops of a moment, and only while the list changes).
 */
static void gw_block_replace_locked(struct gw_net *gn, u8 kind,
				    struct gw_blocklist *bl)
{
	struct gw_blocklist *old = gw_block_locked(gn, kind);
	struct gw_block_carry_arg carry = {
		.gn = gn, .old = old, .now = (u32)jiffies,
	};

	if (bl && !bl->t.count) {
		kvfree(bl);
		bl = NULL;
	}
	if (bl)
		gw_block_index(&bl->t);
	carry.bl = bl;
	if (old)
		gw_block_pair(&old->t, bl ? &bl->t : NULL, gw_block_carry,
			      &carry);
	rcu_assign_pointer(gn->block.list[kind], bl);
	/* a dump resumes by position: tell it the list moved under it */
	gn->block.gen++;
	/* timed entries: the collector expires them */
	if (bl && bl->t.ntimed && gw_flowtable_active(gn))
		gw_gc_kick(gn);
	if (old)
		kvfree_rcu(old, rcu);
}

void gw_blocklist_init(struct gw_net *gn)
{
	unsigned int k;

	for (k = 0; k < __GW_BLOCK_KIND_MAX; k++)
		RCU_INIT_POINTER(gn->block.list[k], NULL);
}

/* The hooks are gone: no reader is left. */
void gw_blocklist_exit(struct gw_net *gn)
{
	unsigned int k;

	for (k = 0; k < __GW_BLOCK_KIND_MAX; k++) {
		kvfree(rcu_dereference_protected(gn->block.list[k], 1));
		RCU_INIT_POINTER(gn->block.list[k], NULL);
	}
}

static const struct gw_block_entry *gw_block_match_rcu(struct gw_net *gn,
						       u8 kind, u8 family,
						       const union gw_addr *addr)
{
	const struct gw_blocklist *bl = rcu_dereference(gn->block.list[kind]);

	if (!bl)
		return NULL;
	return gw_block_lookup(&bl->t, family, addr, (u32)jiffies);
}

bool gw_never_block_match(struct gw_net *gn, u8 family,
			  const union gw_addr *addr)
{
	bool ret;

	if (!rcu_access_pointer(gn->block.list[GW_BLOCK_KIND_NEVER]))
		return false;
	rcu_read_lock();
	ret = gw_block_match_rcu(gn, GW_BLOCK_KIND_NEVER, family, addr);
	rcu_read_unlock();
	return ret;
}

/* Netfilter hooks run under rcu_read_lock(). */
bool gw_block_addr(struct gw_net *gn, u8 family, const union gw_addr *addr)
{
	if (likely(!rcu_access_pointer(gn->block.list[GW_BLOCK_KIND_BLOCK])))
		return false;
	if (!gw_block_match_rcu(gn, GW_BLOCK_KIND_BLOCK, family, addr))
		return false;
	return !gw_block_match_rcu(gn, GW_BLOCK_KIND_NEVER, family, addr);
}

bool gw_block_drop(const struct gw_judge *j, const struct gw_pkt *pkt)
{
	struct gw_blocklist *bl;
	const struct gw_block_entry *e;

	bl = rcu_dereference(j->gn->block.list[GW_BLOCK_KIND_BLOCK]);
	if (likely(!bl))
		return false;
	e = gw_block_lookup(&bl->t, pkt->family, &pkt->saddr, (u32)jiffies);
	if (!e || gw_block_match_rcu(j->gn, GW_BLOCK_KIND_NEVER, pkt->family,
				     &pkt->saddr))
		return false;
	/* one atomic on a source that is blocked anyway: no lock, no table */
	if (!j->dry)
		atomic_long_inc(&bl->hits[e - bl->t.entry]);
	return true;
}

/*
 * The flow an inbound packet belongs to, for the trackers, with the block
 * rule applied once for all of them: a flow a rule change closed is judged
 * as if it had never been (NULL); a packet of no flow, or of a flow whose
 * peer was blocked, is to be dropped (*@blocked; the caller's verdict says
 * drop_blocked) if its source is.  A
 * live flow's source is not blocked: blocking it cut the flow, so its
 * packets skip the blocklist search.  Under RCU.
 */
struct gw_flow *gw_flow_lookup_inbound(const struct gw_judge *j,
				       const struct gw_pkt *pkt,
				       struct gw_flow_key *key, u32 *hash,
				       bool *src_first, bool *blocked)
{
	struct gw_flow *flow;

	flow = gw_flow_lookup_pkt(j->gn, pkt, key, hash, src_first);
	if (flow && gw_flow_closed(flow))
		flow = NULL;
	*blocked = (!flow || gw_flow_peer_blocked(flow)) &&
		   gw_block_drop(j, pkt);
	return flow;
}

static u32 gw_block_live_count(const struct gw_blocklist *bl, u32 now)
{
	u32 i, n = 0;

	if (!bl)
		return 0;
	if (!bl->t.ntimed)
		return bl->t.count;
	for (i = 0; i < bl->t.count; i++)
		n += gw_block_live(&bl->t.entry[i], now);
	return n;
}

u32 gw_block_count(struct gw_net *gn, u8 kind)
{
	u32 n;

	rcu_read_lock();
	n = gw_block_live_count(rcu_dereference(gn->block.list[kind]),
				(u32)jiffies);
	rcu_read_unlock();
	return n;
}

/*
 * A copy of @old without its expired entries and without entry @skip
 * (-1: none), with room for @extra more.  NULL: out of memory.
 */
static struct gw_blocklist *gw_block_copy(const struct gw_blocklist *old,
					  long skip, u32 extra, u32 now)
{
	u32 i, n = 0, live = gw_block_live_count(old, now);
	struct gw_blocklist *bl;

	bl = gw_blocklist_alloc(live + extra);
	if (!bl)
		return NULL;
	for (i = 0; old && i < old->t.count; i++) {
		if ((long)i == skip || !gw_block_live(&old->t.entry[i], now))
			continue;
		bl->t.entry[n++] = old->t.entry[i];
	}
	bl->t.count = n;
	return bl;
}

/*
 * Put in place of @kind's list @old: a copy without the entry at @skip
 * (-1: none) and the expired ones, with @add (NULL: none) in its place in
 * the order.  Under gn->lock.
 */
static int gw_block_rewrite_locked(struct gw_net *gn, u8 kind,
				   const struct gw_blocklist *old, long skip,
				   const struct gw_block_entry *add, u32 now)
{
	struct gw_blocklist *bl = gw_block_copy(old, skip, add ? 1 : 0, now);
	u32 i;

	if (!bl)
		return -ENOMEM;
	if (add) {
		for (i = bl->t.count;
		     i > 0 && gw_block_cmp(&bl->t.entry[i - 1], add) > 0; i--)
			bl->t.entry[i] = bl->t.entry[i - 1];
		bl->t.entry[i] = *add;
		bl->t.count++;
	}
	gw_block_replace_locked(gn, kind, bl);
	return 0;
}

/* Where @key has a live entry in @old (NULL: empty), or -1. */
static long gw_block_find_live(const struct gw_blocklist *old,
			       const struct gw_block_entry *key, u32 now)
{
	long pos = old ? gw_block_find(&old->t, key) : -1;

	return pos >= 0 && gw_block_live(&old->t.entry[pos], now) ? pos : -1;
}

/* The outside end: who opened an inbound flow, who answers the rest. */
static const union gw_addr *gw_flow_outside(const struct gw_flow *flow)
{
	const union gw_addr *addr;
	u16 port;

	if (flow->flags & GW_FLOW_INBOUND)
		gw_flow_originator(flow, &addr, &port);
	else
		gw_flow_responder(flow, &addr, &port);
	return addr;
}

struct gw_block_flush_arg {
	struct gw_net *gn;
	const struct gw_block_entry *e;
};

static bool gw_block_flow_match(const struct gw_flow *flow, void *arg)
{
	const struct gw_block_flush_arg *a = arg;
	const union gw_addr *addr = gw_flow_outside(flow);

	return flow->key.family == a->e->family &&
	       gw_prefix_match(addr, &a->e->addr, a->e->plen) &&
	       !gw_never_block_match(a->gn, flow->key.family, addr);
}

int gw_block_add(struct gw_net *gn, u8 kind, u8 family,
		 const union gw_addr *addr, u8 plen, u32 timeout, u8 reason,
		 struct netlink_ext_ack *extack)
{
	struct gw_block_entry key = {
		.addr = *addr, .family = family, .plen = plen, .reason = reason,
	};
	struct gw_blocklist *old;
	u32 now = (u32)jiffies, total;
	int err;

	if (timeout) {
		key.timed = 1;
		key.timeout = timeout;
		key.expires = now + timeout * HZ;
	}
	mutex_lock(&gn->lock);
	old = gw_block_locked(gn, kind);
	if (gw_block_find_live(old, &key, now) >= 0) {
		mutex_unlock(&gn->lock);
		if (kind == GW_BLOCK_KIND_BLOCK)
			NL_SET_ERR_MSG(extack, "prefix is already in the blocklist");
		else
			NL_SET_ERR_MSG(extack,
				       "prefix is already in the never-block list");
		return -EEXIST;
	}
	total = gw_block_live_count(gw_block_locked(gn, GW_BLOCK_KIND_BLOCK),
				    now) +
		gw_block_live_count(gw_block_locked(gn, GW_BLOCK_KIND_NEVER),
				    now);
	if (total >= gw_tunable(gn, GW_TUN_MAX_BLOCK_ENTRIES)) {
		mutex_unlock(&gn->lock);
		NL_SET_ERR_MSG(extack,
			       "block and never-block lists are full (max_block_entries)");
		return -ENOSPC;
	}
	/* an expired entry of the same prefix is left out, as expired */
	err = gw_block_rewrite_locked(gn, kind, old, -1, &key, now);
	mutex_unlock(&gn->lock);
	if (err)
		return err;

	/*
	 * Established flows go too: the source is cut off now, and its flows
	 * do not linger in the table to come back when it is unblocked.
	 */
	if (kind == GW_BLOCK_KIND_BLOCK) {
		struct gw_block_flush_arg arg = { .gn = gn, .e = &key };

		gw_flowtable_flush_if(gn, gw_block_flow_match, &arg,
				      GW_FLOW_END_BLOCKED);
	}
	return 0;
}

int gw_block_del(struct gw_net *gn, u8 kind, u8 family,
		 const union gw_addr *addr, u8 plen,
		 struct netlink_ext_ack *extack)
{
	struct gw_block_entry key = {
		.addr = *addr, .family = family, .plen = plen,
	};
	struct gw_blocklist *old;
	u32 now = (u32)jiffies;
	long pos;
	int err;

	mutex_lock(&gn->lock);
	old = gw_block_locked(gn, kind);
	pos = gw_block_find_live(old, &key, now);
	if (pos < 0) {
		mutex_unlock(&gn->lock);
		if (kind == GW_BLOCK_KIND_BLOCK)
			NL_SET_ERR_MSG(extack, "prefix is not in the blocklist");
		else
			NL_SET_ERR_MSG(extack,
				       "prefix is not in the never-block list");
		return -ENOENT;
	}
	err = gw_block_rewrite_locked(gn, kind, old, pos, NULL, now);
	mutex_unlock(&gn->lock);
	if (err)
		return err;
	/* the sources it exempted may be blocked now: as if blocked now */
	if (kind == GW_BLOCK_KIND_NEVER)
		gw_block_flush_flows(gn);
	return 0;
}

void gw_block_flush(struct gw_net *gn, u8 kind)
{
	mutex_lock(&gn->lock);
	gw_block_replace_locked(gn, kind, NULL);
	mutex_unlock(&gn->lock);
	if (kind == GW_BLOCK_KIND_NEVER)
		gw_block_flush_flows(gn);
}

bool gw_block_get(struct gw_net *gn, u8 kind, unsigned long *pos,
		  struct gw_block_entry *out, u32 *remaining, u64 *hits,
		  u32 *gen)
{
	const struct gw_blocklist *bl;
	u32 now = (u32)jiffies;
	bool found = false;

	/*
	 * Under gn->lock, so a dump resumed by position sees the table it
	 * started on unless a change came between two of its messages: then
	 * @gen (gn->block.gen) differs and the dump is flagged
	 * NLM_F_DUMP_INTR (genl_dump_check_consistent()).
	 */
	mutex_lock(&gn->lock);
	*gen = gn->block.gen;
	bl = gw_block_locked(gn, kind);
	for (; bl && *pos < bl->t.count; (*pos)++) {
		const struct gw_block_entry *e = &bl->t.entry[*pos];

		if (!gw_block_live(e, now))
			continue;
		*out = *e;
		*remaining = e->timed ? DIV_ROUND_UP(e->expires - now, HZ) : 0;
		*hits = atomic_long_read(&bl->hits[*pos]);
		found = true;
		break;
	}
	mutex_unlock(&gn->lock);
	return found;
}

/*
 * The entry of @kind's list that holds @addr (its longest live prefix),
 * copied to @out with the seconds it has left (0: permanent), for the
 * explain command; false when there is none.  Under RCU.
 */
bool gw_block_find_addr(struct gw_net *gn, u8 kind, u8 family,
			const union gw_addr *addr, struct gw_block_entry *out,
			u32 *remaining)
{
	u32 now = (u32)jiffies;
	const struct gw_block_entry *e;

	e = gw_block_match_rcu(gn, kind, family, addr);
	if (!e)
		return false;
	*out = *e;
	*remaining = e->timed ? DIV_ROUND_UP(e->expires - now, HZ) : 0;
	return true;
}

/* Does a list hold entries that expire?  For the collector. */
bool gw_block_timed(struct gw_net *gn)
{
	const struct gw_blocklist *bl;
	bool timed = false;
	unsigned int k;

	rcu_read_lock();
	for (k = 0; k < __GW_BLOCK_KIND_MAX && !timed; k++) {
		bl = rcu_dereference(gn->block.list[k]);
		timed = bl && bl->t.ntimed;
	}
	rcu_read_unlock();
	return timed;
}

void gw_block_gc(struct gw_net *gn)
{
	u32 now = (u32)jiffies;
	unsigned int k;

	/* a load or a command holds the lock: next second, then */
	if (!mutex_trylock(&gn->lock))
		return;
	for (k = 0; k < __GW_BLOCK_KIND_MAX; k++) {
		struct gw_blocklist *old = gw_block_locked(gn, k);

		if (!old || !old->t.ntimed ||
		    gw_block_live_count(old, now) == old->t.count)
			continue;
		/* no memory: the expired entries wait for the next second */
		gw_block_rewrite_locked(gn, k, old, -1, NULL, now);
	}
	mutex_unlock(&gn->lock);
}

int gw_block_stage(struct gw_block_staged *st, u8 family,
		   const union gw_addr *addr, u8 plen)
{
	struct gw_block_entry *e;

	if (st->count == st->cap) {
		u32 cap = st->cap ? st->cap * 2 : 64;

		if (st->cap >= GW_BLOCK_ENTRIES_LIMIT)
			return -ENOSPC;
		cap = min(cap, GW_BLOCK_ENTRIES_LIMIT);
		e = kvmalloc_array(cap, sizeof(*e), GFP_KERNEL_ACCOUNT);
		if (!e)
			return -ENOMEM;
		if (st->count)
			memcpy(e, st->entry, st->count * sizeof(*e));
		kvfree(st->entry);
		st->entry = e;
		st->cap = cap;
	}
	e = &st->entry[st->count++];
	memset(e, 0, sizeof(*e));
	e->addr = *addr;
	e->family = family;
	e->plen = plen;
	return 0;
}

void gw_block_staged_free(struct gw_block_staged *st)
{
	kvfree(st->entry);
	memset(st, 0, sizeof(*st));
}

/*
 * @staged is one gw_block_staged per kind; @lists gets the new table of
 * each (NULL: empty).  The permanent block entries and the whole
 * never-block list are the staged ones; the timed block entries (state,
 * like the overload list) are kept.
 */
int gw_block_prepare_locked(struct gw_net *gn,
			    struct gw_block_staged *staged, u32 max_entries,
			    struct gw_blocklist **lists,
			    struct netlink_ext_ack *extack)
{
	const struct gw_blocklist *old;
	u32 now = (u32)jiffies, total = 0, i, n;
	unsigned int k;

	old = gw_block_locked(gn, GW_BLOCK_KIND_BLOCK);
	for (k = 0; k < __GW_BLOCK_KIND_MAX; k++) {
		u32 keep = 0;

		if (k == GW_BLOCK_KIND_BLOCK && old)
			keep = old->t.ntimed;
		lists[k] = NULL;
		if (!staged[k].count && !keep)
			continue;
		lists[k] = gw_blocklist_alloc(staged[k].count + keep);
		if (!lists[k])
			goto nomem;
		memcpy(lists[k]->t.entry, staged[k].entry,
		       staged[k].count * sizeof(*staged[k].entry));
		n = staged[k].count;
		for (i = 0; keep && i < old->t.count; i++) {
			const struct gw_block_entry *e = &old->t.entry[i];

			if (e->timed && gw_block_live(e, now))
				lists[k]->t.entry[n++] = *e;
		}
		lists[k]->t.count = gw_block_sort_unique(lists[k]->t.entry, n);
		total += lists[k]->t.count;
	}
	if (total > max_entries) {
		NL_SET_ERR_MSG(extack,
			       "more block and never-block entries than max_block_entries");
		for (k = 0; k < __GW_BLOCK_KIND_MAX; k++)
			kvfree(lists[k]);
		return -ENOSPC;
	}
	return 0;

nomem:
	while (k--)
		kvfree(lists[k]);
	NL_SET_ERR_MSG(extack, "out of memory building the blocklist");
	return -ENOMEM;
}

void gw_block_publish_locked(struct gw_net *gn, struct gw_blocklist **lists)
{
	unsigned int k;

	for (k = 0; k < __GW_BLOCK_KIND_MAX; k++)
		gw_block_replace_locked(gn, k, lists[k]);
}

static bool gw_block_flow_blocked(const struct gw_flow *flow, void *arg)
{
	const union gw_addr *addr = gw_flow_outside(flow);
	struct gw_net *gn = arg;
	bool ret;

	rcu_read_lock();
	ret = gw_block_match_rcu(gn, GW_BLOCK_KIND_BLOCK, flow->key.family,
				 addr) &&
	      !gw_block_match_rcu(gn, GW_BLOCK_KIND_NEVER, flow->key.family,
				  addr);
	rcu_read_unlock();
	return ret;
}

void gw_block_flush_flows(struct gw_net *gn)
{
	if (rcu_access_pointer(gn->block.list[GW_BLOCK_KIND_BLOCK]))
		gw_flowtable_flush_if(gn, gw_block_flow_blocked, gn,
				      GW_FLOW_END_BLOCKED);
}
