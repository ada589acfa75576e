#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 10 000 random, mangled and well-formed generic-netlink messages to the
# gatewarden family from tests/conformance/gw_nlfuzz (libnl-genl-3, seeded),
# in five parts:
#   - root, every command, in a scratch namespace: whatever the messages
#     legitimately change there, no other namespace's policy may move;
#   - root, the read-only commands (status, stats, dumps) however mangled, in
#     the gateway namespace;
#   - uid/gid 65534 without capabilities, every command, in the gateway
#     namespace;
#   - root of a new user namespace (unshare -Ur), in the gateway namespace;
#   - root of a new user and network namespace (unshare -Urn);
# each unprivileged message refused exactly as genetlink refuses it (EPERM
# for every command the family has), nothing but acks coming back.  The
# gateway's policy (gwctl save, rules, zones, tunables) and another
# namespace's are unchanged, the kernel log has no warning, and the module
# still judges traffic: an allowed connection passes, a denied one fails.
#
# GW_FUZZ_COUNT (default 10000, 30000 on the debug kernel of make check-debug)
# and GW_FUZZ_SEED override the count and seed.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"

gw_require jq unshare
nlfuzz=$GW_ROOT/tests/conformance/gw_nlfuzz
[ -x "$nlfuzz" ] || gw_fatal "$nlfuzz not built (run make)"
# the debug kernel's sanitizers make more messages worth their time there
default_count=10000
gw_debug_kernel && default_count=30000
total=${GW_FUZZ_COUNT:-$default_count}
seed=${GW_FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}
echo "seed $seed (GW_FUZZ_SEED=$seed reproduces this run)"
NS_FUZZ=gw-fuzz-$NS_GW

gw_topology
gw_ns_add "$NS_FUZZ"
gw_load
gw_must gwctl_in "$NS_GW" iface add wan0 wan
gw_must gwctl_in "$NS_GW" iface add lan0 lan
gw_must gwctl_in "$NS_GW" rule add allow tcp to "$LAN4" port 22,80,443 comment "fuzz target"
gw_must gwctl_in "$NS_GW" rule add allow tcp from 2001:db8:203::/64 to "$LAN6" port 8000-8100
gw_must gwctl_in "$NS_GW" set tcp_established 3600
gw_must gwctl_in "$NS_FUZZ" iface add eth0 wan
gw_must gwctl_in "$NS_FUZZ" rule add allow tcp port 22
# a flow in the table, so that conn dumps have something to walk
tcp_echo_server "$NS_OUT" "$OUT4" 7000
gw_must tcp_roundtrip "$NS_LAN" "$OUT4" 7000
# the allowed and the denied connection of the end
tcp_echo_server "$NS_LAN" "$LAN4" 80
tcp_echo_server "$NS_LAN" "$LAN4" 81

policy() { # NS: what the admin configured, as gwctl shows it
	gwctl_in "$1" save
	gwctl_in "$1" -j rule list | jq -S 'del(.. | .hits?, .packets?, .bytes?)'
	gwctl_in "$1" -j iface list
	gwctl_in "$1" -j get
}
before_gw=$(policy "$NS_GW")
before_init=$(policy "$NS_OUT")
dmesg_before=$(dmesg | wc -l)

# shellcheck disable=SC2317 # called through assert_ok
fuzz() { # NS [unshare ARGS --] gw_nlfuzz ARGS...
	local ns=$1 pre=()
	shift
	if [ "$1" = unshare ]; then
		while [ "$1" != -- ]; do pre+=("$1") && shift; done
		shift
	fi
	ip netns exec "$ns" "${pre[@]}" "$nlfuzz" "$@"
}
n_root=$((total / 2))
n_read=$((total * 15 / 100))
n_nobody=$((total * 15 / 100))
n_userns=$((total / 10))
n_ownns=$((total - n_root - n_read - n_nobody - n_userns))
t0=$SECONDS
assert_ok "root: $n_root messages of every command in a scratch namespace" \
	fuzz "$NS_FUZZ" --count "$n_root" --seed "$seed"
cat "$GW_TMP/assert.out"
assert_ok "root: $n_read read-only messages in the gateway namespace" \
	fuzz "$NS_GW" --count "$n_read" --seed $((seed + 1)) --read-only
cat "$GW_TMP/assert.out"
assert_ok "uid 65534: $n_nobody messages in the gateway namespace, every one refused" \
	fuzz "$NS_GW" --as-nobody --count "$n_nobody" --seed $((seed + 2))
tee -a "$GW_TMP/unprivileged.out" <"$GW_TMP/assert.out"
assert_ok "root of a user namespace: $n_userns messages in the gateway namespace, every one refused" \
	fuzz "$NS_GW" unshare -Ur -- --unprivileged --count "$n_userns" --seed $((seed + 3))
tee -a "$GW_TMP/unprivileged.out" <"$GW_TMP/assert.out"
assert_ok "root of a user and network namespace: $n_ownns messages, every one refused" \
	fuzz "$NS_GW" unshare -Urn -- --unprivileged --count "$n_ownns" --seed $((seed + 4))
tee -a "$GW_TMP/unprivileged.out" <"$GW_TMP/assert.out"
echo "fuzz took $((SECONDS - t0)) s"

# an unprivileged run that met no EPERM tried no command at all
assert_eq "each unprivileged run was refused EPERM" 3 \
	"$(grep -cE '^  EPERM +[0-9]+$' "$GW_TMP/unprivileged.out")"

assert_eq "the gateway's policy is unchanged" "$before_gw" "$(policy "$NS_GW")"
assert_eq "another namespace's policy is unchanged" "$before_init" "$(policy "$NS_OUT")"
bad=$(dmesg | tail -n +"$((dmesg_before + 1))" |
	grep -E 'WARNING:|BUG:|KASAN|UBSAN|lockdep|possible (circular|recursive) locking|inconsistent lock state|refcount_t|Oops|Call Trace' |
	head -n 5)
assert_eq "the kernel log has no warning" "" "$bad"
assert_ok "the module still answers in the scratch namespace" gwctl_in "$NS_FUZZ" status
assert_ok "lan still reaches out through the gateway" tcp_roundtrip "$NS_LAN" "$OUT4" 7000
assert_ok "an allowed connection from wan passes (tcp 80)" tcp_roundtrip "$NS_OUT" "$LAN4" 80
assert_fail "a denied connection from wan fails (tcp 81)" tcp_roundtrip "$NS_OUT" "$LAN4" 81

gw_finish
