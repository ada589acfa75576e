#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The per-destination half-open budget, one SYN at a time.  With
# max_halfopen_dst 8, eight spoofed SYNs fill lan's port 80; each further
# SYN evicts the longest-waiting one, and gatewarden resets the server's
# half-open connection for it, as its client would have.  The server runs
# with tcp_syncookies=0, so its SYN backlog is real state: the resets must
# show up there (TcpExtEmbryonicRsts, ss state syn-recv), and a legitimate
# client must still connect with the budget full.  Port 81 on the same
# host has its own budget.  Then the same over IPv6, on port 82.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq gcc tcpdump
budget=8

flood=$(gw_helper synflood) || gw_fatal "cannot build tests/vm/helpers/synflood.c"
gw_topology
gw_must ip -n "$NS_GW" route add blackhole 198.51.100.0/24
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.wan0.rp_filter=0
# The server forgets a half-open connection after its last SYN-ACK retry
# (63 s by default); on the debug kernel this scenario takes longer than that
# between its first SYNs and its last look at the backlog.
gw_must ip netns exec "$NS_LAN" sysctl -qw net.ipv4.tcp_syncookies=0 \
	net.ipv4.tcp_synack_retries=9
gw_load hashsize=1024
gw_must gwctl_in "$NS_GW" iface add wan0 wan
# the half-open budgets alone: synproxy auto (the default) would answer
# this flood itself (synproxy_auto.sh)
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80-81 synproxy off
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN6/128" port 82 synproxy off
gw_must ip -n "$NS_GW" -6 route add blackhole 2001:db8:ff::/64
gw_must gwctl_in "$NS_GW" set max_halfopen_dst "$budget"
for port in 80 81; do
	_gw_start_server "$NS_LAN" "$port" "TCP4-LISTEN:$port,bind=$LAN4,fork,reuseaddr,backlog=128" PIPE
done
_gw_start_server "$NS_LAN" 82 "TCP6-LISTEN:82,bind=[$LAN6],fork,reuseaddr,backlog=128" PIPE
mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"

halfopen() { gwctl_in "$NS_GW" -j stats | jq .table.halfopen; }
syn_recv() { ip netns exec "$NS_LAN" ss -Htn state syn-recv "sport = :$1" | wc -l; }
# shellcheck disable=SC2317 # called through wait_until
syn_recv_at_least() { [ "$(syn_recv "$1")" -ge "$2" ]; }
# shellcheck disable=SC2317 # called through wait_until
embryonic_resets_at_least() {
	[ $(($(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts) - embryonic0)) -ge "$1" ]
}
# shellcheck disable=SC2317 # called through wait_until
captured_at_least() { [ "$(capture_count)" -ge "$1" ]; }
# syns BASE BITS PORT N [DST]: N SYNs, from the 2^BITS addresses around
# BASE (IPv6: BASE + k), to DST (lan's IPv4 address)
syns() {
	gw_must ip netns exec "$NS_OUT" "$flood" eth0 "$mac" "$1" "${5:-$LAN4}" "$3" "$4" 10 "$2" >/dev/null
}

syns 198.51.100.0 3 80 "$budget"
wait_until 5 syn_recv_at_least 80 "$budget"
assert_eq "$budget spoofed SYNs are $budget half-open entries" "$budget" "$(halfopen)"
assert_eq "and $budget connections in the server's SYN backlog" "$budget" "$(syn_recv 80)"

capture_start "$NS_LAN" eth0 "tcp[tcpflags] & tcp-rst != 0 and dst port 80"
evicted0=$(gw_counter "$NS_GW" halfopen_evicted)
resets0=$(gw_counter "$NS_GW" halfopen_reset)
embryonic0=$(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts)
syns 198.51.100.100 2 80 4
wait_until 5 captured_at_least 4
rsts=$(capture_stop)
capture_show | head -n 4 | sed 's/^/    /'
assert_eq "the budget holds ($budget)" "$budget" "$(halfopen)"
assert_eq "4 more SYNs evicted 4 old ones" 4 $(($(gw_counter "$NS_GW" halfopen_evicted) - evicted0))
assert_eq "4 resets counted" 4 $(($(gw_counter "$NS_GW" halfopen_reset) - resets0))
assert_eq "4 resets reached the server" 4 "$rsts"
wait_until 5 embryonic_resets_at_least 4
assert_eq "the server dropped those 4 half-open connections (EmbryonicRsts)" 4 \
	$(($(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts) - embryonic0))
assert_eq "its backlog still holds $budget, not $((budget + 4))" "$budget" "$(syn_recv 80)"

# The reset is the client's: from its address and port, seq = its ISN + 1.
# synflood's SYN k has ISN k * 2654435761 (mod 2^32), from 198.51.100.k:
# the first batch's, since those are the ones evicted.
first=$(capture_show | head -n 1)
k=$(sed -n 's/.* IP 198\.51\.100\.\([0-9]*\)\.[0-9]* > .*/\1/p' <<<"$first")
seq=$(sed -n 's/.* seq \([0-9]*\),.*/\1/p; s/.* seq \([0-9]*\)$/\1/p' <<<"$first" | head -n 1)
assert_eq "the first reset carries its client's ISN + 1 ($first)" \
	$(((k * 2654435761 + 1) % 4294967296)) "${seq:-none}"

assert_ok "a real client still connects to the full port 80" \
	tcp_roundtrip "$NS_OUT" "$LAN4" 80
assert_eq "its handshake took one slot and gave it back" $((budget - 1)) "$(halfopen)"
syns 198.51.100.200 3 81 "$budget"
assert_eq "port 81 has a budget of its own" $((budget * 2 - 1)) "$(halfopen)"

# IPv6: the same budget on lan's [..]:82, the same resets, built for IPv6.
syns 2001:db8:ff:: 8 82 "$budget" "$LAN6"
wait_until 5 syn_recv_at_least 82 "$budget"
assert_eq "IPv6: $budget in the server's backlog on port 82" "$budget" "$(syn_recv 82)"
capture_start "$NS_LAN" eth0 "ip6 and ip6[6] = 6 and ip6[53] & 4 != 0 and dst port 82"
resets0=$(gw_counter "$NS_GW" halfopen_reset)
embryonic0=$(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts)
syns 2001:db8:ff::100 8 82 4 "$LAN6"
wait_until 5 captured_at_least 4
rsts=$(capture_stop)
capture_show | head -n 2 | sed 's/^/    /'
assert_eq "IPv6: 4 resets counted" 4 $(($(gw_counter "$NS_GW" halfopen_reset) - resets0))
assert_eq "IPv6: 4 resets reached the server" 4 "$rsts"
wait_until 5 embryonic_resets_at_least 4
assert_eq "IPv6: the server dropped those 4 (EmbryonicRsts)" 4 \
	$(($(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts) - embryonic0))
assert_eq "IPv6: its backlog still holds $budget" "$budget" "$(syn_recv 82)"

# The spoofed clients never answer: their half-open connections would hold
# the listener, and with it lan's namespace, until the server's next SYN-ACK
# retry a minute on.  Drop them as an admin would (ss -K, INET_DIAG_DESTROY).
ip netns exec "$NS_LAN" ss -K -Htn state syn-recv >/dev/null
# shellcheck disable=SC2317 # called through wait_until
backlog_empty() { [ "$(ip netns exec "$NS_LAN" ss -Htn state syn-recv | wc -l)" -eq 0 ]; }
wait_until 10 backlog_empty || echo "note: the server still holds half-open connections"

gw_finish
