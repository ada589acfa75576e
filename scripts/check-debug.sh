#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check-debug": every guest scenario, the soak and fuzz ones included,
# on the debug kernel (KASAN, KFENCE, UBSAN, lockdep, kmemleak; see
# tests/vm/debug.config), then a final kmemleak scan.  Last line:
# "N passed, N failed".
#
# The module is built against the debug tree in tests/vm/out/debug-build/
# (a copy of the sources, so kmod/gatewarden.ko stays the Debian kernel's),
# with -g so that module frames in a report resolve to lines:
#   scripts/faddr2line tests/vm/out/debug-build/kmod/gatewarden.ko FUNC+OFF
# (run from the debug tree).  Logs go to tests/vm/out/debug/; every kernel
# report found on the console is copied to tests/vm/out/debug/kernel-reports.log,
# kmemleak's to tests/vm/out/debug/kmemleak-*.log.
#
# Environment: GW_VM_TIMEOUT (per scenario, default 900 s: the debug kernel
# under TCG is several times slower), VM_TESTS (scenarios to run instead of
# all), and what tests/vm/run takes.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
cd "$ROOT" || exit 1
OUT=$ROOT/tests/vm/out/debug
BUILD=$ROOT/tests/vm/out/debug-build
mkdir -p "$OUT"
rm -f "$OUT/summary" "$OUT/kernel-reports.log" "$OUT"/kmemleak-*.log

start=$(date +%s)
passed=0
failed=0

finish() {
	echo "check-debug took $(($(date +%s) - start)) s"
	echo "passed=$passed failed=$failed" >"$OUT/check-summary"
	echo "$passed passed, $failed failed"
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
# Mind that "make clean" (lint.sh runs one) deletes every *.ko under the
# repository, this one included: no make check while this runs.
ko=$BUILD/kmod/gatewarden.ko
make -s gwctl >/dev/null || stage_failed "gwctl build"

echo "== guest scenarios on $kver"
# shellcheck disable=SC2086 # VM_TESTS is a list of paths
GW_VM_KERNEL=$tree/arch/x86/boot/bzImage KVER=$kver \
	GW_KO=$ko GW_VM_OUT=$OUT \
	GW_VM_TIMEOUT=${GW_VM_TIMEOUT:-900} \
	GW_VM_LAST=tests/vm/helpers/kmemleak_final.sh \
	GW_VM_APPEND="no_hash_pointers ${GW_VM_APPEND:-}" \
	tests/vm/run ${VM_TESTS:-}
if [ -s "$OUT/summary" ]; then
	p=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' "$OUT/summary")
	f=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' "$OUT/summary")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
else
	echo "FAIL: the guest run produced no summary" >&2
	failed=$((failed + 1))
fi

# Every report on the console, whoever it blames, with the lines that
# follow it (KASAN and lockdep reports run to a few dozen).  A report
# outside any scenario (while booting, between two) fails the run here;
# one inside a scenario has failed that scenario already.
reports() {
	sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$OUT/console.log" |
		awk -v pat="$1" '
		$0 ~ pat { if (left <= 0) print "----"; left = 80 }
		left > 0 { print; left-- }'
}
bad='BUG:|BUG [^ ]+ \(|WARNING:|UBSAN:|KASAN:|KFENCE:|ODEBUG:|Kernel panic|kernel BUG|general protection|INFO: task .* blocked|rcu: INFO|self-detected stall|suspicious RCU|possible (circular|recursive)|inconsistent lock'
if [ -f "$OUT/console.log" ]; then
	reports "$bad" >"$OUT/kernel-reports.log"
fi
if [ -s "$OUT/kernel-reports.log" ]; then
	n=$(grep -c '^----$' "$OUT/kernel-reports.log")
	echo "# $n kernel report(s), saved in tests/vm/out/debug/kernel-reports.log:"
	grep -E -m 10 "$bad" "$OUT/kernel-reports.log" | sed 's/^/#   /'
	grep -q -i gatewarden "$OUT/kernel-reports.log" &&
		echo "#   (gatewarden appears in them)"
	# Reports inside scenarios were counted by the scenarios; those before
	# the first scenario or between two are counted here.
	outside=$(sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\r//g' "$OUT/console.log" | awk -v pat="$bad" '
		/gw-vm: start / { inside = 1 }
		/gw-vm: (pass|fail|skip) / { inside = 0 }
		$0 ~ pat && !inside { n++ }
		END { print n + 0 }')
	if [ "$outside" -gt 0 ]; then
		echo "FAIL: $outside kernel report line(s) outside any scenario" >&2
		failed=$((failed + 1))
	fi
fi
for f in "$OUT"/kmemleak-*.log; do
	[ -s "$f" ] || continue
	case $f in */kmemleak-boot.log) continue ;; esac
	echo "# kmemleak: ${f#"$ROOT"/}"
done
finish
