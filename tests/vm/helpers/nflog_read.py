#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Print the packets of a "tcpdump -i nflog:N -w FILE" capture, one a line:

    PREFIX<TAB>GROUP<TAB>SRC<TAB>DST<TAB>PROTO<TAB>DPORT

PREFIX is the log prefix the kernel's logger gave (NFULA_PREFIX, its
trailing blank cut), which tcpdump does not print; GROUP the NFLOG group;
DPORT 0 for a protocol with no ports.  The file is libpcap's with link type DLT_NFLOG (239):
each record a 4-byte header (family, version, group in network order)
and TLVs in host order, each padded to 4 bytes.
"""
import ipaddress
import struct
import sys

DLT_NFLOG = 239
NFULA_PAYLOAD = 9
NFULA_PREFIX = 10


def l3(family, pkt):
    """(src, dst, proto, dport) of an IPv4 or IPv6 packet."""
    if family == 2 and len(pkt) >= 20:
        ihl = (pkt[0] & 15) * 4
        src, dst = ipaddress.ip_address(pkt[12:16]), ipaddress.ip_address(pkt[16:20])
        proto, l4 = pkt[9], pkt[ihl:]
    elif family == 10 and len(pkt) >= 40:
        # the tests send no extension headers
        src, dst = ipaddress.ip_address(pkt[8:24]), ipaddress.ip_address(pkt[24:40])
        proto, l4 = pkt[6], pkt[40:]
    else:
        return "?", "?", 0, 0
    dport = struct.unpack("!H", l4[2:4])[0] if proto in (6, 17) and len(l4) >= 4 else 0
    return src, dst, proto, dport


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    if len(data) < 24:
        return
    magic = data[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    if struct.unpack(end + "I", data[20:24])[0] != DLT_NFLOG:
        sys.exit("not an NFLOG capture")
    off = 24
    while off + 16 <= len(data):
        caplen = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        rec = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        family, group = rec[0], struct.unpack("!H", rec[2:4])[0]
        prefix, payload = "", b""
        t = 4
        while t + 4 <= len(rec):
            length, kind = struct.unpack("<HH", rec[t:t + 4])
            if length < 4:
                break
            value = rec[t + 4:t + length]
            if kind == NFULA_PREFIX:
                prefix = value.split(b"\0")[0].decode(errors="replace").rstrip(" ")
            elif kind == NFULA_PAYLOAD:
                payload = value
            t += (length + 3) & ~3
        src, dst, proto, dport = l3(family, payload)
        print(f"{prefix}\t{group}\t{src}\t{dst}\t{proto}\t{dport}")


if __name__ == "__main__":
    main()
