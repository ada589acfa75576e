// SPDX-License-Identifier: GPL-2.0
/*
 * synflood: TCP SYNs from COUNT distinct spoofed sources, as fast as one
 * AF_PACKET socket sends them, bounded by COUNT and by SECONDS.
 *
 *   synflood [-a] IFNAME DST-MAC SRC-BASE DST PORT COUNT SECONDS [SRC-BITS]
 *
 * SRC-BASE is an IPv4 or IPv6 address; packet i comes from SRC-BASE + i in
 * the low 32 bits for IPv6, and for IPv4 from one of the 2^SRC-BITS (8, at
 * most 16) addresses next to SRC-BASE with source port
 * 1024 + i / 2^SRC-BITS, so every (address, port) is distinct up to
 * 2^SRC-BITS * 64512 packets.  Ethernet source is the
 * interface's own address.  With -a, bare ACKs with random sequence and
 * acknowledgement numbers instead: forged SYN cookies.  Prints "sent N in S s (R pkt/s)"; exits 0 when
 * all COUNT went out, 3 when SECONDS ran out first, 1 on an error.
 *
 * Scapy sends about a thousand packets a second under emulation; this sends
 * tens of thousands, batched through sendmmsg().
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

struct syn_flood {
	uint8_t smac[6], dmac[6];
	struct in6_addr base6, dst6;
	struct in_addr base4, dst4;
	unsigned int bits;
	uint32_t mask, rnd;
	uint16_t port;
	int v6, acks;
};

static size_t syn_frame(void *ctx, unsigned long k, uint8_t *buf)
{
	struct syn_flood *fl = ctx;
	struct tcp_spec t = {
		.flags = TH_SYN, .seq = (uint32_t)(k * 2654435761u),
		.ack = 0, .win = 64240, .doff = 5, .dport = fl->port,
	};

	if (fl->acks) {
		t.flags = TH_ACK;
		fl->rnd ^= fl->rnd << 13, fl->rnd ^= fl->rnd >> 17, fl->rnd ^= fl->rnd << 5;
		t.seq = fl->rnd;
		fl->rnd ^= fl->rnd << 13, fl->rnd ^= fl->rnd >> 17, fl->rnd ^= fl->rnd << 5;
		t.ack = fl->rnd;
	}
	if (fl->v6) {
		struct in6_addr src = fl->base6;
		uint32_t low;

		memcpy(&low, &src.s6_addr[12], 4);
		low = htonl(ntohl(low) + (uint32_t)k);
		memcpy(&src.s6_addr[12], &low, 4);
		t.sport = 1024 + (uint16_t)(k % 60000);
		return build_tcp6(buf, fl->smac, fl->dmac, &src, &fl->dst6, &t);
	} else {
		struct in_addr src = fl->base4;

		src.s_addr = htonl((ntohl(src.s_addr) & ~fl->mask) | (k & fl->mask));
		t.sport = 1024 + (uint16_t)((k >> fl->bits) % 64512);
		return build_tcp4(buf, fl->smac, fl->dmac, src, fl->dst4, &t);
	}
}

int main(int argc, char **argv)
{
	struct syn_flood fl = { .bits = 8 };
	unsigned long count;
	double limit;
	int fd, rc;

	if (argc > 1 && !strcmp(argv[1], "-a")) {
		fl.acks = 1;
		argv++;
		argc--;
	}
	if (argc != 8 && argc != 9) {
		fprintf(stderr, "usage: synflood [-a] IFNAME DST-MAC SRC-BASE DST PORT COUNT SECONDS [SRC-BITS]\n");
		return 1;
	}
	/* xorshift32: the forged numbers need only look random */
	fl.rnd = ((uint32_t)time(NULL) ^ (uint32_t)getpid() << 16) | 1;
	if (argc == 9)
		fl.bits = (unsigned int)atoi(argv[8]);
	if (fl.bits < 1 || fl.bits > 16) {
		fprintf(stderr, "synflood: SRC-BITS must be 1 to 16\n");
		return 1;
	}
	fl.mask = (1u << fl.bits) - 1;
	fl.v6 = strchr(argv[3], ':') != NULL;
	if (fl.v6 ? inet_pton(AF_INET6, argv[3], &fl.base6) != 1 ||
		    inet_pton(AF_INET6, argv[4], &fl.dst6) != 1 :
		    inet_pton(AF_INET, argv[3], &fl.base4) != 1 ||
		    inet_pton(AF_INET, argv[4], &fl.dst4) != 1) {
		fprintf(stderr, "synflood: bad address\n");
		return 1;
	}
	fl.port = (uint16_t)atoi(argv[5]);
	count = strtoul(argv[6], NULL, 0);
	limit = atof(argv[7]);

	fd = flood_open("synflood", argv[1], argv[2], fl.smac, fl.dmac);
	if (fd < 0)
		return 1;
	rc = send_flood(fd, "synflood", count, limit, syn_frame, &fl);
	close(fd);
	return rc;
}
