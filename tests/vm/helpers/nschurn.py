#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Create, configure, use and delete many network namespaces.

    nschurn.py HUB-NS PREFIX COUNT BATCH

BATCH namespaces at a time (COUNT in all), each named PREFIX-N, linked to the
existing namespace HUB-NS by a veth pair (wan0 inside, cN in the hub) with
198.51.100.4j+1/30 and 2001:db8:c:j::1/64 on the hub side, .2 and ::2 inside
(j: the namespace's place in its batch).  A batch starts once the previous
one is gone, hub ends included.
In each: gatewarden zones (wan0 wan) and a rule (allow tcp port 80), set
through generic netlink from inside the namespace; a listener on port 80
over IPv4 and IPv6; from the hub, a connection over each family (admitted by
the rule, data both ways) and one to port 81 (no rule: its SYN is dropped).
The flows are checked in the namespace's table, the sockets closed, and the
namespaces deleted with their flows still in the table.

One process does it all (setns() instead of "ip netns exec" per step) since
every fork is costly on the debug kernel under emulation.  Prints progress
per batch; exits 0, or 1 with the reason if anything failed.
"""
import ctypes
import os
import select
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import genl  # noqa: E402  (tests/vm/helpers/genl.py)

CLONE_NEWNET = 0x40000000
STATUS_GET, IFACE_SET, RULE_ADD, TUNABLE_SET = 1, 3, 6, 12
A_FLOW_COUNT = 11
libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def ip(args, lines):
    """Run "ip ARGS -b -" on LINES; raise with ip's words on failure."""
    proc = subprocess.run(["ip"] + args + ["-b", "-"], input="\n".join(lines),
                          text=True, capture_output=True)
    if proc.returncode:
        raise RuntimeError("ip %s: %s" % (" ".join(args),
                                          (proc.stderr or proc.stdout).strip()))


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)
        self.sock.setsockopt(270, 10, 1)
        self.sock.setsockopt(270, 11, 1)
        self.sock.bind((0, 0))
        self.sock.settimeout(10)
        self.fam = genl.family_id(self.sock, "gatewarden")
        if self.fam is None:
            raise RuntimeError("no gatewarden family in this namespace")
        self.seq = 10

    def do(self, cmd, *specs):
        self.seq += 1
        payload = b"".join(genl.encode(s) for s in specs)
        err, msg, reply = genl.request(self.sock, self.fam, cmd, payload,
                                       self.seq)
        if err:
            raise RuntimeError("genl cmd %d: errno %d %s" % (cmd, err, msg))
        return reply

    def flow_count(self):
        attrs = genl.parse_attrs(self.do(STATUS_GET)[4:])
        return struct.unpack("I", attrs[A_FLOW_COUNT][:4])[0]

    def close(self):
        self.sock.close()


def gone(ifname):
    try:
        socket.if_nametoindex(ifname)
        return False
    except OSError:
        return True


def connect(family, addr, port, timeout):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.connect((addr, port))
    return s


def main():
    hub, prefix, count, batch = (sys.argv[1], sys.argv[2], int(sys.argv[3]),
                                 int(sys.argv[4]))
    if batch > 60:
        raise SystemExit("at most 60 namespaces at a time (198.51.100.0/24)")
    hub_path = "/run/netns/" + hub
    setns(hub_path)
    done = 0
    t0 = time.time()
    while done < count:
        n = min(batch, count - done)
        names = ["%s-%d" % (prefix, done + j) for j in range(n)]
        lines = []
        for j, name in enumerate(names):
            lines.append("netns add " + name)
            lines.append("link add c%d netns %s type veth peer name wan0 netns %s"
                         % (done + j, hub, name))
        ip([], lines)
        hub_lines = []
        for j, name in enumerate(names):
            ip(["-n", name], [
                "link set lo up", "link set wan0 up",
                "addr add 198.51.100.%d/30 dev wan0" % (4 * j + 2),
                "addr add 2001:db8:c:%x::2/64 dev wan0 nodad" % j])
            hub_lines += [
                "addr add 198.51.100.%d/30 dev c%d" % (4 * j + 1, done + j),
                "addr add 2001:db8:c:%x::1/64 dev c%d nodad" % (j, done + j),
                "link set c%d up" % (done + j)]
        ip(["-n", hub], hub_lines)

        listeners, controls = [], []
        for j, name in enumerate(names):
            setns("/run/netns/" + name)
            g = Genl()
            g.do(IFACE_SET, "3:str:wan0", "5:u8:1")
            g.do(RULE_ADD, "6:nest:3/u8/0,5/u8/6,10/nest/11/u32/%d" % (80 << 16 | 80))
            g.do(TUNABLE_SET, "10:nest:2/str/tcp_established,3/u64/600")
            controls.append(g)
            for fam, addr in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
                s = socket.socket(fam, socket.SOCK_STREAM)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((addr, 80))
                s.listen(8)
                listeners.append(s)
        setns(hub_path)

        clients, accepted, denied = [], [], []
        for j in range(n):
            for fam, addr in ((socket.AF_INET, "198.51.100.%d" % (4 * j + 2)),
                              (socket.AF_INET6, "2001:db8:c:%x::2" % j)):
                c = connect(fam, addr, 80, 10)
                c.sendall(b"churn")
                clients.append(c)
                # one nobody allows: the SYN is dropped, never answered
                d = socket.socket(fam, socket.SOCK_STREAM)
                d.setblocking(False)
                d.connect_ex((addr, 81))
                denied.append(d)
        for s in listeners:
            a, _ = s.accept()
            a.settimeout(10)
            if a.recv(16) != b"churn":
                raise RuntimeError("data lost on %s" % (a.getsockname(),))
            a.sendall(b"back")
            accepted.append(a)
        for c in clients:
            if c.recv(16) != b"back":
                raise RuntimeError("reply lost on %s" % (c.getpeername(),))
        _, w, _ = select.select([], denied, [], 0)
        through = [d for d in w
                   if d.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0]
        if through:
            raise RuntimeError("%d connections to port 81 went through"
                               % len(through))

        for j, name in enumerate(names):
            setns("/run/netns/" + name)
            flows = controls[j].flow_count()
            if flows < 2:
                raise RuntimeError("%s tracks %d flows, want 2" % (name, flows))
        setns(hub_path)
        for s in clients + accepted + listeners + denied:
            s.close()
        for g in controls:
            g.close()
        ip([], ["netns del " + name for name in names])
        # The hub's ends go when the namespaces are cleaned up, in a
        # workqueue; the next batch reuses their addresses.
        deadline = time.time() + 120
        for j in range(n):
            while gone("c%d" % (done + j)) is False:
                if time.time() > deadline:
                    raise RuntimeError("c%d still in %s after 120 s: a "
                                       "namespace is not freed" % (done + j, hub))
                time.sleep(0.1)
        done += n
        print("%d namespaces (%.1f s)" % (done, time.time() - t0), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (OSError, RuntimeError) as e:
        print("nschurn: %s" % e)
        sys.exit(1)
