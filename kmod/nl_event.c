// SPDX-License-Identifier: GPL-2.0
/*
 * Sending events ("gwctl monitor"): the GW_CMD_EVENT header with the
 * event's type and its number in the namespace, and the multicast on the
 * "events" group.  What an event carries beyond that is built next to its
 * object (gw_notify_zone() in nl_zone.c, ...); the group itself, and why a
 * namespace owned by another user namespace gets no events, are in
 * netlink.c.
 */
#include <linux/atomic.h>
#include <linux/stringify.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>

#include "netlink_priv.h"

/*
 * Would an event of @gn on @group reach anyone?  Asked before building
 * one, on the packet path too (drop events, flow events): a few loads.
 * Outside a request, only under rcu_read_lock(), which keeps the family
 * registered while gw_genl_live is seen set (its group numbers are
 * assigned with it).
 *
 * genl_has_listeners() is no answer on its own: 6.1's
 * netlink_has_listeners() tests nl_table[NETLINK_GENERIC].listeners,
 * which netlink_update_listeners() builds from the sockets of every
 * namespace, so a socket joining the group anywhere (root of its own
 * user namespace may, genl_bind() asks only that namespace's owner)
 * would make every namespace build events for nobody.  It stays as the
 * first test, the cheapest way to learn that nobody listens at all; then
 * the groups this namespace's own sockets subscribed to (GW_CMD_SUBSCRIBE).
 */
bool gw_event_wanted(struct gw_net *gn, unsigned int group)
{
	return READ_ONCE(gw_genl_live) && gn->net->user_ns == &init_user_ns &&
	       genl_has_listeners(&gw_genl_family, gn->net, group) &&
	       READ_ONCE(gn->event_groups) & BIT(group);
}

/*
 * GW_CMD_SUBSCRIBE: the sender's socket listens to the group GW_A_MCGRP
 * names, until it is released (gw_event_release()).  6.1 gives a
 * family no hook when a socket joins or leaves one of its groups
 * (genl_bind() only checks the permission, and generic netlink has no
 * unbind), so gwctl says so itself, before it joins.  A subscriber that
 * never joins, or leaves without closing, only makes its own namespace
 * build events nobody reads: it needed CAP_NET_ADMIN to subscribe.
 */
int gw_subscribe_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_net *gn = gw_info_net(info);
	const struct nlattr *attr;
	unsigned int group;
	bool added;

	if (GENL_REQ_ATTR_CHECK(info, GW_A_MCGRP))
		return -EINVAL;
	attr = info->attrs[GW_A_MCGRP];
	for (group = 0; group < gw_genl_family.n_mcgrps; group++)
		if (!nla_strcmp(attr, gw_genl_family.mcgrps[group].name))
			break;
	if (group == gw_genl_family.n_mcgrps) {
		NL_SET_ERR_MSG_ATTR(info->extack, attr,
				    "no such multicast group");
		return -ENOENT;
	}
	mutex_lock(&gn->lock);
	added = gw_listeners_add(&gn->listeners, info->snd_portid, BIT(group));
	WRITE_ONCE(gn->event_groups, gn->listeners.groups);
	mutex_unlock(&gn->lock);
	if (!added) {
		NL_SET_ERR_MSG(info->extack,
			       "too many subscribers in this namespace (" __stringify(GW_LISTENERS_MAX) ")");
		return -ENOSPC;
	}
	return 0;
}

/* @portid's socket is released (closed, or its process killed). */
void gw_event_release(struct gw_net *gn, u32 portid)
{
	mutex_lock(&gn->lock);
	if (gw_listeners_release(&gn->listeners, portid))
		WRITE_ONCE(gn->event_groups, gn->listeners.groups);
	mutex_unlock(&gn->lock);
}

/* ... on the events group ("gwctl monitor") */
bool gw_event_listening(struct gw_net *gn)
{
	return gw_event_wanted(gn, GW_MCGRP_EVENTS);
}

/* A GW_CMD_EVENT of @size bytes of attributes, with its GW_A_EVENT. */
struct sk_buff *gw_event_new(u8 event, size_t size, gfp_t gfp, void **hdr)
{
	struct sk_buff *msg = genlmsg_new(size, gfp);

	if (!msg)
		return NULL;
	*hdr = genlmsg_put(msg, 0, 0, &gw_genl_family, 0, GW_CMD_EVENT);
	if (!*hdr || nla_put_u8(msg, GW_A_EVENT, event)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

static struct sk_buff *__gw_event_start(struct gw_net *gn, u8 event,
					void **hdr, size_t size, gfp_t gfp)
{
	struct sk_buff *msg;
	u64 seq;

	if (!gw_event_listening(gn))
		return NULL;
	/* numbered first: an event lost to a failure leaves its gap */
	seq = atomic64_inc_return(&gn->event_seq);
	msg = gw_event_new(event, size, gfp, hdr);
	if (!msg)
		return NULL;
	if (nla_put_u64_64bit(msg, GW_A_EVENT_SEQ, seq, GW_A_PAD)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* An event under way, or NULL when nobody listens (or out of memory). */
struct sk_buff *gw_event_start(struct gw_net *gn, u8 event, void **hdr)
{
	return __gw_event_start(gn, event, hdr, NLMSG_GOODSIZE, GFP_KERNEL);
}

void gw_event_send(struct gw_net *gn, struct sk_buff *msg, void *hdr)
{
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&gw_genl_family, gn->net, msg, 0,
				GW_MCGRP_EVENTS, GFP_KERNEL);
}

/*
 * An event from outside a netlink request (the collector's, the packet
 * path's): only while the family is registered, so under rcu_read_lock()
 * (gw_genl_live), and so atomic, in a message of @size bytes.  @fill adds
 * what it carries; nonzero drops it.  False when it was not sent.
 */
bool gw_event_async(struct gw_net *gn, u8 event, size_t size,
		    int (*fill)(struct sk_buff *msg, const void *arg),
		    const void *arg)
{
	struct sk_buff *msg;
	bool sent = false;
	void *hdr;

	rcu_read_lock();
	msg = __gw_event_start(gn, event, &hdr, size, GFP_ATOMIC);
	if (!msg)
		goto out;
	if (fill(msg, arg)) {
		nlmsg_free(msg);
		goto out;
	}
	genlmsg_end(msg, hdr);
	sent = !genlmsg_multicast_netns(&gw_genl_family, gn->net, msg, 0,
					GW_MCGRP_EVENTS, GFP_ATOMIC);
out:
	rcu_read_unlock();
	return sent;
}

void gw_notify(struct gw_net *gn, u8 event)
{
	struct sk_buff *msg;
	void *hdr;

	msg = gw_event_start(gn, event, &hdr);
	if (msg)
		gw_event_send(gn, msg, hdr);
}

void gw_notify_u32(struct gw_net *gn, u8 event, int type, u32 value)
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
