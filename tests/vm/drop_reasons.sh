#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every drop reason the module has, one row of a table each, IPv4 and IPv6:
# the state the reason needs is made (a flow opened, a cookie earned, a
# tunable set low), gwctl explain judges the row's packet, the real packet
# is sent with scapy, and then: explain said what the packet met (exit
# status 3 and the reason), the reason's counter went up by exactly one,
# and gwctl -j trace holds an entry with that reason and the packet's
# tuple.  The reasons stats names and the table with the list below cover
# are the same set: a new reason fails this scenario until it has a row.
#
# Where explain cannot say, by design, the row says what it says instead
# and the trace entry of the real packet carries the check:
#   drop_icmp_error      explain refuses an ICMP error (exit 2): it is
#                        judged by the packet it quotes, which explain
#                        cannot describe.
#   drop_malformed       explain has no words for a broken header.
#   drop_synproxy_unsent explain says synproxy_syn: a dry judgement sends
#                        no SYN-ACK, so it cannot find there is no route.
#   drop_halfopen, drop_table_full, drop_inbound_full
#                        explain says rule_accepted: a dry judgement takes
#                        no place in the table (struct gw_judge).
#   drop_src_limit       a handshake's last ACK is counted against its
#                        source only by the real step; a kernel connection
#                        makes it, explain is not asked.
# drop_cookie_forged and drop_cookie_stale take an ACK whose number explain
# says is one (one random number in 256 passes a cookie's tuple check, and
# is then stale rather than forged): the real packet must meet the same.
# No packet of this scenario can make these; stats must still name them:
#   drop_nomem           an allocation that fails under memory pressure.
#   drop_tcp_reopen      a SYN that lost the race to its tuple to another
#                        CPU's and met a connection still closing there.

# The state_* functions and their helpers are called by name, from the table.
# shellcheck disable=SC2317
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq socat timeout
gw_require_python scapy
gw_topology
# A big table: drop_halfopen needs no inbound handshake near the new
# flow's buckets (budget.c looks at up to 64 for one to evict).
gw_load hashsize=262144
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_wan_quiet
gw_blocked_sources
# Hosts no namespace has: PEER outside (out's scapy sends as it, gw sends
# to out's MAC for it, and out, no router, drops what comes), LANX inside
# (nothing answers), FAR outside with no route from gw.
PEER4=203.0.113.77 PEER6=2001:db8:203::77
LANX4=192.0.2.77 LANX6=2001:db8:192::77
FAR4=198.51.100.9 FAR6=2001:db8:51::9
out_mac=$(gw_mac "$NS_OUT" eth0) || gw_fatal "no MAC for out's eth0"
gw_must ip -n "$NS_GW" neigh replace "$PEER4" lladdr "$out_mac" dev wan0 nud permanent
gw_must ip -n "$NS_GW" neigh replace "$PEER6" lladdr "$out_mac" dev wan0 nud permanent

# strict pickup, flows reload_policy closes, and no flow expiring while
# the scenario runs: the table rows count the flows there are
gw_must gwctl_in "$NS_GW" set tcp_pickup 0
gw_must gwctl_in "$NS_GW" set reload_policy 1
for timeout in tcp_syn_sent tcp_syn_recv tcp_close udp_unreplied udp_stream icmp other; do
	gw_must gwctl_in "$NS_GW" set "$timeout" 600
done
for rule in "allow icmp echo rate 1/s to $GW_LAN4" "allow icmpv6 echo rate 1/s to $GW_LAN6" \
	"allow tcp port 8443 synproxy" "allow tcp port 9000" "allow tcp port 8080" \
	"allow udp port 5302"; do
	# shellcheck disable=SC2086 # the rule's words
	gw_must gwctl_in "$NS_GW" rule add $rule
done
for addr in "$LAN4" "$LAN6"; do tcp_echo_server "$NS_LAN" "$addr" 8080; done
gw_sender_start
gw_sender_start_in "$NS_LAN" eth0 lan0

# ---- states --------------------------------------------------------------------

# tun NAME VALUE: set a tunable for one row; tun_restore sets it back.
declare -A saved_tun
tun() {
	[ -n "${saved_tun[$1]:-}" ] || saved_tun[$1]=$(gwctl_in "$NS_GW" -j get "$1" |
		jq -er 'first(.. | objects | select(has("value")) | .value)') ||
		gw_fatal "get $1 failed"
	gw_must gwctl_in "$NS_GW" set "$1" "$2"
}
tun_restore() {
	local name
	for name in "${!saved_tun[@]}"; do
		gw_must gwctl_in "$NS_GW" set "$name" "${saved_tun[$name]}"
	done
	saved_tun=()
}

# has_flow SPORT DST: gw has a flow from port SPORT to DST, either way.
has_flow() {
	gwctl_in "$NS_GW" -j conn list | jq -e --argjson p "$1" --arg d "$2" \
		'any(.flows[]?; (.sport == $p and .dst == $d) or (.dport == $p and .src == $d))' \
		>/dev/null
}

# opens NS SPORT DST WORDS...: send WORDS from NS; gw must then have its flow.
opens() {
	local ns=$1 sport=$2 dst=$3
	shift 3
	gw_must send_pkt_in "$ns" "$@"
	wait_until 5 has_flow "$sport" "$dst" || gw_fatal "no flow for: $*"
}

# counter_above NAME N: the counter NAME is above N.
counter_above() {
	[ "$(gw_counter "$NS_GW" "$1")" -gt "$2" ]
}

# The states the rows name, for the family in $out, $lan, ...: each makes
# what its rows need, and may set variables their words use.

# the one token of the echo rule's second, spent
state_token() {
	gw_must send_pkt echo "$out" "$gw_lan" 4000
}

# an outbound handshake lan began (SYN seq 1000) towards PEER, unanswered
state_outbound_syn() {
	has_flow 7001 "$peer" || opens "$NS_LAN" 7001 "$peer" tcp "$lan" 7001 "$peer" 80 S 1000
}

# a UDP flow a rule let in, closed since by the rule's deletion
state_closed_udp() {
	local handle
	handle=$(gwctl_in "$NS_GW" -j rule add allow udp port 5301 | jq -er .handle) ||
		gw_fatal "rule add allow udp port 5301 failed"
	opens "$NS_OUT" 6001 "$lan" udp "$out" 6001 "$lan" 5301
	gw_must gwctl_in "$NS_GW" rule del "$handle"
}

# cookie_ack SPORT DST ISN: PEER's SYN from SPORT to DST port 8443 (ISN),
# answered by the proxy; sets ack_seq, ack_ack to the ACK that completes it.
cookie_ack() {
	local cookie
	cookie=$(send_pkt cookie "$peer" "$1" "$2" 8443 "$3") || gw_fatal "no SYN-ACK from the proxy"
	ack_seq=$(($3 + 1)) ack_ack=$(((cookie + 1) % 4294967296))
}

# cookie_explained SPORT REASON: an ACK (seq 1000) from out's SPORT to lan's
# 8443 explain says meets REASON: sets ack_seq, ack_ack.  The tries in one
# shell in gw, as text: a stale one takes some 256 of them.
cookie_explained() {
	ack_seq=1000
	# shellcheck disable=SC2016 # the inner shell's words
	ack_ack=$(ip netns exec "$NS_GW" bash -c 'for ((i = 0; i < 4096; i++)); do
		ack=$((RANDOM << 17 ^ RANDOM << 2 ^ RANDOM))
		"$GWCTL" explain tcp from "$1" port "$2" to "$3" port 8443 in wan0 \
			flags A seq 1000 ack "$ack" | grep -qE "^reason +$4( |\$)" &&
			{ echo "$ack"; exit 0; }
	done; exit 1' _ "$out" "$1" "$lan" "$2") ||
		gw_fatal "no ACK explain says meets $2 in 4096 tries"
}
state_forged() { cookie_explained 7103 drop_cookie_forged; }
state_stale() { cookie_explained 7105 drop_cookie_stale; }

# a proxied connection to LANX, its cookie ACK taken, the server silent
state_proxy_waiting() {
	cookie_ack 7101 "$lanx" 5000
	opens "$NS_OUT" 7101 "$lanx" tcp "$peer" 7101 "$lanx" 8443 A "$ack_seq" "$ack_ack"
}

# a proxied connection to lan's 8443, where nothing listens: refused
state_proxy_refused() {
	local refused
	refused=$(gw_counter "$NS_GW" synproxy_refused)
	cookie_ack 7102 "$lan" 6000
	gw_must send_pkt tcp "$peer" 7102 "$lan" 8443 A "$ack_seq" "$ack_ack"
	wait_until 5 counter_above synproxy_refused "$refused" ||
		gw_fatal "lan's reset never refused the proxied connection"
}

# one inbound handshake (to LANX), and a budget of one
state_halfopen() {
	opens "$NS_OUT" 7301 "$lanx" tcp "$out" 7301 "$lanx" 9000 S
	tun max_halfopen 1
}

# a fresh outbound flow, and a table of one
state_table_full() {
	opens "$NS_LAN" 5400 "$peer" udp "$lan" 5400 "$peer" 53
	tun early_drop 0
	tun max_inbound_share 100
	tun max_flows 1
}

# a fresh inbound flow, and 1 % of 100 (one flow) for what comes in
state_inbound_full() {
	opens "$NS_OUT" 6002 "$lan" udp "$out" 6002 "$lan" 5302
	tun early_drop 0
	tun max_flows 100
	tun max_inbound_share 1
}

# one connection from out held open, and one connection a source
hold=0
state_src_held() {
	gw_must gwctl_in "$NS_GW" set max_src_conn 1
	hold=$((hold + 1))
	ip netns exec "$NS_OUT" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_hold.py" gate \
		"$lan" 8080 "$GW_TMP/ready$hold" "$GW_TMP/gate$hold" 120 >"$GW_TMP/hold$hold.out" 2>&1 &
	gw_on_exit "kill $! 2>/dev/null"
	wait_file "$GW_TMP/ready$hold" 10 ||
		gw_fatal "held connection to $lan never came up: $(cat "$GW_TMP/hold$hold.out")"
}

# second_conn: a second connection from out to lan's 8080 (its last ACK
# dropped, the server reset): the client reads for a second and gives up,
# as it would with nothing dropped (the server echoes, the client says
# nothing), so only gw's counter and trace tell
second_conn() {
	tcp_connect "$NS_OUT" "$lan" 8080 1 >/dev/null || :
}

# ---- the table -------------------------------------------------------------------

# Columns, "|" between them, the words expanded for each family ($out,
# $lan, $bad, $peer, $lanx, $far, $gw_lan, $icmp, $unreach, $reply, and
# what a state sets):
#   reason   the drop reason (its counter's name)
#   explain  "=": explain exits 3 with the reason; "RC REASON": what it
#            says instead; "refused": it refuses the description (exit 2);
#            "-": it has no words for the packet
#   state    a state_* function above, or "-"
#   from     the namespace that sends the packet (out or lan), or "sh": the
#            packet column is a command making the packet from out to lan
#   packet   send_pkt.py's words
#   words    explain's words, for explain and the trace's tuple
rows() {
	cat <<'EOF'
drop_passive_denied | = | - | out | tcp $out 40000 $lan 22 S | tcp from $out port 40000 to $lan port 22 in wan0 flags S
drop_tcp_bad_flags | = | - | out | tcp $out 40001 $lan 22 FPU | tcp from $out port 40001 to $lan port 22 in wan0 flags FPU
drop_tcp_no_flow | = | - | out | tcp $out 40002 $lan 22 A | tcp from $out port 40002 to $lan port 22 in wan0 flags A
drop_blocked | = | - | out | tcp $bad 40003 $lan 22 S | tcp from $bad port 40003 to $lan port 22 in wan0 flags S
drop_udp_probe | = | - | out | udp $out 40004 $lan 9999 | udp from $out port 40004 to $lan port 9999 in wan0
drop_icmp_echo | = | - | out | echo $out $lan 4242 | $icmp from $out to $lan in wan0 type echo-request id 4242
drop_icmp_rate | = | token | out | echo $out $gw_lan 4243 | $icmp from $out to $gw_lan in wan0 type echo-request id 4243
drop_icmp_other | = | - | out | icmp $out $lan $reply 0 777 | $icmp from $out to $lan in wan0 type echo-reply id 777
drop_proto_denied | = | - | out | proto $out $lan 253 | proto 253 from $out to $lan in wan0
drop_icmp_error | refused | - | out | unreach $out $lan $lan 5555 $out 5556 | $icmp from $out to $lan in wan0 $unreach
drop_malformed | - | - | out | trunc $out $lan | -
drop_tcp_invalid | = | outbound_syn | out | tcp $peer 80 $lan 7001 FA | tcp from $peer port 80 to $lan port 7001 in wan0 flags FA
drop_out_of_window | = | outbound_syn | out | tcp $peer 80 $lan 7001 R | tcp from $peer port 80 to $lan port 7001 in wan0 flags R
drop_out_no_flow | = | - | lan | tcp $lan 7002 $peer 80 A | tcp from $lan port 7002 to $peer port 80 out wan0 flags A
drop_policy_closed | = | closed_udp | lan | udp $lan 5301 $out 6001 | udp from $lan port 5301 to $out port 6001 out wan0
drop_cookie_forged | = | forged | out | tcp $out 7103 $lan 8443 A $ack_seq $ack_ack | tcp from $out port 7103 to $lan port 8443 in wan0 flags A seq $ack_seq ack $ack_ack
drop_cookie_stale | = | stale | out | tcp $out 7105 $lan 8443 A $ack_seq $ack_ack | tcp from $out port 7105 to $lan port 8443 in wan0 flags A seq $ack_seq ack $ack_ack
drop_synproxy_wait | = | proxy_waiting | out | tcp $peer 7101 $lanx 8443 A $ack_seq $ack_ack | tcp from $peer port 7101 to $lanx port 8443 in wan0 flags A seq $ack_seq ack $ack_ack
drop_cookie_replayed | = | proxy_refused | out | tcp $peer 7102 $lan 8443 A $ack_seq $ack_ack | tcp from $peer port 7102 to $lan port 8443 in wan0 flags A seq $ack_seq ack $ack_ack
drop_synproxy_unsent | 3 synproxy_syn | - | out | tcp $far 7104 $lan 8443 S | tcp from $far port 7104 to $lan port 8443 in wan0 flags S
drop_halfopen | 0 rule_accepted | halfopen | out | tcp $out 7302 $lan 9000 S | tcp from $out port 7302 to $lan port 9000 in wan0 flags S
drop_table_full | 0 rule_accepted | table_full | out | tcp $out 7303 $lan 9000 S | tcp from $out port 7303 to $lan port 9000 in wan0 flags S
drop_inbound_full | 0 rule_accepted | inbound_full | out | tcp $out 7304 $lan 9000 S | tcp from $out port 7304 to $lan port 9000 in wan0 flags S
EOF
}

# Last, as they leave out's address overloaded: a source over
# max_src_conn, then its next SYN.
limit_rows() {
	cat <<'EOF'
drop_src_limit | - | src_held | sh | second_conn | -
drop_overload | = | - | out | tcp $out 7400 $lan 8080 S | tcp from $out port 7400 to $lan port 8080 in wan0 flags S
EOF
}

# The reasons no row makes (see the header).
UNMADE="drop_nomem drop_tcp_reopen"

# expand WORDS: WORDS with the family's variables in, now.
expand() {
	eval "printf '%s' \"$1\""
}

# newest_of REASON SEQ: the newest trace entry with REASON newer than SEQ,
# as "REASON WAY INTERFACE SRC DST"; fails if there is none.
newest_of() {
	gwctl_in "$NS_GW" -j trace | jq -er --arg r "$1" --argjson s "$2" \
		'last(.trace[] | select(.seq > $s and .reason == $r)) |
		"\(.reason) \(.way) \(.interface) \(.src) \(.dst)"'
}

# check_row REASON EXPLAIN STATE FROM PACKET WORDS (a row of the table)
check_row() {
	local reason=$1 says=$2 state=$3 from=$4 desc json='' rc=0 want count seen ends sport dst
	local -a pkt words
	desc="IPv$fam $reason"
	[ "$state" = - ] || "state_$state"
	read -ra pkt <<<"$(expand "$5")"
	read -ra words <<<"$(expand "$6")"
	if [ "$says" != - ]; then
		json=$(gwctl_in "$NS_GW" -j explain "${words[@]}" 2>"$GW_TMP/explain.err") || rc=$?
		case $says in
		=) assert_eq "$desc: explain says it is dropped, for $reason" "3 $reason" \
			"$rc $(jq -r .reason <<<"$json")" ;;
		refused)
			assert_eq "$desc: explain refuses to judge it" 2 "$rc"
			json= ;;
		*) assert_eq "$desc: explain says $says (it cannot tell, by design)" "$says" \
			"$rc $(jq -r .reason <<<"$json")" ;;
		esac
	fi
	count=$(gw_counter "$NS_GW" "$reason") || gw_fatal "stats has no $reason"
	seen=$(gw_trace_seq "$NS_GW")
	case $from in
	sh) "${pkt[@]}" || gw_fatal "$desc: ${pkt[*]} failed" ;;
	lan) gw_must send_pkt_in "$NS_LAN" "${pkt[@]}" ;;
	*) gw_must send_pkt "${pkt[@]}" ;;
	esac
	wait_until 5 counter_above "$reason" "$count"
	assert_eq "$desc: the real packet raised $reason by one" $((count + 1)) \
		"$(gw_counter "$NS_GW" "$reason")"
	if [ -n "$json" ]; then
		want=$(jq -r --arg r "$reason" \
			".packet | .reason = \$r | .interface = \"wan0\" | $GW_TUPLE" <<<"$json")
		sport=$(jq '.packet.sport // 0' <<<"$json") dst=$(jq -r .packet.dst <<<"$json")
		wait_until 5 gw_trace_has "$NS_GW" "$sport" "$dst" "$seen"
		assert_eq "$desc: the trace records it, with explain's tuple" "$want" \
			"$(gw_trace_newest "$NS_GW" "$sport" "$dst" "$seen")"
	else
		# no description: the packet's ends
		case ${pkt[0]} in
		tcp | udp) ends="${pkt[1]} ${pkt[3]}" ;;
		second_conn) ends="$out $lan" ;;
		*) ends="${pkt[1]} ${pkt[2]}" ;;
		esac
		wait_until 5 newest_of "$reason" "$seen" >/dev/null
		assert_eq "$desc: the trace records it, from and to the packet's ends" \
			"$reason in wan0 $ends" "$(newest_of "$reason" "$seen")"
	fi
	tun_restore
}

# family 4|6: the family's words
family() {
	fam=$1
	if [ "$fam" = 4 ]; then
		out=$OUT4 lan=$LAN4 bad=$BAD4 peer=$PEER4 lanx=$LANX4 far=$FAR4 gw_lan=$GW_LAN4
		icmp=icmp unreach="type 3 code 3" reply=0
	else
		out=$OUT6 lan=$LAN6 bad=$BAD6 peer=$PEER6 lanx=$LANX6 far=$FAR6 gw_lan=$GW_LAN6
		icmp=icmpv6 unreach="type 1 code 4" reply=129
	fi
}

# run_table ROWS-FUNCTION: each row of the table, in this family
run_table() {
	local line i
	local -a col
	# on fd 3: what a row runs may read its stdin
	while IFS= read -r line <&3; do
		IFS='|' read -ra col <<<"$line"
		# each column without the blanks around it
		for i in "${!col[@]}"; do read -r "col[$i]" <<<"${col[i]}"; done
		check_row "${col[@]}"
	done 3< <("$1")
}

# shellcheck disable=SC2034 # read where the table's words are expanded
declare fam out lan bad peer lanx far gw_lan icmp unreach reply ack_seq='' ack_ack=
t0=$SECONDS
for f in 4 6; do
	family "$f"
	run_table rows
done
for f in 4 6; do
	family "$f"
	run_table limit_rows
done
echo "# the table took $((SECONDS - t0)) s"

for reason in $UNMADE; do
	assert_ok "$reason: no packet here makes it, and stats names it" gw_counter "$NS_GW" "$reason"
done
covered=$( { rows; limit_rows; } | cut -d'|' -f1 | xargs -n1; echo "$UNMADE" | xargs -n1)
assert_eq "the table and the list cover every drop reason stats names" \
	"$(gwctl_in "$NS_GW" -j stats -a | jq -r '[.. | objects | keys[] | select(startswith("drop_"))] | unique | .[]')" \
	"$(sort -u <<<"$covered")"
gw_finish
