#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load/unload cycles while TCP and ICMP cross the gateway both ways, over
# IPv4 and IPv6, and gwctl queries run in a loop in two namespaces.  Each
# cycle configures a zone and a rule, proves a connection is tracked, and
# unloads with flows in the table, packets in the hooks and requests in
# flight.  On the debug kernel this is where a use-after-free on unload, a
# missed RCU grace period or a leaked flow shows.
#
# The load is paced (GW_SOAK_PACE seconds between one process's rounds,
# 2): on the debug kernel an exec costs about a second of the guest's one
# CPU, and unpaced, the eight loops below outran RCU's callbacks there
# (ksoftirqd never idle, debug_objects_cache from 10 000 to 600 000 objects
# in 450 s, rmmod blocked for minutes in free_module()'s synchronize_rcu(),
# the guest out of memory at 1 068 s).  The pause itself must start no
# process: paced by sleep(1), itself an exec, six loops still cost the
# guest more than its CPU on a busy host (16 790 to 292 365 debug objects
# between the first two cycles, insmod 180 s, rmmod 100 s, the scenario
# timed out), while five of the loops held 2 013 objects for 160 s with
# the module loaded as without it.  Paused by a timed read instead, 20
# cycles took 216 s there, the objects flat at 1 913.  As a guard the
# loops also wait, before each round, while more than GW_SOAK_BACKLOG
# (20 000) debug objects are alive.  The cycles still unload with flows in
# the table and packets and requests in flight: pings cross every 50 ms.
#
# The soak is bounded in time as in count: up to GW_SOAK_CYCLES (20)
# cycles, none started after GW_SOAK_SECONDS (540) s, and at least
# GW_SOAK_MIN_CYCLES (5) must be done, all within the runner's 900 s.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"
# The soak and fuzz runs belong to "make check-debug": on Debian's kernel
# they would only cost time, with no sanitizer to report what they find.
gw_debug_kernel || gw_skip "debug kernel only (make check-debug)"

gw_require socat jq
cycles=${GW_SOAK_CYCLES:-20}
budget=${GW_SOAK_SECONDS:-540}
min_cycles=${GW_SOAK_MIN_CYCLES:-5}
pace=${GW_SOAK_PACE:-2}
backlog=${GW_SOAK_BACKLOG:-20000}
slab_objs() { awk -v c="$1" '$1 == c {print $2}' /proc/slabinfo; }
netns_objs() { slab_objs net_namespace; }
# pace_round: the pause between two rounds of one load loop, longer while
# the guest is behind (debug objects above $backlog), for at most 60 s so
# that a guest that never catches up still sees load.
# It starts no process (an exec costs the debug guest about a second, and
# this runs in six loops): it sleeps by reading, with a timeout, a pipe
# nothing is written to, and reads /proc/slabinfo with the shell's read.
exec {nap_fd}<> <(:)
nap() { read -r -t "$1" -u "$nap_fd" _ || :; }
debug_objs_behind() {
	local name n rest
	while read -r name n rest; do
		[ "$name" = debug_objects_cache ] && { [ "$n" -gt "$backlog" ]; return; }
	done </proc/slabinfo
	return 1
}
pace_round() {
	local i
	nap "$pace"
	for ((i = 0; i < 60; i++)); do
		debug_objs_behind || return 0
		nap 1
	done
}

gw_topology
baseline=$(netns_objs)
tcp_echo_server "$NS_OUT" "$OUT4" 6000
tcp_echo_server "$NS_OUT" "$OUT6" 6000
tcp_echo_server "$NS_LAN" "$LAN4" 6001

# Traffic for the whole loop, each process stopped with it: pings both ways,
# TCP roundtrips from lan out and from out in to lan (which the rule admits).
stop=$GW_TMP/stop
ip netns exec "$NS_LAN" ping -q -i 0.05 -w 1200 "$OUT4" >/dev/null 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
ip netns exec "$NS_LAN" ping -q -i 0.05 -w 1200 "$OUT6" >/dev/null 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
ip netns exec "$NS_OUT" ping -q -i 0.05 -w 1200 "$LAN4" >/dev/null 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
traffic() { # NS ADDR PORT
	while [ ! -e "$stop" ]; do
		tcp_roundtrip "$@" 1 >/dev/null 2>&1
		pace_round
	done
}
traffic "$NS_LAN" "$OUT4" 6000 &
gw_on_exit "kill $! 2>/dev/null"
traffic "$NS_LAN" "$OUT6" 6000 &
gw_on_exit "kill $! 2>/dev/null"
traffic "$NS_OUT" "$LAN4" 6001 &
gw_on_exit "kill $! 2>/dev/null"

# Queries racing with load and unload: they fail while the module is out,
# which is fine; what matters is what the kernel says meanwhile.
queries() { # NS
	while [ ! -e "$stop" ]; do
		for q in status stats "conn list" "rule list" "iface list" get; do
			# shellcheck disable=SC2086 # the query's words
			gwctl_in "$1" -j $q >/dev/null 2>&1
			pace_round
		done
	done
}
queries "$NS_GW" &
gw_on_exit "kill $! 2>/dev/null"
(
	while [ ! -e "$stop" ]; do
		"$GWCTL" -j status >/dev/null 2>&1
		"$GWCTL" -j conn list >/dev/null 2>&1
		pace_round
	done
) &
gw_on_exit "kill $! 2>/dev/null"
gw_on_exit touch "$stop"

# cycle N: cycle N's work on the (re)loaded module.
# shellcheck disable=SC2317 # called through gw_module_cycles
cycle() {
	# where the time goes when a cycle is slow: RCU callbacks behind
	# show as debug objects piling up (see the top of this file)
	echo "cycle $1 at $((SECONDS - t0)) s: $(slab_objs debug_objects_cache) debug objects," \
		"$(awk '$1 == "MemAvailable:" {print $2}' /proc/meminfo) kB available"
	gwctl_in "$NS_GW" iface add wan0 wan >/dev/null || { _gw_fail "iface add, cycle $1"; return 1; }
	gwctl_in "$NS_GW" iface add lan0 lan >/dev/null || { _gw_fail "iface add lan0, cycle $1"; return 1; }
	gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 6001 >/dev/null ||
		{ _gw_fail "rule add, cycle $1"; return 1; }
	# a flow of each kind in the table when the module goes
	tcp_roundtrip "$NS_LAN" "$OUT4" 6000 3 >/dev/null && tracked=$((tracked + 1))
	tcp_roundtrip "$NS_OUT" "$LAN4" 6001 3 >/dev/null
	# Out of time: this cycle is done, and no other starts (a false
	# return ends gw_module_cycles before it unloads the module again).
	if [ $((SECONDS - t0)) -ge "$budget" ]; then
		ran_out=1
		return 1
	fi
	return 0
}

gw_load
t0=$SECONDS
tracked=0
ran_out=0
gw_module_cycles -k -r "$cycles" cycle
done_cycles=$((GW_CYCLES_DONE + ran_out))
elapsed=$((SECONDS - t0))
touch "$stop"
assert_ge "at least $min_cycles load/unload cycles under traffic and queries (of $cycles, ${budget}s for them: $done_cycles in ${elapsed}s)" \
	"$min_cycles" "$done_cycles"
assert_ge "a connection crossed the gateway in most cycles ($tracked of $done_cycles)" \
	$((done_cycles * 3 / 4)) "$tracked"
assert_ge "the last cycle tracked flows" 1 "$(gw_counter "$NS_GW" flow_created)"
gw_unload
assert_ok "traffic flows with the module gone" tcp_roundtrip "$NS_LAN" "$OUT4" 6000

settled=0
for _ in $(seq 100); do
	[ "$(netns_objs)" -le "$baseline" ] && { settled=1; break; }
	sleep 0.1
done
assert_eq "no network namespace leaked (net_namespace objects back to $baseline, now $(netns_objs))" 1 "$settled"

gw_finish
