// SPDX-License-Identifier: GPL-2.0
/*
 * The SYN proxy's mechanisms (issue 16), for kmod/tcp_track.c, which
 * decides when they apply: the cookie keys and their rotation, the
 * segments the proxy sends in an end's name (the cookie SYN-ACK, the SYN
 * and the ACK to the server, the window update and the reset to the
 * client), and the sequence and timestamp translation of a proxied
 * connection's segments.  As nf_synproxy_core.c does it for SYNPROXY, with
 * the arithmetic in core/syncookie.c and core/seqadj.c.
 *
 * Nothing is kept for a SYN: its SYN-ACK's ISN is the cookie.  A flow is
 * created (tcp_track.c) only by an ACK whose cookie is good; it waits for
 * the server's SYN-ACK (GW_PROXY_WAIT) with our ISN and TSval to the
 * client in its struct gw_seqadj, which then becomes the translation.
 */
#include <linux/kernel.h>
#include <linux/jiffies.h>
#include <linux/random.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <asm/unaligned.h>
#include <net/checksum.h>
#include <net/tcp.h>

#include "pernet.h"
#include "flowtable.h"
#include "synproxy.h"
#include "tcp_xmit.h"
#include "core/proxy.h"
#include "core/icmp.h"

/* A key rotation: a minute, as net/ipv4/syncookies.c's counter. */
#define GW_SYNPROXY_EPOCH	(60 * HZ)

/*
 * The offer until the destination's first SYN-ACK: the MSS of a
 * 1500-byte path, and Linux's window shift for its default tcp_rmem.
 */
#define GW_SYNPROXY_MSS4	1460
#define GW_SYNPROXY_MSS6	1440
#define GW_SYNPROXY_WSCALE	7

/*
 * A cookie is good for up to two key rotations, and a client's handshake
 * ACK captured on its path, replayed once the connection it opened is
 * gone, would open another.  So the proxy remembers the handshakes whose
 * cookie opened a connection: one tag each, in a table direct-mapped by
 * the tag, where a newer handshake takes an older one's slot.  Bounded
 * (64 KiB a namespace, with the flow table), and only clients that
 * proved their address fill it; a slot outlives a cookie unless more
 * than GW_SYNPROXY_SPENT connections are opened through the proxy within
 * two minutes, and past that rate a replay has its odds of getting in.
 */
#define GW_SYNPROXY_SPENT	8192

void gw_synproxy_init(struct gw_net *gn)
{
	get_random_bytes(gn->synproxy.key, sizeof(gn->synproxy.key));
	gn->synproxy.base = jiffies;
	gn->synproxy.spent = NULL;
}

/* With the flow table: the packet path asks only once there is one. */
int gw_synproxy_alloc(struct gw_net *gn)
{
	gn->synproxy.spent = kvcalloc(GW_SYNPROXY_SPENT,
				      sizeof(*gn->synproxy.spent),
				      GFP_KERNEL_ACCOUNT);
	return gn->synproxy.spent ? 0 : -ENOMEM;
}

/* No packet is inside the hooks any more (see kmod/main.c). */
void gw_synproxy_exit(struct gw_net *gn)
{
	kvfree(gn->synproxy.spent);
	gn->synproxy.spent = NULL;
}

/*
 * The tag of the handshake @ack completes: its tuple (@hash, the flow
 * table's), the client's ISN and our cookie; never 0, an empty slot.
 */
static u64 gw_synproxy_tag(const struct gw_synproxy *sp,
			   const struct gw_pkt *ack, u32 hash)
{
	return siphash_3u32(hash, ack->seq, ack->ack_seq, &sp->key[0]) | 1;
}

static u64 *gw_synproxy_slot(const struct gw_synproxy *sp, u64 tag)
{
	return &sp->spent[(tag >> 32) & (GW_SYNPROXY_SPENT - 1)];
}

/* Has the handshake @ack completes, with a good cookie, opened one? */
bool gw_synproxy_spent(const struct gw_net *gn, const struct gw_pkt *ack,
		       u32 hash)
{
	const struct gw_synproxy *sp = &gn->synproxy;
	u64 tag = gw_synproxy_tag(sp, ack, hash);

	return READ_ONCE(*gw_synproxy_slot(sp, tag)) == tag;
}

/* It has: the flow it opened is in the table. */
void gw_synproxy_spend(struct gw_net *gn, const struct gw_pkt *ack, u32 hash)
{
	struct gw_synproxy *sp = &gn->synproxy;
	u64 tag = gw_synproxy_tag(sp, ack, hash);

	WRITE_ONCE(*gw_synproxy_slot(sp, tag), tag);
}

/* What to offer a client of @slot's destination, in @family. */
void gw_synproxy_offer(const struct gw_halfopen_slot *slot, u8 family,
		       struct gw_synproxy_offer *offer)
{
	u8 wscale = READ_ONCE(slot->offer_wscale);
	u16 mss = READ_ONCE(slot->offer_mss);

	if (!mss)
		mss = family == AF_INET ? GW_SYNPROXY_MSS4 : GW_SYNPROXY_MSS6;
	offer->mss = mss;
	offer->wscale = wscale ? wscale - 1 : GW_SYNPROXY_WSCALE;
}

/*
 * The server of the inbound @flow answered a SYN with @synack, which the
 * tracker took: what the proxy offers its next clients is what it said
 * (no window scale: a shift of 0; no MSS: the default stays).  So that a
 * client of a proxied connection reads the server's windows as the
 * server means them, and sends it segments it takes whole.
 */
void gw_synproxy_learn(struct gw_net *gn, const struct gw_flow *flow,
		       const struct gw_pkt *synack)
{
	struct gw_halfopen_slot *slot;
	u8 wscale = 0;

	if (!(flow->flags & GW_FLOW_INBOUND))
		return;
	slot = gw_halfopen_slot(gn, &flow->key, flow->flags);
	if (synack->tcp_opts & GW_TCPOPT_WSCALE_SEEN)
		wscale = min_t(u8, synack->wscale, GW_COOKIE_WSCALE_MAX);
	if (READ_ONCE(slot->offer_wscale) != wscale + 1)
		WRITE_ONCE(slot->offer_wscale, wscale + 1);
	if ((synack->tcp_opts & GW_TCPOPT_MSS) && synack->mss &&
	    READ_ONCE(slot->offer_mss) != synack->mss)
		WRITE_ONCE(slot->offer_mss, synack->mss);
}

/* The rotation epoch: it only ever goes up, by one a minute. */
u32 gw_synproxy_epoch(const struct gw_synproxy *sp)
{
	return (u32)((jiffies - sp->base) / GW_SYNPROXY_EPOCH);
}

static u64 gw_siphash(const void *data, size_t len, const void *key)
{
	return siphash(data, len, key);
}

/*
 * The keyed hashes of the connection @pkt (from the client) opens or
 * completes, as core/syncookie.h wants them; @prev only for a check.
 */
static void gw_synproxy_hash(const struct gw_synproxy *sp,
			     const struct gw_pkt *pkt, u32 counter, bool prev,
			     struct gw_cookie_hash *h)
{
	gw_proxy_cookie_hash(pkt, counter, prev, gw_siphash, &sp->key[0],
			     &sp->key[1], h);
}

static void gw_opt_put(struct gw_tcp_seg *seg, u32 word)
{
	put_unaligned_be32(word, seg->opts + seg->optlen);
	seg->optlen += 4;
}

/*
 * The options of the proxy's segments, in the layout Linux sends
 * (synproxy_build_options()): each a whole 32-bit word.  @mss 0, no MSS;
 * @wscale < 0, no window scale.
 */
static void gw_synproxy_options(struct gw_tcp_seg *seg, u16 mss, bool sack,
				bool ts, u32 tsval, u32 tsecr, int wscale)
{
	if (mss)
		gw_opt_put(seg, TCPOPT_MSS << 24 | TCPOLEN_MSS << 16 | mss);
	if (ts) {
		if (sack)
			gw_opt_put(seg, TCPOPT_SACK_PERM << 24 |
				   TCPOLEN_SACK_PERM << 16 |
				   TCPOPT_TIMESTAMP << 8 | TCPOLEN_TIMESTAMP);
		else
			gw_opt_put(seg, TCPOPT_NOP << 24 | TCPOPT_NOP << 16 |
				   TCPOPT_TIMESTAMP << 8 | TCPOLEN_TIMESTAMP);
		gw_opt_put(seg, tsval);
		gw_opt_put(seg, tsecr);
	} else if (sack) {
		gw_opt_put(seg, TCPOPT_NOP << 24 | TCPOPT_NOP << 16 |
			   TCPOPT_SACK_PERM << 8 | TCPOLEN_SACK_PERM);
	}
	if (wscale >= 0)
		gw_opt_put(seg, TCPOPT_NOP << 24 | TCPOPT_WINDOW << 16 |
			   TCPOLEN_WINDOW << 8 | wscale);
}

/*
 * Answer the client's @syn, which came in on wan interface @iif, with a
 * SYN-ACK whose ISN is the cookie, offering what @slot (its destination's)
 * learnt, and forget it.  Its window is 0, as
 * Linux's SYNPROXY sends it: the client sends no data until the server
 * has answered and our window update opens the window.
 */
int gw_synproxy_answer_syn(struct gw_net *gn, const struct gw_pkt *syn,
			   const struct gw_halfopen_slot *slot, int iif)
{
	const struct gw_synproxy *sp = &gn->synproxy;
	struct gw_synproxy_offer offer;
	struct gw_cookie_opts opts;
	struct gw_cookie_hash h;
	struct gw_tcp_seg seg;
	u32 counter = gw_synproxy_epoch(sp), tsval = 0, cookie;

	gw_proxy_syn_opts(syn, &opts);
	gw_synproxy_offer(slot, syn->family, &offer);
	opts.offer_wscale = offer.wscale;
	gw_synproxy_hash(sp, syn, counter, false, &h);
	/* opts is now what the cookie keeps, and so all we may agree to */
	cookie = gw_cookie_make(syn->family, syn->seq, counter, &h, &opts,
				tcp_time_stamp_raw(), &tsval);
	gw_proxy_addressed(&seg, syn, true);
	seg.seq = cookie;
	seg.ack = syn->seq + 1;
	seg.flags = GW_TCP_SYN | GW_TCP_ACK | (opts.ecn_ok ? GW_TCP_ECE : 0);
	seg.iif = iif;
	gw_synproxy_options(&seg, offer.mss, opts.sack_ok, opts.ts_ok, tsval,
			    syn->tsval, opts.wscale_ok ? opts.offer_wscale : -1);
	return gw_tcp_xmit(gn, &seg);
}

/*
 * Is @ack's cookie ours, for the SYN with ISN @client_isn (its seq - 1; a
 * window probe's seq)?  On GW_COOKIE_OK, @opts are the client's SYN
 * options as the cookie kept them.
 */
enum gw_cookie_verdict gw_synproxy_check(struct gw_net *gn,
					 const struct gw_pkt *ack,
					 u32 client_isn,
					 struct gw_cookie_opts *opts)
{
	const struct gw_synproxy *sp = &gn->synproxy;
	u32 counter = gw_synproxy_epoch(sp);
	struct gw_cookie_hash h;

	gw_synproxy_hash(sp, ack, counter, true, &h);
	return gw_cookie_check(ack->family, ack->ack_seq - 1, client_isn,
			       counter, &h,
			       ack->tcp_opts & GW_TCPOPT_TS ? &ack->tsecr : NULL,
			       opts);
}

/*
 * Send @pkt as it is, options and all: the segments the tracker judged in
 * the name of an end (the SYN and the ACK to the server) go out exactly as
 * it saw them.  @iif as struct gw_tcp_seg has it.
 */
static int gw_synproxy_send(struct gw_net *gn, const struct gw_pkt *pkt,
			    int iif)
{
	struct gw_tcp_seg seg;
	bool syn = pkt->tcp_flags & GW_TCP_SYN;

	gw_proxy_addressed(&seg, pkt, false);
	seg.seq = pkt->seq;
	seg.ack = pkt->ack_seq;
	seg.flags = pkt->tcp_flags;
	seg.window = pkt->window;
	seg.iif = iif;
	gw_synproxy_options(&seg,
			    syn && (pkt->tcp_opts & GW_TCPOPT_MSS) ? pkt->mss : 0,
			    syn && (pkt->tcp_opts & GW_TCPOPT_SACK_PERM),
			    pkt->tcp_opts & GW_TCPOPT_TS, pkt->tsval, pkt->tsecr,
			    syn && (pkt->tcp_opts & GW_TCPOPT_WSCALE_SEEN) ?
			    pkt->wscale : -1);
	return gw_tcp_xmit(gn, &seg);
}

/* Send the server the SYN gw_proxy_server_syn() made. */
int gw_synproxy_send_syn(struct gw_net *gn, const struct gw_pkt *syn)
{
	return gw_synproxy_send(gn, syn, 0);
}

/*
 * The server answered with @synack, which the tracker took: publish the
 * translation of @flow, then complete both halves as their ends expect,
 * the server with the ACK the client would have sent (@ack, which the
 * tracker took too), the client with the window the server offers (our
 * SYN-ACK offered none).  Only the CPU that moved @flow to
 * GW_PROXY_JOINING gets here.
 */
void gw_synproxy_join(struct gw_net *gn, struct gw_flow *flow,
		      const struct gw_pkt *synack, const struct gw_pkt *ack,
		      const struct gw_proxy_join *join)
{
	bool ts = synack->tcp_opts & GW_TCPOPT_TS;
	struct gw_seqadj adj;
	struct gw_tcp_seg seg;
	u32 window;

	gw_seqadj_init(&adj, join->cookie_isn, synack->seq, ts,
		       join->cookie_tsval, synack->tsval);
	flow->seqadj = adj;
	/* the translation before the state that says it is there */
	smp_store_release(&flow->proxy,
			  GW_PROXY_JOINED | join->offered_wscale << 4);

	gw_synproxy_send(gn, ack, 0);

	gw_proxy_addressed(&seg, synack, false);
	seg.seq = join->cookie_isn + 1;
	seg.ack = synack->ack_seq;
	seg.flags = GW_TCP_ACK;
	/* a SYN-ACK's window is never scaled; the client's reading is */
	window = synack->window;
	if (join->client_wscale)
		window >>= join->offered_wscale;
	seg.window = window;
	seg.iif = join->iif;
	gw_synproxy_options(&seg, 0, false, ts, synack->tsval - adj.ts_delta,
			    synack->tsecr, -1);
	gw_tcp_xmit(gn, &seg);
}

/*
 * The server refused the proxy's SYN with @rst: reset the client, which
 * believes the connection open, at exactly the sequence number it
 * expects (our ISN + 1), acknowledging @client_next.
 */
int gw_synproxy_reset_client(struct gw_net *gn, const struct gw_pkt *rst,
			     u32 cookie_isn, u32 client_next, int iif)
{
	struct gw_tcp_seg seg;

	gw_proxy_addressed(&seg, rst, false);
	seg.seq = cookie_isn + 1;
	seg.ack = client_next;
	seg.flags = GW_TCP_RST | GW_TCP_ACK;
	seg.iif = iif;
	return gw_tcp_xmit(gn, &seg);
}

/*
 * The window of a segment from the server as the client must read it: the
 * client applies the shift we offered, the server meant its own.  Rounded
 * down, so the client never sends past what the server allows.  False
 * when they agree and nothing changes.
 */
static bool gw_synproxy_window(const struct gw_flow *flow, u8 proxy,
			       __be16 from, __be16 *to)
{
	const struct gw_tcp_peer *client = &flow->tcp.peer[GW_DIR_ORIGINAL];
	const struct gw_tcp_peer *server = &flow->tcp.peer[GW_DIR_REPLY];
	u8 real = 0, read = 0;

	if (READ_ONCE(client->flags) & GW_TCP_PEER_WSCALE) {
		read = gw_proxy_wscale(proxy);
		if (READ_ONCE(server->flags) & GW_TCP_PEER_WSCALE)
			real = READ_ONCE(server->wscale);
	}
	if (real == read)
		return false;
	*to = htons(gw_proxy_window(ntohs(from), real, read));
	return *to != from;
}

/*
 * Rewrite @skb, a segment of the proxied @flow that @pkt parsed, for the
 * other half (@dir): seq/ack, SACK blocks, timestamps, and toward the
 * client the window, each with an incremental checksum update.  After
 * the verdict, never in a dry judgement.  0, or -ENOMEM when @skb could
 * not be made writable (drop it).
 */
int gw_synproxy_rewrite(struct sk_buff *skb, const struct gw_pkt *pkt,
			const struct gw_flow *flow, enum gw_seqadj_dir dir)
{
	unsigned int thoff = skb_network_offset(skb) + pkt->l4_off;
	struct gw_seqadj_edits edits;
	u8 buf[GW_TCP_MAX_OPTLEN + sizeof(struct tcphdr)];
	__be16 win_to = 0;
	struct tcphdr *th;
	const u8 *hdr;
	unsigned int doff, i;
	bool win = false;
	u8 proxy;

	/* pairs with the release in gw_synproxy_join(): @seqadj is written */
	proxy = smp_load_acquire(&flow->proxy);
	hdr = skb_header_pointer(skb, thoff, sizeof(struct tcphdr), buf);
	if (!hdr)
		return -EINVAL;
	doff = (hdr[12] >> 4) * 4;
	if (doff < sizeof(struct tcphdr))
		return -EINVAL;
	hdr = skb_header_pointer(skb, thoff, doff, buf);
	if (!hdr)
		return -EINVAL;
	/*
	 * A broken option list: receivers stop reading where it breaks, so
	 * the edits found before that are all that matter.
	 */
	gw_seqadj_tcp(&flow->seqadj, dir, hdr, doff, &edits);
	if (dir == GW_SEQADJ_TO_CLIENT && !(pkt->tcp_flags & GW_TCP_SYN))
		win = gw_synproxy_window(flow, proxy,
					 ((const struct tcphdr *)hdr)->window,
					 &win_to);
	if (!edits.n && !win)
		return 0;

	if (skb_ensure_writable(skb, thoff + doff))
		return -ENOMEM;
	th = (struct tcphdr *)(skb->data + thoff);
	for (i = 0; i < edits.n; i++) {
		const struct gw_seqadj_edit *e = &edits.edit[i];

		memcpy((u8 *)th + e->off, &e->to, sizeof(e->to));
		inet_proto_csum_replace4(&th->check, skb, e->csum_from,
					 e->csum_to, false);
	}
	if (win) {
		inet_proto_csum_replace2(&th->check, skb, th->window, win_to,
					 false);
		th->window = win_to;
	}
	return 0;
}

/*
 * @skb, an ICMP error from outside that @pkt parsed as @icmp, quotes a
 * segment the server of the proxied @flow sent, with the sequence number
 * we gave it for the client; it goes to the server, which takes an error
 * only if the quoted seq is one it has in flight (tcp_v4_err(),
 * tcp_v6_err(): LINUX_MIB_OUTOFWINDOWICMPS otherwise), and so would never
 * learn a smaller path MTU.  Put the server's own seq back, and the
 * quoted TCP checksum too when the error carries it, keeping the ICMP
 * checksum right.  The quoted ack (the client's) needs nothing.  After
 * the verdict, never in a dry judgement.  0, or -ENOMEM when @skb could
 * not be made writable (drop it).
 */
int gw_synproxy_icmp_rewrite(struct sk_buff *skb, const struct gw_pkt *pkt,
			     const struct gw_icmp *icmp,
			     const struct gw_flow *flow)
{
	unsigned int net = skb_network_offset(skb);
	unsigned int seq_off = net + icmp->inner.l4_off + 4;
	unsigned int check_off = net + icmp->inner.l4_off +
				 offsetof(struct tcphdr, check);
	bool inner_check = icmp->quoted_l4 >= sizeof(struct tcphdr);
	__sum16 *icmp_check, *tcp_check, old_check;
	__be32 from, to;
	u8 proxy;

	/* pairs with the release in gw_synproxy_join(): @seqadj is written */
	proxy = smp_load_acquire(&flow->proxy);
	if (gw_proxy_state(proxy) != GW_PROXY_JOINED ||
	    icmp->inner.proto != IPPROTO_TCP)
		return 0;
	if (skb_ensure_writable(skb, inner_check ? check_off + 2 : seq_off + 4))
		return -ENOMEM;
	/*
	 * Both fields sit at even offsets from the ICMP header (IP headers
	 * are whole 32-bit words), so plain word updates keep the sums.
	 */
	icmp_check = (__sum16 *)(skb->data + net + pkt->l4_off + 2);
	from = cpu_to_be32(icmp->inner.seq);
	to = cpu_to_be32(icmp->inner.seq + flow->seqadj.seq_delta);
	put_unaligned(to, (__be32 *)(skb->data + seq_off));
	inet_proto_csum_replace4(icmp_check, skb, from, to, false);
	if (inner_check) {
		tcp_check = (__sum16 *)(skb->data + check_off);
		old_check = *tcp_check;
		csum_replace4(tcp_check, from, to);
		inet_proto_csum_replace2(icmp_check, skb, (__force __be16)old_check,
					 (__force __be16)*tcp_check, false);
	}
	return 0;
}

/*
 * Turn @seq, the server's sequence number as the tracker of @flow keeps
 * it, into the one the client expects, for a reset we send the client in
 * the server's name (reload_policy close): a proxied client numbers the
 * server's bytes from our cookie.  False while another CPU joins the
 * halves and writes @flow->seqadj: no number is sure then.
 */
bool gw_synproxy_client_seq(const struct gw_flow *flow, u32 *seq)
{
	u8 proxy, again;
	u32 delta;

	/* pairs with the release in gw_synproxy_join(): @seqadj is written */
	proxy = smp_load_acquire(&flow->proxy);
	delta = READ_ONCE(flow->seqadj.seq_delta);
	switch (gw_proxy_state(proxy)) {
	case GW_PROXY_NONE:
		return true;
	case GW_PROXY_JOINED:
		*seq -= delta;
		return true;
	case GW_PROXY_WAIT:
		/*
		 * The server has not answered: @seqadj still holds our ISN,
		 * and the client expects the byte after our SYN-ACK, unless
		 * the join began meanwhile (it moves @proxy on, a full
		 * barrier, before it writes @seqadj).
		 */
		smp_rmb();
		again = READ_ONCE(flow->proxy);
		if (gw_proxy_state(again) != GW_PROXY_WAIT)
			return false;
		*seq = delta + 1;
		return true;
	default:
		return false;
	}
}
