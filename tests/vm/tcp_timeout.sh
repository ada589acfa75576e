#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-state timeouts are live tunables: after "gwctl set tcp_established 2"
# an idle connection expires, its entry is reaped, and the outside can no
# longer send into it.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_gateway wan
tcp_echo_server "$NS_OUT" "$OUT4" 7000

assert_eq "default ESTABLISHED timeout is 5 days" 432000 \
	"$(gwctl_in "$NS_GW" -j get | jq .tunables.tcp_established.value)"

ip netns exec "$NS_LAN" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" gate \
	"$OUT4" 7000 "$GW_TMP/ready" "$GW_TMP/gate" 30 >"$GW_TMP/hold.out" 2>&1 &
hold=$!
gw_on_exit "kill $hold 2>/dev/null"
wait_file "$GW_TMP/ready" 10 || gw_fatal "connection never came up: $(cat "$GW_TMP/hold.out")"

state=$(gwctl_in "$NS_GW" -j conn list | jq -r '.flows[] | select(.dport == 7000) | .state')
assert_eq "the idle connection is ESTABLISHED" ESTABLISHED "$state"

gw_must gwctl_in "$NS_GW" set tcp_established 2
expired=0
for _ in $(seq 50); do
	if [ "$(gwctl_in "$NS_GW" -j conn list | jq '[.flows[] | select(.dport == 7000)] | length')" = 0 ]; then
		expired=1
		break
	fi
	sleep 0.2
done
assert_eq "the idle flow expired after 2 s" 1 "$expired"
reaped=0
for _ in $(seq 50); do
	[ "$(gw_flow_count "$NS_GW")" = 0 ] && { reaped=1; break; }
	sleep 0.2
done
assert_eq "the collector removed the entry from the table" 1 "$reaped"
assert_ge "expiry counted" 1 "$(gw_counter "$NS_GW" flow_expired)"

# The inside host's next segment has no flow now: under strict pickup it is
# dropped and the host is told at once with a reset.
touch "$GW_TMP/gate"
assert_fail "the expired connection carries no more data" wait "$hold"
assert_ok "the inside host was reset ($(cat "$GW_TMP/hold.out"))" grep -qi "reset" "$GW_TMP/hold.out"
assert_ge "the reset was counted" 1 "$(gw_counter "$NS_GW" out_reset)"

assert_fail "timeouts below 1 s are refused" gwctl_in "$NS_GW" set tcp_established 0
assert_fail "unknown tunables are refused" gwctl_in "$NS_GW" set tcp_nonsense 5

gw_finish
