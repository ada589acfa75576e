/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_ICMP_TRACK_H
#define _GW_ICMP_TRACK_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "pernet.h"
#include "core/parse.h"

unsigned int gw_icmp_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			     struct sk_buff *skb, const struct net_device *in);
unsigned int gw_icmp_outbound(struct gw_net *gn, const struct gw_pkt *pkt,
			      struct sk_buff *skb);

#endif /* _GW_ICMP_TRACK_H */
