#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The netlink family as an independent client sees it: tests/conformance/
# gw_conform, on libnl-genl-3 rather than gwctl's libmnl, adds, lists and
# deletes rules and checks every reply attribute by attribute, and the
# errors of requests that must fail, then the names of the counters and
# TCP states (GW_CMD_NAMES_GET).  What it added, gwctl then reads the
# same way, and what gwctl adds, it deletes.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq
conform=$GW_ROOT/tests/conformance/gw_conform
[ -x "$conform" ] || gw_fatal "$conform not built (run make)"
gw_load

"$conform" >"$GW_TMP/conform.out" 2>&1
rc=$?
sed 's/^/    /' "$GW_TMP/conform.out"
assert_eq "the conformance client finds nothing wrong" 0 "$rc"
summary=$(tail -n 1 "$GW_TMP/conform.out")
assert_ok "it ran its checks ($summary)" grep -qE '^conform: [0-9]{2,} passed, 0 failed$' <<<"$summary"
assert_eq "and left no rule behind" 0 "$("$GWCTL" -j rule list | jq '.rules | length')"

# in a namespace of its own too: the family is per namespace
gw_ns_add "$NS_GW"
gw_must gwctl_in "$NS_GW" rule add allow tcp port 1
assert_ok "in another namespace it passes as well" ip netns exec "$NS_GW" "$conform"
assert_eq "its flush there emptied that namespace's rules only" 0 \
	"$(gwctl_in "$NS_GW" -j rule list | jq '.rules | length')"

gw_finish
