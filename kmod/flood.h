/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_FLOOD_H
#define _GW_FLOOD_H

#include <linux/types.h>

#include "core/parse.h"
#include "core/flood.h"

struct gw_net;
struct gw_flow;
struct gw_rule;

/*
 * A reset for a server still waiting on a handshake gatewarden dropped:
 * from the client, to the server.  Closing a connection (reload_policy)
 * also resets the client, as from the server: then "client" is the
 * server and "server" the client, and the reset carries an ACK.
 */
struct gw_reset {
	union gw_addr client;
	union gw_addr server;
	u16 client_port;
	u16 server_port;
	u32 seq;		/* the client's next sequence number */
	u8 family;
	u8 with_ack;		/* RST|ACK, acknowledging @ack */
	u32 ack;
};

bool gw_reset_prepare(const struct gw_flow *flow, struct gw_reset *reset);
void gw_reset_fill(const struct gw_flow *flow, struct gw_reset *reset);
void gw_reset_send(struct gw_net *gn, const struct gw_reset *reset);
unsigned int gw_reset_close_prepare(struct gw_flow *flow,
				    struct gw_reset reset[2]);
bool gw_reset_xmit(struct gw_net *gn, const struct gw_reset *reset);

/* A source as "gwctl overload list" shows it. */
struct gw_overload_info {
	union gw_addr prefix;
	u8 family;
	u32 seconds_left;
	u32 conns;
};

void gw_flood_init(struct gw_net *gn);
int gw_flood_alloc(struct gw_net *gn);
void gw_flood_exit(struct gw_net *gn);
bool gw_src_exempt(struct gw_net *gn, u8 family, const union gw_addr *addr);
bool gw_src_overloaded(struct gw_net *gn, const struct gw_pkt *pkt);
bool gw_src_conn_open(struct gw_net *gn, struct gw_flow *flow, u32 hash,
		      const struct gw_rule *rule);
void gw_src_conn_close(struct gw_net *gn, struct gw_flow *flow);
void gw_src_conn_release(struct gw_net *gn, struct gw_flow *flow, u32 hash);
void gw_src_gc(struct gw_net *gn);
u32 gw_src_count(struct gw_net *gn);
u32 gw_src_slots(void);
bool gw_overload_get(struct gw_net *gn, unsigned int *pos,
		     struct gw_overload_info *info);
unsigned int gw_overload_del(struct gw_net *gn, u8 family,
			     const union gw_addr *addr, bool all);

#endif /* _GW_FLOOD_H */
