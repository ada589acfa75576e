// SPDX-License-Identifier: GPL-2.0
/*
 * Userspace embedding of the core and a packet builder.  See pkt_buffer.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "pkt_buffer.h"

#define GW_PB_DIE(...)							\
	do {								\
		fprintf(stderr, "pkt_buffer: " __VA_ARGS__);		\
		fputc('\n', stderr);					\
		abort();						\
	} while (0)

/* ---- gw_header_pointer() ----------------------------------------------- */

static enum gw_hp_mode gw_hp_mode = GW_HP_DIRECT;

/*
 * GW_HP_EXACT blocks.  One gw_parse() asks for at most a dozen headers, so
 * a ring this size never recycles a block the core still holds.
 */
#define GW_HP_RING	64
static void *gw_hp_ring[GW_HP_RING];
static unsigned int gw_hp_next;

void gw_hp_set_mode(enum gw_hp_mode mode)
{
	gw_hp_mode = mode;
}

void gw_hp_release(void)
{
	unsigned int i;

	for (i = 0; i < GW_HP_RING; i++) {
		free(gw_hp_ring[i]);
		gw_hp_ring[i] = NULL;
	}
	gw_hp_next = 0;
}

const void *gw_header_pointer(const void *data, unsigned int offset,
			      unsigned int len, void *buffer)
{
	const struct gw_test_buf *b = data;
	void *p;

	/* Written so that offset + len cannot wrap around. */
	if (len > b->len || offset > b->len - len)
		return NULL;

	switch (gw_hp_mode) {
	case GW_HP_DIRECT:
		return b->data + offset;
	case GW_HP_COPY:
		/* A @buffer shorter than @len is a stack overflow ASan sees. */
		memcpy(buffer, b->data + offset, len);
		return buffer;
	case GW_HP_EXACT:
		p = malloc(len ? len : 1);
		if (!p)
			GW_PB_DIE("out of memory");
		memcpy(p, b->data + offset, len);
		free(gw_hp_ring[gw_hp_next]);
		gw_hp_ring[gw_hp_next] = p;
		gw_hp_next = (gw_hp_next + 1) % GW_HP_RING;
		return p;
	}
	return NULL;
}

uint8_t *gw_test_dup(const void *data, unsigned int len)
{
	/* malloc(0) is a valid, zero-byte block under ASan: any read trips. */
	uint8_t *p = malloc(len ? len : 1);

	if (!p)
		GW_PB_DIE("out of memory");
	if (len)
		memcpy(p, data, len);
	return p;
}

int gw_test_parse(struct gw_pkt *pkt, uint8_t family, const void *data,
		  unsigned int len)
{
	static const enum gw_hp_mode modes[] = {
		GW_HP_DIRECT, GW_HP_COPY, GW_HP_EXACT,
	};
	enum gw_hp_mode saved = gw_hp_mode;
	struct gw_test_buf buf;
	struct gw_pkt first;
	int first_rc = -1;
	unsigned int i;
	uint8_t *copy = gw_test_dup(data, len);

	buf.data = copy;
	buf.len = len;
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		int rc;

		gw_hp_set_mode(modes[i]);
		/* Garbage in @pkt must not survive: gw_parse() owns all of it. */
		memset(pkt, 0xa5 + i, sizeof(*pkt));
		rc = gw_parse(pkt, family, &buf, len);
		gw_hp_release();
		if (i == 0) {
			first = *pkt;
			first_rc = rc;
		} else if (rc != first_rc ||
			   memcmp(&first, pkt, sizeof(first)) != 0) {
			GW_PB_DIE("gw_parse() answers differently when "
				  "gw_header_pointer() copies (mode %u)", i);
		}
	}
	gw_hp_set_mode(saved);
	free(copy);
	return first_rc;
}

/* ---- sequence translation ---------------------------------------------- */

/*
 * Replace the 16-bit word @from by @to under the one's complement
 * checksum @check: HC' = ~(~HC + ~m + m').  Unlike HC - m + m' (eqn. 2),
 * it gives what a full computation gives, 0x0000 included.
 */
static uint16_t seqadj_csum_replace2(uint16_t check, uint16_t from,
				     uint16_t to)
{
	uint32_t sum = (uint16_t)~check + (uint16_t)~from + (uint32_t)to;

	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void gw_test_seqadj_apply(uint8_t *th, const struct gw_seqadj_edits *edits)
{
	uint16_t check = (uint16_t)(th[16] << 8 | th[17]);
	unsigned int i;

	if (edits->n > GW_SEQADJ_MAX_EDITS)
		GW_PB_DIE("%u edits", edits->n);
	for (i = 0; i < edits->n; i++) {
		const struct gw_seqadj_edit *e = &edits->edit[i];
		uint32_t from = ntohl(e->csum_from), to = ntohl(e->csum_to);
		uint32_t now;

		memcpy(&now, th + e->off, 4);
		if (now != e->from)
			GW_PB_DIE("edit at %u: field holds %08x, not %08x",
				  e->off, ntohl(now), ntohl(e->from));
		memcpy(th + e->off, &e->to, 4);
		check = seqadj_csum_replace2(check, (uint16_t)(from >> 16),
					     (uint16_t)(to >> 16));
		check = seqadj_csum_replace2(check, (uint16_t)from,
					     (uint16_t)to);
	}
	th[16] = (uint8_t)(check >> 8);
	th[17] = (uint8_t)check;
}

/* ---- builder ------------------------------------------------------------ */

enum {
	PB_NEXTHDR_HOP = 0,
	PB_NEXTHDR_ROUTING = 43,
	PB_NEXTHDR_FRAGMENT = 44,
	PB_NEXTHDR_AUTH = 51,
	PB_NEXTHDR_DEST = 60,
};

union gw_addr gw_test_addr(uint8_t family, const char *text)
{
	union gw_addr a;

	memset(&a, 0, sizeof(a));
	if (inet_pton(family, text, a.bytes) != 1)
		GW_PB_DIE("bad address \"%s\"", text);
	return a;
}

struct gw_pkt gw_test_pkt(uint8_t family, uint8_t proto, const char *src,
			  uint16_t sport, const char *dst, uint16_t dport)
{
	struct gw_pkt p;

	memset(&p, 0, sizeof(p));
	p.family = family;
	p.proto = proto;
	p.saddr = gw_test_addr(family, src);
	p.daddr = gw_test_addr(family, dst);
	p.sport = sport;
	p.dport = dport;
	return p;
}

struct gw_pkt gw_test_pkt_reversed(const struct gw_pkt *p)
{
	struct gw_pkt r = *p;

	r.saddr = p->daddr;
	r.daddr = p->saddr;
	r.sport = p->dport;
	r.dport = p->sport;
	return r;
}

void gw_pb_put16(struct gw_pb *pb, unsigned int off, uint16_t v)
{
	if (off + 2 > GW_PB_MAX)
		GW_PB_DIE("put16 at %u", off);
	pb->data[off] = (uint8_t)(v >> 8);
	pb->data[off + 1] = (uint8_t)v;
}

void gw_pb_put32(struct gw_pb *pb, unsigned int off, uint32_t v)
{
	gw_pb_put16(pb, off, (uint16_t)(v >> 16));
	gw_pb_put16(pb, off + 2, (uint16_t)v);
}

static uint8_t *pb_grow(struct gw_pb *pb, unsigned int n)
{
	uint8_t *p;

	if (pb->finished)
		GW_PB_DIE("packet already finished");
	if (n > GW_PB_MAX - pb->len)
		GW_PB_DIE("packet longer than %u bytes", GW_PB_MAX);
	p = pb->data + pb->len;
	memset(p, 0, n);
	pb->len += n;
	return p;
}

static void pb_need_no_l4(const struct gw_pb *pb, const char *what)
{
	if (pb->l4_off)
		GW_PB_DIE("%s after the L4 header", what);
}

void gw_pb_ipv4(struct gw_pb *pb, const char *src, const char *dst)
{
	union gw_addr s = gw_test_addr(AF_INET, src);
	union gw_addr d = gw_test_addr(AF_INET, dst);
	uint8_t *h;

	memset(pb, 0, sizeof(*pb));
	pb->family = AF_INET;
	h = pb_grow(pb, 20);
	h[0] = 0x45;
	gw_pb_put16(pb, 4, 0x1234);	/* identification */
	gw_pb_put16(pb, 6, 0x4000);	/* DF */
	h[8] = 64;
	memcpy(h + 12, s.bytes, 4);
	memcpy(h + 16, d.bytes, 4);
	pb->ihl = 20;
	pb->nexthdr_at = 9;
}

void gw_pb_ipv6(struct gw_pb *pb, const char *src, const char *dst)
{
	union gw_addr s = gw_test_addr(AF_INET6, src);
	union gw_addr d = gw_test_addr(AF_INET6, dst);
	uint8_t *h;

	memset(pb, 0, sizeof(*pb));
	pb->family = AF_INET6;
	h = pb_grow(pb, 40);
	h[0] = 0x60;
	h[7] = 64;
	memcpy(h + 8, s.bytes, 16);
	memcpy(h + 24, d.bytes, 16);
	pb->nexthdr_at = 6;
}

void gw_pb_ipv4_options(struct gw_pb *pb, unsigned int words)
{
	uint8_t *o;

	if (pb->family != AF_INET || pb->len != pb->ihl)
		GW_PB_DIE("IPv4 options only right after the IPv4 header");
	if (pb->ihl + words * 4 > 60)
		GW_PB_DIE("IHL above 15");
	o = pb_grow(pb, words * 4);
	memset(o, 1, words * 4);	/* IPOPT_NOOP */
	pb->ihl += words * 4;
	pb->data[0] = (uint8_t)(0x40 | pb->ihl / 4);
}

void gw_pb_ipv4_frag(struct gw_pb *pb, unsigned int offset8, bool more)
{
	if (pb->family != AF_INET || offset8 > 0x1fff)
		GW_PB_DIE("bad IPv4 fragment");
	gw_pb_put16(pb, 6, (uint16_t)((more ? 0x2000 : 0) | offset8));
}

/* Append an IPv6 extension header of @type, @len bytes long. */
static uint8_t *pb_ext(struct gw_pb *pb, uint8_t type, unsigned int len)
{
	uint8_t *h;

	if (pb->family != AF_INET6)
		GW_PB_DIE("extension header on IPv4");
	pb_need_no_l4(pb, "extension header");
	pb->data[pb->nexthdr_at] = type;
	pb->nexthdr_at = pb->len;
	h = pb_grow(pb, len);
	return h;
}

/* Fill @n bytes of an options header with PadN options (RFC 8200 4.2). */
static void pb_padn(uint8_t *p, unsigned int n)
{
	while (n) {
		unsigned int chunk = n > 257 ? 257 : n;

		if (chunk == 1) {	/* Pad1 */
			*p = 0;
			return;
		}
		if (n - chunk == 1)	/* leave room for more than a Pad1 */
			chunk--;
		p[0] = 1;
		p[1] = (uint8_t)(chunk - 2);
		p += chunk;
		n -= chunk;
	}
}

void gw_pb_ipv6_ext(struct gw_pb *pb, uint8_t type, unsigned int len)
{
	uint8_t *h;

	switch (type) {
	case PB_NEXTHDR_HOP:
	case PB_NEXTHDR_DEST:
	case PB_NEXTHDR_ROUTING:
		if (len < 8 || len % 8 || len > 2048)
			GW_PB_DIE("type %u extension header of %u bytes",
				  type, len);
		h = pb_ext(pb, type, len);
		h[1] = (uint8_t)(len / 8 - 1);
		if (type == PB_NEXTHDR_ROUTING) {
			h[2] = 253;	/* RFC 4727 experimental routing type */
			h[3] = 0;	/* segments left: nothing to do */
		} else {
			pb_padn(h + 2, len - 2);
		}
		break;
	case PB_NEXTHDR_AUTH:
		if (len < 8 || len % 4 || len > 1028)
			GW_PB_DIE("AH of %u bytes", len);
		h = pb_ext(pb, type, len);
		h[1] = (uint8_t)(len / 4 - 2);	/* RFC 4302 section 2.2 */
		h[7] = 0x42;			/* SPI */
		break;
	default:
		GW_PB_DIE("extension header type %u", type);
	}
}

void gw_pb_ipv6_chain(struct gw_pb *pb, const char *src, const char *dst,
		      unsigned int n)
{
	unsigned int i;

	gw_pb_ipv6(pb, src, dst);
	for (i = 0; i < n; i++)
		gw_pb_ipv6_ext(pb, PB_NEXTHDR_DEST, 8);
}

void gw_pb_ipv6_frag(struct gw_pb *pb, unsigned int offset8, bool more,
		     uint32_t id)
{
	unsigned int at;

	if (offset8 > 0x1fff)
		GW_PB_DIE("bad IPv6 fragment offset");
	at = pb->len;
	pb_ext(pb, PB_NEXTHDR_FRAGMENT, 8);
	gw_pb_put16(pb, at + 2, (uint16_t)(offset8 << 3 | (more ? 1 : 0)));
	gw_pb_put32(pb, at + 4, id);
}

void gw_pb_ipv6_jumbo(struct gw_pb *pb, uint32_t jumbo_len)
{
	unsigned int at = pb->len;
	uint8_t *h = pb_ext(pb, PB_NEXTHDR_HOP, 8);

	h[1] = 0;
	h[2] = 0xc2;	/* Jumbo Payload option */
	h[3] = 4;
	gw_pb_put32(pb, at + 4, jumbo_len);
	pb->jumbo = true;
}

/* Start the upper-layer header of @proto, @hlen bytes. */
static uint8_t *pb_l4(struct gw_pb *pb, uint8_t proto, unsigned int hlen)
{
	pb_need_no_l4(pb, "second L4 header");
	pb->data[pb->nexthdr_at] = proto;
	pb->l4_proto = proto;
	pb->l4_off = pb->len;
	return pb_grow(pb, hlen);
}

void gw_pb_tcp(struct gw_pb *pb, uint16_t sport, uint16_t dport,
	       uint8_t flags, uint32_t seq, uint32_t ack)
{
	unsigned int at = pb->len;
	uint8_t *h = pb_l4(pb, IPPROTO_TCP, 20);

	gw_pb_put16(pb, at, sport);
	gw_pb_put16(pb, at + 2, dport);
	gw_pb_put32(pb, at + 4, seq);
	gw_pb_put32(pb, at + 8, ack);
	h[12] = 5 << 4;
	h[13] = flags;
	gw_pb_put16(pb, at + 14, 64240);
}

void gw_pb_tcp_opt_raw(struct gw_pb *pb, const void *bytes, unsigned int n)
{
	if (pb->l4_proto != IPPROTO_TCP || pb->payload_off)
		GW_PB_DIE("TCP option outside a TCP header");
	if (pb->tcp_opt_len + n > 40)
		GW_PB_DIE("more than 40 bytes of TCP options");
	memcpy(pb_grow(pb, n), bytes, n);
	pb->tcp_opt_len += n;
}

void gw_pb_tcp_mss(struct gw_pb *pb, uint16_t mss)
{
	const uint8_t o[4] = { 2, 4, (uint8_t)(mss >> 8), (uint8_t)mss };

	gw_pb_tcp_opt_raw(pb, o, sizeof(o));
}

void gw_pb_tcp_wscale(struct gw_pb *pb, uint8_t shift)
{
	const uint8_t o[3] = { 3, 3, shift };

	gw_pb_tcp_opt_raw(pb, o, sizeof(o));
}

void gw_pb_tcp_sack_perm(struct gw_pb *pb)
{
	const uint8_t o[2] = { 4, 2 };

	gw_pb_tcp_opt_raw(pb, o, sizeof(o));
}

void gw_pb_tcp_nop(struct gw_pb *pb)
{
	const uint8_t o[1] = { 1 };

	gw_pb_tcp_opt_raw(pb, o, sizeof(o));
}

void gw_pb_tcp_sack(struct gw_pb *pb, const uint32_t *edges, unsigned int n)
{
	uint8_t o[2 + 4 * 8];
	unsigned int i;

	if (n < 1 || n > 4)
		GW_PB_DIE("a SACK option holds 1 to 4 blocks, not %u", n);
	o[0] = 5;
	o[1] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < 2 * n; i++) {
		o[2 + 4 * i] = (uint8_t)(edges[i] >> 24);
		o[3 + 4 * i] = (uint8_t)(edges[i] >> 16);
		o[4 + 4 * i] = (uint8_t)(edges[i] >> 8);
		o[5 + 4 * i] = (uint8_t)edges[i];
	}
	gw_pb_tcp_opt_raw(pb, o, 2 + 8 * n);
}

void gw_pb_tcp_window(struct gw_pb *pb, uint16_t window)
{
	if (pb->l4_proto != IPPROTO_TCP || pb->payload_off)
		GW_PB_DIE("TCP window outside a TCP header");
	gw_pb_put16(pb, pb->l4_off + 14, window);
}

void gw_pb_udp(struct gw_pb *pb, uint16_t sport, uint16_t dport)
{
	unsigned int at = pb->len;

	pb_l4(pb, IPPROTO_UDP, 8);
	gw_pb_put16(pb, at, sport);
	gw_pb_put16(pb, at + 2, dport);
}

void gw_pb_icmp(struct gw_pb *pb, uint8_t type, uint8_t code)
{
	unsigned int at = pb->len;
	uint8_t proto = pb->family == AF_INET ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	uint8_t *h = pb_l4(pb, proto, 8);

	h[0] = type;
	h[1] = code;
	gw_pb_put16(pb, at + 4, 0x0b0b);	/* echo identifier */
	gw_pb_put16(pb, at + 6, 1);		/* echo sequence */
}

void gw_pb_proto(struct gw_pb *pb, uint8_t proto)
{
	pb_l4(pb, proto, 0);
}

/* Pad the TCP options to a word and fix the data offset, once. */
static void pb_close_l4_header(struct gw_pb *pb)
{
	if (pb->payload_off || !pb->l4_off)
		return;
	if (pb->l4_proto == IPPROTO_TCP && pb->len - pb->l4_off >= 20) {
		unsigned int pad = (4 - pb->tcp_opt_len % 4) % 4;

		pb_grow(pb, pad);	/* zero bytes: TCPOPT_EOL */
		pb->tcp_opt_len += pad;
		pb->data[pb->l4_off + 12] =
			(uint8_t)((20 + pb->tcp_opt_len) / 4 << 4);
	}
	pb->payload_off = pb->len;
}

void gw_pb_payload(struct gw_pb *pb, unsigned int n)
{
	unsigned int i;
	uint8_t *p;

	if (!pb->l4_off)
		GW_PB_DIE("payload before an L4 header");
	pb_close_l4_header(pb);
	p = pb_grow(pb, n);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(0x30 + i % 64);
}

/* RFC 1071 one's complement sum, to be folded by the caller. */
static uint32_t pb_sum(uint32_t sum, const uint8_t *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static uint16_t pb_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void pb_l4_checksum(struct gw_pb *pb)
{
	unsigned int l4_len = pb->len - pb->l4_off;
	unsigned int csum_at;
	uint32_t sum = 0;

	switch (pb->l4_proto) {
	case IPPROTO_TCP:
		csum_at = 16;
		break;
	case IPPROTO_UDP:
		csum_at = 6;
		gw_pb_put16(pb, pb->l4_off + 4, (uint16_t)l4_len);
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		csum_at = 2;
		break;
	default:
		return;
	}
	if (l4_len < csum_at + 2)	/* a header cut short on purpose */
		return;

	if (pb->l4_proto != IPPROTO_ICMP) {	/* pseudo-header */
		if (pb->family == AF_INET)
			sum = pb_sum(sum, pb->data + 12, 8);
		else
			sum = pb_sum(sum, pb->data + 8, 32);
		sum += pb->l4_proto;
		sum += l4_len;
	}
	gw_pb_put16(pb, pb->l4_off + csum_at, 0);
	sum = pb_sum(sum, pb->data + pb->l4_off, l4_len);
	gw_pb_put16(pb, pb->l4_off + csum_at, pb_fold(sum));
}

unsigned int gw_pb_finish(struct gw_pb *pb)
{
	if (!pb->l4_off)
		GW_PB_DIE("no upper layer: add a header or gw_pb_proto()");
	pb_close_l4_header(pb);
	if (pb->family == AF_INET) {
		gw_pb_put16(pb, 2, (uint16_t)pb->len);
		gw_pb_put16(pb, 10, 0);
		gw_pb_put16(pb, 10, pb_fold(pb_sum(0, pb->data, pb->ihl)));
	} else {
		gw_pb_put16(pb, 4, pb->jumbo ? 0 : (uint16_t)(pb->len - 40));
	}
	pb_l4_checksum(pb);
	pb->finished = true;
	return pb->len;
}

int gw_pb_parse(const struct gw_pb *pb, struct gw_pkt *pkt)
{
	if (!pb->finished)
		GW_PB_DIE("parsing an unfinished packet");
	return gw_test_parse(pkt, pb->family, pb->data, pb->len);
}
