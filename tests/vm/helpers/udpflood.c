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

#define PAYLOAD 32

static size_t build_udp4(uint8_t *b, const uint8_t smac[6],
			 const uint8_t dmac[6], struct in_addr src,
			 struct in_addr dst, uint16_t sport, uint16_t dport)
{
	size_t off = put_eth(b, smac, dmac, ETHERTYPE_IP);
	uint8_t *u = b + off + 20;
	size_t len = 8 + PAYLOAD;
	uint16_t c;

	put_be16(u, sport);
	put_be16(u + 2, dport);
	put_be16(u + 4, len);
	u[6] = u[7] = 0;
	memset(u + 8, 0x5a, PAYLOAD);
	c = csum_fold(csum_add(psum4(src, dst, IPPROTO_UDP) + len, u, len));
	if (!c)
		c = 0xffff;
	memcpy(u + 6, &c, 2);
	put_ip4(b + off, src, dst, IPPROTO_UDP, 20, 20 + len, 0, 0x4000);
	return off + 20 + len;
}

struct udp_flood {
	uint8_t smac[6], dmac[6];
	struct in_addr base4, dst4;
	unsigned long seed;
	unsigned int bits;
	uint32_t mask;
	uint16_t port;
};

static size_t udp_frame(void *ctx, unsigned long i, uint8_t *buf)
{
	const struct udp_flood *fl = ctx;
	unsigned long k = i + fl->seed;
	struct in_addr src = fl->base4;

	src.s_addr = htonl((ntohl(src.s_addr) & ~fl->mask) | (k & fl->mask));
	return build_udp4(buf, fl->smac, fl->dmac, src, fl->dst4,
			  1024 + (uint16_t)((k >> fl->bits) % 64512), fl->port);
}

int main(int argc, char **argv)
{
	struct udp_flood fl = { .bits = 8 };
	unsigned long count;
	double limit;
	int fd, rc;

	if (argc != 8 && argc != 9) {
		fprintf(stderr, "usage: udpflood IFNAME DST-MAC SRC-BASE DST PORT COUNT SECONDS [SRC-BITS]\n");
		return 1;
	}
	if (argc == 9)
		fl.bits = (unsigned int)atoi(argv[8]);
	if (fl.bits < 1 || fl.bits > 16) {
		fprintf(stderr, "udpflood: SRC-BITS must be 1 to 16\n");
		return 1;
	}
	if (getenv("SEED"))
		fl.seed = strtoul(getenv("SEED"), NULL, 0);
	fl.mask = (1u << fl.bits) - 1;
	if (inet_pton(AF_INET, argv[3], &fl.base4) != 1 ||
	    inet_pton(AF_INET, argv[4], &fl.dst4) != 1) {
		fprintf(stderr, "udpflood: bad address\n");
		return 1;
	}
	fl.port = (uint16_t)atoi(argv[5]);
	count = strtoul(argv[6], NULL, 0);
	limit = atof(argv[7]);

	fd = flood_open("udpflood", argv[1], argv[2], fl.smac, fl.dmac);
	if (fd < 0)
		return 1;
	rc = send_flood(fd, "udpflood", count, limit, udp_frame, &fl);
	close(fd);
	return rc;
}
