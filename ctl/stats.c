// SPDX-License-Identifier: GPL-2.0
/* gwctl stats: the per-namespace counters. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

/* A counter the module has no name for is shown by its number. */
static const char *counter_name(unsigned int id, char *buf, size_t len)
{
	const char *name = gw_name(GW_NAME_KIND_COUNTER, id);

	if (name)
		return name;
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
		name = counter_name(type - 1, buf, sizeof(buf));
		print_text(walk->summary ? "  %-22s " : "%-24s ", name);
		print_u64(name, "%" PRIu64 "\n", val);
		walk->shown++;
	}
	print_close_object();
	return MNL_CB_OK;
}

static int stats_show(bool summary, bool reset)
{
	struct stats_walk walk = { .summary = summary };
	struct nlmsghdr *nlh;

	if (gw_names_fetch(GW_NAME_KIND_COUNTER))
		return -1;
	nlh = gw_nl_msg(GW_CMD_STATS_GET, NLM_F_REQUEST | NLM_F_ACK);
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
