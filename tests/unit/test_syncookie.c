// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: options through the cookie and the TSval and back, the one
 * rotation a cookie lives, and forgeries, stale and malformed cookies told
 * apart.  The keyed hash is a stand-in (splitmix64's finaliser); the core
 * never sees more than its outputs.
 */
#include "unit.h"
#include "syncookie.h"

#define ISN		0x9e3779b9U
#define COUNTER		1000U
#define TS_NOW		0x12345678U

static u64 mix64(u64 x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* Deterministic pseudo-random numbers: splitmix64. */
static u64 rng_state;

static u64 rnd(void)
{
	rng_state += 0x9e3779b97f4a7c15ULL;
	return mix64(rng_state);
}

/* The stand-in for H(key1; tuple, counter). */
static u32 counter_hash(u64 tuple_id, u32 counter)
{
	return (u32)mix64(tuple_id * 0x100000001b3ULL ^ counter ^
			  0x5bd1e9955bd1e995ULL);
}

/* What the embedder would hash for @tuple_id when its counter is @counter. */
static struct gw_cookie_hash hash_at(u64 tuple_id, u32 counter)
{
	struct gw_cookie_hash h = {
		.tuple = mix64(tuple_id ^ 0x243f6a8885a308d3ULL),
		.cur = counter_hash(tuple_id, counter),
		.prev = counter_hash(tuple_id, counter - 1),
	};

	return h;
}

static const u16 msstab4[] = { 536, 1300, 1440, 1460 };
static const u16 msstab6[] = { 1220, 1420, 1440, 8940 };

/* The largest table value not above @mss, else the smallest. */
static u16 expected_mss(const u16 *tab, unsigned int n, u32 mss)
{
	u16 best = tab[0];
	unsigned int i;

	for (i = 0; i < n; i++)
		if (tab[i] <= mss)
			best = tab[i];
	return best;
}

static struct gw_cookie_opts opts_of(u16 mss, int wscale, bool sack, bool ecn,
				     bool ts)
{
	struct gw_cookie_opts o = {
		.mss = mss,
		.wscale = wscale < 0 ? 0 : (u8)wscale,
		.wscale_ok = wscale >= 0,
		.sack_ok = sack,
		.ecn_ok = ecn,
		.ts_ok = ts,
	};

	return o;
}

static void assert_opts_equal(const struct gw_cookie_opts *a,
			      const struct gw_cookie_opts *b)
{
	assert_int_equal(a->mss, b->mss);
	assert_int_equal(a->wscale, b->wscale);
	assert_int_equal(a->offer_wscale, b->offer_wscale);
	assert_int_equal(a->wscale_ok, b->wscale_ok);
	assert_int_equal(a->sack_ok, b->sack_ok);
	assert_int_equal(a->ecn_ok, b->ecn_ok);
	assert_int_equal(a->ts_ok, b->ts_ok);
}

/*
 * Make a cookie at @counter and check it at @counter with the ACK a
 * client would send (TSecr = our TSval when it sent timestamps).
 */
static enum gw_cookie_verdict round_trip(u8 family, u64 tuple_id,
					 struct gw_cookie_opts *made,
					 struct gw_cookie_opts *got)
{
	struct gw_cookie_hash h = hash_at(tuple_id, COUNTER);
	u32 tsval = 0, cookie;

	cookie = gw_cookie_make(family, ISN, COUNTER, &h, made, TS_NOW, &tsval);
	return gw_cookie_check(family, cookie, ISN, COUNTER, &h,
			       made->ts_ok ? &tsval : NULL, got);
}

static void mss_round_trip(u8 family, const u16 *tab, unsigned int n)
{
	struct gw_cookie_opts made, got;
	unsigned int i;
	u32 mss;

	/* each entry, exactly and one either side */
	for (i = 0; i < n; i++) {
		for (mss = tab[i] - 1U; mss <= tab[i] + 1U; mss++) {
			made = opts_of((u16)mss, -1, false, false, false);
			assert_int_equal(round_trip(family, i, &made, &got),
					 GW_COOKIE_OK);
			assert_int_equal(made.mss, expected_mss(tab, n, mss));
			assert_int_equal(got.mss, made.mss);
		}
	}
	/* every value a SYN can carry, 0 (no option) included */
	for (mss = 0; mss <= 0xffff; mss++) {
		made = opts_of((u16)mss, 7, true, false, mss & 1);
		assert_int_equal(round_trip(family, mss, &made, &got),
				 GW_COOKIE_OK);
		assert_int_equal(got.mss, expected_mss(tab, n, mss));
	}
}

TEST(mss_round_trip_v4)
{
	mss_round_trip(AF_INET, msstab4, ARRAY_SIZE(msstab4));
}

TEST(mss_round_trip_v6)
{
	mss_round_trip(AF_INET6, msstab6, ARRAY_SIZE(msstab6));
}

/* With timestamps, window scale, SACK and ECN come back as they went. */
TEST(options_round_trip_with_timestamps)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	struct gw_cookie_opts made, got, want;
	unsigned int f, combo;
	int ws;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (ws = -1; ws <= 255; ws++) {
			for (combo = 0; combo < 4; combo++) {
				made = opts_of(1460, ws, combo & 1, combo & 2,
					       true);
				want = made;
				want.mss = families[f] == AF_INET ? 1460 : 1440;
				/* RFC 7323 2.3: more than 14 means 14 */
				if (ws > 14)
					want.wscale = 14;
				assert_int_equal(round_trip(families[f], ws,
							    &made, &got),
						 GW_COOKIE_OK);
				assert_opts_equal(&made, &want);
				assert_opts_equal(&got, &want);
			}
		}
	}
}

/*
 * The shift we offered comes back as it was, whatever the client's; it
 * is only kept with the client's window scale (no scaling, nothing to
 * offer), and a count past 14 is taken as 14.
 */
TEST(offered_wscale_round_trip)
{
	struct gw_cookie_opts made, got, want;
	int ws, offer;

	for (ws = -1; ws <= 14; ws++) {
		for (offer = 0; offer <= 15; offer++) {
			made = opts_of(1460, ws, true, false, true);
			made.offer_wscale = (u8)offer;
			want = made;
			if (ws < 0)
				want.offer_wscale = 0;
			else if (offer > 14)
				want.offer_wscale = 14;
			assert_int_equal(round_trip(AF_INET, offer, &made, &got),
					 GW_COOKIE_OK);
			assert_opts_equal(&made, &want);
			assert_opts_equal(&got, &want);
		}
	}
}

/* An offered shift that we never send is a malformed TSecr. */
TEST(bad_offered_wscale_rejected)
{
	struct gw_cookie_hash h = hash_at(11, COUNTER);
	struct gw_cookie_opts made = opts_of(1460, 7, true, false, true), got;
	struct gw_cookie_opts none = opts_of(1460, -1, true, false, true);
	u32 tsval, cookie, tsecr;

	made.offer_wscale = 9;
	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	tsecr = (tsval & ~GW_COOKIE_TS_OFFER) | 15U << GW_COOKIE_TS_OFFER_SHIFT;
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsecr, &got), GW_COOKIE_BAD_OPTIONS);
	/* no window scale, yet an offer */
	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &none, TS_NOW,
				&tsval);
	tsecr = tsval | 3U << GW_COOKIE_TS_OFFER_SHIFT;
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsecr, &got), GW_COOKIE_BAD_OPTIONS);
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsval, &got), GW_COOKIE_OK);
	assert_false(got.wscale_ok);
	assert_int_equal(got.offer_wscale, 0);
}

/* Without timestamps only the MSS survives, and make says so. */
TEST(options_without_timestamps_mss_only)
{
	struct gw_cookie_opts made, got, want = opts_of(1300, -1, false,
							 false, false);
	u32 tsval = 0xdeadbeef;
	struct gw_cookie_hash h = hash_at(7, COUNTER);
	u32 cookie;

	made = opts_of(1400, 7, true, true, false);
	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	assert_int_equal(tsval, 0xdeadbeef);	/* no TSval to send */
	assert_opts_equal(&made, &want);
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 NULL, &got), GW_COOKIE_OK);
	assert_opts_equal(&got, &want);
}

/*
 * Timestamps agreed in the SYN must be in the ACK (they carry the window
 * scale); timestamps that appear only in the ACK are ignored (RFC 7323
 * 3.2), whatever their TSecr holds.
 */
TEST(ack_timestamps_must_match_syn)
{
	struct gw_cookie_hash h = hash_at(11, COUNTER);
	struct gw_cookie_opts made, got, want;
	u32 tsval, cookie, tsecr;

	made = opts_of(1460, 7, true, true, true);
	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 NULL, &got), GW_COOKIE_BAD_OPTIONS);
	assert_int_equal(got.mss, 0);

	made = opts_of(1460, -1, false, false, false);
	want = made;
	want.mss = 1460;
	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	for (tsecr = 0; tsecr < 0x100; tsecr++) {
		assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER,
						 &h, &tsecr, &got),
				 GW_COOKIE_OK);
		assert_opts_equal(&got, &want);
	}
}

/*
 * Our TSval is never after our clock, so the timestamps sent later from
 * the same clock never go backwards, and it is at most one option field
 * behind it; the clock wrapping changes nothing.
 */
TEST(tsval_never_after_now)
{
	static const u32 nows[] = { 0, 1, 0x3f, 0x7f, 0x80, 0x81, 0xffffff80U,
				    0xffffffffU, TS_NOW };
	struct gw_cookie_hash h = hash_at(3, COUNTER);
	struct gw_cookie_opts made;
	unsigned int i, combo;
	u32 tsval;

	for (i = 0; i < ARRAY_SIZE(nows); i++) {
		for (combo = 0; combo < 16; combo++) {
			made = opts_of(1460, combo & 1 ? 14 : -1, combo & 2,
				       combo & 4, true);
			gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made,
				       nows[i], &tsval);
			assert_true(nows[i] - tsval < 1U << GW_COOKIE_TS_BITS);
		}
	}
}

/* A cookie made at N passes at N and N + 1, is stale from N + 2. */
TEST(valid_for_one_rotation)
{
	static const u32 starts[] = { 0, 1, 254, 255, 256, COUNTER,
				      0xfffffffeU, 0xffffffffU };
	struct gw_cookie_opts made, got;
	struct gw_cookie_hash h;
	unsigned int i;
	u32 cookie, tsval, n, later;

	for (i = 0; i < ARRAY_SIZE(starts); i++) {
		n = starts[i];
		made = opts_of(1300, 2, true, false, true);
		h = hash_at(42, n);
		cookie = gw_cookie_make(AF_INET6, ISN, n, &h, &made, TS_NOW,
					&tsval);

		h = hash_at(42, n);
		assert_int_equal(gw_cookie_check(AF_INET6, cookie, ISN, n, &h,
						 &tsval, &got), GW_COOKIE_OK);
		assert_opts_equal(&got, &made);
		h = hash_at(42, n + 1);
		assert_int_equal(gw_cookie_check(AF_INET6, cookie, ISN, n + 1,
						 &h, &tsval, &got),
				 GW_COOKIE_OK);
		assert_opts_equal(&got, &made);
		for (later = 2; later < 256; later++) {
			h = hash_at(42, n + later);
			assert_int_equal(gw_cookie_check(AF_INET6, cookie, ISN,
							 n + later, &h, &tsval,
							 &got),
					 GW_COOKIE_STALE);
		}
		/*
		 * 256 rotations on, the 8-bit counter field reads as current:
		 * the counter hash, not the field, rejects it.
		 */
		h = hash_at(42, n + 256);
		assert_int_equal(gw_cookie_check(AF_INET6, cookie, ISN, n + 256,
						 &h, &tsval, &got),
				 GW_COOKIE_FORGED);
		/* a field one ahead was made 255 rotations ago (mod 256) */
		h = hash_at(42, n - 1);
		assert_int_equal(gw_cookie_check(AF_INET6, cookie, ISN, n - 1,
						 &h, &tsval, &got),
				 GW_COOKIE_STALE);
	}
}

/*
 * One flipped bit anywhere in the cookie or in the client's sequence
 * number, or either of them off by a power of two (a carry), is a forgery:
 * never another option set, never "stale" (syncookie.h says why).
 */
static void assert_neighbours_forged(u8 family, u32 cookie, u32 isn,
				     u32 counter,
				     const struct gw_cookie_hash *h,
				     const u32 *tsecr)
{
	struct gw_cookie_opts got;
	unsigned int bit;

	assert_int_equal(gw_cookie_check(family, cookie, isn, counter, h,
					 tsecr, &got), GW_COOKIE_OK);
	for (bit = 0; bit < 32; bit++) {
		u32 d = 1U << bit;

		assert_int_equal(gw_cookie_check(family, cookie ^ d, isn,
						 counter, h, tsecr, &got),
				 GW_COOKIE_FORGED);
		assert_int_equal(gw_cookie_check(family, cookie + d, isn,
						 counter, h, tsecr, &got),
				 GW_COOKIE_FORGED);
		assert_int_equal(gw_cookie_check(family, cookie - d, isn,
						 counter, h, tsecr, &got),
				 GW_COOKIE_FORGED);
		assert_int_equal(gw_cookie_check(family, cookie, isn ^ d,
						 counter, h, tsecr, &got),
				 GW_COOKIE_FORGED);
	}
}

TEST(flipped_bit_forged)
{
	struct gw_cookie_opts made;
	struct gw_cookie_hash h;
	unsigned int i;
	u32 cookie, isn, counter, tsval = 0;

	rng_state = 1;
	for (i = 0; i < 20000; i++) {
		u64 id = rnd();

		isn = (u32)rnd();
		counter = (u32)rnd();
		made = opts_of((u16)rnd(), (int)(rnd() % 16) - 1, i & 1,
			       i & 2, i & 4);
		h = hash_at(id, counter);
		cookie = gw_cookie_make(i & 8 ? AF_INET6 : AF_INET, isn,
					counter, &h, &made, TS_NOW, &tsval);
		assert_neighbours_forged(i & 8 ? AF_INET6 : AF_INET, cookie,
					 isn, counter, &h, &tsval);
	}
}

/*
 * The rare carry the random cookies above seldom meet: the low field at
 * 0xffff and the tuple check at 0xff, so that cookie + 1 carries into the
 * counter field.  The tuple check of the next counter must not be 0x00.
 */
TEST(carry_into_counter_field_forged)
{
	struct gw_cookie_opts made = opts_of(1460, -1, false, false, false);
	struct gw_cookie_hash h = { 0 };
	u32 c = COUNTER & 0xff, cookie, tsval = 0, base;

	/* base >> 8 == 0: the multiplier is 3; check(c) = base + 3c = 0xff */
	base = (0xffU - 3 * c) & 0xff;
	h.tuple = (u64)base << 32;
	/* data 3 (index of 1460, no timestamps): low field 0xffff */
	h.cur = 0xffffU - 3 * GW_COOKIE_AN;
	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	assert_int_equal((cookie - ISN) & 0xffffffU, 0xffffffU);
	assert_neighbours_forged(AF_INET, cookie, ISN, COUNTER, &h, NULL);
}

/* A cookie is good for its own tuple only. */
TEST(other_tuple_forged)
{
	struct gw_cookie_opts made = opts_of(1460, 7, true, true, true), got;
	struct gw_cookie_hash h = hash_at(5, COUNTER), other;
	u32 tsval, cookie, i, stale = 0;

	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	/* same tuple hash, other counter key: the counter hash rejects it */
	other = h;
	other.cur ^= 1;
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &other,
					 &tsval, &got), GW_COOKIE_FORGED);
	other = h;
	other.cur = counter_hash(6, COUNTER);
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &other,
					 &tsval, &got), GW_COOKIE_FORGED);
	other = hash_at(6, COUNTER);
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &other,
					 &tsval, &got), GW_COOKIE_FORGED);
	/*
	 * Other tuples altogether: never accepted; the tuple check passes by
	 * chance once in 256, and the cookie then reads stale or is judged
	 * by the counter hash.
	 */
	for (i = 0; i < 100000; i++) {
		enum gw_cookie_verdict r;

		other = hash_at(1000 + i, COUNTER);
		r = gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &other,
				    &tsval, &got);
		assert_int_not_equal(r, GW_COOKIE_OK);
		stale += r == GW_COOKIE_STALE;
	}
	/* 100000 * 254/256 / 256 = 388 expected */
	assert_in_range(stale, 194, 776);
}

/* A shift count above 14 in the TSecr, or one without its flag: malformed. */
TEST(bad_wscale_rejected)
{
	struct gw_cookie_hash h = hash_at(9, COUNTER);
	struct gw_cookie_opts made = opts_of(1460, 15, true, false, true), got;
	u32 tsval, cookie, tsecr;

	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	assert_int_equal(made.wscale, 14);	/* the client's 15 taken as 14 */
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsval, &got), GW_COOKIE_OK);
	assert_int_equal(got.wscale, 14);

	tsecr = (tsval & ~GW_COOKIE_TS_WSCALE) | 15;
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsecr, &got), GW_COOKIE_BAD_OPTIONS);
	assert_false(got.wscale_ok);
	tsecr = (tsval & ~GW_COOKIE_TS_WSCALE_OK) | 3;
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsecr, &got), GW_COOKIE_BAD_OPTIONS);
	tsecr = tsval & ~(GW_COOKIE_TS_WSCALE_OK | GW_COOKIE_TS_WSCALE);
	assert_int_equal(gw_cookie_check(AF_INET, cookie, ISN, COUNTER, &h,
					 &tsecr, &got), GW_COOKIE_OK);
	assert_false(got.wscale_ok);
}

/*
 * An MSS index past the table, in a cookie otherwise right: malformed.
 * With a counter hash of 0 the low field is GW_COOKIE_AN * data, so
 * adding GW_COOKIE_AN raises the index by one without a carry.
 */
TEST(mss_index_past_table_rejected)
{
	static const u8 families[] = { AF_INET, AF_INET6 };
	struct gw_cookie_opts made, got;
	struct gw_cookie_hash h = hash_at(13, COUNTER);
	unsigned int f, idx, ts;
	u32 tsval, cookie;

	h.cur = 0;
	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (ts = 0; ts < 2; ts++) {
			made = opts_of(9999, -1, false, false, ts);
			/* the largest entry: index 3 */
			cookie = gw_cookie_make(families[f], ISN, COUNTER, &h,
						&made, TS_NOW, &tsval);
			assert_int_equal(gw_cookie_check(families[f], cookie,
							 ISN, COUNTER, &h,
							 &tsval, &got),
					 GW_COOKIE_OK);
			for (idx = 4; idx <= GW_COOKIE_DATA_MSS; idx++) {
				cookie += GW_COOKIE_AN;
				assert_int_equal(gw_cookie_check(families[f],
								 cookie, ISN,
								 COUNTER, &h,
								 &tsval, &got),
						 GW_COOKIE_BAD_OPTIONS);
				assert_int_equal(got.mss, 0);
			}
		}
	}
}

/*
 * Every value of the low 24 bits below a right counter field: exactly the
 * 16 data values pass the tuple and counter checks; of those, the four MSS
 * indices in the table are accepted, with either timestamps state when
 * the ACK has timestamps (they are ignored if the SYN had none), with the
 * SYN's state only when it has none.
 */
static void sweep_low_bits(const u32 *tsecr, u32 ok, u32 bad)
{
	struct gw_cookie_hash h = hash_at(17, COUNTER);
	struct gw_cookie_opts made = opts_of(1460, -1, false, false, false);
	struct gw_cookie_opts got;
	u32 tsval = 0, cookie, top, low, counts[4] = { 0 };

	cookie = gw_cookie_make(AF_INET, ISN, COUNTER, &h, &made, TS_NOW,
				&tsval);
	/* the counter field as check sees it, after ISN and tuple hash */
	top = (cookie - ISN - (u32)h.tuple) & 0xff000000U;
	for (low = 0; low < 1U << 24; low++)
		counts[gw_cookie_check(AF_INET, ISN + (u32)h.tuple + top + low,
				       ISN, COUNTER, &h, tsecr, &got)]++;
	assert_int_equal(counts[GW_COOKIE_OK], ok);
	assert_int_equal(counts[GW_COOKIE_BAD_OPTIONS], bad);
	assert_int_equal(counts[GW_COOKIE_STALE], 0);
	assert_int_equal(counts[GW_COOKIE_FORGED], (1U << 24) - ok - bad);
}

TEST(exhaustive_low_bits)
{
	u32 tsecr = GW_COOKIE_TS_WSCALE_OK;

	sweep_low_bits(NULL, 4, 12);
	sweep_low_bits(&tsecr, 8, 8);
}

/*
 * Random cookies against one tuple, one ISN and one counter, half of the
 * ACKs with timestamps.  The bound: of the 2^32 cookies, those accepted
 * have one of 2 counter fields (now and the one before), the one tuple
 * check that field allows, and in the low 16 bits one of the at most 8
 * data values accepted (exhaustive_low_bits: 4 MSS indices, times 2
 * timestamps states when the ACK has timestamps): 2 * 8 = 16, so
 * p <= 16 / 2^32 (3.7e-9) and 1,000,000 tries expect at most 0.0037
 * accepted; two or more would have probability 7e-6 (Poisson), so they
 * mean the check is weaker than its layout.  Bad options likewise (at
 * most 12 data values).  Stale: any other counter field (254 of 256) with
 * its tuple check (1 in 256): 3876 expected.
 */
TEST(random_cookies_rarely_accepted)
{
	const u32 tries = 1000000;
	struct gw_cookie_hash h = hash_at(23, COUNTER);
	struct gw_cookie_opts got;
	u32 i, counts[4] = { 0 }, tsecr = 0x40;

	rng_state = 0x5eed;
	for (i = 0; i < tries; i++)
		counts[gw_cookie_check(AF_INET, (u32)rnd(), ISN, COUNTER, &h,
				       i & 1 ? &tsecr : NULL, &got)]++;
	print_message("random cookies: %u of %u accepted (%.3g; bound %.3g), %u stale, %u bad options\n",
		      counts[GW_COOKIE_OK], tries,
		      (double)counts[GW_COOKIE_OK] / tries, 16.0 / 4294967296.0,
		      counts[GW_COOKIE_STALE], counts[GW_COOKIE_BAD_OPTIONS]);
	assert_true(counts[GW_COOKIE_OK] <= 1);
	assert_true(counts[GW_COOKIE_BAD_OPTIONS] <= 1);
	assert_in_range(counts[GW_COOKIE_STALE], 3876 / 2, 3876 * 2);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(mss_round_trip_v4),
	cmocka_unit_test(mss_round_trip_v6),
	cmocka_unit_test(options_round_trip_with_timestamps),
	cmocka_unit_test(offered_wscale_round_trip),
	cmocka_unit_test(bad_offered_wscale_rejected),
	cmocka_unit_test(options_without_timestamps_mss_only),
	cmocka_unit_test(ack_timestamps_must_match_syn),
	cmocka_unit_test(tsval_never_after_now),
	cmocka_unit_test(valid_for_one_rotation),
	cmocka_unit_test(flipped_bit_forged),
	cmocka_unit_test(carry_into_counter_field_forged),
	cmocka_unit_test(other_tuple_forged),
	cmocka_unit_test(bad_wscale_rejected),
	cmocka_unit_test(mss_index_past_table_rejected),
	cmocka_unit_test(exhaustive_low_bits),
	cmocka_unit_test(random_cookies_rarely_accepted),
};

GW_UNIT_MAIN(tests)
