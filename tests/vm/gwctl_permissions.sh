#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every operation, reads included, needs CAP_NET_ADMIN in the initial user
# namespace: the flow table says who talks to whom.  An unprivileged user,
# and root of a user namespace of its own (unshare -Urn), get EPERM from
# each command, told plainly, and change nothing; neither can follow
# events with gwctl monitor, and the unprivileged user cannot even join
# the events group with a client of its own.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require setpriv unshare jq
gw_load
gw_must "$GWCTL" iface add gwtest0 lan

# A copy nobody can be denied reading, wherever the repository lives.
bin=$(mktemp -d /tmp/gwctl.XXXXXX)
gw_on_exit rm -rf "$bin"
cp "$GWCTL" "$bin/gwctl"
cp "$GW_ROOT"/tests/vm/helpers/genl.py "$GW_ROOT"/tests/vm/helpers/genl_subscribe.py "$bin/"
printf 'iface eth0 wan\nallow tcp port 22\n' >"$bin/p.rules"
chmod 755 "$bin" "$bin/gwctl" "$bin/genl_subscribe.py"
chmod 644 "$bin/p.rules" "$bin/genl.py"

gw_must "$GWCTL" block add 192.0.2.8
gw_must "$GWCTL" never-block add 192.0.2.10
before=$("$GWCTL" -j rule list; "$GWCTL" -j iface list; "$GWCTL" -j get
	"$GWCTL" -j block list; "$GWCTL" -j never-block list)

commands=(
	"version" "status" "stats" "iface list" "iface add eth0 wan"
	"iface del gwtest0" "rule list" "rule add allow tcp port 22"
	"rule del 1" "rule flush" "conn list" "conn flush" "get"
	"set tcp_close 5" "load $bin/p.rules" "load -c $bin/p.rules" "save"
	"monitor" "block list" "block add 192.0.2.9" "block add 192.0.2.9 timeout 5"
	"block del 192.0.2.9" "block flush" "never-block list" "never-block add 192.0.2.9"
	"never-block del 192.0.2.9" "never-block flush"
)
unprivileged=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
for who in unprivileged userns_root; do
	if [ "$who" = unprivileged ]; then
		run=("${unprivileged[@]}")
	else
		run=(unshare -Urn)
	fi
	for cmd in "${commands[@]}"; do
		# shellcheck disable=SC2086 # the command's words
		out=$(timeout 10 "${run[@]}" "$bin/gwctl" $cmd 2>&1)
		rc=$?
		assert_eq "$who 'gwctl $cmd' exits 2" 2 "$rc"
		assert_ok "$who 'gwctl $cmd' says why ($out)" \
			grep -q "Operation not permitted" <<<"$out"
	done
done
assert_eq "as root of its own user namespace, it is root there" 0 "$(unshare -Urn id -u)"

out=$("${unprivileged[@]}" /usr/bin/python3 "$bin/genl_subscribe.py" 2>&1)
assert_eq "an unprivileged client cannot join the events group ($out)" "errno=1" "$out"
out=$(/usr/bin/python3 "$bin/genl_subscribe.py" 2>&1)
assert_eq "root can" "subscribed" "$out"

after=$("$GWCTL" -j rule list; "$GWCTL" -j iface list; "$GWCTL" -j get
	"$GWCTL" -j block list; "$GWCTL" -j never-block list)
assert_eq "nothing changed" "$before" "$after"
assert_ok "root may do what nobody else may" "$GWCTL" rule add allow tcp port 22
assert_ok "root may load" "$GWCTL" load "$bin/p.rules"

gw_finish
