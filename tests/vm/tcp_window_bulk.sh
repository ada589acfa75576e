#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The window checks must never cost a legitimate connection a segment.  A
# 200 MiB download (64 MiB on the debug kernel) from out to lan, window
# scale 7 and SACK on both ends, through links that lose 1% and reorder 1%
# of the packets (tc netem on out's and lan's veths, so gatewarden sees
# lost and reordered data one way and lost and reordered ACKs and SACKs the
# other): it completes, every byte checked, with no segment dropped as out
# of window or invalid and no reset anywhere.  IPv4 with the veths'
# segmentation offloads (gatewarden sees 64 KiB super-segments, as a
# gateway with GRO does), IPv6 without (every MSS-sized segment judged on
# its own, some 150000 of them).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq tc timeout
gw_gateway

size=$((200 << 20))
# The debug kernel moves a tenth of the bytes a second (740 s of its 900 s
# timeout for 200 MiB twice, on an idle host): there the sanitizers see the
# same paths with 64 MiB, still some 45 000 segments and 400 losses a way.
gw_debug_kernel && size=$((64 << 20))
mib=$((size >> 20))

for ns in "$NS_OUT" "$NS_LAN"; do
	# The scale a host offers follows the largest receive buffer it may
	# grow to: 6 MiB needs 7 (64 KiB << 7 = 8 MiB).
	gw_must ip netns exec "$ns" sysctl -qw net.ipv4.tcp_window_scaling=1 \
		net.ipv4.tcp_sack=1 net.ipv4.tcp_rmem="4096 131072 6291456"
	gw_must ip netns exec "$ns" tc qdisc add dev eth0 root netem loss 1% reorder 1% delay 1ms
done
assert_ok "out's link loses and reorders" \
	bash -c "tc -n $NS_OUT qdisc show dev eth0 | grep -q 'netem.*loss 1%.*reorder 1%'"

# Any RST the gateway forwards or sends, IPv4 or IPv6.
capture_start "$NS_GW" any '(ip and tcp[tcpflags] & tcp-rst != 0) or (ip6 and ip6[6] = 6 and ip6[53] & 4 != 0)'
rst_cap=$GW_CAPTURE

retrans=$(snmp_counter "$NS_OUT" Tcp RetransSegs)
recoveries=$(snmp_counter "$NS_OUT" TcpExt TCPSackRecovery)

port=5001
for srv in "$OUT4" "$OUT6"; do
	port=$((port + 1))
	if [ "$srv" = "$OUT6" ]; then
		# One MSS per packet from here on: no TSO/GSO super-segments.
		for ns in "$NS_OUT" "$NS_LAN"; do
			gw_must ip -n "$ns" link set dev eth0 gso_max_size 1500 gso_max_segs 1
		done
	fi
	gw_bulk_serve "$NS_OUT" "$srv" "$port" "$size" $((150 * GW_TIME_SCALE))
	gw_bulk_fetch "$NS_LAN" "$srv" "$port" "$size" $((120 * GW_TIME_SCALE)) \
		"lan downloads $mib MiB from $srv within $((120 * GW_TIME_SCALE)) s"

	# The flow outlives the transfer (TIME_WAIT): its window state shows
	# what both ends negotiated.
	flow=$(gw_flow_json "$NS_GW" "$port")
	echo "# $srv: $flow"
	assert_eq "gatewarden saw window scale 7 both ways over $srv" "7 7" \
		"$(jq -r '"\(.orig.wscale) \(.reply.wscale)"' <<<"$flow")"
	assert_eq "and SACK offered by both ends" "true true" \
		"$(jq -r '[.orig, .reply] | map(.flags | index("sack") != null) | "\(.[0]) \(.[1])"' <<<"$flow")"
done

assert_ge "packets were lost: out retransmitted" $((retrans + 100)) \
	"$(snmp_counter "$NS_OUT" Tcp RetransSegs)"
assert_ge "and recovered with SACK" $((recoveries + 1)) \
	"$(snmp_counter "$NS_OUT" TcpExt TCPSackRecovery)"
assert_eq "no segment dropped as out of window" 0 "$(gw_counter "$NS_GW" drop_out_of_window)"
assert_eq "no segment dropped as invalid" 0 "$(gw_counter "$NS_GW" drop_tcp_invalid)"
rsts=$(capture_stop_id "$rst_cap")
assert_eq "no RST crossed or left the gateway" 0 "$rsts"
[ "$rsts" = 0 ] || capture_show_id "$rst_cap" | head -n 20
echo "# counters: $(gwctl_in "$NS_GW" stats | awk '$2 != 0 { printf "%s=%s ", $1, $2 }')"

gw_finish
