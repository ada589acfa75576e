// SPDX-License-Identifier: GPL-2.0
/*
 * A namespace's subscribers (core/listeners.c): the groups its events are
 * built for are exactly those some socket still subscribed to, a socket
 * counts once however often it subscribes, and a full table refuses a
 * new socket without changing anything.
 */
#include "unit.h"

#include "listeners.h"

#define EVENTS	(1u << 0)
#define FLOWS	(1u << 1)

TEST(listeners_empty_wants_nothing)
{
	struct gw_listeners l = { 0 };

	assert_int_equal(l.groups, 0);
	assert_false(gw_listeners_release(&l, 42));
	assert_int_equal(l.count, 0);
	assert_int_equal(l.groups, 0);
}

TEST(listeners_groups_follow_the_sockets)
{
	struct gw_listeners l = { 0 };

	assert_true(gw_listeners_add(&l, 100, FLOWS));
	assert_int_equal(l.groups, FLOWS);
	assert_true(gw_listeners_add(&l, 200, EVENTS));
	assert_int_equal(l.groups, EVENTS | FLOWS);
	assert_true(gw_listeners_add(&l, 300, FLOWS));
	/* one of two flows subscribers goes: still wanted */
	assert_true(gw_listeners_release(&l, 100));
	assert_int_equal(l.groups, EVENTS | FLOWS);
	assert_true(gw_listeners_release(&l, 300));
	assert_int_equal(l.groups, EVENTS);
	/* a socket released twice, or one never seen, changes nothing */
	assert_false(gw_listeners_release(&l, 300));
	assert_false(gw_listeners_release(&l, 999));
	assert_int_equal(l.groups, EVENTS);
	assert_true(gw_listeners_release(&l, 200));
	assert_int_equal(l.groups, 0);
	assert_int_equal(l.count, 0);
}

TEST(listeners_one_socket_counts_once)
{
	struct gw_listeners l = { 0 };
	int i;

	for (i = 0; i < 3 * GW_LISTENERS_MAX; i++)
		assert_true(gw_listeners_add(&l, 7, FLOWS));
	assert_true(gw_listeners_add(&l, 7, EVENTS));
	assert_int_equal(l.count, 1);
	assert_int_equal(l.groups, EVENTS | FLOWS);
	/* its release ends both subscriptions at once */
	assert_true(gw_listeners_release(&l, 7));
	assert_int_equal(l.groups, 0);
}

TEST(listeners_full_refuses_a_new_socket)
{
	struct gw_listeners l = { 0 };
	u32 i;

	for (i = 1; i <= GW_LISTENERS_MAX; i++)
		assert_true(gw_listeners_add(&l, i, EVENTS));
	assert_false(gw_listeners_add(&l, GW_LISTENERS_MAX + 1, FLOWS));
	assert_int_equal(l.count, GW_LISTENERS_MAX);
	assert_int_equal(l.groups, EVENTS);
	/* a socket already in it may still add a group */
	assert_true(gw_listeners_add(&l, 5, FLOWS));
	assert_int_equal(l.groups, EVENTS | FLOWS);
	/* a release makes room, and every other socket is still there */
	assert_true(gw_listeners_release(&l, 1));
	assert_true(gw_listeners_add(&l, GW_LISTENERS_MAX + 1, EVENTS));
	for (i = 2; i <= GW_LISTENERS_MAX + 1; i++)
		assert_true(gw_listeners_release(&l, i));
	assert_int_equal(l.count, 0);
	assert_int_equal(l.groups, 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(listeners_empty_wants_nothing),
	cmocka_unit_test(listeners_groups_follow_the_sockets),
	cmocka_unit_test(listeners_one_socket_counts_once),
	cmocka_unit_test(listeners_full_refuses_a_new_socket),
};

GW_UNIT_MAIN(tests)
