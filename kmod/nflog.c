// SPDX-License-Identifier: GPL-2.0
/*
 * Logging to NFLOG (nflog.h).  The packets go through nf_log_packet()
 * with a loginfo of type NF_LOG_TYPE_ULOG, which nf_log hands to
 * nfnetlink_log's logger whatever the namespace bound for plain logging;
 * nfnetlink_log then delivers them to the group's listener in the
 * packet's own namespace, so one namespace's group never sees another's.
 *
 * nf_log_packet() reads its logger under RCU and nfnetlink_log's exit
 * unregisters it with a grace period, so a packet may be logged without
 * a reference; the reference we hold while anything logs
 * (nf_logger_find_get(), as xt_NFLOG's checkentry takes it) is what
 * loads nfnetlink_log when logging is first turned on and keeps it
 * loaded, and is put when nothing logs any more, when the namespace goes
 * and so when the module goes.
 */
#include <linux/if_ether.h>
#include <linux/kmod.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/ratelimit.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/netfilter/nf_log.h>

#include "pernet.h"
#include "nflog.h"
#include "bucket.h"
#include "core/names.h"
#include "core/parse.h"

/*
 * The kernel log's share: one line a drop reason every 10 s, for all
 * namespaces together, so that no flood (or namespace count) fills it.
 */
#define GW_NFLOG_KMSG_INTERVAL	(10 * HZ)

static struct ratelimit_state gw_nflog_kmsg_rs[__GW_CTR_MAX];

void gw_nflog_module_init(void)
{
	unsigned int i;

	for (i = 0; i < __GW_CTR_MAX; i++)
		ratelimit_state_init(&gw_nflog_kmsg_rs[i],
				     GW_NFLOG_KMSG_INTERVAL, 1);
}

/* After the tunables (log_rate): the first second's worth may be logged. */
void gw_nflog_init(struct gw_net *gn)
{
	mutex_init(&gn->nflog.lock);
	gw_bucket_init(&gn->nflog.bucket, gw_tunable(gn, GW_TUN_LOG_RATE));
}

/* Does anything in @gn log: log_drops, or a rule that says log? */
static bool gw_nflog_wanted(struct gw_net *gn)
{
	const struct gw_ruleset *set;
	bool rules;

	rcu_read_lock();
	set = rcu_dereference(gn->rules.ruleset);
	rules = set && set->logging;
	rcu_read_unlock();
	return rules || gw_tunable(gn, GW_TUN_LOG_DROPS);
}

/* nfnetlink_log's loggers for IPv4 and IPv6, loading it if need be. */
static int gw_nflog_get(void)
{
	if (!nf_logger_find_get(NFPROTO_INET, NF_LOG_TYPE_ULOG))
		return 0;
	request_module("nfnetlink_log");
	return nf_logger_find_get(NFPROTO_INET, NF_LOG_TYPE_ULOG);
}

/*
 * After any change of the rules or the tunables, in process context and
 * without gn->lock (loading nfnetlink_log runs modprobe): hold the
 * logger while anything logs, and only then.  Concurrent changes are
 * ordered by gn->nflog.lock, and each looks at the state after its own.
 */
void gw_nflog_sync(struct gw_net *gn)
{
	bool want;
	int err;

	mutex_lock(&gn->nflog.lock);
	want = gw_nflog_wanted(gn);
	if (want && !gn->nflog.held) {
		err = gw_nflog_get();
		if (err)
			pr_warn_ratelimited("no NFLOG logger (nfnetlink_log: %d): nothing is logged but drops to the kernel log\n",
					    err);
		else
			gn->nflog.held = true;
	} else if (!want && gn->nflog.held) {
		nf_logger_put(NFPROTO_INET, NF_LOG_TYPE_ULOG);
		gn->nflog.held = false;
	}
	mutex_unlock(&gn->nflog.lock);
}

/* The namespace goes; no hook runs any more. */
void gw_nflog_exit(struct gw_net *gn)
{
	if (gn->nflog.held)
		nf_logger_put(NFPROTO_INET, NF_LOG_TYPE_ULOG);
	gn->nflog.held = false;
	mutex_destroy(&gn->nflog.lock);
}

/* Within the namespace's log_rate? Takes a token if so. */
static bool gw_nflog_rate(struct gw_net *gn)
{
	return gw_bucket_take(&gn->nflog.bucket,
			      gw_tunable(gn, GW_TUN_LOG_RATE), false);
}

/* Did the rule @handle, which admitted a connection, say log? */
static bool gw_nflog_rule_logs(struct gw_net *gn, u32 handle)
{
	const struct gw_ruleset *set = rcu_dereference(gn->rules.ruleset);
	const struct gw_rule *rule;

	/* most rulesets have no rule that logs: no lookup then */
	if (!set || !set->logging)
		return false;
	rule = gw_rules_by_handle(gn, handle);
	return rule && rule->log;
}

/* The kernel log's line about a drop for @why, within its share. */
static void gw_nflog_kmsg(const struct nf_hook_state *state,
			  const struct gw_pkt *pkt, u8 reason,
			  const char *why)
{
	const struct net_device *dev = state->in ? state->in : state->out;

	if (!__ratelimit(&gw_nflog_kmsg_rs[reason]))
		return;
	if (!pkt)
		pr_info("drop %s on %s\n", why, dev->name);
	else if (pkt->family == AF_INET)
		pr_info("drop %s: proto %u %pI4:%u -> %pI4:%u on %s\n", why,
			pkt->proto, &pkt->saddr.ip, pkt->sport, &pkt->daddr.ip,
			pkt->dport, dev->name);
	else
		pr_info("drop %s: proto %u [%pI6c]:%u -> [%pI6c]:%u on %s\n",
			why, pkt->proto, &pkt->saddr, pkt->sport, &pkt->daddr,
			pkt->dport, dev->name);
}

/* Where @gn's packets go: its NFLOG group, sent at once (as iptables' NFLOG). */
static struct nf_loginfo gw_nflog_info(struct gw_net *gn)
{
	return (struct nf_loginfo){
		.type = NF_LOG_TYPE_ULOG,
		.u.ulog.group = gw_tunable(gn, GW_TUN_LOG_GROUP),
		.u.ulog.qthreshold = 1,
	};
}

/*
 * An event about a packet gone by, whose first @len bytes from its network
 * header are @hdr (a scan's probe): logged, with log_drops and within the
 * rate, as a packet of @family arriving (PRE_ROUTING) on no interface.
 * Process context: the packet is copied into an skb of its own.
 */
void gw_nflog_event(struct gw_net *gn, u8 family, const void *hdr,
		    unsigned int len, const char *fmt, ...)
{
	struct nf_loginfo li = gw_nflog_info(gn);
	char prefix[NF_LOG_PREFIXLEN];
	struct sk_buff *skb;
	va_list args;

	might_sleep();
	if (!len || !gw_tunable(gn, GW_TUN_LOG_DROPS) || !gw_nflog_rate(gn))
		return;
	skb = alloc_skb(len, GFP_KERNEL);
	if (!skb)
		return;
	skb_put_data(skb, hdr, len);
	skb_reset_network_header(skb);
	skb->protocol = htons(family == AF_INET ? ETH_P_IP : ETH_P_IPV6);
	va_start(args, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, args);
	va_end(args);
	nf_log_packet(gn->net, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6,
		      NF_INET_PRE_ROUTING, skb, NULL, NULL, &li, "%s", prefix);
	consume_skb(skb);
}

void __gw_nflog_verdict(struct gw_net *gn, struct gw_verdict v,
			const struct sk_buff *skb,
			const struct nf_hook_state *state,
			const struct gw_pkt *pkt)
{
	struct nf_loginfo li;
	const char *name;

	/*
	 * A rule admitted the packet that opens its flow (or its SYN
	 * proxy's): logged once, here, not with each packet of the flow.
	 */
	if (v.reason == GW_CTR_RULE_ACCEPTED ||
	    v.reason == GW_CTR_SYNPROXY_OPENED) {
		if (gw_nflog_rule_logs(gn, v.rule) && gw_nflog_rate(gn)) {
			li = gw_nflog_info(gn);
			nf_log_packet(gn->net, state->pf, state->hook, skb,
				      state->in, state->out, &li,
				      "gw log rule %u ", v.rule);
		}
		return;
	}
	if (!gw_tunable(gn, GW_TUN_LOG_DROPS))
		return;
	/* the SYN proxy's answers (a SYN, a joined handshake) are no drops */
	name = gw_counter_name(v.reason);
	if (!name || strncmp(name, "drop_", 5))
		return;
	name += 5;
	/*
	 * The namespace's own rate first: the kernel log's limits are shared
	 * by every namespace, and even a failed __ratelimit() writes its
	 * lock's cache line, which a flood of drops on every CPU would bounce.
	 */
	if (!gw_nflog_rate(gn))
		return;
	gw_nflog_kmsg(state, pkt, v.reason, name);
	li = gw_nflog_info(gn);
	nf_log_packet(gn->net, state->pf, state->hook, skb, state->in,
		      state->out, &li, "gw drop %s ", name);
}
