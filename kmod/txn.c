// SPDX-License-Identifier: GPL-2.0
/*
 * Atomic loads.  "gwctl load" opens a transaction, stages every zone, rule
 * and tunable of the file in it (each validated when it is staged, so a
 * bad statement is refused with its own message while nothing has
 * changed), then commits.  The commit replaces the ruleset with one RCU
 * pointer swap and the zones and tunables under the same gn->lock, so no
 * control-plane reader sees half a policy and the packet path sees the old
 * ruleset or the new one, never a mix.  Tracked flows are left alone,
 * save those of a source the new blocklist blocks.
 *
 * A namespace has at most one open transaction, owned by the netlink
 * socket (portid) that began it and named by an id that is never reused:
 * a second load fails with EBUSY instead of interleaving with the first,
 * and a stale id (an aborted transaction) is refused.  A transaction whose
 * socket closes (gwctl killed half-way) is freed by the NETLINK_URELEASE
 * notifier (netlink.c, gw_txn_release()).  Staging is bounded by the
 * limits of the running policy.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "pernet.h"
#include "txn.h"
#include "rules.h"
#include "zones.h"
#include "blocklist.h"
#include "reload.h"
#include "nflog.h"

struct gw_txn {
	u32 id;
	u32 portid;
	struct list_head rules;
	unsigned int nrules;
	unsigned int nzones;
	struct gw_zone_cfg zones[GW_MAX_ZONES];
	u32 tunables[__GW_TUN_MAX];
	/* permanent block and never-block entries, by gw_block_kind */
	struct gw_block_staged block[__GW_BLOCK_KIND_MAX];
};

static void gw_txn_free(struct gw_txn *txn)
{
	struct gw_rule *rule, *tmp;
	unsigned int k;

	for (k = 0; k < __GW_BLOCK_KIND_MAX; k++)
		gw_block_staged_free(&txn->block[k]);
	/* staged rules were never published: no reader can hold them */
	list_for_each_entry_safe(rule, tmp, &txn->rules, list) {
		list_del(&rule->list);
		gw_rule_free(rule);
	}
	kfree(txn);
}

int gw_txn_begin(struct gw_net *gn, u32 portid, u32 *id,
		 struct netlink_ext_ack *extack)
{
	struct gw_txn *txn;
	int err = 0;

	txn = kzalloc(sizeof(*txn), GFP_KERNEL_ACCOUNT);
	if (!txn)
		return -ENOMEM;
	INIT_LIST_HEAD(&txn->rules);
	txn->portid = portid;
	/* staged tunables start from the defaults: the file is the policy */
	gw_tunables_defaults(gn, txn->tunables);

	mutex_lock(&gn->lock);
	if (gn->txn.cur) {
		if (gn->txn.cur->portid == portid)
			NL_SET_ERR_MSG(extack, "a load is already open on this socket");
		else
			NL_SET_ERR_MSG(extack, "another load is in progress");
		err = -EBUSY;
		goto out;
	}
	if (!++gn->txn.last_id)
		gn->txn.last_id = 1;
	txn->id = gn->txn.last_id;
	*id = txn->id;
	gn->txn.cur = txn;
	txn = NULL;
out:
	mutex_unlock(&gn->lock);
	kfree(txn);
	return err;
}

/* The caller's open transaction, or NULL with extack set.  Under gn->lock. */
static struct gw_txn *gw_txn_get(struct gw_net *gn, u32 portid, u32 id,
				 struct netlink_ext_ack *extack)
{
	struct gw_txn *txn = gn->txn.cur;

	lockdep_assert_held(&gn->lock);
	if (!txn || txn->id != id || txn->portid != portid) {
		NL_SET_ERR_MSG(extack,
			       "no such load in progress (aborted, or begun by another socket)");
		return NULL;
	}
	return txn;
}

int gw_txn_stage_rule(struct gw_net *gn, u32 portid, u32 id,
		      struct gw_rule *rule, struct netlink_ext_ack *extack)
{
	struct gw_txn *txn;
	int err = 0;

	mutex_lock(&gn->lock);
	txn = gw_txn_get(gn, portid, id, extack);
	if (!txn) {
		err = -ENOENT;
	} else if (txn->nrules >= GW_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "too many rules");
		err = -ENOSPC;
	} else {
		list_add_tail(&rule->list, &txn->rules);
		txn->nrules++;
	}
	mutex_unlock(&gn->lock);
	return err;
}

/* A zone given twice keeps the last, as "gwctl iface add" would. */
int gw_txn_stage_zone(struct gw_net *gn, u32 portid, u32 id,
		      const char *name, u8 zone,
		      struct netlink_ext_ack *extack)
{
	struct gw_zone_cfg *cfg = NULL;
	struct gw_txn *txn;
	unsigned int i;
	int err = 0;

	mutex_lock(&gn->lock);
	txn = gw_txn_get(gn, portid, id, extack);
	if (!txn) {
		err = -ENOENT;
		goto out;
	}
	for (i = 0; i < txn->nzones; i++)
		if (!strncmp(txn->zones[i].name, name, IFNAMSIZ))
			cfg = &txn->zones[i];
	if (!cfg) {
		if (txn->nzones == GW_MAX_ZONES) {
			NL_SET_ERR_MSG(extack, "too many interfaces with a zone");
			err = -ENOSPC;
			goto out;
		}
		cfg = &txn->zones[txn->nzones++];
		strscpy(cfg->name, name, sizeof(cfg->name));
	}
	cfg->zone = zone;
out:
	mutex_unlock(&gn->lock);
	return err;
}

int gw_txn_stage_tunable(struct gw_net *gn, u32 portid, u32 id,
			 unsigned int tunable, u32 value,
			 struct netlink_ext_ack *extack)
{
	struct gw_txn *txn;
	int err = 0;

	mutex_lock(&gn->lock);
	txn = gw_txn_get(gn, portid, id, extack);
	if (txn)
		txn->tunables[tunable] = value;
	else
		err = -ENOENT;
	mutex_unlock(&gn->lock);
	return err;
}

/* A prefix given twice in one load counts once. */
int gw_txn_stage_block(struct gw_net *gn, u32 portid, u32 id, u8 kind,
		       u8 family, const union gw_addr *addr, u8 plen,
		       struct netlink_ext_ack *extack)
{
	struct gw_txn *txn;
	int err;

	mutex_lock(&gn->lock);
	txn = gw_txn_get(gn, portid, id, extack);
	if (!txn) {
		err = -ENOENT;
	} else {
		err = gw_block_stage(&txn->block[kind], family, addr, plen);
		if (err == -ENOSPC)
			NL_SET_ERR_MSG(extack, "too many block entries in one load");
	}
	mutex_unlock(&gn->lock);
	return err;
}

int gw_txn_commit(struct gw_net *gn, u32 portid, u32 id,
		  struct netlink_ext_ack *extack)
{
	struct gw_blocklist *block[__GW_BLOCK_KIND_MAX];
	struct gw_trace_ring *ring;
	struct gw_txn *txn;
	unsigned int i;
	int err;

	mutex_lock(&gn->lock);
	txn = gw_txn_get(gn, portid, id, extack);
	if (!txn) {
		mutex_unlock(&gn->lock);
		return -ENOENT;
	}
	/* the steps that can fail come first: then nothing has changed */
	for (i = 0; i < txn->nzones; i++) {
		if (txn->zones[i].zone != GW_ZONE_WAN)
			continue;
		/* the flow table before the zone that needs it (kept on error) */
		err = gw_net_activate_locked(gn);
		if (err) {
			NL_SET_ERR_MSG(extack, "out of memory for the flow table");
			goto out;
		}
		break;
	}
	err = gw_block_prepare_locked(gn, txn->block,
				      txn->tunables[GW_TUN_MAX_BLOCK_ENTRIES],
				      block, extack);
	if (err)
		goto out;
	err = gw_trace_prepare_locked(gn, txn->tunables[GW_TUN_TRACE_SIZE],
				      &ring);
	if (err) {
		NL_SET_ERR_MSG(extack, "out of memory for the drop trace");
	} else {
		err = gw_rules_replace_locked(gn, &txn->rules, txn->nrules);
		if (err) {
			gw_trace_discard_locked(gn, ring);
			NL_SET_ERR_MSG(extack,
				       "out of memory publishing the ruleset");
		}
	}
	if (err) {
		for (i = 0; i < __GW_BLOCK_KIND_MAX; i++)
			kvfree(block[i]);
	} else {
		gw_zones_replace_locked(gn, txn->zones, txn->nzones);
		for (i = 0; i < __GW_TUN_MAX; i++)
			WRITE_ONCE(gn->tunables[i], txn->tunables[i]);
		gw_block_publish_locked(gn, block);
		gw_trace_publish_locked(gn, ring);
	}
out:
	/* committed or not, the transaction is over */
	gn->txn.cur = NULL;
	mutex_unlock(&gn->lock);
	gw_txn_free(txn);
	if (!err) {
		gw_block_flush_flows(gn);
		/* with reload_policy close (this load's), shut what it disallows */
		gw_reload_apply(gn);
		gw_nflog_sync(gn);
	}
	return err;
}

int gw_txn_abort(struct gw_net *gn, u32 portid, u32 id,
		 struct netlink_ext_ack *extack)
{
	struct gw_txn *txn;

	mutex_lock(&gn->lock);
	txn = gw_txn_get(gn, portid, id, extack);
	if (txn)
		gn->txn.cur = NULL;
	mutex_unlock(&gn->lock);
	if (!txn)
		return -ENOENT;
	gw_txn_free(txn);
	return 0;
}

/* The namespace goes away: a load still open goes with it. */
void gw_txn_net_exit(struct gw_net *gn)
{
	struct gw_txn *txn;

	mutex_lock(&gn->lock);
	txn = gn->txn.cur;
	gn->txn.cur = NULL;
	mutex_unlock(&gn->lock);
	if (txn)
		gw_txn_free(txn);
}

/* @portid's socket is released (closed, its process killed): its load goes */
void gw_txn_release(struct gw_net *gn, u32 portid)
{
	struct gw_txn *txn = NULL;

	mutex_lock(&gn->lock);
	if (gn->txn.cur && gn->txn.cur->portid == portid) {
		txn = gn->txn.cur;
		gn->txn.cur = NULL;
	}
	mutex_unlock(&gn->lock);
	if (txn)
		gw_txn_free(txn);
}
