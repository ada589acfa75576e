/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_UDP_H
#define _GW_CORE_UDP_H

#include "types.h"
#include "tcp.h"

/* A flow answered and older than this is a stream, as nf_conntrack has it. */
#define GW_UDP_STREAM_AFTER_S	2

/*
 * A pseudo-connection: UDP, ICMP echo or any other protocol, where nothing
 * in the packets says when a conversation starts or ends.  It lives while
 * packets keep coming; its timeout grows once the responder has answered.
 */
struct gw_udp_conn {
	u32 created;		/* jiffies (the clock is the caller's) */
	u8 seen_reply;		/* the responder has sent something */
	u8 stream;		/* answered and older than GW_UDP_STREAM_AFTER_S */
};

void gw_udp_init(struct gw_udp_conn *conn, u32 now);
void gw_udp_track(struct gw_udp_conn *conn, enum gw_dir dir, u32 now,
		  u32 hz);

#endif /* _GW_CORE_UDP_H */
