/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Logging for the tools admins run: the packets a "log" rule admits (the
 * one that opens each connection) and, with the tunable log_drops, the
 * packets dropped, go to the NFLOG group log_group through the kernel's
 * nf_log (nfnetlink_log), where "tcpdump -i nflog:N" and ulogd2 read
 * them; at most log_rate a second per namespace.  A drop also makes a
 * kernel log line, one a reason every few seconds, for hosts without an
 * NFLOG reader.
 */
#ifndef _GW_NFLOG_H
#define _GW_NFLOG_H

#include <linux/atomic.h>
#include <linux/mutex.h>

#include "verdict.h"

/* Highest log_rate, packets a second. */
#define GW_NFLOG_RATE_MAX	100000
/*
 * The headers of a probe that made a scanner, kept for the scan worker to
 * log with what it decided (scan.c): IPv6's and TCP's with room to spare.
 */
#define GW_NFLOG_HDR_MAX	64

struct gw_pkt;

struct gw_nflog {
	/* orders the gets and puts of @held */
	struct mutex lock;
	/*
	 * We hold nfnetlink_log's logger (nf_logger_find_get()) while
	 * anything in the namespace logs, so it stays loaded
	 */
	bool held;
	/* log_rate's token bucket (bucket.h) */
	atomic64_t bucket;
};

void gw_nflog_init(struct gw_net *gn);
void gw_nflog_sync(struct gw_net *gn);
void gw_nflog_exit(struct gw_net *gn);
void gw_nflog_module_init(void);

__printf(5, 6)
void gw_nflog_event(struct gw_net *gn, u8 family, const void *hdr,
		    unsigned int len, const char *fmt, ...);

void __gw_nflog_verdict(struct gw_net *gn, struct gw_verdict v,
			const struct sk_buff *skb,
			const struct nf_hook_state *state,
			const struct gw_pkt *pkt);

/*
 * The hooks' verdict @v on @skb (@pkt: its parse, NULL if there is none):
 * log it if a rule's log or log_drops asks.  A packet that passes on a
 * flow costs one compare; a drop, a call that reads log_drops.
 */
static inline void gw_nflog_verdict(struct gw_net *gn, struct gw_verdict v,
				    const struct sk_buff *skb,
				    const struct nf_hook_state *state,
				    const struct gw_pkt *pkt)
{
	/* the SYN proxy's opening of a flow is a drop too (of the ACK) */
	if (unlikely(v.action == GW_DROP || v.reason == GW_CTR_RULE_ACCEPTED))
		__gw_nflog_verdict(gn, v, skb, state, pkt);
}

#endif /* _GW_NFLOG_H */
