#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# synproxy auto, the default of a tcp allow rule (issue 16): with
# max_halfopen_dst 64 the proxy engages for a destination at 16 handshakes
# in progress and disengages once a second ends with at most 8 in progress
# and at most 8 of the SYNs it answered still without their cookie back.
#
# - before: a client's connection is an ordinary one (no SYN answered by
#   the gateway);
# - a spoofed SYN flood (tests/vm/helpers/synflood.c, bounded in count and
#   time) at lan's port 80: gwctl monitor sees synproxy-engaged for that
#   destination, the gateway takes the flood's SYNs itself, and a client
#   connects through the proxy meanwhile (synproxy_opened).  The flood's
#   sources are blackholed on the gateway: their SYN-ACKs have no route,
#   and are counted drop_synproxy_unsent, not drop_nomem;
# - after the flood, once its half-open flows have expired (tcp_syn_sent
#   and tcp_syn_recv 3 s): synproxy-disengaged, and a client's connection is an ordinary one
#   again.  A flowless ACK then is any flowless ACK (drop_tcp_no_flow), not
#   a cookie to check, once no cookie of the proxy's can be good any more
#   - that takes two key rotations (two minutes), so it is not waited for.
# IPv4 and IPv6, one after the other.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq socat gcc timeout
flood=$(gw_helper synflood) || gw_fatal "cannot build tests/vm/helpers/synflood.c"
gw_topology
gw_must ip -n "$NS_GW" route add blackhole 198.51.100.0/24
gw_must ip -n "$NS_GW" -6 route add blackhole 2001:db8:ff::/64
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.wan0.rp_filter=0
gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN6/128" port 80
assert_eq "a tcp rule without the word is synproxy auto" '["auto","auto"]' \
	"$(gwctl_in "$NS_GW" -j rule list | jq -c '[.rules[].synproxy]')"
gw_must gwctl_in "$NS_GW" set max_halfopen_dst 64
gw_must gwctl_in "$NS_GW" set tcp_syn_sent 3
gw_must gwctl_in "$NS_GW" set tcp_syn_recv 3
tcp_echo_server "$NS_LAN" "$LAN4" 80
tcp_echo_server "$NS_LAN" "$LAN6" 80
mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"

ip netns exec "$NS_GW" "$GWCTL" -j monitor synproxy tunable >"$GW_TMP/events.json" \
	2>"$GW_TMP/events.err" &
gw_on_exit "kill $! 2>/dev/null"
# subscribed once it has seen an event of ours
# shellcheck disable=SC2317 # called through wait_until
synced() {
	gwctl_in "$NS_GW" set tcp_syn_sent 3 &&
		grep -q tunable-set "$GW_TMP/events.json"
}
wait_until 10 synced || gw_fatal "the monitor saw no event: $(cat "$GW_TMP/events.err")"

ctr() { gw_counter "$NS_GW" "$1"; }
# event_seen EVENT DST: gwctl monitor printed EVENT for DST port 80
# shellcheck disable=SC2317 # called through wait_until
event_seen() {
	jq -e --arg e "$1" --arg d "$2" \
		'select(.event == $e and .dst == $d and .dport == 80)' \
		"$GW_TMP/events.json" >/dev/null
}
# unsent_since N: N SYN-ACKs of the gateway's had no route since $unsent0
# shellcheck disable=SC2317 # called through wait_until
unsent_since() { [ $(($(ctr drop_synproxy_unsent) - unsent0)) -ge "$1" ]; }
# proxied_round ADDR: one round trip; prints how many the proxy opened
proxied_round() {
	local before
	before=$(ctr synproxy_opened)
	tcp_roundtrip "$NS_OUT" "$1" 80 >/dev/null || return 1
	echo $(($(ctr synproxy_opened) - before))
}

for dst in "$LAN4" "$LAN6"; do
	if [ "$dst" = "$LAN4" ]; then
		src=198.51.100.0 bits=(8)
	else
		src=2001:db8:ff:: bits=()
	fi
	syn0=$(ctr synproxy_syn)
	unsent0=$(ctr drop_synproxy_unsent)
	nomem0=$(ctr drop_nomem)
	assert_eq "$dst: before the flood, a connection is not proxied" 0 "$(proxied_round "$dst")"
	assert_eq "$dst: and no SYN was answered by the gateway" "$syn0" "$(ctr synproxy_syn)"

	# 30 s at most, and stopped once it has done its part
	ip netns exec "$NS_OUT" "$flood" eth0 "$mac" "$src" "$dst" 80 2000000 \
		$((30 * GW_TIME_SCALE)) "${bits[@]}" >"$GW_TMP/flood.out" 2>&1 &
	flooder=$!
	gw_on_exit "kill $flooder 2>/dev/null"
	assert_ok "$dst: synproxy-engaged under the flood" wait_until 20 event_seen synproxy-engaged "$dst"
	created0=$(ctr flow_created)
	assert_ok "$dst: the gateway takes the flood's SYNs itself" wait_until 20 unsent_since 1000
	assert_ok "$dst: a client connects meanwhile, through the proxy" \
		test "$(proxied_round "$dst")" = 1
	created=$(($(ctr flow_created) - created0))
	kill "$flooder" 2>/dev/null
	wait "$flooder"
	echo "$dst: the gateway took $(($(ctr drop_synproxy_unsent) - unsent0)) SYNs itself (no route back), answered $(($(ctr synproxy_syn) - syn0))"
	assert_eq "$dst: a SYN-ACK with no route back is no drop_nomem" "$nomem0" "$(ctr drop_nomem)"
	# the client's SYN, and its retransmissions if one was lost
	assert_le "$dst: and the only SYN-ACKs sent were the client's" 3 $(($(ctr synproxy_syn) - syn0))
	# the client's, and at most one more a CPU that raced the engagement
	assert_le "$dst: engaged, the flood made no flows ($created made)" $((1 + $(nproc))) "$created"

	t0=$SECONDS
	assert_ok "$dst: synproxy-disengaged after the flood" \
		wait_until 30 event_seen synproxy-disengaged "$dst"
	echo "$dst: disengaged $((SECONDS - t0)) s after the flood stopped"
	assert_eq "$dst: then a connection is not proxied again" 0 "$(proxied_round "$dst")"
done
assert_eq "two engagements and two disengagements, nothing else" \
	"synproxy-engaged synproxy-disengaged synproxy-engaged synproxy-disengaged" \
	"$(jq -r 'select(.event | startswith("synproxy")) | .event' "$GW_TMP/events.json" | xargs)"

gw_finish
