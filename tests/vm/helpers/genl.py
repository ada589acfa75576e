#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A deliberately dumb generic-netlink client for tests.

gwctl only ever sends well-formed requests; this one sends whatever the test
asks for (unknown attributes, wrong lengths, out-of-range values) and prints
the kernel's answer: the errno and the extack message.

    genl.py CMD [TYPE:KIND:VALUE ...]

KIND is u8, u16, u32, u64, str (NUL-terminated), raw (hex bytes) or nest
(VALUE is a comma-separated list of TYPE/KIND/VALUE inside it).  Prints
"errno=N msg=<extack message>" and exits 0 when the kernel acked with 0,
1 when it returned an error, 2 on a local failure.
"""
import os
import re
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 1
NLM_F_ACK = 4
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLMSGERR_ATTR_MSG = 1
NLM_F_ACK_TLVS = 0x200


UAPI = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                    "../../../include/uapi/gatewarden.h")


def uapi_enum(name):
    """The members of enum NAME in include/uapi/gatewarden.h, by name.

    Read from the header, so a client never carries a stale copy of the
    numbers: the enums are appended to, and a merge may renumber what is
    not yet released."""
    with open(UAPI) as f:
        text = f.read()
    start = text.index("enum %s {" % name)
    body = text[text.index("{", start) + 1:text.index("};", start)]
    body = re.sub(r"/\*.*?\*/", "", body, flags=re.S)
    values, nxt = {}, 0
    for line in body.split("\n"):
        line = line.strip().rstrip(",")
        if not line:
            continue
        member, _, value = line.partition("=")
        member = member.strip()
        nxt = int(value.strip(), 0) if value else nxt
        values[member] = nxt
        nxt += 1
    return values


def attr(atype, payload):
    hdr = struct.pack("HH", 4 + len(payload), atype)
    pad = b"\0" * ((4 - len(payload) % 4) % 4)
    return hdr + payload + pad


def encode(spec, sep=":"):
    atype, kind, value = spec.split(sep, 2)
    atype = int(atype)
    if kind == "u8":
        return attr(atype, struct.pack("B", int(value)))
    if kind == "u16":
        return attr(atype, struct.pack("H", int(value)))
    if kind == "u32":
        return attr(atype, struct.pack("I", int(value)))
    if kind == "u64":
        return attr(atype, struct.pack("Q", int(value)))
    if kind == "str":
        return attr(atype, value.encode() + b"\0")
    if kind == "raw":
        return attr(atype, bytes.fromhex(value))
    if kind == "nest":
        inner = b"".join(encode(s, "/") for s in value.split(",") if s)
        return attr(atype | 0x8000, inner)
    raise ValueError("unknown kind " + kind)


def parse_attrs(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack("HH", data[:4])
        if alen < 4:
            break
        out[atype & 0x3FFF] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


def request(sock, family, cmd, payload, seq):
    """Send one request and return (errno, extack message, last reply)."""
    body = struct.pack("BBH", cmd, 1, 0) + payload
    msg = struct.pack("IHHII", 16 + len(body), family,
                      NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body
    sock.send(msg)
    reply = None
    while True:
        data = sock.recv(65536)
        while len(data) >= 16:
            mlen, mtype, mflags, _, _ = struct.unpack("IHHII", data[:16])
            if mtype == NLMSG_ERROR:
                err = -struct.unpack("i", data[16:20])[0]
                text = ""
                if mflags & NLM_F_ACK_TLVS:
                    # the error echoes only the request's header (capped)
                    tlvs = parse_attrs(data[16 + 4 + 16:mlen])
                    if NLMSGERR_ATTR_MSG in tlvs:
                        text = tlvs[NLMSGERR_ATTR_MSG].rstrip(b"\0").decode()
                return err, text, reply
            reply = data[16:mlen]
            data = data[(mlen + 3) & ~3:]


def family_id(sock, name):
    err, msg, reply = request(sock, GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                              attr(CTRL_ATTR_FAMILY_NAME,
                                   name.encode() + b"\0"), 1)
    if err:
        return None
    attrs = parse_attrs(reply[4:])
    return struct.unpack("H", attrs[CTRL_ATTR_FAMILY_ID][:2])[0]


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
    sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
    sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    sock.bind((0, 0))
    fam = family_id(sock, os.environ.get("GW_FAMILY", "gatewarden"))
    if fam is None:
        print("family not found", file=sys.stderr)
        return 2
    payload = b"".join(encode(s) for s in sys.argv[2:])
    err, msg, _ = request(sock, fam, int(sys.argv[1]), payload, 2)
    print("errno=%d msg=%s" % (err, msg))
    return 1 if err else 0


if __name__ == "__main__":
    sys.exit(main())
