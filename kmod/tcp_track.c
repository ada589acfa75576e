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
#include "synproxy.h"
#include "synproxy_auto.h"
#include "flowev.h"
#include "core/tcp.h"
#include "core/proxy.h"

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
	/* under the flow's lock, so two steps' events keep their order */
	if (unlikely(state != old) && !READ_ONCE(flow->dead))
		gw_flowev_send(gn, flow, GW_EVENT_FLOW_STATE, 0);
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
		gw_flow_remove(gn, flow, hash, GW_FLOW_END_RESET);
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
		gw_flow_remove(j->gn, flow, hash, GW_FLOW_END_REUSED);
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
				      struct gw_rule_ctr *ctr,
				      const struct gw_tcp_conn *tcp,
				      struct gw_verdict ok)
{
	struct gw_verdict v;
	struct gw_flow *flow;
	bool raced;

	flow = gw_flow_admit(j, key, hash, flags, in_ifindex, ctr, tcp, NULL,
			     &ok, &raced);
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
	gw_flow_remove(j->gn, flow, hash, GW_FLOW_END_SRC_LIMIT);
	gw_reset_send(j->gn, &reset);
	v = gw_drop(GW_CTR_DROP_SRC_LIMIT);
	v.rule = rule ? rule->handle : 0;
	v.flow = flow;
	return v;
}

/*
 * The SYN proxy (kmod/synproxy.c has the mechanisms).  Its flows are
 * judged in the server's sequence space: what comes from the client is
 * translated before the tracker sees it, what comes from the server
 * after, so the windows of both halves are judged as the server's stack
 * sees them.
 */

/* An ACK that may carry the cookie of our SYN-ACK. */
static bool gw_tcp_cookie_candidate(const struct gw_pkt *pkt)
{
	return (pkt->tcp_flags & (GW_TCP_SYN | GW_TCP_RST | GW_TCP_FIN |
				  GW_TCP_ACK)) == GW_TCP_ACK;
}

/*
 * A flowless ACK to the service of @rule, whose SYNs the proxy may answer
 * (synproxy on or auto): if its cookie is good, the connection it
 * completes is created, waiting for the server, and the server is sent
 * the client's SYN.  The ACK itself goes no further (the server is sent
 * its own once it answers).
 */
static struct gw_verdict gw_tcp_proxy_open(const struct gw_judge *j,
					   const struct gw_pkt *pkt,
					   const struct gw_flow_key *key,
					   u32 hash, bool src_first,
					   struct gw_rule *rule)
{
	struct gw_net *gn = j->gn;
	struct gw_cookie_opts opts;
	struct gw_proxy_init init;
	struct gw_tcp_conn tcp;
	struct gw_verdict ok, v;
	struct gw_flow *flow;
	struct gw_pkt syn;
	bool raced;

	switch (gw_synproxy_check(gn, pkt, pkt->seq - 1, &opts)) {
	case GW_COOKIE_OK:
		break;
	case GW_COOKIE_STALE:
		return gw_drop(GW_CTR_DROP_COOKIE_STALE);
	default:
		return gw_drop(GW_CTR_DROP_COOKIE_FORGED);
	}
	if (gw_synproxy_spent(gn, pkt, hash))
		return gw_drop(GW_CTR_DROP_COOKIE_REPLAYED);
	/* a source that proved its address: the SYN's checks, now */
	if (gw_src_overloaded(gn, pkt, j->dry)) {
		v = gw_drop(GW_CTR_DROP_OVERLOAD);
		v.rule = rule->handle;
		return v;
	}
	gw_rule_hit(rule, j->dry);
	v = gw_verdict_after(gw_drop(GW_CTR_SYNPROXY_OPENED),
			     GW_CTR_RULE_ACCEPTED);
	v.rule = rule->handle;
	if (j->dry)
		return v;
	if (rule->synproxy == GW_SYNPROXY_AUTO)
		gw_synproxy_auto_opened(gn, key, GW_FLOW_INBOUND |
					(src_first ? GW_FLOW_ORIG_FIRST : 0));

	gw_proxy_server_syn(pkt, pkt->seq - 1, &opts, &syn);
	gw_tcp_init(&tcp, &syn);
	init.cookie_isn = pkt->ack_seq - 1;
	init.cookie_tsval = opts.ts_ok ? pkt->tsecr : 0;
	/* what our SYN-ACK offered, whatever has been learnt since */
	init.wscale = opts.offer_wscale;
	ok = gw_accept(GW_CTR_RULE_ACCEPTED);
	ok.rule = rule->handle;
	flow = gw_flow_admit(j, key, hash,
			     GW_FLOW_INBOUND | (src_first ? GW_FLOW_ORIG_FIRST : 0),
			     j->dev->ifindex, rule->ctr, &tcp, &init, &ok,
			     &raced);
	if (!flow)
		return ok;		/* the table's refusal, after the rule's */
	v.flow = flow;
	/* another CPU's, from the same ACK again: it sent the SYN */
	if (raced)
		return gw_verdict_after(gw_drop(GW_CTR_DROP_SYNPROXY_WAIT),
					GW_CTR_RULE_ACCEPTED);
	gw_synproxy_spend(gn, pkt, hash);
	gw_synproxy_send_syn(gn, &syn);
	return v;
}

/*
 * The client sends on a connection the server has not answered yet: its
 * window is still the 0 of our SYN-ACK, so this is its ACK again or a
 * window probe (seq one lower).  The SYN to the server may have been
 * lost: send it again, as Linux's SYNPROXY does for its cookie_retrans.
 */
static struct gw_verdict gw_tcp_proxy_waiting(const struct gw_judge *j,
					      struct gw_flow *flow,
					      const struct gw_pkt *pkt)
{
	struct gw_cookie_opts opts;
	struct gw_verdict v;
	struct gw_pkt syn;
	u32 isn;

	if (!j->dry && gw_tcp_cookie_candidate(pkt)) {
		isn = pkt->seq - 1;
		if (gw_synproxy_check(j->gn, pkt, isn, &opts) != GW_COOKIE_OK)
			isn = pkt->seq;
		if (isn == pkt->seq - 1 ||
		    gw_synproxy_check(j->gn, pkt, isn, &opts) == GW_COOKIE_OK) {
			gw_proxy_server_syn(pkt, isn, &opts, &syn);
			gw_synproxy_send_syn(j->gn, &syn);
		}
	}
	v = gw_drop(GW_CTR_DROP_SYNPROXY_WAIT);
	v.flow = flow;
	return v;
}

/*
 * The server's SYN-ACK to the proxy's SYN, which the tracker took: the
 * ACK the client would send completes the server's half (the tracker
 * steps it too), the translation is published and both ends told.
 */
static struct gw_verdict gw_tcp_proxy_join(const struct gw_judge *j,
					   struct gw_flow *flow, u32 hash,
					   const struct gw_pkt *synack,
					   bool src_first, u8 proxy)
{
	const struct gw_tcp_peer *client = &flow->tcp.peer[GW_DIR_ORIGINAL];
	struct gw_proxy_join join;
	struct gw_verdict v;
	struct gw_pkt ack;
	bool opened = false;

	v = gw_drop(GW_CTR_SYNPROXY_JOINED);
	v.flow = flow;
	if (j->dry)
		return v;
	/* a retransmitted SYN-ACK racing the first: one CPU joins */
	if (cmpxchg(&flow->proxy, proxy,
		    GW_PROXY_JOINING | (proxy & 0xf0)) != proxy) {
		v.reason = GW_CTR_DROP_SYNPROXY_WAIT;
		return v;
	}
	/* stable since the flow was created: WAIT kept them */
	join.cookie_isn = flow->seqadj.seq_delta;
	join.cookie_tsval = flow->seqadj.ts_delta;
	join.client_window = min_t(u32, READ_ONCE(client->maxwin), 0xffff);
	join.client_wscale = READ_ONCE(client->flags) & GW_TCP_PEER_WSCALE;
	join.offered_wscale = gw_proxy_wscale(proxy);
	join.iif = flow->in_ifindex;
	gw_synproxy_learn(j->gn, flow, synack);

	/* the ACK we send the server for the client, as the tracker sees it */
	gw_proxy_server_ack(synack, join.client_window, &ack);
	gw_tcp_step(j->gn, flow, hash, &ack, !src_first, &opened);
	if (opened && (flow->flags & GW_FLOW_INBOUND)) {
		struct gw_verdict lim;

		lim = gw_tcp_src_admit(j, flow, hash, &ack, GW_DIR_ORIGINAL);
		if (lim.action == GW_DROP) {
			/* the server was reset; the client must be too */
			gw_synproxy_reset_client(j->gn, synack, join.cookie_isn,
						 synack->ack_seq, join.iif);
			return gw_verdict_after(lim, GW_CTR_SYNPROXY_JOINED);
		}
	}
	gw_synproxy_join(j->gn, flow, synack, &ack, &join);
	return v;
}

/*
 * A segment from the server on a proxied flow.  Joined: judged, then
 * translated for the client.  Waiting: its SYN-ACK joins the halves, its
 * reset refuses the connection (the client is reset: it believes it
 * open), anything else waits with the client.
 */
static struct gw_verdict gw_tcp_proxy_outbound(const struct gw_judge *j,
					       struct gw_flow *flow, u32 hash,
					       const struct gw_pkt *pkt,
					       bool src_first, u8 proxy)
{
	u32 cookie_isn, client_next;
	enum gw_tcp_verdict tv;
	struct gw_verdict v;

	if (gw_proxy_state(proxy) == GW_PROXY_JOINED) {
		tv = gw_tcp_flow_judge(j, flow, hash, pkt, src_first, NULL);
		v = gw_tcp_verdict(tv, flow);
		if (v.action == GW_ACCEPT && !j->dry &&
		    gw_synproxy_rewrite(j->skb, pkt, flow, GW_SEQADJ_TO_CLIENT))
			v = gw_verdict_after(gw_drop(GW_CTR_DROP_NOMEM),
					     v.reason);
		return v;
	}
	/* stable while it waits; read before a reset forgets the flow */
	cookie_isn = flow->seqadj.seq_delta;
	client_next = READ_ONCE(flow->tcp.peer[GW_DIR_ORIGINAL].end);
	tv = gw_tcp_flow_judge(j, flow, hash, pkt, src_first, NULL);
	v = gw_tcp_verdict(tv, flow);
	if (v.action == GW_DROP)
		return v;
	if (gw_proxy_state(proxy) != GW_PROXY_WAIT)
		v = gw_drop(GW_CTR_DROP_SYNPROXY_WAIT);
	else if ((pkt->tcp_flags & (GW_TCP_SYN | GW_TCP_ACK | GW_TCP_RST)) ==
		 (GW_TCP_SYN | GW_TCP_ACK) && tv == GW_TCP_ACCEPT)
		return gw_tcp_proxy_join(j, flow, hash, pkt, src_first, proxy);
	else if (tv == GW_TCP_ACCEPT_CLOSE)
		/* a reset the tracker took: the flow is forgotten */
		v = gw_drop(GW_CTR_SYNPROXY_REFUSED);
	else
		v = gw_drop(GW_CTR_DROP_SYNPROXY_WAIT);
	v.flow = flow;
	if (v.reason == GW_CTR_SYNPROXY_REFUSED && !j->dry)
		gw_synproxy_reset_client(j->gn, pkt, cookie_isn, client_next,
					 flow->in_ifindex);
	return v;
}

struct gw_verdict gw_tcp_inbound(const struct gw_judge *j,
				 const struct gw_pkt *pkt)
{
	struct gw_flow *flow, *reopened = NULL;
	struct gw_net *gn = j->gn;
	struct gw_rule *rule;
	struct gw_tcp_conn tcp;
	struct gw_flow_key key;
	bool src_first, blocked;
	struct gw_verdict ok;
	struct gw_halfopen_slot *slot = NULL;
	u32 hash;
	u8 flags;

	if (!gw_tcp_flags_valid(pkt->tcp_flags))
		return gw_drop(GW_CTR_DROP_TCP_BAD_FLAGS);
	flow = gw_flow_lookup_inbound(j, pkt, &key, &hash, &src_first,
				      &blocked);
	if (blocked)
		return gw_drop(GW_CTR_DROP_BLOCKED);
	if (flow) {
		const struct gw_pkt *tracked = pkt;
		struct gw_pkt translated;
		enum gw_tcp_verdict tv;
		struct gw_verdict v;
		bool opened = false;
		u32 handle = 0;
		u8 proxy;

		/* pairs with the release in gw_synproxy_join() */
		proxy = smp_load_acquire(&flow->proxy);
		if (unlikely(proxy)) {
			if (gw_proxy_state(proxy) != GW_PROXY_JOINED)
				return gw_tcp_proxy_waiting(j, flow, pkt);
			translated = *pkt;
			gw_proxy_to_server(&flow->seqadj, &translated);
			tracked = &translated;
		}

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
		tv = gw_tcp_flow_judge(j, flow, hash, tracked, src_first,
				       &opened);
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
		if (tv != GW_TCP_REOPEN) {
			if (unlikely(proxy) && v.action == GW_ACCEPT &&
			    !j->dry &&
			    gw_synproxy_rewrite(j->skb, pkt, flow,
						GW_SEQADJ_TO_SERVER))
				v = gw_verdict_after(gw_drop(GW_CTR_DROP_NOMEM),
						     v.reason);
			return v;
		}
		reopened = flow;
	}

	/*
	 * Nothing from outside is picked up mid-stream, whatever the mode;
	 * an ACK to a synproxy rule's service may bring back its cookie.
	 */
	flags = GW_FLOW_INBOUND | (src_first ? GW_FLOW_ORIG_FIRST : 0);
	if (!gw_tcp_is_pure_syn(pkt->tcp_flags)) {
		if (gw_tcp_cookie_candidate(pkt)) {
			rule = gw_rules_match_synproxy(gn, pkt, j->dev->name);
			if (rule && (rule->synproxy == GW_SYNPROXY_ON ||
				     gw_synproxy_auto_cookies(gn, &key, flags)))
				return gw_tcp_proxy_open(j, pkt, &key, hash,
							 src_first, rule);
		}
		return gw_drop(GW_CTR_DROP_TCP_NO_FLOW);
	}
	/* a synproxy rule's hit is the cookie's, not the SYN's */
	rule = gw_rules_match(gn, pkt, j->dev->name, true);
	if (!rule)
		return gw_drop(GW_CTR_DROP_PASSIVE_DENIED);
	if (gw_src_overloaded(gn, pkt, j->dry)) {
		ok = gw_drop(GW_CTR_DROP_OVERLOAD);
		ok.rule = rule->handle;
		return ok;
	}
	if (rule->synproxy != GW_SYNPROXY_OFF)
		slot = gw_halfopen_slot(gn, &key, flags);
	if (rule->synproxy == GW_SYNPROXY_ON ||
	    (rule->synproxy == GW_SYNPROXY_AUTO &&
	     gw_synproxy_auto_engaged(gn, slot, &key, flags, j->dry))) {
		/* the closing connection the new one replaces, as below */
		if (reopened)
			gw_tcp_replace(j, reopened, hash);
		ok = gw_drop(GW_CTR_SYNPROXY_SYN);
		ok.rule = rule->handle;
		if (!j->dry) {
			int err = gw_synproxy_answer_syn(gn, pkt, slot,
							 j->dev->ifindex);

			/*
			 * Unanswered, it is no synproxy_syn: out of memory,
			 * or no route back to its source (a spoofed one, as
			 * often as not) or a LOCAL_OUT hook that dropped it.
			 */
			if (err)
				ok.reason = err == -ENOMEM ?
					    GW_CTR_DROP_NOMEM :
					    GW_CTR_DROP_SYNPROXY_UNSENT;
		}
		return ok;
	}
	gw_rule_hit(rule, j->dry);
	ok = gw_accept(GW_CTR_RULE_ACCEPTED);
	ok.rule = rule->handle;
	/* the closing connection the SYN replaces (LAST_ACK's is not
	 * replaceable by the table)
	 */
	if (reopened)
		gw_tcp_replace(j, reopened, hash);
	gw_tcp_init(&tcp, pkt);
	return gw_tcp_admit(j, pkt, &key, hash, src_first, flags,
			    j->dev->ifindex, rule->ctr, &tcp, ok);
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
		enum gw_tcp_verdict tv;
		u8 proxy;

		/* pairs with the release in gw_synproxy_join() */
		proxy = smp_load_acquire(&flow->proxy);
		if (unlikely(proxy))
			return gw_tcp_proxy_outbound(j, flow, hash, pkt,
						     src_first, proxy);
		tv = gw_tcp_flow_judge(j, flow, hash, pkt, src_first, NULL);

		/* a server's answer: what the SYN proxy offers its clients */
		if ((pkt->tcp_flags & (GW_TCP_SYN | GW_TCP_ACK)) ==
		    (GW_TCP_SYN | GW_TCP_ACK) && tv == GW_TCP_ACCEPT && !j->dry)
			gw_synproxy_learn(gn, flow, pkt);
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
			    src_first ? GW_FLOW_ORIG_FIRST : 0, 0, NULL, &tcp, ok);
}
