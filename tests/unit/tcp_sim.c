// SPDX-License-Identifier: GPL-2.0
/*
 * TCP connection simulator for the tracker tests.  See tcp_sim.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "tcp_sim.h"
#include "pkt_buffer.h"

#define SIM_DIE(...)							\
	do {								\
		fprintf(stderr, "tcp_sim: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		abort();						\
	} while (0)

/* Where the two ends live: the originator inside, the responder outside. */
static const char *const sim_addr4[2] = { "192.0.2.10", "198.51.100.20" };
static const char *const sim_addr6[2] = { "2001:db8:1::10", "2001:db8:2::20" };
static const uint16_t sim_port[2] = { 40000, 443 };

void sim_init(struct sim *s, uint32_t isn_orig, uint32_t isn_reply)
{
	unsigned int d;

	memset(s, 0, sizeof(*s));
	s->family = AF_INET;
	s->wire = true;
	s->rng = 0x9e3779b97f4a7c15ULL ^ isn_orig ^ ((uint64_t)isn_reply << 32);
	s->e[GW_DIR_ORIGINAL].isn = isn_orig;
	s->e[GW_DIR_REPLY].isn = isn_reply;
	for (d = 0; d < 2; d++) {
		struct sim_end *e = &s->e[d];

		e->rcv_buf = 65535;
		e->snd_una = e->isn;
		e->snd_nxt = e->isn;
		e->snd_right = e->isn + 1;	/* room for the SYN only */
	}
}

void sim_offer_wscale(struct sim *s, enum gw_dir d, uint8_t shift)
{
	s->e[d].offer_wscale = true;
	s->e[d].wscale = shift;
}

void sim_offer_sack(struct sim *s, enum gw_dir d)
{
	s->e[d].offer_sack = true;
}

void sim_rcv_buf(struct sim *s, enum gw_dir d, uint32_t bytes)
{
	s->e[d].rcv_buf = bytes;
}

uint64_t sim_rand(struct sim *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ---- the window an end advertises ------------------------------------- */

/*
 * What @e offers: its free buffer, but never less than it offered before
 * (the right edge does not move left, RFC 9293 3.8.6.2.2, and Linux rounds
 * a scaled window up rather than shrink it).
 */
static uint16_t sim_adv_window(struct sim_end *e, bool syn)
{
	uint32_t avail = e->rcv_unread < e->rcv_buf ?
			 e->rcv_buf - e->rcv_unread : 0;
	uint64_t win, field;

	if (syn || !e->synced) {
		field = avail > 65535 ? 65535 : avail;
		if (syn)
			e->syn_win = (uint16_t)field;
		if (field > e->max_adv_win)
			e->max_adv_win = (uint32_t)field;
		return (uint16_t)field;
	}
	win = avail;
	if (sim_before(e->rcv_nxt + avail, e->rcv_right))
		win = e->rcv_right - e->rcv_nxt;
	field = (win + (1ULL << e->rcv_shift) - 1) >> e->rcv_shift;
	if (field > 65535)
		field = 65535;
	if (sim_after(e->rcv_nxt + (uint32_t)(field << e->rcv_shift),
		      e->rcv_right))
		e->rcv_right = e->rcv_nxt + (uint32_t)(field << e->rcv_shift);
	if ((field << e->rcv_shift) > e->max_adv_win)
		e->max_adv_win = (uint32_t)(field << e->rcv_shift);
	return (uint16_t)field;
}

static void seg_start(struct sim_seg *seg, enum gw_dir d, uint8_t flags,
		      uint32_t seq, uint32_t ack)
{
	memset(seg, 0, sizeof(*seg));
	seg->dir = d;
	seg->flags = flags;
	seg->seq = seq;
	seg->ack = ack;
}

/* ACK, window and SACK blocks of a segment @e sends in mid-stream. */
static void seg_ack_fields(struct sim_end *e, struct sim_seg *seg)
{
	unsigned int i;

	if (!e->synced)
		SIM_DIE("an ACK before the peer's SYN arrived");
	seg->flags |= GW_TCP_ACK;
	seg->ack = e->rcv_nxt;
	seg->win = sim_adv_window(e, false);
	if (!e->sack_ok)
		return;
	for (i = 0; i < e->nooo && i < SIM_MAX_SACK; i++) {
		seg->sack[i][0] = e->ooo[i].left;
		seg->sack[i][1] = e->ooo[i].right;
	}
	seg->nsack = (uint8_t)i;
}

/* ---- segments ----------------------------------------------------------- */

void sim_syn(struct sim *s, enum gw_dir d, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	seg_start(seg, d, GW_TCP_SYN, e->isn, 0);
	seg->win = sim_adv_window(e, true);
	seg->wscale_opt = e->offer_wscale;
	seg->wscale = e->wscale;
	seg->sack_perm_opt = e->offer_sack;
	if (!e->syn_sent) {
		e->syn_sent = true;
		e->snd_una = e->isn;
		e->snd_nxt = e->isn + 1;
	}
}

void sim_syn_data(struct sim *s, enum gw_dir d, uint32_t n,
		  struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];
	bool first = !e->syn_sent;

	sim_syn(s, d, seg);
	seg->len = n;
	if (first)
		e->snd_nxt += n;
}

void sim_syn_new_isn(struct sim *s, enum gw_dir d, uint32_t isn,
		     struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	e->isn = isn;
	e->syn_sent = false;
	e->snd_right = isn + 1;
	sim_syn(s, d, seg);
}

void sim_synack(struct sim *s, enum gw_dir d, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];
	bool simultaneous = e->syn_sent && d == GW_DIR_ORIGINAL;

	if (!e->synced)
		SIM_DIE("SYN-ACK before the peer's SYN arrived");
	seg_start(seg, d, GW_TCP_SYN | GW_TCP_ACK, e->isn, e->rcv_nxt);
	seg->win = sim_adv_window(e, true);
	if (simultaneous) {
		/* the options of its own SYN again */
		seg->wscale_opt = e->offer_wscale;
		seg->sack_perm_opt = e->offer_sack;
	} else {
		/* RFC 7323 1.3, RFC 2018 2: only answering the peer's offer */
		seg->wscale_opt = e->offer_wscale && e->peer_wscale_opt;
		seg->sack_perm_opt = e->offer_sack && e->peer_sack_opt;
	}
	seg->wscale = e->wscale;
	if (!e->syn_sent) {
		e->syn_sent = true;
		e->snd_una = e->isn;
		e->snd_nxt = e->isn + 1;
	}
	/* the window it advertises covers the peer's data from rcv_nxt */
	if (sim_after(e->rcv_nxt + seg->win, e->rcv_right))
		e->rcv_right = e->rcv_nxt + seg->win;
}

void sim_data(struct sim *s, enum gw_dir d, uint32_t n, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	if (e->fin_sent)
		SIM_DIE("data after FIN");
	seg_start(seg, d, n ? GW_TCP_PSH : 0, e->snd_nxt, 0);
	seg->len = n;
	seg_ack_fields(e, seg);
	e->snd_nxt += n;
}

/* A pure ACK (or window update): allowed after FIN too, unlike data. */
void sim_ack(struct sim *s, enum gw_dir d, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	seg_start(seg, d, 0, e->snd_nxt, 0);
	seg_ack_fields(e, seg);
}

void sim_fin(struct sim *s, enum gw_dir d, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	if (!e->fin_sent) {
		e->fin_sent = true;
		e->fin_seq = e->snd_nxt;
		e->snd_nxt++;
	}
	seg_start(seg, d, GW_TCP_FIN, e->fin_seq, 0);
	seg_ack_fields(e, seg);
}

void sim_fin_data(struct sim *s, enum gw_dir d, uint32_t n,
		  struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	if (e->fin_sent)
		SIM_DIE("data after FIN");
	sim_data(s, d, n, seg);
	e->fin_sent = true;
	e->fin_seq = e->snd_nxt;
	e->snd_nxt++;
	seg->flags |= GW_TCP_FIN;
}

void sim_rst(struct sim *s, enum gw_dir d, bool with_ack, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	seg_start(seg, d, GW_TCP_RST, e->snd_nxt, 0);
	if (with_ack) {
		seg->flags |= GW_TCP_ACK;
		seg->ack = e->rcv_nxt;
	}
}

void sim_keepalive(struct sim *s, enum gw_dir d, bool one_byte,
		   struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	seg_start(seg, d, 0, e->snd_nxt - 1, 0);
	seg->len = one_byte;
	seg_ack_fields(e, seg);
}

void sim_zwp(struct sim *s, enum gw_dir d, struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	seg_start(seg, d, 0, e->snd_una - 1, 0);
	seg_ack_fields(e, seg);
}

void sim_retx(struct sim *s, enum gw_dir d, uint32_t seq, uint32_t n,
	      struct sim_seg *seg)
{
	struct sim_end *e = &s->e[d];

	if (sim_after(seq + n, e->snd_nxt) ||
	    (e->fin_sent && sim_after(seq + n, e->fin_seq)))
		SIM_DIE("retransmitting what was never sent");
	seg_start(seg, d, n ? GW_TCP_PSH : 0, seq, 0);
	seg->len = n;
	seg_ack_fields(e, seg);
}

uint32_t sim_send_room(const struct sim *s, enum gw_dir d)
{
	const struct sim_end *e = &s->e[d];

	if (!sim_after(e->snd_right, e->snd_nxt))
		return 0;
	return e->snd_right - e->snd_nxt;
}

void sim_read(struct sim *s, enum gw_dir d, uint32_t n)
{
	struct sim_end *e = &s->e[d];

	e->rcv_unread -= n < e->rcv_unread ? n : e->rcv_unread;
}

/* ---- receiving ----------------------------------------------------------- */

static void ooo_add(struct sim_end *r, uint32_t left, uint32_t right)
{
	struct sim_range keep[SIM_MAX_OOO], nr = { left, right };
	unsigned int i, n = 0;

	for (i = 0; i < r->nooo; i++) {
		struct sim_range o = r->ooo[i];

		if (!sim_before(o.right, nr.left) &&
		    !sim_after(o.left, nr.right)) {
			if (sim_before(o.left, nr.left))
				nr.left = o.left;
			if (sim_after(o.right, nr.right))
				nr.right = o.right;
		} else if (n < SIM_MAX_OOO - 1) {
			keep[n++] = o;	/* the oldest beyond that is forgotten */
		}
	}
	r->ooo[0] = nr;
	memcpy(&r->ooo[1], keep, n * sizeof(keep[0]));
	r->nooo = n + 1;
}

/* Move rcv_nxt over out-of-order data that is now in order. */
static void ooo_pull(struct sim_end *r)
{
	unsigned int i;

again:
	for (i = 0; i < r->nooo; i++) {
		struct sim_range o = r->ooo[i];

		if (sim_after(o.left, r->rcv_nxt))
			continue;
		if (sim_after(o.right, r->rcv_nxt)) {
			r->rcv_unread += o.right - r->rcv_nxt;
			r->rcv_nxt = o.right;
		}
		memmove(&r->ooo[i], &r->ooo[i + 1],
			(r->nooo - i - 1) * sizeof(r->ooo[0]));
		r->nooo--;
		goto again;
	}
}

static void sim_rcv_syn(struct sim_end *r, const struct sim_seg *seg)
{
	if (r->synced && seg->seq == r->irs)
		return;		/* a retransmission */
	r->synced = true;
	r->irs = seg->seq;
	r->rcv_nxt = seg->seq + 1;
	r->nooo = 0;
	r->rcv_right = r->rcv_nxt + (r->syn_sent ? r->syn_win : 0);
	r->peer_wscale_opt = seg->wscale_opt;
	r->peer_wscale = seg->wscale > 14 ? 14 : seg->wscale;
	r->peer_sack_opt = seg->sack_perm_opt;
	if (r->offer_wscale && seg->wscale_opt) {
		r->snd_shift = r->peer_wscale;
		r->rcv_shift = r->wscale > 14 ? 14 : r->wscale;
	} else {
		r->snd_shift = 0;
		r->rcv_shift = 0;
	}
	r->sack_ok = r->offer_sack && seg->sack_perm_opt;
	if (!(seg->flags & GW_TCP_ACK)) {
		/* the SYN's window lets the answer carry data (RFC 7413) */
		uint32_t edge = r->isn + 1 + seg->win;

		if (sim_after(edge, r->snd_right))
			r->snd_right = edge;
	}
}

void sim_deliver(struct sim *s, const struct sim_seg *seg)
{
	struct sim_end *r = &s->e[!seg->dir];
	uint32_t start = seg->seq, end;
	bool trimmed = false;
	unsigned int i;

	if (seg->flags & GW_TCP_RST) {
		r->reset = true;
		return;
	}
	if (seg->flags & GW_TCP_SYN) {
		sim_rcv_syn(r, seg);
		start++;
	}
	if ((seg->flags & GW_TCP_ACK) && r->syn_sent &&
	    !sim_after(seg->ack, r->snd_nxt)) {
		uint8_t shift = seg->flags & GW_TCP_SYN ? 0 : r->snd_shift;
		uint32_t edge = seg->ack + ((uint32_t)seg->win << shift);

		if (sim_after(seg->ack, r->snd_una))
			r->snd_una = seg->ack;
		if (sim_after(edge, r->snd_right))
			r->snd_right = edge;
		r->nsacked = seg->nsack;
		for (i = 0; i < seg->nsack; i++) {
			r->sacked[i].left = seg->sack[i][0];
			r->sacked[i].right = seg->sack[i][1];
		}
	}
	if (!r->synced)
		return;
	end = start + seg->len;
	/* what lies beyond the window it offered is not taken (RFC 9293) */
	if (!(seg->flags & GW_TCP_SYN) && sim_after(end, r->rcv_right) &&
	    seg->len) {
		if (!sim_after(r->rcv_right, start))
			return;	/* nothing of it fits: FIN included */
		end = r->rcv_right;
		trimmed = true;
	}
	if (end != start) {
		if (!sim_after(start, r->rcv_nxt)) {
			if (sim_after(end, r->rcv_nxt)) {
				r->rcv_unread += end - r->rcv_nxt;
				r->rcv_nxt = end;
			}
			ooo_pull(r);
		} else {
			ooo_add(r, start, end);
		}
	}
	if ((seg->flags & GW_TCP_FIN) && !trimmed && end == r->rcv_nxt &&
	    !r->fin_rcvd) {
		r->rcv_nxt++;
		r->fin_rcvd = true;
	}
}

/* ---- the wire and the tracker ------------------------------------------- */

static void sim_build(const struct sim *s, const struct sim_seg *seg,
		      struct gw_pb *pb)
{
	const char *const *addr = s->family == AF_INET ? sim_addr4 : sim_addr6;
	enum gw_dir d = seg->dir;

	if (seg->len > SIM_WIRE_MAX)
		SIM_DIE("%u payload bytes do not fit the packet builder",
			seg->len);
	if (s->family == AF_INET)
		gw_pb_ipv4(pb, addr[d], addr[!d]);
	else
		gw_pb_ipv6(pb, addr[d], addr[!d]);
	gw_pb_tcp(pb, sim_port[d], sim_port[!d], seg->flags, seg->seq,
		  seg->ack);
	gw_pb_tcp_window(pb, seg->win);
	if (seg->flags & GW_TCP_SYN) {
		gw_pb_tcp_mss(pb, 1460);
		if (seg->sack_perm_opt)
			gw_pb_tcp_sack_perm(pb);
		if (seg->wscale_opt) {
			gw_pb_tcp_nop(pb);
			gw_pb_tcp_wscale(pb, seg->wscale);
		}
	} else if (seg->nsack) {
		gw_pb_tcp_nop(pb);
		gw_pb_tcp_nop(pb);
		gw_pb_tcp_sack(pb, &seg->sack[0][0], seg->nsack);
	}
	if (seg->len)
		gw_pb_payload(pb, seg->len);
	gw_pb_finish(pb);
}

/* What gw_parse() must make of @seg. */
static void sim_expect(const struct sim *s, const struct sim_seg *seg,
		       struct gw_pkt *pkt)
{
	const char *const *addr = s->family == AF_INET ? sim_addr4 : sim_addr6;
	enum gw_dir d = seg->dir;
	unsigned int i;

	if (seg->len > 0xffff)
		SIM_DIE("%u payload bytes do not fit payload_len", seg->len);
	memset(pkt, 0, sizeof(*pkt));
	pkt->family = s->family;
	pkt->proto = IPPROTO_TCP;
	pkt->saddr = gw_test_addr(s->family, addr[d]);
	pkt->daddr = gw_test_addr(s->family, addr[!d]);
	pkt->sport = sim_port[d];
	pkt->dport = sim_port[!d];
	pkt->seq = seg->seq;
	pkt->ack_seq = seg->ack;
	pkt->tcp_flags = seg->flags;
	pkt->window = seg->win;
	pkt->payload_len = (uint16_t)seg->len;
	pkt->l4_off = s->family == AF_INET ? 20 : 40;
	if (seg->flags & GW_TCP_SYN) {
		/* sim_build() gives every SYN an MSS */
		pkt->tcp_opts |= GW_TCPOPT_MSS;
		pkt->mss = 1460;
		if (seg->wscale_opt) {
			pkt->tcp_opts |= GW_TCPOPT_WSCALE_SEEN;
			pkt->wscale = seg->wscale > 14 ? 14 : seg->wscale;
		}
		if (seg->sack_perm_opt)
			pkt->tcp_opts |= GW_TCPOPT_SACK_PERM;
	} else {
		for (i = 0; i < seg->nsack; i++) {
			uint32_t edge = seg->sack[i][1];

			if (!i || sim_after(edge, pkt->sack_edge))
				pkt->sack_edge = edge;
			pkt->tcp_opts |= GW_TCPOPT_SACK;
		}
	}
}

void sim_pkt(const struct sim *s, const struct sim_seg *seg,
	     struct gw_pkt *pkt)
{
	struct gw_pkt want;
	struct gw_pb pb;

	sim_expect(s, seg, &want);
	if (!s->wire || seg->len > SIM_WIRE_MAX) {
		*pkt = want;
		return;
	}
	sim_build(s, seg, &pb);
	if (gw_pb_parse(&pb, pkt) != GW_PARSE_OK)
		SIM_DIE("gw_parse() refused %s", sim_seg_str(s, seg));
	if (memcmp(pkt, &want, sizeof(want)) != 0)
		SIM_DIE("gw_parse() misread %s: seq %u ack %u flags %#x win %u "
			"len %u opts %#x wscale %u sack_edge %u",
			sim_seg_str(s, seg), pkt->seq, pkt->ack_seq,
			pkt->tcp_flags, pkt->window, pkt->payload_len,
			pkt->tcp_opts, pkt->wscale, pkt->sack_edge);
}

unsigned int sim_encode(const struct sim *s, const struct sim_seg *seg,
			uint8_t *buf, unsigned int cap)
{
	struct gw_pb pb;

	sim_build(s, seg, &pb);
	if (pb.len > cap)
		SIM_DIE("packet of %u bytes, room for %u", pb.len, cap);
	memcpy(buf, pb.data, pb.len);
	return pb.len;
}

/*
 * gw_tcp_track() of @pkt on @conn, after a dry gw_tcp_judge() of it: the
 * judgement must leave @conn byte for byte as it was, give the verdict the
 * real step then gives, and foresee the state it leaves, byte for byte.
 * Every segment any test shows the tracker goes through here.
 */
enum gw_tcp_verdict sim_track_checked(struct gw_tcp_conn *conn,
				      const struct gw_pkt *pkt, enum gw_dir dir)
{
	struct gw_tcp_conn before = *conn, next;
	enum gw_tcp_verdict dry, real;

	memset(&next, 0xa5, sizeof(next));
	dry = gw_tcp_judge(conn, pkt, dir, &next);
	if (memcmp(conn, &before, sizeof(before)))
		SIM_DIE("a dry judgement changed the tracker's state");
	real = gw_tcp_track(conn, pkt, dir);
	if (dry != real)
		SIM_DIE("dry judgement %s, real step %s",
			sim_verdict_name(dry), sim_verdict_name(real));
	if (memcmp(conn, &next, sizeof(next)))
		SIM_DIE("the dry judgement foresaw another state");
	return real;
}

enum gw_tcp_verdict sim_track(struct sim *s, const struct sim_seg *seg)
{
	struct gw_pkt pkt;

	sim_pkt(s, seg, &pkt);
	s->segments++;
	if (!s->tracked) {
		if (seg->dir != GW_DIR_ORIGINAL ||
		    !gw_tcp_is_pure_syn(pkt.tcp_flags))
			SIM_DIE("the tracker starts from the originator's SYN");
		/* garbage in the entry must not matter */
		memset(&s->conn, 0x5a, sizeof(s->conn));
		gw_tcp_init(&s->conn, &pkt);
		s->tracked = true;
		return GW_TCP_ACCEPT;
	}
	return sim_track_checked(&s->conn, &pkt, seg->dir);
}

bool sim_pickup(struct sim *s, const struct sim_seg *seg)
{
	struct gw_pkt pkt;

	sim_pkt(s, seg, &pkt);
	s->segments++;
	memset(&s->conn, 0x5a, sizeof(s->conn));
	s->tracked = gw_tcp_pickup(&s->conn, &pkt);
	return s->tracked;
}

/* ---- reporting ----------------------------------------------------------- */

const char *sim_verdict_name(enum gw_tcp_verdict v)
{
	switch (v) {
	case GW_TCP_ACCEPT:
		return "ACCEPT";
	case GW_TCP_ACCEPT_STALE:
		return "ACCEPT_STALE";
	case GW_TCP_ACCEPT_CLOSE:
		return "ACCEPT_CLOSE";
	case GW_TCP_INVALID:
		return "INVALID";
	case GW_TCP_OUT_OF_WINDOW:
		return "OUT_OF_WINDOW";
	case GW_TCP_REOPEN:
		return "REOPEN";
	}
	return "(verdict out of range)";
}

static const char *const sim_dir_name[2] = { "ORIG", "REPLY" };

const char *sim_seg_str(const struct sim *s, const struct sim_seg *seg)
{
	static char buf[4][256];
	static unsigned int slot;
	char *p = buf[slot++ % 4];
	uint32_t sisn = s->e[seg->dir].isn, risn = s->e[!seg->dir].isn;
	int n;
	unsigned int i;

	n = snprintf(p, 256, "%s %s%s%s%s%s%s seq=isn%+d ack=isn%+d win=%u "
		     "len=%u", sim_dir_name[seg->dir],
		     seg->flags & GW_TCP_SYN ? "SYN|" : "",
		     seg->flags & GW_TCP_FIN ? "FIN|" : "",
		     seg->flags & GW_TCP_RST ? "RST|" : "",
		     seg->flags & GW_TCP_ACK ? "ACK|" : "",
		     seg->flags & GW_TCP_PSH ? "PSH|" : "",
		     seg->flags & GW_TCP_URG ? "URG|" : "",
		     (int32_t)(seg->seq - sisn), (int32_t)(seg->ack - risn),
		     seg->win, seg->len);
	for (i = 0; i < seg->nsack && n > 0 && n < 200; i++)
		n += snprintf(p + n, 256 - n, " sack[%+d,%+d)",
			      (int32_t)(seg->sack[i][0] - risn),
			      (int32_t)(seg->sack[i][1] - risn));
	return p;
}

const char *sim_conn_str(const struct sim *s)
{
	static char buf[512];
	const struct gw_tcp_conn *c = &s->conn;
	int n;
	unsigned int d;

	n = snprintf(buf, sizeof(buf), "state %s seen_reply %u flags %#x",
		     gw_tcp_state_name(c->state), c->seen_reply, c->flags);
	for (d = 0; d < 2 && n > 0 && n < 400; d++) {
		const struct gw_tcp_peer *p = &c->peer[d];
		uint32_t isn = s->e[d].isn;

		n += snprintf(buf + n, sizeof(buf) - n,
			      "; %s end=isn%+d maxend=isn%+d maxwin=%u "
			      "wscale=%u flags=%#x", sim_dir_name[d],
			      (int32_t)(p->end - isn), (int32_t)(p->maxend - isn),
			      p->maxwin, p->wscale, p->flags);
	}
	return buf;
}
