// SPDX-License-Identifier: GPL-2.0
/*
 * What a new flow must pass to get a place in the table: the half-open
 * budgets (max_halfopen, max_halfopen_dst, each direction its own), the
 * share of max_flows the outside may hold, and max_flows itself.  Past a
 * budget, a victim makes way (eviction) or the flow is refused; the table
 * only links what was admitted here.
 */
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/ratelimit.h>
#include <linux/rculist.h>

#include "pernet.h"
#include "flowtable.h"
#include "budget.h"
#include "verdict.h"
#include "reset.h"
#include "blocklist.h"
#include "core/flood.h"
#include "core/ticks.h"

/*
 * Eviction looks at the new flow's bucket and the next ones, as
 * nf_conntrack's early_drop does: these many buckets, ...
 */
#define GW_EVICT_MIN_BUCKETS	8
/*
 * ... on to this many while it has found no victim (empty bucket heads
 * cost little: 8 to a cache line) ...
 */
#define GW_EVICT_MAX_BUCKETS	64
/*
 * ... and never more entries than this in all, whatever the chains: the
 * most a packet that finds no room pays is a few lookups' worth.
 */
#define GW_EVICT_MAX_ENTRIES	64
/* Heads of a destination's half-open list tried before a SYN is refused. */
#define GW_HALFOPEN_HEAD_TRIES	4

/* "table full" is logged once a minute at most, in all namespaces */
static DEFINE_RATELIMIT_STATE(gw_table_full_rs, 60 * HZ, 1);

/* Still a handshake, counted in the budgets: one that may make way. */
static bool gw_flow_halfopen_victim(const struct gw_flow *flow)
{
	return READ_ONCE(flow->halfopen) && !gw_flow_closed(flow) &&
	       gw_tcp_state_halfopen(READ_ONCE(flow->tcp.state));
}

enum gw_evict_kind {
	GW_EVICT_HALFOPEN,	/* any handshake */
	GW_EVICT_EARLY,		/* unanswered or finished: never an answered one */
};

/*
 * How good a victim @flow is to make room for a new flow (@key, @flags)
 * under @kind: 0 if it is none, and among the others the higher the
 * better (enum gw_evict_rank).  The half-open budgets take only a
 * handshake in the new flow's direction; a new flow from wan takes only
 * one from wan, so the inside's flows never make way for the outside.
 * Lock-free, as a hint; gw_flow_evict() asks again under the flow's lock.
 */
static u8 gw_flow_evict_rank(const struct gw_net *gn, const struct gw_flow *flow,
			     enum gw_evict_kind kind,
			     const struct gw_flow_key *key, u8 flags, u32 now)
{
	bool inbound = flags & GW_FLOW_INBOUND;
	struct gw_tcp_conn tcp;
	struct gw_udp_conn udp;

	if ((kind != GW_EVICT_EARLY || inbound) &&
	    !(flow->flags & GW_FLOW_INBOUND) != !inbound)
		return GW_EVICT_NEVER;
	if (kind != GW_EVICT_EARLY) {
		/* counted in the budgets and still a handshake */
		if (!gw_flow_halfopen_victim(flow))
			return GW_EVICT_NEVER;
		return GW_EVICT_UNANSWERED;
	}
	if (gw_flow_closed(flow) || gw_flow_expired(gn, flow, now))
		return GW_EVICT_FINISHED;
	if (flow->key.proto == IPPROTO_TCP) {
		tcp.state = READ_ONCE(flow->tcp.state);
		tcp.seen_reply = READ_ONCE(flow->tcp.seen_reply);
		return gw_evict_rank_tcp(&tcp);
	}
	udp.seen_reply = READ_ONCE(flow->udp.seen_reply);
	udp.stream = READ_ONCE(flow->udp.stream);
	return gw_evict_rank_pseudo(&udp);
}

/*
 * Unlink @victim, picked under RCU (the caller's read side), if it is
 * still one @kind may evict for @key once judged again under its bucket
 * lock and its own lock, which every change of its state takes: a
 * handshake that completed, or a flow answered, in between is kept.  The
 * server is told if it was a handshake it is still waiting on.
 */
static bool gw_flow_evict_judged(struct gw_net *gn, struct gw_flow *victim,
				 unsigned int bucket, enum gw_evict_kind kind,
				 const struct gw_flow_key *key, u8 flags,
				 u32 now)
{
	spinlock_t *lock = gw_bucket_lock(gn, bucket);
	bool evicted = false, send = false;
	struct gw_reset reset;

	spin_lock_bh(lock);
	/* bucket lock, then flow lock: the order of reload's close */
	spin_lock(&victim->lock);
	if (!victim->dead &&
	    gw_flow_evict_rank(gn, victim, kind, key, flags, now) !=
	    GW_EVICT_NEVER) {
		send = gw_reset_prepare(victim, &reset);
		gw_flow_unlink(gn, victim, GW_FLOW_END_EVICTED);
		evicted = true;
	}
	spin_unlock(&victim->lock);
	spin_unlock_bh(lock);
	if (send)
		gw_reset_send(gn, &reset);
	return evicted;
}

/*
 * Make room for the flow @key: unlink the best victim @kind allows among
 * the new flow's bucket and the next few (GW_EVICT_*: never a scan of the
 * table, so a packet that finds no room costs a few lookups), and tell
 * the server if it was a handshake it is still waiting on.  The victim is
 * picked under RCU alone, so it is judged again under its bucket lock and
 * its own lock, which every change of its state takes: a handshake that
 * completed, or a flow answered, in between is never evicted.  False when
 * there was none to evict.  Admission runs only in the hooks (and a dry
 * judgement, under rcu_read_lock() too): their read-side section is ours.
 */
static bool gw_flow_evict(struct gw_net *gn, unsigned int bucket,
			  enum gw_evict_kind kind,
			  const struct gw_flow_key *key, u8 flags, u32 now)
{
	unsigned int i, victim_bucket = 0, seen = 0;
	struct gw_flow *flow, *victim = NULL;
	u8 rank, victim_rank = GW_EVICT_NEVER;
	u32 idle, victim_idle = 0;
	bool evicted = false;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "eviction outside RCU");
	for (i = 0; i < GW_EVICT_MAX_BUCKETS && i < gn->table.nbuckets; i++) {
		unsigned int b = (bucket + i) & (gn->table.nbuckets - 1);

		if (victim && i >= GW_EVICT_MIN_BUCKETS)
			break;
		hlist_for_each_entry_rcu(flow, &gn->table.buckets[b], node) {
			if (++seen > GW_EVICT_MAX_ENTRIES)
				goto picked;
			if (READ_ONCE(flow->dead))
				continue;
			rank = gw_flow_evict_rank(gn, flow, kind, key, flags,
						  now);
			if (rank == GW_EVICT_NEVER || rank < victim_rank)
				continue;
			idle = gw_ticks_since(now, READ_ONCE(flow->last_seen));
			if (rank > victim_rank || idle > victim_idle) {
				victim = flow;
				victim_rank = rank;
				victim_idle = idle;
				victim_bucket = b;
			}
		}
	}
picked:
	if (victim)
		evicted = gw_flow_evict_judged(gn, victim, victim_bucket, kind,
					       key, flags, now);
	return evicted;
}

/*
 * The handshake to @slot's destination (and direction: the new flow's,
 * @key and @flags) that began first makes way: the head of the slot's
 * list.  O(1), wherever in the table the handshakes of one destination
 * are.  A head that is no handshake any more (closed by a rule change,
 * say, and kept until it expires) leaves the budget and the next is
 * tried, a few at most.  False when none could go.
 */
static bool gw_halfopen_evict_oldest(struct gw_net *gn,
				     struct gw_halfopen_slot *slot,
				     const struct gw_flow_key *key, u8 flags,
				     u32 now)
{
	bool evicted = false;
	struct gw_flow *victim;
	unsigned int tries;

	/*
	 * A head cannot be freed before the hook's rcu_read_unlock(): it
	 * leaves the list before its unlink queues the free.
	 */
	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "eviction outside RCU");
	for (tries = 0; tries < GW_HALFOPEN_HEAD_TRIES; tries++) {
		spin_lock_bh(&slot->lock);
		victim = list_first_entry_or_null(&slot->fifo, struct gw_flow,
						  halfopen_link);
		spin_unlock_bh(&slot->lock);
		if (!victim)
			break;
		evicted = gw_flow_evict_judged(gn, victim,
					       gw_flow_hash(gn, &victim->key) &
					       (gn->table.nbuckets - 1),
					       GW_EVICT_HALFOPEN, key, flags,
					       now);
		if (evicted)
			break;
		/*
		 * Kept.  Closed, it is no handshake any more: out of the
		 * budget, try the next.  Gone meanwhile (dead), the next
		 * too.  Completed: its tracker is releasing it (and counts
		 * it against its source), so leave it and refuse this SYN.
		 */
		if (READ_ONCE(victim->dead) || gw_flow_closed(victim))
			gw_flow_halfopen_release(gn, victim);
		else
			break;
	}
	return evicted;
}

/*
 * A new handshake must fit the half-open budgets: past one, the handshake
 * waiting longest makes way, so a fresh SYN always gets a slot.  For the
 * direction's budget that is the oldest to the same destination if there
 * is one (a flood aims at a few services: theirs are the flood's), else
 * the longest idle one near the new flow's bucket.
 */
static bool gw_halfopen_admit(struct gw_net *gn, const struct gw_flow_key *key,
			      u8 flags, unsigned int bucket, u32 now,
			      enum gw_counter *why)
{
	u32 max_dst = gw_tunable(gn, GW_TUN_MAX_HALFOPEN_DST);
	u32 max = gw_tunable(gn, GW_TUN_MAX_HALFOPEN);
	struct gw_halfopen_slot *slot = gw_halfopen_slot(gn, key, flags);

	/* each direction has the budgets to itself */
	if (max_dst && READ_ONCE(slot->count) >= max_dst) {
		if (!gw_halfopen_evict_oldest(gn, slot, key, flags, now)) {
			*why = GW_CTR_DROP_HALFOPEN;
			return false;
		}
		gw_count(gn, GW_CTR_HALFOPEN_EVICTED);
	}
	if (max && gw_halfopen_dir_count(gn, flags) >= max) {
		if (!gw_halfopen_evict_oldest(gn, slot, key, flags, now) &&
		    !gw_flow_evict(gn, bucket, GW_EVICT_HALFOPEN, key, flags,
				   now)) {
			*why = GW_CTR_DROP_HALFOPEN;
			return false;
		}
		gw_count(gn, GW_CTR_HALFOPEN_EVICTED);
	}
	return true;
}

/* Take one of @max places counted in @count, by early drop if none is left. */
static bool gw_flow_reserve_in(struct gw_net *gn, atomic_t *count, u32 max,
			       const struct gw_flow_key *key, u8 flags,
			       unsigned int bucket, u32 now)
{
	if (atomic_inc_return(count) <= max)
		return true;
	atomic_dec(count);
	if (!gw_tunable(gn, GW_TUN_EARLY_DROP) ||
	    !gw_flow_evict(gn, bucket, GW_EVICT_EARLY, key, flags, now))
		return false;
	gw_count(gn, GW_CTR_EARLY_DROP);
	if (atomic_inc_return(count) <= max)
		return true;
	atomic_dec(count);
	return false;
}

/*
 * Take a place in the table.  A flow opened from wan takes one of the
 * max_inbound_share of max_flows the outside may hold, evicting only an
 * unanswered flow of its own side, so the rest stays the inside's whatever
 * the outside sends; then a place in the table, by early drop if it is
 * full.  False, with @why set, when there is no room.
 */
static bool gw_flow_reserve(struct gw_net *gn, const struct gw_flow_key *key,
			    u8 flags, unsigned int bucket, u32 now,
			    enum gw_counter *why)
{
	u32 max = gw_tunable(gn, GW_TUN_MAX_FLOWS);
	bool inbound = flags & GW_FLOW_INBOUND;
	unsigned int dying;

	/*
	 * Flows unlinked but not yet freed hold memory too: past max_flows
	 * of them the grace periods are not keeping up, and no flow from
	 * wan, nor its early drop (one more of them), may add to it.  The
	 * inside's flows are refused only at twice that, so an outside
	 * flood that churns the table never refuses the inside (its
	 * evictions stop at max_flows).  So the table holds at most three
	 * times max_flows, twice in an outside flood.  Without this a
	 * spoofed SYN flood on a kernel whose grace periods are slow
	 * (debug, PREEMPT_RT, overloaded) grew the slab without bound
	 * behind a table that never passed max_flows.
	 */
	dying = gw_flowtable_dying(gn);
	if (unlikely(dying >= max)) {
		if (inbound) {
			*why = GW_CTR_DROP_INBOUND_FULL;
			return false;
		}
		if (dying >= 2 * (u64)max) {
			*why = GW_CTR_DROP_TABLE_FULL;
			if (__ratelimit(&gw_table_full_rs))
				pr_warn("table full (%u flows freed, awaiting a grace period), dropping new flows (drop_table_full)\n",
					dying);
			return false;
		}
	}
	if (inbound) {
		u32 share = gw_tunable(gn, GW_TUN_MAX_INBOUND_SHARE);
		u32 cap = max_t(u32, (u64)max * share / 100, 1);

		/* 100 %: the table's own bound is the only one */
		if (share >= 100)
			atomic_inc(&gn->budgets.inbound_count);
		else if (!gw_flow_reserve_in(gn, &gn->budgets.inbound_count,
					     cap, key, flags, bucket, now)) {
			*why = GW_CTR_DROP_INBOUND_FULL;
			return false;
		}
	}
	if (gw_flow_reserve_in(gn, &gn->table.flow_count, max, key, flags,
			       bucket, now))
		return true;
	if (inbound)
		atomic_dec(&gn->budgets.inbound_count);
	*why = GW_CTR_DROP_TABLE_FULL;
	/* one line a minute, whatever the flood: the counter says the rest */
	if (__ratelimit(&gw_table_full_rs))
		pr_warn("table full (%u flows), dropping new flows (drop_table_full)\n",
			max);
	return false;
}

/* Give back what gw_flow_reserve() took, for a flow never linked. */
static void gw_flow_unreserve(struct gw_net *gn, u8 flags)
{
	if (flags & GW_FLOW_INBOUND)
		atomic_dec(&gn->budgets.inbound_count);
	atomic_dec(&gn->table.flow_count);
}

/*
 * Create the flow of a packet judged @ok (accepted, opening a flow) if the
 * budgets admit it: they are decided, and a victim evicted if need be,
 * before any memory is spent on the packet (gw_flow_insert()).  The flow
 * keeps @ok's rule, the handle of the rule that admitted it, and a
 * reference to that rule's counters @ctr (NULL: no rule), and is set
 * in @ok; with @raced set, it is the live one another CPU inserted first,
 * of which the packet is one more.  NULL when there is no flow: in a dry
 * judgement, with @ok as the rules and the tracker decided it (see struct
 * gw_judge), or refused, with @ok made the table's drop.  @ok's reason (a
 * rule admitted it, it was picked up) was counted before the table was
 * asked, and still is when the table refuses: it goes on as the prior.
 */
struct gw_flow *gw_flow_admit(const struct gw_judge *j,
			      const struct gw_flow_key *key, u32 hash, u8 flags,
			      int in_ifindex, struct gw_rule_ctr *ctr,
			      const struct gw_tcp_conn *tcp,
			      const struct gw_proxy_init *proxy,
			      struct gw_verdict *ok, bool *raced)
{
	struct gw_net *gn = j->gn;
	unsigned int bucket = hash & (gn->table.nbuckets - 1);
	u32 now = (u32)jiffies;
	struct gw_flow *flow;
	enum gw_counter why;

	*raced = false;
	if (j->dry)
		return NULL;
	if (gw_flow_opens_halfopen(tcp) &&
	    !gw_halfopen_admit(gn, key, flags, bucket, now, &why))
		goto refused;
	if (!gw_flow_reserve(gn, key, flags, bucket, now, &why))
		goto refused;
	if (!(flags & GW_FLOW_INBOUND)) {
		const union gw_addr *peer;
		u16 port;

		gw_key_responder(key, flags, &peer, &port);
		if (gw_block_addr(gn, key->family, peer))
			flags |= GW_FLOW_PEER_BLOCKED;
	}
	flow = gw_flow_insert(gn, key, hash, flags, in_ifindex, ok->rule, ctr,
			      tcp, proxy, now, &why, raced);
	/* not linked (refused, or another CPU's is): its place goes back */
	if (!flow || *raced)
		gw_flow_unreserve(gn, flags);
	if (!flow)
		goto refused;
	ok->flow = flow;
	return flow;

refused:
	*ok = gw_verdict_instead(gw_drop(why), *ok);
	return NULL;
}
