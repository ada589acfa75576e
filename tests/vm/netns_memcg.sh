#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What an unprivileged user's network namespaces cost.  As uid 65534, in a
# 256 MiB memory cgroup, a process makes a user namespace and 2000 network
# namespaces (unshare -Urn style, held by file descriptors), once without
# the module and once with it loaded.  With the module, the memory the
# guest loses beyond what the cgroup was charged must stay within a few
# hundred bytes a namespace of the run without it (everything gatewarden
# allocates for a namespace is charged, and the flow table is not
# allocated at all without a wan zone), no collector runs in them, and
# `gwctl status` in one says the table is not allocated.
#
# About 2 minutes under TCG (two rounds of 2000 namespaces).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require python3 setpriv nsenter
hold=$GW_ROOT/tests/vm/helpers/netns_hold.py
want=${GW_NETNS_COUNT:-2000}
limit_mb=256
# what a namespace may cost the guest beyond its cgroup's charge, with the
# module, over what it costs without (bytes), and the measurement's noise
per_ns_max=512
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

# round LABEL: hold $want namespaces; sets held, lost_kb (what the guest
# lost), charged_kb (the cgroup's peak charge), pid, fd
round() {
	local out=$GW_TMP/hold-$1.out base before line
	base=$(netns_objs)
	sync
	echo 3 >/proc/sys/vm/drop_caches
	before=$(avail_kb)
	echo 0 >"$cg/memory.peak" 2>/dev/null
	(
		echo "$BASHPID" >"$cg/cgroup.procs"
		exec setpriv --reuid 65534 --regid 65534 --clear-groups python3 "$hold" "$want"
	) >"$out" 2>&1 &
	pid=$!
	gw_on_exit "kill $pid 2>/dev/null"
	wait_until 600 grep -q '^held' "$out" || gw_fatal "round $1: $(cat "$out")"
	line=$(grep '^held' "$out")
	held=$(awk '{print $2}' <<<"$line")
	fd=$(awk '{print $3}' <<<"$line")
	sync
	echo 3 >/proc/sys/vm/drop_caches
	lost_kb=$((before - $(avail_kb)))
	charged_kb=$(($(cat "$cg/memory.peak" 2>/dev/null || cat "$cg/memory.current") / 1024))
	echo "# $1: $held namespaces held ($line); the guest lost $lost_kb KiB, the cgroup was charged $charged_kb KiB (events: $(tr '\n' ' ' <"$cg/memory.events"))"
}
release() {
	kill "$pid"
	wait "$pid" 2>/dev/null
	wait_until 300 netns_back "$1" ||
		echo "# namespaces not all freed yet: $(netns_objs) > $1"
}

base=$(netns_objs)
round without
unacc0=$((lost_kb - charged_kb))
held0=$held
release "$base"

gw_load
base=$(netns_objs)
round with
unacc1=$((lost_kb - charged_kb))
runs=$(gc_runs 3)
status=$(nsenter --net="/proc/$pid/fd/$fd" "$GWCTL" status 2>&1)
echo "# gwctl status in one of them: $(head -5 <<<"$status" | tr '\n' '|')"

assert_eq "as many namespaces with the module as without ($held0)" "$held0" "$held"
assert_le "the cgroup limit held (peak $charged_kb KiB)" $((limit_mb * 1024)) "$charged_kb"
echo "# uncharged: $unacc0 KiB without the module, $unacc1 KiB with it, for $held namespaces"
assert_le "the module's uncharged memory is at most $per_ns_max bytes a namespace" \
	$((held * per_ns_max / 1024 + noise_kb)) $((unacc1 - unacc0))
if [ "$runs" -ge 0 ]; then
	assert_eq "no collector ran in 3 s in $held namespaces without a wan zone" 0 "$runs"
fi
assert_ok "gwctl status there says the flow table is not allocated" \
	grep -q "flow table not allocated: no wan zone" <<<"$status"
release "$base"

gw_finish
