#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Join the gatewarden "events" multicast group, as any client could.

    genl_subscribe.py

Prints "subscribed" and exits 0 when the kernel lets the socket join, or
"errno=N" and exits 1 when it refuses; 2 on a local failure.
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402  pylint: disable=wrong-import-position

CTRL_ATTR_MCAST_GROUPS = 7
CTRL_ATTR_MCAST_GRP_NAME = 1
CTRL_ATTR_MCAST_GRP_ID = 2
NETLINK_ADD_MEMBERSHIP = 1


def events_group(sock):
    err, _, reply = genl.request(
        sock, genl.GENL_ID_CTRL, genl.CTRL_CMD_GETFAMILY,
        genl.attr(genl.CTRL_ATTR_FAMILY_NAME, b"gatewarden\0"), 1)
    if err or reply is None:
        return None
    groups = genl.parse_attrs(reply[4:]).get(CTRL_ATTR_MCAST_GROUPS, b"")
    while len(groups) >= 4:
        glen = struct.unpack("H", groups[:2])[0]
        if glen < 4:
            break
        grp = genl.parse_attrs(groups[4:glen])
        if grp.get(CTRL_ATTR_MCAST_GRP_NAME, b"").rstrip(b"\0") == b"events":
            return struct.unpack("I", grp[CTRL_ATTR_MCAST_GRP_ID][:4])[0]
        groups = groups[(glen + 3) & ~3:]
    return None


def main():
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         genl.NETLINK_GENERIC)
    sock.bind((0, 0))
    group = events_group(sock)
    if group is None:
        print("no events group", file=sys.stderr)
        return 2
    try:
        sock.setsockopt(genl.SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, group)
    except OSError as e:
        print("errno=%d" % e.errno)
        return 1
    print("subscribed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
