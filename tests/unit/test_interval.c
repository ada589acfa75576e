// SPDX-License-Identifier: GPL-2.0
/*
 * The intervals of "gwctl stats -r" and "gwctl top -d" (ctl/addr.c,
 * gw_parse_interval()): seconds with at most three decimals, 0.1 to 3600,
 * and nothing else (no sign, exponent, blank or empty part).
 */
#include "unit.h"
#include "gwctl.h"

static uint32_t good(const char *arg)
{
	char err[GW_ERR_MAX] = "";
	uint32_t ms = 0;

	assert_int_equal(gw_parse_interval("interval", arg, &ms, err, sizeof(err)), 0);
	assert_string_equal(err, "");
	return ms;
}

static void bad(const char *arg, const char *want)
{
	char err[GW_ERR_MAX] = "";
	uint32_t ms = 12345;

	assert_int_equal(gw_parse_interval("interval", arg, &ms, err, sizeof(err)), -1);
	assert_non_null(strstr(err, want));
	assert_int_equal(ms, 12345);
}

TEST(intervals)
{
	assert_int_equal(good("1"), 1000);
	assert_int_equal(good("0.5"), 500);
	assert_int_equal(good("0.1"), 100);
	assert_int_equal(good("2.25"), 2250);
	assert_int_equal(good("1.001"), 1001);
	assert_int_equal(good("3600"), 3600000);
	assert_int_equal(good("3600.000"), 3600000);
}

TEST(bad_intervals)
{
	bad("", "expected seconds");
	bad(".5", "expected seconds");
	bad("1.", "expected seconds");
	bad("1.0001", "expected seconds");
	bad("-1", "expected seconds");
	bad("+1", "expected seconds");
	bad("1e3", "expected seconds");
	bad(" 1", "expected seconds");
	bad("1,5", "expected seconds");
	bad("0", "out of range (0.1-3600 seconds)");
	bad("0.099", "out of range");
	bad("3600.001", "out of range");
	bad("99999999999999999999999", "out of range");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(intervals),
	cmocka_unit_test(bad_intervals),
};

GW_UNIT_MAIN(tests)
