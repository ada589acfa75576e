#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scan detection with scan_action block, against a real nmap from out.
#
# A SYN scan of ports 1-1000 is blocked within its first few dozen probes
# (drop_passive_denied stops growing, drop_blocked takes over), with a
# scan-detected and a scan-blocked event in gwctl monitor and a block entry
# of reason scan in gwctl block list, whose hits are the packets it
# dropped; an allowed service on lan refuses the scanner until the entry
# expires (a block-released event, with the hits) and serves it again
# after.  A second
# scan blocks it for twice as long.  NULL, FIN and XMAS scans (-sN, -sF,
# -sX) are blocked at their first probe; a UDP scan (-sU) is blocked too.
# An IPv6 scanner is blocked as its /64, unless that /64 holds one of the
# gateway's addresses (its wan link's).  A scan spoofed from a resolver
# in the never-block list, or from a host a lan client holds a connection
# to, blocks nothing (the event says why it was spared).  With
# scan_action log nothing is blocked, but the event is seen.  No fixed
# sleep: every wait polls the block list, a counter or the monitor.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require nmap socat jq python3
helpers=$GW_ROOT/tests/vm/helpers
F=$GW_TMP
RESOLVER=198.51.100.53
OUT4B=203.0.113.3
# A block must outlast the checks made while it holds: on the debug
# kernel 30 s ended before the allowed service was tried.
BLOCK_S=$((30 * GW_TIME_SCALE))

gw_topology
gw_must ip -n "$NS_OUT" addr add "$OUT4B/24" dev eth0
gw_load
gw=(gwctl_in "$NS_GW")
cat >"$F/base.rules" <<RULES
iface wan0 wan
iface lan0 lan
allow tcp to $LAN4 port 8080
never-block $RESOLVER
set scan_action block
set scan_block_seconds $BLOCK_S
RULES
gw_must "${gw[@]}" load "$F/base.rules"
tcp_echo_server "$NS_LAN" "$LAN4" 8080
wait_listener "$NS_LAN" tcp 8080 30 || gw_fatal "no echo server on 8080"

ip netns exec "$NS_GW" "$GWCTL" monitor >"$F/monitor.out" 2>"$F/monitor.err" &
mon=$!
gw_on_exit "kill $mon 2>/dev/null"
# subscribed once it prints the event of a change
# shellcheck disable=SC2317 # called through wait_until
synced() {
	"${gw[@]}" set scan_threshold 21 && grep -q tunable-set "$F/monitor.out"
}
wait_until 10 synced || gw_fatal "the monitor never saw an event: $(cat "$F/monitor.err")"

# nmap_scan ARGS...: nmap from out, bounded, one probe a port at 200 to
# 300 a second (1000 ports in under 5 s, well within a block; each well
# within scan_delay_ms of the last), grepable output.
nmap_scan() {
	timeout 300 ip netns exec "$NS_OUT" nmap -n -Pn --max-retries 0 \
		--min-rate 200 --max-rate 300 -oG - "$@" >>"$F/nmap.out" 2>&1
}
# scan_entries: the block entries of reason scan, as "prefix timeout" lines.
scan_entries() {
	"${gw[@]}" -j block list | jq -r '.block[] | select(.reason == "scan") | "\(.prefix) \(.timeout)"'
}
# shellcheck disable=SC2317 # called through wait_until / assert_*
blocked() { scan_entries | grep -q "^$1/32 "; }
# shellcheck disable=SC2317
unblocked() { ! blocked "$1"; }
# shellcheck disable=SC2317
blocked_prefix() { scan_entries | grep -q "^$1 "; }
# shellcheck disable=SC2317
events() { grep -c -- "$1" "$F/monitor.out" || true; }
# shellcheck disable=SC2317
seen() { [ "$(events "$1")" -ge "$2" ]; }
# shellcheck disable=SC2317
counter_is() { [ "$(gw_counter "$NS_GW" "$1")" = "$2" ]; }

# ---- a SYN scan: blocked within its first few dozen probes -------------------
assert_ok "before any scan, $OUT4 reaches the allowed $LAN4:8080" \
	tcp_roundtrip "$NS_OUT" "$LAN4" 8080 10
nmap_scan -sS -p 1-1000 "$LAN4"
assert_ok "the scanner $OUT4 is in the block list, reason scan" wait_until 10 blocked "$OUT4"
assert_eq "its first block lasts scan_block_seconds" "$OUT4/32 $BLOCK_S" "$(scan_entries)"
# at once: the block lasts BLOCK_S from here, and the checks below took
# longer than that on a loaded host
assert_fail "while blocked, the allowed service refuses $OUT4" \
	tcp_roundtrip "$NS_OUT" "$LAN4" 8080 2
probes=$(gw_counter "$NS_GW" drop_passive_denied)
echo "# probes scored before the block: $probes; dropped blocked: $(gw_counter "$NS_GW" drop_blocked)"
assert_le "blocked within the first few dozen probes (drop_passive_denied)" 60 "$probes"
assert_ge "its later probes were drop_blocked" 100 "$(gw_counter "$NS_GW" drop_blocked)"
assert_eq "scan_detected counted it" 1 "$(gw_counter "$NS_GW" scan_detected)"
assert_ok "scan_blocked counted it" wait_until 10 counter_is scan_blocked 1
assert_ok "gwctl monitor saw scan-detected" wait_until 10 seen scan-detected 1
assert_ok "and scan-blocked, reason scan" wait_until 10 seen "scan-blocked.*$OUT4/32.*reason scan" 1
assert_ok "gwctl block list shows the reason" \
	bash -c "ip netns exec $NS_GW $GWCTL block list | grep -q '^$OUT4/32 .*reason scan'"
assert_ok "gwctl explain names the scan block" bash -c "ip netns exec $NS_GW $GWCTL explain \
	tcp from $OUT4 port 40000 to $LAN4 port 8080 in wan0 | grep -q '^block .*$OUT4/32.*reason scan'"
# the entry's hits are the packets it dropped: every drop_blocked so far
assert_eq "gwctl block list: the entry's hits are the drop_blocked packets" \
	"$(gw_counter "$NS_GW" drop_blocked)" \
	"$("${gw[@]}" -j block list | jq -r '.block[] | select(.reason == "scan") | .hits')"
assert_ok "and the text listing shows them" \
	bash -c "ip netns exec $NS_GW $GWCTL block list | grep -q '^$OUT4/32 .*reason scan  hits [1-9]'"
assert_ok "the block expires within scan_block_seconds" wait_until $((BLOCK_S + 10)) unblocked "$OUT4"
assert_ok "gwctl monitor saw block-released, reason scan, with its hits" \
	wait_until 10 seen "block-released .*$OUT4/32 timeout ${BLOCK_S}s reason scan hits [1-9]" 1
assert_ok "after it, $OUT4 is served again" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 10

# ---- a second scan doubles the ban ------------------------------------------------
nmap_scan -sS -p 1-1000 "$LAN4"
assert_ok "a second scan is blocked again" wait_until 10 blocked "$OUT4"
assert_eq "a repeat offender is blocked for twice as long" "$OUT4/32 $((2 * BLOCK_S))" "$(scan_entries)"
gw_must "${gw[@]}" block del "$OUT4"

# ---- stealth scans: one impossible packet is enough --------------------------------
for kind in sN sF sX; do
	bad=$(gw_counter "$NS_GW" drop_tcp_bad_flags)
	before=$(gw_counter "$NS_GW" scan_blocked)
	nmap_scan "-$kind" -p 1-100 "$LAN4"
	assert_ok "nmap -$kind: $OUT4 blocked, reason scan" wait_until 10 blocked "$OUT4"
	assert_ok "nmap -$kind: scan_blocked counted it" \
		wait_until 10 counter_is scan_blocked $((before + 1))
	assert_ge "nmap -$kind: its probes were drop_tcp_bad_flags" $((bad + 1)) \
		"$(gw_counter "$NS_GW" drop_tcp_bad_flags)"
	gw_must "${gw[@]}" block del "$OUT4"
done

# ---- a UDP scan: its probes score as well ------------------------------------------
udp=$(gw_counter "$NS_GW" drop_udp_probe)
nmap_scan -sU --top-ports 50 "$LAN4"
assert_ok "nmap -sU --top-ports 50: $OUT4 blocked, reason scan" wait_until 10 blocked "$OUT4"
assert_ge "its probes were drop_udp_probe" $((udp + 7)) "$(gw_counter "$NS_GW" drop_udp_probe)"
gw_must "${gw[@]}" block del "$OUT4"

# ---- IPv6: the source is a /64, never one holding the gateway's own address -------
BAD6=2001:db8:bad::2
gw_must ip -n "$NS_OUT" addr add "$BAD6/64" dev eth0 nodad
# a way back for gw's neighbour advertisements to nmap's solicitations
gw_must ip -n "$NS_GW" -6 route add 2001:db8:bad::/64 via "$OUT6" dev wan0
nmap_scan -6 -sS -p 1-100 -S "$BAD6" -e eth0 "$LAN6"
assert_ok "an IPv6 scanner's /64 is blocked, reason scan" \
	wait_until 10 blocked_prefix 2001:db8:bad::/64
gw_must "${gw[@]}" block del 2001:db8:bad::/64
nmap_scan -6 -sS -p 1-100 "$LAN6"
assert_ok "a scanner in the /64 of the gateway's own wan address is spared" \
	wait_until 10 seen "scan-detected.*2001:db8:203::/64.*spared own" 1
assert_eq "and not blocked" "" "$(scan_entries)"

# ---- a scan spoofed from the never-block resolver blocks nothing ------------------
spared=$(gw_counter "$NS_GW" scan_spared)
denied=$(gw_counter "$NS_GW" drop_passive_denied)
# nmap asks the kernel for its route from the spoofed source, which the
# kernel refuses for an address out does not have ("failed to determine
# route"): out gets it, as the IPv6 scanner got its own above, and gw a
# route back to it.
gw_must ip -n "$NS_OUT" addr add "$RESOLVER/32" dev eth0
gw_must ip -n "$NS_GW" route add "$RESOLVER/32" via "$OUT4" dev wan0
nmap_scan -sS -p 1-200 -S "$RESOLVER" -e eth0 "$LAN4"
assert_ge "the spoofed probes reached gatewarden" $((denied + 7)) "$(gw_counter "$NS_GW" drop_passive_denied)"
assert_ok "scan_spared counted it" wait_until 10 counter_is scan_spared $((spared + 1))
assert_ok "the event says the never-block list spared it" \
	wait_until 10 seen "scan-detected.*$RESOLVER/32.*spared never-block" 1
assert_eq "the spoofed scan blocked nothing" "" "$(scan_entries)"
# what the never-block list is for: lan's questions to its resolver
udp_server "$NS_OUT" "$RESOLVER" 53 answer
assert_eq "lan's DNS through $RESOLVER keeps working" answer \
	"$(udp_connect "$NS_LAN" "$RESOLVER" 53)"

# ---- nor one from a host a lan client holds a connection to -----------------------
tcp_echo_server "$NS_OUT" "$OUT4" 9000
wait_listener "$NS_OUT" tcp 9000 30 || gw_fatal "no echo server on $OUT4:9000"
rm -f "$F/ready" "$F/gate"
ip netns exec "$NS_LAN" /usr/bin/python3 "$helpers/tcp_hold.py" gate \
	"$OUT4" 9000 "$F/ready" "$F/gate" 120 >"$F/hold.out" 2>&1 &
hold=$!
gw_on_exit "kill $hold 2>/dev/null"
wait_file "$F/ready" 30 || gw_fatal "held connection never came up: $(cat "$F/hold.out")"
nmap_scan -sS -p 1-200 "$LAN4"
assert_ok "the event says an inside flow spared it" \
	wait_until 10 seen "scan-detected.*$OUT4/32.*spared inside-flow" 1
assert_eq "a peer of a connection from inside is not blocked" "" "$(scan_entries)"
touch "$F/gate"
assert_ok "the held connection lived through it" wait "$hold"

# ---- scan_action log: the event, no block -------------------------------------------
# from $OUT4B, a source not seen yet: $OUT4's last scan may still be the
# round it was spared in (nothing new within scan_delay_ms of its end)
gw_must "${gw[@]}" set scan_action log
logged='scan-detected .*score [0-9]*$'
plain=$(events "$logged")
detected=$(gw_counter "$NS_GW" scan_detected)
blocks=$(gw_counter "$NS_GW" scan_blocked)
nmap_scan -sS -p 1-1000 -S "$OUT4B" -e eth0 "$LAN4"
assert_ok "the monitor saw its scan-detected, with no spared" \
	wait_until 10 seen "$logged" $((plain + 1))
assert_eq "scan_detected counted it once" $((detected + 1)) "$(gw_counter "$NS_GW" scan_detected)"
assert_eq "with scan_action log nothing is blocked" "" "$(scan_entries)"
assert_eq "scan_blocked did not move" "$blocks" "$(gw_counter "$NS_GW" scan_blocked)"
assert_ok "the event names $OUT4B" grep -q "scan-detected .*$OUT4B/32 score" "$F/monitor.out"
assert_ok "$OUT4 is still served" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 10
assert_ok "gwctl get scan_action prints the word" \
	bash -c "ip netns exec $NS_GW $GWCTL get scan_action | grep -qw log"

echo "# monitor:"
sed 's/^/#   /' "$F/monitor.out"
gw_finish
