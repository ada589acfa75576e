// SPDX-License-Identifier: GPL-2.0
/*
 * Who listens to a namespace's events (listeners.h): a table of port ids,
 * small enough that a linear search costs less than any index over it.
 */
#include "listeners.h"

static struct gw_listener *gw_listener_find(struct gw_listeners *l,
					    u32 portid)
{
	u32 i;

	for (i = 0; i < l->count; i++)
		if (l->sub[i].portid == portid)
			return &l->sub[i];
	return NULL;
}

static u32 gw_listeners_union(const struct gw_listeners *l)
{
	u32 groups = 0;
	u32 i;

	for (i = 0; i < l->count; i++)
		groups |= l->sub[i].groups;
	return groups;
}

bool gw_listeners_add(struct gw_listeners *l, u32 portid, u32 groups)
{
	struct gw_listener *sub = gw_listener_find(l, portid);

	if (!sub) {
		if (l->count == GW_LISTENERS_MAX)
			return false;
		sub = &l->sub[l->count++];
		sub->portid = portid;
		sub->groups = 0;
	}
	sub->groups |= groups;
	l->groups |= groups;
	return true;
}

bool gw_listeners_release(struct gw_listeners *l, u32 portid)
{
	struct gw_listener *sub = gw_listener_find(l, portid);

	if (!sub)
		return false;
	/* the last entry takes its place: the order means nothing */
	*sub = l->sub[--l->count];
	l->groups = gw_listeners_union(l);
	return true;
}
