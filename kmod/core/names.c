// SPDX-License-Identifier: GPL-2.0
/*
 * The counters' names (enum gw_counter), written once: the module sends
 * them (GW_CMD_NAMES_GET, kmod/nl_names.c) and gwctl prints them, in
 * "gwctl stats" and as the members of its JSON.  Scripts read them: a
 * name, once given, never changes.
 */
#include "names.h"

static const char *const gw_counter_names[] = {
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
	[GW_CTR_DROP_TCP_REOPEN] = "drop_tcp_reopen",
	[GW_CTR_SYNPROXY_SYN] = "synproxy_syn",
	[GW_CTR_SYNPROXY_OPENED] = "synproxy_opened",
	[GW_CTR_DROP_COOKIE_FORGED] = "drop_cookie_forged",
	[GW_CTR_DROP_COOKIE_STALE] = "drop_cookie_stale",
	[GW_CTR_SYNPROXY_JOINED] = "synproxy_joined",
	[GW_CTR_SYNPROXY_REFUSED] = "synproxy_refused",
	[GW_CTR_DROP_SYNPROXY_WAIT] = "drop_synproxy_wait",
	[GW_CTR_DROP_SYNPROXY_UNSENT] = "drop_synproxy_unsent",
	[GW_CTR_DROP_COOKIE_REPLAYED] = "drop_cookie_replayed",
	[GW_CTR_SCAN_DETECTED] = "scan_detected",
	[GW_CTR_SCAN_BLOCKED] = "scan_blocked",
	[GW_CTR_SCAN_SPARED] = "scan_spared",
	[GW_CTR_SCAN_UNQUEUED] = "scan_unqueued",
	[GW_CTR_TRACE_UNSAMPLED] = "trace_unsampled",
	[GW_CTR_EVENT_DROPS_LOST] = "event_drops_lost",
	[GW_CTR_SCAN_STRAGGLER] = "scan_straggler",
	[GW_CTR_FLOW_EVENTS] = "flow_events",
	[GW_CTR_FLOW_EVENTS_LOST] = "flow_events_lost",
};

/* a gap in the middle is found by tests/unit/test_names.c */
GW_NAMES_COMPLETE(gw_counter_names, __GW_CTR_MAX);

const char *gw_counter_name(unsigned int id)
{
	return GW_NAME_OF(gw_counter_names, id, NULL);
}
