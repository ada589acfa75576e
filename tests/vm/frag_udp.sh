#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Decisions are made on reassembled datagrams: an unsolicited UDP datagram
# sent in fragments is dropped once, as one probe (no fragment is judged or
# counted alone), while a fragmented answer to a question asked from inside
# arrives whole.  IPv4 and IPv6.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_gateway

# Servers whose answers are 3000 bytes: two fragments on the 1500-byte links.
for addr in "$OUT4" "$OUT6"; do
	udp_icmp_bg "$NS_OUT" /dev/null serve "$addr" 5300 3000
	gw_on_exit "kill $GW_BG_PID 2>/dev/null"
done

for v in 4 6; do
	out=OUT$v lan=LAN$v
	probes=$(gw_counter "$NS_GW" drop_udp_probe)
	udp_icmp_bg "$NS_LAN" "$GW_TMP/frag$v" recv "${!lan}" 40000 30
	# three 4000-byte datagrams, three fragments each
	gw_must udp_icmp "$NS_OUT" send "${!out}" 5300 "${!lan}" 40000 3 4000
	udp_icmp_bg_done
	assert_eq "IPv$v: unsolicited fragmented datagrams do not reach lan" 0 "$(cat "$GW_TMP/frag$v")"
	assert_eq "IPv$v: each counted once as drop_udp_probe, not per fragment" $((probes + 3)) \
		"$(gw_counter "$NS_GW" drop_udp_probe)"

	reply=$(udp_connect "$NS_LAN" "${!out}" 5300)
	assert_eq "IPv$v: a fragmented answer to lan's question arrives whole" 3000 "${#reply}"
done
assert_eq "no fragment reached gatewarden unassembled (drop_malformed)" 0 \
	"$(gw_counter "$NS_GW" drop_malformed)"

gw_unload
udp_icmp_bg "$NS_LAN" "$GW_TMP/frag-unloaded" recv "$LAN4" 40000 30
gw_must udp_icmp "$NS_OUT" send "$OUT4" 5300 "$LAN4" 40000 3 4000
udp_icmp_bg_done
assert_eq "without gatewarden the fragmented datagrams arrive (the test can fail)" 3 \
	"$(cat "$GW_TMP/frag-unloaded")"

gw_finish
