#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install / make uninstall into a DESTDIR: every file lands where the
# README says, nothing lands outside DESTDIR, an admin's policy and settings
# are never overwritten, gatewarden.service passes systemd-analyze verify,
# the installed policy passes "gwctl load -n", and uninstall removes all but
# the admin's files under /etc, an enabled unit's link included (systemctl
# --root, inside DESTDIR too).  The installed bash completion offers what
# gwctl(8) has (overload, max-src-conn*, load -n, save -a) and the module's
# tunable names, its own list only without the module.  The installed
# gwctl doctor, with no module loaded, says so and checks the host all the
# same (in a network namespace of its own: unshare -n, as root).  Builds
# the module and gwctl (make install).
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

# ---- the installed bash completion ----------------------------------------
# A stand-in gwctl on PATH answers what the completion asks the module
# ("gwctl -j get", "gwctl -j overload list"), or fails as without the module
# (GW_FAKE_GWCTL=down); bash-completion's helpers are stood in for too.
comp=$dest/usr/local/share/bash-completion/completions/gwctl
fakebin=$(mktemp -d "${TMPDIR:-/tmp}/gatewarden-fakebin.XXXXXX")
trap 'rm -rf "$dest" "$fakebin"' EXIT
cat >"$fakebin/gwctl" <<'FAKE'
#!/bin/sh
[ "${GW_FAKE_GWCTL:-}" = down ] && exit 2
case "$*" in
"-j get") echo '{"schema_version":1,"tunables":{"only_in_the_module":{"value":7,"unit":"s","min":1,"max":9},"tcp_pickup":{"value":0,"word":"strict","unit":"0 strict, 1 loose","min":0,"max":1}}}' ;;
"-j overload list") echo '{"schema_version":1,"overload":[{"source":"203.0.113.9","timeout":30,"conns":2}]}' ;;
*) exit 2 ;;
esac
FAKE
chmod +x "$fakebin/gwctl"
# completions WORD...: what the installed completion offers for the last
# WORD of "gwctl WORD...", sorted, on one line
completions() {
	PATH=$fakebin:$PATH bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
			cur=${words[cword]} prev=${words[cword - 1]}
		}
		_filedir() { COMPREPLY=(FILES); }
		. "$1" || exit 1
		shift
		COMP_WORDS=(gwctl "$@") COMP_CWORD=$#
		_gwctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | paste -sd" "' completions "$comp" "$@"
}
check "completion: overload among the commands" \
	grep -qw overload <<<"$(completions "")"
check "completion: doctor among the commands" grep -qw doctor <<<"$(completions "")"
check "completion: overload's verbs" test "$(completions overload "")" = "del list"
check "completion: overload del offers the module's overloaded sources" \
	test "$(completions overload del "")" = "203.0.113.9 all"
check "completion: a rule's max-src-conn and max-src-conn-rate" \
	test "$(completions rule add allow tcp port 22 max-)" = "max-src-conn max-src-conn-rate"
check "completion: tunable names come from the module" \
	test "$(completions set "")" = "only_in_the_module tcp_pickup"
# without the module: its own list, which must be the module's names
module_tunables=$(sed -n 's/^\t\[GW_TUN_[A-Z_]*\] = { "\([a-z_]*\)".*/\1/p' "$ROOT/kmod/tunables.c" |
	sort | paste -sd' ')
check "completion: the module's tunable names, read from kmod/tunables.c" test -n "$module_tunables"
check "completion: without the module, its list is every tunable of kmod/tunables.c" \
	test "$(GW_FAKE_GWCTL=down completions get "")" = "$module_tunables"
check "completion: load -n and -c" test "$(completions load -)" = "-c -n"
check "completion: save -a" test "$(completions save "")" = "-a"
check "completion: explain among the commands" grep -qw explain <<<"$(completions "")"
check "completion: explain's protocols" test "$(completions explain "")" = "icmp icmpv6 proto tcp udp"
check "completion: explain's words after an address" \
	test "$(completions explain tcp from 192.0.2.1 "")" = "ack code flags from id in out port seq to type"
check "completion: explain's echo types" \
	test "$(completions explain icmp from 192.0.2.1 to 192.0.2.2 in eth0 type "")" = "echo-reply echo-request"

# ---- gwctl doctor before the module is loaded --------------------------------
# What an admin sees right after make install: the missing module is the
# finding, not an error, and the host's settings are checked all the same,
# here in a network namespace of its own whose sysctls are set as needed.
# (nf_conntrack's check depends on this host's modules: left out.)
gwctl=$dest/usr/local/sbin/gwctl
errf=$dest.doctor-err
# doctor_ns "SYSCTL=VALUE ..." [-j]: gwctl [-j] doctor in a new network
# namespace with those sysctls set; its stdout, then "rc=N"; stderr: $errf
doctor_ns() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	GW_ERRF=$errf unshare -n bash -c \
		'sysctl -qw $1 || exit 99; shift; "$@" doctor 2>"$GW_ERRF"; echo "rc=$?"' \
		_ "$1" "$gwctl" "${@:2}"
}
# checks OUTPUT: the checks a -j doctor OUTPUT names, sorted, on one line
checks() {
	sed '$d' <<<"$1" | jq -r '[.warnings[].check | select(. != "nf_conntrack")] | unique | join(" ")'
}
# no_error: the JSON document on stdin has no "error" member
no_error() { jq -e 'has("error") | not' >/dev/null; }
right="net.ipv4.conf.all.accept_redirects=0 net.ipv6.conf.all.accept_redirects=0
	net.ipv4.conf.all.accept_source_route=0 net.ipv6.conf.all.accept_source_route=0"
if [ -d /sys/module/gatewarden ]; then
	echo "# gatewarden is loaded on this host: doctor without it is not checked"
elif ! unshare -n true 2>/dev/null; then
	not_ok "unshare -n, for doctor in a network namespace of its own (as root)"
else
	out=$(doctor_ns "$right net.ipv4.tcp_syncookies=0 net.ipv4.conf.all.accept_redirects=1" -j)
	check "doctor without the module: exit status 1" test "$(tail -n 1 <<<"$out")" = rc=1
	check "doctor without the module names it, and checks the host all the same" \
		test "$(checks "$out")" = "accept_redirects module tcp_syncookies"
	check "doctor without the module: a finding, not an error (no error in -j)" \
		no_error <<<"$(sed '$d' <<<"$out")"
	check "doctor without the module: nothing on stderr" test ! -s "$errf"
	# each of the host's settings alone, wrong: its warning and the module's
	for wrong in net.ipv4.tcp_syncookies=0:tcp_syncookies \
		net.ipv4.conf.all.accept_redirects=1:accept_redirects \
		net.ipv6.conf.all.accept_redirects=1:accept_redirects \
		net.ipv4.conf.all.accept_source_route=1:accept_source_route \
		net.ipv6.conf.all.accept_source_route=1:accept_source_route; do
		out=$(doctor_ns "$right net.ipv4.tcp_syncookies=1 ${wrong%%:*}" -j)
		check "doctor without the module: ${wrong%%:*} warns (${wrong#*:})" \
			test "$(checks "$out")" = "$(printf '%s\n' "${wrong#*:}" module | sort | paste -sd' ')"
	done
	out=$(doctor_ns "$right net.ipv4.tcp_syncookies=1")
	check "doctor without the module, the host right: that one line" \
		grep -qx "warning: module: the gatewarden module is not loaded: load it (modprobe gatewarden, or systemctl start gatewarden); nothing is filtered" <<<"$out"
	n=$(grep -c '^warning: ' <<<"$out")
	[ "$n" = 1 ] && count="1 warning" || count="$n warnings"
	check "and counts it: $count" test "$(tail -n 2 <<<"$out" | head -n 1)" = "$count"
	check "and still exit status 1" test "$(tail -n 1 <<<"$out")" = rc=1
	check "and nothing on stderr" test ! -s "$errf"
fi
rm -f "$errf"

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
