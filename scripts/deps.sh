#!/bin/bash
# Installs the Debian packages that building and testing gatewarden need.
# Idempotent and cheap when nothing is missing: apt is only asked (and its
# lists only refreshed) for packages dpkg does not have installed. A fresh
# machine or CI clone runs this first; nothing else installs packages.
set -eu -o pipefail

# One list, so there is one place to look. What each group is for:
#   build:   module and gwctl, unit tests, static checks (sparse, clang,
#            checkpatch from linux-source-6.1, dkms packaging), fuzzers
#            (libFuzzer is in libclang-rt-14-dev, only recommended by clang),
#            the netlink conformance client and fuzzer (libnl-genl-3, not
#            libmnl), gwctl top (libncurses-dev)
#   guest:   the kernel the module is built for and booted in QEMU, and the
#            initramfs tools of tests/vm/mkinitramfs
#   in-VM:   what scenarios run inside the guest (it uses the host's root)
#   debug:   building the debug kernel of make check-debug from linux-source-6.1
#   bench:   valgrind, for make bench's instruction counts (it runs without);
#            ethtool and linux-perf (in the guest) and gnuplot for make
#            bench-kernel
packages=(
	build-essential pkg-config libmnl-dev libcmocka-dev libnl-3-dev libnl-genl-3-dev
	libncurses-dev
	sparse clang libclang-rt-14-dev dkms shellcheck linux-source-6.1
	bc flex bison libelf-dev libssl-dev dwarves
	linux-image-amd64 linux-headers-amd64
	qemu-system-x86 busybox-static cpio kmod
	iproute2 iputils-ping nftables nmap hping3 python3-scapy socat iperf3
	netcat-openbsd tcpdump procps util-linux jq
	valgrind ethtool linux-perf gnuplot-nox
)

missing=()
for pkg in "${packages[@]}"; do
	status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = installed ] || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#packages[@]} packages installed"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing ${missing[*]}; run as root to install them" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
