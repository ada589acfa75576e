#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What scan detection must leave alone, under scan_action block and the
# default scoring (threshold 21, delay 3 s, weights 3 and 1).
#
# A lan client scanning outward (nmap -sS of 1001 ports of an outside
# host) and opening 200 connections at once to an outside server: none of
# it, nor what the outside answers, is scored (scan_detected stays 0,
# the block list empty).  A slow scan from outside, one SYN to a new
# privileged port every 5 s (times GW_TIME_SCALE), 8 of them: each would
# weigh 3, 24 in all, over the threshold, but never two within the delay,
# so it is not even logged, let alone blocked; every probe was dropped.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require nmap jq python3
gw_require_python scapy
many=$GW_ROOT/tests/vm/helpers/tcp_many.py
F=$GW_TMP
PROBES=8
GAP=$((5 * GW_TIME_SCALE))

gw_gateway
gw=(gwctl_in "$NS_GW")
gw_must "${gw[@]}" set scan_action block
# shellcheck disable=SC2317 # called through assert_*
no_blocks() { [ "$("${gw[@]}" -j block list | jq '.block | length')" = 0 ]; }

# ---- a lan client scanning and connecting outward ----------------------------------
ip netns exec "$NS_OUT" python3 "$many" server "$OUT4" 9000 >"$F/server.out" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
wait_listener "$NS_OUT" tcp 9000 30 || gw_fatal "no server on $OUT4:9000"
timeout 300 ip netns exec "$NS_LAN" nmap -n -Pn -sS -p 1-1000,9000 --max-retries 0 \
	--min-rate 200 --max-rate 300 -oG - "$OUT4" >"$F/nmap.out" 2>&1
assert_ok "the outward scan ran, and found the server" grep -q "9000/open" "$F/nmap.out"
ip netns exec "$NS_LAN" python3 "$many" client "$OUT4" 9000 200 $((30 * GW_TIME_SCALE)) \
	>"$F/client.out" 2>&1
assert_ok "200 connections from lan at once were served" grep -q "^served 200$" "$F/client.out"
assert_eq "none of it was scored" 0 "$(gw_counter "$NS_GW" scan_detected)"
assert_eq "nothing inbound was dropped for want of a rule" 0 \
	"$(gw_counter "$NS_GW" drop_passive_denied)"
assert_ok "nothing was blocked" no_blocks

# ---- a slow scan, one probe every 5 s ------------------------------------------------
denied=$(gw_counter "$NS_GW" drop_passive_denied)
start=$SECONDS
ip netns exec "$NS_OUT" python3 - "$OUT4" "$LAN4" "$PROBES" "$GAP" <<'PY' || gw_fatal "scapy failed"
import random
import sys
import time

from scapy.all import IP, TCP, conf, send

conf.verb = 0
src, dst, n, gap = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
for i in range(n):
    if i:
        time.sleep(gap)  # the scan's own pace, not a wait for the gateway
    send(IP(src=src, dst=dst) / TCP(sport=random.randint(20000, 60000),
                                    dport=20 + i, flags="S"))
PY
echo "# $PROBES probes in $((SECONDS - start)) s"
assert_eq "every probe was dropped (drop_passive_denied)" $((denied + PROBES)) \
	"$(gw_counter "$NS_GW" drop_passive_denied)"
assert_eq "the slow scan was not even detected" 0 "$(gw_counter "$NS_GW" scan_detected)"
assert_ok "nor blocked" no_blocks
gw_finish
