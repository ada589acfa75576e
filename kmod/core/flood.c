// SPDX-License-Identifier: GPL-2.0
/*
 * The arithmetic of the flood budgets: adaptive half-open timeouts and the
 * per-source connection rate.
 */
#include "flood.h"

void gw_conn_rate_reset(struct gw_conn_rate *r, u32 now)
{
	r->count = 0;
	r->last = now;
}

/*
 * Count one new connection at @now and say whether that makes more than
 * @limit in @window.  The count decays by the share of the window that
 * passed since the last one, so a steady @limit per @window never trips it
 * and the (@limit + 1)th in a burst does.  @limit 0 or @window 0: no limit.
 */
bool gw_conn_rate_exceeded(struct gw_conn_rate *r, u32 limit, u32 window,
			   u32 now)
{
	u32 elapsed = now - r->last;
	u64 cap;

	if (!limit || !window)
		return false;
	if (elapsed >= window)
		r->count = 0;
	else
		r->count -= (u32)((u64)r->count * elapsed / window);
	r->last = now;
	cap = (u64)limit * GW_CONN_RATE_ONE;
	/* saturate rather than wrap under an endless burst */
	if ((u64)r->count + GW_CONN_RATE_ONE <= cap + GW_CONN_RATE_ONE)
		r->count += GW_CONN_RATE_ONE;
	return r->count > cap;
}

/*
 * pf's adaptive timeouts, applied to half-open entries: with @count entries
 * above @start, @timeout shrinks by (end - count) / (end - start), down to
 * 0 at @end.  @start 0, or @end not above @start: no scaling.
 */
u32 gw_adaptive_timeout(u32 timeout, u32 count, u32 start, u32 end)
{
	if (!start || end <= start || count <= start)
		return timeout;
	if (count >= end)
		return 0;
	return (u32)((u64)timeout * (end - count) / (end - start));
}

void gw_src_prefix(union gw_addr *prefix, const union gw_addr *addr,
		   u8 family)
{
	*prefix = *addr;
	if (family == AF_INET6) {
		prefix->all[2] = 0;
		prefix->all[3] = 0;
	} else {
		prefix->all[1] = 0;
		prefix->all[2] = 0;
		prefix->all[3] = 0;
	}
}
