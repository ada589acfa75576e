#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rmmod while packets are inside the hooks, on every CPU, both ways.  pktgen
# runs one thread per CPU in the outside namespace (random sources, to a
# UDP port a rule admits, so every packet makes or looks up a flow, and the
# table stays full: a refused packet scans for a victim) and one per CPU in
# the lan namespace (random sources and ports out to the outside host), at
# the guest's maximum rate, while the module is loaded, configured and
# unloaded again and again.  On 6.1 nf_unregister_net_hooks() does not wait
# for a packet still in a hook: if the module freed its tables right after
# unregistering (the bug), a CPU still in gw_hook_inbound() reads freed
# memory.  KASAN (make check-debug) reports it; on Debian's kernel run with
# GW_VM_APPEND="slub_debug=FZP" a read of the freed, poisoned struct gw_net
# oopses.  The runner fails the scenario on either in the kernel log.
#
# Cycles: GW_UNLOAD_CYCLES, default 30 on Debian's kernel (about 2 minutes
# under TCG), 200 on the debug kernel.
#
# The race needs a second CPU inside a hook while rmmod runs: a sharded run
# (tests/vm/run-parallel: make check, make check-debug), whose guests have
# one vCPU each, runs this scenario in a guest of its own with two (the line
# below).
# gw-vm-smp: 2

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq chrt pgrep
if gw_debug_kernel; then
	cycles=${GW_UNLOAD_CYCLES:-200}
else
	cycles=${GW_UNLOAD_CYCLES:-30}
fi
# per pktgen device: a bound, should the stop below never come
count=50000000
ncpu=$(nproc)

[ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || gw_skip "no pktgen in this kernel"

gw_topology
dmesg_before=$(dmesg | wc -l)

mac_of() { # NS DEV
	ip -n "$1" -j link show dev "$2" | jq -r '.[0].address'
}
# pg NS FILE CMD: one pktgen command (pktgen's /proc/net is per namespace)
pg() {
	ip netns exec "$1" sh -c "echo '$3' > /proc/net/pktgen/$2" ||
		gw_fatal "pktgen: '$3' > $2 in $1 failed"
}
# pg_setup NS DEV DST_MAC DEV_CONFIG...: DEV on every pktgen thread of NS
pg_setup() {
	local ns=$1 dev=$2 mac=$3 cpu cmd
	shift 3
	for ((cpu = 0; cpu < ncpu; cpu++)); do
		pg "$ns" "kpktgend_$cpu" rem_device_all
		pg "$ns" "kpktgend_$cpu" "add_device $dev@$cpu"
		for cmd in "count $count" "clone_skb 0" "pkt_size 60" "delay 0" \
			"dst_mac $mac" "flag UDPSRC_RND" "flag IPSRC_RND" "$@"; do
			pg "$ns" "$dev@$cpu" "$cmd"
		done
	done
}
wan_mac=$(mac_of "$NS_GW" wan0)
lan_mac=$(mac_of "$NS_GW" lan0)
# inbound: random outside sources to the lan host's admitted port
pg_setup "$NS_OUT" eth0 "$wan_mac" "dst_min $LAN4" "dst_max $LAN4" \
	"src_min 198.51.100.1" "src_max 198.51.100.254" "udp_src_min 1024" \
	"udp_src_max 65000" "udp_dst_min 9" "udp_dst_max 9"
# outbound: lan sources and ports to the outside host
pg_setup "$NS_LAN" eth0 "$lan_mac" "dst_min $OUT4" "dst_max $OUT4" \
	"src_min 192.0.2.2" "src_max 192.0.2.200" "udp_src_min 1024" \
	"udp_src_max 65000" "udp_dst_min 1" "udp_dst_max 1000" "flag UDPDST_RND"

# "start" returns when the devices have sent their count or "stop" comes.
pg_stop() {
	ip netns exec "$1" sh -c 'echo stop > /proc/net/pktgen/pgctrl' 2>/dev/null
}
for ns in "$NS_OUT" "$NS_LAN"; do
	ip netns exec "$ns" sh -c 'echo start > /proc/net/pktgen/pgctrl' \
		>"$GW_TMP/pktgen-$ns.log" 2>&1 &
	gw_on_exit "pg_stop $ns; wait $! 2>/dev/null"
done

# pktgen's threads (and the softirq work they do) take what the CPUs have
# left: the loop below still gets to run, and the other CPU floods while it
# does.
for t in $(pgrep '^kpktgend_'); do
	chrt -i -p 0 "$t" || gw_fatal "cannot make pktgen thread $t SCHED_IDLE"
done

in_pkts() { ip -n "$NS_GW" -j -s link show dev wan0 | jq '.[0].stats64.rx.packets'; }
out_pkts() { ip -n "$NS_GW" -j -s link show dev lan0 | jq '.[0].stats64.rx.packets'; }
# shellcheck disable=SC2317 # called through wait_until
flooding() { # the gateway receives on both sides
	local a b
	a=$(in_pkts) b=$(out_pkts)
	sleep 0.2
	[ "$(in_pkts)" -gt "$a" ] && [ "$(out_pkts)" -gt "$b" ]
}
assert_ok "pktgen floods the gateway from both sides" wait_until 30 flooding

cat >"$GW_TMP/config.batch" <<EOF
iface add wan0 wan
iface add lan0 lan
rule add allow udp to $LAN4 port 9
set max_flows 512
EOF
gw_load
t0=$SECONDS in0=$(in_pkts) out0=$(out_pkts)
done_cycles=0 checked=0 seen_in=0 seen_out=0
for i in $(seq "$cycles"); do
	if [ "$i" -gt 1 ]; then
		insmod "$GW_KO" || { _gw_fail "insmod failed in cycle $i"; break; }
	fi
	gwctl_in "$NS_GW" -b "$GW_TMP/config.batch" >/dev/null ||
		{ _gw_fail "configuring, cycle $i"; break; }
	# every 5th cycle: the hooks see the flood both ways before the module
	# goes (fewer processes per cycle leave more CPU to the flood)
	if [ $((i % 5)) = 1 ]; then
		checked=$((checked + 1))
		[ "$(gw_counter "$NS_GW" in_packets)" -gt 0 ] && seen_in=$((seen_in + 1))
		if [ "$(gw_counter "$NS_GW" out_packets)" -gt 0 ]; then
			seen_out=$((seen_out + 1))
		elif [ -z "${shown_out:-}" ]; then
			# once: where the lan side's packets went instead
			shown_out=1
			echo "# cycle $i: no packet at the outbound hook; the gateway's stack:"
			ip netns exec "$NS_GW" nstat -asz | awk 'NR > 1 && $2 != 0 { print "#  ", $1, $2 }'
			ip -n "$NS_GW" route get "$OUT4" from 192.0.2.5 iif lan0 | sed 's/^/#   /'
			gwctl_in "$NS_GW" stats | grep -v ' 0$' | sed 's/^/#   /'
		fi
	fi
	gw_unload || break
	done_cycles=$i
done
elapsed=$((SECONDS - t0))
in_rate=$((($(in_pkts) - in0) / (elapsed > 0 ? elapsed : 1)))
out_rate=$((($(out_pkts) - out0) / (elapsed > 0 ? elapsed : 1)))
echo "# $done_cycles cycles in ${elapsed}s; the gateway received $in_rate pps on wan0, $out_rate pps on lan0"
for ns in "$NS_OUT" "$NS_LAN"; do pg_stop "$ns"; done

assert_eq "$cycles load/unload cycles under the flood" "$cycles" "$done_cycles"
assert_ge "the inbound hook saw the flood in the cycles checked ($seen_in of $checked)" \
	"$checked" "$seen_in"
assert_ge "the outbound hook saw it too ($seen_out of $checked)" "$checked" "$seen_out"
assert_ok "no oops, KASAN or poison report in the kernel log" \
	bash -c "! dmesg | tail -n +$((dmesg_before + 1)) |
		grep -Eq 'BUG:|KASAN|general protection|Oops|kernel BUG'"

gw_finish
