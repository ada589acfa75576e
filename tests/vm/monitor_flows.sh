#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl monitor flows prints every flow's life as it happens, as conntrack
# -E does, IPv4 and IPv6: a TCP connection from lan created, established,
# closed by FIN and ended when its TIME_WAIT is over (reason closed); one
# the server refuses, ended by its reset; one a rule admits from wan, with
# that rule's handle and zone wan; a UDP flow that times out; a handshake
# evicted by the half-open budget.  The events are numbered without a gap;
# when flow_event_rate holds some back, the next one sent says how many.
# A monitor of another namespace makes the gateway build no event at all
# (the kernel's test of a group's listeners spans every namespace).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq socat
gw_require_python scapy
F=$GW_TMP
# a host on wan's link that does not exist: SYNs to it are never answered
NOHOST4=203.0.113.99
NOHOST6=2001:db8:203::99

gw_gateway
rule=$(gwctl_in "$NS_GW" -j rule add allow tcp to "$LAN4" port 22 synproxy off | jq -er .handle) ||
	gw_fatal "rule add failed"
# the ends come within seconds: the collector expires what is this old
gw_must gwctl_in "$NS_GW" set tcp_time_wait 1
gw_must gwctl_in "$NS_GW" set udp_unreplied 1
gw_must gwctl_in "$NS_GW" set udp_stream 1
gw_must gwctl_in "$NS_GW" set max_halfopen_dst 2

tcp_server "$NS_OUT" "$OUT4" 80
tcp_server "$NS_OUT" "$OUT6" 8080
tcp_server "$NS_LAN" "$LAN4" 22
udp_server "$NS_OUT" "$OUT4" 53

# monitor_start NS NAME: "gwctl -j monitor flows" in NS into $F/NAME.json,
# its pid in $mon, stopped at exit; it returns once the monitor is
# subscribed, that is, has printed the event of a flow made after it
# started (a ping from lan, which crosses NS_GW).
monitor_start() {
	# not through gwctl_in: $! must be gwctl itself (ip netns exec execs
	# it), not a subshell whose kill would leave the monitor running
	ip netns exec "$1" "$GWCTL" -j monitor flows >"$F/$2.json" 2>"$F/$2.err" &
	mon=$!
	gw_on_exit "kill $mon 2>/dev/null"
	wait_until 10 saw_ping "$2" || gw_fatal "$2: the monitor never saw a flow: $(cat "$F/$2.err")"
}
# shellcheck disable=SC2317 # called through wait_until
saw_ping() {
	gw_ping "$NS_LAN" "$OUT4" >/dev/null
	grep -q '"proto":"icmp"' "$F/$1.json"
}

# A monitor in the lan host's namespace only, which sees its own flows
# (eth0 made its wan), while the same pings cross the gateway: the gateway
# builds no flow event for it, sent or lost.
gw_must gwctl_in "$NS_LAN" iface add eth0 wan
monitor_start "$NS_LAN" lan
assert_ge "the pings made flows in the gateway too" 1 "$(gw_counter "$NS_GW" flow_created)"
assert_eq "with another namespace's monitor only, the gateway built no flow event" "0 0" \
	"$(gw_counter "$NS_GW" flow_events) $(gw_counter "$NS_GW" flow_events_lost)"
kill "$mon"
wait "$mon" 2>/dev/null
gw_must gwctl_in "$NS_LAN" iface del eth0

monitor_start "$NS_GW" ev

# events EVENT SRC DPORT [PROTO]: the lines of that flow's events of that kind
events() {
	jq -c --arg e "$1" --arg s "$2" --argjson p "$3" --arg pr "${4:-tcp}" \
		'select(.event == $e and .flow.src == $s and .flow.dport == $p and .flow.proto == $pr)' \
		"$F/ev.json"
}
# states SRC DPORT: the TCP states a flow's events went through, in order
states() {
	jq -r --arg s "$1" --argjson p "$2" \
		'select(.flow.src == $s and .flow.dport == $p and .flow.proto == "tcp") | "\(.event):\(.flow.state)"' \
		"$F/ev.json" | tr '\n' ' ' | sed 's/ $//'
}
# shellcheck disable=SC2317 # called through wait_until
ended() { [ -n "$(events end "$@")" ]; }

# A connection from lan, closed by FIN: every state, then its end.
for v in 4 6; do
	if [ "$v" = 4 ]; then src=$LAN4 dst=$OUT4 port=80; else src=$LAN6 dst=$OUT6 port=8080; fi
	assert_eq "IPv$v: the connection from lan works" hello "$(tcp_connect "$NS_LAN" "$dst" $port)"
	wait_until 10 ended "$src" $port || gw_fatal "IPv$v: no end event: $(states "$src" $port)"
	got=$(states "$src" $port)
	echo "    IPv$v: $got"
	case $got in
	"new:SYN_SENT "*"state:ESTABLISHED "*"state:TIME_WAIT end:TIME_WAIT")
		_gw_pass "IPv$v: created, ESTABLISHED, closing states, TIME_WAIT, then its end" ;;
	*) _gw_fail "IPv$v: not created, ESTABLISHED, ..., TIME_WAIT, end: $got" ;;
	esac
	assert_eq "IPv$v: its end says closed, opened from lan, no rule" "closed lan null outbound" \
		"$(events end "$src" $port | jq -r '"\(.reason) \(.zone) \(.rule) \(.flow.direction)"')"
done

# Refused by the server: its reset ends the flow at once.
assert_fail "IPv6: port 81 refuses the connection" tcp_connect "$NS_LAN" "$OUT6" 81
wait_until 5 ended "$LAN6" 81
assert_eq "IPv6: the refused connection ends by reset" "new:SYN_SENT state:CLOSE end:CLOSE" \
	"$(states "$LAN6" 81)"
assert_eq "IPv6: reason reset" reset "$(events end "$LAN6" 81 | jq -r .reason)"

# From wan, through the rule: its handle, zone wan.
assert_eq "IPv4: the rule lets out reach lan's port 22" hello "$(tcp_connect "$NS_OUT" "$LAN4" 22)"
wait_until 10 ended "$OUT4" 22
assert_eq "IPv4: the inbound flow's events name rule $rule and zone wan" \
	"new $rule wan inbound
end $rule wan inbound" \
	"$(jq -r --arg s "$OUT4" 'select(.flow.src == $s and .flow.dport == 22 and .event != "state") | "\(.event) \(.rule) \(.zone) \(.flow.direction)"' "$F/ev.json")"

# A UDP flow, answered, then idle: it times out.
assert_eq "IPv4: the UDP server answers" hello "$(udp_connect "$NS_LAN" "$OUT4" 53)"
wait_until 10 ended "$LAN4" 53 udp
assert_eq "IPv4: the UDP flow is created, then ends by timeout" "new end timeout" \
	"$(jq -r --arg s "$LAN4" 'select(.flow.src == $s and .flow.dport == 53) | [.event, .reason // empty] | join(" ")' "$F/ev.json" |
		tr '\n' ' ' | sed 's/ $//')"

# Three SYNs to a host that never answers, over a budget of two a
# destination: the third evicts the first.
for nohost in "$NOHOST4" "$NOHOST6"; do
	if [ "$nohost" = "$NOHOST4" ]; then src=$LAN4; else src=$LAN6; fi
	gw_must ip netns exec "$NS_LAN" /usr/bin/python3 \
		"$GW_ROOT/tests/vm/helpers/send_tcp.py" "$src" "$nohost" 9 S S S
	wait_until 5 ended "$src" 9 || gw_fatal "no handshake to $nohost ended: $(events new "$src" 9)"
	assert_eq "$nohost: 3 handshakes, one evicted by the budget" "3 evicted" \
		"$(events new "$src" 9 | wc -l) $(events end "$src" 9 | jq -r .reason)"
done
gw_must gwctl_in "$NS_GW" conn flush

# Over flow_event_rate the module holds events back and counts them: the
# next one it sends carries the count.
gw_must gwctl_in "$NS_GW" set flow_event_rate 3
burst=12
syns=()
for _ in $(seq $burst); do syns+=(S); done
gw_must ip netns exec "$NS_LAN" /usr/bin/python3 \
	"$GW_ROOT/tests/vm/helpers/send_tcp.py" "$LAN4" "$OUT4" 7 "${syns[@]}"
gw_must gwctl_in "$NS_GW" set flow_event_rate 0
gw_ping "$NS_LAN" "$OUT6" >/dev/null
# shellcheck disable=SC2317 # called through wait_until
after_burst() { grep -q '"proto":"icmpv6"' "$F/ev.json"; }
wait_until 10 after_burst || gw_fatal "no event after the burst"
# each SYN was refused (reset): new, state CLOSE and end, three events each
shown=$(jq -s --arg s "$LAN4" '[.[] | select(.flow.src == $s and .flow.dport == 7)] | length' "$F/ev.json")
lost=$(jq -s '[.[] | .lost] | add' "$F/ev.json")
echo "    burst: $shown of $((3 * burst)) events shown, $lost reported lost"
assert_ge "some events were held back" 1 "$lost"
assert_eq "the shown and the lost add up to the burst's events" "$((3 * burst))" "$((shown + lost))"
assert_eq "flow_events_lost counted them too" "$lost" "$(gw_counter "$NS_GW" flow_events_lost)"

# Numbered without a gap, but where a lost count says so.
assert_eq "the sequence numbers only grow, and skip only what a lost count covers" "" \
	"$(jq -s -r 'range(1; length) as $i | .[$i - 1] as $a | .[$i] as $b |
		select($b.seq <= $a.seq or $b.seq - $a.seq - 1 > $b.lost) | "\($a.seq) -> \($b.seq) lost \($b.lost)"' "$F/ev.json")"
assert_ok "the monitor is still running" kill -0 "$mon"

gw_finish
