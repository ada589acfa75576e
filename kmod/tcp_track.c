// SPDX-License-Identifier: GPL-2.0
/*
 * TCP across a wan interface: the glue between the flow table and the
 * plain-C state machine.  Inbound, nothing opens without an allow rule;
 * outbound, a SYN opens a flow whose replies may then come back in.
 */
#include <linux/netfilter.h>

#include "tcp_track.h"
#include "flowtable.h"
#include "rules.h"
#include "core/tcp.h"

/* Run @pkt through @flow's state machine; NF_DROP if it does not fit. */
static enum gw_tcp_verdict gw_tcp_step(struct gw_net *gn,
				       struct gw_flow *flow,
				       const struct gw_pkt *pkt,
				       bool src_first)
{
	enum gw_dir dir = gw_flow_dir(flow, src_first);
	enum gw_tcp_verdict verdict;

	spin_lock_bh(&flow->lock);
	verdict = gw_tcp_track(&flow->tcp, pkt, dir);
	if (verdict == GW_TCP_ACCEPT) {
		flow->packets[dir]++;
		WRITE_ONCE(flow->last_seen, (u32)jiffies);
	}
	spin_unlock_bh(&flow->lock);
	if (verdict == GW_TCP_INVALID)
		gw_count(gn, GW_CTR_DROP_TCP_INVALID);
	return verdict;
}

static unsigned int gw_tcp_handle(struct gw_net *gn, const struct gw_pkt *pkt,
				  const struct net_device *in)
{
	bool inbound = in;
	struct gw_flow_key key;
	enum gw_counter why;
	struct gw_flow *flow;
	bool src_first, raced;
	u32 hash;
	u8 flags;

	if (!gw_tcp_flags_valid(pkt->tcp_flags)) {
		gw_count(gn, GW_CTR_DROP_TCP_BAD_FLAGS);
		return NF_DROP;
	}

	src_first = gw_flow_key_from_pkt(&key, pkt);
	hash = gw_flow_hash(gn, &key);
	flow = gw_flow_lookup(gn, &key, hash);
	if (flow) {
		switch (gw_tcp_step(gn, flow, pkt, src_first)) {
		case GW_TCP_ACCEPT:
			return NF_ACCEPT;
		case GW_TCP_INVALID:
			return NF_DROP;
		case GW_TCP_REOPEN:
			break;	/* a new connection: judged below */
		}
	}

	if (!gw_tcp_is_pure_syn(pkt->tcp_flags)) {
		if (inbound) {
			gw_count(gn, GW_CTR_DROP_TCP_NO_FLOW);
			return NF_DROP;
		}
		/*
		 * Strict pickup: an inside host's segment of a connection we
		 * do not know opens nothing, but it is its own business to
		 * send it.
		 */
		gw_count(gn, GW_CTR_OUT_UNTRACKED);
		return NF_ACCEPT;
	}

	flags = src_first ? GW_FLOW_ORIG_FIRST : 0;
	if (inbound) {
		if (!gw_rules_match(gn, pkt, in->name)) {
			gw_count(gn, GW_CTR_DROP_PASSIVE_DENIED);
			return NF_DROP;
		}
		gw_count(gn, GW_CTR_RULE_ACCEPTED);
		flags |= GW_FLOW_INBOUND;
	}

	flow = gw_flow_add(gn, &key, hash, flags, pkt, &why, &raced);
	if (!flow) {
		gw_count(gn, why);
		return NF_DROP;
	}
	/*
	 * Another CPU created the flow first (a retransmitted SYN racing the
	 * original): the packet is one more segment of that flow.
	 */
	if (raced && gw_tcp_step(gn, flow, pkt, src_first) != GW_TCP_ACCEPT)
		return NF_DROP;
	return NF_ACCEPT;
}

unsigned int gw_tcp_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			    const struct net_device *in)
{
	return gw_tcp_handle(gn, pkt, in);
}

unsigned int gw_tcp_outbound(struct gw_net *gn, const struct gw_pkt *pkt)
{
	return gw_tcp_handle(gn, pkt, NULL);
}
