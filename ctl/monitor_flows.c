// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl monitor flows: the flows as they are created, change TCP state and
 * end, one line each, as "conntrack -E" prints them (with -j, one JSON
 * document a line):
 *
 *     seq 7 [end] tcp      6 9 CLOSE src=... dst=... ... [inbound] zone wan rule 2 reason reset
 *
 * The flow events carry their own sequence numbers (GW_A_FLOW_SEQ); a
 * "lost N" says how many came before this one and were never seen: the
 * module's count of those it did not send (flow_event_rate, memory) plus
 * the gap in the numbers, which the receive buffer overrunning leaves.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

static const char *const flow_event_names[] = {
	[GW_EVENT_FLOW_NEW - GW_EVENT_FLOW_NEW]		= "new",
	[GW_EVENT_FLOW_STATE - GW_EVENT_FLOW_NEW]	= "state",
	[GW_EVENT_FLOW_END - GW_EVENT_FLOW_NEW]		= "end",
};

static const char *const flow_end_names[__GW_FLOW_END_MAX] = {
	[GW_FLOW_END_TIMEOUT]	= "timeout",
	[GW_FLOW_END_CLOSED]	= "closed",
	[GW_FLOW_END_RESET]	= "reset",
	[GW_FLOW_END_EVICTED]	= "evicted",
	[GW_FLOW_END_POLICY]	= "policy",
	[GW_FLOW_END_FLUSHED]	= "flushed",
	[GW_FLOW_END_BLOCKED]	= "blocked",
	[GW_FLOW_END_SRC_LIMIT]	= "src-limit",
	[GW_FLOW_END_REUSED]	= "reused",
};

struct flow_monitor {
	uint64_t last_seq;
};

/* The flow's zone, rule and end reason, after the flow itself. */
static void print_flow_details(const struct nlattr **tb)
{
	const char *zone;
	uint8_t end;

	zone = tb[GW_A_ZONE] ? gw_zone_name(mnl_attr_get_u8(tb[GW_A_ZONE])) : NULL;
	if (zone)
		print_str("zone", " zone %s", zone);
	if (tb[GW_A_RULE_HANDLE])
		print_u64("rule", " rule %" PRIu64, mnl_attr_get_u32(tb[GW_A_RULE_HANDLE]));
	if (!tb[GW_A_FLOW_END])
		return;
	end = mnl_attr_get_u8(tb[GW_A_FLOW_END]);
	if (end < __GW_FLOW_END_MAX)
		print_str("reason", " reason %s", flow_end_names[end]);
	else
		print_u64("reason_id", " reason %" PRIu64, end);
}

static int flow_event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *ctb[GW_CONN_A_MAX + 1];
	const struct nlattr *tb[GW_A_MAX + 1];
	struct flow_monitor *mon = data;
	uint64_t seq, lost;
	uint8_t event;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	/* only flow events come on the flows group; be sure all the same */
	if (gw_nl_cmd(nlh) != GW_CMD_EVENT || !tb[GW_A_EVENT] || !tb[GW_A_FLOW_SEQ])
		return MNL_CB_OK;
	event = mnl_attr_get_u8(tb[GW_A_EVENT]);
	if (event < GW_EVENT_FLOW_NEW || event > GW_EVENT_FLOW_END || !tb[GW_A_CONN])
		return MNL_CB_OK;
	if (gw_nl_parse_nest(tb[GW_A_CONN], &gw_conn_policy, ctb))
		return MNL_CB_ERROR;
	seq = mnl_attr_get_u64(tb[GW_A_FLOW_SEQ]);
	lost = tb[GW_A_FLOW_LOST] ? mnl_attr_get_u64(tb[GW_A_FLOW_LOST]) : 0;
	if (mon->last_seq && seq > mon->last_seq + 1)
		lost += seq - mon->last_seq - 1;
	mon->last_seq = seq;

	print_u64("seq", "seq %" PRIu64, seq);
	print_str("event", " [%s]", flow_event_names[event - GW_EVENT_FLOW_NEW]);
	print_text(" ");
	if (gw_conn_print(ctb, "flow", false) != MNL_CB_OK)
		return MNL_CB_ERROR;
	print_flow_details(tb);
	if (lost)
		print_u64("lost", " lost %" PRIu64, lost);
	else
		print_u64("lost", NULL, 0);
	print_nl();
	print_finish(GW_EXIT_OK);
	fflush(stdout);
	return MNL_CB_OK;
}

int gw_monitor_flows(int argc, char **argv)
{
	struct flow_monitor mon = { 0 };
	struct gw_status st;
	int ret;

	/* "-j" here as well as before the object: "monitor flows -j" */
	if (argc > 0 && (!strcmp(argv[0], "-j") || !strcmp(argv[0], "--json"))) {
		print_set_json(true);
		argc--;
		argv++;
	}
	ret = gw_check_end(argc, argv);
	if (ret)
		return ret;
	/* as do_monitor(): an admin-only read before joining the group */
	if (gw_names_fetch(GW_NAME_KIND_TCP_STATE) || gw_status_fetch(&st) ||
	    gw_nl_subscribe_flows())
		return GW_EXIT_KERNEL;
	return gw_nl_listen(flow_event_cb, &mon) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}
