/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_BLOCKLIST_H
#define _GW_BLOCKLIST_H

#include <linux/atomic.h>
#include <linux/netlink.h>
#include <linux/rcupdate.h>

#include "core/blocklist.h"

struct gw_net;

/* Highest max_block_entries: 2^20 entries, 28 MiB a namespace. */
#define GW_BLOCK_ENTRIES_LIMIT	(1U << 20)

/*
 * One published list: immutable but for @hits, replaced whole under
 * gn->lock.  @hits[i] counts the packets entry i dropped: bumped without
 * a lock on the drop path, carried over to the next table by a change.
 * The entries follow the counters in the same allocation.
 */
struct gw_blocklist {
	struct rcu_head rcu;
	struct gw_block_table t;
	atomic_long_t hits[];
};

/* The block and never-block lists of a namespace (struct gw_net.block). */
struct gw_blocklists {
	/* by enum gw_block_kind */
	struct gw_blocklist __rcu *list[__GW_BLOCK_KIND_MAX];
	u32 gen;			/* changes of @list, under gn->lock */
};

void gw_blocklist_init(struct gw_net *gn);
void gw_blocklist_exit(struct gw_net *gn);

struct gw_judge;
/*
 * Packet path, under RCU: drop everything from this source?  A drop
 * counts as a hit of the entry, unless @j is a dry judgement.
 */
bool gw_block_drop(const struct gw_judge *j, const struct gw_pkt *pkt);
struct gw_flow;
struct gw_flow_key;
/* The inbound packet's flow, blocklist applied (blocklist.c).  Under RCU. */
struct gw_flow *gw_flow_lookup_inbound(const struct gw_judge *j,
				       const struct gw_pkt *pkt,
				       struct gw_flow_key *key, u32 *hash,
				       bool *src_first, bool *blocked);
/* Is @addr blocked (and not exempt)?  Under RCU. */
bool gw_block_addr(struct gw_net *gn, u8 family, const union gw_addr *addr);
/* The entry of @kind's list that holds @addr, if any.  Under RCU. */
bool gw_block_find_addr(struct gw_net *gn, u8 kind, u8 family,
			const union gw_addr *addr, struct gw_block_entry *out,
			u32 *remaining);
/*
 * The admin's "never lock me out" list: a source in it is never blocked,
 * never overloaded by the source limits, and (later) never a scanner.
 * Any context; takes the RCU read lock itself.
 */
bool gw_never_block_match(struct gw_net *gn, u8 family,
			  const union gw_addr *addr);

/*
 * Control plane.  @timeout 0: a permanent entry; @reason: enum
 * gw_block_reason.  Process context (scan.c's worker too).
 */
int gw_block_add(struct gw_net *gn, u8 kind, u8 family,
		 const union gw_addr *addr, u8 plen, u32 timeout, u8 reason,
		 struct netlink_ext_ack *extack);
int gw_block_del(struct gw_net *gn, u8 kind, u8 family,
		 const union gw_addr *addr, u8 plen,
		 struct netlink_ext_ack *extack);
void gw_block_flush(struct gw_net *gn, u8 kind);
/*
 * The live entry at index *@pos of @kind's list or after, with its
 * seconds left and its hits; false at the end.
 */
bool gw_block_get(struct gw_net *gn, u8 kind, unsigned long *pos,
		  struct gw_block_entry *out, u32 *remaining, u64 *hits,
		  u32 *gen);
u32 gw_block_count(struct gw_net *gn, u8 kind);
/* From the collector: drop expired entries (lookups already skip them). */
void gw_block_gc(struct gw_net *gn);
bool gw_block_timed(struct gw_net *gn);

/*
 * A load (txn.c): build the lists the staged entries make, keeping the
 * timed block entries of now, then publish them with the rest of the
 * policy.  Prepare can fail and changes nothing; publish cannot fail.
 */
struct gw_block_staged {
	struct gw_block_entry *entry;
	u32 count;
	u32 cap;
};

int gw_block_stage(struct gw_block_staged *st, u8 family,
		   const union gw_addr *addr, u8 plen);
void gw_block_staged_free(struct gw_block_staged *st);
int gw_block_prepare_locked(struct gw_net *gn,
			    struct gw_block_staged *staged, u32 max_entries,
			    struct gw_blocklist **lists,
			    struct netlink_ext_ack *extack);
void gw_block_publish_locked(struct gw_net *gn, struct gw_blocklist **lists);
/* After a publish, outside gn->lock: cut the flows of blocked sources. */
void gw_block_flush_flows(struct gw_net *gn);

#endif /* _GW_BLOCKLIST_H */
