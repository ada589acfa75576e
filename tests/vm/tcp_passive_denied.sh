#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The core promise: from the wan side nobody opens a TCP connection to the
# gateway or to a host behind it, silently (no RST comes back), while
# connections opened from inside work, data flowing both ways.  IPv4 and
# IPv6.  The same attempts succeed with gatewarden unloaded, so the test
# can tell a firewall from a broken network.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat tcpdump jq
gw_gateway

for addr in "$GW_WAN4" "$GW_WAN6"; do tcp_echo_server "$NS_GW" "$addr" 2222; done
for addr in "$LAN4" "$LAN6"; do tcp_echo_server "$NS_LAN" "$addr" 2222; done
for addr in "$OUT4" "$OUT6"; do tcp_echo_server "$NS_OUT" "$addr" 80; done

# Any RST in either direction on out's link (IPv4, or IPv6 without extension
# headers, which is all this test sends).
capture_start "$NS_OUT" eth0 '(ip and tcp[tcpflags] & tcp-rst != 0) or (ip6 and ip6[6] == 6 and ip6[53] & 4 != 0)'
rst_cap=$GW_CAPTURE

gw_segs=$(snmp_counter "$NS_GW" Tcp InSegs)
for target in "$GW_WAN4" "$LAN4" "$GW_WAN6" "$LAN6"; do
	assert_fail "out cannot open a connection to $target:2222" \
		tcp_roundtrip "$NS_OUT" "$target" 2222 2
done
# Dropped before the stack: gw's TCP never saw one segment of them.
assert_eq "gw's TCP stack received none of the refused SYNs" "$gw_segs" \
	"$(snmp_counter "$NS_GW" Tcp InSegs)"

for target in "$OUT4" "$OUT6"; do
	assert_ok "lan opens a connection to $target:80, data both ways" \
		tcp_roundtrip "$NS_LAN" "$target" 80
	assert_ok "gw itself opens a connection to $target:80, data both ways" \
		tcp_roundtrip "$NS_GW" "$target" 80
done

rsts=$(capture_stop_id "$rst_cap")
assert_eq "no RST reached the outside host" 0 "$rsts"
[ "$rsts" = 0 ] || capture_show_id "$rst_cap"

# Each refused attempt is one SYN and its retransmissions.
assert_ge "refused SYNs counted as passive_denied" 4 \
	"$(gw_counter "$NS_GW" drop_passive_denied)"
assert_ge "inside connections tracked" 4 "$(gw_counter "$NS_GW" flow_created)"
assert_eq "no stray or invalid TCP from the legitimate traffic" 0 \
	"$(( $(gw_counter "$NS_GW" drop_tcp_no_flow) + $(gw_counter "$NS_GW" drop_tcp_invalid) ))"

gw_unload
for target in "$GW_WAN4" "$LAN4" "$GW_WAN6" "$LAN6"; do
	assert_ok "without gatewarden out reaches $target:2222 (the test can fail)" \
		tcp_roundtrip "$NS_OUT" "$target" 2222
done

gw_finish
