#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A blocklist dump resumes by position: a change between two of its
# messages shifts the entries under it, so one would be skipped (an entry
# removed before the cursor) or sent twice (one added before it).  The dump
# must then say so (NLM_F_DUMP_INTR, which gwctl turns into "try again").
# 2000 entries, a dump paused after its first message (the helper reads
# one, then runs the change, then reads on), once with a removal and once
# with an addition before the cursor.  About 30 s under TCG.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require python3 jq
shift_dump=$GW_ROOT/tests/vm/helpers/dump_shift.py
n=2000

gw_ns_add "$NS_GW"
gw_load
for i in $(seq "$n"); do printf 'block add 2001:db8:ff::%x\n' "$i"; done >"$GW_TMP/fill.batch"
gw_must gwctl_in "$NS_GW" -b "$GW_TMP/fill.batch"
assert_eq "$n entries listed when nothing changes" "entries=$n unique=$n intr=0" \
	"$(ip netns exec "$NS_GW" python3 "$shift_dump" true | cut -d' ' -f1-3)"

# consistent: every entry once and no change seen, or the change flagged
# shellcheck disable=SC2317 # called through assert_ok
consistent() { # WANT OUTPUT
	case $2 in
	*intr=1*) return 0 ;;
	"entries=$1 unique=$1 intr=0"*) return 0 ;;
	esac
	return 1
}
out=$(ip netns exec "$NS_GW" python3 "$shift_dump" "$GWCTL" block del 2001:db8:ff::1)
echo "# removal under the dump: $out"
assert_ok "a removal before the cursor is flagged, not a silent skip ($out)" \
	consistent $((n - 1)) "$out"
out=$(ip netns exec "$NS_GW" python3 "$shift_dump" "$GWCTL" block add 2001:db8:fe::1)
echo "# addition under the dump: $out"
assert_ok "an addition before the cursor is flagged, not a silent repeat ($out)" \
	consistent "$n" "$out"
assert_eq "gwctl's own list is whole afterwards" "$n" \
	"$(gwctl_in "$NS_GW" -j block list | jq '.block | length')"

gw_finish
