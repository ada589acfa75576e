// SPDX-License-Identifier: GPL-2.0
/*
 * Flood budgets: pf-style adaptive half-open timeouts, the per-source
 * connection rate and the /64 a source is counted under.
 */
#include "unit.h"
#include "flood.h"

TEST(adaptive_off_below_start)
{
	assert_int_equal(gw_adaptive_timeout(60, 0, 600, 1200), 60);
	assert_int_equal(gw_adaptive_timeout(60, 600, 600, 1200), 60);
	/* disabled: start 0, or end not above start */
	assert_int_equal(gw_adaptive_timeout(60, 5000, 0, 1200), 60);
	assert_int_equal(gw_adaptive_timeout(60, 5000, 1200, 1200), 60);
	assert_int_equal(gw_adaptive_timeout(60, 5000, 1300, 1200), 60);
}

TEST(adaptive_scales_linearly)
{
	/* pf: scale = (end - count) / (end - start) */
	assert_int_equal(gw_adaptive_timeout(60, 900, 600, 1200), 30);
	assert_int_equal(gw_adaptive_timeout(60, 750, 600, 1200), 45);
	assert_int_equal(gw_adaptive_timeout(60, 1199, 600, 1200), 0);
	assert_int_equal(gw_adaptive_timeout(60, 1200, 600, 1200), 0);
	assert_int_equal(gw_adaptive_timeout(60, 4000000000U, 600, 1200), 0);
}

TEST(adaptive_monotonic_no_overflow)
{
	u32 prev = UINT32_MAX, c;

	for (c = 0; c <= 3000; c++) {
		u32 t = gw_adaptive_timeout(1000000U * 1000U, c, 1000, 2000);

		assert_true(t <= prev);
		prev = t;
	}
	assert_int_equal(prev, 0);
}

/* README, "Tunables": one bucket per 16 KiB of RAM, a power of two */
TEST(table_buckets_from_ram)
{
	const u64 mib = 1024 * 1024;

	assert_int_equal(gw_table_buckets(1024 * mib, 0), 65536);
	/* a "1 GiB" guest has less: rounded down, never up */
	assert_int_equal(gw_table_buckets(1024 * mib - 40 * mib, 0), 32768);
	assert_int_equal(gw_table_buckets(256 * mib, 0), 16384);
	assert_int_equal(gw_table_buckets(16 * 1024 * mib, 0), 1U << 20);
	/* bounded both ways */
	assert_int_equal(gw_table_buckets(4 * mib, 0), 1024);
	assert_int_equal(gw_table_buckets(0, 0), 1024);
	assert_int_equal(gw_table_buckets(4096 * 1024 * mib, 0), 1U << 20);
}

TEST(table_buckets_from_hashsize)
{
	const u64 ram = 1024ULL * 1024 * 1024;

	assert_int_equal(gw_table_buckets(ram, 65536), 65536);
	assert_int_equal(gw_table_buckets(ram, 5000), 4096);
	assert_int_equal(gw_table_buckets(ram, 1), 1024);
	assert_int_equal(gw_table_buckets(ram, 0xffffffffU), 1U << 20);
}

TEST(rate_off)
{
	struct gw_conn_rate r;
	int i;

	gw_conn_rate_reset(&r, 0);
	for (i = 0; i < 1000; i++) {
		assert_false(gw_conn_rate_exceeded(&r, 0, 100, (u32)i));
		assert_false(gw_conn_rate_exceeded(&r, 5, 0, (u32)i));
	}
}

/* N in a burst pass, the N+1th trips the limit. */
TEST(rate_burst_nplus1)
{
	struct gw_conn_rate r;
	u32 n;

	for (n = 1; n <= 50; n++) {
		u32 i;

		gw_conn_rate_reset(&r, 1000);
		for (i = 0; i < n; i++)
			assert_false(gw_conn_rate_exceeded(&r, n, 5000, 1000 + i));
		assert_true(gw_conn_rate_exceeded(&r, n, 5000, 1000 + n));
	}
}

/* A steady N per window, evenly spaced, never trips it. */
TEST(rate_steady_passes)
{
	struct gw_conn_rate r;
	u32 t = 77, i;

	gw_conn_rate_reset(&r, t);
	for (i = 0; i < 1000; i++) {
		t += 1000;	/* 5 per 5000 */
		assert_false(gw_conn_rate_exceeded(&r, 5, 5000, t));
	}
}

/* After a whole window of quiet, a full burst is allowed again. */
TEST(rate_recovers_after_window)
{
	struct gw_conn_rate r;
	u32 i;

	gw_conn_rate_reset(&r, 0);
	for (i = 0; i < 100; i++)
		gw_conn_rate_exceeded(&r, 3, 100, 10);
	assert_true(gw_conn_rate_exceeded(&r, 3, 100, 11));
	for (i = 0; i < 3; i++)
		assert_false(gw_conn_rate_exceeded(&r, 3, 100, 111 + i));
	assert_true(gw_conn_rate_exceeded(&r, 3, 100, 114));
}

/* The clock wraps: only the difference counts. */
TEST(rate_clock_wraps)
{
	struct gw_conn_rate r;
	u32 t = UINT32_MAX - 1;

	gw_conn_rate_reset(&r, t);
	assert_false(gw_conn_rate_exceeded(&r, 2, 100, t));
	assert_false(gw_conn_rate_exceeded(&r, 2, 100, t + 1));
	assert_true(gw_conn_rate_exceeded(&r, 2, 100, t + 2));	/* wrapped */
	assert_false(gw_conn_rate_exceeded(&r, 2, 100, t + 300));
}

/* An endless burst saturates instead of wrapping round to "allowed". */
TEST(rate_saturates)
{
	struct gw_conn_rate r;
	u32 i;

	gw_conn_rate_reset(&r, 0);
	for (i = 0; i < 10000000; i++)
		gw_conn_rate_exceeded(&r, 4000, 1000000, 0);
	assert_true(gw_conn_rate_exceeded(&r, 4000, 1000000, 0));
	assert_true(r.count <= 4001U * GW_CONN_RATE_ONE);
}

TEST(src_prefix_v4_whole_address)
{
	union gw_addr a = gw_test_addr(AF_INET, "203.0.113.77"), p;

	memset(&p, 0xaa, sizeof(p));
	gw_src_prefix(&p, &a, AF_INET);
	assert_memory_equal(&p, &a, sizeof(a));
}

TEST(src_prefix_v6_slash64)
{
	union gw_addr a = gw_test_addr(AF_INET6, "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
	union gw_addr b = gw_test_addr(AF_INET6, "2001:db8:1:2::1");
	union gw_addr c = gw_test_addr(AF_INET6, "2001:db8:1:3::1");
	union gw_addr pa, pb, pc;

	gw_src_prefix(&pa, &a, AF_INET6);
	gw_src_prefix(&pb, &b, AF_INET6);
	gw_src_prefix(&pc, &c, AF_INET6);
	assert_memory_equal(&pa, &pb, sizeof(pa));
	assert_memory_not_equal(&pa, &pc, sizeof(pa));
	assert_int_equal(pa.all[2], 0);
	assert_int_equal(pa.all[3], 0);
}

/* ---- early drop: which entries may go ---------------------------------- */

static u8 rank_tcp(u8 state, u8 seen_reply)
{
	struct gw_tcp_conn c;

	memset(&c, 0, sizeof(c));
	c.state = state;
	c.seen_reply = seen_reply;
	return gw_evict_rank_tcp(&c);
}

static u8 rank_pseudo(u8 seen_reply, u8 stream)
{
	struct gw_udp_conn c = { .created = 0, .seen_reply = seen_reply,
				 .stream = stream };

	return gw_evict_rank_pseudo(&c);
}

/* Handshakes in progress: answered by nobody yet. */
TEST(evict_tcp_halfopen)
{
	assert_int_equal(rank_tcp(GW_TCP_SYN_SENT, 0), GW_EVICT_UNANSWERED);
	assert_int_equal(rank_tcp(GW_TCP_SYN_SENT2, 0), GW_EVICT_UNANSWERED);
	assert_int_equal(rank_tcp(GW_TCP_SYN_RECV, 1), GW_EVICT_UNANSWERED);
}

/* Nothing that can still carry data is ever a victim (issue 13, item 6). */
TEST(evict_tcp_data_states_never)
{
	assert_int_equal(rank_tcp(GW_TCP_ESTABLISHED, 1), GW_EVICT_NEVER);
	assert_int_equal(rank_tcp(GW_TCP_FIN_WAIT, 1), GW_EVICT_NEVER);
	assert_int_equal(rank_tcp(GW_TCP_CLOSE_WAIT, 1), GW_EVICT_NEVER);
	assert_int_equal(rank_tcp(GW_TCP_LAST_ACK, 1), GW_EVICT_NEVER);
}

/* What can carry no data goes first. */
TEST(evict_tcp_finished_first)
{
	assert_int_equal(rank_tcp(GW_TCP_TIME_WAIT, 1), GW_EVICT_FINISHED);
	assert_int_equal(rank_tcp(GW_TCP_CLOSE, 1), GW_EVICT_FINISHED);
	assert_int_equal(rank_tcp(GW_TCP_NONE, 0), GW_EVICT_FINISHED);
	assert_true(rank_tcp(GW_TCP_TIME_WAIT, 1) > rank_tcp(GW_TCP_SYN_SENT, 0));
}

/* A connection picked up mid-stream that nothing answered is unanswered. */
TEST(evict_tcp_pickup_unanswered)
{
	assert_int_equal(rank_tcp(GW_TCP_ESTABLISHED, 0), GW_EVICT_UNANSWERED);
	assert_int_equal(rank_tcp(GW_TCP_FIN_WAIT, 0), GW_EVICT_UNANSWERED);
}

/*
 * UDP and every other protocol: unanswered, or answered once and never
 * again (conntrack's not assured), may go; a stream never does (item 2).
 */
TEST(evict_pseudo_unanswered)
{
	assert_int_equal(rank_pseudo(0, 0), GW_EVICT_UNANSWERED);
	assert_int_equal(rank_pseudo(1, 0), GW_EVICT_UNANSWERED);
	assert_int_equal(rank_pseudo(1, 1), GW_EVICT_NEVER);
}

/* ---- the per-source table: which slot a new source takes --------------- */

static void slot_use(struct gw_src_slot *s, u8 last, u32 conns, u8 overloaded,
		     u32 last_used, u32 until)
{
	memset(s, 0, sizeof(*s));
	s->family = AF_INET;
	s->prefix.all[0] = last;
	s->conns = conns;
	s->overloaded = overloaded;
	s->last_used = last_used;
	s->overload_until = until;
}

TEST(src_pick_free_first)
{
	struct gw_src_slot set[4];

	slot_use(&set[0], 1, 0, 0, 10, 0);
	slot_use(&set[1], 2, 3, 0, 10, 0);
	memset(&set[2], 0, sizeof(set[2]));
	slot_use(&set[3], 4, 0, 0, 1, 0);
	assert_int_equal(gw_src_pick(set, 4, 100), 2);
}

TEST(src_pick_idle_lru)
{
	struct gw_src_slot set[4];

	slot_use(&set[0], 1, 0, 0, 50, 0);
	slot_use(&set[1], 2, 3, 0, 1, 0);
	slot_use(&set[2], 3, 0, 0, 20, 0);
	slot_use(&set[3], 4, 0, 1, 2, 500);
	assert_int_equal(gw_src_pick(set, 4, 100), 2);
	/* the clock wraps: "least recent" is by age, not by value */
	slot_use(&set[0], 1, 0, 0, 0xfffffff0u, 0);
	slot_use(&set[2], 3, 0, 0, 5, 0);
	assert_int_equal(gw_src_pick(set, 4, 10), 0);
}

/*
 * Every slot holds connections (issue 13, item 7): the table must not
 * fail open.  The source holding fewest goes, the least recently active
 * of those; an overloaded source keeps its slot while another can go.
 */
TEST(src_pick_all_busy_evicts_fewest)
{
	struct gw_src_slot set[4];

	slot_use(&set[0], 1, 5, 0, 10, 0);
	slot_use(&set[1], 2, 2, 0, 90, 0);
	slot_use(&set[2], 3, 2, 0, 30, 0);
	slot_use(&set[3], 4, 1, 1, 5, 500);
	assert_int_equal(gw_src_pick(set, 4, 100), 2);
}

TEST(src_pick_all_overloaded)
{
	struct gw_src_slot set[4];

	slot_use(&set[0], 1, 0, 1, 10, 400);
	slot_use(&set[1], 2, 0, 1, 10, 150);
	slot_use(&set[2], 3, 0, 1, 10, 300);
	slot_use(&set[3], 4, 9, 1, 10, 200);
	/* the one whose overload ends first */
	assert_int_equal(gw_src_pick(set, 4, 100), 1);
}

/* Whatever the slots hold, a new source always gets one. */
TEST(src_pick_never_fails)
{
	struct gw_src_slot set[4];
	unsigned int i, j;

	for (i = 0; i < 256; i++) {
		for (j = 0; j < 4; j++)
			slot_use(&set[j], (u8)j, (i >> j) & 3, (i >> (j + 4)) & 1,
				 i * 7 + j, 1000 + j);
		assert_true(gw_src_pick(set, 4, 1000) >= 0);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(adaptive_off_below_start),
	cmocka_unit_test(adaptive_scales_linearly),
	cmocka_unit_test(adaptive_monotonic_no_overflow),
	cmocka_unit_test(table_buckets_from_ram),
	cmocka_unit_test(table_buckets_from_hashsize),
	cmocka_unit_test(rate_off),
	cmocka_unit_test(rate_burst_nplus1),
	cmocka_unit_test(rate_steady_passes),
	cmocka_unit_test(rate_recovers_after_window),
	cmocka_unit_test(rate_clock_wraps),
	cmocka_unit_test(rate_saturates),
	cmocka_unit_test(src_prefix_v4_whole_address),
	cmocka_unit_test(src_prefix_v6_slash64),
	cmocka_unit_test(evict_tcp_halfopen),
	cmocka_unit_test(evict_tcp_data_states_never),
	cmocka_unit_test(evict_tcp_finished_first),
	cmocka_unit_test(evict_tcp_pickup_unanswered),
	cmocka_unit_test(evict_pseudo_unanswered),
	cmocka_unit_test(src_pick_free_first),
	cmocka_unit_test(src_pick_idle_lru),
	cmocka_unit_test(src_pick_all_busy_evicts_fewest),
	cmocka_unit_test(src_pick_all_overloaded),
	cmocka_unit_test(src_pick_never_fails),
};

GW_UNIT_MAIN(tests)
