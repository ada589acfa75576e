// SPDX-License-Identifier: GPL-2.0
/*
 * The SYN proxy's connection through the real tracker, as the module runs
 * it (kmod/tcp_track.c): the client's SYN answered with a cookie, its ACK
 * checked, the tracker started from the SYN the proxy sends the server,
 * the server's SYN-ACK and the proxy's ACK stepped, then a bulk transfer
 * each way with the client's segments translated into the server's space
 * before they are judged (gw_proxy_to_server()).  Every segment must be
 * accepted, across the 2^32 wrap of either ISN, with SACK blocks and with
 * the server's window shift above, equal to or below the client's.
 */
#include "unit.h"
#include "proxy.h"
#include "tcp.h"

#define MSS		1448

struct proxy_case {
	u32 client_isn;
	u32 cookie_hash;	/* stands in for the keyed hashes */
	u32 server_isn;
	u8 client_shift;
	u8 server_shift;
};

/* The window field that says @bytes at @shift, as a sender fills it. */
static u16 field(u32 bytes, u8 shift)
{
	u32 f = bytes >> shift;

	return f > 0xffff ? 0xffff : (u16)f;
}

static void fill_hash(struct gw_cookie_hash *h, u32 seed)
{
	h->tuple = (u64)seed * 0x9e3779b97f4a7c15ULL;
	h->cur = seed ^ 0x5bd1e995U;
	h->prev = seed ^ 0x1b873593U;
}

static void base_pkt(struct gw_pkt *p, bool from_client)
{
	memset(p, 0, sizeof(*p));
	p->family = AF_INET;
	p->proto = IPPROTO_TCP;
	p->saddr.ip = from_client ? 0x020071cbU : 0x020000c0U;
	p->daddr.ip = from_client ? 0x020000c0U : 0x020071cbU;
	p->sport = from_client ? 40000 : 80;
	p->dport = from_client ? 80 : 40000;
}

static void run_case(const struct proxy_case *c)
{
	struct gw_cookie_opts opts, back;
	struct gw_pkt syn, ack, srv_syn, srv_synack, srv_ack, p;
	struct gw_cookie_hash h;
	struct gw_tcp_conn conn;
	struct gw_seqadj adj;
	u32 cookie, tsval = 0, cnxt, snxt, sent, i;

	fill_hash(&h, c->cookie_hash);
	/* the client's SYN */
	base_pkt(&syn, true);
	syn.seq = c->client_isn;
	syn.tcp_flags = GW_TCP_SYN;
	syn.window = 64240;
	syn.tcp_opts = GW_TCPOPT_MSS | GW_TCPOPT_WSCALE_SEEN |
		       GW_TCPOPT_SACK_PERM | GW_TCPOPT_TS;
	syn.mss = 1460;
	syn.wscale = c->client_shift;
	syn.tsval = 1000;
	opts = (struct gw_cookie_opts){ .mss = 1460, .wscale_ok = true,
					.wscale = c->client_shift,
					.sack_ok = true, .ts_ok = true };
	cookie = gw_cookie_make(AF_INET, syn.seq, 7, &h, &opts, 5000000,
				&tsval);

	/* its ACK of our SYN-ACK (window 0, TSval tsval) */
	base_pkt(&ack, true);
	ack.seq = c->client_isn + 1;
	ack.ack_seq = cookie + 1;
	ack.tcp_flags = GW_TCP_ACK;
	ack.window = 502;
	ack.tcp_opts = GW_TCPOPT_TS;
	ack.tsval = 1001;
	ack.tsecr = tsval;
	assert_int_equal(gw_cookie_check(AF_INET, ack.ack_seq - 1,
					 ack.seq - 1, 7, &h, &ack.tsecr,
					 &back), GW_COOKIE_OK);
	assert_true(back.wscale_ok && back.sack_ok && back.ts_ok);
	assert_int_equal(back.wscale, c->client_shift);

	/* the proxy's SYN to the server starts the tracker */
	gw_proxy_server_syn(&ack, ack.seq - 1, &back, &srv_syn);
	assert_int_equal(srv_syn.seq, c->client_isn);
	assert_int_equal(srv_syn.tsval, 1001);
	assert_int_equal(srv_syn.mss, 1460);
	gw_tcp_init(&conn, &srv_syn);
	assert_int_equal(conn.state, GW_TCP_SYN_SENT);

	/* the server's SYN-ACK, then the proxy's ACK for the client */
	base_pkt(&srv_synack, false);
	srv_synack.seq = c->server_isn;
	srv_synack.ack_seq = c->client_isn + 1;
	srv_synack.tcp_flags = GW_TCP_SYN | GW_TCP_ACK;
	srv_synack.window = 65160;
	srv_synack.tcp_opts = GW_TCPOPT_WSCALE_SEEN | GW_TCPOPT_SACK_PERM |
			      GW_TCPOPT_TS | GW_TCPOPT_MSS;
	srv_synack.wscale = c->server_shift;
	srv_synack.mss = 1460;
	srv_synack.tsval = 0xfffff000;
	srv_synack.tsecr = 1001;
	assert_int_equal(gw_tcp_track(&conn, &srv_synack, GW_DIR_REPLY),
			 GW_TCP_ACCEPT);
	gw_proxy_server_ack(&srv_synack, ack.window, &srv_ack);
	assert_int_equal(srv_ack.seq, c->client_isn + 1);
	assert_int_equal(srv_ack.ack_seq, c->server_isn + 1);
	assert_int_equal(srv_ack.tsval, 1001);
	assert_int_equal(srv_ack.tsecr, 0xfffff000);
	assert_int_equal(gw_tcp_track(&conn, &srv_ack, GW_DIR_ORIGINAL),
			 GW_TCP_ACCEPT);
	assert_int_equal(conn.state, GW_TCP_ESTABLISHED);
	gw_seqadj_init(&adj, cookie, c->server_isn, true, tsval,
		       srv_synack.tsval);

	/*
	 * 4 MiB from the server: a window of 64 segments, each acknowledged
	 * by the client in its own space (the cookie's), every eighth ACK
	 * with a SACK block of a later segment.  The server's window field
	 * is in its scale, as the tracker reads it; the client's in its own.
	 */
	snxt = c->server_isn + 1;
	cnxt = c->client_isn + 1;
	sent = 0;
	for (i = 0; sent < (4U << 20); i++) {
		base_pkt(&p, false);
		p.seq = snxt;
		p.ack_seq = cnxt;
		p.tcp_flags = GW_TCP_ACK;
		p.window = field(262144, c->server_shift);
		p.payload_len = MSS;
		assert_int_equal(gw_tcp_track(&conn, &p, GW_DIR_REPLY),
				 GW_TCP_ACCEPT);
		snxt += MSS;
		sent += MSS;
		if (i % 2)
			continue;
		/* the client's ACK: seq/ack as the client has them */
		base_pkt(&p, true);
		p.seq = cnxt;
		p.ack_seq = snxt - adj.seq_delta;
		p.tcp_flags = GW_TCP_ACK;
		p.window = field(1048576, c->client_shift);
		if (i % 8 == 0) {
			p.ack_seq -= MSS;	/* one lost, one beyond SACKed */
			p.tcp_opts = GW_TCPOPT_SACK;
			p.sack_edge = snxt - adj.seq_delta;
		}
		gw_proxy_to_server(&adj, &p);
		assert_int_equal(gw_tcp_track(&conn, &p, GW_DIR_ORIGINAL),
				 GW_TCP_ACCEPT);
	}

	/* 1 MiB the other way: the client's data, the server's ACKs */
	for (i = 0; i < (1U << 20) / MSS; i++) {
		base_pkt(&p, true);
		p.seq = cnxt;
		p.ack_seq = snxt - adj.seq_delta;
		p.tcp_flags = GW_TCP_ACK | GW_TCP_PSH;
		p.window = field(1048576, c->client_shift);
		p.payload_len = MSS;
		gw_proxy_to_server(&adj, &p);
		assert_int_equal(p.ack_seq, snxt);
		assert_int_equal(gw_tcp_track(&conn, &p, GW_DIR_ORIGINAL),
				 GW_TCP_ACCEPT);
		cnxt += MSS;
		base_pkt(&p, false);
		p.seq = snxt;
		p.ack_seq = cnxt;
		p.tcp_flags = GW_TCP_ACK;
		p.window = field(262144, c->server_shift);
		assert_int_equal(gw_tcp_track(&conn, &p, GW_DIR_REPLY),
				 GW_TCP_ACCEPT);
	}

	/*
	 * An ACK of data the server never sent, in the client's space: the
	 * translation must not make it pass.
	 */
	base_pkt(&p, true);
	p.seq = cnxt;
	p.ack_seq = snxt - adj.seq_delta + 10 * 65536;
	p.tcp_flags = GW_TCP_ACK;
	p.window = 100;
	gw_proxy_to_server(&adj, &p);
	assert_int_equal(gw_tcp_track(&conn, &p, GW_DIR_ORIGINAL),
			 GW_TCP_OUT_OF_WINDOW);
}

TEST(proxy_connection_through_the_tracker)
{
	static const struct proxy_case cases[] = {
		{ 1000, 1, 0x80000000U, 7, 7 },
		{ 0xffffff00U, 2, 0x12345678U, 7, 7 },
		{ 0x7fffffffU, 3, 0xfffffff0U, 7, 5 },
		{ 0xfffffff0U, 4, 0xffffff00U, 5, 9 },
		{ 42, 5, 43, 0, 7 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++)
		run_case(&cases[i]);
}

/* The server's window for a client that reads it with another shift. */
TEST(proxy_window_rescaled)
{
	assert_int_equal(gw_proxy_window(1000, 7, 7), 1000);
	assert_int_equal(gw_proxy_window(1000, 5, 7), 250);
	assert_int_equal(gw_proxy_window(1001, 5, 7), 250);	/* down */
	assert_int_equal(gw_proxy_window(1000, 9, 7), 4000);
	assert_int_equal(gw_proxy_window(65535, 14, 0), 65535);	/* capped */
	assert_int_equal(gw_proxy_window(3, 0, 7), 0);
}

/* Only what an ACK means moves, and only with the ACK flag. */
TEST(proxy_to_server_fields)
{
	struct gw_seqadj adj = { .seq_delta = 0x10, .ts_delta = 0x20 };
	struct gw_pkt p;

	base_pkt(&p, true);
	p.seq = 5;
	p.ack_seq = 0xfffffff8U;
	p.tcp_flags = GW_TCP_ACK;
	p.tcp_opts = GW_TCPOPT_SACK | GW_TCPOPT_TS;
	p.sack_edge = 100;
	p.tsval = 7;
	p.tsecr = 9;
	gw_proxy_to_server(&adj, &p);
	assert_int_equal(p.seq, 5);
	assert_int_equal(p.ack_seq, 8);
	assert_int_equal(p.sack_edge, 0x74);
	assert_int_equal(p.tsval, 7);
	assert_int_equal(p.tsecr, 0x29);

	base_pkt(&p, true);
	p.ack_seq = 1;
	p.tcp_flags = GW_TCP_SYN;
	p.tcp_opts = GW_TCPOPT_TS;
	p.tsecr = 1;
	gw_proxy_to_server(&adj, &p);
	assert_int_equal(p.ack_seq, 1);
	assert_int_equal(p.tsecr, 1);
}

/* Engaged at a quarter of max_halfopen_dst, 1024 when that is 0. */
TEST(proxy_auto_engage_watermark)
{
	assert_false(gw_proxy_auto_engage(255, 1024));
	assert_true(gw_proxy_auto_engage(256, 1024));
	assert_false(gw_proxy_auto_engage(255, 0));
	assert_true(gw_proxy_auto_engage(256, 0));
	assert_false(gw_proxy_auto_engage(24, 100));
	assert_true(gw_proxy_auto_engage(25, 100));
	/* a budget of under 4 engages at the first handshake */
	assert_false(gw_proxy_auto_engage(0, 3));
	assert_true(gw_proxy_auto_engage(1, 3));
}

/*
 * Disengaged only when both the table and the SYNs the proxy answered
 * say the handshakes left would be at most an eighth.
 */
TEST(proxy_auto_disengage_watermark)
{
	/* the flood goes on: its SYNs never come back */
	assert_false(gw_proxy_auto_disengage(0, 50000, 0, 1024));
	assert_false(gw_proxy_auto_disengage(0, 129, 0, 1024));
	assert_true(gw_proxy_auto_disengage(0, 128, 0, 1024));
	/* a busy service whose clients all answer */
	assert_true(gw_proxy_auto_disengage(10, 50000, 49990, 1024));
	/* more cookies back than SYNs this interval: last interval's */
	assert_true(gw_proxy_auto_disengage(0, 10, 20, 1024));
	/* the table still holds the flood that engaged it */
	assert_false(gw_proxy_auto_disengage(129, 0, 0, 1024));
	assert_true(gw_proxy_auto_disengage(128, 0, 0, 1024));
	/* a budget of under 4: only when nothing is left */
	assert_true(gw_proxy_auto_disengage(0, 0, 0, 3));
	assert_false(gw_proxy_auto_disengage(1, 0, 0, 3));
	assert_false(gw_proxy_auto_disengage(0, 1, 0, 3));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(proxy_auto_engage_watermark),
	cmocka_unit_test(proxy_auto_disengage_watermark),
	cmocka_unit_test(proxy_connection_through_the_tracker),
	cmocka_unit_test(proxy_window_rescaled),
	cmocka_unit_test(proxy_to_server_fields),
};

GW_UNIT_MAIN(tests)
