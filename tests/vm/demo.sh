#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo": a gateway namespace running gatewarden between an outside
# attacker and a LAN host.  The attacker port-scans (TCP and UDP) and tries
# to connect; the LAN keeps working; another scanner is detected and
# blocked (scan_action block); a spoofed SYN flood at a published LAN
# server without SYN cookies is met with bounded budgets and, once it is a
# flood, the SYN proxy (synproxy auto, what the rule has without a word),
# and a customer's success shown with and without gatewarden; gwctl doctor
# says what else to change on the gateway.  Narrated for a human; every
# claim is also checked.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
# show CMD...: print the command as an admin would type it, then run it.
show() {
	local words=("$@")
	[ "$1" = gwctl_in ] && words=(gwctl "${@:3}")
	[ "$1" = ip ] && [ "$2" = netns ] && words=("${@:4}")
	printf '$'
	printf ' %q' "${words[@]}"
	printf '\n'
	"$@"
}

gw_require socat nmap jq tcpdump python3 gcc
flood=$(gw_helper synflood) || gw_fatal "cannot build tests/vm/helpers/synflood.c"
gw_topology
say "Topology: out ($OUT4) -- [wan0] gw [lan0] -- lan ($LAN4), plus IPv6"
say "Services: ssh-like 22 and web 80 on the gateway, web 8080 on the LAN host"
for addr in "$GW_WAN4" "$GW_WAN6"; do
	tcp_echo_server "$NS_GW" "$addr" 22
	tcp_echo_server "$NS_GW" "$addr" 80
done
for addr in "$LAN4" "$LAN6"; do tcp_echo_server "$NS_LAN" "$addr" 8080; done
for addr in "$OUT4" "$OUT6"; do tcp_echo_server "$NS_OUT" "$addr" 443; done
say "and UDP: TFTP (69) and SNMP (161) on the LAN host, nothing on 123"
udp_server "$NS_LAN" "$LAN4" 69 tftp
udp_server "$NS_LAN" "$LAN4" 161 snmp

# udp_scan: nmap -sU of the LAN host's 69, 123, 161, grepable
udp_scan() {
	# patient timeouts: an answer from a forking server under emulation
	# can take longer than -T5 waits, and would read as open|filtered
	timeout 120 ip netns exec "$NS_OUT" nmap -n -Pn -sU --max-retries 1 \
		--initial-rtt-timeout 2000ms --max-rtt-timeout 3000ms -p 69,123,161 "$LAN4" -oG - |
		grep -o '[0-9]*/[a-z|]*/udp' | cut -d/ -f1,2 | paste -sd' '
}

say "Without gatewarden, the outside sees every service:"
show ip netns exec "$NS_OUT" nmap -n -Pn -sS -T5 --max-retries 1 -p 22,80,8080 "$GW_WAN4" "$LAN4" | grep -E '^(Nmap scan|[0-9]+/tcp)'
udp=$(udp_scan)
echo "\$ nmap -sU -p 69,123,161 $LAN4   ->  $udp"
assert_eq "without gatewarden, UDP scan: TFTP and SNMP open, 123 closed (ICMP unreachable)" \
	"69/open 123/closed 161/open" "$udp"

say "Load gatewarden, mark wan0 untrusted"
gw_load
show gwctl_in "$NS_GW" iface add wan0 wan
show gwctl_in "$NS_GW" status

say "The attacker scans again (SYN scan, gateway and LAN host):"
show ip netns exec "$NS_OUT" nmap -n -Pn -sS -T5 --max-retries 1 -p 22,80,8080 "$GW_WAN4" "$LAN4" | grep -E '^(Nmap scan|[0-9]+/tcp)'
open=$(ip netns exec "$NS_OUT" nmap -n -Pn -sS -T5 --max-retries 1 -p 22,80,8080 "$GW_WAN4" "$LAN4" -oG - | grep -c '/open/')
assert_eq "the scan finds no open port" 0 "$open"

say "The attacker tries to connect, over IPv4 and IPv6:"
for target in "$GW_WAN4 22" "$LAN4 8080" "$GW_WAN6 22" "$LAN6 8080"; do
	read -r addr port <<<"$target"
	assert_fail "out -> $addr port $port refused (silently: a timeout, no RST)" \
		tcp_roundtrip "$NS_OUT" "$addr" "$port" 2
done

say "Why was out -> $LAN4 port 8080 refused?  Ask the module, then read its drop trace:"
echo "\$ gwctl explain tcp from $OUT4 port 40000 to $LAN4 port 8080 in wan0"
why=$(gwctl_in "$NS_GW" explain tcp from "$OUT4" port 40000 to "$LAN4" port 8080 in wan0)
rc=$?
echo "$why"
assert_eq "explain: it would be dropped (exit status 3), as passive, for want of a rule" \
	"3 drop_passive_denied no rule matches" \
	"$rc $(awk '$1 == "reason" { print $2 }' <<<"$why") $(sed -n 's/^rule *//p' <<<"$why")"
show gwctl_in "$NS_GW" trace reason drop_passive_denied from "$OUT4/32"
assert_ge "and the trace holds the refused SYNs from $OUT4" 1 \
	"$(gwctl_in "$NS_GW" -j trace reason drop_passive_denied from "$OUT4/32" |
		jq --arg d "$LAN4" '[.trace[] | select(.dst == $d and .dport == 8080)] | length')"

say "Meanwhile the LAN and the gateway itself reach the outside:"
for target in "$OUT4" "$OUT6"; do
	assert_ok "lan -> $target:443" tcp_roundtrip "$NS_LAN" "$target" 443
	assert_ok "gw -> $target:443" tcp_roundtrip "$NS_GW" "$target" 443
done

say "Publish the LAN web server, and only it:"
show gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 8080 comment "lan web"
show gwctl_in "$NS_GW" rule list
assert_ok "out -> $LAN4:8080 now works" tcp_roundtrip "$NS_OUT" "$LAN4" 8080
assert_fail "out -> $GW_WAN4:22 still refused" tcp_roundtrip "$NS_OUT" "$GW_WAN4" 22 2

say "The attacker scans UDP: nothing answers, not even an ICMP unreachable"
capture_start "$NS_OUT" eth0 'icmp[icmptype] == icmp-unreach'
cap=$GW_CAPTURE
udp=$(udp_scan)
echo "\$ nmap -sU -p 69,123,161 $LAN4   ->  $udp"
assert_eq "with gatewarden, every UDP port is open|filtered" \
	"69/open|filtered 123/open|filtered 161/open|filtered" "$udp"
assert_eq "and no ICMP port-unreachable reached the attacker" 0 "$(capture_stop_id "$cap")"
udp_server "$NS_OUT" "$OUT4" 5353 pong
assert_eq "while the LAN host's own question to the outside is answered" pong \
	"$(udp_connect "$NS_LAN" "$OUT4" 5353)"

say "What gatewarden tracked and dropped (non-zero counters):"
show gwctl_in "$NS_GW" conn list
show gwctl_in "$NS_GW" status

# ---- scan detection -----------------------------------------------------------------
say "Scan detection: shut a scanner out for a while (scan_action block)"
SCANNER=203.0.113.3
gw_must ip -n "$NS_OUT" addr add "$SCANNER/24" dev eth0
ip netns exec "$NS_GW" "$GWCTL" monitor scan block-released >"$GW_TMP/scan.out" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
show gwctl_in "$NS_GW" set scan_action block
show gwctl_in "$NS_GW" set scan_block_seconds 60
# shellcheck disable=SC2317 # called through wait_until
scan_blocked() { gwctl_in "$NS_GW" block list | grep -q "^$SCANNER/32 .*reason scan"; }
show ip netns exec "$NS_OUT" nmap -n -Pn -sS --max-retries 0 --min-rate 200 --max-rate 300 \
	-S "$SCANNER" -e eth0 -p 1-1000 "$LAN4" | grep -E '^(Nmap scan|[0-9]+/tcp|Nmap done)'
assert_ok "the scanner $SCANNER was blocked, reason scan" wait_until 10 scan_blocked
say "gwctl monitor saw it; the block list shows it, with the packets it dropped:"
wait_until 10 grep -q scan-blocked "$GW_TMP/scan.out"
cat "$GW_TMP/scan.out"
assert_ok "the monitor saw scan-detected and scan-blocked" \
	grep -q "scan-blocked block $SCANNER/32 timeout 60s reason scan" "$GW_TMP/scan.out"
show gwctl_in "$NS_GW" block list
assert_ok "out's own address still reaches the published $LAN4:8080" \
	tcp_roundtrip "$NS_OUT" "$LAN4" 8080
say "Anyone can forge a scanner's address: the never-block list holds what must never be cut (resolvers, the upstream gateway)"
show gwctl_in "$NS_GW" block del "$SCANNER"
show gwctl_in "$NS_GW" set scan_action log

# ---- gwctl doctor ----------------------------------------------------------------
say "gwctl doctor: what else to change on this gateway"
show gwctl_in "$NS_GW" iface add lan0 lan
gwctl_in "$NS_GW" save >"$GW_TMP/gateway.rules"
show gwctl_in "$NS_GW" doctor -f "$GW_TMP/gateway.rules"
warned=$(gwctl_in "$NS_GW" -j doctor -f "$GW_TMP/gateway.rules" | jq -r '[.warnings[].check] | unique | join(" ")')
assert_ok "doctor flags rp_filter, off on wan0 in a new namespace" grep -qw rp_filter <<<"$warned"
say "Apply its advice:"
show ip netns exec "$NS_GW" sysctl -w net.ipv4.conf.wan0.rp_filter=1
show gwctl_in "$NS_GW" doctor -f "$GW_TMP/gateway.rules"
assert_ok "then doctor is satisfied (exit 0)" gwctl_in "$NS_GW" doctor -f "$GW_TMP/gateway.rules"

# ---- a spoofed SYN flood at the published LAN web server ---------------------
say "A spoofed SYN flood at a published LAN web server (port 80), while a customer on a second uplink keeps using it"
say "The LAN host is an appliance without SYN cookies; its backlog is all it has"
gw_client_ns 25
# The spoofed sources are blackholed on the gateway, so the server's SYN-ACKs
# to them die there and never leave the guest; rp_filter, which would drop
# them for that, is turned off again: on a real uplink they route back out.
gw_must ip -n "$NS_GW" route add blackhole 198.51.100.128/25
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.wan0.rp_filter=0
# (tcp_max_syn_backlog above the listen backlog: at 4096 the kernel would
# keep its last quarter for peers it has talked to, such as our customer)
gw_must ip netns exec "$NS_LAN" sysctl -qw net.ipv4.tcp_syncookies=0 net.ipv4.tcp_max_syn_backlog=16384
gw_on_exit sysctl -qw "net.core.netdev_max_backlog=$(sysctl -n net.core.netdev_max_backlog)"
gw_must sysctl -qw net.core.netdev_max_backlog=100000
_gw_start_server "$NS_LAN" 80 "TCP4-LISTEN:80,bind=$LAN4,fork,reuseaddr,backlog=4096" PIPE
show gwctl_in "$NS_GW" iface add wan1 wan
show gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80 comment "lan web"
# the flood budgets: half-open limits, early drop, resets to the server;
# the rule's synproxy auto engages at a quarter of max_halfopen_dst
ip netns exec "$NS_GW" "$GWCTL" monitor synproxy >"$GW_TMP/monitor.out" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
for kv in "max_halfopen 2048" "max_halfopen_dst 1024" "halfopen_adaptive_start 512" \
	"halfopen_adaptive_end 2048" "halfopen_reset_rate 5000"; do
	read -r k v <<<"$kv"
	show gwctl_in "$NS_GW" set "$k" "$v"
done
mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"
flood_s=10

wan_rx() { ip -n "$NS_GW" -j -s link show dev wan0 | jq '.[0].stats64.rx.packets'; }
# shellcheck disable=SC2317 # called through wait_until
flood_arrived() { [ "$(wan_rx)" -ge $(($1 + 5000)) ]; }
# flood_round: flood for $flood_s s while the client makes requests; sets
# served (percent), ok, fail, pps
flood_round() {
	local out
	ip netns exec "$NS_OUT" "$flood" eth0 "$mac" 198.51.100.128 "$LAN4" 80 \
		50000000 "$flood_s" 7 >"$GW_TMP/flood.out" 2>&1 &
	local flooder=$!
	gw_on_exit "kill $flooder 2>/dev/null"
	# the flood reaches the gateway before the customer starts
	wait_until 10 flood_arrived "$(wan_rx)" || echo "note: the flood did not start"
	out=$(ip netns exec "$NS_CL" python3 "$GW_ROOT/tests/vm/helpers/tcp_reqloop.py" \
		"$LAN4" 80 $((flood_s - 3)) 2)
	wait "$flooder"
	read -r _ ok _ fail <<<"$out"
	pps=$(sed -n 's/.*(\([0-9]*\) pkt\/s).*/\1/p' "$GW_TMP/flood.out")
	served=$((ok * 100 / (ok + fail > 0 ? ok + fail : 1)))
}
assert_ok "the customer reaches the web server before the flood" tcp_roundtrip "$NS_CL" "$LAN4" 80
flood_round
echo "with gatewarden: the customer got $ok of $((ok + fail)) requests served ($served%) under ${pps:-?} spoofed SYNs a second"
with=$served
assert_ge "the flood was a flood (${pps:-0} pkt/s)" 500 "${pps:-0}"
# What gatewarden does: its own state stays bounded, and once 256
# handshakes to the server are in progress it answers the SYNs itself, with
# cookies, so the server only ever hears from clients that answered.
halfopen=$(gwctl_in "$NS_GW" -j stats | jq .table.halfopen)
assert_le "the gateway's half-open handshakes stayed within max_halfopen ($halfopen)" 2048 "$halfopen"
say "gwctl monitor saw the SYN proxy engage:"
cat "$GW_TMP/monitor.out"
assert_ok "the SYN proxy engaged for the server" grep -q "synproxy-engaged $LAN4 port 80" "$GW_TMP/monitor.out"
# (the SYN-ACKs to the blackholed sources have no route: drop_synproxy_unsent)
took=$(($(gw_counter "$NS_GW" synproxy_syn) + $(gw_counter "$NS_GW" drop_synproxy_unsent)))
assert_ge "and took the flood's SYNs itself (synproxy_syn + drop_synproxy_unsent)" 1000 "$took"
assert_ge "the customer's requests went through it (synproxy_opened)" 1 "$(gw_counter "$NS_GW" synproxy_opened)"
show gwctl_in "$NS_GW" status

# ---- the same flood without gatewarden --------------------------------------------
say "The same flood without gatewarden:"
gw_unload
flood_round
echo "without gatewarden: the customer got $ok of $((ok + fail)) requests served ($served%) under ${pps:-?} spoofed SYNs a second (with: $with%)"
# measured: 216 of 216 (100 %) with, 0 of 4 without, at 26 000-32 000 SYNs/s
assert_ge "with gatewarden's SYN proxy the customer was served ($with%)" 90 "$with"
assert_ge "and better than with no firewall ($served%)" $((served + 1)) "$with"
say "The server has no SYN cookies; with gatewarden's SYN proxy in front it needs none"

gw_finish
