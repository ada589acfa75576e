/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_FLOWKEY_H
#define _GW_CORE_FLOWKEY_H

#include "types.h"
#include "parse.h"

/*
 * A connection's identity, the same for both directions: the two endpoints
 * are stored in a fixed order (the "lower" one first), so a reply finds the
 * entry its request created without a second lookup.
 */
struct gw_flow_key {
	union gw_addr addr[2];
	u16 port[2];
	u8 family;
	u8 proto;
	u8 pad[2];
};

bool gw_flow_key_from_pkt(struct gw_flow_key *key, const struct gw_pkt *pkt);
void gw_flow_key_opening_pkt(struct gw_pkt *pkt, const struct gw_flow_key *key,
			     bool orig_first);

static inline bool gw_flow_key_equal(const struct gw_flow_key *a,
				     const struct gw_flow_key *b)
{
	return gw_addr_equal(&a->addr[0], &b->addr[0]) &&
	       gw_addr_equal(&a->addr[1], &b->addr[1]) &&
	       a->port[0] == b->port[0] && a->port[1] == b->port[1] &&
	       a->family == b->family && a->proto == b->proto;
}

#endif /* _GW_CORE_FLOWKEY_H */
