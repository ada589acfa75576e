// SPDX-License-Identifier: GPL-2.0
/*
 * Interface zones.  The admin names interfaces ("wan0 is wan"), possibly
 * before they exist; the hooks need ifindexes.  The name list is the
 * configuration, and a small ifindex map is rebuilt from it whenever the
 * configuration or the set of devices changes, then published under RCU.
 */
#include <linux/netdevice.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pernet.h"
#include "zones.h"

static void gw_wan_map_fill(struct gw_net *gn, struct gw_wan_map *map)
{
	struct net_device *dev;
	unsigned int i;

	map->count = 0;
	rcu_read_lock();
	for (i = 0; i < gn->zones.count; i++) {
		if (gn->zones.cfg[i].zone != GW_ZONE_WAN)
			continue;
		dev = dev_get_by_name_rcu(gn->net, gn->zones.cfg[i].name);
		if (dev)
			map->ifindex[map->count++] = dev->ifindex;
	}
	rcu_read_unlock();
}

/*
 * Publish the wan map the configuration now gives.  It cannot fail: a wan
 * interface that comes back (a PPP link redialling) must never be left
 * unfiltered for want of memory, so the two maps are preallocated and the
 * spare is only rewritten after a grace period.  Unrelated device events
 * leave the map unchanged and cost no grace period.  Caller holds gn->lock.
 */
static void gw_wan_map_rebuild(struct gw_net *gn)
{
	struct gw_wan_map *cur, *spare, next;

	cur = rcu_dereference_protected(gn->zones.wan_map,
					lockdep_is_held(&gn->lock));
	gw_wan_map_fill(gn, &next);
	if (cur && cur->count == next.count &&
	    !memcmp(cur->ifindex, next.ifindex,
		    next.count * sizeof(next.ifindex[0])))
		return;
	spare = &gn->zones.wan_maps[cur == &gn->zones.wan_maps[0] ? 1 : 0];
	/* Readers of the spare's previous publication are done after this. */
	synchronize_rcu();
	*spare = next;
	rcu_assign_pointer(gn->zones.wan_map, spare);
}

static struct gw_zone_cfg *gw_zone_find(struct gw_net *gn, const char *name)
{
	unsigned int i;

	for (i = 0; i < gn->zones.count; i++)
		if (!strncmp(gn->zones.cfg[i].name, name, IFNAMSIZ))
			return &gn->zones.cfg[i];
	return NULL;
}

static int gw_zone_set_locked(struct gw_net *gn, const char *name, u8 zone,
			      struct netlink_ext_ack *extack)
{
	struct gw_zone_cfg *cfg = gw_zone_find(gn, name);
	int err;

	/* the flow table first: the hooks may see the wan map at once */
	if (zone == GW_ZONE_WAN) {
		err = gw_net_activate_locked(gn);
		if (err) {
			NL_SET_ERR_MSG(extack, "out of memory for the flow table");
			return err;
		}
	}
	if (!cfg) {
		if (gn->zones.count == GW_MAX_ZONES) {
			NL_SET_ERR_MSG(extack, "too many interfaces with a zone");
			return -ENOSPC;
		}
		cfg = &gn->zones.cfg[gn->zones.count++];
		strscpy(cfg->name, name, sizeof(cfg->name));
	}
	cfg->zone = zone;
	gn->zones.gen++;
	gw_wan_map_rebuild(gn);
	return 0;
}

int gw_zone_set(struct gw_net *gn, const char *name, u8 zone,
		struct netlink_ext_ack *extack)
{
	int err;

	mutex_lock(&gn->lock);
	err = gw_zone_set_locked(gn, name, zone, extack);
	mutex_unlock(&gn->lock);
	return err;
}

int gw_zone_del(struct gw_net *gn, const char *name,
		struct netlink_ext_ack *extack)
{
	struct gw_zone_cfg *cfg;
	int err = 0;

	mutex_lock(&gn->lock);
	cfg = gw_zone_find(gn, name);
	if (!cfg) {
		NL_SET_ERR_MSG(extack, "interface has no zone");
		err = -ENOENT;
		goto out;
	}
	*cfg = gn->zones.cfg[--gn->zones.count];
	gn->zones.gen++;
	gw_wan_map_rebuild(gn);
out:
	mutex_unlock(&gn->lock);
	return err;
}

/*
 * A load's zones replace the configuration whole.  It cannot fail (see
 * gw_wan_map_rebuild()).  Caller holds gn->lock.
 */
void gw_zones_replace_locked(struct gw_net *gn,
			     const struct gw_zone_cfg *zones, unsigned int n)
{
	memcpy(gn->zones.cfg, zones, n * sizeof(*zones));
	gn->zones.count = n;
	gn->zones.gen++;
	gw_wan_map_rebuild(gn);
}

/* "wan=eth0,eth1" at module load. */
int gw_zones_set_from_param(struct gw_net *gn, const char *list)
{
	char name[IFNAMSIZ];
	const char *p = list;
	int err = 0;

	mutex_lock(&gn->lock);
	while (*p && !err) {
		size_t len = strcspn(p, ",");

		if (len == 0 || len >= IFNAMSIZ) {
			err = -EINVAL;
			break;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		err = gw_zone_set_locked(gn, name, GW_ZONE_WAN, NULL);
		p += len;
		if (*p == ',')
			p++;
	}
	mutex_unlock(&gn->lock);
	return err;
}

/* The zone configured for the interface @name (enum gw_zone), or -1. */
int gw_zone_of(struct gw_net *gn, const char *name)
{
	const struct gw_zone_cfg *cfg;
	int zone;

	mutex_lock(&gn->lock);
	cfg = gw_zone_find(gn, name);
	zone = cfg ? cfg->zone : -1;
	mutex_unlock(&gn->lock);
	return zone;
}

void gw_zones_count(struct gw_net *gn, u32 *wan, u32 *lan)
{
	unsigned int i;

	*wan = 0;
	*lan = 0;
	mutex_lock(&gn->lock);
	for (i = 0; i < gn->zones.count; i++) {
		if (gn->zones.cfg[i].zone == GW_ZONE_WAN)
			(*wan)++;
		else
			(*lan)++;
	}
	mutex_unlock(&gn->lock);
}

static int gw_netdev_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct gw_net *gn;

	switch (event) {
	case NETDEV_REGISTER:
	case NETDEV_UNREGISTER:
	case NETDEV_CHANGENAME:
		break;
	default:
		return NOTIFY_DONE;
	}
	gn = gw_pernet(dev_net(dev));
	mutex_lock(&gn->lock);
	if (gn->zones.count)
		gw_wan_map_rebuild(gn);
	mutex_unlock(&gn->lock);
	return NOTIFY_DONE;
}

static struct notifier_block gw_netdev_notifier = {
	.notifier_call = gw_netdev_event,
};

int gw_zones_module_init(void)
{
	return register_netdevice_notifier(&gw_netdev_notifier);
}

void gw_zones_module_exit(void)
{
	unregister_netdevice_notifier(&gw_netdev_notifier);
}

