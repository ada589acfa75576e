#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""dump_shift.py CMD [ARG...]: dump gatewarden's blocklists, and after the
first part of the dump has been read (the next part is already built, the
rest is not), run CMD (which changes the list) before reading on.  Prints
"entries=N unique=U intr=0|1": how many entries came, how many distinct
addresses, and whether any message carried NLM_F_DUMP_INTR."""
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402

NLM_F_DUMP = 0x300
NLM_F_DUMP_INTR = 0x10

CMD = genl.uapi_enum("gw_cmd")
ATTR = genl.uapi_enum("gw_attr")
BLOCK = genl.uapi_enum("gw_block_attr")


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         genl.NETLINK_GENERIC)
    sock.bind((0, 0))
    fam = genl.family_id(sock, "gatewarden")
    if fam is None:
        print("no gatewarden family", file=sys.stderr)
        return 2
    body = struct.pack("BBH", CMD["GW_CMD_BLOCK_GET"], 1, 0)
    sock.send(struct.pack("IHHII", 16 + len(body), fam,
                          genl.NLM_F_REQUEST | NLM_F_DUMP, 7, 0) + body)
    addrs, intr, parts, done = [], 0, 0, False
    while not done:
        data = sock.recv(1 << 20)
        parts += 1
        while len(data) >= 16:
            mlen, mtype, mflags, _, _ = struct.unpack("IHHII", data[:16])
            if mflags & NLM_F_DUMP_INTR:
                intr = 1
            if mtype == genl.NLMSG_DONE:
                done = True
                break
            if mtype == genl.NLMSG_ERROR:
                err = -struct.unpack("i", data[16:20])[0]
                print("dump failed: errno %d" % err, file=sys.stderr)
                return 2
            attrs = genl.parse_attrs(data[20:mlen])
            nest = genl.parse_attrs(attrs.get(ATTR["GW_A_BLOCK"], b""))
            addrs.append(nest.get(BLOCK["GW_BLOCK_A_ADDR"], b"").hex())
            data = data[(mlen + 3) & ~3:]
        if parts == 1 and not done:
            subprocess.run(sys.argv[1:], check=True,
                           stdout=subprocess.DEVNULL)
    print("entries=%d unique=%d intr=%d parts=%d" %
          (len(addrs), len(set(addrs)), intr, parts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
