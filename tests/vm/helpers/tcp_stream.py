#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A TCP connection that keeps transferring, and a client that watches it.

    tcp_stream.py server ADDR PORT PAUSE_FILE [LIMIT]
    tcp_stream.py client ADDR PORT STATE_DIR [LIMIT]

The server sends every client 4 KiB every 50 ms for as long as PAUSE_FILE
does not exist, and ignores what clients send.  It serves for at most LIMIT
seconds (default 300).

The client connects, reads, and keeps STATE_DIR up to date:
  port   its local port, once connected;
  bytes  how many bytes it has received (rewritten atomically);
  end    how the connection ended: "eof", "reset", "error: ...", or
         "limit" after LIMIT seconds (default 120).
"""
import os
import socket
import sys
import threading
import time

CHUNK = b"gatewarden-stream" * 241 + b"\n"   # 4098 bytes


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def stream(conn, pause):
    conn.setblocking(True)
    try:
        while True:
            if not os.path.exists(pause):
                conn.sendall(CHUNK)
            time.sleep(0.05)
    except OSError:
        pass
    finally:
        conn.close()


def server(addr, port, pause, limit):
    lsock = socket.socket(family(addr), socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, port))
    lsock.listen(16)
    deadline = time.monotonic() + limit
    lsock.settimeout(1)
    while time.monotonic() < deadline:
        try:
            conn, _ = lsock.accept()
        except socket.timeout:
            continue
        threading.Thread(target=stream, args=(conn, pause), daemon=True).start()
    return 0


def put(state, name, text):
    path = os.path.join(state, name)
    with open(path + ".tmp", "w") as f:
        f.write(text + "\n")
    os.rename(path + ".tmp", path)


def client(addr, port, state, limit):
    sock = socket.socket(family(addr), socket.SOCK_STREAM)
    sock.settimeout(5)
    total = 0
    try:
        sock.connect((addr, port))
        put(state, "bytes", "0")
        put(state, "port", str(sock.getsockname()[1]))
        deadline = time.monotonic() + limit
        sock.settimeout(0.2)
        while time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                put(state, "end", "eof")
                return 0
            total += len(data)
            put(state, "bytes", str(total))
        put(state, "end", "limit")
    except ConnectionResetError:
        put(state, "end", "reset")
    except OSError as err:
        put(state, "end", "error: %s" % err)
    finally:
        sock.close()
    return 0


def main():
    if len(sys.argv) < 5 or sys.argv[1] not in ("server", "client"):
        print(__doc__, file=sys.stderr)
        return 2
    mode, addr, port, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    if mode == "server":
        limit = float(sys.argv[5]) if len(sys.argv) > 5 else 300.0
        return server(addr, port, path, limit)
    limit = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
    return client(addr, port, path, limit)


if __name__ == "__main__":
    sys.exit(main())
