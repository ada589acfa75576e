#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A UDP scan from outside learns nothing: nmap -sU reports every port of gw
# and of lan open|filtered, and not one ICMP
# port-unreachable leaves for the outside, because the probes never reach
# a stack that would send one (the targets' own counters do not move).  The
# same scan with gatewarden unloaded does find closed ports, so the test
# can fail.  IPv4 and IPv6.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require nmap tcpdump jq
gw_gateway

PORTS=53,69,123,161,500
NPORTS=5

# snmp6_counter NS NAME: one counter of NS's /proc/net/snmp6.
snmp6_counter() {
	# shellcheck disable=SC2016 # awk fields, not shell
	ip netns exec "$1" awk -v f="$2" '$1 == f { print $2; found = 1 } END { exit !found }' /proc/net/snmp6
}

# unreach_counters: every counter that moves when gw or lan answers a UDP
# probe with "port unreachable", on one line.
unreach_counters() {
	local ns
	for ns in "$NS_GW" "$NS_LAN"; do
		printf '%s ' "$(snmp_counter "$ns" Icmp OutDestUnreachs)" \
			"$(snmp_counter "$ns" Udp NoPorts)" \
			"$(snmp6_counter "$ns" Icmp6OutDestUnreachs)" \
			"$(snmp6_counter "$ns" Udp6NoPorts)"
	done
}

# scan ARGS...: nmap -sU from out, grepable output on stdout.
scan() {
	timeout 120 ip netns exec "$NS_OUT" nmap -n -Pn -sU -p "$PORTS" --max-retries 1 -T5 -oG - "$@" 2>&1
}

# port_states OUTPUT HOST STATE: how many of HOST's ports nmap saw in STATE.
port_states() {
	grep -F "Host: $2 " <<<"$1" | grep -o "/$3/" | wc -l
}

capture_start "$NS_OUT" eth0 'icmp[icmptype] == icmp-unreach or (icmp6 and ip6[40] == 1)'
cap=$GW_CAPTURE
before=$(unreach_counters)

res4=$(scan "$GW_WAN4" "$LAN4")
res6=$(scan -6 "$GW_WAN6" "$LAN6")
for host in "$GW_WAN4" "$LAN4" "$GW_WAN6" "$LAN6"; do
	case $host in *:*) res=$res6 ;; *) res=$res4 ;; esac
	assert_eq "nmap -sU sees all $NPORTS ports of $host open|filtered" "$NPORTS" \
		"$(port_states "$res" "$host" 'open|filtered')" || echo "$res"
done

assert_eq "gw and lan sent no port-unreachable (Icmp/Icmp6 OutDestUnreachs, Udp/Udp6 NoPorts)" \
	"$before" "$(unreach_counters)"
unreach=$(capture_stop_id "$cap")
assert_eq "no ICMP type 3 or ICMPv6 type 1 reached the outside" 0 "$unreach"
[ "$unreach" = 0 ] || capture_show_id "$cap"
assert_ge "the probes were counted as drop_udp_probe" $((NPORTS * 4)) \
	"$(gw_counter "$NS_GW" drop_udp_probe)"

gw_unload
res4=$(scan "$GW_WAN4" "$LAN4")
res6=$(scan -6 "$GW_WAN6" "$LAN6")
for host in "$GW_WAN4" "$LAN4" "$GW_WAN6" "$LAN6"; do
	case $host in *:*) res=$res6 ;; *) res=$res4 ;; esac
	assert_ge "without gatewarden nmap finds closed ports on $host (the test can fail)" 1 \
		"$(port_states "$res" "$host" closed)" || echo "$res"
done

gw_finish
