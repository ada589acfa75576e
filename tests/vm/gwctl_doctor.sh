#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl doctor: each thing it checks on the host around the firewall is made
# wrong, the warning must appear (and name it), then it is fixed and the
# warning must go: tcp_syncookies, accept_redirects, accept_source_route,
# rp_filter on a wan interface, ip_forward against a lan zone (either way), a zone on an
# interface that does not exist (a typo: "iface add" warns too), no wan
# zone, a running policy that is not the file's, nf_conntrack loaded with no
# user, a nearly full flow table and drop_table_full.  Exit status 0 when
# clean, 1 with warnings; -j lists them.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq socat
gw_topology
gw_load
POLICY=$GW_TMP/gateway.rules
cat >"$POLICY" <<RULES
iface wan0 wan
iface lan0 lan
allow tcp to $LAN4 port 8080
RULES

# warnings: the checks doctor reports in NS_GW, sorted, one line
warnings() {
	gwctl_in "$NS_GW" -j doctor -f "$POLICY" | jq -r '[.warnings[].check] | unique | join(" ")'
}
# shellcheck disable=SC2317 # called through expect's eval
has() { [[ " $(warnings) " == *" $1 "* ]]; }
# shellcheck disable=SC2317
sysctl_gw() { gw_must ip netns exec "$NS_GW" sysctl -qw "$@"; }
# expect CHECK DESCRIPTION BREAK-CMD FIX-CMD: broken, the warning is there;
# fixed, it is gone.
expect() {
	local check=$1 what=$2
	eval "$3"
	assert_ok "$what: doctor warns ($check)" has "$check"
	eval "$4"
	assert_fail "fixed, the $check warning goes" has "$check"
}

assert_ok "with no zone, doctor warns that nothing is filtered" has no_wan
gw_must gwctl_in "$NS_GW" load "$POLICY"
assert_fail "the policy's wan zone clears it" has no_wan

# Which redirects a wan interface takes is the kernel's rule: IPv4
# (IN_DEV_RX_REDIRECTS) "all" and the interface's both on while it
# forwards, either when it does not; IPv6 (rt6_do_redirect()) the
# interface's alone, and never while it forwards.  Turning ip_forward on
# turns all.accept_redirects off (inet_forward_change()), so the gateway
# starts with none accepted.
assert_fail "a forwarding gateway takes no redirects: no warning" has accept_redirects
expect accept_redirects "IPv4 redirects turned on again on the forwarding wan0" \
	"sysctl_gw net.ipv4.conf.all.accept_redirects=1" \
	"sysctl_gw net.ipv4.conf.all.accept_redirects=0"
expect accept_redirects "IPv4 redirects on a wan0 that does not forward (its own on)" \
	"sysctl_gw net.ipv4.conf.wan0.forwarding=0" "sysctl_gw net.ipv4.conf.wan0.accept_redirects=0"
sysctl_gw net.ipv4.conf.wan0.forwarding=1
assert_fail "no IPv6 warning while wan0 forwards, whatever its accept_redirects" has accept_redirects
expect accept_redirects "IPv6 redirects on a wan0 that does not forward, all=0 or not" \
	"sysctl_gw net.ipv6.conf.wan0.forwarding=0 net.ipv6.conf.all.accept_redirects=0" \
	"sysctl_gw net.ipv6.conf.wan0.accept_redirects=0"
sysctl_gw net.ipv6.conf.wan0.forwarding=1
expect rp_filter "rp_filter off on wan0" "sysctl_gw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.wan0.rp_filter=0" \
	"sysctl_gw net.ipv4.conf.wan0.rp_filter=1"
expect tcp_syncookies "syncookies off" "sysctl_gw net.ipv4.tcp_syncookies=0" \
	"sysctl_gw net.ipv4.tcp_syncookies=1"
expect accept_source_route "source routes accepted" "sysctl_gw net.ipv4.conf.all.accept_source_route=1" \
	"sysctl_gw net.ipv4.conf.all.accept_source_route=0"
expect ip_forward "a lan zone on a host that does not forward" \
	"sysctl_gw net.ipv4.ip_forward=0 net.ipv6.conf.all.forwarding=0" \
	"sysctl_gw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1"
expect ip_forward "a host that forwards with no lan zone" \
	"gw_must gwctl_in $NS_GW iface del lan0" "gw_must gwctl_in $NS_GW iface add lan0 lan"

out=$(gwctl_in "$NS_GW" doctor -f "$POLICY")
rc=$?
assert_eq "all fixed: exit status 0" 0 "$rc"
assert_eq "and it says so" "no warnings" "$out"

# ---- zones --------------------------------------------------------------------
err=$(gwctl_in "$NS_GW" iface add eht0 wan 2>&1)
assert_ok "iface add of an interface that does not exist warns" grep -q "no interface eht0" <<<"$err"
assert_ok "doctor names the missing interface" bash -c "ip netns exec $NS_GW $GWCTL doctor -f $POLICY | grep -q 'interface eht0, which does not exist'"
assert_ok "and the running policy is no longer the file's (zones)" has policy_file
out=$(gwctl_in "$NS_GW" doctor -f "$POLICY")
rc=$?
assert_eq "with warnings: exit status 1" 1 "$rc"
assert_ok "one line each" test "$(grep -c '^warning: ' <<<"$out")" -ge 2
gw_must gwctl_in "$NS_GW" iface del eht0
assert_fail "fixed, missing_interface goes" has missing_interface
expect no_wan "no wan zone" "gw_must gwctl_in $NS_GW iface del wan0" "gw_must gwctl_in $NS_GW iface add wan0 wan"

# ---- the running policy against the file ------------------------------------------
expect policy_file "a rule added by hand" "gw_must gwctl_in $NS_GW rule add allow tcp port 9999" \
	"gw_must gwctl_in $NS_GW load $POLICY"
expect policy_file "a tunable set by hand" "gw_must gwctl_in $NS_GW set udp_stream 121" \
	"gw_must gwctl_in $NS_GW set udp_stream 120"
expect policy_file "a block entry added by hand" "gw_must gwctl_in $NS_GW block add 198.51.100.9" \
	"gw_must gwctl_in $NS_GW block del 198.51.100.9"

# ---- nf_conntrack with nothing using it ------------------------------------------
if [ -d /sys/module/nf_conntrack ]; then
	echo "# nf_conntrack was already loaded here; its check is not exercised"
else
	expect nf_conntrack "nf_conntrack loaded, unused" "gw_must modprobe nf_conntrack" \
		"gw_must modprobe -r nf_conntrack"
fi

# ---- the flow table ---------------------------------------------------------------
tcp_echo_server "$NS_LAN" "$LAN4" 8080
# without early drop, so that the closed connections keep their places
gw_must gwctl_in "$NS_GW" set early_drop 0
gw_must gwctl_in "$NS_GW" set max_flows 4
# the four come from wan: let them have the whole table
gw_must gwctl_in "$NS_GW" set max_inbound_share 100
for _ in 1 2 3 4; do
	gw_must tcp_roundtrip "$NS_OUT" "$LAN4" 8080
done
assert_ok "four flows in a table of four: doctor warns (table_fill)" has table_fill
assert_fail "a fifth connection finds the table full" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 2
assert_ge "drop_table_full counted it" 1 "$(gw_counter "$NS_GW" drop_table_full)"
assert_ok "doctor warns of drop_table_full" has drop_table_full
gw_must gwctl_in "$NS_GW" load "$POLICY"
gw_must gwctl_in "$NS_GW" conn flush
gw_must gwctl_in "$NS_GW" stats --reset
assert_fail "fixed (file reloaded, table emptied, counters reset), table_fill goes" has table_fill
assert_fail "and drop_table_full" has drop_table_full
assert_eq "the gateway is clean again" "" "$(warnings)"

gw_finish
