/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_RULE_H
#define _GW_CORE_RULE_H

#include "types.h"
#include "parse.h"
#include "gatewarden.h"

#define GW_IFNAMSIZ	16

struct gw_port_range {
	u16 first;
	u16 last;
};

/*
 * What an allow rule matches.  Prefixes are stored already masked to their
 * length, so a match is a masked compare and nothing else.
 */
struct gw_rule_match {
	union gw_addr src;
	union gw_addr dst;
	struct gw_port_range ports[GW_RULE_MAX_PORT_RANGES];
	char ifname[GW_IFNAMSIZ];	/* input interface, "" = any */
	u8 family;			/* 0 = both */
	u8 proto;
	u8 src_plen;
	u8 dst_plen;
	u8 nports;			/* 0 = any port */
};

void gw_addr_mask(union gw_addr *addr, u8 plen);
bool gw_prefix_match(const union gw_addr *addr, const union gw_addr *net,
		     u8 plen);
bool gw_rule_matches(const struct gw_rule_match *rule,
		     const struct gw_pkt *pkt, const char *in_ifname);
int gw_rule_handle_index(const u32 *handles, unsigned int count, u32 handle);

#endif /* _GW_CORE_RULE_H */
