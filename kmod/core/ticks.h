/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrapping 32-bit tick stamps: how long ago one was taken, and whether
 * that is past a timeout.  The arithmetic only, with no clock, so the
 * module (jiffies) and the unit tests (their own ticks) run the same code.
 */
#ifndef _GW_CORE_TICKS_H
#define _GW_CORE_TICKS_H

#include "types.h"

/*
 * The ticks from @stamp to @now; none if @stamp is after @now.  Whoever
 * judges a flow reads the clock first and its stamp later (the collector
 * once for a whole slice of buckets, a lookup before it walks the chain),
 * and a packet on another CPU may stamp the flow at a later tick in
 * between: modulo 2^32 that stamp would be 2^32 - k ticks old, expired
 * under any timeout, and a live flow would be unlinked.  So an age is
 * signed: a stamp up to 2^31 ticks after @now is fresh.  Timeouts are
 * kept below 2^31 ticks (kmod/tunables.c) and the collector sweeps the
 * table every few seconds, so no stamp grows that old unjudged.
 */
static inline u32 gw_ticks_since(u32 now, u32 stamp)
{
	s32 age = (s32)(now - stamp);

	return age > 0 ? (u32)age : 0;
}

/* A stamp taken @timeout ticks or more before @now has expired. */
static inline bool gw_ticks_expired(u32 now, u32 stamp, u32 timeout)
{
	return gw_ticks_since(now, stamp) >= timeout;
}

#endif /* _GW_CORE_TICKS_H */
