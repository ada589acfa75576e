#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One bulk TCP transfer whose every byte is checked.

    tcp_bulk.py serve ADDR PORT NBYTES REPORT    send NBYTES to the first client
    tcp_bulk.py fetch ADDR PORT REPORT           receive until the server closes

The data is a seeded pseudo-random 1 MiB block, each copy stamped with its
index, so a lost, doubled or misplaced segment changes the digest.  Each
side writes "BYTES SHA256 SECONDS" to REPORT when it is done (the server
once everything is handed to the kernel and the socket is closed).  Exit
status 0 only if the transfer ran to its end.  The caller bounds the time
(timeout(1)).
"""
import hashlib
import os
import random
import socket
import sys
import time

BLOCK = 1 << 20


def blocks(nbytes):
    base = bytearray(random.Random(20260107).randbytes(BLOCK))
    index = 0
    while nbytes > 0:
        base[0:8] = index.to_bytes(8, "big")
        chunk = bytes(base[:min(nbytes, BLOCK)])
        yield chunk
        nbytes -= len(chunk)
        index += 1


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def report(path, nbytes, digest, started):
    with open(path + ".tmp", "w") as f:
        f.write("%d %s %.1f\n" % (nbytes, digest.hexdigest(),
                                  time.monotonic() - started))
    # atomic: the test polls for the file
    os.rename(path + ".tmp", path)


def serve(addr, port, nbytes, path):
    lsock = socket.socket(family(addr), socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((addr, port))
    lsock.listen(1)
    conn, _ = lsock.accept()
    lsock.close()
    started = time.monotonic()
    digest, sent = hashlib.sha256(), 0
    for chunk in blocks(nbytes):
        conn.sendall(chunk)
        digest.update(chunk)
        sent += len(chunk)
    conn.shutdown(socket.SHUT_WR)
    # wait for the client's close, so that the report means "delivered"
    while conn.recv(4096):
        pass
    conn.close()
    report(path, sent, digest, started)
    return 0


def fetch(addr, port, path):
    sock = socket.socket(family(addr), socket.SOCK_STREAM)
    sock.settimeout(30)
    sock.connect((addr, port))
    started = time.monotonic()
    digest, got = hashlib.sha256(), 0
    buf = bytearray(1 << 18)
    view = memoryview(buf)
    while True:
        n = sock.recv_into(buf)
        if not n:
            break
        digest.update(view[:n])
        got += n
    sock.close()
    report(path, got, digest, started)
    return 0


def main():
    mode = sys.argv[1]
    if mode == "serve":
        return serve(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5])
    if mode == "fetch":
        return fetch(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
