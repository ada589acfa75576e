/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_SCAN_H
#define _GW_SCAN_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "core/scan.h"
#include "verdict.h"
#include "nflog.h"

struct gw_net;

/*
 * The scan tracker of a namespace: GW_SCAN_SETS sets of GW_SCAN_WAYS
 * sources (2048 sources, 96 bytes each, 193 KiB with the locks),
 * allocated with the flow table.  Only dropped probes take a set's lock;
 * a packet of a live flow never comes here.
 */
#define GW_SCAN_SETS		256
/*
 * Detections waiting for the worker, and the most it takes a second (each
 * may walk the flow table twice: the inside-flow check, the block's
 * flush); past either, the source reports again on its next new probe.
 */
#define GW_SCAN_QUEUE		16
#define GW_SCAN_RATE		10

struct gw_scan_set {
	spinlock_t lock;
	struct gw_scan_entry entry[GW_SCAN_WAYS];
};

/* A detection, from the packet path to the worker. */
struct gw_scan_report {
	union gw_addr src;	/* the source key: an IPv4 address, an IPv6 /64 */
	union gw_addr addr;	/* the address of the packet that crossed */
	u32 score;
	u32 set;		/* index of the source's set */
	u8 family;
	u8 strikes;
	/* the probe that made it a scanner, to log (nflog.c) */
	u8 hdr_len;
	u8 hdr[GW_NFLOG_HDR_MAX];
};

/* How long the tuple of a flow that went is remembered: one to two of it. */
#define GW_SCAN_GONE_WINDOW	(120 * HZ)

struct gw_scan {
	struct gw_scan_set *sets;	/* NULL until the flow table is made */
	struct gw_scan_gone *gone;	/* with @sets */
	spinlock_t queue_lock;
	u32 queue_head;
	u32 queue_len;
	unsigned long rate_start;	/* jiffies the current second began */
	u32 rate_count;			/* detections queued in it */
	struct gw_scan_report queue[GW_SCAN_QUEUE];
	struct work_struct work;
};

void gw_scan_init(struct gw_net *gn);
int gw_scan_alloc(struct gw_net *gn);
/* Waits for the worker: before the blocklist and the table go. */
void gw_scan_exit(struct gw_net *gn);
/* Frees the tracker: after the table, whose flush still calls in. */
void gw_scan_free(struct gw_net *gn);
/* From the collector: a new generation of the flows that went. */
void gw_scan_gc(struct gw_net *gn);

struct gw_flow;
/* struct gw_flow_ops.gone: @flow's stragglers are no probes. */
void gw_scan_flow_gone(struct gw_net *gn, const struct gw_flow *flow,
		       u32 hash);

void __gw_scan_drop(struct gw_net *gn, const struct sk_buff *skb,
		    const struct gw_pkt *pkt, u8 reason);

/* The hook's inbound verdict @v on @skb, @pkt: score it if it is a probe's. */
static inline void gw_scan_verdict(struct gw_net *gn, const struct sk_buff *skb,
				   const struct gw_pkt *pkt, struct gw_verdict v)
{
	if (unlikely(v.action == GW_DROP && gw_scan_scores(v.reason)))
		__gw_scan_drop(gn, skb, pkt, v.reason);
}

#endif /* _GW_SCAN_H */
