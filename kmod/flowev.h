/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_FLOWEV_H
#define _GW_FLOWEV_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/spinlock.h>

struct gw_net;
struct gw_flow;

/*
 * The flow events of a namespace (struct gw_net.flowev; "gwctl monitor
 * flows"), sent by kmod/nl_flowev.c only while someone of the namespace
 * listens.  @lock orders them: @seq is numbered and the event multicast
 * under it, so a listener sees the numbers in order whatever CPU sent
 * them; the rate (@bucket), the allocation and the fill are outside it.
 * @lost counts the events not sent (over flow_event_rate, out of memory)
 * since the last one that was, which carries it.
 */
struct gw_flowev {
	spinlock_t lock;
	u64 seq;
	atomic64_t lost;
	atomic64_t bucket;	/* flow_event_rate (bucket.h) */
};

void gw_flowev_init(struct gw_net *gn);
void gw_flowev_send(struct gw_net *gn, const struct gw_flow *flow, u8 event,
		    u8 end);

#endif /* _GW_FLOWEV_H */
