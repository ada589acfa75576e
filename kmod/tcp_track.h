/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_TCP_TRACK_H
#define _GW_TCP_TRACK_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>

#include "pernet.h"
#include "core/parse.h"

unsigned int gw_tcp_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			    const struct net_device *in);
unsigned int gw_tcp_outbound(struct gw_net *gn, const struct gw_pkt *pkt,
			     struct sk_buff *skb,
			     const struct nf_hook_state *state);

#endif /* _GW_TCP_TRACK_H */
