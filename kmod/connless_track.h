/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CONNLESS_TRACK_H
#define _GW_CONNLESS_TRACK_H

#include <linux/netdevice.h>

#include "pernet.h"
#include "verdict.h"
#include "core/parse.h"

struct gw_verdict gw_pseudo_inbound(const struct gw_judge *j,
				    const struct gw_pkt *pkt, u8 denied);
struct gw_verdict gw_pseudo_outbound(const struct gw_judge *j,
				     const struct gw_pkt *pkt);
struct gw_flow *gw_pseudo_reply(const struct gw_judge *j,
				const struct gw_pkt *pkt);

#endif /* _GW_CONNLESS_TRACK_H */
