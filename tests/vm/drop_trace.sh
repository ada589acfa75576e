#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The drop trace (gwctl trace) and drop events (gwctl monitor drops).  For
# a table of drops, IPv4 and IPv6 (a SYN no rule allows, bad TCP flags, an
# ACK with no flow, a blocked source, a UDP probe, an echo request no rule
# allows), gwctl explain predicts the reason; the real packet, sent with
# scapy, is then recorded in the trace with that reason, its tuple and
# wan0, and printed by monitor drops; a filtered monitor prints only what
# its filter names.  A bounded echo flood (3000 packets) against a rule's
# rate shows the ring holding trace_size entries, every drop either
# recorded or counted in trace_unsampled, and the events held to
# drop_event_rate, every drop either sent or counted in the lost count the
# next event carries.  trace_size 0 records nothing.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq hping3 timeout
gw_require_python scapy
gw_gateway
gw_wan_quiet
# Blocked prefixes next to out's addresses, for scapy to send from.
gw_blocked_sources
# echo requests to gw's lan address, one a second: the flood's drops name it
ping_rule=$(gwctl_in "$NS_GW" -j rule add allow icmp echo rate 1/s to "$GW_LAN4" |
	jq -r .handle)
assert_ge "the echo rule has a handle" 1 "$ping_rule"

# Every drop as JSON, and a filtered one as text: IPv6 UDP probes only.
ip netns exec "$NS_GW" "$GWCTL" -j monitor drops >"$GW_TMP/mon.json" 2>"$GW_TMP/mon.err" &
gw_on_exit "kill $! 2>/dev/null"
ip netns exec "$NS_GW" "$GWCTL" monitor drops reason udp_probe from 2001:db8:203::/64 \
	>"$GW_TMP/mon6.txt" 2>"$GW_TMP/mon6.err" &
gw_on_exit "kill $! 2>/dev/null"
gw_sender_start

# Both monitors are subscribed once each has printed a drop: IPv6 UDP
# probes from port 7 (a port no case below uses), until they have.
# shellcheck disable=SC2317 # called through wait_until
synced() {
	send_pkt udp "$OUT6" 7 "$LAN6" 7 &&
		grep -q '"sport":7,' "$GW_TMP/mon.json" && grep -q ' port 7 ' "$GW_TMP/mon6.txt"
}
wait_until 30 synced ||
	gw_fatal "the monitors never printed a drop: $(cat "$GW_TMP/mon.err" "$GW_TMP/mon6.err")"
mon6_start=$(wc -l <"$GW_TMP/mon6.txt")

# in_monitor TUPLE: monitor drops printed a drop that is TUPLE.
# shellcheck disable=SC2317 # called through wait_until
in_monitor() {
	jq -r "select(.event == \"drop\") | $GW_TUPLE" "$GW_TMP/mon.json" | grep -qxF "$1"
}

# check_drop DESC "PACKET" EXPLAIN...: explain must say the packet is
# dropped, and why; PACKET (send_pkt's words), sent for real, must then be
# in the trace with that reason, explain's tuple and wan0, and in monitor.
check_drop() {
	local desc=$1 pkt=$2 rc=0 json reason want port dst seen
	shift 2
	json=$(gwctl_in "$NS_GW" -j explain "$@") || rc=$?
	reason=$(jq -r .reason <<<"$json")
	assert_eq "$desc: explain says it is dropped" "3 drop_" "$rc ${reason:0:5}"
	want=$(jq -r --arg r "$reason" ".packet | .reason = \$r | .interface = \"wan0\" | $GW_TUPLE" <<<"$json")
	port=$(jq -r '.packet.sport // 0' <<<"$json")
	dst=$(jq -r .packet.dst <<<"$json")
	seen=$(gw_trace_seq "$NS_GW")
	# shellcheck disable=SC2086 # the packet's words
	gw_must send_pkt $pkt
	wait_until 5 gw_trace_has "$NS_GW" "$port" "$dst" "$seen"
	assert_eq "$desc: the trace records $reason, the tuple, wan0" "$want" \
		"$(gw_trace_newest "$NS_GW" "$port" "$dst" "$seen")"
	wait_until 5 in_monitor "$want"
	assert_ok "$desc: monitor drops printed it" in_monitor "$want"
}

for fam in 4 6; do
	if [ "$fam" = 4 ]; then
		out=$OUT4 lan=$LAN4 bad=$BAD4 icmp=icmp
	else
		out=$OUT6 lan=$LAN6 bad=$BAD6 icmp=icmpv6
	fi
	check_drop "IPv$fam SYN no rule allows" "tcp $out 40000 $lan 22 S" \
		tcp from "$out" port 40000 to "$lan" port 22 in wan0 flags S
	check_drop "IPv$fam XMAS flags" "tcp $out 40001 $lan 22 FPU" \
		tcp from "$out" port 40001 to "$lan" port 22 in wan0 flags FPU
	check_drop "IPv$fam ACK with no flow" "tcp $out 40002 $lan 22 A" \
		tcp from "$out" port 40002 to "$lan" port 22 in wan0 flags A
	check_drop "IPv$fam blocked source" "tcp $bad 40003 $lan 22 S" \
		tcp from "$bad" port 40003 to "$lan" port 22 in wan0 flags S
	check_drop "IPv$fam UDP probe" "udp $out 40004 $lan 9999" \
		udp from "$out" port 40004 to "$lan" port 9999 in wan0
	check_drop "IPv$fam echo request no rule allows" "echo $out $lan 4242" \
		"$icmp" from "$out" to "$lan" in wan0 type echo-request id 4242
done

# The filters: the text monitor printed the IPv6 UDP probe and nothing
# else; trace's filters leave one entry, as a log line.
assert_eq "monitor drops reason udp_probe from 2001:db8:203::/64: the one probe" \
	"drop_udp_probe in wan0 udp from $OUT6 port 40004 to $LAN6 port 9999" \
	"$(tail -n +"$((mon6_start + 1))" "$GW_TMP/mon6.txt" | cut -d' ' -f3-)"
assert_eq "trace reason passive_denied from $OUT4/32: one line" \
	"drop_passive_denied in wan0 tcp from $OUT4 port 40000 to $LAN4 port 22 flags S" \
	"$(gwctl_in "$NS_GW" trace reason passive_denied from "$OUT4/32" | cut -d' ' -f2-)"
assert_fail "an unknown reason is refused" gwctl_in "$NS_GW" trace reason nosuch

# ---- a flood -----------------------------------------------------------------

# A smaller ring (a new one: empty), and rates a guest's flood exceeds.
gw_must gwctl_in "$NS_GW" set trace_size 64
gw_must gwctl_in "$NS_GW" set trace_rate 100
gw_must gwctl_in "$NS_GW" set drop_event_rate 20
assert_eq "a new trace_size starts an empty trace" 0 \
	"$(gwctl_in "$NS_GW" -j trace | jq '.trace | length')"
# shellcheck disable=SC2317 # called through wait_until
events() { jq -s '[.[] | select(.event == "drop")] | length' "$GW_TMP/mon.json"; }
# shellcheck disable=SC2317 # called through wait_until
lost_sum() { jq -s '[.[] | select(.event == "drop") | .lost] | add // 0' "$GW_TMP/mon.json"; }
drops0=$(gw_drops "$NS_GW") unsampled0=$(gw_counter "$NS_GW" trace_unsampled)
ev_lost0=$(gw_counter "$NS_GW" event_drops_lost)
events0=$(events) lost0=$(lost_sum)
t0=$SECONDS
# hping3's status says whether replies came: the drops below say the rest
ip netns exec "$NS_OUT" timeout $((60 * GW_TIME_SCALE)) \
	hping3 -q -1 -c 3000 -i u300 "$GW_LAN4" >"$GW_TMP/hping3.out" 2>&1
elapsed=$((SECONDS - t0 + 1))
# One last drop, out of the flood, carries the events' lost count.
gw_must send_pkt udp "$OUT4" 40005 "$LAN4" 9999
# shellcheck disable=SC2317 # called through wait_until
last_event() { grep -q '"sport":40005,' "$GW_TMP/mon.json"; }
wait_until 10 last_event || gw_fatal "monitor drops never printed the last drop"

drops=$(($(gw_drops "$NS_GW") - drops0))
echo "# flood: $drops drops in ${elapsed}s"
assert_ge "the flood's echo requests were dropped over the rule's rate" 2900 "$drops"
trace=$(gwctl_in "$NS_GW" -j trace)
assert_eq "the trace holds trace_size entries" 64 "$(jq '.trace | length' <<<"$trace")"
last=$(jq '.trace[-1].seq' <<<"$trace")
assert_eq "oldest to newest, none missing" true \
	"$(jq --argjson l "$last" '[.trace[].seq] == [range($l - 63; $l + 1)]' <<<"$trace")"
assert_eq "the flood's entries name the reason and the echo rule" \
	"drop_icmp_rate $ping_rule $OUT4 8" \
	"$(jq -r '.trace[0] | "\(.reason) \(.rule) \(.src) \(.type)"' <<<"$trace")"
unsampled=$(($(gw_counter "$NS_GW" trace_unsampled) - unsampled0))
assert_le "the trace recorded at most trace_rate a second (and the last drop)" \
	$((100 + 100 * elapsed + 1)) "$last"
assert_eq "every drop is recorded or counted in trace_unsampled" "$drops" \
	"$((last + unsampled))"
sent=$(($(events) - events0)) lost=$(($(lost_sum) - lost0))
echo "# events: $sent sent, $lost lost"
assert_le "monitor drops got at most drop_event_rate a second (and the last drop)" \
	$((20 + 20 * elapsed + 1)) "$sent"
assert_eq "every drop is an event or in the next event's lost count" "$drops" \
	"$((sent + lost))"
assert_eq "event_drops_lost counted the same" "$lost" \
	"$(($(gw_counter "$NS_GW" event_drops_lost) - ev_lost0))"

# ---- trace_size 0 ------------------------------------------------------------

gw_must gwctl_in "$NS_GW" set trace_size 0
gw_must send_pkt udp "$OUT4" 40006 "$LAN4" 9999
wait_until 5 grep -q '"sport":40006,' "$GW_TMP/mon.json"
assert_eq "trace_size 0: nothing recorded (the events go on)" "0 1" \
	"$(gwctl_in "$NS_GW" -j trace | jq '.trace | length') $(grep -c '"sport":40006,' "$GW_TMP/mon.json")"
gw_finish
