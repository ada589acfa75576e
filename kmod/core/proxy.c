// SPDX-License-Identifier: GPL-2.0
/*
 * The SYN proxy's segments as the tracker sees them; proxy.h says why.
 */
#include "proxy.h"

/* The options of the client's @syn, for its cookie. */
void gw_proxy_syn_opts(const struct gw_pkt *syn, struct gw_cookie_opts *opts)
{
	memset(opts, 0, sizeof(*opts));
	if (syn->tcp_opts & GW_TCPOPT_MSS)
		opts->mss = syn->mss;
	opts->wscale_ok = syn->tcp_opts & GW_TCPOPT_WSCALE_SEEN;
	opts->wscale = syn->wscale;
	opts->sack_ok = syn->tcp_opts & GW_TCPOPT_SACK_PERM;
	opts->ecn_ok = (syn->tcp_flags & (GW_TCP_ECE | GW_TCP_CWR)) ==
		       (GW_TCP_ECE | GW_TCP_CWR);
	opts->ts_ok = syn->tcp_opts & GW_TCPOPT_TS;
}

/*
 * The SYN the client would have sent the server, from its ACK @ack whose
 * cookie gave @opts, for a SYN of ISN @client_isn.  Its window is the one
 * the ACK announced (in the client's scale, so smaller than it means on a
 * SYN, never larger), its TSval the ACK's, its TSecr 0 (RFC 7323 3.2).
 */
void gw_proxy_server_syn(const struct gw_pkt *ack, u32 client_isn,
			 const struct gw_cookie_opts *opts,
			 struct gw_pkt *syn)
{
	gw_proxy_addressed(syn, ack, false);
	syn->proto = ack->proto;
	syn->seq = client_isn;
	syn->tcp_flags = GW_TCP_SYN;
	if (opts->ecn_ok)
		syn->tcp_flags |= GW_TCP_ECE | GW_TCP_CWR;
	syn->window = ack->window;
	syn->tcp_opts = GW_TCPOPT_MSS;
	syn->mss = opts->mss;
	if (opts->wscale_ok) {
		syn->tcp_opts |= GW_TCPOPT_WSCALE_SEEN;
		syn->wscale = opts->wscale;
	}
	if (opts->sack_ok)
		syn->tcp_opts |= GW_TCPOPT_SACK_PERM;
	if (opts->ts_ok) {
		syn->tcp_opts |= GW_TCPOPT_TS;
		syn->tsval = ack->tsval;
	}
}

/*
 * The ACK the client would have sent the server for its @synack: the
 * client's window as its ACK to us announced it, and with timestamps the
 * server's TSval echoed and the client's own, which the server echoed.
 */
void gw_proxy_server_ack(const struct gw_pkt *synack, u16 client_window,
			 struct gw_pkt *ack)
{
	gw_proxy_addressed(ack, synack, true);
	ack->proto = synack->proto;
	ack->seq = synack->ack_seq;
	ack->ack_seq = synack->seq + 1;
	ack->tcp_flags = GW_TCP_ACK;
	ack->window = client_window;
	if (synack->tcp_opts & GW_TCPOPT_TS) {
		ack->tcp_opts = GW_TCPOPT_TS;
		ack->tsval = synack->tsecr;
		ack->tsecr = synack->tsval;
	}
}

/* @pkt, from the client, as the server will see it (seqadj.h). */
void gw_proxy_to_server(const struct gw_seqadj *adj, struct gw_pkt *pkt)
{
	if (!(pkt->tcp_flags & GW_TCP_ACK))
		return;
	pkt->ack_seq += adj->seq_delta;
	if (pkt->tcp_opts & GW_TCPOPT_SACK)
		pkt->sack_edge += adj->seq_delta;
	if (pkt->tcp_opts & GW_TCPOPT_TS)
		pkt->tsecr += adj->ts_delta;
}

/*
 * The window field of a server's segment for the client, which reads it
 * with @read_shift (the one the proxy offered) where the server meant
 * @real_shift: rounded down, so the client never sends past what the
 * server allows, and at most 65535.
 */
u16 gw_proxy_window(u16 window, u8 real_shift, u8 read_shift)
{
	u32 win = ((u32)window << real_shift) >> read_shift;

	return win > 0xffff ? 0xffff : (u16)win;
}

static u32 gw_proxy_auto_high(u32 max)
{
	if (!max)
		max = GW_PROXY_AUTO_MAX;
	return max / 4 ? max / 4 : 1;
}

bool gw_proxy_auto_engage(u32 halfopen, u32 max)
{
	return halfopen >= gw_proxy_auto_high(max);
}

bool gw_proxy_auto_disengage(u32 halfopen, u32 answered, u32 opened,
			     u32 max)
{
	u32 low = gw_proxy_auto_high(max) / 2;
	u32 unanswered = answered > opened ? answered - opened : 0;

	return halfopen <= low && unanswered <= low;
}
