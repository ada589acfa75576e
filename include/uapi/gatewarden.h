/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * gatewarden generic-netlink interface.
 *
 * This header is the contract between the module and gwctl.  It is only
 * ever appended to: never renumber or remove a command, attribute or
 * counter, so that an older gwctl keeps working against a newer module.
 */
#ifndef _UAPI_GATEWARDEN_H
#define _UAPI_GATEWARDEN_H

#define GW_GENL_NAME		"gatewarden"
#define GW_GENL_VERSION		1
/* Multicast group of GW_CMD_EVENT notifications ("gwctl monitor"). */
#define GW_GENL_MCGRP_EVENTS	"events"
/*
 * Multicast group of the flow events, GW_EVENT_FLOW_* ("gwctl monitor
 * flows"): a group of their own, so that they are built only while someone
 * wants them, and a monitor of the changes is not flooded with them.
 */
#define GW_GENL_MCGRP_FLOWS	"flows"

/* Longest string attribute the kernel accepts (interface names are shorter). */
#define GW_NAME_MAX		32
#define GW_COMMENT_MAX		128
/* Port ranges one allow rule may carry ("port 22,80,443,8000-8100"). */
#define GW_RULE_MAX_PORT_RANGES	8
/* Highest rate of an icmp echo rule ("rate N/s"). */
#define GW_RULE_RATE_MAX	10000

enum gw_cmd {
	GW_CMD_UNSPEC,
	GW_CMD_STATUS_GET,	/* doit: version, zones, flows, rules */
	GW_CMD_STATS_GET,	/* doit: GW_A_STATS */
	GW_CMD_IFACE_SET,	/* GW_A_IFNAME, GW_A_ZONE */
	GW_CMD_IFACE_DEL,	/* GW_A_IFNAME */
	GW_CMD_IFACE_GET,	/* dump: GW_A_IFNAME, GW_A_ZONE, GW_A_IFINDEX */
	GW_CMD_RULE_ADD,	/* GW_A_RULE; reply carries GW_A_RULE_HANDLE */
	GW_CMD_RULE_DEL,	/* GW_A_RULE_HANDLE */
	GW_CMD_RULE_GET,	/* dump: GW_A_RULE */
	GW_CMD_RULE_FLUSH,
	GW_CMD_CONN_GET,	/* dump: GW_A_CONN */
	GW_CMD_CONN_FLUSH,
	GW_CMD_TUNABLE_SET,	/* GW_A_TUNABLE (name, value) */
	GW_CMD_TUNABLE_GET,	/* dump: GW_A_TUNABLE */
	GW_CMD_OVERLOAD_GET,	/* dump: GW_A_OVERLOAD */
	GW_CMD_OVERLOAD_DEL,	/* GW_A_OVERLOAD (family, address); none: all */
	/*
	 * Atomic load ("gwctl load"): BEGIN opens the namespace's one staged
	 * transaction for the requesting socket and answers GW_A_TXN_ID;
	 * STAGE adds one of GW_A_RULE, GW_A_IFNAME + GW_A_ZONE or
	 * GW_A_TUNABLE to it, validated as the direct commands are; COMMIT
	 * replaces rules, zones and tunables (those not staged return to their
	 * defaults) at once; ABORT drops it.  Closing the socket aborts it.
	 * Another BEGIN while one is open fails with EBUSY.
	 */
	GW_CMD_TXN_BEGIN,	/* reply carries GW_A_TXN_ID */
	GW_CMD_TXN_STAGE,	/* GW_A_TXN_ID and one item */
	GW_CMD_TXN_COMMIT,	/* GW_A_TXN_ID */
	GW_CMD_TXN_ABORT,	/* GW_A_TXN_ID */
	/*
	 * Sent on GW_GENL_MCGRP_EVENTS after each change: GW_A_EVENT,
	 * GW_A_EVENT_SEQ, and what changed (see enum gw_event).
	 */
	GW_CMD_EVENT,
	/*
	 * The blocklist and the never-block list (GW_A_BLOCK, whose
	 * GW_BLOCK_A_KIND says which).  ADD: kind, family, address, prefix
	 * length, and for a block entry an optional timeout; DEL: the same
	 * without the timeout; GET dumps both lists; FLUSH empties the list
	 * of the kind given (GW_A_BLOCK with only GW_BLOCK_A_KIND).
	 */
	GW_CMD_BLOCK_ADD,
	GW_CMD_BLOCK_DEL,
	GW_CMD_BLOCK_GET,	/* dump: GW_A_BLOCK */
	GW_CMD_BLOCK_FLUSH,
	/*
	 * The names the module gives its counters and TCP states, one
	 * GW_A_NAME a message.  A request may carry GW_A_NAME with only
	 * GW_NAME_A_KIND: then that kind's names alone.
	 */
	GW_CMD_NAMES_GET,	/* dump: GW_A_NAME */
	/*
	 * "gwctl explain": the verdict the packet path would give the packet
	 * GW_A_EXPLAIN describes, judged by the module's own code with no
	 * side effect (no flow, counter, rule hit or reset).  The reply
	 * carries GW_A_EXPLAIN with the verdict and its reasons, and what it
	 * met: the rule (GW_A_RULE), the flow (GW_A_CONN), the block and
	 * never-block entries holding the outside address (GW_A_BLOCK).
	 */
	GW_CMD_EXPLAIN,
	/*
	 * "gwctl trace": the namespace's drop trace, the last trace_size
	 * drops the packet path made (sampled at trace_rate a second), one
	 * GW_A_TRACE a message, oldest first.
	 */
	GW_CMD_TRACE_GET,	/* dump: GW_A_TRACE */
	/*
	 * Before joining a multicast group, say so: GW_A_MCGRP names the
	 * group.  The module builds a namespace's events only while a socket
	 * of that namespace has subscribed (the kernel's own test of the
	 * group's listeners is one for every namespace at once); the
	 * subscription ends when the socket that sent this is closed.
	 */
	GW_CMD_SUBSCRIBE,
	__GW_CMD_MAX,
};
#define GW_CMD_MAX (__GW_CMD_MAX - 1)

enum gw_attr {
	GW_A_UNSPEC,
	GW_A_PAD,
	GW_A_VERSION,		/* string: module version */
	GW_A_IFNAME,		/* string */
	GW_A_IFINDEX,		/* u32: 0 while the device does not exist */
	GW_A_ZONE,		/* u8: enum gw_zone */
	GW_A_RULE,		/* nest: enum gw_rule_attr */
	GW_A_RULE_HANDLE,	/* u32 */
	GW_A_CONN,		/* nest: enum gw_conn_attr */
	GW_A_STATS,		/* nest: attribute type = enum gw_counter + 1, u64 */
	GW_A_TUNABLE,		/* nest: enum gw_tunable_attr */
	GW_A_FLOW_COUNT,	/* u32 */
	GW_A_FLOW_MAX,		/* u32 */
	GW_A_FLOW_ENTRY_SIZE,	/* u32: bytes of memory one tracked flow costs */
	GW_A_FLOW_BUCKETS,	/* u32 */
	GW_A_RULE_COUNT,	/* u32 */
	GW_A_WAN_COUNT,		/* u32: configured wan zones */
	GW_A_LAN_COUNT,		/* u32: configured lan zones */
	GW_A_NETNS_COOKIE,	/* u64: which namespace answered */
	GW_A_HALFOPEN_COUNT,	/* u32: TCP flows still in their handshake */
	GW_A_OVERLOAD_COUNT,	/* u32: sources in the overload list now */
	GW_A_OVERLOAD,		/* nest: enum gw_overload_attr */
	GW_A_SRC_COUNT,		/* u32: sources tracked for connection limits */
	GW_A_SRC_MAX,		/* u32: slots of the source table */
	GW_A_TXN_ID,		/* u32: a staged transaction, never 0 */
	GW_A_EVENT,		/* u8: enum gw_event */
	GW_A_EVENT_SEQ,		/* u64: per namespace, 1 for the first event */
	GW_A_STATS_RESET,	/* flag, in GW_CMD_STATS_GET: zero after reading */
	GW_A_BLOCK,		/* nest: enum gw_block_attr */
	GW_A_NAME,		/* nest: enum gw_name_attr */
	GW_A_EXPLAIN,		/* nest: enum gw_explain_attr */
	GW_A_SCAN_SCORE,	/* u32: a scanner's score when it was detected */
	GW_A_SCAN_SPARED,	/* u8: enum gw_scan_spared, why it was not blocked */
	/*
	 * flag, in GW_CMD_RULE_GET: zero each rule's counters (HITS,
	 * PACKETS, BYTES) as it is dumped, so no count falls between the
	 * dump and the reset
	 */
	GW_A_RULE_RESET,
	GW_A_TRACE,		/* nest: enum gw_trace_attr, one dropped packet */
	/*
	 * Flow events (GW_EVENT_FLOW_*, on GW_GENL_MCGRP_FLOWS) carry these
	 * instead of GW_A_EVENT_SEQ, numbered apart from the changes:
	 * u64, per namespace, 1 for the first flow event sent
	 */
	GW_A_FLOW_SEQ,
	/*
	 * u64: flow events the module did not send since the last one it
	 * sent (over flow_event_rate, or out of memory); a gap in
	 * GW_A_FLOW_SEQ is one the receiving socket lost (it overran)
	 */
	GW_A_FLOW_LOST,
	GW_A_FLOW_END,		/* u8: enum gw_flow_end */
	GW_A_MCGRP,		/* string: a group's name, in GW_CMD_SUBSCRIBE */
	__GW_A_MAX,
};
#define GW_A_MAX (__GW_A_MAX - 1)

/* What a GW_CMD_EVENT reports, and the attributes that come with it. */
enum gw_event {
	GW_EVENT_RULE_ADDED,	/* GW_A_RULE_HANDLE */
	GW_EVENT_RULE_DELETED,	/* GW_A_RULE_HANDLE */
	GW_EVENT_RULES_FLUSHED,
	GW_EVENT_POLICY_LOADED,	/* GW_A_TXN_ID, GW_A_RULE_COUNT */
	GW_EVENT_ZONE_SET,	/* GW_A_IFNAME, GW_A_ZONE */
	GW_EVENT_ZONE_DELETED,	/* GW_A_IFNAME */
	GW_EVENT_TUNABLE_SET,	/* GW_A_TUNABLE (name, value) */
	GW_EVENT_BLOCK_ADDED,	/* GW_A_BLOCK */
	GW_EVENT_BLOCK_DELETED,	/* GW_A_BLOCK */
	GW_EVENT_BLOCK_FLUSHED,	/* GW_A_BLOCK (kind only) */
	/*
	 * synproxy auto began or stopped answering the SYNs to a destination:
	 * GW_A_CONN with family, protocol, GW_CONN_A_DST and GW_CONN_A_DPORT.
	 */
	GW_EVENT_SYNPROXY_ENGAGED,
	GW_EVENT_SYNPROXY_DISENGAGED,
	/*
	 * A source reached the scan threshold: GW_A_BLOCK (kind block,
	 * family, the source: an IPv4 address or an IPv6 /64), GW_A_SCAN_SCORE,
	 * and GW_A_SCAN_SPARED when scan_action block left it alone.
	 */
	GW_EVENT_SCAN_DETECTED,
	/* scan_action block blocked it: GW_A_BLOCK with timeout and reason */
	GW_EVENT_SCAN_BLOCKED,
	/*
	 * A packet dropped ("gwctl monitor drops"): GW_A_TRACE, with
	 * GW_TRACE_A_LOST.  Sent only while someone listens, at most
	 * drop_event_rate a second.
	 */
	GW_EVENT_DROP,
	/*
	 * A flow was created, changed TCP state, or ended ("gwctl monitor
	 * flows"), sent on GW_GENL_MCGRP_FLOWS (not GW_GENL_MCGRP_EVENTS)
	 * only while someone listens there: GW_A_FLOW_SEQ,
	 * GW_A_FLOW_LOST, GW_A_CONN (tuple, protocol, state, flags: which way
	 * it was opened), GW_A_ZONE (the zone it was opened from),
	 * GW_A_RULE_HANDLE (the rule that admitted it, inbound only), and for
	 * an end GW_A_FLOW_END.
	 */
	GW_EVENT_FLOW_NEW,
	GW_EVENT_FLOW_STATE,
	GW_EVENT_FLOW_END,
	/*
	 * A timed block entry expired and left the blocklist (the collector
	 * dropped it, or a change made before it did): GW_A_BLOCK with its
	 * prefix, timeout, reason and GW_BLOCK_A_HITS
	 */
	GW_EVENT_BLOCK_RELEASED,
	__GW_EVENT_MAX,
};
#define GW_EVENT_MAX (__GW_EVENT_MAX - 1)

enum gw_zone {
	GW_ZONE_LAN,		/* trusted; also every interface with no zone */
	GW_ZONE_WAN,		/* untrusted: traffic crossing it is judged */
	__GW_ZONE_MAX,
};
#define GW_ZONE_MAX (__GW_ZONE_MAX - 1)

enum gw_rule_action {
	GW_ACTION_ALLOW,
	__GW_ACTION_MAX,
};
#define GW_ACTION_MAX (__GW_ACTION_MAX - 1)

enum gw_rule_attr {
	GW_RULE_A_UNSPEC,
	GW_RULE_A_PAD,
	GW_RULE_A_HANDLE,	/* u32, set by the kernel */
	GW_RULE_A_ACTION,	/* u8: enum gw_rule_action */
	GW_RULE_A_FAMILY,	/* u8: 0 (both), AF_INET or AF_INET6 */
	GW_RULE_A_PROTO,	/* u8: IPPROTO_* */
	GW_RULE_A_SRC,		/* binary: 4 or 16 bytes, network order */
	GW_RULE_A_SRC_PLEN,	/* u8 */
	GW_RULE_A_DST,		/* binary: 4 or 16 bytes, network order */
	GW_RULE_A_DST_PLEN,	/* u8 */
	GW_RULE_A_PORTS,	/* nest of GW_RULE_A_PORT_RANGE */
	GW_RULE_A_PORT_RANGE,	/* u32: first port << 16 | last port */
	GW_RULE_A_IFNAME,	/* string: input interface */
	GW_RULE_A_COMMENT,	/* string */
	GW_RULE_A_HITS,		/* u64: connections the rule admitted */
	GW_RULE_A_RATE,		/* u32: packets per second (icmp echo rules) */
	GW_RULE_A_MAX_SRC_CONN,	/* u32: concurrent connections a source may hold */
	GW_RULE_A_SRC_RATE_CONN,	/* u32: N of max-src-conn-rate N/S */
	GW_RULE_A_SRC_RATE_SECONDS,	/* u32: S of max-src-conn-rate N/S */
	GW_RULE_A_SYNPROXY,	/* u8: enum gw_synproxy_mode (tcp rules) */
	/*
	 * u64: packets passed on the connections the rule admitted, both
	 * directions, from their first (and ICMP echo requests it let in)
	 */
	GW_RULE_A_PACKETS,
	GW_RULE_A_BYTES,	/* u64: their IP lengths (headers included) */
	/*
	 * flag: log to NFLOG (the tunable log_group) the packet that opens
	 * each connection the rule admits, within the tunable log_rate
	 */
	GW_RULE_A_LOG,
	__GW_RULE_A_MAX,
};
#define GW_RULE_A_MAX (__GW_RULE_A_MAX - 1)

/*
 * Whether an allow tcp rule's connections go through the SYN proxy: with
 * GW_SYNPROXY_ON gatewarden answers every SYN the rule allows itself, with
 * a cookie, and opens the connection to the server only once the client
 * has answered that; with GW_SYNPROXY_AUTO it does so for a destination
 * only while its handshakes in progress are many (engaged at a quarter of
 * the tunable max_halfopen_dst, disengaged below an eighth, each with an
 * event).  No attribute is GW_SYNPROXY_AUTO.
 */
enum gw_synproxy_mode {
	GW_SYNPROXY_AUTO,
	GW_SYNPROXY_ON,
	GW_SYNPROXY_OFF,
	__GW_SYNPROXY_MAX,
};
#define GW_SYNPROXY_MAX (__GW_SYNPROXY_MAX - 1)

enum gw_conn_attr {
	GW_CONN_A_UNSPEC,
	GW_CONN_A_PAD,
	GW_CONN_A_FAMILY,	/* u8 */
	GW_CONN_A_PROTO,	/* u8 */
	GW_CONN_A_SRC,		/* binary: originator address */
	GW_CONN_A_DST,		/* binary: responder address */
	GW_CONN_A_SPORT,	/* u16, host order */
	GW_CONN_A_DPORT,	/* u16, host order */
	GW_CONN_A_STATE,	/* u8: enum gw_tcp_state */
	GW_CONN_A_TIMEOUT,	/* u32: seconds until expiry */
	GW_CONN_A_PACKETS_ORIG,	/* u64 */
	GW_CONN_A_PACKETS_REPLY,/* u64 */
	GW_CONN_A_FLAGS,	/* u32: GW_CONN_F_* */
	GW_CONN_A_TCP_ORIG,	/* nest: enum gw_tcp_peer_attr, originator */
	GW_CONN_A_TCP_REPLY,	/* nest: enum gw_tcp_peer_attr, responder */
	__GW_CONN_A_MAX,
};
#define GW_CONN_A_MAX (__GW_CONN_A_MAX - 1)

/* The connection was opened from the wan side (admitted by a rule). */
#define GW_CONN_F_INBOUND	(1U << 0)
/* The responder has answered at least once. */
#define GW_CONN_F_REPLIED	(1U << 1)
/* Picked up mid-stream (tcp_pickup loose), not seen opening. */
#define GW_CONN_F_PICKED_UP	(1U << 2)
/*
 * Closed by "set reload_policy close" after a rule change: kept until it
 * expires only so that the inside end cannot open its tuple again.
 */
#define GW_CONN_F_CLOSED	(1U << 3)
/* Opened by the SYN proxy: its two halves are translated (issue 16). */
#define GW_CONN_F_SYNPROXY	(1U << 4)

/* One side's TCP window state, as the tracker learnt it. */
enum gw_tcp_peer_attr {
	GW_TCP_PEER_A_UNSPEC,
	GW_TCP_PEER_A_END,	/* u32: one past its highest sequence number */
	GW_TCP_PEER_A_MAXEND,	/* u32: highest sequence the other side allows */
	GW_TCP_PEER_A_MAXWIN,	/* u32: largest window it advertised, scaled */
	GW_TCP_PEER_A_WSCALE,	/* u8 */
	GW_TCP_PEER_A_FLAGS,	/* u8: GW_TCP_PEER_F_* */
	__GW_TCP_PEER_A_MAX,
};
#define GW_TCP_PEER_A_MAX (__GW_TCP_PEER_A_MAX - 1)

#define GW_TCP_PEER_F_WSCALE	(1U << 0)	/* offered window scaling */
#define GW_TCP_PEER_F_SACK_PERM	(1U << 1)	/* offered SACK */
#define GW_TCP_PEER_F_LIBERAL	(1U << 2)	/* windows not judged (yet) */

enum gw_tcp_state {
	GW_TCP_NONE,
	GW_TCP_SYN_SENT,
	GW_TCP_SYN_RECV,
	GW_TCP_ESTABLISHED,
	GW_TCP_FIN_WAIT,
	GW_TCP_CLOSE_WAIT,
	GW_TCP_LAST_ACK,
	GW_TCP_TIME_WAIT,
	GW_TCP_CLOSE,
	GW_TCP_SYN_SENT2,	/* simultaneous open: both sides sent SYN */
	__GW_TCP_STATE_MAX,
};
#define GW_TCP_STATE_MAX (__GW_TCP_STATE_MAX - 1)

enum gw_tunable_attr {
	GW_TUNABLE_A_UNSPEC,
	GW_TUNABLE_A_PAD,
	GW_TUNABLE_A_NAME,	/* string */
	GW_TUNABLE_A_VALUE,	/* u64 */
	GW_TUNABLE_A_MIN_VALUE,	/* u64, in replies */
	GW_TUNABLE_A_MAX_VALUE,	/* u64, in replies */
	GW_TUNABLE_A_UNIT,	/* string, in replies: "s", "flows", ... */
	GW_TUNABLE_A_DEFAULT,	/* u64, in replies: the namespace's default */
	__GW_TUNABLE_A_MAX,
};
#define GW_TUNABLE_A_MAX (__GW_TUNABLE_A_MAX - 1)

/* A source put in the overload list by a full-connection limit. */
enum gw_overload_attr {
	GW_OVERLOAD_A_UNSPEC,
	GW_OVERLOAD_A_FAMILY,	/* u8 */
	GW_OVERLOAD_A_ADDR,	/* binary: 4 or 16 bytes (IPv6: the /64) */
	GW_OVERLOAD_A_PLEN,	/* u8: 32 or 64 */
	GW_OVERLOAD_A_TIMEOUT,	/* u32: seconds until it is let in again */
	GW_OVERLOAD_A_CONNS,	/* u32: its established connections */
	__GW_OVERLOAD_A_MAX,
};
#define GW_OVERLOAD_A_MAX (__GW_OVERLOAD_A_MAX - 1)

/* Which list a GW_A_BLOCK is about. */
enum gw_block_kind {
	GW_BLOCK_KIND_BLOCK,	/* drop everything from these sources */
	GW_BLOCK_KIND_NEVER,	/* never block or overload these */
	__GW_BLOCK_KIND_MAX,
};
#define GW_BLOCK_KIND_MAX (__GW_BLOCK_KIND_MAX - 1)

/* A blocklist or never-block entry. */
enum gw_block_attr {
	GW_BLOCK_A_UNSPEC,
	GW_BLOCK_A_KIND,	/* u8: enum gw_block_kind */
	GW_BLOCK_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	GW_BLOCK_A_ADDR,	/* binary: 4 or 16 bytes, host bits clear */
	GW_BLOCK_A_PLEN,	/* u8: 0-32 or 0-128 */
	GW_BLOCK_A_TIMEOUT,	/* u32: seconds (block entries only); none: permanent */
	GW_BLOCK_A_REMAINING,	/* u32, in replies: seconds until it expires */
	GW_BLOCK_A_REASON,	/* u8, in replies: enum gw_block_reason */
	GW_BLOCK_A_HITS,	/* u64, in replies: packets the entry dropped */
	GW_BLOCK_A_PAD,
	__GW_BLOCK_A_MAX,
};
#define GW_BLOCK_A_MAX (__GW_BLOCK_A_MAX - 1)

/* Who put a block entry there. */
enum gw_block_reason {
	GW_BLOCK_REASON_ADMIN,	/* a command or a rule file */
	GW_BLOCK_REASON_SCAN,	/* scan detection (scan_action block) */
	__GW_BLOCK_REASON_MAX,
};

/* Why a scanner was not blocked under scan_action block. */
enum gw_scan_spared {
	GW_SCAN_SPARED_SPECIAL,	/* loopback, multicast, broadcast, unspecified */
	GW_SCAN_SPARED_OWN,	/* one of this host's own addresses */
	GW_SCAN_SPARED_LAN,	/* a prefix of a lan (not wan) interface */
	GW_SCAN_SPARED_NEVER,	/* in the never-block list */
	GW_SCAN_SPARED_INSIDE,	/* a live flow opened from inside goes to it */
	GW_SCAN_SPARED_FULL,	/* the blocklist is full (max_block_entries) */
	__GW_SCAN_SPARED_MAX,
};

/* What a GW_A_NAME names: a value of which enum. */
enum gw_name_kind {
	GW_NAME_KIND_COUNTER,	/* enum gw_counter ("drop_table_full") */
	GW_NAME_KIND_TCP_STATE,	/* enum gw_tcp_state ("ESTABLISHED") */
	__GW_NAME_KIND_MAX,
};
#define GW_NAME_KIND_MAX (__GW_NAME_KIND_MAX - 1)

/* One name (GW_CMD_NAMES_GET). */
enum gw_name_attr {
	GW_NAME_A_UNSPEC,
	GW_NAME_A_KIND,		/* u8: enum gw_name_kind */
	GW_NAME_A_INDEX,	/* u32, in replies: the value in the kind's enum */
	GW_NAME_A_NAME,		/* string, in replies */
	__GW_NAME_A_MAX,
};
#define GW_NAME_A_MAX (__GW_NAME_A_MAX - 1)

/* Which way a packet GW_CMD_EXPLAIN judges crosses its interface. */
enum gw_explain_way {
	GW_EXPLAIN_IN,		/* arriving on it (PRE_ROUTING) */
	GW_EXPLAIN_OUT,		/* leaving through it (POST_ROUTING) */
	__GW_EXPLAIN_WAY_MAX,
};
#define GW_EXPLAIN_WAY_MAX (__GW_EXPLAIN_WAY_MAX - 1)

enum gw_explain_verdict {
	GW_EXPLAIN_PASS,
	GW_EXPLAIN_DROP,
};

/*
 * A packet to judge (request) and its judgement (reply).  A request
 * holds the way, the interface, the family, the protocol and both
 * addresses; TCP and UDP both ports; TCP optionally its flags (none: a
 * SYN), sequence and acknowledgement numbers (none, on a flow: the next
 * ones each side expects); ICMP its type, and optionally its code and
 * echo identifier.  A reply holds what the module found.
 */
enum gw_explain_attr {
	GW_EXPLAIN_A_UNSPEC,
	GW_EXPLAIN_A_WAY,	/* u8: enum gw_explain_way */
	GW_EXPLAIN_A_IFNAME,	/* string */
	GW_EXPLAIN_A_FAMILY,	/* u8: AF_INET or AF_INET6 */
	GW_EXPLAIN_A_PROTO,	/* u8: IPPROTO_* */
	GW_EXPLAIN_A_SRC,	/* binary: 4 or 16 bytes, network order */
	GW_EXPLAIN_A_DST,	/* binary: 4 or 16 bytes, network order */
	GW_EXPLAIN_A_SPORT,	/* u16, host order */
	GW_EXPLAIN_A_DPORT,	/* u16, host order */
	GW_EXPLAIN_A_TCP_FLAGS,	/* u8: as in byte 13 of the TCP header */
	GW_EXPLAIN_A_SEQ,	/* u32; in replies, the one judged */
	GW_EXPLAIN_A_ACK,	/* u32; in replies, the one judged */
	GW_EXPLAIN_A_ICMP_TYPE,	/* u8 */
	GW_EXPLAIN_A_ICMP_CODE,	/* u8 */
	GW_EXPLAIN_A_ICMP_ID,	/* u16: echo identifier, host order */
	GW_EXPLAIN_A_VERDICT,	/* u8, in replies: enum gw_explain_verdict */
	/*
	 * string, in replies: why, the name of the counter the packet path
	 * counts it in ("drop_passive_denied"), or, for a verdict counted in
	 * none, "flow" (it fits a live flow), "new_flow" (it opens one from
	 * inside), "link" (ICMPv6 neighbour discovery or MLD), "unfiltered"
	 * (not judged: no wan zone on the interface, a fragment out)
	 */
	GW_EXPLAIN_A_REASON,
	GW_EXPLAIN_A_PRIOR,	/* string, in replies: an earlier stage's reason */
	GW_EXPLAIN_A_ZONE,	/* u8, in replies: enum gw_zone; none: no zone */
	GW_EXPLAIN_A_RULE,	/* u32, in replies: the rule that decided */
	/*
	 * u32, in replies to an inbound request: the first rule that
	 * matches the packet, 0 for none, whether or not it decided
	 */
	GW_EXPLAIN_A_MATCH,
	GW_EXPLAIN_A_FLOW_DIR,	/* u8, in replies: enum gw_explain_flow_dir */
	__GW_EXPLAIN_A_MAX,
};
#define GW_EXPLAIN_A_MAX (__GW_EXPLAIN_A_MAX - 1)

/* Which way along its flow (the reply's GW_A_CONN) the packet travels. */
enum gw_explain_flow_dir {
	GW_EXPLAIN_FLOW_ORIGINAL,	/* from the originator */
	GW_EXPLAIN_FLOW_REPLY,		/* from the responder */
};

/*
 * One dropped packet, as the drop trace and GW_EVENT_DROP give it: the
 * verdict's reason and rule, the interface it crossed and its tuple, as
 * far as the packet had one (a packet dropped as malformed may carry
 * none).  Ports are TCP's and UDP's, the ICMP type and code ICMP's.
 */
enum gw_trace_attr {
	GW_TRACE_A_UNSPEC,
	GW_TRACE_A_PAD,
	GW_TRACE_A_SEQ,		/* u64: its number in the trace, 1 for the first */
	GW_TRACE_A_TIME,	/* u64: CLOCK_REALTIME, ns */
	GW_TRACE_A_REASON,	/* u32: enum gw_counter, the drop counter */
	GW_TRACE_A_WAY,		/* u8: enum gw_explain_way */
	GW_TRACE_A_IFINDEX,	/* u32 */
	GW_TRACE_A_IFNAME,	/* string: while the device exists */
	GW_TRACE_A_FAMILY,	/* u8 */
	GW_TRACE_A_PROTO,	/* u8 */
	GW_TRACE_A_SRC,		/* binary: 4 or 16 bytes, network order */
	GW_TRACE_A_DST,		/* binary: 4 or 16 bytes, network order */
	GW_TRACE_A_SPORT,	/* u16, host order */
	GW_TRACE_A_DPORT,	/* u16, host order */
	GW_TRACE_A_TCP_FLAGS,	/* u8: as in byte 13 of the TCP header */
	GW_TRACE_A_ICMP_TYPE,	/* u8 */
	GW_TRACE_A_ICMP_CODE,	/* u8 */
	GW_TRACE_A_RULE,	/* u32: the rule the verdict names, if any */
	GW_TRACE_A_FRAGMENT,	/* flag: a non-first fragment (no ports) */
	/*
	 * u64, in GW_EVENT_DROP: drops not sent since the previous drop
	 * event (over drop_event_rate, or out of memory)
	 */
	GW_TRACE_A_LOST,
	__GW_TRACE_A_MAX,
};
#define GW_TRACE_A_MAX (__GW_TRACE_A_MAX - 1)

/* Longest trace_size, in drops. */
#define GW_TRACE_SIZE_MAX	65536

/* Why a flow ended (GW_EVENT_FLOW_END). */
enum gw_flow_end {
	GW_FLOW_END_TIMEOUT,	/* idle past its state's timeout */
	GW_FLOW_END_CLOSED,	/* TCP: both FINs seen, TIME_WAIT over */
	GW_FLOW_END_RESET,	/* TCP: a reset ended it */
	GW_FLOW_END_EVICTED,	/* made room under a budget or a full table */
	GW_FLOW_END_POLICY,	/* reload_policy close: a rule change cut it */
	GW_FLOW_END_FLUSHED,	/* gwctl conn flush, or its source's overload */
	GW_FLOW_END_BLOCKED,	/* a block entry covers its outside end */
	GW_FLOW_END_SRC_LIMIT,	/* its handshake went over max_src_conn(_rate) */
	GW_FLOW_END_REUSED,	/* a new connection took its finished tuple */
	__GW_FLOW_END_MAX,
};
#define GW_FLOW_END_MAX (__GW_FLOW_END_MAX - 1)

/* Longest timeout of a block entry, in seconds (about 11 days). */
#define GW_BLOCK_TIMEOUT_MAX	1000000

/* Highest max-src-conn and N of max-src-conn-rate N/S; highest S. */
#define GW_SRC_CONN_MAX		30000
#define GW_SRC_RATE_SECONDS_MAX	3600

/* Per-namespace counters, summed over CPUs.  Append only. */
enum gw_counter {
	GW_CTR_IN_PACKETS,		/* inspected arriving on wan */
	GW_CTR_OUT_PACKETS,		/* inspected leaving through wan */
	GW_CTR_FLOW_CREATED,
	GW_CTR_FLOW_EXPIRED,
	GW_CTR_RULE_ACCEPTED,		/* inbound connections a rule admitted */
	GW_CTR_DROP_MALFORMED,		/* truncated or inconsistent headers */
	GW_CTR_DROP_TCP_BAD_FLAGS,	/* NULL, XMAS, SYN+FIN, ... */
	GW_CTR_DROP_PASSIVE_DENIED,	/* inbound SYN no rule allows */
	GW_CTR_DROP_TCP_NO_FLOW,	/* inbound non-SYN with no flow */
	GW_CTR_DROP_TCP_INVALID,	/* does not fit the flow's state */
	GW_CTR_DROP_TABLE_FULL,
	GW_CTR_DROP_NOMEM,
	GW_CTR_OUT_UNTRACKED,		/* no longer counted: see DROP_OUT_NO_FLOW */
	GW_CTR_DROP_OUT_OF_WINDOW,	/* sequence or ACK outside the windows */
	GW_CTR_TCP_STALE,		/* late duplicates passed unchanged */
	GW_CTR_FLOW_PICKED_UP,		/* adopted mid-stream (tcp_pickup loose) */
	GW_CTR_OUT_RESET,		/* inside sender told its flow is gone */
	GW_CTR_DROP_UDP_PROBE,		/* inbound UDP no flow or rule allows */
	GW_CTR_DROP_ICMP_ECHO,		/* inbound echo request no rule allows */
	GW_CTR_DROP_ICMP_RATE,		/* echo request over its rule's rate */
	GW_CTR_DROP_ICMP_ERROR,		/* ICMP error quoting no tracked flow */
	GW_CTR_DROP_ICMP_OTHER,		/* stray echo replies, redirects, ... */
	GW_CTR_DROP_PROTO_DENIED,	/* other protocols: no flow, no rule */
	GW_CTR_ICMP_ERROR_PASSED,	/* ICMP errors for tracked flows */
	GW_CTR_EARLY_DROP,		/* table full: a half-open/closing flow evicted */
	GW_CTR_HALFOPEN_EVICTED,	/* over a half-open budget: oldest evicted */
	GW_CTR_DROP_HALFOPEN,		/* over a half-open budget, nothing to evict */
	GW_CTR_HALFOPEN_RESET,		/* RSTs sent to a server for a dropped SYN */
	GW_CTR_DROP_OVERLOAD,		/* new inbound SYN from an overloaded source */
	GW_CTR_SRC_OVERLOADED,		/* sources put in the overload list */
	GW_CTR_DROP_SRC_LIMIT,		/* handshake over max_src_conn(_rate) */
	GW_CTR_SRC_UNTRACKED,		/* no longer counted: see SRC_EVICTED */
	GW_CTR_DROP_BLOCKED,		/* from a blocklisted source */
	GW_CTR_POLICY_CLOSED,		/* inbound flows a rule change closed */
	GW_CTR_DROP_POLICY_CLOSED,	/* sent from inside on such a closed flow */
	GW_CTR_DROP_INBOUND_FULL,	/* new inbound flow over max_inbound_share */
	GW_CTR_SRC_EVICTED,		/* busy source slot given to a new source */
	GW_CTR_DROP_OUT_NO_FLOW,	/* outbound non-SYN TCP with no flow */
	GW_CTR_DROP_TCP_REOPEN,		/* SYN met a raced flow it cannot open */
	/* the SYN proxy (rules with synproxy) */
	GW_CTR_SYNPROXY_SYN,		/* SYNs answered with a cookie SYN-ACK */
	GW_CTR_SYNPROXY_OPENED,		/* good cookies: a SYN sent to the server */
	GW_CTR_DROP_COOKIE_FORGED,	/* ACKs with no flow and a cookie not ours */
	GW_CTR_DROP_COOKIE_STALE,	/* ours, but older than one key rotation */
	GW_CTR_SYNPROXY_JOINED,		/* server SYN-ACKs: the halves joined */
	GW_CTR_SYNPROXY_REFUSED,	/* server reset the SYN: client reset */
	GW_CTR_DROP_SYNPROXY_WAIT,	/* client sent before the server answered */
	GW_CTR_DROP_SYNPROXY_UNSENT,	/* no route back for the cookie SYN-ACK */
	GW_CTR_DROP_COOKIE_REPLAYED,	/* a good cookie that opened one already */
	GW_CTR_SCAN_DETECTED,		/* sources that reached the scan threshold */
	GW_CTR_SCAN_BLOCKED,		/* ... blocked for it (scan_action block) */
	GW_CTR_SCAN_SPARED,		/* ... never blocked (GW_A_SCAN_SPARED) */
	GW_CTR_SCAN_UNQUEUED,		/* detections past the queue, tried again */
	/* the drop trace and drop events ("gwctl trace", "monitor drops") */
	GW_CTR_TRACE_UNSAMPLED,		/* drops over trace_rate, not recorded */
	GW_CTR_EVENT_DROPS_LOST,	/* drop events over drop_event_rate */
	GW_CTR_SCAN_STRAGGLER,		/* no-flow ACKs/RSTs not scored: late or resets */
	/* flow events ("gwctl monitor flows") */
	GW_CTR_FLOW_EVENTS,		/* built and handed to netlink */
	GW_CTR_FLOW_EVENTS_LOST,	/* over flow_event_rate, or out of memory */
	__GW_CTR_MAX,
};
#define GW_CTR_MAX (__GW_CTR_MAX - 1)

#endif /* _UAPI_GATEWARDEN_H */
