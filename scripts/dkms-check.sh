#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The module the way a distribution user gets it, through its whole DKMS
# life: dkms add, build and install against the installed headers (into
# /lib/modules/KVER/updates/dkms, with depmod), modinfo documents every
# parameter, then dkms remove leaves nothing behind.
#
#   scripts/dkms-check.sh [--guest]
#
# --guest: while the module is DKMS-installed, also boot the test guest
# (whose root is this host's, so it sees /lib/modules/KVER/updates/dkms)
# and run tests/vm/dkms_install.sh there: "modprobe gatewarden wan=...",
# then the command lines of the gatewarden.service that "make install-tools"
# puts into .dkms-check/dest load the installed policy, and a smoke test.
# gwctl is built for that (make gwctl); the module is never built by make.
#
# As root.  Touches the host's /usr/src, /var/lib/dkms and /lib/modules
# for the time it runs; removes what it added however it ends.
# Last line: "dkms: N passed, N failed".
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
NAME=gatewarden
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")
KVER=${KVER:-$("$ROOT/scripts/kver.sh")}
SRC=/usr/src/$NAME-$VERSION
DEST=$ROOT/.dkms-check/dest
guest=0
[ "${1:-}" = --guest ] && guest=1
passed=0 failed=0

ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
finish() {
	echo "dkms: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

cleanup() {
	dkms remove -m "$NAME" -v "$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "$SRC" "$ROOT/.dkms-check"
}
trap cleanup EXIT
[ -n "$KVER" ] || { not_ok "no kernel build tree (scripts/deps.sh)"; finish; }
if [ -e "/lib/modules/$KVER/updates/$NAME.ko" ]; then
	# make install's copy would shadow (or be shadowed by) DKMS's
	not_ok "/lib/modules/$KVER/updates/$NAME.ko exists (make uninstall first)"
	finish
fi
cleanup

mkdir -p "$SRC"
# the tree dkms gets is what a release tarball holds: sources, no build output
git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 cp --parents -t "$SRC")
check "dkms add" dkms add -m "$NAME" -v "$VERSION"
if dkms build -m "$NAME" -v "$VERSION" -k "$KVER" >"$ROOT/.dkms-build.log" 2>&1; then
	ok "dkms build for $KVER"
else
	not_ok "dkms build for $KVER"
	cat "$ROOT/.dkms-build.log" /var/lib/dkms/"$NAME/$VERSION"/build/make.log 2>/dev/null
fi
rm -f "$ROOT/.dkms-build.log"
check "dkms install" dkms install -m "$NAME" -v "$VERSION" -k "$KVER"
ko=/lib/modules/$KVER/updates/dkms/$NAME.ko
check "the module is in updates/dkms" test -f "$ko"
check "modprobe finds it there (depmod ran)" \
	test "$(modinfo -k "$KVER" -n "$NAME" 2>/dev/null)" = "$ko"
check "built for $KVER" bash -c "modinfo -F vermagic '$ko' | grep -q '^$KVER '"
check "dkms status says installed" bash -c "dkms status -m '$NAME' -v '$VERSION' -k '$KVER' | grep -q ': installed'"

# every parameter has a description (modinfo prints "name:description (type)")
params=$(modinfo -F parm "$ko")
check "modinfo lists the parameters" test -n "$params"
while IFS= read -r line; do
	[ -n "$line" ] || continue
	desc=${line#*:}
	check "parameter ${line%%:*} is documented" test -n "${desc%(*)}"
done <<<"$params"

if [ "$guest" = 1 ]; then
	if make -s -C "$ROOT" gwctl >/dev/null &&
		make -s -C "$ROOT" install-tools DESTDIR="$DEST" >/dev/null; then
		ok "gwctl, its unit and the policy installed into .dkms-check/dest"
	else
		not_ok "make install-tools DESTDIR=.dkms-check/dest"
	fi
	GW_VM_OUT=$ROOT/.dkms-check/vm KVER=$KVER "$ROOT/tests/vm/run" \
		"$ROOT/tests/vm/dkms_install.sh" | tee "$ROOT/.dkms-check/vm.tap"
	check "the guest scenario dkms_install passed" \
		grep -qx "ok 1 - dkms_install" "$ROOT/.dkms-check/vm.tap"
fi

check "dkms remove" dkms remove -m "$NAME" -v "$VERSION" --all
check "dkms forgets it" test -z "$(dkms status -m "$NAME" 2>/dev/null)"
check "nothing left in /var/lib/dkms" test ! -e "/var/lib/dkms/$NAME"
check "no $NAME.ko left under /lib/modules/$KVER" \
	test -z "$(find "/lib/modules/$KVER" -name "$NAME.ko*" 2>/dev/null)"
check "modules.dep forgets it" bash -c "! grep -q '$NAME' '/lib/modules/$KVER/modules.dep'"
check "modprobe no longer finds it" bash -c "! modinfo -k '$KVER' '$NAME' >/dev/null 2>&1"
finish
