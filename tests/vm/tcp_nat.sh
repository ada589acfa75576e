#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gatewarden on a NAT gateway.  Outbound flows are learnt after masquerade,
# so the replies (addressed to the gateway's public address) are recognised;
# inbound SYNs are judged before DNAT, so a port forward is opened by an
# allow rule on the public address, and only that forward opens.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat nft jq
gw_gateway wan

# out has no route back to lan's addresses: only NAT can make this work.
gw_must ip -n "$NS_OUT" route del default
gw_must ip -n "$NS_OUT" -6 route del default

gw_must ip netns exec "$NS_GW" nft -f - <<EOF2
table inet nat {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "wan0" masquerade
	}
	chain pre {
		type nat hook prerouting priority dstnat;
		iifname "wan0" ip daddr $GW_WAN4 tcp dport { 8080, 8081 } dnat ip to $LAN4:80
		iifname "wan0" ip6 daddr $GW_WAN6 tcp dport { 8080, 8081 } dnat ip6 to [$LAN6]:80
	}
}
EOF2

# The servers answer with the address they see the client at.
for addr in "$OUT4" "$OUT6"; do tcp_peer_server "$NS_OUT" "$addr" 80; done
for addr in "$LAN4" "$LAN6"; do tcp_peer_server "$NS_LAN" "$addr" 80; done

assert_eq "lan reaches out over IPv4 behind masquerade" "$GW_WAN4" \
	"$(tcp_connect "$NS_LAN" "$OUT4" 80)"
assert_eq "lan reaches out over IPv6 behind masquerade" "$GW_WAN6" \
	"$(tcp_connect "$NS_LAN" "$OUT6" 80)"
assert_ge "masqueraded flows tracked" 2 "$(gw_counter "$NS_GW" flow_created)"

for pub in "$GW_WAN4" "$GW_WAN6"; do
	assert_fail "port forward $pub:8080 stays closed without a rule" \
		tcp_connect "$NS_OUT" "$pub" 8080 2
done

gw_must gwctl_in "$NS_GW" rule add allow tcp to "$GW_WAN4" port 8080
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$GW_WAN6" port 8080

assert_eq "allowed IPv4 port forward reaches the lan server" "$OUT4" \
	"$(tcp_connect "$NS_OUT" "$GW_WAN4" 8080)"
assert_eq "allowed IPv6 port forward reaches the lan server" "$OUT6" \
	"$(tcp_connect "$NS_OUT" "$GW_WAN6" 8080)"
for pub in "$GW_WAN4" "$GW_WAN6"; do
	assert_fail "forward $pub:8081 (DNAT'd, no rule) stays closed" \
		tcp_connect "$NS_OUT" "$pub" 8081 2
done
assert_ge "rule admissions counted" 2 "$(gw_counter "$NS_GW" rule_accepted)"

gw_finish
