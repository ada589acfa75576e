#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make demo": a gateway namespace running gatewarden between an outside
# attacker and a LAN host.  The attacker port-scans and tries to connect;
# the LAN keeps working.  Narrated for a human; every claim is also checked.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
# show CMD...: print the command as an admin would type it, then run it.
show() {
	local words=("$@")
	[ "$1" = gwctl_in ] && words=(gwctl "${@:3}")
	[ "$1" = ip ] && [ "$2" = netns ] && words=("${@:4}")
	printf '$'
	printf ' %q' "${words[@]}"
	printf '\n'
	"$@"
}

gw_require socat nmap jq
gw_topology
say "Topology: out ($OUT4) -- [wan0] gw [lan0] -- lan ($LAN4), plus IPv6"
say "Services: ssh-like 22 and web 80 on the gateway, web 8080 on the LAN host"
for addr in "$GW_WAN4" "$GW_WAN6"; do
	tcp_echo_server "$NS_GW" "$addr" 22
	tcp_echo_server "$NS_GW" "$addr" 80
done
for addr in "$LAN4" "$LAN6"; do tcp_echo_server "$NS_LAN" "$addr" 8080; done
for addr in "$OUT4" "$OUT6"; do tcp_echo_server "$NS_OUT" "$addr" 443; done

say "Without gatewarden, the outside sees every service:"
show ip netns exec "$NS_OUT" nmap -n -Pn -sS -T5 --max-retries 1 -p 22,80,8080 "$GW_WAN4" "$LAN4" | grep -E '^(Nmap scan|[0-9]+/tcp)'

say "Load gatewarden, mark wan0 untrusted"
gw_load
show gwctl_in "$NS_GW" iface add wan0 wan
show gwctl_in "$NS_GW" status

say "The attacker scans again (SYN scan, gateway and LAN host):"
show ip netns exec "$NS_OUT" nmap -n -Pn -sS -T5 --max-retries 1 -p 22,80,8080 "$GW_WAN4" "$LAN4" | grep -E '^(Nmap scan|[0-9]+/tcp)'
open=$(ip netns exec "$NS_OUT" nmap -n -Pn -sS -T5 --max-retries 1 -p 22,80,8080 "$GW_WAN4" "$LAN4" -oG - | grep -c '/open/')
assert_eq "the scan finds no open port" 0 "$open"

say "The attacker tries to connect, over IPv4 and IPv6:"
for target in "$GW_WAN4 22" "$LAN4 8080" "$GW_WAN6 22" "$LAN6 8080"; do
	read -r addr port <<<"$target"
	assert_fail "out -> $addr port $port refused (silently: a timeout, no RST)" \
		tcp_roundtrip "$NS_OUT" "$addr" "$port" 2
done

say "Meanwhile the LAN and the gateway itself reach the outside:"
for target in "$OUT4" "$OUT6"; do
	assert_ok "lan -> $target:443" tcp_roundtrip "$NS_LAN" "$target" 443
	assert_ok "gw -> $target:443" tcp_roundtrip "$NS_GW" "$target" 443
done

say "Publish the LAN web server, and only it:"
show gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 8080 comment "lan web"
show gwctl_in "$NS_GW" rule list
assert_ok "out -> $LAN4:8080 now works" tcp_roundtrip "$NS_OUT" "$LAN4" 8080
assert_fail "out -> $GW_WAN4:22 still refused" tcp_roundtrip "$NS_OUT" "$GW_WAN4" 22 2

say "What gatewarden tracked and dropped:"
show gwctl_in "$NS_GW" conn list
show gwctl_in "$NS_GW" stats

gw_finish
