// SPDX-License-Identifier: GPL-2.0
/*
 * gwctl monitor [EVENT...]: print the module's change events as they
 * happen, one line each (with -j, one JSON document a line), with their
 * per-namespace sequence numbers.  A word selects every event whose name
 * starts with it: "rule" is rule-added, rule-deleted and rules-flushed.
 * Dropped packets are events too, but only "gwctl monitor drops [reason
 * R] [from PREFIX]" shows them, filtered here: the module sends them all,
 * at most drop_event_rate a second, and says in the next one it sends
 * how many it left out.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gwctl.h"
#include "nl.h"
#include "print.h"
#include "rulefile.h"

static const char *const event_names[__GW_EVENT_MAX] = {
	[GW_EVENT_RULE_ADDED]		= "rule-added",
	[GW_EVENT_RULE_DELETED]		= "rule-deleted",
	[GW_EVENT_RULES_FLUSHED]	= "rules-flushed",
	[GW_EVENT_POLICY_LOADED]	= "policy-loaded",
	[GW_EVENT_ZONE_SET]		= "zone-set",
	[GW_EVENT_ZONE_DELETED]		= "zone-deleted",
	[GW_EVENT_TUNABLE_SET]		= "tunable-set",
	[GW_EVENT_BLOCK_ADDED]		= "block-added",
	[GW_EVENT_BLOCK_DELETED]	= "block-deleted",
	[GW_EVENT_BLOCK_FLUSHED]	= "block-flushed",
	[GW_EVENT_SYNPROXY_ENGAGED]	= "synproxy-engaged",
	[GW_EVENT_SYNPROXY_DISENGAGED]	= "synproxy-disengaged",
	[GW_EVENT_SCAN_DETECTED]	= "scan-detected",
	[GW_EVENT_SCAN_BLOCKED]		= "scan-blocked",
	[GW_EVENT_DROP]			= "drop",
	[GW_EVENT_BLOCK_RELEASED]	= "block-released",
};

/* What "all", or no word, selects: every change, not the drops or flows. */
#define GW_EVENTS_FLOWS		((1u << GW_EVENT_FLOW_NEW) | \
				 (1u << GW_EVENT_FLOW_STATE) | \
				 (1u << GW_EVENT_FLOW_END))
#define GW_EVENTS_CHANGES	(((1u << __GW_EVENT_MAX) - 1) & \
				 ~(1u << GW_EVENT_DROP) & ~GW_EVENTS_FLOWS)

static const char *const spared_names[__GW_SCAN_SPARED_MAX] = {
	[GW_SCAN_SPARED_SPECIAL]	= "special",
	[GW_SCAN_SPARED_OWN]		= "own",
	[GW_SCAN_SPARED_LAN]		= "lan",
	[GW_SCAN_SPARED_NEVER]		= "never-block",
	[GW_SCAN_SPARED_INSIDE]		= "inside-flow",
	[GW_SCAN_SPARED_FULL]		= "full",
};

struct monitor {
	unsigned int wanted;		/* bit per enum gw_event */
	uint64_t last_seq;
	const struct gw_trace_filter *drops;	/* monitor drops */
};

static void print_block_details(const struct nlattr **tb)
{
	const struct nlattr *btb[GW_BLOCK_A_MAX + 1];
	char prefix[INET6_ADDRSTRLEN + 8];

	if (!tb[GW_A_BLOCK] || gw_nl_parse_nest(tb[GW_A_BLOCK], &gw_block_policy, btb) ||
	    !btb[GW_BLOCK_A_KIND])
		return;
	print_str("kind", " %s", mnl_attr_get_u8(btb[GW_BLOCK_A_KIND]) ==
		  GW_BLOCK_KIND_NEVER ? "never-block" : "block");
	if (btb[GW_BLOCK_A_FAMILY] &&
	    !gw_block_format(mnl_attr_get_u8(btb[GW_BLOCK_A_FAMILY]), btb[GW_BLOCK_A_ADDR],
			     btb[GW_BLOCK_A_PLEN], prefix, sizeof(prefix)))
		print_str("prefix", " %s", prefix);
	if (btb[GW_BLOCK_A_TIMEOUT])
		print_u64("timeout", " timeout %" PRIu64 "s",
			  mnl_attr_get_u32(btb[GW_BLOCK_A_TIMEOUT]));
	if (btb[GW_BLOCK_A_REASON])
		print_str("reason", " reason %s",
			  gw_block_reason_name(mnl_attr_get_u8(btb[GW_BLOCK_A_REASON])));
	if (btb[GW_BLOCK_A_HITS])
		print_u64("hits", " hits %" PRIu64, mnl_attr_get_u64(btb[GW_BLOCK_A_HITS]));
}

/* scan-detected, scan-blocked: the source, its score, why it was spared */
static void print_scan_details(const struct nlattr **tb)
{
	uint8_t spared;

	print_block_details(tb);
	if (tb[GW_A_SCAN_SCORE])
		print_u64("score", " score %" PRIu64, mnl_attr_get_u32(tb[GW_A_SCAN_SCORE]));
	if (!tb[GW_A_SCAN_SPARED])
		return;
	spared = mnl_attr_get_u8(tb[GW_A_SCAN_SPARED]);
	print_str("spared", " spared %s",
		  spared < __GW_SCAN_SPARED_MAX ? spared_names[spared] : "unknown");
}

/* synproxy-engaged/-disengaged: the destination, as gwctl conn shows one */
static void print_synproxy_details(const struct nlattr **tb)
{
	const struct nlattr *ctb[GW_CONN_A_MAX + 1];
	const struct nlattr *addr;
	char dst[INET6_ADDRSTRLEN];

	if (!tb[GW_A_CONN] || gw_nl_parse_nest(tb[GW_A_CONN], &gw_conn_policy, ctb) ||
	    !ctb[GW_CONN_A_FAMILY] || !ctb[GW_CONN_A_DST] || !ctb[GW_CONN_A_DPORT])
		return;
	addr = ctb[GW_CONN_A_DST];
	if (gw_format_addr(mnl_attr_get_u8(ctb[GW_CONN_A_FAMILY]), mnl_attr_get_payload(addr),
			   mnl_attr_get_payload_len(addr), dst, sizeof(dst)))
		return;
	print_str("dst", " %s", dst);
	print_u64("dport", " port %" PRIu64, mnl_attr_get_u16(ctb[GW_CONN_A_DPORT]));
}

static void print_event_details(const struct nlattr **tb, uint8_t event)
{
	const struct nlattr *ttb[GW_TUNABLE_A_MAX + 1];
	const char *zone;

	switch (event) {
	case GW_EVENT_RULE_ADDED:
	case GW_EVENT_RULE_DELETED:
		if (tb[GW_A_RULE_HANDLE])
			print_u64("handle", " handle %" PRIu64,
				  mnl_attr_get_u32(tb[GW_A_RULE_HANDLE]));
		break;
	case GW_EVENT_POLICY_LOADED:
		if (tb[GW_A_TXN_ID])
			print_u64("txn", " txn %" PRIu64, mnl_attr_get_u32(tb[GW_A_TXN_ID]));
		if (tb[GW_A_RULE_COUNT])
			print_u64("rules", " rules %" PRIu64,
				  mnl_attr_get_u32(tb[GW_A_RULE_COUNT]));
		break;
	case GW_EVENT_ZONE_SET:
	case GW_EVENT_ZONE_DELETED:
		if (tb[GW_A_IFNAME])
			print_str("ifname", " %s", mnl_attr_get_str(tb[GW_A_IFNAME]));
		zone = tb[GW_A_ZONE] ? gw_zone_name(mnl_attr_get_u8(tb[GW_A_ZONE])) : NULL;
		if (zone)
			print_str("zone", " %s", zone);
		break;
	case GW_EVENT_TUNABLE_SET:
		if (!tb[GW_A_TUNABLE] ||
		    gw_nl_parse_nest(tb[GW_A_TUNABLE], &gw_tunable_policy, ttb) ||
		    !ttb[GW_TUNABLE_A_NAME] || !ttb[GW_TUNABLE_A_VALUE])
			break;
		print_str("name", " %s", mnl_attr_get_str(ttb[GW_TUNABLE_A_NAME]));
		print_u64("value", " %" PRIu64, mnl_attr_get_u64(ttb[GW_TUNABLE_A_VALUE]));
		break;
	case GW_EVENT_BLOCK_ADDED:
	case GW_EVENT_BLOCK_DELETED:
	case GW_EVENT_BLOCK_FLUSHED:
	case GW_EVENT_BLOCK_RELEASED:
		print_block_details(tb);
		break;
	case GW_EVENT_SYNPROXY_ENGAGED:
	case GW_EVENT_SYNPROXY_DISENGAGED:
		print_synproxy_details(tb);
		break;
	case GW_EVENT_SCAN_DETECTED:
	case GW_EVENT_SCAN_BLOCKED:
		print_scan_details(tb);
		break;
	}
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *tb[GW_A_MAX + 1];
	struct monitor *mon = data;
	uint64_t seq;
	uint8_t event;

	if (gw_nl_parse(nlh, &gw_attr_policy, tb))
		return MNL_CB_ERROR;
	if (gw_nl_cmd(nlh) != GW_CMD_EVENT || !tb[GW_A_EVENT] || !tb[GW_A_EVENT_SEQ])
		return MNL_CB_OK;
	event = mnl_attr_get_u8(tb[GW_A_EVENT]);
	seq = mnl_attr_get_u64(tb[GW_A_EVENT_SEQ]);
	if (mon->last_seq && seq > mon->last_seq + 1) {
		fflush(stdout);
		fprintf(stderr, "Warning: %" PRIu64 " events lost before event %" PRIu64 ".\n",
			seq - mon->last_seq - 1, seq);
	}
	mon->last_seq = seq;
	/* events newer than this gwctl are shown by number */
	if (event < __GW_EVENT_MAX && !(mon->wanted & 1u << event))
		return MNL_CB_OK;

	if (event == GW_EVENT_DROP) {
		if (!tb[GW_A_TRACE])
			return gw_nl_bad_reply("drop event without GW_A_TRACE");
		/* the line is the trace's, after the event's number */
		if (gw_trace_print(tb[GW_A_TRACE], mon->drops, NULL, &seq) != MNL_CB_OK)
			return MNL_CB_ERROR;
		print_finish(GW_EXIT_OK);
		fflush(stdout);
		return MNL_CB_OK;
	}
	print_u64("seq", "%" PRIu64, seq);
	if (event < __GW_EVENT_MAX) {
		print_str("event", " %s", event_names[event]);
		print_event_details(tb, event);
	} else {
		print_u64("event_id", " event %" PRIu64, event);
	}
	print_nl();
	print_finish(GW_EXIT_OK);
	fflush(stdout);
	return MNL_CB_OK;
}

int do_monitor(int argc, char **argv)
{
	struct monitor mon = { 0 };
	struct gw_trace_filter drops;
	struct gw_status st;
	unsigned int i;
	int a;

	/* the flows' events are not changes: a monitor of their own */
	if (argc > 0 && !strcmp(argv[0], "flows"))
		return gw_monitor_flows(argc - 1, argv + 1);
	if (argc && !strcmp(argv[0], "drops")) {
		a = gw_trace_filter_parse(argc - 1, argv + 1, &drops);
		if (a)
			return a;
		/* the names for the lines: not from inside the listener */
		if (gw_names_fetch(GW_NAME_KIND_COUNTER))
			return GW_EXIT_KERNEL;
		mon.wanted = 1u << GW_EVENT_DROP;
		mon.drops = &drops;
		argc = 0;
	}
	for (a = 0; a < argc; a++) {
		unsigned int before = mon.wanted;

		for (i = 0; i < __GW_EVENT_MAX; i++) {
			/* drops, and the flows' events (their own monitor) */
			if (i == GW_EVENT_DROP || !event_names[i])
				continue;
			if (!strcmp(argv[a], "all") ||
			    !strncmp(event_names[i], argv[a], strlen(argv[a])))
				mon.wanted |= 1u << i;
		}
		if (mon.wanted == before && strcmp(argv[a], "all"))
			return gw_usage_error("unknown event \"%s\" (rule-added, rule-deleted, rules-flushed, policy-loaded, zone-set, zone-deleted, tunable-set, or a prefix of them, or all; or drops or flows alone).",
					      argv[a]);
	}
	if (!mon.wanted)
		mon.wanted = GW_EVENTS_CHANGES;

	/*
	 * Ask for something only an administrator may read first: joining the
	 * group is refused to the unprivileged, but 6.1 lets root of a user
	 * namespace in.
	 */
	if (gw_status_fetch(&st) || gw_nl_subscribe_events())
		return GW_EXIT_KERNEL;
	return gw_nl_listen(event_cb, &mon) ? GW_EXIT_KERNEL : GW_EXIT_OK;
}
