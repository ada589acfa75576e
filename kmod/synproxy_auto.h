/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_SYNPROXY_AUTO_H
#define _GW_SYNPROXY_AUTO_H

#include <linux/atomic.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "core/types.h"

struct gw_net;
struct gw_flow_key;
struct gw_halfopen_slot;

/*
 * The destinations for which synproxy auto is engaged: at most this many
 * at once in a namespace.  Each needs a quarter of max_halfopen_dst
 * handshakes in progress to engage, so with the default budgets (a
 * max_halfopen of max_flows / 2) fewer can be engaged together than
 * there are entries; past them, a destination has the half-open budgets
 * alone, as with synproxy off.
 */
#define GW_SYNPROXY_AUTO_DSTS	64

/* One engaged destination (a gw_halfopen_slot's, shared on a collision). */
struct gw_synproxy_engaged {
	struct gw_halfopen_slot *slot;	/* NULL: a free entry */
	union gw_addr addr;		/* the destination that engaged it */
	u16 port;
	u8 family;
	bool announced;			/* its engaged event was sent */
	/* this interval of the collector's: SYNs answered, cookies back */
	atomic_t answered;
	atomic_t opened;
};

/*
 * synproxy auto in a namespace (struct gw_net.synproxy_auto).  The packet
 * path reads a slot's engagement (gw_halfopen_slot.proxy_entry) without a
 * lock and counts into its entry; engaging and disengaging take @lock;
 * the collector judges each engaged entry once a second and sends the
 * events, so the packet path never allocates for them.
 */
struct gw_synproxy_auto {
	spinlock_t lock;
	atomic_t engaged;		/* entries in use */
	struct gw_synproxy_engaged entry[GW_SYNPROXY_AUTO_DSTS];
};

void gw_synproxy_auto_init(struct gw_net *gn);
bool gw_synproxy_auto_engaged(struct gw_net *gn, struct gw_halfopen_slot *slot,
			      const struct gw_flow_key *key, u8 flags, bool dry);
bool gw_synproxy_auto_cookies(struct gw_net *gn, const struct gw_flow_key *key,
			      u8 flags);
void gw_synproxy_auto_opened(struct gw_net *gn, const struct gw_flow_key *key,
			     u8 flags);
bool gw_synproxy_auto_busy(const struct gw_net *gn);
void gw_synproxy_auto_gc(struct gw_net *gn);

#endif /* _GW_SYNPROXY_AUTO_H */
