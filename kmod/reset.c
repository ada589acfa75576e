// SPDX-License-Identifier: GPL-2.0
/*
 * TCP resets gatewarden sends in the name of one end of a connection: to a
 * server still waiting on a handshake the table dropped (within
 * halfopen_reset_rate a second), and to both ends of a connection
 * reload_policy closes.
 */
#include <linux/kernel.h>
#include <linux/jiffies.h>

#include "pernet.h"
#include "flowtable.h"
#include "reset.h"
#include "synproxy.h"
#include "tcp_xmit.h"

void gw_reset_init(struct gw_net *gn)
{
	spin_lock_init(&gn->resets.lock);
	gn->resets.stamp = (u32)jiffies;
	gn->resets.used = 0;
}

/*
 * A half-open inbound connection is leaving the table: the server behind
 * us still holds it in its SYN backlog.  Caller holds the bucket lock.
 */
bool gw_reset_prepare(const struct gw_flow *flow, struct gw_reset *reset)
{
	if (!READ_ONCE(flow->halfopen) || !(flow->flags & GW_FLOW_INBOUND) ||
	    flow->key.proto != IPPROTO_TCP)
		return false;
	gw_reset_fill(flow, reset);
	return true;
}

/* The reset the client of the TCP @flow would send the server. */
void gw_reset_fill(const struct gw_flow *flow, struct gw_reset *reset)
{
	const union gw_addr *addr;
	u16 port;

	gw_flow_originator(flow, &addr, &port);
	reset->client = *addr;
	reset->client_port = port;
	gw_flow_responder(flow, &addr, &port);
	reset->server = *addr;
	reset->server_port = port;
	reset->family = flow->key.family;
	reset->seq = READ_ONCE(flow->tcp.peer[GW_DIR_ORIGINAL].end);
	reset->with_ack = 0;
	reset->ack = 0;
}

/*
 * The resets that close the TCP @flow at both ends (reload_policy close),
 * with the sequence numbers the tracker saw: how many it filled in (0 or
 * 2; 1, the server's alone, while another CPU joins a proxied flow's
 * halves).  Caller holds the flow's bucket lock.
 */
static unsigned int gw_reset_close_prepare(struct gw_flow *flow,
					   struct gw_reset reset[2])
{
	struct gw_tcp_close seqs;
	bool ok;

	if (flow->key.proto != IPPROTO_TCP)
		return 0;
	/* bucket lock, then flow lock; no path nests them the other way */
	spin_lock(&flow->lock);
	ok = gw_tcp_close_resets(&flow->tcp, &seqs);
	spin_unlock(&flow->lock);
	if (!ok)
		return 0;
	gw_reset_fill(flow, &reset[0]);
	reset[0].seq = seqs.to_responder_seq;
	/* the client of a proxied flow numbers the server's bytes its way */
	if (!gw_synproxy_client_seq(flow, &seqs.to_originator_seq))
		return 1;
	reset[1].client = reset[0].server;
	reset[1].client_port = reset[0].server_port;
	reset[1].server = reset[0].client;
	reset[1].server_port = reset[0].client_port;
	reset[1].family = reset[0].family;
	reset[1].seq = seqs.to_originator_seq;
	reset[1].with_ack = 1;
	reset[1].ack = seqs.to_originator_ack;
	return 2;
}

/*
 * Send @reset now, with no budget; true if it left.  Its seq is the
 * client's next sequence number, exactly what the server's request socket
 * expects (rcv_nxt), and with no ACK the server drops the request whatever
 * it answered.
 */
static bool gw_reset_xmit(struct gw_net *gn, const struct gw_reset *reset)
{
	struct gw_tcp_seg seg = {
		.saddr = reset->client,
		.daddr = reset->server,
		.sport = reset->client_port,
		.dport = reset->server_port,
		.seq = reset->seq,
		.flags = GW_TCP_RST,
		.family = reset->family,
	};

	if (reset->with_ack) {
		seg.flags |= GW_TCP_ACK;
		seg.ack = reset->ack;
	}
	return !gw_tcp_xmit(gn, &seg);
}

/* Send @reset toward the server, within halfopen_reset_rate a second. */
void gw_reset_send(struct gw_net *gn, const struct gw_reset *reset)
{
	u32 rate = gw_tunable(gn, GW_TUN_HALFOPEN_RESET_RATE);
	u32 now = (u32)jiffies;
	bool allowed;

	if (!rate)
		return;
	spin_lock_bh(&gn->resets.lock);
	if (now - gn->resets.stamp >= HZ) {
		gn->resets.stamp = now;
		gn->resets.used = 0;
	}
	allowed = gn->resets.used < rate;
	if (allowed)
		gn->resets.used++;
	spin_unlock_bh(&gn->resets.lock);
	if (allowed && gw_reset_xmit(gn, reset))
		gw_count(gn, GW_CTR_HALFOPEN_RESET);
}

static struct gw_reset_batch *gw_reset_batch_of(struct gw_flow_walk *walk)
{
	return container_of(walk, struct gw_reset_batch, walk);
}

/* What every batch does once the bucket lock is dropped. */
static void gw_reset_batch_unlocked(struct gw_flow_walk *walk,
				    struct gw_net *gn)
{
	struct gw_reset_batch *b = gw_reset_batch_of(walk);
	unsigned int i;

	for (i = 0; i < b->count; i++) {
		if (b->budgeted)
			gw_reset_send(gn, &b->reset[i]);
		else
			gw_reset_xmit(gn, &b->reset[i]);
	}
	b->count = 0;
}

static void gw_reset_expired_leaving(struct gw_flow_walk *walk,
				     struct gw_flow *flow)
{
	struct gw_reset_batch *b = gw_reset_batch_of(walk);

	if (b->count < ARRAY_SIZE(b->reset) &&
	    gw_reset_prepare(flow, &b->reset[b->count]))
		b->count++;
}

/*
 * For the collector: the handshakes it expires are ones the server may
 * still hold in its backlog; each is told, as the client would have,
 * within halfopen_reset_rate.
 */
void gw_reset_batch_expired(struct gw_reset_batch *b)
{
	b->walk.leaving = gw_reset_expired_leaving;
	b->walk.unlocked = gw_reset_batch_unlocked;
	b->budgeted = true;
	b->count = 0;
}

static void gw_reset_closed_leaving(struct gw_flow_walk *walk,
				    struct gw_flow *flow)
{
	struct gw_reset_batch *b = gw_reset_batch_of(walk);

	b->count += gw_reset_close_prepare(flow, &b->reset[b->count]);
}

/*
 * For reload_policy close: both ends of each TCP connection closed, with
 * no budget (their number is bounded by the table).
 */
void gw_reset_batch_closed(struct gw_reset_batch *b)
{
	/* two resets for each flow closed under one hold of the lock */
	BUILD_BUG_ON(ARRAY_SIZE(b->reset) < 2 * GW_CLOSE_BATCH);
	b->walk.leaving = gw_reset_closed_leaving;
	b->walk.unlocked = gw_reset_batch_unlocked;
	b->budgeted = false;
	b->count = 0;
}
