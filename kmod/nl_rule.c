// SPDX-License-Identifier: GPL-2.0
/*
 * Rules (rules.c): a GW_A_RULE nest parsed into a struct gw_rule (for a
 * direct add or a staged one, nl_txn.c), add, delete, flush and dump.
 */
#include <linux/err.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "rules.h"
#include "reload.h"
#include "nflog.h"

static int gw_rule_parse_addr(const struct nlattr *addr,
			      const struct nlattr *plen_attr, u8 family,
			      union gw_addr *out, u8 *plen,
			      struct netlink_ext_ack *extack)
{
	unsigned int want = family == AF_INET ? 4 : 16;
	int err;

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
	err = gw_get_addr(addr, family, out, extack);
	if (err)
		return err;
	*plen = plen_attr ? nla_get_u8(plen_attr) : want * 8;
	if (*plen > want * 8) {
		NL_SET_ERR_MSG_ATTR(extack, plen_attr,
				    "prefix length too long for the family");
		return -EINVAL;
	}
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
	if (tb[GW_RULE_A_SYNPROXY]) {
		if (m->proto != IPPROTO_TCP) {
			NL_SET_ERR_MSG_ATTR(extack, tb[GW_RULE_A_SYNPROXY],
					    "synproxy needs a tcp rule");
			return -EINVAL;
		}
		rule->synproxy = nla_get_u8(tb[GW_RULE_A_SYNPROXY]);
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
	rule->log = nla_get_flag(tb[GW_RULE_A_LOG]);
	return 0;
}

/*
 * A new rule from a request's GW_A_RULE (a direct add or a staged item),
 * or an ERR_PTR with the rejection explained in extack.
 */
struct gw_rule *gw_rule_new_from_attr(struct genl_info *info)
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

int gw_rule_add_doit(struct sk_buff *skb, struct genl_info *info)
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
	gw_nflog_sync(gw_info_net(info));
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

int gw_rule_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 handle;
	int err;

	err = gw_req_u32(info, GW_A_RULE_HANDLE, &handle);
	if (err)
		return err;
	err = gw_rule_del(gw_info_net(info), handle, info->extack);
	if (!err) {
		gw_reload_apply(gw_info_net(info));
		gw_nflog_sync(gw_info_net(info));
		gw_notify_u32(gw_info_net(info), GW_EVENT_RULE_DELETED,
			      GW_A_RULE_HANDLE, handle);
	}
	return err;
}

int gw_rule_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	gw_rules_flush(gw_info_net(info));
	gw_reload_apply(gw_info_net(info));
	gw_nflog_sync(gw_info_net(info));
	gw_notify(gw_info_net(info), GW_EVENT_RULES_FLUSHED);
	return 0;
}

/* @rule, with its counters since their last reset, @shown. */
static int __gw_rule_fill(struct sk_buff *skb, const struct gw_rule *rule,
			  const struct gw_rule_pcpu *shown)
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
	    nla_put_u64_64bit(skb, GW_RULE_A_HITS, shown->hits,
			      GW_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, GW_RULE_A_PACKETS, shown->packets,
			      GW_RULE_A_PAD) ||
	    nla_put_u64_64bit(skb, GW_RULE_A_BYTES, shown->bytes,
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
	if (rule->synproxy &&
	    nla_put_u8(skb, GW_RULE_A_SYNPROXY, rule->synproxy))
		return -EMSGSIZE;
	if (rule->comment[0] &&
	    nla_put_string(skb, GW_RULE_A_COMMENT, rule->comment))
		return -EMSGSIZE;
	if (rule->log && nla_put_flag(skb, GW_RULE_A_LOG))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* @rule as it is now; under RCU or gn->lock. */
int gw_rule_fill(struct sk_buff *skb, const struct gw_rule *rule)
{
	struct gw_rule_pcpu shown, total;

	gw_rule_read(rule, &shown, &total);
	return __gw_rule_fill(skb, rule, &shown);
}

/*
 * The rules, in order; with GW_A_RULE_RESET, each rule's counters are
 * zeroed once its message is in the dump: their sums, read once, are
 * what the message says and what becomes the base (struct gw_rule_ctr),
 * so a packet counted after the read shows in the next listing, and one
 * counted before in this one.  Under gn->lock, which serialises the
 * resets (and "rule list" with them: a dump is no packet path).
 */
int gw_rule_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	bool reset = genl_dumpit_info(cb)->attrs[GW_A_RULE_RESET];
	struct gw_net *gn = gw_cb_net(cb);
	struct gw_rule_pcpu shown, total;
	const struct gw_ruleset *set;
	struct gw_rule *rule;
	unsigned int i;
	void *hdr;

	mutex_lock(&gn->lock);
	set = rcu_dereference_protected(gn->rules.ruleset,
					lockdep_is_held(&gn->lock));
	/* A dump that spans a ruleset change is flagged NLM_F_DUMP_INTR. */
	cb->seq = gn->rules.gen;
	for (i = cb->args[0]; set && i < set->count; i++) {
		rule = set->rules[i];
		hdr = gw_dump_put(skb, cb, GW_CMD_RULE_GET);
		if (!hdr)
			break;
		genl_dump_check_consistent(cb, hdr);
		gw_rule_read(rule, &shown, &total);
		if (__gw_rule_fill(skb, rule, &shown)) {
			/* not sent: told again, and reset then, in the next */
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		if (reset) {
			WRITE_ONCE(rule->ctr->base.hits, total.hits);
			WRITE_ONCE(rule->ctr->base.packets, total.packets);
			WRITE_ONCE(rule->ctr->base.bytes, total.bytes);
		}
	}
	mutex_unlock(&gn->lock);
	cb->args[0] = i;
	return skb->len;
}
