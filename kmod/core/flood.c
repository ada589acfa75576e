// SPDX-License-Identifier: GPL-2.0
/*
 * The arithmetic of the flood budgets: adaptive half-open timeouts, the
 * per-source connection rate, which entry early drop may evict and which
 * slot a new source takes.
 */
#include "flood.h"

void gw_conn_rate_reset(struct gw_conn_rate *r, u32 now)
{
	r->count = 0;
	r->last = now;
}

/*
 * Count one new connection at @now and say whether that makes more than
 * @limit in @window.  The count decays by the share of the window that
 * passed since the last one, so a steady @limit per @window never trips it
 * and the (@limit + 1)th in a burst does.  @limit 0 or @window 0: no limit.
 */
bool gw_conn_rate_exceeded(struct gw_conn_rate *r, u32 limit, u32 window,
			   u32 now)
{
	u32 elapsed = now - r->last;
	u64 cap;

	if (!limit || !window)
		return false;
	if (elapsed >= window)
		r->count = 0;
	else
		r->count -= (u32)((u64)r->count * elapsed / window);
	r->last = now;
	cap = (u64)limit * GW_CONN_RATE_ONE;
	/* saturate rather than wrap under an endless burst */
	if ((u64)r->count + GW_CONN_RATE_ONE <= cap + GW_CONN_RATE_ONE)
		r->count += GW_CONN_RATE_ONE;
	return r->count > cap;
}

/*
 * pf's adaptive timeouts, applied to half-open entries: with @count entries
 * above @start, @timeout shrinks by (end - count) / (end - start), down to
 * 0 at @end.  @start 0, or @end not above @start: no scaling.
 */
u32 gw_adaptive_timeout(u32 timeout, u32 count, u32 start, u32 end)
{
	if (!start || end <= start || count <= start)
		return timeout;
	if (count >= end)
		return 0;
	return (u32)((u64)timeout * (end - count) / (end - start));
}

/*
 * Buckets for a table on a machine of @ram_bytes, or of the @hashsize the
 * admin asked for (0: none): a power of two between the bounds.  One
 * bucket per 16 KiB of RAM and four flows a bucket put at most 152 * 4
 * bytes of entries (3.7 %) against every 16 KiB: 262,144 flows on 1 GiB,
 * where nf_conntrack's sizing (a bucket array of 1/16384 of RAM, one entry
 * a bucket) holds some 8,000.  A gateway's flows are its LAN's
 * connections, and a table too small for them evicts or refuses real
 * ones; the bucket array itself is 1/2048 of RAM, per namespace with a
 * wan zone, charged to its creator.
 */
u32 gw_table_buckets(u64 ram_bytes, u32 hashsize)
{
	u64 n = hashsize ? hashsize : ram_bytes / GW_TABLE_RAM_PER_BUCKET;
	u32 pow = GW_TABLE_MIN_BUCKETS;

	if (n > GW_TABLE_MAX_BUCKETS)
		return GW_TABLE_MAX_BUCKETS;
	while ((u64)pow * 2 <= n)
		pow *= 2;
	return pow;
}

void gw_src_prefix(union gw_addr *prefix, const union gw_addr *addr,
		   u8 family)
{
	*prefix = *addr;
	if (family == AF_INET6) {
		prefix->all[2] = 0;
		prefix->all[3] = 0;
	} else {
		prefix->all[1] = 0;
		prefix->all[2] = 0;
		prefix->all[3] = 0;
	}
}

/*
 * A TCP entry: a handshake in progress, or a connection picked up mid-stream
 * that the other side never answered, is not assured; TIME_WAIT and CLOSE
 * can carry no data.  ESTABLISHED and the closing states FIN_WAIT,
 * CLOSE_WAIT and LAST_ACK may still carry data (a half-closed connection
 * can send for hours): never victims once answered.
 */
u8 gw_evict_rank_tcp(const struct gw_tcp_conn *conn)
{
	switch (conn->state) {
	case GW_TCP_SYN_SENT:
	case GW_TCP_SYN_RECV:
	case GW_TCP_SYN_SENT2:
		return GW_EVICT_UNANSWERED;
	case GW_TCP_ESTABLISHED:
	case GW_TCP_FIN_WAIT:
	case GW_TCP_CLOSE_WAIT:
	case GW_TCP_LAST_ACK:
		return conn->seen_reply ? GW_EVICT_NEVER : GW_EVICT_UNANSWERED;
	default:
		return GW_EVICT_FINISHED;
	}
}

/*
 * UDP, ICMP echo and other protocols: assured, as nf_conntrack has it,
 * once answered and still alive after GW_UDP_STREAM_AFTER_S (a stream).
 * A datagram nobody answered, or a single query and its answer, may go.
 */
u8 gw_evict_rank_pseudo(const struct gw_udp_conn *conn)
{
	return conn->stream ? GW_EVICT_NEVER : GW_EVICT_UNANSWERED;
}

/*
 * The slot of @set (@ways slots) a new source takes at @now: a free one,
 * else the least recently used idle one (no connection, not overloaded).
 * When every slot is busy the table does not fail open, leaving the new
 * source uncounted and unlimited: the source holding fewest connections
 * gives up its slot (the least recently active of those), so what it held
 * is the most a source can gain by being evicted and coming back.  An
 * overloaded source keeps its slot while any other can go; if all are
 * overloaded, the one whose overload ends first goes.  Never -1 for
 * @ways > 0.
 */
int gw_src_pick(const struct gw_src_slot *set, unsigned int ways, u32 now)
{
	int idle = -1, busy = -1, over = -1;
	unsigned int i;

	for (i = 0; i < ways; i++) {
		const struct gw_src_slot *s = &set[i];

		if (!s->family)
			return (int)i;
		if (s->overloaded) {
			if (over < 0 || (s32)(s->overload_until -
					      set[over].overload_until) < 0)
				over = (int)i;
		} else if (!s->conns) {
			if (idle < 0 ||
			    now - s->last_used > now - set[idle].last_used)
				idle = (int)i;
		} else if (busy < 0 || s->conns < set[busy].conns ||
			   (s->conns == set[busy].conns &&
			    now - s->last_used > now - set[busy].last_used)) {
			busy = (int)i;
		}
	}
	if (idle >= 0)
		return idle;
	return busy >= 0 ? busy : over;
}
