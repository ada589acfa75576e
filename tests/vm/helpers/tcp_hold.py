#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Hold one TCP connection to an echo server open across what a test does.

    tcp_hold.py gate ADDR PORT READY_FILE GATE_FILE [TIMEOUT]

Connects, exchanges a first line, creates READY_FILE, waits (at most
TIMEOUT seconds, default 30) for GATE_FILE to appear, then exchanges a
second line over the same connection.  Prints "first ok" and "second ok"
as each exchange succeeds; exits 0 only if both did.  Every wait is
multiplied by GW_TIME_SCALE (tests/vm/lib.sh; 4 on the debug kernel).

    tcp_hold.py watch ADDR PORT DIR [TIMEOUT]

Connects, exchanges a first line and creates DIR/ready.  Then, until
TIMEOUT seconds (default 60) have passed: each time the test creates
DIR/goN (N = 1, 2, ...) it exchanges one more line over the same
connection, prints "ok N" (or "failed N") and creates DIR/doneN; and the
moment the connection is reset or closed by the other end while it waits,
it prints "reset" or "eof" and exits.  Every line is flushed as it is
printed, so the test can watch the output file.  Its waits are not
scaled: the caller passes what it needs.
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


def connect_socket(addr, timeout):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    return sock


def gate(args):
    addr, port, ready, gate_file = args[0:4]
    scale = int(os.environ.get("GW_TIME_SCALE", "1") or 1)
    limit = (float(args[4]) if len(args) > 4 else 30.0) * scale
    sock = connect_socket(addr, 3 * scale)
    try:
        sock.connect((addr, int(port)))
        if not exchange(sock, b"first\n"):
            return 1
        print("first ok", flush=True)
        open(ready, "w").close()
        deadline = time.monotonic() + limit
        while not os.path.exists(gate_file):
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


def watch(args):
    addr, port, work = args[0:3]
    limit = float(args[3]) if len(args) > 3 else 60.0
    sock = connect_socket(addr, 3)
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


def main():
    modes = {"gate": (gate, 4), "watch": (watch, 3)}
    if len(sys.argv) < 2 or sys.argv[1] not in modes \
            or len(sys.argv) - 2 < modes[sys.argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    run, _ = modes[sys.argv[1]]
    return run(sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
