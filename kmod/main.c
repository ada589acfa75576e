// SPDX-License-Identifier: GPL-2.0
/*
 * gatewarden: a stateful firewall for gateway hosts.
 *
 * Module and per-namespace setup.  Every network namespace gets its own
 * instance (zones, rules, flow table, counters), created and torn down with
 * the namespace.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <net/genetlink.h>

#include "pernet.h"
#include "flowtable.h"
#include "gc.h"
#include "hooks.h"
#include "netlink.h"
#include "rules.h"
#include "zones.h"
#include "srclimit.h"
#include "reset.h"
#include "txn.h"
#include "blocklist.h"
#include "scan.h"
#include "nflog.h"
#include "version.h"

unsigned int gw_net_id __read_mostly;

static char *gw_wan_param;
module_param_named(wan, gw_wan_param, charp, 0444);
MODULE_PARM_DESC(wan, "comma-separated wan interfaces of the initial namespace");

/*
 * The first wan zone of the namespace: allocate the flow and flood tables
 * and enable defragmentation, all charged to the caller's memory cgroup.
 * Until then a namespace (any an unprivileged user makes with unshare -n)
 * holds its struct gw_net, per-CPU counters and registered hooks, and
 * runs no periodic work.  Once made, the tables stay until the namespace
 * goes.  Called before the zone that needs them is published: the hooks
 * see a wan interface only after the tables exist (see gw_hook_inbound()).
 * Caller holds gn->lock.
 */
int gw_net_activate_locked(struct gw_net *gn)
{
	int err;

	lockdep_assert_held(&gn->lock);
	if (gn->table.nbuckets)
		return 0;
	if (!gn->defrag) {
		err = gw_hooks_defrag_enable(gn->net);
		if (err)
			return err;
		gn->defrag = true;
	}
	if (!gn->sources.sets) {
		err = gw_srclimit_alloc(gn);
		if (err)
			return err;
	}
	if (!gn->synproxy.spent) {
		err = gw_synproxy_alloc(gn);
		if (err)
			return err;
	}
	if (!gn->scan.sets) {
		err = gw_scan_alloc(gn);
		if (err)
			return err;
	}
	err = gw_trace_activate_locked(gn);
	if (err)
		return err;
	/* publishes the lot: gw_flowtable_active() from here on */
	return gw_flowtable_alloc(gn);
}

/* Everything gw_net_init() and gw_net_activate_locked() made. */
static void gw_net_free(struct gw_net *gn)
{
	/* its worker adds block entries and walks the table */
	gw_scan_exit(gn);
	gw_gc_exit(gn);
	gw_flowtable_exit(gn);
	/* after the table: its flush tells the scan tracker what goes */
	gw_scan_free(gn);
	gw_srclimit_exit(gn);
	gw_synproxy_exit(gn);
	if (gn->defrag)
		gw_hooks_defrag_disable(gn->net);
	gw_txn_net_exit(gn);
	gw_rules_flush(gn);
	gw_blocklist_exit(gn);
	gw_trace_exit(gn);
	gw_nflog_exit(gn);
	free_percpu(gn->stats);
	kfree(gn);
}

static int __net_init gw_net_init(struct net *net)
{
	struct gw_net *gn;
	int err;

	gn = kzalloc(sizeof(*gn), GFP_KERNEL_ACCOUNT);
	if (!gn)
		return -ENOMEM;
	*(struct gw_net **)net_generic(net, gw_net_id) = gn;
	gn->net = net;
	mutex_init(&gn->lock);
	INIT_LIST_HEAD(&gn->rules.list);
	gw_blocklist_init(gn);
	gn->stats = alloc_percpu_gfp(struct gw_stats, GFP_KERNEL_ACCOUNT);
	if (!gn->stats) {
		kfree(gn);
		return -ENOMEM;
	}
	gw_reset_init(gn);
	gw_synproxy_init(gn);
	gw_synproxy_auto_init(gn);
	gw_srclimit_init(gn);
	gw_scan_init(gn);
	gw_flowtable_init(gn);
	gw_gc_init(gn);
	gw_tunables_init(gn);
	/* their buckets start full at the tunables' rates */
	gw_trace_init(gn);
	gw_flowev_init(gn);
	gw_nflog_init(gn);
	if (net_eq(net, &init_net) && gw_wan_param && *gw_wan_param) {
		err = gw_zones_set_from_param(gn, gw_wan_param);
		if (err) {
			pr_err("invalid wan= list \"%s\"\n", gw_wan_param);
			goto err_free;
		}
	}
	err = gw_hooks_register(gn);
	if (err) {
		/*
		 * nf_register_net_hooks() undoes the hooks it registered before
		 * the one that failed, and they may have judged packets
		 * already (init_net's zones can be set above): it frees their
		 * array by call_rcu() and does not wait, so wait here.
		 */
		synchronize_net();
		goto err_free;
	}
	return 0;

err_free:
	/* no hook is registered, and none is running: nothing uses @gn */
	gw_net_free(gn);
	return err;
}

/*
 * Teardown comes in two steps because 6.1's nf_unregister_net_hooks()
 * does not wait for the packets still inside a hook: it frees the old
 * hook array with call_rcu() and returns.  .pre_exit unregisters the
 * hooks, so no packet enters them any more; the core then calls
 * synchronize_rcu() (cleanup_net(), unregister_pernet_subsys()), after
 * which no CPU is inside gw_hook_inbound()/gw_hook_outbound(); only then
 * does .exit free what they read (tables, lists, counters) and struct
 * gw_net itself (ours: the pernet slot holds only its pointer, so that
 * it can be charged to the namespace's creator).  iptables does the same
 * since 5.12.
 */
static void __net_exit gw_net_pre_exit(struct net *net)
{
	gw_hooks_unregister(gw_pernet(net));
}

static void __net_exit gw_net_exit(struct net *net)
{
	gw_net_free(gw_pernet(net));
}

static struct pernet_operations gw_net_ops = {
	.init = gw_net_init,
	.pre_exit = gw_net_pre_exit,
	.exit = gw_net_exit,
	.id = &gw_net_id,
	.size = sizeof(struct gw_net *),
};

/* What the table tells the layers above it (struct gw_flow_ops). */
static const struct gw_flow_ops gw_flow_ops = {
	.src_close = gw_src_conn_close,
	.event = gw_flowev_send,
	.gone = gw_scan_flow_gone,
};

static int __init gw_mod_init(void)
{
	int err;

	gw_nflog_module_init();
	err = gw_flowtable_module_init(&gw_flow_ops);
	if (err)
		return err;
	err = register_pernet_subsys(&gw_net_ops);
	if (err)
		goto err_flowtable;
	err = gw_zones_module_init();
	if (err)
		goto err_pernet;
	err = gw_genetlink_init();
	if (err)
		goto err_zones;
	pr_info("gatewarden " GW_VERSION " loaded\n");
	return 0;

err_zones:
	gw_zones_module_exit();
err_pernet:
	unregister_pernet_subsys(&gw_net_ops);
err_flowtable:
	rcu_barrier();
	gw_flowtable_module_exit();
	return err;
}

static void __exit gw_mod_exit(void)
{
	gw_genetlink_uninit();
	gw_zones_module_exit();
	unregister_pernet_subsys(&gw_net_ops);
	/*
	 * Rules are freed by RCU callbacks that use our code, and batches
	 * of freed flows wait for a grace period before they are queued to
	 * the reaper's workqueue, which gw_flowtable_module_exit() drains.
	 */
	rcu_barrier();
	gw_flowtable_module_exit();
	pr_info("gatewarden unloaded\n");
}

module_init(gw_mod_init);
module_exit(gw_mod_exit);
MODULE_LICENSE("GPL");
MODULE_AUTHOR("The gatewarden authors");
MODULE_DESCRIPTION("Stateful gateway firewall: passive-connection denial, flow tracking");
MODULE_VERSION(GW_VERSION);
MODULE_ALIAS_GENL_FAMILY("gatewarden");
