#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Malformed requests (unknown attributes, wrong types and lengths, values
# out of range, missing attributes) are refused by policy with an extack
# message, and change nothing.  Raw requests come from a small Python genl
# client, since gwctl never sends such things; gwctl's own error path is
# checked on requests it can send.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq
gw_load
gw_must "$GWCTL" iface add wan0 wan
gw_must "$GWCTL" rule add allow tcp port 22

genl() { /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/genl.py" "$@"; }
snapshot() { "$GWCTL" -j rule list; "$GWCTL" -j iface list; "$GWCTL" -j get; }

# The UAPI numbers, as include/uapi/gatewarden.h fixes them for good.
IFACE_SET=3 RULE_ADD=6 RULE_DEL=7 TUNABLE_SET=12
A_IFNAME=3 A_ZONE=5 A_RULE=6 A_RULE_HANDLE=7 A_TUNABLE=10
R_ACTION=3 R_PROTO=5 R_SRC=6 R_PORTS=10 R_RATE=15

before=$(snapshot)

# refused DESC PATTERN CMD ATTRS...: the kernel must refuse, with an extack
# message matching PATTERN.
refused() {
	local desc=$1 pattern=$2 out
	shift 2
	out=$(genl "$@")
	if [ $? -ne 1 ]; then
		_gw_fail "$desc (not refused: $out)"
		return
	fi
	assert_ok "$desc ($out)" grep -Eq "msg=.*$pattern" <<<"$out"
}

refused "unknown attribute" "[Uu]nknown|[Uu]nsupported" \
	$IFACE_SET "$A_IFNAME:str:eth5" "$A_ZONE:u8:1" "99:u32:1"
refused "zone with the wrong length" "length|invalid|type" \
	$IFACE_SET "$A_IFNAME:str:eth5" "$A_ZONE:u32:1"
refused "zone out of range" "range|max" \
	$IFACE_SET "$A_IFNAME:str:eth5" "$A_ZONE:u8:9"
refused "interface name too long" "policy|length|long" \
	$IFACE_SET "$A_IFNAME:str:$(printf 'x%.0s' $(seq 40))" "$A_ZONE:u8:1"
# "AAAA" with no terminating NUL
refused "string attribute given as a number" "policy|NUL|string|invalid" \
	$IFACE_SET "$A_IFNAME:u32:1094795585" "$A_ZONE:u8:1"
refused "interface name no device can have" "interface name" \
	$IFACE_SET "$A_IFNAME:str:a/b" "$A_ZONE:u8:1"
# port 80-80 on an icmp rule
refused "ports on a protocol that has none" "tcp or udp" \
	$RULE_ADD "$A_RULE:nest:$R_ACTION/u8/0,$R_PROTO/u8/1,$R_PORTS/nest/11/u32/5242960"
refused "a rate on a tcp rule" "icmp" \
	$RULE_ADD "$A_RULE:nest:$R_ACTION/u8/0,$R_PROTO/u8/6,$R_RATE/u32/5"
refused "rate 0" "range|min" \
	$RULE_ADD "$A_RULE:nest:$R_ACTION/u8/0,$R_PROTO/u8/1,$R_RATE/u32/0"
refused "rule address of 5 bytes" "address|family" \
	$RULE_ADD "$A_RULE:nest:$R_ACTION/u8/0,$R_PROTO/u8/6,$R_SRC/raw/c000020001"
refused "rule port range 0" "port" \
	$RULE_ADD "$A_RULE:nest:$R_ACTION/u8/0,$R_PROTO/u8/6,$R_PORTS/nest/11/u32/80"
refused "rule handle 0" "range|min" \
	$RULE_DEL "$A_RULE_HANDLE:u32:0"
refused "unknown tunable" "unknown tunable" \
	$TUNABLE_SET "$A_TUNABLE:nest:2/str/nonsense,3/u64/5"
refused "tunable out of range" "range" \
	$TUNABLE_SET "$A_TUNABLE:nest:2/str/max_flows,3/u64/0"
out=$(genl $IFACE_SET "$A_ZONE:u8:1")
assert_eq "missing interface name refused with EINVAL" "errno=22" "${out%% *}"

assert_eq "nothing changed" "$before" "$(snapshot)"

# gwctl prints the kernel's words and exits 2.
out=$("$GWCTL" set tcp_nonsense 5 2>&1)
assert_eq "gwctl exits 2 when the kernel refuses" 2 "$?"
assert_ok "gwctl prints the extack message ($out)" grep -q "^Error: unknown tunable" <<<"$out"
out=$("$GWCTL" -j rule del 999 2>/dev/null)
assert_eq "with -j the error is JSON" "no rule with that handle" \
	"$(jq -r .error <<<"$out" 2>/dev/null)"
out=$("$GWCTL" rule add allow tcp port 70000 2>&1)
assert_eq "a usage error exits 1" 1 "$?"
assert_eq "and names the word, in the rule file's words" \
	"Error: word 4: port 70000 is out of range (1-65535)." "$out"

gw_finish
