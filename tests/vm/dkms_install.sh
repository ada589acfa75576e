#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The installed gatewarden, as a host boots it: the DKMS-built module from
# /lib/modules/KVER/updates/dkms loads with "modprobe gatewarden wan=...",
# the command lines of the installed gatewarden.service load the installed
# /etc/gatewarden/gatewarden.rules, and the policy holds (a smoke test of
# rules/gateway.rules, which that file is a copy of).  ExecReload refuses a
# broken file with its file:line:column and keeps the policy; ExecStop
# leaves the module loaded unless /etc/default/gatewarden says otherwise.
#
# Runs only under scripts/dkms-check.sh --guest, which DKMS-installs the
# module on the host (the guest's root is the host's) and installs the tools
# into .dkms-check/dest; skips otherwise.
# gw-vm: no-module

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

DEST=$GW_ROOT/.dkms-check/dest
dkms_ko=/lib/modules/$(uname -r)/updates/dkms/gatewarden.ko
[ -f "$dkms_ko" ] || gw_skip "no DKMS-installed module (scripts/dkms-check.sh --guest)"
[ -x "$DEST/usr/local/sbin/gwctl" ] || gw_skip "no tools in $DEST (scripts/dkms-check.sh --guest)"
[ -d /sys/module/gatewarden ] && gw_fatal "gatewarden is already loaded"
gw_require socat jq

# ---- the installed files where make install puts them ------------------------
# The guest's root is the host's, read-only: /etc becomes a writable copy with
# the installed files added, /usr/local/sbin the installed one.
gw_must cp -a /etc "$GW_TMP/etc"
gw_must cp -a "$DEST/etc/." "$GW_TMP/etc/"
gw_must mount --bind "$GW_TMP/etc" /etc
gw_on_exit umount /etc
gw_must mount --bind "$DEST/usr/local/sbin" /usr/local/sbin
gw_on_exit umount /usr/local/sbin
unit=$DEST/usr/local/lib/systemd/system/gatewarden.service
rules=/etc/gatewarden/gatewarden.rules
assert_ok "the policy is installed" test -f "$rules"

# unit_lines KEY: the unit's KEY= command lines, one a line
unit_lines() { sed -n "s/^$1=//p" "$unit"; }
# unit_env: the environment systemd gives the commands: Environment=, then
# the EnvironmentFile (its "-" prefix: optional), which overrides it.
unit_env() {
	local file
	sed -n 's/^Environment=//p' "$unit"
	file=$(sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$unit")
	[ -f "$file" ] && grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$file"
}
# unit_run KEY [NS]: run the unit's KEY= lines in order, as systemd would
# (${VAR} from the unit's environment), in NS if given; stops at the first
# that fails.  (No <(...) here: the guest's devtmpfs has no /dev/fd.)
unit_run() {
	local key=$1 ns=${2:-} line env=()
	mapfile -t env <<<"$(unit_env)"
	while IFS= read -r line; do
		if [ -n "$ns" ]; then
			ip netns exec "$ns" env "${env[@]}" bash -c "exec $line" || return 1
		else
			env "${env[@]}" bash -c "exec $line" || return 1
		fi
	done <<<"$(unit_lines "$key")"
}

# ---- modprobe, from DKMS's directory -------------------------------------------
gw_topology
assert_eq "modprobe resolves gatewarden to DKMS's copy" "$dkms_ko" "$(modinfo -n gatewarden)"
gw_on_exit 'modprobe -r gatewarden 2>/dev/null; true'
assert_ok "modprobe gatewarden wan=wan0 loads it and what it needs" modprobe gatewarden wan=wan0
assert_eq "its wan parameter is set" wan0 "$(cat /sys/module/gatewarden/parameters/wan)"
assert_eq "wan0 is wan in the initial namespace" wan \
	"$("$GWCTL" -j iface list | jq -r '.interfaces[] | select(.ifname == "wan0") | .zone')"

# ---- the unit's ExecStart lines -----------------------------------------------
assert_eq "the unit loads the module, then the policy" \
	"/sbin/modprobe gatewarden|/usr/local/sbin/gwctl load \${GATEWARDEN_RULES}" \
	"$(unit_lines ExecStart | paste -sd'|')"
assert_ok "ExecStart succeeds (module already loaded, policy loaded)" unit_run ExecStart
saved=$(/usr/local/sbin/gwctl save)
assert_ok "the installed policy is in force: its ssh rule" \
	grep -qF 'allow tcp from 198.51.100.0/24 to 203.0.113.1 port 22 comment "ssh from the admins"' <<<"$saved"
assert_ok "its zones" grep -qx "iface lan0 lan" <<<"$saved"
assert_ok "its blocklist" grep -qx "block 192.0.2.128/25" <<<"$saved"
assert_ok "its tunables" grep -qx "set tcp_established 86400" <<<"$saved"

# The same command lines in the gateway namespace of the test topology, whose
# interfaces are the file's wan0 and lan0: the policy filters as written.
assert_ok "ExecStart in the gateway's namespace" unit_run ExecStart "$NS_GW"
for port in 22 80; do tcp_echo_server "$NS_GW" "$GW_WAN4" "$port"; done
tcp_echo_server "$NS_LAN" "$LAN4" 8080
tcp_echo_server "$NS_OUT" "$OUT4" 443
assert_ok "out -> gw:80 is allowed (the file's web rule)" tcp_roundtrip "$NS_OUT" "$GW_WAN4" 80
assert_fail "out -> gw:22 is refused (ssh from the admins only)" tcp_roundtrip "$NS_OUT" "$GW_WAN4" 22 2
assert_fail "out -> lan:8080 is refused (no rule)" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 2
assert_ok "lan -> out:443 works" tcp_roundtrip "$NS_LAN" "$OUT4" 443

# ---- ExecReload: a broken file is refused, the policy stays ---------------------
before=$(/usr/local/sbin/gwctl save)
lines=$(wc -l <"$rules")
echo "allow tcp port 70000" >>"$rules"
err=$(unit_run ExecReload 2>&1)
rc=$?
assert_fail "ExecReload fails on a policy error" test "$rc" = 0
assert_ok "and says where: file:line:column" \
	grep -qF "$rules:$((lines + 1)):16: port 70000 is out of range" <<<"$err"
assert_eq "the running policy is unchanged" "$before" "$(/usr/local/sbin/gwctl save)"
sed -i '$d' "$rules"
echo "set udp_stream 181" >>"$rules"
assert_ok "ExecReload loads a good file" unit_run ExecReload
assert_ok "and its change is in force" grep -qx "set udp_stream 181" <<<"$(/usr/local/sbin/gwctl save)"

# ---- ExecStop ---------------------------------------------------------------
assert_ok "ExecStop succeeds" unit_run ExecStop
assert_ok "and leaves the module (and the policy) in force by default" test -d /sys/module/gatewarden
sed -i 's/^GATEWARDEN_UNLOAD_ON_STOP=.*/GATEWARDEN_UNLOAD_ON_STOP=yes/' /etc/default/gatewarden
assert_ok "ExecStop with GATEWARDEN_UNLOAD_ON_STOP=yes" unit_run ExecStop
assert_fail "unloads the module" test -d /sys/module/gatewarden

gw_finish
