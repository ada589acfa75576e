// SPDX-License-Identifier: GPL-2.0
/*
 * Scan detection's core (kmod/core/scan.c): psd's scoring (weights,
 * threshold, delay, distinct probes, impossible flags), the source key
 * (IPv4 address, IPv6 /64), the bounded tracker's sets and eviction, and
 * the doubling of a repeat offender's block.
 */
#include <arpa/inet.h>

#include "unit.h"
#include "scan.h"

#define WAYS GW_SCAN_WAYS
#define DELAY 300		/* ticks: 3 s at HZ 100 */

static const struct gw_scan_cfg psd = {
	.threshold = 21, .delay = DELAY, .weight_low = 3, .weight_high = 1,
};

static struct gw_scan_probe probe(const char *src, const char *dst,
				  u8 proto, u16 port)
{
	struct gw_scan_probe p;
	union gw_addr s, d;
	int family = strchr(src, ':') ? AF_INET6 : AF_INET;

	memset(&p, 0, sizeof(p));
	memset(&s, 0, sizeof(s));
	memset(&d, 0, sizeof(d));
	assert_int_equal(inet_pton(family, src, s.bytes), 1);
	assert_int_equal(inet_pton(family, dst, d.bytes), 1);
	gw_scan_source(&p, family, &s);
	p.dst = d;
	p.proto = proto;
	p.port = port;
	return p;
}

static struct gw_scan_probe syn(const char *src, u16 port)
{
	return probe(src, "192.0.2.2", IPPROTO_TCP, port);
}

static int observe(struct gw_scan_entry *set, const struct gw_scan_cfg *cfg,
		   struct gw_scan_probe p, u32 now)
{
	return gw_scan_observe(set, WAYS, cfg, &p, now, NULL);
}

/* The entry of the IPv4 source @src, or NULL. */
static struct gw_scan_entry *lookup(struct gw_scan_entry *set, const char *src)
{
	struct gw_scan_probe p = syn(src, 0);

	return gw_scan_find(set, WAYS, AF_INET, &p.src);
}

/* Probes ports @first.. one a tick from @now; the index that detected, or -1. */
static int sweep(struct gw_scan_entry *set, const char *src, u16 first,
		 int n, u32 now)
{
	int i;

	for (i = 0; i < n; i++)
		if (observe(set, &psd, syn(src, first + i), now + i) ==
		    GW_SCAN_DETECTED)
			return i;
	return -1;
}

TEST(entry_is_96_bytes)
{
	assert_int_equal(sizeof(struct gw_scan_entry), 96);
}

TEST(seven_low_ports_detect)
{
	struct gw_scan_entry set[WAYS] = { 0 };

	/* 3 * 7 = 21: the seventh distinct port below 1024 */
	assert_int_equal(sweep(set, "203.0.113.9", 1, 10, 1000), 6);
}

TEST(twenty_one_high_ports_detect)
{
	struct gw_scan_entry set[WAYS] = { 0 };

	/* more than GW_SCAN_PROBES: the ring forgets, the score does not */
	assert_int_equal(sweep(set, "203.0.113.9", 2000, 40, 1000), 20);
}

TEST(mixed_weights)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;
	struct gw_scan_probe p;
	int i;

	/* 6 low (18) + 2 high (20): not yet; a third high port: 21 */
	for (i = 0; i < 6; i++)
		assert_int_equal(observe(set, &psd, syn("203.0.113.9", 20 + i),
					 10 + i), GW_SCAN_SCORED);
	assert_int_equal(observe(set, &psd, syn("203.0.113.9", 1024), 20),
			 GW_SCAN_SCORED);
	assert_int_equal(observe(set, &psd, syn("203.0.113.9", 65535), 21),
			 GW_SCAN_SCORED);
	p = syn("203.0.113.9", 8080);
	assert_int_equal(gw_scan_observe(set, WAYS, &psd, &p, 22, &e),
			 GW_SCAN_DETECTED);
	assert_int_equal(e->score, 21);
}

TEST(weight_boundary_is_1024)
{
	assert_int_equal(gw_scan_weight(&psd, 0), 3);
	assert_int_equal(gw_scan_weight(&psd, 1023), 3);
	assert_int_equal(gw_scan_weight(&psd, 1024), 1);
	assert_int_equal(gw_scan_weight(&psd, 65535), 1);
}

TEST(repeated_probe_scores_once)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	int i;

	/* a client retrying one closed port, however often, is no scan */
	assert_int_equal(observe(set, &psd, syn("203.0.113.9", 22), 1),
			 GW_SCAN_SCORED);
	for (i = 0; i < 100; i++)
		assert_int_equal(observe(set, &psd, syn("203.0.113.9", 22),
					 2 + i), GW_SCAN_REPEAT);
	assert_int_equal(lookup(set, "203.0.113.9")->score, 3);
}

TEST(repeat_does_not_extend_delay)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;

	observe(set, &psd, syn("203.0.113.9", 22), 100);
	observe(set, &psd, syn("203.0.113.9", 22), 100 + DELAY);
	/* the delay runs from the last new probe, not the last packet */
	observe(set, &psd, syn("203.0.113.9", 23), 101 + DELAY);
	e = lookup(set, "203.0.113.9");
	assert_int_equal(e->score, 3);
}

TEST(distinct_destinations_and_protocols)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	const char *dst[] = { "192.0.2.1", "192.0.2.2", "192.0.2.3" };
	struct gw_scan_entry *e;
	int i;

	/* one port on three hosts, over TCP and UDP: six distinct probes */
	for (i = 0; i < 3; i++) {
		assert_int_equal(observe(set, &psd, probe("203.0.113.9",
				 dst[i], IPPROTO_TCP, 22), i), GW_SCAN_SCORED);
		assert_int_equal(observe(set, &psd, probe("203.0.113.9",
				 dst[i], IPPROTO_UDP, 22), i), GW_SCAN_SCORED);
	}
	e = lookup(set, "203.0.113.9");
	assert_int_equal(e->score, 18);
	assert_int_equal(observe(set, &psd, probe("203.0.113.9", "192.0.2.4",
				 IPPROTO_TCP, 22), 5), GW_SCAN_DETECTED);
}

TEST(slow_scan_never_detected)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	int i;

	/* one new port every delay + 1 ticks: each starts a new round */
	for (i = 0; i < 1000; i++)
		assert_int_equal(observe(set, &psd, syn("203.0.113.9", 1 + i),
					 (u32)i * (DELAY + 1)), GW_SCAN_SCORED);
}

TEST(exactly_the_delay_still_counts)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	int i;

	for (i = 0; i < 6; i++)
		observe(set, &psd, syn("203.0.113.9", 1 + i), (u32)i * DELAY);
	assert_int_equal(observe(set, &psd, syn("203.0.113.9", 7), 6 * DELAY),
			 GW_SCAN_DETECTED);
}

TEST(delay_wraps_with_the_clock)
{
	struct gw_scan_entry set[WAYS] = { 0 };

	/* seven ports across the 32-bit wrap of the ticks */
	assert_int_equal(sweep(set, "203.0.113.9", 1, 7, 0xfffffffdU), 6);
}

TEST(detected_once_a_round)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	int i;

	assert_int_equal(sweep(set, "203.0.113.9", 1, 7, 0), 6);
	/* the scan goes on: reported once */
	for (i = 0; i < 500; i++)
		assert_int_equal(observe(set, &psd, syn("203.0.113.9",
					 100 + i), 7 + i), GW_SCAN_SCORED);
	/* a pause longer than the delay, then a new scan: reported again */
	assert_int_equal(sweep(set, "203.0.113.9", 1, 7, 507 + DELAY + 1), 6);
}

TEST(impossible_flags_detect_at_once)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_probe p = syn("203.0.113.9", 80);

	p.impossible = 1;
	assert_int_equal(observe(set, &psd, p, 1), GW_SCAN_DETECTED);
}

TEST(impossible_flags_after_a_syn_to_the_port)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_probe p = syn("203.0.113.9", 80);

	assert_int_equal(observe(set, &psd, p, 1), GW_SCAN_SCORED);
	/* an XMAS to the port a SYN probed is no retransmission */
	p.impossible = 1;
	assert_int_equal(observe(set, &psd, p, 2), GW_SCAN_DETECTED);
}

TEST(sources_scored_apart)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	int i;

	/* two sources, six low ports each, interleaved: neither detected */
	for (i = 0; i < 6; i++) {
		assert_int_equal(observe(set, &psd, syn("203.0.113.9", 1 + i),
					 i), GW_SCAN_SCORED);
		assert_int_equal(observe(set, &psd, syn("203.0.113.10", 1 + i),
					 i), GW_SCAN_SCORED);
	}
}

TEST(ipv6_source_is_its_64)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	char src[64];
	int i;

	/* seven addresses of one /64, one port each: one source */
	for (i = 0; i < 6; i++) {
		snprintf(src, sizeof(src), "2001:db8:1:2::%x", i + 1);
		assert_int_equal(observe(set, &psd, probe(src, "2001:db8::2",
					 IPPROTO_TCP, 1 + i), i),
				 GW_SCAN_SCORED);
	}
	assert_int_equal(observe(set, &psd, probe("2001:db8:1:2:ffff::1",
				 "2001:db8::2", IPPROTO_TCP, 7), 6),
			 GW_SCAN_DETECTED);
	/* the next /64 is another source */
	assert_int_equal(observe(set, &psd, probe("2001:db8:1:3::1",
				 "2001:db8::2", IPPROTO_TCP, 8), 7),
			 GW_SCAN_SCORED);
}

TEST(ipv6_key_clears_the_host_half)
{
	struct gw_scan_probe p = probe("2001:db8:1:2:aaaa:bbbb:cccc:dddd",
				       "2001:db8::2", IPPROTO_TCP, 1);

	assert_int_equal(p.src.all[2], 0);
	assert_int_equal(p.src.all[3], 0);
	assert_int_equal(p.src.bytes[7], 2);
}

TEST(ipv4_and_ipv6_never_share_an_entry)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_probe a = syn("0.0.0.0", 1);
	struct gw_scan_probe b = probe("::", "::1", IPPROTO_TCP, 1);

	/* the same key bytes, all zero, in two families */
	observe(set, &psd, a, 1);
	observe(set, &psd, b, 1);
	assert_non_null(gw_scan_find(set, WAYS, AF_INET, &a.src));
	assert_non_null(gw_scan_find(set, WAYS, AF_INET6, &b.src));
	assert_ptr_not_equal(gw_scan_find(set, WAYS, AF_INET, &a.src),
			     gw_scan_find(set, WAYS, AF_INET6, &b.src));
}

TEST(a_set_never_holds_more_than_its_ways)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	char src[32];
	int i, used = 0;

	for (i = 0; i < 1000; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", i % 250);
		observe(set, &psd, syn(src, 1), (u32)i);
	}
	for (i = 0; i < WAYS; i++)
		used += set[i].family != 0;
	assert_int_equal(used, WAYS);
}

TEST(new_source_evicts_least_recently_seen)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	char src[32];
	int i;

	for (i = 0; i < WAYS; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", i);
		observe(set, &psd, syn(src, 1), 10 + i);
	}
	/* .0 is seen again: .1 is now the least recent */
	observe(set, &psd, syn("198.51.100.0", 1), 100);
	observe(set, &psd, syn("198.51.100.200", 1), 101);
	assert_null(lookup(set, "198.51.100.1"));
	assert_non_null(lookup(set, "198.51.100.0"));
	assert_non_null(lookup(set, "198.51.100.200"));
}

TEST(evicted_source_starts_over)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	char src[32];
	int i;

	sweep(set, "203.0.113.9", 1, 6, 0);	/* 18 */
	for (i = 0; i < WAYS; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", i);
		observe(set, &psd, syn(src, 1), 10 + i);
	}
	assert_null(lookup(set, "203.0.113.9"));
	/* its seventh port now is its first */
	assert_int_equal(observe(set, &psd, syn("203.0.113.9", 7), 20),
			 GW_SCAN_SCORED);
}

TEST(offender_kept_over_clean_sources)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;
	struct gw_scan_probe p = syn("203.0.113.9", 1);
	char src[32];
	int i;

	gw_scan_observe(set, WAYS, &psd, &p, 0, &e);
	e->strikes = 1;
	/* blocked, it sends nothing we score; many others come and go */
	for (i = 0; i < 100; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", i);
		observe(set, &psd, syn(src, 1), 10 + i);
	}
	e = gw_scan_find(set, WAYS, AF_INET, &p.src);
	assert_non_null(e);
	assert_int_equal(e->strikes, 1);
}

TEST(offenders_only_evict_the_oldest)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;
	char src[32];
	int i;

	for (i = 0; i < WAYS; i++) {
		struct gw_scan_probe p;

		snprintf(src, sizeof(src), "198.51.100.%d", i);
		p = syn(src, 1);
		gw_scan_observe(set, WAYS, &psd, &p, 10 + i, &e);
		e->strikes = 1;
	}
	observe(set, &psd, syn("203.0.113.9", 1), 100);
	assert_null(lookup(set, "198.51.100.0"));
}

TEST(strikes_survive_a_new_round)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;
	struct gw_scan_probe p = syn("203.0.113.9", 1);

	gw_scan_observe(set, WAYS, &psd, &p, 0, &e);
	e->strikes = 2;
	p.port = 2;
	gw_scan_observe(set, WAYS, &psd, &p, 10 * DELAY, &e);
	assert_int_equal(e->strikes, 2);
	assert_int_equal(e->score, 3);
}

TEST(blocked_starts_a_new_round)
{
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;
	struct gw_scan_probe p = syn("203.0.113.9", 1);

	assert_int_equal(sweep(set, "203.0.113.9", 1, 7, 0), 6);
	e = lookup(set, "203.0.113.9");
	gw_scan_blocked(e, 7);
	assert_int_equal(e->strikes, 1);
	assert_int_equal(e->score, 0);
	/* unblocked within the delay: a new scan is reported at once */
	p.impossible = 1;
	assert_int_equal(observe(set, &psd, p, 8), GW_SCAN_DETECTED);
	/* and the port it probed before the block scores again */
	assert_int_equal(sweep(set, "203.0.113.10", 1, 7, 0), 6);
	e = lookup(set, "203.0.113.10");
	gw_scan_blocked(e, 7);
	assert_int_equal(observe(set, &psd, syn("203.0.113.10", 1), 8),
			 GW_SCAN_SCORED);
	assert_int_equal(e->score, 3);
}

TEST(strikes_saturate)
{
	struct gw_scan_entry e;
	int i;

	memset(&e, 0, sizeof(e));
	for (i = 0; i < 300; i++)
		gw_scan_blocked(&e, (u32)i);
	assert_int_equal(e.strikes, 255);
}

TEST(threshold_one_and_high_weights)
{
	const struct gw_scan_cfg one = {
		.threshold = 1, .delay = DELAY, .weight_low = 1,
		.weight_high = 1,
	};
	const struct gw_scan_cfg heavy = {
		.threshold = 60000, .delay = DELAY, .weight_low = 60000,
		.weight_high = 60000,
	};
	struct gw_scan_entry set[WAYS] = { 0 };
	struct gw_scan_entry *e;
	struct gw_scan_probe p = syn("203.0.113.9", 1);

	assert_int_equal(gw_scan_observe(set, WAYS, &one, &p, 0, &e),
			 GW_SCAN_DETECTED);
	memset(set, 0, sizeof(set));
	p = syn("203.0.113.10", 1);
	assert_int_equal(gw_scan_observe(set, WAYS, &heavy, &p, 0, &e),
			 GW_SCAN_DETECTED);
	p.port = 2;
	assert_int_equal(gw_scan_observe(set, WAYS, &heavy, &p, 1, &e),
			 GW_SCAN_SCORED);
	/* saturates, never wraps below the threshold */
	assert_int_equal(e->score, 0xffff);
}

TEST(zero_weight_never_scores)
{
	const struct gw_scan_cfg cfg = {
		.threshold = 21, .delay = DELAY, .weight_low = 3,
		.weight_high = 0,
	};
	struct gw_scan_entry set[WAYS] = { 0 };
	int i;

	for (i = 0; i < 100; i++)
		assert_int_equal(observe(set, &cfg, syn("203.0.113.9",
					 2000 + i), i), GW_SCAN_SCORED);
}

TEST(probe_id_tells_apart)
{
	struct gw_scan_probe a = syn("203.0.113.9", 22);
	struct gw_scan_probe b = a;

	b.port = 23;
	assert_int_not_equal(gw_scan_probe_id(&a), gw_scan_probe_id(&b));
	b = a;
	b.proto = IPPROTO_UDP;
	assert_int_not_equal(gw_scan_probe_id(&a), gw_scan_probe_id(&b));
	b = probe("203.0.113.9", "192.0.2.3", IPPROTO_TCP, 22);
	assert_int_not_equal(gw_scan_probe_id(&a), gw_scan_probe_id(&b));
	/* the source plays no part */
	b = syn("203.0.113.10", 22);
	assert_int_equal(gw_scan_probe_id(&a), gw_scan_probe_id(&b));
}

TEST(what_scores)
{
	unsigned int r, n = 0;

	assert_true(gw_scan_scores(GW_CTR_DROP_PASSIVE_DENIED));
	assert_true(gw_scan_scores(GW_CTR_DROP_UDP_PROBE));
	assert_true(gw_scan_scores(GW_CTR_DROP_TCP_BAD_FLAGS));
	assert_true(gw_scan_impossible(GW_CTR_DROP_TCP_BAD_FLAGS));
	assert_false(gw_scan_impossible(GW_CTR_DROP_PASSIVE_DENIED));
	assert_false(gw_scan_impossible(GW_CTR_DROP_UDP_PROBE));
	/* -sA/-sW's ACKs: scored, unless stragglers (gone_*, below) */
	assert_true(gw_scan_scores(GW_CTR_DROP_TCP_NO_FLOW));
	assert_false(gw_scan_impossible(GW_CTR_DROP_TCP_NO_FLOW));
	/* a live flow's window and state checks: not */
	assert_false(gw_scan_scores(GW_CTR_DROP_OUT_OF_WINDOW));
	assert_false(gw_scan_scores(GW_CTR_DROP_TCP_INVALID));
	/* nor what is blocked already, limited, or ICMP */
	assert_false(gw_scan_scores(GW_CTR_DROP_BLOCKED));
	assert_false(gw_scan_scores(GW_CTR_DROP_OVERLOAD));
	assert_false(gw_scan_scores(GW_CTR_DROP_ICMP_ECHO));
	assert_false(gw_scan_scores(GW_CTR_DROP_COOKIE_FORGED));
	/* four reasons in all, and none past the counters */
	for (r = 0; r < 256; r++)
		n += gw_scan_scores(r);
	assert_int_equal(n, 4);
}

#define WINDOW 12000	/* ticks: 120 s at HZ 100 */

static struct gw_scan_gone gone;

/* A tuple that just left is a straggler's for one to two windows. */
TEST(gone_remembered_one_to_two_windows)
{
	u32 t = 1000;

	memset(&gone, 0, sizeof(gone));
	assert_false(gw_scan_gone_rotate(&gone, t, WINDOW));
	gone.rotated = t;
	assert_false(gw_scan_gone_seen(&gone, 0xdeadbeef));
	gw_scan_gone_note(&gone, 0xdeadbeef);
	assert_true(gw_scan_gone_seen(&gone, 0xdeadbeef));
	/* not a window yet: nothing moves */
	assert_false(gw_scan_gone_rotate(&gone, t + WINDOW - 1, WINDOW));
	/* one rotation: still known (the older generation) */
	assert_true(gw_scan_gone_rotate(&gone, t + WINDOW, WINDOW));
	assert_true(gw_scan_gone_seen(&gone, 0xdeadbeef));
	/* a tuple gone now is in the new current one */
	gw_scan_gone_note(&gone, 0x12345678);
	/* the second rotation forgets the first, not the second */
	assert_true(gw_scan_gone_rotate(&gone, t + 2 * WINDOW, WINDOW));
	assert_false(gw_scan_gone_seen(&gone, 0xdeadbeef));
	assert_true(gw_scan_gone_seen(&gone, 0x12345678));
	assert_true(gw_scan_gone_rotate(&gone, t + 3 * WINDOW, WINDOW));
	assert_false(gw_scan_gone_seen(&gone, 0x12345678));
}

/* Nobody rotated for two windows: both generations are stale. */
TEST(gone_forgotten_after_a_long_idle)
{
	memset(&gone, 0, sizeof(gone));
	gw_scan_gone_note(&gone, 7);
	assert_true(gw_scan_gone_rotate(&gone, 2 * WINDOW, WINDOW));
	assert_false(gw_scan_gone_seen(&gone, 7));
	/* across the clock's wrap too */
	gone.rotated = 0xffffff00U;
	gw_scan_gone_note(&gone, 7);
	assert_false(gw_scan_gone_rotate(&gone, 0x100, WINDOW));
	assert_true(gw_scan_gone_seen(&gone, 7));
}

/* Only the bits of what went: 1000 tuples leave ~1.5% of others marked. */
TEST(gone_is_per_tuple)
{
	u32 i, false_hits = 0;

	memset(&gone, 0, sizeof(gone));
	for (i = 0; i < 1000; i++)
		gw_scan_gone_note(&gone, i * 2654435761U);
	for (i = 0; i < 1000; i++)
		assert_true(gw_scan_gone_seen(&gone, i * 2654435761U));
	for (i = 0; i < 10000; i++)
		false_hits += gw_scan_gone_seen(&gone, i * 2654435761U + 1);
	assert_true(false_hits < 500);
}

/* An ACK of no flow is a probe unless its tuple just went; a reset never. */
TEST(straggler_or_ack_probe)
{
	memset(&gone, 0, sizeof(gone));
	assert_false(gw_scan_straggler(&gone, GW_TCP_ACK, 42));
	assert_false(gw_scan_straggler(&gone, GW_TCP_ACK | GW_TCP_FIN, 42));
	assert_true(gw_scan_straggler(&gone, GW_TCP_RST, 42));
	assert_true(gw_scan_straggler(&gone, GW_TCP_RST | GW_TCP_ACK, 42));
	gw_scan_gone_note(&gone, 42);
	assert_true(gw_scan_straggler(&gone, GW_TCP_ACK, 42));
	assert_false(gw_scan_straggler(&gone, GW_TCP_ACK, 43));
}

TEST(block_seconds_double_to_the_cap)
{
	assert_int_equal(gw_scan_block_seconds(600, 86400, 0), 600);
	assert_int_equal(gw_scan_block_seconds(600, 86400, 1), 1200);
	assert_int_equal(gw_scan_block_seconds(600, 86400, 2), 2400);
	assert_int_equal(gw_scan_block_seconds(600, 86400, 7), 76800);
	assert_int_equal(gw_scan_block_seconds(600, 86400, 8), 86400);
	assert_int_equal(gw_scan_block_seconds(600, 86400, 255), 86400);
	assert_int_equal(gw_scan_block_seconds(0xffffffffU, 0xffffffffU,
					       255), 0xffffffffU);
	/* a cap below the base: the base */
	assert_int_equal(gw_scan_block_seconds(600, 300, 3), 600);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(entry_is_96_bytes),
	cmocka_unit_test(seven_low_ports_detect),
	cmocka_unit_test(twenty_one_high_ports_detect),
	cmocka_unit_test(mixed_weights),
	cmocka_unit_test(weight_boundary_is_1024),
	cmocka_unit_test(repeated_probe_scores_once),
	cmocka_unit_test(repeat_does_not_extend_delay),
	cmocka_unit_test(distinct_destinations_and_protocols),
	cmocka_unit_test(slow_scan_never_detected),
	cmocka_unit_test(exactly_the_delay_still_counts),
	cmocka_unit_test(delay_wraps_with_the_clock),
	cmocka_unit_test(detected_once_a_round),
	cmocka_unit_test(impossible_flags_detect_at_once),
	cmocka_unit_test(impossible_flags_after_a_syn_to_the_port),
	cmocka_unit_test(sources_scored_apart),
	cmocka_unit_test(ipv6_source_is_its_64),
	cmocka_unit_test(ipv6_key_clears_the_host_half),
	cmocka_unit_test(ipv4_and_ipv6_never_share_an_entry),
	cmocka_unit_test(a_set_never_holds_more_than_its_ways),
	cmocka_unit_test(new_source_evicts_least_recently_seen),
	cmocka_unit_test(evicted_source_starts_over),
	cmocka_unit_test(offender_kept_over_clean_sources),
	cmocka_unit_test(offenders_only_evict_the_oldest),
	cmocka_unit_test(strikes_survive_a_new_round),
	cmocka_unit_test(blocked_starts_a_new_round),
	cmocka_unit_test(strikes_saturate),
	cmocka_unit_test(threshold_one_and_high_weights),
	cmocka_unit_test(zero_weight_never_scores),
	cmocka_unit_test(probe_id_tells_apart),
	cmocka_unit_test(what_scores),
	cmocka_unit_test(gone_remembered_one_to_two_windows),
	cmocka_unit_test(gone_forgotten_after_a_long_idle),
	cmocka_unit_test(gone_is_per_tuple),
	cmocka_unit_test(straggler_or_ack_probe),
	cmocka_unit_test(block_seconds_double_to_the_cap),
};

GW_UNIT_MAIN(tests)
