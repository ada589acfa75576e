#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forge segments into a live TCP connection, as a blind attacker would.

    tcp_inject.py blind IFACE SRC SPORT DST DPORT
    tcp_inject.py rst SRC SPORT DST DPORT SEQ
    tcp_inject.py stray SRC DST DPORT FLAGS...

blind and rst spoof SRC:SPORT -> DST:DPORT, the real 4-tuple of a
connection.

blind: learns where the connection is from one segment SRC sends on IFACE
(a capture: its sequence number plus length, and its ACK), then sends
segments whose sequence numbers lie a quarter of the sequence space away:
    R   seq + 2^30        R   seq - 2^30        RA  seq + 2^30
    PA  seq + 2^30 data   PA  seq - 2^30 data   PA  seq, ACK + 2^30, data
(the last one in sequence but acknowledging data never sent).  Prints
"sent N" and "seq S ack A".

rst: one RST with sequence number SEQ (no ACK): an exact reset.

stray: one segment per FLAGS (scapy's letters: A, PA, FA, R, RA, ...) from
a random source port with random sequence and ACK numbers, part of no
connection.  What send_tcp.py does, without loading all of scapy.

Every forged segment carries urgent pointer 0xbeef without URG, which no
stack sends, so a capture can pick them out: for IPv4 "tcp[18:2] = 0xbeef",
for IPv6 "ip6[58:2] = 0xbeef" (no extension headers).
"""
import os
import random
import sys

# Not scapy.all: loading every layer takes 10 s in an emulated guest.
from scapy.config import conf
from scapy.layers.inet import IP, TCP
from scapy.layers.inet6 import IPv6
from scapy.packet import Raw
from scapy.sendrecv import send, sniff

conf.verb = 0
MARK = 0xBEEF
QUARTER = 1 << 30


def l3(src, dst):
    return IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst)


def learn(iface, src, sport, dst, dport):
    def ours(pkt):
        ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
        tcp = pkt.getlayer(TCP)
        return (ip is not None and tcp is not None and ip.src == src and
                ip.dst == dst and tcp.sport == sport and tcp.dport == dport
                and tcp.urgptr != MARK)

    # the stream sends every 50 ms; the debug kernel is slower to start
    # sniffing (GW_TIME_SCALE, tests/vm/lib.sh)
    scale = int(os.environ.get("GW_TIME_SCALE", "1") or 1)
    got = sniff(iface=iface, lfilter=ours, count=1, timeout=10 * scale)
    if not got:
        return None
    tcp = got[0][TCP]
    return (tcp.seq + len(tcp.payload)) & 0xffffffff, tcp.ack


def blind(iface, src, sport, dst, dport):
    learnt = learn(iface, src, sport, dst, dport)
    if learnt is None:
        print("no segment of %s:%d -> %s:%d seen on %s" %
              (src, sport, dst, dport, iface), file=sys.stderr)
        return 1
    seq, ack = learnt
    m = 0xffffffff
    data = Raw(b"INJECTED-BY-A-BLIND-ATTACKER\n")
    forged = [
        TCP(flags="R", seq=(seq + QUARTER) & m),
        TCP(flags="R", seq=(seq - QUARTER) & m),
        TCP(flags="RA", seq=(seq + QUARTER) & m, ack=ack),
        TCP(flags="PA", seq=(seq + QUARTER) & m, ack=ack) / data,
        TCP(flags="PA", seq=(seq - QUARTER) & m, ack=ack) / data,
        TCP(flags="PA", seq=seq, ack=(ack + QUARTER) & m) / data,
    ]
    for seg in forged:
        seg.sport, seg.dport, seg.urgptr, seg.window = sport, dport, MARK, 502
    # one socket for all, in this order
    send([l3(src, dst) / seg for seg in forged])
    print("seq %d ack %d" % (seq, ack))
    print("sent %d" % len(forged))
    return 0


def rst(src, sport, dst, dport, seq):
    send(l3(src, dst) / TCP(sport=sport, dport=dport, flags="R", seq=seq,
                            urgptr=MARK, window=0))
    print("sent 1")
    return 0


def stray(src, dst, dport, flags):
    segs = [TCP(sport=random.randint(20000, 60000), dport=dport, flags=f,
                seq=random.getrandbits(32),
                ack=random.getrandbits(32) if "A" in f else 0,
                urgptr=MARK) for f in flags]
    send([l3(src, dst) / seg for seg in segs])
    print("sent %d" % len(segs))
    return 0


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "blind":
        return blind(sys.argv[2], sys.argv[3], int(sys.argv[4]),
                     sys.argv[5], int(sys.argv[6]))
    if len(sys.argv) == 7 and sys.argv[1] == "rst":
        return rst(sys.argv[2], int(sys.argv[3]), sys.argv[4],
                   int(sys.argv[5]), int(sys.argv[6]))
    if len(sys.argv) > 5 and sys.argv[1] == "stray":
        return stray(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
