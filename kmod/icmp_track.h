/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_ICMP_TRACK_H
#define _GW_ICMP_TRACK_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>

#include "pernet.h"
#include "verdict.h"
#include "core/parse.h"

struct gw_verdict gw_icmp_inbound(const struct gw_judge *j,
				  const struct gw_pkt *pkt);
struct gw_verdict gw_icmp_outbound(const struct gw_judge *j,
				   const struct gw_pkt *pkt);

#endif /* _GW_ICMP_TRACK_H */
