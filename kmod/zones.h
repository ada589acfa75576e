/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_ZONES_H
#define _GW_ZONES_H

#include <linux/if.h>
#include <linux/rcupdate.h>
#include <linux/netlink.h>

struct gw_net;

/* Interface zones as the admin configured them, by name. */
#define GW_MAX_ZONES	64

struct gw_zone_cfg {
	char name[IFNAMSIZ];
	u8 zone;
};

/* The ifindexes of the wan interfaces that exist now. */
struct gw_wan_map {
	unsigned int count;
	int ifindex[GW_MAX_ZONES];
};

/*
 * The zones of a namespace (struct gw_net.zones): the configuration, and
 * the ifindex map the hooks read, first.
 */
struct gw_zones {
	struct gw_wan_map __rcu *wan_map;
	unsigned int count;		/* of @cfg */
	u32 gen;			/* changes of @cfg, for dumps */
	struct gw_zone_cfg cfg[GW_MAX_ZONES];
	struct gw_wan_map wan_maps[2];	/* the published one and a spare */
};

/*
 * Called for every packet: one RCU read of a few ifindexes, so traffic
 * between lan interfaces and the host costs next to nothing.
 */
static inline bool gw_is_wan(const struct gw_zones *zones, int ifindex)
{
	const struct gw_wan_map *map = rcu_dereference(zones->wan_map);
	unsigned int i;

	if (!map)
		return false;
	for (i = 0; i < map->count; i++)
		if (map->ifindex[i] == ifindex)
			return true;
	return false;
}

/* gw_is_wan() for a reader that goes on to the flow table (hooks, explain) */
static inline bool gw_is_wan_rmb(const struct gw_zones *zones, int ifindex)
{
	if (!gw_is_wan(zones, ifindex))
		return false;
	/*
	 * A wan ifindex is published only after the flow table it needs
	 * (gw_net_activate_locked()): order the caller's reads of the table
	 * after the read of the map that said "wan".
	 */
	smp_rmb();
	return true;
}

int gw_zones_module_init(void);
void gw_zones_module_exit(void);

int gw_zone_set(struct gw_net *gn, const char *name, u8 zone,
		struct netlink_ext_ack *extack);
int gw_zone_del(struct gw_net *gn, const char *name,
		struct netlink_ext_ack *extack);
void gw_zones_replace_locked(struct gw_net *gn,
			     const struct gw_zone_cfg *zones, unsigned int n);
int gw_zones_set_from_param(struct gw_net *gn, const char *list);
void gw_zones_count(struct gw_net *gn, u32 *wan, u32 *lan);
int gw_zone_of(struct gw_net *gn, const char *name);

#endif /* _GW_ZONES_H */
