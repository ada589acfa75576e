#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One TCP connection to an echo server, one exchange per step, each step
started by the test.

    tcp_steps.py ADDR PORT STATE_DIR [TIMEOUT]

Connects, writes STATE_DIR/port (its local port), exchanges a first line and
writes STATE_DIR/done.0.  Then for i = 1, 2, ...: waits (at most TIMEOUT
seconds, default 60) for STATE_DIR/go.i, sends a line, waits (5 s at most)
for its echo and writes STATE_DIR/done.i with the outcome and how long it
took: "ok 0.004", "reset 0.002", "timeout 5.001", "eof 0.1", "error: ...".
Stops after the first step that is not ok, or when STATE_DIR/stop appears.
"""
import os
import socket
import sys
import time


def put(state, name, text):
    path = os.path.join(state, name)
    with open(path + ".tmp", "w") as f:
        f.write(text + "\n")
    os.rename(path + ".tmp", path)


def exchange(sock, line):
    started = time.monotonic()
    try:
        sock.sendall(line)
        got = b""
        while not got.endswith(b"\n"):
            chunk = sock.recv(256)
            if not chunk:
                return "eof %.3f" % (time.monotonic() - started)
            got += chunk
        if got != line:
            return "error: echo %r for %r" % (got, line)
        return "ok %.3f" % (time.monotonic() - started)
    except ConnectionResetError:
        return "reset %.3f" % (time.monotonic() - started)
    except socket.timeout:
        return "timeout %.3f" % (time.monotonic() - started)
    except OSError as err:
        return "error: %s" % err


def main():
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    addr, port, state = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    limit = float(sys.argv[4]) if len(sys.argv) > 4 else 60.0
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(5)
    try:
        sock.connect((addr, port))
    except OSError as err:
        put(state, "done.0", "error: %s" % err)
        return 1
    put(state, "port", str(sock.getsockname()[1]))
    step = 0
    while True:
        outcome = exchange(sock, b"step %d\n" % step)
        put(state, "done.%d" % step, outcome)
        if not outcome.startswith("ok"):
            break
        step += 1
        deadline = time.monotonic() + limit
        go = os.path.join(state, "go.%d" % step)
        while not os.path.exists(go):
            if (os.path.exists(os.path.join(state, "stop")) or
                    time.monotonic() > deadline):
                sock.close()
                return 0
            time.sleep(0.05)
    sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
