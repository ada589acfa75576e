// SPDX-License-Identifier: GPL-2.0
/*
 * The ruleset's index by protocol and destination port (ruleindex.h).
 * One walk over the rules both sizes the index and, given the memory,
 * fills it, so that what is allocated is what is filled.
 */
#include "ruleindex.h"

#define GW_PORTS	65536U

/*
 * @m's ports as gw_port_matches() reads them, as disjoint ranges in
 * ascending order (the empty ones dropped, overlapping or adjacent ones
 * joined), so that a rule is listed once on each interval it covers.
 * Returns how many.
 */
static unsigned int gw_rule_ports(const struct gw_rule_match *m,
				  struct gw_port_range *out)
{
	unsigned int nports = m->nports, i, j, n = 0;

	if (nports > GW_RULE_MAX_PORT_RANGES)
		nports = GW_RULE_MAX_PORT_RANGES;
	for (i = 0; i < nports; i++) {
		if (m->ports[i].first > m->ports[i].last)
			continue;
		for (j = n++; j > 0 && out[j - 1].first > m->ports[i].first; j--)
			out[j] = out[j - 1];
		out[j] = m->ports[i];
	}
	for (i = 0, j = 0; i < n; i++) {
		if (j && out[i].first <= out[j - 1].last + 1U) {
			if (out[i].last > out[j - 1].last)
				out[j - 1].last = out[i].last;
		} else {
			out[j++] = out[i];
		}
	}
	return j;
}

/*
 * Rule @i of @ra's ports as gw_rule_ports() gives them, into @out, if it
 * is a rule of @proto that names ports; else none.  Returns how many.
 */
static unsigned int gw_proto_rule_ports(const struct gw_rule_array *ra,
					unsigned int i, u8 proto,
					struct gw_port_range *out)
{
	const struct gw_rule_match *m = ra->at(ra->rules, i);

	if (m->proto != proto || !m->nports)
		return 0;
	return gw_rule_ports(m, out);
}

static void gw_edge_set(struct gw_rule_index_scratch *s, u32 port)
{
	if (port < GW_PORTS)
		s->edge[port / 64] |= 1ULL << (port % 64);
}

static bool gw_edge_at(const struct gw_rule_index_scratch *s, u32 port)
{
	return s->edge[port / 64] >> (port % 64) & 1;
}

/* The interval @port is in: the edges at or below it, less one. */
static u32 gw_interval_of(const struct gw_rule_index_scratch *s, u32 port)
{
	u64 upto = s->edge[port / 64] & (~0ULL >> (63 - port % 64));

	return s->rank[port / 64] + gw_popcount64(upto) - 1;
}

/*
 * Cut the ports at the edges of @proto's ranges, into @s; returns the
 * intervals, and in @entries how many (rule, interval) pairs their lists
 * hold.
 */
static u32 gw_proto_cut(struct gw_rule_index_scratch *s,
			const struct gw_rule_array *ra, u8 proto, u64 *entries)
{
	struct gw_port_range r[GW_RULE_MAX_PORT_RANGES];
	unsigned int i, j, nr;
	u32 niv = 0;

	memset(s->edge, 0, sizeof(s->edge));
	gw_edge_set(s, 0);
	for (i = 0; i < ra->n; i++) {
		nr = gw_proto_rule_ports(ra, i, proto, r);
		for (j = 0; j < nr; j++) {
			gw_edge_set(s, r[j].first);
			gw_edge_set(s, r[j].last + 1U);
		}
	}
	for (i = 0; i < GW_RULE_PORT_WORDS; i++) {
		s->rank[i] = niv;
		niv += gw_popcount64(s->edge[i]);
	}
	*entries = 0;
	for (i = 0; i < ra->n; i++) {
		nr = gw_proto_rule_ports(ra, i, proto, r);
		for (j = 0; j < nr; j++)
			*entries += gw_interval_of(s, r[j].last) -
				    gw_interval_of(s, r[j].first) + 1;
	}
	return niv;
}

/* Where the next protocol goes: the counts so far. */
struct gw_rule_index_plan {
	unsigned int nprotos;
	unsigned int nindexed;		/* of which have intervals */
	u32 niv;
	u32 npool;
};

#define GW_BUCKET_BYTES	((GW_RULE_INDEX_BUCKETS + 1) * sizeof(u32))
#define GW_BUCKET_PORTS	(GW_PORTS / GW_RULE_INDEX_BUCKETS)

/*
 * Every (rule, interval) pair of @proto, by @s's cut, in rule order:
 * counted in each interval's @count, and with @list also written at its
 * @off, so that each list ascends.
 */
static void gw_proto_pairs(struct gw_rule_index *idx,
			   struct gw_rule_interval *iv,
			   const struct gw_rule_index_scratch *s,
			   const struct gw_rule_array *ra, u8 proto, bool list)
{
	struct gw_port_range r[GW_RULE_MAX_PORT_RANGES];
	unsigned int i, j, nr;
	u32 k, last;

	for (i = 0; i < ra->n; i++) {
		nr = gw_proto_rule_ports(ra, i, proto, r);
		for (j = 0; j < nr; j++) {
			last = gw_interval_of(s, r[j].last);
			for (k = gw_interval_of(s, r[j].first); k <= last; k++) {
				if (list)
					idx->pool[iv[k].off + iv[k].count] =
						(u16)i;
				iv[k].count++;
			}
		}
	}
}

/*
 * Lay out protocol @proto at @plan's counts: its any-port list (every rule
 * of it when @niv is 0), then, from @s's cut, its intervals and their
 * lists.
 */
static void gw_proto_fill(struct gw_rule_index *idx,
			  const struct gw_rule_index_plan *plan,
			  const struct gw_rule_index_scratch *s,
			  const struct gw_rule_array *ra, u8 proto, u32 niv,
			  u32 nany)
{
	struct gw_rule_index_proto *ip = &idx->proto[plan->nprotos];
	struct gw_rule_interval *iv = &idx->iv[plan->niv];
	u32 *bucket = &idx->bucket[plan->nindexed *
				   (GW_RULE_INDEX_BUCKETS + 1)];
	u32 off = plan->npool + nany, k = 0, port;
	unsigned int i;

	idx->slot[proto] = (u16)(plan->nprotos + 1);
	ip->any = &idx->pool[plan->npool];
	ip->nany = nany;
	ip->iv = niv ? iv : NULL;
	ip->bucket = niv ? bucket : NULL;
	ip->niv = niv;
	for (i = 0; i < ra->n; i++) {
		const struct gw_rule_match *m = ra->at(ra->rules, i);

		if (m->proto == proto && (!niv || !m->nports))
			ip->any[k++] = (u16)i;
	}
	if (!niv)
		return;

	k = 0;
	for (port = 0; port < GW_PORTS; port++) {
		if (!gw_edge_at(s, port))
			continue;
		iv[k].port = (u16)port;
		iv[k].count = 0;
		k++;
	}
	for (i = 0; i < GW_RULE_INDEX_BUCKETS; i++)
		bucket[i] = gw_interval_of(s, i * GW_BUCKET_PORTS);
	bucket[i] = niv - 1;
	gw_proto_pairs(idx, iv, s, ra, proto, false);
	for (k = 0; k < niv; k++) {
		iv[k].off = off;
		off += iv[k].count;
		iv[k].count = 0;
	}
	gw_proto_pairs(idx, iv, s, ra, proto, true);
}

/*
 * Count what the index of @ra takes into @plan, and with @idx (its
 * arrays placed from an earlier count) fill it.  The protocols come in
 * ascending order, the budget spent as they come.
 */
static void gw_rule_index_walk(struct gw_rule_index *idx,
			       struct gw_rule_index_plan *plan,
			       struct gw_rule_index_scratch *s,
			       const struct gw_rule_array *ra)
{
	u64 budget = GW_RULE_INDEX_BUDGET;
	bool present[256] = { false };
	unsigned int i, proto;

	memset(plan, 0, sizeof(*plan));
	for (i = 0; i < ra->n; i++)
		present[ra->at(ra->rules, i)->proto] = true;
	for (proto = 0; proto < 256; proto++) {
		u32 nrules = 0, nany = 0, niv = 0;
		u64 entries = 0, cost;

		if (!present[proto])
			continue;
		for (i = 0; i < ra->n; i++) {
			const struct gw_rule_match *m = ra->at(ra->rules, i);

			nrules += m->proto == proto;
			nany += m->proto == proto && !m->nports;
		}
		if (nany < nrules) {
			niv = gw_proto_cut(s, ra, (u8)proto, &entries);
			cost = GW_BUCKET_BYTES +
			       niv * sizeof(struct gw_rule_interval) +
			       entries * sizeof(u16);
			if (cost <= budget) {
				budget -= cost;
			} else {
				/* too big: this protocol is scanned */
				niv = 0;
				entries = 0;
				nany = nrules;
			}
		}
		if (idx)
			gw_proto_fill(idx, plan, s, ra, (u8)proto, niv, nany);
		plan->nprotos++;
		plan->nindexed += niv > 0;
		plan->niv += niv;
		plan->npool += nany + (u32)entries;
	}
}

static size_t gw_rule_index_bytes(const struct gw_rule_index_plan *plan)
{
	return sizeof(struct gw_rule_index) +
	       plan->nprotos * sizeof(struct gw_rule_index_proto) +
	       plan->nindexed * GW_BUCKET_BYTES +
	       plan->niv * sizeof(struct gw_rule_interval) +
	       plan->npool * sizeof(u16);
}

size_t gw_rule_index_size(struct gw_rule_index_scratch *s,
			  const struct gw_rule_array *ra)
{
	struct gw_rule_index_plan plan;

	gw_rule_index_walk(NULL, &plan, s, ra);
	return gw_rule_index_bytes(&plan);
}

void gw_rule_index_build(struct gw_rule_index *idx,
			 struct gw_rule_index_scratch *s,
			 const struct gw_rule_array *ra)
{
	struct gw_rule_index_plan plan;

	gw_rule_index_walk(NULL, &plan, s, ra);
	memset(idx, 0, sizeof(*idx));
	idx->nprotos = plan.nprotos;
	idx->proto = (struct gw_rule_index_proto *)(idx + 1);
	idx->bucket = (u32 *)(idx->proto + plan.nprotos);
	idx->iv = (struct gw_rule_interval *)(idx->bucket + plan.nindexed *
					      (GW_RULE_INDEX_BUCKETS + 1));
	idx->pool = (u16 *)(idx->iv + plan.niv);
	gw_rule_index_walk(idx, &plan, s, ra);
}

/*
 * The candidates for a packet of @proto to @port.  The interval holding
 * @port is the last one starting at or below it, from the one holding
 * the first port of its bucket to the one holding the next bucket's: a
 * binary search over the intervals of 64 ports: no step where no range
 * starts or ends, 7 at most.
 */
void gw_rule_index_start(struct gw_rule_cursor *c,
			 const struct gw_rule_index *idx, u8 proto, u16 port)
{
	const struct gw_rule_index_proto *p;
	const struct gw_rule_interval *iv;
	u32 lo, hi;

	c->a = NULL;
	c->a_end = NULL;
	c->b = NULL;
	c->b_end = NULL;
	if (!idx->slot[proto])
		return;
	p = &idx->proto[idx->slot[proto] - 1];
	c->b = p->any;
	c->b_end = p->any + p->nany;
	if (!p->niv)
		return;
	iv = p->iv;
	lo = p->bucket[port / GW_BUCKET_PORTS];
	hi = p->bucket[port / GW_BUCKET_PORTS + 1] + 1;
	while (hi - lo > 1) {
		u32 mid = lo + (hi - lo) / 2;

		if (iv[mid].port <= port)
			lo = mid;
		else
			hi = mid;
	}
	c->a = &idx->pool[iv[lo].off];
	c->a_end = c->a + iv[lo].count;
}
