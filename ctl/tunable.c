// SPDX-License-Identifier: GPL-2.0
/* gwctl set / get: the module's tunables (timeouts, table size, ...). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

static int check_name(const char *name)
{
	if (!*name)
		return gw_usage_error("empty tunable name.");
	if (strlen(name) >= GW_NAME_MAX)
		return gw_usage_error("tunable name \"%s\" is too long (at most %d characters).",
				      name, GW_NAME_MAX - 1);
	return GW_EXIT_OK;
}

int do_set(int argc, char **argv)
{
	char err[GW_ERR_MAX];
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	uint64_t value;

	if (argc < 2)
		return gw_usage_error("set needs a tunable and a value (gwctl set NAME VALUE).");
	if (check_name(argv[0]))
		return GW_EXIT_USAGE;
	if (gw_parse_uint("value", argv[1], 0, UINT64_MAX, &value, err, sizeof(err)))
		return gw_usage_error("%s", err);
	if (gw_check_end(argc - 2, argv + 2))
		return GW_EXIT_USAGE;

	nlh = gw_nl_msg(GW_CMD_TUNABLE_SET, NLM_F_REQUEST | NLM_F_ACK);
	nest = mnl_attr_nest_start(nlh, GW_A_TUNABLE);
	mnl_attr_put_strz(nlh, GW_TUNABLE_A_NAME, argv[0]);
	mnl_attr_put_u64(nlh, GW_TUNABLE_A_VALUE, value);
	mnl_attr_nest_end(nlh, nest);
	return gw_nl_talk(nlh, NULL, NULL) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}

struct tunable_walk {
	struct print_list list;
	const char *name;	/* only this one, and in text only its value */
	bool found;
};

static void print_tunable(const struct nlattr **ttb, bool full)
{
	const char *name = mnl_attr_get_str(ttb[GW_TUNABLE_A_NAME]);
	const char *unit = ttb[GW_TUNABLE_A_UNIT] ? mnl_attr_get_str(ttb[GW_TUNABLE_A_UNIT]) : "";

	print_open_object(name);
	if (full)
		print_text("%-24s ", name);
	print_u64("value", full ? "%12" PRIu64 : "%" PRIu64,
		  mnl_attr_get_u64(ttb[GW_TUNABLE_A_VALUE]));
	print_str("unit", full ? " %-6s" : NULL, unit);
	print_u64("min", full ? " (%" PRIu64 : NULL, mnl_attr_get_u64(ttb[GW_TUNABLE_A_MIN_VALUE]));
	print_u64("max", full ? "..%" PRIu64 ")" : NULL, mnl_attr_get_u64(ttb[GW_TUNABLE_A_MAX_VALUE]));
	print_close_object();
	print_nl();
}

static int tunable_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1], *ttb[GW_TUNABLE_A_MAX + 1];
	struct tunable_walk *walk = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_TUNABLE])
		return gw_nl_bad_reply("tunable dump message without GW_A_TUNABLE");
	if (gw_nl_parse_nest(tb[GW_A_TUNABLE], &gw_tunable_policy, ttb))
		return MNL_CB_ERROR;
	if (!ttb[GW_TUNABLE_A_NAME] || !ttb[GW_TUNABLE_A_VALUE] ||
	    !ttb[GW_TUNABLE_A_MIN_VALUE] || !ttb[GW_TUNABLE_A_MAX_VALUE])
		return gw_nl_bad_reply("tunable without name, value, min or max");

	if (walk->name && strcmp(walk->name, mnl_attr_get_str(ttb[GW_TUNABLE_A_NAME])))
		return MNL_CB_OK;
	walk->found = true;
	print_list_item(&walk->list);
	print_tunable(ttb, !walk->name);
	return MNL_CB_OK;
}

int do_get(int argc, char **argv)
{
	struct tunable_walk walk = { .list = { .key = "tunables", .object = true } };
	struct nlmsghdr *nlh;

	if (argc > 0) {
		if (check_name(argv[0]) || gw_check_end(argc - 1, argv + 1))
			return GW_EXIT_USAGE;
		walk.name = argv[0];
	}

	/* The dump is the only way to read: the UAPI has no single-get. */
	nlh = gw_nl_msg(GW_CMD_TUNABLE_GET, NLM_F_REQUEST | NLM_F_DUMP);
	if (gw_nl_talk(nlh, tunable_cb, &walk))
		return GW_EXIT_KERNEL;
	if (walk.name && !walk.found) {
		print_error(ENOENT, "unknown tunable \"%s\"", walk.name);
		return GW_EXIT_USAGE;
	}
	print_list_end(&walk.list);
	return GW_EXIT_OK;
}
