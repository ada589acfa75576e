// SPDX-License-Identifier: GPL-2.0
/*
 * udpflood: UDP datagrams from COUNT distinct spoofed sources, as fast as
 * one AF_PACKET socket sends them, bounded by COUNT and by SECONDS.
 *
 *   udpflood IFNAME DST-MAC SRC-BASE DST PORT COUNT SECONDS [SRC-BITS]
 *
 * Packet i comes from one of the 2^SRC-BITS (8, at most 16) IPv4 addresses
 * next to SRC-BASE, with source port 1024 + i / 2^SRC-BITS, so every
 * (address, port) is distinct up to 2^SRC-BITS * 64512 packets: each one a
 * new flow to a tracker.  Ethernet source is the interface's own address.
 * Prints "sent N in S s (R pkt/s)"; exits 0 when all COUNT went out, 3
 * when SECONDS ran out first, 1 on an error.  SEED (optional environment)
 * offsets i, so that several senders at once send distinct tuples.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "pktlib.h"

#define BATCH SEND_BATCH_MAX
#define PAYLOAD 32

static size_t build_udp4(uint8_t *b, const uint8_t smac[6],
			 const uint8_t dmac[6], struct in_addr src,
			 struct in_addr dst, uint16_t sport, uint16_t dport)
{
	size_t off = put_eth(b, smac, dmac, ETHERTYPE_IP);
	uint8_t *u = b + off + 20;
	size_t len = 8 + PAYLOAD;
	uint16_t c;

	u[0] = sport >> 8;
	u[1] = sport & 0xff;
	u[2] = dport >> 8;
	u[3] = dport & 0xff;
	u[4] = len >> 8;
	u[5] = len & 0xff;
	u[6] = u[7] = 0;
	memset(u + 8, 0x5a, PAYLOAD);
	c = csum_fold(csum_add(psum4(src, dst, IPPROTO_UDP) + len, u, len));
	if (!c)
		c = 0xffff;
	memcpy(u + 6, &c, 2);
	put_ip4(b + off, src, dst, IPPROTO_UDP, 20, 20 + len, 0, 0x4000);
	return off + 20 + len;
}

int main(int argc, char **argv)
{
	struct frame frames[BATCH];
	struct sockaddr_ll sll;
	struct in_addr base4, dst4;
	unsigned long count, sent = 0, seed = 0;
	uint8_t smac[6], dmac[6];
	double start, limit, now;
	unsigned int bits = 8;
	uint16_t port;
	uint32_t mask;
	int fd;

	if (argc != 8 && argc != 9) {
		fprintf(stderr, "usage: udpflood IFNAME DST-MAC SRC-BASE DST PORT COUNT SECONDS [SRC-BITS]\n");
		return 1;
	}
	if (argc == 9)
		bits = (unsigned int)atoi(argv[8]);
	if (bits < 1 || bits > 16) {
		fprintf(stderr, "udpflood: SRC-BITS must be 1 to 16\n");
		return 1;
	}
	if (getenv("SEED"))
		seed = strtoul(getenv("SEED"), NULL, 0);
	mask = (1u << bits) - 1;
	if (inet_pton(AF_INET, argv[3], &base4) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst4) != 1) {
		fprintf(stderr, "udpflood: bad address\n");
		return 1;
	}
	if (parse_mac(argv[2], dmac)) {
		fprintf(stderr, "udpflood: bad MAC %s\n", argv[2]);
		return 1;
	}
	port = (uint16_t)atoi(argv[5]);
	count = strtoul(argv[6], NULL, 0);
	limit = atof(argv[7]);

	fd = packet_socket(argv[1], &sll, smac);
	if (fd < 0)
		return 1;

	start = now_s();
	while (sent < count) {
		unsigned int n = 0;

		for (; n < BATCH && sent + n < count; n++) {
			unsigned long k = sent + n + seed;
			struct frame *f = &frames[n];
			struct in_addr src = base4;

			src.s_addr = htonl((ntohl(src.s_addr) & ~mask) | (k & mask));
			f->len = build_udp4(f->buf, smac, dmac, src, dst4,
					    1024 + (uint16_t)((k >> bits) % 64512),
					    port);
		}
		if (send_frames(fd, frames, n, "udpflood"))
			return 1;
		sent += n;
		now = now_s();
		if (now - start > limit)
			break;
	}
	now = now_s() - start;
	printf("sent %lu in %.1f s (%.0f pkt/s)\n", sent, now,
	       now > 0 ? sent / now : 0.0);
	close(fd);
	return sent == count ? 0 : 3;
}
