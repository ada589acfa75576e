#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made TCP segments with scapy, one per flag set.

    send_tcp.py SRC DST DPORT FLAGS [FLAGS ...]

FLAGS in scapy's letters (S, SA, A, F, FA, R, RA, FPU, "" for none, ...).
Each segment gets a random source port and sequence number, so none can
belong to a connection by accident.
"""
import random
import sys

from scapy.all import IP, IPv6, TCP, conf, send  # noqa: E402

conf.verb = 0


def main():
    src, dst, dport = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for flags in sys.argv[4:]:
        flags = "" if flags == "none" else flags
        l3 = IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst)
        seg = TCP(sport=random.randint(20000, 60000), dport=dport,
                  flags=flags, seq=random.getrandbits(32),
                  ack=random.getrandbits(32) if "A" in flags else 0)
        send(l3 / seg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
