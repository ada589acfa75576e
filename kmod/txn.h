/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_TXN_H
#define _GW_TXN_H

#include <linux/netlink.h>

#include "core/parse.h"

struct gw_net;
struct gw_rule;
struct gw_txn;

/* The one staged load ("gwctl load") of a namespace, under gn->lock. */
struct gw_txn_slot {
	struct gw_txn *cur;
	u32 last_id;
};

void gw_txn_release(struct gw_net *gn, u32 portid);
void gw_txn_net_exit(struct gw_net *gn);

int gw_txn_begin(struct gw_net *gn, u32 portid, u32 *id,
		 struct netlink_ext_ack *extack);
/* On success the transaction owns @rule. */
int gw_txn_stage_rule(struct gw_net *gn, u32 portid, u32 id,
		      struct gw_rule *rule, struct netlink_ext_ack *extack);
int gw_txn_stage_zone(struct gw_net *gn, u32 portid, u32 id,
		      const char *name, u8 zone,
		      struct netlink_ext_ack *extack);
int gw_txn_stage_tunable(struct gw_net *gn, u32 portid, u32 id,
			 unsigned int tunable, u32 value,
			 struct netlink_ext_ack *extack);
int gw_txn_stage_block(struct gw_net *gn, u32 portid, u32 id, u8 kind,
			u8 family, const union gw_addr *addr, u8 plen,
			struct netlink_ext_ack *extack);
int gw_txn_commit(struct gw_net *gn, u32 portid, u32 id,
		  struct netlink_ext_ack *extack);
int gw_txn_abort(struct gw_net *gn, u32 portid, u32 id,
		 struct netlink_ext_ack *extack);

#endif /* _GW_TXN_H */
