/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_SRCLIMIT_H
#define _GW_SRCLIMIT_H

#include <linux/types.h>
#include <linux/atomic.h>

#include "core/parse.h"
#include "core/flood.h"

struct gw_net;
struct gw_flow;
struct gw_rule;
struct gw_flow_ops;
struct gw_src_set;

/* The per-source table of a namespace (struct gw_net.sources). */
struct gw_sources {
	struct gw_src_set *sets;
	atomic_t overload_count;	/* sources overloaded now */
};

/* The table tells us of a counted flow that leaves it (gw_flow_unlink()). */
void gw_src_conn_close(struct gw_net *gn, struct gw_flow *flow);

/* A source as "gwctl overload list" shows it. */
struct gw_overload_info {
	union gw_addr prefix;
	u8 family;
	u32 seconds_left;
	u32 conns;
};

void gw_srclimit_init(struct gw_net *gn);
int gw_srclimit_alloc(struct gw_net *gn);
void gw_srclimit_exit(struct gw_net *gn);
bool gw_src_exempt(struct gw_net *gn, u8 family, const union gw_addr *addr);
bool gw_src_overloaded(struct gw_net *gn, const struct gw_pkt *pkt,
		       bool dry);
bool gw_src_conn_open(struct gw_net *gn, struct gw_flow *flow, u32 hash,
		      const struct gw_rule *rule);
void gw_src_conn_release(struct gw_net *gn, struct gw_flow *flow, u32 hash);
void gw_src_gc(struct gw_net *gn);
u32 gw_src_count(struct gw_net *gn);
u32 gw_src_slots(void);
bool gw_overload_get(struct gw_net *gn, unsigned int *pos,
		     struct gw_overload_info *info);
unsigned int gw_overload_del(struct gw_net *gn, u8 family,
			     const union gw_addr *addr, bool all);

#endif /* _GW_SRCLIMIT_H */
