// SPDX-License-Identifier: GPL-2.0
/*
 * GW_CMD_NAMES_GET: the names of the counters (core/names.c) and of the TCP
 * tracker's states (core/tcp.c), so that gwctl prints the module's words
 * and keeps no list of its own, as it already does for the tunables.
 */
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "core/names.h"
#include "core/tcp.h"

/* How many names of each kind: the values of its enum. */
static const u32 gw_name_count[] = {
	[GW_NAME_KIND_COUNTER] = __GW_CTR_MAX,
	[GW_NAME_KIND_TCP_STATE] = __GW_TCP_STATE_MAX,
};

static_assert(ARRAY_SIZE(gw_name_count) == __GW_NAME_KIND_MAX);

static const char *gw_name_of(unsigned int kind, u32 index)
{
	if (kind == GW_NAME_KIND_COUNTER)
		return gw_counter_name(index);
	return gw_tcp_state_name(index);
}

static int gw_name_fill(struct sk_buff *skb, struct netlink_callback *cb,
			unsigned int kind, u32 index)
{
	struct nlattr *nest;
	void *hdr;

	hdr = gw_dump_put(skb, cb, GW_CMD_NAMES_GET);
	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, GW_A_NAME);
	if (!nest || nla_put_u8(skb, GW_NAME_A_KIND, kind) ||
	    nla_put_u32(skb, GW_NAME_A_INDEX, index) ||
	    nla_put_string(skb, GW_NAME_A_NAME, gw_name_of(kind, index))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/* Resumed by kind (args[0]) and index (args[1]). */
int gw_names_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	const struct nlattr *filter = genl_dumpit_info(cb)->attrs[GW_A_NAME];
	unsigned int kind = cb->args[0], last = GW_NAME_KIND_MAX;
	struct nlattr *tb[GW_NAME_A_MAX + 1];
	u32 index = cb->args[1];
	int err;

	/* the policy checked it already; an empty nest asks for every kind */
	if (filter) {
		err = nla_parse_nested(tb, GW_NAME_A_MAX, filter,
				       gw_name_policy, cb->extack);
		if (err)
			return err;
		if (tb[GW_NAME_A_KIND]) {
			last = nla_get_u8(tb[GW_NAME_A_KIND]);
			kind = max(kind, last);
		}
	}
	for (; kind <= last; kind++, index = 0) {
		for (; index < gw_name_count[kind]; index++) {
			if (gw_name_fill(skb, cb, kind, index))
				goto full;
		}
	}
full:
	cb->args[0] = kind;
	cb->args[1] = index;
	return skb->len;
}
