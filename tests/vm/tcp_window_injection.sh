#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Blind injection into a live connection.  lan streams from a server on out;
# from out, an attacker who knows the 4-tuple but not the sequence numbers
# forges RSTs and data segments a quarter of the sequence space away from
# where the connection is.  gatewarden drops every one of them before lan
# (a capture on lan's link sees none: the endpoint's own RFC 5961 checks are
# not what saves the connection), counts each as drop_out_of_window, and the
# connection keeps transferring.  An exact RST, at the sequence number
# gatewarden shows for the server, does tear the connection down.  With
# gatewarden unloaded the same forged segments do reach lan, so the test
# can fail.  IPv4 and IPv6.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require tcpdump jq
gw_require_python scapy
gw_gateway

helpers=$GW_ROOT/tests/vm/helpers
port=7100
pause=$GW_TMP/pause

for addr in "$OUT4" "$OUT6"; do
	ip netns exec "$NS_OUT" /usr/bin/python3 "$helpers/tcp_stream.py" server \
		"$addr" "$port" "$pause" $((280 * GW_TIME_SCALE)) >>"$GW_TMP/servers.log" 2>&1 &
	gw_on_exit "kill $! 2>/dev/null"
done
wait_listener "$NS_OUT" tcp "$port" || gw_fatal "stream server did not start"

# stream_client DIR ADDR: a client in lan streaming from ADDR, its state in DIR.
stream_client() {
	mkdir -p "$1"
	ip netns exec "$NS_LAN" /usr/bin/python3 "$helpers/tcp_stream.py" client \
		"$2" "$port" "$1" $((200 * GW_TIME_SCALE)) >>"$GW_TMP/clients.log" 2>&1 &
	gw_on_exit "kill $! 2>/dev/null"
	wait_file "$1/port" 10 || gw_fatal "stream client to $2 did not connect: $(cat "$1/end" 2>/dev/null)"
}

received() { cat "$1/bytes"; }

# shellcheck disable=SC2317 # these three are called through wait_until
captured_at_least() { [ "$(capture_count)" -ge "$1" ]; }

# grown DIR FROM: the client in DIR has received 16 KiB more than FROM bytes.
# shellcheck disable=SC2317
grown() { [ "$(received "$1")" -ge $(($2 + 16384)) ]; }

# quiet DIR: nothing arrives and gatewarden's view of the server stands still.
# shellcheck disable=SC2317
quiet() {
	local b e
	b=$(received "$1")
	e=$(gw_flow_json "$NS_GW" "$(cat "$1/port")" | jq .reply.end)
	sleep 0.3
	[ "$b" = "$(received "$1")" ] &&
		[ "$e" = "$(gw_flow_json "$NS_GW" "$(cat "$1/port")" | jq .reply.end)" ]
}

# inject MODE ARGS...: run tcp_inject.py in out; sets sent to how many
# segments it forged.
inject() {
	local out
	out=$(ip netns exec "$NS_OUT" /usr/bin/python3 "$helpers/tcp_inject.py" "$@" 2>&1) ||
		gw_fatal "tcp_inject.py $*: $out"
	echo "$out" >>"$GW_TMP/inject.log"
	sent=$(sed -n 's/^sent //p' <<<"$out")
}

for pair in "$OUT4 $LAN4" "$OUT6 $LAN6"; do
	read -r srv cli <<<"$pair"
	dir=$GW_TMP/c-$srv
	stream_client "$dir" "$srv"
	cport=$(cat "$dir/port")
	assert_ok "lan streams from $srv" wait_until 10 grown "$dir" 0

	oow=$(gw_counter "$NS_GW" drop_out_of_window)
	capture_start "$NS_LAN" eth0 "$(gw_marked_filter)"
	inject blind eth0 "$srv" "$port" "$cli" "$cport"
	before=$(received "$dir")
	assert_ok "the stream from $srv goes on after the forged segments" \
		wait_until 10 grown "$dir" "$before"
	arrived=$(capture_stop)
	assert_eq "none of the $sent blind RSTs and data segments reached $cli" 0 "$arrived"
	[ "$arrived" = 0 ] || capture_show
	blind_drops=$((oow + sent))
	assert_eq "each counted as drop_out_of_window" "$blind_drops" \
		"$(gw_counter "$NS_GW" drop_out_of_window)"
	assert_fail "the connection from $cli is still open" test -e "$dir/end"

	# Stop the stream so that the server's next sequence number holds
	# still, then reset it exactly where gatewarden says the server is.
	touch "$pause"
	wait_until 10 quiet "$dir" || gw_fatal "the stream from $srv did not pause"
	flow=$(gw_flow_json "$NS_GW" "$cport")
	end=$(jq .reply.end <<<"$flow")
	assert_ok "conn list -v shows the server's window state" \
		bash -c "ip netns exec $NS_GW $GWCTL conn list -v | grep -A2 'sport=$cport ' | grep -q 'reply: end=$end '"
	capture_start "$NS_LAN" eth0 "$(gw_marked_filter)"
	inject rst "$srv" "$port" "$cli" "$cport" "$end"
	assert_ok "an exact RST (seq $end) tears the connection down" \
		wait_until 5 grep -qx reset "$dir/end"
	assert_eq "the exact RST reached $cli" 1 "$(capture_stop)"
	assert_eq "and was not counted as out of window" "$blind_drops" \
		"$(gw_counter "$NS_GW" drop_out_of_window)"
	rm -f "$pause"
done
assert_eq "legitimate traffic had nothing dropped as invalid" 0 \
	"$(gw_counter "$NS_GW" drop_tcp_invalid)"

# Without gatewarden the same forged segments arrive.
gw_unload
for pair in "$OUT4 $LAN4" "$OUT6 $LAN6"; do
	read -r srv cli <<<"$pair"
	dir=$GW_TMP/u-$srv
	stream_client "$dir" "$srv"
	wait_until 10 grown "$dir" 0 || gw_fatal "no stream from $srv without gatewarden"
	capture_start "$NS_LAN" eth0 "$(gw_marked_filter)"
	inject blind eth0 "$srv" "$port" "$cli" "$(cat "$dir/port")"
	# The last forged segment has left out; give it the time to cross the
	# gateway before the capture stops.
	wait_until 5 captured_at_least "$sent"
	assert_eq "without gatewarden all $sent forged segments reach $cli (the test can fail)" \
		"$sent" "$(capture_stop)"
done

gw_finish
