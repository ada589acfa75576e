/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_BUDGET_H
#define _GW_BUDGET_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/list.h>
#include <linux/atomic.h>

#include "gatewarden.h"

struct gw_net;
struct gw_flow;
struct gw_flow_key;
struct gw_tcp_conn;
struct gw_judge;
struct gw_verdict;
struct gw_proxy_init;

/*
 * The handshakes in progress to one destination address+port and
 * direction (shared on a hash collision): how many, and in the order they
 * began, so that the one waiting longest makes way for a new SYN in O(1)
 * however the table is spread.  Lock order: a bucket lock, then this.
 */
#define GW_HALFOPEN_DST_SLOTS	4096
struct gw_halfopen_slot {
	spinlock_t lock;
	u32 count;			/* written under lock */
	/*
	 * synproxy auto (synproxy_auto.c): its entry + 1 while engaged, or
	 * 0; the key rotation epoch + 1 it was last engaged in, or 0
	 */
	u8 proxy_entry;
	/*
	 * What the SYN proxy offers a client of it (synproxy.c), learnt from
	 * the server's last SYN-ACK: its shift count + 1 (0: none seen yet)
	 * and its MSS (0: none seen yet).  Written without a lock: a mix of
	 * two SYN-ACKs is still one server's.
	 */
	u8 offer_wscale;
	u16 offer_mss;
	u32 proxy_epoch;
	struct list_head fifo;		/* gw_flow.halfopen_link, oldest first */
};

/*
 * What the flood budgets of a namespace count (struct gw_net.budgets).
 * gw_flow_admit() judges a new flow by them and raises @inbound_count;
 * the table (flowtable.c) keeps the half-open counts as handshakes begin
 * and end, lowers @inbound_count at unlink and allocates @halfopen_dst
 * with itself.
 */
struct gw_budgets {
	atomic_t halfopen_count;	/* both directions */
	atomic_t halfopen_inbound;	/* of which opened from wan */
	atomic_t inbound_count;		/* flows opened from wan */
	struct gw_halfopen_slot *halfopen_dst;	/* GW_HALFOPEN_DST_SLOTS */
};

struct gw_flow *gw_flow_admit(const struct gw_judge *j,
			      const struct gw_flow_key *key, u32 hash, u8 flags,
			      int in_ifindex, struct gw_rule_ctr *ctr,
			      const struct gw_tcp_conn *tcp,
			      const struct gw_proxy_init *proxy,
			      struct gw_verdict *ok, bool *raced);

#endif /* _GW_BUDGET_H */
