// SPDX-License-Identifier: GPL-2.0
/* GW_CMD_STATUS_GET and GW_CMD_STATS_GET: the module's state and counters. */
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "flowtable.h"
#include "rules.h"
#include "zones.h"
#include "srclimit.h"
#include "version.h"

static int gw_status_fill(struct sk_buff *msg, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	const struct gw_ruleset *set;
	u32 wan, lan, rules;

	gw_zones_count(gn, &wan, &lan);
	rcu_read_lock();
	set = rcu_dereference(gn->rules.ruleset);
	rules = set ? set->count : 0;
	rcu_read_unlock();

	if (nla_put_string(msg, GW_A_VERSION, GW_VERSION) ||
	    nla_put_u32(msg, GW_A_WAN_COUNT, wan) ||
	    nla_put_u32(msg, GW_A_LAN_COUNT, lan) ||
	    nla_put_u32(msg, GW_A_RULE_COUNT, rules) ||
	    nla_put_u32(msg, GW_A_FLOW_COUNT,
			atomic_read(&gn->table.flow_count)) ||
	    nla_put_u32(msg, GW_A_FLOW_MAX, gw_tunable(gn, GW_TUN_MAX_FLOWS)) ||
	    nla_put_u32(msg, GW_A_FLOW_ENTRY_SIZE, gw_flowtable_entry_size()) ||
	    nla_put_u32(msg, GW_A_FLOW_BUCKETS, gn->table.nbuckets) ||
	    nla_put_u64_64bit(msg, GW_A_NETNS_COOKIE, gn->net->net_cookie,
			      GW_A_PAD))
		return -EMSGSIZE;
	return 0;
}

int gw_status_get(struct sk_buff *skb, struct genl_info *info)
{
	return gw_reply(info, GW_CMD_STATUS_GET, gw_status_fill);
}

static int gw_stats_fill(struct sk_buff *msg, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	u64 sum[__GW_CTR_MAX];
	struct nlattr *nest;
	unsigned int i;

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
		return -EMSGSIZE;
	for (i = 0; i < __GW_CTR_MAX; i++)
		if (nla_put_u64_64bit(msg, i + 1, sum[i], 0))
			return -EMSGSIZE;
	nla_nest_end(msg, nest);
	if (nla_put_u32(msg, GW_A_FLOW_COUNT,
			atomic_read(&gn->table.flow_count)) ||
	    nla_put_u32(msg, GW_A_FLOW_MAX, gw_tunable(gn, GW_TUN_MAX_FLOWS)) ||
	    nla_put_u32(msg, GW_A_HALFOPEN_COUNT,
			atomic_read(&gn->budgets.halfopen_count)) ||
	    nla_put_u32(msg, GW_A_OVERLOAD_COUNT,
			atomic_read(&gn->sources.overload_count)) ||
	    nla_put_u32(msg, GW_A_SRC_COUNT, gw_src_count(gn)) ||
	    nla_put_u32(msg, GW_A_SRC_MAX, gw_src_slots()))
		return -EMSGSIZE;
	return 0;
}

int gw_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	return gw_reply(info, GW_CMD_STATS_GET, gw_stats_fill);
}
