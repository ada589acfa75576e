// SPDX-License-Identifier: GPL-2.0
/*
 * Scan detection: the tracker of a namespace (core/scan.c scores), fed by
 * the inbound hook with the probes it dropped for want of a flow or a
 * rule, and the worker that acts on a detection: an event and a log line,
 * and under scan_action block a timed block entry, reason scan, unless
 * the source is one that must never be blocked.
 *
 * The packet path takes one set's spinlock, and only for such a drop;
 * whatever needs process context (the never-block checks, which may walk
 * the flow table, and the blocklist's copy under gn->lock) is the
 * worker's, fed through a short queue.
 */
#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/siphash.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/route.h>

#include "pernet.h"
#include "scan.h"
#include "netlink_priv.h"
#include "core/rule.h"
#include "core/ticks.h"

static void gw_scan_worker(struct work_struct *work);

void gw_scan_init(struct gw_net *gn)
{
	gn->scan.sets = NULL;
	spin_lock_init(&gn->scan.queue_lock);
	gn->scan.rate_start = jiffies;
	INIT_WORK(&gn->scan.work, gw_scan_worker);
}

/* With the flow table (gw_net_activate_locked()), charged to the caller. */
int gw_scan_alloc(struct gw_net *gn)
{
	struct gw_scan_gone *gone;
	struct gw_scan_set *sets;
	unsigned int i;

	gone = kvzalloc(sizeof(*gone), GFP_KERNEL_ACCOUNT);
	if (!gone)
		return -ENOMEM;
	sets = kvcalloc(GW_SCAN_SETS, sizeof(*sets), GFP_KERNEL_ACCOUNT);
	if (!sets) {
		kvfree(gone);
		return -ENOMEM;
	}
	for (i = 0; i < GW_SCAN_SETS; i++)
		spin_lock_init(&sets[i].lock);
	gone->rotated = (u32)jiffies;
	/* published before the table is: the hooks see a wan zone after */
	gn->scan.gone = gone;
	gn->scan.sets = sets;
	return 0;
}

/* No hook runs any more (.pre_exit and a grace period, or never ran). */
void gw_scan_exit(struct gw_net *gn)
{
	cancel_work_sync(&gn->scan.work);
}

/* The table is gone too (gw_flowtable_exit()): nothing calls in now. */
void gw_scan_free(struct gw_net *gn)
{
	kvfree(gn->scan.sets);
	gn->scan.sets = NULL;
	kvfree(gn->scan.gone);
	gn->scan.gone = NULL;
}

void gw_scan_flow_gone(struct gw_net *gn, const struct gw_flow *flow,
		       u32 hash)
{
	/* only inbound stragglers are judged: TCP ones */
	if (flow->key.proto == IPPROTO_TCP && gn->scan.gone)
		gw_scan_gone_note(gn->scan.gone, hash);
}

/* The collector is the only one to rotate. */
void gw_scan_gc(struct gw_net *gn)
{
	if (gn->scan.gone)
		gw_scan_gone_rotate(gn->scan.gone, (u32)jiffies,
				    GW_SCAN_GONE_WINDOW);
}

/*
 * A TCP segment of no flow: an ACK probe (nmap -sA, -sW), or the late
 * packet of a flow that just went, or a reset, which do not score.
 */
static bool gw_scan_straggler_pkt(struct gw_net *gn, const struct gw_pkt *pkt)
{
	struct gw_flow_key key;

	gw_flow_key_from_pkt(&key, pkt);
	if (!gw_scan_straggler(gn->scan.gone, pkt->tcp_flags,
			       gw_flow_hash(gn, &key)))
		return false;
	gw_count(gn, GW_CTR_SCAN_STRAGGLER);
	return true;
}

static u32 gw_scan_set_of(struct gw_net *gn, u8 family,
			  const union gw_addr *src)
{
	struct {
		union gw_addr src;
		u32 family;
	} key = { .src = *src, .family = family };

	return siphash(&key, sizeof(key), &gn->table.hash_key) &
	       (GW_SCAN_SETS - 1);
}

static bool gw_scan_enqueue(struct gw_net *gn, const struct gw_scan_report *r)
{
	struct gw_scan *scan = &gn->scan;
	bool queued = false;

	spin_lock(&scan->queue_lock);
	if (time_after_eq(jiffies, scan->rate_start + HZ)) {
		scan->rate_start = jiffies;
		scan->rate_count = 0;
	}
	if (scan->queue_len < GW_SCAN_QUEUE &&
	    scan->rate_count < GW_SCAN_RATE) {
		scan->queue[(scan->queue_head + scan->queue_len) %
			    GW_SCAN_QUEUE] = *r;
		scan->queue_len++;
		scan->rate_count++;
		queued = true;
	}
	spin_unlock(&scan->queue_lock);
	return queued;
}

/*
 * From the inbound hook, under RCU with BHs off: score the probe @pkt, of
 * @skb, dropped for @reason.  Bounded: one set of GW_SCAN_WAYS entries.
 */
void __gw_scan_drop(struct gw_net *gn, const struct sk_buff *skb,
		    const struct gw_pkt *pkt, u8 reason)
{
	struct gw_scan_cfg cfg = {
		.threshold = gw_tunable(gn, GW_TUN_SCAN_THRESHOLD),
		.delay = msecs_to_jiffies(gw_tunable(gn, GW_TUN_SCAN_DELAY_MS)),
		.weight_low = gw_tunable(gn, GW_TUN_SCAN_WEIGHT_LOW),
		.weight_high = gw_tunable(gn, GW_TUN_SCAN_WEIGHT_HIGH),
	};
	struct gw_scan_report r;
	struct gw_scan_probe probe = {
		.dst = pkt->daddr,
		.port = pkt->dport,
		.proto = pkt->proto,
		.impossible = gw_scan_impossible(reason),
	};
	struct gw_scan_entry *e = NULL;
	struct gw_scan_set *set;
	bool queued = false, unqueued = false;
	u32 idx;

	if (unlikely(!gn->scan.sets))
		return;
	if (reason == GW_CTR_DROP_TCP_NO_FLOW && gw_scan_straggler_pkt(gn, pkt))
		return;
	gw_scan_source(&probe, pkt->family, &pkt->saddr);
	idx = gw_scan_set_of(gn, probe.family, &probe.src);
	set = &gn->scan.sets[idx];

	spin_lock(&set->lock);
	if (gw_scan_observe(set->entry, GW_SCAN_WAYS, &cfg, &probe,
			    (u32)jiffies, &e) == GW_SCAN_DETECTED) {
		r = (struct gw_scan_report){
			.src = probe.src, .addr = pkt->saddr,
			.score = e->score, .set = idx,
			.family = probe.family, .strikes = e->strikes,
			.hdr_len = min_t(unsigned int, sizeof(r.hdr),
					 skb->len - skb_network_offset(skb)),
		};
		if (skb_copy_bits(skb, skb_network_offset(skb), r.hdr,
				  r.hdr_len))
			r.hdr_len = 0;
		queued = gw_scan_enqueue(gn, &r);
		/* no room: its next new probe reports it again */
		if (!queued) {
			e->detected = 0;
			unqueued = true;
		}
	}
	spin_unlock(&set->lock);
	if (queued)
		queue_work(system_wq, &gn->scan.work);
	if (unqueued)
		gw_count(gn, GW_CTR_SCAN_UNQUEUED);
}

static u8 gw_scan_plen(u8 family)
{
	return family == AF_INET6 ? 64 : 32;
}

/* Loopback, multicast, broadcast, unspecified, this host's: IPv4. */
static int gw_scan_spared_v4(struct gw_net *gn, __be32 a)
{
	struct net_device *dev;

	if (ipv4_is_loopback(a) || ipv4_is_multicast(a) ||
	    ipv4_is_lbcast(a) || ipv4_is_zeronet(a))
		return GW_SCAN_SPARED_SPECIAL;
	switch (inet_addr_type(gn->net, a)) {
	case RTN_LOCAL:
		return GW_SCAN_SPARED_OWN;
	case RTN_BROADCAST:
	case RTN_MULTICAST:
		return GW_SCAN_SPARED_SPECIAL;
	}
	/* a prefix of a lan interface (every interface not wan) */
	rcu_read_lock();
	for_each_netdev_rcu(gn->net, dev) {
		struct in_device *in_dev;
		const struct in_ifaddr *ifa;

		if (gw_is_wan(&gn->zones, dev->ifindex))
			continue;
		in_dev = __in_dev_get_rcu(dev);
		if (!in_dev)
			continue;
		in_dev_for_each_ifa_rcu(ifa, in_dev) {
			if (inet_ifa_match(a, ifa)) {
				rcu_read_unlock();
				return GW_SCAN_SPARED_LAN;
			}
		}
	}
	rcu_read_unlock();
	return -1;
}

/*
 * The addresses of @idev against the /64 @key: one of them in it (this
 * host's), or, on a lan interface (@lan), a prefix overlapping it.
 * Under RCU; takes @idev's lock, as ipv6_chk_prefix() does.
 */
static int gw_scan_spared_idev(struct inet6_dev *idev,
			       const struct in6_addr *key, bool lan)
{
	const struct inet6_ifaddr *ifp;
	int spared = -1;

	read_lock_bh(&idev->lock);
	list_for_each_entry(ifp, &idev->addr_list, if_list) {
		if (ipv6_prefix_equal(&ifp->addr, key, 64)) {
			spared = GW_SCAN_SPARED_OWN;
			break;
		}
		if (lan && ipv6_prefix_equal(&ifp->addr, key,
					     min_t(int, ifp->prefix_len, 64))) {
			spared = GW_SCAN_SPARED_LAN;
			break;
		}
	}
	read_unlock_bh(&idev->lock);
	return spared;
}

/*
 * IPv6: the packet's address @a and the /64 @key that would be blocked:
 * no address of this host in it, no lan prefix overlapping it.
 */
static int gw_scan_spared_v6(struct gw_net *gn, const struct in6_addr *a,
			     const struct in6_addr *key)
{
	struct net_device *dev;
	int spared = -1;

	if (ipv6_addr_loopback(a) || ipv6_addr_is_multicast(a) ||
	    ipv6_addr_any(a))
		return GW_SCAN_SPARED_SPECIAL;
	rcu_read_lock();
	for_each_netdev_rcu(gn->net, dev) {
		struct inet6_dev *idev = __in6_dev_get(dev);

		if (!idev)
			continue;
		spared = gw_scan_spared_idev(idev, key,
					     !gw_is_wan(&gn->zones,
							dev->ifindex));
		if (spared >= 0)
			break;
	}
	rcu_read_unlock();
	return spared;
}

struct gw_scan_inside_arg {
	struct gw_net *gn;
	const struct gw_scan_report *r;
	u32 now;
	u8 plen;
};

/* A live flow opened from inside whose outside end is in the source. */
static bool gw_scan_inside_flow(const struct gw_flow *flow, void *arg)
{
	const struct gw_scan_inside_arg *a = arg;
	const union gw_addr *addr;
	u16 port;

	if (flow->key.family != a->r->family ||
	    (READ_ONCE(flow->flags) & GW_FLOW_INBOUND) || gw_flow_closed(flow))
		return false;
	gw_flow_responder(flow, &addr, &port);
	return gw_prefix_match(addr, &a->r->src, a->plen) &&
	       !gw_flow_expired(a->gn, flow, a->now);
}

/* Why @r's source must not be blocked (enum gw_scan_spared), or -1. */
static int gw_scan_spared(struct gw_net *gn, const struct gw_scan_report *r)
{
	struct gw_scan_inside_arg arg = {
		.gn = gn, .r = r, .now = (u32)jiffies,
		.plen = gw_scan_plen(r->family),
	};
	int spared;

	if (r->family == AF_INET)
		spared = gw_scan_spared_v4(gn, r->addr.ip);
	else
		spared = gw_scan_spared_v6(gn, (const struct in6_addr *)&r->addr,
					   (const struct in6_addr *)&r->src);
	if (spared >= 0)
		return spared;
	if (gw_never_block_match(gn, r->family, &r->addr) ||
	    gw_never_block_match(gn, r->family, &r->src))
		return GW_SCAN_SPARED_NEVER;
	if (gw_flowtable_any(gn, gw_scan_inside_flow, &arg))
		return GW_SCAN_SPARED_INSIDE;
	return -1;
}

struct gw_scan_event {
	const struct gw_scan_report *r;
	u32 timeout;		/* a block's, or 0 */
	int spared;		/* enum gw_scan_spared, or -1 */
};

static int gw_scan_event_fill(struct sk_buff *msg, const void *arg)
{
	const struct gw_scan_event *ev = arg;
	struct gw_block_entry e = {
		.addr = ev->r->src, .family = ev->r->family,
		.plen = gw_scan_plen(ev->r->family),
		.timed = !!ev->timeout, .timeout = ev->timeout,
		.reason = ev->timeout ? GW_BLOCK_REASON_SCAN : 0,
	};

	if (gw_block_fill(msg, GW_BLOCK_KIND_BLOCK, &e, ev->timeout, NULL) ||
	    nla_put_u32(msg, GW_A_SCAN_SCORE, ev->r->score))
		return -EMSGSIZE;
	if (ev->spared >= 0 && nla_put_u8(msg, GW_A_SCAN_SPARED, ev->spared))
		return -EMSGSIZE;
	return 0;
}

/*
 * One more block for the source of @r, if its entry is still there; a new
 * round for when it is let in again (by expiry or by an admin).
 */
static void gw_scan_strike(struct gw_net *gn, const struct gw_scan_report *r)
{
	struct gw_scan_set *set = &gn->scan.sets[r->set];
	struct gw_scan_entry *e;

	spin_lock_bh(&set->lock);
	e = gw_scan_find(set->entry, GW_SCAN_WAYS, r->family, &r->src);
	if (e)
		gw_scan_blocked(e, (u32)jiffies);
	spin_unlock_bh(&set->lock);
}

static void gw_scan_handle(struct gw_net *gn, const struct gw_scan_report *r)
{
	struct gw_scan_event ev = { .r = r, .spared = -1 };
	u8 plen = gw_scan_plen(r->family);
	bool block, blocked;
	u32 timeout = 0;
	int err = 0;

	/*
	 * Blocked already (its flag-less or XMAS probes are judged before
	 * the blocklist is asked): nothing new to say or do.
	 */
	rcu_read_lock();
	blocked = gw_block_addr(gn, r->family, &r->addr);
	rcu_read_unlock();
	if (blocked)
		return;
	gw_count(gn, GW_CTR_SCAN_DETECTED);
	block = gw_tunable(gn, GW_TUN_SCAN_ACTION) == GW_SCAN_ACTION_BLOCK;
	if (block)
		ev.spared = gw_scan_spared(gn, r);
	if (block && ev.spared < 0) {
		timeout = gw_scan_block_seconds(gw_tunable(gn, GW_TUN_SCAN_BLOCK_SECONDS),
						gw_tunable(gn, GW_TUN_SCAN_BLOCK_MAX_SECONDS),
						r->strikes);
		err = gw_block_add(gn, GW_BLOCK_KIND_BLOCK, r->family, &r->src,
				   plen, timeout, GW_BLOCK_REASON_SCAN, NULL);
		/* no room in the lists: left alone, as a spared source is */
		if (err == -ENOSPC)
			ev.spared = GW_SCAN_SPARED_FULL;
	}
	if (ev.spared >= 0)
		gw_count(gn, GW_CTR_SCAN_SPARED);
	gw_event_async(gn, GW_EVENT_SCAN_DETECTED, NLMSG_GOODSIZE,
		       gw_scan_event_fill, &ev);
	gw_nflog_event(gn, r->family, r->hdr, r->hdr_len,
		       "gw scan detected score %u ", r->score);
	if (r->family == AF_INET)
		net_info_ratelimited("gatewarden: scan from %pI4, score %u\n",
				     &r->src.ip, r->score);
	else
		net_info_ratelimited("gatewarden: scan from %pI6c/64, score %u\n",
				     &r->src, r->score);
	/* -EEXIST: blocked already, by an admin or by a detection just before */
	if (!block || ev.spared >= 0 || err)
		return;
	gw_scan_strike(gn, r);
	gw_count(gn, GW_CTR_SCAN_BLOCKED);
	ev.timeout = timeout;
	gw_event_async(gn, GW_EVENT_SCAN_BLOCKED, NLMSG_GOODSIZE,
		       gw_scan_event_fill, &ev);
	gw_nflog_event(gn, r->family, r->hdr, r->hdr_len,
		       "gw scan blocked %us ", timeout);
}

static void gw_scan_worker(struct work_struct *work)
{
	struct gw_net *gn = container_of(work, struct gw_net, scan.work);
	struct gw_scan *scan = &gn->scan;
	struct gw_scan_report r;

	for (;;) {
		spin_lock_bh(&scan->queue_lock);
		if (!scan->queue_len) {
			spin_unlock_bh(&scan->queue_lock);
			break;
		}
		r = scan->queue[scan->queue_head];
		scan->queue_head = (scan->queue_head + 1) % GW_SCAN_QUEUE;
		scan->queue_len--;
		spin_unlock_bh(&scan->queue_lock);
		gw_scan_handle(gn, &r);
		cond_resched();
	}
}
