#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send hand-made packets with scapy, one for each line read from stdin.

    send_pkt.py [IFACE MAC]

With IFACE and MAC, each packet leaves IFACE in a frame to MAC (the next
hop's, as the caller read it): no neighbour discovery of scapy's or the
kernel's goes out beside it, so what the next hop counts is the packet
alone, however long after the last one it is sent.  Without them, scapy
routes it (and may resolve the next hop first).

Each line describes one packet:

    tcp SRC SPORT DST DPORT FLAGS     FLAGS in scapy's letters, "none": none
    udp SRC SPORT DST DPORT
    echo SRC DST ID                   an ICMP (IPv4) or ICMPv6 echo request

and "sent" is printed (and flushed) once it is on its way, or "error ..."
for a line that makes no sense.  scapy is imported once, however many
packets a test sends, so a test can read counters between two packets
without paying for the import each time (seconds under emulation).
"""
import random
import sys

from scapy.all import ICMP, IP, TCP, UDP, Ether, ICMPv6EchoRequest, IPv6, conf, send, sendp  # noqa: E402

conf.verb = 0


def l3(src, dst):
    return IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst)


def packet(words):
    kind = words[0]
    if kind == "tcp" and len(words) == 6:
        flags = "" if words[5] == "none" else words[5]
        seg = TCP(sport=int(words[2]), dport=int(words[4]), flags=flags,
                  seq=random.getrandbits(32),
                  ack=random.getrandbits(32) if "A" in flags else 0)
        return l3(words[1], words[3]) / seg
    if kind == "udp" and len(words) == 5:
        return l3(words[1], words[3]) / UDP(sport=int(words[2]), dport=int(words[4])) / b"probe"
    if kind == "echo" and len(words) == 4:
        ident = int(words[3])
        if ":" in words[2]:
            return l3(words[1], words[2]) / ICMPv6EchoRequest(id=ident, seq=1)
        return l3(words[1], words[2]) / ICMP(type=8, id=ident, seq=1)
    return None


def main():
    link = sys.argv[1:3] if len(sys.argv) == 3 else None
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        pkt = packet(words)
        if pkt is None:
            print("error: cannot make a packet of: " + line.strip(), flush=True)
            continue
        if link:
            sendp(Ether(dst=link[1]) / pkt, iface=link[0])
        else:
            send(pkt)
        print("sent", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
