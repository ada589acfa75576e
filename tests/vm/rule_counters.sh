#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Per-rule counters (issue 19), as pf counts a rule's states: every packet
# that passes on a connection the rule admitted, both directions, from the
# first, and its IP length.  UDP datagrams of known sizes give exact
# counts; a TCP connection's are what crossed the wan link, as tcpdump saw
# it, to the packet and the byte; a SYN-proxied one's leave out the
# handshake the proxy absorbs.  Another rule's flow counts in that rule
# only; "rule list --reset" zeroes and counting resumes on the live flow;
# a load gives every rule new counters at 0, and a connection of a
# replaced rule counts nowhere visible; deleting the rule of a live flow,
# then unloading the module under that flow's traffic, leaves nothing
# behind (the runner's kernel-log check; KASAN and kmemleak on the debug
# kernel).

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq tcpdump
gw_gateway wan
# The UDP flow must outlive the whole scenario: its packets come within 2 s,
# so it never becomes a stream and has udp_unreplied's 30 s, which the debug
# kernel spends before "counting resumes on the live flow".
gw_must gwctl_in "$NS_GW" set udp_unreplied 3600
gw_must gwctl_in "$NS_GW" set udp_stream 3600

# counters HANDLE: "hits packets bytes" of the rule, as rule list -j has it
counters() {
	gwctl_in "$NS_GW" -j rule list |
		jq -r --argjson h "$1" '.rules[] | select(.handle == $h) | "\(.hits) \(.packets) \(.bytes)"'
}
# shellcheck disable=SC2317 # called through wait_until
packets_are() { # HANDLE N
	[ "$(counters "$1" | cut -d' ' -f2)" = "$2" ]
}
# flow_packets SPORT DPORT: both directions' packets of the flow from out
flow_packets() {
	gwctl_in "$NS_GW" -j conn list |
		jq -r --argjson s "$1" --argjson d "$2" \
			'first(.flows[]? | select(.sport == $s and .dport == $d)) |
			 .packets_orig + .packets_reply'
}
# shellcheck disable=SC2317 # called through wait_until
flow_packets_are() { # SPORT DPORT N
	[ "$(flow_packets "$1" "$2")" = "$3" ]
}
add_rule() { # WORDS...: the new rule's handle
	gwctl_in "$NS_GW" -j rule add "$@" | jq -r .handle
}
# udp_serve PORT SIZE: lan answers each datagram to PORT with SIZE bytes
udp_serve() {
	local ready=$GW_TMP/serve.$1
	# not udp_icmp: a function in the background is a subshell, and
	# killing it left the server running (seen under load)
	GW_READY=$ready ip netns exec "$NS_LAN" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/udp_icmp.py" \
		serve "$LAN4" "$1" "$2" >/dev/null 2>&1 &
	gw_on_exit "kill $! 2>/dev/null"
	wait_file "$ready" 60 || gw_fatal "udp server on $LAN4 port $1 did not start"
}
# udp_sink PORT: out takes what comes back to PORT (no port unreachable,
# which would be an ICMP error passing on the flow, and counted)
udp_sink() {
	ip netns exec "$NS_OUT" socat -u "UDP4-RECV:$1,bind=$OUT4" /dev/null \
		</dev/null >>"$GW_TMP/servers.log" 2>&1 &
	gw_on_exit "kill $! 2>/dev/null"
	wait_listener "$NS_OUT" udp "$1" 30 || gw_fatal "udp sink on $OUT4 port $1 did not start"
}
# send SPORT DPORT COUNT: COUNT datagrams of 100 bytes (128 of IPv4)
send() {
	gw_must udp_icmp "$NS_OUT" send "$OUT4" "$1" "$LAN4" "$2" "$3" 100
}
# ip_bytes PCAP: the IP lengths of the packets in PCAP, summed
ip_bytes() {
	tcpdump -vnr "$1" 2>/dev/null |
		awk 'match($0, /proto TCP \(6\), length [0-9]+\)/) {
			s = substr($0, RSTART, RLENGTH); gsub(/[^0-9 ]/, "", s)
			n = split(s, w, " "); sum += w[n]
		} END { print sum + 0 }'
}

udp_serve 5300 200
udp_serve 5301 200
udp_sink 40000
udp_sink 40001
hu=$(add_rule allow udp to "$LAN4" port 5300)
ho=$(add_rule allow udp to "$LAN4" port 5301)
assert_ge "rule add returns a handle" 1 "$hu"
assert_eq "a new rule has counted nothing" "0 0 0" "$(counters "$hu")"

# ---- UDP: exact ---------------------------------------------------------
# 5 datagrams in (128 bytes each), 5 answers out (228): one flow, the
# first packet the rule matched and the nine after it.
send 40000 5300 5
wait_until 30 packets_are "$hu" 10
assert_eq "UDP: 1 hit, 10 packets (5 each way), 5 x 128 + 5 x 228 bytes" \
	"1 10 1780" "$(counters "$hu")"
assert_eq "the other rule has counted nothing" "0 0 0" "$(counters "$ho")"
assert_eq "the flow's own packet counts agree" 10 "$(flow_packets 40000 5300)"

# a flow of the other rule counts there, and only there
send 40000 5301 3
wait_until 30 packets_are "$ho" 6
assert_eq "the other rule's flow: 1 hit, 6 packets, 3 x 128 + 3 x 228 bytes" \
	"1 6 1068" "$(counters "$ho")"
assert_eq "its packets are not the first rule's" "1 10 1780" "$(counters "$hu")"

# ---- rule list shows them; --reset zeroes them --------------------------
list=$(gwctl_in "$NS_GW" rule list)
assert_eq "rule list: the counters in the trailing comment" \
	"allow udp to $LAN4 port 5300  # handle $hu, 1 hit, 10 packets, 1780 bytes
allow udp to $LAN4 port 5301  # handle $ho, 1 hit, 6 packets, 1068 bytes" "$list"
assert_eq "what rule list prints still loads" "syntax ok (2 statements)" \
	"$("$GWCTL" load -n - <<<"$list")"
assert_eq "rule list --reset prints the counts it zeroes" "$list" \
	"$(gwctl_in "$NS_GW" rule list --reset)"
assert_eq "after --reset the rule's counters are 0" "0 0 0" "$(counters "$hu")"
assert_eq "and the other rule's" "0 0 0" "$(counters "$ho")"
# the live flow goes on counting: 2 more each way, no new connection
send 40000 5300 2
wait_until 30 packets_are "$hu" 4
assert_eq "counting resumes on the live flow: 0 hits, 4 packets, 712 bytes" \
	"0 4 712" "$(counters "$hu")"
assert_eq "-j rule list --reset gives packets and bytes too" "0 4 712" \
	"$(gwctl_in "$NS_GW" -j rule list --reset |
		jq -r --argjson h "$hu" '.rules[] | select(.handle == $h) | "\(.hits) \(.packets) \(.bytes)"')"
assert_eq "zeroed again" "0 0 0" "$(counters "$hu")"
assert_fail "rule list takes --reset alone" gwctl_in "$NS_GW" rule list --reset extra

# ---- TCP: what crossed the wan link, exactly ----------------------------
tcp_echo_server "$NS_LAN" "$LAN4" 8080
tcp_echo_server "$NS_LAN" "$LAN4" 8082
ht=$(add_rule allow tcp to "$LAN4" port 8080)
capture_start "$NS_GW" wan0 tcp port 8080
cap_tcp=$GW_CAPTURE
assert_ok "a connection through the tcp rule" tcp_roundtrip "$NS_OUT" "$LAN4" 8080
# shellcheck disable=SC2317 # called through wait_until
tcp_settled() { # the last ACK of the close is in the counters too
	local n
	n=$(capture_count)
	[ "$n" -ge 6 ] && packets_are "$ht" "$n"
}
wait_until 30 tcp_settled
seen=$(capture_stop_id "$cap_tcp")
read -r hits pkts bytes <<<"$(counters "$ht")"
echo "tcp rule: $hits hit, $pkts packets, $bytes bytes; wan0 saw $seen segments"
assert_eq "TCP: one hit" 1 "$hits"
if ! assert_eq "TCP: its packets are the segments that crossed wan0, both ways" "$seen" "$pkts"; then
	capture_show_id "$cap_tcp"
fi
assert_eq "TCP: its bytes are their IP lengths" "$(ip_bytes "$GW_TMP/cap$cap_tcp.pcap")" "$bytes"
assert_ge "TCP: the handshake, the data both ways and the close" 8 "$pkts"

# A SYN-proxied connection: the client's SYN and its cookie's ACK, and our
# SYN-ACK, pass on no flow of the rule (dropped, or sent before there is
# one): not counted; what passes on the joined flow is.
hp=$(add_rule allow tcp to "$LAN4" port 8082 synproxy)
capture_start "$NS_GW" wan0 tcp port 8082
cap_proxy=$GW_CAPTURE
assert_ok "a connection through the synproxy rule" tcp_roundtrip "$NS_OUT" "$LAN4" 8082
# shellcheck disable=SC2317 # called through wait_until
capture_quiet() { # the close is over: nothing more crossed wan0 for 0.5 s
	local a
	a=$(capture_count)
	sleep 0.5
	[ "$(capture_count)" = "$a" ]
}
wait_until 30 capture_quiet
seen=$(capture_stop_id "$cap_proxy")
read -r hits pkts bytes <<<"$(counters "$hp")"
echo "synproxy rule: $hits hit, $pkts packets, $bytes bytes; wan0 saw $seen segments"
assert_eq "synproxy: one hit, at the cookie" 1 "$hits"
assert_ge "synproxy: the joined connection's data and close are counted" 5 "$pkts"
assert_le "synproxy: the proxy's handshake with the client is not" $((seen - 3)) "$pkts"

# An echo rule opens no flow: it counts the requests it lets in (84 bytes
# each: ping's 56 of data), and not the replies, which pass on no flow.
hi=$(add_rule allow icmp echo to "$LAN4")
assert_ok "3 pings through the echo rule" gw_ping "$NS_OUT" "$LAN4" 3
assert_eq "echo rule: 3 hits, 3 packets, 3 x 84 bytes" "3 3 252" "$(counters "$hi")"

# ---- a load: new rules, new counters ------------------------------------
gw_must gwctl_in "$NS_GW" load - <<EOF
iface wan0 wan
allow udp to $LAN4 port 5300
allow udp to $LAN4 port 5301
EOF
# (no process substitution: the guest has no /dev/fd)
mapfile -t handles <<<"$(gwctl_in "$NS_GW" -j rule list | jq -r '.rules[].handle')"
assert_eq "the load made two rules" 2 "${#handles[@]}"
hu2=${handles[0]}
assert_ge "with new handles" $((hi + 1)) "$hu2"
assert_eq "the loaded rules start at 0" "0 0 0
0 0 0" "$(gwctl_in "$NS_GW" -j rule list | jq -r '.rules[] | "\(.hits) \(.packets) \(.bytes)"')"
# the old flow lives on (reload_policy expire) and counts nowhere visible
send 40000 5300 2
wait_until 30 flow_packets_are 40000 5300 18
assert_eq "the replaced rule's flow passed its datagrams (14 before, 4 now)" 18 \
	"$(flow_packets 40000 5300)"
assert_eq "which the new rule does not count" "0 0 0" "$(counters "$hu2")"
# a new flow is the new rule's
send 40001 5300 1
wait_until 30 packets_are "$hu2" 2
assert_eq "a new flow counts in the loaded rule" "1 2 356" "$(counters "$hu2")"

# ---- delete the rule of a live flow, unload under its traffic -----------
dmesg_before=$(dmesg | wc -l)
ip netns exec "$NS_OUT" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/udp_icmp.py" \
	send "$OUT4" 40001 "$LAN4" 5300 10000000 100 >/dev/null 2>&1 &
flood=$!
gw_on_exit "kill $flood 2>/dev/null"
gw_must gwctl_in "$NS_GW" rule del "$hu2"
# shellcheck disable=SC2317 # called through wait_until
flow_moves() {
	local a b
	a=$(flow_packets 40001 5300)
	sleep 0.5
	b=$(flow_packets 40001 5300)
	[ -n "$a" ] && [ -n "$b" ] && [ "$b" -gt "$a" ]
}
assert_ok "the deleted rule's flow still passes traffic" wait_until 30 flow_moves
assert_ok "rmmod under that traffic" gw_unload
kill "$flood" 2>/dev/null
wait "$flood" 2>/dev/null
assert_ok "the kernel said nothing" \
	bash -c "! dmesg | tail -n +$((dmesg_before + 1)) | grep -E 'WARNING:|BUG:|Oops|refcount_t|KASAN|Call Trace'"

gw_finish
