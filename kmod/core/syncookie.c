// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies: what the SYN proxy's SYN-ACK carries so that it can forget
 * the SYN, and the check of the client's ACK that brings it back.  Modelled
 * on net/ipv4/syncookies.c; the layout is in syncookie.h.
 */
#include "syncookie.h"

/*
 * The MSS values a cookie can carry, Linux's msstab and msstab6: the most
 * common announced values (Alcock and Nelson, 2011), sorted.  The first is
 * the least every host of the family must accept (RFC 9293 3.7.1: 536 for
 * IPv4, the IPv6 minimum MTU of 1280 less 60 for IPv6).
 */
static const u16 gw_cookie_msstab[] = { 536, 1300, 1440, 1460 };
static const u16 gw_cookie_msstab6[] = { 1280 - 60, 1480 - 60, 1500 - 60,
					 9000 - 60 };

/* GW_COOKIE_AN * GW_COOKIE_AN_INV == 1 (mod 2^16) */
#define GW_COOKIE_AN_INV	49181U

#define GW_COOKIE_TS_OPTS	((1U << GW_COOKIE_TS_BITS) - 1)

static const u16 *gw_cookie_table(u8 family, unsigned int *len)
{
	if (family == AF_INET6) {
		*len = ARRAY_SIZE(gw_cookie_msstab6);
		return gw_cookie_msstab6;
	}
	*len = ARRAY_SIZE(gw_cookie_msstab);
	return gw_cookie_msstab;
}

/*
 * The tuple check for counter field @c: 8 bits that need @tuple but no
 * counter hash, so an expired cookie of ours can be told from a forged
 * one.  The multiplier is odd, so two counter fields (less than 256 apart)
 * never share a check; and it is not 1 mod 4, so a carry out of the check
 * into the counter field (check + 1 with c + 1) does not pass either.
 */
static u32 gw_cookie_tuple_check(u64 tuple, u32 c)
{
	u32 base = (u32)(tuple >> 32);

	return (base + c * ((base >> 8) | 3)) & 0xff;
}

/*
 * Make the cookie for a SYN from @client_isn at @counter, and adjust @opts
 * to what it keeps: the MSS rounded down to a table value (up to the
 * family's minimum when smaller or absent), the shift count capped at 14,
 * and without timestamps no window scale, SACK or ECN, which the SYN-ACK
 * must then not offer.  With timestamps, *@tsval is the TSval for the
 * SYN-ACK: @ts_now (the sender's timestamp clock) rounded down, so that
 * later timestamps from the same clock never go backwards, with the
 * options in its low bits.
 */
u32 gw_cookie_make(u8 family, u32 client_isn, u32 counter,
		   const struct gw_cookie_hash *hash,
		   struct gw_cookie_opts *opts, u32 ts_now, u32 *tsval)
{
	unsigned int len, idx;
	const u16 *tab = gw_cookie_table(family, &len);
	u32 data, c = counter & 0xff, ts_opts = 0, ts;

	for (idx = len - 1; idx > 0; idx--)
		if (opts->mss >= tab[idx])
			break;
	opts->mss = tab[idx];
	data = idx;

	if (opts->ts_ok) {
		data |= GW_COOKIE_DATA_TS;
		if (opts->wscale_ok) {
			if (opts->wscale > GW_COOKIE_WSCALE_MAX)
				opts->wscale = GW_COOKIE_WSCALE_MAX;
			if (opts->offer_wscale > GW_COOKIE_WSCALE_MAX)
				opts->offer_wscale = GW_COOKIE_WSCALE_MAX;
			ts_opts = GW_COOKIE_TS_WSCALE_OK | opts->wscale |
				  opts->offer_wscale << GW_COOKIE_TS_OFFER_SHIFT;
		}
		if (opts->sack_ok)
			ts_opts |= GW_COOKIE_TS_SACK;
		if (opts->ecn_ok)
			ts_opts |= GW_COOKIE_TS_ECN;
		ts = (ts_now & ~GW_COOKIE_TS_OPTS) | ts_opts;
		if (ts > ts_now)
			ts -= 1U << GW_COOKIE_TS_BITS;
		*tsval = ts;
	} else {
		opts->wscale_ok = false;
		opts->sack_ok = false;
		opts->ecn_ok = false;
	}
	if (!opts->wscale_ok) {
		opts->wscale = 0;
		opts->offer_wscale = 0;
	}

	return client_isn + (u32)hash->tuple + (c << GW_COOKIE_COUNTER_SHIFT) +
	       (gw_cookie_tuple_check(hash->tuple, c) << GW_COOKIE_TUPLE_SHIFT) +
	       ((hash->cur + GW_COOKIE_AN * data) & GW_COOKIE_LOW_MASK);
}

/*
 * Check the ACK of a cookie SYN-ACK: @cookie is its ack_seq - 1,
 * @client_isn its seq - 1, @tsecr its TSecr or NULL when it has no
 * timestamps.  A cookie is good at the counter it was made at and the
 * next one.  Only on GW_COOKIE_OK are @opts the client's SYN options, as
 * gw_cookie_make() adjusted them; otherwise they are zero.
 */
enum gw_cookie_verdict gw_cookie_check(u8 family, u32 cookie, u32 client_isn,
				       u32 counter,
				       const struct gw_cookie_hash *hash,
				       const u32 *tsecr,
				       struct gw_cookie_opts *opts)
{
	u32 v = cookie - client_isn - (u32)hash->tuple;
	u32 c = v >> GW_COOKIE_COUNTER_SHIFT;
	u32 age = (counter - c) & 0xff;
	u32 data, ts_opts;
	unsigned int len;
	const u16 *tab = gw_cookie_table(family, &len);

	memset(opts, 0, sizeof(*opts));
	if (((v >> GW_COOKIE_TUPLE_SHIFT) & 0xff) !=
	    gw_cookie_tuple_check(hash->tuple, c))
		return GW_COOKIE_FORGED;
	if (age > 1)
		return GW_COOKIE_STALE;

	data = ((v - (age ? hash->prev : hash->cur)) * GW_COOKIE_AN_INV) &
	       GW_COOKIE_LOW_MASK;
	if (data >= GW_COOKIE_DATA_END)
		return GW_COOKIE_FORGED;
	if ((data & GW_COOKIE_DATA_MSS) >= len)
		return GW_COOKIE_BAD_OPTIONS;

	if (!(data & GW_COOKIE_DATA_TS)) {
		/* RFC 7323 3.2: timestamps not agreed in the SYN are ignored */
		opts->mss = tab[data & GW_COOKIE_DATA_MSS];
		return GW_COOKIE_OK;
	}
	/*
	 * We sent timestamps: without them the ACK cannot tell the client's
	 * window scale, which the client believes agreed.
	 */
	if (!tsecr)
		return GW_COOKIE_BAD_OPTIONS;
	ts_opts = *tsecr & GW_COOKIE_TS_OPTS;
	if (ts_opts & GW_COOKIE_TS_WSCALE_OK) {
		u32 offer = (ts_opts & GW_COOKIE_TS_OFFER) >>
			    GW_COOKIE_TS_OFFER_SHIFT;

		if ((ts_opts & GW_COOKIE_TS_WSCALE) > GW_COOKIE_WSCALE_MAX ||
		    offer > GW_COOKIE_WSCALE_MAX)
			return GW_COOKIE_BAD_OPTIONS;
		opts->wscale_ok = true;
		opts->wscale = ts_opts & GW_COOKIE_TS_WSCALE;
		opts->offer_wscale = offer;
	} else if (ts_opts & (GW_COOKIE_TS_WSCALE | GW_COOKIE_TS_OFFER)) {
		return GW_COOKIE_BAD_OPTIONS;
	}
	opts->mss = tab[data & GW_COOKIE_DATA_MSS];
	opts->sack_ok = ts_opts & GW_COOKIE_TS_SACK;
	opts->ecn_ok = ts_opts & GW_COOKIE_TS_ECN;
	opts->ts_ok = true;
	return GW_COOKIE_OK;
}
