// SPDX-License-Identifier: GPL-2.0
/*
 * Scan detection's scoring and its bounded tracker (see scan.h): the
 * arithmetic of xt_psd over a fixed array of sets, with no clock, no
 * lock and no allocation, so the module and the unit tests run the very
 * same code.
 */
#include "scan.h"
#include "flood.h"
#include "ticks.h"

void gw_scan_source(struct gw_scan_probe *probe, u8 family,
		    const union gw_addr *saddr)
{
	probe->family = family;
	gw_src_prefix(&probe->src, saddr, family);
}

/* A 32-bit finaliser (murmur3's): every input bit moves every output bit. */
static u32 gw_scan_mix(u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6bU;
	h ^= h >> 13;
	h *= 0xc2b2ae35U;
	h ^= h >> 16;
	return h;
}

/*
 * Not keyed: a collision makes two probes of one source count as one,
 * which only lowers that source's own score.
 */
u32 gw_scan_probe_id(const struct gw_scan_probe *probe)
{
	u32 h = (u32)probe->proto << 16 | probe->port;
	unsigned int i;

	for (i = 0; i < 4; i++)
		h = gw_scan_mix(h ^ gw_ntohl(probe->dst.all[i])) + i;
	return h;
}

u32 gw_scan_weight(const struct gw_scan_cfg *cfg, u16 port)
{
	return port < GW_SCAN_LOW_PORTS ? cfg->weight_low : cfg->weight_high;
}

struct gw_scan_entry *gw_scan_find(struct gw_scan_entry *set, u32 ways,
				   u8 family, const union gw_addr *src)
{
	u32 i;

	for (i = 0; i < ways; i++)
		if (set[i].family == family && gw_addr_equal(&set[i].src, src))
			return &set[i];
	return NULL;
}

/*
 * The entry a new source takes: a free one, else the one seen least
 * recently among those with no strikes (they carry no memory worth
 * keeping), else the one seen least recently.
 */
static struct gw_scan_entry *gw_scan_victim(struct gw_scan_entry *set,
					    u32 ways, u32 now)
{
	struct gw_scan_entry *clean = NULL, *any = NULL;
	u32 clean_age = 0, any_age = 0, i;

	for (i = 0; i < ways; i++) {
		struct gw_scan_entry *e = &set[i];
		u32 age;

		if (!e->family)
			return e;
		age = gw_ticks_since(now, e->seen);
		if (!any || age > any_age) {
			any = e;
			any_age = age;
		}
		if (!e->strikes && (!clean || age > clean_age)) {
			clean = e;
			clean_age = age;
		}
	}
	return clean ? clean : any;
}

static void gw_scan_restart(struct gw_scan_entry *e, u32 now)
{
	e->score = 0;
	e->nprobes = 0;
	e->head = 0;
	e->detected = 0;
	e->last = now;
}

static bool gw_scan_seen_probe(const struct gw_scan_entry *e, u32 id)
{
	u32 i;

	for (i = 0; i < e->nprobes; i++)
		if (e->probe[i] == id)
			return true;
	return false;
}

static void gw_scan_add(struct gw_scan_entry *e, u32 id, u32 weight,
			u32 now)
{
	u32 score = e->score + weight;

	e->probe[e->head] = id;
	e->head = (e->head + 1) % GW_SCAN_PROBES;
	if (e->nprobes < GW_SCAN_PROBES)
		e->nprobes++;
	e->score = score > 0xffff ? 0xffff : score;
	e->last = now;
}

enum gw_scan_result gw_scan_observe(struct gw_scan_entry *set, u32 ways,
				    const struct gw_scan_cfg *cfg,
				    const struct gw_scan_probe *probe, u32 now,
				    struct gw_scan_entry **entry)
{
	struct gw_scan_entry *e;
	u32 id = gw_scan_probe_id(probe);

	e = gw_scan_find(set, ways, probe->family, &probe->src);
	if (!e) {
		e = gw_scan_victim(set, ways, now);
		memset(e, 0, sizeof(*e));
		e->src = probe->src;
		e->family = probe->family;
		gw_scan_restart(e, now);
	} else if (gw_ticks_since(now, e->last) > cfg->delay) {
		/* too slow to be one scan: start over (strikes stay) */
		gw_scan_restart(e, now);
	}
	e->seen = now;
	if (entry)
		*entry = e;

	/* a packet no stack sends is never an innocent retransmission */
	if (!probe->impossible && gw_scan_seen_probe(e, id))
		return GW_SCAN_REPEAT;
	gw_scan_add(e, id, probe->impossible ? cfg->threshold :
		    gw_scan_weight(cfg, probe->port), now);
	if (e->score < cfg->threshold || e->detected)
		return GW_SCAN_SCORED;
	e->detected = 1;
	return GW_SCAN_DETECTED;
}

void gw_scan_blocked(struct gw_scan_entry *e, u32 now)
{
	if (e->strikes < 0xff)
		e->strikes++;
	gw_scan_restart(e, now);
}

u32 gw_scan_block_seconds(u32 base, u32 max, u32 strikes)
{
	u64 t = base;

	if (max < base)
		return base;
	while (strikes-- && t < max)
		t <<= 1;
	return t > max ? max : (u32)t;
}

void gw_scan_gone_note(struct gw_scan_gone *g, u32 hash)
{
	gw_set_bit(hash % GW_SCAN_GONE_BITS, g->gen[g->cur & 1]);
}

bool gw_scan_gone_seen(const struct gw_scan_gone *g, u32 hash)
{
	u32 bit = hash % GW_SCAN_GONE_BITS;

	return gw_test_bit(bit, g->gen[0]) || gw_test_bit(bit, g->gen[1]);
}

bool gw_scan_gone_rotate(struct gw_scan_gone *g, u32 now, u32 window)
{
	u32 since = gw_ticks_since(now, g->rotated);
	u32 next = (g->cur + 1) & 1;

	if (since < window)
		return false;
	/* idle for two windows or more: what both remember is stale */
	if (since / 2 >= window)
		memset(g->gen[g->cur & 1], 0, sizeof(g->gen[0]));
	memset(g->gen[next], 0, sizeof(g->gen[0]));
	g->cur = next;
	g->rotated = now;
	return true;
}

bool gw_scan_straggler(const struct gw_scan_gone *g, u8 tcp_flags, u32 hash)
{
	return (tcp_flags & GW_TCP_RST) || gw_scan_gone_seen(g, hash);
}
