#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# UDP pseudo-connections, IPv4 and IPv6: a question asked from inside gets
# its answer; a "reply" from the server's address and port to a port that
# asked nothing is dropped; so is a first reply that comes after the
# unreplied timeout (udp_unreplied 2), while one in time passes.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_gateway

udp_server "$NS_OUT" "$OUT4" 53 answer4
udp_server "$NS_OUT" "$OUT6" 53 answer6
for v in 4 6; do
	out=OUT$v lan=LAN$v
	assert_eq "lan asks ${!out}:53 and gets the answer" "answer$v" \
		"$(udp_connect "$NS_LAN" "${!out}" 53)"
	assert_eq "gw itself asks ${!out}:53 and gets the answer" "answer$v" \
		"$(udp_connect "$NS_GW" "${!out}" 53)"
done
assert_ge "the questions were tracked as flows" 4 "$(gw_counter "$NS_GW" flow_created)"
assert_ok "conn list shows lan's question as a replied outbound udp flow" grep -Eq \
	"^udp +17 .*src=$LAN4 dst=$OUT4 sport=[0-9]+ dport=53 .*\\[outbound\\] \\[replied\\]" \
	<<<"$(gwctl_in "$NS_GW" conn list)"

# A "reply" from the server's own address and port 53 to a port on lan that
# never asked anything: nothing arrives.
for v in 4 6; do
	out=OUT$v lan=LAN$v
	udp_icmp_bg "$NS_LAN" "$GW_TMP/forged$v" recv "${!lan}" 40000 30
	gw_must udp_icmp "$NS_OUT" send "${!out}" 53 "${!lan}" 40000 3
	udp_icmp_bg_done
	assert_eq "a forged reply from ${!out}:53 to an unasked port is dropped" 0 "$(cat "$GW_TMP/forged$v")"
done
assert_ge "forged replies counted as drop_udp_probe" 6 "$(gw_counter "$NS_GW" drop_udp_probe)"

# The unreplied timeout: a reply sent at once after the question passes, one
# twice the timeout after it finds no flow.  The timeout is 2 s, times
# GW_TIME_SCALE: "at once" takes seconds on the debug kernel.
unreplied=$((2 * GW_TIME_SCALE))
gw_must gwctl_in "$NS_GW" set udp_unreplied "$unreplied"
port=41000
for v in 4 6; do
	out=OUT$v lan=LAN$v
	for delay in 0 $((2 * unreplied)); do
		port=$((port + 1))
		udp_icmp_bg "$NS_LAN" "$GW_TMP/ask$v-$delay" ask "${!lan}" "$port" "${!out}" 7777 30
		sleep "$delay"
		# socat, not python: it starts in a blink even under emulation
		if [ "$v" = 4 ]; then to="UDP4-SENDTO:$LAN4:$port"; else to="UDP6-SENDTO:[$LAN6]:$port"; fi
		gw_must ip netns exec "$NS_OUT" socat -u - "$to,sourceport=7777" <<<reply
		udp_icmp_bg_done
		if [ "$delay" = 0 ]; then
			assert_eq "IPv$v: a reply sent at once after the question passes" 1 "$(cat "$GW_TMP/ask$v-$delay")"
		else
			assert_eq "IPv$v: a first reply ${delay}s after the question (udp_unreplied $unreplied) is dropped" 0 \
				"$(cat "$GW_TMP/ask$v-$delay")"
		fi
	done
done

gw_unload
udp_icmp_bg "$NS_LAN" "$GW_TMP/forged-unloaded" recv "$LAN4" 40000 30
gw_must udp_icmp "$NS_OUT" send "$OUT4" 53 "$LAN4" 40000 3
udp_icmp_bg_done
assert_eq "without gatewarden the forged reply arrives (the test can fail)" 3 "$(cat "$GW_TMP/forged-unloaded")"

gw_finish
