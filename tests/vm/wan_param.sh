#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The wan= module parameter.  "insmod gatewarden.ko wan=wan0" makes wan0 a
# wan zone of the initial namespace at load, with no gwctl iface command:
# gwctl iface list shows it, and a passive TCP connection from outside to
# the initial namespace through wan0 is refused.  wan= applies to the
# initial namespace only (kmod/main.c gw_net_init): a namespace created or
# existing beside it gets no zone from it, so its own wan0 still lets the
# same connection in.  With the module unloaded the initial namespace
# accepts the connection too (the test can fail).  An invalid list (a name
# of IFNAMSIZ characters or more) makes insmod fail with "invalid wan=
# list" in the kernel log, and nothing stays loaded.  Last, make load (the
# README's command for a build tree) loads it with its dependencies and
# passes ARGS on.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
ROOT4=198.51.100.1 PEER4=198.51.100.2

gw_topology
# wan0 of the initial namespace, its peer eth1 in out.
ip link show wan0 >/dev/null 2>&1 && gw_fatal "the initial namespace already has a wan0"
gw_must ip link add wan0 type veth peer name eth1 netns "$NS_OUT"
gw_on_exit "ip link del wan0 2>/dev/null"
gw_must ip addr add "$ROOT4/24" dev wan0
gw_must ip -n "$NS_OUT" addr add "$PEER4/24" dev eth1
gw_must ip link set wan0 up
gw_must ip -n "$NS_OUT" link set eth1 up

# tcp_echo_server runs "ip netns exec NS": the initial namespace has no
# name, so start that server by hand.
socat "TCP4-LISTEN:2224,bind=$ROOT4,fork,reuseaddr" PIPE </dev/null >>"$GW_TMP/servers.log" 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
wait_until 10 bash -c "[ -n \"\$(ss -Hltn 'sport = :2224')\" ]" || gw_fatal "no server on $ROOT4:2224"
tcp_echo_server "$NS_GW" "$GW_WAN4" 2224

# ---- an invalid list: insmod fails, nothing loaded ---------------------------
for dep in $(modinfo -F depends "$GW_KO" | tr ',' ' '); do gw_must modprobe "$dep"; done
long=wan0123456789abcdef
dmesg -C
if insmod "$GW_KO" "wan=wan0,$long" 2>"$GW_TMP/insmod.err"; then
	_gw_fail "insmod with wan=wan0,$long (a ${#long}-character name) succeeded"
	rmmod gatewarden
else
	_gw_pass "insmod with wan=wan0,$long (a ${#long}-character name) fails ($(cat "$GW_TMP/insmod.err"))"
fi
assert_ok "the kernel log says why" bash -c "dmesg | grep -F 'invalid wan= list \"wan0,$long\"'"
assert_fail "nothing stays loaded" test -d /sys/module/gatewarden

# ---- wan=wan0 -------------------------------------------------------------------
gw_load wan=wan0
assert_eq "the parameter reads back" wan0 "$(cat /sys/module/gatewarden/parameters/wan)"
list=$("$GWCTL" -j iface list)
echo "iface list: $list"
assert_eq "gwctl iface list of the initial namespace shows wan0 as wan" wan \
	"$(jq -r '.interfaces[]? | select(.ifname == "wan0") | .zone' <<<"$list")"
assert_eq "with its ifindex" "$(cat /sys/class/net/wan0/ifindex)" \
	"$(jq -r '.interfaces[]? | select(.ifname == "wan0") | .ifindex' <<<"$list")"
assert_fail "out cannot open a connection to the initial namespace's $ROOT4:2224" \
	tcp_roundtrip "$NS_OUT" "$ROOT4" 2224 2
assert_ge "counted as drop_passive_denied" 1 "$("$GWCTL" -j stats | jq -e 'first(.. | objects | select(has("drop_passive_denied")) | .drop_passive_denied)')"
assert_eq "the other namespace has no zone from wan=" 0 \
	"$(gwctl_in "$NS_GW" -j iface list | jq '.interfaces | length')"
assert_ok "so out still opens a connection to its $GW_WAN4:2224 through its wan0" \
	tcp_roundtrip "$NS_OUT" "$GW_WAN4" 2224 5
gw_ns_add "gw-new-$_gw_suffix"
assert_eq "nor does a namespace created after the load" 0 \
	"$(gwctl_in "gw-new-$_gw_suffix" -j iface list | jq '.interfaces | length')"

gw_unload
assert_ok "without gatewarden out reaches $ROOT4:2224 (the test can fail)" \
	tcp_roundtrip "$NS_OUT" "$ROOT4" 2224 5

# ---- make load, the README's way to load a build tree -----------------------
# insmod alone fails where nf_defrag_ipv4/6 and nf_reject_ipv4/6 are not
# loaded; make load modprobes them first.  Those nothing else holds are
# unloaded here, so that it has them to load.  (-o module: the host built
# the module; a guest's Kbuild would only redo that, slowly.  KO: the module
# this run loads, which on the debug kernel is not kmod/'s.)
for dep in $(modinfo -F depends "$GW_KO" | tr ',' ' '); do modprobe -r "$dep" 2>/dev/null; done
echo "before make load, of its dependencies these are loaded:" \
	"$(lsmod | awk '$1 ~ /^nf_(defrag|reject)_ipv[46]$/ { printf "%s ", $1 }')"
assert_ok "make load ARGS=wan=wan0 loads the module" \
	make -s -C "$GW_ROOT" -o module load KO="$GW_KO" ARGS=wan=wan0
assert_eq "with its parameter" wan0 "$(cat /sys/module/gatewarden/parameters/wan 2>/dev/null)"
assert_fail "and it filters: out cannot open a connection to $ROOT4:2224" \
	tcp_roundtrip "$NS_OUT" "$ROOT4" 2224 2
gw_unload

gw_finish
