#!/bin/bash
# Stage 2 of the guest, PID 1 after switch_root (see mkinitramfs): the host's
# root is mounted read-only, the repository read-write at its own path.
# With a kernel that has virtio and 9p built in (GW_VM_KERNEL, the debug
# kernel) there is no stage 1: the kernel mounts the host's root and starts
# this script as init with GW_VM_DIRECT=1, and it does stage 1's mounts.
# Runs the scenarios listed in tests/vm/out/.run/plan and writes one verdict
# line per scenario to tests/vm/out/results as soon as it is known, so that a
# guest dying halfway still leaves the verdicts it reached.
#
# Not a scenario: tests/vm/run skips this file when collecting *.sh.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=${TERM:-linux}

vm_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)

poweroff_now() {
	sync
	# Without ACPI (the debug kernel on a microvm) there is no power-off:
	# reboot instead, which ends QEMU (-no-reboot).
	if [ -d /sys/firmware/acpi ]; then
		echo o >/proc/sysrq-trigger
	else
		echo b >/proc/sysrq-trigger
	fi
	# sysrq-o only queues the power-off; PID 1 must not exit meanwhile or
	# the kernel panics first.
	sleep 60
}

fatal() {
	echo "gw-vm: FATAL: $*"
	poweroff_now
}

uptime_s() {
	local up _
	read -r up _ </proc/uptime
	echo "$up"
}

mount_once() { # TYPE DIR [OPTIONS]
	mountpoint -q "$2" && return 0
	mkdir -p "$2"
	mount -t "$1" ${3:+-o "$3"} "$1" "$2"
}

mount_once proc /proc
mount_once sysfs /sys
mount_once devtmpfs /dev
if [ "${GW_VM_DIRECT:-0}" = 1 ]; then
	# What mkinitramfs's stage 1 does: writable /run, /tmp, /var/tmp and
	# /root, then the repository read-write over its read-only self (after
	# the tmpfs mounts, so a checkout under /tmp is not hidden by them).
	for d in /run /tmp /var/tmp /root; do
		mount -t tmpfs -o mode=0755 tmpfs "$d" || fatal "tmpfs on $d"
	done
	chmod 1777 /tmp /var/tmp
	repo_dir=${vm_dir%/tests/vm}
	mkdir -p "$repo_dir" 2>/dev/null
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000,rw gwrepo "$repo_dir" ||
		fatal "cannot mount the repository at $repo_dir"
	vm_dir=$repo_dir/tests/vm
fi
out=${vm_dir%/tests/vm}/${GW_VM_OUT_REL:-tests/vm/out}
run_dir=$out/.run
mount_once devpts /dev/pts mode=0620,ptmxmode=0666
mount_once tmpfs /dev/shm mode=1777
mount_once debugfs /sys/kernel/debug
mount_once cgroup2 /sys/fs/cgroup

# shellcheck source=/dev/null
. "$run_dir/env" || fatal "cannot read $run_dir/env"
: "${GW_ROOT:?}" "${GW_VM_MODE:=run}" "${GW_VM_TIMEOUT:=300}"

hostname gw-vm
# Without a hardware RNG the crng of a TCG guest takes 10-20 s to initialise,
# and whatever calls getrandom() before that blocks.
modprobe -q virtio_rng
ip link set lo up
echo "boot=$(uptime_s)" >"$run_dir/timing"

export GW_ROOT GW_VM=1 GW_OUT="$out" GW_CI=${GW_CI:-}
export GW_KO=${GW_KO:-$GW_ROOT/kmod/gatewarden.ko}
export GWCTL=$GW_ROOT/ctl/gwctl
cd "$GW_ROOT" || fatal "cannot cd to $GW_ROOT"

if [ "$GW_VM_MODE" = shell ]; then
	echo "gw-vm: debug shell; GW_ROOT=$GW_ROOT GW_KO=$GW_KO GWCTL=$GWCTL; exit to power off"
	# setsid -c makes ttyS0 the controlling terminal, so ^C and job
	# control work.
	setsid -c bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
	poweroff_now
fi

# Kernel messages that mean the module (or the kernel) misbehaved even though
# the scenario's own checks passed. panic_on_warn turns WARN into a panic
# already; these catch what does not panic (UBSAN, KASAN reports on a debug
# kernel, "BUG: sleeping function called from invalid context", leaks).
kernel_bad='WARNING:|BUG:|Oops|Call Trace|kernel BUG|general protection|UBSAN|KASAN|suspected memory leak'
# and what only a debug kernel says: debugobjects, KFENCE, hung tasks, stalls,
# SLUB's own checks ("BUG gw_flow (Tainted: ...): Objects remaining ...")
kernel_bad+='|ODEBUG|KFENCE|INFO: task .* blocked|rcu: INFO|self-detected stall|BUG [^ ]+ \('
# and a device whose references never drop (a netns/netdev reference leak)
kernel_bad+='|unregister_netdevice: waiting for'

# kmemleak_report: scan (twice, a second apart, so that an object merely in
# flight during the first scan is not reported) and print what is left.
kmemleak=/sys/kernel/debug/kmemleak
kmemleak_report() {
	echo scan >"$kmemleak"
	[ -n "$(cat "$kmemleak")" ] || return 0
	sleep 1
	echo scan >"$kmemleak"
	cat "$kmemleak"
}

# What the kernel leaked while booting is not ours: kept aside, then
# forgotten, so that any later report is new.
if [ -w "$kmemleak" ]; then
	kmemleak_report >"$out/kmemleak-boot.log"
	echo clear >"$kmemleak"
fi

results=$out/results
: >"$results"

# netns_objs: net_namespace objects in use (SLUB: after flushing the per-CPU
# slabs, whose free objects /proc/slabinfo counts as used); nothing if the
# cache has no line of its own.
netns_objs() {
	local shrink=/sys/kernel/slab/net_namespace/shrink
	[ -w "$shrink" ] && echo 1 >"$shrink"
	awk '$1 == "net_namespace" { print $2 }' /proc/slabinfo
}
# netns_settled BASELINE: poll until net_namespace objects are back to
# BASELINE, for up to netns_settle seconds (namespaces die in a workqueue,
# after an RCU grace period; the debug kernel takes seconds).
netns_settle=5
case $(uname -r) in *-gwdebug) netns_settle=30 ;; esac
netns_settled() {
	local end=$((SECONDS + netns_settle)) n
	while :; do
		n=$(netns_objs)
		[ -n "$n" ] && [ "$n" -le "$1" ] && return 0
		[ "$SECONDS" -ge "$end" ] && return 1
		sleep 0.5
	done
}

run_scenario() { # PATH
	local path=$1 name log before rc t0 t1 status reason bad leaks new
	local settings=()
	name=$(basename "$path" .sh)
	# this scenario's own VAR=VALUE settings (GW_VM_SCENARIO_ENV)
	[ -f "$run_dir/env.$name" ] && mapfile -t settings <"$run_dir/env.$name"
	log=$out/$name.log
	before=$(dmesg | wc -l)
	netns_before=$(netns_objs)
	echo "gw-vm: start $name"
	t0=$(uptime_s)
	# timeout puts the scenario in its own process group and signals the
	# whole group, so background servers die with it.
	if [ "$GW_VM_MODE" = demo ]; then
		timeout -k 10 "$GW_VM_TIMEOUT" env GW_SCENARIO="$name" "${settings[@]}" \
			bash "$path" </dev/null 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
	else
		timeout -k 10 "$GW_VM_TIMEOUT" env GW_SCENARIO="$name" "${settings[@]}" \
			bash "$path" </dev/null >"$log" 2>&1
		rc=$?
	fi
	t1=$(uptime_s)

	case $rc in
	0) status=pass reason= ;;
	2)
		# an expected failure only if the scenario said so (gw_known_bug)
		reason=$(sed -n 's/^XFAIL: //p' "$log" | tail -n 1)
		if [ -n "$reason" ]; then
			status=xfail
		else
			status=fail reason="exit 2"
		fi
		;;
	3)
		status=fail
		reason="XPASS: $(sed -n 's/^XPASS: //p' "$log" | tail -n 1)"
		;;
	4)
		status=skip
		reason=$(sed -n 's/^SKIP: //p' "$log" | tail -n 1)
		;;
	124 | 137)
		status=fail
		reason="timed out after ${GW_VM_TIMEOUT}s"
		;;
	*)
		status=fail
		reason=$(sed -n 's/^FAIL: //p' "$log" | head -n 1)
		reason="exit $rc${reason:+: $reason}"
		;;
	esac

	# A module still loaded means its cleanup failed (often rmmod refused
	# because something holds a reference); the next scenario's insmod
	# would fail for a reason that is not its own.
	if [ -d /sys/module/gatewarden ]; then
		echo "gw-vm: gatewarden still loaded after the scenario" >>"$log"
		if rmmod gatewarden >>"$log" 2>&1; then
			reason="gatewarden left loaded"
		else
			reason="gatewarden left loaded and rmmod fails"
		fi
		status=fail
	fi
	# A namespace left behind, named or not, is a failure: a named one is
	# the scenario's own leak, an unnamed one (net_namespace objects not
	# back to what they were before it, once the kernel's asynchronous
	# cleanup_net has had time) a reference someone never dropped.
	if [ -n "$(ip netns list)" ]; then
		echo "gw-vm: namespaces left behind: $(ip netns list | tr '\n' ' ')" >>"$log"
		ip -all netns delete >/dev/null 2>&1
		status=fail reason="named network namespaces left behind"
	fi
	# An unnamed namespace not freed (net_namespace objects not back to
	# what they were once cleanup_net had time) is reported, not failed:
	# Debian's 6.1 keeps one struct net allocated after a veth pair and an
	# "ip netns exec" process in deleted namespaces, with no module loaded
	# and no process, descriptor or mount holding it, so the count cannot
	# tell a leak of the module's from the kernel's own.  A reference the
	# module kept on a device shows as "unregister_netdevice: waiting for"
	# (the runner fails on it); the module takes no namespace reference.
	if [ -n "$netns_before" ] && ! netns_settled "$netns_before"; then
		echo "gw-vm: note: net_namespace objects $netns_before before, $(netns_objs) ${netns_settle}s after" >>"$log"
		init_ns=$(readlink /proc/1/ns/net)
		for p in /proc/[0-9]*; do
			ns=$(readlink "$p/ns/net" 2>/dev/null) || continue
			[ "$ns" = "$init_ns" ] || {
				echo "gw-vm: pid ${p#/proc/} still in $ns: $(tr '\0' ' ' <"$p/cmdline")" >>"$log"
				status=fail reason="a process outlived the scenario in its network namespace"
			}
			for fd in "$p"/fd/*; do
				case $(readlink "$fd" 2>/dev/null) in
				net:*)
					echo "gw-vm: pid ${p#/proc/} holds $(readlink "$fd"): $(tr '\0' ' ' <"$p/cmdline")" >>"$log"
					status=fail reason="a process holds a network namespace the scenario made"
					;;
				esac
			done
		done
	fi

	if [ -w "$kmemleak" ] && [ "${GW_KMEMLEAK_EACH:-0}" = 1 ]; then
		# kmemleak only reports objects older than ~5 s, so a leak may
		# surface one scenario late; the final scan after the last
		# scenario (tests/vm/helpers/kmemleak_final.sh) catches the rest.
		leaks=$(kmemleak_report)
		if [ -n "$leaks" ]; then
			printf '\n---- kmemleak ----\n%s\n' "$leaks" >>"$log"
			printf '%s\n' "$leaks" >"$out/kmemleak-$name.log"
			echo clear >"$kmemleak"
			status=fail reason="kmemleak reports leaks (${out#"$GW_ROOT"/}/kmemleak-$name.log)"
		fi
	fi

	new=$(dmesg | tail -n +"$((before + 1))")
	if [ -n "$new" ]; then
		printf '\n---- kernel messages during %s ----\n%s\n' "$name" "$new" >>"$log"
		bad=$(grep -E -m 1 "$kernel_bad" <<<"$new")
		if [ -n "$bad" ]; then
			status=fail
			reason="kernel: ${bad#\[*\] }"
		fi
	fi

	# One write per line: the host polls this file while the guest runs.
	printf '%s\t%s\t%s\t%s\n' "$name" "$status" \
		"$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')" \
		"$(tr '\t\n' '  ' <<<"$reason" | sed 's/ *$//')" >>"$results"
	sync
	echo "gw-vm: $status $name${reason:+ ($reason)}"
}

while IFS= read -r -u 3 scenario; do
	[ -n "$scenario" ] && run_scenario "$scenario"
done 3<"$run_dir/plan"

dmesg >"$out/dmesg.log"
echo "end=$(uptime_s)" >>"$run_dir/timing"
echo "gw-vm: done"
: >"$run_dir/done"
poweroff_now
