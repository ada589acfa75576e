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
#   GWB_CONFIGS=o,n,c,l GWB_CASES=s1-v4-1k,s2 bench/kernel.sh
#       what the drop trace and logging cost (bench/README.md)
#
# Environment, passed to the guest: GWB_ROUNDS (3), GWB_CASES (all),
# GWB_CONFIGS (a,b,c: the configurations, bench/kernel-guest.sh),
# GWB_S1_PKTS (25000), GWB_S1_LARGE_PKTS (50000), GWB_S2_PKTS (25000),
# GWB_S3_SECONDS (1, guest seconds), GWB_S4_SECONDS (1), GWB_PROFILE (1:
# the perf profile); here:
# GWB_RESULTS (bench/results), GWB_WALL_LIMIT (3600 s: the whole run,
# boot included), GWB_OLD_REV (configuration o's commit: the first parent
# of "Merge branch 'trace'" in HEAD's first-parent history).
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

# Configuration o: gatewarden as it was before the drop trace and logging,
# built here from its commit (git archive, never kept in the tree) against
# the same kernel headers, once for each commit and kernel.
old_rev='' old_ko=''
build_old() {
	local merge dir
	if [ -n "${GWB_OLD_REV:-}" ]; then
		old_rev=$(git -C "$repo" rev-parse --verify -q "$GWB_OLD_REV^{commit}") ||
			die "GWB_OLD_REV: no commit $GWB_OLD_REV"
	else
		merge=$(git -C "$repo" rev-list --first-parent -n 1 \
			--grep="^Merge branch 'trace'\$" HEAD) || die "o: git rev-list failed"
		[ -n "$merge" ] ||
			die "o: no \"Merge branch 'trace'\" in HEAD's history (set GWB_OLD_REV)"
		old_rev=$(git -C "$repo" rev-parse "$merge^1") || die "o: no parent of $merge"
	fi
	dir=$out/old-$old_rev-$kver
	old_ko=$dir/kmod/gatewarden.ko
	[ -f "$old_ko" ] && return 0
	echo "bench-kernel: building o's module from ${old_rev:0:12} in ${dir#"$repo"/}"
	rm -rf "$dir"
	mkdir -p "$dir" || die "cannot make $dir"
	git -C "$repo" archive "$old_rev" | tar -x -C "$dir" || die "git archive $old_rev"
	make -C "$dir" module KVER="$kver" >"$dir.log" 2>&1 ||
		die "o: the module of ${old_rev:0:12} did not build (${dir#"$repo"/}.log)"
}
case ",${GWB_CONFIGS:-}," in *,o,*) build_old ;; esac
rm -f "$out/bench-kernel.raw" "$out"/bench-kernel-profile-*.txt
# the guest's settings, for this scenario alone (tests/vm/run)
env_file=$out/settings
{
	printf 'bench/kernel-guest.sh'
	for v in GWB_ROUNDS GWB_CASES GWB_CONFIGS GWB_OLD_TRACE_OFF GWB_S1_PKTS GWB_S1_LARGE_PKTS GWB_S2_PKTS GWB_S3_SECONDS GWB_S4_SECONDS GWB_PROFILE; do
		[ -n "${!v:-}" ] && printf ' %s=%s' "$v" "${!v}"
	done
	# the repository is at the same path in the guest
	[ -z "$old_ko" ] || printf ' GWB_OLD_KO=%s' "$old_ko"
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
	"host=$host" "qemu=$qemu" "wall_seconds=$wall" "date=$date" "profiles=$prefix-profile" \
	${old_rev:+"old_rev=$old_rev"} ||
	die "the report found measurements missing"
# the chart is of (b)'s and (c)'s S1 costs: none without them
rm -f "$prefix.png"
if grep -qv '^#' "$prefix.dat"; then
	gnuplot -e "dat='$prefix.dat'; png='$prefix.png'" "$repo/bench/kernel-chart.gp" 2>"$out/gnuplot.log" ||
		die "gnuplot failed: $(cat "$out/gnuplot.log")"
fi
rm -f "$prefix.dat"
echo "bench-kernel: ${prefix#"$repo"/}.md, .json, .png; wall time $wall s"
