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

    tcp SRC SPORT DST DPORT FLAGS [SEQ [ACK]]
                                      FLAGS in scapy's letters, "none": none;
                                      SEQ and ACK random unless given
    udp SRC SPORT DST DPORT
    echo SRC DST ID                   an ICMP (IPv4) or ICMPv6 echo request
    icmp SRC DST TYPE CODE [ID]       any other ICMP or ICMPv6 message (ID:
                                      an echo reply's identifier)
    unreach SRC DST QSRC QSPORT QDST QDPORT
                                      port unreachable, quoting a UDP
                                      datagram QSRC QSPORT -> QDST QDPORT
    proto SRC DST N                   an IP packet of protocol N
    trunc SRC DST                     a TCP header cut to 4 bytes
    cookie SRC SPORT DST DPORT SEQ    a SYN; prints "sent ISN", the ISN
                                      of the SYN-ACK that answers it

and "sent" is printed (and flushed) once it is on its way, or "error ..."
for a line that makes no sense (or a SYN nothing answered).  scapy is
imported once, however many packets a test sends, so a test can read
counters between two packets without paying for the import each time
(seconds under emulation).
"""
import os
import random
import sys

from scapy.all import (ICMP, IP, TCP, UDP, Ether, ICMPv6DestUnreach,  # noqa: E402
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6Unknown, IPv6,
                       Raw, conf, send, sendp, sr1, srp1)

# How long "cookie" waits for the SYN-ACK: the gateway answers at once
# (scaled as tests/vm/lib.sh scales its waits).
REPLY_TIMEOUT = 5 * int(os.environ.get("GW_TIME_SCALE", "1") or 1)

conf.verb = 0


def l3(src, dst):
    return IPv6(src=src, dst=dst) if ":" in dst else IP(src=src, dst=dst)


def packet(words):
    kind = words[0]
    if kind == "tcp" and 6 <= len(words) <= 8:
        flags = "" if words[5] == "none" else words[5]
        seq = int(words[6]) if len(words) > 6 else random.getrandbits(32)
        ack = int(words[7]) if len(words) > 7 else \
            random.getrandbits(32) if "A" in flags else 0
        seg = TCP(sport=int(words[2]), dport=int(words[4]), flags=flags,
                  seq=seq, ack=ack)
        return l3(words[1], words[3]) / seg
    if kind == "cookie" and len(words) == 6:
        return l3(words[1], words[3]) / TCP(sport=int(words[2]), dport=int(words[4]),
                                            flags="S", seq=int(words[5]))
    if kind == "udp" and len(words) == 5:
        return l3(words[1], words[3]) / UDP(sport=int(words[2]), dport=int(words[4])) / b"probe"
    if kind == "echo" and len(words) == 4:
        ident = int(words[3])
        if ":" in words[2]:
            return l3(words[1], words[2]) / ICMPv6EchoRequest(id=ident, seq=1)
        return l3(words[1], words[2]) / ICMP(type=8, id=ident, seq=1)
    if kind == "icmp" and len(words) in (5, 6):
        kw = {"id": int(words[5]), "seq": 1} if len(words) == 6 else {}
        if ":" in words[2]:
            if words[3] == "129":
                return l3(words[1], words[2]) / ICMPv6EchoReply(code=int(words[4]), **kw)
            return l3(words[1], words[2]) / ICMPv6Unknown(type=int(words[3]),
                                                          code=int(words[4]))
        return l3(words[1], words[2]) / ICMP(type=int(words[3]), code=int(words[4]), **kw)
    if kind == "unreach" and len(words) == 7:
        quoted = l3(words[3], words[5]) / UDP(sport=int(words[4]), dport=int(words[6]))
        if ":" in words[2]:
            return l3(words[1], words[2]) / ICMPv6DestUnreach(code=4) / quoted
        return l3(words[1], words[2]) / ICMP(type=3, code=3) / quoted
    if kind == "proto" and len(words) == 4:
        if ":" in words[2]:
            return IPv6(src=words[1], dst=words[2], nh=int(words[3])) / Raw(b"gw-proto")
        return IP(src=words[1], dst=words[2], proto=int(words[3])) / Raw(b"gw-proto")
    if kind == "trunc" and len(words) == 3:
        # ports 40000 and 22, and nothing of the header after them
        if ":" in words[2]:
            return IPv6(src=words[1], dst=words[2], nh=6) / Raw(b"\x9c\x40\x00\x16")
        return IP(src=words[1], dst=words[2], proto=6) / Raw(b"\x9c\x40\x00\x16")
    return None


def cookie(syn, link):
    """Send @syn and return "sent ISN" of the SYN-ACK that answers it."""
    if link:
        reply = srp1(Ether(dst=link[1]) / syn, iface=link[0], timeout=REPLY_TIMEOUT)
    else:
        reply = sr1(syn, timeout=REPLY_TIMEOUT)
    if reply is None or TCP not in reply or reply[TCP].flags != "SA":
        return "error: no SYN-ACK answered the SYN"
    return "sent %d" % reply[TCP].seq


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
        if words[0] == "cookie":
            print(cookie(pkt, link), flush=True)
            continue
        if link:
            sendp(Ether(dst=link[1]) / pkt, iface=link[0])
        else:
            send(pkt)
        print("sent", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
