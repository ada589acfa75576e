/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _GW_CORE_SYNCOOKIE_H
#define _GW_CORE_SYNCOOKIE_H

#include "types.h"

/*
 * SYN cookies for the SYN proxy: the arithmetic only.  The keyed hashes
 * come from the embedder (siphash in the module, a stand-in in the unit
 * tests), so this file holds no key, no clock and no state.
 *
 * The embedder hashes the connection's addresses and ports (client first)
 * into struct gw_cookie_hash:
 *   @tuple: 64 bits of H(key0; tuple), the same for every counter, as
 *	     Linux's cookie_hash(..., 0, 0);
 *   @cur:   H(key1; tuple, counter), the counter being the key rotation
 *	     epoch (a minute or so; it only ever goes up by one);
 *   @prev:  H(key1; tuple, counter - 1), for gw_cookie_check() only.
 *
 * The cookie is our ISN.  cookie - client_isn - (u32)@tuple is:
 *
 *   31        24 23        16 15                     0
 *  |  counter   | tuple check |  @cur + GW_COOKIE_AN * data  |
 *
 * counter:	the low 8 bits of the counter it was made at;
 * tuple check:	a function of @tuple's high half and the counter field,
 *		so a cookie that was ours but has expired reads as stale
 *		rather than forged, and a changed counter field never passes;
 * data:	the MSS index (GW_COOKIE_DATA_MSS) and whether the client
 *		sent timestamps (GW_COOKIE_DATA_TS), times GW_COOKIE_AN.
 *
 * Window scale, SACK and ECN do not fit; as Linux does, they travel in the
 * low GW_COOKIE_TS_BITS of the TSval of our SYN-ACK and come back in the
 * ACK's TSecr, so without timestamps only the MSS survives.  So does the
 * shift count we offered the client (which the proxy learns per
 * destination, so it may have changed by the time the ACK comes back).
 */
#define GW_COOKIE_COUNTER_SHIFT	24
#define GW_COOKIE_TUPLE_SHIFT	16
#define GW_COOKIE_LOW_MASK	0xffffU
#define GW_COOKIE_DATA_MSS	0x7	/* index into the family's MSS table */
#define GW_COOKIE_DATA_TS	0x8
#define GW_COOKIE_DATA_END	0x10
/*
 * An AN code: any two data values times 565 differ (mod 2^16) by no sum
 * of fewer than five signed powers of two, so no flipped bit or carry in
 * the low field turns one option set into another.
 */
#define GW_COOKIE_AN		565U

/*
 * The options in the low bits of our SYN-ACK's TSval (Linux: TSBITS 6), so
 * our TSval is up to 2^11 ms (2 s) behind our clock.
 */
#define GW_COOKIE_TS_BITS	11
#define GW_COOKIE_TS_WSCALE	0x0f	/* the client's shift count */
#define GW_COOKIE_TS_SACK	0x10
#define GW_COOKIE_TS_ECN	0x20
#define GW_COOKIE_TS_WSCALE_OK	0x40	/* Linux says "none" with 0xf */
#define GW_COOKIE_TS_OFFER_SHIFT	7	/* ours, with GW_COOKIE_TS_WSCALE_OK */
#define GW_COOKIE_TS_OFFER	(0x0fU << GW_COOKIE_TS_OFFER_SHIFT)

/* RFC 7323 2.3: a larger shift count is taken as 14. */
#define GW_COOKIE_WSCALE_MAX	14

enum gw_cookie_verdict {
	GW_COOKIE_OK,
	GW_COOKIE_FORGED,	/* not made by us for this tuple */
	GW_COOKIE_STALE,	/* ours, but more than one rotation old */
	GW_COOKIE_BAD_OPTIONS,	/* in time, but options we never encode */
};

struct gw_cookie_hash {
	u64 tuple;
	u32 cur;
	u32 prev;
};

/*
 * The client's SYN options, in host order, and the shift count our
 * SYN-ACK offered it.
 */
struct gw_cookie_opts {
	u16 mss;		/* 0: the SYN had no MSS option */
	u8 wscale;		/* shift count, if @wscale_ok */
	u8 offer_wscale;	/* ours (at most 14), if @wscale_ok */
	bool wscale_ok;
	bool sack_ok;
	bool ecn_ok;		/* the SYN had ECE and CWR */
	bool ts_ok;		/* the SYN had a timestamps option */
};

u32 gw_cookie_make(u8 family, u32 client_isn, u32 counter,
		   const struct gw_cookie_hash *hash,
		   struct gw_cookie_opts *opts, u32 ts_now, u32 *tsval);

enum gw_cookie_verdict gw_cookie_check(u8 family, u32 cookie, u32 client_isn,
				       u32 counter,
				       const struct gw_cookie_hash *hash,
				       const u32 *tsecr,
				       struct gw_cookie_opts *opts);

#endif /* _GW_CORE_SYNCOOKIE_H */
