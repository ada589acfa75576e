/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A rule's counters (issue 19), apart from the rule so that they can
 * outlive it: the rule holds one reference, and each flow it admitted
 * another, taken when the flow is linked and put when the flow is freed,
 * a grace period after its unlink.  So the packet path counts a flow's
 * packets into its rule's counters through one pointer in the flow, with
 * no lookup, no lock and no allocation, and a flow whose rule was deleted
 * or replaced by a load goes on counting into counters nobody lists any
 * more, until it goes too.  Here rather than in rules.h since the flow
 * table, which calls nothing above it, puts its flows' references.
 */
#ifndef _GW_RULECTR_H
#define _GW_RULECTR_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/skbuff.h>

/* One CPU's share of a rule's counters. */
struct gw_rule_pcpu {
	u64 hits;	/* connections admitted (and ICMP echo requests) */
	u64 packets;	/* packets passed on them, both directions */
	u64 bytes;	/* their IP lengths */
};

struct gw_rule_ctr {
	refcount_t refs;
	struct gw_rule_pcpu __percpu *pcpu;
	/*
	 * The sums at the last "rule list --reset", written under gn->lock
	 * (nl_rule.c); a reader without it may see one field reset before
	 * the other, never a torn one.
	 */
	struct gw_rule_pcpu base;
};

/* Process context; one reference, the caller's. */
static inline struct gw_rule_ctr *gw_rule_ctr_alloc(void)
{
	struct gw_rule_ctr *ctr = kzalloc(sizeof(*ctr), GFP_KERNEL_ACCOUNT);

	if (!ctr)
		return NULL;
	ctr->pcpu = alloc_percpu_gfp(struct gw_rule_pcpu, GFP_KERNEL_ACCOUNT);
	if (!ctr->pcpu) {
		kfree(ctr);
		return NULL;
	}
	refcount_set(&ctr->refs, 1);
	return ctr;
}

/*
 * Another reference, for a flow: the caller found @ctr through a rule it
 * reads under RCU, whose own reference is put only after a grace period
 * (gw_rule_free()), so the count cannot be 0 here.
 */
static inline void gw_rule_ctr_get(struct gw_rule_ctr *ctr)
{
	refcount_inc(&ctr->refs);
}

/*
 * The last reference frees the counters at once: the rule's is put after
 * a grace period since it was unpublished, a flow's after one since it
 * was unlinked, so no reader can be counting into them.  Any context.
 */
static inline void gw_rule_ctr_put(struct gw_rule_ctr *ctr)
{
	if (ctr && refcount_dec_and_test(&ctr->refs)) {
		free_percpu(ctr->pcpu);
		kfree(ctr);
	}
}

/* @skb passed on a flow of the rule, or was the rule's echo request. */
static inline void gw_rule_ctr_count(struct gw_rule_ctr *ctr,
				     const struct sk_buff *skb)
{
	this_cpu_inc(ctr->pcpu->packets);
	this_cpu_add(ctr->pcpu->bytes, skb->len - skb_network_offset(skb));
}

#endif /* _GW_RULECTR_H */
