/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The drop trace ("gwctl trace") and drop events ("gwctl monitor drops"):
 * what the packet path dropped, where and why, recorded from the one
 * place a verdict becomes NF_DROP (hooks.c).
 */
#ifndef _GW_TRACE_H
#define _GW_TRACE_H

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/types.h>

#include "core/parse.h"
#include "verdict.h"

struct gw_net;
struct net_device;

/* One dropped packet: 64 bytes. */
struct gw_trace_rec {
	u64 time;		/* CLOCK_REALTIME, ns */
	union gw_addr saddr;
	union gw_addr daddr;
	u32 ifindex;
	u32 rule;		/* handle, 0 if none */
	u16 sport;
	u16 dport;
	u8 family;
	u8 proto;
	u8 reason;		/* enum gw_counter */
	u8 way;			/* enum gw_explain_way */
	u8 tcp_flags;
	u8 icmp_type;
	u8 icmp_code;
	u8 fragment;
};

/*
 * A slot's @seq is the number of the drop it holds (1 for the first),
 * 0 while empty, GW_TRACE_BUSY while a writer fills it: a reader copies
 * the record between two reads of @seq and keeps it only if both are the
 * same number, as a seqcount reader does.
 */
#define GW_TRACE_BUSY	ULONG_MAX

struct gw_trace_slot {
	unsigned long seq;
	struct gw_trace_rec rec;
};

/*
 * The ring: writers take the next number with one atomic increment and
 * claim its slot with a cmpxchg of @seq, so no lock; @size slots, any
 * number up to GW_TRACE_SIZE_MAX (a number's slot is a division away,
 * paid only by the drops recorded).
 */
struct gw_trace_ring {
	struct rcu_head rcu;
	atomic_long_t head;	/* the last number taken */
	u32 size;
	u32 gen;		/* which ring of the namespace, for a dump */
	struct gw_trace_slot slot[];
};

struct gw_trace {
	/* NULL with trace_size 0, and until the flow table is made */
	struct gw_trace_ring __rcu *ring;
	atomic64_t bucket;		/* trace_rate (bucket.h) */
	atomic64_t event_bucket;	/* drop_event_rate */
	/* drop events not sent since the last one, which carries the count */
	atomic_long_t event_lost;
	u32 gen;			/* rings made, under gn->lock */
};

void gw_trace_init(struct gw_net *gn);
/* The ring of the namespace's first wan zone.  Caller holds gn->lock. */
int gw_trace_activate_locked(struct gw_net *gn);
/*
 * A change of trace_size to @size, in two steps so that a load changes
 * nothing when it fails: prepare the ring (-ENOMEM, or 0 and @ring), then
 * publish or discard it.  A namespace with no ring yet and no wan zone
 * makes none (its first wan zone will).  Caller holds gn->lock.
 */
int gw_trace_prepare_locked(struct gw_net *gn, u32 size,
			    struct gw_trace_ring **ring);
void gw_trace_publish_locked(struct gw_net *gn, struct gw_trace_ring *ring);
void gw_trace_discard_locked(struct gw_net *gn, struct gw_trace_ring *ring);
void gw_trace_exit(struct gw_net *gn);

void gw_trace_drop(struct gw_net *gn, const struct gw_verdict *v,
		   const struct gw_pkt *pkt, const struct net_device *dev,
		   bool in);

/*
 * Read slot @pos (a drop's number) of @ring into @rec: false when it no
 * longer (or does not yet) hold that drop.  Under rcu_read_lock().
 */
bool gw_trace_read(const struct gw_trace_ring *ring, unsigned long pos,
		   struct gw_trace_rec *rec);

#endif /* _GW_TRACE_H */
