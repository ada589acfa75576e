/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_BUDGET_H
#define _GW_BUDGET_H

#include <linux/types.h>

#include "gatewarden.h"

struct gw_net;
struct gw_flow;
struct gw_flow_key;
struct gw_tcp_conn;

struct gw_flow *gw_flow_admit(struct gw_net *gn, const struct gw_flow_key *key,
			      u32 hash, u8 flags, int in_ifindex,
			      const struct gw_tcp_conn *tcp,
			      enum gw_counter *why, bool *raced);

#endif /* _GW_BUDGET_H */
