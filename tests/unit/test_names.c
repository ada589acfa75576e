// SPDX-License-Identifier: GPL-2.0
/*
 * The names the module sends for its counters (core/names.c) and TCP states
 * (core/tcp.c), which gwctl prints as they come: they must be exactly what
 * gwctl printed from its own lists before (scripts parse "gwctl stats" and
 * the JSON members), one for every value, distinct, and fit gwctl's buffers.
 */
#include "unit.h"

#include "names.h"
#include "tcp.h"

/* gwctl's own list (ctl/stats.c) until the module sent the names. */
TEST(counter_names_as_gwctl_printed_them)
{
	static const char *const names[] = {
		[GW_CTR_IN_PACKETS] = "in_packets",
		[GW_CTR_OUT_PACKETS] = "out_packets",
		[GW_CTR_FLOW_CREATED] = "flow_created",
		[GW_CTR_FLOW_EXPIRED] = "flow_expired",
		[GW_CTR_RULE_ACCEPTED] = "rule_accepted",
		[GW_CTR_DROP_MALFORMED] = "drop_malformed",
		[GW_CTR_DROP_TCP_BAD_FLAGS] = "drop_tcp_bad_flags",
		[GW_CTR_DROP_PASSIVE_DENIED] = "drop_passive_denied",
		[GW_CTR_DROP_TCP_NO_FLOW] = "drop_tcp_no_flow",
		[GW_CTR_DROP_TCP_INVALID] = "drop_tcp_invalid",
		[GW_CTR_DROP_TABLE_FULL] = "drop_table_full",
		[GW_CTR_DROP_NOMEM] = "drop_nomem",
		[GW_CTR_OUT_UNTRACKED] = "out_untracked",
		[GW_CTR_DROP_OUT_OF_WINDOW] = "drop_out_of_window",
		[GW_CTR_TCP_STALE] = "tcp_stale",
		[GW_CTR_FLOW_PICKED_UP] = "flow_picked_up",
		[GW_CTR_OUT_RESET] = "out_reset",
		[GW_CTR_DROP_UDP_PROBE] = "drop_udp_probe",
		[GW_CTR_DROP_ICMP_ECHO] = "drop_icmp_echo",
		[GW_CTR_DROP_ICMP_RATE] = "drop_icmp_rate",
		[GW_CTR_DROP_ICMP_ERROR] = "drop_icmp_error",
		[GW_CTR_DROP_ICMP_OTHER] = "drop_icmp_other",
		[GW_CTR_DROP_PROTO_DENIED] = "drop_proto_denied",
		[GW_CTR_ICMP_ERROR_PASSED] = "icmp_error_passed",
		[GW_CTR_EARLY_DROP] = "early_drop",
		[GW_CTR_HALFOPEN_EVICTED] = "halfopen_evicted",
		[GW_CTR_DROP_HALFOPEN] = "drop_halfopen",
		[GW_CTR_HALFOPEN_RESET] = "halfopen_reset",
		[GW_CTR_DROP_OVERLOAD] = "drop_overload",
		[GW_CTR_SRC_OVERLOADED] = "src_overloaded",
		[GW_CTR_DROP_SRC_LIMIT] = "drop_src_limit",
		[GW_CTR_SRC_UNTRACKED] = "src_untracked",
		[GW_CTR_DROP_BLOCKED] = "drop_blocked",
		[GW_CTR_POLICY_CLOSED] = "policy_closed",
		[GW_CTR_DROP_POLICY_CLOSED] = "drop_policy_closed",
		[GW_CTR_DROP_INBOUND_FULL] = "drop_inbound_full",
		[GW_CTR_SRC_EVICTED] = "src_evicted",
		[GW_CTR_DROP_OUT_NO_FLOW] = "drop_out_no_flow",
	};
	unsigned int i;

	/* A counter added to the UAPI without an expected name fails the build. */
	_Static_assert(ARRAY_SIZE(names) == __GW_CTR_MAX,
		       "a counter without an expected name");
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		assert_non_null(gw_counter_name(i));
		assert_string_equal(gw_counter_name(i), names[i]);
	}
}

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
	cmocka_unit_test(counter_names_as_gwctl_printed_them),
	cmocka_unit_test(counter_names_distinct_and_plain),
	cmocka_unit_test(counter_name_past_the_last_is_null),
	cmocka_unit_test(tcp_state_names_distinct_and_fit_gwctl),
};

GW_UNIT_MAIN(tests)
