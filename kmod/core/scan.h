/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_SCAN_H
#define _GW_CORE_SCAN_H

#include "types.h"
#include "parse.h"
#include "gatewarden.h"

/*
 * Scan detection, as xtables-addons' xt_psd scores it: per source (an
 * IPv4 address, an IPv6 /64), each distinct (protocol, port, destination)
 * probe that was dropped for want of a flow or a rule adds a weight (3
 * below port 1024, 1 above); a source whose score reaches the threshold
 * (21) is a scanner.  More than the delay (3 s) since its last new probe
 * and a source starts over.  A packet no TCP stack sends (NULL, FIN
 * alone, XMAS, SYN+FIN, SYN+RST) scores the threshold at once.
 *
 * The tracker is a fixed array of sets of GW_SCAN_WAYS entries, chosen by
 * the caller's (keyed) hash of the source: a lookup reads one set, a new
 * source takes a free entry of its set or the one seen least recently,
 * and nothing is ever allocated per packet.  No clock and no lock here:
 * times are the caller's ticks, and the caller serialises each set.
 */
#define GW_SCAN_WAYS		8	/* entries a set, the longest "chain" */
#define GW_SCAN_PROBES		16	/* distinct probes an entry remembers */
#define GW_SCAN_LOW_PORTS	1024	/* ports below it weigh @weight_low */

struct gw_scan_cfg {
	u32 threshold;		/* score that makes a scanner, >= 1 */
	u32 delay;		/* ticks allowed between two new probes */
	u32 weight_low;		/* a port below GW_SCAN_LOW_PORTS */
	u32 weight_high;	/* a port above */
};

/* One dropped packet, as the tracker scores it. */
struct gw_scan_probe {
	union gw_addr src;	/* the source key: gw_scan_source() */
	union gw_addr dst;
	u16 port;		/* destination port; 0 with none */
	u8 family;		/* AF_INET or AF_INET6 */
	u8 proto;
	u8 impossible;		/* flags no TCP stack sends */
};

/*
 * One source: 96 bytes.  @probe is a ring of the fingerprints of its
 * latest distinct probes: a probe among them (a retransmitted SYN) never
 * scores twice.
 */
struct gw_scan_entry {
	union gw_addr src;
	u32 probe[GW_SCAN_PROBES];
	u32 last;		/* tick of the last new probe */
	u32 seen;		/* tick of the last probe, for eviction */
	u16 score;
	u8 family;		/* 0: a free entry */
	u8 nprobes;		/* valid fingerprints in @probe */
	u8 head;		/* where the next fingerprint goes */
	u8 detected;		/* this round reached the threshold already */
	u8 strikes;		/* times this source was blocked */
	u8 pad;
};

/*
 * Does an inbound drop for @reason (enum gw_counter) score?  Only for want
 * of a flow or a rule: a SYN no rule allows, a datagram no flow or rule
 * allows, flags no stack sends, a segment of no flow (an ACK probe, nmap
 * -sA/-sW, unless gw_scan_straggler() says it is the late packet of a
 * flow that just went).  Not what a live flow's tracker drops (window,
 * state), nor ICMP or the rest.
 */
static inline bool gw_scan_scores(unsigned int reason)
{
	return reason == GW_CTR_DROP_PASSIVE_DENIED ||
	       reason == GW_CTR_DROP_UDP_PROBE ||
	       reason == GW_CTR_DROP_TCP_BAD_FLAGS ||
	       reason == GW_CTR_DROP_TCP_NO_FLOW;
}

/*
 * The tuples of the flows that left the table lately, so that their
 * stragglers (an ACK or a retransmission a moment after the flow expired
 * or was evicted) are not taken for ACK probes: one bit per tuple hash in
 * the current of two generations, both consulted; each rotation clears
 * the older and makes it current, so a tuple is remembered for one to two
 * windows.  Fixed size (16 KiB), nothing allocated, no lock: bits are set
 * atomically, and one set during a rotation may be lost (its straggler
 * then scores, as it would with no memory at all).  A hash collision
 * makes a probe pass for a straggler: it goes unscored, never the reverse.
 */
#define GW_SCAN_GONE_BITS	(1U << 16)	/* a generation: 8 KiB */

struct gw_scan_gone {
	unsigned long gen[2][GW_SCAN_GONE_BITS / BITS_PER_LONG];
	u32 cur;		/* the generation new tuples go to */
	u32 rotated;		/* tick of the last rotation */
};

/* The flow of table hash @hash left the table. */
void gw_scan_gone_note(struct gw_scan_gone *g, u32 hash);
/* Did it leave within the last one or two windows? */
bool gw_scan_gone_seen(const struct gw_scan_gone *g, u32 hash);
/*
 * A new generation if @window ticks have passed since the last one (both
 * cleared after two windows); true if it rotated.  One caller at a time.
 */
bool gw_scan_gone_rotate(struct gw_scan_gone *g, u32 now, u32 window);
/*
 * Is a TCP segment of no flow, with @tcp_flags, to tuple hash @hash, a
 * straggler rather than a probe?  A reset always (a scan learns nothing
 * from one, and it is how a peer answers a flow it lost), else one whose
 * tuple left the table lately.
 */
bool gw_scan_straggler(const struct gw_scan_gone *g, u8 tcp_flags, u32 hash);

/* A drop for @reason scores the threshold at once. */
static inline bool gw_scan_impossible(unsigned int reason)
{
	return reason == GW_CTR_DROP_TCP_BAD_FLAGS;
}

enum gw_scan_result {
	GW_SCAN_REPEAT,		/* a probe it had made: no score */
	GW_SCAN_SCORED,		/* scored, below the threshold (or reported) */
	GW_SCAN_DETECTED,	/* reached the threshold with this probe */
};

/* @probe's source key from the packet's @saddr: IPv4 whole, IPv6 /64. */
void gw_scan_source(struct gw_scan_probe *probe, u8 family,
		    const union gw_addr *saddr);
/* The fingerprint of @probe's (protocol, port, destination). */
u32 gw_scan_probe_id(const struct gw_scan_probe *probe);
/* @port's weight under @cfg. */
u32 gw_scan_weight(const struct gw_scan_cfg *cfg, u16 port);
/* The entry of @set (@ways entries) holding @probe's source, or NULL. */
struct gw_scan_entry *gw_scan_find(struct gw_scan_entry *set, u32 ways,
				   u8 family, const union gw_addr *src);
/*
 * Score @probe at @now in @set, the set of @probe's source: its entry, or
 * a new one in place of a free or the least recently seen (an entry with
 * no strikes before one with).  *@entry (if not NULL) is left pointing at
 * the source's entry.
 */
enum gw_scan_result gw_scan_observe(struct gw_scan_entry *set, u32 ways,
				    const struct gw_scan_cfg *cfg,
				    const struct gw_scan_probe *probe, u32 now,
				    struct gw_scan_entry **entry);
/*
 * @e's source was blocked at @now: one strike more (up to 255), and a new
 * round, so that once let in again it is judged afresh.
 */
void gw_scan_blocked(struct gw_scan_entry *e, u32 now);
/*
 * How long to block a source with @strikes earlier blocks: @base seconds,
 * doubled for each strike, never above @max (nor below @base).
 */
u32 gw_scan_block_seconds(u32 base, u32 max, u32 strikes);

#endif /* _GW_CORE_SCAN_H */
