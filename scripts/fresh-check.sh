#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The README's first command on a machine that has never seen the project:
# "make demo" in a clean copy of the repository, in a mount namespace where
# what scripts/deps.sh installs for the kernel (the headers under /usr/src,
# /lib/modules, the guest kernel in /boot) is hidden behind empty folders
# until deps.sh has run.  The copy's deps.sh is shimmed: it checks that
# nothing is visible yet, uncovers the three folders (the packages are
# installed, as deps.sh would leave them) and runs the real deps.sh.  So a
# Makefile that looks for a kernel build tree before its "deps" step fails
# here as it does on a fresh machine.
#
#   scripts/fresh-check.sh [SCENARIO]   (default tests/vm/demo.sh, the demo)
#
# As root (unshare, mount).  Last line: "fresh: N passed, N failed".
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
demo=${1:-tests/vm/demo.sh}
hidden=(/usr/src /lib/modules /boot)

if [ "${GW_FRESH_INSIDE:-}" != 1 ]; then
	# Inside the repository: the guest sees the host's root, but has a
	# tmpfs on /tmp.  Not under tests/vm/out, which the runner lays anew.
	work=$ROOT/.fresh-check
	rm -rf "$work"
	mkdir -p "$work/empty" "$work/clone"
	trap 'rm -rf "$work"' EXIT
	# a clean clone: the tracked files as they are now, no build output
	git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 cp -P --parents -t "$work/clone")
	mv "$work/clone/scripts/deps.sh" "$work/clone/scripts/deps.real.sh"
	cat >"$work/clone/scripts/deps.sh" <<'SHIM'
#!/bin/bash
# fresh-check's stand-in for deps.sh: nothing installed must show yet.
set -eu
found=$(ls -d /lib/modules/*/build /boot/vmlinuz-* 2>/dev/null || true)
if [ -n "$found" ]; then
	echo "fresh-check: deps.sh ran with the kernel packages already visible: $found" >&2
	exit 1
fi
echo "fresh-check: deps.sh runs first; uncovering ${GW_FRESH_HIDDEN}"
for dir in ${GW_FRESH_HIDDEN}; do umount "$dir"; done
echo ran >"$(dirname "$0")/../.deps-ran"
exec "$(dirname "$0")/deps.real.sh" "$@"
SHIM
	chmod +x "$work/clone/scripts/deps.sh"
	log=$work/make-demo.log
	start=$(date +%s)
	GW_FRESH_INSIDE=1 GW_FRESH_HIDDEN="${hidden[*]}" GW_FRESH_WORK=$work \
		unshare -m --propagation private "$0" "$demo" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	passed=0 failed=0
	result() { # OK? DESCRIPTION
		if [ "$1" = 0 ]; then
			echo "ok - $2"
			passed=$((passed + 1))
		else
			echo "not ok - $2"
			failed=$((failed + 1))
		fi
	}
	[ -f "$work/clone/.deps-ran" ]
	result $? "make demo ran deps.sh while the kernel packages were hidden"
	result "$rc" "make demo succeeded on the first run ($(($(date +%s) - start)) s)"
	! grep -q "no kernel build tree" "$log"
	result $? "nothing looked for the kernel build tree before deps"
	echo "fresh: $passed passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

# In the new mount namespace: hide, then the README's command.
for dir in "${hidden[@]}"; do
	mount --bind "$GW_FRESH_WORK/empty" "$dir" || exit 1
done
cd "$GW_FRESH_WORK/clone" || exit 1
make demo DEMO="$demo"
