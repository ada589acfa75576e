#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Random and mutated generic-netlink messages to the gatewarden family.

    genl_fuzz.py [--count N] [--seed S] [--unprivileged] [--read-only]

Messages start from a well-formed request of a random command (a known
one most of the time, sometimes any number) and are then mutated: bytes
flipped, attribute lengths and types changed, attributes duplicated,
dropped, truncated or nested deeper, strings left unterminated, header
fields and flags randomised; a few are plain random bytes.  Dumps are
sometimes abandoned half-read (the socket is closed under them).

--read-only keeps to the commands that change nothing (status, stats and
the dumps), however mangled; without it every command is fair game, so run
it in a namespace whose policy does not matter.

--unprivileged asserts what an unprivileged sender must get: never a
success and never data; EPERM for every well-formed request to a command
the family has (the family's own op list says which), EOPNOTSUPP for
unknown commands, EINVAL for a short or flag-mangled header.

Prints a summary (replies by errno) and exits 0, or 1 if an expectation
failed (each failure printed, at most 20), 2 on a local error.
"""
import argparse
import errno
import os
import random
import socket
import struct
import sys

NETLINK_GENERIC = 16
SOL_NETLINK = 270
NETLINK_CAP_ACK = 10
NETLINK_EXT_ACK = 11
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_REQUEST = 0x1
NLM_F_MULTI = 0x2
NLM_F_ACK = 0x4
NLM_F_ECHO = 0x8
NLM_F_DUMP = 0x300
GENL_ID_CTRL = 16
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
CTRL_ATTR_OPS = 6
CTRL_ATTR_OP_ID = 1
CTRL_ATTR_OP_FLAGS = 2
GENL_ADMIN_PERM = 0x01
GENL_UNS_ADMIN_PERM = 0x10
NLA_F_NESTED = 0x8000

# include/uapi/gatewarden.h (append-only, so these numbers stay)
STATUS_GET, STATS_GET, IFACE_SET, IFACE_DEL, IFACE_GET = 1, 2, 3, 4, 5
RULE_ADD, RULE_DEL, RULE_GET, RULE_FLUSH = 6, 7, 8, 9
CONN_GET, CONN_FLUSH, TUNABLE_SET, TUNABLE_GET = 10, 11, 12, 13
READ_ONLY = {STATUS_GET: False, STATS_GET: False, IFACE_GET: True,
             RULE_GET: True, CONN_GET: True, TUNABLE_GET: True}
A_IFNAME, A_ZONE, A_RULE, A_RULE_HANDLE, A_TUNABLE = 3, 5, 6, 7, 10
TUNABLES = ["tcp_syn_sent", "tcp_syn_recv", "tcp_established",
            "tcp_fin_wait", "tcp_close_wait", "tcp_last_ack",
            "tcp_time_wait", "tcp_close", "max_flows", "nonsense", ""]


def attr(atype, payload):
    hdr = struct.pack("HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def parse_attrs(data):
    out = []
    while len(data) >= 4:
        alen, atype = struct.unpack("HH", data[:4])
        if alen < 4:
            break
        out.append((atype & 0x3FFF, data[4:alen]))
        data = data[(alen + 3) & ~3:]
    return out


class Gen:
    """Well-formed attribute sets per command, and their mutations."""

    def __init__(self, rnd):
        self.r = rnd

    def ifname(self):
        r = self.r
        return r.choice([b"wan0", b"lan0", b"eth0", b"gwf%d" % r.randrange(99),
                         b"x" * r.randrange(1, 40), b"", b"a/b", b"lo"])

    def addr(self):
        r = self.r
        if r.random() < 0.5:
            return bytes([203, 0, 113, r.randrange(256)])
        return bytes.fromhex("20010db8") + bytes(r.randrange(256)
                                                 for _ in range(12))

    def rule(self):
        r = self.r
        inner = [attr(3, struct.pack("B", r.choice([0, 0, 0, 1, 255]))),
                 attr(5, struct.pack("B", r.choice([6, 6, 6, 17, 1, 58, 0])))]
        if r.random() < 0.5:
            inner.append(attr(4, struct.pack("B", r.choice([0, 2, 10, 7]))))
        for a, p in ((6, 7), (8, 9)):
            if r.random() < 0.5:
                inner.append(attr(a, self.addr()))
                inner.append(attr(p, struct.pack("B", r.randrange(0, 140))))
        if r.random() < 0.7:
            ranges = b"".join(
                attr(11, struct.pack("I", r.randrange(1 << 16) << 16 |
                                     r.randrange(1 << 16)))
                for _ in range(r.randrange(0, 11)))
            inner.append(attr(10 | NLA_F_NESTED, ranges))
        if r.random() < 0.3:
            inner.append(attr(12, self.ifname() + b"\0"))
        if r.random() < 0.3:
            inner.append(attr(13, b"c" * r.randrange(0, 200) + b"\0"))
        if r.random() < 0.2:
            inner.append(attr(15, struct.pack("I", r.randrange(0, 20000))))
        r.shuffle(inner)
        return attr(A_RULE | NLA_F_NESTED, b"".join(inner))

    def tunable(self):
        r = self.r
        inner = [attr(2, r.choice(TUNABLES).encode() + b"\0"),
                 attr(3, struct.pack("Q", r.choice(
                     [0, 1, 2, 5, 60, 1000, 1 << 20, 1 << 32, (1 << 64) - 1,
                      r.randrange(1 << 64)])))]
        return attr(A_TUNABLE | NLA_F_NESTED, b"".join(inner))

    def attrs_for(self, cmd):
        r = self.r
        if cmd == IFACE_SET:
            return (attr(A_IFNAME, self.ifname() + b"\0") +
                    attr(A_ZONE, struct.pack("B", r.choice([0, 1, 2, 255]))))
        if cmd == IFACE_DEL:
            return attr(A_IFNAME, self.ifname() + b"\0")
        if cmd == RULE_ADD:
            return self.rule()
        if cmd == RULE_DEL:
            return attr(A_RULE_HANDLE, struct.pack(
                "I", r.choice([0, 1, 2, 3, r.randrange(1 << 32)])))
        if cmd == TUNABLE_SET:
            return self.tunable()
        if r.random() < 0.3:
            return self.random_attrs(r.randrange(1, 4))
        return b""

    def random_attrs(self, n, depth=0):
        r = self.r
        out = b""
        for _ in range(n):
            atype = r.randrange(0, 24)
            kind = r.randrange(6)
            if kind == 0 and depth < 4:
                out += attr(atype | NLA_F_NESTED,
                            self.random_attrs(r.randrange(0, 4), depth + 1))
            elif kind == 1:
                out += attr(atype, b"")
            elif kind == 2:
                out += attr(atype, struct.pack("I", r.randrange(1 << 32)))
            elif kind == 3:
                out += attr(atype, struct.pack("Q", r.randrange(1 << 64)))
            elif kind == 4:
                out += attr(atype, b"s" * r.randrange(0, 64))  # no NUL
            else:
                out += attr(atype, bytes(r.randrange(256)
                                         for _ in range(r.randrange(0, 24))))
        return out

    def mutate(self, payload):
        r = self.r
        b = bytearray(payload)
        for _ in range(r.randrange(1, 4)):
            m = r.randrange(9)
            if m == 0 and b:
                i = r.randrange(len(b))
                b[i] ^= 1 << r.randrange(8)
            elif m == 1 and len(b) >= 4:
                # an attribute length: too short, too long, zero
                i = r.randrange(0, len(b) - 3) & ~3
                struct.pack_into("H", b, i, r.choice(
                    [0, 1, 3, 4, 5, len(b) - i + 4, 0xffff, r.randrange(1 << 16)]))
            elif m == 2 and len(b) >= 4:
                i = r.randrange(0, len(b) - 3) & ~3
                struct.pack_into("H", b, i + 2, r.randrange(1 << 16))
            elif m == 3 and b:
                b = b[:r.randrange(len(b))]
            elif m == 4:
                b += self.random_attrs(r.randrange(1, 3))
            elif m == 5 and b:
                b = b + b  # every attribute twice
            elif m == 6:
                b = bytearray(attr(r.randrange(24) | NLA_F_NESTED, bytes(b)))
            elif m == 7 and b:
                i = r.randrange(len(b))
                b[i] = r.choice([0, 0xff, 0x7f, 0x80])
            else:
                b += bytes(r.randrange(256) for _ in range(r.randrange(1, 9)))
        return bytes(b)


class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.r = random.Random(args.seed)
        self.gen = Gen(self.r)
        self.sock = None
        self.seq = 100
        self.outcomes = {}
        self.failures = []
        self.family, self.ops = self.resolve()

    def open(self):
        if self.sock:
            self.sock.close()
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_GENERIC)
        s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.settimeout(5)
        s.bind((0, 0))
        self.sock = s

    def resolve(self):
        self.open()
        body = struct.pack("BBH", CTRL_CMD_GETFAMILY, 1, 0) + \
            attr(CTRL_ATTR_FAMILY_NAME, self.args.family.encode() + b"\0")
        self.sock.send(struct.pack("IHHII", 16 + len(body), GENL_ID_CTRL,
                                   NLM_F_REQUEST | NLM_F_ACK, 1, 0) + body)
        fam, ops = None, {}
        while True:
            data = self.sock.recv(65536)
            mlen, mtype = struct.unpack("IH", data[:6])
            if mtype == NLMSG_ERROR:
                if struct.unpack("i", data[16:20])[0] or fam is None:
                    if fam is None:
                        raise SystemExit("family %s not found" %
                                         self.args.family)
                return fam, ops
            for atype, val in parse_attrs(data[20:mlen]):
                if atype == CTRL_ATTR_FAMILY_ID:
                    fam = struct.unpack("H", val[:2])[0]
                elif atype == CTRL_ATTR_OPS:
                    for _, op in parse_attrs(val):
                        d = dict(parse_attrs(op))
                        cmd = struct.unpack("I", d[CTRL_ATTR_OP_ID][:4])[0]
                        flags = struct.unpack("I", d.get(
                            CTRL_ATTR_OP_FLAGS, b"\0\0\0\0")[:4])[0]
                        ops[cmd] = flags

    def message(self):
        """(bytes, description) of one request."""
        r, args = self.r, self.args
        known = list(READ_ONLY) if args.read_only else sorted(self.ops)
        if args.read_only or r.random() < 0.9:
            cmd = r.choice(known)
        else:
            cmd = r.randrange(256)
        payload = self.gen.attrs_for(cmd)
        mutated = r.random() < 0.8
        if mutated:
            payload = self.gen.mutate(payload)
        if READ_ONLY.get(cmd) and r.random() < 0.8:
            flags = NLM_F_REQUEST | NLM_F_DUMP
        else:
            flags = NLM_F_REQUEST | NLM_F_ACK
        version, reserved = 1, 0
        odd_header = r.random() < 0.1
        if odd_header:
            flags |= r.choice([NLM_F_ECHO, 0x10, 0x20, NLM_F_MULTI,
                               r.randrange(1 << 16)])
            version = r.randrange(256)
            reserved = r.choice([0, 0, r.randrange(1 << 16)])
        flags |= NLM_F_REQUEST
        if args.read_only and cmd not in READ_ONLY:
            cmd = STATUS_GET
        genl = struct.pack("BBH", cmd, version, reserved)
        body = genl + payload
        self.seq += 1
        raw = r.random() < 0.03
        if raw:
            body = bytes(r.randrange(256) for _ in range(r.randrange(0, 64)))
            if args.read_only and len(body) >= 1:
                body = bytes([r.choice(list(READ_ONLY))]) + body[1:]
        msg = struct.pack("IHHII", 16 + len(body), self.family, flags,
                          self.seq, 0) + body
        well_formed = (not raw and not odd_header and len(body) >= 4)
        return msg, cmd, well_formed, raw

    def exchange(self, msg, abandon):
        """Send; return ("err", errno) or ("data", count) once the kernel
        has answered, or ("none", 0)."""
        self.sock.send(msg)
        data_msgs = 0
        while True:
            try:
                data = self.sock.recv(1 << 16)
            except socket.timeout:
                return ("timeout", data_msgs)
            except OSError as e:
                return ("recv-error", e.errno)
            while len(data) >= 16:
                mlen, mtype, mflags, seq, _ = struct.unpack("IHHII", data[:16])
                if mlen < 16:
                    break
                if seq != self.seq:
                    data = data[(mlen + 3) & ~3:]
                    continue
                if mtype == NLMSG_ERROR:
                    err = -struct.unpack("i", data[16:20])[0]
                    return ("data", data_msgs) if data_msgs and not err \
                        else ("err", err)
                if mtype == NLMSG_DONE:
                    return ("data", data_msgs)
                # a dump part, or a doit's reply (its ack follows)
                data_msgs += 1
                if abandon:
                    return ("abandoned", data_msgs)
                data = data[(mlen + 3) & ~3:]

    def check_unprivileged(self, cmd, well_formed, raw, outcome):
        kind, val = outcome
        if kind == "err" and val == 0 or kind in ("data", "abandoned"):
            return "got %s %s" % (kind, val)
        if kind != "err":
            return "got %s %s" % (kind, val)
        if raw:
            return None
        if well_formed and cmd in self.ops:
            want = errno.EPERM
        elif well_formed:
            want = errno.EOPNOTSUPP
        else:
            return None if val in (errno.EINVAL, errno.EPERM,
                                   errno.EOPNOTSUPP) else \
                "errno %d for a mangled header" % val
        return None if val == want else "errno %d, want %d" % (val, want)

    def run(self):
        args = self.args
        for i in range(args.count):
            if i % 500 == 0 or self.sock is None:
                self.open()
            msg, cmd, well_formed, raw = self.message()
            abandon = not args.unprivileged and self.r.random() < 0.02
            outcome = self.exchange(msg, abandon)
            if abandon or outcome[0] == "timeout":
                self.open()
            key = "%s %s" % outcome if outcome[0] == "err" else outcome[0]
            if outcome[0] == "err":
                try:
                    key = "err " + errno.errorcode.get(outcome[1], str(outcome[1]))
                except TypeError:
                    pass
            self.outcomes[key] = self.outcomes.get(key, 0) + 1
            if args.unprivileged:
                why = self.check_unprivileged(cmd, well_formed, raw, outcome)
                if why:
                    self.failures.append("message %d (cmd %d): %s: %s" %
                                         (i, cmd, why, msg.hex()))
        print("sent %d messages to family %d (%d ops)" %
              (args.count, self.family, len(self.ops)))
        for key in sorted(self.outcomes):
            print("  %-24s %d" % (key, self.outcomes[key]))
        for f in self.failures[:20]:
            print("FAIL: " + f)
        if self.failures:
            print("%d messages broke the expectations" % len(self.failures))
            return 1
        return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--count", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--family", default=os.environ.get("GW_FAMILY",
                                                      "gatewarden"))
    p.add_argument("--unprivileged", action="store_true")
    p.add_argument("--read-only", action="store_true")
    args = p.parse_args()
    try:
        return Fuzzer(args).run()
    except OSError as e:
        print("genl_fuzz: %s" % e, file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
