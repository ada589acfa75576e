#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The last scenario of make check-debug (tests/vm/run runs it after all
# others through GW_VM_LAST): a kmemleak scan once every object the earlier
# scenarios left is old enough to be reported (kmemleak waits 5 s), so a
# leak in the last scenario is caught too.  guest-init forgot the kernel's
# boot-time reports, so any report here is new.  The reports are saved in
# the output folder as kmemleak-final.log.
# gw-vm: no-module

# shellcheck source-path=SCRIPTDIR source=../lib.sh
. "${GW_ROOT:-$(dirname "$0")/../../..}/tests/vm/lib.sh"

kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] || gw_skip "this kernel has no kmemleak"

# Objects freed by RCU callbacks or workqueues after the last scenario
# ended are gone by now; those younger than 5 s are not reported yet.
sleep 6
echo scan >"$kmemleak"
sleep 2
echo scan >"$kmemleak"
leaks=$(cat "$kmemleak")
report=${GW_OUT:-$GW_ROOT/tests/vm/out}/kmemleak-final.log
if [ -n "$leaks" ]; then
	printf '%s\n' "$leaks" >"$report"
	printf '%s\n' "$leaks" | head -n 60
	echo clear >"$kmemleak"
fi
assert_eq "no unreferenced object after all scenarios (kmemleak)" 0 \
	"$(grep -c '^unreferenced object' <<<"$leaks")"
if [ -n "$leaks" ]; then
	assert_eq "none of them allocated by gatewarden" 0 "$(grep -c gatewarden <<<"$leaks")"
fi
gw_finish
