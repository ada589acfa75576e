#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every network namespace has its own gatewarden: zones, rules, flows and
# counters of one are invisible to, and without effect on, another.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_topology
# A second, independent gateway pair on 198.51.100.0/24: gw2 -- out2.
NS_GW2=gw-gw2-${NS_GW#gw-gw-}
NS_OUT2=gw-out2-${NS_GW#gw-gw-}
gw_second_gateway "$NS_GW2" "$NS_OUT2"

gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" rule add allow tcp port 5001
gw_must gwctl_in "$NS_GW2" rule add allow tcp port 5002
gw_must gwctl_in "$NS_GW2" rule add allow tcp port 5003

tcp_echo_server "$NS_GW" "$GW_WAN4" 5001
tcp_echo_server "$NS_GW" "$GW_WAN4" 5002
tcp_echo_server "$NS_GW2" 198.51.100.1 5001

assert_eq "gw has its one rule" 1 "$(gwctl_in "$NS_GW" -j rule list | jq '.rules | length')"
assert_eq "gw2 has its two rules" 2 "$(gwctl_in "$NS_GW2" -j rule list | jq '.rules | length')"
assert_eq "the initial namespace has none" 0 "$("$GWCTL" -j rule list | jq '.rules | length')"
assert_eq "gw2 has no wan zone" 0 "$(gwctl_in "$NS_GW2" -j iface list | jq '[.. | objects | select(.zone? == "wan")] | length')"

assert_ok "gw's rule opens gw's port 5001" tcp_roundtrip "$NS_OUT" "$GW_WAN4" 5001
# The server on gw's 5002 is there and answers (from gw itself, no zone on
# the way), so a refusal from out is the filter's.
assert_ok "gw's port 5002 listens and answers locally" tcp_roundtrip "$NS_GW" "$GW_WAN4" 5002
assert_fail "gw2's rule for 5002 opens nothing in gw" tcp_roundtrip "$NS_OUT" "$GW_WAN4" 5002 2
assert_ok "gw2, with no wan interface, filters nothing" tcp_roundtrip "$NS_OUT2" 198.51.100.1 5001

assert_ge "gw tracks its flow" 1 "$(gwctl_in "$NS_GW" -j conn list | jq '.flows | length')"
assert_eq "gw2 tracks none of gw's flows" 0 "$(gwctl_in "$NS_GW2" -j conn list | jq '.flows | length')"
assert_eq "gw2 counted no denial" 0 "$(gw_counter "$NS_GW2" drop_passive_denied)"
assert_ge "gw counted its denial" 1 "$(gw_counter "$NS_GW" drop_passive_denied)"

# gw2 gets a wan zone of its own: its rules, not gw's, are enforced there.
before=$(gw_counter "$NS_GW" drop_passive_denied)
tcp_echo_server "$NS_GW2" 198.51.100.1 5002
gw_must gwctl_in "$NS_GW2" iface add wan0 wan
assert_ok "gw2's rule opens gw2's port 5002" tcp_roundtrip "$NS_OUT2" 198.51.100.1 5002
assert_ok "gw2's port 5001 listens and answers locally" tcp_roundtrip "$NS_GW2" 198.51.100.1 5001
assert_fail "gw's rule for 5001 opens nothing in gw2" tcp_roundtrip "$NS_OUT2" 198.51.100.1 5001 2
assert_ge "gw2 counted its denial" 1 "$(gw_counter "$NS_GW2" drop_passive_denied)"
assert_eq "gw counted none of gw2's" "$before" "$(gw_counter "$NS_GW" drop_passive_denied)"
assert_eq "gw2's zone is not gw's: gw still has one wan interface" 1 \
	"$(gwctl_in "$NS_GW" -j iface list | jq '[.. | objects | select(.zone? == "wan")] | length')"

# Tunables are per namespace too.
gw_must gwctl_in "$NS_GW2" set tcp_close 3
assert_eq "gw keeps its own tcp_close" 10 "$(gwctl_in "$NS_GW" -j get | jq .tunables.tcp_close.value)"

gw_finish
