// SPDX-License-Identifier: GPL-2.0
/*
 * The blocklist's lookup core (kmod/core/blocklist.c): longest prefix
 * first, IPv4 and IPv6 apart, expiry, and what "never-block wins" needs
 * of it: two tables, each answering "is this source in me".
 */
#include <arpa/inet.h>

#include "unit.h"
#include "blocklist.h"

#define CAP 64

struct table {
	struct gw_block_table t;
	struct gw_block_entry e[CAP];
};

static struct gw_block_entry entry(const char *addr, unsigned int plen,
				   u32 expires)
{
	struct gw_block_entry e;
	int family = strchr(addr, ':') ? AF_INET6 : AF_INET;

	memset(&e, 0, sizeof(e));
	assert_int_equal(inet_pton(family, addr, e.addr.bytes), 1);
	e.family = family;
	e.plen = plen;
	if (expires) {
		e.timed = 1;
		e.expires = expires;
	}
	return e;
}

static union gw_addr addr_of(const char *s, u8 *family)
{
	union gw_addr a;

	memset(&a, 0, sizeof(a));
	*family = strchr(s, ':') ? AF_INET6 : AF_INET;
	assert_int_equal(inet_pton(*family, s, a.bytes), 1);
	return a;
}

/* Builds @t from @n entries in any order, as a load does. */
static void build(struct table *t, const struct gw_block_entry *e, u32 n)
{
	memset(t, 0, sizeof(*t));
	if (n)
		memcpy(t->e, e, n * sizeof(*e));
	t->t.entry = t->e;
	t->t.count = gw_block_sort_unique(t->e, n);
	gw_block_index(&t->t);
}

/* The prefix length that matched @s at @now, or -1. */
static int match(const struct table *t, const char *s, u32 now)
{
	const struct gw_block_entry *e;
	union gw_addr a;
	u8 family;

	a = addr_of(s, &family);
	e = gw_block_lookup(&t->t, family, &a, now);
	return e ? e->plen : -1;
}

TEST(longest_prefix_first)
{
	const struct gw_block_entry e[] = {
		entry("203.0.113.0", 24, 0),
		entry("203.0.113.128", 25, 0),
		entry("203.0.113.7", 32, 0),
		entry("0.0.0.0", 0, 0),
	};
	struct table t;

	build(&t, e, ARRAY_SIZE(e));
	assert_int_equal(t.t.nplens[0], 4);
	assert_int_equal(t.t.plens[0][0], 32);
	assert_int_equal(t.t.plens[0][3], 0);
	assert_int_equal(match(&t, "203.0.113.7", 1), 32);
	assert_int_equal(match(&t, "203.0.113.200", 1), 25);
	assert_int_equal(match(&t, "203.0.113.8", 1), 24);
	assert_int_equal(match(&t, "198.51.100.1", 1), 0);
	/* IPv4's /0 says nothing about IPv6 */
	assert_int_equal(match(&t, "2001:db8::1", 1), -1);
}

TEST(families_apart)
{
	const struct gw_block_entry e[] = {
		entry("2001:db8:1::", 48, 0),
		entry("2001:db8:1:2::1", 128, 0),
		entry("192.0.2.0", 24, 0),
	};
	struct table t;

	build(&t, e, ARRAY_SIZE(e));
	assert_int_equal(t.t.nplens[0], 1);
	assert_int_equal(t.t.nplens[1], 2);
	assert_int_equal(match(&t, "2001:db8:1:2::1", 1), 128);
	assert_int_equal(match(&t, "2001:db8:1:ffff::9", 1), 48);
	assert_int_equal(match(&t, "2001:db8:2::1", 1), -1);
	assert_int_equal(match(&t, "192.0.2.99", 1), 24);
	assert_int_equal(match(&t, "192.0.3.1", 1), -1);
}

TEST(many_in_one_span)
{
	struct gw_block_entry e[CAP];
	char buf[32];
	struct table t;
	unsigned int i;

	/* every other /32 of 198.51.100.0/25, in reverse order */
	for (i = 0; i < CAP; i++) {
		snprintf(buf, sizeof(buf), "198.51.100.%u", 2 * (CAP - 1 - i));
		e[i] = entry(buf, 32, 0);
	}
	build(&t, e, CAP);
	assert_int_equal(t.t.count, CAP);
	for (i = 0; i < 2 * CAP; i++) {
		snprintf(buf, sizeof(buf), "198.51.100.%u", i);
		assert_int_equal(match(&t, buf, 1), i % 2 ? -1 : 32);
	}
}

TEST(expired_entry_hides_nothing)
{
	const struct gw_block_entry e[] = {
		entry("203.0.113.7", 32, 100),	/* timed, until tick 100 */
		entry("203.0.113.0", 24, 0),
		entry("192.0.2.1", 32, 50),
	};
	struct table t;

	build(&t, e, ARRAY_SIZE(e));
	assert_int_equal(t.t.ntimed, 2);
	assert_int_equal(match(&t, "203.0.113.7", 99), 32);
	/* the /32 ran out: the /24 under it still holds */
	assert_int_equal(match(&t, "203.0.113.7", 100), 24);
	assert_int_equal(match(&t, "192.0.2.1", 49), 32);
	assert_int_equal(match(&t, "192.0.2.1", 50), -1);
	assert_int_equal(match(&t, "192.0.2.1", 5000), -1);
}

TEST(expiry_across_tick_wrap)
{
	const struct gw_block_entry e[] = { entry("192.0.2.1", 32, 10) };
	struct table t;

	build(&t, e, 1);
	/* added at 0xfffffff0 for 26 ticks: live until 10, after the wrap */
	assert_int_equal(match(&t, "192.0.2.1", 0xfffffff0u), 32);
	assert_int_equal(match(&t, "192.0.2.1", 9), 32);
	assert_int_equal(match(&t, "192.0.2.1", 10), -1);
}

TEST(never_block_wins)
{
	const struct gw_block_entry b[] = { entry("198.51.100.0", 24, 0) };
	const struct gw_block_entry n[] = { entry("198.51.100.7", 32, 0) };
	struct table block, never;
	const char *const srcs[] = { "198.51.100.7", "198.51.100.8" };
	const int want_drop[] = { 0, 1 };
	unsigned int i;

	build(&block, b, 1);
	build(&never, n, 1);
	/* the packet path: dropped when in the blocklist and not in never */
	for (i = 0; i < ARRAY_SIZE(srcs); i++)
		assert_int_equal(match(&block, srcs[i], 1) >= 0 &&
				 match(&never, srcs[i], 1) < 0, want_drop[i]);
}

TEST(duplicates_collapse_permanent_first)
{
	const struct gw_block_entry e[] = {
		entry("192.0.2.1", 32, 100),
		entry("192.0.2.1", 32, 0),
		entry("192.0.2.1", 32, 200),
		entry("192.0.2.0", 24, 0),
	};
	struct gw_block_entry key = entry("192.0.2.1", 32, 0);
	struct table t;

	build(&t, e, ARRAY_SIZE(e));
	assert_int_equal(t.t.count, 2);
	assert_int_equal(t.t.ntimed, 0);
	assert_true(gw_block_find(&t.t, &key) >= 0);
	key = entry("192.0.2.2", 32, 0);
	assert_true(gw_block_find(&t.t, &key) < 0);
	/* permanent: still there long after the timed copies would be gone */
	assert_int_equal(match(&t, "192.0.2.1", 100000), 32);
}

TEST(find_gives_insertion_point)
{
	const struct gw_block_entry e[] = {
		entry("192.0.2.0", 24, 0),
		entry("192.0.2.9", 32, 0),
	};
	struct gw_block_entry key = entry("192.0.2.5", 32, 0);
	struct table t;
	long pos;

	build(&t, e, ARRAY_SIZE(e));
	/* longest first: the /32s come before the /24 */
	pos = gw_block_find(&t.t, &key);
	assert_int_equal(pos, -1);
	key = entry("192.0.2.10", 32, 0);
	assert_int_equal(gw_block_find(&t.t, &key), -2);
}

TEST(prefix_validity)
{
	u8 family;
	union gw_addr a;

	a = addr_of("203.0.113.0", &family);
	assert_true(gw_block_prefix_valid(family, &a, 24));
	assert_false(gw_block_prefix_valid(family, &a, 33));
	a = addr_of("203.0.113.1", &family);
	assert_false(gw_block_prefix_valid(family, &a, 24));
	assert_true(gw_block_prefix_valid(family, &a, 32));
	a = addr_of("2001:db8::1", &family);
	assert_false(gw_block_prefix_valid(family, &a, 64));
	assert_true(gw_block_prefix_valid(family, &a, 128));
	assert_false(gw_block_prefix_valid(family, &a, 129));
	assert_false(gw_block_prefix_valid(AF_UNIX, &a, 8));
	/* an IPv4 entry with bytes past its fourth is malformed */
	a = addr_of("2001:db8::1", &family);
	assert_false(gw_block_prefix_valid(AF_INET, &a, 32));
}

TEST(empty_table)
{
	struct table t;
	union gw_addr a;
	u8 family;

	build(&t, NULL, 0);
	a = addr_of("192.0.2.1", &family);
	assert_null(gw_block_lookup(&t.t, family, &a, 1));
	assert_null(gw_block_lookup(NULL, family, &a, 1));
}

/* gw_block_pair()'s answers, by index of the old table. */
static void pair_cb(void *arg, u32 i, long j)
{
	long *out = arg;

	out[i] = j;
}

/*
 * What a change keeps of each old entry (its hits go on), and what it
 * drops (the collector's release): a re-added prefix is a new entry.
 */
TEST(pair_old_and_new)
{
	const struct gw_block_entry o[] = {
		entry("192.0.2.1", 32, 100),	/* expired, dropped */
		entry("192.0.2.2", 32, 500),	/* kept as it is */
		entry("192.0.2.3", 32, 100),	/* expired, added again */
		entry("192.0.2.0", 24, 0),	/* kept */
		entry("2001:db8::", 64, 0),	/* deleted */
	};
	const struct gw_block_entry n[] = {
		entry("192.0.2.2", 32, 500),
		entry("192.0.2.3", 32, 900),
		entry("192.0.2.0", 24, 0),
		entry("198.51.100.7", 32, 0),	/* new */
	};
	struct table a, b;
	long out[CAP], j;
	u32 i;

	build(&a, o, ARRAY_SIZE(o));
	build(&b, n, ARRAY_SIZE(n));
	for (i = 0; i < CAP; i++)
		out[i] = -2;
	gw_block_pair(&a.t, &b.t, pair_cb, out);
	for (i = 0; i < a.t.count; i++) {
		const struct gw_block_entry *e = &a.t.entry[i];
		char s[64];

		assert_non_null(inet_ntop(e->family, e->addr.bytes, s,
					  sizeof(s)));
		j = out[i];
		if (!strcmp(s, "192.0.2.2") || !strcmp(s, "192.0.2.0")) {
			assert_true(j >= 0);
			assert_true(gw_block_same(&b.t.entry[j], e));
		} else {
			/* dropped, deleted, or a new entry of the same prefix */
			assert_int_equal(j, -1);
		}
	}
	/* nothing old: no call; nothing new: every entry is gone */
	gw_block_pair(NULL, &b.t, pair_cb, out);
	gw_block_pair(&a.t, NULL, pair_cb, out);
	for (i = 0; i < a.t.count; i++)
		assert_int_equal(out[i], -1);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(longest_prefix_first),
	cmocka_unit_test(families_apart),
	cmocka_unit_test(many_in_one_span),
	cmocka_unit_test(expired_entry_hides_nothing),
	cmocka_unit_test(expiry_across_tick_wrap),
	cmocka_unit_test(never_block_wins),
	cmocka_unit_test(duplicates_collapse_permanent_first),
	cmocka_unit_test(find_gives_insertion_point),
	cmocka_unit_test(prefix_validity),
	cmocka_unit_test(empty_table),
	cmocka_unit_test(pair_old_and_new),
};

GW_UNIT_MAIN(tests)
