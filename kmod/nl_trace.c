// SPDX-License-Identifier: GPL-2.0
/*
 * The drop trace dumped (GW_CMD_TRACE_GET) and a drop sent as an event
 * (GW_EVENT_DROP): one GW_A_TRACE nest, filled here for both.
 */
#include <linux/netdevice.h>
#include <net/genetlink.h>

#include "netlink_priv.h"
#include "trace.h"
#include "core/icmp.h"

/* A GW_EVENT_DROP: the event header and a nest of at most 200 bytes. */
#define GW_TRACE_EVENT_SIZE	320

/* @seq: the drop's number in the trace, 0 in an event (which has @lost) */
static int gw_trace_fill(struct sk_buff *skb, struct net *net,
			 const struct gw_trace_rec *rec, u64 seq,
			 const u64 *lost)
{
	const struct net_device *dev;
	struct nlattr *nest;

	nest = nla_nest_start(skb, GW_A_TRACE);
	if (!nest)
		return -EMSGSIZE;
	if ((seq && nla_put_u64_64bit(skb, GW_TRACE_A_SEQ, seq,
				      GW_TRACE_A_PAD)) ||
	    nla_put_u64_64bit(skb, GW_TRACE_A_TIME, rec->time,
			      GW_TRACE_A_PAD) ||
	    nla_put_u32(skb, GW_TRACE_A_REASON, rec->reason) ||
	    nla_put_u8(skb, GW_TRACE_A_WAY, rec->way) ||
	    nla_put_u32(skb, GW_TRACE_A_IFINDEX, rec->ifindex) ||
	    nla_put_u8(skb, GW_TRACE_A_FAMILY, rec->family) ||
	    nla_put_u8(skb, GW_TRACE_A_PROTO, rec->proto) ||
	    gw_put_addr(skb, GW_TRACE_A_SRC, rec->family, &rec->saddr) ||
	    gw_put_addr(skb, GW_TRACE_A_DST, rec->family, &rec->daddr) ||
	    (rec->rule && nla_put_u32(skb, GW_TRACE_A_RULE, rec->rule)) ||
	    (lost && nla_put_u64_64bit(skb, GW_TRACE_A_LOST, *lost,
				       GW_TRACE_A_PAD)))
		goto cancel;
	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, rec->ifindex);
	if (dev && nla_put_string(skb, GW_TRACE_A_IFNAME, dev->name)) {
		rcu_read_unlock();
		goto cancel;
	}
	rcu_read_unlock();
	if (rec->fragment) {
		if (nla_put_flag(skb, GW_TRACE_A_FRAGMENT))
			goto cancel;
	} else if (gw_icmp_proto(rec->family, rec->proto)) {
		if (nla_put_u8(skb, GW_TRACE_A_ICMP_TYPE, rec->icmp_type) ||
		    nla_put_u8(skb, GW_TRACE_A_ICMP_CODE, rec->icmp_code))
			goto cancel;
	} else if (rec->proto == IPPROTO_TCP || rec->proto == IPPROTO_UDP) {
		if (nla_put_u16(skb, GW_TRACE_A_SPORT, rec->sport) ||
		    nla_put_u16(skb, GW_TRACE_A_DPORT, rec->dport) ||
		    (rec->proto == IPPROTO_TCP &&
		     nla_put_u8(skb, GW_TRACE_A_TCP_FLAGS, rec->tcp_flags)))
			goto cancel;
	}
	nla_nest_end(skb, nest);
	return 0;

cancel:
	nla_nest_cancel(skb, nest);
	return -EMSGSIZE;
}

struct gw_trace_event {
	struct net *net;
	const struct gw_trace_rec *rec;
	u64 lost;
};

static int gw_trace_event_fill(struct sk_buff *msg, const void *arg)
{
	const struct gw_trace_event *ev = arg;

	return gw_trace_fill(msg, ev->net, ev->rec, 0, &ev->lost);
}

/*
 * Send @rec as a GW_EVENT_DROP, with the drops not sent since the last
 * one; from the packet path (trace.c), which took the event's token.
 */
void gw_trace_notify(struct gw_net *gn, const struct gw_trace_rec *rec)
{
	struct gw_trace_event ev = {
		.net = gn->net,
		.rec = rec,
		.lost = atomic_long_xchg(&gn->trace.event_lost, 0),
	};

	if (gw_event_async(gn, GW_EVENT_DROP, GW_TRACE_EVENT_SIZE,
			   gw_trace_event_fill, &ev))
		return;
	/* not sent: it and the ones it carried go to the next event */
	gw_count(gn, GW_CTR_EVENT_DROPS_LOST);
	atomic_long_add(ev.lost + 1, &gn->trace.event_lost);
}

/*
 * The ring as it was when the dump began, oldest first: cb->args[0] is
 * the ring's generation, [1] the next number to send, [2] the last; the
 * drops written over meanwhile are left out.  A ring replaced under the
 * dump (trace_size changed) ends it.
 */
int gw_trace_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct gw_net *gn = gw_cb_net(cb);
	struct gw_trace_ring *ring;
	struct gw_trace_rec rec;
	unsigned long pos;
	void *hdr;

	rcu_read_lock();
	ring = rcu_dereference(gn->trace.ring);
	if (!ring)
		goto out;
	if (!cb->args[0]) {
		unsigned long last = atomic_long_read(&ring->head);

		cb->args[0] = ring->gen;
		cb->args[1] = last > ring->size ? last - ring->size + 1 : 1;
		cb->args[2] = last;
	} else if (cb->args[0] != ring->gen) {
		goto out;
	}
	for (pos = cb->args[1]; pos <= cb->args[2]; pos++) {
		if (!gw_trace_read(ring, pos, &rec))
			continue;
		hdr = gw_dump_put(skb, cb, GW_CMD_TRACE_GET);
		if (!hdr)
			break;
		if (gw_trace_fill(skb, gn->net, &rec, pos, NULL)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
	}
	cb->args[1] = pos;
out:
	rcu_read_unlock();
	return skb->len;
}
