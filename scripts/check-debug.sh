#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check-debug": every guest scenario, the soak and fuzz ones included,
# on the debug kernel (KASAN, KFENCE, UBSAN, lockdep, kmemleak; see
# tests/vm/debug.config), each guest ending with a kmemleak scan.  Last
# line: "N passed, N failed".
#
# That kernel under emulation runs scenarios five to ten times slower than
# Debian's, and one guest keeps about one host core busy, so the scenarios
# are dealt to GW_DEBUG_SHARDS guests (2) running side by side
# (tests/vm/run-parallel), longest first to the least loaded guest.
#
# The module is built against the debug tree in tests/vm/out/debug-build/
# (a copy of the sources, so kmod/gatewarden.ko stays the Debian kernel's),
# with -g so that module frames in a report resolve to lines:
#   scripts/faddr2line tests/vm/out/debug-build/kmod/gatewarden.ko FUNC+OFF
# (run from the debug tree).  A "make clean" (lint.sh runs one) deletes that
# .ko: no make check while this runs.  Logs go to tests/vm/out/debug/shardN/;
# every kernel report on a console is copied to
# tests/vm/out/debug/kernel-reports.log, kmemleak's to shardN/kmemleak-*.log.
#
# Environment: GW_VM_TIMEOUT (per scenario, default 900 s), VM_TESTS
# (scenarios to run instead of all), GW_DEBUG_SHARDS, and what tests/vm/run
# takes.
#
#   scripts/check-debug.sh [--list FILE]
#
# --list FILE (make check-debug-ci: tests/vm/debug-ci.list) runs the
# scenarios FILE names, one a line, each with the VAR=VALUE settings that
# follow its name on that line.
set -u

list=
if [ "${1:-}" = --list ]; then
	list=$(readlink -f "${2:?--list FILE}")
	shift 2
fi
[ $# -eq 0 ] || {
	echo "usage: $0 [--list FILE]" >&2
	exit 2
}

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT" || exit 1
OUT=$ROOT/tests/vm/out/debug
BUILD=$ROOT/tests/vm/out/debug-build
shards=${GW_DEBUG_SHARDS:-2}
case $shards in '' | *[!0-9]* | 0) shards=2 ;; esac
mkdir -p "$OUT"
rm -f "$OUT/check-summary" "$OUT/kernel-reports.log"

start=$(date +%s)
passed=0
failed=0
skipped=0
xfail=0

finish() {
	echo "check-debug took $(($(date +%s) - start)) s"
	echo "passed=$passed failed=$failed skipped=$skipped xfail=$xfail" >"$OUT/check-summary"
	echo "$passed passed, $failed failed, $skipped skipped, $xfail xfail"
	[ "$failed" -eq 0 ]
	exit
}

stage_failed() { # WHAT
	echo "FAIL: $1" >&2
	failed=$((failed + 1))
	finish
}

echo "== debug kernel"
scripts/debug-kernel.sh || stage_failed "debug kernel build"
tree=$(scripts/debug-kernel.sh --path)
kver=$(cat "$tree/../kernelrelease") || stage_failed "debug kernel release unknown"

echo "== module against $kver"
# Only sources: objects of the Debian build must not leak into this one.
rm -rf "$BUILD"
mkdir -p "$BUILD"
cp Kbuild "$BUILD/"
(find kmod include -name '*.[ch]' ! -name '*.mod.c'; find kmod -name Kbuild) |
	cpio -pdm --quiet "$BUILD" || stage_failed "copying the module sources"
if ! make -C "$tree" M="$BUILD" KCFLAGS=-g modules >"$BUILD/build.log" 2>&1; then
	tail -n 30 "$BUILD/build.log" >&2
	stage_failed "module build against the debug kernel (tests/vm/out/debug-build/build.log)"
fi
make -s gwctl conformance >/dev/null || stage_failed "gwctl and netlink clients build"

# ---- deal the scenarios ------------------------------------------------------

if [ -n "$list" ]; then
	[ -r "$list" ] || stage_failed "no list $list"
	mapfile -t scenarios < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$list" |
		awk -v dir="$ROOT/tests/vm" '{ print dir "/" $1 }')
	export GW_VM_SCENARIO_ENV=$list
elif [ -n "${VM_TESTS:-}" ]; then
	# shellcheck disable=SC2086 # a list of paths
	mapfile -t scenarios < <(printf '%s\n' $VM_TESTS)
else
	mapfile -t scenarios < <(tests/vm/run --list)
fi
[ ${#scenarios[@]} -gt 0 ] || stage_failed "no scenarios"

# ---- run them ----------------------------------------------------------------

# Two things made this kernel crawl under emulation, both measured here:
# - ACPI's PCI interrupt routing (_PRT) runs AML loops that this kernel
#   interprets so slowly they hit ACPI's 30 s loop timeout, three times a
#   boot.  The kernel has neither ACPI nor PCI now: the guest is a QEMU
#   microvm, its devices virtio-mmio (GW_VM_MACHINE=microvm).
# - With two vCPUs each guest stalls on the other's TLB shootdowns whenever
#   the host deschedules a vCPU thread (two guests, two host cores): one
#   exec costs ~2 s with -smp 2 and ~1 s with -smp 1.  So each guest gets
#   one vCPU and the run gets two guests, one per host core
#   (tests/vm/run-parallel; a "# gw-vm-smp: N" scenario gets a guest of N
#   of its own after them).
# A boot that goes 30 s without a console line is cut short and booted
# again, up to six times (one in three hung in the PROVE_RCU Tasks-RCU
# self-test before the kernel lost its Tasks-RCU flavours; the runner
# counts retries in its summary).
echo "== guest scenarios on $kver, $shards guests side by side"
GW_VM_KERNEL=$tree/arch/x86/boot/bzImage KVER=$kver \
	GW_KO=$BUILD/kmod/gatewarden.ko GW_VM_OUT=$OUT GW_VM_GUESTS=$shards \
	GW_VM_DURATIONS=$ROOT/tests/vm/durations-debug \
	GW_VM_TIMEOUT=${GW_VM_TIMEOUT:-900} \
	GW_VM_LAST=tests/vm/helpers/kmemleak_final.sh \
	GW_VM_BOOT_QUIET=${GW_VM_BOOT_QUIET:-30} \
	GW_VM_BOOT_TRIES=${GW_VM_BOOT_TRIES:-6} \
	GW_VM_MACHINE=microvm \
	GW_VM_APPEND="no_hash_pointers ${GW_VM_APPEND:-}" \
	tests/vm/run-parallel "${scenarios[@]}"
summary=$OUT/summary
if [ -s "$summary" ]; then
	read -r p f s x < <(sed -n 's/^passed=\([0-9]*\) failed=\([0-9]*\) skipped=\([0-9]*\) xfail=\([0-9]*\).*/\1 \2 \3 \4/p' "$summary")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	skipped=$((skipped + ${s:-0}))
	xfail=$((xfail + ${x:-0}))
else
	echo "FAIL: the guests produced no summary" >&2
	failed=$((failed + 1))
fi

# ---- kernel reports ----------------------------------------------------------

# Every report on a console, whoever it blames, with the lines that follow
# it (KASAN and lockdep reports run to a few dozen).  A report inside a
# scenario has failed that scenario already; one outside any (while
# booting, between two) fails the run here.
bad='BUG:|BUG [^ ]+ \(|WARNING:|UBSAN:|KASAN:|KFENCE:|ODEBUG:|Kernel panic|kernel BUG|general protection|INFO: task .* blocked|rcu: INFO|self-detected stall|suspicious RCU|possible (circular|recursive)|inconsistent lock'
console() { sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$1"; }
for log in "$OUT"/shard*/console.log; do
	[ -f "$log" ] || continue
	k=${log%/console.log}
	k=${k##*/shard}
	console "$log" | awk -v pat="$bad" -v k="$k" '
		$0 ~ pat { if (left <= 0) print "---- guest " k; left = 80 }
		left > 0 { print; left-- }' >>"$OUT/kernel-reports.log"
	outside=$(console "$log" | awk -v pat="$bad" '
		/gw-vm: start / { inside = 1 }
		/gw-vm: (pass|fail|skip) / { inside = 0 }
		$0 ~ pat && !inside { n++ }
		END { print n + 0 }')
	if [ "$outside" -gt 0 ]; then
		echo "FAIL: guest $k: $outside kernel report line(s) outside any scenario" >&2
		failed=$((failed + 1))
	fi
done
if [ -s "$OUT/kernel-reports.log" ]; then
	echo "# $(grep -c '^---- guest' "$OUT/kernel-reports.log") kernel report(s)," \
		"saved in tests/vm/out/debug/kernel-reports.log:"
	grep -E -m 10 "$bad" "$OUT/kernel-reports.log" | sed 's/^/#   /'
	grep -q -i gatewarden "$OUT/kernel-reports.log" &&
		echo "#   (gatewarden appears in them)"
fi
for f in "$OUT"/shard*/kmemleak-*.log; do
	[ -s "$f" ] || continue
	case $f in */kmemleak-boot.log) continue ;; esac
	echo "# kmemleak: ${f#"$ROOT"/}"
done
finish
