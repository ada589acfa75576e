#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Logging to NFLOG (issue 19), read as admins read it: "tcpdump -i
# nflog:0" in the gateway's namespace.  A rule that says log logs the
# packet that opens each of its connections, once (not the rest of the
# connection), IPv4 and IPv6; another rule's connections and drops are
# not logged until log_drops is on; then each drop is, with its reason
# in the prefix, at most log_rate a second under a bounded flood, and a
# kernel log line a reason every 10 s at most.  A second namespace logs
# to its own group 0, which the first's listener never sees, and there
# its scan detection logs the probe that made a scanner, and its block.  The module
# holds nfnetlink_log's loggers only while something logs, and unloading
# it with a listener attached leaves nfnetlink_log as it found it.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq tcpdump
gw_gateway wan

# logged ID: the packets capture ID has logged so far, one a line
# (helpers/nflog_read.py: prefix, group, source, destination, protocol, port)
logged() {
	/usr/bin/python3 "$GW_ROOT/tests/vm/helpers/nflog_read.py" "$GW_TMP/cap$1.pcap"
}
# shellcheck disable=SC2317 # called through wait_until
logged_at_least() { # ID N
	[ "$(logged "$1" | wc -l)" -ge "$2" ]
}
# shellcheck disable=SC2317 # called through wait_until
logged_quiet() { # ID: nothing more logged for 0.5 s (each is sent as logged)
	local a
	a=$(logged "$1" | wc -l)
	sleep 0.5
	[ "$(logged "$1" | wc -l)" = "$a" ]
}
# nflog_refs: references held on nfnetlink_log (each user takes IPv4 and IPv6)
nflog_refs() {
	cat /sys/module/nfnetlink_log/refcnt 2>/dev/null || echo 0
}
# assert_refs DESC WANT GOT: a check of those references, which only a
# module has: the debug kernel builds nfnetlink_log in (tests/vm/debug.config),
# so there the check is named as skipped, not passed.
assert_refs() {
	if gw_debug_kernel; then
		echo "# not checked, nfnetlink_log is built in: $1"
		return 0
	fi
	assert_eq "$@"
}
add_rule() { # WORDS...: the new rule's handle
	gwctl_in "$NS_GW" -j rule add "$@" | jq -r .handle
}
probe() { # NS SRC DST PORT COUNT: COUNT UDP datagrams no rule allows
	gw_must udp_icmp "$1" send "$2" 40000 "$3" "$4" "$5"
}
kmsg_lines() { # FROM WHAT: kernel log lines after line FROM matching WHAT
	dmesg | tail -n +"$(($1 + 1))" | grep -c "gatewarden: $2" || true
}

tcp_echo_server "$NS_LAN" "$LAN4" 8080
tcp_echo_server "$NS_LAN" "$LAN6" 8080
tcp_echo_server "$NS_LAN" "$LAN4" 8081

# the listener first: it loads nfnetlink_log, which nothing of ours holds yet
capture_start "$NS_GW" nflog:0
cap=$GW_CAPTURE
refs=$(nflog_refs)

# ---- a log rule: the first packet of each connection, once --------------
h4=$(add_rule allow tcp to "$LAN4" port 8080 log)
h6=$(add_rule allow tcp to "$LAN6" port 8080 log)
hq=$(add_rule allow tcp to "$LAN4" port 8081)
assert_refs "a log rule holds nfnetlink_log's IPv4 and IPv6 loggers" \
	$((refs + 2)) "$(nflog_refs)"
list=$(gwctl_in "$NS_GW" rule list | sed 's/  #.*//')
assert_eq "rule list prints log" "allow tcp to $LAN4 port 8080 log
allow tcp to $LAN6 port 8080 log
allow tcp to $LAN4 port 8081" "$list"
assert_eq "and loads back" "syntax ok (3 statements)" "$("$GWCTL" load -n - <<<"$list")"
assert_eq "-j rule list: log true, false" "true true false" \
	"$(gwctl_in "$NS_GW" -j rule list | jq -r '[.rules[].log] | join(" ")')"

assert_ok "connection 1 through the IPv4 log rule" tcp_roundtrip "$NS_OUT" "$LAN4" 8080
assert_ok "connection 2 through the IPv4 log rule" tcp_roundtrip "$NS_OUT" "$LAN4" 8080
assert_ok "a connection through the IPv6 log rule" tcp_roundtrip "$NS_OUT" "$LAN6" 8080
assert_ok "a connection through the rule without log" tcp_roundtrip "$NS_OUT" "$LAN4" 8081
probe "$NS_OUT" "$OUT4" "$LAN4" 9999 3
wait_until 10 logged_at_least "$cap" 3
drops_on=$(dmesg | wc -l)

# ---- log_drops: every drop, with its reason -----------------------------
gw_must gwctl_in "$NS_GW" set log_drops 1
assert_refs "log_drops takes no second reference" $((refs + 2)) "$(nflog_refs)"
assert_ok "the rule without log still logs nothing" tcp_roundtrip "$NS_OUT" "$LAN4" 8081
probe "$NS_OUT" "$OUT4" "$LAN4" 9999 3
probe "$NS_OUT" "$OUT6" "$LAN6" 9999 2
wait_until 10 logged_at_least "$cap" 8
# the last line logged is a drop: had the connection to 8081 been logged, it would show
expected="gw drop udp_probe	0	$OUT4	$LAN4	17	9999
gw drop udp_probe	0	$OUT4	$LAN4	17	9999
gw drop udp_probe	0	$OUT4	$LAN4	17	9999
gw drop udp_probe	0	$OUT6	$LAN6	17	9999
gw drop udp_probe	0	$OUT6	$LAN6	17	9999
gw log rule $h4	0	$OUT4	$LAN4	6	8080
gw log rule $h4	0	$OUT4	$LAN4	6	8080
gw log rule $h6	0	$OUT6	$LAN6	6	8080"
# in the order sort gives the capture's lines, whatever the addresses
expected=$(sort <<<"$expected")
if ! assert_eq "nflog:0 has each log rule connection's SYN and the 5 drops, nothing else" \
	"$expected" "$(logged "$cap" | sort)"; then
	logged "$cap"
fi
assert_eq "the connections opened no other rule's log ($hq)" 0 \
	"$(logged "$cap" | grep -c "rule $hq" || true)"
assert_ge "the kernel log has a line for drop udp_probe" 1 \
	"$(kmsg_lines "$drops_on" "drop udp_probe: proto 17 $OUT4:40000 -> $LAN4:9999 on wan0")"

# ---- a bounded flood: log_rate holds ------------------------------------
rate=5
gw_must gwctl_in "$NS_GW" set log_rate "$rate"
before=$(gw_counter "$NS_GW" drop_udp_probe)
flood_from=$(dmesg | wc -l)
t0=$(date +%s%N)
probe "$NS_OUT" "$OUT4" "$LAN4" 9998 2000
t1=$(date +%s%N)
secs=$(((t1 - t0 + 999999999) / 1000000000))
assert_eq "the flood's 2000 datagrams were dropped" $((before + 2000)) \
	"$(gw_counter "$NS_GW" drop_udp_probe)"
wait_until 10 logged_quiet "$cap"
flood=$(logged "$cap" | grep -c "	9998$" || true)
echo "flood: 2000 drops in ${secs}s, $flood logged at log_rate $rate"
assert_ge "the flood was logged (a full bucket's worth at least)" "$rate" "$flood"
assert_le "within log_rate: a second's burst and $rate a second for ${secs}s" \
	$((rate + rate * secs)) "$flood"
assert_le "the kernel log: one line a reason every 10 s" $((1 + secs / 10)) \
	"$(kmsg_lines "$flood_from" "drop udp_probe")"

# ---- another namespace, its own group 0 ---------------------------------
NS_B=gw-gw2-${NS_GW#gw-gw-}
NS_C=gw-out2-${NS_GW#gw-gw-}
gw_second_gateway "$NS_B" "$NS_C"
gw_must gwctl_in "$NS_B" iface add wan0 wan
gw_must gwctl_in "$NS_B" set log_drops 1
assert_refs "the second namespace holds its own references" $((refs + 4)) "$(nflog_refs)"
capture_start "$NS_B" nflog:0
cap_b=$GW_CAPTURE
# dropped: an echo request no rule allows
ip netns exec "$NS_C" ping -n -c 1 -W "$GW_TIME_SCALE" 198.51.100.1 >/dev/null 2>&1
probe "$NS_C" 198.51.100.2 198.51.100.1 9997 2
probe "$NS_OUT" "$OUT4" "$LAN4" 9996 1
wait_until 10 logged_at_least "$cap_b" 3
wait_until 10 bash -c "/usr/bin/python3 '$GW_ROOT/tests/vm/helpers/nflog_read.py' '$GW_TMP/cap$cap.pcap' | grep -q '	9996\$'"
assert_eq "the second namespace's nflog:0: its echo request and 2 probes" \
	"gw drop icmp_echo	0	198.51.100.2	198.51.100.1	1	0
gw drop udp_probe	0	198.51.100.2	198.51.100.1	17	9997
gw drop udp_probe	0	198.51.100.2	198.51.100.1	17	9997" "$(logged "$cap_b" | sort)"
assert_eq "the first's never sees them" 0 "$(logged "$cap" | grep -c 198.51.100 || true)"
assert_eq "nor the second the first's" 0 "$(logged "$cap_b" | grep -c "$OUT4" || true)"

# ---- scan events: the probe that made a scanner, and its block ----------
gw_must gwctl_in "$NS_B" set scan_threshold 3
gw_must gwctl_in "$NS_B" set scan_delay_ms 60000
gw_must gwctl_in "$NS_B" set scan_action block
for port in 7001 7002 7003; do
	probe "$NS_C" 198.51.100.2 198.51.100.1 "$port" 1
done
# shellcheck disable=SC2317 # called through wait_until
scan_logged() { [ "$(logged "$cap_b" | grep -c '^gw scan')" -ge 2 ]; }
wait_until 10 scan_logged
assert_eq "nflog:0 has the scanner's detection and block, with its probe" \
	"gw scan detected score 3	198.51.100.2	198.51.100.1	17
gw scan blocked 600s	198.51.100.2	198.51.100.1	17" \
	"$(logged "$cap_b" | grep '^gw scan' | cut -f1,3-5)"

# ---- nothing logs: the loggers go back; unload with a listener ----------
r=$(nflog_refs)
gw_must gwctl_in "$NS_GW" set log_drops 0
assert_refs "log_drops off, log rules left: the references stay" "$r" "$(nflog_refs)"
gw_must gwctl_in "$NS_GW" rule flush
assert_refs "nothing logs in the first namespace: its references are put" \
	$((r - 2)) "$(nflog_refs)"
gw_must gwctl_in "$NS_GW" set log_drops 1
r=$(nflog_refs)
dmesg_before=$(dmesg | wc -l)
assert_ok "rmmod while tcpdump listens on nflog:0 in both" gw_unload
assert_refs "rmmod put both namespaces' references, nothing else" $((r - 4)) "$(nflog_refs)"
assert_ok "the listener lives on" kill -0 "${_gw_cap_pid[$cap]}"
capture_start "$NS_GW" nflog:1
assert_ok "nfnetlink_log takes a new listener" kill -0 "${_gw_cap_pid[$GW_CAPTURE]}"
assert_ok "the kernel said nothing" \
	bash -c "! dmesg | tail -n +$((dmesg_before + 1)) | grep -E 'WARNING:|BUG:|Oops|refcount_t|KASAN|Call Trace'"

gw_finish
