/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_LISTENERS_H
#define _GW_CORE_LISTENERS_H

#include "types.h"

/*
 * The subscribers of one namespace's multicast groups: the sockets that
 * said (GW_CMD_SUBSCRIBE) which of the family's groups they listen to, by
 * port id, and the groups they want between them.  The kernel's own test
 * (netlink_has_listeners()) is one bit a group for every namespace at
 * once, so it cannot tell a namespace that its events reach nobody there;
 * this can.  A fixed table: no allocation, at most GW_LISTENERS_MAX
 * sockets, each gone when its socket is released.  The caller serialises
 * the changes and publishes @groups for the packet path.
 */
#define GW_LISTENERS_MAX	32

struct gw_listener {
	u32 portid;
	u32 groups;	/* bit per group the socket subscribed to */
};

struct gw_listeners {
	u32 count;
	u32 groups;	/* the union of the @sub[].groups */
	struct gw_listener sub[GW_LISTENERS_MAX];
};

/*
 * @portid subscribes to @groups as well.  False when the table is full
 * and @portid is not in it yet: nothing changed.
 */
bool gw_listeners_add(struct gw_listeners *l, u32 portid, u32 groups);

/* @portid's socket is gone: it subscribes to nothing.  True if it did. */
bool gw_listeners_release(struct gw_listeners *l, u32 portid);

#endif /* _GW_CORE_LISTENERS_H */
