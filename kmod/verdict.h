/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A packet's verdict as a value.  The trackers decide and say why;
 * hooks.c alone counts the reason and turns the verdict into NF_ACCEPT or
 * NF_DROP (gw_verdict_nf()), so that a judgement can also be asked for
 * without a packet to pass or drop (a dry judgement, struct gw_judge).
 */
#ifndef _GW_VERDICT_H
#define _GW_VERDICT_H

#include <linux/types.h>
#include <linux/build_bug.h>

#include "gatewarden.h"

struct gw_net;
struct gw_flow;
struct net_device;
struct sk_buff;
struct nf_hook_state;

enum gw_action {
	GW_ACCEPT,
	GW_DROP,
};

/*
 * Why a packet was accepted or dropped.  A reason that has a counter is
 * its index (enum gw_counter), so counting a verdict is one increment;
 * the reasons past __GW_CTR_MAX have no counter and hooks.c counts
 * nothing for them.  The counters that are events happening alongside a
 * verdict (a flow created, a victim evicted, a reset sent) are no reasons:
 * they stay counted where the event happens.
 */
enum gw_reason {
	/* no reason: the value of struct gw_verdict.prior when unused */
	GW_REASON_NONE = __GW_CTR_MAX,
	GW_REASON_FLOW,		/* fits a live flow (its tracker agreed) */
	GW_REASON_NEW_FLOW,	/* opens a flow from inside */
	GW_REASON_LINK,		/* ICMPv6 neighbour discovery, MLD on the link */
	GW_REASON_UNFILTERED,	/* not ours to judge (no wan, fragment out) */
	__GW_REASON_MAX,
};

static_assert(__GW_REASON_MAX <= 256, "a reason must fit struct gw_verdict");

/*
 * Returned by value: 16 bytes on 64-bit, two registers.
 *
 * @prior: the reason an earlier stage of the same judgement gave, which a
 * later stage overrode, and which has always been counted as well: a rule
 * admitted a connection the table then had no room for (rule_accepted and
 * drop_table_full), a tracker's verdict on the handshake's last ACK that
 * then went over its source's limits (drop_out_of_window and
 * drop_src_limit).  GW_REASON_NONE, the usual case, when there is none.
 *
 * @flow: the flow the packet belongs to, when there is one; valid only
 * inside the hook's RCU read section.  NULL in a dry judgement of a packet
 * that would create its flow.
 */
struct gw_verdict {
	u8 action;		/* enum gw_action */
	u8 reason;		/* enum gw_reason */
	u8 prior;		/* enum gw_reason */
	u32 rule;		/* handle of the rule that decided, 0 if none */
	struct gw_flow *flow;
};

static inline struct gw_verdict gw_verdict(u8 action, u8 reason)
{
	return (struct gw_verdict){ .action = action, .reason = reason,
				    .prior = GW_REASON_NONE };
}

static inline struct gw_verdict gw_accept(u8 reason)
{
	return gw_verdict(GW_ACCEPT, reason);
}

static inline struct gw_verdict gw_drop(u8 reason)
{
	return gw_verdict(GW_DROP, reason);
}

static inline struct gw_verdict gw_accept_flow(u8 reason, struct gw_flow *flow)
{
	struct gw_verdict v = gw_accept(reason);

	v.flow = flow;
	return v;
}

/* @v, decided after a stage that said @prior (see struct gw_verdict). */
static inline struct gw_verdict gw_verdict_after(struct gw_verdict v,
						 u8 prior)
{
	v.prior = prior;
	return v;
}

/*
 * @v, given instead of @ok, an earlier stage's acceptance (a rule's): the
 * packet keeps @ok's rule, and @ok's reason, counted already, is the prior.
 */
static inline struct gw_verdict gw_verdict_instead(struct gw_verdict v,
						   struct gw_verdict ok)
{
	v.rule = ok.rule;
	return gw_verdict_after(v, ok.reason);
}

/*
 * What a judgement needs besides the packet.  @dry: judge only, with no
 * side effect at all: no flow created, moved along, refreshed or removed,
 * no counter or rule hit, no token taken from a rule's rate, no reset
 * sent.  The trackers decide the same way in both modes; only the helpers
 * that apply a decision (step a flow, admit one, remove one, send a
 * reset) look at @dry, and do nothing.  A dry judgement of a packet that
 * would open a flow says what the rules and the tracker decide, not
 * whether the table would have room (that is decided by taking a place,
 * or evicting a victim), and does not ask the per-source limits of a
 * handshake's last ACK (they count the connection as they decide).
 */
struct gw_judge {
	struct gw_net *gn;
	const struct net_device *dev;	/* in for inbound, out for outbound */
	/*
	 * The packet, to send resets about and rewrite; not read when @dry,
	 * and NULL in the dry judgement of a packet the explain command
	 * describes (nl_explain.c), which has none
	 */
	struct sk_buff *skb;
	/* to send resets through; not read when @dry (NULL then too) */
	const struct nf_hook_state *state;
	bool dry;
};

#endif /* _GW_VERDICT_H */
