// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: malformed IPv4/IPv6 TCP traffic for the packet-fuzz scenario,
 * sent raw on an AF_PACKET socket so that the sender's stack neither
 * validates nor repairs anything.
 *
 *   pktfuzz IFNAME DST-MAC SRC4 DST4 SRC6 DST6 COUNT SEED SECONDS
 *
 * COUNT frames, each of one kind picked at random (deterministic per SEED):
 * TCP with random flags and options, truncated frames and headers, bad data
 * offsets, IPv4 options, IPv6 extension-header chains, bogus IP lengths,
 * fragments (tiny, overlapping, incomplete, complete), other protocols,
 * garbage and bad checksums.  Sources SRC4/SRC6 (with random ports),
 * destinations DST4/DST6.  Prints one line per kind
 * ("kind NAME N") and "sent N in S s"; exits 0 when all COUNT went out, 3
 * when SECONDS ran out first, 1 on an error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>

#include "pktlib.h"

#define BATCH 32

static uint64_t rng_state;

static uint32_t rnd(void)
{
	/* xorshift64*: fast, and the same stream for the same seed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	while (n--)
		*p++ = (uint8_t)rnd();
}

enum kind {
	K_TCP4, K_TCP6, K_TRUNC4, K_TRUNC6, K_DOFF, K_IPOPT4, K_EXTHDR6,
	K_LEN4, K_LEN6, K_FRAG4, K_FRAG6, K_OTHER, K_GARBAGE, K_CSUM,
	K_MAX
};

static const char *const kind_name[K_MAX] = {
	"tcp4_flags", "tcp6_flags", "truncated4", "truncated6", "bad_doff",
	"ip4_options", "ip6_ext_headers", "bogus_len4", "bogus_len6",
	"fragments4", "fragments6", "other_proto", "garbage", "bad_checksum",
};

static uint8_t smac[6], dmac[6];
static struct in_addr src4, dst4;
static struct in6_addr src6, dst6;

/* The frames of one generated unit (a fragment train is several). */
static struct frame out[BATCH];
static unsigned int nout;

static struct frame *next_frame(void)
{
	struct frame *f = &out[nout++];

	memset(f->buf, 0, 128);
	f->len = 0;
	return f;
}

/*
 * Always the sender's own addresses: a reply to a spoofed neighbour would
 * die in the gateway's neighbour table, after the hooks counted it passed,
 * and the scenario accounts for every packet.  Random ports give the
 * variety of flows instead.
 */
static struct in_addr pick_src4(void)
{
	return src4;
}

static struct in6_addr pick_src6(void)
{
	return src6;
}

static void pick_tcp(struct tcp_spec *t, int sane_flags)
{
	static const uint16_t ports[] = { 22, 80, 443, 8080 };
	static const uint8_t sane[] = {
		TH_SYN, TH_SYN | TH_ACK, TH_ACK, TH_FIN | TH_ACK, TH_RST,
		TH_RST | TH_ACK, TH_PUSH | TH_ACK,
	};

	t->sport = (uint16_t)(1024 + rnd_below(64000));
	t->dport = ports[rnd_below(4)];
	t->seq = rnd();
	t->ack = rnd();
	t->flags = sane_flags ? sane[rnd_below(sizeof(sane))] : (uint8_t)rnd();
	t->doff = 5;
	t->win = (uint16_t)rnd();
}

/*
 * TCP options into @p (room for 40 bytes): well-formed ones, or
 * malformed ones (zero or overlong lengths, truncated), or noise.
 * Returns their length, a multiple of 4.
 */
static size_t tcp_options(uint8_t *p)
{
	size_t n = 0, want = 4 * (1 + rnd_below(10));

	while (n < want) {
		switch (rnd_below(8)) {
		case 0: /* MSS */
			if (n + 4 > want)
				goto pad;
			p[n] = 2; p[n + 1] = 4; p[n + 2] = 5; p[n + 3] = 0xb4;
			n += 4;
			break;
		case 1: /* window scale, sometimes absurd */
			if (n + 3 > want)
				goto pad;
			p[n] = 3; p[n + 1] = 3; p[n + 2] = (uint8_t)rnd_below(20);
			n += 3;
			break;
		case 2: /* SACK permitted */
			if (n + 2 > want)
				goto pad;
			p[n] = 4; p[n + 1] = 2;
			n += 2;
			break;
		case 3: /* timestamps */
			if (n + 10 > want)
				goto pad;
			p[n] = 8; p[n + 1] = 10;
			rnd_bytes(p + n + 2, 8);
			n += 10;
			break;
		case 4: /* a length of 0 or 1, or running past the header */
			if (n + 2 > want)
				goto pad;
			p[n] = (uint8_t)(2 + rnd_below(30));
			p[n + 1] = (uint8_t)(rnd_below(2) ? rnd_below(2) : 40 + rnd_below(200));
			n += 2;
			break;
		case 5: /* SACK blocks with a bogus count */
			if (n + 2 > want)
				goto pad;
			p[n] = 5; p[n + 1] = (uint8_t)(2 + rnd_below(40));
			n += 2;
			break;
		case 6:
			p[n++] = 1; /* NOP */
			break;
		default:
			rnd_bytes(p + n, want - n);
			n = want;
			break;
		}
	}
pad:
	while (n < want)
		p[n++] = rnd_below(2) ? 0 : 1;
	return want;
}

/* A TCP segment of @payload random bytes after header and options. */
static size_t tcp_segment(uint8_t *p, struct tcp_spec *t, int with_opts,
			  size_t payload)
{
	size_t optlen = with_opts ? tcp_options(p + 20) : 0;

	t->doff = (uint8_t)(5 + optlen / 4);
	rnd_bytes(p + 20 + optlen, payload);
	return 20 + optlen + payload;
}

static void gen_tcp4(struct tcp_spec *t, int opts, size_t payload,
		     struct frame *f, size_t *iplen)
{
	struct in_addr s = pick_src4();
	uint8_t *ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IP);
	size_t seg = tcp_segment(ip + 20, t, opts, payload);

	put_tcp(ip + 20, t, seg, psum4(s, dst4, IPPROTO_TCP));
	put_ip4(ip, s, dst4, IPPROTO_TCP, 20, 20 + seg, (uint16_t)rnd(), 0x4000);
	f->len = 14 + 20 + seg;
	if (iplen)
		*iplen = 20 + seg;
}

static void gen_tcp6(struct tcp_spec *t, int opts, size_t payload,
		     struct frame *f)
{
	struct in6_addr s = pick_src6();
	uint8_t *ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IPV6);
	size_t seg = tcp_segment(ip + 40, t, opts, payload);

	put_tcp(ip + 40, t, seg, psum6(&s, &dst6, IPPROTO_TCP));
	put_ip6(ip, &s, &dst6, IPPROTO_TCP, seg);
	f->len = 14 + 40 + seg;
}

static void refresh_ip4_csum(uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 0xf) * 4;
	uint16_t c;

	ip[10] = ip[11] = 0;
	c = csum_fold(csum_add(0, ip, ihl < 20 ? 20 : ihl));
	memcpy(ip + 10, &c, 2);
}

/* IPv4 options: well-formed (NOP, EOL, RR, TS, router alert), source
 * routes (which the receiver refuses), and broken lengths and pointers. */
static size_t ip4_options(uint8_t *p, size_t room)
{
	size_t n = 0;

	while (n < room) {
		size_t left = room - n;

		switch (rnd_below(7)) {
		case 0:
			p[n++] = 1; /* NOP */
			break;
		case 1: /* record route, pointer in or out of range */
			if (left < 7)
				goto pad;
			p[n] = 7; p[n + 1] = 7;
			p[n + 2] = (uint8_t)(rnd_below(2) ? 4 : rnd());
			n += 7;
			break;
		case 2: /* timestamp, sometimes with a bad flag */
			if (left < 8)
				goto pad;
			p[n] = 68; p[n + 1] = 8; p[n + 2] = 5;
			p[n + 3] = (uint8_t)rnd_below(16);
			n += 8;
			break;
		case 3: /* router alert */
			if (left < 4)
				goto pad;
			p[n] = 148; p[n + 1] = 4; p[n + 2] = 0; p[n + 3] = 0;
			n += 4;
			break;
		case 4: /* loose or strict source route */
			if (left < 7)
				goto pad;
			p[n] = rnd_below(2) ? 131 : 137; p[n + 1] = 7; p[n + 2] = 4;
			memcpy(p + n + 3, &dst4, 4);
			n += 7;
			break;
		case 5: /* option length 0, 1 or past the header */
			if (left < 2)
				goto pad;
			p[n] = (uint8_t)(rnd_below(2) ? 7 : rnd());
			p[n + 1] = (uint8_t)rnd_below(3) == 0 ? 0 : (uint8_t)(left + 1 + rnd_below(8));
			n += 2;
			break;
		default:
			rnd_bytes(p + n, left);
			n = room;
			break;
		}
	}
pad:
	while (n < room)
		p[n++] = 0;
	return room;
}

static void gen_ipopt4(void)
{
	struct frame *f = next_frame();
	struct tcp_spec t;
	struct in_addr s = pick_src4();
	uint8_t *ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IP);
	size_t ihl = 4 * (6 + rnd_below(10)), seg;

	pick_tcp(&t, 1);
	ip4_options(ip + 20, ihl - 20);
	seg = tcp_segment(ip + ihl, &t, rnd_below(2), rnd_below(32));
	put_tcp(ip + ihl, &t, seg, psum4(s, dst4, IPPROTO_TCP));
	put_ip4(ip, s, dst4, IPPROTO_TCP, ihl, ihl + seg, (uint16_t)rnd(), 0);
	f->len = 14 + ihl + seg;
}

/* A chain of IPv6 extension headers ending in TCP, sometimes with an
 * extension length that runs past the packet or a routing header type the
 * receiver refuses. */
static void gen_exthdr6(void)
{
	static const uint8_t types[] = { 0, 60, 43, 44, 60, 253, 135 };
	struct frame *f = next_frame();
	struct in6_addr s = pick_src6();
	struct tcp_spec t;
	uint8_t *ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IPV6);
	uint8_t *p = ip + 40, *nextp = &ip[6];
	unsigned int i, nhdr = 1 + rnd_below(6);
	size_t seg;

	for (i = 0; i < nhdr; i++) {
		uint8_t type = types[rnd_below(sizeof(types))];
		size_t len;

		if (type == 0 && i > 0)
			type = 60; /* hop-by-hop only first, usually */
		*nextp = type;
		if (type == 44) { /* fragment header, 8 bytes */
			len = 8;
			p[1] = 0;
			/* atomic fragment, or a real offset with no rest */
			p[2] = 0;
			p[3] = (uint8_t)(rnd_below(3) == 0 ? 1 : 0);
			rnd_bytes(p + 4, 4);
		} else {
			len = 8 * (1 + rnd_below(4));
			p[1] = (uint8_t)(len / 8 - 1);
			if (rnd_below(10) == 0)
				p[1] = (uint8_t)rnd(); /* past the end */
			if (type == 43) {
				/* routing: type 0 (deprecated), 2, 4, or random */
				static const uint8_t rt[] = { 0, 2, 4, 200 };

				p[2] = rt[rnd_below(4)];
				p[3] = (uint8_t)rnd_below(2); /* segments left */
				rnd_bytes(p + 4, len - 4);
			} else {
				/* options: Pad1, PadN, or random TLVs */
				if (rnd_below(2)) {
					memset(p + 2, 0, len - 2);
				} else {
					rnd_bytes(p + 2, len - 2);
				}
			}
		}
		nextp = &p[0];
		p += len;
		if (p - ip > 400)
			break;
	}
	*nextp = IPPROTO_TCP;
	pick_tcp(&t, 1);
	seg = tcp_segment(p, &t, rnd_below(2), rnd_below(16));
	put_tcp(p, &t, seg, psum6(&s, &dst6, IPPROTO_TCP));
	p += seg;
	{
		uint8_t next = ip[6];

		put_ip6(ip, &s, &dst6, next, (size_t)(p - ip) - 40);
	}
	f->len = 14 + (size_t)(p - ip);
}

/* A TCP datagram cut into fragments: tiny first fragments that split the
 * TCP header, overlaps, gaps, a missing last piece, or a complete set. */
static void gen_frag4(void)
{
	uint8_t dgram[256];
	struct tcp_spec t;
	struct in_addr s = pick_src4();
	size_t seg, off = 0;
	uint16_t id = (uint16_t)rnd();
	int mode = (int)rnd_below(5);
	unsigned int pieces = 2 + rnd_below(3), i;

	pick_tcp(&t, 1);
	seg = tcp_segment(dgram, &t, rnd_below(2), 8 + rnd_below(64));
	put_tcp(dgram, &t, seg, psum4(s, dst4, IPPROTO_TCP));

	for (i = 0; i < pieces && off < seg; i++) {
		struct frame *f = next_frame();
		uint8_t *ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IP);
		size_t len, at = off;
		int last;

		if (i == 0 && mode == 0)
			len = 8; /* TCP ports only: the flags are in the next one */
		else
			len = 8 * (1 + rnd_below(4));
		if (mode == 1 && i > 0 && at >= 8)
			at -= 8; /* overlap the previous fragment */
		if (at + len >= seg)
			len = seg - at;
		last = at + len >= seg;
		if (mode == 2 && last) {
			nout--; /* never complete */
			break;
		}
		if (mode == 3 && i == 0 && pieces > 2) {
			off += len; /* a hole at the start */
			nout--;
			continue;
		}
		memcpy(ip + 20, dgram + at, len);
		put_ip4(ip, s, dst4, IPPROTO_TCP, 20, 20 + len, id,
			(uint16_t)((last ? 0 : 0x2000) | (at / 8)));
		f->len = 14 + 20 + len;
		off = at + len;
		if (mode == 4 && last && rnd_below(2)) {
			/* and a duplicate of the last one */
			struct frame *g = next_frame();

			memcpy(g->buf, f->buf, f->len);
			g->len = f->len;
		}
	}
}

static void gen_frag6(void)
{
	uint8_t dgram[256];
	struct tcp_spec t;
	struct in6_addr s = pick_src6();
	size_t seg, off = 0;
	uint32_t id = rnd();
	int mode = (int)rnd_below(5);
	unsigned int pieces = 2 + rnd_below(3), i;

	pick_tcp(&t, 1);
	seg = tcp_segment(dgram, &t, rnd_below(2), 8 + rnd_below(64));
	put_tcp(dgram, &t, seg, psum6(&s, &dst6, IPPROTO_TCP));

	for (i = 0; i < pieces && off < seg; i++) {
		struct frame *f = next_frame();
		uint8_t *ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IPV6);
		uint8_t *fh = ip + 40;
		size_t len, at = off;
		uint16_t fo;
		int last;

		if (i == 0 && mode == 0)
			len = 8;
		else
			len = 8 * (1 + rnd_below(4));
		if (mode == 1 && i > 0 && at >= 8)
			at -= 8;
		if (at + len >= seg)
			len = seg - at;
		last = at + len >= seg;
		if (mode == 2 && last) {
			nout--;
			break;
		}
		if (mode == 3 && i == 0 && pieces > 2) {
			off += len;
			nout--;
			continue;
		}
		fh[0] = IPPROTO_TCP;
		fh[1] = 0;
		fo = (uint16_t)(at & ~7u) | (last ? 0 : 1);
		fh[2] = fo >> 8;
		fh[3] = fo & 0xff;
		memcpy(fh + 4, &id, 4);
		memcpy(fh + 8, dgram + at, len);
		put_ip6(ip, &s, &dst6, 44, 8 + len);
		f->len = 14 + 40 + 8 + len;
		off = at + len;
	}
}

static void gen_other(void)
{
	static const uint8_t protos[] = { 17, 1, 58, 47, 132, 255, 0, 6 };
	struct frame *f = next_frame();
	uint8_t proto = protos[rnd_below(sizeof(protos))];
	size_t len = rnd_below(64);
	uint8_t *ip;

	if (rnd_below(2)) {
		struct in_addr s = pick_src4();

		ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IP);
		rnd_bytes(ip + 20, len);
		put_ip4(ip, s, dst4, proto, 20, 20 + len, (uint16_t)rnd(), 0);
		f->len = 14 + 20 + len;
	} else {
		struct in6_addr s = pick_src6();

		ip = f->buf + put_eth(f->buf, smac, dmac, ETHERTYPE_IPV6);
		rnd_bytes(ip + 40, len);
		put_ip6(ip, &s, &dst6, proto, len);
		f->len = 14 + 40 + len;
	}
}

static void gen_one(enum kind k)
{
	struct tcp_spec t;
	struct frame *f;
	size_t iplen, cut;
	uint8_t *ip;

	switch (k) {
	case K_TCP4:
		pick_tcp(&t, 0);
		gen_tcp4(&t, rnd_below(2), rnd_below(48), next_frame(), NULL);
		break;
	case K_TCP6:
		pick_tcp(&t, 0);
		gen_tcp6(&t, rnd_below(2), rnd_below(48), next_frame());
		break;
	case K_TRUNC4:
		f = next_frame();
		pick_tcp(&t, 1);
		gen_tcp4(&t, rnd_below(2), rnd_below(16), f, &iplen);
		ip = f->buf + 14;
		cut = rnd_below((uint32_t)iplen);
		f->len = 14 + cut;
		if (rnd_below(2) && cut >= 20) {
			/* a consistent IP header over a cut TCP header */
			ip[2] = cut >> 8;
			ip[3] = cut & 0xff;
			refresh_ip4_csum(ip);
		}
		if (f->len < 15)
			f->len = 15;
		break;
	case K_TRUNC6:
		f = next_frame();
		pick_tcp(&t, 1);
		gen_tcp6(&t, rnd_below(2), rnd_below(16), f);
		cut = rnd_below((uint32_t)(f->len - 14));
		if (rnd_below(2) && cut >= 40) {
			f->buf[14 + 4] = (uint8_t)((cut - 40) >> 8);
			f->buf[14 + 5] = (uint8_t)((cut - 40) & 0xff);
		}
		f->len = 14 + (cut ? cut : 1);
		break;
	case K_DOFF:
		pick_tcp(&t, 1);
		f = next_frame();
		if (rnd_below(2)) {
			gen_tcp4(&t, 0, rnd_below(24), f, NULL);
			ip = f->buf + 14 + 20;
		} else {
			gen_tcp6(&t, 0, rnd_below(24), f);
			ip = f->buf + 14 + 40;
		}
		/* below 5, or past the end; the checksum is left stale
		 * half the time */
		ip[12] = (uint8_t)((rnd_below(2) ? rnd_below(5) : 6 + rnd_below(10)) << 4);
		break;
	case K_IPOPT4:
		gen_ipopt4();
		break;
	case K_EXTHDR6:
		gen_exthdr6();
		break;
	case K_LEN4:
		f = next_frame();
		pick_tcp(&t, 1);
		gen_tcp4(&t, 0, rnd_below(32), f, &iplen);
		ip = f->buf + 14;
		switch (rnd_below(4)) {
		case 0: iplen = rnd_below(20); break;		/* below the header */
		case 1: iplen += 1 + rnd_below(1000); break;	/* past the frame */
		case 2: iplen = 20 + rnd_below(20); break;	/* cuts TCP */
		default: ip[0] = (uint8_t)(0x40 | rnd_below(5)); break; /* ihl < 5 */
		}
		ip[2] = iplen >> 8;
		ip[3] = iplen & 0xff;
		refresh_ip4_csum(ip);
		break;
	case K_LEN6:
		f = next_frame();
		pick_tcp(&t, 1);
		gen_tcp6(&t, 0, rnd_below(32), f);
		iplen = rnd_below(3) == 0 ? 0 : rnd_below(200);
		f->buf[14 + 4] = (uint8_t)(iplen >> 8);
		f->buf[14 + 5] = (uint8_t)(iplen & 0xff);
		break;
	case K_FRAG4:
		gen_frag4();
		break;
	case K_FRAG6:
		gen_frag6();
		break;
	case K_OTHER:
		gen_other();
		break;
	case K_GARBAGE:
		f = next_frame();
		f->len = 14 + 1 + rnd_below(120);
		put_eth(f->buf, smac, dmac, rnd_below(2) ? ETHERTYPE_IP : ETHERTYPE_IPV6);
		rnd_bytes(f->buf + 14, f->len - 14);
		if (rnd_below(2))
			f->buf[14] = (uint8_t)((f->buf[12] == 0x08 ? 0x40 : 0x60) |
					       (f->buf[14] & 0xf));
		break;
	case K_CSUM:
		pick_tcp(&t, 1);
		f = next_frame();
		if (rnd_below(2)) {
			gen_tcp4(&t, 0, rnd_below(16), f, NULL);
			if (rnd_below(2))
				f->buf[14 + 10] ^= (uint8_t)(1 + rnd_below(255));
			else
				f->buf[14 + 20 + 16] ^= (uint8_t)(1 + rnd_below(255));
		} else {
			gen_tcp6(&t, 0, rnd_below(16), f);
			f->buf[14 + 40 + 16] ^= (uint8_t)(1 + rnd_below(255));
		}
		break;
	default:
		break;
	}
}

int main(int argc, char **argv)
{
	unsigned long kinds[K_MAX] = { 0 };
	unsigned long count, sent = 0;
	struct sockaddr_ll sll;
	double start, limit, el;
	int fd, k;

	if (argc != 10) {
		fprintf(stderr, "usage: pktfuzz IFNAME DST-MAC SRC4 DST4 SRC6 DST6 COUNT SEED SECONDS\n");
		return 1;
	}
	if (parse_mac(argv[2], dmac) ||
	    inet_pton(AF_INET, argv[3], &src4) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst4) != 1 ||
	    inet_pton(AF_INET6, argv[5], &src6) != 1 ||
	    inet_pton(AF_INET6, argv[6], &dst6) != 1) {
		fprintf(stderr, "pktfuzz: bad MAC or address\n");
		return 1;
	}
	count = strtoul(argv[7], NULL, 0);
	rng_state = strtoull(argv[8], NULL, 0) * 0x9e3779b97f4a7c15ULL + 1;
	limit = atof(argv[9]);
	fd = packet_socket(argv[1], &sll, smac);
	if (fd < 0)
		return 1;

	start = now_s();
	while (sent < count && now_s() - start < limit) {
		nout = 0;
		/* a few units per batch, never more frames than COUNT */
		while (nout < BATCH - 8 && sent + nout < count) {
			unsigned int before = nout;

			k = (int)rnd_below(K_MAX);
			gen_one((enum kind)k);
			if (sent + nout > count)
				nout = (unsigned int)(count - sent);
			kinds[k] += nout - before;
		}
		if (send_frames(fd, out, nout, "pktfuzz"))
			return 1;
		sent += nout;
	}
	el = now_s() - start;
	for (k = 0; k < K_MAX; k++)
		printf("kind %s %lu\n", kind_name[k], kinds[k]);
	printf("sent %lu in %.1f s (%.0f pkt/s)\n", sent, el, el > 0 ? sent / el : 0.0);
	close(fd);
	return sent == count ? 0 : 3;
}
