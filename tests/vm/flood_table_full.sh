#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A table full of established flows: with max_flows 20 and 20 connections
# held open, a new inbound connection and a new outbound one are refused
# and counted as drop_table_full (early drop finds nothing it may evict:
# established flows are never its victims), the 20 keep working, and the
# kernel log has one "table full" line and no warning.  Once they close
# and expire, new connections are admitted again.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq python3
many=$GW_ROOT/tests/vm/helpers/tcp_many.py
max_flows=20

gw_gateway wan
# every SYN asks for a flow: no SYN proxy
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80 synproxy off
gw_must gwctl_in "$NS_GW" set max_flows "$max_flows"
# the held connections come from wan: let them have the whole table
gw_must gwctl_in "$NS_GW" set max_inbound_share 100
gw_must gwctl_in "$NS_GW" set tcp_time_wait 2
_gw_start_server "$NS_LAN" 80 "TCP4-LISTEN:80,bind=$LAN4,fork,reuseaddr,backlog=128" PIPE
tcp_echo_server "$NS_OUT" "$OUT4" 7000

rm -f "$GW_TMP/gate"
ip netns exec "$NS_OUT" python3 "$many" client "$LAN4" 80 "$max_flows" 5 --gate "$GW_TMP/gate" \
	>"$GW_TMP/many.out" 2>&1 &
holder=$!
gw_on_exit "kill $holder 2>/dev/null"
wait_until 60 grep -q served "$GW_TMP/many.out"
assert_eq "$max_flows connections established" "served $max_flows" "$(grep served "$GW_TMP/many.out")"
assert_eq "the table is full" "$max_flows" "$(gw_flow_count "$NS_GW")"

full0=$(gw_counter "$NS_GW" drop_table_full)
early0=$(gw_counter "$NS_GW" early_drop)
assert_fail "a new inbound connection is refused" tcp_roundtrip "$NS_OUT" "$LAN4" 80 2
assert_fail "so is a new outbound one" tcp_roundtrip "$NS_LAN" "$OUT4" 7000 2
assert_ge "both counted as drop_table_full" 2 $(($(gw_counter "$NS_GW" drop_table_full) - full0))
assert_eq "no established flow was evicted for them" 0 $(($(gw_counter "$NS_GW" early_drop) - early0))
assert_eq "the table never grew past max_flows" "$max_flows" "$(gw_flow_count "$NS_GW")"
assert_ok "the refusal was logged" bash -c "dmesg | grep -q 'gatewarden: table full (20 flows)'"
assert_eq "gwctl stats shows the fill" 100 "$(gwctl_in "$NS_GW" -j stats | jq .table.fill_percent)"

touch "$GW_TMP/gate"
wait_until 30 grep -q again "$GW_TMP/many.out"
assert_eq "the $max_flows established connections kept working" "again $max_flows" \
	"$(grep again "$GW_TMP/many.out")"
wait "$holder"
# closed: their TIME_WAIT entries expire in 2 s, and the collector sweeps
# the whole table at least every 8 s however few flows it holds
# shellcheck disable=SC2317 # called through wait_until
table_has_room() { [ "$(gw_flow_count "$NS_GW")" -lt "$max_flows" ]; }
assert_ok "the closed connections expire within 2 + 8 s" wait_until 15 table_has_room
assert_ok "once they closed, a new connection is admitted" tcp_roundtrip "$NS_OUT" "$LAN4" 80

gw_finish
