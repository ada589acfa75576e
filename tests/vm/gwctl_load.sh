#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl load replaces the whole policy at once and only when the whole file
# is good: a good file is in force (the connection it allows works, the one
# it does not fails), every kind of bad file changes nothing and is
# reported at file:line:column with exit status 1, gwctl save | gwctl load
# is a fixed point, a load never cuts a tracked connection, two concurrent
# loads end in one of the two files, and a load whose gwctl dies half-way
# leaves nothing staged behind.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require socat jq
gw_topology
gw_load

save() { gwctl_in "$NS_GW" save; }
F=$GW_TMP

for addr in "$LAN4" "$LAN6"; do
	tcp_echo_server "$NS_LAN" "$addr" 8080
	tcp_echo_server "$NS_LAN" "$addr" 8081
done

cat >"$F/good.rules" <<RULES
# the policy under test
iface wan0 wan
iface lan0 lan
define web = { $LAN4, $LAN6 }
allow tcp to \$web port 8080 comment "lan \"web\""
allow icmp echo rate 5/s
allow tcp to $LAN4 port 8082 max-src-conn 50 max-src-conn-rate 20/5
include "tunables.rules"
RULES
printf 'set tcp_established 86400\nset tcp_pickup loose\nset overload_timeout 30\n' >"$F/tunables.rules"

# ---- check only, then a good load ------------------------------------------
gw_must gwctl_in "$NS_GW" iface add wan0 wan
empty=$(save)
assert_ok "load -c accepts the good file" gwctl_in "$NS_GW" load -c "$F/good.rules"
assert_eq "load -c changes nothing" "$empty" "$(save)"
assert_fail "before the load, lan:8080 is closed" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 2

assert_ok "load applies the good file" gwctl_in "$NS_GW" load "$F/good.rules"
assert_eq "its four rules are in force (one per address of the define, ping, limits)" 4 \
	"$(gwctl_in "$NS_GW" -j rule list | jq '.rules | length')"
assert_eq "the comment came through its escapes" 'lan "web"' \
	"$(gwctl_in "$NS_GW" -j rule list | jq -r '.rules[0].comment')"
assert_eq "its zones are in force" "lan0=lan wan0=wan" \
	"$(gwctl_in "$NS_GW" -j iface list | jq -r '[.interfaces[] | "\(.ifname)=\(.zone)"] | sort | join(" ")')"
assert_eq "the included tunable is set" 86400 "$(gwctl_in "$NS_GW" get tcp_established)"
assert_eq "a word-valued tunable is set" loose "$(gwctl_in "$NS_GW" get tcp_pickup)"
assert_eq "a flood tunable is set" 30 "$(gwctl_in "$NS_GW" get overload_timeout)"
for lan in "$LAN4" "$LAN6"; do
	assert_ok "the file's rule admits out -> $lan:8080" tcp_roundtrip "$NS_OUT" "$lan" 8080
	assert_fail "nothing in the file admits out -> $lan:8081" \
		tcp_roundtrip "$NS_OUT" "$lan" 8081 2
done

# ---- save | load is a fixed point --------------------------------------------
gw_must gwctl_in "$NS_GW" block add 198.51.100.128/25
gw_must gwctl_in "$NS_GW" block add 2001:db8:bad::/48
gw_must gwctl_in "$NS_GW" never-block add 198.51.100.200
gw_must gwctl_in "$NS_GW" block add 198.51.100.7 timeout 600
s1=$(save)
assert_ok "save's output loads back" bash -c "ip netns exec $NS_GW $GWCTL save | ip netns exec $NS_GW $GWCTL load -"
s2=$(save)
assert_eq "save | load | save gives the same text" "$s1" "$s2"
assert_ok "save prints the rules in the language" grep -qF "allow tcp to $LAN4 port 8080 comment \"lan \\\"web\\\"\"" <<<"$s1"
assert_ok "save keeps a rule's source limits" grep -qF "allow tcp to $LAN4 port 8082 max-src-conn 50 max-src-conn-rate 20/5" <<<"$s1"
assert_ok "save prints the permanent block entries" grep -qx "block 198.51.100.128/25" <<<"$s1"
assert_ok "of both families" grep -qx "block 2001:db8:bad::/48" <<<"$s1"
assert_ok "and the never-block list" grep -qx "never-block 198.51.100.200/32" <<<"$s1"

# ---- save writes only what differs from the defaults; save -a writes all -----
assert_ok "save writes a tunable the file changed" grep -qx "set tcp_established 86400" <<<"$s1"
assert_ok "and a word-valued one" grep -qx "set tcp_pickup loose" <<<"$s1"
assert_fail "save leaves out max_flows, derived from this host's memory" \
	grep -q "^set max_flows " <<<"$s1"
assert_fail "and every other tunable at its default" grep -qx "set udp_stream 120" <<<"$s1"
all=$(gwctl_in "$NS_GW" save -a)
ntun=$(gwctl_in "$NS_GW" -j get | jq '.tunables | length')
assert_eq "save -a writes every tunable" "$ntun" "$(grep -c '^set ' <<<"$all")"
assert_ok "save -a writes max_flows" grep -q "^set max_flows [0-9]" <<<"$all"
assert_ok "save -a's output loads back" bash -c "ip netns exec $NS_GW $GWCTL save -a | ip netns exec $NS_GW $GWCTL load -"
assert_eq "and changes nothing save shows" "$s1" "$(save)"
gw_must gwctl_in "$NS_GW" set udp_stream 121
assert_ok "a tunable set by hand is saved" grep -qx "set udp_stream 121" <<<"$(save)"
gw_must gwctl_in "$NS_GW" set udp_stream 120
assert_fail "set back to its default, it is left out again" grep -q "^set udp_stream" <<<"$(save)"

# ---- load -n: the file alone, as pfctl -n ------------------------------------
before=$(save)
assert_eq "load -n says syntax ok" "syntax ok (9 statements)" \
	"$("$GWCTL" load -n "$F/good.rules")"
assert_eq "load -n changes nothing" "$before" "$(save)"
printf 'allow tcp port 70000\n' >"$F/badport.rules"
assert_fail "load -n finds a bad port" "$GWCTL" load -n "$F/badport.rules"
assert_ok "at file:line:column" bash -c "'$GWCTL' load -n '$F/badport.rules' 2>&1 | grep -qF 'badport.rules:1:16: port 70000'"
assert_fail "but not a timed block entry" grep -q "198.51.100.7" <<<"$s1"
assert_ok "which the load kept" \
	bash -c "ip netns exec $NS_GW $GWCTL block list | grep -q '^198.51.100.7/32 .*timeout 600s'"
gw_must gwctl_in "$NS_GW" block flush
gw_must gwctl_in "$NS_GW" never-block flush

# ---- a load never cuts a tracked connection ----------------------------------
rm -f "$F/ready" "$F/gate"
ip netns exec "$NS_OUT" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" gate \
	"$LAN4" 8080 "$F/ready" "$F/gate" $((30 * GW_TIME_SCALE)) >"$F/hold.out" 2>&1 &
hold=$!
gw_on_exit "kill $hold 2>/dev/null"
wait_file "$F/ready" 30 || gw_fatal "held connection never came up: $(cat "$F/hold.out")"
flows=$(gwctl_in "$NS_GW" conn count)
printf 'iface wan0 wan\niface lan0 lan\nallow tcp to %s port 8081\n' "$LAN4" >"$F/other.rules"
assert_ok "a file that no longer allows 8080 loads" gwctl_in "$NS_GW" load "$F/other.rules"
assert_eq "the load flushed no flow" "$flows" "$(gwctl_in "$NS_GW" conn count)"
assert_fail "a new connection to $LAN4:8080 is refused now" tcp_roundtrip "$NS_OUT" "$LAN4" 8080 2
assert_ok "the new file's rule admits $LAN4:8081" tcp_roundtrip "$NS_OUT" "$LAN4" 8081
touch "$F/gate"
assert_ok "the connection established before the load still works" wait "$hold"
assert_eq "tunables the file does not set are back to their defaults" strict \
	"$(gwctl_in "$NS_GW" get tcp_pickup)"

# ---- every kind of bad file changes nothing -----------------------------------
gw_must gwctl_in "$NS_GW" load "$F/good.rules"
before=$(save)

# bad NAME WHERE PATTERN: loading $F/NAME.rules fails with status 1, its
# message starts with the file name and WHERE (":LINE:COL:") and matches
# PATTERN, and the running policy is unchanged.
bad() {
	local name=$1 where=$2 pattern=$3 out rc=0
	out=$(gwctl_in "$NS_GW" load "$F/$name.rules" 2>&1) || rc=$?
	assert_eq "$name: load exits 1" 1 "$rc"
	assert_ok "$name: the message points at the statement ($out)" \
		grep -qE "^Error: [^ ]*$where .*$pattern" <<<"$out"
	assert_eq "$name: the running policy is unchanged" "$before" "$(save)"
	rc=0
	gwctl_in "$NS_GW" load -c "$F/$name.rules" >/dev/null 2>&1 || rc=$?
	assert_eq "$name: load -c exits 1 as well" 1 "$rc"
}

printf 'iface wan0 wan\nallow tcp port 22\nalow tcp port 80\n' >"$F/unknown_keyword.rules"
bad unknown_keyword "unknown_keyword.rules:3:1:" 'unknown keyword "alow"'
printf 'iface wan0 wan\nallow tcp to 192.0.2.300 port 80\n' >"$F/bad_prefix.rules"
bad bad_prefix "bad_prefix.rules:2:14:" 'not an IPv4 or IPv6 prefix'
printf 'iface wan0 wan\nallow tcp port 0\n' >"$F/port_zero.rules"
bad port_zero "port_zero.rules:2:16:" 'port 0 is out of range'
printf 'iface wan0 wan\nallow udp port 53,70000\n' >"$F/port_big.rules"
bad port_big "port_big.rules:2:16:" 'port 70000 is out of range'
printf 'define a = { 192.0.2.0/24 }\ndefine a = { 198.51.100.0/24 }\n' >"$F/dup_define.rules"
bad dup_define "dup_define.rules:2:8:" 'already defined at .*dup_define.rules:1'
printf 'iface wan0 wan\ninclude "loop_b.rules"\n' >"$F/include_loop.rules"
printf '# b\ninclude "include_loop.rules"\n' >"$F/loop_b.rules"
bad include_loop "loop_b.rules:2:9:" 'include loop'
{ printf 'iface wan0 wan\nallow tcp comment "'; head -c $((10 << 20)) /dev/zero | tr '\0' x; printf '"\n'; } \
	>"$F/long_line.rules"
bad long_line "long_line.rules:2:4097:" 'line longer than 4096 bytes'
{ printf '\177ELF'; head -c 4096 /dev/urandom; } >"$F/binary.rules"
bad binary "binary.rules:1:1:" 'binary data'
: >"$F/empty.rules"
bad empty "empty.rules:1:1:" 'no statements'
# what only the module knows: these are refused when staged, after the
# statements before them were staged already
printf 'iface wan0 wan\nallow tcp port 22\nset tcp_established 0\n' >"$F/kernel_range.rules"
bad kernel_range "kernel_range.rules:3:1:" "outside the tunable's range"
printf 'iface wan0 wan\nallow tcp port 22\n  set no_such_tunable 5\n' >"$F/kernel_unknown.rules"
bad kernel_unknown "kernel_unknown.rules:3:3:" 'unknown tunable'
out=$(gwctl_in "$NS_GW" load "$F/missing.rules" 2>&1)
assert_eq "a missing file: exit 1" 1 "$?"
assert_ok "a missing file is named ($out)" grep -q "missing.rules: cannot open" <<<"$out"
assert_eq "a missing file changes nothing" "$before" "$(save)"

# ---- concurrent loads end in one file, never a mix ------------------------------
for which in A B; do
	{
		echo "iface wan0 wan"
		for port in $(seq 1 4000); do
			echo "allow tcp to 203.0.113.0/24 port $port comment \"$which\""
		done
	} >"$F/$which.rules"
done
for round in 1 2 3; do
	ip netns exec "$NS_GW" "$GWCTL" load "$F/A.rules" >"$F/A.out" 2>&1 &
	pa=$!
	ip netns exec "$NS_GW" "$GWCTL" load "$F/B.rules" >"$F/B.out" 2>&1 &
	pb=$!
	ra=0 rb=0
	wait "$pa" || ra=$?
	wait "$pb" || rb=$?
	assert_ok "round $round: at least one load succeeded (A $ra, B $rb)" \
		test "$ra" -eq 0 -o "$rb" -eq 0
	for which in A B; do
		rc=$ra
		[ "$which" = B ] && rc=$rb
		[ "$rc" -eq 0 ] && continue
		assert_ok "round $round: load $which failed because the other was in progress" \
			grep -q "another load is in progress" "$F/$which.out"
	done
	result=$(gwctl_in "$NS_GW" -j rule list |
		jq -r '(.rules | length) as $n | [.rules[].comment] | unique | join(",") + " \($n)"')
	assert_ok "round $round: the rules are all of one file ($result)" \
		grep -qxE '(A|B) 4000' <<<"$result"
done

# ---- a gwctl killed half-way leaves nothing staged ------------------------------
gw_must gwctl_in "$NS_GW" load "$F/good.rules"
before=$(save)
rm -f "$F/txn_ready"
ip netns exec "$NS_GW" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/txn_hold.py" \
	"$F/txn_ready" ghost0 >"$F/txn.out" 2>&1 &
holder=$!
gw_on_exit "kill -9 $holder 2>/dev/null"
wait_file "$F/txn_ready" 30 || gw_fatal "the transaction holder never got going: $(cat "$F/txn.out")"
out=$(gwctl_in "$NS_GW" load "$F/other.rules" 2>&1)
assert_eq "while a load is open, another fails with status 2" 2 "$?"
assert_ok "and says why ($out)" grep -q "another load is in progress" <<<"$out"
kill -9 "$holder"
wait "$holder" 2>/dev/null
assert_eq "the killed load applied nothing" "$before" "$(save)"
assert_fail "the zone it staged is nowhere" grep -q ghost0 <<<"$(save)"
assert_ok "after the kill a new load works" gwctl_in "$NS_GW" load "$F/other.rules"
assert_fail "and the staged zone did not come with it" grep -q ghost0 <<<"$(save)"

gw_finish
