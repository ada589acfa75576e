// SPDX-License-Identifier: GPL-2.0
/*
 * Pseudo-connections for UDP and every protocol with no connection of its
 * own: a flow is a 5-tuple (or a protocol and two addresses) seen leaving,
 * and a reply is anything on it coming back.
 */
#include "udp.h"

void gw_udp_init(struct gw_udp_conn *conn, u32 now)
{
	conn->created = now;
	conn->seen_reply = 0;
	conn->stream = 0;
}

/*
 * One more packet in direction @dir at @now (a clock of @hz ticks a
 * second).  Only the responder's packets count as a reply, and only an
 * answered flow that lasts becomes a stream: a single query and its answer
 * keep the short timeout.
 */
void gw_udp_track(struct gw_udp_conn *conn, enum gw_dir dir, u32 now, u32 hz)
{
	if (dir == GW_DIR_REPLY)
		conn->seen_reply = 1;
	if (conn->seen_reply && !conn->stream &&
	    now - conn->created >= GW_UDP_STREAM_AFTER_S * hz)
		conn->stream = 1;
}
