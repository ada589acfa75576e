#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl top and gwctl stats -r (issue 19) under known traffic: 20 UDP
# probes no rule allows (dropped, drop_udp_probe) and 5 pings an echo rule
# lets through, sent once the sampler has taken its first sample, so that
# the sample after counts them exactly: top -n 1 -j and stats -r N -c 2 -j
# report those counts, rates that are those counts over the interval, the
# rule's hits, the table, the blocklist, and the drop trace's source and
# port.  gwctl top on an 80x24 xterm (a pseudo-terminal), under a stream of
# probes, draws its panels side by side with a drop rate, the probes'
# source and port, on 60x20 one under the other, and ends on q and on
# Ctrl-C with status 0, the terminal given back.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq ping
gw_gateway wan
gw_must gwctl_in "$NS_GW" block add 198.51.100.0/24
hi=$(gwctl_in "$NS_GW" -j rule add allow icmp echo to "$LAN4" | jq -r .handle)
assert_ge "the echo rule has a handle" 1 "$hi"

probes=20 pings=5

# traffic: the probes (one socket of bash's, no python to start: on the
# debug kernel, loaded, python's start outlasted top's sample) and a ping
# burst
traffic() {
	# shellcheck disable=SC2016 # the inner shell's variables
	gw_must ip netns exec "$NS_OUT" bash -c 'exec 3>"/dev/udp/$0/9999" &&
		for _ in $(seq "$1"); do echo probe >&3; done' "$LAN4" "$probes"
	gw_must ip netns exec "$NS_OUT" ping -n -q -c "$pings" -i 0.01 \
		-w "$((5 * GW_TIME_SCALE))" "$LAN4" >/dev/null
}

# sampled CMD...: run gwctl CMD... in gw in the background (output in
# $GW_TMP/sampled), wait until it sleeps in clock_nanosleep (230 on x86_64,
# /proc/PID/syscall), so its first sample is taken, send the traffic, and
# wait for gwctl to end.  "ip netns exec" execs gwctl: the pid is gwctl's.
sampled() {
	local pid
	# not gwctl_in: a function in the background is a subshell, not gwctl
	ip netns exec "$NS_GW" "$GWCTL" "$@" >"$GW_TMP/sampled" 2>"$GW_TMP/sampled.err" &
	pid=$!
	gw_on_exit "kill $pid 2>/dev/null"
	# shellcheck disable=SC2317 # called through wait_until
	sleeping() { read -r nr _ <"/proc/$pid/syscall" 2>/dev/null && [ "$nr" = 230 ]; }
	wait_until 10 sleeping || gw_fatal "gwctl $* did not start sampling: $(cat "$GW_TMP/sampled.err")"
	traffic
	wait "$pid" || gw_fatal "gwctl $* failed: $(cat "$GW_TMP/sampled.err")"
}

# near A B: |A - B| < 0.01 (the rates are printed with three decimals)
# shellcheck disable=SC2317 # called through assert_ok
near() {
	jq -en --argjson a "$1" --argjson b "$2" '($a - $b) | (if . < 0 then -. else . end) < 0.01' >/dev/null
}

base=$(gw_counter "$NS_GW" drop_udp_probe)

# ---- top -n 1 -j -------------------------------------------------------
interval=$((2 * GW_TIME_SCALE))
sampled top -n 1 -j -d "$interval"
top=$(cat "$GW_TMP/sampled")
echo "# top -n 1 -j: $top"
assert_eq "top -n 1 -j prints one document" 1 "$(wc -l <"$GW_TMP/sampled")"
secs=$(jq .interval <<<"$top")
# shellcheck disable=SC2016 # jq's variables
assert_ok "over the interval asked for (-d $interval: $secs s)" \
	jq -en --argjson s "$secs" --argjson d "$interval" '$s >= $d and $s < $d + 1'
probe=$(jq -c '.drops.reasons[] | select(.reason == "drop_udp_probe")' <<<"$top")
assert_eq "the probes, dropped as drop_udp_probe" "$probes" "$(jq .count <<<"$probe")"
assert_eq "every drop in the interval is one of them" "$probes" "$(jq .drops.count <<<"$top")"
assert_eq "its total is the counter's" $((base + probes)) "$(jq .total <<<"$probe")"
assert_ok "its rate is the count over the interval" \
	near "$(jq .rate <<<"$probe")" "$(jq -n "$probes / $secs")"
assert_ok "the drop rate too" near "$(jq .drops.rate <<<"$top")" "$(jq -n "$probes / $secs")"
assert_ge "packets in: the probes and the echo requests" $((probes + pings)) \
	"$(jq .in_packets.count <<<"$top")"
assert_ge "packets out: the echo replies" "$pings" "$(jq .out_packets.count <<<"$top")"
rule=$(jq -c --argjson h "$hi" '.rules[] | select(.handle == $h)' <<<"$top")
assert_eq "the echo rule: a hit a request" "$pings $pings" "$(jq -r '"\(.hits) \(.hits_total)"' <<<"$rule")"
assert_eq "shown as rule list writes it" "allow icmp echo to $LAN4" "$(jq -r .rule <<<"$rule")"
assert_ok "its hit rate is its hits over the interval" \
	near "$(jq .hits_rate <<<"$rule")" "$(jq -n "$pings / $secs")"
assert_eq "the blocklist entry" 1 "$(jq .blocklist <<<"$top")"
assert_eq "the table: no flow (an echo rule opens none), no overload" "0 0 0" \
	"$(jq -r '.table | "\(.flows) \(.halfopen) \(.overloaded_sources)"' <<<"$top")"
assert_ge "and its size" 1 "$(jq .table.max_flows <<<"$top")"
# the drop trace records them all (trace_rate 1000/s, trace_size 256)
assert_eq "the trace recorded the probes" "$probes" "$(jq .trace.drops <<<"$top")"
assert_eq "from one source, out" "$OUT4 $probes" \
	"$(jq -r '.trace.sources | map("\(.source) \(.count)") | join(",")' <<<"$top")"
assert_eq "to one port" "udp 9999 $probes" \
	"$(jq -r '.trace.ports | map("\(.proto) \(.port) \(.count)") | join(",")' <<<"$top")"

# ---- stats -r N -c 2 -j ------------------------------------------------
# The two samples must outlast the traffic: on the debug kernel the pings
# came after two samples of one second each.
base=$(gw_counter "$NS_GW" drop_udp_probe)
sampled stats -r "$interval" -c 2 -j
echo "# stats -r $interval -c 2 -j:"
cat "$GW_TMP/sampled"
mapfile -t lines <"$GW_TMP/sampled"
assert_eq "stats -r $interval -c 2 -j prints two documents" 2 "${#lines[@]}"
# what the two samples counted of a counter, and the rate-interval products
counted() { jq -s --arg c "$1" 'map(.deltas[$c] // 0) | add' "$GW_TMP/sampled"; }
assert_eq "the two samples counted the probes" "$probes" "$(counted drop_udp_probe)"
assert_ge "and the packets in" $((probes + pings)) "$(counted in_packets)"
assert_eq "its total, when it last moved, is the counter's" $((base + probes)) \
	"$(jq -s '[.[].totals.drop_udp_probe | numbers] | last' "$GW_TMP/sampled")"
# The interval is printed to the millisecond, so count / interval may be off
# by up to count * 0.0005 / interval^2 from the rate gwctl computed with
# the exact interval (25 packets over 1.002 s: 0.0125): allow for that
# besides the rate's own rounding.
# shellcheck disable=SC2016 # jq's variables
assert_ok "each sample's rates are its counts over its interval" \
	jq -se 'all(.[]; .interval as $s | .deltas as $d |
		all(.rates | to_entries[]; ($d[.key] / $s) as $r | (.value - $r) |
			(if . < 0 then -. else . end) <= 0.0006 + $r * 0.0006 / $s))' "$GW_TMP/sampled"
assert_ok "a counter that did not move is left out without -a" \
	jq -se 'all(.[]; .deltas | all(.[]; . > 0))' "$GW_TMP/sampled"
assert_ok "with -a every counter is there" bash -c \
	"ip netns exec $NS_GW $GWCTL stats -a -r 0.2 -c 1 -j | jq -e '.rates | has(\"drop_tcp_invalid\")'"
assert_eq "stats without -a: the counters not zero" "" \
	"$(gwctl_in "$NS_GW" stats | grep -E '^drop_tcp_invalid ')"
assert_ok "stats -a: all of them" bash -c "ip netns exec $NS_GW $GWCTL stats -a | grep -q '^drop_tcp_invalid  *0$'"
assert_fail "stats -r takes no --reset" gwctl_in "$NS_GW" stats -r 1 --reset
assert_fail "an interval below 0.1 s is refused" gwctl_in "$NS_GW" stats -r 0.01

# ---- the terminal ------------------------------------------------------
# show ROWS COLS KEYS: gwctl top on a ROWS x COLS xterm until it shows the
# probes' port among the traced drops, then KEYS; the screen in
# $GW_TMP/screen.  Probes go on meanwhile: 50 a second, 800 at most.
show() {
	ip netns exec "$NS_GW" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/pty_screen.py" \
		"$1" "$2" "udp 9999" "$3" "$((10 * GW_TIME_SCALE))" "$GW_TMP/screen" -- "$GWCTL" top
}
# shellcheck disable=SC2016 # the inner shell's variables
ip netns exec "$NS_OUT" bash -c 'for _ in $(seq 800); do
	echo probe >"/dev/udp/$0/9999"; sleep 0.02; done' "$LAN4" 2>/dev/null &
gw_on_exit "kill $! 2>/dev/null"
out=$(show 24 80 q)
cat "$GW_TMP/screen"
assert_eq "top on 80x24: drew, ended on q with status 0, terminal restored" \
	"status 0 found yes restored yes" "$(paste -sd' ' <<<"$out")"
assert_ok "its header" grep -q '^ gatewarden top  every 1.0 s' "$GW_TMP/screen"
assert_ok "packets and drops per second, drops not zero" \
	grep -qE '^packets/s in .* drops/s [0-9]*[1-9][0-9]*\.[0-9] ' "$GW_TMP/screen"
assert_ok "the table, half-open, overloaded sources, the blocklist" \
	grep -q '^flows 0/[0-9]* (0%)  half-open 0  overloaded 0  blocklist 1$' "$GW_TMP/screen"
assert_ok "drops by reason and overloaded sources side by side" \
	grep -q '^drops by reason .* overloaded sources .*conns$' "$GW_TMP/screen"
assert_ok "the probes' reason first, at a rate not zero" \
	grep -qE "^drop_udp_probe +[0-9]*[1-9][0-9]*\.[0-9] +[0-9]+( |\$)" "$GW_TMP/screen"
assert_ok "no overloaded source" grep -q ' no overloaded source$' "$GW_TMP/screen"
assert_ok "the traced sources and ports side by side" \
	grep -q '^dropped sources (traced) .* dropped ports (traced) .*count$' "$GW_TMP/screen"
assert_ok "the probes' source and port" \
	grep -qE "^$OUT4 +[0-9.]+ +[0-9]+ +udp 9999 +[0-9.]+ +[0-9]+$" "$GW_TMP/screen"
assert_ok "the echo rule, whole, across the width" \
	grep -qE "^ +[0-9]+\.[0-9] +$((2 * pings)) #$hi +allow icmp echo to $LAN4\$" "$GW_TMP/screen"

out=$(show 20 60 ^C)
cat "$GW_TMP/screen"
assert_eq "top on 60x20: ends on Ctrl-C with status 0, terminal restored" \
	"status 0 found yes restored yes" "$(paste -sd' ' <<<"$out")"
assert_eq "the panels one under the other" \
	"drops by reason,overloaded sources,dropped sources,dropped ports,rules by hits" \
	"$(grep -oE '^(drops by reason|overloaded sources|dropped sources|dropped ports)|rules by hits$' \
		"$GW_TMP/screen" | paste -sd,)"

assert_fail "top without a terminal, without -j, is refused" gwctl_in "$NS_GW" top </dev/null
assert_fail "top -j refuses a count of 0" gwctl_in "$NS_GW" top -j -n 0

gw_finish
