/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_TCP_XMIT_H
#define _GW_TCP_XMIT_H

#include <linux/types.h>

#include "core/parse.h"

struct gw_net;

/* A TCP header holds at most 40 bytes of options. */
#define GW_TCP_XMIT_OPTLEN	40

/*
 * A TCP segment gatewarden sends in the name of one end of a connection:
 * a reset, or one of the SYN proxy's handshake segments.  Host order but
 * for the addresses.  @iif: the wan interface of the packet this one
 * answers, for a segment that leaves through wan (see gw_tcp_xmit());
 * 0 for one that goes inside.
 */
struct gw_tcp_seg {
	union gw_addr saddr;
	union gw_addr daddr;
	u16 sport;
	u16 dport;
	u32 seq;
	u32 ack;
	u16 window;
	u8 flags;			/* GW_TCP_* */
	u8 family;
	u8 optlen;			/* a multiple of 4 */
	int iif;
	u8 opts[GW_TCP_XMIT_OPTLEN];
};

int gw_tcp_xmit(struct gw_net *gn, const struct gw_tcp_seg *seg);

#endif /* _GW_TCP_XMIT_H */
