#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A blocked address learns nothing: while it sends TCP SYNs to an open and
# a closed port of the gateway, UDP to an open and a closed port, and ICMP
# echo, a capture on the gateway's wan0 shows nothing at all leaving
# towards it (no SYN-ACK, no RST, no port unreachable, no echo reply).  The
# same probes, sent first with gatewarden not loaded, are answered, so the
# test can fail.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat tcpdump jq ping
gw_topology
tcp_echo_server "$NS_GW" "$GW_WAN4" 2222
udp_server "$NS_GW" "$GW_WAN4" 5353

# probes: every kind once from out; their outcomes do not matter here, the
# capture is the evidence.
probes() {
	tcp_roundtrip "$NS_OUT" "$GW_WAN4" 2222 1 >/dev/null 2>&1
	tcp_roundtrip "$NS_OUT" "$GW_WAN4" 2223 1 >/dev/null 2>&1
	udp_connect "$NS_OUT" "$GW_WAN4" 5353 1 >/dev/null 2>&1
	udp_connect "$NS_OUT" "$GW_WAN4" 5354 1 >/dev/null 2>&1
	ip netns exec "$NS_OUT" ping -n -q -c 1 -W 1 "$GW_WAN4" >/dev/null 2>&1
	return 0
}
towards_out="ip and dst host $OUT4"

capture_start "$NS_GW" wan0 "$towards_out"
probes
wait_until 5 bash -c "[ \$(tcpdump -nr '${_gw_cap_file[$GW_CAPTURE]}' 2>/dev/null | wc -l) -ge 5 ]"
n=$(capture_stop)
capture_show
assert_ge "without gatewarden the probes are answered (SYN-ACK, RST, reply, unreachable, echo reply: the test can fail)" 5 "$n"

gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$GW_WAN4" port 2222
gw_must gwctl_in "$NS_GW" block add "$OUT4"
capture_start "$NS_GW" wan0 "$towards_out"
probes
n=$(capture_stop)
assert_eq "with $OUT4 blocked nothing leaves wan0 towards it" 0 "$n"
[ "$n" = 0 ] || capture_show
assert_ge "drop_blocked counted the probes" 5 "$(gw_counter "$NS_GW" drop_blocked)"

gw_finish
