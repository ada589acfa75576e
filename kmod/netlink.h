/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_NETLINK_H
#define _GW_NETLINK_H

#include <linux/types.h>

int gw_genetlink_init(void);
void gw_genetlink_uninit(void);

/* Events of the packet path's, sent by the collector (nl_flow.c). */
struct gw_net;
union gw_addr;
void gw_notify_synproxy(struct gw_net *gn, u8 event, u8 family,
			const union gw_addr *addr, u16 port);
/* A timed block entry expired and left the list, with its hits (nl_block.c). */
struct gw_block_entry;
void gw_notify_block_released(struct gw_net *gn,
			      const struct gw_block_entry *e, u64 hits);

#endif /* _GW_NETLINK_H */
