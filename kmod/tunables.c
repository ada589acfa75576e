// SPDX-License-Identifier: GPL-2.0
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/mm.h>

#include "pernet.h"
#include "flowtable.h"
#include "blocklist.h"
#include "nflog.h"

/*
 * Timeouts are kept below 2^31 jiffies at any HZ, so the wrapping 32-bit
 * stamps in the flow entries always compare correctly.
 */
#define GW_TIMEOUT_MAX	(1000U * 1000U)

const struct gw_tunable_def gw_tunable_defs[__GW_TUN_MAX] = {
	[GW_TUN_TCP_SYN_SENT] = { "tcp_syn_sent", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_SYN_RECV] = { "tcp_syn_recv", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_ESTABLISHED] = { "tcp_established", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_FIN_WAIT] = { "tcp_fin_wait", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_CLOSE_WAIT] = { "tcp_close_wait", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_LAST_ACK] = { "tcp_last_ack", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_TIME_WAIT] = { "tcp_time_wait", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_TCP_CLOSE] = { "tcp_close", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_MAX_FLOWS] = { "max_flows", "flows", 1, GW_MAX_FLOWS_LIMIT },
	[GW_TUN_TCP_PICKUP] = { "tcp_pickup", "0 strict, 1 loose",
				GW_TCP_PICKUP_STRICT, GW_TCP_PICKUP_LOOSE },
	[GW_TUN_UDP_UNREPLIED] = { "udp_unreplied", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_UDP_STREAM] = { "udp_stream", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_ICMP] = { "icmp", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_OTHER] = { "other", "s", 1, GW_TIMEOUT_MAX },
	[GW_TUN_EARLY_DROP] = { "early_drop", "0 off, 1 on", 0, 1 },
	[GW_TUN_MAX_HALFOPEN] = { "max_halfopen", "flows, 0 no limit", 0,
				  GW_MAX_FLOWS_LIMIT },
	[GW_TUN_MAX_HALFOPEN_DST] = { "max_halfopen_dst", "flows, 0 no limit",
				      0, GW_MAX_FLOWS_LIMIT },
	[GW_TUN_HALFOPEN_ADAPTIVE_START] = { "halfopen_adaptive_start",
					     "flows, 0 off", 0,
					     GW_MAX_FLOWS_LIMIT },
	[GW_TUN_HALFOPEN_ADAPTIVE_END] = { "halfopen_adaptive_end", "flows",
					   0, GW_MAX_FLOWS_LIMIT },
	[GW_TUN_HALFOPEN_RESET_RATE] = { "halfopen_reset_rate",
					 "resets/s, 0 off", 0, 1000000 },
	[GW_TUN_MAX_SRC_CONN] = { "max_src_conn", "connections, 0 off", 0,
				  GW_SRC_CONN_MAX },
	[GW_TUN_MAX_SRC_CONN_RATE] = { "max_src_conn_rate",
				       "connections per max_src_conn_rate_seconds, 0 off",
				       0, GW_SRC_CONN_MAX },
	[GW_TUN_MAX_SRC_CONN_RATE_SECONDS] = { "max_src_conn_rate_seconds",
					       "s", 1, GW_SRC_RATE_SECONDS_MAX },
	[GW_TUN_OVERLOAD_TIMEOUT] = { "overload_timeout", "s", 1,
				      GW_TIMEOUT_MAX },
	[GW_TUN_OVERLOAD_FLUSH] = { "overload_flush", "0 off, 1 on", 0, 1 },
	[GW_TUN_MAX_BLOCK_ENTRIES] = { "max_block_entries", "entries", 0,
				       GW_BLOCK_ENTRIES_LIMIT },
	[GW_TUN_RELOAD_POLICY] = { "reload_policy", "0 expire, 1 close",
				   GW_RELOAD_POLICY_EXPIRE,
				   GW_RELOAD_POLICY_CLOSE },
	[GW_TUN_MAX_INBOUND_SHARE] = { "max_inbound_share", "% of max_flows",
				       1, 100 },
	[GW_TUN_SCAN_ACTION] = { "scan_action", "0 log, 1 block",
				 GW_SCAN_ACTION_LOG, GW_SCAN_ACTION_BLOCK },
	[GW_TUN_SCAN_THRESHOLD] = { "scan_threshold", "score", 1, 65535 },
	[GW_TUN_SCAN_DELAY_MS] = { "scan_delay_ms", "ms", 1, 3600 * 1000 },
	[GW_TUN_SCAN_WEIGHT_LOW] = { "scan_weight_low", "score a port below 1024",
				     0, 65535 },
	[GW_TUN_SCAN_WEIGHT_HIGH] = { "scan_weight_high",
				      "score a port from 1024", 0, 65535 },
	[GW_TUN_SCAN_BLOCK_SECONDS] = { "scan_block_seconds", "s", 1,
					GW_BLOCK_TIMEOUT_MAX },
	[GW_TUN_SCAN_BLOCK_MAX_SECONDS] = { "scan_block_max_seconds", "s", 1,
					    GW_BLOCK_TIMEOUT_MAX },
	[GW_TUN_TRACE_SIZE] = { "trace_size", "drops, 0 off", 0,
				GW_TRACE_SIZE_MAX },
	[GW_TUN_TRACE_RATE] = { "trace_rate", "drops/s", 1, 1000000 },
	[GW_TUN_DROP_EVENT_RATE] = { "drop_event_rate", "events/s", 1, 100000 },
	[GW_TUN_LOG_DROPS] = { "log_drops", "0 off, 1 on", 0, 1 },
	[GW_TUN_LOG_RATE] = { "log_rate", "packets/s", 1, GW_NFLOG_RATE_MAX },
	[GW_TUN_LOG_GROUP] = { "log_group", "NFLOG group", 0, 65535 },
	[GW_TUN_FLOW_EVENT_RATE] = { "flow_event_rate", "events/s, 0 no limit",
				     0, 1000000 },
};

/* Defaults as the kernel's own TCP tracker has them. */
static const u32 gw_tunable_defaults[__GW_TUN_MAX] = {
	[GW_TUN_TCP_SYN_SENT] = 120,
	[GW_TUN_TCP_SYN_RECV] = 60,
	[GW_TUN_TCP_ESTABLISHED] = 5 * 24 * 3600,
	[GW_TUN_TCP_FIN_WAIT] = 120,
	[GW_TUN_TCP_CLOSE_WAIT] = 60,
	[GW_TUN_TCP_LAST_ACK] = 30,
	[GW_TUN_TCP_TIME_WAIT] = 120,
	[GW_TUN_TCP_CLOSE] = 10,
	/* and as its UDP, ICMP and generic trackers have them */
	[GW_TUN_UDP_UNREPLIED] = 30,
	[GW_TUN_UDP_STREAM] = 120,
	[GW_TUN_ICMP] = 30,
	[GW_TUN_OTHER] = 600,
	[GW_TUN_EARLY_DROP] = 1,
	[GW_TUN_MAX_HALFOPEN_DST] = 1024,
	[GW_TUN_HALFOPEN_RESET_RATE] = 1000,
	[GW_TUN_MAX_SRC_CONN_RATE_SECONDS] = 10,
	[GW_TUN_OVERLOAD_TIMEOUT] = 60,
	[GW_TUN_MAX_BLOCK_ENTRIES] = 65536,
	/* wan may never take the inside's half of the table */
	[GW_TUN_MAX_INBOUND_SHARE] = 50,
	/* xt_psd's: 7 ports below 1024 (or 21 above), 3 s apart at most */
	[GW_TUN_SCAN_THRESHOLD] = 21,
	[GW_TUN_SCAN_DELAY_MS] = 3000,
	[GW_TUN_SCAN_WEIGHT_LOW] = 3,
	[GW_TUN_SCAN_WEIGHT_HIGH] = 1,
	/* 10 minutes, doubled for each repeat, up to a day */
	[GW_TUN_SCAN_BLOCK_SECONDS] = 600,
	[GW_TUN_SCAN_BLOCK_MAX_SECONDS] = 86400,
	/*
	 * The trace is a few seconds of a flood: 256 entries of 64 bytes
	 * and 1000 a second cost a flood's packets one read of the bucket;
	 * 100 events a second are what a terminal can show
	 */
	[GW_TUN_TRACE_SIZE] = 256,
	[GW_TUN_TRACE_RATE] = 1000,
	[GW_TUN_DROP_EVENT_RATE] = 100,
	/* a flood of drops costs at most this many messages a second */
	[GW_TUN_LOG_RATE] = 10,
	/* a listener that cannot keep up must not cost the packet path more */
	[GW_TUN_FLOW_EVENT_RATE] = 10000,
};

/* What a namespace starts with, and what a load does not set returns to. */
void gw_tunables_defaults(const struct gw_net *gn, u32 *values)
{
	unsigned int i;

	for (i = 0; i < __GW_TUN_MAX; i++)
		values[i] = gw_tunable_defaults[i];
	values[GW_TUN_MAX_FLOWS] = gw_flowtable_default_max(gn);
	/* pf's adaptive defaults: from 60% to 120% of the limit */
	values[GW_TUN_MAX_HALFOPEN] = values[GW_TUN_MAX_FLOWS] / 2;
	values[GW_TUN_HALFOPEN_ADAPTIVE_START] =
		values[GW_TUN_MAX_HALFOPEN] / 10 * 6;
	values[GW_TUN_HALFOPEN_ADAPTIVE_END] =
		values[GW_TUN_MAX_HALFOPEN] / 10 * 12;
}

void gw_tunables_init(struct gw_net *gn)
{
	gw_tunables_defaults(gn, gn->tunables);
}

int gw_tunable_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < __GW_TUN_MAX; i++)
		if (!strcmp(gw_tunable_defs[i].name, name))
			return i;
	return -ENOENT;
}
