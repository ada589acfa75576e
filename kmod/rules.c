// SPDX-License-Identifier: GPL-2.0
/*
 * Allow rules.  The control plane edits a list under gn->lock and then
 * publishes an array of pointers to the (immutable) rules with one RCU
 * pointer swap, so the packet path always sees a whole ruleset, old or new,
 * and a change never touches established flows.
 */
#include <linux/slab.h>
#include <linux/percpu.h>

#include "pernet.h"
#include "rules.h"
#include "bucket.h"

struct gw_rule *gw_rule_alloc(void)
{
	struct gw_rule *rule = kzalloc(sizeof(*rule), GFP_KERNEL_ACCOUNT);

	if (!rule)
		return NULL;
	rule->ctr = gw_rule_ctr_alloc();
	if (!rule->ctr) {
		kfree(rule);
		return NULL;
	}
	INIT_LIST_HEAD(&rule->list);
	return rule;
}

/*
 * After a grace period since the rule was unpublished, if it ever was:
 * its flows may keep its counters (rulectr.h).
 */
void gw_rule_free(struct gw_rule *rule)
{
	gw_rule_ctr_put(rule->ctr);
	kfree(rule);
}

static void gw_rule_free_rcu(struct rcu_head *head)
{
	gw_rule_free(container_of(head, struct gw_rule, rcu));
}

/*
 * @rule's counters: their sums over the CPUs (@total) and what they
 * counted since the last reset (@shown), which makes @total the base.
 */
void gw_rule_read(const struct gw_rule *rule, struct gw_rule_pcpu *shown,
		  struct gw_rule_pcpu *total)
{
	const struct gw_rule_ctr *ctr = rule->ctr;
	int cpu;

	memset(total, 0, sizeof(*total));
	for_each_possible_cpu(cpu) {
		const struct gw_rule_pcpu *c = per_cpu_ptr(ctr->pcpu, cpu);

		total->hits += READ_ONCE(c->hits);
		total->packets += READ_ONCE(c->packets);
		total->bytes += READ_ONCE(c->bytes);
	}
	shown->hits = total->hits - READ_ONCE(ctr->base.hits);
	shown->packets = total->packets - READ_ONCE(ctr->base.packets);
	shown->bytes = total->bytes - READ_ONCE(ctr->base.bytes);
}

/* The burst is one second's worth (bucket.h). */
void gw_rule_rate_init(struct gw_rule *rule, u32 rate)
{
	rule->rate = rate;
	gw_bucket_init(&rule->bucket, rate);
}

/*
 * Take one packet's worth from @rule's bucket (with @dry, only say whether
 * there is one, and take nothing), lockless (bucket.h).
 */
bool gw_rule_rate_allow(struct gw_rule *rule, bool dry)
{
	return gw_bucket_take(&rule->bucket, rule->rate, dry);
}

/* A ruleset for @count rules, empty: the rules, then their handles. */
static struct gw_ruleset *gw_ruleset_alloc(unsigned int count)
{
	struct gw_ruleset *set;

	set = kmalloc(size_add(struct_size(set, rules, count),
			       array_size(count, sizeof(u32))),
		      GFP_KERNEL_ACCOUNT);
	if (!set)
		return NULL;
	set->count = 0;
	set->synproxy = 0;
	set->logging = 0;
	set->handles = (u32 *)&set->rules[count];
	set->index = NULL;
	return set;
}

static void gw_ruleset_free(struct gw_ruleset *set)
{
	kvfree(set->index);
	kfree(set);
}

/* Every ruleset unpublished goes this way, after the readers it had. */
static void gw_ruleset_free_rcu(struct rcu_head *head)
{
	gw_ruleset_free(container_of(head, struct gw_ruleset, rcu));
}

/* Append @rule, whose handle is above every handle in @set. */
static void gw_ruleset_append(struct gw_ruleset *set, struct gw_rule *rule)
{
	unsigned int i = set->count++;

	/* gw_rules_by_handle() relies on it; see struct gw_ruleset */
	WARN_ON_ONCE(i && set->handles[i - 1] >= rule->handle);
	set->rules[i] = rule;
	set->handles[i] = rule->handle;
	if (gw_rule_proxied(rule))
		set->synproxy++;
	if (rule->log)
		set->logging++;
}

static const struct gw_rule_match *gw_ruleset_match_at(const void *rules,
						      unsigned int i)
{
	struct gw_rule *const *rule = rules;

	return &rule[i]->match;
}

/*
 * Index @set's rules once they are all in it (core/ruleindex.h): the core
 * sizes the index, we allocate it, and the scratch the build works in
 * goes at once.
 */
static int gw_ruleset_index(struct gw_ruleset *set)
{
	const struct gw_rule_array ra = {
		.rules = set->rules,
		.n = set->count,
		.at = gw_ruleset_match_at,
	};
	struct gw_rule_index_scratch *scratch;
	size_t size;

	BUILD_BUG_ON(GW_MAX_RULES > GW_RULE_INDEX_MAX_RULES);
	scratch = kvmalloc(sizeof(*scratch), GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	size = gw_rule_index_size(scratch, &ra);
	set->index = kvmalloc(size, GFP_KERNEL_ACCOUNT);
	if (set->index)
		gw_rule_index_build(set->index, scratch, &ra);
	kvfree(scratch);
	return set->index ? 0 : -ENOMEM;
}

/* Swap @set in; the old one is freed after a grace period. */
static void gw_ruleset_swap(struct gw_net *gn, struct gw_ruleset *set)
{
	struct gw_ruleset *old;

	old = rcu_replace_pointer(gn->rules.ruleset, set,
				  lockdep_is_held(&gn->lock));
	gn->rules.gen++;
	if (old)
		call_rcu(&old->rcu, gw_ruleset_free_rcu);
}

/* Build and publish the array for the current list.  Caller holds gn->lock. */
static int gw_ruleset_publish(struct gw_net *gn, unsigned int count)
{
	struct gw_ruleset *set;
	struct gw_rule *rule;

	set = gw_ruleset_alloc(count);
	if (!set)
		return -ENOMEM;
	list_for_each_entry(rule, &gn->rules.list, list)
		gw_ruleset_append(set, rule);
	if (gw_ruleset_index(set)) {
		gw_ruleset_free(set);
		return -ENOMEM;
	}
	gw_ruleset_swap(gn, set);
	return 0;
}

static unsigned int gw_rules_count(struct gw_net *gn)
{
	const struct gw_ruleset *set;

	set = rcu_dereference_protected(gn->rules.ruleset,
					lockdep_is_held(&gn->lock));
	return set ? set->count : 0;
}

/* On success the rule belongs to the namespace and has its handle. */
int gw_rule_add(struct gw_net *gn, struct gw_rule *rule,
		struct netlink_ext_ack *extack)
{
	unsigned int count;
	int err;

	mutex_lock(&gn->lock);
	count = gw_rules_count(gn);
	if (count >= GW_MAX_RULES) {
		NL_SET_ERR_MSG(extack, "too many rules");
		err = -ENOSPC;
		goto out;
	}
	rule->handle = ++gn->rules.next_handle;
	list_add_tail(&rule->list, &gn->rules.list);
	err = gw_ruleset_publish(gn, count + 1);
	if (err) {
		list_del(&rule->list);
		gn->rules.next_handle--;
		NL_SET_ERR_MSG(extack, "out of memory publishing the ruleset");
	}
out:
	mutex_unlock(&gn->lock);
	return err;
}

int gw_rule_del(struct gw_net *gn, u32 handle, struct netlink_ext_ack *extack)
{
	struct list_head *prev;
	struct gw_rule *rule;
	int err = -ENOENT;

	mutex_lock(&gn->lock);
	list_for_each_entry(rule, &gn->rules.list, list) {
		if (rule->handle != handle)
			continue;
		prev = rule->list.prev;
		list_del(&rule->list);
		err = gw_ruleset_publish(gn, gw_rules_count(gn) - 1);
		if (err) {
			/* back where it was: the list order is the match order */
			list_add(&rule->list, prev);
			NL_SET_ERR_MSG(extack,
				       "out of memory publishing the ruleset");
		} else {
			call_rcu(&rule->rcu, gw_rule_free_rcu);
		}
		goto out;
	}
	NL_SET_ERR_MSG(extack, "no rule with that handle");
out:
	mutex_unlock(&gn->lock);
	return err;
}

static void gw_rules_unpublish(struct gw_net *gn)
{
	struct gw_rule *rule, *tmp;

	gw_ruleset_swap(gn, NULL);
	list_for_each_entry_safe(rule, tmp, &gn->rules.list, list) {
		list_del(&rule->list);
		call_rcu(&rule->rcu, gw_rule_free_rcu);
	}
}

void gw_rules_flush(struct gw_net *gn)
{
	mutex_lock(&gn->lock);
	gw_rules_unpublish(gn);
	mutex_unlock(&gn->lock);
}

/*
 * Replace the whole ruleset with the rules on @staged (a load's
 * transaction), which are given handles and become the namespace's.  The
 * new array and its index are built first: on failure nothing has
 * changed and the rules stay on @staged.  Caller holds gn->lock.
 */
int gw_rules_replace_locked(struct gw_net *gn, struct list_head *staged,
			    unsigned int count)
{
	u32 handle = gn->rules.next_handle;
	struct gw_ruleset *set;
	struct gw_rule *rule, *tmp;
	LIST_HEAD(dead);

	set = gw_ruleset_alloc(count);
	if (!set)
		return -ENOMEM;
	list_for_each_entry(rule, staged, list) {
		rule->handle = ++handle;
		gw_ruleset_append(set, rule);
	}
	if (gw_ruleset_index(set)) {
		gw_ruleset_free(set);
		return -ENOMEM;
	}
	gn->rules.next_handle = handle;
	list_splice_init(&gn->rules.list, &dead);
	list_splice_init(staged, &gn->rules.list);
	gw_ruleset_swap(gn, set);
	list_for_each_entry_safe(rule, tmp, &dead, list) {
		list_del(&rule->list);
		call_rcu(&rule->rcu, gw_rule_free_rcu);
	}
	return 0;
}

/*
 * First match wins; the packet path holds rcu_read_lock().  The index
 * yields, in rule order, the rules @pkt's protocol and port can match;
 * each is judged whole, so the first that matches is the first of all.
 */
static struct gw_rule *__gw_rules_match(struct gw_net *gn,
				       const struct gw_pkt *pkt,
				       const char *in_ifname)
{
	const struct gw_ruleset *set = rcu_dereference(gn->rules.ruleset);
	struct gw_rule_cursor c;
	int i;

	if (!set)
		return NULL;
	gw_rule_index_start(&c, set->index, pkt->proto, pkt->dport);
	while ((i = gw_rule_cursor_next(&c)) >= 0)
		if (gw_rule_matches(&set->rules[i]->match, pkt, in_ifname))
			return set->rules[i];
	return NULL;
}

/* The rule that admits @pkt, counted as a hit unless @dry. */
struct gw_rule *gw_rules_match(struct gw_net *gn,
				     const struct gw_pkt *pkt,
				     const char *in_ifname, bool dry)
{
	struct gw_rule *rule = __gw_rules_match(gn, pkt, in_ifname);

	if (rule)
		gw_rule_hit(rule, dry);
	return rule;
}

/*
 * @rule admitted a connection: for the SYN proxy, when the client's ACK
 * proves its cookie, not at its SYN, which anybody can send.
 */
void gw_rule_hit(struct gw_rule *rule, bool dry)
{
	if (!dry)
		this_cpu_inc(rule->ctr->pcpu->hits);
}

/*
 * The first rule that matches @pkt, if the SYN proxy may answer its SYNs
 * (so @pkt, an ACK of no flow, may bring back a cookie); no hit.  Every
 * ACK of no flow from wan asks: one read when every rule says synproxy
 * off (or none is tcp).
 */
struct gw_rule *gw_rules_match_synproxy(struct gw_net *gn,
					const struct gw_pkt *pkt,
					const char *in_ifname)
{
	const struct gw_ruleset *set = rcu_dereference(gn->rules.ruleset);
	struct gw_rule *rule;

	if (!set || !set->synproxy)
		return NULL;
	rule = __gw_rules_match(gn, pkt, in_ifname);
	return rule && gw_rule_proxied(rule) ? rule : NULL;
}

/* The rule that admits @pkt's connection, without counting a hit. */
const struct gw_rule *gw_rules_find(struct gw_net *gn,
				    const struct gw_pkt *pkt,
				    const char *in_ifname)
{
	return __gw_rules_match(gn, pkt, in_ifname);
}

/*
 * The published rule with @handle, or NULL: gone (deleted, or replaced by
 * a load, which gives every rule a new handle), or 0, no rule at all.
 * Under rcu_read_lock(); O(log n).
 */
const struct gw_rule *gw_rules_by_handle(struct gw_net *gn, u32 handle)
{
	const struct gw_ruleset *set = rcu_dereference(gn->rules.ruleset);
	int i;

	if (!set || !handle)
		return NULL;
	i = gw_rule_handle_index(set->handles, set->count, handle);
	return i < 0 ? NULL : set->rules[i];
}
