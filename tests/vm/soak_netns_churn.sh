#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 200 namespaces created, 20 at a time, while the module is loaded: each
# gets a wan zone and an allow rule, carries an admitted connection over IPv4
# and IPv6 and a refused one (tests/vm/helpers/nschurn.py), and is deleted
# with its flows still in the table.  Afterwards no namespace may linger
# (the net_namespace slab is back to its baseline) and the module still
# works; on the debug kernel kmemleak must find nothing (the runner scans
# after every scenario, and once more at the very end).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"
# The soak and fuzz runs belong to "make check-debug": on Debian's kernel
# they would only cost time, with no sanitizer to report what they find.
gw_debug_kernel || gw_skip "debug kernel only (make check-debug)"

count=${GW_CHURN_COUNT:-200}
# In use, not merely allocated: gw_slab_objs flushes the per-CPU slabs first.
netns_objs() { gw_slab_objs net_namespace; }

gw_gateway wan
# Two rounds: the first frees what earlier scenarios left waiting for one,
# the second makes sure the first has finished.  The baseline then counts
# the live namespaces and one or two throwaway ones (the second round's own
# deferred free may or may not have run yet).
gw_must gw_netns_cleanup_round
gw_must gw_netns_cleanup_round
baseline=$(netns_objs)
prefix=gw-churn-$NS_GW
# whatever a failure leaves behind
gw_on_exit "ip netns list | awk '/^$prefix-/ { print \$1 }' | xargs -r -n 1 ip netns del"

t0=$SECONDS
assert_ok "$count namespaces created, configured, used and deleted" \
	/usr/bin/python3 "$GW_ROOT/tests/vm/helpers/nschurn.py" \
	"$NS_OUT" "$prefix" "$count" 20
tail -n 3 "$GW_TMP/assert.out"
echo "churn took $((SECONDS - t0)) s"

# Namespace teardown is asynchronous (cleanup_net in a workqueue), and slow
# on the debug kernel: up to a minute (times GW_TIME_SCALE).  The last batch
# is freed only by a later round (see gw_netns_cleanup_round): start one,
# after which exactly its own namespace may remain above the live ones.
gw_must gw_netns_cleanup_round
last_note=0
# shellcheck disable=SC2317 # called through wait_until
netns_settled() {
	local n
	n=$(netns_objs)
	if [ $((SECONDS - last_note)) -ge 10 ]; then
		echo "net_namespace objects at +$((SECONDS - t_del)) s: $n (baseline $baseline)"
		last_note=$SECONDS
	fi
	[ "$n" -le "$baseline" ]
}
settled=0 t_del=$SECONDS
wait_until "${GW_CHURN_SETTLE:-60}" netns_settled && settled=1
echo "namespaces settled after $((SECONDS - t_del)) s"
assert_eq "every namespace freed (net_namespace objects back to $baseline, now $(netns_objs))" 1 "$settled"
assert_eq "none left in ip netns" "" "$(ip netns list | grep "^$prefix-")"
tcp_echo_server "$NS_OUT" "$OUT4" 7000
assert_ok "the gateway namespace still works" tcp_roundtrip "$NS_LAN" "$OUT4" 7000
assert_ge "and still tracks" 1 "$(gw_flow_count "$NS_GW")"

gw_finish
