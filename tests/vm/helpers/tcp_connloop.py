#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sequential TCP connections to an echo server, each one timed.

    tcp_connloop.py ADDR PORT COUNT TIMEOUT SECONDS

Up to COUNT connections, one after the other, none started more than
SECONDS after the first: connect (at most TIMEOUT seconds), send a line,
read the same line back (at most TIMEOUT seconds more), close.  A
connection completes only when its line came back, so only when the
server accepted it: a SYN proxy's handshake alone does not count.  Prints
one line of JSON:

    {"count": COUNT, "attempted": N, "ok": N,
     "connect_ms": MEDIAN, "connect_p90_ms": P90,
     "exchange_ms": MEDIAN, "seconds": S}

the medians over the completed connections (connect: until connect()
returned; exchange: from connect() to the echo) and the 90th percentile
of connect (nearest rank), null if none completed, and S the seconds from
the first connection's start to the last one's end.

With GW_READY set, creates that file once started; with GW_GO set, waits
for that file to appear before the first connection (at most 60 seconds;
then it makes none), so that a test can start Python, which takes seconds
on a busy guest, before the traffic the connections are to meet.
"""
import json
import math
import os
import socket
import statistics
import sys
import time


def one(addr, port, timeout, n):
    """(connect seconds, exchange seconds) or None."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    line = b"gw-conn-%d\n" % n
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        start = time.monotonic()
        s.connect((addr, port))
        connected = time.monotonic()
        s.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            chunk = s.recv(256)
            if not chunk:
                break
            got += chunk
        if got != line:
            return None
        return connected - start, time.monotonic() - start


def median_ms(values):
    if not values:
        return None
    return round(statistics.median(values) * 1000, 1)


def p90_ms(values):
    """The nearest-rank 90th percentile: 9 in 10 took no longer."""
    if not values:
        return None
    ranked = sorted(values)
    return round(ranked[math.ceil(0.9 * len(ranked)) - 1] * 1000, 1)


def wait_go():
    """Create GW_READY, then wait for GW_GO; False if it never came."""
    path = os.environ.get("GW_READY")
    if path:
        with open(path, "w", encoding="ascii"):
            pass
    go = os.environ.get("GW_GO")
    end = time.monotonic() + 60
    while go and not os.path.exists(go):
        if time.monotonic() >= end:
            return False
        time.sleep(0.01)
    return True


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    count, timeout = int(sys.argv[3]), float(sys.argv[4])
    seconds = float(sys.argv[5])
    attempted = 0
    connect, exchange = [], []
    go = wait_go()
    first = time.monotonic()
    end = first + seconds
    while go and attempted < count and time.monotonic() < end:
        start = time.monotonic()
        try:
            got = one(addr, port, timeout, attempted)
        except OSError:
            got = None
        attempted += 1
        if got:
            connect.append(got[0])
            exchange.append(got[1])
        else:
            # a refusal is instant: do not spin on it
            time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
    print(json.dumps({"count": count, "attempted": attempted,
                      "ok": len(connect), "connect_ms": median_ms(connect),
                      "connect_p90_ms": p90_ms(connect),
                      "exchange_ms": median_ms(exchange),
                      "seconds": round(time.monotonic() - first, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
