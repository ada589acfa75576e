#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# conn list, count and flush take filters (src, dst, proto, state) that the
# module applies: a filtered flush removes exactly the flows it names and a
# connection it does not name goes on working.  stats --reset prints the
# counters and starts them from zero, and only what happens next counts.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_topology
gw_load
F=$GW_TMP
gw_must gwctl_in "$NS_GW" iface add wan0 wan
for addr in "$LAN4" "$LAN6"; do
	tcp_echo_server "$NS_LAN" "$addr" 8080
	gw_must gwctl_in "$NS_GW" rule add allow tcp to "$addr" port 8080
done
count() { gwctl_in "$NS_GW" conn count "$@"; }

# one ESTABLISHED connection out -> lan over IPv4, held open
rm -f "$F/ready" "$F/gate"
ip netns exec "$NS_OUT" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" gate \
	"$LAN4" 8080 "$F/ready" "$F/gate" 30 >"$F/hold.out" 2>&1 &
hold=$!
gw_on_exit "kill $hold 2>/dev/null"
wait_file "$F/ready" 30 || gw_fatal "held connection never came up: $(cat "$F/hold.out")"
# one finished connection over IPv6, and an echo flow from lan out
gw_must tcp_roundtrip "$NS_OUT" "$LAN6" 8080
gw_must gw_ping "$NS_LAN" "$OUT4" 1

assert_eq "three flows in all" 3 "$(count)"
assert_eq "two of them TCP" 2 "$(count proto tcp)"
assert_eq "one ICMP" 1 "$(count proto icmp)"
assert_eq "one ESTABLISHED" 1 "$(count state established)"
assert_eq "the ESTABLISHED one is the held IPv4 connection" "$LAN4 8080" \
	"$(gwctl_in "$NS_GW" -j conn list state ESTABLISHED | jq -r '.flows[] | "\(.dst) \(.dport)"')"
assert_eq "one from $OUT6" 1 "$(count src "$OUT6")"
assert_eq "one to $LAN4, TCP" 1 "$(count dst "$LAN4" proto tcp)"
assert_eq "src and dst of different families are a usage error" 1 \
	"$(gwctl_in "$NS_GW" conn count src "$OUT4" dst "$LAN6" >/dev/null 2>&1; echo $?)"
assert_eq "filters combine: none from $OUT6 in ESTABLISHED" 0 "$(count src "$OUT6" state established)"
assert_eq "text conn list with a filter lists one flow" "1 flows" \
	"$(gwctl_in "$NS_GW" conn list proto icmp | tail -n 1)"

assert_ok "flush proto icmp" gwctl_in "$NS_GW" conn flush proto icmp
assert_eq "the echo flow is gone" 0 "$(count proto icmp)"
assert_eq "the TCP flows are not" 2 "$(count proto tcp)"
assert_ok "flush dst $LAN6" gwctl_in "$NS_GW" conn flush dst "$LAN6"
assert_eq "the IPv6 flow is gone" 0 "$(count dst "$LAN6")"
assert_eq "only the held connection is left" 1 "$(count)"
touch "$F/gate"
assert_ok "the held connection, not named by either flush, still works" wait "$hold"

for bad in "state BOGUS" "src 192.0.2.0/24" "proto 300" "port 80" "src"; do
	# shellcheck disable=SC2086 # the filter's words
	gwctl_in "$NS_GW" conn list $bad >/dev/null 2>&1
	assert_eq "conn list $bad is a usage error" 1 "$?"
done

# stats --reset
before=$(gw_counter "$NS_GW" in_packets)
assert_ge "packets were counted" 5 "$before"
out=$(gwctl_in "$NS_GW" -j stats --reset)
assert_ge "stats --reset prints the counters it resets" "$before" "$(jq .counters.in_packets <<<"$out")"
# Neighbour discovery keeps arriving on wan0: a packet or two may count
# between the reset and the next read, never the hundreds before it.
assert_le "then they start from zero" 3 "$(gw_counter "$NS_GW" in_packets)"
assert_le "every one of them" 6 "$(gwctl_in "$NS_GW" -j stats -a | jq '[.counters[]] | add')"
assert_fail "a SYN to a closed port is refused" tcp_roundtrip "$NS_OUT" "$LAN4" 8081 1
denied=$(gw_counter "$NS_GW" drop_passive_denied)
assert_ge "and counted after the reset" 1 "$denied"
assert_le "only the new ones (SYN and its retries)" 4 "$denied"
assert_eq "stats without --reset resets nothing" "$denied" \
	"$(gwctl_in "$NS_GW" stats >/dev/null; gw_counter "$NS_GW" drop_passive_denied)"

gw_finish
