#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Segments that open nothing: stray ACK, SYN-ACK, FIN, RST from out with no
# connection behind them are dropped as tcp_no_flow; flag combinations no
# TCP stack sends (NULL, XMAS, SYN+FIN, SYN+RST, FIN alone) are dropped as
# tcp_bad_flags, in both directions.  A capture behind the gateway proves
# none of them got through.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require tcpdump jq
gw_require_python scapy
gw_gateway wan
# Even an open port must not let stray segments through.
gw_must gwctl_in "$NS_GW" rule add allow tcp port 8080

# shellcheck disable=SC2317 # called through gw_must
send_tcp() {
	ip netns exec "$1" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/send_tcp.py" "${@:2}"
}

stray=(A SA FA R RA)
bad=(none FPU SF SR F SFPU)

for pair in "$OUT4 $LAN4" "$OUT6 $LAN6"; do
	read -r src dst <<<"$pair"
	no_flow=$(gw_counter "$NS_GW" drop_tcp_no_flow)
	bad_flags=$(gw_counter "$NS_GW" drop_tcp_bad_flags)
	capture_start "$NS_LAN" eth0 "tcp port 8080"
	gw_must send_tcp "$NS_OUT" "$src" "$dst" 8080 "${stray[@]}" "${bad[@]}"
	arrived=$(capture_stop)
	assert_eq "no stray or malformed segment from out reached $dst" 0 "$arrived"
	assert_eq "stray segments to $dst counted as tcp_no_flow" \
		$((no_flow + ${#stray[@]})) "$(gw_counter "$NS_GW" drop_tcp_no_flow)"
	assert_eq "bad flag combinations to $dst counted as tcp_bad_flags" \
		$((bad_flags + ${#bad[@]})) "$(gw_counter "$NS_GW" drop_tcp_bad_flags)"
done

# Outbound too: an inside host cannot fingerprint the outside with XMAS
# scans through us.
for pair in "$LAN4 $OUT4" "$LAN6 $OUT6"; do
	read -r src dst <<<"$pair"
	bad_flags=$(gw_counter "$NS_GW" drop_tcp_bad_flags)
	capture_start "$NS_OUT" eth0 "tcp port 9999"
	gw_must send_tcp "$NS_LAN" "$src" "$dst" 9999 "${bad[@]}"
	arrived=$(capture_stop)
	assert_eq "no malformed segment from lan left towards $dst" 0 "$arrived"
	assert_eq "outbound bad flags counted" \
		$((bad_flags + ${#bad[@]})) "$(gw_counter "$NS_GW" drop_tcp_bad_flags)"
done

# The capture can see: a valid SYN to the allowed port does arrive.
capture_start "$NS_LAN" eth0 "tcp port 8080 and tcp[tcpflags] == tcp-syn"
gw_must send_tcp "$NS_OUT" "$OUT4" "$LAN4" 8080 S
assert_eq "an allowed SYN does arrive (the capture works)" 1 "$(capture_stop)"

gw_finish
