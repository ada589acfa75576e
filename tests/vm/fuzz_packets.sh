#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 100 000 malformed frames from out into the gateway (tests/vm/helpers/
# pktfuzz.c: random TCP flags and options, truncated frames and headers, bad
# data offsets, IPv4 options, IPv6 extension-header chains, bogus lengths,
# fragments, other protocols, garbage, bad checksums), to lan's addresses
# where a server answers on the one port a rule opens.  Nothing may warn,
# and every packet the hooks saw is accounted for:
#
#   in_packets + out_packets = drops (all drop_* counters, and the
#                              packets the SYN proxy consumed: synproxy auto
#                              engages under the fuzz's SYNs)
#                            + passed inbound (nft counter right after the hook)
#                            + passed outbound (nft counter on out's eth0)
#
# Frames the IP layer refuses before PRE_ROUTING (about a fifth) never reach
# the module, nor do fragments until reassembled (a third of the frames are
# fragments); they are reported from /proc/net/snmp, not asserted.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"
# The soak and fuzz runs belong to "make check-debug": on Debian's kernel
# they would only cost time, with no sanitizer to report what they find.
gw_debug_kernel || gw_skip "debug kernel only (make check-debug)"

gw_require jq gcc nft socat
count=${GW_FUZZ_COUNT:-100000}
seed=${GW_FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "seed $seed (GW_FUZZ_SEED=$seed reproduces this run)"

fuzz=$(gw_helper pktfuzz) || gw_fatal "cannot build tests/vm/helpers/pktfuzz.c"
gw_gateway wan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 80
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN6" port 80
tcp_echo_server "$NS_LAN" "$LAN4" 80
tcp_echo_server "$NS_LAN" "$LAN6" 80
# The fuzz's SYNs leave lan's server with dozens of requests in SYN_RECV,
# created together, whose SYN-ACK retransmissions (1, 2, 4 ... 32 s) then
# leave in bursts: one falling between the reads of gatewarden's counters
# and nft's broke the sum (10 130 counted for 10 121 seen, debug kernel).
# One SYN-ACK each and no retransmission, so the counters do come to rest.
gw_must ip netns exec "$NS_LAN" sysctl -qw net.ipv4.tcp_synack_retries=0
gw_on_exit sysctl -qw "net.core.netdev_max_backlog=$(sysctl -n net.core.netdev_max_backlog)"
# A fragment queue that times out makes the gateway send an ICMP error
# out through wan 30 s (IPv4) or 60 s (IPv6 defrag) after the fuzz, long
# after the counters first look still: 5 s each here, and the counters
# must stay still for longer than that before they are summed (at_rest).
frag_timeout=5
# Every host solicits routers again and again (4, 8, 16 ... s apart): stop
# them, so that the counters can come to rest.
for ns in "$NS_OUT" "$NS_GW" "$NS_LAN"; do
	# shellcheck disable=SC2016 # expanded by the namespace's shell
	gw_must ip netns exec "$ns" sh -c \
		'for f in /proc/sys/net/ipv6/conf/*/router_solicitations; do echo 0 >"$f"; done'
done
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.ipfrag_time=$frag_timeout
gw_must ip netns exec "$NS_GW" sysctl -qw net.netfilter.nf_conntrack_frag6_timeout=$frag_timeout
gw_must sysctl -qw net.core.netdev_max_backlog=100000

# Counters: what arrives on wan0 (before anything), what passes gatewarden's
# PRE_ROUTING hook (priority -399) at raw priority (-300), and what arrives
# on out's eth0 from the gateway (what passed the POST_ROUTING hook).
gw_must ip netns exec "$NS_GW" nft -f - <<'EOF'
table netdev fuzz_arrive {
	chain in {
		type filter hook ingress device "wan0" priority 0;
		meta protocol { ip, ip6 } counter
	}
}
table inet fuzz_passed {
	chain pre {
		type filter hook prerouting priority -300;
		iifname "wan0" counter
	}
}
EOF
gw_must ip netns exec "$NS_OUT" nft -f - <<'EOF'
table netdev fuzz_back {
	chain in {
		type filter hook ingress device "eth0" priority 0;
		meta protocol { ip, ip6 } counter
	}
}
EOF
nft_packets() { # NS FAMILY TABLE
	ip netns exec "$1" nft -j list table "$2" "$3" |
		jq -e '[.. | objects | .counter? | objects | .packets] | add'
}
snapshot() {
	echo "$(gw_counter "$NS_GW" in_packets) $(gw_counter "$NS_GW" out_packets)" \
		"$(gw_not_passed "$NS_GW") $(nft_packets "$NS_GW" inet fuzz_passed)" \
		"$(nft_packets "$NS_OUT" netdev fuzz_back) $(nft_packets "$NS_GW" netdev fuzz_arrive)"
}
snmp() { # the IPv4 and IPv6 input drop counters of gw, one line
	local c out=""
	for c in "Ip InHdrErrors" "Ip InAddrErrors" "Ip InDiscards" "Ip ReasmReqds" \
		"Ip ReasmOKs" "Ip ReasmFails"; do
		# shellcheck disable=SC2086 # group and name
		out+="${c#Ip } $(snmp_counter "$NS_GW" $c) "
	done
	for c in Ip6InHdrErrors Ip6InTruncatedPkts Ip6InAddrErrors Ip6InDiscards Ip6ReasmReqds Ip6ReasmOKs; do
		# shellcheck disable=SC2016 # awk fields, not shell
		out+="$c $(ip netns exec "$NS_GW" awk -v c="$c" '$1 == c { print $2 }' /proc/net/snmp6) "
	done
	echo "$out"
}

# stack_counters NS: every non-zero counter of the namespace's IP stack and
# of its neighbour caches (unresolved discards), one "name value" a line:
# where a packet goes after a hook passed it, should the sum not add up.
stack_counters() {
	ip netns exec "$1" nstat -asz 2>/dev/null | awk 'NR > 1 && $2 != 0 { print $1, $2 }'
	local t h row i
	local -a names sums
	for t in arp_cache ndisc_cache; do
		{
			read -ra names
			sums=()
			while read -ra row; do
				for i in "${!row[@]}"; do
					sums[i]=$((${sums[i]:-0} + 16#${row[i]}))
				done
			done
		} <"/proc/net/stat/$t"
		for i in "${!names[@]}"; do
			h=${names[i]}
			[ "${sums[i]:-0}" = 0 ] || echo "${t}_$h ${sums[i]}"
		done
	done
}
# at_rest: wait until the counters are still for longer than a fragment
# queue lives, with no packet parked in the gateway's neighbour table
# waiting for an address; that still snapshot in GW_REST.  The sums are
# taken from still snapshots only, before and after the fuzz: a packet
# that falls between gatewarden's count and nft's in a reading breaks them
# (debug kernel: 49 650 seen for 49 649 accounted, seed 350081914; then
# 10 203 for 10 202 and 10 044 for 10 043 with the first reading taken at
# once, while the hosts' router solicitations still came in, and in_packets
# one higher right after the last reading).
at_rest() {
	local still=$((frag_timeout + 2)) prev='' now t_rest=$SECONDS
	for _ in $(seq 120); do
		now=$(snapshot)
		if [ "$now" = "$prev" ] &&
			[ -z "$(ip -n "$NS_GW" neigh show nud incomplete)" ]; then
			if [ $((SECONDS - t_rest)) -ge "$still" ]; then
				GW_REST=$now
				return 0
			fi
		else
			t_rest=$SECONDS
		fi
		prev=$now
		sleep 1
	done
	echo "counters not still for ${still}s in 120 readings: $now" >&2
	return 1
}

at_rest
assert_eq "the counters are at rest before the fuzz" 0 "$?"
stack_counters "$NS_GW" | sort >"$GW_TMP/stack.before"
gwctl_in "$NS_GW" stats >"$GW_TMP/gw.before"
read -r in0 out0 drops0 pass_in0 pass_out0 arrive0 <<<"$GW_REST"
echo "gw snmp before: $(snmp)"
mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"
t0=$SECONDS
ip netns exec "$NS_OUT" "$fuzz" eth0 "$mac" "$OUT4" "$LAN4" "$OUT6" "$LAN6" \
	"$count" "$seed" 600 >"$GW_TMP/fuzz.out" 2>&1
rc=$?
cat "$GW_TMP/fuzz.out"
echo "fuzz took $((SECONDS - t0)) s"
assert_eq "all $count frames sent" 0 "$rc"

at_rest
assert_eq "the counters came to rest after the fuzz" 0 "$?"
read -r in1 out1 drops1 pass_in1 pass_out1 arrive1 <<<"$GW_REST"
echo "gw snmp after:  $(snmp)"
seen=$((in1 - in0 + out1 - out0))
drops=$((drops1 - drops0))
pass_in=$((pass_in1 - pass_in0))
pass_out=$((pass_out1 - pass_out0))
arrived=$((arrive1 - arrive0))
echo "arrived on wan0 $arrived; hooks saw $((in1 - in0)) in + $((out1 - out0)) out;" \
	"dropped $drops; passed $pass_in in + $pass_out out"
gwctl_in "$NS_GW" stats | grep -v ' 0$'

assert_ge "every frame arrived at the gateway ($arrived)" "$count" "$arrived"
assert_ge "the inbound hook judged a good part of them ($((in1 - in0)))" $((count / 3)) $((in1 - in0))
assert_eq "every packet the hooks saw was dropped with a reason or passed" \
	"$seen" $((drops + pass_in + pass_out)) || {
	echo "# the stack's counters that moved (gw namespace), before -> after:"
	stack_counters "$NS_GW" | sort | join -a 2 -e 0 -o 0,1.2,2.2 "$GW_TMP/stack.before" - |
		awk '$2 != $3 { print "#  ", $1, $2, "->", $3 }'
	echo "# gatewarden's counters before the fuzz:"
	sed 's/^/#   /' "$GW_TMP/gw.before"
}
assert_ge "some were dropped as malformed" 1 "$(gw_counter "$NS_GW" drop_malformed)"
assert_ge "some were dropped for bad flags" 1 "$(gw_counter "$NS_GW" drop_tcp_bad_flags)"

# The module still works, and lists and flushes what the fuzz left.
assert_ok "conn list dumps whatever the fuzz created" gwctl_in "$NS_GW" conn list
assert_ok "an allowed connection still opens" tcp_roundtrip "$NS_OUT" "$LAN4" 80
assert_ok "conn flush" gwctl_in "$NS_GW" conn flush

gw_finish
