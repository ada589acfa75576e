// SPDX-License-Identifier: GPL-2.0
/*
 * The control plane: one generic-netlink family, every operation
 * GENL_ADMIN_PERM (reads too: the flow table tells who talks to whom),
 * every attribute validated by policy before a handler runs, every
 * semantic rejection explained through extack.
 *
 * GENL_ADMIN_PERM is netlink_capable(skb, CAP_NET_ADMIN): CAP_NET_ADMIN in
 * the *initial* user namespace, held both by whoever opened the socket and
 * by the sender (6.1 genl_family_rcv_msg() and
 * __netlink_ns_capable).  It is not "the caller's namespace": root of a
 * user namespace (unshare -Urn) owns its network namespace but cannot run
 * a single command there.  That is deliberate (GENL_UNS_ADMIN_PERM would
 * let any user configure, and read the flows of, the namespaces it makes).
 */
#include <linux/netdevice.h>
#include <linux/jiffies.h>
#include <net/genetlink.h>
#include <net/sock.h>

#include "netlink.h"
#include "pernet.h"
#include "flowtable.h"
#include "rules.h"
#include "zones.h"
#include "srclimit.h"
#include "txn.h"
#include "blocklist.h"
#include "reload.h"
#include "version.h"

static struct genl_family gw_genl_family;

/* Buckets a conn dump walks between two chances to reschedule. */
#define GW_DUMP_RESCHED_EVERY	256

static const struct nla_policy gw_ports_policy[GW_RULE_A_MAX + 1] = {
	[GW_RULE_A_PORT_RANGE] = { .type = NLA_U32 },
};

static const struct nla_policy gw_rule_policy[GW_RULE_A_MAX + 1] = {
	[GW_RULE_A_HANDLE] = { .type = NLA_U32 },
	[GW_RULE_A_ACTION] = NLA_POLICY_MAX(NLA_U8, GW_ACTION_MAX),
	[GW_RULE_A_FAMILY] = { .type = NLA_U8 },
	[GW_RULE_A_PROTO] = { .type = NLA_U8 },
	[GW_RULE_A_SRC] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[GW_RULE_A_SRC_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[GW_RULE_A_DST] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[GW_RULE_A_DST_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[GW_RULE_A_PORTS] = NLA_POLICY_NESTED(gw_ports_policy),
	[GW_RULE_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[GW_RULE_A_COMMENT] = { .type = NLA_NUL_STRING,
				.len = GW_COMMENT_MAX - 1 },
	[GW_RULE_A_RATE] = NLA_POLICY_RANGE(NLA_U32, 1, GW_RULE_RATE_MAX),
	[GW_RULE_A_MAX_SRC_CONN] = NLA_POLICY_RANGE(NLA_U32, 1, GW_SRC_CONN_MAX),
	[GW_RULE_A_SRC_RATE_CONN] = NLA_POLICY_RANGE(NLA_U32, 1,
						     GW_SRC_CONN_MAX),
	[GW_RULE_A_SRC_RATE_SECONDS] = NLA_POLICY_RANGE(NLA_U32, 1,
							GW_SRC_RATE_SECONDS_MAX),
};

static const struct nla_policy gw_overload_policy[GW_OVERLOAD_A_MAX + 1] = {
	[GW_OVERLOAD_A_FAMILY] = { .type = NLA_U8 },
	[GW_OVERLOAD_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
};

static const struct nla_policy gw_tunable_policy[GW_TUNABLE_A_MAX + 1] = {
	[GW_TUNABLE_A_NAME] = { .type = NLA_NUL_STRING, .len = GW_NAME_MAX - 1 },
	[GW_TUNABLE_A_VALUE] = { .type = NLA_U64 },
};

/* A GW_A_CONN in a request: which flows a dump or a flush is about. */
static const struct nla_policy gw_conn_filter_policy[GW_CONN_A_MAX + 1] = {
	[GW_CONN_A_FAMILY] = { .type = NLA_U8 },
	[GW_CONN_A_PROTO] = { .type = NLA_U8 },
	[GW_CONN_A_SRC] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[GW_CONN_A_DST] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[GW_CONN_A_STATE] = NLA_POLICY_RANGE(NLA_U8, GW_TCP_SYN_SENT,
					     GW_TCP_STATE_MAX),
};

static struct netlink_range_validation gw_block_timeout_range = {
	.min = 1,
	.max = GW_BLOCK_TIMEOUT_MAX,
};

static const struct nla_policy gw_block_policy[GW_BLOCK_A_MAX + 1] = {
	[GW_BLOCK_A_KIND] = NLA_POLICY_MAX(NLA_U8, GW_BLOCK_KIND_MAX),
	[GW_BLOCK_A_FAMILY] = { .type = NLA_U8 },
	[GW_BLOCK_A_ADDR] = NLA_POLICY_RANGE(NLA_BINARY, 4, 16),
	[GW_BLOCK_A_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[GW_BLOCK_A_TIMEOUT] = NLA_POLICY_FULL_RANGE(NLA_U32,
						     &gw_block_timeout_range),
};

static const struct nla_policy gw_policy[GW_A_MAX + 1] = {
	[GW_A_IFNAME] = { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[GW_A_ZONE] = NLA_POLICY_MAX(NLA_U8, GW_ZONE_MAX),
	[GW_A_RULE] = NLA_POLICY_NESTED(gw_rule_policy),
	[GW_A_RULE_HANDLE] = NLA_POLICY_MIN(NLA_U32, 1),
	[GW_A_TUNABLE] = NLA_POLICY_NESTED(gw_tunable_policy),
	[GW_A_OVERLOAD] = NLA_POLICY_NESTED(gw_overload_policy),
	[GW_A_TXN_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[GW_A_STATS_RESET] = { .type = NLA_FLAG },
	[GW_A_CONN] = NLA_POLICY_NESTED(gw_conn_filter_policy),
	[GW_A_BLOCK] = NLA_POLICY_NESTED(gw_block_policy),
};

static struct gw_net *gw_info_net(struct genl_info *info)
{
	return gw_pernet(genl_info_net(info));
}

static struct gw_net *gw_cb_net(struct netlink_callback *cb)
{
	return gw_pernet(sock_net(cb->skb->sk));
}

/* A reply to a doit request, with its genl header in place. */
static struct sk_buff *gw_reply_new(struct genl_info *info, u8 cmd,
				    void **hdr)
{
	struct sk_buff *msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put_reply(msg, info, &gw_genl_family, 0, cmd);
	if (!*hdr) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void *gw_dump_put(struct sk_buff *skb, struct netlink_callback *cb,
			 u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &gw_genl_family, NLM_F_MULTI, cmd);
}

/*
 * Events ("gwctl monitor"): a GW_CMD_EVENT on the "events" group after each
 * change, numbered per namespace so that a listener sees a gap when one
 * was lost.  Commands take CAP_NET_ADMIN in the initial user namespace
 * (GENL_ADMIN_PERM), but 6.1 can only make subscribing take it in the
 * namespace's owner: genl_bind() tests ns_capable(net->user_ns, ...) for
 * a group with GENL_MCAST_CAP_NET_ADMIN, and a family has no bind hook of
 * its own.  So a namespace owned by another user namespace, where anyone
 * may be root, sends no events at all.  A kernel without the group flag
 * would let anyone subscribe: refuse to build for it.
 */
#ifndef GENL_MCAST_CAP_NET_ADMIN
#error "this kernel cannot restrict who joins a genetlink multicast group"
#endif
enum { GW_MCGRP_EVENTS };

static const struct genl_multicast_group gw_mcgrps[] = {
	[GW_MCGRP_EVENTS] = {
		.name = GW_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

/* An event under way, or NULL when nobody listens (or out of memory). */
static struct sk_buff *gw_event_start(struct gw_net *gn, u8 event, void **hdr)
{
	struct sk_buff *msg;
	u64 seq;

	if (gn->net->user_ns != &init_user_ns ||
	    !genl_has_listeners(&gw_genl_family, gn->net, GW_MCGRP_EVENTS))
		return NULL;
	/* numbered first: an event lost to a failure leaves its gap */
	seq = atomic64_inc_return(&gn->event_seq);
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &gw_genl_family, 0, GW_CMD_EVENT);
	if (!*hdr || nla_put_u8(msg, GW_A_EVENT, event) ||
	    nla_put_u64_64bit(msg, GW_A_EVENT_SEQ, seq, GW_A_PAD)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static void gw_event_send(struct gw_net *gn, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&gw_genl_family, gn->net, msg, 0,
				GW_MCGRP_EVENTS, GFP_KERNEL);
}

static void gw_notify(struct gw_net *gn, u8 event)
{
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, event, &hdr);
	if (msg)
		gw_event_send(gn, msg, hdr);
}

static void gw_notify_u32(struct gw_net *gn, u8 event, int type, u32 value)
{
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, event, &hdr);
	if (!msg)
		return;
	if (nla_put_u32(msg, type, value)) {
		nlmsg_free(msg);
		return;
	}
	gw_event_send(gn, msg, hdr);
}

/* zone < 0: the interface lost its zone */
static void gw_notify_zone(struct gw_net *gn, const char *name, int zone)
{
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, zone < 0 ? GW_EVENT_ZONE_DELETED :
				 GW_EVENT_ZONE_SET, &hdr);
	if (!msg)
		return;
	if (nla_put_string(msg, GW_A_IFNAME, name) ||
	    (zone >= 0 && nla_put_u8(msg, GW_A_ZONE, zone))) {
		nlmsg_free(msg);
		return;
	}
	gw_event_send(gn, msg, hdr);
}

static void gw_notify_tunable(struct gw_net *gn, const char *name, u64 value)
{
	struct nlattr *nest;
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, GW_EVENT_TUNABLE_SET, &hdr);
	if (!msg)
		return;
	nest = nla_nest_start(msg, GW_A_TUNABLE);
	if (!nest || nla_put_string(msg, GW_TUNABLE_A_NAME, name) ||
	    nla_put_u64_64bit(msg, GW_TUNABLE_A_VALUE, value,
			      GW_TUNABLE_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	nla_nest_end(msg, nest);
	gw_event_send(gn, msg, hdr);
}

static void gw_notify_loaded(struct gw_net *gn, u32 id)
{
	const struct gw_ruleset *set;
	struct sk_buff *msg;
	u32 rules;
	void *hdr;

	msg = gw_event_start(gn, GW_EVENT_POLICY_LOADED, &hdr);
	if (!msg)
		return;
	rcu_read_lock();
	set = rcu_dereference(gn->ruleset);
	rules = set ? set->count : 0;
	rcu_read_unlock();
	if (nla_put_u32(msg, GW_A_TXN_ID, id) ||
	    nla_put_u32(msg, GW_A_RULE_COUNT, rules)) {
		nlmsg_free(msg);
		return;
	}
	gw_event_send(gn, msg, hdr);
}

static int gw_status_get(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	const struct gw_ruleset *set;
	struct sk_buff *msg;
	u32 wan, lan, rules;
	void *hdr;

	msg = gw_reply_new(info, GW_CMD_STATUS_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	gw_zones_count(gn, &wan, &lan);
	rcu_read_lock();
	set = rcu_dereference(gn->ruleset);
	rules = set ? set->count : 0;
	rcu_read_unlock();

	if (nla_put_string(msg, GW_A_VERSION, GW_VERSION) ||
	    nla_put_u32(msg, GW_A_WAN_COUNT, wan) ||
	    nla_put_u32(msg, GW_A_LAN_COUNT, lan) ||
	    nla_put_u32(msg, GW_A_RULE_COUNT, rules) ||
	    nla_put_u32(msg, GW_A_FLOW_COUNT, atomic_read(&gn->flow_count)) ||
	    nla_put_u32(msg, GW_A_FLOW_MAX, gw_tunable(gn, GW_TUN_MAX_FLOWS)) ||
	    nla_put_u32(msg, GW_A_FLOW_ENTRY_SIZE, gw_flowtable_entry_size()) ||
	    nla_put_u32(msg, GW_A_FLOW_BUCKETS, gn->nbuckets) ||
	    nla_put_u64_64bit(msg, GW_A_NETNS_COOKIE, gn->net->net_cookie,
			      GW_A_PAD))
		goto nla_failure;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int gw_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	u64 sum[__GW_CTR_MAX];
	struct sk_buff *msg;
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	msg = gw_reply_new(info, GW_CMD_STATS_GET, &hdr);
	if (!msg)
		return -ENOMEM;
	/* read and reset in one step: no count falls between the two */
	mutex_lock(&gn->lock);
	gw_stats_sum(gn, sum);
	for (i = 0; i < __GW_CTR_MAX; i++) {
		u64 total = sum[i];

		sum[i] -= gn->stats_base[i];
		if (info->attrs[GW_A_STATS_RESET])
			gn->stats_base[i] = total;
	}
	mutex_unlock(&gn->lock);
	nest = nla_nest_start(msg, GW_A_STATS);
	if (!nest)
		goto nla_failure;
	for (i = 0; i < __GW_CTR_MAX; i++)
		if (nla_put_u64_64bit(msg, i + 1, sum[i], 0))
			goto nla_failure;
	nla_nest_end(msg, nest);
	if (nla_put_u32(msg, GW_A_FLOW_COUNT, atomic_read(&gn->flow_count)) ||
	    nla_put_u32(msg, GW_A_FLOW_MAX, gw_tunable(gn, GW_TUN_MAX_FLOWS)) ||
	    nla_put_u32(msg, GW_A_HALFOPEN_COUNT,
			atomic_read(&gn->halfopen_count)) ||
	    nla_put_u32(msg, GW_A_OVERLOAD_COUNT,
			atomic_read(&gn->overload_count)) ||
	    nla_put_u32(msg, GW_A_SRC_COUNT, gw_src_count(gn)) ||
	    nla_put_u32(msg, GW_A_SRC_MAX, gw_src_slots()))
		goto nla_failure;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

nla_failure:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* Names are compared with device names, so they must be possible ones. */
static int gw_check_ifname(const struct nlattr *attr,
			   struct netlink_ext_ack *extack)
{
	if (!dev_valid_name(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "invalid interface name");
		return -EINVAL;
	}
	return 0;
}

static int gw_iface_set(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_IFNAME) ||
	    GENL_REQ_ATTR_CHECK(info, GW_A_ZONE))
		return -EINVAL;
	if (gw_check_ifname(info->attrs[GW_A_IFNAME], info->extack))
		return -EINVAL;
	err = gw_zone_set(gw_info_net(info),
			  nla_data(info->attrs[GW_A_IFNAME]),
			  nla_get_u8(info->attrs[GW_A_ZONE]), info->extack);
	if (!err)
		gw_notify_zone(gw_info_net(info),
			       nla_data(info->attrs[GW_A_IFNAME]),
			       nla_get_u8(info->attrs[GW_A_ZONE]));
	return err;
}

static int gw_iface_del(struct sk_buff *skb, struct genl_info *info)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_IFNAME))
		return -EINVAL;
	err = gw_zone_del(gw_info_net(info),
			  nla_data(info->attrs[GW_A_IFNAME]), info->extack);
	if (!err)
		gw_notify_zone(gw_info_net(info),
			       nla_data(info->attrs[GW_A_IFNAME]), -1);
	return err;
}

static int gw_iface_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	struct net_device *dev;
	unsigned int i;
	void *hdr;

	mutex_lock(&gn->lock);
	/* resumed by position: a change between messages sets DUMP_INTR */
	cb->seq = gn->zones_gen + 1;
	for (i = cb->args[0]; i < gn->nzones; i++) {
		const struct gw_zone_cfg *cfg = &gn->zones[i];
		u32 ifindex;

		rcu_read_lock();
		dev = dev_get_by_name_rcu(gn->net, cfg->name);
		ifindex = dev ? dev->ifindex : 0;
		rcu_read_unlock();

		hdr = gw_dump_put(skb, cb, GW_CMD_IFACE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (nla_put_string(skb, GW_A_IFNAME, cfg->name) ||
		    nla_put_u8(skb, GW_A_ZONE, cfg->zone) ||
		    nla_put_u32(skb, GW_A_IFINDEX, ifindex)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	mutex_unlock(&gn->lock);
	cb->args[0] = i;
	return skb->len;
}

static int gw_rule_parse_addr(const struct nlattr *addr,
			      const struct nlattr *plen_attr, u8 family,
			      union gw_addr *out, u8 *plen,
			      struct netlink_ext_ack *extack)
{
	unsigned int want = family == AF_INET ? 4 : 16;

	if (!addr) {
		if (plen_attr) {
			NL_SET_ERR_MSG_ATTR(extack, plen_attr,
					    "prefix length without an address");
			return -EINVAL;
		}
		*plen = 0;
		return 0;
	}
	if (!family) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "an address needs the rule's family");
		return -EINVAL;
	}
	if (nla_len(addr) != want) {
		NL_SET_ERR_MSG_ATTR(extack, addr,
				    "address length does not match the family");
		return -EINVAL;
	}
	*plen = plen_attr ? nla_get_u8(plen_attr) : want * 8;
	if (*plen > want * 8) {
		NL_SET_ERR_MSG_ATTR(extack, plen_attr,
				    "prefix length too long for the family");
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out->bytes, nla_data(addr), want);
	gw_addr_mask(out, *plen);
	return 0;
}

static int gw_rule_parse_ports(const struct nlattr *ports,
			       struct gw_rule_match *m,
			       struct netlink_ext_ack *extack)
{
	const struct nlattr *range;
	int rem;

	nla_for_each_nested(range, ports, rem) {
		u32 v;

		if (nla_type(range) != GW_RULE_A_PORT_RANGE) {
			NL_SET_ERR_MSG_ATTR(extack, range,
					    "expected a port range");
			return -EINVAL;
		}
		if (m->nports == GW_RULE_MAX_PORT_RANGES) {
			NL_SET_ERR_MSG_ATTR(extack, range,
					    "too many port ranges in one rule");
			return -E2BIG;
		}
		v = nla_get_u32(range);
		m->ports[m->nports].first = v >> 16;
		m->ports[m->nports].last = v & 0xffff;
		if (!m->ports[m->nports].first ||
		    m->ports[m->nports].first > m->ports[m->nports].last) {
			NL_SET_ERR_MSG_ATTR(extack, range,
					    "port range must be 1-65535, first <= last");
			return -EINVAL;
		}
		m->nports++;
	}
	if (!m->nports) {
		NL_SET_ERR_MSG_ATTR(extack, ports, "empty port list");
		return -EINVAL;
	}
	return 0;
}

static int gw_rule_from_attrs(struct nlattr **tb, struct gw_rule *rule,
			      struct netlink_ext_ack *extack)
{
	struct gw_rule_match *m = &rule->match;
	int err;

	if (NL_REQ_ATTR_CHECK(extack, NULL, tb, GW_RULE_A_ACTION) ||
	    NL_REQ_ATTR_CHECK(extack, NULL, tb, GW_RULE_A_PROTO))
		return -EINVAL;
	rule->action = nla_get_u8(tb[GW_RULE_A_ACTION]);
	m->proto = nla_get_u8(tb[GW_RULE_A_PROTO]);
	if (tb[GW_RULE_A_PORTS] && m->proto != IPPROTO_TCP &&
	    m->proto != IPPROTO_UDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_RULE_A_PORTS],
				    "ports need a tcp or udp rule");
		return -EINVAL;
	}
	if (tb[GW_RULE_A_RATE]) {
		if (m->proto != IPPROTO_ICMP && m->proto != IPPROTO_ICMPV6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[GW_RULE_A_RATE],
					    "a rate needs an icmp or icmpv6 rule");
			return -EINVAL;
		}
		gw_rule_rate_init(rule, nla_get_u32(tb[GW_RULE_A_RATE]));
	}
	if ((tb[GW_RULE_A_MAX_SRC_CONN] || tb[GW_RULE_A_SRC_RATE_CONN]) &&
	    m->proto != IPPROTO_TCP) {
		NL_SET_ERR_MSG(extack, "source connection limits need a tcp rule");
		return -EINVAL;
	}
	if (!tb[GW_RULE_A_SRC_RATE_CONN] != !tb[GW_RULE_A_SRC_RATE_SECONDS]) {
		NL_SET_ERR_MSG(extack,
			       "a source connection rate needs both N and S");
		return -EINVAL;
	}
	if (tb[GW_RULE_A_MAX_SRC_CONN])
		rule->max_src_conn = nla_get_u32(tb[GW_RULE_A_MAX_SRC_CONN]);
	if (tb[GW_RULE_A_SRC_RATE_CONN]) {
		rule->src_rate_conn = nla_get_u32(tb[GW_RULE_A_SRC_RATE_CONN]);
		rule->src_rate_seconds =
			nla_get_u32(tb[GW_RULE_A_SRC_RATE_SECONDS]);
	}
	m->family = tb[GW_RULE_A_FAMILY] ? nla_get_u8(tb[GW_RULE_A_FAMILY]) : 0;
	if (m->family && m->family != AF_INET && m->family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_RULE_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	err = gw_rule_parse_addr(tb[GW_RULE_A_SRC], tb[GW_RULE_A_SRC_PLEN],
				 m->family, &m->src, &m->src_plen, extack);
	if (err)
		return err;
	err = gw_rule_parse_addr(tb[GW_RULE_A_DST], tb[GW_RULE_A_DST_PLEN],
				 m->family, &m->dst, &m->dst_plen, extack);
	if (err)
		return err;
	if (tb[GW_RULE_A_PORTS]) {
		err = gw_rule_parse_ports(tb[GW_RULE_A_PORTS], m, extack);
		if (err)
			return err;
	}
	if (tb[GW_RULE_A_IFNAME]) {
		if (gw_check_ifname(tb[GW_RULE_A_IFNAME], extack))
			return -EINVAL;
		nla_strscpy(m->ifname, tb[GW_RULE_A_IFNAME], sizeof(m->ifname));
	}
	if (tb[GW_RULE_A_COMMENT])
		nla_strscpy(rule->comment, tb[GW_RULE_A_COMMENT],
			    sizeof(rule->comment));
	return 0;
}

/*
 * A new rule from a request's GW_A_RULE (a direct add or a staged item),
 * or an ERR_PTR with the rejection explained in extack.
 */
static struct gw_rule *gw_rule_new_from_attr(struct genl_info *info)
{
	struct nlattr *tb[GW_RULE_A_MAX + 1];
	struct gw_rule *rule;
	int err;

	err = nla_parse_nested(tb, GW_RULE_A_MAX, info->attrs[GW_A_RULE],
			       gw_rule_policy, info->extack);
	if (err)
		return ERR_PTR(err);
	if (tb[GW_RULE_A_HANDLE]) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[GW_RULE_A_HANDLE],
				    "the kernel assigns rule handles");
		return ERR_PTR(-EINVAL);
	}
	rule = gw_rule_alloc();
	if (!rule)
		return ERR_PTR(-ENOMEM);
	err = gw_rule_from_attrs(tb, rule, info->extack);
	if (err) {
		gw_rule_free(rule);
		return ERR_PTR(err);
	}
	return rule;
}

static int gw_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_rule *rule;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_RULE))
		return -EINVAL;
	rule = gw_rule_new_from_attr(info);
	if (IS_ERR(rule))
		return PTR_ERR(rule);
	msg = gw_reply_new(info, GW_CMD_RULE_ADD, &hdr);
	if (!msg) {
		err = -ENOMEM;
		goto err_free;
	}
	err = gw_rule_add(gw_info_net(info), rule, info->extack);
	if (err)
		goto err_msg;
	/* The rule is live now: from here on only the reply can fail. */
	gw_notify_u32(gw_info_net(info), GW_EVENT_RULE_ADDED, GW_A_RULE_HANDLE,
		      rule->handle);
	if (nla_put_u32(msg, GW_A_RULE_HANDLE, rule->handle)) {
		nlmsg_free(msg);
		return 0;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_msg:
	nlmsg_free(msg);
err_free:
	gw_rule_free(rule);
	return err;
}

static int gw_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 handle;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_RULE_HANDLE))
		return -EINVAL;
	handle = nla_get_u32(info->attrs[GW_A_RULE_HANDLE]);
	err = gw_rule_del(gw_info_net(info), handle, info->extack);
	if (!err) {
		gw_reload_apply(gw_info_net(info));
		gw_notify_u32(gw_info_net(info), GW_EVENT_RULE_DELETED,
			      GW_A_RULE_HANDLE, handle);
	}
	return err;
}

static int gw_rule_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	gw_rules_flush(gw_info_net(info));
	gw_reload_apply(gw_info_net(info));
	gw_notify(gw_info_net(info), GW_EVENT_RULES_FLUSHED);
	return 0;
}

static int gw_put_addr(struct sk_buff *skb, int type, u8 family,
		       const union gw_addr *addr)
{
	return nla_put(skb, type, family == AF_INET ? 4 : 16, addr->bytes);
}

static int gw_rule_fill(struct sk_buff *skb, const struct gw_rule *rule)
{
	const struct gw_rule_match *m = &rule->match;
	struct nlattr *nest, *ports;
	unsigned int i;

	nest = nla_nest_start(skb, GW_A_RULE);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, GW_RULE_A_HANDLE, rule->handle) ||
	    nla_put_u8(skb, GW_RULE_A_ACTION, rule->action) ||
	    nla_put_u8(skb, GW_RULE_A_FAMILY, m->family) ||
	    nla_put_u8(skb, GW_RULE_A_PROTO, m->proto) ||
	    nla_put_u64_64bit(skb, GW_RULE_A_HITS, gw_rule_hits(rule),
			      GW_RULE_A_PAD))
		return -EMSGSIZE;
	if (m->src_plen) {
		if (gw_put_addr(skb, GW_RULE_A_SRC, m->family, &m->src) ||
		    nla_put_u8(skb, GW_RULE_A_SRC_PLEN, m->src_plen))
			return -EMSGSIZE;
	}
	if (m->dst_plen) {
		if (gw_put_addr(skb, GW_RULE_A_DST, m->family, &m->dst) ||
		    nla_put_u8(skb, GW_RULE_A_DST_PLEN, m->dst_plen))
			return -EMSGSIZE;
	}
	if (m->nports) {
		ports = nla_nest_start(skb, GW_RULE_A_PORTS);
		if (!ports)
			return -EMSGSIZE;
		for (i = 0; i < m->nports; i++)
			if (nla_put_u32(skb, GW_RULE_A_PORT_RANGE,
					(u32)m->ports[i].first << 16 |
					m->ports[i].last))
				return -EMSGSIZE;
		nla_nest_end(skb, ports);
	}
	if (m->ifname[0] && nla_put_string(skb, GW_RULE_A_IFNAME, m->ifname))
		return -EMSGSIZE;
	if (rule->rate && nla_put_u32(skb, GW_RULE_A_RATE, rule->rate))
		return -EMSGSIZE;
	if (rule->max_src_conn &&
	    nla_put_u32(skb, GW_RULE_A_MAX_SRC_CONN, rule->max_src_conn))
		return -EMSGSIZE;
	if (rule->src_rate_conn &&
	    (nla_put_u32(skb, GW_RULE_A_SRC_RATE_CONN, rule->src_rate_conn) ||
	     nla_put_u32(skb, GW_RULE_A_SRC_RATE_SECONDS,
			 rule->src_rate_seconds)))
		return -EMSGSIZE;
	if (rule->comment[0] &&
	    nla_put_string(skb, GW_RULE_A_COMMENT, rule->comment))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int gw_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	const struct gw_ruleset *set;
	unsigned int i;
	void *hdr;

	rcu_read_lock();
	set = rcu_dereference(gn->ruleset);
	/* A dump that spans a ruleset change is flagged NLM_F_DUMP_INTR. */
	cb->seq = READ_ONCE(gn->rules_gen);
	for (i = cb->args[0]; set && i < set->count; i++) {
		hdr = gw_dump_put(skb, cb, GW_CMD_RULE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		if (gw_rule_fill(skb, set->rules[i])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	rcu_read_unlock();
	cb->args[0] = i;
	return skb->len;
}

static int gw_tcp_peer_fill(struct sk_buff *skb, int type,
			    const struct gw_tcp_peer *peer)
{
	struct nlattr *nest = nla_nest_start(skb, type);

	if (!nest ||
	    nla_put_u32(skb, GW_TCP_PEER_A_END, READ_ONCE(peer->end)) ||
	    nla_put_u32(skb, GW_TCP_PEER_A_MAXEND, READ_ONCE(peer->maxend)) ||
	    nla_put_u32(skb, GW_TCP_PEER_A_MAXWIN, READ_ONCE(peer->maxwin)) ||
	    nla_put_u8(skb, GW_TCP_PEER_A_WSCALE, READ_ONCE(peer->wscale)) ||
	    nla_put_u8(skb, GW_TCP_PEER_A_FLAGS, READ_ONCE(peer->flags)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int gw_conn_fill(struct sk_buff *skb, struct gw_net *gn,
			const struct gw_flow *flow, u32 now)
{
	bool orig_first = flow->flags & GW_FLOW_ORIG_FIRST;
	bool tcp = flow->key.proto == IPPROTO_TCP;
	unsigned int o = orig_first ? 0 : 1;
	struct nlattr *nest;
	u32 flags = 0;

	if (flow->flags & GW_FLOW_INBOUND)
		flags |= GW_CONN_F_INBOUND;
	if (tcp ? READ_ONCE(flow->tcp.seen_reply) :
		  READ_ONCE(flow->udp.seen_reply))
		flags |= GW_CONN_F_REPLIED;
	if (tcp && (READ_ONCE(flow->tcp.flags) & GW_TCP_CONN_PICKED_UP))
		flags |= GW_CONN_F_PICKED_UP;
	if (gw_flow_closed(flow))
		flags |= GW_CONN_F_CLOSED;

	nest = nla_nest_start(skb, GW_A_CONN);
	if (!nest ||
	    nla_put_u8(skb, GW_CONN_A_FAMILY, flow->key.family) ||
	    nla_put_u8(skb, GW_CONN_A_PROTO, flow->key.proto) ||
	    gw_put_addr(skb, GW_CONN_A_SRC, flow->key.family,
			&flow->key.addr[o]) ||
	    gw_put_addr(skb, GW_CONN_A_DST, flow->key.family,
			&flow->key.addr[!o]) ||
	    nla_put_u16(skb, GW_CONN_A_SPORT, flow->key.port[o]) ||
	    nla_put_u16(skb, GW_CONN_A_DPORT, flow->key.port[!o]) ||
	    nla_put_u32(skb, GW_CONN_A_TIMEOUT,
			gw_flow_timeout_left(gn, flow, now)) ||
	    nla_put_u64_64bit(skb, GW_CONN_A_PACKETS_ORIG,
			      READ_ONCE(flow->packets[GW_DIR_ORIGINAL]),
			      GW_CONN_A_PAD) ||
	    nla_put_u64_64bit(skb, GW_CONN_A_PACKETS_REPLY,
			      READ_ONCE(flow->packets[GW_DIR_REPLY]),
			      GW_CONN_A_PAD) ||
	    nla_put_u32(skb, GW_CONN_A_FLAGS, flags))
		return -EMSGSIZE;
	/* Only TCP has states and windows. */
	if (tcp &&
	    (nla_put_u8(skb, GW_CONN_A_STATE, READ_ONCE(flow->tcp.state)) ||
	     gw_tcp_peer_fill(skb, GW_CONN_A_TCP_ORIG,
			      &flow->tcp.peer[GW_DIR_ORIGINAL]) ||
	     gw_tcp_peer_fill(skb, GW_CONN_A_TCP_REPLY,
			      &flow->tcp.peer[GW_DIR_REPLY])))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int gw_filter_addr(const struct nlattr *attr, u8 family,
			  union gw_addr *addr, struct netlink_ext_ack *extack)
{
	if (!family) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "an address needs the family");
		return -EINVAL;
	}
	if (nla_len(attr) != (family == AF_INET ? 4 : 16)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the family");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr->bytes, nla_data(attr), nla_len(attr));
	return 0;
}

/* No GW_A_CONN: every flow. */
static int gw_flow_filter_parse(const struct nlattr *nest,
				struct gw_flow_filter *f,
				struct netlink_ext_ack *extack)
{
	struct nlattr *tb[GW_CONN_A_MAX + 1];
	int err;

	memset(f, 0, sizeof(*f));
	if (!nest)
		return 0;
	err = nla_parse_nested(tb, GW_CONN_A_MAX, nest, gw_conn_filter_policy,
			       extack);
	if (err)
		return err;
	if (tb[GW_CONN_A_FAMILY]) {
		f->family = nla_get_u8(tb[GW_CONN_A_FAMILY]);
		if (f->family != AF_INET && f->family != AF_INET6) {
			NL_SET_ERR_MSG_ATTR(extack, tb[GW_CONN_A_FAMILY],
					    "family must be AF_INET or AF_INET6");
			return -EAFNOSUPPORT;
		}
	}
	if (tb[GW_CONN_A_PROTO]) {
		f->has_proto = true;
		f->proto = nla_get_u8(tb[GW_CONN_A_PROTO]);
	}
	if (tb[GW_CONN_A_SRC]) {
		f->has_src = true;
		err = gw_filter_addr(tb[GW_CONN_A_SRC], f->family, &f->src,
				     extack);
		if (err)
			return err;
	}
	if (tb[GW_CONN_A_DST]) {
		f->has_dst = true;
		err = gw_filter_addr(tb[GW_CONN_A_DST], f->family, &f->dst,
				     extack);
		if (err)
			return err;
	}
	if (tb[GW_CONN_A_STATE]) {
		f->has_state = true;
		f->state = nla_get_u8(tb[GW_CONN_A_STATE]);
	}
	return 0;
}

/*
 * A dump resumes at a bucket boundary: a bucket that does not fit in what
 * is left of the message is taken out again and sent whole in the next, so
 * flows added or removed while the dump is paused (at a chain's head, any
 * bucket) never make a flow that was there all along appear twice or not
 * at all.  Each bucket is a snapshot of when it was read, like
 * /proc/net/nf_conntrack.  Only a bucket too long for a message of its own
 * is split, and then resumed by position, which such a change can shift.
 */
static int gw_conn_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	unsigned long bucket = cb->args[0];
	unsigned long skip = cb->args[1];
	struct gw_flow_filter filter;
	u32 now = (u32)jiffies;
	struct gw_flow *flow;
	unsigned int nbuckets;
	unsigned char *mark;
	unsigned long pos;
	void *hdr;
	int err;

	err = gw_flow_filter_parse(genl_dumpit_info(cb)->attrs[GW_A_CONN],
				   &filter, cb->extack);
	if (err)
		return err;
	/* no wan zone yet: no table, an empty list */
	nbuckets = gw_flowtable_active(gn) ? gn->nbuckets : 0;
	rcu_read_lock();
	for (; bucket < nbuckets; bucket++, skip = 0) {
		/*
		 * A filter that matches nothing walks the whole table in one
		 * call: leave the RCU section and the CPU now and then, at a
		 * bucket boundary, where the dump holds nothing.
		 */
		if (bucket % GW_DUMP_RESCHED_EVERY == GW_DUMP_RESCHED_EVERY - 1) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
		pos = 0;
		mark = skb_tail_pointer(skb);
		hlist_for_each_entry_rcu(flow, &gn->buckets[bucket], node) {
			if (READ_ONCE(flow->dead) ||
			    gw_flow_expired(gn, flow, now) ||
			    !gw_flow_filter_match(&filter, flow))
				continue;
			if (pos++ < skip)
				continue;
			hdr = gw_dump_put(skb, cb, GW_CMD_CONN_GET);
			if (!hdr)
				goto full;
			if (gw_conn_fill(skb, gn, flow, now)) {
				genlmsg_cancel(skb, hdr);
				goto full;
			}
			genlmsg_end(skb, hdr);
		}
	}
	rcu_read_unlock();
	cb->args[0] = bucket;
	cb->args[1] = 0;
	return skb->len;

full:
	rcu_read_unlock();
	cb->args[0] = bucket;
	if (mark != skb->data) {
		/* the bucket goes whole into the next message */
		nlmsg_trim(skb, mark);
		cb->args[1] = 0;
	} else {
		cb->args[1] = pos - 1;
	}
	return skb->len;
}

static int gw_conn_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_flow_filter filter;
	int err;

	if (!info->attrs[GW_A_CONN]) {
		gw_flowtable_flush(gw_info_net(info));
		return 0;
	}
	err = gw_flow_filter_parse(info->attrs[GW_A_CONN], &filter,
				   info->extack);
	if (err)
		return err;
	gw_flowtable_flush_filtered(gw_info_net(info), &filter);
	return 0;
}

/*
 * The tunable and value of a GW_A_TUNABLE nest, checked against the
 * tunable's range: its index, or a negative errno with the extack set.
 */
static int gw_tunable_from_attr(struct genl_info *info, u32 *value)
{
	struct nlattr *tb[GW_TUNABLE_A_MAX + 1];
	const struct gw_tunable_def *def;
	u64 v;
	int err, id;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_TUNABLE))
		return -EINVAL;
	err = nla_parse_nested(tb, GW_TUNABLE_A_MAX, info->attrs[GW_A_TUNABLE],
			       gw_tunable_policy, info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[GW_A_TUNABLE], tb,
			      GW_TUNABLE_A_NAME) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[GW_A_TUNABLE], tb,
			      GW_TUNABLE_A_VALUE))
		return -EINVAL;
	id = gw_tunable_find(nla_data(tb[GW_TUNABLE_A_NAME]));
	if (id < 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[GW_TUNABLE_A_NAME],
				    "unknown tunable");
		return -ENOENT;
	}
	def = &gw_tunable_defs[id];
	v = nla_get_u64(tb[GW_TUNABLE_A_VALUE]);
	if (v < def->min || v > def->max) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[GW_TUNABLE_A_VALUE],
				    "value outside the tunable's range (gwctl get shows it)");
		return -ERANGE;
	}
	*value = (u32)v;
	return id;
}

static int gw_tunable_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn;
	u32 value;
	int id;

	id = gw_tunable_from_attr(info, &value);
	if (id < 0)
		return id;
	gn = gw_info_net(info);
	mutex_lock(&gn->lock);
	WRITE_ONCE(gn->tunables[id], value);
	mutex_unlock(&gn->lock);
	gw_notify_tunable(gn, gw_tunable_defs[id].name, value);
	return 0;
}

static int gw_tunable_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	u32 defaults[__GW_TUN_MAX];
	struct nlattr *nest;
	unsigned int i;
	void *hdr;

	/* what "gwctl save" leaves out, and a load that omits it returns to */
	gw_tunables_defaults(gn, defaults);
	for (i = cb->args[0]; i < __GW_TUN_MAX; i++) {
		const struct gw_tunable_def *def = &gw_tunable_defs[i];

		hdr = gw_dump_put(skb, cb, GW_CMD_TUNABLE_GET);
		if (!hdr)
			break;
		nest = nla_nest_start(skb, GW_A_TUNABLE);
		if (!nest ||
		    nla_put_string(skb, GW_TUNABLE_A_NAME, def->name) ||
		    nla_put_u64_64bit(skb, GW_TUNABLE_A_VALUE,
				      gw_tunable(gn, i), GW_TUNABLE_A_PAD) ||
		    nla_put_u64_64bit(skb, GW_TUNABLE_A_MIN_VALUE, def->min,
				      GW_TUNABLE_A_PAD) ||
		    nla_put_u64_64bit(skb, GW_TUNABLE_A_MAX_VALUE, def->max,
				      GW_TUNABLE_A_PAD) ||
		    nla_put_string(skb, GW_TUNABLE_A_UNIT, def->unit) ||
		    nla_put_u64_64bit(skb, GW_TUNABLE_A_DEFAULT, defaults[i],
				      GW_TUNABLE_A_PAD)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = i;
	return skb->len;
}

static int gw_overload_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	struct gw_overload_info info;
	unsigned int pos = cb->args[0], at;
	struct nlattr *nest;
	void *hdr;

	for (;;) {
		at = pos;
		if (!gw_overload_get(gn, &pos, &info))
			break;
		hdr = gw_dump_put(skb, cb, GW_CMD_OVERLOAD_GET);
		if (!hdr)
			goto full;
		nest = nla_nest_start(skb, GW_A_OVERLOAD);
		if (!nest ||
		    nla_put_u8(skb, GW_OVERLOAD_A_FAMILY, info.family) ||
		    nla_put(skb, GW_OVERLOAD_A_ADDR,
			    info.family == AF_INET ? 4 : 16, &info.prefix) ||
		    nla_put_u8(skb, GW_OVERLOAD_A_PLEN,
			       info.family == AF_INET ? 32 : 64) ||
		    nla_put_u32(skb, GW_OVERLOAD_A_TIMEOUT, info.seconds_left) ||
		    nla_put_u32(skb, GW_OVERLOAD_A_CONNS, info.conns)) {
			genlmsg_cancel(skb, hdr);
			goto full;
		}
		nla_nest_end(skb, nest);
		genlmsg_end(skb, hdr);
	}
	cb->args[0] = pos;
	return skb->len;
full:
	/* this one again in the next message */
	cb->args[0] = at;
	return skb->len;
}

static int gw_overload_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *tb[GW_OVERLOAD_A_MAX + 1];
	struct gw_net *gn = gw_info_net(info);
	union gw_addr addr = {};
	u8 family;
	int err;

	if (!info->attrs[GW_A_OVERLOAD]) {
		gw_overload_del(gn, 0, NULL, true);
		return 0;
	}
	err = nla_parse_nested(tb, GW_OVERLOAD_A_MAX,
			       info->attrs[GW_A_OVERLOAD], gw_overload_policy,
			       info->extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[GW_A_OVERLOAD], tb,
			      GW_OVERLOAD_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(info->extack, info->attrs[GW_A_OVERLOAD], tb,
			      GW_OVERLOAD_A_ADDR))
		return -EINVAL;
	family = nla_get_u8(tb[GW_OVERLOAD_A_FAMILY]);
	if (nla_len(tb[GW_OVERLOAD_A_ADDR]) !=
	    (family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[GW_OVERLOAD_A_ADDR],
				    "address does not fit the family");
		return -EINVAL;
	}
	nla_memcpy(&addr, tb[GW_OVERLOAD_A_ADDR], sizeof(addr));
	if (!gw_overload_del(gn, family, &addr, false)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[GW_OVERLOAD_A_ADDR],
				    "source is not overloaded");
		return -ENOENT;
	}
	return 0;
}

/* Atomic loads (txn.c): begin, stage one item at a time, commit or abort. */
static int gw_txn_begin_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	struct sk_buff *msg;
	void *hdr;
	u32 id;
	int err;

	msg = gw_reply_new(info, GW_CMD_TXN_BEGIN, &hdr);
	if (!msg)
		return -ENOMEM;
	err = gw_txn_begin(gn, info->snd_portid, &id, info->extack);
	if (err)
		goto err_free;
	if (nla_put_u32(msg, GW_A_TXN_ID, id)) {
		gw_txn_abort(gn, info->snd_portid, id, NULL);
		err = -EMSGSIZE;
		goto err_free;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static int gw_txn_stage_rule_attr(struct genl_info *info, u32 id)
{
	struct gw_rule *rule;
	int err;

	rule = gw_rule_new_from_attr(info);
	if (IS_ERR(rule))
		return PTR_ERR(rule);
	err = gw_txn_stage_rule(gw_info_net(info), info->snd_portid, id,
				rule, info->extack);
	if (err)
		gw_rule_free(rule);
	return err;
}

static int gw_txn_stage_tunable_attr(struct genl_info *info, u32 id)
{
	u32 value;
	int tunable;

	tunable = gw_tunable_from_attr(info, &value);
	if (tunable < 0)
		return tunable;
	return gw_txn_stage_tunable(gw_info_net(info), info->snd_portid, id,
				    tunable, value, info->extack);
}

/* The blocklist and the never-block list (blocklist.c). */
struct gw_block_req {
	u8 kind;
	u8 family;
	u8 plen;
	u32 timeout;
	union gw_addr addr;
};

enum gw_block_need {
	GW_BLOCK_NEED_KIND,	/* flush */
	GW_BLOCK_NEED_PREFIX,	/* del, load */
	GW_BLOCK_NEED_ADD,	/* add: a timeout allowed */
};

static int gw_block_from_attr(struct genl_info *info, enum gw_block_need need,
			      struct gw_block_req *req)
{
	struct nlattr *tb[GW_BLOCK_A_MAX + 1], *nest = info->attrs[GW_A_BLOCK];
	struct netlink_ext_ack *extack = info->extack;
	unsigned int max;
	int err;

	memset(req, 0, sizeof(*req));
	if (GENL_REQ_ATTR_CHECK(info, GW_A_BLOCK))
		return -EINVAL;
	err = nla_parse_nested(tb, GW_BLOCK_A_MAX, nest, gw_block_policy,
			       extack);
	if (err)
		return err;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, GW_BLOCK_A_KIND))
		return -EINVAL;
	req->kind = nla_get_u8(tb[GW_BLOCK_A_KIND]);
	if (need == GW_BLOCK_NEED_KIND)
		return 0;
	if (NL_REQ_ATTR_CHECK(extack, nest, tb, GW_BLOCK_A_FAMILY) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, GW_BLOCK_A_ADDR) ||
	    NL_REQ_ATTR_CHECK(extack, nest, tb, GW_BLOCK_A_PLEN))
		return -EINVAL;
	req->family = nla_get_u8(tb[GW_BLOCK_A_FAMILY]);
	max = gw_block_max_plen(req->family);
	if (!max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_FAMILY],
				    "family must be AF_INET or AF_INET6");
		return -EAFNOSUPPORT;
	}
	if (nla_len(tb[GW_BLOCK_A_ADDR]) != max / 8) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_ADDR],
				    "address length does not match the family");
		return -EINVAL;
	}
	nla_memcpy(&req->addr, tb[GW_BLOCK_A_ADDR], sizeof(req->addr));
	req->plen = nla_get_u8(tb[GW_BLOCK_A_PLEN]);
	if (req->plen > max) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_PLEN],
				    "prefix length too long for the family");
		return -EINVAL;
	}
	if (!gw_block_prefix_valid(req->family, &req->addr, req->plen)) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_ADDR],
				    "address has bits set past the prefix length");
		return -EINVAL;
	}
	if (!tb[GW_BLOCK_A_TIMEOUT])
		return 0;
	if (need != GW_BLOCK_NEED_ADD) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_TIMEOUT],
				    "a timeout only goes with an add (a load holds permanent entries)");
		return -EINVAL;
	}
	if (req->kind != GW_BLOCK_KIND_BLOCK) {
		NL_SET_ERR_MSG_ATTR(extack, tb[GW_BLOCK_A_TIMEOUT],
				    "never-block entries take no timeout");
		return -EINVAL;
	}
	req->timeout = nla_get_u32(tb[GW_BLOCK_A_TIMEOUT]);
	return 0;
}

/* @e NULL: only the kind (a flush). */
static int gw_block_fill(struct sk_buff *skb, u8 kind,
			 const struct gw_block_entry *e, u32 remaining)
{
	struct nlattr *nest = nla_nest_start(skb, GW_A_BLOCK);

	if (!nest || nla_put_u8(skb, GW_BLOCK_A_KIND, kind))
		return -EMSGSIZE;
	if (e &&
	    (nla_put_u8(skb, GW_BLOCK_A_FAMILY, e->family) ||
	     nla_put(skb, GW_BLOCK_A_ADDR, gw_block_max_plen(e->family) / 8,
		     &e->addr) ||
	     nla_put_u8(skb, GW_BLOCK_A_PLEN, e->plen) ||
	     (e->timed &&
	      (nla_put_u32(skb, GW_BLOCK_A_TIMEOUT, e->timeout) ||
	       nla_put_u32(skb, GW_BLOCK_A_REMAINING, remaining)))))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static void gw_notify_block(struct gw_net *gn, u8 event, u8 kind,
			    const struct gw_block_req *req)
{
	struct gw_block_entry e = {};
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, event, &hdr);
	if (!msg)
		return;
	if (req) {
		e.addr = req->addr;
		e.family = req->family;
		e.plen = req->plen;
		e.timed = !!req->timeout;
		e.timeout = req->timeout;
	}
	if (gw_block_fill(msg, kind, req ? &e : NULL, req ? req->timeout : 0)) {
		nlmsg_free(msg);
		return;
	}
	gw_event_send(gn, msg, hdr);
}

static int gw_block_add_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	struct gw_block_req req;
	int err;

	err = gw_block_from_attr(info, GW_BLOCK_NEED_ADD, &req);
	if (err)
		return err;
	err = gw_block_add(gn, req.kind, req.family, &req.addr, req.plen,
			   req.timeout, info->extack);
	if (!err)
		gw_notify_block(gn, GW_EVENT_BLOCK_ADDED, req.kind, &req);
	return err;
}

static int gw_block_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	struct gw_block_req req;
	int err;

	err = gw_block_from_attr(info, GW_BLOCK_NEED_PREFIX, &req);
	if (err)
		return err;
	err = gw_block_del(gn, req.kind, req.family, &req.addr, req.plen,
			   info->extack);
	if (!err)
		gw_notify_block(gn, GW_EVENT_BLOCK_DELETED, req.kind, &req);
	return err;
}

static int gw_block_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	struct gw_block_req req;
	int err;

	err = gw_block_from_attr(info, GW_BLOCK_NEED_KIND, &req);
	if (err)
		return err;
	gw_block_flush(gn, req.kind);
	gw_notify_block(gn, GW_EVENT_BLOCK_FLUSHED, req.kind, NULL);
	return 0;
}

/* Both lists, the blocklist first; args[0] the kind, args[1] the index. */
static int gw_block_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	struct gw_block_entry e;
	u32 remaining, gen;
	void *hdr;

	for (; cb->args[0] < __GW_BLOCK_KIND_MAX; cb->args[0]++, cb->args[1] = 0) {
		while (gw_block_get(gn, cb->args[0], &cb->args[1], &e,
				    &remaining, &gen)) {
			hdr = gw_dump_put(skb, cb, GW_CMD_BLOCK_GET);
			if (!hdr)
				return skb->len;
			/* resumed by position: flag a change under the dump */
			cb->seq = gen + 1;
			genl_dump_check_consistent(cb, hdr);
			if (gw_block_fill(skb, cb->args[0], &e, remaining)) {
				genlmsg_cancel(skb, hdr);
				return skb->len;
			}
			genlmsg_end(skb, hdr);
			cb->args[1]++;
		}
	}
	return skb->len;
}

static int gw_txn_stage_block_attr(struct genl_info *info, u32 id)
{
	struct gw_block_req req;
	int err;

	err = gw_block_from_attr(info, GW_BLOCK_NEED_PREFIX, &req);
	if (err)
		return err;
	return gw_txn_stage_block(gw_info_net(info), info->snd_portid, id,
				  req.kind, req.family, &req.addr, req.plen,
				  info->extack);
}

static int gw_txn_stage_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	bool zone = attrs[GW_A_IFNAME] || attrs[GW_A_ZONE];
	u32 id;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_TXN_ID))
		return -EINVAL;
	id = nla_get_u32(attrs[GW_A_TXN_ID]);
	if (!!attrs[GW_A_RULE] + zone + !!attrs[GW_A_TUNABLE] +
	    !!attrs[GW_A_BLOCK] != 1) {
		NL_SET_ERR_MSG(info->extack,
			       "stage exactly one rule, interface zone, tunable or block entry");
		return -EINVAL;
	}
	if (attrs[GW_A_RULE])
		return gw_txn_stage_rule_attr(info, id);
	if (attrs[GW_A_BLOCK])
		return gw_txn_stage_block_attr(info, id);
	if (attrs[GW_A_TUNABLE])
		return gw_txn_stage_tunable_attr(info, id);
	if (GENL_REQ_ATTR_CHECK(info, GW_A_IFNAME) ||
	    GENL_REQ_ATTR_CHECK(info, GW_A_ZONE))
		return -EINVAL;
	if (gw_check_ifname(attrs[GW_A_IFNAME], info->extack))
		return -EINVAL;
	return gw_txn_stage_zone(gw_info_net(info), info->snd_portid, id,
				 nla_data(attrs[GW_A_IFNAME]),
				 nla_get_u8(attrs[GW_A_ZONE]), info->extack);
}

static int gw_txn_commit_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_TXN_ID))
		return -EINVAL;
	id = nla_get_u32(info->attrs[GW_A_TXN_ID]);
	err = gw_txn_commit(gw_info_net(info), info->snd_portid, id,
			    info->extack);
	if (!err)
		gw_notify_loaded(gw_info_net(info), id);
	return err;
}

static int gw_txn_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	if (GENL_REQ_ATTR_CHECK(info, GW_A_TXN_ID))
		return -EINVAL;
	return gw_txn_abort(gw_info_net(info), info->snd_portid,
			    nla_get_u32(info->attrs[GW_A_TXN_ID]), info->extack);
}

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
};

static struct genl_family gw_genl_family __ro_after_init = {
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

int __init gw_genetlink_init(void)
{
	return genl_register_family(&gw_genl_family);
}

void gw_genetlink_uninit(void)
{
	genl_unregister_family(&gw_genl_family);
}
