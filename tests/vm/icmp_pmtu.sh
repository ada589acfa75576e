#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors pass only for the flows they are about: a "fragmentation
# needed" (IPv4) or "packet too big" (IPv6) that quotes a datagram lan
# really sent reaches lan, so path-MTU discovery keeps working; the same
# error quoting a tuple nobody used is dropped.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_gateway

# snmp6_counter NS NAME: one counter of NS's /proc/net/snmp6.
snmp6_counter() {
	# shellcheck disable=SC2016 # awk fields, not shell
	ip netns exec "$1" awk -v f="$2" '$1 == f { print $2; found = 1 } END { exit !found }' /proc/net/snmp6
}

# lan_errors 4|6: the ICMP errors lan's stack has received.
lan_errors() {
	if [ "$1" = 4 ]; then
		snmp_counter "$NS_LAN" Icmp InDestUnreachs
	else
		snmp6_counter "$NS_LAN" Icmp6InPktTooBigs
	fi
}

# lan_got_error 4|6 BEFORE: lan's count has moved past BEFORE.
# shellcheck disable=SC2317 # called through wait_until
lan_got_error() { [ "$(lan_errors "$1")" -gt "$2" ]; }
# counter_above NAME N: gw's counter NAME has moved past N.
# shellcheck disable=SC2317 # called through wait_until
counter_above() { [ "$(gw_counter "$NS_GW" "$1")" -gt "$2" ]; }

# A server that answers, so no port-unreachable of its own reaches lan.
udp_server "$NS_OUT" "$OUT4" 7777
udp_server "$NS_OUT" "$OUT6" 7777

for v in 4 6; do
	out=OUT$v lan=LAN$v
	gw_must udp_icmp "$NS_LAN" send "${!lan}" 42000 "${!out}" 7777

	before=$(lan_errors "$v")
	passed=$(gw_counter "$NS_GW" icmp_error_passed)
	gw_must udp_icmp "$NS_OUT" frag-needed "${!lan}" "${!out}" 42000 7777 1280
	assert_ok "IPv$v: an error quoting lan's datagram reaches lan" wait_until 5 lan_got_error "$v" "$before"
	assert_eq "IPv$v: counted as icmp_error_passed" $((passed + 1)) "$(gw_counter "$NS_GW" icmp_error_passed)"

	before=$(lan_errors "$v")
	dropped=$(gw_counter "$NS_GW" drop_icmp_error)
	gw_must udp_icmp "$NS_OUT" frag-needed "${!lan}" "${!out}" 42999 7777 1280
	assert_ok "IPv$v: an error quoting a tuple nobody used is dropped" \
		wait_until 5 counter_above drop_icmp_error "$dropped"
	assert_eq "IPv$v: ... and lan never sees it" "$before" "$(lan_errors "$v")"
done

gw_unload
before=$(lan_errors 4)
gw_must udp_icmp "$NS_OUT" frag-needed "$LAN4" "$OUT4" 42999 7777 1280
assert_ok "without gatewarden the untracked error reaches lan (the test can fail)" \
	wait_until 5 lan_got_error 4 "$before"

gw_finish
