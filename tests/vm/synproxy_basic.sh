#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SYN proxy (issue 16) through a "synproxy" rule, IPv4 and IPv6:
#
# - a client on wan downloads 200 MiB (50 on the debug kernel) from a
#   server on lan, window scale 7, SACK and timestamps on, with 1 % of the
#   segments lost after the gateway in each direction (netem on its wan0
#   and lan0: the gateway sees what the ends then miss, and their SACKs and
#   retransmissions), every byte checked (sha256), and no segment is
#   dropped as out of window: both halves are judged in the server's
#   sequence space.  Over IPv6 the server offers a smaller window shift
#   than the proxy offered the client, so its windows are rescaled;
# - a SYN is answered by the gateway (a SYN-ACK with the cookie, window 0,
#   the client's options echoed) and the server's listener never hears of
#   it (TcpPassiveOpens unchanged); once the server has answered a real
#   client through the proxy, the gateway offers the server's own window
#   shift and MSS (5 and 1440 over IPv6, where its default would be 7);
# - 100 000 forged ACKs with random cookies from spoofed sources
#   (synflood -a), and 1000 each family with a random TSecr (scapy, so the
#   cookie's options are decoded from it), open nothing on the server and
#   are all counted (drop_cookie_forged, or drop_cookie_stale for the
#   ~1/256 whose random tuple check happens to pass);
# - a handshake's ACK replayed once the connection it opened is gone
#   opens nothing (drop_cookie_replayed), though its cookie is still good;
# - a closed port's reset to the proxy's SYN resets the client.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq timeout python3 socat tc gcc
gw_require_python scapy
flood=$(gw_helper synflood) || gw_fatal "cannot build tests/vm/helpers/synflood.c"
gw_gateway
# the forged ACKs' spoofed sources are not routed through wan0
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.wan0.rp_filter=0

size=$((200 << 20))
gw_debug_kernel && size=$((50 << 20))
forged=1000 forged_fast=100000
probe=$GW_ROOT/tests/vm/helpers/synproxy_probe.py

for ns in "$NS_OUT" "$NS_LAN"; do
	# 6 MiB of receive buffer: window scale 7, the proxy's offer
	gw_must ip netns exec "$ns" sysctl -qw net.ipv4.tcp_window_scaling=1 \
		net.ipv4.tcp_sack=1 net.ipv4.tcp_timestamps=1 \
		net.ipv4.tcp_rmem="4096 131072 6291456"
done

gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 5001,5002,5009 synproxy
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN6/128" port 5001,5002,5009 synproxy
list=$(gwctl_in "$NS_GW" rule list)
assert_eq "rule list says synproxy" 2 "$(grep -c ' synproxy ' <<<"$list")"
assert_eq "and loads back as it is" "syntax ok (2 statements)" \
	"$("$GWCTL" load -n - <<<"$list")"
assert_eq "rule list -j says synproxy" '["on","on"]' \
	"$(gwctl_in "$NS_GW" -j rule list | jq -c '[.rules[].synproxy]')"

ctr() { gw_counter "$NS_GW" "$1"; }

# 1 % loss after the gateway, both ways, for the transfers only
for dev in wan0 lan0; do
	gw_must tc -n "$NS_GW" qdisc add dev "$dev" root netem loss 1%
done

for srv in "$LAN4" "$LAN6"; do
	if [ "$srv" = "$LAN6" ]; then
		# 1 MiB: the server offers a shift of 5, the proxy 7
		gw_must ip netns exec "$NS_LAN" sysctl -qw net.ipv4.tcp_rmem="4096 131072 1048576"
	fi
	gw_bulk_serve "$NS_LAN" "$srv" 5001 "$size" $((210 * GW_TIME_SCALE))
	joined=$(ctr synproxy_joined)
	gw_bulk_fetch "$NS_OUT" "$srv" 5001 "$size" $((200 * GW_TIME_SCALE)) \
		"out downloads $((size >> 20)) MiB from $srv through the proxy, 1 % lost"
	assert_eq "the proxy joined the halves once" $((joined + 1)) "$(ctr synproxy_joined)"
	flow=$(gw_flow_json "$NS_GW" 5001)
	echo "# $srv: $flow"
	assert_eq "the flow says it is proxied" true "$(jq -r .synproxy <<<"$flow")"
	assert_eq "both ends agreed SACK" "true true" \
		"$(jq -r '[.orig, .reply] | map(.flags | index("sack") != null) | "\(.[0]) \(.[1])"' <<<"$flow")"
	gw_must gwctl_in "$NS_GW" conn flush
done
assert_eq "no segment dropped as out of window" 0 "$(ctr drop_out_of_window)"
assert_eq "no segment dropped as invalid" 0 "$(ctr drop_tcp_invalid)"
lost=0
for dev in wan0 lan0; do
	lost=$((lost + $(tc -n "$NS_GW" -s -j qdisc show dev "$dev" | jq '.[0].drops')))
	gw_must tc -n "$NS_GW" qdisc del dev "$dev" root
done
echo "# netem lost $lost segments after the gateway"
# (netem drops whole GSO packets: far fewer than 1 % of the segments;
# 100 for 200 MiB, 25 for the debug kernel's 50)
assert_ge "and segments were lost on the way" $((size >> 21)) "$lost"

# A SYN is the gateway's to answer; the server hears nothing of it, until
# a real client completes the handshake with the proxy.
for srv in "$LAN4" "$LAN6"; do tcp_echo_server "$NS_LAN" "$srv" 5002; done
for srv in "$LAN4" "$LAN6"; do
	src=$OUT4 mss=1460
	[ "$srv" = "$LAN6" ] && src=$OUT6 mss=1440
	opens=$(snmp_counter "$NS_LAN" Tcp PassiveOpens)
	syns=$(ctr synproxy_syn)
	ans=$(ip netns exec "$NS_OUT" /usr/bin/python3 "$probe" syn "$src" "$srv" 5002)
	echo "# SYN-ACK to $src: $ans"
	assert_eq "the gateway answers a SYN to $srv with a SYN-ACK, window 0" "SA 0 true" \
		"$(jq -r '"\(.flags) \(.window) \(.ack_ok)"' <<<"$ans")"
	assert_eq "echoing the client's SACK, timestamps (TSecr) and scale" "true 12345 7" \
		"$(jq -r '"\(.options | has("SAckOK")) \(.options.Timestamp[1]) \(.options.WScale)"' <<<"$ans")"
	assert_eq "counted" $((syns + 1)) "$(ctr synproxy_syn)"
	assert_eq "the server's listener saw no connection" "$opens" \
		"$(snmp_counter "$NS_LAN" Tcp PassiveOpens)"
	assert_ok "a real client's connection to $srv:5002 goes through" \
		tcp_roundtrip "$NS_OUT" "$srv" 5002
	assert_eq "and reaches the listener, once" $((opens + 1)) \
		"$(snmp_counter "$NS_LAN" Tcp PassiveOpens)"
	# what the server said in that handshake, the proxy offers next
	said=$(gwctl_in "$NS_GW" -j conn list | jq -r --arg d "$srv" \
		'first(.flows[] | select(.dst == $d and .dport == 5002)) | .reply.wscale')
	ans=$(ip netns exec "$NS_OUT" /usr/bin/python3 "$probe" syn "$src" "$srv" 5002)
	echo "# SYN-ACK to $src after the server's own (shift $said): $ans"
	assert_eq "then the gateway offers $srv's own shift ($said) and MSS ($mss)" "$said $mss" \
		"$(jq -r '"\(.options.WScale) \(.options.MSS)"' <<<"$ans")"
done

# Forged cookies open nothing.
opens=$(snmp_counter "$NS_LAN" Tcp PassiveOpens)
bad=$(($(ctr drop_cookie_forged) + $(ctr drop_cookie_stale)))
opened=$(ctr synproxy_opened)
created=$(ctr flow_created)
assert_ok "$forged forged ACKs to $LAN4 sent" \
	ip netns exec "$NS_OUT" timeout $((60 * GW_TIME_SCALE)) /usr/bin/python3 "$probe" forge "$OUT4" "$LAN4" 5002 "$forged"
assert_ok "$forged forged ACKs to $LAN6 sent" \
	ip netns exec "$NS_OUT" timeout $((60 * GW_TIME_SCALE)) /usr/bin/python3 "$probe" forge "$OUT6" "$LAN6" 5002 "$forged"
mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"
assert_ok "$forged_fast forged ACKs to $LAN4 from spoofed sources sent" \
	ip netns exec "$NS_OUT" "$flood" -a eth0 "$mac" 203.0.113.0 "$LAN4" 5002 "$forged_fast" \
	$((60 * GW_TIME_SCALE))
# shellcheck disable=SC2317 # called through wait_until
cookies_counted() { [ $(($(ctr drop_cookie_forged) + $(ctr drop_cookie_stale))) -ge "$1" ]; }
total=$((2 * forged + forged_fast))
wait_until 10 cookies_counted $((bad + total))
now=$(($(ctr drop_cookie_forged) + $(ctr drop_cookie_stale)))
echo "# forged: $(ctr drop_cookie_forged), stale: $(ctr drop_cookie_stale)"
assert_eq "every forged cookie counted" $((bad + total)) "$now"
assert_eq "none opened a connection" "$opened" "$(ctr synproxy_opened)"
# (a count of flows would move: the transfers' TIME_WAIT flows expire
# while a slow guest forges)
assert_eq "nor a flow" "$created" "$(ctr flow_created)"
assert_eq "and the server's listener saw none" "$opens" \
	"$(snmp_counter "$NS_LAN" Tcp PassiveOpens)"

# A good cookie opens one connection: its ACK replayed once that
# connection is gone (flushed here; a reset or TIME_WAIT's end in life)
# opens nothing, while the cookie itself is still good.  (Out's kernel
# resets what the proxy sends it afterwards, having no socket: that ends
# the connection at the server.)
for srv in "$LAN4" "$LAN6"; do
	src=$OUT4
	[ "$srv" = "$LAN6" ] && src=$OUT6
	opened=$(ctr synproxy_opened) replayed=$(ctr drop_cookie_replayed)
	opens=$(snmp_counter "$NS_LAN" Tcp PassiveOpens)
	rm -f "$GW_TMP/go"
	ip netns exec "$NS_OUT" timeout $((150 * GW_TIME_SCALE)) /usr/bin/python3 "$probe" replay \
		"$src" "$srv" 5002 "$GW_TMP/go" >"$GW_TMP/replay.out" 2>&1 &
	replayer=$!
	gw_on_exit "kill $replayer 2>/dev/null"
	# shellcheck disable=SC2317 # called through wait_until
	opened_once() { [ "$(ctr synproxy_opened)" -gt "$opened" ]; }
	assert_ok "a handshake made by hand with $srv's proxy opens a connection" \
		wait_until 30 opened_once
	# shellcheck disable=SC2317 # called through wait_until
	listener_opened() { [ "$(snmp_counter "$NS_LAN" Tcp PassiveOpens)" -gt "$opens" ]; }
	assert_ok "which reaches the listener" wait_until 10 listener_opened
	gw_must gwctl_in "$NS_GW" conn flush
	touch "$GW_TMP/go"
	wait "$replayer"
	echo "# replay: $(xargs <"$GW_TMP/replay.out")"
	# shellcheck disable=SC2317 # called through wait_until
	replay_counted() { [ "$(ctr drop_cookie_replayed)" -gt "$replayed" ]; }
	assert_ok "its ACK replayed after the flow is gone is dropped (drop_cookie_replayed)" \
		wait_until 10 replay_counted
	assert_eq "and opens nothing: synproxy_opened +1 in all" $((opened + 1)) "$(ctr synproxy_opened)"
	assert_eq "nor reaches the listener again" $((opens + 1)) \
		"$(snmp_counter "$NS_LAN" Tcp PassiveOpens)"
done

# A closed port: the server resets the proxy's SYN, the proxy the client.
for srv in "$LAN4" "$LAN6"; do
	refused=$(ctr synproxy_refused)
	assert_ok "a client of the closed $srv:5009 is reset" \
		ip netns exec "$NS_OUT" timeout $((10 * GW_TIME_SCALE)) /usr/bin/python3 "$probe" refused "$srv" 5009
	assert_eq "counted" $((refused + 1)) "$(ctr synproxy_refused)"
done

echo "# counters: $(gwctl_in "$NS_GW" stats | awk '$2 != 0 { printf "%s=%s ", $1, $2 }')"
gw_finish
