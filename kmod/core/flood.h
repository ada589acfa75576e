/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_FLOOD_H
#define _GW_CORE_FLOOD_H

#include "types.h"
#include "parse.h"
#include "tcp.h"
#include "udp.h"

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
 * The flow table's size when the admin chose none: one bucket per 16 KiB
 * of RAM (see flood.c).  max_flows defaults to 4 flows a bucket.
 */
#define GW_TABLE_RAM_PER_BUCKET	16384U
#define GW_TABLE_MIN_BUCKETS	1024U
#define GW_TABLE_MAX_BUCKETS	(1U << 20)

u32 gw_table_buckets(u64 ram_bytes, u32 hashsize);

/*
 * The key a source is counted under: its address, IPv6 masked to the /64
 * one subscriber gets.
 */
void gw_src_prefix(union gw_addr *prefix, const union gw_addr *addr,
		   u8 family);

/*
 * What early drop may do with an entry when the table is full, from never
 * to first choice.  Only an entry nothing has answered yet (conntrack's
 * "not assured") or one that can carry no data any more is ever a victim;
 * an answered connection never is, whatever the flood.
 */
enum gw_evict_rank {
	GW_EVICT_NEVER,		/* answered and alive */
	GW_EVICT_UNANSWERED,	/* half-open, or nothing answered it yet */
	GW_EVICT_FINISHED,	/* TIME_WAIT or CLOSE: no more data */
};

u8 gw_evict_rank_tcp(const struct gw_tcp_conn *conn);
u8 gw_evict_rank_pseudo(const struct gw_udp_conn *conn);

/*
 * One slot of the per-source table (kmod/srclimit.c): the established inbound
 * connections and the recent connection rate of one source prefix.
 */
struct gw_src_slot {
	union gw_addr prefix;
	u8 family;			/* 0: free */
	u8 overloaded;
	u8 flush;			/* overload_flush still to do */
	u32 conns;			/* established inbound connections */
	u32 overload_until;		/* overloaded until (the caller's clock) */
	u32 last_used;			/* last connection counted */
	struct gw_conn_rate rate;
};

int gw_src_pick(const struct gw_src_slot *set, unsigned int ways, u32 now);

#endif /* _GW_CORE_FLOOD_H */
