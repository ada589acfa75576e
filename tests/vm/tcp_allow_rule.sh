#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An allow rule opens exactly the service it names: lan's port 8080, and
# nothing next to it.  Deleting the rule stops new connections but leaves
# the established one alone.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_gateway wan

for addr in "$LAN4" "$LAN6"; do
	tcp_echo_server "$NS_LAN" "$addr" 8080
	tcp_echo_server "$NS_LAN" "$addr" 8081
done
for addr in "$GW_WAN4" "$GW_WAN6"; do tcp_echo_server "$NS_GW" "$addr" 8080; done

h4=$(gwctl_in "$NS_GW" -j rule add allow tcp to "$LAN4" port 8080 comment "lan web" | jq -r .handle)
h6=$(gwctl_in "$NS_GW" -j rule add allow tcp to "$LAN6/128" port 8080 | jq -r .handle)
assert_ge "rule add returns a handle" 1 "$h4"
# rule list prints rule-file lines, what only the running rule has in a
# trailing comment; they load back as they are.
list=$(gwctl_in "$NS_GW" rule list)
assert_eq "rule list prints each rule as a rule-file line, its handle and counters as a comment" \
	"allow tcp to $LAN4 port 8080 comment \"lan web\"  # handle $h4, 0 hits, 0 packets, 0 bytes
allow tcp to $LAN6 port 8080  # handle $h6, 0 hits, 0 packets, 0 bytes" "$list"
assert_eq "what rule list prints is a rule file" "syntax ok (2 statements)" \
	"$("$GWCTL" load -n - <<<"$list")"

# Every refused target listens and answers (asked from its own namespace,
# no filter on the way): a refusal below is the gateway's, not a dead port.
for lan in "$LAN4" "$LAN6"; do
	assert_ok "lan's $lan:8081 listens and answers locally" tcp_roundtrip "$NS_LAN" "$lan" 8081
done
for gw in "$GW_WAN4" "$GW_WAN6"; do
	assert_ok "the gateway's own $gw:8080 listens and answers locally" tcp_roundtrip "$NS_GW" "$gw" 8080
done

for lan in "$LAN4" "$LAN6"; do
	assert_ok "out connects to the allowed $lan:8080" \
		tcp_roundtrip "$NS_OUT" "$lan" 8080
	assert_fail "out cannot connect to $lan:8081" \
		tcp_roundtrip "$NS_OUT" "$lan" 8081 2
done
for gw in "$GW_WAN4" "$GW_WAN6"; do
	assert_fail "out cannot connect to the gateway's own $gw:8080" \
		tcp_roundtrip "$NS_OUT" "$gw" 8080 2
done
hits=$(gwctl_in "$NS_GW" -j rule list | jq "[.rules[] | select(.handle == $h4) | .hits] | add")
assert_ge "the rule counts its hits" 1 "$hits"

# An established connection outlives its rule.
for lan in "$LAN4" "$LAN6"; do
	rm -f "$GW_TMP/ready" "$GW_TMP/gate"
	ip netns exec "$NS_OUT" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" gate \
		"$lan" 8080 "$GW_TMP/ready" "$GW_TMP/gate" 20 >"$GW_TMP/hold.out" 2>&1 &
	hold=$!
	gw_on_exit "kill $hold 2>/dev/null"
	wait_file "$GW_TMP/ready" 10 || gw_fatal "held connection to $lan never came up: $(cat "$GW_TMP/hold.out")"
	if [ "$lan" = "$LAN4" ]; then
		gw_must gwctl_in "$NS_GW" rule del "$h4"
	else
		gw_must gwctl_in "$NS_GW" rule del "$h6"
	fi
	assert_fail "after rule del a new connection to $lan:8080 fails" \
		tcp_roundtrip "$NS_OUT" "$lan" 8080 2
	touch "$GW_TMP/gate"
	assert_ok "the connection to $lan:8080 established before the delete still works" wait "$hold"
done
assert_eq "no rules left" 0 "$(gwctl_in "$NS_GW" -j rule list | jq '.rules | length')"

gw_finish
