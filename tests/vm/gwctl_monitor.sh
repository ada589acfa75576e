#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl monitor prints every change as it happens, numbered without gaps:
# zones set and deleted, rules added, deleted and flushed, a policy loaded,
# a tunable set; a filter shows only the events asked for, and -j gives one
# JSON document per event.  Events stay in their namespace: another
# namespace's monitor gets that namespace's events and none of these.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq
gw_load
F=$GW_TMP
gw_ns_add "$NS_LAN"

"$GWCTL" monitor >"$F/all.out" 2>"$F/all.err" &
all=$!
gw_on_exit "kill $all 2>/dev/null"
"$GWCTL" -j monitor rule >"$F/rule.json" 2>"$F/rule.err" &
rules=$!
gw_on_exit "kill $rules 2>/dev/null"
ip netns exec "$NS_LAN" "$GWCTL" monitor >"$F/other_ns.out" 2>&1 &
other=$!
gw_on_exit "kill $other 2>/dev/null"

# Both listeners are subscribed once each has seen an event; the rule one
# only sees rule events, so poke with a rule.
# shellcheck disable=SC2317 # called through wait_until
synced() {
	"$GWCTL" rule add allow tcp port 9 >/dev/null &&
		"$GWCTL" rule flush &&
		grep -q rules-flushed "$F/all.out" &&
		grep -q rules-flushed "$F/rule.json"
}
wait_until 10 synced || gw_fatal "the monitors never saw an event: $(cat "$F/all.err" "$F/rule.err")"
start=$(wc -l <"$F/all.out")
rstart=$(wc -l <"$F/rule.json")
# The other namespace's monitor gets that namespace's own events (and the
# monitors here none of them: the exact list below would show them).
# shellcheck disable=SC2317 # called through wait_until
other_synced() {
	ip netns exec "$NS_LAN" "$GWCTL" rule add allow tcp port 9 >/dev/null &&
		ip netns exec "$NS_LAN" "$GWCTL" rule flush &&
		grep -q rules-flushed "$F/other_ns.out"
}
wait_until 10 other_synced
assert_ok "another namespace's monitor receives that namespace's events" grep -q rules-flushed "$F/other_ns.out"
ostart=$(wc -l <"$F/other_ns.out")

gw_must "$GWCTL" iface add wan0 wan
handle=$("$GWCTL" -j rule add allow tcp port 22 | jq -r .handle)
gw_must "$GWCTL" rule del "$handle"
gw_must "$GWCTL" rule add allow udp port 53
gw_must "$GWCTL" rule flush
printf 'iface wan0 wan\nallow tcp port 80\nallow tcp port 443\n' >"$F/p.rules"
gw_must "$GWCTL" load "$F/p.rules"
gw_must "$GWCTL" iface del wan0
gw_must "$GWCTL" set tcp_close 7
gw_must "$GWCTL" load -c "$F/p.rules"

# A last change, sent after load -c: once its events are in, anything load -c
# had said would be in too, before them.
gw_must "$GWCTL" rule add allow tcp port 9
gw_must "$GWCTL" rule flush
# shellcheck disable=SC2317 # called through wait_until
sentinel_seen() {
	[ "$(tail -n +"$((start + 1))" "$F/all.out" | grep -c rules-flushed)" -ge 2 ] &&
		[ "$(tail -n +"$((rstart + 1))" "$F/rule.json" | grep -c rules-flushed)" -ge 2 ]
}
wait_until 10 sentinel_seen || gw_fatal "the last change never came: $(cat "$F/all.out")"
tail -n +"$((start + 1))" "$F/all.out" | head -n -2 >"$F/new.out"
assert_eq "the last change came last: load -c said nothing" "rule-added rules-flushed" \
	"$(tail -n 2 "$F/all.out" | sed 's/^[0-9]* //' | cut -d' ' -f1 | tr '\n' ' ' | sed 's/ $//')"
got=$(sed 's/^[0-9]* //' "$F/new.out")
want="zone-set wan0 wan
rule-added handle $handle
rule-deleted handle $handle
rule-added handle $((handle + 1))
rules-flushed
policy-loaded txn 1 rules 2
zone-deleted wan0
tunable-set tcp_close 7"
assert_eq "every change came as an event, in order, and a check-only load none" "$want" "$got"
first=$(head -n 1 "$F/new.out" | cut -d' ' -f1)
assert_eq "the sequence numbers run without a gap" \
	"$(seq "$first" "$((first + 7))")" "$(cut -d' ' -f1 "$F/new.out")"

tail -n +"$((rstart + 1))" "$F/rule.json" | head -n -2 >"$F/new.json"
assert_eq "the filtered monitor shows only the four rule events" \
	"rule-added rule-deleted rule-added rules-flushed" \
	"$(jq -r .event "$F/new.json" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "each -j line is one document with a schema_version" "1 1 1 1" \
	"$(jq -r .schema_version "$F/new.json" | tr '\n' ' ' | sed 's/ $//')"
assert_eq "-j carries the handle and the same sequence numbers" \
	"$(sed -n 3p "$F/new.out" | cut -d' ' -f1) $handle" \
	"$(jq -r 'select(.event == "rule-deleted") | "\(.seq) \(.handle)"' "$F/new.json")"
assert_eq "another namespace's monitor saw none of it" "" "$(tail -n +"$((ostart + 1))" "$F/other_ns.out")"
assert_ok "the monitors are still running" kill -0 "$all" "$rules" "$other"
assert_fail "an unknown event name is refused" "$GWCTL" monitor nosuch

gw_finish
