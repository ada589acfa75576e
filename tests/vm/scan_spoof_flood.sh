#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scanners by the hundred, none of them real: what a spoofer costs scan
# detection under scan_action block, with max_block_entries 20.
#
# nmap -sS with 50 decoys (-D, as RND:50 does, but drawn from
# 198.51.100.0/24) and its real source $OUTSIDE, then a flood of NULL packets (each a scanner at once)
# from random IPv6 sources, a new /64 of 2001:db8::/32 each, and SYNs from
# the 510 outside IPv4 addresses of the documentation ranges, one scapy
# sender per CPU, bounded in count and time.  Required: the blocklist holds
# at most max_block_entries (the rest are spared "full", scan_spared), the
# tracker (fixed, 2048 sources) takes every source without growing: the
# kernel's slab and vmalloc use grows by less than 16 MiB over the whole
# run, the "scan from" log lines stay within net_ratelimit()'s 10 per 5 s,
# the kernel logs no soft lockup and no warning, and the gateway still
# serves: lan reaches out, an outside host not spoofed reaches the allowed
# service.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require nmap jq python3 socat
gw_require_python scapy
F=$GW_TMP
CAP=20
PER_CPU=${GW_SCAN_FLOOD_PKTS:-1500}
OUTSIDE=203.0.113.9

gw_gateway
gw_must ip -n "$NS_OUT" addr add "$OUTSIDE/24" dev eth0
gw=(gwctl_in "$NS_GW")
gw_must "${gw[@]}" rule add allow tcp to "$LAN4" port 8080
gw_must "${gw[@]}" set scan_action block
gw_must "${gw[@]}" set max_block_entries "$CAP"
tcp_echo_server "$NS_LAN" "$LAN4" 8080
tcp_echo_server "$NS_OUT" "$OUT4" 7000
wait_listener "$NS_LAN" tcp 8080 30 || gw_fatal "no echo server on 8080"
wait_listener "$NS_OUT" tcp 7000 30 || gw_fatal "no echo server on 7000"

# kmem: the kernel's slab and vmalloc use, in KiB
kmem() { awk '/^(Slab|VmallocUsed):/ { n += $2 } END { print n }' /proc/meminfo; }
block_count() { "${gw[@]}" -j block list | jq '.block | length'; }
dmesg_before=$(dmesg | wc -l)
kmem_before=$(kmem)
start=$SECONDS

# ---- nmap with 50 decoys ----------------------------------------------------------------
decoys=$(seq 10 59 | sed 's/^/198.51.100./' | paste -sd,)
timeout 300 ip netns exec "$NS_OUT" nmap -n -Pn -sS -p 1-100 --max-retries 0 \
	-D "$decoys,ME" -S "$OUTSIDE" -e eth0 -oG - "$LAN4" >"$F/nmap.out" 2>&1
detected=$(gw_counter "$NS_GW" scan_detected)
echo "# nmap -D: scan_detected $detected, block entries $(block_count)"
assert_ge "the decoys were detected as scanners too" 21 "$detected"

# ---- a random-source probe flood, one sender per CPU ------------------------------------
cpus=$(nproc)
pids=()
for ((c = 0; c < cpus; c++)); do
	timeout $((120 * GW_TIME_SCALE)) taskset -c "$c" ip netns exec "$NS_OUT" \
		python3 - "$LAN6" "$LAN4" "$PER_CPU" <<'PY' >"$F/flood.$c" 2>&1 &
import random
import sys

from scapy.all import IP, IPv6, TCP, conf, send

conf.verb = 0
dst6, dst4, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
nets = ["198.51.100.%d", "203.0.113.%d"]
pkts = []
for i in range(n):
    if i % 2:
        src = "2001:db8:%x:%x::1" % (random.randrange(0x1000, 0x10000),
                                     random.getrandbits(16))
        pkts.append(IPv6(src=src, dst=dst6) /
                    TCP(sport=random.randint(1024, 65535), dport=80, flags=""))
    else:
        src = random.choice(nets) % random.randint(10, 254)
        pkts.append(IP(src=src, dst=dst4) /
                    TCP(sport=random.randint(1024, 65535),
                        dport=random.randint(1, 1023), flags="S"))
send(pkts)
print("sent", len(pkts))
PY
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || gw_fatal "a flood sender failed: $(cat "$F"/flood.*)"
done
elapsed=$((SECONDS - start))

null=$(gw_counter "$NS_GW" drop_tcp_bad_flags)
blocks=$(block_count)
spared=$(gw_counter "$NS_GW" scan_spared)
detected=$(gw_counter "$NS_GW" scan_detected)
echo "# flood: $((cpus * PER_CPU)) packets in ${elapsed}s; drop_tcp_bad_flags $null," \
	"scan_detected $detected, scan_blocked $(gw_counter "$NS_GW" scan_blocked)," \
	"scan_spared $spared, scan_unqueued $(gw_counter "$NS_GW" scan_unqueued), blocks $blocks"
assert_ge "the NULL packets reached gatewarden" $((cpus * PER_CPU / 4)) "$null"
assert_eq "the blocklist holds max_block_entries, no more" "$CAP" "$blocks"
assert_ge "past it, scanners were spared full" 1 "$spared"

kmem_after=$(kmem)
echo "# kernel slab + vmalloc: $kmem_before KiB before, $kmem_after KiB after"
assert_le "kernel memory grew by less than 16 MiB" 16384 $((kmem_after - kmem_before))

new=$(dmesg | tail -n +"$((dmesg_before + 1))")
lines=$(grep -c 'gatewarden: scan from' <<<"$new" || true)
elapsed=$((SECONDS - start))
echo "# $lines 'scan from' lines in ${elapsed}s for $detected detections"
assert_le "the log lines are rate-limited (10 per 5 s)" $((10 * (elapsed / 5 + 1))) "$lines"
assert_eq "no soft lockup, no warning" "" \
	"$(grep -E 'soft lockup|WARNING:|BUG:|rcu_sched self-detected|hung_task' <<<"$new" | head -n 3)"

assert_ok "lan still reaches out" tcp_roundtrip "$NS_LAN" "$OUT4" 7000 10
assert_ok "an outside host not spoofed reaches the allowed service" \
	tcp_roundtrip "$NS_OUT" "$LAN4" 8080 10
gw_finish
