/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CONNLESS_TRACK_H
#define _GW_CONNLESS_TRACK_H

#include <linux/netdevice.h>

#include "pernet.h"
#include "core/parse.h"

unsigned int gw_pseudo_inbound(struct gw_net *gn, const struct gw_pkt *pkt,
			       const struct net_device *in,
			       enum gw_counter denied);
unsigned int gw_pseudo_outbound(struct gw_net *gn, const struct gw_pkt *pkt);
bool gw_pseudo_reply(struct gw_net *gn, const struct gw_pkt *pkt);

#endif /* _GW_CONNLESS_TRACK_H */
