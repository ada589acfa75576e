/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_FLOOD_H
#define _GW_CORE_FLOOD_H

#include "types.h"
#include "parse.h"

/*
 * Flood budgets: the arithmetic, with no clock and no lock, so the module
 * and the unit tests run the very same code.  Times are in whatever unit
 * the caller counts (jiffies in the module).
 */

/* One event, in the fixed-point units of struct gw_conn_rate. */
#define GW_CONN_RATE_ONE	1000U

/*
 * A source's recent connection rate, as pf's pf_threshold keeps it: @count
 * (in 1/1000 connections) decays linearly to 0 over the window and each new
 * connection adds one.  Eight bytes; the caller serialises updates.
 */
struct gw_conn_rate {
	u32 count;
	u32 last;
};

void gw_conn_rate_reset(struct gw_conn_rate *r, u32 now);
bool gw_conn_rate_exceeded(struct gw_conn_rate *r, u32 limit, u32 window,
			   u32 now);

u32 gw_adaptive_timeout(u32 timeout, u32 count, u32 start, u32 end);

/*
 * The key a source is counted under: its address, IPv6 masked to the /64
 * one subscriber gets.
 */
void gw_src_prefix(union gw_addr *prefix, const union gw_addr *addr,
		   u8 family);

#endif /* _GW_CORE_FLOOD_H */
