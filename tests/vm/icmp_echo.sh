#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Pings from inside work and their replies come back; pings from outside to
# gw or lan are dropped, until a rule allows them, and then only at its
# rate.  IPv6 neighbour discovery on the wan link keeps working.  IPv4 and
# IPv6.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require ping jq
gw_gateway

# Neighbour discovery on the wan link must happen again under gatewarden.
gw_must ip -n "$NS_GW" neigh flush dev wan0
gw_must ip -n "$NS_OUT" neigh flush dev eth0

for addr in "$OUT4" "$OUT6"; do
	assert_ok "lan pings $addr" gw_ping "$NS_LAN" "$addr" 2
	assert_ok "gw itself pings $addr" gw_ping "$NS_GW" "$addr" 2
done
assert_ge "the pings were tracked as flows" 4 "$(gw_counter "$NS_GW" flow_created)"
conns=$(gwctl_in "$NS_GW" conn list)
assert_ok "conn list shows an echo flow by its identifier" grep -Eq '^icmp +1 .*dst=203\.0\.113\.2 id=[0-9]+ ' <<<"$conns"
assert_ok "... and an ICMPv6 one" grep -Eq '^icmpv6 +58 .*id=[0-9]+ .*\[replied\]' <<<"$conns"

for target in "$GW_WAN4" "$LAN4" "$GW_WAN6" "$LAN6"; do
	assert_fail "out cannot ping $target" gw_ping "$NS_OUT" "$target" 1
done
assert_ge "the refused echo requests were counted as drop_icmp_echo" 4 \
	"$(gw_counter "$NS_GW" drop_icmp_echo)"

gw_must gwctl_in "$NS_GW" rule add allow icmp echo rate 5/s
gw_must gwctl_in "$NS_GW" rule add allow icmpv6 echo rate 5/s
assert_ok "rule list shows the rate" grep -q 'icmp echo .*rate 5/s' <<<"$(gwctl_in "$NS_GW" rule list)"
for target in "$GW_WAN4" "$LAN4" "$GW_WAN6" "$LAN6"; do
	assert_ok "with an allow rule out pings $target" gw_ping "$NS_OUT" "$target" 2
done

# 40 requests as fast as ping sends them (0.4 s here, seconds on the debug
# kernel) against 5/s with a burst of 5: at most the burst plus 5 a second
# of the time it took (and one for rounding), and never all 40.
for target in "$LAN4" "$LAN6"; do
	t0=${EPOCHREALTIME/./}
	got=$(ip netns exec "$NS_OUT" ping -n -q -c 40 -i 0.01 -W "$GW_TIME_SCALE" "$target" |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	ms=$(((${EPOCHREALTIME/./} - t0) / 1000))
	most=$((5 + 5 * ms / 1000 + 1))
	[ "$most" -lt 40 ] || most=39
	assert_le "a ping flood at $target (${ms} ms) is held to the rule's rate ($got of 40 answered)" "$most" "$got"
	assert_ge "... but not shut out" 1 "$got"
done
assert_ge "the excess was counted as drop_icmp_rate" 40 "$(gw_counter "$NS_GW" drop_icmp_rate)"

gw_unload
assert_ok "without gatewarden out pings lan (the test can fail)" gw_ping "$NS_OUT" "$LAN4" 1

gw_finish
