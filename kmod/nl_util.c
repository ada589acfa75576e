// SPDX-License-Identifier: GPL-2.0
/*
 * What the handlers of every object share: a reply (its genl header, and
 * for a read request its sending), the genl header of a dump message, an
 * address attribute (written and read), a request's nest, and the check of
 * an interface name.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "netlink_priv.h"

/* A reply to a doit request, with its genl header in place. */
struct sk_buff *gw_reply_new(struct genl_info *info, u8 cmd, void **hdr)
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

/*
 * The reply to a read request, filled by @fill: sent, or freed with @fill's
 * error (-EMSGSIZE: an attribute did not fit).  @fill runs only once the
 * reply exists, so a request that also changes state (a reset of the
 * counters) changes nothing when there is no memory for its answer.
 */
int gw_reply(struct genl_info *info, u8 cmd,
	     int (*fill)(struct sk_buff *msg, struct genl_info *info))
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = gw_reply_new(info, cmd, &hdr);
	if (!msg)
		return -ENOMEM;
	err = fill(msg, info);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

void *gw_dump_put(struct sk_buff *skb, struct netlink_callback *cb, u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   &gw_genl_family, NLM_F_MULTI, cmd);
}

int gw_put_addr(struct sk_buff *skb, int type, u8 family,
		const union gw_addr *addr)
{
	return nla_put(skb, type, family == AF_INET ? 4 : 16, addr->bytes);
}

/*
 * The address of @family in @attr, into @addr, zero-filled past it (an
 * IPv4 address lives in the first word).  Its length must be the
 * family's: that also refuses a family that is neither AF_INET nor
 * AF_INET6.
 */
int gw_get_addr(const struct nlattr *attr, u8 family, union gw_addr *addr,
		struct netlink_ext_ack *extack)
{
	int len = family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;

	if (nla_len(attr) != len) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address length does not match the family");
		return -EINVAL;
	}
	memset(addr, 0, sizeof(*addr));
	memcpy(addr->bytes, nla_data(attr), len);
	return 0;
}

/* The u32 attribute @type, which the request must hold, into @v. */
int gw_req_u32(struct genl_info *info, int type, u32 *v)
{
	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	*v = nla_get_u32(info->attrs[type]);
	return 0;
}

/*
 * Refuses, with the extack naming the first one missing, a nest @type of
 * @info (parsed into @tb) that lacks an attribute of @need (0-ended:
 * attribute 0 is never a real one).
 */
int gw_nest_need(struct genl_info *info, int type, struct nlattr **tb,
		 const u16 *need)
{
	for (; *need; need++)
		if (NL_REQ_ATTR_CHECK(info->extack, info->attrs[type], tb,
				      *need))
			return -EINVAL;
	return 0;
}

/*
 * The nest @type of a request, which it must hold, parsed into @tb (of
 * @maxtype + 1) by @policy, with each attribute of @need in it; a missing
 * or malformed nest, or one without what it needs, is refused with the
 * extack set.
 */
int gw_parse_nest(struct genl_info *info, int type, struct nlattr **tb,
		  int maxtype, const struct nla_policy *policy,
		  const u16 *need)
{
	int err;

	if (GENL_REQ_ATTR_CHECK(info, type))
		return -EINVAL;
	err = nla_parse_nested(tb, maxtype, info->attrs[type], policy,
			       info->extack);
	if (err)
		return err;
	return gw_nest_need(info, type, tb, need);
}

/* Names are compared with device names, so they must be possible ones. */
int gw_check_ifname(const struct nlattr *attr, struct netlink_ext_ack *extack)
{
	if (!dev_valid_name(nla_data(attr))) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "invalid interface name");
		return -EINVAL;
	}
	return 0;
}
