#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Full-connection limits, counted on completed handshakes only.
#
# IPv4, max_src_conn 50 as the default: one outside source opens 300
# connections at once and holds them (the debug kernel's guest, a hundred
# times slower, opens 60 against 20); 50 are served, the rest refused, the
# source lands in the overload list and its new connections are dropped,
# while a client from another source still gets in.  "gwctl overload del"
# lets it in again.  With overload_flush 1, overloading a source also
# forgets the connections it holds.
#
# IPv6, per allow rule and per /64: max-src-conn-rate 3/60 on lan's port
# 8080; three connections from two addresses of one /64 pass, the fourth
# (from either) is refused and the /64 is overloaded, a client of another
# /64 is not; after overload_timeout the /64 gets in again.
#
# The rate window and every client's patience are GW_TIME_SCALE times longer
# on the debug kernel, where one client's start-up alone takes seconds.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq python3
many=$GW_ROOT/tests/vm/helpers/tcp_many.py
OUT6B=2001:db8:203::3
# One connection's patience, and each of a flood's, whose echoes come
# slowly from a guest on a loaded host (5 s was seen too short).
patience=$((5 * GW_TIME_SCALE))
flood_patience=$((20 * GW_TIME_SCALE))
window=$((60 * GW_TIME_SCALE))
flood=300 limit=50
gw_debug_kernel && flood=60 limit=20

gw_topology
gw_client_ns 24
gw_must ip -n "$NS_OUT" addr add "$OUT6B/64" dev eth0 nodad

gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add wan1 wan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN6/128" port 8080 max-src-conn-rate "3/$window"
assert_ok "rule list shows the per-rule limit" \
	bash -c "ip netns exec $NS_GW $GWCTL rule list | grep -q 'port 8080 max-src-conn-rate 3/$window'"
assert_fail "a limit on a udp rule is refused" \
	gwctl_in "$NS_GW" rule add allow udp to "$LAN4" port 53 max-src-conn 5
ip netns exec "$NS_LAN" python3 "$many" server "$LAN4" 80 >>"$GW_TMP/servers.log" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
ip netns exec "$NS_LAN" python3 "$many" server "$LAN6" 8080 >>"$GW_TMP/servers.log" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
wait_listener "$NS_LAN" tcp 80 30 || gw_fatal "no server on 80: $(cat "$GW_TMP/servers.log")"
wait_listener "$NS_LAN" tcp 8080 30 || gw_fatal "no server on 8080: $(cat "$GW_TMP/servers.log")"

# ---- max_src_conn, IPv4 --------------------------------------------------------
gw_must gwctl_in "$NS_GW" set max_src_conn "$limit"
gw_must gwctl_in "$NS_GW" set overload_timeout 600
rm -f "$GW_TMP/gate"
ip netns exec "$NS_OUT" python3 "$many" client "$LAN4" 80 "$flood" "$flood_patience" --gate "$GW_TMP/gate" \
	>"$GW_TMP/many.out" 2>&1 &
holder=$!
gw_on_exit "kill $holder 2>/dev/null"
wait_until 60 grep -q served "$GW_TMP/many.out"
served=$(sed -n 's/^served //p' "$GW_TMP/many.out")
echo "full-connection flood: $flood connections at once from $OUT4, $served served"
for c in drop_src_limit drop_overload drop_tcp_no_flow halfopen_reset src_overloaded; do
	printf '    gw %s %s\n' "$c" "$(gw_counter "$NS_GW" "$c")"
done
for c in ListenOverflows ListenDrops TCPReqQFullDrop EmbryonicRsts; do
	printf '    server %s %s\n' "$c" "$(snmp_counter "$NS_LAN" TcpExt "$c")"
done
assert_eq "exactly max_src_conn ($limit) of $flood connections were served" "$limit" "$served"
assert_ge "the rest were refused as drop_src_limit or drop_overload" $(((flood - limit) * 4 / 5)) \
	$(($(gw_counter "$NS_GW" drop_src_limit) + $(gw_counter "$NS_GW" drop_overload)))
assert_eq "the source was overloaded once" 1 "$(gw_counter "$NS_GW" src_overloaded)"
list=$(gwctl_in "$NS_GW" -j overload list)
echo "overload list: $list"
assert_eq "overload list shows $OUT4/32" "$OUT4/32" "$(jq -r '.overload[0].source' <<<"$list")"
assert_eq "with its $limit connections" "$limit" "$(jq -r '.overload[0].conns' <<<"$list")"
assert_eq "gwctl stats counts one overloaded source" 1 \
	"$(gwctl_in "$NS_GW" -j stats | jq .table.overloaded_sources)"
assert_fail "a new connection from the overloaded source is dropped" \
	tcp_roundtrip "$NS_OUT" "$LAN4" 80 2
assert_ok "another outside client still connects" tcp_roundtrip "$NS_CL" "$LAN4" 80
touch "$GW_TMP/gate"
wait_until 30 grep -q again "$GW_TMP/many.out"
assert_eq "the $limit admitted connections kept working" "again $limit" "$(grep again "$GW_TMP/many.out")"
wait "$holder"
# the admitted closed: they no longer count; let the source in again by hand
gw_must gwctl_in "$NS_GW" overload del "$OUT4"
assert_eq "overload del emptied the list" 0 "$(gwctl_in "$NS_GW" -j overload list | jq '.overload | length')"
assert_ok "after overload del the source connects again" tcp_roundtrip "$NS_OUT" "$LAN4" 80
assert_fail "overload del of a source not listed is refused" \
	gwctl_in "$NS_GW" overload del "$OUT4"

# overload_flush: overloading a source also forgets its connections.
gw_must gwctl_in "$NS_GW" set max_src_conn 5
gw_must gwctl_in "$NS_GW" set overload_flush 1
established_from_out() {
	gwctl_in "$NS_GW" -j conn list | jq --arg s "$OUT4" \
		'[.flows[] | select(.src == $s and .dport == 80 and .state == "ESTABLISHED")] | length'
}
rm -f "$GW_TMP/gate"
ip netns exec "$NS_OUT" python3 "$many" client "$LAN4" 80 5 "$flood_patience" --gate "$GW_TMP/gate" \
	>"$GW_TMP/many.out" 2>&1 &
holder=$!
gw_on_exit "kill $holder 2>/dev/null"
wait_until 60 grep -q served "$GW_TMP/many.out"
assert_eq "max_src_conn 5: 5 connections held" "served 5" "$(grep served "$GW_TMP/many.out")"
assert_eq "all 5 tracked as established" 5 "$(established_from_out)"
overloaded0=$(gw_counter "$NS_GW" src_overloaded)
assert_fail "the 6th is refused" tcp_roundtrip "$NS_OUT" "$LAN4" 80 2
assert_eq "and overloads the source" 1 $(($(gw_counter "$NS_GW" src_overloaded) - overloaded0))
# shellcheck disable=SC2317 # called through wait_until
none_established_from_out() { [ "$(established_from_out)" = 0 ]; }
wait_until 10 none_established_from_out
assert_eq "overload_flush forgot the source's 5 connections" 0 "$(established_from_out)"
touch "$GW_TMP/gate"
wait_until 30 grep -q again "$GW_TMP/many.out"
assert_eq "so they no longer pass" "again 0" "$(grep again "$GW_TMP/many.out")"
wait "$holder"
gw_must gwctl_in "$NS_GW" overload del all
gw_must gwctl_in "$NS_GW" set overload_flush 0
gw_must gwctl_in "$NS_GW" set max_src_conn 0

# ---- max-src-conn-rate per rule, IPv6 /64 -------------------------------------
# long enough for the checks made while the /64 is overloaded, a refused
# connection's patience among them
overload_timeout=$((40 * GW_TIME_SCALE))
gw_must gwctl_in "$NS_GW" set overload_timeout "$overload_timeout"
# shellcheck disable=SC2317 # called through assert_ok
rt6() { # SRC: one served roundtrip to lan's 8080 from SRC
	[ "$(ip netns exec "$NS_OUT" python3 "$many" client "$LAN6" 8080 1 "$patience" --bind "$1")" = "served 1" ]
}
assert_ok "1st connection in the window (from $OUT6)" rt6 "$OUT6"
assert_ok "2nd (from $OUT6B, the same /64)" rt6 "$OUT6B"
assert_ok "3rd (from $OUT6)" rt6 "$OUT6"
assert_fail "the 4th in $window s is refused (from $OUT6B)" rt6 "$OUT6B"
assert_eq "the /64 is overloaded" "2001:db8:203::/64" \
	"$(gwctl_in "$NS_GW" -j overload list | jq -r '.overload[0].source')"
assert_fail "so is the first address of it" rt6 "$OUT6"
assert_ok "a client of another /64 is not" \
	bash -c "[ \"\$(ip netns exec $NS_CL python3 $many client $LAN6 8080 1 $patience)\" = 'served 1' ]"
overloaded=$SECONDS
# shellcheck disable=SC2317 # called through wait_until
overload_empty() { [ "$(gwctl_in "$NS_GW" -j overload list | jq '.overload | length')" = 0 ]; }
wait_until 60 overload_empty
echo "the overload was lifted after $((SECONDS - overloaded)) s more"
assert_ok "after overload_timeout ($overload_timeout s) the /64 connects again" rt6 "$OUT6"

gw_finish
