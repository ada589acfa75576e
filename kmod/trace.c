// SPDX-License-Identifier: GPL-2.0
/*
 * The drop trace and drop events.
 *
 * hooks.c hands every verdict it makes NF_DROP to gw_trace_drop().  A
 * namespace with no ring (trace_size 0) and nobody listening on the
 * events group pays two reads for it.  Otherwise the drop takes a token
 * of trace_rate to be written into the ring, and one of drop_event_rate
 * to be sent as an event: a flood of drops costs each packet over both
 * rates a read of each bucket and a per-CPU count (trace_unsampled,
 * event_drops_lost), whatever its size.  Nothing is allocated for the
 * ring on the packet path; an event is one small skb, at most
 * drop_event_rate a second, built only while someone listens.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/timekeeping.h>

#include "pernet.h"
#include "trace.h"
#include "bucket.h"
#include "netlink_priv.h"
#include "core/icmp.h"

void gw_trace_init(struct gw_net *gn)
{
	gw_bucket_init(&gn->trace.bucket, gw_tunable(gn, GW_TUN_TRACE_RATE));
	gw_bucket_init(&gn->trace.event_bucket,
		       gw_tunable(gn, GW_TUN_DROP_EVENT_RATE));
	atomic_long_set(&gn->trace.event_lost, 0);
}

static struct gw_trace_ring *gw_trace_ring_locked(struct gw_net *gn)
{
	return rcu_dereference_protected(gn->trace.ring,
					 lockdep_is_held(&gn->lock));
}

static struct gw_trace_ring *gw_trace_ring_alloc(struct gw_net *gn, u32 size)
{
	struct gw_trace_ring *ring;

	if (!size)
		return NULL;
	ring = kvzalloc(struct_size(ring, slot, size), GFP_KERNEL_ACCOUNT);
	if (!ring)
		return ERR_PTR(-ENOMEM);
	ring->size = size;
	ring->gen = ++gn->trace.gen;
	return ring;
}

int gw_trace_prepare_locked(struct gw_net *gn, u32 size,
			    struct gw_trace_ring **ring)
{
	struct gw_trace_ring *cur = gw_trace_ring_locked(gn);

	*ring = cur;
	if ((cur ? cur->size : 0) == size ||
	    (!cur && !READ_ONCE(gn->table.nbuckets)))
		return 0;
	*ring = gw_trace_ring_alloc(gn, size);
	if (IS_ERR(*ring))
		return PTR_ERR(*ring);
	return 0;
}

/*
 * The new ring starts empty: a dump under way when it is swapped in ends
 * (its generation changed), and the old ring's drops go with it.
 */
void gw_trace_publish_locked(struct gw_net *gn, struct gw_trace_ring *ring)
{
	struct gw_trace_ring *cur = gw_trace_ring_locked(gn);

	if (ring == cur)
		return;
	rcu_assign_pointer(gn->trace.ring, ring);
	if (cur)
		kvfree_rcu(cur, rcu);
}

void gw_trace_discard_locked(struct gw_net *gn, struct gw_trace_ring *ring)
{
	if (ring != gw_trace_ring_locked(gn))
		kvfree(ring);
}

int gw_trace_activate_locked(struct gw_net *gn)
{
	struct gw_trace_ring *ring;

	lockdep_assert_held(&gn->lock);
	if (gw_trace_ring_locked(gn))
		return 0;
	ring = gw_trace_ring_alloc(gn, gw_tunable(gn, GW_TUN_TRACE_SIZE));
	if (IS_ERR(ring))
		return PTR_ERR(ring);
	rcu_assign_pointer(gn->trace.ring, ring);
	return 0;
}

/* After the hooks are gone and a grace period has passed (main.c). */
void gw_trace_exit(struct gw_net *gn)
{
	kvfree(rcu_dereference_protected(gn->trace.ring, true));
}

static void gw_trace_fill_rec(struct gw_trace_rec *rec,
			      const struct gw_verdict *v,
			      const struct gw_pkt *pkt,
			      const struct net_device *dev, bool in)
{
	/* the padding too: the record is copied out whole */
	memset(rec, 0, sizeof(*rec));
	rec->time = ktime_get_real_ns();
	rec->ifindex = dev->ifindex;
	rec->rule = v->rule;
	rec->reason = v->reason;
	rec->way = in ? GW_EXPLAIN_IN : GW_EXPLAIN_OUT;
	rec->family = pkt->family;
	rec->proto = pkt->proto;
	rec->saddr = pkt->saddr;
	rec->daddr = pkt->daddr;
	rec->fragment = pkt->fragment;
	if (pkt->fragment)
		return;
	if (gw_icmp_proto(pkt->family, pkt->proto)) {
		rec->icmp_type = pkt->icmp_type;
		rec->icmp_code = pkt->icmp_code;
	} else {
		rec->sport = pkt->sport;
		rec->dport = pkt->dport;
		rec->tcp_flags = pkt->tcp_flags;
	}
}

/*
 * Take the next number and write @rec into its slot.  A slot another
 * writer still fills (the ring went round while it was preempted: only
 * with a ring of a few entries and many CPUs), or one a later number
 * already took, is left to that writer and this drop is not recorded.
 */
static void gw_trace_write(struct gw_net *gn, struct gw_trace_ring *ring,
			   const struct gw_trace_rec *rec)
{
	unsigned long pos = atomic_long_inc_return(&ring->head);
	struct gw_trace_slot *slot = &ring->slot[(pos - 1) % ring->size];
	unsigned long old = READ_ONCE(slot->seq);

	if (old == GW_TRACE_BUSY || old > pos ||
	    !try_cmpxchg(&slot->seq, &old, GW_TRACE_BUSY)) {
		gw_count(gn, GW_CTR_TRACE_UNSAMPLED);
		return;
	}
	slot->rec = *rec;
	/* the record before its number (gw_trace_read()) */
	smp_store_release(&slot->seq, pos);
}

bool gw_trace_read(const struct gw_trace_ring *ring, unsigned long pos,
		   struct gw_trace_rec *rec)
{
	const struct gw_trace_slot *slot = &ring->slot[(pos - 1) % ring->size];

	/* pairs with smp_store_release() in gw_trace_write() */
	if (smp_load_acquire(&slot->seq) != pos)
		return false;
	memcpy(rec, &slot->rec, sizeof(*rec));
	/* the copy before the second read: a writer may have begun */
	smp_rmb();
	return READ_ONCE(slot->seq) == pos;
}

/*
 * The hook's drop: @v dropped @pkt (as far as it was parsed), crossing
 * @dev inbound (@in) or outbound.  Under the hook's rcu_read_lock().
 */
void gw_trace_drop(struct gw_net *gn, const struct gw_verdict *v,
		   const struct gw_pkt *pkt, const struct net_device *dev,
		   bool in)
{
	struct gw_trace_ring *ring = rcu_dereference(gn->trace.ring);
	bool listening = gw_event_listening(gn);
	struct gw_trace_rec rec;
	bool record = false;
	bool send = false;

	if (likely(!ring && !listening))
		return;
	if (ring) {
		record = gw_bucket_take(&gn->trace.bucket,
					gw_tunable(gn, GW_TUN_TRACE_RATE),
					false);
		if (!record)
			gw_count(gn, GW_CTR_TRACE_UNSAMPLED);
	}
	if (listening) {
		send = gw_bucket_take(&gn->trace.event_bucket,
				      gw_tunable(gn, GW_TUN_DROP_EVENT_RATE),
				      false);
		if (!send) {
			gw_count(gn, GW_CTR_EVENT_DROPS_LOST);
			atomic_long_inc(&gn->trace.event_lost);
		}
	}
	if (!record && !send)
		return;
	gw_trace_fill_rec(&rec, v, pkt, dev, in);
	if (record)
		gw_trace_write(gn, ring, &rec);
	if (send)
		gw_trace_notify(gn, &rec);
}
