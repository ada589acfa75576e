/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_GC_H
#define _GW_GC_H

#include <linux/workqueue.h>

struct gw_net;

/* The collector of a namespace (struct gw_net.gc). */
struct gw_gc {
	unsigned int idle;		/* waits for a flow: gw_gc_kick() */
	/* the bucket its next slice starts at (gw_flowtable_expire()) */
	unsigned int cursor;
	struct delayed_work work;
};

/* Waking it is gw_gc_kick() (pernet.h), for the table and the lists. */
void gw_gc_init(struct gw_net *gn);
void gw_gc_exit(struct gw_net *gn);

#endif /* _GW_GC_H */
