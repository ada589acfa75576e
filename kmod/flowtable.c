// SPDX-License-Identifier: GPL-2.0
/*
 * gatewarden's own connection table.
 *
 * A fixed array of buckets, sized when the namespace is created and never
 * resized, so an attacker cannot make us reallocate under load.  Lookups
 * walk a bucket under RCU; inserts and unlinks take one of a small array of
 * bucket locks.  The hash is siphash with a per-namespace random key, so no
 * one outside can aim collisions at one chain.  Entries expire lazily (a
 * lookup ignores an expired entry) and are reaped by an incremental
 * collector that runs in bounded slices.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/sched.h>

#include "pernet.h"
#include "flowtable.h"

#define GW_BUCKET_LOCKS		256
#define GW_GC_INTERVAL		HZ
/* One collector run never holds the CPU for longer than this. */
#define GW_GC_BUDGET_MS		10
#define GW_GC_CHECK_EVERY	256
/* Seconds a flow picked up mid-stream may live without a reply. */
#define GW_PICKUP_UNREPLIED_MAX	300

static struct kmem_cache *gw_flow_cache __read_mostly;

static unsigned int gw_hashsize __read_mostly;
module_param_named(hashsize, gw_hashsize, uint, 0444);
MODULE_PARM_DESC(hashsize,
		 "flow table buckets per namespace (0: from memory size)");

int gw_flowtable_module_init(void)
{
	/* The size promise; debug kernels grow the spinlock, so not there. */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_DEBUG_SPINLOCK) &&
		     !IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC) &&
		     sizeof(struct gw_flow) > 128);
	gw_flow_cache = KMEM_CACHE(gw_flow, SLAB_HWCACHE_ALIGN);
	return gw_flow_cache ? 0 : -ENOMEM;
}

/* Callers have waited for every pending RCU free (rcu_barrier()). */
void gw_flowtable_module_exit(void)
{
	kmem_cache_destroy(gw_flow_cache);
}

unsigned int gw_flowtable_entry_size(void)
{
	return kmem_cache_size(gw_flow_cache);
}

/* As nf_conntrack sizes its table: one bucket per 16 KiB of RAM, bounded. */
static unsigned int gw_default_buckets(void)
{
	unsigned long n;

	if (gw_hashsize)
		n = gw_hashsize;
	else
		n = (totalram_pages() << PAGE_SHIFT) / 16384 /
		    sizeof(struct hlist_head);
	n = clamp(n, 1024UL, 1UL << 20);
	return rounddown_pow_of_two(n);
}

u32 gw_flowtable_default_max(const struct gw_net *gn)
{
	return min_t(u32, gn->nbuckets * 4U, GW_MAX_FLOWS_LIMIT);
}

u32 gw_flow_hash(const struct gw_net *gn, const struct gw_flow_key *key)
{
	return (u32)siphash(key, sizeof(*key), &gn->hash_key);
}

static spinlock_t *gw_bucket_lock(struct gw_net *gn, unsigned int bucket)
{
	return &gn->bucket_locks[bucket & (GW_BUCKET_LOCKS - 1)];
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
	state = READ_ONCE(flow->tcp.state);
	if (state > GW_TCP_STATE_MAX)
		state = GW_TCP_CLOSE;
	timeout = gw_tunable(gn, tunable_of_state[state]) * HZ;
	/* adopted mid-stream and never answered: not for days */
	if ((READ_ONCE(flow->tcp.flags) & GW_TCP_CONN_PICKED_UP) &&
	    !READ_ONCE(flow->tcp.seen_reply))
		timeout = min_t(u32, timeout, GW_PICKUP_UNREPLIED_MAX * HZ);
	return timeout;
}

bool gw_flow_expired(const struct gw_net *gn, const struct gw_flow *flow,
		     u32 now)
{
	return now - READ_ONCE(flow->last_seen) >=
	       gw_flow_timeout_jiffies(gn, flow);
}

u32 gw_flow_timeout_left(const struct gw_net *gn, const struct gw_flow *flow,
			 u32 now)
{
	u32 idle = now - READ_ONCE(flow->last_seen);
	u32 timeout = gw_flow_timeout_jiffies(gn, flow);

	return idle >= timeout ? 0 : (timeout - idle) / HZ;
}

struct gw_flow *gw_flow_lookup(struct gw_net *gn,
			       const struct gw_flow_key *key, u32 hash)
{
	struct hlist_head *head = &gn->buckets[hash & (gn->nbuckets - 1)];
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

static void gw_flow_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(gw_flow_cache, container_of(head, struct gw_flow, rcu));
}

/* Caller holds the flow's bucket lock. */
static void gw_flow_unlink(struct gw_net *gn, struct gw_flow *flow)
{
	WRITE_ONCE(flow->dead, 1);
	hlist_del_rcu(&flow->node);
	atomic_dec(&gn->flow_count);
	call_rcu(&flow->rcu, gw_flow_free_rcu);
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
 * Create the flow for @key: a TCP one in state @tcp, or a pseudo-connection
 * when @tcp is NULL.  An expired or finished entry for the same tuple is
 * replaced.  If another CPU inserted a live entry for the tuple first, that
 * entry is returned instead and @raced is set.  NULL, with @why set, when
 * the flow cannot be admitted.
 */
static struct gw_flow *gw_flow_insert(struct gw_net *gn,
				      const struct gw_flow_key *key, u32 hash,
				      u8 flags, const struct gw_tcp_conn *tcp,
				      enum gw_counter *why, bool *raced)
{
	unsigned int bucket = hash & (gn->nbuckets - 1);
	struct hlist_head *head = &gn->buckets[bucket];
	spinlock_t *lock = gw_bucket_lock(gn, bucket);
	struct gw_flow *flow, *old;
	struct hlist_node *tmp;
	u32 now = (u32)jiffies;

	*raced = false;
	/* Admission is decided before any memory is spent on the packet. */
	if (atomic_inc_return(&gn->flow_count) >
	    gw_tunable(gn, GW_TUN_MAX_FLOWS)) {
		atomic_dec(&gn->flow_count);
		*why = GW_CTR_DROP_TABLE_FULL;
		return NULL;
	}
	flow = kmem_cache_alloc(gw_flow_cache, GFP_ATOMIC | __GFP_NOWARN);
	if (!flow) {
		atomic_dec(&gn->flow_count);
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

	spin_lock_bh(lock);
	hlist_for_each_entry_safe(old, tmp, head, node) {
		if (!gw_flow_key_equal(&old->key, key))
			continue;
		if (!gw_flow_replaceable(gn, old, now)) {
			spin_unlock_bh(lock);
			atomic_dec(&gn->flow_count);
			kmem_cache_free(gw_flow_cache, flow);
			*raced = true;
			return old;
		}
		gw_flow_unlink(gn, old);
		gw_count(gn, GW_CTR_FLOW_EXPIRED);
	}
	hlist_add_head_rcu(&flow->node, head);
	spin_unlock_bh(lock);
	gw_count(gn, GW_CTR_FLOW_CREATED);
	return flow;
}

struct gw_flow *gw_flow_add(struct gw_net *gn, const struct gw_flow_key *key,
			    u32 hash, u8 flags, const struct gw_tcp_conn *tcp,
			    enum gw_counter *why, bool *raced)
{
	return gw_flow_insert(gn, key, hash, flags, tcp, why, raced);
}

struct gw_flow *gw_flow_add_pseudo(struct gw_net *gn,
				   const struct gw_flow_key *key, u32 hash,
				   u8 flags, enum gw_counter *why, bool *raced)
{
	return gw_flow_insert(gn, key, hash, flags, NULL, why, raced);
}

/* Forget @flow now (a reset before any reply), unless already gone. */
void gw_flow_remove(struct gw_net *gn, struct gw_flow *flow, u32 hash)
{
	spinlock_t *lock = gw_bucket_lock(gn, hash & (gn->nbuckets - 1));

	spin_lock_bh(lock);
	if (!flow->dead)
		gw_flow_unlink(gn, flow);
	spin_unlock_bh(lock);
}

/* Unlink the entries of one bucket that @expired_only selects. */
static void gw_flowtable_reap_bucket(struct gw_net *gn, unsigned int bucket,
				     bool expired_only, u32 now)
{
	spinlock_t *lock = gw_bucket_lock(gn, bucket);
	struct gw_flow *flow;
	struct hlist_node *tmp;

	spin_lock_bh(lock);
	hlist_for_each_entry_safe(flow, tmp, &gn->buckets[bucket], node) {
		if (expired_only && !gw_flow_expired(gn, flow, now))
			continue;
		gw_flow_unlink(gn, flow);
		if (expired_only)
			gw_count(gn, GW_CTR_FLOW_EXPIRED);
	}
	spin_unlock_bh(lock);
}

static void gw_gc_worker(struct work_struct *work)
{
	struct gw_net *gn = container_of(to_delayed_work(work), struct gw_net,
					 gc_work);
	unsigned long deadline = jiffies + msecs_to_jiffies(GW_GC_BUDGET_MS);
	unsigned int bucket = gn->gc_cursor;
	unsigned int scanned;
	u32 now = (u32)jiffies;

	for (scanned = 0; scanned < gn->nbuckets; scanned++) {
		if (!hlist_empty(&gn->buckets[bucket]))
			gw_flowtable_reap_bucket(gn, bucket, true, now);
		bucket = (bucket + 1) & (gn->nbuckets - 1);
		if (scanned % GW_GC_CHECK_EVERY == GW_GC_CHECK_EVERY - 1) {
			if (time_after(jiffies, deadline))
				break;
			cond_resched();
		}
	}
	gn->gc_cursor = bucket;
	queue_delayed_work(system_power_efficient_wq, &gn->gc_work,
			   GW_GC_INTERVAL);
}

void gw_flowtable_flush(struct gw_net *gn)
{
	unsigned int bucket;

	for (bucket = 0; bucket < gn->nbuckets; bucket++) {
		if (!hlist_empty(&gn->buckets[bucket]))
			gw_flowtable_reap_bucket(gn, bucket, false, 0);
		if (bucket % GW_GC_CHECK_EVERY == GW_GC_CHECK_EVERY - 1)
			cond_resched();
	}
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

void gw_flowtable_flush_filtered(struct gw_net *gn,
				 const struct gw_flow_filter *f)
{
	struct hlist_node *tmp;
	struct gw_flow *flow;
	unsigned int bucket;
	spinlock_t *lock;

	for (bucket = 0; bucket < gn->nbuckets; bucket++) {
		if (!hlist_empty(&gn->buckets[bucket])) {
			lock = gw_bucket_lock(gn, bucket);
			spin_lock_bh(lock);
			hlist_for_each_entry_safe(flow, tmp, &gn->buckets[bucket],
						  node)
				if (gw_flow_filter_match(f, flow))
					gw_flow_unlink(gn, flow);
			spin_unlock_bh(lock);
		}
		if (bucket % GW_GC_CHECK_EVERY == GW_GC_CHECK_EVERY - 1)
			cond_resched();
	}
}

int gw_flowtable_init(struct gw_net *gn)
{
	unsigned int i;

	gn->nbuckets = gw_default_buckets();
	gn->buckets = kvcalloc(gn->nbuckets, sizeof(*gn->buckets), GFP_KERNEL);
	if (!gn->buckets)
		return -ENOMEM;
	gn->bucket_locks = kcalloc(GW_BUCKET_LOCKS, sizeof(*gn->bucket_locks),
				   GFP_KERNEL);
	if (!gn->bucket_locks) {
		kvfree(gn->buckets);
		return -ENOMEM;
	}
	for (i = 0; i < GW_BUCKET_LOCKS; i++)
		spin_lock_init(&gn->bucket_locks[i]);
	atomic_set(&gn->flow_count, 0);
	get_random_bytes(&gn->hash_key, sizeof(gn->hash_key));
	gn->gc_cursor = 0;
	INIT_DELAYED_WORK(&gn->gc_work, gw_gc_worker);
	queue_delayed_work(system_power_efficient_wq, &gn->gc_work,
			   GW_GC_INTERVAL);
	return 0;
}

/* The hooks are gone and no reader is left when this runs. */
void gw_flowtable_exit(struct gw_net *gn)
{
	cancel_delayed_work_sync(&gn->gc_work);
	gw_flowtable_flush(gn);
	kfree(gn->bucket_locks);
	kvfree(gn->buckets);
}
