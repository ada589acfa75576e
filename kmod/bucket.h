/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A token bucket in one 64-bit word, for rates the packet path keeps
 * without a lock: an icmp echo rule's (rules.c), the drop trace's, the
 * drop events' (trace.c), a namespace's log rate (nflog.c).  The word
 * packs the last refill (32-bit jiffies) << 32 and the credit, counted in
 * 1/HZ of a token so that a refill of @rate a second is @rate a jiffy; the
 * burst is one second's worth.  A packet over the rate reads the word and
 * writes nothing.
 */
#ifndef _GW_BUCKET_H
#define _GW_BUCKET_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/types.h>

/* A full bucket for @rate tokens a second. */
static inline void gw_bucket_init(atomic64_t *bucket, u32 rate)
{
	u64 now = (u32)jiffies;

	atomic64_set(bucket, now << 32 | (u64)rate * HZ);
}

/*
 * Take one token of @rate a second from @bucket (with @dry, only say
 * whether there is one, and take nothing): one cmpxchg.  @rate may change
 * between calls (a tunable): the credit is capped by the current one.
 */
static inline bool gw_bucket_take(atomic64_t *bucket, u32 rate, bool dry)
{
	u64 cap = (u64)rate * HZ;
	s64 old = atomic64_read(bucket);
	u64 credit;
	u32 now;

	do {
		now = (u32)jiffies;
		credit = (u32)old + (u64)(now - (u32)((u64)old >> 32)) * rate;
		if (credit > cap)
			credit = cap;
		if (credit < HZ)
			return false;
		if (dry)
			return true;
	} while (!atomic64_try_cmpxchg(bucket, &old,
				       (s64)((u64)now << 32 | (credit - HZ))));
	return true;
}

#endif /* _GW_BUCKET_H */
