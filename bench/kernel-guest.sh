#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The guest half of make bench-kernel (bench/kernel.sh boots it with one
# vCPU under QEMU's "-icount shift=0,sleep=off", where one guest
# nanosecond is one guest instruction and an idle guest costs nothing).
# Not a scenario of make check: it lives in bench/, and tests/vm/run runs
# it only when named.
#
# A gateway namespace forwards between two veth pairs (tests/vm/lib.sh's
# gw_topology: out - wan0 [gw] lan0 - lan).  pktgen, in the sending
# namespace, puts a fixed number of 64-byte UDP frames (IPv6: 78, pktgen's
# smallest) on its veth; each is forwarded (or dropped) by the gateway in
# the same softirq, on the same vCPU, and what reaches the far namespace
# is dropped at its tc ingress.  pktgen's run time (its "Result", start to
# last packet) divided by the packets is the instructions one packet costs,
# all of it: pktgen, both veths, the gateway's stack and the firewall.
#
# Configurations, each loaded before and unloaded after every
# measurement, rotated a b c a b c ...:
#   a  no firewall
#   b  nftables and conntrack, gatewarden's policy (see nft_policy below)
#   c  gatewarden: wan0 wan, lan0 lan, allow udp port 9
#   p  gatewarden as c, for S4 alone: the service's rule with "synproxy"
#      (c has it with "synproxy off")
# and, for what the drop trace and logging cost (issue 19), beside c:
#   o  gatewarden from before them (bench/kernel.sh builds the commit
#      before "Merge branch 'trace'" into GWB_OLD_KO), c's policy
#   n  today's gatewarden with both off: trace_size 0, log_drops 0
#   l  as n, but log_drops 1, and an NFLOG listener (tcpdump -i nflog:0,
#      log_group's default)
# GWB_CONFIGS (a,b,c) picks them, for every case but S4 (c and p always).
# A round 0 loads and unloads each once, with a short burst, unmeasured.
#
# Cases (GWB_CASES, all by default):
#   s1-v4-1k, s1-v4-64k, s1-v6-1k, s1-v6-64k
#       established UDP flows forwarded from wan to lan: 1000 flows (1000
#       source ports) or 65536 (256 source x 256 destination ports), to
#       ports no rule allows, so that a packet the firewall does not find
#       on an established flow is dropped, and the run fails.  The
#       lan side opens every flow first (one datagram each, from lan to
#       out; 256 x 257 of them for 65536, so that pktgen's two sequential
#       port counters meet every pair once), the out side answers each
#       once; then the measured packets come from out, at random among the
#       flows.
#   s2  unsolicited UDP from wan, random sources (198.51.100.1-254, ports
#       1024-65534) to a port no rule allows: forwarded by a, dropped by
#       every firewall.
#   s3  TCP: iperf3 -R from lan to out (data comes in through wan), GSO and
#       TSO on, GWB_S3_SECONDS guest seconds; bits a guest second.
#   s4  a spoofed SYN flood (hping3 --flood -S --rand-source, sources
#       rewritten into 198.51.100.128/25) at tcp port 80 on lan, whose
#       server has no SYN cookies and a backlog of 128, while a client in
#       out connects again and again for GWB_S4_SECONDS guest seconds (1.5
#       s connect timeout, room for one SYN retransmission): c (no proxy)
#       and p (the proxy) only.
#
# Output: $GW_OUT/bench-kernel.raw, one line a fact:
#   info KEY VALUE...
#   info traced CASE CONFIG ROUND N   drops the trace recorded (n c l)
#   info logged CASE CONFIG ROUND N   packets tcpdump read from NFLOG (l)
#   m CASE CONFIG ROUND PACKETS USEC RECEIVED    (s1, s2)
#   t CASE CONFIG ROUND BITS_PER_SECOND RETRANSMITS   (s3)
#   f CASE CONFIG ROUND ATTEMPTED OK CONNECT_MS CONNECT_P90_MS SYNS USEC   (s4)
# bench/kernel-report.py turns it into the tables.  A check fails only
# when a measurement could not be made (pktgen refused, nothing arrived):
# never on a figure.

# shellcheck source-path=SCRIPTDIR source=../tests/vm/lib.sh
. "${GW_ROOT:-$(dirname "$0")/..}/tests/vm/lib.sh"

gw_require jq nft tc ethtool hping3 socat
rounds=${GWB_ROUNDS:-3}
# Under icount a count repeats to 0.1 % whatever the host does, so the
# packet counts need only cover a round's fixed costs many times over;
# they are what make a run last (bench/README.md, "How").
s1_pkts=${GWB_S1_PKTS:-25000}
s1_large_pkts=${GWB_S1_LARGE_PKTS:-50000}
s2_pkts=${GWB_S2_PKTS:-25000}
s3_seconds=${GWB_S3_SECONDS:-1}
s4_seconds=${GWB_S4_SECONDS:-1}
cases=${GWB_CASES:-s1-v4-1k,s1-v4-64k,s1-v6-1k,s1-v6-64k,s2,s3,s4}
cases=${cases//,/ }
configs=${GWB_CONFIGS:-a,b,c}
configs=${configs//,/ }
for cfg in $configs; do
	case $cfg in
	a | b | c | n | l) ;;
	o) [ -f "${GWB_OLD_KO:-}" ] || gw_fatal "o: no old module (GWB_OLD_KO; bench/kernel.sh builds it)" ;;
	*) gw_fatal "unknown configuration $cfg (GWB_CONFIGS: a b c o n l)" ;;
	esac
done
raw=${GW_OUT:?}/bench-kernel.raw
: >"$raw"

[ -d /proc/net/pktgen ] || modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || gw_fatal "no pktgen in this kernel"
gw_on_exit "modprobe -r pktgen 2>/dev/null"

info() { echo "info $*" >>"$raw"; }
info kernel "$(uname -r)"
info cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
info vcpus "$(nproc)"
info rounds "$rounds"
info configs "$configs"

gw_topology
mac_of() { # NS DEV
	ip -n "$1" -j link show dev "$2" | jq -r '.[0].address'
}
out_mac=$(mac_of "$NS_OUT" eth0) lan_mac=$(mac_of "$NS_LAN" eth0)
wan0_mac=$(mac_of "$NS_GW" wan0) lan0_mac=$(mac_of "$NS_GW" lan0)
# Permanent neighbours: no resolution, no state changes while measuring.
neigh() { # NS DEV ADDR MAC
	gw_must ip -n "$1" neigh replace "$3" lladdr "$4" dev "$2" nud permanent
}
neigh "$NS_GW" wan0 "$OUT4" "$out_mac"
neigh "$NS_GW" wan0 "$OUT6" "$out_mac"
neigh "$NS_GW" lan0 "$LAN4" "$lan_mac"
neigh "$NS_GW" lan0 "$LAN6" "$lan_mac"
neigh "$NS_OUT" eth0 "$GW_WAN4" "$wan0_mac"
neigh "$NS_OUT" eth0 "$GW_WAN6" "$wan0_mac"
neigh "$NS_LAN" eth0 "$GW_LAN4" "$lan0_mac"
neigh "$NS_LAN" eth0 "$GW_LAN6" "$lan0_mac"
# S2's spoofed sources: no reverse-path check (the gateway has no route
# back to 198.51.100.0/24)
gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
	net.ipv4.conf.wan0.rp_filter=0 net.ipv4.conf.default.rp_filter=0
# What reaches either end host is dropped at its door: no socket lookup,
# no port unreachable, the same for every configuration.
for ns in "$NS_OUT" "$NS_LAN"; do
	gw_must tc -n "$ns" qdisc add dev eth0 clsact
	gw_must tc -n "$ns" filter add dev eth0 ingress protocol ip pref 1 \
		flower ip_proto udp action drop
	gw_must tc -n "$ns" filter add dev eth0 ingress protocol ipv6 pref 2 \
		flower ip_proto udp action drop
done

offloads_now=
offloads() { # on|off: TSO, GSO, GRO on every veth
	local ns dev
	[ "$1" != "$offloads_now" ] || return 0
	offloads_now=$1
	for ns in "$NS_OUT/eth0" "$NS_GW/wan0" "$NS_GW/lan0" "$NS_LAN/eth0"; do
		dev=${ns#*/} ns=${ns%/*}
		gw_must ip netns exec "$ns" ethtool -K "$dev" tso "$1" gso "$1" gro "$1"
	done
}

# ---- pktgen ------------------------------------------------------------------

# pg NS DEV CMD...: a fresh pktgen device DEV in NS (on the one thread),
# then CMD... written to it one by one; fails on a command pktgen refuses.
pg() {
	local ns=$1 dev=$2
	shift 2
	# shellcheck disable=SC2016 # the inner shell expands them
	ip netns exec "$ns" bash -c '
		dev=$1
		shift
		p=/proc/net/pktgen
		echo rem_device_all >$p/kpktgend_0 && echo "add_device $dev" >$p/kpktgend_0 || exit 1
		for c; do
			echo "$c" >"$p/$dev" 2>/dev/null
			grep -q "^Result: OK" "$p/$dev" || {
				echo "pktgen refused \"$c\": $(grep ^Result "$p/$dev")" >&2
				exit 1
			}
		done' pg "$dev" "$@"
}
# pg_run NS DEV -> "PACKETS USEC ERRORS": start, wait for the count
# (under "${pg_wrap[@]}", perf record when profiling)
pg_wrap=()
pg_run() {
	# shellcheck disable=SC2016 # the inner shell expands them
	"${pg_wrap[@]}" ip netns exec "$1" bash -c '
		p=/proc/net/pktgen
		echo start >$p/pgctrl || exit 1
		sed -n "s/^Result: OK: \([0-9]*\)(.*usec, \([0-9]*\) .*/\2 \1/p" "$p/$1" | tr "\n" " "
		sed -n "s/.*pkts-sofar: [0-9]*  *errors: \([0-9]*\).*/\1/p" "$p/$1"' pg "$2"
}
# pg_udp NS DST_MAC FAMILY SRC DST SPORT NSPORT DPORT NDPORT COUNT [RND]
# One UDP stream from NS's eth0: ports SPORT..SPORT+NSPORT-1 and
# DPORT..DPORT+NDPORT-1, sequential (both counters step at every packet)
# or at random (RND=rnd).
pg_udp() {
	local ns=$1 mac=$2 fam=$3 src=$4 dst=$5 sp=$6 nsp=$7 dp=$8 ndp=$9 count=${10} rnd=${11:-}
	local cmds=("count $count" "clone_skb 0" "delay 0" "dst_mac $mac"
		"udp_src_min $sp" "udp_src_max $((sp + nsp))"
		"udp_dst_min $dp" "udp_dst_max $((dp + ndp))")
	if [ "$fam" = 6 ]; then
		cmds+=("pkt_size 78" "dst6 $dst" "src6 $src")
	else
		cmds+=("pkt_size 60" "dst_min $dst" "dst_max $dst" "src_min $src" "src_max $src")
	fi
	[ "$rnd" = rnd ] && cmds+=("flag UDPSRC_RND" "flag UDPDST_RND")
	pg "$ns" eth0 "${cmds[@]}" || gw_fatal "pktgen setup in $ns"
}

rx_lan() { ip -n "$NS_LAN" -j -s link show dev eth0 | jq '.[0].stats64.rx.packets'; }

# measure CASE CONFIG ROUND: run the pktgen device set up in $NS_OUT and
# record it
measure() {
	local r0 res pkts usec errs rx
	r0=$(rx_lan)
	res=$(pg_run "$NS_OUT" eth0) || gw_fatal "pktgen run for $1 ($2)"
	read -r pkts usec errs <<<"$res"
	rx=$(($(rx_lan) - r0))
	if [ -z "$usec" ] || [ "${pkts:-0}" -eq 0 ]; then
		gw_fatal "$1 ($2): pktgen reported no result ('$res')"
	fi
	[ "${errs:-0}" -eq 0 ] || echo "note: $1 ($2): pktgen counted $errs errors"
	[ "$3" = p ] || echo "m $1 $2 $3 $pkts $usec $rx" >>"$raw"
	echo "$1 $2 round $3: $pkts packets in $usec us, $((usec * 1000 / pkts)) instructions a packet, $rx received"
}

# ---- configurations ----------------------------------------------------------

# What nftables needs to say what gatewarden's "wan0 wan, lan0 lan, allow
# udp port 9" says about forwarded and local traffic.
nft_policy() {
	cat <<'EOF'
table inet bench {
	chain forward {
		type filter hook forward priority 0; policy accept;
		ct state established,related accept
		iifname "wan0" udp dport 9 ct state new accept
		iifname "wan0" drop
	}
	chain input {
		type filter hook input priority 0; policy accept;
		ct state established,related accept
		iifname "wan0" udp dport 9 ct state new accept
		iifname "wan0" drop
	}
}
EOF
}
# Both tables sized alike, for 65536 flows and more: 65536 buckets, at
# most 4 entries a bucket (by default gatewarden takes a bucket per 16
# KiB of RAM, 32768 here, a power of two, and conntrack a bucket array of
# 1/16384 of RAM, 7,800 buckets, with only as many entries as buckets)
buckets=65536
# Guest time runs ahead between the measurements (under sleep=off a wait
# for the host, a 9p read, jumps to the next timer: minutes of guest time
# go by while a configuration is loaded), so a UDP flow would expire
# between its opening and its measurement: both keep them for an hour.
udp_timeout=3600
cat >"$GW_TMP/gw.batch" <<EOF
iface add wan0 wan
iface add lan0 lan
rule add allow udp port 9
set udp_unreplied $udp_timeout
set udp_stream $udp_timeout
EOF
# n: no drop trace (trace_size 0 first: the ring is made with the first
# wan zone) and no logging (log_drops' default, said so)
{
	echo "set trace_size 0"
	echo "set log_drops 0"
	cat "$GW_TMP/gw.batch"
} >"$GW_TMP/gw-n.batch"
# o: c's policy; with GWB_OLD_TRACE_OFF=1 (an old module that has the
# trace but no logging: GWB_OLD_REV=<the trace's merge>), its trace off,
# so that o against the module before the trace is what the trace costs
# when off, alone
{
	[ "${GWB_OLD_TRACE_OFF:-0}" = 1 ] && echo "set trace_size 0"
	cat "$GW_TMP/gw.batch"
} >"$GW_TMP/gw-o.batch"
# l: n with every drop to NFLOG, within log_rate (its default): l/n is
# what logging costs, c/n what the trace does
{
	echo "set trace_size 0"
	cat "$GW_TMP/gw.batch"
	echo "set log_drops 1"
} >"$GW_TMP/gw-l.batch"

# gw_cfg_load KO BATCH: gatewarden from KO, set up by today's gwctl (the
# UAPI only grows: the old module knows every command of gw.batch)
gw_cfg_load() {
	GW_KO=$1 gw_load hashsize="$buckets"
	gwctl_in "$NS_GW" -b "$2" >/dev/null || gw_fatal "gwctl -b: $(cat "$2")"
}

cfg_load() {
	case $1 in
	a) ;;
	b)
		gw_must modprobe nf_conntrack hashsize="$buckets"
		gw_must sysctl -qw net.netfilter.nf_conntrack_max=$((buckets * 4))
		gw_must ip netns exec "$NS_GW" sysctl -qw \
			net.netfilter.nf_conntrack_udp_timeout="$udp_timeout" \
			net.netfilter.nf_conntrack_udp_timeout_stream="$udp_timeout"
		nft_policy | gw_must ip netns exec "$NS_GW" nft -f -
		;;
	c | p) gw_cfg_load "$GW_KO" "$GW_TMP/gw.batch" ;;
	o) gw_cfg_load "$GWB_OLD_KO" "$GW_TMP/gw-o.batch" ;;
	n) gw_cfg_load "$GW_KO" "$GW_TMP/gw-n.batch" ;;
	l)
		gw_cfg_load "$GW_KO" "$GW_TMP/gw-l.batch"
		# a listener, so that a drop logged is a message: with none,
		# nfnetlink_log finds no instance for the group and returns
		capture_start "$NS_GW" nflog:0
		;;
	esac
}
# cfgs CASE: the configurations CASE compares, in their order
cfgs() {
	case $1 in
	s4) echo c p ;;
	*) echo "$configs" ;;
	esac
}
# cfg_flows: what the configuration's table holds
cfg_flows() {
	case $1 in
	a) echo 0 ;;
	b) ip netns exec "$NS_GW" sysctl -n net.netfilter.nf_conntrack_count ;;
	*) gwctl_in "$NS_GW" -j stats | jq .table.flows ;;
	esac
}
# cfg_note CASE CONFIG ROUND: what the trace recorded and NFLOG carried
# in the measurement, before the configuration goes (o has no trace)
cfg_note() {
	case $2 in
	n | c | l) info traced "$1" "$2" "$3" "$(gw_trace_seq "$NS_GW")" ;;
	esac
	[ "$2" != l ] || info logged "$1" "$2" "$3" "$(capture_stop)"
}
cfg_unload() {
	case $1 in
	a) ;;
	b)
		gw_must ip netns exec "$NS_GW" nft flush ruleset
		# conntrack's entries and its module go too: nothing of b is
		# left for the next measurement to meet
		gw_must modprobe -r nft_ct nf_conntrack
		;;
	c | p | o | n | l)
		# l's listener is gone (cfg_note); nfnetlink_log, loaded by
		# l's first log_drops, stays: it has no hook, and every
		# measured round meets it alike, after round 0
		gw_unload || gw_fatal "rmmod gatewarden"
		;;
	esac
}

# ---- cases -------------------------------------------------------------------

# s1 FAMILY FLOWS CONFIG ROUND [PACKETS]
s1() {
	local fam=$1 cfg=$3 round=$4 n out_a lan_a
	local sp np dp ndp tp tdp
	if [ "$2" = 1k ]; then
		sp=20000 np=1000 dp=10 ndp=1 tp=1000 tdp=1
		n=${5:-$s1_pkts}
	else
		# opened and answered: 257 x 256 pairs; measured: 256 x 256
		sp=30000 np=256 dp=40000 ndp=256 tp=257 tdp=256
		n=${5:-$s1_large_pkts}
	fi
	if [ "$fam" = 6 ]; then
		out_a=$OUT6 lan_a=$LAN6
	else
		out_a=$OUT4 lan_a=$LAN4
	fi
	offloads off
	# lan opens every flow, out answers each
	pg_udp "$NS_LAN" "$lan0_mac" "$fam" "$lan_a" "$out_a" "$dp" "$tdp" "$sp" "$tp" $((tp * tdp))
	pg_run "$NS_LAN" eth0 >/dev/null || gw_fatal "pktgen: opening the flows"
	pg_udp "$NS_OUT" "$wan0_mac" "$fam" "$out_a" "$lan_a" "$sp" "$tp" "$dp" "$tdp" $((tp * tdp))
	pg_run "$NS_OUT" eth0 >/dev/null || gw_fatal "pktgen: answering the flows"
	[ "$round" = 0 ] || [ "$round" = p ] || info flows "s1-v$fam-$2" "$cfg" "$round" "$(cfg_flows "$cfg")"
	pg_udp "$NS_OUT" "$wan0_mac" "$fam" "$out_a" "$lan_a" "$sp" "$np" "$dp" "$ndp" "$n" rnd
	measure "s1-v$fam-$2" "$cfg" "$round"
}

# s2 CONFIG ROUND
s2() {
	offloads off
	pg "$NS_OUT" eth0 "count $s2_pkts" "clone_skb 0" "delay 0" "pkt_size 60" \
		"dst_mac $wan0_mac" "dst_min $LAN4" "dst_max $LAN4" \
		"src_min 198.51.100.1" "src_max 198.51.100.255" "flag IPSRC_RND" \
		"udp_src_min 1024" "udp_src_max 65535" "flag UDPSRC_RND" \
		"udp_dst_min 7" "udp_dst_max 7" || gw_fatal "pktgen setup for s2"
	measure s2 "$1" "$2"
}

# s3 CONFIG ROUND
s3() {
	local pid json bps retr
	offloads on
	ip netns exec "$NS_OUT" iperf3 -s -1 -B "$OUT4" -p 5201 >"$GW_TMP/iperf3-s.log" 2>&1 &
	pid=$!
	wait_listener "$NS_OUT" tcp 5201 30 || gw_fatal "iperf3 server did not listen"
	json=$(ip netns exec "$NS_LAN" timeout 120 iperf3 -c "$OUT4" -p 5201 -R \
		-t "$s3_seconds" -J 2>&1) || {
		kill "$pid" 2>/dev/null
		gw_fatal "iperf3 ($1): $(tail -n 3 <<<"$json")"
	}
	wait "$pid"
	bps=$(jq '.end.sum_received.bits_per_second | floor' <<<"$json")
	retr=$(jq '.end.sum_sent.retransmits // 0' <<<"$json")
	echo "t s3 $1 $2 $bps $retr" >>"$raw"
	echo "s3 $1 round $2: $((bps / 1000000)) Mbit/s a guest second, $retr retransmits"
}

# s4 CONFIG ROUND: as tests/vm/synproxy_flood.sh, on one vCPU under
# icount: hping3 and the client share it, and the client's times are
# guest time (a guest millisecond is a million instructions).  The client
# is in out beside the flooder (its own source is not rewritten).  The
# server starts afresh each time, so no half-open entry of one run meets
# the next.
s4() {
	local cfg=$1 round=$2 port=80 proxy=(synproxy off) out client flood srv
	local tx0 tx1 t0 t1 attempted ok connect p90
	[ "$cfg" = p ] && proxy=(synproxy)
	offloads off
	gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port "$port" "${proxy[@]}" >/dev/null ||
		gw_fatal "s4: the rule (${proxy[*]})"
	gw_flood_server "$NS_LAN" "$LAN4" "$port" 128
	srv=$(ip netns exec "$NS_LAN" ss -Hltnp "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p')
	[ -n "$srv" ] || gw_fatal "s4: no pid for the server"
	gw_must ip -n "$NS_GW" route add blackhole "$GW_SPOOFED"
	gw_flood_spoof "$NS_OUT" "$LAN4" "$OUT4"
	rm -f "$GW_TMP/client.ready" "$GW_TMP/client.go"
	GW_READY=$GW_TMP/client.ready GW_GO=$GW_TMP/client.go ip netns exec "$NS_OUT" \
		/usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_connloop.py" "$LAN4" "$port" \
		100000 1.5 "$s4_seconds" >"$GW_TMP/client.out" 2>&1 &
	client=$!
	wait_file "$GW_TMP/client.ready" 30 || gw_fatal "s4 ($cfg): the client did not start"
	tx0=$(tx_out)
	t0=${EPOCHREALTIME/./}
	ip netns exec "$NS_OUT" hping3 --flood -S -p "$port" --rand-source "$LAN4" \
		>>"$GW_TMP/hping3.log" 2>&1 &
	flood=$!
	# the client meets a flood in full swing (the server's backlog full)
	wait_until 10 tx_past $((tx0 + 2000)) || gw_fatal "s4 ($cfg): hping3 sent under 2000 SYNs"
	touch "$GW_TMP/client.go"
	wait "$client"
	kill "$flood"
	wait "$flood"
	t1=${EPOCHREALTIME/./}
	tx1=$(tx_out)
	kill "$srv"
	gw_must ip -n "$NS_GW" route del blackhole "$GW_SPOOFED"
	gw_flood_spoof_del "$NS_OUT"
	out=$(cat "$GW_TMP/client.out")
	jq -e .ok <<<"$out" >/dev/null || gw_fatal "s4 ($cfg): the client gave no result: $out"
	# (no process substitution: the guest has no /dev/fd)
	read -r attempted ok connect p90 <<<"$(jq -r \
		'"\(.attempted) \(.ok) \(.connect_ms // "-") \(.connect_p90_ms // "-")"' <<<"$out")"
	[ "$round" = 0 ] || echo "f s4 $cfg $round $attempted $ok $connect $p90 $((tx1 - tx0)) $((t1 - t0))" >>"$raw"
	echo "s4 $cfg round $round: $ok of $attempted connections, connect median $connect ms, p90 $p90 ms;" \
		"$((tx1 - tx0)) SYNs in $(((t1 - t0) / 1000)) guest ms"
}
tx_out() { ip netns exec "$NS_OUT" cat /sys/class/net/eth0/statistics/tx_packets; }
# shellcheck disable=SC2317 # called through wait_until
tx_past() { [ "$(tx_out)" -ge "$1" ]; }

run_case() { # CASE CONFIG ROUND
	case $1 in
	s1-v4-1k) s1 4 1k "$2" "$3" ;;
	s1-v4-64k) s1 4 64k "$2" "$3" ;;
	s1-v6-1k) s1 6 1k "$2" "$3" ;;
	s1-v6-64k) s1 6 64k "$2" "$3" ;;
	s2) s2 "$2" "$3" ;;
	s3) s3 "$2" "$3" ;;
	s4) s4 "$2" "$3" ;;
	*) gw_fatal "unknown case $1" ;;
	esac
}

# profile CONFIG: s1-v4-1k once more, unmeasured, under perf record with
# the cpu-clock software event, which under icount samples every 50,000
# instructions: where a packet's instructions go, by function, into
# $GW_OUT/bench-kernel-profile-CONFIG.txt (perf report, before the module
# goes, so that its symbols are found)
profile() {
	local data=$GW_TMP/perf.data
	cfg_load "$1"
	pg_wrap=(perf record -q -a -e cpu-clock -F 20000 -o "$data" --)
	s1 4 1k "$1" p
	pg_wrap=()
	# pktgen's thread sends, and its softirqs forward, every packet (in
	# ksoftirqd when they run long, as under perf);
	# perf names a module's functions [kernel.kallsyms]: kallsyms says
	# which module has them
	awk '$4 ~ /^\[/ { print $3, $4 }' /proc/kallsyms >"$GW_TMP/modsyms"
	perf report -i "$data" --stdio --no-children --comms kpktgend_0,ksoftirqd/0 \
		--percentage relative --sort dso,sym --percent-limit 0.2 2>/dev/null |
		awk 'NR == FNR { mod[$1] = $2; next }
			$2 == "[kernel.kallsyms]" && ($4 in mod) { $2 = mod[$4] }
			/./' "$GW_TMP/modsyms" - >"$GW_OUT/bench-kernel-profile-$1.txt"
	cfg_unload "$1"
}

# ---- the run -----------------------------------------------------------------

t0=$SECONDS
# round 0: every configuration loaded, exercised briefly and unloaded once
for cfg in $configs; do
	cfg_load "$cfg"
	s1 4 1k "$cfg" 0 2000
	[ "$cfg" != l ] || capture_stop >/dev/null
	cfg_unload "$cfg"
done
for ((round = 1; round <= rounds; round++)); do
	for c in $cases; do
		for cfg in $(cfgs "$c"); do
			cfg_load "$cfg"
			run_case "$c" "$cfg" "$round"
			cfg_note "$c" "$cfg" "$round"
			cfg_unload "$cfg"
		done
	done
done
if [ "${GWB_PROFILE:-1}" = 1 ] && command -v perf >/dev/null; then
	# the report's profiles: a's, b's and c's
	for cfg in $configs; do
		case $cfg in a | b | c) profile "$cfg" ;; esac
	done
fi
info guest_seconds $((SECONDS - t0))

# A run that measured everything it was asked to
want=0
for c in $cases; do
	want=$((want + rounds * $(cfgs "$c" | wc -w)))
done
got=$(awk '($1 == "m" || $1 == "t" || $1 == "f") && $4 > 0' "$raw" | wc -l)
assert_eq "every measurement was made" "$want" "$got"
for c in $cases; do
	case $c in s1-*)
		# every packet of an established flow arrived, in every configuration
		bad=$(awk -v c="$c" '$1 == "m" && $2 == c && $4 > 0 && $7 < $5' "$raw" | wc -l)
		assert_eq "$c: every packet was forwarded" 0 "$bad"
		;;
	s2)
		# and every firewall dropped every unsolicited one (so o's
		# policy took, from today's gwctl)
		bad=$(awk '$1 == "m" && $2 == "s2" && $3 != "a" && $4 > 0 && $7 > 0' "$raw" | wc -l)
		assert_eq "s2: no unsolicited packet got through a firewall" 0 "$bad"
		;;
	esac
done
# The configurations are what they say: in S2 (every packet dropped) c's
# trace records drops in every round, n's and l's none, and l logs drops
# to NFLOG in every round.
s2_noted() { # WHAT CONFIG SORT: info WHAT of s2's rounds in CONFIG, sorted
	awk -v w="$1" -v c="$2" '$1 == "info" && $2 == w && $3 == "s2" && $4 == c { print $6 }' \
		"$raw" | sort "$3" | head -n 1
}
has() { [[ " $1 " == *" $2 "* ]]; }
if has "$cases" s2; then
	! has "$configs" c || assert_ge "s2: c's trace recorded drops" 1 "$(s2_noted traced c -n)"
	! has "$configs" n || assert_eq "s2: n's trace recorded none" 0 "$(s2_noted traced n -rn)"
	! has "$configs" l || assert_eq "s2: l's trace recorded none" 0 "$(s2_noted traced l -rn)"
	! has "$configs" l || assert_ge "s2: l logged drops to NFLOG" 1 "$(s2_noted logged l -n)"
fi
gw_finish
