// SPDX-License-Identifier: GPL-2.0
/* gwctl stats: the per-namespace counters. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

const char *const gw_counter_names[__GW_CTR_MAX] = {
	[GW_CTR_IN_PACKETS]		= "in_packets",
	[GW_CTR_OUT_PACKETS]		= "out_packets",
	[GW_CTR_FLOW_CREATED]		= "flow_created",
	[GW_CTR_FLOW_EXPIRED]		= "flow_expired",
	[GW_CTR_RULE_ACCEPTED]		= "rule_accepted",
	[GW_CTR_DROP_MALFORMED]		= "drop_malformed",
	[GW_CTR_DROP_TCP_BAD_FLAGS]	= "drop_tcp_bad_flags",
	[GW_CTR_DROP_PASSIVE_DENIED]	= "drop_passive_denied",
	[GW_CTR_DROP_TCP_NO_FLOW]	= "drop_tcp_no_flow",
	[GW_CTR_DROP_TCP_INVALID]	= "drop_tcp_invalid",
	[GW_CTR_DROP_TABLE_FULL]	= "drop_table_full",
	[GW_CTR_DROP_NOMEM]		= "drop_nomem",
	[GW_CTR_OUT_UNTRACKED]		= "out_untracked",
	[GW_CTR_DROP_OUT_OF_WINDOW]	= "drop_out_of_window",
	[GW_CTR_TCP_STALE]		= "tcp_stale",
	[GW_CTR_FLOW_PICKED_UP]		= "flow_picked_up",
	[GW_CTR_OUT_RESET]		= "out_reset",
	[GW_CTR_DROP_UDP_PROBE]		= "drop_udp_probe",
	[GW_CTR_DROP_ICMP_ECHO]		= "drop_icmp_echo",
	[GW_CTR_DROP_ICMP_RATE]		= "drop_icmp_rate",
	[GW_CTR_DROP_ICMP_ERROR]	= "drop_icmp_error",
	[GW_CTR_DROP_ICMP_OTHER]	= "drop_icmp_other",
	[GW_CTR_DROP_PROTO_DENIED]	= "drop_proto_denied",
	[GW_CTR_ICMP_ERROR_PASSED]	= "icmp_error_passed",
	[GW_CTR_EARLY_DROP]		= "early_drop",
	[GW_CTR_HALFOPEN_EVICTED]	= "halfopen_evicted",
	[GW_CTR_DROP_HALFOPEN]		= "drop_halfopen",
	[GW_CTR_HALFOPEN_RESET]		= "halfopen_reset",
	[GW_CTR_DROP_OVERLOAD]		= "drop_overload",
	[GW_CTR_SRC_OVERLOADED]		= "src_overloaded",
	[GW_CTR_DROP_SRC_LIMIT]		= "drop_src_limit",
	[GW_CTR_SRC_UNTRACKED]		= "src_untracked",
	[GW_CTR_DROP_BLOCKED]		= "drop_blocked",
	[GW_CTR_POLICY_CLOSED]		= "policy_closed",
	[GW_CTR_DROP_POLICY_CLOSED]	= "drop_policy_closed",
	[GW_CTR_DROP_INBOUND_FULL]	= "drop_inbound_full",
	[GW_CTR_SRC_EVICTED]		= "src_evicted",
	[GW_CTR_DROP_OUT_NO_FLOW]	= "drop_out_no_flow",
};

/* A newer module may count things this gwctl has no name for yet. */
const char *gw_counter_name(unsigned int id, char *buf, size_t len)
{
	if (id < GW_ARRAY_SIZE(gw_counter_names) && gw_counter_names[id])
		return gw_counter_names[id];
	snprintf(buf, len, "counter_%u", id);
	return buf;
}

struct stats_walk {
	bool summary;		/* inside "gwctl status": non-zero only, indented */
	int shown;
};

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1], *attr;
	struct stats_walk *walk = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_STATS])
		return gw_nl_bad_reply("stats without GW_A_STATS");

	/* The gauges of the flood budgets (older modules send none). */
	if (!walk->summary && tb[GW_A_FLOW_MAX]) {
		uint32_t flows = gw_attr_u32(tb[GW_A_FLOW_COUNT]);
		uint32_t max = gw_attr_u32(tb[GW_A_FLOW_MAX]);

		print_open_object("table");
		print_u64("flows", "flows %" PRIu64, flows);
		print_u64("max_flows", "/%" PRIu64, max);
		print_u64("fill_percent", " (%" PRIu64 "%% full)",
			  max ? (uint64_t)flows * 100 / max : 0);
		print_u64("halfopen", ", half-open %" PRIu64,
			  gw_attr_u32(tb[GW_A_HALFOPEN_COUNT]));
		print_u64("overloaded_sources", ", overloaded sources %" PRIu64,
			  gw_attr_u32(tb[GW_A_OVERLOAD_COUNT]));
		print_u64("sources", ", sources tracked %" PRIu64,
			  gw_attr_u32(tb[GW_A_SRC_COUNT]));
		print_u64("source_slots", "/%" PRIu64 "\n",
			  gw_attr_u32(tb[GW_A_SRC_MAX]));
		print_close_object();
	}

	print_open_object("counters");
	mnl_attr_for_each_nested(attr, tb[GW_A_STATS]) {
		unsigned int type = mnl_attr_get_type(attr);
		const char *name;
		char buf[32];
		uint64_t val;

		/* Type 0 is free for the padding 64-bit attributes may need. */
		if (type == 0)
			continue;
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return gw_nl_bad_reply("counter %u is not a u64", type - 1);
		val = mnl_attr_get_u64(attr);
		if (walk->summary && !val)
			continue;
		name = gw_counter_name(type - 1, buf, sizeof(buf));
		print_text(walk->summary ? "  %-22s " : "%-24s ", name);
		print_u64(name, "%" PRIu64 "\n", val);
		walk->shown++;
	}
	print_close_object();
	return MNL_CB_OK;
}

static int stats_show(bool summary, bool reset)
{
	struct nlmsghdr *nlh = gw_nl_msg(GW_CMD_STATS_GET, NLM_F_REQUEST | NLM_F_ACK);
	struct stats_walk walk = { .summary = summary };

	if (reset)
		mnl_attr_put(nlh, GW_A_STATS_RESET, 0, NULL);
	if (gw_nl_talk(nlh, stats_cb, &walk))
		return -1;
	return walk.shown;
}

int gw_stats_show(bool summary)
{
	return stats_show(summary, false);
}

/* --reset: print the counters and zero them, in one request. */
int do_stats(int argc, char **argv)
{
	bool reset = false;

	if (argc > 0 && !strcmp(argv[0], "--reset")) {
		reset = true;
		argc--;
		argv++;
	}
	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	return stats_show(false, reset) < 0 ? GW_EXIT_KERNEL : GW_EXIT_OK;
}
