#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hand-made segments at a SYN proxy (tests/vm/synproxy_basic.sh).

    synproxy_probe.py syn SRC DST DPORT      one SYN with MSS, SACK, TS and
                                             window scale; prints the answer
                                             as JSON (or {} when none came)
    synproxy_probe.py forge SRC DST DPORT N  N ACKs with random ports, seq and
                                             ack (cookies), TS with a random
                                             TSecr: none is ours
    synproxy_probe.py refused DST DPORT      connect; exit 0 if the
                                             connection opens and is then
                                             reset (the proxy's answer to a
                                             server's refusal)
    synproxy_probe.py replay SRC DST DPORT GO
                                             a handshake with the proxy by
                                             hand (SYN, its SYN-ACK, the
                                             ACK with the cookie); once the
                                             file GO exists, that ACK again
"""
import json
import os
import random
import socket
import sys
import time


def scapy():
    """Imported only where needed: it takes seconds under emulation."""
    import scapy.all as s  # pylint: disable=import-outside-toplevel
    s.conf.verb = 0
    return s


def l3(s, src, dst):
    return s.IPv6(src=src, dst=dst) if ":" in dst else s.IP(src=src, dst=dst)


def syn(src, dst, dport):
    s = scapy()
    seq = random.getrandbits(32)
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)),
            ("NOP", None), ("WScale", 7)]
    pkt = l3(s, src, dst) / s.TCP(sport=random.randint(20000, 60000),
                                  dport=dport, flags="S", seq=seq,
                                  options=opts)
    ans = s.sr1(pkt, timeout=3)
    if ans is None or s.TCP not in ans:
        print("{}")
        return 0
    t = ans[s.TCP]
    out = {"flags": str(t.flags), "window": t.window,
           "ack_ok": t.ack == (seq + 1) & 0xffffffff,
           "options": {k: v for k, v in t.options if k != "NOP"}}
    ts = out["options"].get("Timestamp")
    if ts:
        out["options"]["Timestamp"] = list(ts)
    out["options"] = {k: (v if isinstance(v, (int, list)) else str(v))
                      for k, v in out["options"].items()}
    print(json.dumps(out, sort_keys=True))
    return 0


def forge(src, dst, dport, n):
    s = scapy()
    pkts = []
    for _ in range(n):
        tsval = random.getrandbits(32)
        tsecr = random.getrandbits(32)
        pkts.append(l3(s, src, dst) /
                    s.TCP(sport=random.randint(1024, 65535), dport=dport,
                        flags="A", seq=random.getrandbits(32),
                        ack=random.getrandbits(32),
                        options=[("NOP", None), ("NOP", None),
                                 ("Timestamp", (tsval, tsecr))]))
    s.send(pkts)
    return 0


def replay(src, dst, dport, go):
    s = scapy()
    seq = random.getrandbits(32)
    sport = random.randint(20000, 60000)
    opts = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)),
            ("NOP", None), ("WScale", 7)]
    ans = s.sr1(l3(s, src, dst) / s.TCP(sport=sport, dport=dport, flags="S",
                                       seq=seq, options=opts), timeout=3)
    if ans is None or s.TCP not in ans or str(ans[s.TCP].flags) != "SA":
        print("no SYN-ACK")
        return 1
    t = ans[s.TCP]
    ts = dict(t.options).get("Timestamp")
    ack = l3(s, src, dst) / s.TCP(
        sport=sport, dport=dport, flags="A", seq=(seq + 1) & 0xffffffff,
        ack=(t.seq + 1) & 0xffffffff,
        options=[("NOP", None), ("NOP", None),
                 ("Timestamp", (12346, ts[0]))] if ts else [])
    s.send(ack)
    print("acked", flush=True)
    deadline = time.monotonic() + 120
    while not os.path.exists(go):
        if time.monotonic() > deadline:
            print("never told to replay")
            return 1
        time.sleep(0.05)
    s.send(ack)
    print("replayed")
    return 0


def refused(dst, dport):
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    sock = socket.socket(fam, socket.SOCK_STREAM)
    sock.settimeout(5)
    # The proxy completes the handshake itself, so the client sees its
    # connection established and then reset: ECONNRESET, from connect() if
    # the reset beat the wake-up of this task, else from recv().  A reset
    # of the SYN itself (no proxy) is ECONNREFUSED and fails.
    try:
        sock.connect((dst, dport))
    except ConnectionResetError:
        print("reset")
        return 0
    except OSError as e:
        print("connect failed: %s" % e)
        return 1
    try:
        data = sock.recv(1)
    except ConnectionResetError:
        print("reset")
        return 0
    except OSError as e:
        print("recv failed: %s" % e)
        return 1
    print("no reset: recv gave %r" % data)
    return 1


def main():
    cmd = sys.argv[1]
    if cmd == "syn":
        return syn(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    if cmd == "forge":
        return forge(sys.argv[2], sys.argv[3], int(sys.argv[4]),
                     int(sys.argv[5]))
    if cmd == "refused":
        return refused(sys.argv[2], int(sys.argv[3]))
    if cmd == "replay":
        return replay(sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
