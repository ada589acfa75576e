// SPDX-License-Identifier: GPL-2.0
/*
 * TCP across a wan interface: the glue between the flow table and the
 * plain-C tracker.  Inbound, nothing opens without an allow rule;
 * outbound, a SYN opens a flow whose replies may then come back in.  Every
 * segment of a flow must fit its state and its windows.
 */
#include <linux/netfilter.h>
#include <net/netfilter/ipv4/nf_reject.h>
#include <net/netfilter/ipv6/nf_reject.h>

#include "tcp_track.h"
#include "flowtable.h"
#include "rules.h"
#include "budget.h"
#include "srclimit.h"
#include "reset.h"
#include "blocklist.h"
#include "core/tcp.h"

/* Run @pkt through @flow's tracker and account for the outcome. */
static enum gw_tcp_verdict gw_tcp_step(struct gw_net *gn,
				       struct gw_flow *flow, u32 hash,
				       const struct gw_pkt *pkt,
				       bool src_first, bool *opened)
{
	enum gw_dir dir = gw_flow_dir(flow, src_first);
	enum gw_tcp_verdict verdict;
	bool resynced;
	u8 old, state;

	spin_lock_bh(&flow->lock);
	old = flow->tcp.state;
	verdict = gw_tcp_track(&flow->tcp, pkt, dir);
	state = flow->tcp.state;
	switch (verdict) {
	case GW_TCP_ACCEPT:
	case GW_TCP_ACCEPT_CLOSE:
		WRITE_ONCE(flow->last_seen, (u32)jiffies);
		fallthrough;
	case GW_TCP_ACCEPT_STALE:
		flow->packets[dir]++;
		break;
	default:
		break;
	}
	spin_unlock_bh(&flow->lock);
	/*
	 * A connection the tracker resynchronised (a new one on a stale
	 * entry's tuple) was never in the half-open budgets: it opens when
	 * it reaches ESTABLISHED, unless the old one still counts.
	 */
	resynced = old == GW_TCP_SYN_RECV && state == GW_TCP_ESTABLISHED &&
		   !(READ_ONCE(flow->flags) & GW_FLOW_SRC_COUNTED);
	if (opened)
		*opened = gw_flow_handshake_done(gn, flow) || resynced;
	else
		gw_flow_handshake_done(gn, flow);
	/* a closing connection no longer counts against its source */
	if (unlikely(READ_ONCE(flow->flags) & GW_FLOW_SRC_COUNTED) &&
	    state >= GW_TCP_FIN_WAIT && state <= GW_TCP_CLOSE)
		gw_src_conn_release(gn, flow, hash);

	switch (verdict) {
	case GW_TCP_ACCEPT_STALE:
		gw_count(gn, GW_CTR_TCP_STALE);
		break;
	case GW_TCP_ACCEPT_CLOSE:
		/* refused or aborted before any answer: nothing to keep */
		gw_flow_remove(gn, flow, hash);
		break;
	case GW_TCP_INVALID:
		gw_count(gn, GW_CTR_DROP_TCP_INVALID);
		break;
	case GW_TCP_OUT_OF_WINDOW:
		gw_count(gn, GW_CTR_DROP_OUT_OF_WINDOW);
		break;
	default:
		break;
	}
	return verdict;
}

static unsigned int gw_tcp_nf_verdict(enum gw_tcp_verdict verdict)
{
	switch (verdict) {
	case GW_TCP_ACCEPT:
	case GW_TCP_ACCEPT_STALE:
	case GW_TCP_ACCEPT_CLOSE:
		return NF_ACCEPT;
	default:
		return NF_DROP;
	}
}

/*
 * An inside host sends on a connection we have no flow for (the module was
 * loaded under it, or its flow expired).  Under strict pickup its replies
 * will be dropped, so tell it now with a reset, as the peer would, rather
 * than let it retransmit into silence for minutes.
 */
static void gw_tcp_reset_inside(struct gw_net *gn, const struct gw_pkt *pkt,
				struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	if (pkt->tcp_flags & GW_TCP_RST)
		return;
	if (state->pf == NFPROTO_IPV4)
		nf_send_reset(state->net, state->sk, skb, state->hook);
	else
		nf_send_reset6(state->net, state->sk, skb, state->hook);
	gw_count(gn, GW_CTR_OUT_RESET);
}

/*
 * The inside end of a connection reload_policy closed sends on it: its
 * resets pass (ours among them, toward the outside end), anything else is
 * dropped and answered with a reset, in case ours was lost.  Each try
 * keeps the tombstone, so the tuple stays shut while the end insists.
 */
static unsigned int gw_tcp_closed_outbound(struct gw_net *gn,
					   struct gw_flow *flow,
					   const struct gw_pkt *pkt,
					   struct sk_buff *skb,
					   const struct nf_hook_state *state)
{
	if (pkt->tcp_flags & GW_TCP_RST)
		return NF_ACCEPT;
	WRITE_ONCE(flow->last_seen, (u32)jiffies);
	gw_count(gn, GW_CTR_DROP_POLICY_CLOSED);
	gw_tcp_reset_inside(gn, pkt, skb, state);
	return NF_DROP;
}

/* Admit the flow @tcp describes; NF_DROP if the table has no room. */
static unsigned int gw_tcp_admit(struct gw_net *gn, const struct gw_pkt *pkt,
				 const struct gw_flow_key *key, u32 hash,
				 bool src_first, u8 flags, int in_ifindex,
				 const struct gw_tcp_conn *tcp)
{
	enum gw_counter why;
	struct gw_flow *flow;
	bool raced;

	flow = gw_flow_admit(gn, key, hash, flags, in_ifindex, tcp, &why,
			     &raced);
	if (!flow) {
		gw_count(gn, why);
		return NF_DROP;
	}
	/*
	 * Another CPU created the flow first (a retransmitted SYN racing the
	 * original): the packet is one more segment of that flow.
	 */
	if (raced)
		return gw_tcp_nf_verdict(gw_tcp_step(gn, flow, hash, pkt,
						     src_first, NULL));
	return NF_ACCEPT;
}

/*
 * An inbound connection has just completed its handshake: count it against
 * its source's full-connection limits.  Over one, the completing ACK is
 * dropped, the flow forgotten and the server, which would otherwise hold
 * the connection open, reset as the client would.
 */
static bool gw_tcp_src_admit(struct gw_net *gn, struct gw_flow *flow,
			     u32 hash, const struct gw_pkt *pkt,
			     const struct net_device *in)
{
	struct gw_reset reset;

	if (gw_src_conn_open(gn, flow, hash, gw_rules_find(gn, pkt, in->name)))
		return true;
	gw_count(gn, GW_CTR_DROP_SRC_LIMIT);
	gw_reset_fill(flow, &reset);
	/* the server never got this ACK: it still waits for this seq */
	reset.seq = pkt->seq;
	gw_flow_remove(gn, flow, hash);
	gw_reset_send(gn, &reset);
	return false;
}

unsigned int gw_tcp_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			    const struct net_device *in)
{
	struct gw_flow *flow, *reopened = NULL;
	struct gw_tcp_conn tcp;
	struct gw_flow_key key;
	bool src_first, blocked;
	u32 hash;

	if (!gw_tcp_flags_valid(pkt->tcp_flags)) {
		gw_count(gn, GW_CTR_DROP_TCP_BAD_FLAGS);
		return NF_DROP;
	}
	flow = gw_flow_lookup_inbound(gn, pkt, &key, &hash, &src_first,
				      &blocked);
	if (blocked)
		return NF_DROP;
	if (flow) {
		bool opened = false;
		enum gw_tcp_verdict v;

		/*
		 * A SYN from the outside end of a connection a rule let in
		 * may open a new one on its tuple (REOPEN, or the tracker's
		 * resync on the SYN-ACK): the rules judge it again first.
		 */
		if (unlikely(gw_tcp_is_pure_syn(pkt->tcp_flags)) &&
		    (flow->flags & GW_FLOW_INBOUND) &&
		    gw_flow_dir(flow, src_first) == GW_DIR_ORIGINAL &&
		    !gw_rules_match(gn, pkt, in->name)) {
			gw_count(gn, GW_CTR_DROP_PASSIVE_DENIED);
			return NF_DROP;
		}
		v = gw_tcp_step(gn, flow, hash, pkt, src_first, &opened);
		if (unlikely(opened) && (flow->flags & GW_FLOW_INBOUND) &&
		    !gw_tcp_src_admit(gn, flow, hash, pkt, in))
			return NF_DROP;
		if (v != GW_TCP_REOPEN)
			return gw_tcp_nf_verdict(v);
		reopened = flow;
	}

	/* Nothing from outside is picked up mid-stream, whatever the mode. */
	if (!gw_tcp_is_pure_syn(pkt->tcp_flags)) {
		gw_count(gn, GW_CTR_DROP_TCP_NO_FLOW);
		return NF_DROP;
	}
	if (!gw_rules_match(gn, pkt, in->name)) {
		gw_count(gn, GW_CTR_DROP_PASSIVE_DENIED);
		return NF_DROP;
	}
	if (gw_src_overloaded(gn, pkt)) {
		gw_count(gn, GW_CTR_DROP_OVERLOAD);
		return NF_DROP;
	}
	gw_count(gn, GW_CTR_RULE_ACCEPTED);
	/* the closing connection the SYN replaces (LAST_ACK's is not
	 * replaceable by the table)
	 */
	if (reopened)
		gw_flow_remove(gn, reopened, hash);
	gw_tcp_init(&tcp, pkt);
	return gw_tcp_admit(gn, pkt, &key, hash, src_first,
			    GW_FLOW_INBOUND | (src_first ? GW_FLOW_ORIG_FIRST : 0),
			    in->ifindex, &tcp);
}

unsigned int gw_tcp_outbound(struct gw_net *gn, const struct gw_pkt *pkt,
			     struct sk_buff *skb,
			     const struct nf_hook_state *state)
{
	struct gw_tcp_conn tcp;
	struct gw_flow_key key;
	struct gw_flow *flow;
	bool src_first;
	u32 hash;

	if (!gw_tcp_flags_valid(pkt->tcp_flags)) {
		gw_count(gn, GW_CTR_DROP_TCP_BAD_FLAGS);
		return NF_DROP;
	}
	flow = gw_flow_lookup_pkt(gn, pkt, &key, &hash, &src_first);
	if (flow && gw_flow_closed(flow)) {
		/* a SYN is a new connection; the rest stays shut */
		if (gw_tcp_is_pure_syn(pkt->tcp_flags))
			flow = NULL;
		else
			return gw_tcp_closed_outbound(gn, flow, pkt, skb,
						      state);
	}
	if (flow) {
		enum gw_tcp_verdict v = gw_tcp_step(gn, flow, hash, pkt,
						    src_first, NULL);

		if (v != GW_TCP_REOPEN)
			return gw_tcp_nf_verdict(v);
		/* the closing connection the SYN replaces */
		gw_flow_remove(gn, flow, hash);
	}

	if (gw_tcp_is_pure_syn(pkt->tcp_flags)) {
		gw_tcp_init(&tcp, pkt);
	} else if (gw_tunable(gn, GW_TUN_TCP_PICKUP) == GW_TCP_PICKUP_LOOSE &&
		   gw_tcp_pickup(&tcp, pkt)) {
		gw_count(gn, GW_CTR_FLOW_PICKED_UP);
	} else {
		gw_count(gn, GW_CTR_DROP_OUT_NO_FLOW);
		gw_tcp_reset_inside(gn, pkt, skb, state);
		return NF_DROP;
	}
	return gw_tcp_admit(gn, pkt, &key, hash, src_first,
			    src_first ? GW_FLOW_ORIG_FIRST : 0, 0, &tcp);
}
