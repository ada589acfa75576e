#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench-kernel: the cost of a packet's path through a gateway in the
# kernel, with no firewall, with nftables and conntrack, and with
# gatewarden (bench/README.md, "In the kernel").  Boots one guest of
# Debian's kernel with one vCPU under QEMU's "-icount shift=0,sleep=off"
# (one guest nanosecond is one guest instruction, so a run's figures do
# not depend on the host or its load, only its wall time does) and runs
# bench/kernel-guest.sh there; then writes bench/results/kernel-latest.md,
# .json and .png (gnuplot).  Run `make` first (make bench-kernel does).
#
#   bench/kernel.sh                      everything, 3 rounds
#   GWB_ROUNDS=1 GWB_CASES=s1-v4-1k,s2 bench/kernel.sh    a part
#
# Environment, passed to the guest: GWB_ROUNDS (3), GWB_CASES (all),
# GWB_S1_PKTS (25000), GWB_S1_LARGE_PKTS (50000), GWB_S2_PKTS (25000),
# GWB_S3_SECONDS (1, guest seconds), GWB_S4_SECONDS (1), GWB_PROFILE (1:
# the perf profile); here:
# GWB_RESULTS (bench/results), GWB_WALL_LIMIT (3600 s: the whole run,
# boot included).
#
# Fails only on a broken run (the guest did not finish, a measurement is
# missing), never on a figure.

set -u -o pipefail
export LC_ALL=C

repo=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd -P)
out=$repo/tests/vm/out/bench-kernel
results=${GWB_RESULTS:-$repo/bench/results}
limit=${GWB_WALL_LIMIT:-3600}

die() {
	echo "bench-kernel: $*" >&2
	exit 1
}

kver=${KVER:-$(for d in /lib/modules/*/build; do
	[ -d "$d" ] && basename "$(dirname "$d")"
done | sort -V | tail -n 1)}
[ -n "$kver" ] || die "no /lib/modules/*/build (make deps installs linux-headers-amd64)"
qemu=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version \([^ ]*\).*/\1/p')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
host="$cpu, $(nproc) CPUs, $(awk '$1 == "MemTotal:" { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), host kernel $(uname -r)"
echo "kernel: guest $kver (Debian linux-image-amd64), 1 vCPU, QEMU $qemu TCG -icount shift=0,sleep=off"
echo "machine: $host"

mkdir -p "$out" "$results" || die "cannot make $out or $results"
rm -f "$out/bench-kernel.raw" "$out"/bench-kernel-profile-*.txt
# the guest's settings, for this scenario alone (tests/vm/run)
env_file=$out/settings
{
	printf 'bench/kernel-guest.sh'
	for v in GWB_ROUNDS GWB_CASES GWB_S1_PKTS GWB_S1_LARGE_PKTS GWB_S2_PKTS GWB_S3_SECONDS GWB_S4_SECONDS GWB_PROFILE; do
		[ -n "${!v:-}" ] && printf ' %s=%s' "$v" "${!v}"
	done
	echo
} >"$env_file"

t0=$SECONDS
date=$(date -u '+%Y-%m-%d %H:%M UTC')
# Guest time runs ahead of the wall: under sleep=off, every wait (for 9p,
# a timer) jumps to the next deadline at once, so the guest's own timeout
# is set out of the way and the wall limit here bounds the run.
# Under icount the boot is slower than tests/vm/run expects: the kernel's
# decompression alone, silent, has taken over a minute on a loaded host.
GW_VM_SMP=1 GW_VM_QEMU_EXTRA="-icount shift=0,sleep=off" GW_VM_OUT=$out \
	GW_VM_TIMEOUT=100000000 GW_VM_SCENARIO_ENV=$env_file \
	GW_VM_BOOT_QUIET=${GW_VM_BOOT_QUIET:-300} GW_VM_BOOT_TIMEOUT=${GW_VM_BOOT_TIMEOUT:-900} \
	timeout -k 10 "$limit" "$repo/tests/vm/run" "$repo/bench/kernel-guest.sh" \
	>"$out/run.tap" 2>&1
rc=$?
wall=$((SECONDS - t0))
grep -E '^(ok|not ok|vm:|# guest)' "$out/run.tap"
if [ "$rc" -ne 0 ]; then
	[ "$rc" -eq 124 ] && echo "bench-kernel: the run passed its limit of $limit s" >&2
	[ -f "$out/kernel-guest.log" ] && tail -n 30 "$out/kernel-guest.log" >&2
	die "the guest run failed (status $rc; logs in ${out#"$repo"/})"
fi
[ -s "$out/bench-kernel.raw" ] || die "the guest wrote no measurements"

prefix=$results/kernel-latest
# where the instructions go, by function (perf in the guest), if it ran
rm -f "$prefix"-profile-?.txt
for cfg in a b c; do
	f=$out/bench-kernel-profile-$cfg.txt
	[ -s "$f" ] && cp "$f" "$prefix-profile-$cfg.txt"
done
python3 "$repo/bench/kernel-report.py" "$out/bench-kernel.raw" "$prefix" \
	"host=$host" "qemu=$qemu" "wall_seconds=$wall" "date=$date" "profiles=$prefix-profile" ||
	die "the report found measurements missing"
gnuplot -e "dat='$prefix.dat'; png='$prefix.png'" "$repo/bench/kernel-chart.gp" 2>"$out/gnuplot.log" ||
	die "gnuplot failed: $(cat "$out/gnuplot.log")"
rm -f "$prefix.dat"
echo "bench-kernel: ${prefix#"$repo"/}.md, .json, .png; wall time $wall s"
