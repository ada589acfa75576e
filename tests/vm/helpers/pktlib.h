/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frame building for the test packet generators (synflood.c, udpflood.c,
 * ack_sweep.c, pktfuzz.c):
 * Ethernet + IPv4/IPv6 + TCP with correct checksums, sent on an AF_PACKET
 * socket so that nothing in the sender's stack validates or fixes them.
 */
#ifndef GW_PKTLIB_H
#define GW_PKTLIB_H

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

#define FRAME_MAX 2048

struct frame {
	uint8_t buf[FRAME_MAX];
	size_t len;
};

/* The most frames send_frames() takes at once. */
#define SEND_BATCH_MAX 64

/*
 * send_frames(): the @n frames out of @fd with sendmmsg(), waiting a
 * millisecond whenever the device queue is full; 0, or -1 after printing
 * why (prefixed by @who).
 */
static inline int send_frames(int fd, struct frame *frames, unsigned int n,
			      const char *who)
{
	struct mmsghdr msgs[SEND_BATCH_MAX];
	struct iovec iov[SEND_BATCH_MAX];
	unsigned int i, done;
	int r;

	if (n > SEND_BATCH_MAX) {
		fprintf(stderr, "%s: batch of %u > %u\n", who, n, SEND_BATCH_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		iov[i].iov_base = frames[i].buf;
		iov[i].iov_len = frames[i].len;
		memset(&msgs[i], 0, sizeof(msgs[i]));
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	for (done = 0; done < n; done += r) {
		r = sendmmsg(fd, msgs + done, n - done, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				r = 0;
				usleep(1000);
				continue;
			}
			fprintf(stderr, "%s: sendmmsg: %s\n", who, strerror(errno));
			return -1;
		}
	}
	return 0;
}

struct tcp_spec {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint8_t doff;		/* 32-bit words, as on the wire */
	uint16_t win;
};

static inline double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int m[6];
	int i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &m[0], &m[1], &m[2], &m[3], &m[4],
		   &m[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = (uint8_t)m[i];
	return 0;
}

/* An AF_PACKET socket on IFNAME that skips the qdisc; its MAC in @mac. */
static inline int packet_socket(const char *ifname, struct sockaddr_ll *sll,
				uint8_t mac[6])
{
	struct ifreq ifr;
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("socket(AF_PACKET)");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) < 0) {
		perror(ifname);
		close(fd);
		return -1;
	}
	memset(sll, 0, sizeof(*sll));
	sll->sll_family = AF_PACKET;
	sll->sll_ifindex = ifr.ifr_ifindex;
	sll->sll_protocol = 0;
	if (bind(fd, (struct sockaddr *)sll, sizeof(*sll)) < 0) {
		perror("bind(AF_PACKET)");
		close(fd);
		return -1;
	}
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("SIOCGIFHWADDR");
		close(fd);
		return -1;
	}
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	/* Best effort: straight to the driver, no qdisc drops. */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	return fd;
}

/*
 * flood_open(): the destination MAC @mac parsed into @dmac and an AF_PACKET
 * socket on @ifname, whose own MAC goes to @smac; the socket, or -1 after
 * printing why (prefixed by @who).
 */
static inline int flood_open(const char *who, const char *ifname,
			     const char *mac, uint8_t smac[6], uint8_t dmac[6])
{
	struct sockaddr_ll sll;

	if (parse_mac(mac, dmac)) {
		fprintf(stderr, "%s: bad MAC %s\n", who, mac);
		return -1;
	}
	return packet_socket(ifname, &sll, smac);
}

/* Builds frame @k of a flood into @buf (FRAME_MAX bytes); its length. */
typedef size_t (*frame_fill_fn)(void *ctx, unsigned long k, uint8_t *buf);

/*
 * send_flood(): frames 0 .. @count - 1, each built by @fill, out of @fd a
 * batch at a time until all have gone or @limit seconds have passed, then
 * "sent N in S s (R pkt/s)" on stdout, which the scenarios read.  0 when all
 * went out, 3 when the time ran out first, 1 on an error (printed, prefixed
 * by @who).  The flood generators' one send loop.
 */
static inline int send_flood(int fd, const char *who, unsigned long count,
			     double limit, frame_fill_fn fill, void *ctx)
{
	struct frame frames[SEND_BATCH_MAX];
	unsigned long sent = 0;
	double start = now_s(), took;

	while (sent < count) {
		unsigned int n;

		for (n = 0; n < SEND_BATCH_MAX && sent + n < count; n++)
			frames[n].len = fill(ctx, sent + n, frames[n].buf);
		if (send_frames(fd, frames, n, who))
			return 1;
		sent += n;
		if (now_s() - start > limit)
			break;
	}
	took = now_s() - start;
	printf("sent %lu in %.1f s (%.0f pkt/s)\n", sent, took,
	       took > 0 ? sent / took : 0.0);
	return sent == count ? 0 : 3;
}

static inline void put_be16(uint8_t *b, uint16_t v)
{
	b[0] = v >> 8;
	b[1] = v & 0xff;
}

static inline void put_be32(uint8_t *b, uint32_t v)
{
	put_be16(b, v >> 16);
	put_be16(b + 2, v & 0xffff);
}

static inline uint32_t csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static inline uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static inline size_t put_eth(uint8_t *b, const uint8_t smac[6],
			     const uint8_t dmac[6], uint16_t type)
{
	memcpy(b, dmac, 6);
	memcpy(b + 6, smac, 6);
	b[12] = type >> 8;
	b[13] = type & 0xff;
	return 14;
}

/* TCP header (and @optlen bytes of options already at b + 20) with the
 * checksum over the pseudo header sum @psum and @len bytes of segment. */
static inline void put_tcp(uint8_t *b, const struct tcp_spec *t, size_t len,
			   uint32_t psum)
{
	uint16_t c;

	put_be16(b, t->sport);
	put_be16(b + 2, t->dport);
	put_be32(b + 4, t->seq);
	put_be32(b + 8, t->ack);
	b[12] = (uint8_t)(t->doff << 4);
	b[13] = t->flags;
	put_be16(b + 14, t->win);
	b[16] = b[17] = 0;
	b[18] = b[19] = 0;
	c = csum_fold(csum_add(psum + len, b, len));
	memcpy(b + 16, &c, 2);
}

static inline void put_ip4(uint8_t *b, struct in_addr src, struct in_addr dst,
			   uint8_t proto, size_t ihl_bytes, size_t total,
			   uint16_t id, uint16_t frag)
{
	uint16_t c;

	b[0] = 0x40 | (uint8_t)(ihl_bytes / 4);
	b[1] = 0;
	put_be16(b + 2, total);
	put_be16(b + 4, id);
	put_be16(b + 6, frag);
	b[8] = 64;
	b[9] = proto;
	b[10] = b[11] = 0;
	memcpy(b + 12, &src, 4);
	memcpy(b + 16, &dst, 4);
	c = csum_fold(csum_add(0, b, ihl_bytes));
	memcpy(b + 10, &c, 2);
}

static inline uint32_t psum4(struct in_addr src, struct in_addr dst,
			     uint8_t proto)
{
	uint32_t s = csum_add(0, &src, 4);

	return csum_add(s, &dst, 4) + proto;
}

static inline void put_ip6(uint8_t *b, const struct in6_addr *src,
			   const struct in6_addr *dst, uint8_t next,
			   size_t payload)
{
	b[0] = 0x60;
	b[1] = b[2] = b[3] = 0;
	b[4] = payload >> 8;
	b[5] = payload & 0xff;
	b[6] = next;
	b[7] = 64;
	memcpy(b + 8, src, 16);
	memcpy(b + 24, dst, 16);
}

static inline uint32_t psum6(const struct in6_addr *src,
			     const struct in6_addr *dst, uint8_t proto)
{
	uint32_t s = csum_add(0, src, 16);

	return csum_add(s, dst, 16) + proto;
}

static inline size_t build_tcp4(uint8_t *b, const uint8_t smac[6],
				const uint8_t dmac[6], struct in_addr src,
				struct in_addr dst, const struct tcp_spec *t)
{
	size_t off = put_eth(b, smac, dmac, ETHERTYPE_IP);

	put_tcp(b + off + 20, t, 20, psum4(src, dst, IPPROTO_TCP));
	put_ip4(b + off, src, dst, IPPROTO_TCP, 20, 40, 0, 0x4000);
	return off + 40;
}

static inline size_t build_tcp6(uint8_t *b, const uint8_t smac[6],
				const uint8_t dmac[6],
				const struct in6_addr *src,
				const struct in6_addr *dst,
				const struct tcp_spec *t)
{
	size_t off = put_eth(b, smac, dmac, ETHERTYPE_IPV6);

	put_tcp(b + off + 40, t, 20, psum6(src, dst, IPPROTO_TCP));
	put_ip6(b + off, src, dst, IPPROTO_TCP, 20);
	return off + 60;
}

#endif /* GW_PKTLIB_H */
