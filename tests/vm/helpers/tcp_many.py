#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Many TCP connections at once, for full-connection floods.

    tcp_many.py server ADDR PORT
        an echo server in one process (asyncio), for hundreds of clients
    tcp_many.py client ADDR PORT N TIMEOUT [--bind SRC] [--gate FILE]
        open N connections in parallel, send a line on each and count the
        ones echoed within TIMEOUT seconds; print "served K".  With --gate,
        keep them open until FILE exists (at most 120 s), then do the same
        again on those served and print "again K".
"""
import asyncio
import os
import socket
import sys
import time


async def echo(reader, writer):
    try:
        while True:
            data = await reader.read(4096)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


async def serve(addr, port):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    server = await asyncio.start_server(echo, addr, port, family=family,
                                        backlog=1024, reuse_address=True)
    async with server:
        await server.serve_forever()


async def roundtrip(reader, writer, line, timeout):
    try:
        writer.write(line)
        await writer.drain()
        got = await asyncio.wait_for(reader.readexactly(len(line)), timeout)
        return got == line
    except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError):
        return False


async def one(addr, port, bind, timeout, i):
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    local = (bind, 0) if bind else None
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(addr, port, family=family,
                                    local_addr=local), timeout)
    except (OSError, asyncio.TimeoutError):
        return None
    if not await roundtrip(reader, writer, b"gw-many-%d\n" % i, timeout):
        writer.close()
        return None
    return reader, writer


async def clients(addr, port, n, timeout, bind, gate):
    conns = await asyncio.gather(*(one(addr, port, bind, timeout, i)
                                   for i in range(n)))
    served = [c for c in conns if c]
    print("served %d" % len(served), flush=True)
    if gate:
        end = time.monotonic() + 120
        while not os.path.exists(gate) and time.monotonic() < end:
            await asyncio.sleep(0.1)
        ok = await asyncio.gather(*(roundtrip(r, w, b"gw-again\n", timeout)
                                    for r, w in served))
        print("again %d" % sum(ok), flush=True)
    for _, w in served:
        w.close()


def main():
    args = sys.argv[1:]
    bind = gate = None
    if "--bind" in args:
        i = args.index("--bind")
        bind = args[i + 1]
        del args[i:i + 2]
    if "--gate" in args:
        i = args.index("--gate")
        gate = args[i + 1]
        del args[i:i + 2]
    if args[0] == "server":
        asyncio.run(serve(args[1], int(args[2])))
        return 0
    asyncio.run(clients(args[1], int(args[2]), int(args[3]), float(args[4]),
                        bind, gate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
