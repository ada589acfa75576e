#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold one TCP connection to an echo server and report what becomes of it.

    tcp_watch.py ADDR PORT DIR [TIMEOUT]

Connects, exchanges a first line and creates DIR/ready.  Then, until
TIMEOUT seconds (default 60) have passed: each time the test creates
DIR/goN (N = 1, 2, ...) it exchanges one more line over the same
connection, prints "ok N" (or "failed N") and creates DIR/doneN; and the
moment the connection is reset or closed by the other end while it waits,
it prints "reset" or "eof" and exits.  Every line is flushed as it is
printed, so the test can watch the output file.
"""
import errno
import os
import select
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
    addr, port, work = sys.argv[1:4]
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(3)
    try:
        sock.connect((addr, int(port)))
        if not exchange(sock, b"first\n"):
            print("first failed", flush=True)
            return 1
    except OSError as err:
        print("error: %s" % err, flush=True)
        return 1
    open(os.path.join(work, "ready"), "w").close()
    deadline = time.monotonic() + limit
    n = 1
    while time.monotonic() < deadline:
        readable, _, _ = select.select([sock], [], [], 0.05)
        if readable:
            try:
                data = sock.recv(256)
            except OSError as err:
                print("reset" if err.errno == errno.ECONNRESET else
                      "error: %s" % err, flush=True)
                return 0
            print("eof" if not data else "unexpected data", flush=True)
            return 0
        if os.path.exists(os.path.join(work, "go%d" % n)):
            try:
                ok = exchange(sock, b"line %d\n" % n)
            except OSError as err:
                ok = False
                print("error: %s" % err, flush=True)
            print("%s %d" % ("ok" if ok else "failed", n), flush=True)
            open(os.path.join(work, "done%d" % n), "w").close()
            n += 1
    print("timeout", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main())
