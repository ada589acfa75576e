#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gwctl -b runs one command a line and stops at the first that fails,
# saying where; with -j every command's output is one JSON document with a
# schema_version, and so is every error.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq
gw_load
F=$GW_TMP

cat >"$F/ok.batch" <<'BATCH'
# set up a gateway
iface add wan0 wan
rule add allow tcp port 22 comment "ssh \"admin\" port"

rule add allow udp port 53
set tcp_close 7
BATCH
assert_ok "a good batch runs" "$GWCTL" -b "$F/ok.batch"
assert_eq "its rules are there, the quoted comment intact" '2 ssh "admin" port' \
	"$("$GWCTL" -j rule list | jq -r '"\(.rules | length) \(.rules[0].comment)"')"
assert_eq "its tunable is set" 7 "$("$GWCTL" get tcp_close)"

printf 'rule flush\nrule add allow tcp port 80\nrule del 999\nrule add allow tcp port 81\n' >"$F/bad.batch"
out=$("$GWCTL" -b "$F/bad.batch" 2>&1)
assert_eq "a failing command ends the batch with its status" 2 "$?"
assert_ok "the failing line is named ($out)" grep -q "bad.batch:3: command failed" <<<"$out"
assert_eq "the lines before it ran, the ones after it did not" "80" \
	"$("$GWCTL" -j rule list | jq -r '[.rules[].ports[]] | join(",")')"

printf 'version\nrule list\nget tcp_close\n' >"$F/read.batch"
"$GWCTL" -j -b "$F/read.batch" >"$F/read.json"
assert_eq "-j -b prints one document per command" 3 "$(wc -l <"$F/read.json")"
assert_eq "each with a schema_version" "1 1 1" \
	"$(jq -r .schema_version "$F/read.json" | tr '\n' ' ' | sed 's/ $//')"
assert_ok "and the data" jq -s -e 'map(select(.rules)) | .[0].rules[0].ports[0] == "80"' "$F/read.json"

out=$("$GWCTL" -j rule del 999 2>/dev/null)
assert_eq "with -j a kernel error is JSON too" "2 no rule with that handle 1" \
	"$(jq -r '"\(.errno) \(.error) \(.schema_version)"' <<<"$out")"
out=$(printf 'allow tcp port 0\n' | "$GWCTL" -j load - 2>/dev/null)
assert_eq "and a rule file error, with its position" "-:1:16: port 0 is out of range (1-65535)" \
	"$(jq -r .error <<<"$out")"
assert_eq "with -j, save is one document holding the policy text" \
	"$("$GWCTL" save)" "$("$GWCTL" -j save | jq -r .policy)"
printf 'rule flush\nrule add allow tcp comment "open\nrule add allow tcp port 99\n' >"$F/quote.batch"
out=$("$GWCTL" -b "$F/quote.batch" 2>&1)
assert_eq "a batch line is cut as a rule-file line: an open quote is an error" 1 "$?"
assert_ok "at its line and column ($out)" grep -qF "quote.batch:2:28: unterminated string." <<<"$out"
assert_eq "and the lines after it did not run" 0 "$("$GWCTL" -j rule list | jq '.rules | length')"
printf 'rule add allow tcp port 70000\n' >"$F/word.batch"
out=$("$GWCTL" -b "$F/word.batch" 2>&1)
assert_ok "rule add in a batch names the word as on the command line ($out)" \
	grep -qxF "Error: word 4: port 70000 is out of range (1-65535)." <<<"$out"
printf 'monitor\n' >"$F/mon.batch"
assert_fail "monitor is refused in a batch" "$GWCTL" -b "$F/mon.batch"

gw_finish
