// SPDX-License-Identifier: GPL-2.0
/*
 * gatewarden's own connection table.
 *
 * A fixed array of buckets, allocated when the namespace gets its first
 * wan zone (gw_net_activate_locked()) and never resized, so an attacker
 * cannot make us reallocate under load.  Until then nbuckets is 0, so every
 * walk of the table is empty; it is published with a release store.  Lookups
 * walk a bucket under RCU; inserts and unlinks take one of a small array of
 * bucket locks.  The hash is siphash with a per-namespace random key, so no
 * one outside can aim collisions at one chain.  Entries expire lazily (a
 * lookup ignores an expired entry) and are reaped by an incremental
 * collector (kmod/gc.c) that runs in bounded slices, proportional to the
 * flows, and only while there are flows (or timed blocks, or overloaded
 * sources).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/sched.h>

#include "pernet.h"
#include "flowtable.h"
#include "core/flood.h"
#include "core/ticks.h"

#define GW_BUCKET_LOCKS		256
/* One collector run never holds the CPU for longer than this. */
#define GW_GC_BUDGET_MS		10
#define GW_GC_CHECK_EVERY	256

/* Is a walk of the table due a break after its @n-th bucket? */
static inline bool gw_walk_break_due(unsigned int n)
{
	return n % GW_GC_CHECK_EVERY == GW_GC_CHECK_EVERY - 1;
}

/*
 * A collector run scans this many buckets per flow, so a busy table costs
 * what its flows cost; but never fewer than a full pass every
 * GW_GC_SWEEP_SECONDS needs, so an entry expires at most that late however
 * few flows share a large table (a full table of a few TIME_WAIT entries
 * must free up in seconds, not in nbuckets / flows seconds).  An empty
 * namespace runs no collector at all (gw_gc_kick()).
 */
#define GW_GC_BUCKETS_PER_FLOW	4
#define GW_GC_SWEEP_SECONDS	8
#define GW_GC_MIN_BUCKETS	1024
/* Seconds a flow picked up mid-stream may live without a reply. */
#define GW_PICKUP_UNREPLIED_MAX	300
/* Adaptive timeouts never shrink a handshake's below this. */
#define GW_HALFOPEN_MIN_TIMEOUT	HZ

static struct kmem_cache *gw_flow_cache __read_mostly;
static const struct gw_flow_ops *gw_flow_ops __read_mostly;
/* Batches of freed flows wait for their grace period here (rmmod drains). */
static struct workqueue_struct *gw_reap_wq __read_mostly;

static unsigned int gw_hashsize __read_mostly;
module_param_named(hashsize, gw_hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "flow table buckets per namespace (0: from memory size)");

int gw_flowtable_module_init(const struct gw_flow_ops *ops)
{
	/*
	 * The size promise; debug kernels grow the spinlock, so not there.
	 * 136, not 128, since the half-open list link: not cache-aligned,
	 * which would round it to 192 (issue 18 is to win the 8 back); 144
	 * since the SYN proxy's translation, which a proxied flow must find
	 * with no allocation and no pointer to follow; 152 since its rule's
	 * counters, which every packet of an inbound flow bumps.
	 */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_DEBUG_SPINLOCK) &&
		     !IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC) &&
		     sizeof(struct gw_flow) > 152);
	gw_flow_ops = ops;
	gw_reap_wq = alloc_workqueue("gw_reap", WQ_UNBOUND, 0);
	if (!gw_reap_wq)
		return -ENOMEM;
	gw_flow_cache = KMEM_CACHE(gw_flow, 0);
	if (!gw_flow_cache) {
		destroy_workqueue(gw_reap_wq);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Callers have waited for every pending RCU callback (rcu_barrier()), so
 * every batch of freed flows is queued or done; the last ones run now.
 */
void gw_flowtable_module_exit(void)
{
	destroy_workqueue(gw_reap_wq);
	kmem_cache_destroy(gw_flow_cache);
}

unsigned int gw_flowtable_entry_size(void)
{
	return kmem_cache_size(gw_flow_cache);
}

/* gw_table_buckets() says how many, and why that many. */
static unsigned int gw_default_buckets(void)
{
	return gw_table_buckets((u64)totalram_pages() << PAGE_SHIFT,
				gw_hashsize);
}

/* From the size the table will have, allocated or not. */
u32 gw_flowtable_default_max(const struct gw_net *gn)
{
	return min_t(u32, gw_default_buckets() * 4U, GW_MAX_FLOWS_LIMIT);
}

u32 gw_flow_hash(const struct gw_net *gn, const struct gw_flow_key *key)
{
	return (u32)siphash(key, sizeof(*key), &gn->table.hash_key);
}

spinlock_t *gw_bucket_lock(struct gw_net *gn, unsigned int bucket)
{
	return &gn->table.bucket_locks[bucket & (GW_BUCKET_LOCKS - 1)];
}

spinlock_t *gw_flow_bucket_lock(struct gw_net *gn, u32 hash)
{
	return gw_bucket_lock(gn, hash & (gn->table.nbuckets - 1));
}

/* UDP, ICMP echo and other protocols: no states, a timeout each. */
static u32 gw_pseudo_timeout_jiffies(const struct gw_net *gn,
				     const struct gw_flow *flow)
{
	enum gw_tunable t;

	switch (flow->key.proto) {
	case IPPROTO_UDP:
		t = READ_ONCE(flow->udp.stream) ? GW_TUN_UDP_STREAM :
						  GW_TUN_UDP_UNREPLIED;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		t = GW_TUN_ICMP;
		break;
	default:
		t = GW_TUN_OTHER;
		break;
	}
	return gw_tunable(gn, t) * HZ;
}

/*
 * The handshakes in progress in the direction of a flow with @flags: each
 * direction has its own budget and its own adaptive timeouts, so a SYN
 * flood from wan never shortens or evicts the inside's own handshakes.
 */
u32 gw_halfopen_dir_count(const struct gw_net *gn, u8 flags)
{
	int in = atomic_read(&gn->budgets.halfopen_inbound);
	int all;

	if (flags & GW_FLOW_INBOUND)
		return max(in, 0);
	all = atomic_read(&gn->budgets.halfopen_count);
	return all > in ? all - in : 0;
}

static u32 gw_flow_timeout_jiffies(const struct gw_net *gn,
				   const struct gw_flow *flow)
{
	static const u8 tunable_of_state[__GW_TCP_STATE_MAX] = {
		[GW_TCP_NONE] = GW_TUN_TCP_CLOSE,
		[GW_TCP_SYN_SENT] = GW_TUN_TCP_SYN_SENT,
		[GW_TCP_SYN_RECV] = GW_TUN_TCP_SYN_RECV,
		[GW_TCP_ESTABLISHED] = GW_TUN_TCP_ESTABLISHED,
		[GW_TCP_FIN_WAIT] = GW_TUN_TCP_FIN_WAIT,
		[GW_TCP_CLOSE_WAIT] = GW_TUN_TCP_CLOSE_WAIT,
		[GW_TCP_LAST_ACK] = GW_TUN_TCP_LAST_ACK,
		[GW_TCP_TIME_WAIT] = GW_TUN_TCP_TIME_WAIT,
		[GW_TCP_CLOSE] = GW_TUN_TCP_CLOSE,
		[GW_TCP_SYN_SENT2] = GW_TUN_TCP_SYN_SENT,
	};
	u8 state;
	u32 timeout;

	if (flow->key.proto != IPPROTO_TCP)
		return gw_pseudo_timeout_jiffies(gn, flow);
	/* both ends were reset: remembered as TIME_WAIT remembers */
	if (gw_flow_closed(flow))
		return gw_tunable(gn, GW_TUN_TCP_TIME_WAIT) * HZ;
	state = READ_ONCE(flow->tcp.state);
	if (state > GW_TCP_STATE_MAX)
		state = GW_TCP_CLOSE;
	timeout = gw_tunable(gn, tunable_of_state[state]) * HZ;
	if (state == GW_TCP_SYN_SENT || state == GW_TCP_SYN_RECV ||
	    state == GW_TCP_SYN_SENT2) {
		u32 scaled = gw_adaptive_timeout(timeout,
				gw_halfopen_dir_count(gn, flow->flags),
				gw_tunable(gn, GW_TUN_HALFOPEN_ADAPTIVE_START),
				gw_tunable(gn, GW_TUN_HALFOPEN_ADAPTIVE_END));

		timeout = max_t(u32, scaled,
				min_t(u32, timeout, GW_HALFOPEN_MIN_TIMEOUT));
	}
	/* adopted mid-stream and never answered: not for days */
	if ((READ_ONCE(flow->tcp.flags) & GW_TCP_CONN_PICKED_UP) &&
	    !READ_ONCE(flow->tcp.seen_reply))
		timeout = min_t(u32, timeout, GW_PICKUP_UNREPLIED_MAX * HZ);
	return timeout;
}

bool gw_flow_expired(const struct gw_net *gn, const struct gw_flow *flow,
		     u32 now)
{
	return gw_ticks_expired(now, READ_ONCE(flow->last_seen),
				gw_flow_timeout_jiffies(gn, flow));
}

u32 gw_flow_timeout_left(const struct gw_net *gn, const struct gw_flow *flow,
			 u32 now)
{
	u32 idle = gw_ticks_since(now, READ_ONCE(flow->last_seen));
	u32 timeout = gw_flow_timeout_jiffies(gn, flow);

	return idle >= timeout ? 0 : (timeout - idle) / HZ;
}

struct gw_flow *gw_flow_lookup(struct gw_net *gn,
			       const struct gw_flow_key *key, u32 hash)
{
	struct hlist_head *head =
		&gn->table.buckets[hash & (gn->table.nbuckets - 1)];
	u32 now = (u32)jiffies;
	struct gw_flow *flow;

	hlist_for_each_entry_rcu(flow, head, node) {
		if (!gw_flow_key_equal(&flow->key, key))
			continue;
		if (READ_ONCE(flow->dead) || gw_flow_expired(gn, flow, now))
			return NULL;
		return flow;
	}
	return NULL;
}

/*
 * The live flow @pkt belongs to, or NULL, and what a tracker needs to
 * create or step one: the key, its hash and whether @pkt's source is the
 * key's first endpoint.  Under RCU.
 */
struct gw_flow *gw_flow_lookup_pkt(struct gw_net *gn, const struct gw_pkt *pkt,
				   struct gw_flow_key *key, u32 *hash,
				   bool *src_first)
{
	*src_first = gw_flow_key_from_pkt(key, pkt);
	*hash = gw_flow_hash(gn, key);
	return gw_flow_lookup(gn, key, *hash);
}

/* gw_reaper.flags */
#define GW_REAPER_BUSY	0
/* The reaper yields the CPU this often while it frees a batch. */
#define GW_REAP_RESCHED_EVERY	1024

static unsigned int gw_flow_free_list(struct llist_node *list)
{
	struct gw_flow *flow, *tmp;
	unsigned int n = 0;

	llist_for_each_entry_safe(flow, tmp, list, reap) {
		gw_rule_ctr_put(flow->ctr);
		kmem_cache_free(gw_flow_cache, flow);
		if (++n % GW_REAP_RESCHED_EVERY == 0)
			cond_resched();
	}
	return n;
}

static void gw_reaper_put(struct gw_reaper *reaper)
{
	if (refcount_dec_and_test(&reaper->refs))
		kfree(reaper);
}

/*
 * Send the graveyard's flows, all unlinked already, to be freed after a
 * grace period, unless a batch is on its way (it sends the rest when it
 * is done) or the namespace is going (.exit frees them).  Any context.
 */
static void gw_reaper_kick(struct gw_reaper *reaper)
{
	/* BUSY guards @reaping; the work's clear_bit_unlock() releases it */
	if (test_and_set_bit_lock(GW_REAPER_BUSY, &reaper->flags))
		return;
	if (READ_ONCE(reaper->dismantling)) {
		clear_bit_unlock(GW_REAPER_BUSY, &reaper->flags);
		return;
	}
	refcount_inc(&reaper->refs);
	reaper->reaping = llist_del_all(&reaper->graveyard);
	/*
	 * Unlinked before the grace period that queue_rcu_work() starts:
	 * once it has passed, no reader can hold one.  The work is never
	 * pending here (BUSY was clear), so the grace period is a full one.
	 */
	WARN_ON_ONCE(!queue_rcu_work(gw_reap_wq, &reaper->work));
}

static void gw_reaper_work(struct work_struct *work)
{
	struct gw_reaper *reaper = container_of(to_rcu_work(work),
						struct gw_reaper, work);

	atomic_sub(gw_flow_free_list(reaper->reaping), &reaper->dying);
	reaper->reaping = NULL;
	clear_bit_unlock(GW_REAPER_BUSY, &reaper->flags);
	/* a flow added while BUSY was set found it set: send it now */
	smp_mb__after_atomic();
	if (!llist_empty(&reaper->graveyard))
		gw_reaper_kick(reaper);
	gw_reaper_put(reaper);
}

unsigned int gw_flowtable_dying(const struct gw_net *gn)
{
	return atomic_read(&gn->table.reaper->dying);
}

void gw_flow_originator(const struct gw_flow *flow,
			const union gw_addr **addr, u16 *port)
{
	unsigned int i = flow->flags & GW_FLOW_ORIG_FIRST ? 0 : 1;

	*addr = &flow->key.addr[i];
	*port = flow->key.port[i];
}

void gw_flow_responder(const struct gw_flow *flow, const union gw_addr **addr,
		       u16 *port)
{
	unsigned int i = flow->flags & GW_FLOW_ORIG_FIRST ? 1 : 0;

	*addr = &flow->key.addr[i];
	*port = flow->key.port[i];
}

struct gw_halfopen_slot *
gw_halfopen_slot(struct gw_net *gn, const struct gw_flow_key *key, u8 flags)
{
	struct {
		union gw_addr addr;
		u16 port;
		u8 family;
		u8 inbound;	/* each direction has its own budgets */
	} dst;
	const union gw_addr *addr;
	u16 port;

	gw_key_responder(key, flags, &addr, &port);
	memset(&dst, 0, sizeof(dst));
	dst.addr = *addr;
	dst.port = port;
	dst.family = key->family;
	dst.inbound = !!(flags & GW_FLOW_INBOUND);
	return &gn->budgets.halfopen_dst[siphash(&dst, sizeof(dst),
						 &gn->table.hash_key) &
					 (GW_HALFOPEN_DST_SLOTS - 1)];
}

/*
 * @flow leaves the half-open budgets, if it was in them, exactly once:
 * whoever clears @halfopen under the slot's lock takes it off the slot's
 * list, before gw_flow_unlink() can put it in the graveyard.
 */
bool gw_flow_halfopen_release(struct gw_net *gn, struct gw_flow *flow)
{
	struct gw_halfopen_slot *slot;

	if (!READ_ONCE(flow->halfopen))
		return false;
	slot = gw_halfopen_slot(gn, &flow->key, flow->flags);
	spin_lock_bh(&slot->lock);
	if (!flow->halfopen) {
		spin_unlock_bh(&slot->lock);
		return false;
	}
	WRITE_ONCE(flow->halfopen, 0);
	list_del(&flow->halfopen_link);
	WRITE_ONCE(slot->count, slot->count - 1);
	spin_unlock_bh(&slot->lock);
	atomic_dec(&gn->budgets.halfopen_count);
	if (flow->flags & GW_FLOW_INBOUND)
		atomic_dec(&gn->budgets.halfopen_inbound);
	return true;
}

/*
 * The tracker has moved @flow on: if that ended its handshake, it leaves
 * the half-open budgets.  True when it did so now, as an established
 * connection (the caller counts it against its source).  Established
 * flows pay one byte read here, nothing else.
 */
bool gw_flow_handshake_done(struct gw_net *gn, struct gw_flow *flow)
{
	u8 state;

	if (likely(!READ_ONCE(flow->halfopen)))
		return false;
	state = READ_ONCE(flow->tcp.state);
	if (gw_tcp_state_halfopen(state))
		return false;
	return gw_flow_halfopen_release(gn, flow) &&
	       state == GW_TCP_ESTABLISHED;
}

/*
 * Why an expired @flow ends: how its TCP connection finished, when it did
 * (TIME_WAIT after both FINs, CLOSE after a reset), else its timeout.
 */
static u8 gw_flow_end_reason(const struct gw_flow *flow)
{
	if (flow->key.proto == IPPROTO_TCP) {
		switch (READ_ONCE(flow->tcp.state)) {
		case GW_TCP_TIME_WAIT:
			return GW_FLOW_END_CLOSED;
		case GW_TCP_CLOSE:
			return GW_FLOW_END_RESET;
		}
	}
	return GW_FLOW_END_TIMEOUT;
}

/* Its stragglers may come yet: tell the policy above (scan detection). */
static void gw_flow_gone(struct gw_net *gn, const struct gw_flow *flow)
{
	gw_flow_ops->gone(gn, flow, gw_flow_hash(gn, &flow->key));
}

/*
 * Caller holds the flow's bucket lock.  @end: why it goes (enum
 * gw_flow_end), for its event; a tombstone had its event when it closed.
 * Either way its tuple goes to the stragglers' bitmap (gw_flow_gone()).
 */
void gw_flow_unlink(struct gw_net *gn, struct gw_flow *flow, u8 end)
{
	WRITE_ONCE(flow->dead, 1);
	hlist_del_rcu(&flow->node);
	gw_flow_gone(gn, flow);
	gw_flow_halfopen_release(gn, flow);
	if (flow->flags & GW_FLOW_SRC_COUNTED)
		gw_flow_ops->src_close(gn, flow);
	if (flow->flags & GW_FLOW_INBOUND)
		atomic_dec(&gn->budgets.inbound_count);
	atomic_dec(&gn->table.flow_count);
	/* before the graveyard: the namespace's exit frees it from there */
	if (end != GW_FLOW_END_SILENT && !gw_flow_closed(flow))
		gw_flow_ops->event(gn, flow, GW_EVENT_FLOW_END, end);
	/* readers may hold it until a grace period has passed */
	atomic_inc(&gn->table.reaper->dying);
	llist_add(&flow->reap, &gn->table.reaper->graveyard);
	gw_reaper_kick(gn->table.reaper);
}

static bool gw_flow_replaceable(const struct gw_net *gn,
				const struct gw_flow *flow, u32 now)
{
	u8 state;

	if (gw_flow_expired(gn, flow, now))
		return true;
	if (flow->key.proto != IPPROTO_TCP)
		return false;
	state = READ_ONCE(flow->tcp.state);
	return state == GW_TCP_TIME_WAIT || state == GW_TCP_CLOSE;
}

/*
 * May the new flow (@flags, @tcp) take the place of the closed @old?  Only
 * one a rule admitted just now, or a TCP connection opened by a SYN: never
 * a pickup or a datagram from inside, which would open again the very
 * connection reload_policy closed.
 */
static bool gw_flow_reopens_closed(u8 flags, const struct gw_tcp_conn *tcp)
{
	if (flags & GW_FLOW_INBOUND)
		return true;
	return tcp && !(tcp->flags & GW_TCP_CONN_PICKED_UP);
}

/*
 * Create the flow for @key, which the budgets admitted (gw_flow_admit(),
 * which gives its place back unless the new flow is linked): a TCP one in
 * state @tcp, or a pseudo-connection when @tcp is NULL.  An expired or
 * finished entry for the same tuple is replaced.  If another CPU inserted
 * a live entry for the tuple first, that entry is returned instead and
 * @raced is set (the caller cleared it).  NULL, with @why set, when the
 * flow cannot be linked.  @in_ifindex: where an inbound flow came in,
 * @rule: the handle of the rule that admitted it; 0 for an outbound one;
 * @ctr: that rule's counters, of which the linked flow takes a reference
 * (NULL: none), put when the flow is freed.
 */
struct gw_flow *gw_flow_insert(struct gw_net *gn, const struct gw_flow_key *key,
			       u32 hash, u8 flags, int in_ifindex, u32 rule,
			       struct gw_rule_ctr *ctr,
			       const struct gw_tcp_conn *tcp,
			       const struct gw_proxy_init *proxy, u32 now,
			       enum gw_counter *why, bool *raced)
{
	unsigned int bucket = hash & (gn->table.nbuckets - 1);
	struct hlist_head *head = &gn->table.buckets[bucket];
	spinlock_t *lock = gw_bucket_lock(gn, bucket);
	bool halfopen = gw_flow_opens_halfopen(tcp);
	struct gw_flow *flow, *old;
	struct hlist_node *tmp;

	flow = kmem_cache_alloc(gw_flow_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!flow) {
		*why = GW_CTR_DROP_NOMEM;
		return NULL;
	}
	flow->key = *key;
	spin_lock_init(&flow->lock);
	flow->last_seen = now;
	flow->packets[GW_DIR_ORIGINAL] = 1;
	flow->packets[GW_DIR_REPLY] = 0;
	if (tcp) {
		flow->tcp = *tcp;
	} else {
		memset(&flow->tcp, 0, sizeof(flow->tcp));
		gw_udp_init(&flow->udp, now);
	}
	flow->flags = flags;
	flow->dead = 0;
	flow->halfopen = halfopen;
	flow->in_ifindex = in_ifindex;
	flow->rule = rule;
	flow->ctr = NULL;
	/* a proxied flow is whole before any CPU can find it */
	if (proxy) {
		flow->proxy = GW_PROXY_WAIT | proxy->wscale << 4;
		flow->seqadj.seq_delta = proxy->cookie_isn;
		flow->seqadj.ts_delta = proxy->cookie_tsval;
	} else {
		flow->proxy = GW_PROXY_NONE;
		flow->seqadj.seq_delta = 0;
		flow->seqadj.ts_delta = 0;
	}

	spin_lock_bh(lock);
	hlist_for_each_entry_safe(old, tmp, head, node) {
		if (!gw_flow_key_equal(&old->key, key))
			continue;
		if (gw_flow_closed(old) && !gw_flow_expired(gn, old, now) &&
		    !gw_flow_reopens_closed(flags, tcp)) {
			/* the inside end insists: keep the tuple shut longer */
			WRITE_ONCE(old->last_seen, now);
			*why = GW_CTR_DROP_POLICY_CLOSED;
			old = NULL;
			goto out_unused;
		}
		if (!gw_flow_closed(old) && !gw_flow_replaceable(gn, old, now)) {
			*raced = true;
			goto out_unused;
		}
		gw_flow_unlink(gn, old, gw_flow_expired(gn, old, now) ?
				   gw_flow_end_reason(old) :
				   GW_FLOW_END_REUSED);
		gw_count(gn, GW_CTR_FLOW_EXPIRED);
	}
	if (halfopen) {
		struct gw_halfopen_slot *slot = gw_halfopen_slot(gn, key, flags);

		atomic_inc(&gn->budgets.halfopen_count);
		if (flags & GW_FLOW_INBOUND)
			atomic_inc(&gn->budgets.halfopen_inbound);
		spin_lock(&slot->lock);
		list_add_tail(&flow->halfopen_link, &slot->fifo);
		WRITE_ONCE(slot->count, slot->count + 1);
		spin_unlock(&slot->lock);
	}
	/* only a linked flow holds one: nothing to give back above */
	if (ctr) {
		gw_rule_ctr_get(ctr);
		flow->ctr = ctr;
	}
	/* before any CPU can find it, and so step it or end it */
	gw_flow_ops->event(gn, flow, GW_EVENT_FLOW_NEW, 0);
	hlist_add_head_rcu(&flow->node, head);
	spin_unlock_bh(lock);
	gw_count(gn, GW_CTR_FLOW_CREATED);
	gw_gc_kick(gn);
	return flow;

out_unused:
	/* refused, or another CPU's entry wins: ours was never linked */
	spin_unlock_bh(lock);
	kmem_cache_free(gw_flow_cache, flow);
	return old;
}

/*
 * Forget @flow now (a reset before any reply, ...), unless already gone;
 * @end says why.
 */
void gw_flow_remove(struct gw_net *gn, struct gw_flow *flow, u32 hash,
		    u8 end)
{
	spinlock_t *lock = gw_bucket_lock(gn, hash & (gn->table.nbuckets - 1));

	spin_lock_bh(lock);
	if (!flow->dead)
		gw_flow_unlink(gn, flow, end);
	spin_unlock_bh(lock);
}

/*
 * Unlink the expired entries of one bucket.  A handshake the collector
 * expires is one the server may still hold in its backlog: @walk, if any,
 * tells it with a reset, as the client would have.  (A flush unlinks
 * every entry: gw_flowtable_flush_if().)
 */
static void gw_flowtable_reap_bucket(struct gw_net *gn, unsigned int bucket,
				     u32 now, struct gw_flow_walk *walk)
{
	spinlock_t *lock = gw_bucket_lock(gn, bucket);
	struct gw_flow *flow;
	struct hlist_node *tmp;

	spin_lock_bh(lock);
	hlist_for_each_entry_safe(flow, tmp, &gn->table.buckets[bucket],
				  node) {
		if (!gw_flow_expired(gn, flow, now))
			continue;
		if (walk)
			walk->leaving(walk, flow);
		gw_flow_unlink(gn, flow, gw_flow_end_reason(flow));
		gw_count(gn, GW_CTR_FLOW_EXPIRED);
	}
	spin_unlock_bh(lock);
	if (walk)
		walk->unlocked(walk, gn);
}

/*
 * One slice of the collector (kmod/gc.c): unlink what expired in a share
 * of the buckets, from where the last slice stopped, telling @walk of each.
 */
void gw_flowtable_expire(struct gw_net *gn, struct gw_flow_walk *walk)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(GW_GC_BUDGET_MS);
	unsigned int bucket = gn->gc.cursor;
	unsigned int scanned, budget;
	u32 now = (u32)jiffies;

	/* work in proportion to the flows, not to the table's size */
	budget = max_t(u64, (u64)atomic_read(&gn->table.flow_count) *
		       GW_GC_BUCKETS_PER_FLOW,
		       gn->table.nbuckets / GW_GC_SWEEP_SECONDS);
	budget = clamp_t(u64, budget, GW_GC_MIN_BUCKETS, gn->table.nbuckets);
	for (scanned = 0; scanned < budget; scanned++) {
		if (!hlist_empty(&gn->table.buckets[bucket]))
			gw_flowtable_reap_bucket(gn, bucket, now, walk);
		bucket = (bucket + 1) & (gn->table.nbuckets - 1);
		if (gw_walk_break_due(scanned)) {
			if (time_after(jiffies, deadline))
				break;
			cond_resched();
		}
	}
	gn->gc.cursor = bucket;
}

/*
 * The first bucket from @bucket on that holds a flow, for a walk of the
 * whole table in process context: it breaks every GW_GC_CHECK_EVERY
 * buckets, empty ones included, so a large table that holds few flows
 * does not keep the CPU either.
 */
static unsigned int gw_busy_bucket_from(struct gw_net *gn,
					unsigned int bucket)
{
	for (; bucket < gn->table.nbuckets; bucket++) {
		if (gw_walk_break_due(bucket))
			cond_resched();
		if (!hlist_empty(&gn->table.buckets[bucket]))
			break;
	}
	return bucket;
}

#define gw_for_each_busy_bucket(gn, bucket)				\
	for (bucket = gw_busy_bucket_from(gn, 0);			\
	     bucket < (gn)->table.nbuckets;				\
	     bucket = gw_busy_bucket_from(gn, bucket + 1))

static bool gw_flow_match_all(const struct gw_flow *flow, void *arg)
{
	return true;
}

/*
 * Unlink every flow, in process context; @end: why
 * (GW_FLOW_END_SILENT: the namespace goes).
 */
void gw_flowtable_flush(struct gw_net *gn, u8 end)
{
	gw_flowtable_flush_if(gn, gw_flow_match_all, NULL, end);
}

/*
 * Unlink every flow @match selects (overload_flush, a block), in process
 * context; @end says why.
 */
void gw_flowtable_flush_if(struct gw_net *gn,
			   bool (*match)(const struct gw_flow *flow, void *arg),
			   void *arg, u8 end)
{
	struct gw_flow *flow;
	struct hlist_node *tmp;
	unsigned int bucket;

	if (!gw_flowtable_active(gn))
		return;
	gw_for_each_busy_bucket(gn, bucket) {
		spinlock_t *lock = gw_bucket_lock(gn, bucket);

		spin_lock_bh(lock);
		hlist_for_each_entry_safe(flow, tmp,
					  &gn->table.buckets[bucket], node)
			if (match(flow, arg))
				gw_flow_unlink(gn, flow, end);
		spin_unlock_bh(lock);
	}
}

/*
 * Does @match select a flow of the table?  A read-only walk under RCU, in
 * process context, with a break every GW_GC_CHECK_EVERY buckets.
 */
bool gw_flowtable_any(struct gw_net *gn,
		      bool (*match)(const struct gw_flow *flow, void *arg),
		      void *arg)
{
	struct gw_flow *flow;
	unsigned int bucket;
	bool found = false;

	if (!gw_flowtable_active(gn))
		return false;
	rcu_read_lock();
	for (bucket = 0; bucket < gn->table.nbuckets && !found; bucket++) {
		hlist_for_each_entry_rcu(flow, &gn->table.buckets[bucket],
					 node) {
			if (match(flow, arg)) {
				found = true;
				break;
			}
		}
		if (gw_walk_break_due(bucket)) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * Make @flow a tombstone (GW_FLOW_CLOSED): it leaves the half-open and
 * per-source budgets at once, and lives on, for its timeout from now,
 * only to keep its tuple shut.  Caller holds the bucket lock.
 */
static void gw_flow_close_locked(struct gw_net *gn, struct gw_flow *flow,
				 u32 now)
{
	WRITE_ONCE(flow->flags, flow->flags | GW_FLOW_CLOSED);
	/*
	 * Its end, as far as anyone watching is concerned (none at unlink),
	 * once it is closed: a state change racing with us then sends
	 * nothing after it (gw_flowev_send()).
	 */
	gw_flow_ops->event(gn, flow, GW_EVENT_FLOW_END, GW_FLOW_END_POLICY);
	WRITE_ONCE(flow->last_seen, now);
	gw_flow_gone(gn, flow);
	gw_flow_halfopen_release(gn, flow);
	if (flow->flags & GW_FLOW_SRC_COUNTED) {
		WRITE_ONCE(flow->flags, flow->flags & ~GW_FLOW_SRC_COUNTED);
		gw_flow_ops->src_close(gn, flow);
	}
}

/*
 * Close every live flow @match selects (reload_policy close), in process
 * context: each becomes a tombstone, and @walk resets a TCP one at both
 * ends once its bucket lock is dropped (the reset toward wan passes our
 * own POST_ROUTING hook because the tombstone lets resets out).  A bucket
 * lock is held for at most GW_CLOSE_BATCH closures.  Returns how many it
 * closed.
 */
unsigned int gw_flowtable_close_if(struct gw_net *gn,
				   bool (*match)(const struct gw_flow *flow,
						 void *arg),
				   void *arg, struct gw_flow_walk *walk)
{
	unsigned int bucket, closed = 0, batch;
	struct gw_flow *flow;
	bool more;

	if (!gw_flowtable_active(gn))
		return 0;
	gw_for_each_busy_bucket(gn, bucket) {
		spinlock_t *lock = gw_bucket_lock(gn, bucket);

		do {
			u32 now = (u32)jiffies;

			batch = 0;
			more = false;
			spin_lock_bh(lock);
			hlist_for_each_entry(flow,
					     &gn->table.buckets[bucket], node) {
				if (gw_flow_closed(flow) ||
				    gw_flow_expired(gn, flow, now) ||
				    !match(flow, arg))
					continue;
				if (batch == GW_CLOSE_BATCH) {
					more = true;
					break;
				}
				walk->leaving(walk, flow);
				gw_flow_close_locked(gn, flow, now);
				batch++;
			}
			spin_unlock_bh(lock);
			walk->unlocked(walk, gn);
			closed += batch;
		} while (more);
	}
	return closed;
}

bool gw_flow_filter_match(const struct gw_flow_filter *f,
			  const struct gw_flow *flow)
{
	unsigned int o = flow->flags & GW_FLOW_ORIG_FIRST ? 0 : 1;
	size_t len = flow->key.family == AF_INET ? 4 : 16;

	if (f->family && f->family != flow->key.family)
		return false;
	if (f->has_proto && f->proto != flow->key.proto)
		return false;
	if (f->has_src && memcmp(f->src.bytes, flow->key.addr[o].bytes, len))
		return false;
	if (f->has_dst && memcmp(f->dst.bytes, flow->key.addr[!o].bytes, len))
		return false;
	if (f->has_state && (flow->key.proto != IPPROTO_TCP ||
			     READ_ONCE(flow->tcp.state) != f->state))
		return false;
	return true;
}

static bool gw_flow_filter_match_cb(const struct gw_flow *flow, void *arg)
{
	return gw_flow_filter_match(arg, flow);
}

void gw_flowtable_flush_filtered(struct gw_net *gn,
				 const struct gw_flow_filter *f)
{
	gw_flowtable_flush_if(gn, gw_flow_filter_match_cb, (void *)f,
			      GW_FLOW_END_FLUSHED);
}

/* The namespace is created: no table yet, nothing allocated. */
void gw_flowtable_init(struct gw_net *gn)
{
	gn->table.nbuckets = 0;
	gn->table.buckets = NULL;
	gn->table.bucket_locks = NULL;
	atomic_set(&gn->table.flow_count, 0);
	gn->table.reaper = NULL;
	atomic_set(&gn->budgets.inbound_count, 0);
	atomic_set(&gn->budgets.halfopen_count, 0);
	atomic_set(&gn->budgets.halfopen_inbound, 0);
	gn->budgets.halfopen_dst = NULL;
	gn->gc.cursor = 0;
	get_random_bytes(&gn->table.hash_key, sizeof(gn->table.hash_key));
}

/*
 * Allocate the table and its handshakes by destination, charged to the
 * caller's memory cgroup, and publish them (gw_flowtable_active()).  The
 * collector starts with the first flow.  Caller holds gn->lock; the
 * per-source table is ready already.
 */
int gw_flowtable_alloc(struct gw_net *gn)
{
	unsigned int i, n = gw_default_buckets();

	gn->budgets.halfopen_dst = kvcalloc(GW_HALFOPEN_DST_SLOTS,
				    sizeof(*gn->budgets.halfopen_dst),
				    GFP_KERNEL_ACCOUNT);
	if (!gn->budgets.halfopen_dst)
		return -ENOMEM;
	for (i = 0; i < GW_HALFOPEN_DST_SLOTS; i++) {
		spin_lock_init(&gn->budgets.halfopen_dst[i].lock);
		INIT_LIST_HEAD(&gn->budgets.halfopen_dst[i].fifo);
	}
	gn->table.buckets = kvcalloc(n, sizeof(*gn->table.buckets),
				     GFP_KERNEL_ACCOUNT);
	if (!gn->table.buckets)
		goto err_halfopen;
	gn->table.bucket_locks = kcalloc(GW_BUCKET_LOCKS,
					 sizeof(*gn->table.bucket_locks),
					 GFP_KERNEL_ACCOUNT);
	if (!gn->table.bucket_locks)
		goto err_buckets;
	for (i = 0; i < GW_BUCKET_LOCKS; i++)
		spin_lock_init(&gn->table.bucket_locks[i]);
	gn->table.reaper = kzalloc(sizeof(*gn->table.reaper),
				   GFP_KERNEL_ACCOUNT);
	if (!gn->table.reaper)
		goto err_locks;
	init_llist_head(&gn->table.reaper->graveyard);
	refcount_set(&gn->table.reaper->refs, 1);	/* the table's */
	INIT_RCU_WORK(&gn->table.reaper->work, gw_reaper_work);
	/* all of the above is seen by whoever sees nbuckets != 0 */
	smp_store_release(&gn->table.nbuckets, n);
	return 0;

err_locks:
	kfree(gn->table.bucket_locks);
	gn->table.bucket_locks = NULL;
err_buckets:
	kvfree(gn->table.buckets);
	gn->table.buckets = NULL;
err_halfopen:
	kvfree(gn->budgets.halfopen_dst);
	gn->budgets.halfopen_dst = NULL;
	return -ENOMEM;
}

/*
 * .exit: the hooks were unregistered in .pre_exit and the core's
 * synchronize_rcu() has waited for every packet that was inside them;
 * the collector is stopped (gw_gc_exit()).
 */
void gw_flowtable_exit(struct gw_net *gn)
{
	struct gw_reaper *reaper = gn->table.reaper;

	if (!gn->table.nbuckets)
		return;
	/*
	 * No reader is left (see above): what the graveyard holds, and what
	 * the flush unlinks, is freed at once.  A batch on its way holds its
	 * own reference and frees the reaper if it ends last; it sends no
	 * more.  So the namespace never waits for a grace period here.  (A
	 * kick that missed @dismantling may still take some of the flush's
	 * flows into its batch: they are freed a grace period later.)
	 */
	WRITE_ONCE(reaper->dismantling, true);
	gw_flowtable_flush(gn, GW_FLOW_END_SILENT);
	atomic_sub(gw_flow_free_list(llist_del_all(&reaper->graveyard)),
		   &reaper->dying);
	gw_reaper_put(reaper);
	kfree(gn->table.bucket_locks);
	kvfree(gn->table.buckets);
	kvfree(gn->budgets.halfopen_dst);
}
