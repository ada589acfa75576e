/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_TUNABLES_H
#define _GW_TUNABLES_H

#include <linux/types.h>
#include <linux/compiler.h>

/*
 * Per-namespace settings, set with "gwctl set NAME VALUE".  The packet path
 * reads them with READ_ONCE(); a change applies to existing flows at once,
 * because a flow's expiry is computed from its state's current timeout.
 */
enum gw_tunable {
	GW_TUN_TCP_SYN_SENT,
	GW_TUN_TCP_SYN_RECV,
	GW_TUN_TCP_ESTABLISHED,
	GW_TUN_TCP_FIN_WAIT,
	GW_TUN_TCP_CLOSE_WAIT,
	GW_TUN_TCP_LAST_ACK,
	GW_TUN_TCP_TIME_WAIT,
	GW_TUN_TCP_CLOSE,
	GW_TUN_MAX_FLOWS,
	GW_TUN_TCP_PICKUP,	/* enum gw_tcp_pickup */
	GW_TUN_UDP_UNREPLIED,	/* UDP flows with no reply yet */
	GW_TUN_UDP_STREAM,	/* UDP flows answered and older than 2 s */
	GW_TUN_ICMP,		/* ICMP echo flows */
	GW_TUN_OTHER,		/* flows of every other protocol */
	GW_TUN_EARLY_DROP,	/* 1: a full table evicts unanswered/finished */
	GW_TUN_MAX_HALFOPEN,	/* TCP handshakes in progress, 0 = no limit */
	GW_TUN_MAX_HALFOPEN_DST,	/* ... per destination address+port */
	GW_TUN_HALFOPEN_ADAPTIVE_START,	/* half-open count timeouts shrink from */
	GW_TUN_HALFOPEN_ADAPTIVE_END,	/* ... and reach their floor at */
	GW_TUN_HALFOPEN_RESET_RATE,	/* RSTs a second to servers, 0 = none */
	GW_TUN_MAX_SRC_CONN,	/* established inbound per source, 0 = off */
	GW_TUN_MAX_SRC_CONN_RATE,	/* N new per S seconds per source, 0 = off */
	GW_TUN_MAX_SRC_CONN_RATE_SECONDS,	/* S */
	GW_TUN_OVERLOAD_TIMEOUT,	/* seconds a source stays overloaded */
	GW_TUN_OVERLOAD_FLUSH,	/* 1: overloading closes its connections */
	GW_TUN_MAX_BLOCK_ENTRIES,	/* block + never-block entries */
	GW_TUN_RELOAD_POLICY,	/* enum gw_reload_policy */
	GW_TUN_MAX_INBOUND_SHARE,	/* % of max_flows wan may open */
	GW_TUN_SCAN_ACTION,	/* enum gw_scan_action */
	GW_TUN_SCAN_THRESHOLD,	/* score that makes a scanner */
	GW_TUN_SCAN_DELAY_MS,	/* longest pause between two new probes */
	GW_TUN_SCAN_WEIGHT_LOW,	/* a probe to a port below 1024 */
	GW_TUN_SCAN_WEIGHT_HIGH,	/* ... to a port above */
	GW_TUN_SCAN_BLOCK_SECONDS,	/* a scanner's first block */
	GW_TUN_SCAN_BLOCK_MAX_SECONDS,	/* doubled for each repeat, up to */
	GW_TUN_TRACE_SIZE,	/* drops the trace keeps, 0 = no trace */
	GW_TUN_TRACE_RATE,	/* drops a second the trace records, at most */
	GW_TUN_DROP_EVENT_RATE,	/* drop events a second, at most */
	GW_TUN_LOG_DROPS,	/* 1: drops go to NFLOG (nflog.c) */
	GW_TUN_LOG_RATE,	/* packets logged a second, all reasons */
	GW_TUN_LOG_GROUP,	/* the NFLOG group they go to */
	GW_TUN_FLOW_EVENT_RATE,	/* flow events a second, 0 = no limit */
	__GW_TUN_MAX,
};

enum gw_tcp_pickup {
	GW_TCP_PICKUP_STRICT,	/* no flow from a segment we did not see open */
	GW_TCP_PICKUP_LOOSE,	/* adopt inside connections mid-stream */
};

/* What a rule change does to inbound connections it no longer allows. */
enum gw_reload_policy {
	GW_RELOAD_POLICY_EXPIRE,	/* nothing: they live until they end */
	GW_RELOAD_POLICY_CLOSE,		/* reset (TCP) and shut at once */
};

/* What a detected scanner gets. */
enum gw_scan_action {
	GW_SCAN_ACTION_LOG,	/* an event and a log line */
	GW_SCAN_ACTION_BLOCK,	/* and a timed block entry, reason scan */
};

struct gw_tunable_def {
	const char *name;
	const char *unit;
	u32 min;
	u32 max;
};

struct gw_net;

extern const struct gw_tunable_def gw_tunable_defs[__GW_TUN_MAX];

void gw_tunables_init(struct gw_net *gn);
void gw_tunables_defaults(const struct gw_net *gn, u32 *values);
int gw_tunable_find(const char *name);

#endif /* _GW_TUNABLES_H */
