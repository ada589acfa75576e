/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_RULES_H
#define _GW_RULES_H

#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/netlink.h>
#include <linux/atomic.h>
#include <linux/in.h>

#include "core/rule.h"
#include "core/ruleindex.h"
#include "rulectr.h"

struct gw_net;

/* Most rules one namespace holds, and one load may stage. */
#define GW_MAX_RULES	4096

/*
 * An allow rule.  Immutable once published; only its counters and its
 * token bucket move.
 */
struct gw_rule {
	struct list_head list;		/* gn->rules.list, under gn->lock */
	struct rcu_head rcu;
	u32 handle;
	u8 action;
	struct gw_rule_match match;
	struct gw_rule_ctr *ctr;		/* its reference; rulectr.h */
	u32 rate;			/* packets a second, 0 = unlimited */
	/* full-connection limits of its sources, 0 = the tunables' */
	u32 max_src_conn;
	u32 src_rate_conn;		/* N of max-src-conn-rate N/S */
	u32 src_rate_seconds;		/* S */
	u8 synproxy;			/* enum gw_synproxy_mode */
	bool log;			/* NFLOG each connection it admits */
	/* token bucket: last refill (jiffies) << 32 | credit (1/HZ packets) */
	atomic64_t bucket;
	char comment[GW_COMMENT_MAX];
};

/*
 * What the hooks see: the rules in order, swapped whole under RCU.  Their
 * handles ascend in that order (a rule gets the next handle when it is
 * added at the end, or when a load gives every rule a new one, and
 * handles are never reused), so @handles, their copy in the same
 * allocation, is sorted: gw_rules_by_handle() finds a rule by binary
 * search.  @index, built with the array and freed with it, says which
 * rules a packet's protocol and port can match (core/ruleindex.h).
 */
struct gw_ruleset {
	struct rcu_head rcu;
	unsigned int count;
	unsigned int synproxy;		/* of which gw_rule_proxied() */
	unsigned int logging;		/* of which say log (nflog.c) */
	u32 *handles;			/* handles[i] == rules[i]->handle */
	struct gw_rule_index *index;
	struct gw_rule *rules[];
};

/*
 * The allow rules of a namespace (struct gw_net.rules): a list owned by
 * gn->lock, published as one array, which the packet path reads.
 */
struct gw_rules {
	struct gw_ruleset __rcu *ruleset;
	struct list_head list;		/* of struct gw_rule */
	u32 next_handle;
	u32 gen;			/* changes of @list, for dumps */
};

/* May the SYN proxy answer @rule's SYNs (synproxy on, or auto)? */
static inline bool gw_rule_proxied(const struct gw_rule *rule)
{
	return rule->match.proto == IPPROTO_TCP &&
	       rule->synproxy != GW_SYNPROXY_OFF;
}

struct gw_rule *gw_rule_alloc(void);
void gw_rule_free(struct gw_rule *rule);
int gw_rule_add(struct gw_net *gn, struct gw_rule *rule,
		struct netlink_ext_ack *extack);
int gw_rule_del(struct gw_net *gn, u32 handle,
		struct netlink_ext_ack *extack);
void gw_rules_flush(struct gw_net *gn);
int gw_rules_replace_locked(struct gw_net *gn, struct list_head *staged,
			    unsigned int count);
void gw_rule_read(const struct gw_rule *rule, struct gw_rule_pcpu *shown,
		  struct gw_rule_pcpu *total);
void gw_rule_rate_init(struct gw_rule *rule, u32 rate);
bool gw_rule_rate_allow(struct gw_rule *rule, bool dry);
struct gw_rule *gw_rules_match(struct gw_net *gn,
				     const struct gw_pkt *pkt,
				     const char *in_ifname, bool dry);
void gw_rule_hit(struct gw_rule *rule, bool dry);
struct gw_rule *gw_rules_match_synproxy(struct gw_net *gn,
					const struct gw_pkt *pkt,
					const char *in_ifname);
const struct gw_rule *gw_rules_find(struct gw_net *gn,
				    const struct gw_pkt *pkt,
				    const char *in_ifname);
const struct gw_rule *gw_rules_by_handle(struct gw_net *gn, u32 handle);

#endif /* _GW_RULES_H */
