#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ACK probes and the stragglers of flows that just went, under
# scan_action block.
#
# 30 connections from lan to an outside server are held open, and the
# gateway forgets their flows (gwctl conn flush); the server's side then
# sends an ACK on each: 30 segments of no flow from one source to 30
# ports within a second, which would score 30 (over the threshold, 21)
# were they probes.  They are stragglers of flows that left the table a
# moment ago (the scan tracker's two-generation bitmap of their tuples):
# scan_straggler counts them, nothing is detected, nothing blocked.
# nmap -sA and -sW (ACK probes of no flow) from two other sources are
# blocked, reason scan.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require nmap jq python3
gw_require_python scapy
many=$GW_ROOT/tests/vm/helpers/tcp_many.py
F=$GW_TMP
OUT4B=203.0.113.3
OUT4C=203.0.113.4
N=30

gw_gateway
gw_must ip -n "$NS_OUT" addr add "$OUT4B/24" dev eth0
gw_must ip -n "$NS_OUT" addr add "$OUT4C/24" dev eth0
gw=(gwctl_in "$NS_GW")
gw_must "${gw[@]}" set scan_action block
# shellcheck disable=SC2317 # called through wait_until / assert_*
blocked() {
	"${gw[@]}" -j block list |
		jq -e --arg p "$1/32" '.block[] | select(.prefix == $p and .reason == "scan")' >/dev/null
}
# shellcheck disable=SC2317
counter_ge() { [ "$(gw_counter "$NS_GW" "$1")" -ge "$2" ]; }

# ---- stragglers of flows that went do not score ------------------------------------
ip netns exec "$NS_OUT" python3 "$many" server "$OUT4" 9000 >"$F/server.out" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
wait_listener "$NS_OUT" tcp 9000 30 || gw_fatal "no server on $OUT4:9000"
rm -f "$F/gate"
ip netns exec "$NS_LAN" python3 "$many" client "$OUT4" 9000 "$N" $((20 * GW_TIME_SCALE)) \
	--gate "$F/gate" >"$F/client.out" 2>&1 &
client=$!
gw_on_exit "kill $client 2>/dev/null"
wait_until 30 grep -q "^served $N$" "$F/client.out" ||
	gw_fatal "the lan client was not served: $(cat "$F/client.out")"
# the lan side's ephemeral ports of the connections to $OUT4:9000
"${gw[@]}" -j conn list | jq -r --arg o "$OUT4" \
	'.flows[] | select(.dst == $o and .dport == 9000) | .sport' >"$F/ports"
assert_eq "the gateway holds the $N connections" "$N" "$(wc -l <"$F/ports")"
gw_must "${gw[@]}" conn flush
nf=$(gw_counter "$NS_GW" drop_tcp_no_flow)
strag=$(gw_counter "$NS_GW" scan_straggler)
ip netns exec "$NS_OUT" python3 - "$OUT4" "$LAN4" "$F/ports" <<'PY' || gw_fatal "scapy failed"
import random
import sys

from scapy.all import IP, TCP, conf, send

conf.verb = 0
src, dst, ports = sys.argv[1], sys.argv[2], sys.argv[3]
pkts = [IP(src=src, dst=dst) / TCP(sport=9000, dport=int(p), flags="A",
                                   seq=random.getrandbits(32),
                                   ack=random.getrandbits(32))
        for p in open(ports).read().split()]
send(pkts)
PY
assert_ok "the server's ACKs were dropped, no flow" \
	wait_until 10 counter_ge drop_tcp_no_flow $((nf + N))
assert_ge "scan_straggler counted each as a straggler" $((strag + N)) \
	"$(gw_counter "$NS_GW" scan_straggler)"
assert_eq "nothing was detected" 0 "$(gw_counter "$NS_GW" scan_detected)"
assert_fail "the server is not blocked" blocked "$OUT4"
# its connections have no flow any more: nothing to wait for
kill "$client" 2>/dev/null
wait "$client" 2>/dev/null

# ---- nmap -sA, -sW: ACK probes of no flow are a scan -------------------------------
# one probe a port at 200 to 300 a second, well within scan_delay_ms
nmap_scan() {
	timeout 300 ip netns exec "$NS_OUT" nmap -n -Pn --max-retries 0 \
		--min-rate 200 --max-rate 300 -oG - -e eth0 "$@" >>"$F/nmap.out" 2>&1
}
nf=$(gw_counter "$NS_GW" drop_tcp_no_flow)
nmap_scan -sA -p 1-100 -S "$OUT4B" "$LAN4"
assert_ok "nmap -sA: $OUT4B blocked, reason scan" wait_until 10 blocked "$OUT4B"
assert_ge "its probes were drop_tcp_no_flow" $((nf + 7)) "$(gw_counter "$NS_GW" drop_tcp_no_flow)"
assert_le "blocked within the first few dozen probes" $((nf + 60)) \
	"$(gw_counter "$NS_GW" drop_tcp_no_flow)"
nmap_scan -sW -p 1-100 -S "$OUT4C" "$LAN4"
assert_ok "nmap -sW: $OUT4C blocked, reason scan" wait_until 10 blocked "$OUT4C"
assert_ok "scan_blocked counted both" wait_until 10 counter_ge scan_blocked 2
gw_finish
