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

#include "track.h"
#include "pernet.h"
#include "flowtable.h"
#include "rules.h"
#include "budget.h"
#include "srclimit.h"
#include "reset.h"
#include "blocklist.h"
#include "core/tcp.h"

/* Run @pkt through @flow's tracker and apply the outcome to the flow. */
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

	/* refused or aborted before any answer: nothing to keep */
	if (verdict == GW_TCP_ACCEPT_CLOSE)
		gw_flow_remove(gn, flow, hash);
	return verdict;
}

/*
 * The tracker's verdict on @pkt for @flow: the flow moved along
 * (gw_tcp_step()), or, in a dry judgement, @pkt judged against a copy of
 * its state (gw_tcp_judge()), which is left as it was.  @opened is only
 * ever set by the real step.
 */
static enum gw_tcp_verdict gw_tcp_flow_judge(const struct gw_judge *j,
					     struct gw_flow *flow, u32 hash,
					     const struct gw_pkt *pkt,
					     bool src_first, bool *opened)
{
	struct gw_tcp_conn next;
	enum gw_tcp_verdict tv;

	if (likely(!j->dry))
		return gw_tcp_step(j->gn, flow, hash, pkt, src_first, opened);
	spin_lock_bh(&flow->lock);
	tv = gw_tcp_judge(&flow->tcp, pkt, gw_flow_dir(flow, src_first),
			  &next);
	spin_unlock_bh(&flow->lock);
	return tv;
}

/* Forget @flow, which a new connection replaces; not in a dry judgement. */
static void gw_tcp_replace(const struct gw_judge *j, struct gw_flow *flow,
			   u32 hash)
{
	if (!j->dry)
		gw_flow_remove(j->gn, flow, hash);
}

/*
 * The packet's verdict from the tracker's on @flow.  GW_TCP_REOPEN only
 * gets here from a SYN that lost the race to its tuple to another CPU
 * (gw_tcp_admit()) and met a connection still closing there, which the
 * table does not replace: dropped, and counted as every drop is
 * (drop_tcp_reopen).
 */
static struct gw_verdict gw_tcp_verdict(enum gw_tcp_verdict tv,
					struct gw_flow *flow)
{
	struct gw_verdict v;

	switch (tv) {
	case GW_TCP_ACCEPT:
	case GW_TCP_ACCEPT_CLOSE:
		v = gw_accept(GW_REASON_FLOW);
		break;
	case GW_TCP_ACCEPT_STALE:
		v = gw_accept(GW_CTR_TCP_STALE);
		break;
	case GW_TCP_INVALID:
		v = gw_drop(GW_CTR_DROP_TCP_INVALID);
		break;
	case GW_TCP_OUT_OF_WINDOW:
		v = gw_drop(GW_CTR_DROP_OUT_OF_WINDOW);
		break;
	default:
		v = gw_drop(GW_CTR_DROP_TCP_REOPEN);
		break;
	}
	v.flow = flow;
	return v;
}

/*
 * An inside host sends on a connection we have no flow for (the module was
 * loaded under it, or its flow expired).  Under strict pickup its replies
 * will be dropped, so tell it now with a reset, as the peer would, rather
 * than let it retransmit into silence for minutes.
 */
static void gw_tcp_reset_inside(const struct gw_judge *j,
				const struct gw_pkt *pkt)
{
	const struct nf_hook_state *state = j->state;

	if (j->dry || (pkt->tcp_flags & GW_TCP_RST))
		return;
	if (state->pf == NFPROTO_IPV4)
		nf_send_reset(state->net, state->sk, j->skb, state->hook);
	else
		nf_send_reset6(state->net, state->sk, j->skb, state->hook);
	/* an event beside the packet's verdict (drop_out_no_flow, ...) */
	gw_count(j->gn, GW_CTR_OUT_RESET);
}

/*
 * The inside end of a connection reload_policy closed sends on it: its
 * resets pass (ours among them, toward the outside end), anything else is
 * dropped and answered with a reset, in case ours was lost.  Each try
 * keeps the tombstone, so the tuple stays shut while the end insists.
 */
static struct gw_verdict gw_tcp_closed_outbound(const struct gw_judge *j,
						struct gw_flow *flow,
						const struct gw_pkt *pkt)
{
	struct gw_verdict v;

	if (pkt->tcp_flags & GW_TCP_RST)
		return gw_accept_flow(GW_REASON_FLOW, flow);
	/* the tombstone lives on while the inside end insists */
	if (!j->dry)
		WRITE_ONCE(flow->last_seen, (u32)jiffies);
	gw_tcp_reset_inside(j, pkt);
	v = gw_drop(GW_CTR_DROP_POLICY_CLOSED);
	v.flow = flow;
	return v;
}

/*
 * Admit the flow @tcp describes: @ok, with the new flow, or what
 * gw_flow_admit() made of it.  When another CPU's flow judges the packet,
 * @ok's reason (a rule admitted it, it was picked up), counted already,
 * goes on as the prior.
 */
static struct gw_verdict gw_tcp_admit(const struct gw_judge *j,
				      const struct gw_pkt *pkt,
				      const struct gw_flow_key *key, u32 hash,
				      bool src_first, u8 flags, int in_ifindex,
				      const struct gw_tcp_conn *tcp,
				      struct gw_verdict ok)
{
	struct gw_verdict v;
	struct gw_flow *flow;
	bool raced;

	flow = gw_flow_admit(j, key, hash, flags, in_ifindex, tcp, &ok,
			     &raced);
	if (!flow || !raced)
		return ok;
	/*
	 * Another CPU created the flow first (a retransmitted SYN racing
	 * the original): the packet is one more segment of that flow.
	 */
	v = gw_tcp_verdict(gw_tcp_step(j->gn, flow, hash, pkt, src_first, NULL),
			   flow);
	return gw_verdict_instead(v, ok);
}

/*
 * The rule whose limits an inbound connection completing its handshake
 * with @pkt counts against: the first rule that matches @pkt, as ever.
 * That is the rule that admitted the flow, whose handle the flow keeps,
 * when that rule is still published and @pkt has what its SYN was
 * matched on (the flow's addresses and port in its direction, its input
 * interface): the rules ahead of a published rule never change but by
 * being deleted (a rule is added at the end, a load gives every rule a
 * new handle, and handles are never reused), and none of them matched
 * the SYN.  So it is found by handle in O(log n), and the rules are
 * matched again, as before, only when that rule is gone (deleted, or
 * replaced by a load, even by an identical rule) or @pkt came from
 * elsewhere: then the first match may be another rule, or none (the
 * tunables' limits), as it always was.
 */
static const struct gw_rule *gw_tcp_src_rule(const struct gw_judge *j,
					     const struct gw_flow *flow,
					     const struct gw_pkt *pkt,
					     enum gw_dir dir)
{
	const struct gw_rule *rule;

	if (dir == GW_DIR_ORIGINAL && j->dev->ifindex == flow->in_ifindex) {
		rule = gw_rules_by_handle(j->gn, flow->rule);
		if (rule)
			return rule;
	}
	return gw_rules_find(j->gn, pkt, j->dev->name);
}

/*
 * An inbound connection has just completed its handshake: count it against
 * its source's full-connection limits.  Over one, the completing ACK is
 * dropped, the flow forgotten and the server, which would otherwise hold
 * the connection open, reset as the client would.  Never in a dry
 * judgement: only the real step says a handshake is done.
 */
static struct gw_verdict gw_tcp_src_admit(const struct gw_judge *j,
					  struct gw_flow *flow, u32 hash,
					  const struct gw_pkt *pkt,
					  enum gw_dir dir)
{
	const struct gw_rule *rule = gw_tcp_src_rule(j, flow, pkt, dir);
	struct gw_reset reset;
	struct gw_verdict v;

	if (gw_src_conn_open(j->gn, flow, hash, rule))
		return gw_accept_flow(GW_REASON_FLOW, flow);
	gw_reset_fill(flow, &reset);
	/* the server never got this ACK: it still waits for this seq */
	reset.seq = pkt->seq;
	gw_flow_remove(j->gn, flow, hash);
	gw_reset_send(j->gn, &reset);
	v = gw_drop(GW_CTR_DROP_SRC_LIMIT);
	v.rule = rule ? rule->handle : 0;
	v.flow = flow;
	return v;
}

struct gw_verdict gw_tcp_inbound(const struct gw_judge *j,
				 const struct gw_pkt *pkt)
{
	struct gw_flow *flow, *reopened = NULL;
	struct gw_net *gn = j->gn;
	const struct gw_rule *rule;
	struct gw_tcp_conn tcp;
	struct gw_flow_key key;
	bool src_first, blocked;
	struct gw_verdict ok;
	u32 hash;

	if (!gw_tcp_flags_valid(pkt->tcp_flags))
		return gw_drop(GW_CTR_DROP_TCP_BAD_FLAGS);
	flow = gw_flow_lookup_inbound(gn, pkt, &key, &hash, &src_first,
				      &blocked);
	if (blocked)
		return gw_drop(GW_CTR_DROP_BLOCKED);
	if (flow) {
		enum gw_tcp_verdict tv;
		struct gw_verdict v;
		bool opened = false;
		u32 handle = 0;

		/*
		 * A SYN from the outside end of a connection a rule let in
		 * may open a new one on its tuple (REOPEN, or the tracker's
		 * resync on the SYN-ACK): the rules judge it again first.
		 */
		if (unlikely(gw_tcp_is_pure_syn(pkt->tcp_flags)) &&
		    (flow->flags & GW_FLOW_INBOUND) &&
		    gw_flow_dir(flow, src_first) == GW_DIR_ORIGINAL) {
			rule = gw_rules_match(gn, pkt, j->dev->name, j->dry);
			if (!rule)
				return gw_drop(GW_CTR_DROP_PASSIVE_DENIED);
			handle = rule->handle;
		}
		tv = gw_tcp_flow_judge(j, flow, hash, pkt, src_first, &opened);
		v = gw_tcp_verdict(tv, flow);
		v.rule = handle;
		/*
		 * The handshake's last ACK, over its source's limits: the
		 * tracker's reason for it was counted before the limits
		 * were asked, and still is.
		 */
		if (unlikely(opened) && (flow->flags & GW_FLOW_INBOUND)) {
			struct gw_verdict lim;

			lim = gw_tcp_src_admit(j, flow, hash, pkt,
					       gw_flow_dir(flow, src_first));
			if (lim.action == GW_DROP)
				return gw_verdict_after(lim, v.reason);
		}
		if (tv != GW_TCP_REOPEN)
			return v;
		reopened = flow;
	}

	/* Nothing from outside is picked up mid-stream, whatever the mode. */
	if (!gw_tcp_is_pure_syn(pkt->tcp_flags))
		return gw_drop(GW_CTR_DROP_TCP_NO_FLOW);
	rule = gw_rules_match(gn, pkt, j->dev->name, j->dry);
	if (!rule)
		return gw_drop(GW_CTR_DROP_PASSIVE_DENIED);
	if (gw_src_overloaded(gn, pkt, j->dry)) {
		ok = gw_drop(GW_CTR_DROP_OVERLOAD);
		ok.rule = rule->handle;
		return ok;
	}
	ok = gw_accept(GW_CTR_RULE_ACCEPTED);
	ok.rule = rule->handle;
	/* the closing connection the SYN replaces (LAST_ACK's is not
	 * replaceable by the table)
	 */
	if (reopened)
		gw_tcp_replace(j, reopened, hash);
	gw_tcp_init(&tcp, pkt);
	return gw_tcp_admit(j, pkt, &key, hash, src_first,
			    GW_FLOW_INBOUND | (src_first ? GW_FLOW_ORIG_FIRST : 0),
			    j->dev->ifindex, &tcp, ok);
}

struct gw_verdict gw_tcp_outbound(const struct gw_judge *j,
				  const struct gw_pkt *pkt)
{
	struct gw_net *gn = j->gn;
	struct gw_tcp_conn tcp;
	struct gw_flow_key key;
	struct gw_verdict ok;
	struct gw_flow *flow;
	bool src_first;
	u32 hash;

	if (!gw_tcp_flags_valid(pkt->tcp_flags))
		return gw_drop(GW_CTR_DROP_TCP_BAD_FLAGS);
	flow = gw_flow_lookup_pkt(gn, pkt, &key, &hash, &src_first);
	if (flow && gw_flow_closed(flow)) {
		/* a SYN is a new connection; the rest stays shut */
		if (gw_tcp_is_pure_syn(pkt->tcp_flags))
			flow = NULL;
		else
			return gw_tcp_closed_outbound(j, flow, pkt);
	}
	if (flow) {
		enum gw_tcp_verdict tv = gw_tcp_flow_judge(j, flow, hash, pkt,
							   src_first, NULL);

		if (tv != GW_TCP_REOPEN)
			return gw_tcp_verdict(tv, flow);
		/* the closing connection the SYN replaces */
		gw_tcp_replace(j, flow, hash);
	}

	if (gw_tcp_is_pure_syn(pkt->tcp_flags)) {
		gw_tcp_init(&tcp, pkt);
		ok = gw_accept(GW_REASON_NEW_FLOW);
	} else if (gw_tunable(gn, GW_TUN_TCP_PICKUP) == GW_TCP_PICKUP_LOOSE &&
		   gw_tcp_pickup(&tcp, pkt)) {
		ok = gw_accept(GW_CTR_FLOW_PICKED_UP);
	} else {
		gw_tcp_reset_inside(j, pkt);
		return gw_drop(GW_CTR_DROP_OUT_NO_FLOW);
	}
	return gw_tcp_admit(j, pkt, &key, hash, src_first,
			    src_first ? GW_FLOW_ORIG_FIRST : 0, 0, &tcp, ok);
}
