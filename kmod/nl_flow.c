// SPDX-License-Identifier: GPL-2.0
/* Flows (flowtable.c): the conn dump and flush, and the filter both take. */
#include <linux/jiffies.h>
#include <linux/sched.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "flowtable.h"
#include "netlink.h"

/* Buckets a conn dump walks between two chances to reschedule. */
#define GW_DUMP_RESCHED_EVERY	256

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

/*
 * synproxy auto engaged or disengaged for a destination (synproxy_auto.c):
 * the destination, as a conn has one.
 */
struct gw_synproxy_dst {
	const union gw_addr *addr;
	u16 port;
	u8 family;
};

static int gw_synproxy_dst_fill(struct sk_buff *msg, const void *arg)
{
	const struct gw_synproxy_dst *d = arg;
	struct nlattr *nest = nla_nest_start(msg, GW_A_CONN);

	if (!nest || nla_put_u8(msg, GW_CONN_A_FAMILY, d->family) ||
	    nla_put_u8(msg, GW_CONN_A_PROTO, IPPROTO_TCP) ||
	    gw_put_addr(msg, GW_CONN_A_DST, d->family, d->addr) ||
	    nla_put_u16(msg, GW_CONN_A_DPORT, d->port))
		return -EMSGSIZE;
	nla_nest_end(msg, nest);
	return 0;
}

void gw_notify_synproxy(struct gw_net *gn, u8 event, u8 family,
			const union gw_addr *addr, u16 port)
{
	struct gw_synproxy_dst d = {
		.addr = addr, .port = port, .family = family,
	};

	gw_event_async(gn, event, NLMSG_GOODSIZE, gw_synproxy_dst_fill, &d);
}

int gw_conn_fill(struct sk_buff *skb, struct gw_net *gn,
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
	if (READ_ONCE(flow->proxy))
		flags |= GW_CONN_F_SYNPROXY;

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

/* An address to match, in @attr: none (no @attr) matches every flow. */
static int gw_filter_addr(const struct nlattr *attr, u8 family,
			  union gw_addr *addr, bool *has,
			  struct netlink_ext_ack *extack)
{
	if (!attr)
		return 0;
	*has = true;
	if (!family) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "an address needs the family");
		return -EINVAL;
	}
	return gw_get_addr(attr, family, addr, extack);
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
	err = gw_filter_addr(tb[GW_CONN_A_SRC], f->family, &f->src,
			     &f->has_src, extack);
	if (err)
		return err;
	err = gw_filter_addr(tb[GW_CONN_A_DST], f->family, &f->dst,
			     &f->has_dst, extack);
	if (err)
		return err;
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
int gw_conn_dump(struct sk_buff *skb, struct netlink_callback *cb)
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
	nbuckets = gw_flowtable_active(gn) ? gn->table.nbuckets : 0;
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
		hlist_for_each_entry_rcu(flow, &gn->table.buckets[bucket],
					 node) {
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

int gw_conn_flush_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct gw_flow_filter filter;
	int err;

	if (!info->attrs[GW_A_CONN]) {
		gw_flowtable_flush(gw_info_net(info), GW_FLOW_END_FLUSHED);
		return 0;
	}
	err = gw_flow_filter_parse(info->attrs[GW_A_CONN], &filter,
				   info->extack);
	if (err)
		return err;
	gw_flowtable_flush_filtered(gw_info_net(info), &filter);
	return 0;
}
