#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl explain says what the module does with a packet, and changes
# nothing.  For a table of packets from out, IPv4 and IPv6 (a SYN no rule
# allows, a SYN a rule allows, a segment of a live connection, a SYN from
# a blocked source, a UDP probe, an echo request), explain's exit status
# and reason are the real packet's: sent with scapy, it raises the counter
# explain named, and no other drop counter.  1000 explain calls (980 in a
# batch, 20 of dropped packets one by one) leave the flows, every counter
# and the rule hits as they were.  Bad descriptions are refused with a
# message.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_require_python scapy
gw_gateway
gw_wan_quiet
for addr in "$LAN4" "$LAN6"; do tcp_echo_server "$NS_LAN" "$addr" 8080; done
handle=$(gwctl_in "$NS_GW" -j rule add allow tcp port 8080 | jq -r .handle)
assert_ge "rule add returns a handle" 1 "$handle"

# Blocked prefixes next to out's addresses, for scapy to send from.
gw_blocked_sources

# explain ARGS...: gwctl -j explain ARGS in gw; its JSON in EXPLAIN_JSON,
# its exit status in EXPLAIN_RC, its stderr in $GW_TMP/explain.err.
explain() {
	EXPLAIN_RC=0
	EXPLAIN_JSON=$(gwctl_in "$NS_GW" -j explain "$@" 2>"$GW_TMP/explain.err") || EXPLAIN_RC=$?
}

# jexplain FILTER: a member of the last explain's JSON.
jexplain() {
	jq -r "$1" <<<"$EXPLAIN_JSON"
}

# One connection a family from out to lan's 8080, held open and idle until
# its gate file appears; then it exchanges a second line.
hold_pid=()
for lan in "$LAN4" "$LAN6"; do
	i=${#hold_pid[@]}
	ip netns exec "$NS_OUT" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" gate \
		"$lan" 8080 "$GW_TMP/ready$i" "$GW_TMP/gate$i" 240 >"$GW_TMP/hold$i.out" 2>&1 &
	hold_pid[i]=$!
	gw_on_exit "kill ${hold_pid[i]} 2>/dev/null"
	wait_file "$GW_TMP/ready$i" 30 || gw_fatal "held connection to $lan never came up: $(cat "$GW_TMP/hold$i.out")"
done

# held_sport SRC: out's port of the held connection from SRC.
held_sport() {
	gwctl_in "$NS_GW" -j conn list |
		jq -er --arg s "$1" 'first(.flows[] | select(.src == $s and .dport == 8080) | .sport)'
}
sport4=$(held_sport "$OUT4") || gw_fatal "no flow for the held IPv4 connection"
sport6=$(held_sport "$OUT6") || gw_fatal "no flow for the held IPv6 connection"

# ---- explain changes nothing ------------------------------------------------

# Everything a judgement could move: the counters and the table's figures,
# the rules' hits, packets and bytes, each flow's state and packet counts.
snapshot() {
	gwctl_in "$NS_GW" -j stats | jq -c . &&
		gwctl_in "$NS_GW" -j rule list | jq -c '[.rules[] | {handle, hits, packets, bytes}]' &&
		gwctl_in "$NS_GW" -j conn list |
		jq -c '[.flows[] | {src, dst, sport, dport, state, packets_orig, packets_reply}] | sort_by(.src)'
}

# What passes: a segment of each held connection, each way; a SYN the rule
# admits (a flow and a hit, for real); a datagram and an echo request out
# (each a new flow, for real).
passing=(
	"explain tcp from $OUT4 port $sport4 to $LAN4 port 8080 in wan0 flags A"
	"explain tcp from $LAN6 port 8080 to $OUT6 port $sport6 out wan0 flags A"
	"explain tcp from $OUT6 port 41000 to $LAN6 port 8080 in wan0"
	"explain udp from $LAN4 port 5000 to $OUT4 port 53 out wan0"
	"explain icmpv6 from $LAN6 to $OUT6 out wan0 type echo-request id 9"
)
# What is dropped: a SYN no rule allows, a blocked source, a UDP probe, an
# echo request no rule allows.
dropped=(
	"explain tcp from $OUT4 port 40000 to $LAN4 port 22 in wan0"
	"explain tcp from $BAD6 port 40001 to $LAN6 port 8080 in wan0"
	"explain udp from $OUT4 port 5353 to $LAN4 port 9999 in wan0"
	"explain icmp from $OUT4 to $LAN4 in wan0 type echo-request id 4242"
)
: >"$GW_TMP/batch"
for i in $(seq 196); do
	printf '%s\n' "${passing[@]}" >>"$GW_TMP/batch"
done
assert_eq "the batch holds 980 explain calls" 980 "$(wc -l <"$GW_TMP/batch")"

# The link quiet: nothing moved between two looks 3 s apart (the held
# connections' last delayed ACKs, anything the namespaces' setup sent).
# shellcheck disable=SC2317 # called through wait_until
quiet() {
	local a b
	a=$(snapshot) || return 1
	sleep 3
	b=$(snapshot) || return 1
	[ "$a" = "$b" ]
}
wait_until 30 quiet || echo "# the wan link did not go quiet: the comparison below may see its traffic"
before_flows=$(gw_flow_count "$NS_GW")
assert_eq "two flows before (the held connections)" 2 "$before_flows"
before=$(snapshot) || gw_fatal "snapshot failed"
assert_ok "980 explain calls of passing packets, in a batch" \
	gwctl_in "$NS_GW" -b "$GW_TMP/batch"
wrong=0
for i in $(seq 5); do
	for call in "${dropped[@]}"; do
		rc=0
		# shellcheck disable=SC2086 # the call's words
		gwctl_in "$NS_GW" $call >/dev/null 2>&1 || rc=$?
		[ "$rc" -eq 3 ] || wrong=$((wrong + 1))
	done
done
assert_eq "20 explain calls of dropped packets each exit 3" 0 "$wrong"
assert_eq "the flow count is the same after them" "$before_flows" "$(gw_flow_count "$NS_GW")"
after=$(snapshot) || gw_fatal "snapshot failed"
if ! assert_eq "counters, rule hits and flows are the same after 1000 explain calls" \
	"$before" "$after"; then
	tr ',' '\n' <<<"$before" >"$GW_TMP/before"
	tr ',' '\n' <<<"$after" >"$GW_TMP/after"
	diff "$GW_TMP/before" "$GW_TMP/after" | sed 's/^/    /'
fi

# ---- what explain says of the packets ----------------------------------------

explain tcp from "$OUT4" port 40000 to "$LAN4" port 22 in wan0
assert_eq "a SYN no rule allows: exit 3" 3 "$EXPLAIN_RC"
assert_eq "and it says no rule matches" true "$(jexplain .no_rule_matches)"
assert_eq "and that wan0 is wan" wan "$(jexplain .zone)"
assert_eq "and that it met no flow" null "$(jexplain .flow)"

explain tcp from "$OUT4" port 41000 to "$LAN4" port 8080 in wan0 flags S
assert_eq "a SYN the rule allows: exit 0" 0 "$EXPLAIN_RC"
assert_eq "and the rule that decided is the rule" "$handle" "$(jexplain .rule.handle)"
assert_eq "written as a rule-file line" "allow tcp port 8080" "$(jexplain .rule.text)"

explain tcp from "$OUT4" port "$sport4" to "$LAN4" port 8080 in wan0 flags A
assert_eq "a segment of the held connection: exit 0, on its flow" "0 flow" \
	"$EXPLAIN_RC $(jexplain .reason)"
assert_eq "the flow is ESTABLISHED, inbound, and the segment goes its original way" \
	"ESTABLISHED inbound original" \
	"$(jexplain '"\(.flow.state) \(.flow.direction) \(.flow.packet_direction)"')"
assert_eq "rules were not what decided, though the rule matches" "$handle" \
	"$(jexplain .first_match.handle)"
explain tcp from "$LAN6" port 8080 to "$OUT6" port "$sport6" out wan0 flags A
assert_eq "lan's answer on the IPv6 one, out: exit 0 on the reply way" "0 flow reply" \
	"$EXPLAIN_RC $(jexplain .reason) $(jexplain .flow.packet_direction)"
explain tcp from "$OUT4" port "$sport4" to "$LAN4" port 8080 in wan0 flags A seq 1 ack 1
assert_eq "the same segment with sequence numbers far off: dropped out of window" \
	"3 drop_out_of_window" "$EXPLAIN_RC $(jexplain .reason)"

explain tcp from "$BAD4" port 40001 to "$LAN4" port 8080 in wan0
assert_eq "a blocked source: the entry that blocks it" "$BLOCK4 true" \
	"$(jexplain '"\(.block.prefix) \(.block.permanent)"')"

explain tcp from "$LAN4" port 40000 to "$OUT4" port 22 in lan0
assert_eq "a packet on lan0: not judged" "0 unfiltered lan" \
	"$EXPLAIN_RC $(jexplain .reason) $(jexplain .zone)"
explain udp from "$LAN4" port 5000 to "$OUT4" port 53 out wan0
assert_eq "a datagram out: it opens a flow" "0 new_flow" "$EXPLAIN_RC $(jexplain .reason)"

# Bad descriptions: gwctl's words, then the module's extack.
explain tcp from "$OUT4" to "$LAN4" in wan0
assert_eq "tcp without ports: a usage error" 1 "$EXPLAIN_RC"
assert_ok "which says what is missing" grep -q "needs a port after both" "$GW_TMP/explain.err"
explain tcp from "$OUT4" port 1 to "$LAN4" port 2 in nosuch0
assert_eq "an interface that does not exist: refused by the module" 2 "$EXPLAIN_RC"
assert_ok "with its message" grep -q "no such interface in this namespace" "$GW_TMP/explain.err"
explain icmp from "$OUT4" to "$LAN4" in wan0 type 3 code 3
assert_eq "an ICMP error: refused by the module" 2 "$EXPLAIN_RC"
assert_ok "with its message" grep -q "judged by the packet it quotes" "$GW_TMP/explain.err"

# ---- explain's prediction against the real packet ----------------------------

gw_sender_start

# shellcheck disable=SC2317 # called through wait_until
counter_is() { [ "$(gw_counter "$NS_GW" "$1")" = "$2" ]; }

# check_case DESC RC REASON "PACKET" EXPLAIN...: explain must exit RC and
# say REASON; then PACKET (send_pkt's words), sent for real, must raise the
# counter REASON by one, and the drop counters together by one if it is a
# drop counter, by none if not.
check_case() {
	local desc=$1 rc=$2 reason=$3 pkt=$4 count drops want_drops
	shift 4
	explain "$@"
	assert_eq "$desc: explain exits $rc, for $reason" "$rc $reason" \
		"$EXPLAIN_RC $(jexplain .reason)"
	count=$(gw_counter "$NS_GW" "$reason") || return 1
	drops=$(gw_drops "$NS_GW")
	want_drops=$drops
	case $reason in drop_*) want_drops=$((drops + 1)) ;; esac
	# shellcheck disable=SC2086 # the packet's words
	gw_must send_pkt $pkt
	wait_until 5 counter_is "$reason" $((count + 1))
	assert_eq "$desc: the real packet is counted in $reason" $((count + 1)) \
		"$(gw_counter "$NS_GW" "$reason")"
	assert_eq "$desc: and in no other drop counter" "$want_drops" "$(gw_drops "$NS_GW")"
}

for fam in 4 6; do
	if [ "$fam" = 4 ]; then
		out=$OUT4 lan=$LAN4 bad=$BAD4 icmp=icmp
	else
		out=$OUT6 lan=$LAN6 bad=$BAD6 icmp=icmpv6
	fi
	check_case "IPv$fam passive SYN" 3 drop_passive_denied "tcp $out 40000 $lan 22 S" \
		tcp from "$out" port 40000 to "$lan" port 22 in wan0 flags S
	check_case "IPv$fam SYN the rule allows" 0 rule_accepted "tcp $out 41000 $lan 8080 S" \
		tcp from "$out" port 41000 to "$lan" port 8080 in wan0 flags S
	check_case "IPv$fam blocked source" 3 drop_blocked "tcp $bad 40001 $lan 8080 S" \
		tcp from "$bad" port 40001 to "$lan" port 8080 in wan0
	check_case "IPv$fam UDP probe" 3 drop_udp_probe "udp $out 5353 $lan 9999" \
		udp from "$out" port 5353 to "$lan" port 9999 in wan0
	check_case "IPv$fam echo request" 3 drop_icmp_echo "echo $out $lan 4242" \
		"$icmp" from "$out" to "$lan" in wan0 type echo-request id 4242
done

# A segment of each held connection: explain says it passes on its flow;
# the real one (the second line each exchanges) passes, and nothing drops.
for i in 0 1; do
	if [ "$i" = 0 ]; then out=$OUT4 lan=$LAN4 sport=$sport4; else out=$OUT6 lan=$LAN6 sport=$sport6; fi
	explain tcp from "$out" port "$sport" to "$lan" port 8080 in wan0 flags PA
	assert_eq "held connection to $lan: explain says it passes on its flow" "0 flow" \
		"$EXPLAIN_RC $(jexplain .reason)"
	drops=$(gw_drops "$NS_GW")
	touch "$GW_TMP/gate$i"
	assert_ok "held connection to $lan: the real segments pass" wait "${hold_pid[i]}"
	assert_eq "held connection to $lan: and nothing was dropped" "$drops" "$(gw_drops "$NS_GW")"
done

gw_finish
