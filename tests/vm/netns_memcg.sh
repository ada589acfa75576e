#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an unprivileged user's network namespaces cost.  As uid 65534, in a
# 256 MiB memory cgroup, a process makes a user namespace and 2000 network
# namespaces (unshare -Urn style, held by file descriptors) with the module
# loaded.  Then the module is unloaded while they are held: what the guest
# gets back is what the module had allocated for them, and what the cgroup
# gets back is the part of it that was charged.  Required: a few KiB a
# namespace in all, all of it charged but a few hundred bytes (the table is
# not allocated without a wan zone, and struct gw_net and its counters are
# GFP_KERNEL_ACCOUNT), the cgroup's limit held, no collector running in
# them, and `gwctl status` in one saying the table is not allocated.
#
# About 2 minutes under TCG, most of it the kernel making the namespaces.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require python3 setpriv nsenter
hold=$GW_ROOT/tests/vm/helpers/netns_hold.py
want=${GW_NETNS_COUNT:-2000}
# The debug kernel's guest (1 GiB, KASAN's shadow, kmemleak's objects)
# ran out of memory at large at 2000: the kernel's own per-namespace
# structures are charged to no cgroup in 6.1, and there they cost several
# times more.  500 there still measures each namespace's cost.
gw_debug_kernel && want=${GW_NETNS_COUNT:-500}
limit_mb=256
# what a namespace may cost the guest beyond its cgroup's charge, with the
# module, over what it costs without (bytes), and the measurement's noise
# what the module may allocate for a namespace without a wan zone, and
# the part of it it may leave uncharged (bytes), and the noise (KiB)
per_ns_total_max=8192
per_ns_uncharged_max=512
noise_kb=8192

[ -f /sys/fs/cgroup/cgroup.controllers ] || gw_skip "no cgroup v2"
grep -qw memory /sys/fs/cgroup/cgroup.controllers || gw_skip "no memory controller"
if [ -f /proc/sys/kernel/unprivileged_userns_clone ]; then
	old=$(cat /proc/sys/kernel/unprivileged_userns_clone)
	echo 1 >/proc/sys/kernel/unprivileged_userns_clone
	gw_on_exit "echo $old >/proc/sys/kernel/unprivileged_userns_clone"
fi
echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null
cg=/sys/fs/cgroup/gw-memcg-$_gw_suffix
gw_must mkdir "$cg"
gw_on_exit rmdir "$cg"
echo $((limit_mb << 20)) >"$cg/memory.max" || gw_fatal "cannot set memory.max"

avail_kb() { awk '$1 == "MemAvailable:" {print $2}' /proc/meminfo; }
netns_objs() { awk '$1 == "net_namespace" {print $2}' /proc/slabinfo; }
# the namespaces of a round are freed by the kernel's cleanup_net(), later
# shellcheck disable=SC2317 # called through wait_until
netns_back() { [ "$(netns_objs)" -le "$1" ]; }

# gc_runs SECONDS: how many times the collector ran meanwhile, in all
# namespaces (-1: no tracing to tell)
gc_runs() {
	local tr=/sys/kernel/debug/tracing ev addr n
	ev=$tr/events/workqueue/workqueue_execute_start
	addr=$(awk '$3 == "gw_gc_worker" {print $1; exit}' /proc/kallsyms)
	if [ ! -d "$ev" ] || [ -z "$addr" ] || [ "$addr" = 0000000000000000 ]; then
		echo -1
		return
	fi
	if ! { echo "function == 0x$addr" >"$ev/filter" && : >"$tr/trace" &&
		echo 1 >"$ev/enable"; }; then
		echo -1
		return
	fi
	sleep "$1"
	echo 0 >"$ev/enable"
	n=$(grep -c workqueue_execute_start "$tr/trace")
	echo 0 >"$ev/filter"
	echo "$n"
}

gw_load
base=$(netns_objs)
sync
echo 3 >/proc/sys/vm/drop_caches
before=$(avail_kb)
(
	echo "$BASHPID" >"$cg/cgroup.procs"
	exec setpriv --reuid 65534 --regid 65534 --clear-groups python3 "$hold" "$want"
) >"$GW_TMP/hold.out" 2>&1 &
pid=$!
gw_on_exit "kill $pid 2>/dev/null"
wait_until 600 grep -q '^held' "$GW_TMP/hold.out" || gw_fatal "$(cat "$GW_TMP/hold.out")"
line=$(grep '^held' "$GW_TMP/hold.out")
held=$(awk '{print $2}' <<<"$line")
fd=$(awk '{print $3}' <<<"$line")
sync
echo 3 >/proc/sys/vm/drop_caches
lost_kb=$((before - $(avail_kb)))
peak_kb=$(($(cat "$cg/memory.peak" 2>/dev/null || cat "$cg/memory.current") / 1024))
echo "# $line: the guest lost $lost_kb KiB, the cgroup's peak $peak_kb KiB (events: $(tr '\n' ' ' <"$cg/memory.events"))"

runs=$(gc_runs 3)
status=$(nsenter --net="/proc/$pid/fd/$fd" "$GWCTL" status 2>&1)
echo "# gwctl status in one of them: $(head -5 <<<"$status" | tr '\n' '|')"

# the module's share: what unloading it gives back, to the guest and to
# the cgroup, the namespaces still held
avail0=$(avail_kb) charged0=$(($(cat "$cg/memory.current") / 1024))
gw_unload
sync
echo 3 >/proc/sys/vm/drop_caches
total_kb=$(($(avail_kb) - avail0))
charged_kb=$((charged0 - $(cat "$cg/memory.current") / 1024))
echo "# unloading gave back $total_kb KiB to the guest, $charged_kb KiB of it charged to the cgroup, for $held namespaces"

assert_eq "all $want namespaces made" "$want" "$held"
assert_le "the cgroup limit held (peak $peak_kb KiB)" $((limit_mb * 1024)) "$peak_kb"
assert_le "the module costs at most $per_ns_total_max bytes a namespace" \
	$((held * per_ns_total_max / 1024 + noise_kb)) "$total_kb"
assert_le "and leaves at most $per_ns_uncharged_max bytes of it uncharged" \
	$((held * per_ns_uncharged_max / 1024 + noise_kb)) $((total_kb - charged_kb))
if [ "$runs" -ge 0 ]; then
	assert_eq "no collector ran in 3 s in $held namespaces without a wan zone" 0 "$runs"
fi
assert_ok "gwctl status there says the flow table is not allocated" \
	grep -q "flow table not allocated: no wan zone" <<<"$status"

kill "$pid"
wait "$pid" 2>/dev/null
# the kernel frees them in the background: leave it time, bounded
wait_until 120 netns_back "$base" || echo "# $(netns_objs) namespaces still being freed"

gw_finish
