// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane: one generic-netlink family, every operation
 * GENL_ADMIN_PERM (reads too: the flow table tells who talks to whom),
 * every attribute validated by policy before a handler runs, every
 * semantic rejection explained through extack.
 *
 * This file is the family: its attribute policies, expanded from the lists
 * in include/gatewarden_policy.h that gwctl shares (the nested ones
 * netlink_priv.h declares for the handlers' nla_parse_nested()),
 * its multicast group, its ops table and its registration.  The handlers
 * live by object, each in its own file: nl_status.c, nl_zone.c (interfaces),
 * nl_rule.c, nl_flow.c (conn), nl_tunable.c, nl_overload.c, nl_block.c,
 * nl_names.c (counter and TCP state names), nl_explain.c (a dry
 * judgement of a packet), nl_trace.c (the drop trace) and nl_txn.c
 * (atomic loads);
 * nl_event.c sends the events and nl_util.c holds what they all share.
 *
 * GENL_ADMIN_PERM is netlink_capable(skb, CAP_NET_ADMIN): CAP_NET_ADMIN in
 * the *initial* user namespace, held both by whoever opened the socket and
 * by the sender (6.1 genl_family_rcv_msg() and
 * __netlink_ns_capable).  It is not "the caller's namespace": root of a
 * user namespace (unshare -Urn) owns its network namespace but cannot run
 * a single command there.  That is deliberate (GENL_UNS_ADMIN_PERM would
 * let any user configure, and read the flows of, the namespaces it makes).
 */
#include <linux/if.h>
#include <linux/notifier.h>
#include <net/genetlink.h>

#include "gatewarden_policy.h"
#include "netlink.h"
#include "netlink_priv.h"

/*
 * Each policy is expanded from its list in gatewarden_policy.h, which
 * gwctl reads its replies' types from too; an attribute a request may not
 * carry there has an empty policy (GW_NO_REQUEST), which strict validation
 * refuses.
 */
#define GW_NLA_POLICY(type, request)	request

/* the nest of GW_RULE_A_PORTS: port ranges, nothing else */
static const struct nla_policy gw_ports_policy[GW_RULE_A_MAX + 1] = {
	[GW_RULE_A_PORT_RANGE] = { .type = NLA_U32 },
};

const struct nla_policy gw_rule_policy[GW_RULE_A_MAX + 1] = {
	GW_RULE_ATTRS(GW_NLA_POLICY)
};

const struct nla_policy gw_overload_policy[GW_OVERLOAD_A_MAX + 1] = {
	GW_OVERLOAD_ATTRS(GW_NLA_POLICY)
};

const struct nla_policy gw_tunable_policy[GW_TUNABLE_A_MAX + 1] = {
	GW_TUNABLE_ATTRS(GW_NLA_POLICY)
};

/* A GW_A_CONN in a request: which flows a dump or a flush is about. */
const struct nla_policy gw_conn_filter_policy[GW_CONN_A_MAX + 1] = {
	GW_CONN_ATTRS(GW_NLA_POLICY)
};

static struct netlink_range_validation gw_block_timeout_range = {
	.min = 1,
	.max = GW_BLOCK_TIMEOUT_MAX,
};

const struct nla_policy gw_block_policy[GW_BLOCK_A_MAX + 1] = {
	GW_BLOCK_ATTRS(GW_NLA_POLICY)
};

/* A GW_A_NAME in a request: which kind of names a dump is about. */
const struct nla_policy gw_name_policy[GW_NAME_A_MAX + 1] = {
	GW_NAME_ATTRS(GW_NLA_POLICY)
};

/* A GW_A_EXPLAIN in a request: the packet to judge. */
const struct nla_policy gw_explain_policy[GW_EXPLAIN_A_MAX + 1] = {
	GW_EXPLAIN_ATTRS(GW_NLA_POLICY)
};

static const struct nla_policy gw_policy[GW_A_MAX + 1] = {
	GW_ATTRS(GW_NLA_POLICY)
};

/*
 * Events ("gwctl monitor"): a GW_CMD_EVENT on the "events" group after each
 * change, numbered per namespace so that a listener sees a gap when one
 * was lost.  Commands take CAP_NET_ADMIN in the initial user namespace
 * (GENL_ADMIN_PERM), but 6.1 can only make subscribing take it in the
 * namespace's owner: genl_bind() tests ns_capable(net->user_ns, ...) for
 * a group with GENL_MCAST_CAP_NET_ADMIN, and a family has no bind hook of
 * its own.  So a namespace owned by another user namespace, where anyone
 * may be root, sends no events at all (gw_event_start(), nl_event.c).  A
 * kernel without the group flag would let anyone subscribe: refuse to
 * build for it.  And since 6.1 counts a group's listeners for all
 * namespaces at once, a namespace builds events only for the sockets of
 * its own that said they listen (GW_CMD_SUBSCRIBE, gw_event_wanted()).
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel cannot restrict who joins a genetlink multicast group"
#endif

static const struct genl_multicast_group gw_mcgrps[] = {
	[GW_MCGRP_EVENTS] = {
		.name = GW_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
	[GW_MCGRP_FLOWS] = {
		.name = GW_GENL_MCGRP_FLOWS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

static const struct genl_ops gw_genl_ops[] = {
	{
		.cmd = GW_CMD_STATUS_GET,
		.doit = gw_status_get,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_STATS_GET,
		.doit = gw_stats_get,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_IFACE_SET,
		.doit = gw_iface_set,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_IFACE_DEL,
		.doit = gw_iface_del,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_IFACE_GET,
		.dumpit = gw_iface_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_RULE_ADD,
		.doit = gw_rule_add_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_RULE_DEL,
		.doit = gw_rule_del_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_RULE_GET,
		.dumpit = gw_rule_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_RULE_FLUSH,
		.doit = gw_rule_flush_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_CONN_GET,
		.dumpit = gw_conn_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_CONN_FLUSH,
		.doit = gw_conn_flush_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TUNABLE_SET,
		.doit = gw_tunable_set_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TUNABLE_GET,
		.dumpit = gw_tunable_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_OVERLOAD_GET,
		.dumpit = gw_overload_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_OVERLOAD_DEL,
		.doit = gw_overload_del_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TXN_BEGIN,
		.doit = gw_txn_begin_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TXN_STAGE,
		.doit = gw_txn_stage_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TXN_COMMIT,
		.doit = gw_txn_commit_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TXN_ABORT,
		.doit = gw_txn_abort_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_BLOCK_ADD,
		.doit = gw_block_add_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_BLOCK_DEL,
		.doit = gw_block_del_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_BLOCK_GET,
		.dumpit = gw_block_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_BLOCK_FLUSH,
		.doit = gw_block_flush_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_NAMES_GET,
		.dumpit = gw_names_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_EXPLAIN,
		.doit = gw_explain_doit,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_TRACE_GET,
		.dumpit = gw_trace_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = GW_CMD_SUBSCRIBE,
		.doit = gw_subscribe_doit,
		.flags = GENL_ADMIN_PERM,
	},
};

struct genl_family gw_genl_family __ro_after_init = {
	.name = GW_GENL_NAME,
	.version = GW_GENL_VERSION,
	.maxattr = GW_A_MAX,
	.policy = gw_policy,
	.netnsok = true,
	.module = THIS_MODULE,
	.ops = gw_genl_ops,
	.n_ops = ARRAY_SIZE(gw_genl_ops),
	.mcgrps = gw_mcgrps,
	.n_mcgrps = ARRAY_SIZE(gw_mcgrps),
};

/*
 * Events sent outside any netlink request (the collector's, nl_event.c)
 * read this under rcu_read_lock(): unregistering the family waits for
 * the requests in flight, not for them.
 */
bool gw_genl_live;

/*
 * A socket of the family is released (closed, or its process killed):
 * what it held goes, its open load (txn.c) and its subscription to the
 * events (nl_event.c).  Port ids are unique within a namespace.
 */
static int gw_netlink_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct netlink_notify *n = ptr;
	struct gw_net *gn;

	if (event != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	gn = gw_pernet(n->net);
	gw_txn_release(gn, n->portid);
	gw_event_release(gn, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block gw_netlink_notifier = {
	.notifier_call = gw_netlink_event,
};

int __init gw_genetlink_init(void)
{
	/* before the family: a request's socket may close at once */
	int err = netlink_register_notifier(&gw_netlink_notifier);

	if (err)
		return err;
	err = genl_register_family(&gw_genl_family);
	if (err) {
		netlink_unregister_notifier(&gw_netlink_notifier);
		return err;
	}
	WRITE_ONCE(gw_genl_live, true);
	return 0;
}

void gw_genetlink_uninit(void)
{
	WRITE_ONCE(gw_genl_live, false);
	/* no collector is still sending on the family past this */
	synchronize_rcu();
	genl_unregister_family(&gw_genl_family);
	netlink_unregister_notifier(&gw_netlink_notifier);
}
