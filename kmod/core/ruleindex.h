/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_RULEINDEX_H
#define _GW_CORE_RULEINDEX_H

#include "rule.h"

/*
 * A ruleset's index by protocol and destination port, built once when the
 * ruleset is published and read without locks by the packet path.  It
 * only narrows the candidates: the cursor yields, in rule order, the
 * rules of the packet's protocol whose ports may cover its destination
 * port, and each is still judged whole by gw_rule_matches(), so the first
 * match is the one a scan of every rule would find.
 *
 * Per protocol: the rules of any port, and the port space cut at every
 * range's first port and one past its last into intervals, each with the
 * rules that cover it all.  A packet's candidates are its port's
 * interval's rules merged with the any-port ones.  Rules are numbered by
 * their place in the ruleset, in a u16: at most GW_RULE_INDEX_MAX_RULES.
 *
 * The core allocates nothing: gw_rule_index_size() says how many bytes
 * the index of a ruleset takes, the embedder allocates them and
 * gw_rule_index_build() lays the index out in them.
 */
#define GW_RULE_INDEX_MAX_RULES	65535

/*
 * Overlapping ranges can make the lists quadratic in the number of rules
 * (rule i on ports i to 65535 - i puts most rules on most intervals).
 * The intervals and their lists, all protocols together, take at most
 * this many bytes: protocols are indexed in ascending order while they
 * fit, and one that does not fit is scanned, every rule of it a
 * candidate in rule order, as if it had any port: the linear scan, over
 * that protocol's rules only.  The rest of the index is 0.5 KiB, 32 bytes
 * a protocol present and 2 bytes at most a rule.
 */
#define GW_RULE_INDEX_BUDGET	(1U << 20)

#define GW_RULE_PORT_WORDS	(65536 / 64)

/* Ports @port up to the next interval's first (or 65535). */
struct gw_rule_interval {
	u16 port;
	u16 count;		/* rules covering it, ... */
	u32 off;		/* ... their numbers ascending at pool[@off] */
};

/*
 * A protocol's rules: @nany of any port, ascending, and @niv intervals by
 * port.  bucket[b] is the interval holding port b * 64, so the one
 * holding a port is found among those of its 64 (bucket[b] to
 * bucket[b + 1]), not among all.  A protocol scanned has no intervals,
 * and all its rules in @any.
 */
#define GW_RULE_INDEX_BUCKETS	1024

struct gw_rule_index_proto {
	struct gw_rule_interval *iv;
	u32 *bucket;			/* GW_RULE_INDEX_BUCKETS + 1 */
	u16 *any;
	u32 niv;
	u32 nany;
};

struct gw_rule_index {
	u16 slot[256];		/* by protocol: 1 + its place in @proto, or 0 */
	unsigned int nprotos;
	struct gw_rule_index_proto *proto;
	u32 *bucket;
	struct gw_rule_interval *iv;
	u16 *pool;
};

/* What the build works in, the embedder's, about 12 KiB. */
struct gw_rule_index_scratch {
	u64 edge[GW_RULE_PORT_WORDS];	/* bit p: an interval starts at p */
	u32 rank[GW_RULE_PORT_WORDS];	/* edges in the words before */
};

/* The rules to index, in order, however the embedder keeps them. */
struct gw_rule_array {
	const void *rules;
	unsigned int n;
	const struct gw_rule_match *(*at)(const void *rules, unsigned int i);
};

size_t gw_rule_index_size(struct gw_rule_index_scratch *s,
			  const struct gw_rule_array *ra);
/* Into gw_rule_index_size() bytes at @idx, for the same rules. */
void gw_rule_index_build(struct gw_rule_index *idx,
			 struct gw_rule_index_scratch *s,
			 const struct gw_rule_array *ra);

/* A walk over one packet's candidates: two ascending lists merged. */
struct gw_rule_cursor {
	const u16 *a, *a_end;		/* the port's interval's rules */
	const u16 *b, *b_end;		/* the any-port (or scanned) ones */
};

void gw_rule_index_start(struct gw_rule_cursor *c,
			 const struct gw_rule_index *idx, u8 proto, u16 port);

/* The next candidate's number, in rule order, or -1. */
static inline int gw_rule_cursor_next(struct gw_rule_cursor *c)
{
	if (c->a != c->a_end && (c->b == c->b_end || *c->a < *c->b))
		return *c->a++;
	if (c->b != c->b_end)
		return *c->b++;
	return -1;
}

#endif /* _GW_CORE_RULEINDEX_H */
