// SPDX-License-Identifier: GPL-2.0
#include "flowkey.h"

static int gw_endpoint_cmp(const union gw_addr *a, u16 aport,
			   const union gw_addr *b, u16 bport)
{
	int r = memcmp(a->bytes, b->bytes, sizeof(a->bytes));

	if (r)
		return r;
	return (int)aport - (int)bport;
}

/*
 * Fill @key for @pkt.  Returns true when the packet's source is the key's
 * first endpoint, which is what tells the caller the packet's direction.
 */
bool gw_flow_key_from_pkt(struct gw_flow_key *key, const struct gw_pkt *pkt)
{
	bool src_first = gw_endpoint_cmp(&pkt->saddr, pkt->sport,
					 &pkt->daddr, pkt->dport) <= 0;
	unsigned int s = src_first ? 0 : 1;

	memset(key, 0, sizeof(*key));
	key->addr[s] = pkt->saddr;
	key->port[s] = pkt->sport;
	key->addr[!s] = pkt->daddr;
	key->port[!s] = pkt->dport;
	key->family = pkt->family;
	key->proto = pkt->proto;
	return src_first;
}

/*
 * The packet that opened the flow @key (its originator first when
 * @orig_first), as the rules saw it: what a rule change judges the flow by
 * again.  Only what a rule matches is filled in; TCP gets its SYN.
 */
void gw_flow_key_opening_pkt(struct gw_pkt *pkt, const struct gw_flow_key *key,
			     bool orig_first)
{
	unsigned int o = orig_first ? 0 : 1;

	memset(pkt, 0, sizeof(*pkt));
	pkt->saddr = key->addr[o];
	pkt->sport = key->port[o];
	pkt->daddr = key->addr[!o];
	pkt->dport = key->port[!o];
	pkt->family = key->family;
	pkt->proto = key->proto;
	if (key->proto == IPPROTO_TCP)
		pkt->tcp_flags = GW_TCP_SYN;
}
