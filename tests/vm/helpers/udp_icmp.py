#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP and ICMP packets for the pseudo-connection scenarios, with plain
sockets (scapy takes seconds to import under emulation).

    udp_icmp.py send SRC SPORT DST DPORT [COUNT [SIZE]]
        COUNT (1) datagrams of SIZE (12) bytes from SRC:SPORT, through a raw
        socket so that a server may hold the port (a "reply" nobody asked
        for); one larger than the MTU leaves in fragments.
    udp_icmp.py recv ADDR PORT SECONDS
        bind ADDR:PORT, print how many datagrams arrived within SECONDS.
    udp_icmp.py ask SRC SPORT DST DPORT SECONDS [EVERY]
        send one datagram from SRC:SPORT, then print 1 as soon as a
        datagram comes back from DST:DPORT, 0 if none does within SECONDS.
        With EVERY, ask again every EVERY seconds until then, as a
        resolver does, and tell on stderr how many questions it took.
    udp_icmp.py serve ADDR PORT SIZE
        answer every datagram to ADDR:PORT with SIZE bytes, until killed.
    udp_icmp.py answer ADDR PORT TEXT
        the same with TEXT and a newline, at once: socat's
        UDP-RECVFROM,fork gives the program that answers half a second
        after the question, and a loaded debug kernel can take longer
        than that to start one.
    udp_icmp.py frag-needed SRC DST INNER_SPORT INNER_DPORT MTU
        from here to SRC, an ICMP "fragmentation needed" (IPv4) or "packet
        too big" (IPv6) quoting a UDP datagram SRC:INNER_SPORT ->
        DST:INNER_DPORT, as a router on the path would send it.

Addresses with a colon are IPv6.  With GW_READY set, recv, ask and serve
create that file once bound (ask: once its question is sent).  With GW_STOP
set, recv and ask stop waiting one second after that file appears (the
test creates it once it has sent what there was to send).
"""
import ctypes
import os
import select
import signal
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def udp_socket(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    return s


def ready():
    path = os.environ.get("GW_READY")
    if path:
        with open(path, "w", encoding="ascii"):
            pass


def count_until(s, seconds, peer=None, first=False):
    got = 0
    end = time.monotonic() + seconds
    stop = os.environ.get("GW_STOP")
    while True:
        now = time.monotonic()
        if stop and os.path.exists(stop):
            end = min(end, now + 1)
            stop = None
        left = end - now
        if left <= 0:
            return got
        ready, _, _ = select.select([s], [], [], min(left, 0.1))
        if not ready:
            continue
        try:
            _, who = s.recvfrom(65535)
        except OSError:
            continue  # an ICMP error queued on the socket
        if peer is None or (who[0], who[1]) == peer:
            got += 1
            if first:
                return got


IPV6_CHECKSUM = 7
IP_MTU_DISCOVER = 10
IPV6_MTU_DISCOVER = 23
PMTUDISC_DONT = 0


def raw_udp(src, sport, dst, dport, payload):
    """A datagram from SRC:SPORT even while a server holds that port."""
    fam = family(src)
    s = socket.socket(fam, socket.SOCK_RAW, socket.IPPROTO_UDP)
    if fam == socket.AF_INET6:
        # the kernel computes the checksum at this offset
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_CHECKSUM, 6)
        s.setsockopt(socket.IPPROTO_IPV6, IPV6_MTU_DISCOVER, PMTUDISC_DONT)
    else:
        s.setsockopt(socket.IPPROTO_IP, IP_MTU_DISCOVER, PMTUDISC_DONT)
    s.bind((src, 0))
    # checksum 0: none, for IPv4; filled in by the kernel for IPv6
    s.sendto(struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) +
             payload, (dst, 0))


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def quoted_udp4(src, dst, sport, dport):
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + 8 + 32, 0x1234, 0x4000,
                     63, 17, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return ip + struct.pack("!HHHH", sport, dport, 8 + 32, 0) + b"q" * 32


def quoted_udp6(src, dst, sport, dport):
    ip = struct.pack("!IHBB16s16s", 6 << 28, 8 + 32, 17, 63,
                     socket.inet_pton(socket.AF_INET6, src),
                     socket.inet_pton(socket.AF_INET6, dst))
    return ip + struct.pack("!HHHH", sport, dport, 8 + 32, 0) + b"q" * 32


def frag_needed(src, dst, sport, dport, mtu):
    if family(src) == socket.AF_INET:
        body = quoted_udp4(src, dst, sport, dport)
        msg = struct.pack("!BBHHH", 3, 4, 0, 0, mtu) + body
        msg = msg[:2] + struct.pack("!H", checksum(msg)) + msg[4:]
        s = socket.socket(socket.AF_INET, socket.SOCK_RAW,
                          socket.IPPROTO_ICMP)
    else:
        body = quoted_udp6(src, dst, sport, dport)
        # the kernel fills in an ICMPv6 checksum on raw sockets
        msg = struct.pack("!BBHI", 2, 0, 0, mtu) + body
        s = socket.socket(socket.AF_INET6, socket.SOCK_RAW,
                          socket.IPPROTO_ICMPV6)
    s.sendto(msg, (src, 0))


PR_SET_PDEATHSIG = 1


def end_with_parent():
    """Scenarios start this helper through a shell function in the
    background, whose $! is a subshell's: killing that at exit must end
    the helper too, or it outlives the scenario in its namespace."""
    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:
        sys.exit(0)


def main(argv):
    end_with_parent()
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "send" and len(argv) in (6, 7, 8):
        payload = b"forged reply"
        if len(argv) == 8:
            payload = b"f" * int(argv[7])
        for _ in range(int(argv[6]) if len(argv) >= 7 else 1):
            raw_udp(argv[2], int(argv[3]), argv[4], int(argv[5]), payload)
        return 0
    if cmd == "recv" and len(argv) == 5:
        s = udp_socket(argv[2], int(argv[3]))
        ready()
        print(count_until(s, float(argv[4])), flush=True)
        return 0
    if cmd == "ask" and len(argv) in (7, 8):
        s = udp_socket(argv[2], int(argv[3]))
        peer = (argv[4], int(argv[5]))
        end = time.monotonic() + float(argv[6])
        every = float(argv[7]) if len(argv) == 8 else float(argv[6])
        asked = got = 0
        while not got:
            left = end - time.monotonic()
            if left <= 0:
                break
            s.sendto(b"question", peer)
            asked += 1
            if asked == 1:
                ready()
            got = count_until(s, min(every, left), peer, True)
        if len(argv) == 8:
            print(f"ask: {asked} question(s), {'answered' if got else 'no answer'}",
                  file=sys.stderr, flush=True)
        print(got, flush=True)
        return 0
    if cmd in ("serve", "answer") and len(argv) == 5:
        s = udp_socket(argv[2], int(argv[3]))
        if cmd == "serve":
            answer = b"x" * int(argv[4])
        else:
            answer = argv[4].encode() + b"\n"
        ready()
        while True:
            _, who = s.recvfrom(65535)
            s.sendto(answer, who)
    if cmd == "frag-needed" and len(argv) == 7:
        frag_needed(argv[2], argv[3], int(argv[4]), int(argv[5]),
                    int(argv[6]))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
