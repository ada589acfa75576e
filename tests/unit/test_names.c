// SPDX-License-Identifier: GPL-2.0
/*
 * The names the module sends for its counters (core/names.c) and TCP states
 * (core/tcp.c), which gwctl prints as they come: one for every value (the
 * tables' static asserts), distinct, plain words, and fitting gwctl's
 * buffers.  That they are the names gwctl printed from its own lists before
 * was checked when the lists moved into the module; the guest scenarios,
 * which read counters by name, keep them so.
 */
#include "unit.h"

#include "names.h"
#include "tcp.h"

/* lower case, digits and '_': JSON members and shell words as they are */
static void assert_plain_word(const char *name, const char *chars)
{
	assert_non_null(name);
	assert_true(name[0] != '\0');
	assert_int_equal(strspn(name, chars), strlen(name));
	assert_true(strlen(name) < GW_NAME_MAX);
}

TEST(counter_names_distinct_and_plain)
{
	unsigned int i, j;

	for (i = 0; i < __GW_CTR_MAX; i++) {
		assert_plain_word(gw_counter_name(i),
				  "abcdefghijklmnopqrstuvwxyz0123456789_");
		for (j = 0; j < i; j++)
			assert_string_not_equal(gw_counter_name(i),
						gw_counter_name(j));
	}
}

TEST(counter_name_past_the_last_is_null)
{
	unsigned int i;

	for (i = __GW_CTR_MAX; i < __GW_CTR_MAX + 300; i++)
		assert_null(gw_counter_name(i));
	assert_null(gw_counter_name(~0U));
}

/* "gwctl conn list" copies a state's name into a char[16] (ctl/conn.c). */
TEST(tcp_state_names_distinct_and_fit_gwctl)
{
	unsigned int i, j;

	for (i = 0; i < __GW_TCP_STATE_MAX; i++) {
		const char *name = gw_tcp_state_name((u8)i);

		assert_plain_word(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
		assert_true(strlen(name) < 16);
		for (j = 0; j < i; j++)
			assert_string_not_equal(name, gw_tcp_state_name((u8)j));
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(counter_names_distinct_and_plain),
	cmocka_unit_test(counter_name_past_the_last_is_null),
	cmocka_unit_test(tcp_state_names_distinct_and_fit_gwctl),
};

GW_UNIT_MAIN(tests)
