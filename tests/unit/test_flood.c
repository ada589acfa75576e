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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(adaptive_off_below_start),
	cmocka_unit_test(adaptive_scales_linearly),
	cmocka_unit_test(adaptive_monotonic_no_overflow),
	cmocka_unit_test(rate_off),
	cmocka_unit_test(rate_burst_nplus1),
	cmocka_unit_test(rate_steady_passes),
	cmocka_unit_test(rate_recovers_after_window),
	cmocka_unit_test(rate_clock_wraps),
	cmocka_unit_test(rate_saturates),
	cmocka_unit_test(src_prefix_v4_whole_address),
	cmocka_unit_test(src_prefix_v6_slash64),
};

GW_UNIT_MAIN(tests)
