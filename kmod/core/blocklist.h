/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_BLOCKLIST_H
#define _GW_CORE_BLOCKLIST_H

#include "types.h"
#include "parse.h"

/*
 * A set of IPv4 and IPv6 prefixes (the blocklist, or the never-block
 * list), as one sorted array: by family, then prefix length longest
 * first, then address.  Each (family, length) present is one span of it,
 * indexed in the table, so a lookup is one binary search per length
 * present, longest first: at most 33 (IPv4) or 129 (IPv6) searches of
 * log2(n) steps each, however the entries are spread, with no allocation
 * and no lock.  The table is built by the control plane and never changed
 * once published.  Times are in the caller's ticks (jiffies in the module).
 */
#define GW_BLOCK_FAMILIES	2	/* IPv4, IPv6 */
#define GW_BLOCK_PLENS		129	/* 0..128 */

struct gw_block_entry {
	union gw_addr addr;	/* host bits clear */
	u32 expires;		/* tick it stops matching at, when @timed */
	u32 timeout;		/* seconds it was added for, when @timed */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 plen;
	u8 timed;		/* 0: permanent */
	u8 reason;		/* enum gw_block_reason: who added it */
};

struct gw_block_span {
	u32 start;
	u32 count;
};

struct gw_block_table {
	u32 count;
	u32 ntimed;			/* entries with a timeout */
	struct gw_block_entry *entry;	/* @count, in gw_block_cmp() order */
	/* per family: the prefix lengths present, longest first, and where */
	u8 nplens[GW_BLOCK_FAMILIES];
	u8 plens[GW_BLOCK_FAMILIES][GW_BLOCK_PLENS];
	struct gw_block_span span[GW_BLOCK_FAMILIES][GW_BLOCK_PLENS];
};

int gw_block_cmp(const void *a, const void *b);
/* AF_INET 32, AF_INET6 128, anything else 0. */
unsigned int gw_block_max_plen(u8 family);
/* @plen fits @family and @addr has no bit set past it. */
bool gw_block_prefix_valid(u8 family, const union gw_addr *addr, u8 plen);
bool gw_block_live(const struct gw_block_entry *e, u32 now);
/* Recompute the spans and counts after @t->entry[] changed. */
void gw_block_index(struct gw_block_table *t);
/* The index of the entry with @key's prefix, or -(insertion point) - 1. */
long gw_block_find(const struct gw_block_table *t,
		   const struct gw_block_entry *key);
/* The longest live prefix of @t holding @addr, or NULL. */
const struct gw_block_entry *gw_block_lookup(const struct gw_block_table *t,
					     u8 family,
					     const union gw_addr *addr,
					     u32 now);
/*
 * Sort @n entries and drop repeated prefixes, keeping a permanent one
 * over a timed one; returns how many are left.
 */
u32 gw_block_sort_unique(struct gw_block_entry *e, u32 n);
/*
 * The same entry in two versions of a list: its prefix, and for a timed
 * entry the same expiry (one added again after it expired is another).
 */
bool gw_block_same(const struct gw_block_entry *a,
		   const struct gw_block_entry *b);
/*
 * Walk @old and @new, both sorted, side by side: @fn(@arg, i, j) for each
 * entry i of @old, with j the index of the same entry in @new, or -1 when
 * @new no longer holds it.  O(old + new), for a list replaced whole.
 */
void gw_block_pair(const struct gw_block_table *old,
		   const struct gw_block_table *new,
		   void (*fn)(void *arg, u32 i, long j), void *arg);

#endif /* _GW_CORE_BLOCKLIST_H */
