#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path-MTU discovery through the firewall, IPv4 and IPv6:
#  - a 1280-byte link between gw and lan: a bulk upload from out to an
#    allowed service on lan, and from lan to out, both complete (gw's own
#    "fragmentation needed" / "packet too big" leave through wan);
#  - a 1280-byte link beyond out (lan -- gw -- out -- far): lan's bulk
#    upload to far completes only because out's "packet too big" comes in
#    through wan, quoting lan's segment, and gatewarden lets it pass;
#  - the same path, far downloading from a lan service behind the SYN
#    proxy: the quoted segment carries the sequence number the proxy gave
#    it for the client, which the server would take for one it never sent
#    (and ignore the error, stalling the download) had gatewarden not put
#    the server's own number back.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_topology
NS_FAR=gw-far-${NS_GW#gw-gw-}
FAR4=198.51.100.2 FAR6=2001:db8:198::2
# far's second addresses, for the proxied download: a path MTU the server
# has not learnt yet (the uploads teach lan the one to FAR4 and FAR6)
FARB4=198.51.100.3 FARB6=2001:db8:198::3
gw_ns_add "$NS_FAR"
gw_must ip -n "$NS_OUT" link add eth1 mtu 1280 type veth peer name eth0 netns "$NS_FAR"
gw_must ip -n "$NS_OUT" addr add 198.51.100.1/24 dev eth1
gw_must ip -n "$NS_OUT" addr add 2001:db8:198::1/64 dev eth1 nodad
gw_must ip -n "$NS_FAR" addr add "$FAR4/24" dev eth0
gw_must ip -n "$NS_FAR" addr add "$FAR6/64" dev eth0 nodad
gw_must ip -n "$NS_FAR" addr add "$FARB4/24" dev eth0
gw_must ip -n "$NS_FAR" addr add "$FARB6/64" dev eth0 nodad
gw_must ip -n "$NS_OUT" link set eth1 up
gw_must ip -n "$NS_FAR" link set eth0 up
gw_must ip -n "$NS_FAR" route add default via 198.51.100.1
gw_must ip -n "$NS_FAR" -6 route add default via 2001:db8:198::1
gw_must ip netns exec "$NS_OUT" sysctl -qw net.ipv4.ip_forward=1 \
	net.ipv6.conf.all.forwarding=1
gw_must ip -n "$NS_GW" route add 198.51.100.0/24 via "$OUT4"
gw_must ip -n "$NS_GW" -6 route add 2001:db8:198::/64 via "$OUT6"
gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_must gwctl_in "$NS_GW" rule add allow tcp port 8000
gw_must gwctl_in "$NS_GW" rule add allow tcp port 8001 synproxy

# bulk_server NS ADDR: on port 8000, read everything, answer the byte count.
bulk_server() {
	local listen
	if _gw_is_v6 "$2"; then listen="TCP6-LISTEN:8000,bind=[$2],fork,reuseaddr"; else listen="TCP4-LISTEN:8000,bind=$2,fork,reuseaddr"; fi
	_gw_start_server "$1" 8000 -t 10 "$listen" "SYSTEM:wc -c"
}

# upload NS ADDR: send 300000 bytes to ADDR:8000, print what the server counted.
upload() {
	local target
	if _gw_is_v6 "$2"; then target="TCP6:[$2]:8000"; else target="TCP4:$2:8000"; fi
	head -c 300000 /dev/zero | timeout -k 1 60 ip netns exec "$1" \
		socat -t 30 -T 30 - "$target,connect-timeout=5" | tr -d ' '
}

# download_server NS ADDR: on port 8001, send each client 300000 bytes.
download_server() {
	_gw_start_server "$1" 8001 -t 10 "$(_gw_listen_addr "$2" 8001)" \
		"SYSTEM:head -c 300000 /dev/zero"
}

# download NS ADDR FROM: fetch from ADDR:8001 with source address FROM,
# print how many bytes came.
download() {
	local target
	if _gw_is_v6 "$2"; then
		target="TCP6:[$2]:8001,bind=[$3]"
	else
		target="TCP4:$2:8001,bind=$3"
	fi
	timeout -k 1 60 ip netns exec "$1" socat -u -T 30 "$target,connect-timeout=5" - | wc -c
}

for addr in "$LAN4" "$LAN6"; do
	bulk_server "$NS_LAN" "$addr"
	download_server "$NS_LAN" "$addr"
done
for addr in "$OUT4" "$OUT6" "$FAR4" "$FAR6"; do
	case $addr in "$OUT4" | "$OUT6") ns=$NS_OUT ;; *) ns=$NS_FAR ;; esac
	bulk_server "$ns" "$addr"
done

for v in 4 6; do
	far=FAR$v
	passed=$(gw_counter "$NS_GW" icmp_error_passed)
	assert_eq "IPv$v: lan uploads 300000 bytes to far, past a 1280 link beyond out" \
		300000 "$(upload "$NS_LAN" "${!far}")"
	assert_ge "IPv$v: ... because out's packet-too-big came in and passed" $((passed + 1)) \
		"$(gw_counter "$NS_GW" icmp_error_passed)"
done
for v in 4 6; do
	lan=LAN$v from=FARB$v
	passed=$(gw_counter "$NS_GW" icmp_error_passed)
	opened=$(gw_counter "$NS_GW" synproxy_opened)
	assert_eq "IPv$v: far downloads 300000 bytes from lan's proxied service past that link" \
		300000 "$(download "$NS_FAR" "${!lan}" "${!from}")"
	assert_ge "IPv$v: ... through the SYN proxy" $((opened + 1)) \
		"$(gw_counter "$NS_GW" synproxy_opened)"
	assert_ge "IPv$v: ... out's packet-too-big passed (untranslated, the server ignores it)" \
		$((passed + 1)) "$(gw_counter "$NS_GW" icmp_error_passed)"
done

# Now the gw -- lan link is the narrow one.
gw_must ip -n "$NS_GW" link set lan0 mtu 1280
gw_must ip -n "$NS_LAN" link set eth0 mtu 1280
for v in 4 6; do
	lan=LAN$v out=OUT$v
	assert_eq "IPv$v: out uploads 300000 bytes to lan's allowed service over the 1280 link" \
		300000 "$(upload "$NS_OUT" "${!lan}")"
	assert_eq "IPv$v: lan uploads 300000 bytes to out over the 1280 link" \
		300000 "$(upload "$NS_LAN" "${!out}")"
done
assert_eq "no ICMP error was dropped" 0 "$(gw_counter "$NS_GW" drop_icmp_error)"

gw_finish
