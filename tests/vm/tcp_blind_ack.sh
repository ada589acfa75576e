#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Blind completion of spoofed handshakes (issue 13, item 3).  An attacker in
# out, spoofing 198.51.100.7 (an address that does not answer), sends SYNs
# from two ports to an allowed service with max-src-conn 2 (scapy), then,
# never seeing the SYN-ACKs, sweeps the acknowledgement space of both with
# bare ACKs one 66 000 apart, 65 100 per port, so that one guess per port
# falls within the window below the server's ISN + 1 that the window checks
# alone would take (tests/vm/helpers/ack_sweep.c: scapy is too slow for the
# 130 200 segments under emulation).  gatewarden must take only the ACK of
# exactly ISN + 1: no flow from .7 ends ESTABLISHED (a ghost the server's
# reset at SEG.ACK would not close, counted against .7 for days), and a real
# client at .7, once the address exists, connects and echoes.  Before the
# fix both ghosts formed and the real client was refused (drop_src_limit).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
/usr/bin/python3 -c 'import scapy' 2>/dev/null || gw_skip "python3-scapy not installed"
sweep=$(gw_helper ack_sweep) || gw_fatal "cannot build tests/vm/helpers/ack_sweep.c"

VICTIM=198.51.100.7 PORT=80 ISN=1000
SPORTS=(1001 1002)
per_port=65100 step=66000

gw_topology
# replies to the spoofed source go back out of wan0, where nobody answers
gw_must ip -n "$NS_GW" route add 198.51.100.0/24 via "$OUT4"
# the server gives up a handshake soon, so that nothing is left of the
# attack's handshakes but gatewarden's entries when the real client comes
gw_must ip netns exec "$NS_LAN" sysctl -qw net.ipv4.tcp_synack_retries=1

gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port "$PORT" max-src-conn 2
# the half-open entries must outlive the sweep, however slow the guest
gw_must gwctl_in "$NS_GW" set tcp_syn_recv 900
tcp_echo_server "$NS_LAN" "$LAN4" "$PORT"

# flows_from STATE: how many flows from the victim to the service are in
# STATE (any state with "any").
flows_from() {
	gwctl_in "$NS_GW" -j conn list | jq --arg s "$VICTIM" --arg st "$1" --argjson p "$PORT" \
		'[.flows[]? | select(.src == $s and .dport == $p and ($st == "any" or .state == $st))] | length'
}
# shellcheck disable=SC2317 # called through wait_until
half_open() { [ "$(flows_from SYN_RECV)" -ge "${#SPORTS[@]}" ]; }
# shellcheck disable=SC2317
server_idle() { [ -z "$(ip netns exec "$NS_LAN" ss -Htn state syn-recv)" ]; }

# ---- the spoofed SYNs ------------------------------------------------------
ip netns exec "$NS_OUT" /usr/bin/python3 - "$VICTIM" "$LAN4" "$PORT" "$ISN" "${SPORTS[@]}" <<'PY' ||
import sys
from scapy.all import IP, TCP, conf, send
conf.verb = 0
src, dst, dport, isn = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for sport in sys.argv[5:]:
    send(IP(src=src, dst=dst) / TCP(sport=int(sport), dport=dport, flags="S",
                                    seq=isn, window=64240))
PY
	gw_fatal "scapy could not send the SYNs"
assert_ok "the spoofed SYNs opened ${#SPORTS[@]} half-open flows, answered by the server" \
	wait_until 20 half_open

# ---- the sweep ---------------------------------------------------------------
oow0=$(gw_counter "$NS_GW" drop_out_of_window)
start=$(( (RANDOM << 17 ^ RANDOM << 2 ^ RANDOM) & 0xffffffff ))
out=$(ip netns exec "$NS_OUT" "$sweep" eth0 "$(gw_mac "$NS_GW" wan0)" "$VICTIM" "$LAN4" "$PORT" \
	$((ISN + 1)) "$start" "$step" "$per_port" $((240 * GW_TIME_SCALE)) "${SPORTS[@]}")
rc=$?
echo "ack sweep from $start down by $step, ${#SPORTS[@]} ports: $out"
assert_eq "the whole sweep went out ($((per_port * ${#SPORTS[@]})) ACKs, 2^32 covered per port)" 0 "$rc"
oow=$(( $(gw_counter "$NS_GW" drop_out_of_window) - oow0 ))
echo "    gw drop_out_of_window +$oow, drop_src_limit $(gw_counter "$NS_GW" drop_src_limit)"
echo "    flows from $VICTIM: $(gwctl_in "$NS_GW" -j conn list |
	jq -c --arg s "$VICTIM" '[.flows[]? | select(.src == $s) | {sport, state}]')"
assert_ge "gatewarden saw and dropped (nearly) every forged ACK" \
	$((per_port * ${#SPORTS[@]} - 10)) "$oow"
assert_eq "no flow from $VICTIM is ESTABLISHED (no ghost)" 0 "$(flows_from ESTABLISHED)"

# ---- the real client at .7 ---------------------------------------------------
wait_until 30 server_idle || echo "    (the server still holds a handshake)"
gw_must ip -n "$NS_OUT" addr add "$VICTIM/24" dev eth0
line="blind-ack-$RANDOM"
# shellcheck disable=SC2317
real_client() {
	local reply
	reply=$(printf '%s\n' "$line" | timeout -k 1 $((8 * GW_TIME_SCALE)) ip netns exec "$NS_OUT" \
		socat -T $((5 * GW_TIME_SCALE)) -t $((5 * GW_TIME_SCALE)) - \
		"TCP4:$LAN4:$PORT,bind=$VICTIM,connect-timeout=$((5 * GW_TIME_SCALE))") || return 1
	[ "$reply" = "$line" ]
}
src_limit0=$(gw_counter "$NS_GW" drop_src_limit)
assert_ok "a real client at $VICTIM connects and echoes" real_client
assert_ok "and again (two real connections fit max-src-conn 2)" real_client
assert_eq "no connection from $VICTIM was refused by max-src-conn" 0 \
	$(( $(gw_counter "$NS_GW" drop_src_limit) - src_limit0 ))
assert_eq "conn list holds no ESTABLISHED ghost from $VICTIM" 0 "$(flows_from ESTABLISHED)"

gw_finish
