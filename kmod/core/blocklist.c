// SPDX-License-Identifier: GPL-2.0
/*
 * The blocklist's lookup: longest prefix first over a sorted array cut
 * into one span per (family, prefix length).  See blocklist.h.
 */
#include "blocklist.h"
#include "rule.h"

static unsigned int gw_block_fam(u8 family)
{
	return family == AF_INET6;
}

unsigned int gw_block_max_plen(u8 family)
{
	if (family == AF_INET)
		return 32;
	if (family == AF_INET6)
		return 128;
	return 0;
}

int gw_block_cmp(const void *a, const void *b)
{
	const struct gw_block_entry *x = a, *y = b;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->plen != y->plen)
		return x->plen > y->plen ? -1 : 1;
	return memcmp(x->addr.bytes, y->addr.bytes, sizeof(x->addr.bytes));
}

bool gw_block_prefix_valid(u8 family, const union gw_addr *addr, u8 plen)
{
	union gw_addr masked = *addr;
	unsigned int max = gw_block_max_plen(family);

	if (!max || plen > max)
		return false;
	/* an IPv4 address lives in the first word: the rest must be 0 */
	if (family == AF_INET && (addr->all[1] || addr->all[2] || addr->all[3]))
		return false;
	gw_addr_mask(&masked, plen);
	return gw_addr_equal(&masked, addr);
}

bool gw_block_live(const struct gw_block_entry *e, u32 now)
{
	return !e->timed || (s32)(e->expires - now) > 0;
}

void gw_block_index(struct gw_block_table *t)
{
	unsigned int f, k;
	u32 i;

	memset(t->nplens, 0, sizeof(t->nplens));
	t->ntimed = 0;
	for (i = 0; i < t->count; i++) {
		const struct gw_block_entry *e = &t->entry[i];

		f = gw_block_fam(e->family);
		k = t->nplens[f];
		t->ntimed += !!e->timed;
		/* sorted: a new length starts a new span */
		if (!k || t->plens[f][k - 1] != e->plen) {
			t->plens[f][k] = e->plen;
			t->span[f][k].start = i;
			t->span[f][k].count = 0;
			t->nplens[f] = k + 1;
			k++;
		}
		t->span[f][k - 1].count++;
	}
}

long gw_block_find(const struct gw_block_table *t,
		   const struct gw_block_entry *key)
{
	u32 lo = 0, hi = t->count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		int c = gw_block_cmp(&t->entry[mid], key);

		if (!c)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

/* The entry of span @s equal to @addr (already masked), or NULL. */
static const struct gw_block_entry *
gw_block_search(const struct gw_block_table *t, const struct gw_block_span *s,
		const union gw_addr *addr)
{
	u32 lo = s->start, hi = s->start + s->count;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;
		int c = memcmp(t->entry[mid].addr.bytes, addr->bytes,
			       sizeof(addr->bytes));

		if (!c)
			return &t->entry[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct gw_block_entry *gw_block_lookup(const struct gw_block_table *t,
					     u8 family,
					     const union gw_addr *addr,
					     u32 now)
{
	unsigned int f = gw_block_fam(family), k;

	if (!t || !t->count || !gw_block_max_plen(family))
		return NULL;
	for (k = 0; k < t->nplens[f]; k++) {
		const struct gw_block_entry *e;
		union gw_addr masked = *addr;

		gw_addr_mask(&masked, t->plens[f][k]);
		e = gw_block_search(t, &t->span[f][k], &masked);
		/* an expired one hides nothing: a shorter prefix may hold */
		if (e && gw_block_live(e, now))
			return e;
	}
	return NULL;
}

u32 gw_block_sort_unique(struct gw_block_entry *e, u32 n)
{
	u32 i, out = 0;

	if (!n)
		return 0;
	gw_sort(e, n, sizeof(*e), gw_block_cmp);
	for (i = 1; i < n; i++) {
		if (!gw_block_cmp(&e[out], &e[i])) {
			if (e[out].timed && !e[i].timed)
				e[out] = e[i];
			continue;
		}
		e[++out] = e[i];
	}
	return out + 1;
}

bool gw_block_same(const struct gw_block_entry *a,
		   const struct gw_block_entry *b)
{
	return !gw_block_cmp(a, b) && a->timed == b->timed &&
	       (!a->timed || a->expires == b->expires);
}

void gw_block_pair(const struct gw_block_table *old,
		   const struct gw_block_table *new,
		   void (*fn)(void *arg, u32 i, long j), void *arg)
{
	u32 i, j = 0, n = new ? new->count : 0;

	for (i = 0; old && i < old->count; i++) {
		const struct gw_block_entry *e = &old->entry[i];

		while (j < n && gw_block_cmp(&new->entry[j], e) < 0)
			j++;
		fn(arg, i, j < n && gw_block_same(&new->entry[j], e) ?
		   (long)j : -1);
	}
}
