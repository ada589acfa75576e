#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A dump of a large flow table resumes correctly: 100 000 flows are listed
# exactly once each, on a quiet table and while another flood adds flows
# during the dump (the dump resumes at bucket boundaries, so flows added to
# the chains meanwhile cannot shift an old flow out of it or into it twice).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq
count=100000
more=100000
# the debug kernel admits some 50 SYNs/s: a smaller table, the same checks
gw_debug_kernel && count=5000 more=5000
limit=$((120 * GW_TIME_SCALE))
want=$((count * 99 / 100))

flood=$(gw_helper synflood) || gw_fatal "cannot build tests/vm/helpers/synflood.c"
gw_gateway wan
gw_must gwctl_in "$NS_GW" set max_flows 400000
gw_must gwctl_in "$NS_GW" set tcp_syn_sent 1800
# Every SYN goes to one service, and this is a test of dumps, not of the
# flood budgets (flood_*.sh): no half-open limit, no adaptive shortening.
for t in max_halfopen max_halfopen_dst halfopen_adaptive_start; do
	gw_must gwctl_in "$NS_GW" set "$t" 0
done
# every SYN a flow: no SYN proxy either
gw_must gwctl_in "$NS_GW" rule add allow tcp to 198.51.100.0/24 port 80 synproxy off
# the admitted SYNs go nowhere after the hook: no replies to spoofed hosts
gw_must ip -n "$NS_GW" route add blackhole 198.51.100.0/24
gw_on_exit sysctl -qw "net.core.netdev_max_backlog=$(sysctl -n net.core.netdev_max_backlog)"
gw_must sysctl -qw net.core.netdev_max_backlog=100000
mac=$(gw_mac "$NS_GW" wan0) || gw_fatal "no MAC for wan0"

# The text listing's "src=A dst=B sport=P dport=Q" identifies a flow.
flow_ids() { grep -o 'src=[^ ]* dst=[^ ]* sport=[^ ]* dport=[^ ]*' "$1"; }

gw_must ip netns exec "$NS_OUT" "$flood" eth0 "$mac" 203.0.113.0 198.51.100.1 80 "$count" "$limit"
# A few SYNs may be lost on the way (from the gateway's own address, say):
# what counts is that the dump lists exactly what the table holds.
count=$(gw_flow_count "$NS_GW")
assert_ge "the flood made (almost) $want flows ($count)" "$want" "$count"

gwctl_in "$NS_GW" conn list >"$GW_TMP/quiet.txt" || gw_fatal "conn list failed"
flow_ids "$GW_TMP/quiet.txt" | sort >"$GW_TMP/quiet.ids"
assert_eq "a quiet dump lists $count flows" "$count" "$(wc -l <"$GW_TMP/quiet.ids")"
assert_eq "each of them once" "$count" "$(sort -u "$GW_TMP/quiet.ids" | wc -l)"
assert_eq "and says so in its last line" "$count flows" "$(tail -n 1 "$GW_TMP/quiet.txt")"

# A second flood, to another destination, runs while the table is dumped.
ip netns exec "$NS_OUT" "$flood" eth0 "$mac" 203.0.113.0 198.51.100.2 80 "$more" "$limit" \
	>"$GW_TMP/flood2.out" 2>&1 &
flood2=$!
gw_on_exit "kill $flood2 2>/dev/null"
# shellcheck disable=SC2317 # called through wait_until
grown() { [ "$(gw_flow_count "$NS_GW")" -gt $((count + more / 50)) ]; }
wait_until 30 grown || gw_fatal "the second flood made no flows"
before=$(gw_flow_count "$NS_GW")
gwctl_in "$NS_GW" conn list >"$GW_TMP/busy.txt" || gw_fatal "conn list failed"
after=$(gw_flow_count "$NS_GW")
wait "$flood2"
echo "flows when the busy dump started: $before, when it ended: $after"
assert_ge "flows were added while the dump ran ($before -> $after)" $((before + 1)) "$after"
flow_ids "$GW_TMP/busy.txt" | sort >"$GW_TMP/busy.ids"
assert_eq "no flow is listed twice" 0 "$(uniq -d "$GW_TMP/busy.ids" | wc -l)"
assert_eq "every one of the $count flows of the quiet dump is listed" "$count" \
	"$(comm -12 "$GW_TMP/quiet.ids" "$GW_TMP/busy.ids" | wc -l)"
assert_ge "and at least the flows there when it started" "$before" "$(wc -l <"$GW_TMP/busy.ids")"
assert_le "and no more than there were when it ended" "$after" "$(wc -l <"$GW_TMP/busy.ids")"

gw_must gwctl_in "$NS_GW" conn flush
assert_eq "flushed" 0 "$(gw_flow_count "$NS_GW")"

gw_finish
