/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_RESET_H
#define _GW_RESET_H

#include <linux/types.h>
#include <linux/spinlock.h>

#include "flowtable.h"
#include "core/parse.h"

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

/* The RST budget of a namespace (struct gw_net.resets): halfopen_reset_rate. */
struct gw_resets {
	spinlock_t lock;
	u32 stamp;			/* second it counts from (jiffies) */
	u32 used;			/* RSTs sent in it */
};

bool gw_reset_prepare(const struct gw_flow *flow, struct gw_reset *reset);
void gw_reset_fill(const struct gw_flow *flow, struct gw_reset *reset);
void gw_reset_send(struct gw_net *gn, const struct gw_reset *reset);

/*
 * The resets a walk of the table sends for the flows it drops or closes:
 * built under the bucket lock, sent once it is dropped.
 */
#define GW_RESET_BATCH	8
struct gw_reset_batch {
	struct gw_flow_walk walk;
	unsigned int count;
	bool budgeted;		/* within halfopen_reset_rate (gw_reset_send) */
	struct gw_reset reset[GW_RESET_BATCH];
};

void gw_reset_batch_expired(struct gw_reset_batch *b);
void gw_reset_batch_closed(struct gw_reset_batch *b);

void gw_reset_init(struct gw_net *gn);

#endif /* _GW_RESET_H */
