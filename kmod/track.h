/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The trackers, one a kind of protocol, all with the same contract (as
 * the kernel's nf_conntrack_l4proto.h declares every protocol's packet
 * function): each judges a packet gw_parse_skb() parsed, crossing the
 * wan interface in the direction its name says, and returns the verdict
 * that hooks.c alone counts and applies (see verdict.h).  Under
 * rcu_read_lock(), as the hooks are.
 */
#ifndef _GW_TRACK_H
#define _GW_TRACK_H

#include "verdict.h"
#include "core/parse.h"

/* tcp_track.c */
struct gw_verdict gw_tcp_inbound(const struct gw_judge *j,
				 const struct gw_pkt *pkt);
struct gw_verdict gw_tcp_outbound(const struct gw_judge *j,
				  const struct gw_pkt *pkt);

/* connless_track.c: UDP and the other protocols; @denied, the drop reason */
struct gw_verdict gw_pseudo_inbound(const struct gw_judge *j,
				    const struct gw_pkt *pkt, u8 denied);
struct gw_verdict gw_pseudo_outbound(const struct gw_judge *j,
				     const struct gw_pkt *pkt);
/* for icmp_track.c: the live flow opened inside that @pkt answers */
struct gw_flow *gw_pseudo_reply(const struct gw_judge *j,
				const struct gw_pkt *pkt);

/*
 * icmp_track.c: @icmp, what the message is, read by the caller (hooks.c
 * from the skb); never NULL inbound, NULL outbound when unreadable
 */
struct gw_icmp;
struct gw_verdict gw_icmp_inbound(const struct gw_judge *j,
				  const struct gw_pkt *pkt,
				  const struct gw_icmp *icmp);
struct gw_verdict gw_icmp_outbound(const struct gw_judge *j,
				   const struct gw_pkt *pkt,
				   const struct gw_icmp *icmp);

#endif /* _GW_TRACK_H */
