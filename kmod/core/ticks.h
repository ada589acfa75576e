/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wrapping 32-bit tick stamps: how long ago one was taken, and whether
 * that is past a timeout.  The arithmetic only, with no clock, so the
 * module (jiffies) and the unit tests (their own ticks) run the same code.
 */
#ifndef _GW_CORE_TICKS_H
#define _GW_CORE_TICKS_H

#include "types.h"

/* The ticks from @stamp to @now, modulo 2^32. */
static inline u32 gw_ticks_since(u32 now, u32 stamp)
{
	return now - stamp;
}

/* A stamp taken @timeout ticks or more before @now has expired. */
static inline bool gw_ticks_expired(u32 now, u32 stamp, u32 timeout)
{
	return gw_ticks_since(now, stamp) >= timeout;
}

#endif /* _GW_CORE_TICKS_H */
