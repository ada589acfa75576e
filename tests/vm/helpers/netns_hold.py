#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""netns_hold.py N: as whoever runs it, make a user namespace, then N
network namespaces, each held by an open file descriptor; print
"held K FIRST_FD [ERROR]" (K < N when the kernel refused one, e.g. at the
memory cgroup's limit), then wait until killed."""
import ctypes
import os
import resource
import signal
import sys

CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def unshare(flags):
    if libc.unshare(flags) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def main():
    want = int(sys.argv[1])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    unshare(CLONE_NEWUSER)
    fds, error = [], ""
    for _ in range(want):
        try:
            unshare(CLONE_NEWNET)
            fds.append(os.open("/proc/self/ns/net", os.O_RDONLY))
        except OSError as e:
            error = e.strerror
            break
    print("held %d %d %s" % (len(fds), fds[0] if fds else -1, error), flush=True)
    while True:
        signal.pause()


if __name__ == "__main__":
    main()
