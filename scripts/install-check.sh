#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a DESTDIR: every file lands where the
# README says, nothing lands outside DESTDIR, an admin's policy and settings
# are never overwritten, gatewarden.service passes systemd-analyze verify,
# the installed policy passes "gwctl load -n", and uninstall removes all but
# the admin's files under /etc, an enabled unit's link included (systemctl
# --root, inside DESTDIR too).  Needs the module and gwctl built (make).
# Prints "install: N passed, N failed"; exit 0 when nothing failed.
set -u -o pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
KVER=${KVER:-$("$ROOT/scripts/kver.sh")}
dest=$(mktemp -d "${TMPDIR:-/tmp}/gatewarden-install.XXXXXX")
trap 'rm -rf "$dest"' EXIT
passed=0 failed=0

ok() { echo "ok - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
check() { # DESCRIPTION COMMAND...
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

expected=(
	"etc/default/gatewarden"
	"etc/gatewarden/gatewarden.rules"
	"lib/modules/$KVER/updates/gatewarden.ko"
	"usr/local/lib/systemd/system/gatewarden.service"
	"usr/local/sbin/gwctl"
	"usr/local/share/bash-completion/completions/gwctl"
	"usr/local/share/man/man5/gatewarden.rules.5"
	"usr/local/share/man/man8/gwctl.8"
)
# files and symbolic links (an enabled unit's), not folders
listing() { (cd "$dest" && find . \( -type f -o -type l \) -printf '%P\n' | sort); }

# the host's own files that make install must not touch (DESTDIR-clean)
host_before=$(ls -l --time-style=full-iso "/lib/modules/$KVER/modules.dep" 2>/dev/null)

if make -s -C "$ROOT" install DESTDIR="$dest" KVER="$KVER" >"$dest.log" 2>&1; then
	ok "make install DESTDIR=..."
else
	not_ok "make install DESTDIR=..."
	cat "$dest.log"
fi
rm -f "$dest.log"
check "installs exactly the expected files" \
	diff -u <(printf '%s\n' "${expected[@]}" | sort) <(listing)
check "the host's modules.dep untouched (no depmod with DESTDIR)" \
	test "$host_before" = "$(ls -l --time-style=full-iso "/lib/modules/$KVER/modules.dep" 2>/dev/null)"
check "the installed module is the built one" cmp -s "$ROOT/kmod/gatewarden.ko" \
	"$dest/lib/modules/$KVER/updates/gatewarden.ko"
check "the policy is readable by root only" \
	test "$(stat -c %a "$dest/etc/gatewarden/gatewarden.rules")" = 600
check "the installed policy checks without a kernel (gwctl load -n)" \
	"$dest/usr/local/sbin/gwctl" load -n "$dest/etc/gatewarden/gatewarden.rules"

unit=$dest/usr/local/lib/systemd/system/gatewarden.service
# shellcheck disable=SC2016 # the unit's own ${...}, expanded by systemd
check "the unit names the installed gwctl" grep -qx 'ExecStart=/usr/local/sbin/gwctl load ${GATEWARDEN_RULES}' "$unit"
check "the unit runs before network-pre.target" grep -qx 'Before=network-pre.target shutdown.target' "$unit"
# verify resolves the unit's commands inside --root: give it the base
# system's ones (modprobe, sh) next to the installed gwctl.
mkdir -p "$dest/sbin" "$dest/bin"
cp /sbin/modprobe "$dest/sbin/"
cp /bin/sh "$dest/bin/"
if out=$(systemd-analyze verify --man=no --root="$dest" /usr/local/lib/systemd/system/gatewarden.service 2>&1) &&
	[ -z "$out" ]; then
	ok "systemd-analyze verify gatewarden.service"
else
	not_ok "systemd-analyze verify gatewarden.service"
	echo "$out"
fi
rm -f "$dest/sbin/modprobe" "$dest/bin/sh"
rmdir "$dest/sbin" "$dest/bin"

echo "# an admin's edits" >>"$dest/etc/gatewarden/gatewarden.rules"
echo "GATEWARDEN_UNLOAD_ON_STOP=yes" >>"$dest/etc/default/gatewarden"
make -s -C "$ROOT" install DESTDIR="$dest" KVER="$KVER" >/dev/null 2>&1
check "a second make install keeps the admin's policy" \
	grep -qx '# an admin.s edits' "$dest/etc/gatewarden/gatewarden.rules"
check "a second make install keeps the admin's settings" \
	grep -qx 'GATEWARDEN_UNLOAD_ON_STOP=yes' "$dest/etc/default/gatewarden"

# as "systemctl enable gatewarden" does on the host (README, "Boot")
wants=etc/systemd/system/sysinit.target.wants/gatewarden.service
systemctl --root="$dest" --quiet enable gatewarden.service >/dev/null 2>&1
check "systemctl enable links the unit into sysinit.target.wants" test -L "$dest/$wants"

if make -s -C "$ROOT" uninstall DESTDIR="$dest" KVER="$KVER" >/dev/null 2>&1; then
	ok "make uninstall DESTDIR=..."
else
	not_ok "make uninstall DESTDIR=..."
fi
check "make uninstall disables the unit (no link left to a removed file)" \
	test ! -L "$dest/$wants"
check "make uninstall leaves only the admin's files under /etc" \
	diff -u <(printf '%s\n' etc/default/gatewarden etc/gatewarden/gatewarden.rules) <(listing)

echo "install: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
