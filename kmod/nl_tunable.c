// SPDX-License-Identifier: GPL-2.0
/* Tunables (tunables.c): set, dump, and a GW_A_TUNABLE nest checked. */
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "tunables.h"
#include "nflog.h"

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

/*
 * The tunable and value of a GW_A_TUNABLE nest, checked against the
 * tunable's range: its index, or a negative errno with the extack set.
 */
int gw_tunable_from_attr(struct genl_info *info, u32 *value)
{
	static const u16 need[] = { GW_TUNABLE_A_NAME, GW_TUNABLE_A_VALUE, 0 };
	struct nlattr *tb[GW_TUNABLE_A_MAX + 1];
	const struct gw_tunable_def *def;
	u64 v;
	int err, id;

	err = gw_parse_nest(info, GW_A_TUNABLE, tb, GW_TUNABLE_A_MAX,
			    gw_tunable_policy, need);
	if (err)
		return err;
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

int gw_tunable_set_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn;
	u32 value;
	int id;

	id = gw_tunable_from_attr(info, &value);
	if (id < 0)
		return id;
	gn = gw_info_net(info);
	mutex_lock(&gn->lock);
	if (id == GW_TUN_TRACE_SIZE) {
		struct gw_trace_ring *ring;
		int err = gw_trace_prepare_locked(gn, value, &ring);

		if (err) {
			mutex_unlock(&gn->lock);
			NL_SET_ERR_MSG(info->extack,
				       "out of memory for the drop trace");
			return err;
		}
		gw_trace_publish_locked(gn, ring);
	}
	WRITE_ONCE(gn->tunables[id], value);
	mutex_unlock(&gn->lock);
	/* log_drops on or off: nfnetlink_log's logger got or put */
	gw_nflog_sync(gn);
	gw_notify_tunable(gn, gw_tunable_defs[id].name, value);
	return 0;
}

int gw_tunable_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
