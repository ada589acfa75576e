#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The SYN proxy (issue 16) against a real spoofed SYN flood: hping3
# --flood -S --rand-source, one per CPU, from out at an allowed service
# on lan whose server has no SYN cookies (net.ipv4.tcp_syncookies 0), a
# listen backlog of 128 and no TCP metrics (see below), while a legitimate
# client on a second wan link makes 200 sequential connections (2 s connect
# timeout), each exchanging a line with the server.  The same flood and
# client, three times in one boot:
#
#   gatewarden:  the rule "allow tcp to SERVER port 80 synproxy";
#   nft:         gatewarden unloaded, nftables' SYNPROXY in the gateway's
#                forward path (the standard recipe: SYNs notrack'd, then
#                "ct state invalid,untracked synproxy", "ct state invalid
#                drop", nf_conntrack_tcp_loose 0), as the anchor;
#   none:        no firewall at all.
#
# With gatewarden's proxy at least 198 of the 200 connections must
# complete, the median connect() under 50 ms, the server's listener must
# see no spoofed SYN (TcpExtListenDrops and ListenOverflows unchanged,
# TcpPassiveOpens up by the client's connections alone, no packet from the
# spoofed range on lan) and the proxy must have answered far more SYNs
# than the client sent.  The anchor is only measured.  With no firewall
# the backlog fills and the client is expected to do worse; if it does
# not, a note says the flood was too weak to harm, but the flood must
# have offered a minimum rate.  Prints, for each run, the connections
# completed, the median connect and exchange times and the SYNs a second
# offered (from the flooder's interface counters).
#
# Each run is bounded by GW_FLOOD_SECONDS (20): once the flood is up the
# client starts connections for that long less 2 s, and the flood stops
# once the client is done, so that every connection meets the flood.
#
# hping3's random sources are rewritten in the flooder's postrouting by
# nftables into 198.51.100.128/25 (documentation addresses only; nft fixes
# the IP and TCP checksums, which a probe through the unguarded gateway
# checks first), which the gateway blackholes, so SYN-ACKs and resets to
# them never leave the guest.  IPv4 only: hping3 has no IPv6.
#
# nftables and the anchor leave nf_conntrack, nf_tables and nft_synproxy
# loaded in the guest; nothing uses them once the namespaces are gone.
#
# One flood sender per CPU, beside the inside's clients: it runs in a guest
# of two vCPUs of its own when the scenarios are sharded (tests/vm/run-parallel).
# gw-vm-smp: 2

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq hping3 nft timeout
# The debug kernel's guest offers some 50 SYNs a second, no flood at all;
# synproxy_basic covers the proxy's paths there.
gw_debug_kernel && gw_skip "no flood on the debug kernel (~50 SYNs/s); synproxy_basic covers the proxy there"
flood_s=${GW_FLOOD_SECONDS:-20}
port=80 conns=200 backlog=128
spoofed=$GW_SPOOFED
helper=$GW_ROOT/tests/vm/helpers/tcp_connloop.py
# The least a flood must offer to count as one (SYNs a second, from the
# flooder's interface): two hping3 offered 7000 to 32000 a second through
# each of the three gateways, on a 2-core host busy or idle.
min_pps=1000

gw_topology
# the legitimate client, on a wan link of its own: a /25, so that no
# address of $spoofed is on a link (198.51.100.255 would be a broadcast)
gw_client_ns 25
gw_must ip -n "$NS_GW" route add blackhole "$spoofed"
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.wan0.rp_filter=0

gw_flood_server "$NS_LAN" "$LAN4" "$port" "$backlog"

# The flooder's sources: hping3's random ones, rewritten into $spoofed.
gw_flood_spoof "$NS_OUT" "$LAN4"

# A probe through the gateway before any firewall: 20 SYNs to a closed
# port reach the server from the spoofed range, with checksums it takes
# (it counts and resets them, no InCsumErrors).
capture_start "$NS_GW" lan0 "tcp dst port $((port + 1)) and src net $spoofed"
in0=$(snmp_counter "$NS_LAN" Tcp InSegs)
rsts0=$(snmp_counter "$NS_LAN" Tcp OutRsts)
csum0=$(snmp_counter "$NS_LAN" Tcp InCsumErrors)
# (hping3 fails when nothing answers: no status to check.)
ip netns exec "$NS_OUT" timeout 20 hping3 -q -S -p $((port + 1)) --rand-source \
	-c 20 -i u10000 "$LAN4" >>"$GW_TMP/hping3.log" 2>&1
# shellcheck disable=SC2317 # called through wait_until
server_reset() { [ "$(snmp_counter "$NS_LAN" Tcp OutRsts)" -ge $((rsts0 + 20)) ]; }
wait_until 5 server_reset
assert_eq "20 SYNs from $spoofed crossed the gateway" 20 "$(capture_stop)" ||
	sed 's/^/    /' "$GW_TMP/hping3.log"
assert_ge "the server took them (InSegs)" $((in0 + 20)) "$(snmp_counter "$NS_LAN" Tcp InSegs)"
assert_ge "and reset them" $((rsts0 + 20)) "$(snmp_counter "$NS_LAN" Tcp OutRsts)"
assert_eq "no checksum error" "$csum0" "$(snmp_counter "$NS_LAN" Tcp InCsumErrors)"

tx_packets() { ip netns exec "$NS_OUT" cat /sys/class/net/eth0/statistics/tx_packets; }

# flood_run LABEL: one hping3 a CPU floods $LAN4:$port while the client
# makes its $conns connections, starting none later than $flood_s - 2
# seconds after the flood is up; the flood stops when the client is done
# (timeout stops it at $flood_s + 20 should anything hang).  Sets ok,
# attempted, connect_ms, exchange_ms (medians, "null" if none) and pps.
flood_run() {
	local label=$1 i t0 t1 tx0 tx1 client out alive=0 pid pids=()
	# Python first: it takes seconds to start on a guest the flood keeps busy
	rm -f "$GW_TMP/client.ready" "$GW_TMP/client.go"
	GW_READY=$GW_TMP/client.ready GW_GO=$GW_TMP/client.go ip netns exec "$NS_CL" \
		/usr/bin/python3 "$helper" "$LAN4" "$port" "$conns" 2 $((flood_s - 2)) \
		>"$GW_TMP/client.out" 2>&1 &
	client=$!
	gw_on_exit "kill $client 2>/dev/null"
	wait_file "$GW_TMP/client.ready" 30 || gw_fatal "$label: the client did not start"
	tx0=$(tx_packets)
	t0=${EPOCHREALTIME/./}
	for i in $(seq "$(nproc)"); do
		ip netns exec "$NS_OUT" timeout $((flood_s + 20)) hping3 --flood -S -p "$port" \
			--rand-source "$LAN4" >>"$GW_TMP/hping3.log" 2>&1 &
		pids+=("$!")
		gw_on_exit "kill $! 2>/dev/null"
	done
	# the client meets a flood in full swing (the server's backlog full)
	# shellcheck disable=SC2317 # called through wait_until
	flooding() { [ "$(tx_packets)" -ge $((tx0 + 10000)) ]; }
	wait_until 10 flooding || echo "note: $label: hping3 sent under 10000 SYNs in 10 s"
	touch "$GW_TMP/client.go"
	wait "$client"
	out=$(cat "$GW_TMP/client.out")
	for pid in "${pids[@]}"; do
		kill -0 "$pid" 2>/dev/null && alive=$((alive + 1))
	done
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}"
	t1=${EPOCHREALTIME/./}
	tx1=$(tx_packets)
	jq -e .ok <<<"$out" >/dev/null || gw_fatal "$label: the client gave no result: $out"
	pps=$(((tx1 - tx0) * 1000000 / (t1 - t0)))
	ok=$(jq -r .ok <<<"$out") attempted=$(jq -r .attempted <<<"$out")
	connect_ms=$(jq -r .connect_ms <<<"$out") exchange_ms=$(jq -r .exchange_ms <<<"$out")
	echo "$label: $ok of $conns connections completed ($attempted attempted in" \
		"$(jq -r .seconds <<<"$out") s), median connect ${connect_ms} ms, exchange ${exchange_ms} ms;" \
		"flood $((tx1 - tx0)) SYNs in $(((t1 - t0) / 1000)) ms ($pps/s offered, ${#pids[@]} hping3)"
	assert_eq "$label: the flood lasted as long as the client" "${#pids[@]}" "$alive"
}

# ms_int MS: a median in whole ms, 999999 for none.
ms_int() { jq -rn --argjson v "$1" '($v // 999999) | floor'; }

# ---- gatewarden's SYN proxy -----------------------------------------------
gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add wan1 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port "$port" synproxy
assert_ok "the client reaches the service before the flood" \
	tcp_roundtrip "$NS_CL" "$LAN4" "$port"

ctr() { gw_counter "$NS_GW" "$1"; }
server() { snmp_counter "$NS_LAN" "$@"; }
syn0=$(ctr synproxy_syn) opened0=$(ctr synproxy_opened)
unsent0=$(ctr drop_synproxy_unsent) nomem0=$(ctr drop_nomem)
drops0=$(server TcpExt ListenDrops) overflows0=$(server TcpExt ListenOverflows)
opens0=$(server Tcp PassiveOpens)
capture_start "$NS_GW" lan0 "src net $spoofed"
flood_run gatewarden
gw_ok=$ok gw_connect=$connect_ms gw_exchange=$exchange_ms gw_pps=$pps
syns=$(($(ctr synproxy_syn) - syn0)) opened=$(($(ctr synproxy_opened) - opened0))
unsent=$(($(ctr drop_synproxy_unsent) - unsent0))
opens=$(($(server Tcp PassiveOpens) - opens0))
echo "gatewarden: synproxy_syn +$syns, drop_synproxy_unsent +$unsent, synproxy_opened +$opened, server PassiveOpens +$opens"
# (drop_synproxy_unsent counts the flood's SYNs: their SYN-ACKs, to the
# blackholed sources, have no route; synproxy_syn the client's.)
echo "# counters: $(gwctl_in "$NS_GW" stats | awk '$2 != 0 { printf "%s=%s ", $1, $2 }')"
assert_eq "gatewarden: the client made all $conns attempts" "$conns" "$attempted"
assert_ge "gatewarden: at least 99% of the connections completed ($ok of $conns)" \
	$((conns * 99 / 100)) "$ok"
assert_le "gatewarden: median connect under 50 ms (${connect_ms} ms)" 49 "$(ms_int "$connect_ms")"
assert_eq "the server's listener dropped no SYN (TcpExtListenDrops)" \
	"$drops0" "$(server TcpExt ListenDrops)"
assert_eq "its accept queue never overflowed (TcpExtListenOverflows)" \
	"$overflows0" "$(server TcpExt ListenOverflows)"
assert_ge "it accepted the client's connections (PassiveOpens +$opens)" "$ok" "$opens"
assert_le "and nothing else" "$attempted" "$opens"
assert_eq "no packet from $spoofed reached lan" 0 "$(capture_stop)"
assert_ge "the proxy took far more SYNs than the client sent ($((syns + unsent)))" \
	$((20 * conns)) $((syns + unsent))
assert_eq "no route back is no drop_nomem" "$nomem0" "$(ctr drop_nomem)"

# ---- nftables' SYNPROXY, the anchor -----------------------------------------
gw_unload
nft_ok=
if ! modprobe -q nft_synproxy 2>"$GW_TMP/modprobe.err"; then
	echo "nft: skipped, no nft_synproxy on $(uname -r): $(cat "$GW_TMP/modprobe.err")"
else
	gw_must ip netns exec "$NS_GW" nft -f - <<EOF
table ip gwanchor {
	chain prerouting {
		type filter hook prerouting priority raw; policy accept;
		ip daddr $LAN4 tcp dport $port tcp flags & (fin | syn | rst | ack) == syn notrack
	}
	chain proxy {
		type filter hook forward priority filter; policy accept;
		ip daddr $LAN4 tcp dport $port ct state invalid,untracked counter synproxy mss 1460 wscale 7 timestamp sack-perm
		ct state invalid drop
	}
}
EOF
	gw_must ip netns exec "$NS_GW" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
	flood_run nft
	nft_ok=$ok nft_connect=$connect_ms nft_exchange=$exchange_ms nft_pps=$pps
	proxied=$(ip netns exec "$NS_GW" nft -j list chain ip gwanchor proxy |
		jq '[.nftables[].rule?.expr[]?.counter?.packets | numbers] | add // 0')
	echo "nft: the synproxy rule saw $proxied packets"
	assert_ge "nft: the anchor's SYNPROXY saw the flood ($proxied)" $((20 * conns)) "$proxied"
	gw_must ip netns exec "$NS_GW" nft delete table ip gwanchor
fi

# ---- no firewall --------------------------------------------------------------
drops0=$(server TcpExt ListenDrops)
flood_run none
drops=$(($(server TcpExt ListenDrops) - drops0))
echo "none: server ListenDrops +$drops"
assert_ge "the flood offered at least $min_pps SYNs a second ($pps)" "$min_pps" "$pps"
if [ "$ok" -ge $((conns * 99 / 100)) ]; then
	echo "note: with no firewall $ok of $conns completed too: the flood was too weak to harm"
fi
echo "figures: gatewarden $gw_ok/$conns, connect ${gw_connect} ms, exchange ${gw_exchange} ms, $gw_pps SYNs/s;" \
	"nft ${nft_ok:-skipped}/$conns, connect ${nft_connect:-} ms, exchange ${nft_exchange:-} ms, ${nft_pps:-} SYNs/s;" \
	"none $ok/$conns, connect ${connect_ms} ms, exchange ${exchange_ms} ms, $pps SYNs/s"

gw_finish
