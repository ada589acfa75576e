/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_TCP_H
#define _GW_CORE_TCP_H

#include "types.h"
#include "parse.h"
#include "gatewarden.h"

enum gw_dir {
	GW_DIR_ORIGINAL,	/* from the side that sent the first SYN */
	GW_DIR_REPLY,
};

/* Flag classes: the columns of the state machine. */
enum gw_tcp_flag_class {
	GW_TCP_FC_SYN,
	GW_TCP_FC_SYNACK,
	GW_TCP_FC_FIN,
	GW_TCP_FC_ACK,
	GW_TCP_FC_RST,
	GW_TCP_FC_NONE,
	GW_TCP_FC_MAX,
};

/* Pseudo states the transition table yields besides enum gw_tcp_state. */
#define GW_TCP_S_IGNORE		0xfe	/* fits, but changes nothing */
#define GW_TCP_S_INVALID	0xff	/* does not fit the state: drop */

enum gw_tcp_verdict {
	GW_TCP_ACCEPT,
	GW_TCP_INVALID,
	/* a SYN on a closed connection's tuple: the caller starts afresh */
	GW_TCP_REOPEN,
};

/* Per-connection TCP state, kept in the flow entry. */
struct gw_tcp_conn {
	u8 state;		/* enum gw_tcp_state */
	u8 seen_reply;		/* the responder has sent something */
};

bool gw_tcp_flags_valid(u8 flags);
enum gw_tcp_flag_class gw_tcp_flag_class(u8 flags);
u8 gw_tcp_next_state(u8 state, enum gw_dir dir, enum gw_tcp_flag_class fc);
bool gw_tcp_is_pure_syn(u8 flags);
void gw_tcp_init(struct gw_tcp_conn *conn, const struct gw_pkt *pkt);
enum gw_tcp_verdict gw_tcp_track(struct gw_tcp_conn *conn,
				 const struct gw_pkt *pkt, enum gw_dir dir);
const char *gw_tcp_state_name(u8 state);

#endif /* _GW_CORE_TCP_H */
