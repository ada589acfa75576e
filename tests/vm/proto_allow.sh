#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Protocols other than TCP, UDP and ICMP, IPv4 and IPv6 (253 and 254, the
# numbers RFC 3692 sets aside for experiments): from wan, nothing arrives
# without a flow or a rule (drop_proto_denied); what the lan host sent out
# opens a flow on (protocol, addresses) and its answers come back; `allow
# proto 253` opens that protocol, and only that one, to the address the
# rule names.  The same packets, sent first with gatewarden not loaded,
# arrive, so the refusals can fail.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require tcpdump python3
gw_topology

# send NS DST PROTO COUNT: COUNT raw datagrams of PROTO to DST.
send() {
	ip netns exec "$1" python3 - "$2" "$3" "$4" <<-'EOF'
		import socket, sys
		dst, proto, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
		family = socket.AF_INET6 if ":" in dst else socket.AF_INET
		s = socket.socket(family, socket.SOCK_RAW, proto)
		for i in range(count):
		    s.sendto(b"gatewarden proto test %d" % i, (dst, 0))
	EOF
}

# arrived NS DST PROTO COUNT: send COUNT datagrams of PROTO from NS to DST
# and print how many of them reached lan's eth0.  The capture waits for
# all of them (or 2 s more than a packet needs to cross two veths, under
# GW_TIME_SCALE) before it stops.
arrived() {
	local ns=$1 dst=$2 proto=$3 count=$4 filter
	case $dst in
	*:*) filter="ip6 proto $proto and dst host $dst" ;;
	*) filter="ip proto $proto and dst host $dst" ;;
	esac
	capture_start "$NS_LAN" eth0 "$filter"
	send "$ns" "$dst" "$proto" "$count" || gw_fatal "sending proto $proto to $dst"
	wait_until 2 bash -c "[ \$(tcpdump -nr '${_gw_cap_file[$GW_CAPTURE]}' 2>/dev/null | wc -l) -ge $count ]"
	capture_stop
}

for dst in "$LAN4" "$LAN6"; do
	assert_eq "without gatewarden proto 253 reaches $dst (the test can fail)" 5 \
		"$(arrived "$NS_OUT" "$dst" 253 5)"
done

gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan

for dst in "$LAN4" "$LAN6"; do
	before=$(gw_counter "$NS_GW" drop_proto_denied)
	assert_eq "no flow, no rule: proto 253 from wan does not reach $dst" 0 \
		"$(arrived "$NS_OUT" "$dst" 253 5)"
	assert_eq "drop_proto_denied counted the 5" $((before + 5)) \
		"$(gw_counter "$NS_GW" drop_proto_denied)"
done

# What lan sends out opens a flow; the answers on it come back.
# shellcheck disable=SC2317 # called by wait_until
flow_to() { gwctl_in "$NS_GW" conn list proto 254 | grep -qF -- "$1"; }
for pair in "$LAN4 $OUT4" "$LAN6 $OUT6"; do
	read -r lan out <<<"$pair"
	gw_must send "$NS_LAN" "$out" 254 1
	wait_until 5 flow_to "$out" ||
		gw_fatal "no proto 254 flow to $out after lan sent one"
	assert_eq "proto 254 answers reach $lan on the flow lan opened" 5 \
		"$(arrived "$NS_OUT" "$lan" 254 5)"
done

# A rule opens one protocol to one address.
gw_must gwctl_in "$NS_GW" rule add allow proto 253 to "$LAN4"
gw_must gwctl_in "$NS_GW" rule add allow proto 253 to "$LAN6"
for dst in "$LAN4" "$LAN6"; do
	assert_eq "allow proto 253 to $dst: it arrives" 5 "$(arrived "$NS_OUT" "$dst" 253 5)"
	assert_eq "the rule opens 253 only: proto 252 does not reach $dst" 0 \
		"$(arrived "$NS_OUT" "$dst" 252 5)"
done
# The rules name lan's addresses, not the gateway's own.
before=$(gw_counter "$NS_GW" drop_proto_denied)
gw_must send "$NS_OUT" "$GW_LAN4" 253 1
# shellcheck disable=SC2317 # called by wait_until
denied_more() { [ "$(gw_counter "$NS_GW" drop_proto_denied)" -gt "$before" ]; }
assert_ok "proto 253 to the gateway's $GW_LAN4 is still denied" wait_until 5 denied_more

gw_finish
