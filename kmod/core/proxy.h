/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_PROXY_H
#define _GW_CORE_PROXY_H

#include "types.h"
#include "parse.h"
#include "syncookie.h"
#include "seqadj.h"

/*
 * The SYN proxy's segments as the tracker sees them (the module sends
 * them, kmod/synproxy.c), and a client's segment as the server will see
 * it.  The proxy judges both halves of a connection in the server's
 * sequence space, so that the tracker's windows are the server's: what
 * comes from the client is translated before it is judged
 * (gw_proxy_to_server()), what comes from the server after.
 */

/*
 * What the cookie's keyed hashes cover (core/syncookie.h): the connection,
 * client first, and the key rotation counter.
 */
struct gw_cookie_tuple {
	union gw_addr client;
	union gw_addr server;
	u16 client_port;
	u16 server_port;
	u32 family;
	u32 counter;
};

/* A keyed hash: siphash() under a siphash_key_t, in the module. */
typedef u64 (*gw_keyed_hash_fn)(const void *data, size_t len,
				const void *key);

/*
 * The hashes of the connection @pkt (from the client) opens or completes,
 * as core/syncookie.h wants them: @hash under @key0 over the tuple, under
 * @key1 over the tuple and @counter (and @counter - 1 when @prev, for a
 * check).  Inline, so that @hash is called directly.
 */
static inline void gw_proxy_cookie_hash(const struct gw_pkt *pkt, u32 counter,
					bool prev, gw_keyed_hash_fn hash,
					const void *key0, const void *key1,
					struct gw_cookie_hash *h)
{
	/* siphash() wants its data aligned as a u64 */
	union {
		struct gw_cookie_tuple t;
		u64 align;
	} u;
	size_t len = offsetof(struct gw_cookie_tuple, counter) + sizeof(u32);

	memset(&u, 0, sizeof(u));
	u.t.client = pkt->saddr;
	u.t.server = pkt->daddr;
	u.t.client_port = pkt->sport;
	u.t.server_port = pkt->dport;
	u.t.family = pkt->family;
	h->tuple = hash(&u.t, offsetof(struct gw_cookie_tuple, counter), key0);
	u.t.counter = counter;
	h->cur = (u32)hash(&u.t, len, key1);
	h->prev = 0;
	if (prev) {
		u.t.counter = counter - 1;
		h->prev = (u32)hash(&u.t, len, key1);
	}
}

/*
 * @to, emptied, addressed as @from is (or, @reply, as its answer): a
 * struct gw_pkt here, a struct gw_tcp_seg that kmod/synproxy.c sends, so
 * a macro over the fields the two share.
 */
#define gw_proxy_addressed(to, from, reply)				\
	do {								\
		typeof(to) to__ = (to);					\
		const struct gw_pkt *from__ = (from);			\
		bool reply__ = (reply);					\
									\
		memset(to__, 0, sizeof(*to__));				\
		to__->saddr = reply__ ? from__->daddr : from__->saddr;	\
		to__->daddr = reply__ ? from__->saddr : from__->daddr;	\
		to__->sport = reply__ ? from__->dport : from__->sport;	\
		to__->dport = reply__ ? from__->sport : from__->dport;	\
		to__->family = from__->family;				\
	} while (0)

void gw_proxy_syn_opts(const struct gw_pkt *syn, struct gw_cookie_opts *opts);
void gw_proxy_server_syn(const struct gw_pkt *ack, u32 client_isn,
			 const struct gw_cookie_opts *opts,
			 struct gw_pkt *syn);
void gw_proxy_server_ack(const struct gw_pkt *synack, u16 client_window,
			 struct gw_pkt *ack);
void gw_proxy_to_server(const struct gw_seqadj *adj, struct gw_pkt *pkt);
u16 gw_proxy_window(u16 window, u8 real_shift, u8 read_shift);

/*
 * synproxy auto, per destination, as pf's adaptive syncookies: the proxy
 * engages when the destination's handshakes in progress reach a quarter
 * of @max (the tunable max_halfopen_dst; GW_PROXY_AUTO_MAX when that is
 * 0, no limit), and disengages once a whole interval of the collector
 * (a second) ends with at most an eighth in progress and at most an
 * eighth of SYNs answered whose cookie never came back: the handshakes
 * those SYNs would have left in progress had it not been engaged.  So a
 * flood keeps it engaged however many of its SYNs the proxy has kept
 * from the table, and a busy service whose clients all answer does not.
 */
#define GW_PROXY_AUTO_MAX	1024
bool gw_proxy_auto_engage(u32 halfopen, u32 max);
bool gw_proxy_auto_disengage(u32 halfopen, u32 answered, u32 opened,
			     u32 max);

#endif /* _GW_CORE_PROXY_H */
