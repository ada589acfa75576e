#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# 10 000 random and mutated generic-netlink messages to the gatewarden family
# (tests/vm/helpers/genl_fuzz.py), in three parts:
#   - root, every command, in a scratch namespace: whatever the messages
#     legitimately change there, no other namespace's policy may move;
#   - root, the read-only commands (status, stats, dumps) however mangled, in
#     the gateway namespace: its policy does not change;
#   - an unprivileged user, every command, in the gateway namespace: every
#     message refused (EPERM for each well-formed request), policy unchanged.
# Nothing may warn, and the module must still answer and unload.

# shellcheck source-path=SCRIPTDIR source=lib.sh
. "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"
# The soak and fuzz runs belong to "make check-debug": on Debian's kernel
# they would only cost time, with no sanitizer to report what they find.
gw_debug_kernel || gw_skip "debug kernel only (make check-debug)"

gw_require setpriv jq
total=${GW_FUZZ_COUNT:-10000}
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

# The helper where an unprivileged user can read it, wherever the repository is.
bin=$(mktemp -d /tmp/genl-fuzz.XXXXXX)
gw_on_exit rm -rf "$bin"
cp "$GW_ROOT/tests/vm/helpers/genl_fuzz.py" "$bin/"
chmod 755 "$bin" "$bin/genl_fuzz.py"
# shellcheck disable=SC2317 # called through assert_ok
fuzz() { # NS [--as-nobody] ARGS...
	local ns=$1 user=()
	shift
	if [ "$1" = --as-nobody ]; then
		user=(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all)
		shift
	fi
	ip netns exec "$ns" "${user[@]}" /usr/bin/python3 "$bin/genl_fuzz.py" "$@"
}
policy() { # NS: what the admin configured, as gwctl shows it
	gwctl_in "$1" -j rule list | jq -S 'del(.. | .hits?)'
	gwctl_in "$1" -j iface list
	gwctl_in "$1" -j get
}
before_gw=$(policy "$NS_GW")
before_init=$(policy "$NS_OUT")

n_root=$((total / 2))
n_read=$((total / 4))
n_user=$((total - n_root - n_read))
t0=$SECONDS
assert_ok "root: $n_root messages of every command in a scratch namespace" \
	fuzz "$NS_FUZZ" --count "$n_root" --seed "$seed"
cat "$GW_TMP/assert.out"
assert_ok "root: $n_read read-only messages in the gateway namespace" \
	fuzz "$NS_GW" --count "$n_read" --seed $((seed + 1)) --read-only
cat "$GW_TMP/assert.out"
assert_ok "unprivileged: $n_user messages, every one refused" \
	fuzz "$NS_GW" --as-nobody --count "$n_user" --seed $((seed + 2)) --unprivileged
cat "$GW_TMP/assert.out"
echo "fuzz took $((SECONDS - t0)) s"

assert_eq "the gateway's policy is unchanged" "$before_gw" "$(policy "$NS_GW")"
assert_eq "another namespace's policy is unchanged" "$before_init" "$(policy "$NS_OUT")"
assert_ok "the module still answers in the scratch namespace" gwctl_in "$NS_FUZZ" status
assert_ok "lan still reaches out through the gateway" tcp_roundtrip "$NS_LAN" "$OUT4" 7000

gw_finish
