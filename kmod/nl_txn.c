// SPDX-License-Identifier: GPL-2.0
/* Atomic loads (txn.c): begin, stage one item at a time, commit or abort. */
#include <linux/err.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "rules.h"
#include "txn.h"

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
	set = rcu_dereference(gn->rules.ruleset);
	rules = set ? set->count : 0;
	rcu_read_unlock();
	if (nla_put_u32(msg, GW_A_TXN_ID, id) ||
	    nla_put_u32(msg, GW_A_RULE_COUNT, rules)) {
		nlmsg_free(msg);
		return;
	}
	gw_event_send(gn, msg, hdr);
}

/* Atomic loads (txn.c): begin, stage one item at a time, commit or abort. */
int gw_txn_begin_doit(struct sk_buff *skb, struct genl_info *info)
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

int gw_txn_stage_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr **attrs = info->attrs;
	bool zone = attrs[GW_A_IFNAME] || attrs[GW_A_ZONE];
	u32 id;

	if (gw_req_u32(info, GW_A_TXN_ID, &id))
		return -EINVAL;
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

int gw_txn_commit_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;
	int err;

	err = gw_req_u32(info, GW_A_TXN_ID, &id);
	if (err)
		return err;
	err = gw_txn_commit(gw_info_net(info), info->snd_portid, id,
			    info->extack);
	if (!err)
		gw_notify_loaded(gw_info_net(info), id);
	return err;
}

int gw_txn_abort_doit(struct sk_buff *skb, struct genl_info *info)
{
	u32 id;

	if (gw_req_u32(info, GW_A_TXN_ID, &id))
		return -EINVAL;
	return gw_txn_abort(gw_info_net(info), info->snd_portid, id,
			    info->extack);
}
