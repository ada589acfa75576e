// SPDX-License-Identifier: GPL-2.0
/*
 * The sequence-window checks of gw_tcp_track() (issue 5, "Proof"), driven
 * by simulated connections (tcp_sim.h): every bound of van Rooij's check
 * at its exact edges, 32-bit wrap-around, window scaling 0 to 14 and when
 * it applies, SACK, keep-alives, zero-window probes, retransmissions,
 * simultaneous open, reopening, the RST and SYN rules (RFC 5961),
 * mid-stream pickup, and a long bulk transfer with loss and reordering in
 * which no legitimate segment may be refused.
 *
 * The expected edges are computed from the simulated endpoints (what each
 * has sent, the largest window each has offered, the right edge each has
 * advertised), never read back from the tracker: where the tracker's view
 * differs from the connection's, the test says so.
 */
#include "sim_test.h"
#include "ticks.h"

#define MSS		1448
#define MAXACKWIN	66000	/* tcp_in_window()'s floor for bound IV */

/* ---- connections ---------------------------------------------------------- */

struct conn_cfg {
	const char *name;
	uint32_t isn_orig, isn_reply;
	int ws_orig, ws_reply;		/* shift offered; -1: no option */
	uint32_t buf_orig, buf_reply;	/* receive buffers */
	bool sack;
	uint8_t family;			/* 0: AF_INET */
};

/* Open @c's connection: SYN, SYN-ACK, ACK, all checked. */
static void est(struct sim *s, const struct conn_cfg *c)
{
	sim_init(s, c->isn_orig, c->isn_reply);
	s->family = c->family ? c->family : AF_INET;
	if (c->ws_orig >= 0)
		sim_offer_wscale(s, ORIG, (uint8_t)c->ws_orig);
	if (c->ws_reply >= 0)
		sim_offer_wscale(s, REPLY, (uint8_t)c->ws_reply);
	if (c->sack) {
		sim_offer_sack(s, ORIG);
		sim_offer_sack(s, REPLY);
	}
	sim_rcv_buf(s, ORIG, c->buf_orig ? c->buf_orig : 65535);
	sim_rcv_buf(s, REPLY, c->buf_reply ? c->buf_reply : 65535);
	STEP(s, mk_syn(s, ORIG), OK, SS);
	STEP(s, mk_synack(s, REPLY), OK, SR);
	STEP(s, mk_ack(s, ORIG), OK, ES);
}

static uint32_t min3(uint32_t a, uint32_t b, uint32_t c)
{
	uint32_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * @bytes of data from @d in full-sized segments within the window, the
 * other side acknowledging every second one (and the last) and its
 * application reading everything: every segment must be ACCEPTed in
 * @state.
 */
static void pump(struct sim *s, enum gw_dir d, uint32_t bytes, uint8_t state)
{
	unsigned int n = 0;

	while (bytes) {
		uint32_t len = min3(bytes, MSS, sim_send_room(s, d));

		if (!len) {
			STEP(s, mk_ack(s, !d), OK, state);
			if (!sim_send_room(s, d))
				fail_msg("pump: the window stays shut");
			continue;
		}
		STEP(s, mk_data(s, d, len), OK, state);
		sim_read(s, !d, UINT32_MAX);
		bytes -= len;
		if (++n % 2 == 0)
			STEP(s, mk_ack(s, !d), OK, state);
	}
	STEP(s, mk_ack(s, !d), OK, state);
}

/*
 * The tracker's picture of side @d must be the connection's: its end is
 * what it sent, its max end the highest right edge the other side
 * advertised, its max window the largest it offered.  Once SACK blocks
 * have been seen (@sack) the max end may be further on: like the kernel,
 * the tracker puts the right edge at the highest SACK edge plus the
 * window, which is beyond the ACK plus the window by at most one window.
 */
static void assert_view_at(const struct sim *s, enum gw_dir d, bool sack,
			   int line)
{
	const struct gw_tcp_peer *p = &s->conn.peer[d];
	const struct sim_end *e = &s->e[d], *o = &s->e[!d];
	bool maxend_ok = sack ? !sim_before(p->maxend, o->rcv_right) &&
				!sim_after(p->maxend,
					   o->rcv_right + o->max_adv_win) :
				p->maxend == o->rcv_right;

	if (p->end != e->snd_nxt || !maxend_ok ||
	    p->maxwin != e->max_adv_win)
		fail_msg("line %d: %s: tracker end isn%+d maxend isn%+d "
			 "maxwin %u; connection: sent to isn%+d, allowed to "
			 "isn%+d, largest window %u", line,
			 d == ORIG ? "ORIG" : "REPLY",
			 (int32_t)(p->end - e->isn),
			 (int32_t)(p->maxend - e->isn), p->maxwin,
			 (int32_t)(e->snd_nxt - e->isn),
			 (int32_t)(o->rcv_right - e->isn), e->max_adv_win);
}

#define assert_view(s, d) assert_view_at((s), (d), false, __LINE__)
#define assert_view_sack(s, d) assert_view_at((s), (d), true, __LINE__)

/* ---- the four bounds, at their edges -------------------------------------- */

static const struct conn_cfg bound_cfgs[] = {
	{ "no scaling", 1000, 2000000, -1, -1, 0, 0, false, 0 },
	{ "ISNs just below 2^32, wrapping", 0xffffff00u, 0xfffffff0u,
	  -1, -1, 0, 0, true, 0 },
	{ "scale 7 both, IPv6, wraps mid-stream", 0xfffe0000u, 0x7fff0000u,
	  7, 7, 1u << 20, 3u << 20, true, AF_INET6 },
	{ "scale 14 both", 0xfff00000u, 0x10, 14, 14, 32u << 20, 64u << 20,
	  true, 0 },
	{ "scale 0 offered both", 0x80000000u, 0x7fffffffu, 0, 0, 0, 0,
	  false, 0 },
	{ "scales 2 and 9", 5, 0xffff0000u, 2, 9, 200000, 30u << 20, true,
	  AF_INET6 },
};

enum bound_ref {
	REF_MAXEND,	/* seq against the sender's max end (I) */
	REF_LOW1,	/* end against sender end - receiver max window (II) */
	REF_LOW2,	/* ... minus two max windows: how late is late */
	REF_ACK,	/* ack against the receiver's end (III) */
	REF_ACKLOW1,	/* ack against receiver end - max ack window (IV) */
	REF_ACKLOW2,	/* ... minus two */
};

static const struct bound_case {
	const char *name;
	enum bound_ref ref;
	int64_t delta;
	uint32_t len;
	enum gw_tcp_verdict want;
} bound_cases[] = {
	{ "I   seq = max end, no data", REF_MAXEND, 0, 0, OK },
	{ "I   seq = max end, one byte", REF_MAXEND, 0, 1, OK },
	{ "I   seq = max end + 1", REF_MAXEND, 1, 0, OOW },
	{ "I   seq = max end + 1, 1000 bytes", REF_MAXEND, 1, 1000, OOW },
	{ "I   seq = max end + 2^31 - 1", REF_MAXEND, 0x7fffffff, 0, OOW },
	{ "II  end = the lower bound", REF_LOW1, 0, 100, OK },
	{ "II  end = the lower bound - 1", REF_LOW1, -1, 100, STALE },
	{ "II  end = two windows late", REF_LOW2, 0, 100, STALE },
	{ "II  end = two windows late - 1", REF_LOW2, -1, 100, OOW },
	{ "II  end = two windows late - 1, no data", REF_LOW2, -1, 0, OOW },
	{ "III ack = the receiver's end", REF_ACK, 0, 0, OK },
	{ "III ack = the receiver's end + 1", REF_ACK, 1, 0, OOW },
	{ "III ack = the receiver's end + 2^30", REF_ACK, 1 << 30, 0, OOW },
	{ "IV  ack = the lower bound", REF_ACKLOW1, 0, 0, OK },
	{ "IV  ack = the lower bound - 1", REF_ACKLOW1, -1, 0, STALE },
	{ "IV  ack = two windows late", REF_ACKLOW2, 0, 0, STALE },
	{ "IV  ack = two windows late - 1", REF_ACKLOW2, -1, 0, OOW },
};

/*
 * Each case on a fresh connection that has carried 150 KB each way (so the
 * ends have moved, and wrapped where the ISNs are high), from either side:
 * the segment is an ACK from @d with the right window, and only the field
 * the case is about off its edge.
 */
static void run_bound_case(const struct conn_cfg *c, const struct bound_case *k,
			   enum gw_dir d)
{
	struct sim s;
	struct sim_seg g;
	struct gw_tcp_conn saved;
	const struct sim_end *snd, *rcv;
	uint32_t rmaxwin, maw, ref = 0;
	enum gw_tcp_verdict v;

	est(&s, c);
	pump(&s, ORIG, 150000, ES);
	pump(&s, REPLY, 150000, ES);
	assert_view(&s, ORIG);
	assert_view(&s, REPLY);
	snd = &s.e[d];
	rcv = &s.e[!d];
	rmaxwin = rcv->max_adv_win;
	maw = snd->max_adv_win > MAXACKWIN ? snd->max_adv_win : MAXACKWIN;

	sim_ack(&s, d, &g);	/* seq = what it sent, ack = what it got */
	switch (k->ref) {
	case REF_MAXEND:
		ref = rcv->rcv_right;
		break;
	case REF_LOW1:
		ref = snd->snd_nxt - rmaxwin;
		break;
	case REF_LOW2:
		ref = snd->snd_nxt - 2 * rmaxwin;
		break;
	case REF_ACK:
		ref = rcv->snd_nxt;
		break;
	case REF_ACKLOW1:
		ref = rcv->snd_nxt - maw;
		break;
	case REF_ACKLOW2:
		ref = rcv->snd_nxt - 2 * maw;
		break;
	}
	ref += (uint32_t)k->delta;
	g.len = k->len;
	g.flags = k->len ? ACK | PSH : ACK;
	if (k->ref == REF_MAXEND)
		g.seq = ref;
	else if (k->ref == REF_LOW1 || k->ref == REF_LOW2)
		g.seq = ref - k->len;
	else
		g.ack = ref;

	saved = s.conn;
	v = sim_track(&s, &g);
	if (v != k->want || s.conn.state != ES)
		fail_msg("%s, %s from %s: %s -> %s, want %s\n    %s\n    %s",
			 c->name, k->name, d == ORIG ? "ORIG" : "REPLY",
			 sim_verdict_name(v), gw_tcp_state_name(s.conn.state),
			 sim_verdict_name(k->want), sim_seg_str(&s, &g),
			 sim_conn_str(&s));
	if (v != OK && memcmp(&saved, &s.conn, sizeof(saved)) != 0)
		fail_msg("%s, %s: %s changed the entry", c->name, k->name,
			 sim_verdict_name(v));
	/* refused or not, the connection itself goes on */
	if (verdict_passes(v))
		sim_deliver(&s, &g);
	pump(&s, d, 5000, ES);
	pump(&s, !d, 5000, ES);
}

TEST(window_bounds_at_their_edges)
{
	unsigned int c, k, d;

	for (c = 0; c < ARRAY_SIZE(bound_cfgs); c++)
		for (k = 0; k < ARRAY_SIZE(bound_cases); k++)
			for (d = 0; d < 2; d++)
				run_bound_case(&bound_cfgs[c], &bound_cases[k],
					       (enum gw_dir)d);
}

/*
 * The tracker learns each side exactly as the connection runs: end, max
 * end and max window after the handshake and after data, for every
 * configuration above (scaled windows included).
 */
TEST(window_state_follows_the_connection)
{
	unsigned int c;
	struct sim s;

	for (c = 0; c < ARRAY_SIZE(bound_cfgs); c++) {
		est(&s, &bound_cfgs[c]);
		assert_view(&s, ORIG);
		pump(&s, ORIG, 70000, ES);
		pump(&s, REPLY, 300000, ES);
		assert_view(&s, ORIG);
		assert_view(&s, REPLY);
	}
}

/* ---- window scaling --------------------------------------------------------- */

/*
 * RFC 7323 2.2: scaling is in force only when both the SYN and the SYN-ACK
 * carry the option; otherwise both shifts are 0 and every window field is
 * read as it stands.  A SYN-ACK carrying the option unasked (a broken
 * responder) does not turn it on.  For each combination and shifts 0, 7
 * and 14: the shifts the tracker holds, and the right edge of the window
 * the responder then offers, to the byte.
 */
TEST(window_scaling_only_when_both_offer)
{
	static const uint8_t shifts[] = { 0, 7, 14 };
	unsigned int combo, i;

	for (combo = 0; combo < 4; combo++) {
		for (i = 0; i < ARRAY_SIZE(shifts); i++) {
			bool syn_has = combo & 1, synack_has = combo & 2;
			bool both = syn_has && synack_has;
			uint8_t sh = shifts[i], eff = both ? sh : 0;
			struct sim s;
			struct sim_seg g;
			uint32_t edge;

			sim_init(&s, 0xfffffff0u - i, 0x12345678u + combo);
			sim_rcv_buf(&s, ORIG, 1u << 22);
			sim_rcv_buf(&s, REPLY, 1u << 22);
			if (syn_has)
				sim_offer_wscale(&s, ORIG, sh);
			if (synack_has)
				sim_offer_wscale(&s, REPLY, sh);
			STEP(&s, mk_syn(&s, ORIG), OK, SS);
			sim_synack(&s, REPLY, &g);
			if (synack_has && !syn_has) {
				g.wscale_opt = true;	/* unasked */
				g.wscale = sh;
			}
			g.win = 1000;		/* never scaled */
			STEP(&s, g, OK, SR);
			assert_int_equal(s.conn.peer[ORIG].maxend,
					 s.e[ORIG].isn + 1 + 1000);
			assert_int_equal(s.conn.peer[ORIG].wscale, eff);
			assert_int_equal(s.conn.peer[REPLY].wscale, eff);
			STEP(&s, mk_ack(&s, ORIG), OK, ES);

			/* the responder offers 2000 units of window */
			sim_ack(&s, REPLY, &g);
			g.win = 2000;
			STEP(&s, g, OK, ES);
			edge = g.ack + (2000u << eff);
			assert_int_equal(s.conn.peer[ORIG].maxend, edge);
			/* the originator may start a segment at the edge ... */
			g = (struct sim_seg){ .dir = ORIG, .flags = ACK,
					      .seq = edge, .ack = s.e[ORIG].rcv_nxt,
					      .win = 100 };
			STEP_HOLD(&s, g, OK, ES);
			/* ... but not one byte beyond it */
			g.seq = edge + 1;
			STEP_HOLD(&s, g, OOW, ES);
		}
	}
}

/*
 * The windows of SYN and SYN-ACK are never scaled (RFC 7323 2.2), even
 * with shift 14: the SYN-ACK's 65535 lets the originator send 65535 bytes
 * past its SYN and not one more, until a scaled window comes.
 */
TEST(window_syn_windows_unscaled)
{
	struct sim s;
	struct sim_seg g;
	uint32_t base;

	sim_init(&s, 0xffff8000u, 1);
	sim_offer_wscale(&s, ORIG, 14);
	sim_offer_wscale(&s, REPLY, 14);
	sim_rcv_buf(&s, ORIG, 64u << 20);
	sim_rcv_buf(&s, REPLY, 64u << 20);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	base = s.e[ORIG].isn + 1;
	assert_int_equal(s.conn.peer[ORIG].maxend, base + 65535);
	g = (struct sim_seg){ .dir = ORIG, .flags = ACK | PSH, .seq = base,
			      .ack = s.e[ORIG].rcv_nxt, .win = 4096,
			      .len = 1000 };
	g.seq = base + 65535;
	STEP_HOLD(&s, g, OK, ES);
	g.seq = base + 65536;
	STEP_HOLD(&s, g, OOW, ES);
	/* the first scaled window opens it: 4096 << 14 */
	STEP(&s, mk_ack(&s, REPLY), OK, ES);
	assert_int_equal(s.conn.peer[ORIG].maxend,
			 s.e[REPLY].rcv_nxt + (uint32_t)(4096u << 14));
}

/* A shift above 14 is taken as 14 (RFC 7323 2.3) all the way through. */
TEST(window_scale_above_14_is_14)
{
	struct sim s;

	sim_init(&s, 77, 0xfffffff7u);
	sim_offer_wscale(&s, ORIG, 15);
	sim_offer_wscale(&s, REPLY, 255);
	sim_rcv_buf(&s, ORIG, 1u << 30);
	sim_rcv_buf(&s, REPLY, 1u << 30);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	assert_int_equal(s.conn.peer[ORIG].wscale, 14);
	assert_int_equal(s.conn.peer[REPLY].wscale, 14);
	pump(&s, REPLY, 2000000, ES);
	assert_view(&s, ORIG);
	assert_view(&s, REPLY);
	/* a 1 GiB window: 65535 << 14 */
	assert_int_equal(s.conn.peer[ORIG].maxwin, 65535u << 14);
}

/* ---- SACK ------------------------------------------------------------------ */

/*
 * Five segments from the responder, the second lost beyond the gateway:
 * the originator's duplicate ACKs carry SACK blocks for what it holds; the
 * retransmission fills the hole.  All of it is in window.
 */
TEST(window_sack_blocks_within_what_was_sent)
{
	struct sim s;
	struct sim_seg seg[5], g;
	const struct conn_cfg c = { "sack", 0xfffff800u, 3000, 7, 7,
				    1u << 20, 1u << 20, true, 0 };
	uint32_t hole;
	unsigned int i;

	est(&s, &c);
	for (i = 0; i < 5; i++) {
		sim_data(&s, REPLY, MSS, &seg[i]);
		if (i == 1)
			STEP_HOLD(&s, seg[i], OK, ES);
		else
			STEP(&s, seg[i], OK, ES);
		if (i >= 2) {
			sim_ack(&s, ORIG, &g);
			assert_int_equal(g.nsack, 1);
			assert_int_equal(g.sack[0][0], seg[2].seq);
			assert_int_equal(g.sack[0][1], seg[i].seq + MSS);
			STEP(&s, g, OK, ES);
		}
	}
	hole = seg[1].seq;
	assert_int_equal(s.e[REPLY].nsacked, 1);
	STEP(&s, mk_data(&s, ORIG, 300), OK, ES);	/* SACK on data too */
	sim_retx(&s, REPLY, hole, MSS, &g);
	STEP(&s, g, OK, ES);
	sim_ack(&s, ORIG, &g);
	assert_int_equal(g.nsack, 0);
	assert_int_equal(g.ack, s.e[REPLY].snd_nxt);
	STEP(&s, g, OK, ES);

	/* several blocks, the highest right edge last, wrapping past 0 */
	for (i = 0; i < 8; i++) {
		sim_data(&s, REPLY, MSS, &g);
		if (i % 2)
			STEP(&s, g, OK, ES);
		else
			STEP_HOLD(&s, g, OK, ES);	/* lost beyond us */
	}
	sim_ack(&s, ORIG, &g);
	assert_int_equal(g.nsack, 4);
	STEP(&s, g, OK, ES);
	assert_view_sack(&s, REPLY);
}

/*
 * A SACK block reaching past what the other side sent acknowledges data
 * nobody sent: OUT_OF_WINDOW, like an ACK of it would be (bound III),
 * whichever block it is.  Up to the last byte sent is fine; a D-SACK block
 * below the ACK (RFC 2883) changes nothing.
 */
TEST(window_sack_blocks_beyond_what_was_sent)
{
	static const struct {
		const char *what;
		int32_t right[3];	/* right edges past the sent end */
		unsigned int n;
		enum gw_tcp_verdict want;
	} cases[] = {
		{ "one block to the last byte", { 0 }, 1, OK },
		{ "one block a byte beyond", { 1 }, 1, OOW },
		{ "a block 64 KiB beyond", { 65536 }, 1, OOW },
		{ "first of three beyond", { 1, -3000, -6000 }, 3, OOW },
		{ "last of three beyond", { -6000, -3000, 1 }, 3, OOW },
		{ "three within", { -6000, -3000, 0 }, 3, OK },
		{ "D-SACK below the ACK", { -20000 }, 1, OK },
		{ "2^30 beyond", { 0x40000000 }, 1, OOW },
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct conn_cfg c = { "sack", 0xfffffff0u, 0xffffc000u,
					    7, 7, 1u << 20, 1u << 20, true,
					    AF_INET6 };
		struct sim s;
		struct sim_seg g;
		uint32_t sent;

		est(&s, &c);
		pump(&s, REPLY, 40000, ES);
		sent = s.e[REPLY].snd_nxt;
		sim_ack(&s, ORIG, &g);
		g.ack = sent - 10000;	/* a hole below the blocks */
		g.nsack = (uint8_t)cases[i].n;
		for (j = 0; j < cases[i].n; j++) {
			g.sack[j][1] = sent + (uint32_t)cases[i].right[j];
			g.sack[j][0] = g.sack[j][1] - 1000;
		}
		if (cases[i].right[0] == -20000)
			g.ack = sent;
		STEP_HOLD(&s, g, cases[i].want, ES);
	}
}

/* ---- keep-alives, zero windows, retransmissions ---------------------------- */

/*
 * A keep-alive is one byte below what the sender has sent (RFC 9293
 * 3.8.4), with no data or one garbage byte; the answer is a plain ACK.
 * From either side, on a connection whose numbers wrap, and after a long
 * idle: it passes, and moves no end.
 */
TEST(window_keepalive_passes)
{
	const struct conn_cfg c = { "ka", 0xffffffffu, 0xfffffffeu, 7, 6,
				    1u << 20, 1u << 18, true, 0 };
	unsigned int d, one;
	struct sim s;
	struct sim_seg g;

	est(&s, &c);
	for (d = 0; d < 2; d++) {
		for (one = 0; one < 2; one++) {
			uint32_t end = s.conn.peer[d].end;

			sim_keepalive(&s, (enum gw_dir)d, one, &g);
			assert_int_equal(g.seq, s.e[d].snd_nxt - 1);
			STEP(&s, g, OK, ES);
			assert_int_equal(s.conn.peer[d].end, end);
			STEP(&s, mk_ack(&s, !d), OK, ES);
		}
	}
	pump(&s, ORIG, 3000, ES);
	pump(&s, REPLY, 300000, ES);
	for (d = 0; d < 2; d++) {
		sim_keepalive(&s, (enum gw_dir)d, true, &g);
		STEP(&s, g, OK, ES);
		STEP(&s, mk_ack(&s, !d), OK, ES);
	}
	/* keep-alives during a half-close are legal too */
	STEP(&s, mk_fin(&s, ORIG), OK, FW);
	STEP(&s, mk_ack(&s, REPLY), OK, CW);
	sim_keepalive(&s, REPLY, false, &g);
	STEP(&s, g, OK, CW);
}

/*
 * The originator's application stops reading until its window is 0.  The
 * responder probes it the Linux way (no data, seq one below the unacked,
 * RFC 9293 3.8.6.1) and the BSD way (one byte of new data, which a zero
 * window still admits); anything further is out of window.  Then the
 * application reads, a window update reopens the window, data resumes.
 */
TEST(window_zero_window_probe)
{
	const struct conn_cfg c = { "zwp", 0x7ffffffeu, 0xffffff00u, 7, 7,
				    1u << 16, 1u << 20, true, 0 };
	struct sim s;
	struct sim_seg g;
	uint32_t edge;

	est(&s, &c);
	/* fill the originator's 64 KiB buffer without it reading */
	while (sim_send_room(&s, REPLY)) {
		uint32_t len = min3(MSS, sim_send_room(&s, REPLY), MSS);

		STEP(&s, mk_data(&s, REPLY, len), OK, ES);
	}
	sim_ack(&s, ORIG, &g);
	assert_int_equal(g.win, 0);
	STEP(&s, g, OK, ES);
	edge = g.ack;
	assert_int_equal(s.e[REPLY].snd_nxt, edge);
	assert_int_equal(sim_send_room(&s, REPLY), 0);

	sim_zwp(&s, REPLY, &g);
	assert_int_equal(g.seq, edge - 1);
	STEP(&s, g, OK, ES);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	/* BSD: one byte of data into the closed window */
	g = (struct sim_seg){ .dir = REPLY, .flags = ACK | PSH, .seq = edge,
			      .ack = s.e[REPLY].rcv_nxt, .win = 2000,
			      .len = 1 };
	STEP_HOLD(&s, g, OK, ES);
	/* the receiver drops it and says so again */
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	/* two bytes past the edge is not a probe */
	g.seq = edge + 2;
	STEP_HOLD(&s, g, OOW, ES);

	sim_read(&s, ORIG, UINT32_MAX);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);	/* the window update */
	assert_true(sim_send_room(&s, REPLY) > 60000);
	pump(&s, REPLY, 200000, ES);
	assert_view(&s, REPLY);
}

/*
 * Data whose ACK was lost beyond the gateway comes again after a timeout:
 * the tracker saw the ACK, so it is a retransmission of acknowledged data.
 * Within a window of what was sent it is plain ACCEPT; a window late it is
 * passed without refreshing (ACCEPT_STALE); two windows late it can only be
 * a guess: OUT_OF_WINDOW.  The receiver's duplicate ACK passes.
 */
TEST(window_retransmission_of_acked_data)
{
	const struct conn_cfg c = { "retx", 0xfff00000u, 0xffffff00u, -1, -1,
				    0, 0, false, 0 };
	struct sim s;
	struct sim_seg g, acks;
	uint32_t first, rmax;
	unsigned int i;

	est(&s, &c);
	first = s.e[REPLY].snd_nxt;
	for (i = 0; i < 4; i++)
		STEP(&s, mk_data(&s, REPLY, 1000), OK, ES);
	sim_ack(&s, ORIG, &acks);
	STEP_HOLD(&s, acks, OK, ES);		/* lost beyond us */
	sim_retx(&s, REPLY, first, 1000, &g);	/* the timeout fires */
	STEP(&s, g, OK, ES);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);	/* duplicate ACK */
	sim_deliver(&s, &acks);

	/* three windows later, old data once more */
	pump(&s, REPLY, 3 * 65535, ES);
	rmax = s.e[ORIG].max_adv_win;
	assert_int_equal(rmax, 65535);
	sim_retx(&s, REPLY, s.e[REPLY].snd_nxt - rmax - 1000, 1000, &g);
	STEP(&s, g, OK, ES);			/* ends inside the window */
	sim_retx(&s, REPLY, s.e[REPLY].snd_nxt - rmax - 1001, 1000, &g);
	STEP(&s, g, STALE, ES);
	sim_retx(&s, REPLY, s.e[REPLY].snd_nxt - 2 * rmax - 1000, 1000, &g);
	STEP(&s, g, STALE, ES);
	sim_retx(&s, REPLY, s.e[REPLY].snd_nxt - 2 * rmax - 1001, 1000, &g);
	STEP(&s, g, OOW, ES);
	/* a late retransmitted FIN after its ACK was lost is covered in test_tcp.c */
	pump(&s, REPLY, 10000, ES);
}

/* ---- opening and reopening ------------------------------------------------- */

/*
 * Simultaneous open (RFC 9293 figure 8) with scaling and SACK: each SYN
 * learns its side, scaling holds because both SYNs offered it, and data
 * flows both ways at the scaled windows.
 */
TEST(window_simultaneous_open)
{
	struct sim s;
	struct sim_seg syn_o, syn_r;

	sim_init(&s, 0xfffffffau, 0x00000005u);
	sim_offer_wscale(&s, ORIG, 5);
	sim_offer_wscale(&s, REPLY, 9);
	sim_offer_sack(&s, ORIG);
	sim_offer_sack(&s, REPLY);
	sim_rcv_buf(&s, ORIG, 1u << 21);
	sim_rcv_buf(&s, REPLY, 1u << 23);
	sim_syn(&s, ORIG, &syn_o);
	sim_syn(&s, REPLY, &syn_r);
	STEP_HOLD(&s, syn_o, OK, SS);
	STEP_HOLD(&s, syn_r, OK, S2);
	sim_deliver(&s, &syn_o);
	sim_deliver(&s, &syn_r);
	assert_int_equal(s.conn.peer[ORIG].wscale, 5);
	assert_int_equal(s.conn.peer[REPLY].wscale, 9);
	STEP(&s, mk_synack(&s, ORIG), OK, SR);
	STEP(&s, mk_synack(&s, REPLY), STALE, SR);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	STEP(&s, mk_ack(&s, REPLY), OK, ES);
	pump(&s, ORIG, 3000000, ES);
	pump(&s, REPLY, 3000000, ES);
	assert_view(&s, ORIG);
	assert_view(&s, REPLY);
}

/*
 * A connection closed to TIME_WAIT: a new SYN on the tuple, from either
 * side, is REOPEN and leaves the old entry alone; the caller starts a new
 * one from that SYN (gw_tcp_init()), where the new numbers hold and the
 * old ones are refused.  A late retransmission of the old FIN still fits
 * the old entry.
 */
TEST(window_time_wait_reopen)
{
	struct sim s, n;
	struct sim_seg g, old_fin;
	unsigned int d;

	for (d = 0; d < 2; d++) {
		sim_init(&s, 0xffffff00u, 500);
		sim_to_state(&s, TW);
		sim_fin(&s, REPLY, &old_fin);
		STEP(&s, old_fin, OK, TW);
		sim_syn_new_isn(&s, (enum gw_dir)d,
				s.e[d].snd_nxt + 64000, &g);
		STEP_HOLD(&s, g, REOPEN, TW);

		/* the caller's new entry, the opener as its originator */
		sim_init(&n, g.seq, 0xabcdef00u);
		STEP(&n, mk_syn(&n, ORIG), OK, SS);
		STEP(&n, mk_synack(&n, REPLY), OK, SR);
		STEP(&n, mk_ack(&n, ORIG), OK, ES);
		pump(&n, ORIG, 20000, ES);
		pump(&n, REPLY, 20000, ES);
		/* the old connection's FIN means nothing here */
		old_fin.dir = d == ORIG ? REPLY : ORIG;
		STEP_HOLD(&n, old_fin, OOW, ES);
	}
}

/* ---- resets (RFC 5961 3) ---------------------------------------------------- */

/* A connection with big scaled windows, data sent both ways. */
static const struct conn_cfg rst_cfg = {
	"rst", 0xfffff000u, 0x7ffff000u, 7, 7, 4u << 20, 4u << 20, true, 0,
};

/* Is an RST at @seq from @d inside the window the tracker should allow? */
static bool rst_seq_in_window(const struct sim *s, enum gw_dir d, uint32_t seq)
{
	uint32_t low = s->e[d].snd_nxt - s->e[!d].max_adv_win;
	uint32_t high = s->e[!d].rcv_right;

	return !sim_before(seq, low) && !sim_after(seq, high);
}

/*
 * Blind RSTs (a guessed sequence number, from the outside or forged as the
 * inside) outside the window: every one OUT_OF_WINDOW, the entry untouched
 * byte for byte, and the connection keeps transferring.  Likewise RST|ACK
 * with a good sequence number but an ACK of data never sent.
 */
TEST(window_blind_rst_refused)
{
	struct sim s;
	struct sim_seg g;
	unsigned int i, tried = 0;

	est(&s, &rst_cfg);
	pump(&s, ORIG, 100000, ES);
	pump(&s, REPLY, 1000000, ES);
	for (i = 0; i < 20000; i++) {
		enum gw_dir d = (enum gw_dir)(i & 1);
		uint32_t seq = (uint32_t)sim_rand(&s);

		if (rst_seq_in_window(&s, d, seq))
			continue;
		sim_rst(&s, d, i & 2, &g);
		g.seq = seq;
		if (i & 2)
			g.ack = (uint32_t)sim_rand(&s);
		STEP_HOLD(&s, g, OOW, ES);
		tried++;
	}
	assert_true(tried > 19000);
	/* right sequence number, wrong ACK */
	sim_rst(&s, REPLY, true, &g);
	g.ack = s.e[ORIG].snd_nxt + 1;
	STEP_HOLD(&s, g, OOW, ES);
	g.ack = s.e[ORIG].snd_nxt + 0x40000000u;
	STEP_HOLD(&s, g, OOW, ES);
	/* one window below, where a data segment would be STALE: refused */
	sim_rst(&s, REPLY, false, &g);
	g.seq -= s.e[ORIG].max_adv_win + 10;
	STEP_HOLD(&s, g, OOW, ES);
	pump(&s, ORIG, 100000, ES);
	pump(&s, REPLY, 100000, ES);
}

/*
 * The RST a stack really sends: at its next sequence number (Linux's
 * active reset), with or without ACK, or with ACK and an ack of 0 (old
 * stacks).  Or the one answering a challenge ACK, at the sequence number
 * that ACK acknowledged.  Each closes the flow.
 */
TEST(window_exact_rst_closes)
{
	unsigned int d, kind;

	for (d = 0; d < 2; d++) {
		for (kind = 0; kind < 4; kind++) {
			struct sim s;
			struct sim_seg g;

			est(&s, &rst_cfg);
			pump(&s, ORIG, 50000, ES);
			pump(&s, REPLY, 80000, ES);
			sim_rst(&s, (enum gw_dir)d, kind != 0, &g);
			if (kind == 2)
				g.ack = 0;
			if (kind == 3) {
				/* the other side challenges; the answer */
				struct sim_seg ch;

				sim_ack(&s, !d, &ch);
				STEP(&s, ch, OK, ES);
				g.flags = RST;
				g.seq = ch.ack;
			}
			STEP(&s, g, OK, CL);
		}
	}
}

/*
 * An RST inside the window but not at the next sequence number: RFC 5961
 * 3.2 has the endpoint answer with a challenge ACK and keep the
 * connection, so the RST must pass and the gateway keep the connection
 * too (the real reset that follows, at the acknowledged number, closes
 * it).  Closing on it would let a blind attacker who lands in a window
 * (about 2^32 / 8 MiB = 512 tries here) kill idle connections at the
 * gateway that the endpoints themselves survive.
 */
TEST(window_rst_in_window_not_exact)
{
	struct sim s;
	struct sim_seg g, ch;
	enum gw_tcp_verdict v;

	est(&s, &rst_cfg);
	pump(&s, ORIG, 50000, ES);
	pump(&s, REPLY, 3000000, ES);
	sim_rst(&s, REPLY, false, &g);
	g.seq += 100000;			/* in the window, not exact */
	assert_true(rst_seq_in_window(&s, REPLY, g.seq));
	v = sim_track(&s, &g);
	assert_true(verdict_passes(v));
	if (KNOWN_BUG(BUG_RST_IN_WINDOW, s.conn.state != ES,
		      "an in-window RST 100000 bytes ahead moved the flow "
		      "to CLOSE"))
		return;
	assert_int_equal(s.conn.state, ES);
	sim_ack(&s, ORIG, &ch);			/* the challenge ACK */
	STEP(&s, ch, OK, ES);
	pump(&s, REPLY, 10000, ES);
}

/*
 * The responder refusing the SYN (RFC 9293 3.10.7.1: RST|ACK, seq 0, ack
 * the SYN's end): ACCEPT_CLOSE.  Anything acknowledging something else,
 * or a bare RST, can be no answer to our SYN: OUT_OF_WINDOW, the entry
 * untouched.  With data on the SYN the ACK covers it.
 */
TEST(window_rst_answering_syn)
{
	static const int64_t bad_ack[] = { -1, 1, -65536, 0x40000000, 0 };
	struct sim s;
	struct sim_seg g;
	unsigned int i, tfo;

	for (tfo = 0; tfo < 2; tfo++) {
		for (i = 0; i <= ARRAY_SIZE(bad_ack); i++) {
			uint32_t isn = 0xffffffffu - i;

			sim_init(&s, isn, 0);
			if (tfo)
				sim_syn_data(&s, ORIG, 300, &g);
			else
				sim_syn(&s, ORIG, &g);
			STEP(&s, g, OK, SS);
			g = (struct sim_seg){ .dir = REPLY, .flags = RST | ACK,
					      .seq = 0,
					      .ack = isn + 1 + 300 * tfo };
			if (i == ARRAY_SIZE(bad_ack)) {
				STEP(&s, g, CLOSE, CL);
				continue;
			}
			if (bad_ack[i])
				g.ack += (uint32_t)bad_ack[i];
			else
				g.flags = RST;		/* a bare RST */
			STEP_HOLD(&s, g, OOW, SS);
		}
	}
	/* after the client restarted with a new ISN, only the new one counts */
	sim_init(&s, 1000, 0);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	sim_syn_new_isn(&s, ORIG, 90000, &g);
	STEP(&s, g, STALE, SS);
	g = (struct sim_seg){ .dir = REPLY, .flags = RST | ACK, .ack = 1001 };
	STEP_HOLD(&s, g, OOW, SS);
	g.ack = 90001;
	STEP(&s, g, CLOSE, CL);
}

/*
 * Before any reply the originator's RST closes the half-open entry at once
 * (ACCEPT_CLOSE): aborting its own connect, or answering a challenge ACK
 * from a responder that holds an old connection on this tuple, at the
 * sequence number that ACK acknowledged (which is nothing of ours).
 */
TEST(window_originator_rst_before_reply)
{
	struct sim s;
	struct sim_seg g;

	sim_init(&s, 0x10000, 0x20000);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	STEP(&s, mk_rst(&s, ORIG, false), CLOSE, CL);
	assert_int_equal(s.conn.seen_reply, 0);

	sim_init(&s, 0x10000, 0x20000);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	g = (struct sim_seg){ .dir = REPLY, .flags = ACK, .seq = 0x7777,
			      .ack = 0xdead0000u, .win = 1000 };
	STEP_HOLD(&s, g, STALE, SS);		/* the challenge ACK */
	g = (struct sim_seg){ .dir = ORIG, .flags = RST, .seq = 0xdead0000u };
	STEP(&s, g, CLOSE, CL);
}

/* ---- SYNs -------------------------------------------------------------------- */

/*
 * A retransmitted SYN in SYN_SENT passes as ACCEPT_STALE (it must not keep
 * a dead half-open entry alive) and changes nothing; the SYN-ACK that
 * finally comes is judged as ever.
 */
TEST(window_syn_retransmitted_in_syn_sent)
{
	struct sim s;
	unsigned int i;

	sim_init(&s, 0xfffffffcu, 0x30);
	sim_offer_wscale(&s, ORIG, 8);
	sim_offer_sack(&s, ORIG);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	for (i = 0; i < 6; i++)
		STEP(&s, mk_syn(&s, ORIG), STALE, SS);
	assert_int_equal(s.conn.peer[ORIG].end, 0xfffffffdu);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	pump(&s, REPLY, 100000, ES);
}

/*
 * The client gave up on its SYN and sent a new one with a new ISN (and
 * different options): the tracker follows the new SYN.  A SYN-ACK for the
 * old one is refused, the one for the new one opens; scaling follows the
 * new SYN, which no longer offers it.
 */
TEST(window_syn_new_isn_in_syn_sent)
{
	struct sim s;
	struct sim_seg g, late;
	struct gw_tcp_conn saved;
	enum gw_tcp_verdict v;

	sim_init(&s, 5000, 0xf0000000u);
	sim_offer_wscale(&s, ORIG, 7);
	sim_offer_wscale(&s, REPLY, 7);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	/* the responder answers the first SYN; the answer is slow */
	sim_synack(&s, REPLY, &late);
	s.e[ORIG].offer_wscale = false;
	sim_syn_new_isn(&s, ORIG, 0xfffffff0u, &g);
	STEP(&s, g, STALE, SS);
	assert_int_equal(s.conn.peer[ORIG].end, 0xfffffff1u);
	assert_int_equal(s.conn.peer[ORIG].flags, 0);
	/* the answer to ISN 5000 comes now: refused, and no trace of it */
	saved = s.conn;
	v = sim_track(&s, &late);
	assert_int_equal(v, OOW);
	if (KNOWN_BUG(BUG_SYNACK_POISON,
		      memcmp(&saved, &s.conn, sizeof(saved)) != 0,
		      "the late SYN-ACK's ISN stuck"))
		return;
	/* the answer to the new SYN opens, unscaled as the new SYN asked */
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	assert_int_equal(s.conn.peer[ORIG].wscale, 0);
	assert_int_equal(s.conn.peer[REPLY].wscale, 0);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	pump(&s, REPLY, 100000, ES);
}

/*
 * The originator rebooted and opens again on the same tuple with a new ISN
 * while the responder still holds the old connection: the SYN passes as
 * ACCEPT_STALE and changes nothing (anybody can send one).  The responder
 * answers with a challenge ACK (RFC 5961 4), which fits the old windows;
 * the client, knowing nothing of the old connection, resets it at the
 * acknowledged number, which closes it; its next SYN is a REOPEN.
 */
TEST(window_syn_on_established_peer_reboot)
{
	struct sim s;
	struct sim_seg syn, ch, g;
	uint32_t new_isn;

	est(&s, &rst_cfg);
	pump(&s, ORIG, 20000, ES);
	pump(&s, REPLY, 200000, ES);
	new_isn = s.e[ORIG].snd_nxt + 0x12345678u;
	syn = (struct sim_seg){ .dir = ORIG, .flags = SYN, .seq = new_isn,
				.win = 64240, .wscale_opt = true,
				.wscale = 7, .sack_perm_opt = true };
	STEP_HOLD(&s, syn, STALE, ES);
	/* in window or not, the same: RFC 5961 challenges any SYN */
	syn.seq = s.e[ORIG].snd_nxt + 10;
	STEP_HOLD(&s, syn, STALE, ES);
	sim_ack(&s, REPLY, &ch);
	STEP(&s, ch, OK, ES);
	g = (struct sim_seg){ .dir = ORIG, .flags = RST, .seq = ch.ack };
	STEP(&s, g, OK, CL);
	syn.seq = new_isn;
	STEP_HOLD(&s, syn, REOPEN, CL);
}

/*
 * The gateway still holds a connection the endpoints have both forgotten
 * (it missed the end of it) and a new one opens on the tuple: the SYN
 * passes (ACCEPT_STALE), and the responder, having no old connection,
 * answers it with a SYN-ACK, no challenge ACK.  The SYN-ACK acknowledges
 * exactly the SYN the tracker let through, so the endpoints are in sync
 * and only the tracker is not: the kernel's conntrack resynchronises from
 * the two (nf_conntrack_proto_tcp.c, "b) This SYN/ACK acknowledges a SYN
 * that we earlier ignored").  The new connection must work; otherwise it
 * is refused until the stale entry times out (5 days in ESTABLISHED).
 */
TEST(window_syn_on_stale_entry_resyncs)
{
	struct sim old, s;
	struct sim_seg g;
	enum gw_tcp_verdict v;

	est(&old, &rst_cfg);
	pump(&old, REPLY, 50000, ES);
	sim_init(&s, old.e[ORIG].snd_nxt + 0x40000000u, 0x0badf00du);
	s.conn = old.conn;
	s.tracked = true;
	STEP(&s, mk_syn(&s, ORIG), STALE, ES);
	sim_synack(&s, REPLY, &g);
	v = sim_send(&s, &g);
	if (KNOWN_BUG(BUG_STALE_SYN_RESYNC, v != OK, sim_verdict_name(v)))
		return;
	assert_int_equal(s.conn.state, SR);
	/* the new connection's windows, learnt from its SYN and SYN-ACK */
	assert_int_equal(s.conn.peer[ORIG].end, s.e[ORIG].isn + 1);
	assert_int_equal(s.conn.peer[REPLY].end, s.e[REPLY].isn + 1);
	assert_int_equal(s.conn.peer[ORIG].wscale, s.e[ORIG].wscale);
	assert_int_equal(s.conn.peer[REPLY].wscale, s.e[REPLY].wscale);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	pump(&s, ORIG, 10000, ES);
	pump(&s, REPLY, 10000, ES);
}

/*
 * The same, but a blind attacker sends the SYN on a live connection: the
 * responder answers with a challenge ACK, which ends the hold, and a
 * SYN-ACK for that SYN (forged as well, or late) is then only a late
 * SYN-ACK: it passes and moves nothing.  A SYN-ACK that does not answer
 * the held SYN exactly resynchronises nothing either.  The old connection
 * keeps its windows throughout.
 */
TEST(window_forged_syn_on_live_entry_resyncs_nothing)
{
	struct sim s;
	struct sim_seg syn, sa, g;
	struct gw_tcp_conn before;

	est(&s, &rst_cfg);
	pump(&s, REPLY, 50000, ES);
	syn = (struct sim_seg){ .dir = ORIG, .flags = SYN,
				.seq = s.e[ORIG].snd_nxt + 0x31337u,
				.win = 64240, .wscale_opt = true, .wscale = 7 };
	before = s.conn;
	STEP_HOLD(&s, syn, STALE, ES);
	/* a SYN-ACK one off the held SYN's end */
	sa = (struct sim_seg){ .dir = REPLY, .flags = SYN | ACK,
			       .seq = 0x55555555u, .ack = syn.seq + 2,
			       .win = 65535 };
	STEP_HOLD(&s, sa, STALE, ES);
	sa.ack = syn.seq;
	STEP_HOLD(&s, sa, STALE, ES);
	/* the live responder's challenge ACK */
	sim_ack(&s, REPLY, &g);
	STEP(&s, g, OK, ES);
	sa.ack = syn.seq + 1;
	STEP_HOLD(&s, sa, STALE, ES);
	/* the windows are the old connection's, moved only by its ACK */
	assert_int_equal(s.conn.peer[ORIG].end, before.peer[ORIG].end);
	assert_int_equal(s.conn.peer[ORIG].wscale, before.peer[ORIG].wscale);
	assert_int_equal(s.conn.peer[REPLY].end, before.peer[REPLY].end);
	assert_int_equal(s.conn.peer[REPLY].wscale,
			 before.peer[REPLY].wscale);
	assert_int_equal(s.conn.held_kind & GW_TCP_HELD_SYN, 0);
	pump(&s, ORIG, 10000, ES);
	pump(&s, REPLY, 10000, ES);
}

/*
 * A forged SYN-ACK (a guessed ISN, acknowledging nothing of ours) reaches
 * the gateway before the real one: it is refused and must leave no trace,
 * so that the real SYN-ACK opens the connection.  If the refused SYN-ACK
 * taught the tracker its ISN and window, one blind packet per connection
 * attempt would keep a client from ever connecting.
 */
TEST(window_forged_synack_leaves_no_trace)
{
	struct sim s;
	struct sim_seg real, forged;
	struct gw_tcp_conn saved;
	enum gw_tcp_verdict v;

	sim_init(&s, 0x01000000u, 0x02000000u);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	sim_synack(&s, REPLY, &real);
	forged = real;
	forged.seq = 0x9abcdef0u;
	forged.ack = real.ack + 100000;
	saved = s.conn;
	v = sim_track(&s, &forged);
	assert_int_equal(v, OOW);
	assert_int_equal(s.conn.state, SS);
	if (KNOWN_BUG(BUG_SYNACK_POISON,
		      memcmp(&saved, &s.conn, sizeof(saved)) != 0,
		      "the responder's side now holds the forged ISN"))
		return;
	STEP(&s, real, OK, SR);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
}

/*
 * Issue 13, item 3: a blind attacker spoofs a client, sends the SYN, and,
 * not seeing the SYN-ACK, sweeps the acknowledgement space downwards with
 * bare ACKs, one a window apart.  Only the ACK of exactly the responder's
 * ISN + 1 completes a handshake (RFC 9293: SND.UNA < SEG.ACK =< SND.NXT),
 * so a sweep that steps over it must never land; with the window checks
 * alone (66000 below the end) one guess in every sweep does, and the entry
 * stays ESTABLISHED for days, counted against the spoofed source.  The
 * server's reset then closes the handshake.
 */
TEST(window_blind_ack_sweep_never_lands)
{
	const uint32_t client_isn = 0x0a0b0c0du, server_isn = 0x9e3779b9u;
	struct sim s;
	struct sim_seg g, ack;
	uint32_t guess, i, landed = 0, first = 0;
	enum gw_tcp_verdict v;

	sim_init(&s, client_isn, server_isn);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	/* the SYN-ACK goes to the spoofed address, not to the attacker */
	sim_synack(&s, REPLY, &g);
	STEP_HOLD(&s, g, OK, SR);
	ack = (struct sim_seg){ .dir = ORIG, .flags = ACK,
				.seq = client_isn + 1, .win = 64240 };
	/* 65 100 steps of 66 000 cover 2^32; this start steps over ISN + 1 */
	guess = 0xfffffff0u;
	for (i = 0; i < 65100; i++, guess -= 66000) {
		ack.ack = guess;
		v = sim_track(&s, &ack);
		if (verdict_passes(v) && !landed++)
			first = i + 1;
	}
	if (landed)
		fail_msg("the sweep landed after %u guesses (%u passed): "
			 "state %s", first, landed,
			 gw_tcp_state_name(s.conn.state));
	assert_int_equal(s.conn.state, SR);
	/* one off either way is refused too; the exact ACK completes */
	ack.ack = server_isn;
	STEP_HOLD(&s, ack, OOW, SR);
	ack.ack = server_isn + 2;
	STEP_HOLD(&s, ack, OOW, SR);

	/* the server resets the half-open connection: the entry goes */
	g = (struct sim_seg){ .dir = REPLY, .flags = RST,
			      .seq = server_isn + 1 };
	STEP_HOLD(&s, g, CLOSE, CL);

	/* and on a fresh one the real client's ACK completes it */
	sim_init(&s, client_isn, server_isn);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	pump(&s, ORIG, 10000, ES);
}

/*
 * The same sweep the other way: a blind attacker outside forges SYN-ACKs
 * for a connection the inside opened.  Only one that acknowledges the SYN
 * exactly (or its Fast Open data) answers it.
 */
TEST(window_synack_must_ack_the_syn_exactly)
{
	struct sim s;
	struct sim_seg real, g;
	uint32_t off;

	sim_init(&s, 0x00000010u, 0x77777777u);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	sim_synack(&s, REPLY, &real);
	for (off = 1; off < 66000; off += off < 16 ? 1 : 4093) {
		g = real;
		g.ack = real.ack - off;
		STEP_HOLD(&s, g, OOW, SS);
	}
	g.ack = real.ack + 1;
	STEP_HOLD(&s, g, OOW, SS);
	STEP(&s, real, OK, SR);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);

	/* Fast Open: the SYN-ACK may acknowledge the SYN alone, or its data */
	sim_init(&s, 0xffffff00u, 0x1000);
	sim_syn_data(&s, ORIG, 300, &g);
	STEP(&s, g, OK, SS);
	sim_synack(&s, REPLY, &real);
	assert_int_equal(real.ack, 0xffffff00u + 301);
	g = real;
	g.ack = 0xffffff00u + 1;
	STEP_HOLD(&s, g, OK, SR);
	g = (struct sim_seg){ .dir = ORIG, .flags = ACK, .seq = real.ack,
			      .ack = 0x1000 + 1, .win = 64240 };
	STEP_HOLD(&s, g, OK, ES);
}

/*
 * Fast Open from the responder: it sends data right after its SYN-ACK and
 * the client's ACK of the SYN-ACK alone crosses it.  That ACK, and any of
 * the data, completes the handshake; one below the responder's ISN + 1 or
 * beyond its data does not.
 */
TEST(window_final_ack_between_isn_and_data)
{
	struct sim s;
	struct sim_seg g, a;
	uint32_t isn = 0xfffffff0u;

	sim_init(&s, 5, isn);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	sim_data(&s, REPLY, 1000, &g);
	STEP_HOLD(&s, g, OK, SR);
	a = (struct sim_seg){ .dir = ORIG, .flags = ACK, .seq = 6,
			      .ack = isn, .win = 64240 };
	STEP_HOLD(&s, a, OOW, SR);
	a.ack = isn + 1 + 1001;
	STEP_HOLD(&s, a, OOW, SR);
	a.ack = isn + 1 + 500;
	STEP_HOLD(&s, a, OK, ES);

	sim_init(&s, 5, isn);
	STEP(&s, mk_syn(&s, ORIG), OK, SS);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	sim_data(&s, REPLY, 1000, &g);
	STEP_HOLD(&s, g, OK, SR);
	a.ack = isn + 1;
	STEP_HOLD(&s, a, OK, ES);
}

/*
 * A responder with no socket for the connection (it crashed, or forgot
 * it) answers the originator's next segment with a reset at that
 * segment's ACK (RFC 9293 3.10.7.1), which lags its own end when it had
 * sent more than was acknowledged.  A reset at exactly the highest ACK the
 * originator sent closes the entry, as conntrack's td_maxack test does;
 * one at any other number below the end is only challenged (RFC 5961).
 */
TEST(window_rst_at_highest_ack_closes)
{
	struct sim s;
	struct sim_seg d1, d2, a, r;
	uint32_t acked;

	est(&s, &rst_cfg);
	pump(&s, ORIG, 5000, ES);
	sim_data(&s, REPLY, 1000, &d1);
	STEP(&s, d1, OK, ES);
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	acked = s.e[ORIG].rcv_nxt;
	/* more data the originator never gets to acknowledge */
	sim_data(&s, REPLY, 1000, &d2);
	STEP_HOLD(&s, d2, OK, ES);
	/* the originator's next segment: its ACK is still @acked */
	sim_data(&s, ORIG, 100, &a);
	assert_int_equal(a.ack, acked);
	STEP(&s, a, OK, ES);
	/* an older ACK value, or one in between: not it */
	r = (struct sim_seg){ .dir = REPLY, .flags = RST, .seq = acked - 1 };
	STEP_HOLD(&s, r, STALE, ES);
	r.seq = acked + 1;
	STEP_HOLD(&s, r, STALE, ES);
	r.seq = acked;
	STEP_HOLD(&s, r, OK, CL);
}

/*
 * TCP Fast Open (RFC 7413): data on the SYN, and the responder's answer
 * right after its SYN-ACK, before the final ACK, within the window the
 * SYN offered (its window is never scaled).  Every segment of it is
 * legitimate; the client's ACK then establishes the connection.
 */
TEST(window_fast_open_data_before_final_ack)
{
	struct sim s;
	struct sim_seg g;
	unsigned int i;
	enum gw_tcp_verdict v = OK;

	sim_init(&s, 0xffffff80u, 0x4000);
	sim_offer_wscale(&s, ORIG, 7);
	sim_offer_wscale(&s, REPLY, 7);
	sim_syn_data(&s, ORIG, 200, &g);
	STEP(&s, g, OK, SS);
	STEP(&s, mk_synack(&s, REPLY), OK, SR);
	assert_int_equal(s.e[REPLY].rcv_nxt, 0xffffff80u + 201);
	for (i = 0; i < 10 && v == OK; i++) {
		sim_data(&s, REPLY, MSS, &g);
		v = sim_send(&s, &g);
	}
	if (KNOWN_BUG(BUG_TFO_REPLY_DATA, v != OK, sim_seg_str(&s, &g)))
		return;
	STEP(&s, mk_ack(&s, ORIG), OK, ES);
	pump(&s, REPLY, 100000, ES);
}

/* ---- mid-stream pickup (tcp_pickup=loose) ---------------------------------- */

/*
 * A connection the gateway did not see open (module loaded, or table
 * flushed, under it) is adopted from a segment its inside end sends: an
 * ACK (with or without data) or a FIN.  A SYN opens normally and never
 * comes here; an RST or a flagless segment belongs to no live connection.
 */
TEST(window_pickup_what_qualifies)
{
	static const struct {
		uint8_t flags;
		uint32_t len;
		bool ok;
		uint8_t state;
	} cases[] = {
		{ ACK, 0, true, ES }, { ACK | PSH, 500, true, ES },
		{ ACK | URG, 1, true, ES }, { FIN | ACK, 0, true, FW },
		{ FIN | ACK | PSH, 100, true, FW },
		{ SYN, 0, false, 0 }, { SYN | ACK, 0, false, 0 },
		{ RST, 0, false, 0 }, { RST | ACK, 0, false, 0 },
		{ URG, 0, false, 0 }, { PSH, 0, false, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct conn_cfg c = { "pickup", 0xfffffff0u, 7, 7, 7,
					    1u << 20, 1u << 20, true, 0 };
		struct sim s;
		struct sim_seg g;

		est(&s, &c);
		pump(&s, REPLY, 20000, ES);
		sim_ack(&s, ORIG, &g);
		g.flags = cases[i].flags;
		g.len = cases[i].len;
		if (sim_pickup(&s, &g) != cases[i].ok)
			fail_msg("pickup from %s: %d", sim_seg_str(&s, &g),
				 !cases[i].ok);
		if (!cases[i].ok)
			continue;
		assert_int_equal(s.conn.state, cases[i].state);
		assert_int_equal(s.conn.flags, GW_TCP_CONN_PICKED_UP);
		assert_int_equal(s.conn.seen_reply, 0);
		assert_true(s.conn.peer[ORIG].flags & GW_TCP_PEER_LIBERAL);
		assert_true(s.conn.peer[REPLY].flags & GW_TCP_PEER_LIBERAL);
		assert_int_equal(s.conn.peer[ORIG].end, g.seq + g.len +
				 !!(g.flags & FIN));
		/* what it acknowledges is what the other side has sent */
		assert_int_equal(s.conn.peer[REPLY].end, g.ack);
	}
}

/*
 * The window scale of a picked-up connection was agreed in a handshake
 * nobody saw, so its windows are not judged, for its whole life (tcp.c,
 * gw_tcp_pickup()).  A download at scale 7 with 1 MiB windows, picked up
 * from the client's ACK: the client's data before any reply, the server's
 * ACK of it, and 2 MB more at the scaled window all pass; so does a
 * segment from the outside no window would admit (the price of not
 * knowing the scale), after the first reply too.
 */
TEST(window_pickup_follows_a_scaled_connection)
{
	const struct conn_cfg c = { "pickup", 0xffff0000u, 0x7fffff00u, 7, 7,
				    1u << 20, 1u << 20, true, 0 };
	struct sim s;
	struct sim_seg g;
	unsigned int i;

	est(&s, &c);
	pump(&s, REPLY, 300000, ES);
	sim_ack(&s, ORIG, &g);
	assert_true(sim_pickup(&s, &g));
	sim_deliver(&s, &g);
	for (i = 0; i < 3; i++)
		STEP(&s, mk_data(&s, ORIG, 1000), OK, ES);
	/* what "gwctl conn list -v" shows follows the inside's data */
	assert_int_equal(s.conn.peer[ORIG].end, s.e[ORIG].snd_nxt);
	STEP(&s, mk_ack(&s, REPLY), OK, ES);
	assert_int_equal(s.conn.seen_reply, 1);
	pump(&s, REPLY, 2000000, ES);
	pump(&s, ORIG, 200000, ES);
	g = (struct sim_seg){ .dir = REPLY, .flags = ACK | PSH,
			      .seq = s.e[REPLY].snd_nxt + 0x20000000u,
			      .ack = s.e[REPLY].rcv_nxt, .win = 100,
			      .len = 10 };
	STEP_HOLD(&s, g, OK, ES);
	pump(&s, REPLY, 100000, ES);
}

/* Its states are judged as ever. */
TEST(window_pickup_states_still_judged)
{
	const struct conn_cfg c = { "pickup", 1, 2, -1, -1, 0, 0, false,
				    AF_INET6 };
	struct sim s;
	struct sim_seg g;

	est(&s, &c);
	pump(&s, ORIG, 5000, ES);
	sim_data(&s, ORIG, 100, &g);
	assert_true(sim_pickup(&s, &g));
	sim_deliver(&s, &g);
	STEP(&s, mk_syn(&s, REPLY), BAD, ES);
	STEP(&s, mk_synack(&s, ORIG), BAD, ES);
	STEP(&s, mk_synack(&s, REPLY), STALE, ES);
	STEP(&s, mk_fin(&s, ORIG), OK, FW);
	STEP(&s, mk_ack(&s, REPLY), OK, CW);
	STEP(&s, mk_fin(&s, REPLY), OK, LA);
	STEP(&s, mk_ack(&s, ORIG), OK, TW);
	STEP_HOLD(&s, mk_syn(&s, ORIG), REOPEN, TW);
}

/* ---- segments longer than 64 KiB ------------------------------------------- */

/*
 * GRO hands the hook one segment of up to several hundred KiB ("BIG TCP":
 * IPv6 payload length 0, the real length from the skb), and gw_parse()
 * accepts it.  Its end must be its whole length: otherwise the tracker
 * thinks the sender has sent less than it has and refuses the receiver's
 * ACK of all of it as an ACK of unseen data.
 */
TEST(window_big_tcp_segment_end)
{
	const struct conn_cfg c = { "big", 0xfff00000u, 0xffff0000u, 7, 7,
				    8u << 20, 8u << 20, true, AF_INET6 };
	const uint32_t plen = 100000, len = 40 + 20 + plen;
	struct sim s;
	struct sim_seg g;
	struct gw_pkt pkt;
	enum gw_tcp_verdict v;
	uint8_t *b;

	est(&s, &c);
	pump(&s, REPLY, 50000, ES);
	sim_data(&s, REPLY, plen, &g);
	b = calloc(1, len);
	assert_non_null(b);
	b[0] = 0x60;
	b[6] = IPPROTO_TCP;
	b[7] = 64;
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:2::20", b + 8), 1);
	assert_int_equal(inet_pton(AF_INET6, "2001:db8:1::10", b + 24), 1);
	b[40] = 443 >> 8;
	b[41] = 443 & 0xff;
	b[42] = 40000 >> 8;
	b[43] = 40000 & 0xff;
	b[44] = (uint8_t)(g.seq >> 24);
	b[45] = (uint8_t)(g.seq >> 16);
	b[46] = (uint8_t)(g.seq >> 8);
	b[47] = (uint8_t)g.seq;
	b[48] = (uint8_t)(g.ack >> 24);
	b[49] = (uint8_t)(g.ack >> 16);
	b[50] = (uint8_t)(g.ack >> 8);
	b[51] = (uint8_t)g.ack;
	b[52] = 5 << 4;
	b[53] = ACK | PSH;
	b[54] = (uint8_t)(g.win >> 8);
	b[55] = (uint8_t)g.win;
	assert_int_equal(gw_test_parse(&pkt, AF_INET6, b, len), GW_PARSE_OK);
	free(b);
	assert_int_equal(pkt.seq, g.seq);
	assert_int_equal(gw_tcp_track(&s.conn, &pkt, REPLY), OK);
	sim_deliver(&s, &g);
	sim_ack(&s, ORIG, &g);
	assert_int_equal(g.ack, s.e[REPLY].snd_nxt);
	v = sim_send(&s, &g);
	if (KNOWN_BUG(BUG_GSO_PAYLOAD_LEN, v != OK, sim_verdict_name(v)))
		return;
	pump(&s, REPLY, 10000, ES);
}

/* ---- a long transfer through loss and reordering --------------------------- */

/*
 * A download from the responder with the originator answering, through a
 * network that loses segments on either side of the gateway, reorders them
 * (on either side) and delays them; the responder retransmits on duplicate
 * ACKs (NewReno partial ACKs, or the SACKed holes), and on a timeout; the
 * originator's application stalls now and then, closing its window, which
 * the responder probes (Linux and BSD style); the originator sends small
 * requests and keep-alives.  Every segment any endpoint sends is one a
 * correct TCP may send, so the gateway must refuse none of them; STALE is
 * allowed (old retransmissions), and counted.  Deterministic: the PRNG is
 * seeded from the configuration.
 *
 * The flow must also stay in the table: it never leaves ESTABLISHED (the
 * only state whose timeout a transfer this long cannot outlast), and it is
 * stamped as the module stamps it (gw_tcp_step(): ACCEPT stamps it with
 * the packet's tick, STALE does not) on a 32-bit clock that wraps
 * mid-transfer, while a collector reads that clock every BULK_GC_PERIOD
 * ticks and judges the flow's age with it up to 3 ticks later, as the
 * module's collector judges a bucket with the clock it read when its
 * slice began: the flow must never look expired to it.
 */
struct bulk_cfg {
	const char *name;
	uint64_t seed;
	struct conn_cfg conn;
	unsigned long segments;		/* new data segments to send */
	unsigned int loss_before;	/* per 10000, before the gateway */
	unsigned int loss_after;	/* per 10000, after it */
	unsigned int reorder;		/* per 10000: delayed 1 to 3 ticks */
	bool wire;			/* through bytes and gw_parse() */
	uint32_t seg_max;		/* new data a segment (GSO); 0: MSS */
	uint32_t cwnd;			/* bytes in flight; 0: BULK_CWND */
};

struct flight {
	struct sim_seg seg;
	unsigned long due;
	unsigned long id;
	bool past;			/* the gateway has seen it */
};

#define BULK_MAX_FLIGHT	4096
#define BULK_CWND	(48 * MSS)
#define BULK_DELAY	2		/* ticks per link */
#define BULK_RTO	40
/* The flow's clock starts this far before its wrap. */
#define BULK_CLOCK_BASE	0xffffe000u
/* The collector's period, in ticks; it judges the flow 0 to 3 ticks later. */
#define BULK_GC_PERIOD	250
/* tcp_established's default (5 days) at HZ 250 */
#define BULK_ESTABLISHED_TICKS	(5U * 24 * 3600 * 250)

struct bulk {
	struct sim *s;
	const struct bulk_cfg *cfg;
	struct flight q[BULK_MAX_FLIGHT];
	unsigned int nq;
	unsigned long now, next_id;
	/* what happened */
	unsigned long shown, stale, refused, lost, reordered, data, retx;
	unsigned long probes, keepalives, sacks, requests, stalls;
	char refusal[3][640];
	/* the responder's sender */
	uint32_t last_una;
	unsigned long last_progress, last_probe;
	unsigned int dupacks;
	bool recovering;
	uint32_t recover;
	uint32_t high_rxt;		/* retransmitted up to here */
	bool bsd_probe;
	unsigned long orig_progress;	/* the originator's own timer */
	uint32_t orig_una;
	/* the originator's receiver */
	unsigned int unacked;
	unsigned long ack_due, stall_until;
	/* the flow's stamp, as the module keeps it, and its collector */
	uint32_t stamp;
	unsigned long stamped, max_unstamped;
	unsigned long not_established;
	bool gc_running;
	uint32_t gc_clock;
	unsigned long gc_due, gc_runs, gc_expired;
	char gc_what[200];
};

/* The flow's 32-bit clock at the current tick. */
static uint32_t bulk_clock(const struct bulk *b)
{
	return (uint32_t)(b->now + BULK_CLOCK_BASE);
}

static uint32_t bulk_rand(struct bulk *b, uint32_t n)
{
	return sim_rand_below(b->s, n);
}

static void bulk_enqueue(struct bulk *b, const struct sim_seg *seg, bool past)
{
	struct flight *f;
	unsigned long delay = BULK_DELAY;

	if (b->nq == BULK_MAX_FLIGHT)
		fail_msg("%s: more than %u segments in flight", b->cfg->name,
			 BULK_MAX_FLIGHT);
	if (bulk_rand(b, 10000) < b->cfg->reorder) {
		delay += 1 + bulk_rand(b, 3);
		b->reordered++;
	}
	f = &b->q[b->nq++];
	f->seg = *seg;
	f->due = b->now + delay;
	f->id = b->next_id++;
	f->past = past;
}

/* A segment leaves its sender. */
static void bulk_emit(struct bulk *b, const struct sim_seg *seg)
{
	if (seg->nsack)
		b->sacks++;
	if (bulk_rand(b, 10000) < b->cfg->loss_before) {
		b->lost++;
		return;
	}
	bulk_enqueue(b, seg, false);
}

static void bulk_at_gateway(struct bulk *b, const struct sim_seg *seg)
{
	enum gw_tcp_verdict v = sim_track(b->s, seg);

	b->shown++;
	if (v == STALE)
		b->stale++;
	if (v == OK) {
		/* gw_tcp_step(): only what proves the connection alive */
		if (b->now - b->stamped > b->max_unstamped)
			b->max_unstamped = b->now - b->stamped;
		b->stamp = bulk_clock(b);
		b->stamped = b->now;
	}
	if (b->s->conn.state != ES)
		b->not_established++;
	if (v != OK && v != STALE) {
		if (b->refused < ARRAY_SIZE(b->refusal))
			snprintf(b->refusal[b->refused],
				 sizeof(b->refusal[0]),
				 "tick %lu: %s: %s\n      %s", b->now,
				 sim_verdict_name(v), sim_seg_str(b->s, seg),
				 sim_conn_str(b->s));
		b->refused++;
		return;
	}
	if (bulk_rand(b, 10000) < b->cfg->loss_after) {
		b->lost++;
		return;
	}
	bulk_enqueue(b, seg, true);
}

static void bulk_send_ack(struct bulk *b, enum gw_dir d)
{
	struct sim_seg g;

	sim_ack(b->s, d, &g);
	bulk_emit(b, &g);
	if (d == ORIG) {
		b->unacked = 0;
		b->ack_due = 0;
	}
}

/* The responder retransmits the first hole (or what @seq starts). */
static void bulk_retransmit(struct bulk *b, uint32_t seq)
{
	struct sim *s = b->s;
	struct sim_end *e = &s->e[REPLY];
	uint32_t end = e->snd_nxt, len;
	unsigned int i;
	struct sim_seg g;

	/* once per hole per recovery */
	if (b->recovering && sim_before(seq, b->high_rxt))
		seq = b->high_rxt;
	/* with SACK, skip what the peer holds and stop at the next block */
	for (i = 0; i < e->nsacked; i++)
		if (!sim_before(seq, e->sacked[i].left) &&
		    sim_before(seq, e->sacked[i].right))
			seq = e->sacked[i].right;
	for (i = 0; i < e->nsacked; i++)
		if (sim_after(e->sacked[i].left, seq) &&
		    sim_before(e->sacked[i].left, end))
			end = e->sacked[i].left;
	len = end - seq < MSS ? end - seq : MSS;
	if (!len || !sim_before(seq, e->snd_nxt))
		return;
	sim_retx(s, REPLY, seq, len, &g);
	bulk_emit(b, &g);
	b->retx++;
	b->high_rxt = seq + len;
}

/* @seg reaches the endpoint it was sent to. */
static void bulk_arrive(struct bulk *b, const struct sim_seg *seg)
{
	struct sim *s = b->s;
	enum gw_dir to = !seg->dir;
	uint32_t rcv_before = s->e[to].rcv_nxt;
	bool news = seg->len || (seg->flags & FIN);

	sim_deliver(s, seg);
	if (to == ORIG) {
		bool advanced = s->e[ORIG].rcv_nxt != rcv_before;

		if (sim_before(seg->seq, rcv_before) && !seg->len) {
			bulk_send_ack(b, ORIG);	/* keep-alive or probe */
		} else if (news) {
			if (!advanced || s->e[ORIG].nooo ||
			    ++b->unacked >= 2)
				bulk_send_ack(b, ORIG);
			else if (!b->ack_due)
				b->ack_due = b->now + 3;
		}
		return;
	}

	/* the responder: data or a keep-alive from the client is ACKed */
	if (news || sim_before(seg->seq, rcv_before))
		bulk_send_ack(b, REPLY);
	if (!(seg->flags & ACK))
		return;
	if (sim_after(s->e[REPLY].snd_una, b->last_una)) {
		b->last_una = s->e[REPLY].snd_una;
		b->last_progress = b->now;
		b->dupacks = 0;
		if (b->recovering && sim_before(b->last_una, b->recover))
			bulk_retransmit(b, b->last_una);	/* partial ACK */
		else
			b->recovering = false;
	} else if (!seg->len && s->e[REPLY].snd_una != s->e[REPLY].snd_nxt &&
		   ++b->dupacks >= 3) {
		if (!b->recovering) {
			b->recovering = true;
			b->recover = s->e[REPLY].snd_nxt;
			b->high_rxt = b->last_una;
			bulk_retransmit(b, b->last_una);
		} else if (seg->nsack) {
			/* the next hole below the highest SACKed byte */
			struct sim_end *e = &s->e[REPLY];
			uint32_t fack = e->snd_una;
			unsigned int i;

			for (i = 0; i < e->nsacked; i++)
				if (sim_after(e->sacked[i].right, fack))
					fack = e->sacked[i].right;
			if (sim_before(b->high_rxt, fack))
				bulk_retransmit(b, b->high_rxt);
		}
	}
}

static int flight_cmp(const void *x, const void *y)
{
	const struct flight *a = x, *c = y;

	if (a->due != c->due)
		return a->due < c->due ? -1 : 1;
	return a->id < c->id ? -1 : a->id > c->id;
}

static void bulk_network(struct bulk *b)
{
	struct flight due[BULK_MAX_FLIGHT];
	unsigned int i, n = 0, keep = 0;

	for (i = 0; i < b->nq; i++) {
		if (b->q[i].due <= b->now)
			due[n++] = b->q[i];
		else
			b->q[keep++] = b->q[i];
	}
	b->nq = keep;
	qsort(due, n, sizeof(due[0]), flight_cmp);
	for (i = 0; i < n; i++) {
		if (due[i].past)
			bulk_arrive(b, &due[i].seg);
		else
			bulk_at_gateway(b, &due[i].seg);
	}
}

/* The originator's application, delayed ACKs, requests, keep-alives. */
static void bulk_originator(struct bulk *b)
{
	struct sim *s = b->s;
	struct sim_end *e = &s->e[ORIG];
	struct sim_seg g;

	if (b->now >= b->stall_until) {
		uint32_t open_before = e->rcv_right - e->rcv_nxt;

		if (bulk_rand(b, 3000) == 0) {
			b->stall_until = b->now + 40 + bulk_rand(b, 160);
			b->stalls++;
		} else {
			sim_read(s, ORIG, 64 * 1024);
			/* a window update once it has room again */
			if (open_before < e->rcv_buf / 4 && !e->rcv_unread)
				bulk_send_ack(b, ORIG);
		}
	}
	if (b->ack_due && b->now >= b->ack_due)
		bulk_send_ack(b, ORIG);
	/* its own requests, retransmitted on a timeout */
	if (e->snd_una != b->orig_una) {
		b->orig_una = e->snd_una;
		b->orig_progress = b->now;
	}
	if (e->snd_una != e->snd_nxt &&
	    b->now - b->orig_progress > BULK_RTO) {
		uint32_t len = e->snd_nxt - e->snd_una;

		sim_retx(s, ORIG, e->snd_una, len < MSS ? len : MSS, &g);
		bulk_emit(b, &g);
		b->orig_progress = b->now;
		b->retx++;
	}
	if (bulk_rand(b, 500) == 0 && sim_send_room(s, ORIG) >= 300) {
		sim_data(s, ORIG, 1 + bulk_rand(b, 300), &g);
		bulk_emit(b, &g);
		b->requests++;
		b->ack_due = 0;
		b->unacked = 0;
	}
	if (bulk_rand(b, 2000) == 0 && e->snd_una == e->snd_nxt) {
		sim_keepalive(s, ORIG, bulk_rand(b, 2), &g);
		bulk_emit(b, &g);
		b->keepalives++;
	}
}

static void bulk_responder(struct bulk *b)
{
	uint32_t cwnd = b->cfg->cwnd ? b->cfg->cwnd : BULK_CWND;
	uint32_t seg = b->cfg->seg_max ? b->cfg->seg_max : MSS;
	struct sim *s = b->s;
	struct sim_end *e = &s->e[REPLY];
	struct sim_seg g;
	unsigned int burst;

	for (burst = 0; burst < 8 && b->data < b->cfg->segments; burst++) {
		uint32_t room = sim_send_room(s, REPLY);

		if (!room || e->snd_nxt - e->snd_una >= cwnd)
			break;
		sim_data(s, REPLY, room < seg ? room : seg, &g);
		bulk_emit(b, &g);
		b->data++;
	}
	if (e->snd_una != e->snd_nxt && b->now - b->last_progress > BULK_RTO) {
		b->last_progress = b->now;
		b->recovering = true;
		b->recover = e->snd_nxt;
		b->high_rxt = e->snd_una;
		bulk_retransmit(b, e->snd_una);
	}
	/* the peer's window is shut with everything acknowledged: persist */
	if (!sim_send_room(s, REPLY) && e->snd_una == e->snd_nxt &&
	    b->data < b->cfg->segments && b->now - b->last_probe > 20) {
		if (b->bsd_probe)
			sim_data(s, REPLY, 1, &g);
		else
			sim_zwp(s, REPLY, &g);
		b->bsd_probe = !b->bsd_probe;
		bulk_emit(b, &g);
		b->probes++;
		b->last_probe = b->now;
	}
}

/*
 * The collector: every BULK_GC_PERIOD ticks it reads the clock, and it
 * reaches the flow's bucket 0 to 3 ticks later (no PRNG: the transfer's
 * losses stay what they were), after that tick's segments.
 */
static void bulk_collector_start(struct bulk *b)
{
	if (b->gc_running || b->now % BULK_GC_PERIOD)
		return;
	b->gc_running = true;
	b->gc_clock = bulk_clock(b);
	b->gc_due = b->now + b->now / BULK_GC_PERIOD % 4;
}

static void bulk_collector_judge(struct bulk *b)
{
	if (!b->gc_running || b->now < b->gc_due)
		return;
	b->gc_running = false;
	b->gc_runs++;
	if (!gw_ticks_expired(b->gc_clock, b->stamp, BULK_ESTABLISHED_TICKS))
		return;
	if (!b->gc_expired++)
		snprintf(b->gc_what, sizeof(b->gc_what),
			 "%s: tick %lu: the collector's clock %#x finds the "
			 "flow stamped at %#x expired (%u ticks old)",
			 b->cfg->name, b->now, b->gc_clock, b->stamp,
			 gw_ticks_since(b->gc_clock, b->stamp));
}

/* False when the test stops there, on an open known bug. */
static bool bulk_run(const struct bulk_cfg *cfg)
{
	struct bulk *b = calloc(1, sizeof(*b));
	struct sim *s = calloc(1, sizeof(*s));
	unsigned long limit, refused, not_established, gc_expired;
	bool unfinished, exercised;
	char gc_what[sizeof(b->gc_what)];
	unsigned int i;

	assert_non_null(b);
	assert_non_null(s);
	b->s = s;
	b->cfg = cfg;
	est(s, &cfg->conn);
	s->wire = cfg->wire;
	s->rng ^= cfg->seed;
	b->last_una = s->e[REPLY].snd_una;
	/* the handshake's ACK stamped the flow */
	b->stamp = bulk_clock(b);
	limit = cfg->segments * 20 + 100000;
	for (b->now = 1; b->now < limit; b->now++) {
		bulk_collector_start(b);
		bulk_network(b);
		bulk_originator(b);
		bulk_responder(b);
		bulk_collector_judge(b);
		if (b->data >= cfg->segments && !b->nq &&
		    s->e[REPLY].snd_una == s->e[REPLY].snd_nxt &&
		    s->e[ORIG].snd_una == s->e[ORIG].snd_nxt)
			break;
	}
	print_message("[  BULK    ] %s: %lu segments through the gateway, "
		      "%lu data, %lu retransmitted, %lu lost, %lu reordered, "
		      "%lu with SACK, %lu stale, %lu probes, %lu keep-alives, "
		      "%lu requests, %lu stalls, %lu ticks, at most %lu "
		      "unstamped, %lu collector runs\n", cfg->name,
		      b->shown, b->data, b->retx, b->lost, b->reordered,
		      b->sacks, b->stale, b->probes, b->keepalives,
		      b->requests, b->stalls, b->now, b->max_unstamped,
		      b->gc_runs);
	for (i = 0; i < b->refused && i < ARRAY_SIZE(b->refusal); i++)
		print_error("    %s\n", b->refusal[i]);
	refused = b->refused;
	not_established = b->not_established;
	gc_expired = b->gc_expired;
	memcpy(gc_what, b->gc_what, sizeof(gc_what));
	unfinished = b->now >= limit;
	exercised = b->data >= cfg->segments &&
		    (!(cfg->loss_before || cfg->loss_after) || b->retx) &&
		    (!(cfg->conn.sack && cfg->loss_after) || b->sacks);
	free(b);
	if (refused || unfinished || !exercised) {
		free(s);
		fail_msg("%s: %lu legitimate segments refused%s%s", cfg->name,
			 refused, unfinished ? ", never finished" : "",
			 exercised ? "" : ", did not exercise loss or SACK");
	}
	assert_int_equal(s->conn.state, ES);
	if (not_established) {
		free(s);
		fail_msg("%s: %lu segments left the flow out of ESTABLISHED",
			 cfg->name, not_established);
	}
	if (KNOWN_BUG(BUG_STAMP_AFTER_NOW, gc_expired != 0, gc_what)) {
		free(s);
		return false;
	}
	assert_view_sack(s, ORIG);
	assert_view_sack(s, REPLY);
	/* and it closes cleanly */
	s->wire = true;
	STEP(s, mk_fin(s, REPLY), OK, FW);
	STEP(s, mk_ack(s, ORIG), OK, CW);
	STEP(s, mk_fin(s, ORIG), OK, LA);
	STEP(s, mk_ack(s, REPLY), OK, TW);
	free(s);
	return true;
}

static const struct bulk_cfg bulk_cfgs[] = {
	{ "100000 segments, scale 7, SACK, 1% loss each side, 2% reordered",
	  1, { "bulk", 0xffc00000u, 0x12345678u, 7, 7, 1u << 20, 256u << 10,
	       true, 0 }, 100000, 100, 100, 200, true, 0, 0 },
	{ "no scaling, no SACK, IPv6, wrapping, 2% loss",
	  2, { "bulk", 0xfffe0000u, 0xffff0000u, -1, -1, 0, 0, false,
	       AF_INET6 }, 15000, 200, 200, 300, true, 0, 0 },
	{ "scale 14, SACK, 64 MiB windows, 0.5% loss",
	  3, { "bulk", 0x7ffffff0u, 0xfffffff0u, 14, 14, 64u << 20,
	       64u << 20, true, 0 }, 15000, 50, 50, 500, true, 0, 0 },
	{ "scale 0 offered, SACK, small buffer (many zero windows)",
	  4, { "bulk", 42, 0xfff00000u, 0, 0, 16384, 65535, true, 0 },
	  15000, 100, 100, 200, true, 0, 0 },
	/* tcp_window_bulk's IPv4 run: the gateway sees GSO super-segments */
	{ "64 KiB GSO segments, scale 7, SACK, 6 MiB buffer, 1% loss, "
	  "1% reordered",
	  5, { "bulk", 0x9abcdef0u, 0xfffff000u, 7, 7, 6u << 20, 256u << 10,
	       true, 0 }, 4000, 100, 100, 100, true, 44 * MSS, 512 * MSS },
};

TEST(window_bulk_transfer_refuses_nothing)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bulk_cfgs); i++)
		if (!bulk_run(&bulk_cfgs[i]))
			return;
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(window_bounds_at_their_edges),
	cmocka_unit_test(window_state_follows_the_connection),
	cmocka_unit_test(window_scaling_only_when_both_offer),
	cmocka_unit_test(window_syn_windows_unscaled),
	cmocka_unit_test(window_scale_above_14_is_14),
	cmocka_unit_test(window_sack_blocks_within_what_was_sent),
	cmocka_unit_test(window_sack_blocks_beyond_what_was_sent),
	cmocka_unit_test(window_keepalive_passes),
	cmocka_unit_test(window_zero_window_probe),
	cmocka_unit_test(window_retransmission_of_acked_data),
	cmocka_unit_test(window_simultaneous_open),
	cmocka_unit_test(window_time_wait_reopen),
	cmocka_unit_test(window_blind_rst_refused),
	cmocka_unit_test(window_exact_rst_closes),
	cmocka_unit_test(window_rst_in_window_not_exact),
	cmocka_unit_test(window_rst_answering_syn),
	cmocka_unit_test(window_originator_rst_before_reply),
	cmocka_unit_test(window_syn_retransmitted_in_syn_sent),
	cmocka_unit_test(window_syn_new_isn_in_syn_sent),
	cmocka_unit_test(window_syn_on_established_peer_reboot),
	cmocka_unit_test(window_syn_on_stale_entry_resyncs),
	cmocka_unit_test(window_forged_syn_on_live_entry_resyncs_nothing),
	cmocka_unit_test(window_blind_ack_sweep_never_lands),
	cmocka_unit_test(window_synack_must_ack_the_syn_exactly),
	cmocka_unit_test(window_final_ack_between_isn_and_data),
	cmocka_unit_test(window_rst_at_highest_ack_closes),
	cmocka_unit_test(window_forged_synack_leaves_no_trace),
	cmocka_unit_test(window_fast_open_data_before_final_ack),
	cmocka_unit_test(window_pickup_what_qualifies),
	cmocka_unit_test(window_pickup_follows_a_scaled_connection),
	cmocka_unit_test(window_pickup_states_still_judged),
	cmocka_unit_test(window_big_tcp_segment_end),
	cmocka_unit_test(window_bulk_transfer_refuses_nothing),
};

GW_UNIT_MAIN(tests)
