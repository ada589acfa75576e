#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own style and static checks on the module, and shellcheck on
# every script.  Each check is one test; the last line is
# "lint: N passed, N failed" and the counts go to scripts/../lint-summary.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
[ -n "${KVER:-}" ] || KVER=$(for d in /lib/modules/*/build; do [ -d "$d" ] && basename "$(dirname "$d")"; done | sort -V | tail -n 1)
KDIR=${KDIR:-/lib/modules/$KVER/build}
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/gatewarden
OUT=$ROOT/tests/vm/out
mkdir -p "$OUT" "$CACHE"

passed=0
failed=0

check() {
	local name=$1 log=$OUT/$1.log
	shift
	if "$@" >"$log" 2>&1; then
		echo "PASS: $name"
		passed=$((passed + 1))
	else
		echo "FAIL: $name"
		tail -n 40 "$log" | sed 's/^/    /'
		failed=$((failed + 1))
	fi
}

# Build output must hold no diagnostic at all, not merely succeed.
kbuild_clean() {
	local out
	make -s -C "$KDIR" M="$ROOT" clean >/dev/null 2>&1
	out=$(make -C "$KDIR" M="$ROOT" "$@" modules 2>&1) || { echo "$out"; return 1; }
	echo "$out"
	! grep -E 'warning:|error:|sparse:' <<<"$out" | grep -v 'Skipping BTF'
}

checkpatch_script() {
	local dir=$CACHE/linux-source-6.1/scripts
	if [ ! -x "$dir/checkpatch.pl" ] && [ ! -f "$dir/checkpatch.pl" ]; then
		tar -C "$CACHE" -xf /usr/src/linux-source-6.1.tar.xz \
			linux-source-6.1/scripts/checkpatch.pl \
			linux-source-6.1/scripts/spelling.txt \
			linux-source-6.1/scripts/const_structs.checkpatch || return 1
	fi
	echo "$dir/checkpatch.pl"
}

kernel_sources() {
	local f
	for f in kmod/*.[ch] kmod/core/*.[ch] include/*.h include/uapi/*.h; do
		case $f in *.mod.c) ;; *) echo "$f" ;; esac
	done
}

# --terse prints a "total:" line per file; any other line is a finding.
checkpatch() {
	local cp out
	cp=$(checkpatch_script) || return 1
	# shellcheck disable=SC2046 # file names without spaces, one per word
	out=$(perl "$cp" --no-tree --terse -f $(kernel_sources) 2>&1)
	echo "$out"
	! grep -v -E '^total: 0 errors, 0 warnings,' <<<"$out" | grep -q .
}

shell_scripts() {
	local f
	for f in scripts/*.sh tests/vm/*.sh tests/vm/run tests/vm/run-parallel .ci/run bench/*.sh; do
		[ -f "$f" ] && echo "$f"
	done
}

# A merge's leftovers: a conflict marker at the start of a line in a tracked
# file (gwctl(8) once shipped with one).
no_conflict_markers() {
	! git -C "$ROOT" grep -n -I -E '^(<{7} |={7}$|>{7} )' -- . ':!*.md' &&
		! git -C "$ROOT" grep -n -I -E '^(<{7} |>{7} )' -- '*.md'
}

check lint_conflict_markers no_conflict_markers
check lint_module_w1 kbuild_clean W=1
check lint_module_sparse kbuild_clean C=2
check lint_checkpatch checkpatch
# shellcheck disable=SC2046
check lint_shellcheck shellcheck -x $(shell_scripts)
check lint_ci_counting bash .ci/run --self-test
check lint_gwctl_gcc make -s -C ctl clean all CC=gcc CFLAGS="-O2 -g -Werror"
check lint_gwctl_clang make -s -C ctl clean all CC=clang CFLAGS="-O2 -g -Werror"
check lint_bench_gcc make -s -C bench clean all CC=gcc EXTRA_CFLAGS=-Werror
check lint_bench_clang make -s -C bench clean all CC=clang EXTRA_CFLAGS=-Werror
check lint_netlink_clients_gcc make -s -C tests/conformance clean all CC=gcc CFLAGS="-O2 -g -Werror"
check lint_netlink_clients_clang make -s -C tests/conformance clean all CC=clang CFLAGS="-O2 -g -Werror"
make -s -C ctl clean all >/dev/null 2>&1
make -s -C tests/conformance clean all >/dev/null 2>&1
# leave a normal build behind for the tests that follow
make -s -C "$KDIR" M="$ROOT" W=1 modules >/dev/null 2>&1

echo "passed=$passed failed=$failed" >"$OUT/lint-summary"
echo "lint: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
