#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make check": lint, unit tests and every guest scenario, then ONE line
# "N passed, N failed, N skipped, N xfail" over all of them (xfail: an open
# known bug shown failing, never counted as a pass).  A stage that cannot run at all
# (a build that fails) counts as a failure, so a run that tested nothing
# can never look green.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
OUT=$ROOT/tests/vm/out
mkdir -p "$OUT"
rm -f "$OUT/lint-summary" "$OUT/summary" tests/unit/summary

start=$(date +%s)
total_passed=0
total_failed=0
total_skipped=0
total_xfail=0

# add_summary FILE STAGE: fold "passed=N failed=N [skipped=N] [xfail=N]"
# into the totals
add_summary() {
	local file=$1 stage=$2 passed=0 failed=0 skipped xfail line
	if [ ! -s "$file" ]; then
		echo "FAIL: $stage produced no results" >&2
		total_failed=$((total_failed + 1))
		return
	fi
	line=$(cat "$file")
	passed=$(sed -n 's/.*passed=\([0-9]*\).*/\1/p' <<<"$line")
	failed=$(sed -n 's/.*failed=\([0-9]*\).*/\1/p' <<<"$line")
	skipped=$(sed -n 's/.*skipped=\([0-9]*\).*/\1/p' <<<"$line")
	xfail=$(sed -n 's/.*xfail=\([0-9]*\).*/\1/p' <<<"$line")
	total_passed=$((total_passed + ${passed:-0}))
	total_failed=$((total_failed + ${failed:-1}))
	total_skipped=$((total_skipped + ${skipped:-0}))
	total_xfail=$((total_xfail + ${xfail:-0}))
}

echo "== lint"
scripts/lint.sh
add_summary "$OUT/lint-summary" lint

echo "== unit"
make -s -C tests/unit check
add_summary tests/unit/summary unit

echo "== build"
if make -s all; then
	echo "== guest scenarios"
	tests/vm/run-parallel
	add_summary "$OUT/summary" vm
else
	echo "FAIL: build" >&2
	total_failed=$((total_failed + 1))
fi

echo "make check took $(($(date +%s) - start)) s"
echo "$total_passed passed, $total_failed failed, $total_skipped skipped, $total_xfail xfail"
[ "$total_failed" -eq 0 ]
