/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_HOOKS_H
#define _GW_HOOKS_H

#include "verdict.h"

struct net;
struct gw_net;
struct gw_pkt;
struct gw_icmp;

/* inbound and outbound, for IPv4 and IPv6 */
#define GW_HOOK_OPS	4

int gw_hooks_register(struct gw_net *gn);
void gw_hooks_unregister(struct gw_net *gn);
int gw_hooks_defrag_enable(struct net *net);
void gw_hooks_defrag_disable(struct net *net);
/* Judge a packet already parsed (or described): the hooks' judgements. */
struct gw_verdict gw_judge_inbound_pkt(const struct gw_judge *j,
				       const struct gw_pkt *pkt,
				       const struct gw_icmp *icmp);
struct gw_verdict gw_judge_outbound_pkt(const struct gw_judge *j,
					const struct gw_pkt *pkt,
					const struct gw_icmp *icmp);

#endif /* _GW_HOOKS_H */
