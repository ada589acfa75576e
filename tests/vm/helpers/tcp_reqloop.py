#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sequential TCP request/response, as a web client would make them.

    tcp_reqloop.py ADDR PORT SECONDS TIMEOUT [MAXREQ]

For SECONDS (or MAXREQ requests), one at a time: connect, send a line,
read the same line back from an echo server, close.  A request that is
refused, times out (TIMEOUT seconds for the whole exchange) or comes back
wrong counts as failed.  Prints "ok N fail M".
"""
import socket
import sys
import time


def one(addr, port, timeout, n):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    line = b"gw-req-%d\n" % n
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect((addr, port))
        s.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            chunk = s.recv(256)
            if not chunk:
                break
            got += chunk
        return got == line


def main():
    addr, port = sys.argv[1], int(sys.argv[2])
    seconds, timeout = float(sys.argv[3]), float(sys.argv[4])
    maxreq = int(sys.argv[5]) if len(sys.argv) > 5 else 1 << 30
    ok = fail = 0
    end = time.monotonic() + seconds
    while time.monotonic() < end and ok + fail < maxreq:
        start = time.monotonic()
        try:
            good = one(addr, port, timeout, ok + fail)
        except OSError:
            good = False
        if good:
            ok += 1
        else:
            fail += 1
            # a refusal is instant: do not spin on it
            time.sleep(max(0.0, 0.1 - (time.monotonic() - start)))
    print("ok %d fail %d" % (ok, fail))
    return 0


if __name__ == "__main__":
    sys.exit(main())
