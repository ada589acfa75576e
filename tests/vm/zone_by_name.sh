#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Zones are kept by interface name.  "gwctl iface add wan0 wan", then wan0
# is deleted (gwctl iface list shows it absent, ifindex 0) and re-created
# with the same name, addresses and routes: with no gwctl command the zone
# applies to the new device (iface list shows its new ifindex), a passive
# TCP connection from outside through it is refused, and an allow rule
# still lets its port in.  After "gwctl iface del wan0" the same
# connection succeeds (the test can fail).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_topology
gw_load
gw=(gwctl_in "$NS_GW")
gw_must "${gw[@]}" iface add wan0 wan
gw_must "${gw[@]}" iface add lan0 lan
gw_must "${gw[@]}" rule add allow tcp to "$LAN4" port 8080
tcp_echo_server "$NS_LAN" "$LAN4" 2222
tcp_echo_server "$NS_LAN" "$LAN4" 8080

wan0_field() { "${gw[@]}" -j iface list | jq -r --arg f "$1" '.interfaces[]? | select(.ifname == "wan0") | .[$f]'; }

assert_fail "before: out cannot open $LAN4:2222" tcp_roundtrip "$NS_OUT" "$LAN4" 2222 2
assert_ok "before: the allowed $LAN4:8080 works" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 5

old=$(wan0_field ifindex)
gw_must ip -n "$NS_GW" link del wan0
assert_eq "with wan0 gone, its zone stays, absent (ifindex 0)" "wan 0" "$(wan0_field zone) $(wan0_field ifindex)"

gw_must ip -n "$NS_GW" link add wan0 type veth peer name eth0 netns "$NS_OUT"
gw_must ip -n "$NS_OUT" addr add "$OUT4/24" dev eth0
gw_must ip -n "$NS_GW" addr add "$GW_WAN4/24" dev wan0
gw_must ip -n "$NS_OUT" link set eth0 up
gw_must ip -n "$NS_GW" link set wan0 up
gw_must ip -n "$NS_OUT" route add default via "$GW_WAN4"
new=$(ip netns exec "$NS_GW" cat /sys/class/net/wan0/ifindex)
assert_ok "the new wan0 is another device (ifindex $old -> $new)" test "$old" != "$new"
assert_eq "gwctl iface list shows the zone on the new wan0" "wan $new" "$(wan0_field zone) $(wan0_field ifindex)"
assert_fail "after: out cannot open $LAN4:2222 through the new wan0" tcp_roundtrip "$NS_OUT" "$LAN4" 2222 2
assert_ok "after: the allowed $LAN4:8080 works through it" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 5
assert_ge "refusals counted as drop_passive_denied" 2 "$(gw_counter "$NS_GW" drop_passive_denied)"

gw_must "${gw[@]}" iface del wan0
assert_ok "after iface del wan0, out opens $LAN4:2222 (the test can fail)" tcp_roundtrip "$NS_OUT" "$LAN4" 2222 5

gw_finish
