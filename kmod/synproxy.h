/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_SYNPROXY_H
#define _GW_SYNPROXY_H

#include <linux/types.h>
#include <linux/siphash.h>

#include "core/parse.h"
#include "core/syncookie.h"
#include "core/seqadj.h"

struct gw_net;
struct gw_flow;
struct gw_icmp;
struct sk_buff;

/*
 * The SYN proxy's keys (struct gw_net.synproxy): random per namespace, set
 * once at its birth.  @key[0] hashes the tuple, @key[1] the tuple and the
 * rotation epoch, minutes since @base.  @spent: the handshakes whose
 * cookie opened a connection (gw_synproxy_spend()), allocated with the
 * flow table.
 */
struct gw_synproxy {
	siphash_key_t key[2];
	unsigned long base;		/* jiffies at init */
	u64 *spent;			/* GW_SYNPROXY_SPENT tags */
};

void gw_synproxy_init(struct gw_net *gn);
int gw_synproxy_alloc(struct gw_net *gn);
void gw_synproxy_exit(struct gw_net *gn);
bool gw_synproxy_spent(const struct gw_net *gn, const struct gw_pkt *ack,
		       u32 hash);
void gw_synproxy_spend(struct gw_net *gn, const struct gw_pkt *ack, u32 hash);
u32 gw_synproxy_epoch(const struct gw_synproxy *sp);

/* @flow's proxy state and the window shift it offered the client. */
static inline u8 gw_proxy_state(u8 proxy)
{
	return proxy & 0x0f;
}

static inline u8 gw_proxy_wscale(u8 proxy)
{
	return proxy >> 4;
}

struct gw_halfopen_slot;

/*
 * What our SYN-ACK offers the client for the server: the MSS and the
 * window shift, learnt per destination from the server's own SYN-ACKs.
 * The client reads the server's windows with that shift, so the shift
 * travels in the cookie (struct gw_cookie_opts.offer_wscale) to the ACK.
 */
struct gw_synproxy_offer {
	u16 mss;
	u8 wscale;
};

void gw_synproxy_offer(const struct gw_halfopen_slot *slot, u8 family,
		       struct gw_synproxy_offer *offer);
void gw_synproxy_learn(struct gw_net *gn, const struct gw_flow *flow,
		       const struct gw_pkt *synack);
int gw_synproxy_answer_syn(struct gw_net *gn, const struct gw_pkt *syn,
			   const struct gw_halfopen_slot *slot, int iif);
enum gw_cookie_verdict gw_synproxy_check(struct gw_net *gn,
					 const struct gw_pkt *ack,
					 u32 client_isn,
					 struct gw_cookie_opts *opts);
int gw_synproxy_send_syn(struct gw_net *gn, const struct gw_pkt *syn);

/* What the join needs besides the server's SYN-ACK. */
struct gw_proxy_join {
	u32 cookie_isn;
	u32 cookie_tsval;
	u16 client_window;	/* as the client's ACK had it (its scale) */
	u8 offered_wscale;	/* ours to the client */
	bool client_wscale;	/* the client and we agreed window scaling */
	int iif;		/* the client's wan interface */
};

void gw_synproxy_join(struct gw_net *gn, struct gw_flow *flow,
		      const struct gw_pkt *synack, const struct gw_pkt *ack,
		      const struct gw_proxy_join *join);
int gw_synproxy_reset_client(struct gw_net *gn, const struct gw_pkt *rst,
			     u32 cookie_isn, u32 client_next, int iif);

int gw_synproxy_rewrite(struct sk_buff *skb, const struct gw_pkt *pkt,
			const struct gw_flow *flow, enum gw_seqadj_dir dir);
int gw_synproxy_icmp_rewrite(struct sk_buff *skb, const struct gw_pkt *pkt,
			     const struct gw_icmp *icmp,
			     const struct gw_flow *flow);
bool gw_synproxy_client_seq(const struct gw_flow *flow, u32 *seq);

#endif /* _GW_SYNPROXY_H */
