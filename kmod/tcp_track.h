/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_TCP_TRACK_H
#define _GW_TCP_TRACK_H

#include <linux/netdevice.h>
#include <linux/netfilter.h>

#include "pernet.h"
#include "verdict.h"
#include "core/parse.h"

struct gw_verdict gw_tcp_inbound(const struct gw_judge *j,
				 const struct gw_pkt *pkt);
struct gw_verdict gw_tcp_outbound(const struct gw_judge *j,
				  const struct gw_pkt *pkt);

#endif /* _GW_TCP_TRACK_H */
