#!/bin/bash
# The harness itself, without the module: the guest boots, gw_topology routes
# IPv4 and IPv6 through gw in both directions, and the traffic and capture
# helpers see what they should. When this fails, no other scenario's verdict
# means anything.
# gw-vm: no-module

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require ip ping socat ss tcpdump
gw_topology

assert_ok "out reaches lan over IPv4 through gw" gw_ping "$NS_OUT" "$LAN4" 3
assert_ok "out reaches lan over IPv6 through gw" gw_ping "$NS_OUT" "$LAN6" 3
assert_ok "lan reaches out over IPv4 through gw" gw_ping "$NS_LAN" "$OUT4"
assert_ok "lan reaches out over IPv6 through gw" gw_ping "$NS_LAN" "$OUT6"

tcp_server "$NS_LAN" "$LAN4" 8080
tcp_server "$NS_LAN" "$LAN6" 8080 hello6
capture_start "$NS_OUT" eth0 tcp port 8080
assert_eq "tcp_connect from out gets lan's IPv4 server line" hello \
	"$(tcp_connect "$NS_OUT" "$LAN4" 8080)"
assert_eq "tcp_connect from out gets lan's IPv6 server line" hello6 \
	"$(tcp_connect "$NS_OUT" "$LAN6" 8080)"
# Two full connections: handshake, data, ack and both FINs, at least 5 each.
assert_ge "capture on out's eth0 saw both connections" 10 "$(capture_stop)"

capture_start "$NS_OUT" eth0 'tcp[tcpflags] & tcp-rst != 0'
assert_fail "tcp_connect to a closed port fails" tcp_connect "$NS_OUT" "$LAN4" 9
assert_eq "the refusal came back as one RST" 1 "$(capture_stop)"

udp_server "$NS_LAN" "$LAN6" 5353 pong
assert_eq "udp_connect from out gets lan's IPv6 reply" pong \
	"$(udp_connect "$NS_OUT" "$LAN6" 5353)"
assert_fail "udp_connect to a closed port fails" udp_connect "$NS_OUT" "$LAN4" 9 1

assert_fail "wait_listener gives up on a port nobody binds" \
	wait_listener "$NS_LAN" tcp 9 1

gw_finish
