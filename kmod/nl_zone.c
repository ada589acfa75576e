// SPDX-License-Identifier: GPL-2.0
/* Interfaces and their zones (zones.c): set, delete, dump, and their events. */
#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "zones.h"

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

int gw_iface_set(struct sk_buff *skb, struct genl_info *info)
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

int gw_iface_del(struct sk_buff *skb, struct genl_info *info)
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

int gw_iface_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	struct net_device *dev;
	unsigned int i;
	void *hdr;

	mutex_lock(&gn->lock);
	/* resumed by position: a change between messages sets DUMP_INTR */
	cb->seq = gn->zones.gen + 1;
	for (i = cb->args[0]; i < gn->zones.count; i++) {
		const struct gw_zone_cfg *cfg = &gn->zones.cfg[i];
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
