// SPDX-License-Identifier: GPL-2.0
/*
 * The SYN proxy's sequence and timestamp translation: which fields move in
 * each direction and by how much, across the 2^32 wrap; SACK blocks
 * wherever they sit; every truncation and hostile length of the options;
 * and the incremental checksum update (pkt_buffer.c's, as the module's
 * inet_proto_csum_replace4()) against a full recomputation.
 *
 * The expected segment is built from a model of the fields written here
 * (expect_opts(), not a second option walker), and must equal byte for
 * byte, checksum included, the segment the edits were applied to.  Every
 * gw_seqadj_tcp() call gets the TCP segment in a heap block of exactly its
 * length, so AddressSanitizer catches a read past it.
 */
#include "unit.h"
#include "seqadj.h"

#define COOKIE_ISN	0x9e3779b9U
#define SERVER_ISN	0x12345678U
#define COOKIE_TSVAL	0x00c0ffeeU
#define SERVER_TSVAL	0xfedcba98U

#define TO_SERVER	GW_SEQADJ_TO_SERVER
#define TO_CLIENT	GW_SEQADJ_TO_CLIENT

enum {
	OPT_EOL = 0,
	OPT_NOP = 1,
	OPT_MSS = 2,
	OPT_WS = 3,
	OPT_SACK = 5,
	OPT_TS = 8,
	OPT_OTHER = 30,	/* MPTCP: a kind the proxy has no business with */
};

/* Deterministic pseudo-random numbers: splitmix64. */
static u64 rng_state;

static u64 rnd(void)
{
	u64 x = (rng_state += 0x9e3779b97f4a7c15ULL);

	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static void put32(u8 *p, u32 v)
{
	p[0] = (u8)(v >> 24);
	p[1] = (u8)(v >> 16);
	p[2] = (u8)(v >> 8);
	p[3] = (u8)v;
}

static u32 get32(const u8 *p)
{
	return (u32)p[0] << 24 | (u32)p[1] << 16 | (u32)p[2] << 8 | p[3];
}

static struct gw_seqadj adj_of(u32 seq_delta, u32 ts_delta)
{
	struct gw_seqadj adj = { .seq_delta = seq_delta, .ts_delta = ts_delta };

	return adj;
}

/* ---- options as a list of fields ---------------------------------------- */

/* One option: @len bytes in all; TS: v[0] TSval, v[1] TSecr; SACK: edges. */
struct opt {
	u8 kind;
	u8 len;
	u32 v[8];
};

static struct opt nop(void)
{
	struct opt o = { .kind = OPT_NOP, .len = 1 };

	return o;
}

static struct opt ts(u32 tsval, u32 tsecr)
{
	struct opt o = { .kind = OPT_TS, .len = 10, .v = { tsval, tsecr } };

	return o;
}

/* A SACK option of @n blocks from @left: each 1000 bytes, 500 apart. */
static struct opt sack(unsigned int n, u32 left)
{
	struct opt o = { .kind = OPT_SACK, .len = (u8)(2 + 8 * n) };
	unsigned int i;

	for (i = 0; i < n; i++) {
		o.v[2 * i] = left + 1500 * i;
		o.v[2 * i + 1] = left + 1500 * i + 1000;
	}
	return o;
}

static unsigned int write_opts(u8 *out, const struct opt *o, unsigned int n)
{
	unsigned int i, j, at = 0;

	for (i = 0; i < n; i++) {
		u8 *p = out + at;

		p[0] = o[i].kind;
		if (o[i].len > 1)
			p[1] = o[i].len;
		switch (o[i].kind) {
		case OPT_MSS:
			p[2] = (u8)(o[i].v[0] >> 8);
			p[3] = (u8)o[i].v[0];
			break;
		case OPT_WS:
			p[2] = (u8)o[i].v[0];
			break;
		case OPT_TS:
		case OPT_SACK:
			for (j = 0; 2 + 4 * j < o[i].len; j++)
				put32(p + 2 + 4 * j, o[i].v[j]);
			break;
		case OPT_OTHER:
			for (j = 2; j < o[i].len; j++)
				p[j] = (u8)(o[i].v[0] + j);
			break;
		}
		at += o[i].len;
	}
	return at;
}

/*
 * The model: what each field becomes (seqadj.h).  To the client, the
 * server's seq and TSval go back by the deltas; to the server, with ACK,
 * the ack, the SACK edges and the TSecr go forward.  Nothing else moves.
 */
static void expect_opts(const struct gw_seqadj *adj, enum gw_seqadj_dir dir,
			u8 flags, struct opt *o, unsigned int n)
{
	unsigned int i, j;

	if (dir == TO_SERVER && !(flags & GW_TCP_ACK))
		return;
	for (i = 0; i < n; i++) {
		if (o[i].kind == OPT_TS && dir == TO_CLIENT)
			o[i].v[0] -= adj->ts_delta;
		else if (o[i].kind == OPT_TS)
			o[i].v[1] += adj->ts_delta;
		else if (o[i].kind == OPT_SACK && dir == TO_SERVER)
			for (j = 0; 2 + 4 * j < o[i].len; j++)
				o[i].v[j] += adj->seq_delta;
	}
}

static void expect_hdr(const struct gw_seqadj *adj, enum gw_seqadj_dir dir,
		       u8 flags, u32 *seq, u32 *ack)
{
	if (dir == TO_CLIENT)
		*seq -= adj->seq_delta;
	else if (flags & GW_TCP_ACK)
		*ack += adj->seq_delta;
}

/* ---- segments ----------------------------------------------------------- */

struct seg {
	u8 family;
	u8 flags;
	u32 seq;
	u32 ack;
	u8 opt[GW_TCP_MAX_OPTLEN];
	unsigned int optlen;
	unsigned int payload;
};

static void build(struct gw_pb *pb, const struct seg *s)
{
	if (s->family == AF_INET)
		gw_pb_ipv4(pb, "192.0.2.1", "198.51.100.2");
	else
		gw_pb_ipv6(pb, "2001:db8::1", "2001:db8:0:1::2");
	gw_pb_tcp(pb, 40000, 443, s->flags, s->seq, s->ack);
	if (s->optlen)
		gw_pb_tcp_opt_raw(pb, s->opt, s->optlen);
	if (s->payload)
		gw_pb_payload(pb, s->payload);
	gw_pb_finish(pb);
}

/*
 * gw_seqadj_tcp() on a heap copy of exactly @len bytes of @th, which it
 * must leave as it was; and what any answer must be: at most
 * GW_SEQADJ_MAX_EDITS edits, in order, of whole 32-bit fields after the
 * ports and inside the data offset, each @from what the field holds.
 */
static bool adjust(const struct gw_seqadj *adj, enum gw_seqadj_dir dir,
		   const u8 *th, unsigned int len, struct gw_seqadj_edits *e)
{
	u8 *copy = gw_test_dup(th, len);
	unsigned int i, doff = len >= 20 ? (th[12] >> 4) * 4 : 0;
	bool ok;

	memset(e, 0xa5, sizeof(*e));
	ok = gw_seqadj_tcp(adj, dir, copy, len, e);
	assert_memory_equal(copy, th, len);
	free(copy);

	assert_in_range(e->n, 0, GW_SEQADJ_MAX_EDITS);
	for (i = 0; i < e->n; i++) {
		const struct gw_seqadj_edit *d = &e->edit[i];
		__be32 now;

		assert_in_range(d->off, 4, doff - 4);
		if (i)
			assert_true(d->off >= e->edit[i - 1].off + 4);
		memcpy(&now, th + d->off, 4);
		assert_int_equal(now, d->from);
		assert_int_not_equal(d->from, d->to);
	}
	return ok;
}

/* The TCP checksum of @pb computed afresh, the field itself as zero. */
static u16 full_csum(const struct gw_pb *pb)
{
	const u8 *th = pb->data + pb->l4_off;
	unsigned int i, len = pb->len - pb->l4_off;
	u8 pseudo[40];
	u64 sum = 6 + len;

	/* a 32-bit word at a time, unlike pkt_buffer.c's 16 */
	if (pb->family == AF_INET) {
		memcpy(pseudo, pb->data + 12, 8);
		for (i = 0; i < 8; i += 4)
			sum += get32(pseudo + i);
	} else {
		memcpy(pseudo, pb->data + 8, 32);
		for (i = 0; i < 32; i += 4)
			sum += get32(pseudo + i);
	}
	for (i = 0; i < len; i += 4) {
		u8 w[4] = { 0 };

		memcpy(w, th + i, len - i < 4 ? len - i : 4);
		if (i == 16) {		/* the checksum field */
			w[0] = 0;
			w[1] = 0;
		}
		sum += get32(w);
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (u16)~sum;
}

static u16 csum_field(const struct gw_pb *pb)
{
	const u8 *th = pb->data + pb->l4_off;

	return (u16)(th[16] << 8 | th[17]);
}

static void set_csum(struct gw_pb *pb)
{
	u16 c = full_csum(pb);

	pb->data[pb->l4_off + 16] = (u8)(c >> 8);
	pb->data[pb->l4_off + 17] = (u8)c;
}

/*
 * Translate @orig in direction @dir, apply the edits with the incremental
 * checksum and compare with @want built afresh (its checksum computed in
 * full).  Returns the number of edits.
 */
static unsigned int check_pb(const struct gw_seqadj *adj,
			     enum gw_seqadj_dir dir, struct gw_pb *orig,
			     const struct gw_pb *want, bool want_ok)
{
	struct gw_seqadj_edits e;
	u8 *th = orig->data + orig->l4_off;

	assert_int_equal(csum_field(orig), full_csum(orig));
	assert_int_equal(csum_field(want), full_csum(want));
	assert_int_equal(adjust(adj, dir, th, orig->len - orig->l4_off, &e),
			 want_ok);
	gw_test_seqadj_apply(th, &e);
	assert_int_equal(orig->len, want->len);
	assert_memory_equal(orig->data, want->data, want->len);
	return e.n;
}

static unsigned int check_seg(const struct gw_seqadj *adj,
			      enum gw_seqadj_dir dir, const struct seg *orig,
			      const struct seg *want, bool want_ok)
{
	struct gw_pb a, b;

	build(&a, orig);
	build(&b, want);
	return check_pb(adj, dir, &a, &b, want_ok);
}

/*
 * A segment with options @o, and the one the model expects of it: the
 * common case of check_seg().
 */
static unsigned int check_opts(const struct gw_seqadj *adj,
			       enum gw_seqadj_dir dir, u8 family, u8 flags,
			       u32 seq, u32 ack, const struct opt *o,
			       unsigned int n, unsigned int payload)
{
	struct seg orig = { .family = family, .flags = flags, .seq = seq,
			    .ack = ack, .payload = payload };
	struct seg want;
	struct opt moved[20];

	assert_true(n <= ARRAY_SIZE(moved));
	memcpy(moved, o, n * sizeof(*o));
	orig.optlen = write_opts(orig.opt, o, n);
	want = orig;
	expect_hdr(adj, dir, flags, &want.seq, &want.ack);
	expect_opts(adj, dir, flags, moved, n);
	assert_int_equal(write_opts(want.opt, moved, n), orig.optlen);
	return check_seg(adj, dir, &orig, &want, true);
}

/* ---- the deltas --------------------------------------------------------- */

TEST(init_deltas)
{
	struct gw_seqadj adj;

	gw_seqadj_init(&adj, COOKIE_ISN, SERVER_ISN, true, COOKIE_TSVAL,
		       SERVER_TSVAL);
	assert_int_equal(COOKIE_ISN + adj.seq_delta, SERVER_ISN);
	assert_int_equal(COOKIE_TSVAL + adj.ts_delta, SERVER_TSVAL);
	gw_seqadj_init(&adj, COOKIE_ISN, SERVER_ISN, false, COOKIE_TSVAL,
		       SERVER_TSVAL);
	assert_int_equal(COOKIE_ISN + adj.seq_delta, SERVER_ISN);
	assert_int_equal(adj.ts_delta, 0);
}

/* ---- which fields move -------------------------------------------------- */

/*
 * The same options both ways, edit by edit: to the server the ack, the
 * SACK edges and the TSecr; to the client the seq and the TSval.
 */
TEST(fields_each_direction)
{
	struct gw_seqadj adj;
	const struct opt o[] = { nop(), nop(), ts(1000, 2000), nop(), nop(),
				 sack(2, 70000) };
	struct seg s = { .family = AF_INET, .flags = GW_TCP_ACK,
			 .seq = 5000, .ack = 60000 };
	struct gw_seqadj_edits e;
	struct gw_pb pb;
	const u8 *th;
	unsigned int i;

	gw_seqadj_init(&adj, COOKIE_ISN, SERVER_ISN, true, COOKIE_TSVAL,
		       SERVER_TSVAL);
	s.optlen = write_opts(s.opt, o, ARRAY_SIZE(o));
	build(&pb, &s);
	th = pb.data + pb.l4_off;

	assert_true(adjust(&adj, TO_SERVER, th, pb.len - pb.l4_off, &e));
	assert_int_equal(e.n, 1 + 1 + 4);
	assert_int_equal(e.edit[0].off, 8);		/* ack */
	assert_int_equal(ntohl(e.edit[0].to), 60000 + adj.seq_delta);
	assert_int_equal(e.edit[1].off, 20 + 2 + 6);	/* TSecr */
	assert_int_equal(ntohl(e.edit[1].to), 2000 + adj.ts_delta);
	for (i = 0; i < 4; i++) {			/* SACK edges */
		assert_int_equal(e.edit[2 + i].off, 20 + 14 + 2 + 4 * i);
		assert_int_equal(ntohl(e.edit[2 + i].to),
				 ntohl(e.edit[2 + i].from) + adj.seq_delta);
	}

	assert_true(adjust(&adj, TO_CLIENT, th, pb.len - pb.l4_off, &e));
	assert_int_equal(e.n, 2);
	assert_int_equal(e.edit[0].off, 4);		/* seq */
	assert_int_equal(ntohl(e.edit[0].to), 5000 - adj.seq_delta);
	assert_int_equal(e.edit[1].off, 20 + 2 + 2);	/* TSval */
	assert_int_equal(ntohl(e.edit[1].to), 1000 - adj.ts_delta);

	/* and through the model, both families */
	for (i = 0; i < 2; i++) {
		u8 family = i ? AF_INET6 : AF_INET;

		assert_int_equal(check_opts(&adj, TO_SERVER, family,
					    GW_TCP_ACK | GW_TCP_PSH, 5000,
					    60000, o, ARRAY_SIZE(o), 100), 6);
		assert_int_equal(check_opts(&adj, TO_CLIENT, family,
					    GW_TCP_ACK | GW_TCP_PSH, 5000,
					    60000, o, ARRAY_SIZE(o), 100), 2);
	}
}

/*
 * A segment to the server without ACK (a RST answering nothing, a SYN)
 * has no field in the server's space: nothing moves, and its options are
 * not even looked at.  One to the client has its seq moved whatever its
 * flags.
 */
TEST(to_server_without_ack_untouched)
{
	static const u8 flags[] = { 0, GW_TCP_RST, GW_TCP_SYN,
				    GW_TCP_FIN | GW_TCP_PSH };
	const u8 broken[] = { OPT_NOP, OPT_NOP, OPT_TS, 10, 0, 0, 0, 1,
			      0, 0, 0, 2, OPT_SACK, 0, 0, 0 };
	struct gw_seqadj adj = adj_of(0x80000000U, 12345);
	const struct opt o[] = { ts(1, 2), sack(1, 3) };
	struct seg s = { .family = AF_INET, .seq = 77, .ack = 88 };
	struct gw_seqadj_edits e;
	struct gw_pb pb;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, flags[i],
					    77, 88, o, ARRAY_SIZE(o), 0), 0);
		assert_int_equal(check_opts(&adj, TO_CLIENT, AF_INET, flags[i],
					    77, 88, o, ARRAY_SIZE(o), 0), 2);

		s.flags = flags[i];
		memcpy(s.opt, broken, sizeof(broken));
		s.optlen = sizeof(broken);
		build(&pb, &s);
		assert_true(adjust(&adj, TO_SERVER, pb.data + pb.l4_off,
				   pb.len - pb.l4_off, &e));
		assert_int_equal(e.n, 0);
	}
}

/* Deltas of 0 (ISNs or clocks that happen to agree): no edit at all. */
TEST(zero_deltas_no_edits)
{
	struct gw_seqadj adj = adj_of(0, 0);
	const struct opt o[] = { nop(), nop(), ts(1, 2), sack(3, 3) };
	const struct opt t[] = { nop(), nop(), ts(1, 2) };

	assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, GW_TCP_ACK, 1, 2,
				    o, ARRAY_SIZE(o), 0), 0);
	assert_int_equal(check_opts(&adj, TO_CLIENT, AF_INET, GW_TCP_ACK, 1, 2,
				    o, ARRAY_SIZE(o), 0), 0);
	/* one delta 0, the other not */
	adj = adj_of(0, 99);
	assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, GW_TCP_ACK, 1, 2,
				    t, ARRAY_SIZE(t), 0), 1);
	adj = adj_of(99, 0);
	assert_int_equal(check_opts(&adj, TO_CLIENT, AF_INET, GW_TCP_ACK, 1, 2,
				    t, ARRAY_SIZE(t), 0), 1);
}

/* ---- the sequence spaces ------------------------------------------------ */

/*
 * The server's byte s reaches the client as s - delta; the client's ack
 * and SACK of it reach the server as s + len: for ISN pairs on either side
 * of the wrap and bytes on either side of it in both spaces.
 */
static void round_trip(const struct gw_seqadj *adj, u32 s, u32 len)
{
	const u32 client_seq = 0x40000000U;
	struct gw_seqadj_edits e;
	struct seg seg = { .family = AF_INET6, .flags = GW_TCP_ACK };
	struct opt o[2];
	struct gw_pb pb;
	u32 seen, i;

	/* the server's data, to the client */
	seg.seq = s;
	seg.ack = client_seq;
	build(&pb, &seg);
	assert_true(adjust(adj, TO_CLIENT, pb.data + pb.l4_off,
			   pb.len - pb.l4_off, &e));
	gw_test_seqadj_apply(pb.data + pb.l4_off, &e);
	assert_int_equal(csum_field(&pb), full_csum(&pb));
	seen = get32(pb.data + pb.l4_off + 4);
	assert_int_equal(seen, s - adj->seq_delta);
	assert_int_equal(get32(pb.data + pb.l4_off + 8), client_seq);

	/* the client acknowledges it, and SACKs the segment after it */
	o[0] = nop();
	o[1] = sack(1, seen + len + 500);
	seg.seq = client_seq;
	seg.ack = seen + len;
	seg.optlen = write_opts(seg.opt, o, 2);
	build(&pb, &seg);
	assert_true(adjust(adj, TO_SERVER, pb.data + pb.l4_off,
			   pb.len - pb.l4_off, &e));
	gw_test_seqadj_apply(pb.data + pb.l4_off, &e);
	assert_int_equal(csum_field(&pb), full_csum(&pb));
	assert_int_equal(get32(pb.data + pb.l4_off + 4), client_seq);
	assert_int_equal(get32(pb.data + pb.l4_off + 8), s + len);
	for (i = 0; i < 2; i++)
		assert_int_equal(get32(pb.data + pb.l4_off + 23 + 4 * i),
				 s + len + 500 + 1000 * i);
}

TEST(round_trip_across_wrap)
{
	static const u32 isns[][2] = {	/* cookie, server */
		{ COOKIE_ISN, SERVER_ISN },
		{ 0xfffffff0U, 0x00000010U },
		{ 0x00000010U, 0xfffffff0U },
		{ 0x7fffffffU, 0x80000000U },
		{ 0x80000000U, 0x7fffffffU },
		{ 0, 0xffffffffU },
		{ 0xffffffffU, 0 },
		{ 0x12345678U, 0x12345678U },
	};
	static const u32 lens[] = { 0, 1, 1448, 65535 };
	unsigned int i, l, runs = 0;
	int k;

	for (i = 0; i < ARRAY_SIZE(isns); i++) {
		struct gw_seqadj adj;
		u32 c = isns[i][0], s = isns[i][1];

		gw_seqadj_init(&adj, c, s, false, 0, 0);
		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			for (k = -300; k <= 300; k++) {
				/* the server's data near its own wrap */
				round_trip(&adj, (u32)k, lens[l]);
				/* and near the client's */
				round_trip(&adj, (u32)k + adj.seq_delta,
					   lens[l]);
				/* and the first bytes of the connection */
				round_trip(&adj, s + 1 + (u32)(k + 300),
					   lens[l]);
				runs += 3;
			}
		}
	}
	print_message("round trips: %u\n", runs);
}

/* ---- SACK and timestamps ------------------------------------------------ */

/*
 * SACK of 1 to 4 blocks, alone, after NOPs, after timestamps and before
 * them, two SACK options: every edge moves to the server, none to the
 * client, and no other field.
 */
TEST(sack_layouts)
{
	struct gw_seqadj adj;
	unsigned int n, d, f;
	const u32 left = 0xfffff000U;	/* edges across the wrap */

	gw_seqadj_init(&adj, COOKIE_ISN, SERVER_ISN, true, COOKIE_TSVAL,
		       SERVER_TSVAL);
	for (f = 0; f < 2; f++) {
		u8 fam = f ? AF_INET6 : AF_INET;
		u8 fl = GW_TCP_ACK;

		for (n = 1; n <= 4; n++) {
			const struct opt alone[] = { sack(n, left) };
			const struct opt padded[] = { nop(), nop(),
						      sack(n, left) };
			const struct opt after_ts[] = { nop(), nop(),
							ts(7, 8), nop(), nop(),
							sack(n, left) };
			const struct opt before_ts[] = { sack(n, left), nop(),
							 nop(), ts(7, 8) };
			const struct opt unaligned[] = { ts(7, 8),
							 sack(n, left) };

			for (d = 0; d < 2; d++) {
				enum gw_seqadj_dir dir = d ? TO_CLIENT :
							     TO_SERVER;
				unsigned int ts_n = 1;
				unsigned int sack_n = d ? 0 : 2 * n;

				assert_int_equal(check_opts(&adj, dir, fam, fl,
							    1, 2, alone, 1, 0),
						 1 + sack_n);
				assert_int_equal(check_opts(&adj, dir, fam, fl,
							    1, 2, padded, 3,
							    10),
						 1 + sack_n);
				if (n == 4)	/* 4 blocks + TS > 40 bytes */
					continue;
				assert_int_equal(check_opts(&adj, dir, fam, fl,
							    1, 2, after_ts, 6,
							    0),
						 1 + ts_n + sack_n);
				assert_int_equal(check_opts(&adj, dir, fam, fl,
							    1, 2, before_ts, 4,
							    1),
						 1 + ts_n + sack_n);
				assert_int_equal(check_opts(&adj, dir, fam, fl,
							    1, 2, unaligned, 2,
							    3),
						 1 + ts_n + sack_n);
			}
		}
		/* two SACK options (no stack sends them; receivers take both) */
		{
			const struct opt two[] = { sack(2, 100), nop(), nop(),
						   sack(2, 9000) };

			assert_int_equal(check_opts(&adj, TO_SERVER, fam, fl,
						    1, 2, two, 4, 0), 9);
			assert_int_equal(check_opts(&adj, TO_CLIENT, fam, fl,
						    1, 2, two, 4, 0), 1);
		}
	}
}

/*
 * @s with the timestamps option of @o (three options, the last one it)
 * carrying @clock, the field its sender sets in direction @dir (TSval from
 * the server, TSecr from the client), sent across: that field as it
 * arrives.
 */
static u32 ts_across(const struct gw_seqadj *adj, enum gw_seqadj_dir dir,
		     struct seg *s, const struct opt *o, u32 clock)
{
	/* the option's TSval and TSecr, after its two NOPs */
	unsigned int field = dir == TO_CLIENT ? 4 : 8;
	struct gw_seqadj_edits e;
	struct gw_pb pb;

	s->optlen = write_opts(s->opt, o, 3);
	put32(s->opt + field, clock);
	build(&pb, s);
	assert_true(adjust(adj, dir, pb.data + pb.l4_off, pb.len - pb.l4_off,
			   &e));
	gw_test_seqadj_apply(pb.data + pb.l4_off, &e);
	return get32(pb.data + pb.l4_off + 20 + field);
}

/*
 * TSval to the client and TSecr to the server, around the wrap of either
 * clock; every timestamps option (a receiver keeps the last); none
 * without timestamps agreed (ts_delta 0).
 */
TEST(timestamps)
{
	static const u32 vals[] = { 0, 1, 0x7fffffffU, 0x80000000U,
				    0xfffffffeU, 0xffffffffU, COOKIE_TSVAL,
				    SERVER_TSVAL };
	struct gw_seqadj adj;
	unsigned int i, j, d;

	for (i = 0; i < ARRAY_SIZE(vals); i++) {
		for (j = 0; j < ARRAY_SIZE(vals); j++) {
			const struct opt o[] = { nop(), nop(),
						 ts(vals[i], vals[j]) };
			struct seg s = { .family = AF_INET, .seq = 1,
					 .ack = 2, .flags = GW_TCP_ACK };

			gw_seqadj_init(&adj, 10, 10, true, vals[i], vals[j]);
			assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET,
						    GW_TCP_ACK, 1, 2, o, 3, 0),
					 adj.ts_delta ? 1 : 0);
			assert_int_equal(check_opts(&adj, TO_CLIENT, AF_INET,
						    GW_TCP_ACK, 1, 2, o, 3, 0),
					 adj.ts_delta ? 1 : 0);

			/*
			 * The server's clock at Ts + 5 reads Tc + 5 at the
			 * client, and its echo reads Ts + 5 at the server.
			 */
			assert_int_equal(ts_across(&adj, TO_CLIENT, &s, o,
						   vals[j] + 5),
					 vals[i] + 5);
			assert_int_equal(ts_across(&adj, TO_SERVER, &s, o,
						   vals[i] + 5),
					 vals[j] + 5);
		}
	}

	/* four timestamps options, all moved; without agreement, none */
	for (d = 0; d < 2; d++) {
		enum gw_seqadj_dir dir = d ? TO_CLIENT : TO_SERVER;
		const struct opt four[] = { ts(1, 2), ts(3, 4), ts(5, 6),
					    ts(7, 8) };
		const struct opt with_sack[] = { nop(), nop(), ts(1, 2),
						 sack(2, 3) };

		gw_seqadj_init(&adj, 5, 6, true, 100, 50);
		assert_int_equal(check_opts(&adj, dir, AF_INET6, GW_TCP_ACK, 1,
					    2, four, 4, 0), 5);
		gw_seqadj_init(&adj, 5, 6, false, 100, 50);
		assert_int_equal(check_opts(&adj, dir, AF_INET6, GW_TCP_ACK, 1,
					    2, four, 4, 0), 1);
		assert_int_equal(check_opts(&adj, dir, AF_INET6, GW_TCP_ACK, 1,
					    2, with_sack, 4, 0), d ? 1 : 5);
	}
}

/* ---- the most edits ----------------------------------------------------- */

/* The option layouts with the most fields to move fit GW_SEQADJ_MAX_EDITS. */
TEST(most_edits_fit)
{
	struct gw_seqadj adj = adj_of(1000, 2000);
	const struct opt sack4[] = { sack(1, 1), sack(1, 2), sack(1, 3),
				     sack(1, 4) };
	const struct opt big[] = { nop(), nop(), sack(4, 5) };
	const struct opt two[] = { sack(2, 6), sack(2, 7) };
	const struct opt mixed[] = { nop(), nop(), ts(1, 2), sack(3, 8) };
	const struct opt ts4[] = { ts(1, 2), ts(3, 4), ts(5, 6), ts(7, 8) };

	assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, GW_TCP_ACK, 1, 2,
				    sack4, 4, 0), GW_SEQADJ_MAX_EDITS);
	assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, GW_TCP_ACK, 1, 2,
				    big, 3, 0), GW_SEQADJ_MAX_EDITS);
	assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, GW_TCP_ACK, 1, 2,
				    two, 2, 0), GW_SEQADJ_MAX_EDITS);
	assert_int_equal(check_opts(&adj, TO_SERVER, AF_INET, GW_TCP_ACK, 1, 2,
				    mixed, 4, 0), 1 + 1 + 6);
	assert_int_equal(check_opts(&adj, TO_CLIENT, AF_INET, GW_TCP_ACK, 1, 2,
				    ts4, 4, 0), 1 + 4);
}

/* ---- hostile headers ---------------------------------------------------- */

/* A data offset below 20 or beyond what can be read: no edit, false. */
TEST(bad_header)
{
	struct gw_seqadj adj = adj_of(1, 1);
	struct gw_seqadj_edits e;
	u8 th[60] = { 0 };
	unsigned int len, doff, d;

	for (d = 0; d < 2; d++) {
		enum gw_seqadj_dir dir = d ? TO_CLIENT : TO_SERVER;

		th[13] = GW_TCP_ACK;
		for (len = 0; len < 20; len++) {
			th[12] = 5 << 4;
			assert_false(adjust(&adj, dir, th, len, &e));
			assert_int_equal(e.n, 0);
		}
		for (doff = 0; doff < 16; doff++) {
			th[12] = (u8)(doff << 4);
			for (len = 20; len <= 60; len++) {
				bool fits = doff >= 5 && doff * 4 <= len;

				/* all NOPs: any data offset walks cleanly */
				memset(th + 20, OPT_NOP, 40);
				assert_int_equal(adjust(&adj, dir, th, len, &e),
						 fits);
				assert_int_equal(e.n, fits ? 1 : 0);
			}
		}
	}
}

/*
 * Options @head then the raw bytes @tail, as the model expects them: the
 * options in @head translated, the bytes of @tail left as they are.
 */
static unsigned int check_head_tail(const struct gw_seqadj *adj,
				    enum gw_seqadj_dir dir, const struct opt *head,
				    unsigned int n, const u8 *tail,
				    unsigned int tail_len, bool want_ok)
{
	struct seg orig = { .family = AF_INET, .flags = GW_TCP_ACK,
			    .seq = 0x1000, .ack = 0x2000 };
	struct seg want;
	struct opt moved[20];
	unsigned int at;

	memcpy(moved, head, n * sizeof(*head));
	at = write_opts(orig.opt, head, n);
	assert_true(at + tail_len <= GW_TCP_MAX_OPTLEN);
	assert_int_equal((at + tail_len) % 4, 0);
	memcpy(orig.opt + at, tail, tail_len);
	orig.optlen = at + tail_len;
	want = orig;
	expect_hdr(adj, dir, GW_TCP_ACK, &want.seq, &want.ack);
	expect_opts(adj, dir, GW_TCP_ACK, moved, n);
	write_opts(want.opt, moved, n);
	return check_seg(adj, dir, &orig, &want, want_ok);
}

/*
 * Every truncation of realistic option blocks, at every byte: the data
 * offset ends inside an option (leading NOPs pad the rest to a word).  The
 * options before the cut move; the cut one does not, and the walk says
 * so; nothing past the data offset is read (ASan).
 */
static void truncations(const struct gw_seqadj *adj, const struct opt *o,
			unsigned int n)
{
	unsigned int cut, i, d, at, pad, bytes, complete;
	struct opt head[20];
	u8 full[GW_TCP_MAX_OPTLEN];

	write_opts(full, o, n);
	for (d = 0; d < 2; d++) {
		enum gw_seqadj_dir dir = d ? TO_CLIENT : TO_SERVER;

		bytes = 0;
		for (i = 0; i < n; i++)
			bytes += o[i].len;
		for (cut = 0; cut <= bytes; cut++) {
			pad = (4 - cut % 4) % 4;
			complete = 0;
			for (i = 0; i < pad; i++)
				head[complete++] = nop();
			for (i = 0, at = 0; i < n && at + o[i].len <= cut; i++) {
				head[complete++] = o[i];
				at += o[i].len;
			}
			check_head_tail(adj, dir, head, complete, full + at,
					cut - at, cut == at);
		}
	}
}

TEST(every_truncation)
{
	struct gw_seqadj adj;
	/* what Linux sends with SACK after a loss: 40 bytes */
	const struct opt linux_sack[] = { nop(), nop(), ts(111, 222), nop(),
					  nop(), sack(3, 0xfffffc00U) };
	/* SACK first, timestamps after, no padding */
	const struct opt sack_first[] = { sack(2, 5000), ts(333, 444),
					  nop(), nop() };
	/* what a SYN-ACK carries, to the client */
	const struct opt synack[] = {
		{ .kind = OPT_MSS, .len = 4, .v = { 1460 } },
		{ .kind = 4, .len = 2 },	/* SACK permitted */
		ts(555, 666), nop(),
		{ .kind = OPT_WS, .len = 3, .v = { 7 } },
	};

	gw_seqadj_init(&adj, COOKIE_ISN, SERVER_ISN, true, COOKIE_TSVAL,
		       SERVER_TSVAL);
	truncations(&adj, linux_sack, ARRAY_SIZE(linux_sack));
	truncations(&adj, sack_first, ARRAY_SIZE(sack_first));
	truncations(&adj, synack, ARRAY_SIZE(synack));
}

/*
 * An option of length 0, 1 or 255 (or one byte too long) after a good
 * timestamps option and before a good SACK: the timestamps move, the walk
 * stops at the bad length, the SACK after it stays as it is.
 */
TEST(bad_lengths_stop)
{
	static const u8 kinds[] = { OPT_SACK, OPT_TS, OPT_MSS, OPT_OTHER,
				    0xff };
	const struct opt head[] = { nop(), nop(), ts(1000, 2000) };
	struct gw_seqadj adj = adj_of(0x10000, 0x20000);
	unsigned int k, l, d;

	for (k = 0; k < ARRAY_SIZE(kinds); k++) {
		/* bad option at 12, SACK (18 bytes) at 14 if it were 2 long */
		const u8 lens[] = { 0, 1, 255, 29, 41 };

		for (l = 0; l < ARRAY_SIZE(lens); l++) {
			for (d = 0; d < 2; d++) {
				enum gw_seqadj_dir dir = d ? TO_CLIENT :
							     TO_SERVER;
				u8 tail[28];
				struct opt s = sack(2, 7777);

				tail[0] = kinds[k];
				tail[1] = lens[l];
				write_opts(tail + 2, &s, 1);
				tail[20] = OPT_NOP;
				tail[21] = OPT_NOP;
				memset(tail + 22, OPT_NOP, 6);
				/* 12 bytes of head, 28 of tail: 40 */
				assert_int_equal(check_head_tail(&adj, dir, head,
								 3, tail, 28,
								 false),
						 2);
			}
		}
	}
}

/*
 * End of option list: what follows is padding to receivers, whatever it
 * looks like, and stays as it is.
 */
TEST(eol_ends_options)
{
	const struct opt head[] = { nop(), nop(), ts(1000, 2000) };
	struct gw_seqadj adj = adj_of(0x10000, 0x20000);
	struct opt after[] = { nop(), sack(2, 7777), nop(), nop(),
			       ts(3, 4) };
	u8 tail[32] = { OPT_EOL };
	unsigned int d;

	/* 12 bytes of head, EOL, then 31 bytes of options: 44 > 40 */
	write_opts(tail + 1, after, 2);
	for (d = 0; d < 2; d++)
		assert_int_equal(check_head_tail(&adj, d ? TO_CLIENT :
						 TO_SERVER, head, 3, tail, 20,
						 true), 2);
	/* EOL first: nothing but the header field moves */
	write_opts(tail + 1, after, 5);
	for (d = 0; d < 2; d++)
		assert_int_equal(check_head_tail(&adj, d ? TO_CLIENT :
						 TO_SERVER, head, 0, tail, 32,
						 true), 1);
}

/*
 * A field at an odd offset adds to the checksum with its bytes rotated:
 * the update must use csum_from and csum_to, and giving it the field
 * values (what Linux's seqadj does) leaves a wrong checksum.
 */
TEST(odd_offset_checksum)
{
	struct gw_seqadj adj = adj_of(0x01020304U, 0x0a0b0c0dU);
	const struct opt o[] = { nop(), ts(0x11223344U, 0x55667788U),
				 nop(), sack(1, 0x99aabbccU) };
	struct seg s = { .family = AF_INET, .flags = GW_TCP_ACK,
			 .seq = 1, .ack = 2 };
	struct gw_seqadj_edits e, naive;
	struct gw_pb pb, again;
	unsigned int i, odd = 0;

	s.optlen = write_opts(s.opt, o, ARRAY_SIZE(o));
	build(&pb, &s);
	assert_true(adjust(&adj, TO_SERVER, pb.data + pb.l4_off,
			   pb.len - pb.l4_off, &e));
	assert_int_equal(e.n, 4);	/* ack, TSecr at 27, SACK at 34, 38 */
	naive = e;
	for (i = 0; i < e.n; i++) {
		const struct gw_seqadj_edit *d = &e.edit[i];
		u32 f = ntohl(d->from), t = ntohl(d->to);

		if (d->off & 1) {
			odd++;
			assert_int_equal(ntohl(d->csum_from), f >> 8 | f << 24);
			assert_int_equal(ntohl(d->csum_to), t >> 8 | t << 24);
		} else {
			assert_int_equal(d->csum_from, d->from);
			assert_int_equal(d->csum_to, d->to);
		}
		naive.edit[i].csum_from = d->from;
		naive.edit[i].csum_to = d->to;
	}
	assert_int_equal(odd, 1);
	again = pb;
	gw_test_seqadj_apply(pb.data + pb.l4_off, &e);
	assert_int_equal(csum_field(&pb), full_csum(&pb));
	gw_test_seqadj_apply(again.data + again.l4_off, &naive);
	assert_int_not_equal(csum_field(&again), full_csum(&again));
}

/*
 * A SACK option whose length is not 2 + 8n (n >= 1), or a timestamps
 * option not 10 long, is one receivers skip (tcp_parse_options(),
 * FreeBSD's tcp_dooptions()): no edit for it, and the walk goes on to the
 * options after it, as theirs does.
 */
TEST(bad_option_lengths_skipped)
{
	struct gw_seqadj adj = adj_of(0x10000, 0x20000);
	unsigned int len, d, n;

	for (len = 2; len <= 26; len++) {
		for (d = 0; d < 2; d++) {
			enum gw_seqadj_dir dir = d ? TO_CLIENT : TO_SERVER;
			bool sack_ok = len >= 10 && (len - 2) % 8 == 0;
			u8 tail[40];
			struct opt after[] = { ts(1, 2) };
			struct seg orig = { .family = AF_INET,
					    .flags = GW_TCP_ACK, .seq = 5,
					    .ack = 6 };
			struct seg want;

			if (sack_ok)
				continue;
			/* a bad SACK, then timestamps, NOP-padded */
			memset(tail, 0xee, sizeof(tail));
			tail[0] = OPT_SACK;
			tail[1] = (u8)len;
			n = write_opts(tail + len, after, 1);
			orig.optlen = (len + n + 3) & ~3U;
			memset(tail + len + n, OPT_NOP, orig.optlen - len - n);
			memcpy(orig.opt, tail, orig.optlen);
			want = orig;
			expect_hdr(&adj, dir, GW_TCP_ACK, &want.seq, &want.ack);
			expect_opts(&adj, dir, GW_TCP_ACK, after, 1);
			write_opts(want.opt + len, after, 1);
			assert_int_equal(check_seg(&adj, dir, &orig, &want,
						   true), 2);
		}
	}
	/* timestamps of length 2..12 but 10, then a SACK */
	for (len = 2; len <= 12; len++) {
		struct opt after[] = { sack(1, 42) };
		struct seg orig = { .family = AF_INET6, .flags = GW_TCP_ACK,
				    .seq = 5, .ack = 6 };
		struct seg want;

		if (len == 10)
			continue;
		memset(orig.opt, 0xee, sizeof(orig.opt));
		orig.opt[0] = OPT_TS;
		orig.opt[1] = (u8)len;
		n = write_opts(orig.opt + len, after, 1);
		orig.optlen = (len + n + 3) & ~3U;
		memset(orig.opt + len + n, OPT_NOP, orig.optlen - len - n);
		want = orig;
		expect_hdr(&adj, TO_SERVER, GW_TCP_ACK, &want.seq, &want.ack);
		expect_opts(&adj, TO_SERVER, GW_TCP_ACK, after, 1);
		write_opts(want.opt + len, after, 1);
		assert_int_equal(check_seg(&adj, TO_SERVER, &orig, &want, true),
				 3);
	}
}

/*
 * Random bytes as options, biased towards the kinds and lengths that
 * matter: whatever the walk makes of them, its answer keeps adjust()'s
 * rules, moves each field by one of the direction's deltas, and the
 * incremental checksum stays equal to a full one.
 */
TEST(random_option_bytes)
{
	static const u8 kinds[] = { OPT_EOL, OPT_NOP, OPT_NOP, OPT_SACK,
				    OPT_SACK, OPT_TS, OPT_TS, OPT_MSS };
	static const u8 lens[] = { 0, 1, 2, 10, 10, 18, 26, 34, 255, 3, 11 };
	struct gw_seqadj adj = adj_of(0x01000000U, 0x00000100U);
	unsigned int i, j, runs = 200000, edits = 0, broken = 0;

	rng_state = 0x5eed;
	for (i = 0; i < runs; i++) {
		enum gw_seqadj_dir dir = i & 1 ? TO_CLIENT : TO_SERVER;
		struct seg s = { .family = i & 2 ? AF_INET6 : AF_INET };
		struct gw_seqadj_edits e;
		struct gw_pb pb;
		u32 moves[2];

		/* one at a time: initialisers have no order in C */
		s.flags = (u8)rnd();
		s.seq = (u32)rnd();
		s.ack = (u32)rnd();

		s.optlen = 4 * (unsigned int)(rnd() % 11);
		for (j = 0; j < s.optlen; j++) {
			u64 r = rnd();

			if (r % 3 == 0)
				s.opt[j] = kinds[(r >> 8) % ARRAY_SIZE(kinds)];
			else if (r % 3 == 1)
				s.opt[j] = lens[(r >> 8) % ARRAY_SIZE(lens)];
			else
				s.opt[j] = (u8)(r >> 8);
		}
		s.payload = (unsigned int)(rnd() % 8);
		build(&pb, &s);
		if (!adjust(&adj, dir, pb.data + pb.l4_off, pb.len - pb.l4_off,
			    &e))
			broken++;
		moves[0] = dir == TO_SERVER ? adj.seq_delta : -adj.seq_delta;
		moves[1] = dir == TO_SERVER ? adj.ts_delta : -adj.ts_delta;
		for (j = 0; j < e.n; j++) {
			u32 by = ntohl(e.edit[j].to) - ntohl(e.edit[j].from);

			assert_true(by == moves[0] || by == moves[1]);
			if (e.edit[j].off < 20)
				assert_int_equal(e.edit[j].off,
						 dir == TO_SERVER ? 8 : 4);
		}
		if (dir == TO_SERVER && !(s.flags & GW_TCP_ACK))
			assert_int_equal(e.n, 0);
		edits += e.n;
		gw_test_seqadj_apply(pb.data + pb.l4_off, &e);
		assert_int_equal(csum_field(&pb), full_csum(&pb));
	}
	print_message("random option bytes: %u segments, %u edits, %u broken off\n",
		      runs, edits, broken);
	assert_true(broken > runs / 20);	/* the hostile paths were taken */
}

/* ---- the checksum ------------------------------------------------------- */

/* A random, well-formed option list of at most 40 bytes. */
static unsigned int random_opts(struct opt *o)
{
	unsigned int n = 0, bytes = 0, want = (unsigned int)(rnd() % 41), j;

	while (n < 20) {
		struct opt x;
		u64 r = rnd();

		switch (r % 6) {
		case 0:
			x = nop();
			break;
		case 1:
			x = (struct opt){ .kind = OPT_MSS, .len = 4,
					  .v = { (u32)(r >> 8) & 0xffff } };
			break;
		case 2:
			x = (struct opt){ .kind = OPT_WS, .len = 3,
					  .v = { (u32)(r >> 8) & 15 } };
			break;
		case 3:
			x = ts((u32)(r >> 8), (u32)rnd());
			break;
		case 4:
			x = sack(1 + (unsigned int)((r >> 8) % 4), 0);
			for (j = 0; j < 8; j++)
				x.v[j] = (u32)rnd();
			break;
		default:
			x = (struct opt){ .kind = OPT_OTHER,
					  .len = (u8)(2 + (r >> 8) % 6),
					  .v = { (u32)(r >> 16) } };
			break;
		}
		if (bytes + x.len > want)
			break;
		o[n++] = x;
		bytes += x.len;
	}
	return n;
}

static u32 random_delta(void)
{
	static const u32 edges[] = { 0, 1, 0x7fffffffU, 0x80000000U,
				     0xffffffffU };
	u64 r = rnd();

	return r % 4 ? (u32)(r >> 32) : edges[(r >> 8) % ARRAY_SIZE(edges)];
}

/*
 * 100 000 random segments (fixed seed): IPv4 and IPv6, both directions,
 * any flags, random deltas and option lists, payloads of odd and even
 * length.  The edited segment with its incrementally updated checksum
 * equals, byte for byte, the expected one with its checksum computed in
 * full.
 */
TEST(checksum_random_segments)
{
	unsigned int i, runs = 100000, edits = 0, zero = 0;
	struct opt o[20];

	rng_state = 1;
	for (i = 0; i < runs; i++) {
		u32 seq_delta = random_delta(), ts_delta = random_delta();
		struct gw_seqadj adj = adj_of(seq_delta, ts_delta);
		enum gw_seqadj_dir dir = rnd() & 1 ? TO_CLIENT : TO_SERVER;
		u64 r = rnd();
		u8 flags = (u8)r | (r & 0x700 ? GW_TCP_ACK : 0);
		u32 seq = (u32)rnd(), ack = (u32)rnd();
		unsigned int payload = (unsigned int)(rnd() % 64);
		unsigned int n = random_opts(o);

		edits += check_opts(&adj, dir, r & 0x800 ? AF_INET6 : AF_INET,
				    flags, seq, ack, o, n, payload);
		zero += !adj.seq_delta;
	}
	print_message("random segments: %u, %u edits\n", runs, edits);
	assert_true(edits > runs);
	assert_true(zero > 0);
}

/*
 * The one's complement corner the random segments almost never meet: a
 * checksum of 0x0000 (a sum of 0xffff) before the edits, and after them.
 */
TEST(checksum_zero_before_and_after)
{
	struct gw_seqadj adj;
	const struct opt o[] = { nop(), nop(), ts(0x01020304U, 0xa0b0c0d0U),
				 nop(), nop(), sack(2, 0xfffffff0U) };
	unsigned int d, f, which;

	gw_seqadj_init(&adj, COOKIE_ISN, SERVER_ISN, true, COOKIE_TSVAL,
		       SERVER_TSVAL);
	for (f = 0; f < 2; f++) {
		for (d = 0; d < 2; d++) {
			for (which = 0; which < 2; which++) {
				enum gw_seqadj_dir dir = d ? TO_CLIENT :
							     TO_SERVER;
				struct seg orig = { .family = f ? AF_INET6 :
								  AF_INET,
						    .flags = GW_TCP_ACK,
						    .seq = 0x11111111U,
						    .ack = 0x22222222U,
						    .payload = 9 };
				struct seg want;
				struct opt moved[6];
				struct gw_pb a, b;
				struct gw_pb *zeroed;
				unsigned int at;
				u32 w;

				memcpy(moved, o, sizeof(o));
				orig.optlen = write_opts(orig.opt, o, 6);
				want = orig;
				expect_hdr(&adj, dir, GW_TCP_ACK, &want.seq,
					   &want.ack);
				expect_opts(&adj, dir, GW_TCP_ACK, moved, 6);
				write_opts(want.opt, moved, 6);
				build(&a, &orig);
				build(&b, &want);

				/*
				 * Choose the payload's first word so that the
				 * checksum of @a (before) or @b (after) is 0.
				 */
				zeroed = which ? &b : &a;
				at = zeroed->payload_off;
				for (w = 0; w <= 0xffff; w++) {
					zeroed->data[at] = (u8)(w >> 8);
					zeroed->data[at + 1] = (u8)w;
					if (full_csum(zeroed) == 0)
						break;
				}
				assert_true(w <= 0xffff);
				a.data[at] = b.data[at] = (u8)(w >> 8);
				a.data[at + 1] = b.data[at + 1] = (u8)w;
				set_csum(&a);
				set_csum(&b);
				assert_int_equal(csum_field(zeroed), 0);
				assert_int_equal(check_pb(&adj, dir, &a, &b,
							  true),
						 d ? 2 : 6);
			}
		}
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(init_deltas),
	cmocka_unit_test(fields_each_direction),
	cmocka_unit_test(to_server_without_ack_untouched),
	cmocka_unit_test(zero_deltas_no_edits),
	cmocka_unit_test(round_trip_across_wrap),
	cmocka_unit_test(sack_layouts),
	cmocka_unit_test(timestamps),
	cmocka_unit_test(most_edits_fit),
	cmocka_unit_test(bad_header),
	cmocka_unit_test(every_truncation),
	cmocka_unit_test(bad_lengths_stop),
	cmocka_unit_test(eol_ends_options),
	cmocka_unit_test(odd_offset_checksum),
	cmocka_unit_test(bad_option_lengths_skipped),
	cmocka_unit_test(random_option_bytes),
	cmocka_unit_test(checksum_random_segments),
	cmocka_unit_test(checksum_zero_before_and_after),
};

GW_UNIT_MAIN(tests)
