#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every operation, reads included, needs CAP_NET_ADMIN: the flow table says
# who talks to whom.  An unprivileged user gets EPERM from each command,
# told plainly, and changes nothing.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require setpriv jq
gw_load
gw_must "$GWCTL" iface add gwtest0 lan

# A copy nobody can be denied reading, wherever the repository lives.
bin=$(mktemp -d /tmp/gwctl.XXXXXX)
gw_on_exit rm -rf "$bin"
cp "$GWCTL" "$bin/gwctl"
chmod 755 "$bin" "$bin/gwctl"

before=$("$GWCTL" -j rule list; "$GWCTL" -j iface list; "$GWCTL" -j get)

commands=(
	"version" "status" "stats" "iface list" "iface add eth0 wan"
	"iface del gwtest0" "rule list" "rule add allow tcp port 22"
	"rule del 1" "rule flush" "conn list" "conn flush" "get"
	"set tcp_close 5"
)
for cmd in "${commands[@]}"; do
	# shellcheck disable=SC2086 # the command's words
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$bin/gwctl" $cmd 2>&1)
	rc=$?
	assert_eq "unprivileged 'gwctl $cmd' exits 2" 2 "$rc"
	assert_ok "unprivileged 'gwctl $cmd' says why ($out)" \
		grep -q "Operation not permitted" <<<"$out"
done

after=$("$GWCTL" -j rule list; "$GWCTL" -j iface list; "$GWCTL" -j get)
assert_eq "nothing changed" "$before" "$after"
assert_ok "root may do what nobody else may" "$GWCTL" rule add allow tcp port 22

gw_finish
