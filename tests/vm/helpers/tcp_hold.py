#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold one TCP connection open across a change the test makes.

    tcp_hold.py ADDR PORT READY_FILE GATE_FILE [TIMEOUT]

Connects to an echo server, exchanges a first line, creates READY_FILE,
waits (at most TIMEOUT seconds, default 30) for GATE_FILE to appear, then
exchanges a second line over the same connection.  Prints "first ok" and
"second ok" as each exchange succeeds; exits 0 only if both did.  Every
wait is multiplied by GW_TIME_SCALE (tests/vm/lib.sh; 4 on the debug kernel).
"""
import os
import socket
import sys
import time


def exchange(sock, line):
    sock.sendall(line)
    got = b""
    while not got.endswith(b"\n"):
        chunk = sock.recv(256)
        if not chunk:
            return False
        got += chunk
    return got == line


def main():
    addr, port, ready, gate = sys.argv[1:5]
    scale = int(os.environ.get("GW_TIME_SCALE", "1") or 1)
    limit = (float(sys.argv[5]) if len(sys.argv) > 5 else 30.0) * scale
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(3 * scale)
    try:
        sock.connect((addr, int(port)))
        if not exchange(sock, b"first\n"):
            return 1
        print("first ok", flush=True)
        open(ready, "w").close()
        deadline = time.monotonic() + limit
        while not os.path.exists(gate):
            if time.monotonic() > deadline:
                print("gate never opened", flush=True)
                return 1
            time.sleep(0.05)
        if not exchange(sock, b"second\n"):
            return 1
        print("second ok", flush=True)
        return 0
    except OSError as err:
        print("error: %s" % err, flush=True)
        return 1
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main())
