// SPDX-License-Identifier: GPL-2.0
/*
 * Allow-rule matching.  Only a packet that opens a connection from the wan
 * side gets here, so clarity wins over cleverness: rules are few, and an
 * established flow never consults them.
 */
#include "rule.h"

static __be32 gw_prefix_word_mask(u8 plen, unsigned int word)
{
	unsigned int bits;

	if (plen <= word * 32)
		return 0;
	bits = plen - word * 32;
	if (bits >= 32)
		return gw_htonl(~0U);
	return gw_htonl(~0U << (32 - bits));
}

/* Clear the host bits of @addr beyond a prefix length of @plen. */
void gw_addr_mask(union gw_addr *addr, u8 plen)
{
	unsigned int i;

	for (i = 0; i < 4; i++)
		addr->all[i] &= gw_prefix_word_mask(plen, i);
}

/*
 * @net has its host bits clear (gw_addr_mask()); @plen is at most 128.  The
 * words past the prefix are not looked at: an IPv4 rule costs one compare.
 */
bool gw_prefix_match(const union gw_addr *addr, const union gw_addr *net,
		     u8 plen)
{
	unsigned int i;

	for (i = 0; i < 4 && i * 32 < plen; i++) {
		__be32 mask = gw_prefix_word_mask(plen, i);

		if ((addr->all[i] & mask) != net->all[i])
			return false;
	}
	return true;
}

static bool gw_port_matches(const struct gw_rule_match *rule, u16 port)
{
	unsigned int i;

	if (!rule->nports)
		return true;
	for (i = 0; i < rule->nports && i < GW_RULE_MAX_PORT_RANGES; i++)
		if (port >= rule->ports[i].first && port <= rule->ports[i].last)
			return true;
	return false;
}

bool gw_rule_matches(const struct gw_rule_match *rule,
		     const struct gw_pkt *pkt, const char *in_ifname)
{
	if (rule->family && rule->family != pkt->family)
		return false;
	if (rule->proto != pkt->proto)
		return false;
	if (rule->src_plen && !gw_prefix_match(&pkt->saddr, &rule->src,
					       rule->src_plen))
		return false;
	if (rule->dst_plen && !gw_prefix_match(&pkt->daddr, &rule->dst,
					       rule->dst_plen))
		return false;
	if (!gw_port_matches(rule, pkt->dport))
		return false;
	if (rule->ifname[0] &&
	    strncmp(rule->ifname, in_ifname, GW_IFNAMSIZ) != 0)
		return false;
	return true;
}

/*
 * Where @handle is in @handles, @count handles in ascending order (a
 * ruleset's, kmod/rules.c), or -1: a binary search, at most 13 steps for
 * GW_MAX_RULES.
 */
int gw_rule_handle_index(const u32 *handles, unsigned int count, u32 handle)
{
	unsigned int lo = 0, hi = count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (handles[mid] == handle)
			return (int)mid;
		if (handles[mid] < handle)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
