// SPDX-License-Identifier: GPL-2.0
/* gwctl status, gwctl version. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"

static int status_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1];
	struct gw_status *st = data;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (!tb[GW_A_VERSION])
		return gw_nl_bad_reply("status without GW_A_VERSION");
	snprintf(st->version, sizeof(st->version), "%s", mnl_attr_get_str(tb[GW_A_VERSION]));
	st->wan_count = gw_attr_u32(tb[GW_A_WAN_COUNT]);
	st->lan_count = gw_attr_u32(tb[GW_A_LAN_COUNT]);
	st->rule_count = gw_attr_u32(tb[GW_A_RULE_COUNT]);
	st->flow_count = gw_attr_u32(tb[GW_A_FLOW_COUNT]);
	st->flow_max = gw_attr_u32(tb[GW_A_FLOW_MAX]);
	st->flow_entry_size = gw_attr_u32(tb[GW_A_FLOW_ENTRY_SIZE]);
	st->flow_buckets = gw_attr_u32(tb[GW_A_FLOW_BUCKETS]);
	st->netns_cookie = gw_attr_u64(tb[GW_A_NETNS_COOKIE]);
	return MNL_CB_OK;
}

int gw_status_fetch(struct gw_status *st)
{
	struct nlmsghdr *nlh = gw_nl_msg(GW_CMD_STATUS_GET, NLM_F_REQUEST | NLM_F_ACK);
	int ret;

	memset(st, 0, sizeof(*st));
	ret = gw_nl_talk(nlh, status_cb, st);
	if (!ret && !st->version[0]) {
		print_error(EPROTO, "the gatewarden module acknowledged the status request without a reply");
		return -EPROTO;
	}
	return ret;
}

static void print_status(const struct gw_status *st)
{
	print_str("module", "module    %s", st->version);
	print_nl();

	print_open_object("zones");
	print_u64("wan", "zones     wan %" PRIu64, st->wan_count);
	print_u64("lan", ", lan %" PRIu64, st->lan_count);
	print_close_object();
	print_nl();

	print_u64("rules", "rules     %" PRIu64, st->rule_count);
	print_nl();

	print_open_object("flows");
	print_u64("count", "flows     %" PRIu64, st->flow_count);
	print_u64("max", "/%" PRIu64, st->flow_max);
	print_u64("entry_size", " (%" PRIu64 " bytes each", st->flow_entry_size);
	if (st->flow_buckets) {
		print_u64("buckets", ", %" PRIu64 " buckets)", st->flow_buckets);
		print_bool("allocated", NULL, true);
	} else {
		/* allocated with the first wan zone (kmod/main.c) */
		print_u64("buckets", NULL, 0);
		print_bool("allocated", NULL, false);
		print_text("; flow table not allocated: no wan zone)");
	}
	print_close_object();
	print_nl();

	print_u64("netns_cookie", "netns     cookie %" PRIu64, st->netns_cookie);
	print_nl();
}

int do_status(int argc, char **argv)
{
	struct gw_status st;
	int shown;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	if (gw_status_fetch(&st))
		return GW_EXIT_KERNEL;
	print_status(&st);

	print_text("counters:\n");
	shown = gw_stats_show(true);
	if (shown < 0)
		return GW_EXIT_KERNEL;
	if (!shown)
		print_text("  all zero\n");

	/* Without a wan zone nothing is ever judged: the commonest mistake. */
	if (!st.wan_count) {
		print_open_array("warnings");
		print_str(NULL, "warning: %s\n",
			  "no wan interface configured: gatewarden inspects nothing "
			  "(gwctl iface add DEV wan)");
		print_close_array();
	}
	return GW_EXIT_OK;
}

int do_version(int argc, char **argv)
{
	struct gw_status st;
	int ret;

	if (gw_check_end(argc, argv))
		return GW_EXIT_USAGE;
	print_str("tool", "gwctl %s", GW_TOOL_VERSION);
	print_nl();

	ret = gw_nl_open();
	if (ret) {
		print_text("module: %s\n", ret == -ENOENT ? "not loaded" : "unknown");
		return GW_EXIT_KERNEL;
	}
	if (gw_status_fetch(&st)) {
		print_text("module: unknown\n");
		return GW_EXIT_KERNEL;
	}
	print_str("module", "module %s", st.version);
	print_nl();
	return GW_EXIT_OK;
}
