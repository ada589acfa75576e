/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input format of fuzz_track, shared by the harness (which decodes it)
 * and gen_seeds (which writes the seed corpus).
 *
 * An input is one configuration byte, then records until the input ends
 * (a record cut short ends it):
 *
 *   config   bit 0: tcp_pickup loose (else strict); the rest is ignored
 *
 *   ctl      bit 0: sender: 0 = inside host A, the packet leaves through
 *                   the wan interface (outbound); 1 = outside host B, it
 *                   arrives from the wan (inbound)
 *            bit 1: raw: a 2-byte big-endian length and that many bytes
 *                   of IP packet follow, handed to gw_parse() as they are
 *            bit 2: IPv6 (else IPv4)
 *            bit 3: A's second port: a second connection, same hosts
 *            bits 4-5: template: what the sequence number is added to:
 *                   0 nothing, 1 the sender's end, 2 the sender's max
 *                   end, 3 the sender's end minus the receiver's max window
 *            bits 6-7: template: what the ACK number is added to:
 *                   0 nothing, 1 the receiver's end, 2 the receiver's end
 *                   minus 66000, 3 the receiver's max end
 *   template (not raw), 14 bytes and the options:
 *            flags, seq[4], ack[4], window[2], length[2], opt
 *            length: payload bytes, modulo 1461
 *            opt bits 0-1: 0 no options;
 *                          1 SYN options: MSS, SACK-permitted if bit 2,
 *                            window scale if bit 3 (one more byte: shift);
 *                          2 SACK blocks: one byte n (1 to 4 used), then
 *                            n big-endian 16-bit signed offsets of right
 *                            edges from the receiver's end (blocks 1000
 *                            bytes long);
 *                          3 raw options: one byte n, then n bytes (up to
 *                            40 used)
 *
 * The bases are the tracker's view of the flow the packet belongs to (0
 * when there is none), so that small offsets land on and around the window
 * edges where the interesting decisions are.
 */
#ifndef _GW_FUZZ_INPUT_H
#define _GW_FUZZ_INPUT_H

#include <stdint.h>

#define FZ_CFG_PICKUP_LOOSE	0x01

#define FZ_FROM_OUTSIDE		0x01
#define FZ_RAW			0x02
#define FZ_IPV6			0x04
#define FZ_PORT2		0x08
#define FZ_SEQ_BASE(n)		((n) << 4)
#define FZ_ACK_BASE(n)		((n) << 6)

#define FZ_OPT_NONE		0
#define FZ_OPT_SYN		1
#define FZ_OPT_SACK		2
#define FZ_OPT_RAW		3
#define FZ_OPT_SACK_PERM	0x04
#define FZ_OPT_WSCALE		0x08

#define FZ_TEMPLATE_LEN		14
#define FZ_MAX_PAYLOAD		1460

/* The two hosts: A inside (lan), B outside (wan), as tcp_sim has them. */
#define FZ_A4		"192.0.2.10"
#define FZ_B4		"198.51.100.20"
#define FZ_A6		"2001:db8:1::10"
#define FZ_B6		"2001:db8:2::20"
#define FZ_A_PORT	40000
#define FZ_A_PORT2	40001
#define FZ_B_PORT	443

#endif /* _GW_FUZZ_INPUT_H */
