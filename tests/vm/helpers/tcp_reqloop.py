#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Sequential TCP request/response, as a web client would make them.

    tcp_reqloop.py ADDR PORT SECONDS TIMEOUT [MAXREQ]

For SECONDS (or MAXREQ requests), one at a time: connect, send a line,
read the same line back from an echo server, close.  A request that is
refused, times out (TIMEOUT seconds for the whole exchange) or comes back
wrong counts as failed.  Prints "ok N fail M".
"""
import sys
import time

import tcp_connloop  # beside this file: its one exchange, timed


def one(addr, port, timeout, n):
    """One request: the same timed exchange tcp_connloop.py makes."""
    return tcp_connloop.one(addr, port, timeout, n) is not None


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
