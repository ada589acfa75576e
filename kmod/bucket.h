/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A lockless token bucket in one atomic64_t: the last refill's jiffies
 * in the high half, the credit in the low, counted in 1/HZ of a packet
 * so that a refill of @rate a second is @rate a jiffy.  The burst is one
 * second's worth.  An icmp echo rule's rate (rules.c) and the log rate of
 * a namespace (nflog.c) are such buckets.
 */
#ifndef _GW_BUCKET_H
#define _GW_BUCKET_H

#include <linux/atomic.h>
#include <linux/jiffies.h>
#include <linux/types.h>

/* Full: the first second's packets pass. */
static inline void gw_bucket_init(atomic64_t *bucket, u32 rate)
{
	u64 now = (u32)jiffies;

	atomic64_set(bucket, now << 32 | (u64)rate * HZ);
}

/*
 * Take one packet's worth from @bucket, refilled at @rate a second (with
 * @dry, only say whether there is one, and take nothing).  One cmpxchg of
 * the packed (stamp, credit) word.  @rate may change between calls: the
 * credit is capped at the current rate's burst.
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
