#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# set reload_policy: what a rule change does to the inbound connections it
# no longer allows.  An outside host holds TCP connections to lan's ports
# 8080 (A) and 8081 (B) and a UDP flow to lan's port 5300, IPv4 and IPv6,
# and lan holds a connection it opened to the outside.  A load that drops
# A and the UDP service under "expire" (the default) cuts nothing; the same
# load with "set reload_policy close" resets A at both ends (client and
# server see it at once), shuts the UDP flow so that neither its outside
# end nor the server answering from inside opens it again, leaves B and
# the inside connection working and refuses new connections to A.  Then
# "rule del" and "rule flush" close what they disallow the same way, a
# connection through the SYN proxy among them: its client's reset carries
# the sequence number the proxy gave it, not the server's.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq ss
gw_topology
gw_load
F=$GW_TMP

for addr in "$LAN4" "$LAN6"; do
	for port in 8080 8081 8082 8083; do tcp_echo_server "$NS_LAN" "$addr" "$port"; done
	# one process answering every datagram, where socat's fork per
	# datagram (and its shell) took seconds on the debug kernel
	udp_icmp_bg "$NS_LAN" /dev/null serve "$addr" 5300 6
	gw_on_exit "kill $GW_BG_PID 2>/dev/null"
done
for addr in "$OUT4" "$OUT6"; do tcp_echo_server "$NS_OUT" "$addr" 9090; done

# watch NAME NS ADDR PORT: hold a connection (helpers/tcp_hold.py watch)
# in the background; its output in $F/NAME/out.
watch() {
	local name=$1 ns=$2 addr=$3 port=$4 pid
	mkdir -p "$F/$name"
	ip netns exec "$ns" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" watch \
		"$addr" "$port" "$F/$name" 900 >"$F/$name/out" 2>&1 &
	pid=$!
	gw_on_exit "kill $pid 2>/dev/null"
	wait_file "$F/$name/ready" 30 || {
		gwctl_in "$NS_GW" conn list
		gwctl_in "$NS_GW" rule list
		gw_fatal "connection $name to $addr:$port never came up: $(cat "$F/$name/out")"
	}
}
# exchange NAME N: one more line over the held connection NAME.
# shellcheck disable=SC2317 # called through assert_ok
exchange() {
	touch "$F/$1/go$2"
	wait_file "$F/$1/done$2" 5 && grep -qx "ok $2" "$F/$1/out"
}
# ended NAME: the held connection NAME was reset (or closed) under its client.
# shellcheck disable=SC2317 # called through wait_until
ended() { grep -qxE 'reset|eof' "$F/$1/out"; }
# server_let_go NS PORT PEER: no established socket on PORT with PEER in NS.
# shellcheck disable=SC2317 # called through wait_until
server_let_go() {
	! ip netns exec "$1" ss -Htn state established "( sport = :$2 )" | grep -qF "$3"
}
# counter_above NAME N: gw's counter NAME is above N.
# shellcheck disable=SC2317 # called through wait_until
counter_above() { [ "$(gw_counter "$NS_GW" "$1")" -gt "$2" ]; }
# Every file keeps the UDP flows for 10 min: on the debug kernel's guest
# the scenario outlasts the 30 s an unanswered one lives by default, and a
# flow that expired before the close proves nothing about the close.
policy() { # FILE [LINES...]: the zones, then the lines
	local file=$1
	shift
	{
		printf 'iface wan0 wan\niface lan0 lan\n'
		printf 'set udp_unreplied 600\nset udp_stream 600\n'
		printf '%s\n' "$@"
	} >"$file"
}

policy "$F/all.rules" "define lan = { $LAN4, $LAN6 }" \
	"allow tcp to \$lan port 8080,8081" "allow udp to \$lan port 5300"
policy "$F/less.rules" "define lan = { $LAN4, $LAN6 }" "allow tcp to \$lan port 8081"
policy "$F/less_close.rules" "define lan = { $LAN4, $LAN6 }" "allow tcp to \$lan port 8081" \
	"set reload_policy close"

gw_must gwctl_in "$NS_GW" load "$F/all.rules"
assert_eq "reload_policy is expire by default" expire "$(gwctl_in "$NS_GW" get reload_policy)"

# ---- expire: nothing is cut -------------------------------------------------
# udp_answer V: 1 if out's question from port 4000V to lan's UDP server
# (IPv4 or IPv6) is answered, 0 if not.  Asked again every 3 s, as a
# resolver would: on the debug kernel, two guests side by side, a question
# to the socat server this had went unanswered for all of 12 s, twice;
# the helper says on stderr how many questions it took.
udp_answer() {
	local lan=LAN$1 out=OUT$1
	udp_icmp "$NS_OUT" ask "${!out}" "4000$1" "${!lan}" 5300 $((3 * GW_TIME_SCALE)) 3
}
# udp_context: what a failed question leaves to look at.
udp_context() {
	echo "# flows on port 5300, and gatewarden's counters:"
	gwctl_in "$NS_GW" conn list | grep -F 'dport=5300' | sed 's/^/#   /'
	gwctl_in "$NS_GW" stats | grep -v ' 0$' | sed 's/^/#   /'
}
open_all() {
	local v lan out
	for v in 4 6; do
		lan=LAN$v out=OUT$v
		watch "a$v" "$NS_OUT" "${!lan}" 8080
		watch "b$v" "$NS_OUT" "${!lan}" 8081
		watch "in$v" "$NS_LAN" "${!out}" 9090
		assert_eq "out's UDP flow to ${!lan}:5300 gets its answer" 1 \
			"$(udp_answer "$v")" || udp_context
	done
}
open_all
flows=$(gwctl_in "$NS_GW" conn count)
assert_ok "load under expire of a file without port 8080 and udp 5300" \
	gwctl_in "$NS_GW" load "$F/less.rules"
assert_eq "expire: the load closed no flow" "$flows" "$(gwctl_in "$NS_GW" conn count)"
for v in 4 6; do
	lan=LAN$v out=OUT$v
	assert_ok "expire: the connection to ${!lan}:8080 still works" exchange "a$v" 1
	assert_ok "expire: the connection to ${!lan}:8081 still works" exchange "b$v" 1
	assert_eq "expire: the UDP flow to ${!lan}:5300 still works" 1 \
		"$(udp_answer "$v")" || udp_context
	assert_fail "expire: a new connection to ${!lan}:8080 is refused" \
		tcp_roundtrip "$NS_OUT" "${!lan}" 8080 2
done
assert_eq "expire: policy_closed stays 0" 0 "$(gw_counter "$NS_GW" policy_closed)"

# ---- close: A and the UDP flow are shut, B and the inside connection live ----
for v in 4 6; do
	lan=LAN$v out=OUT$v
	assert_fail "the server at ${!lan}:8080 holds out's connection before" \
		server_let_go "$NS_LAN" 8080 "${!out}"
done
denied=$(gw_counter "$NS_GW" drop_passive_denied)
assert_ok "load of the same file with set reload_policy close" \
	gwctl_in "$NS_GW" load "$F/less_close.rules"
assert_eq "the file's reload_policy is in force" close "$(gwctl_in "$NS_GW" get reload_policy)"
assert_ok "save prints it back by name" grep -qx "set reload_policy close" <<<"$(gwctl_in "$NS_GW" save)"
s1=$(gwctl_in "$NS_GW" save)
assert_ok "save | load is still a fixed point" \
	bash -c "ip netns exec $NS_GW $GWCTL save | ip netns exec $NS_GW $GWCTL load -"
assert_eq "save | load | save gives the same text" "$s1" "$(gwctl_in "$NS_GW" save)"
for v in 4 6; do
	lan=LAN$v out=OUT$v
	assert_ok "close: the client of ${!lan}:8080 sees its connection reset at once" \
		wait_until 5 ended "a$v"
	assert_ok "close: the server at ${!lan}:8080 no longer holds it either" \
		wait_until 5 server_let_go "$NS_LAN" 8080 "${!out}"
	assert_ok "close: the connection to ${!lan}:8081 still works" exchange "b$v" 2
	assert_ok "close: the connection lan opened to ${!out}:9090 still works" exchange "in$v" 1
	assert_eq "close: the UDP flow to ${!lan}:5300 no longer gets answers" 0 \
		"$(udp_icmp "$NS_OUT" ask "${!out}" 4000$v "${!lan}" 5300 $((2 * GW_TIME_SCALE)))"
	assert_fail "close: a new connection to ${!lan}:8080 is refused" \
		tcp_roundtrip "$NS_OUT" "${!lan}" 8080 2
done
assert_ge "close: those were passive denials" $((denied + 2)) "$(gw_counter "$NS_GW" drop_passive_denied)"
assert_ge "close: policy_closed counts both connections and both UDP flows" 4 \
	"$(gw_counter "$NS_GW" policy_closed)"
assert_ok "conn list shows the closed flows as [closed]" \
	bash -c "ip netns exec $NS_GW $GWCTL conn list | grep 'dport=8080 ' | grep -qF '[closed]'"

# The server answering from inside does not open the UDP flow again.
before=$(gw_counter "$NS_GW" drop_policy_closed)
for v in 4 6; do
	lan=LAN$v out=OUT$v
	rm -f "$F/stop"
	GW_STOP=$F/stop GW_READY=$F/recv$v udp_icmp "$NS_OUT" recv "${!out}" 4000$v 20 >"$F/recv$v.out" &
	rpid=$!
	wait_file "$F/recv$v" 10 || gw_fatal "udp receiver did not start"
	gw_must udp_icmp "$NS_LAN" send "${!lan}" 5300 "${!out}" 4000$v 3
	touch "$F/stop"
	wait "$rpid"
	assert_eq "close: datagrams from ${!lan}:5300 to the closed flow do not arrive" 0 "$(cat "$F/recv$v.out")"
	assert_eq "close: and out's next datagram is still unanswered" 0 \
		"$(udp_icmp "$NS_OUT" ask "${!out}" 4000$v "${!lan}" 5300 $((2 * GW_TIME_SCALE)))"
done
assert_ge "close: the server's datagrams counted as drop_policy_closed" $((before + 6)) \
	"$(gw_counter "$NS_GW" drop_policy_closed)"

# ---- rule del and rule flush close what they disallow ------------------------
for v in 4 6; do
	lan=LAN$v
	h=$(gwctl_in "$NS_GW" -j rule add allow tcp to "${!lan}" port 8082 | jq -r .handle)
	watch "c$v" "$NS_OUT" "${!lan}" 8082
	gw_must gwctl_in "$NS_GW" rule del "$h"
	assert_ok "rule del: the connection to ${!lan}:8082 is reset" wait_until 5 ended "c$v"
	out=OUT$v
	opened=$(gw_counter "$NS_GW" synproxy_opened)
	h=$(gwctl_in "$NS_GW" -j rule add allow tcp to "${!lan}" port 8083 synproxy | jq -r .handle)
	watch "p$v" "$NS_OUT" "${!lan}" 8083
	assert_eq "synproxy: the connection to ${!lan}:8083 went through the proxy" \
		$((opened + 1)) "$(gw_counter "$NS_GW" synproxy_opened)"
	assert_ok "synproxy: and carries data" exchange "p$v" 1
	gw_must gwctl_in "$NS_GW" rule del "$h"
	assert_ok "rule del: the proxied connection's client is reset at once" \
		wait_until 5 ended "p$v"
	assert_ok "rule del: and its server at ${!lan}:8083 no longer holds it" \
		wait_until 5 server_let_go "$NS_LAN" 8083 "${!out}"
	assert_ok "rule del: the connection to ${!lan}:8081 (its rule stays) still works" \
		exchange "b$v" 3
done
# Under tcp_pickup loose an inside segment adopts a connection it finds no
# flow for: on the closed one it must not.  A forged ACK from the server's
# side of the closed connection to 192.0.2.2:8082 (raw socket, IPv4).
gw_must gwctl_in "$NS_GW" set tcp_pickup loose
cport=$(gwctl_in "$NS_GW" -j conn list | jq -er '[.flows[] | select(.dport == 8082 and .closed == true and (.src | contains(".")))][0].sport')
picked=$(gw_counter "$NS_GW" flow_picked_up)
before=$(gw_counter "$NS_GW" drop_policy_closed)
gw_must ip netns exec "$NS_LAN" /usr/bin/python3 -c '
import socket, struct, sys
src, dst, sport, dport = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
hdr = struct.pack("!HHIIBBHHH", sport, dport, 12345, 67890, 5 << 4, 0x10, 65535, 0, 0)
pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(hdr))
data = pseudo + hdr
csum = sum(struct.unpack("!%dH" % (len(data) // 2), data))
while csum >> 16:
    csum = (csum & 0xffff) + (csum >> 16)
hdr = hdr[:16] + struct.pack("!H", ~csum & 0xffff) + hdr[18:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
s.sendto(hdr, (dst, 0))
' "$LAN4" "$OUT4" 8082 "$cport"
assert_ok "loose: the server side's ACK on the closed connection is dropped" \
	wait_until 5 counter_above drop_policy_closed "$before"
assert_eq "loose: and does not adopt the connection again" "$picked" "$(gw_counter "$NS_GW" flow_picked_up)"
assert_ok "loose: the flow is still [closed]" \
	bash -c "ip netns exec $NS_GW $GWCTL -j conn list | jq -e '[.flows[] | select(.sport == $cport and .dport == 8082 and .closed == true)] | length == 1'"
gw_must gwctl_in "$NS_GW" set tcp_pickup strict

closed=$(gw_counter "$NS_GW" policy_closed)
gw_must gwctl_in "$NS_GW" rule flush
for v in 4 6; do
	lan=LAN$v out=OUT$v
	assert_ok "rule flush: the connection to ${!lan}:8081 is reset" wait_until 5 ended "b$v"
	assert_ok "rule flush: the connection lan opened to ${!out}:9090 still works" exchange "in$v" 2
done
assert_ge "rule flush: counted" $((closed + 2)) "$(gw_counter "$NS_GW" policy_closed)"

gw_finish
