#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Load, answer in every namespace, unload, load again; then 20 load/unload
# cycles while traffic crosses the gateway.  Nothing may warn (the runner
# fails the scenario on any kernel WARNING/BUG) and no namespace may leak:
# the module holds no reference that keeps a dead namespace alive.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat
# In use, not merely allocated: gw_slab_objs flushes the per-CPU slabs first.
netns_objs() { gw_slab_objs net_namespace; }

gw_topology
# The kernel frees the last batch of dead namespaces only in its next
# cleanup round (see gw_netns_cleanup_round): two rounds here, so that the
# baseline does not depend on what earlier scenarios in this guest left
# waiting, and one more before the final count below.  Without them the
# count ends one above the baseline when this scenario runs first in a guest.
gw_must gw_netns_cleanup_round
gw_must gw_netns_cleanup_round
baseline=$(netns_objs)

gw_load
assert_ok "gwctl status answers in the initial namespace" "$GWCTL" status
assert_ok "gwctl status answers in a new namespace" gwctl_in "$NS_GW" status
assert_ok "gwctl version names the module version" \
	bash -c "'$GWCTL' version | grep -q '^module 0\\.'"
c1=$("$GWCTL" -j status | jq -r '.. | .netns_cookie? // empty' | head -n 1)
c2=$(gwctl_in "$NS_GW" -j status | jq -r '.. | .netns_cookie? // empty' | head -n 1)
assert_ok "each namespace answers for itself (cookies $c1, $c2)" test -n "$c1" -a "$c1" != "$c2"

# A namespace created, configured and destroyed while the module is loaded.
gw_must ip netns add "gw-tmp-$NS_GW"
gw_on_exit "ip netns del gw-tmp-$NS_GW 2>/dev/null"
gw_must ip netns exec "gw-tmp-$NS_GW" "$GWCTL" iface add eth9 wan
gw_must ip netns exec "gw-tmp-$NS_GW" "$GWCTL" rule add allow tcp port 22
gw_must ip netns del "gw-tmp-$NS_GW"

gw_unload
assert_fail "module gone after rmmod" test -d /sys/module/gatewarden
assert_fail "gwctl reports the module missing" "$GWCTL" status
gw_load
assert_ok "module loads again" "$GWCTL" status

# The table's default size (README, "Tunables"): one bucket per 16 KiB of
# RAM (MemTotal is the kernel's totalram_pages()), rounded down to a power
# of two, 1024 to 2^20; max_flows 4 a bucket.
mem_kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
want=1024
while [ $((want * 2)) -le $((mem_kib / 16)) ] && [ "$want" -lt $((1 << 20)) ]; do
	want=$((want * 2))
done
gw_must gwctl_in "$NS_GW" iface add wan0 wan
flows=$(gwctl_in "$NS_GW" -j status | jq -c .flows)
assert_eq "the table has a bucket per 16 KiB of $mem_kib KiB ($flows)" "$want" \
	"$(jq .buckets <<<"$flows")"
assert_eq "and room for 4 flows a bucket" $((want * 4)) "$(jq .max <<<"$flows")"

# Traffic through the gateway for the whole cycle loop: pings and TCP.
tcp_echo_server "$NS_OUT" "$OUT4" 6000
ip netns exec "$NS_LAN" ping -q -i 0.02 -w 120 "$OUT4" >/dev/null 2>&1 &
gw_on_exit "kill $! 2>/dev/null"
(
	end=$((SECONDS + 120))
	while [ "$SECONDS" -lt "$end" ]; do
		tcp_roundtrip "$NS_LAN" "$OUT4" 6000 1 >/dev/null 2>&1
	done
) &
gw_on_exit "kill $! 2>/dev/null"

# One cycle's work on the reloaded module.
# shellcheck disable=SC2317 # called through gw_module_cycles
cycle() {
	gwctl_in "$NS_GW" iface add wan0 wan >/dev/null || return 1
	gwctl_in "$NS_GW" status >/dev/null || return 1
	# a flow in the table when the module goes: unload must free it
	tcp_roundtrip "$NS_LAN" "$OUT4" 6000 >/dev/null || return 1
}
gw_module_cycles 20 cycle
assert_eq "20 load/unload cycles under traffic" 20 "$GW_CYCLES_DONE"
assert_ge "the last cycle tracked flows" 1 "$(gw_counter "$NS_GW" flow_created)"
gw_unload
assert_ok "traffic still flows with the module gone" tcp_roundtrip "$NS_LAN" "$OUT4" 6000

# Namespace teardown is asynchronous: one round frees the batch that
# gw-tmp died in, then wait for the count to settle.
gw_must gw_netns_cleanup_round
# shellcheck disable=SC2317 # called through wait_until
netns_back() { [ "$(netns_objs)" -le "$baseline" ]; }
assert_ok "no network namespace leaked (net_namespace objects back to $baseline)" \
	wait_until 30 netns_back
echo "# net_namespace objects: $(netns_objs) now, $baseline before"

gw_finish
