/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The gatewarden family's attributes, each written once: its type on the
 * wire and what a request may hold in it.  Not UAPI (its layout is free to
 * change): the module expands these lists into its nla_policy tables
 * (kmod/netlink.c), gwctl into the types it checks replies against
 * (ctl/nl.c), so that the two cannot disagree on an attribute's type.
 *
 * GW_<NEST>_ATTRS(A) is a designated initializer of every attribute of
 * the nest but its padding, [attr] = A(type, request):
 *   type     the NLA_<type> and MNL_TYPE_<type> suffix;
 *   request  the module's policy for it in a request, of that same type,
 *            or GW_NO_REQUEST where a request may not carry it (it is only
 *            in replies, or, GW_RULE_A_PORT_RANGE, only inside
 *            GW_RULE_A_PORTS): the module's strict validation refuses it.
 * Only the module expands the request column, so only it needs the
 * kernel's policy macros.  The TCP window state (GW_TCP_PEER_ATTRS) is
 * only ever sent: the module has no policy for it.
 */
#ifndef _GATEWARDEN_POLICY_H
#define _GATEWARDEN_POLICY_H

#include "gatewarden.h"

#ifdef __KERNEL__
#define GW_NO_REQUEST		{ }
/* a string that fits a buffer of @size bytes, its NUL included */
#define GW_NLA_STRING(size)	{ .type = NLA_NUL_STRING, .len = (size) - 1 }
#endif

#define GW_ATTRS(A)							\
	[GW_A_VERSION]		= A(NUL_STRING, GW_NO_REQUEST),		\
	[GW_A_IFNAME]		= A(NUL_STRING, GW_NLA_STRING(IFNAMSIZ)), \
	[GW_A_IFINDEX]		= A(U32, GW_NO_REQUEST),		\
	[GW_A_ZONE]		= A(U8, NLA_POLICY_MAX(NLA_U8, GW_ZONE_MAX)), \
	[GW_A_RULE]		= A(NESTED, NLA_POLICY_NESTED(gw_rule_policy)), \
	[GW_A_RULE_HANDLE]	= A(U32, NLA_POLICY_MIN(NLA_U32, 1)),	\
	[GW_A_CONN]		= A(NESTED,				\
		NLA_POLICY_NESTED(gw_conn_filter_policy)),		\
	[GW_A_STATS]		= A(NESTED, GW_NO_REQUEST),		\
	[GW_A_TUNABLE]		= A(NESTED,				\
		NLA_POLICY_NESTED(gw_tunable_policy)),			\
	[GW_A_FLOW_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_FLOW_MAX]		= A(U32, GW_NO_REQUEST),		\
	[GW_A_FLOW_ENTRY_SIZE]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_FLOW_BUCKETS]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_RULE_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_WAN_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_LAN_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_NETNS_COOKIE]	= A(U64, GW_NO_REQUEST),		\
	[GW_A_HALFOPEN_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_OVERLOAD_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_OVERLOAD]		= A(NESTED,				\
		NLA_POLICY_NESTED(gw_overload_policy)),			\
	[GW_A_SRC_COUNT]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_SRC_MAX]		= A(U32, GW_NO_REQUEST),		\
	[GW_A_TXN_ID]		= A(U32, NLA_POLICY_MIN(NLA_U32, 1)),	\
	[GW_A_EVENT]		= A(U8, GW_NO_REQUEST),			\
	[GW_A_EVENT_SEQ]	= A(U64, GW_NO_REQUEST),		\
	[GW_A_STATS_RESET]	= A(FLAG, { .type = NLA_FLAG }),	\
	[GW_A_BLOCK]		= A(NESTED, NLA_POLICY_NESTED(gw_block_policy)), \
	[GW_A_NAME]		= A(NESTED, NLA_POLICY_NESTED(gw_name_policy)), \
	[GW_A_EXPLAIN]		= A(NESTED,				\
		NLA_POLICY_NESTED(gw_explain_policy)),			\
	[GW_A_SCAN_SCORE]	= A(U32, GW_NO_REQUEST),		\
	[GW_A_SCAN_SPARED]	= A(U8, GW_NO_REQUEST),		\
	[GW_A_RULE_RESET]	= A(FLAG, { .type = NLA_FLAG }),	\
	[GW_A_TRACE]		= A(NESTED, GW_NO_REQUEST),		\
	[GW_A_FLOW_SEQ]		= A(U64, GW_NO_REQUEST),		\
	[GW_A_FLOW_LOST]	= A(U64, GW_NO_REQUEST),		\
	[GW_A_FLOW_END]		= A(U8, GW_NO_REQUEST),			\
	[GW_A_MCGRP]		= A(NUL_STRING, GW_NLA_STRING(GENL_NAMSIZ))

#define GW_RULE_ATTRS(A)						\
	[GW_RULE_A_HANDLE]		= A(U32, { .type = NLA_U32 }),	\
	[GW_RULE_A_ACTION]		= A(U8,				\
		NLA_POLICY_MAX(NLA_U8, GW_ACTION_MAX)),			\
	[GW_RULE_A_FAMILY]		= A(U8, { .type = NLA_U8 }),	\
	[GW_RULE_A_PROTO]		= A(U8, { .type = NLA_U8 }),	\
	[GW_RULE_A_SRC]			= A(BINARY,			\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_RULE_A_SRC_PLEN]		= A(U8, NLA_POLICY_MAX(NLA_U8, 128)), \
	[GW_RULE_A_DST]			= A(BINARY,			\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_RULE_A_DST_PLEN]		= A(U8, NLA_POLICY_MAX(NLA_U8, 128)), \
	[GW_RULE_A_PORTS]		= A(NESTED,			\
		NLA_POLICY_NESTED(gw_ports_policy)),			\
	[GW_RULE_A_PORT_RANGE]		= A(U32, GW_NO_REQUEST),	\
	[GW_RULE_A_IFNAME]		= A(NUL_STRING,			\
		GW_NLA_STRING(IFNAMSIZ)),				\
	[GW_RULE_A_COMMENT]		= A(NUL_STRING,			\
		GW_NLA_STRING(GW_COMMENT_MAX)),				\
	[GW_RULE_A_HITS]		= A(U64, GW_NO_REQUEST),	\
	[GW_RULE_A_RATE]		= A(U32,			\
		NLA_POLICY_RANGE(NLA_U32, 1, GW_RULE_RATE_MAX)),	\
	[GW_RULE_A_MAX_SRC_CONN]	= A(U32,			\
		NLA_POLICY_RANGE(NLA_U32, 1, GW_SRC_CONN_MAX)),		\
	[GW_RULE_A_SRC_RATE_CONN]	= A(U32,			\
		NLA_POLICY_RANGE(NLA_U32, 1, GW_SRC_CONN_MAX)),		\
	[GW_RULE_A_SRC_RATE_SECONDS]	= A(U32,			\
		NLA_POLICY_RANGE(NLA_U32, 1, GW_SRC_RATE_SECONDS_MAX)),	\
	[GW_RULE_A_SYNPROXY]		= A(U8,				\
		NLA_POLICY_MAX(NLA_U8, GW_SYNPROXY_MAX)),		\
	[GW_RULE_A_PACKETS]		= A(U64, GW_NO_REQUEST),	\
	[GW_RULE_A_BYTES]		= A(U64, GW_NO_REQUEST),	\
	[GW_RULE_A_LOG]			= A(FLAG, { .type = NLA_FLAG })

#define GW_CONN_ATTRS(A)						\
	[GW_CONN_A_FAMILY]		= A(U8, { .type = NLA_U8 }),	\
	[GW_CONN_A_PROTO]		= A(U8, { .type = NLA_U8 }),	\
	[GW_CONN_A_SRC]			= A(BINARY,			\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_CONN_A_DST]			= A(BINARY,			\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_CONN_A_SPORT]		= A(U16, GW_NO_REQUEST),	\
	[GW_CONN_A_DPORT]		= A(U16, GW_NO_REQUEST),	\
	[GW_CONN_A_STATE]		= A(U8,				\
		NLA_POLICY_RANGE(NLA_U8, GW_TCP_SYN_SENT, GW_TCP_STATE_MAX)), \
	[GW_CONN_A_TIMEOUT]		= A(U32, GW_NO_REQUEST),	\
	[GW_CONN_A_PACKETS_ORIG]	= A(U64, GW_NO_REQUEST),	\
	[GW_CONN_A_PACKETS_REPLY]	= A(U64, GW_NO_REQUEST),	\
	[GW_CONN_A_FLAGS]		= A(U32, GW_NO_REQUEST),	\
	[GW_CONN_A_TCP_ORIG]		= A(NESTED, GW_NO_REQUEST),	\
	[GW_CONN_A_TCP_REPLY]		= A(NESTED, GW_NO_REQUEST)

#define GW_TCP_PEER_ATTRS(A)						\
	[GW_TCP_PEER_A_END]	= A(U32, GW_NO_REQUEST),		\
	[GW_TCP_PEER_A_MAXEND]	= A(U32, GW_NO_REQUEST),		\
	[GW_TCP_PEER_A_MAXWIN]	= A(U32, GW_NO_REQUEST),		\
	[GW_TCP_PEER_A_WSCALE]	= A(U8, GW_NO_REQUEST),			\
	[GW_TCP_PEER_A_FLAGS]	= A(U8, GW_NO_REQUEST)

#define GW_TUNABLE_ATTRS(A)						\
	[GW_TUNABLE_A_NAME]		= A(NUL_STRING,			\
		GW_NLA_STRING(GW_NAME_MAX)),				\
	[GW_TUNABLE_A_VALUE]		= A(U64, { .type = NLA_U64 }),	\
	[GW_TUNABLE_A_MIN_VALUE]	= A(U64, GW_NO_REQUEST),	\
	[GW_TUNABLE_A_MAX_VALUE]	= A(U64, GW_NO_REQUEST),	\
	[GW_TUNABLE_A_UNIT]		= A(NUL_STRING, GW_NO_REQUEST),	\
	[GW_TUNABLE_A_DEFAULT]		= A(U64, GW_NO_REQUEST)

#define GW_OVERLOAD_ATTRS(A)						\
	[GW_OVERLOAD_A_FAMILY]	= A(U8, { .type = NLA_U8 }),		\
	[GW_OVERLOAD_A_ADDR]	= A(BINARY,				\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_OVERLOAD_A_PLEN]	= A(U8, GW_NO_REQUEST),			\
	[GW_OVERLOAD_A_TIMEOUT]	= A(U32, GW_NO_REQUEST),		\
	[GW_OVERLOAD_A_CONNS]	= A(U32, GW_NO_REQUEST)

#define GW_BLOCK_ATTRS(A)						\
	[GW_BLOCK_A_KIND]	= A(U8,					\
		NLA_POLICY_MAX(NLA_U8, GW_BLOCK_KIND_MAX)),		\
	[GW_BLOCK_A_FAMILY]	= A(U8, { .type = NLA_U8 }),		\
	[GW_BLOCK_A_ADDR]	= A(BINARY,				\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_BLOCK_A_PLEN]	= A(U8, NLA_POLICY_MAX(NLA_U8, 128)),	\
	[GW_BLOCK_A_TIMEOUT]	= A(U32,				\
		NLA_POLICY_FULL_RANGE(NLA_U32, &gw_block_timeout_range)), \
	[GW_BLOCK_A_REMAINING]	= A(U32, GW_NO_REQUEST),		\
	[GW_BLOCK_A_REASON]	= A(U8, GW_NO_REQUEST),			\
	[GW_BLOCK_A_HITS]	= A(U64, GW_NO_REQUEST)

#define GW_NAME_ATTRS(A)						\
	[GW_NAME_A_KIND]	= A(U8,					\
		NLA_POLICY_MAX(NLA_U8, GW_NAME_KIND_MAX)),		\
	[GW_NAME_A_INDEX]	= A(U32, GW_NO_REQUEST),		\
	[GW_NAME_A_NAME]	= A(NUL_STRING, GW_NO_REQUEST)

#define GW_EXPLAIN_ATTRS(A)						\
	[GW_EXPLAIN_A_WAY]	= A(U8,					\
		NLA_POLICY_MAX(NLA_U8, GW_EXPLAIN_WAY_MAX)),		\
	[GW_EXPLAIN_A_IFNAME]	= A(NUL_STRING, GW_NLA_STRING(IFNAMSIZ)), \
	[GW_EXPLAIN_A_FAMILY]	= A(U8, { .type = NLA_U8 }),		\
	[GW_EXPLAIN_A_PROTO]	= A(U8, { .type = NLA_U8 }),		\
	[GW_EXPLAIN_A_SRC]	= A(BINARY,				\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_EXPLAIN_A_DST]	= A(BINARY,				\
		NLA_POLICY_RANGE(NLA_BINARY, 4, 16)),			\
	[GW_EXPLAIN_A_SPORT]	= A(U16, { .type = NLA_U16 }),		\
	[GW_EXPLAIN_A_DPORT]	= A(U16, { .type = NLA_U16 }),		\
	[GW_EXPLAIN_A_TCP_FLAGS] = A(U8, { .type = NLA_U8 }),		\
	[GW_EXPLAIN_A_SEQ]	= A(U32, { .type = NLA_U32 }),		\
	[GW_EXPLAIN_A_ACK]	= A(U32, { .type = NLA_U32 }),		\
	[GW_EXPLAIN_A_ICMP_TYPE] = A(U8, { .type = NLA_U8 }),		\
	[GW_EXPLAIN_A_ICMP_CODE] = A(U8, { .type = NLA_U8 }),		\
	[GW_EXPLAIN_A_ICMP_ID]	= A(U16, { .type = NLA_U16 }),		\
	[GW_EXPLAIN_A_VERDICT]	= A(U8, GW_NO_REQUEST),			\
	[GW_EXPLAIN_A_REASON]	= A(NUL_STRING, GW_NO_REQUEST),		\
	[GW_EXPLAIN_A_PRIOR]	= A(NUL_STRING, GW_NO_REQUEST),		\
	[GW_EXPLAIN_A_ZONE]	= A(U8, GW_NO_REQUEST),			\
	[GW_EXPLAIN_A_RULE]	= A(U32, GW_NO_REQUEST),		\
	[GW_EXPLAIN_A_MATCH]	= A(U32, GW_NO_REQUEST),		\
	[GW_EXPLAIN_A_FLOW_DIR]	= A(U8, GW_NO_REQUEST)

/* Only ever sent (the trace dump, drop events): no request carries one. */
#define GW_TRACE_ATTRS(A)						\
	[GW_TRACE_A_SEQ]	= A(U64, GW_NO_REQUEST),		\
	[GW_TRACE_A_TIME]	= A(U64, GW_NO_REQUEST),		\
	[GW_TRACE_A_REASON]	= A(U32, GW_NO_REQUEST),		\
	[GW_TRACE_A_WAY]	= A(U8, GW_NO_REQUEST),			\
	[GW_TRACE_A_IFINDEX]	= A(U32, GW_NO_REQUEST),		\
	[GW_TRACE_A_IFNAME]	= A(NUL_STRING, GW_NO_REQUEST),		\
	[GW_TRACE_A_FAMILY]	= A(U8, GW_NO_REQUEST),			\
	[GW_TRACE_A_PROTO]	= A(U8, GW_NO_REQUEST),			\
	[GW_TRACE_A_SRC]	= A(BINARY, GW_NO_REQUEST),		\
	[GW_TRACE_A_DST]	= A(BINARY, GW_NO_REQUEST),		\
	[GW_TRACE_A_SPORT]	= A(U16, GW_NO_REQUEST),		\
	[GW_TRACE_A_DPORT]	= A(U16, GW_NO_REQUEST),		\
	[GW_TRACE_A_TCP_FLAGS]	= A(U8, GW_NO_REQUEST),			\
	[GW_TRACE_A_ICMP_TYPE]	= A(U8, GW_NO_REQUEST),			\
	[GW_TRACE_A_ICMP_CODE]	= A(U8, GW_NO_REQUEST),			\
	[GW_TRACE_A_RULE]	= A(U32, GW_NO_REQUEST),		\
	[GW_TRACE_A_FRAGMENT]	= A(FLAG, GW_NO_REQUEST),		\
	[GW_TRACE_A_LOST]	= A(U64, GW_NO_REQUEST)

#endif /* _GATEWARDEN_POLICY_H */
