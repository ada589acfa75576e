// SPDX-License-Identifier: GPL-2.0
/*
 * The collector: one delayed work per namespace, once a second while
 * there is anything to collect, that expires a slice of the flow table,
 * lifts the overloads that timed out, drops the block entries that did and
 * judges the destinations synproxy auto is engaged for.
 * It calls each of them; none of them calls it but to wake it
 * (gw_gc_kick()), so the table depends on no policy above it.
 */
#include <linux/kernel.h>
#include <linux/workqueue.h>

#include "pernet.h"
#include "gc.h"
#include "flowtable.h"
#include "srclimit.h"
#include "reset.h"
#include "blocklist.h"
#include "scan.h"
#include "synproxy_auto.h"

/* Is there anything for the collector to do? */
static bool gw_gc_busy(struct gw_net *gn)
{
	return atomic_read(&gn->table.flow_count) ||
	       atomic_read(&gn->sources.overload_count) || gw_block_timed(gn) ||
	       gw_synproxy_auto_busy(gn);
}

static void gw_gc_worker(struct work_struct *work)
{
	struct gw_net *gn = container_of(to_delayed_work(work), struct gw_net,
					 gc.work);
	struct gw_reset_batch resets;

	gw_reset_batch_expired(&resets);
	gw_flowtable_expire(gn, &resets.walk);
	gw_src_gc(gn);
	gw_block_gc(gn);
	gw_scan_gc(gn);
	gw_synproxy_auto_gc(gn);
	if (!gw_gc_busy(gn)) {
		/* nothing left: sleep until gw_gc_kick() */
		WRITE_ONCE(gn->gc.idle, 1);
		/* gc.idle before the second look at the work */
		smp_mb();
		if (!gw_gc_busy(gn) || !xchg(&gn->gc.idle, 0))
			return;
	}
	queue_delayed_work(system_power_efficient_wq, &gn->gc.work,
			   GW_GC_INTERVAL);
}

/* The namespace is created: the collector sleeps until the first flow. */
void gw_gc_init(struct gw_net *gn)
{
	gn->gc.idle = 1;
	INIT_DELAYED_WORK(&gn->gc.work, gw_gc_worker);
}

/* Before the tables it collects are freed. */
void gw_gc_exit(struct gw_net *gn)
{
	cancel_delayed_work_sync(&gn->gc.work);
}
