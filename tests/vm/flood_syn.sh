#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A spoofed SYN flood at an allowed web service on lan, while a legitimate
# client on a second wan link makes sequential requests to it.  Twice:
#
#   budgets on:  max_flows 4096, max_halfopen 2048, max_halfopen_dst 1024,
#                early drop, adaptive timeouts, resets to the server;
#   budgets off: the same table with early_drop 0, no half-open limits and
#                no inbound share (max_inbound_share 100).
#
# With the budgets at least 95% of the client's requests must succeed,
# the table must never pass max_flows nor the half-open count its budget,
# and the gw_flow slab must stay bounded; the server's own counters must
# show gatewarden's resets freeing its SYN backlog (TcpExtEmbryonicRsts).
# Without them the table fills with half-open entries in a fraction of a
# second and the same client must do clearly worse (at most half), which
# shows the first run's result is the budgets' doing.  Prints the figures:
# requests served, peak fill, packets a second offered.
#
# The spoofed sources (198.51.100.128/25) are blackholed on the gateway, so
# the server's SYN-ACKs to them cost nothing and never leave the guest.
#
# One flood sender per CPU, beside the inside's clients: it runs in a guest
# of two vCPUs of its own when the scenarios are sharded (tests/vm/run-parallel).
# gw-vm-smp: 2

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq python3 gcc
# The debug kernel's guest offers some 50 SYNs a second (measured), no
# flood at all; the sanitizers see the same eviction and reset paths in
# flood_halfopen_dst.sh and a real flood in soak_syn_flood.sh.
gw_debug_kernel && gw_skip "no flood on the debug kernel (~50 SYNs/s); flood_halfopen_dst and soak_syn_flood cover it there"
flood_s=${GW_FLOOD_SECONDS:-20}
max_flows=4096 max_halfopen=2048 max_halfopen_dst=1024
slack=512

flood=$(gw_helper synflood) || gw_fatal "cannot build tests/vm/helpers/synflood.c"
gw_topology
# the legitimate client, on a wan link of its own
gw_client_ns 25
gw_must ip -n "$NS_GW" route add blackhole 198.51.100.128/25
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.wan0.rp_filter=0
gw_on_exit sysctl -qw "net.core.netdev_max_backlog=$(sysctl -n net.core.netdev_max_backlog)"
gw_must sysctl -qw net.core.netdev_max_backlog=100000

gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add wan1 wan
# the half-open budgets alone: synproxy auto (the default) would answer
# this flood itself (synproxy_auto.sh)
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80 synproxy off comment web
gw_must gwctl_in "$NS_GW" set max_flows "$max_flows"
# A server with a real backlog, so there is something for the resets to free.
_gw_start_server "$NS_LAN" 80 "TCP4-LISTEN:80,bind=$LAN4,fork,reuseaddr,backlog=1024" PIPE

mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"
assert_ok "the client reaches the web service before any flood" \
	tcp_roundtrip "$NS_CL" "$LAN4" 80

stats() { gwctl_in "$NS_GW" -j stats; }

# flood_run LABEL: flood for $flood_s seconds while the client runs; leaves
# ok, fail, pps, peak_flows, peak_halfopen, peak_slab set.
flood_run() {
	local label=$1 out
	gw_must gwctl_in "$NS_GW" conn flush
	rm -f "$GW_TMP/flood-done" "$GW_TMP/peaks"
	(
		pf=0 ph=0 ps=0
		while [ ! -e "$GW_TMP/flood-done" ]; do
			if j=$(stats); then
				f=$(jq .table.flows <<<"$j") h=$(jq .table.halfopen <<<"$j")
				[ "$f" -gt "$pf" ] && pf=$f
				[ "$h" -gt "$ph" ] && ph=$h
			fi
			s=$(gw_slab_objs gw_flow) && [ "$s" -gt "$ps" ] && ps=$s
			echo "$pf $ph $ps" >"$GW_TMP/peaks"
			sleep 0.5
		done
	) &
	local sampler=$!
	ip netns exec "$NS_OUT" "$flood" eth0 "$mac" 198.51.100.128 "$LAN4" 80 \
		50000000 "$flood_s" 7 >"$GW_TMP/flood.out" 2>&1 &
	local flooder=$!
	gw_on_exit "kill $flooder $sampler 2>/dev/null"
	# let the table fill first: the flood has made flows
	# shellcheck disable=SC2317 # called through wait_until
	filling() { [ "$(gw_flow_count "$NS_GW")" -gt 100 ]; }
	wait_until 10 filling || echo "note: no flows from the flood yet"
	out=$(ip netns exec "$NS_CL" python3 "$GW_ROOT/tests/vm/helpers/tcp_reqloop.py" \
		"$LAN4" 80 $((flood_s - 3)) 3)
	wait "$flooder"
	touch "$GW_TMP/flood-done"
	wait "$sampler"
	read -r _ ok _ fail <<<"$out"
	read -r peak_flows peak_halfopen peak_slab <"$GW_TMP/peaks"
	pps=$(sed -n 's/.*(\([0-9]*\) pkt\/s).*/\1/p' "$GW_TMP/flood.out")
	echo "$label: flood $(cat "$GW_TMP/flood.out"); client $out" \
		"($((ok * 100 / (ok + fail > 0 ? ok + fail : 1)))% served);" \
		"peak flows $peak_flows/$max_flows, half-open $peak_halfopen, gw_flow objects $peak_slab"
}

# ---- budgets on --------------------------------------------------------------
gw_must gwctl_in "$NS_GW" set max_halfopen "$max_halfopen"
gw_must gwctl_in "$NS_GW" set max_halfopen_dst "$max_halfopen_dst"
gw_must gwctl_in "$NS_GW" set halfopen_adaptive_start 512
gw_must gwctl_in "$NS_GW" set halfopen_adaptive_end 2048
gw_must gwctl_in "$NS_GW" set halfopen_reset_rate 5000
evicted0=$(gw_counter "$NS_GW" halfopen_evicted)
resets0=$(gw_counter "$NS_GW" halfopen_reset)
embryonic0=$(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts)
flood_run "budgets on"
on_ok=$ok on_fail=$fail on_pps=$pps
evicted=$(($(gw_counter "$NS_GW" halfopen_evicted) - evicted0))
resets=$(($(gw_counter "$NS_GW" halfopen_reset) - resets0))
embryonic=$(($(snmp_counter "$NS_LAN" TcpExt EmbryonicRsts) - embryonic0))
echo "budgets on: halfopen_evicted $evicted, halfopen_reset $resets, server EmbryonicRsts $embryonic"
# The sender shares the guest's two emulated CPUs with the gateway and the
# server, which with the budgets on forward, answer and reset every SYN:
# the rate is what the guest sustains (1000 to 3500 a second measured with
# the budgets on, 7000 to 25000 with them off, when the SYNs die at once).
assert_ge "the flood was a flood (${on_pps} pkt/s offered)" 500 "${on_pps:-0}"
assert_ge "the client made enough requests to judge ($on_ok ok, $on_fail failed)" 20 $((on_ok + on_fail))
assert_ge "budgets on: at least 95% of the requests served ($on_ok ok, $on_fail failed)" \
	95 $((on_ok * 100 / (on_ok + on_fail > 0 ? on_ok + on_fail : 1)))
assert_le "the table never passed max_flows ($peak_flows)" "$max_flows" "$peak_flows"
assert_le "half-open entries never passed max_halfopen ($peak_halfopen)" "$max_halfopen" "$peak_halfopen"
assert_ge "the half-open budget was reached ($peak_halfopen)" $((max_halfopen_dst / 2)) "$peak_halfopen"
# The slab's count includes entries evicted but still waiting out their RCU
# grace period (4770 seen with max_flows 4096, at ~16k evictions a
# second).  Admission stops while max_flows of them wait, so the table holds
# at most twice max_flows (and one per CPU racing past the check); a leak
# of even 1% of the evictions passes that, so the exact check is the one
# after the flush: every object comes back.
if [ "${peak_slab:-0}" = 0 ]; then
	echo "note: gw_flow has no line of its own in /proc/slabinfo (merged); the flow count bounds it"
else
	assert_le "the gw_flow slab stayed bounded during the flood ($peak_slab objects)" \
		$((2 * max_flows + $(nproc))) "$peak_slab"
	gw_must gwctl_in "$NS_GW" conn flush
	# shellcheck disable=SC2317 # called through wait_until
	slab_drained() { [ "$(gw_slab_objs gw_flow)" -le "$slack" ]; }
	assert_ok "every evicted gw_flow object was freed after the flush" \
		wait_until 10 slab_drained
	echo "gw_flow objects after the flush: $(gw_slab_objs gw_flow)"
fi
assert_ge "old handshakes were evicted for new ones ($evicted)" 1000 "$evicted"
assert_ge "the server was sent resets for them ($resets)" 100 "$resets"
assert_ge "the resets freed the server's backlog (EmbryonicRsts $embryonic)" 50 "$embryonic"

# ---- budgets off ---------------------------------------------------------------
gw_must gwctl_in "$NS_GW" set early_drop 0
gw_must gwctl_in "$NS_GW" set max_inbound_share 100
gw_must gwctl_in "$NS_GW" set max_halfopen 0
gw_must gwctl_in "$NS_GW" set max_halfopen_dst 0
gw_must gwctl_in "$NS_GW" set halfopen_adaptive_start 0
full0=$(gw_counter "$NS_GW" drop_table_full)
flood_run "budgets off"
full=$(($(gw_counter "$NS_GW" drop_table_full) - full0))
assert_ge "budgets off: the table filled and refused flows ($full)" 1000 "$full"
assert_le "budgets off: the table still never passed max_flows ($peak_flows)" "$max_flows" "$peak_flows"
assert_le "budgets off: the client did clearly worse ($ok ok, $fail failed)" \
	50 $((ok * 100 / (ok + fail > 0 ? ok + fail : 1)))
assert_ok "the table-full warning was logged, rate-limited" \
	bash -c "dmesg | grep -q 'gatewarden: table full'"
echo "figures: budgets on $on_ok/$((on_ok + on_fail)) served at $on_pps pkt/s offered;" \
	"budgets off $ok/$((ok + fail)) served at $pps pkt/s"

gw_finish
