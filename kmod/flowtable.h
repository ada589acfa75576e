/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_FLOWTABLE_H
#define _GW_FLOWTABLE_H

#include <linux/types.h>
#include <linux/spinlock.h>
#include <linux/rculist.h>
#include <linux/siphash.h>
#include <linux/atomic.h>
#include <linux/llist.h>
#include <linux/workqueue.h>
#include <linux/refcount.h>

#include "core/flowkey.h"
#include "core/tcp.h"
#include "core/udp.h"
#include "core/seqadj.h"
#include "rulectr.h"

struct gw_net;

/*
 * The table of a namespace (struct gw_net.table), allocated with its first
 * wan zone (gw_flowtable_alloc()).  Every packet reads @buckets,
 * @nbuckets and @hash_key; @nbuckets is 0 until the table is published.
 */
struct gw_table {
	struct hlist_head *buckets;
	spinlock_t *bucket_locks;
	unsigned int nbuckets;		/* a power of two */
	atomic_t flow_count;
	siphash_key_t hash_key;
	struct gw_reaper *reaper;	/* freed flows, until their grace period */
};

/*
 * Unlinked flows wait in @graveyard until the reaper frees them a grace
 * period later, a batch at a time (@reaping, while GW_REAPER_BUSY is set
 * in @flags).  @dying counts them from unlink to free: memory the table
 * still holds, so admission refuses new flows while max_flows of them
 * wait (gw_flow_reserve()) and a flood cannot outrun the grace periods.
 * Allocated with the table and referenced by it and by a batch on its
 * way, so a namespace's .exit never waits for a grace period: the last
 * batch frees it.
 */
struct gw_reaper {
	atomic_t dying;
	struct llist_head graveyard;
	struct llist_node *reaping;
	unsigned long flags;
	bool dismantling;		/* .exit freed the graveyard itself */
	refcount_t refs;
	struct rcu_work work;
};

/* A hard ceiling for the max_flows tunable: 4M flows is 512 MiB of entries. */
#define GW_MAX_FLOWS_LIMIT	(4U << 20)

/* The originator is the key's first endpoint. */
#define GW_FLOW_ORIG_FIRST	BIT(0)
/* Opened from the wan side, through an allow rule. */
#define GW_FLOW_INBOUND		BIT(1)
/* Counted in its source's established connections (kmod/srclimit.c). */
#define GW_FLOW_SRC_COUNTED	BIT(2)
/*
 * Closed by reload_policy close: a tombstone until it expires.  Nothing
 * from outside passes on it (a packet is judged as if there were no flow),
 * and what the inside end sends on it is dropped, so the connection cannot
 * be opened again from inside by its next packet.
 */
#define GW_FLOW_CLOSED		BIT(3)
/*
 * Opened from inside toward an address the blocklist blocked then: what
 * comes back on it is still checked against the blocklist.  Any other live
 * flow skips that check, since blocking a source cuts its flows at once.
 */
#define GW_FLOW_PEER_BLOCKED	BIT(4)

/*
 * Where the SYN proxy is with a connection it opened (struct gw_flow.proxy;
 * kmod/synproxy.c).  Only ever moves forward: WAIT to JOINING to JOINED.
 */
enum gw_proxy_state {
	GW_PROXY_NONE,		/* not proxied */
	/*
	 * The client's cookie was good and the SYN went to the server:
	 * @seqadj holds our ISN and TSval to the client, until the server's
	 * SYN-ACK gives the deltas.
	 */
	GW_PROXY_WAIT,
	GW_PROXY_JOINING,	/* one CPU is writing @seqadj */
	GW_PROXY_JOINED,	/* @seqadj translates every segment */
};

/* What a proxied flow starts with (gw_flow_insert()). */
struct gw_proxy_init {
	u32 cookie_isn;		/* our ISN to the client */
	u32 cookie_tsval;	/* our TSval to the client, 0 without */
	u8 wscale;		/* the window shift we offered the client */
};

/*
 * One tracked connection.  Found under RCU with no lock; its state changes
 * under @lock; unlinked under its bucket's lock and freed after a grace
 * period, so a reader that raced with the unlink still sees valid memory
 * (and @dead).  152 bytes, in a slab cache of its own (not cache-aligned:
 * that would round it up to 192); see docs/design.md, "Flow table".
 */
struct gw_flow {
	struct hlist_node node;
	struct gw_flow_key key;
	spinlock_t lock;
	u32 last_seen;		/* jiffies, wrapping */
	u32 packets[2];		/* by enum gw_dir */
	union {
		struct gw_tcp_conn tcp;		/* key.proto is IPPROTO_TCP */
		struct gw_udp_conn udp;		/* every other protocol */
	};
	u8 flags;		/* GW_FLOW_* */
	u8 dead;
	u8 halfopen;		/* counted in the half-open budgets */
	/*
	 * enum gw_proxy_state in the low four bits, the window shift the
	 * proxy offered the client in the high four; in what was padding.
	 */
	u8 proxy;
	/*
	 * The counters of the rule that admitted it (NULL for a flow
	 * opened from inside), where every packet passed on it is counted:
	 * a reference, put when the flow is freed (rulectr.h).  Set before
	 * the flow is linked and never changed; in the cache line the
	 * established path reads anyway.
	 */
	struct gw_rule_ctr *ctr;
	/*
	 * A proxied flow's translation (GW_PROXY_JOINED), written once
	 * before @proxy says so (release), read after it (acquire); no
	 * lock on the established path.
	 */
	struct gw_seqadj seqadj;
	/*
	 * An inbound flow's input interface, for a rule change to judge it
	 * again, and the handle of the rule that admitted it (0 for a flow
	 * opened from inside), for its source's limits at handshake end.
	 * Set before the flow is linked and never changed.
	 */
	int in_ifindex;
	u32 rule;
	union {
		/*
		 * In its destination's gw_halfopen_slot while @halfopen;
		 * only touched under that slot's lock, and left
		 * (gw_flow_halfopen_release()) before the flow is unlinked
		 * and @reap written.
		 */
		struct list_head halfopen_link;
		struct llist_node reap;		/* in the graveyard */
	};
};

/*
 * What the table must tell the layers above it unasked, through pointers
 * installed once, at module load (kmod/main.c), so the table calls nothing
 * above it: a flow counted against its source (GW_FLOW_SRC_COUNTED)
 * leaves the table or is closed, under its bucket lock (kmod/srclimit.c);
 * a flow is linked, or ends (unlinked, or closed for good), under its
 * bucket lock too, so its events go out in order (GW_EVENT_FLOW_NEW,
 * GW_EVENT_FLOW_END with an enum gw_flow_end; kmod/nl_flowev.c, which
 * sends nothing unless someone listens); a flow stops being one for the
 * packets that come in, so that its stragglers are not taken for probes
 * (kmod/scan.c).
 */
struct gw_flow_ops {
	void (*src_close)(struct gw_net *gn, struct gw_flow *flow);
	void (*event)(struct gw_net *gn, const struct gw_flow *flow, u8 event,
		      u8 end);
	/*
	 * @flow (of table hash @hash) is no longer a flow for the packets
	 * that come in: unlinked, or closed by reload_policy.  Under its
	 * bucket lock; must not sleep.
	 */
	void (*gone)(struct gw_net *gn, const struct gw_flow *flow, u32 hash);
};

/* An unlink that sends no GW_EVENT_FLOW_END: the namespace is going. */
#define GW_FLOW_END_SILENT	0xff

/*
 * Told of each flow a walk of the table unlinks or closes: under its
 * bucket lock, before it goes (@leaving), then once that lock is dropped
 * (@unlocked).  How the policy above acts on what leaves (a reset, built
 * in the one and sent in the other: never under the lock, since our own
 * hooks see what we send), without the table calling it.
 */
struct gw_flow_walk {
	void (*leaving)(struct gw_flow_walk *walk, struct gw_flow *flow);
	void (*unlocked)(struct gw_flow_walk *walk, struct gw_net *gn);
};

/* Flows reload_policy closes under one hold of a bucket lock. */
#define GW_CLOSE_BATCH		4

int gw_flowtable_module_init(const struct gw_flow_ops *ops);
void gw_flowtable_module_exit(void);
unsigned int gw_flowtable_entry_size(void);
/* Flows unlinked, not yet freed (struct gw_reaper). */
unsigned int gw_flowtable_dying(const struct gw_net *gn);

void gw_flowtable_init(struct gw_net *gn);
int gw_flowtable_alloc(struct gw_net *gn);
void gw_flowtable_exit(struct gw_net *gn);
u32 gw_flowtable_default_max(const struct gw_net *gn);
void gw_flowtable_expire(struct gw_net *gn, struct gw_flow_walk *walk);
void gw_flowtable_flush(struct gw_net *gn, u8 end);
void gw_flowtable_flush_if(struct gw_net *gn,
			   bool (*match)(const struct gw_flow *flow, void *arg),
			   void *arg, u8 end);
bool gw_flowtable_any(struct gw_net *gn,
		      bool (*match)(const struct gw_flow *flow, void *arg),
		      void *arg);
spinlock_t *gw_flow_bucket_lock(struct gw_net *gn, u32 hash);
spinlock_t *gw_bucket_lock(struct gw_net *gn, unsigned int bucket);
unsigned int gw_flowtable_close_if(struct gw_net *gn,
				   bool (*match)(const struct gw_flow *flow,
						 void *arg),
				   void *arg, struct gw_flow_walk *walk);

/* Which flows "gwctl conn list|count|flush src A dst B proto P state S" means. */
struct gw_flow_filter {
	u8 family;		/* 0: any; set whenever an address is */
	bool has_proto;
	u8 proto;
	bool has_src;
	union gw_addr src;	/* originator */
	bool has_dst;
	union gw_addr dst;	/* responder */
	bool has_state;
	u8 state;		/* enum gw_tcp_state; TCP flows only */
};

bool gw_flow_filter_match(const struct gw_flow_filter *f,
			  const struct gw_flow *flow);
void gw_flowtable_flush_filtered(struct gw_net *gn,
				 const struct gw_flow_filter *f);

u32 gw_flow_hash(const struct gw_net *gn, const struct gw_flow_key *key);
struct gw_flow *gw_flow_lookup(struct gw_net *gn,
			       const struct gw_flow_key *key, u32 hash);
struct gw_flow *gw_flow_lookup_pkt(struct gw_net *gn, const struct gw_pkt *pkt,
				   struct gw_flow_key *key, u32 *hash,
				   bool *src_first);
struct gw_flow *gw_flow_insert(struct gw_net *gn, const struct gw_flow_key *key,
			       u32 hash, u8 flags, int in_ifindex, u32 rule,
			       struct gw_rule_ctr *ctr,
			       const struct gw_tcp_conn *tcp,
			       const struct gw_proxy_init *proxy, u32 now,
			       enum gw_counter *why, bool *raced);
void gw_flow_unlink(struct gw_net *gn, struct gw_flow *flow, u8 end);
void gw_flow_remove(struct gw_net *gn, struct gw_flow *flow, u32 hash,
		    u8 end);
bool gw_flow_expired(const struct gw_net *gn, const struct gw_flow *flow,
		     u32 now);
u32 gw_flow_timeout_left(const struct gw_net *gn, const struct gw_flow *flow,
			 u32 now);
bool gw_flow_handshake_done(struct gw_net *gn, struct gw_flow *flow);

/*
 * The handshakes in the table, by destination (gn->budgets.halfopen_dst)
 * and by direction: what the half-open budgets (kmod/budget.c) count.
 */
struct gw_halfopen_slot *
gw_halfopen_slot(struct gw_net *gn, const struct gw_flow_key *key, u8 flags);
bool gw_flow_halfopen_release(struct gw_net *gn, struct gw_flow *flow);
u32 gw_halfopen_dir_count(const struct gw_net *gn, u8 flags);

static inline bool gw_tcp_state_halfopen(u8 state)
{
	return state == GW_TCP_SYN_SENT || state == GW_TCP_SYN_RECV ||
	       state == GW_TCP_SYN_SENT2;
}

/* Does a new flow in state @tcp (NULL: no TCP) count as a handshake? */
static inline bool gw_flow_opens_halfopen(const struct gw_tcp_conn *tcp)
{
	return tcp && gw_tcp_state_halfopen(tcp->state) &&
	       !(tcp->flags & GW_TCP_CONN_PICKED_UP);
}

/* The responder of @key, as a flow with @flags would have it. */
static inline void gw_key_responder(const struct gw_flow_key *key, u8 flags,
				    const union gw_addr **addr, u16 *port)
{
	unsigned int i = flags & GW_FLOW_ORIG_FIRST ? 1 : 0;

	*addr = &key->addr[i];
	*port = key->port[i];
}
void gw_flow_responder(const struct gw_flow *flow, const union gw_addr **addr,
		       u16 *port);
void gw_flow_originator(const struct gw_flow *flow,
			const union gw_addr **addr, u16 *port);

static inline bool gw_flow_closed(const struct gw_flow *flow)
{
	return unlikely(READ_ONCE(flow->flags) & GW_FLOW_CLOSED);
}

static inline bool gw_flow_peer_blocked(const struct gw_flow *flow)
{
	return unlikely(READ_ONCE(flow->flags) & GW_FLOW_PEER_BLOCKED);
}

static inline enum gw_dir gw_flow_dir(const struct gw_flow *flow,
				      bool src_first)
{
	return src_first == !!(flow->flags & GW_FLOW_ORIG_FIRST) ?
	       GW_DIR_ORIGINAL : GW_DIR_REPLY;
}

#endif /* _GW_FLOWTABLE_H */
