#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Open a load transaction, stage one zone in it, and hold it.

    txn_hold.py READY_FILE IFNAME

Begins a transaction (GW_CMD_TXN_BEGIN), stages "iface IFNAME wan" in it,
writes the transaction id to READY_FILE, then sleeps until killed: the test
kills it to play a gwctl that dies half-way through a load.  Exits 1 if
the module refuses a step.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402  pylint: disable=wrong-import-position

CMD = genl.uapi_enum("gw_cmd")
ATTR = genl.uapi_enum("gw_attr")
TXN_BEGIN, TXN_STAGE = CMD["GW_CMD_TXN_BEGIN"], CMD["GW_CMD_TXN_STAGE"]
A_IFNAME, A_ZONE = ATTR["GW_A_IFNAME"], ATTR["GW_A_ZONE"]
A_TXN_ID = ATTR["GW_A_TXN_ID"]
ZONE_WAN = genl.uapi_enum("gw_zone")["GW_ZONE_WAN"]


def main():
    ready, ifname = sys.argv[1:3]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                         genl.NETLINK_GENERIC)
    sock.setsockopt(genl.SOL_NETLINK, genl.NETLINK_CAP_ACK, 1)
    sock.setsockopt(genl.SOL_NETLINK, genl.NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    fam = genl.family_id(sock, "gatewarden")
    if fam is None:
        print("family not found", file=sys.stderr)
        return 1
    err, msg, reply = genl.request(sock, fam, TXN_BEGIN, b"", 2)
    if err:
        print("begin: errno=%d msg=%s" % (err, msg), file=sys.stderr)
        return 1
    txn_id = struct.unpack("I", genl.parse_attrs(reply[4:])[A_TXN_ID][:4])[0]
    payload = (genl.attr(A_TXN_ID, struct.pack("I", txn_id)) +
               genl.attr(A_IFNAME, ifname.encode() + b"\0") +
               genl.attr(A_ZONE, struct.pack("B", ZONE_WAN)))
    err, msg, _ = genl.request(sock, fam, TXN_STAGE, payload, 3)
    if err:
        print("stage: errno=%d msg=%s" % (err, msg), file=sys.stderr)
        return 1
    with open(ready, "w", encoding="ascii") as f:
        f.write("%d\n" % txn_id)
    time.sleep(120)
    return 0


if __name__ == "__main__":
    sys.exit(main())
