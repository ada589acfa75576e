// SPDX-License-Identifier: GPL-2.0
/* The overload list of sources over their limits (srclimit.c): dump, delete. */
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "srclimit.h"

int gw_overload_dump(struct sk_buff *skb, struct netlink_callback *cb)
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

int gw_overload_del_doit(struct sk_buff *skb, struct genl_info *info)
{
	static const u16 need[] = {
		GW_OVERLOAD_A_FAMILY, GW_OVERLOAD_A_ADDR, 0
	};
	struct nlattr *tb[GW_OVERLOAD_A_MAX + 1];
	struct gw_net *gn = gw_info_net(info);
	union gw_addr addr = {};
	u8 family;
	int err;

	if (!info->attrs[GW_A_OVERLOAD]) {
		gw_overload_del(gn, 0, NULL, true);
		return 0;
	}
	err = gw_parse_nest(info, GW_A_OVERLOAD, tb, GW_OVERLOAD_A_MAX,
			    gw_overload_policy, need);
	if (err)
		return err;
	family = nla_get_u8(tb[GW_OVERLOAD_A_FAMILY]);
	err = gw_get_addr(tb[GW_OVERLOAD_A_ADDR], family, &addr, info->extack);
	if (err)
		return err;
	if (!gw_overload_del(gn, family, &addr, false)) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[GW_OVERLOAD_A_ADDR],
				    "source is not overloaded");
		return -ENOENT;
	}
	return 0;
}
