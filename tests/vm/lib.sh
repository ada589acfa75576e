# shellcheck shell=bash
# Helpers for tests/vm scenarios, sourced first thing:
#
#   # shellcheck source-path=SCRIPTDIR source=lib.sh
#   . "${GW_ROOT:-$(dirname "$0")/../..}/tests/vm/lib.sh"
#
# A scenario builds its own namespaces (names carry a per-run random suffix),
# proves behaviour with assert_* calls, and ends with gw_finish. Everything it
# sets up is undone by the EXIT trap, in reverse order, however it ends.
# Exit status: 0 pass, 1 fail, 2 expected failure (XFAIL: a scenario marked
# with gw_known_bug failed), 3 unexpected pass (XPASS: it passed, so the bug
# is fixed and the mark must go; the runner fails it), 4 skip (as the
# kernel's selftests).
#
# Everything that waits is bounded: no helper sleeps to synchronise, each polls
# observed state (ss, tcpdump's "listening on") up to a timeout. Helper
# timeouts are multiplied by GW_TIME_SCALE: 1, or 4 on the debug kernel of
# make check-debug, which under emulation runs several times slower.

set -u

GW_ROOT=${GW_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)}
GW_KO=${GW_KO:-$GW_ROOT/kmod/gatewarden.ko}
GWCTL=${GWCTL:-$GW_ROOT/ctl/gwctl}
export GW_ROOT GW_KO GWCTL

GW_PASSED=0
GW_FAILED=0
GW_TMP=$(mktemp -d "${TMPDIR:-/tmp}/gw-test.XXXXXX") || exit 1

_gw_suffix=$(printf '%04x%04x' "$RANDOM" "$RANDOM")
NS_OUT=gw-out-$_gw_suffix
NS_GW=gw-gw-$_gw_suffix
NS_LAN=gw-lan-$_gw_suffix
export NS_OUT NS_GW NS_LAN

# The addressing plan of gw_topology (documentation ranges only).
OUT4=203.0.113.2 GW_WAN4=203.0.113.1 GW_LAN4=192.0.2.1 LAN4=192.0.2.2
OUT6=2001:db8:203::2 GW_WAN6=2001:db8:203::1 GW_LAN6=2001:db8:192::1 LAN6=2001:db8:192::2
export OUT4 GW_WAN4 GW_LAN4 LAN4 OUT6 GW_WAN6 GW_LAN6 LAN6
# A second outside host, NS_CL on gw's wan1, made by gw_client_ns.
NS_CL=gw-cl-$_gw_suffix
CL4=198.51.100.2 GW_CL4=198.51.100.1 CL6=2001:db8:51::2 GW_CL6=2001:db8:51::1

# ---- cleanup ---------------------------------------------------------------

_gw_exit_cmds=()

# gw_on_exit CMD [ARGS...]: run at exit, last registered first. One argument
# is shell code ("kill $pid 2>/dev/null"); several are a command and its
# arguments, kept intact.
gw_on_exit() {
	if [ $# -eq 1 ]; then
		_gw_exit_cmds+=("$1")
	else
		_gw_exit_cmds+=("$(printf '%q ' "$@")")
	fi
}

_gw_exit() {
	local rc=$? i failed_before=$GW_FAILED
	trap - EXIT
	for ((i = ${#_gw_exit_cmds[@]} - 1; i >= 0; i--)); do
		eval "${_gw_exit_cmds[i]}"
	done
	rm -rf "$GW_TMP"
	# A failure found while cleaning up (rmmod refused, say) fails a
	# scenario that had passed or skipped.
	if [ "$GW_FAILED" -gt "$failed_before" ] && { [ "$rc" -eq 0 ] || [ "$rc" -ge 2 ]; } && [ "$rc" -le 4 ]; then
		rc=1
	fi
	exit "$rc"
}
trap _gw_exit EXIT
# Without these a signal (the runner's timeout) would skip the EXIT trap.
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- verdicts --------------------------------------------------------------

_gw_pass() {
	GW_PASSED=$((GW_PASSED + 1))
	echo "PASS: $1"
}

_gw_fail() {
	GW_FAILED=$((GW_FAILED + 1))
	echo "FAIL: $1"
}

# gw_fatal MSG: a setup step failed; nothing after it would mean anything.
gw_fatal() {
	_gw_fail "$*"
	exit 1
}

# gw_skip REASON: the scenario cannot run here (missing tool, feature).
gw_skip() {
	echo "SKIP: $*"
	exit 4
}

# gw_known_bug ID DESCRIPTION: this scenario shows an open bug, so it is
# expected to fail (as ksft_xfail): gw_finish turns its failure into XFAIL
# (exit 2, counted apart, never as a pass) and its pass into XPASS (exit 3,
# a failure: the bug is fixed, remove the mark so the scenario guards it).
_gw_known_bug=
gw_known_bug() {
	_gw_known_bug="$1: $2"
}

# gw_finish: last line of a scenario; exit 1 if any assertion failed.
gw_finish() {
	echo "gw: $GW_PASSED checks passed, $GW_FAILED failed"
	if [ -n "$_gw_known_bug" ]; then
		if [ "$GW_FAILED" -gt 0 ]; then
			echo "XFAIL: known bug $_gw_known_bug"
			exit 2
		fi
		echo "XPASS: known bug $_gw_known_bug is fixed: drop its gw_known_bug"
		exit 3
	fi
	[ "$GW_FAILED" -eq 0 ] && exit 0
	exit 1
}

# gw_missing_tool WHAT: a tool the scenario needs is not installed: a skip on
# a developer's machine, a failure in CI (GW_CI=true, from CI=true on the
# host), where scripts/deps.sh installed everything and a missing tool is a
# broken install.
gw_missing_tool() {
	[ "${GW_CI:-}" = true ] && gw_fatal "$1 not installed (CI: scripts/deps.sh should have installed it)"
	gw_skip "$1 not installed"
}

# gw_require CMD...: skip unless every command exists (fail in CI).
gw_require() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || gw_missing_tool "$c"
	done
}

# gw_require_python MODULE...: the same for python3 modules.
gw_require_python() {
	local m
	for m in "$@"; do
		/usr/bin/python3 -c "import $m" 2>/dev/null || gw_missing_tool "python3 module $m"
	done
}

# gw_must CMD...: run a setup command; fail the scenario if it fails.
gw_must() {
	"$@" || gw_fatal "setup step failed (status $?): $*"
}

# assert_ok DESC CMD...: CMD must succeed. Its output is shown on failure.
assert_ok() {
	local desc=$1 rc=0
	shift
	"$@" >"$GW_TMP/assert.out" 2>&1 || rc=$?
	if [ "$rc" -eq 0 ]; then
		_gw_pass "$desc"
		return 0
	fi
	_gw_fail "$desc (command failed with status $rc: $*)"
	tail -n 20 "$GW_TMP/assert.out" | sed 's/^/    /'
	return 1
}

# assert_fail DESC CMD...: CMD must fail.
assert_fail() {
	local desc=$1
	shift
	if "$@" >"$GW_TMP/assert.out" 2>&1; then
		_gw_fail "$desc (command succeeded: $*)"
		tail -n 20 "$GW_TMP/assert.out" | sed 's/^/    /'
		return 1
	fi
	_gw_pass "$desc"
}

# assert_eq DESC EXPECTED ACTUAL: string equality.
assert_eq() {
	if [ "$2" = "$3" ]; then
		_gw_pass "$1"
		return 0
	fi
	_gw_fail "$1 (expected '$2', got '$3')"
	return 1
}

_gw_is_int() {
	case $1 in '' | - | *[!0-9-]* | ?*-*) return 1 ;; esac
}

# assert_ge DESC MIN ACTUAL: ACTUAL >= MIN, both integers.
assert_ge() {
	if _gw_is_int "$2" && _gw_is_int "$3" && [ "$3" -ge "$2" ]; then
		_gw_pass "$1"
		return 0
	fi
	_gw_fail "$1 (expected >= $2, got '$3')"
	return 1
}

# assert_le DESC MAX ACTUAL: ACTUAL <= MAX, both integers.
assert_le() {
	if _gw_is_int "$2" && _gw_is_int "$3" && [ "$3" -le "$2" ]; then
		_gw_pass "$1"
		return 0
	fi
	_gw_fail "$1 (expected <= $2, got '$3')"
	return 1
}

# ---- namespaces and topology -----------------------------------------------

# gw_ns_add NS: an empty namespace with lo up and IPv6 DAD off (so addresses
# and link-locals are usable at once), deleted at exit.
gw_ns_add() {
	gw_must ip netns add "$1"
	gw_on_exit _gw_ns_del "$1"
	gw_must ip -n "$1" link set lo up
	gw_must ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
}

# _gw_ns_del NS: delete NS and, first, destroy its sockets (ss -K): an orphan
# in FIN_WAIT or LAST_ACK retrying at a peer that is gone, or a listener's
# half-open requests, would hold the namespace for minutes after the
# scenario, and the runner's leak check could not tell that from a
# reference the module never dropped.  Its processes were stopped first
# (gw_on_exit runs last in, first out).
_gw_ns_del() {
	ip netns exec "$1" ss -K -a >/dev/null 2>&1
	ip netns del "$1"
}

# gw_topology: out -- gw -- lan.
#   out eth0 203.0.113.2 2001:db8:203::2  <->  gw wan0 203.0.113.1 2001:db8:203::1
#   gw lan0  192.0.2.1   2001:db8:192::1  <->  lan eth0 192.0.2.2  2001:db8:192::2
# out and lan route everything via gw, so replies come back without NAT.
gw_topology() {
	local ns
	for ns in "$NS_OUT" "$NS_GW" "$NS_LAN"; do
		gw_ns_add "$ns"
	done
	gw_must ip -n "$NS_GW" link add wan0 type veth peer name eth0 netns "$NS_OUT"
	gw_must ip -n "$NS_GW" link add lan0 type veth peer name eth0 netns "$NS_LAN"

	gw_must ip -n "$NS_OUT" addr add "$OUT4/24" dev eth0
	gw_must ip -n "$NS_OUT" addr add "$OUT6/64" dev eth0 nodad
	gw_must ip -n "$NS_GW" addr add "$GW_WAN4/24" dev wan0
	gw_must ip -n "$NS_GW" addr add "$GW_WAN6/64" dev wan0 nodad
	gw_must ip -n "$NS_GW" addr add "$GW_LAN4/24" dev lan0
	gw_must ip -n "$NS_GW" addr add "$GW_LAN6/64" dev lan0 nodad
	gw_must ip -n "$NS_LAN" addr add "$LAN4/24" dev eth0
	gw_must ip -n "$NS_LAN" addr add "$LAN6/64" dev eth0 nodad

	gw_must ip -n "$NS_OUT" link set eth0 up
	gw_must ip -n "$NS_GW" link set wan0 up
	gw_must ip -n "$NS_GW" link set lan0 up
	gw_must ip -n "$NS_LAN" link set eth0 up

	gw_must ip -n "$NS_OUT" route add default via "$GW_WAN4"
	gw_must ip -n "$NS_OUT" -6 route add default via "$GW_WAN6"
	gw_must ip -n "$NS_LAN" route add default via "$GW_LAN4"
	gw_must ip -n "$NS_LAN" -6 route add default via "$GW_LAN6"

	gw_must ip netns exec "$NS_GW" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
	gw_links_up "$NS_OUT:eth0" "$NS_GW:wan0" "$NS_GW:lan0" "$NS_LAN:eth0"
}

# gw_links_up NS:DEV...: wait until each link is operationally up.  The
# kernel's link watch sets that when it has given the device its queue,
# up to a second after "link set up" (more on a slow kernel); a packet sent
# before goes to the noop qdisc and is dropped, which a scenario's first
# question would take for the firewall's doing.
gw_links_up() {
	local link
	for link; do
		wait_until 10 _gw_link_up "${link%%:*}" "${link#*:}" ||
			gw_fatal "link ${link#*:} in ${link%%:*} did not come up"
	done
}
_gw_link_up() { # NS DEV
	ip -n "$1" -o link show dev "$2" 2>/dev/null | grep -q ' state UP '
}

# gw_client_ns [PLEN4]: after gw_topology, a second outside host (IPv4
# prefix PLEN4, 24; a spoofed flood from 198.51.100.128/25 wants 25, so
# that none of its sources is on the link or its broadcast):
#   cl eth0 198.51.100.2 2001:db8:51::2  <->  gw wan1 198.51.100.1 2001:db8:51::1
# (NS_CL, CL4, CL6, GW_CL4, GW_CL6); cl routes everything via gw.  wan1 is
# left for the scenario to declare to gatewarden.
gw_client_ns() {
	local plen4=${1:-24}
	gw_ns_add "$NS_CL"
	gw_must ip -n "$NS_GW" link add wan1 type veth peer name eth0 netns "$NS_CL"
	gw_must ip -n "$NS_GW" addr add "$GW_CL4/$plen4" dev wan1
	gw_must ip -n "$NS_GW" addr add "$GW_CL6/64" dev wan1 nodad
	gw_must ip -n "$NS_CL" addr add "$CL4/$plen4" dev eth0
	gw_must ip -n "$NS_CL" addr add "$CL6/64" dev eth0 nodad
	gw_must ip -n "$NS_GW" link set wan1 up
	gw_must ip -n "$NS_CL" link set eth0 up
	gw_must ip -n "$NS_CL" route add default via "$GW_CL4"
	gw_must ip -n "$NS_CL" -6 route add default via "$GW_CL6"
	gw_links_up "$NS_GW:wan1" "$NS_CL:eth0"
}

# gw_second_gateway NS_GW2 NS_OUT2: a second, independent gateway pair,
# two more namespaces (deleted at exit) joined by a veth:
#   out2 eth0 198.51.100.2/24  <->  gw2 wan0 198.51.100.1/24
# gw2's zones are left to the scenario.
gw_second_gateway() {
	gw_ns_add "$1"
	gw_ns_add "$2"
	gw_must ip -n "$1" link add wan0 type veth peer name eth0 netns "$2"
	gw_must ip -n "$1" addr add 198.51.100.1/24 dev wan0
	gw_must ip -n "$2" addr add 198.51.100.2/24 dev eth0
	gw_must ip -n "$1" link set wan0 up
	gw_must ip -n "$2" link set eth0 up
	gw_links_up "$1:wan0" "$2:eth0"
}

# gw_gateway [wan]: the start most scenarios share: gw_topology, gatewarden
# loaded, wan0 declared wan and lan0 lan ("wan": lan0 left undeclared).
gw_gateway() {
	local arg lan=1
	# "for arg;": shellcheck then asks no caller for the optional word.
	for arg; do [ "$arg" != wan ] || lan=0; done
	gw_topology
	gw_load
	gw_must gwctl_in "$NS_GW" iface add wan0 wan
	[ "$lan" = 0 ] || gw_must gwctl_in "$NS_GW" iface add lan0 lan
}

# ---- the module and gwctl --------------------------------------------------

_gw_unload_registered=0

# gw_load [PARAM=VALUE...]: insmod kmod/gatewarden.ko (its dependencies first),
# unloaded at exit.
gw_load() {
	local dep param params=()
	# "for param;" walks the arguments without naming them, so shellcheck
	# does not ask every caller for these optional ones.
	for param; do params+=("$param"); done
	[ -f "$GW_KO" ] || gw_fatal "$GW_KO not built (run make)"
	# insmod does not resolve dependencies; modprobe them from the guest's
	# own /lib/modules, which matches its kernel.
	for dep in $(modinfo -F depends "$GW_KO" | tr ',' ' '); do
		gw_must modprobe "$dep"
	done
	if [ "$_gw_unload_registered" = 0 ]; then
		gw_on_exit gw_unload
		_gw_unload_registered=1
	fi
	insmod "$GW_KO" "${params[@]}" || gw_fatal "insmod $GW_KO ${params[*]} failed"
}

# gw_unload: rmmod gatewarden if loaded. A refusal counts as a failure:
# something still holds the module.
gw_unload() {
	[ -d /sys/module/gatewarden ] || return 0
	rmmod gatewarden && return 0
	_gw_fail "rmmod gatewarden failed (refcount: $(cat /sys/module/gatewarden/refcnt 2>/dev/null))"
	return 1
}

# gw_module_cycles [-k] [-r] N BODY [ARGS...]: up to N cycles of unloading
# gatewarden and loading it again (insmod, no parameters), each followed by
# BODY ARGS... CYCLE (the cycle's number), which configures and exercises
# the fresh module.  The first step that fails ends the cycles: an rmmod
# refused (a failure, from gw_unload), an insmod, or BODY.  -k: the first
# cycle keeps the module loaded before and only runs BODY.  -r: a failed
# insmod is reported as a failure too ("insmod failed in cycle N").  Sets
# GW_CYCLES_DONE to the number of cycles completed.
# shellcheck disable=SC2034 # GW_CYCLES_DONE is for the caller
gw_module_cycles() {
	local keep=0 report=0 n i
	while :; do
		case ${1:-} in
		-k) keep=1 ;;
		-r) report=1 ;;
		*) break ;;
		esac
		shift
	done
	n=$1
	shift
	GW_CYCLES_DONE=0
	for i in $(seq "$n"); do
		if [ "$keep" = 0 ] || [ "$i" -gt 1 ]; then
			gw_unload || break
			if ! insmod "$GW_KO"; then
				[ "$report" = 1 ] && _gw_fail "insmod failed in cycle $i"
				break
			fi
		fi
		"$@" "$i" || break
		GW_CYCLES_DONE=$i
	done
}

# gwctl_in NS ARGS...: run gwctl inside NS.
gwctl_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$GWCTL" "$@"
}

# gw_counter NS NAME: print one counter from `gwctl -j stats -a` in NS (-a:
# a counter at zero is left out without it). The first key named NAME at
# any depth wins, or an object {"name": NAME, "value"|"count": N}.
gw_counter() {
	local json
	json=$(gwctl_in "$1" -j stats -a) || {
		echo "gw_counter: gwctl -j stats failed in $1" >&2
		return 1
	}
	jq -er --arg k "$2" 'first(
		(.. | objects | select(has($k)) | .[$k]),
		(.. | objects | select(.name? == $k) | (.value // .count))
	)' <<<"$json" || {
		echo "gw_counter: no counter '$2' in gwctl -j stats" >&2
		return 1
	}
}

# gw_flow_count NS: how many flows gatewarden tracks in NS.
gw_flow_count() {
	gwctl_in "$1" -j conn count | jq -er .count
}

# snmp_counter NS GROUP NAME: one counter of NS's /proc/net/snmp or
# /proc/net/netstat, e.g. snmp_counter "$NS_GW" Tcp InSegs.
snmp_counter() {
	# shellcheck disable=SC2016 # awk fields, not shell
	ip netns exec "$1" awk -v g="$2:" -v f="$3" '
		$1 == g && !hdr { for (i = 2; i <= NF; i++) if ($i == f) col = i; hdr = 1; next }
		$1 == g && hdr && col { print $col; found = 1; exit }
		$1 == g { hdr = 0 }
		END { exit !found }' /proc/net/snmp /proc/net/netstat
}

# ---- traffic ---------------------------------------------------------------

# gw_ping NS ADDR [COUNT]: COUNT (1) echo requests, IPv4 or IPv6, all must
# be answered; bounded by a deadline of COUNT + 2 seconds (times GW_TIME_SCALE).
gw_ping() {
	local count=${3:-1}
	ip netns exec "$1" ping -n -q -c "$count" -i 0.2 -W "$((2 * GW_TIME_SCALE))" \
		-w "$(((count + 2) * GW_TIME_SCALE))" "$2"
}

# wait_until TIMEOUT CMD...: poll CMD every 0.1 s until it succeeds; fails
# after TIMEOUT seconds.
wait_until() {
	local end=$((SECONDS + $1 * GW_TIME_SCALE + 1))
	shift
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.1
	done
}

# wait_file PATH [TIMEOUT]: wait (5 s) for PATH to exist, e.g. a ready file
# a background helper creates.
wait_file() {
	wait_until "${2:-5}" test -e "$1"
}

# wait_listener NS tcp|udp PORT [TIMEOUT]: poll ss until PORT is bound (30 s).
wait_listener() {
	# 30 s by default: it is a poll, so the limit costs nothing when the
	# server starts, and a loaded host took more than 5 s to start python.
	local ns=$1 proto=$2 port=$3 limit=$((${4:-30} * GW_TIME_SCALE)) flags end
	case $proto in
	tcp) flags=-Hltn ;;
	udp) flags=-Hlun ;;
	*)
		echo "wait_listener: protocol $proto is neither tcp nor udp" >&2
		return 2
		;;
	esac
	# SECONDS ticks at whole seconds; +1 keeps the wait at least LIMIT.
	end=$((SECONDS + limit + 1))
	while [ "$SECONDS" -lt "$end" ]; do
		[ -n "$(ip netns exec "$ns" ss "$flags" "sport = :$port" 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	echo "wait_listener: nothing listens on $proto port $port in $ns after ${limit}s" >&2
	return 1
}

_gw_is_v6() { case $1 in *:*) return 0 ;; esac; return 1; }

# tcp_server NS ADDR PORT [REPLY]: background server that sends the line
# REPLY (default "hello", one word) to every client and closes; stopped at
# exit. Returns once it listens.
tcp_server() {
	_gw_start_server "$1" "$3" -t 5 "$(_gw_listen_addr "$2" "$3")" "SYSTEM:echo ${4:-hello}"
}

# tcp_connect NS ADDR PORT [TIMEOUT]: one connection; prints what the server
# sent. Fails if the connection fails or nothing arrives within TIMEOUT (3 s).
tcp_connect() {
	local ns=$1 addr=$2 port=$3 limit=$((${4:-3} * GW_TIME_SCALE)) target reply
	if _gw_is_v6 "$addr"; then
		target="TCP6:[$addr]:$port"
	else
		target="TCP4:$addr:$port"
	fi
	# -u: only read, so the client never half-closes before the server
	# has spoken.
	reply=$(timeout -k 1 "$((limit + 2))" ip netns exec "$ns" \
		socat -u -T "$limit" "$target,connect-timeout=$limit" STDOUT </dev/null) || return 1
	[ -n "$reply" ] || return 1
	printf '%s\n' "$reply"
}

_gw_listen_addr() { # ADDR PORT -> socat listen address
	if _gw_is_v6 "$1"; then
		echo "TCP6-LISTEN:$2,bind=[$1],fork,reuseaddr"
	else
		echo "TCP4-LISTEN:$2,bind=$1,fork,reuseaddr"
	fi
}

_gw_start_server() { # NS PORT SOCAT-ARGS...: background, stopped at exit
	local ns=$1 port=$2 pid
	shift 2
	ip netns exec "$ns" socat "$@" </dev/null >>"$GW_TMP/servers.log" 2>&1 &
	pid=$!
	gw_on_exit "kill $pid 2>/dev/null"
	wait_listener "$ns" tcp "$port" || gw_fatal "server on port $port in $ns did not start: $(tail -n 3 "$GW_TMP/servers.log")"
}

# tcp_echo_server NS ADDR PORT: background server echoing every byte back
# on every connection; stopped at exit. Returns once it listens.
tcp_echo_server() {
	_gw_start_server "$1" "$3" "$(_gw_listen_addr "$2" "$3")" PIPE
}

# tcp_peer_server NS ADDR PORT: background server that sends each client the
# address it sees the client at (IPv6 in RFC 5952 form, as ip prints it), so
# a test can tell whether NAT happened.
tcp_peer_server() {
	# socat hands the peer over fully expanded and bracketed.
	cat >"$GW_TMP/peer.sh" <<'PEER'
exec awk -v a="$SOCAT_PEERADDR" 'BEGIN {
	gsub(/[][]/, "", a)
	if (a !~ /:/) { print a; exit }
	n = split(a, g, ":")
	best = 0; at = 0; run = 0
	for (i = 1; i <= n; i++) {
		sub(/^0+/, "", g[i])
		if (g[i] == "") g[i] = "0"
		if (g[i] == "0") { if (++run > best) { best = run; at = i - run + 1 } }
		else run = 0
	}
	out = ""
	for (i = 1; i <= n; i++) {
		if (best > 1 && i == at) { out = out "::"; i += best - 1; continue }
		if (out != "" && out !~ /:$/) out = out ":"
		out = out g[i]
	}
	print out
}'
PEER
	_gw_start_server "$1" "$3" -t 5 "$(_gw_listen_addr "$2" "$3")" "SYSTEM:sh $GW_TMP/peer.sh"
}

# tcp_roundtrip NS ADDR PORT [TIMEOUT]: against a tcp_echo_server: connect,
# send a line, get the same line back (data both ways through the flow).
# Fails on refusal, silence or a wrong echo within TIMEOUT (3 s).
tcp_roundtrip() {
	local ns=$1 addr=$2 port=$3 limit=$((${4:-3} * GW_TIME_SCALE)) target line reply
	if _gw_is_v6 "$addr"; then
		target="TCP6:[$addr]:$port"
	else
		target="TCP4:$addr:$port"
	fi
	line="gw-roundtrip-$RANDOM$RANDOM"
	# -t: after sending, wait for the echo and the server's close rather
	# than socat's default half second.
	reply=$(printf '%s\n' "$line" | timeout -k 1 "$((limit + 2))" ip netns exec "$ns" \
		socat -T "$limit" -t "$limit" - "$target,connect-timeout=$limit") || return 1
	printf '%s\n' "$reply"
	[ "$reply" = "$line" ]
}

# udp_server NS ADDR PORT [REPLY]: background server answering each datagram
# with the line REPLY (default "hello"); stopped at exit.  One socket for
# every question (udp_icmp.py answer), not socat's UDP-RECVFROM,fork: its
# child a datagram sees the socket at EOF once it has read the question and
# kills "SYSTEM:echo" half a second later, answered or not, and on the
# debug kernel, loaded, sh took longer than that to start (udp_pseudo_conn).
udp_server() {
	local ns=$1 addr=$2 port=$3 reply=${4:-hello} pid
	# not udp_icmp: a function in the background is a subshell, and its
	# pid is not the server's
	ip netns exec "$ns" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/udp_icmp.py" \
		answer "$addr" "$port" "$reply" </dev/null >>"$GW_TMP/servers.log" 2>&1 &
	pid=$!
	gw_on_exit "kill $pid 2>/dev/null"
	wait_listener "$ns" udp "$port" || gw_fatal "udp_server on $addr port $port in $ns did not start"
}

# udp_connect NS ADDR PORT [TIMEOUT]: send one datagram, print the reply.
# Fails if none arrives within TIMEOUT (3 s) or ICMP says unreachable.
udp_connect() {
	local ns=$1 addr=$2 port=$3 limit=$((${4:-3} * GW_TIME_SCALE)) reply
	# bash's /dev/udp connects the socket, so the reply (or the ICMP error)
	# ends the wait at once, where socat and nc linger until their idle
	# timeout. dd reads the whole datagram in one read; bash's read would
	# take one byte and lose the rest.
	# shellcheck disable=SC2016
	reply=$(timeout -k 1 "$((limit + 2))" ip netns exec "$ns" bash -c '
		exec 3<>"/dev/udp/$1/$2" || exit 1
		echo ping >&3 || exit 1
		timeout "$3" dd bs=65535 count=1 status=none <&3' _ "$addr" "$port" "$limit") || return 1
	[ -n "$reply" ] || return 1
	printf '%s\n' "$reply"
}

# udp_icmp NS ARGS...: tests/vm/helpers/udp_icmp.py ARGS... in NS (plain
# sockets: send, recv, ask, serve, frag-needed; see the helper).
udp_icmp() {
	local ns=$1
	shift
	ip netns exec "$ns" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/udp_icmp.py" "$@"
}

# udp_icmp_bg NS OUTFILE ARGS...: udp_icmp in the background, its output in
# OUTFILE; returns once it is bound (and, for ask, has sent its question).
# Its pid in GW_BG_PID.
udp_icmp_bg() {
	local ns=$1 outfile=$2 ready
	shift 2
	ready=$GW_TMP/ready.$RANDOM
	GW_STOP=$GW_TMP/stop GW_READY=$ready udp_icmp "$ns" "$@" >"$outfile" &
	GW_BG_PID=$!
	rm -f "$GW_TMP/stop"
	wait_file "$ready" 30 || gw_fatal "udp_icmp.py $* did not start"
}

# udp_icmp_bg_done: the last udp_icmp_bg (recv, ask) stops listening a
# second from now; wait for it.
udp_icmp_bg_done() {
	touch "$GW_TMP/stop"
	wait "$GW_BG_PID"
}

# ---- packet capture --------------------------------------------------------

_gw_cap_pid=()
_gw_cap_file=()

# capture_start NS IFACE FILTER...: tcpdump of matching packets in the
# background; returns once tcpdump captures. Sets GW_CAPTURE to its id.
capture_start() {
	local ns=$1 ifc=$2 id=${#_gw_cap_pid[@]} pid end
	shift 2
	local file=$GW_TMP/cap$id.pcap err=$GW_TMP/cap$id.err
	# -Z root: tcpdump would drop to its own user, which cannot write into
	# GW_TMP. --immediate-mode: no packets parked in a ring block at stop.
	ip netns exec "$ns" tcpdump -ni "$ifc" -U --immediate-mode -Z root -w "$file" "$@" \
		</dev/null 2>"$err" &
	pid=$!
	_gw_cap_pid[id]=$pid
	_gw_cap_file[id]=$file
	gw_on_exit "kill $pid 2>/dev/null"
	end=$((SECONDS + 10 * GW_TIME_SCALE + 1))
	until grep -q 'listening on' "$err" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || gw_fatal "tcpdump on $ifc in $ns: $(cat "$err")"
		[ "$SECONDS" -lt "$end" ] || gw_fatal "tcpdump on $ifc in $ns not capturing after $((10 * GW_TIME_SCALE))s"
		sleep 0.1
	done
	GW_CAPTURE=$id
}

# capture_stop: stop the last capture started and print how many packets
# matched. capture_stop_id ID does the same for an earlier one (ID from
# GW_CAPTURE right after its capture_start). Both work from $(...), so they
# poll instead of using wait.
capture_stop() {
	capture_stop_id "$GW_CAPTURE"
}

capture_stop_id() {
	local pid=${_gw_cap_pid[$1]} file=${_gw_cap_file[$1]} i
	kill -INT "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	tcpdump -nr "$file" 2>/dev/null | wc -l
}

# capture_count: how many packets the last capture started has matched so
# far, without stopping it (tcpdump -U writes each one out at once).
capture_count() {
	tcpdump -nr "${_gw_cap_file[$GW_CAPTURE]}" 2>/dev/null | wc -l
}

# capture_show / capture_show_id ID: print the captured packets, for a
# failure's context.
capture_show() {
	capture_show_id "$GW_CAPTURE"
}

capture_show_id() {
	tcpdump -nr "${_gw_cap_file[$1]}" 2>/dev/null
}

# ---- soak and fuzz ---------------------------------------------------------

# gw_debug_kernel: true on the debug kernel of make check-debug (KASAN,
# lockdep, kmemleak; tests/vm/debug.config).
gw_debug_kernel() {
	case $(uname -r) in *-gwdebug) return 0 ;; esac
	return 1
}

if [ -z "${GW_TIME_SCALE:-}" ]; then
	GW_TIME_SCALE=1
	gw_debug_kernel && GW_TIME_SCALE=4
fi
export GW_TIME_SCALE

# gw_helper NAME: build tests/vm/helpers/NAME.c (a packet generator) unless
# its binary is newer than the sources, and print the binary's path. Built in
# the guest, with the host's compiler, into tests/vm/out/bin/.
gw_helper() {
	local src=$GW_ROOT/tests/vm/helpers/$1.c bin=$GW_ROOT/tests/vm/out/bin/$1
	if [ ! -x "$bin" ] || [ "$src" -nt "$bin" ] ||
		[ "$GW_ROOT/tests/vm/helpers/pktlib.h" -nt "$bin" ]; then
		mkdir -p "${bin%/*}" || return 1
		# two guests may build it at once (make check-debug)
		gcc -O2 -Wall -Werror -o "$bin.tmp$$" "$src" >&2 || return 1
		mv "$bin.tmp$$" "$bin"
	fi
	echo "$bin"
}

# gw_slab_objs CACHE: objects in use in a slab cache (SLUB: after flushing
# the per-CPU slabs, whose free objects /proc/slabinfo counts as used), or
# nothing if the cache is not listed (merged into another one).
gw_slab_objs() {
	[ -w "/sys/kernel/slab/$1/shrink" ] && echo 1 >"/sys/kernel/slab/$1/shrink"
	awk -v c="$1" '$1 == c { print $2; found = 1 } END { exit !found }' /proc/slabinfo
}

# gw_netns_cleanup_round: delete a throwaway namespace and wait until the
# kernel's cleanup of it has run.  cleanup_net() (net/core/net_namespace.c)
# frees the namespaces it dismantles only in its *next* round, after another
# rcu_barrier() (net_complete_free(), defer_free_list), so the last batch of
# namespaces deleted stays in the net_namespace slab until another namespace
# dies.  One round turns that remainder into exactly this throwaway one.
# cleanup_net() runs on an ordered workqueue: once this round's veth end has
# gone from our namespace, every earlier round has finished.
gw_netns_cleanup_round() {
	local ns=gw-round-$$ dev=gwround$$
	ip netns add "$ns" || return 1
	if ! ip link add "$dev" type veth peer name eth0 netns "$ns"; then
		ip netns del "$ns"
		return 1
	fi
	ip netns del "$ns"
	wait_until 120 _gw_link_gone "$dev"
}

_gw_link_gone() { ! ip link show dev "$1" >/dev/null 2>&1; }

# gw_mac NS DEV: the MAC address of DEV in NS.
gw_mac() {
	ip -n "$1" -j link show dev "$2" | jq -er '.[0].address'
}

# gw_drops NS: the sum of every drop_* counter of `gwctl -j stats` in NS.
gw_drops() {
	gwctl_in "$1" -j stats | jq -e '[.. | objects | to_entries[] |
		select(.key | startswith("drop_")) | .value | numbers] | add // 0'
}

# gw_not_passed NS: the packets the hooks kept in NS, the drop_* counters and
# those the SYN proxy consumed in an end's name (a SYN it answered, a cookie
# ACK that opened, a server's SYN-ACK or RST it answered).
gw_not_passed() {
	gwctl_in "$1" -j stats | jq -e '[.. | objects | to_entries[] |
		select(.key | test("^(drop_|synproxy_(syn|opened|joined|refused)$)")) |
		.value | numbers] | add // 0'
}

# gw_wan_quiet: after gw_topology, nothing but the scenario's own packets
# on the wan link, so that counters stand still while nothing is sent: no
# router solicitations from out, no neighbour probes either way (in_packets
# and out_packets count those too, and a trace records their drops).
gw_wan_quiet() {
	gw_must ip netns exec "$NS_OUT" sysctl -qw net.ipv6.conf.eth0.router_solicitations=0 \
		net.ipv6.conf.eth0.accept_ra=0
	gw_must ip -n "$NS_OUT" neigh replace "$GW_WAN6" lladdr "$(gw_mac "$NS_GW" wan0)" \
		dev eth0 nud permanent
	gw_must ip -n "$NS_GW" neigh replace "$OUT6" lladdr "$(gw_mac "$NS_OUT" eth0)" \
		dev wan0 nud permanent
}

# gw_sender_start: tests/vm/helpers/send_pkt.py in out, scapy imported once
# for every send_pkt below, stopped at exit.  In frames to wan0 itself:
# when the guest is slow, the neighbour entries go stale between two
# packets, and the probe that refreshes one (scapy's or the kernel's, from
# the packet's own source) is a packet gw counts too.
gw_sender_start() {
	gw_sender_start_in "$NS_OUT" eth0 wan0
}

# gw_sender_start_in NS DEV GWDEV: the same in NS, in frames from its DEV
# to gw's GWDEV, for send_pkt_in NS.  One sender a namespace, each
# through a pair of FIFOs (bash keeps one coproc).
declare -gA _gw_send_in _gw_send_out
gw_sender_start_in() {
	local ns=$1 dev=$2 gwdev=$3 mac fifo pid fd_in fd_out
	mac=$(ip netns exec "$NS_GW" cat "/sys/class/net/$gwdev/address") ||
		gw_fatal "no $gwdev address"
	fifo=$GW_TMP/send-$ns
	gw_must mkfifo "$fifo.in" "$fifo.out"
	ip netns exec "$ns" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/send_pkt.py" \
		"$dev" "$mac" <"$fifo.in" >"$fifo.out" 2>"$fifo.err" &
	pid=$!
	# the python process itself: ip netns exec execs it
	gw_on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
	# in this order: the sender opens its stdin first
	exec {fd_in}>"$fifo.in" {fd_out}<"$fifo.out"
	_gw_send_in[$ns]=$fd_in _gw_send_out[$ns]=$fd_out
}

# send_pkt_in NS WORDS...: one packet from NS (send_pkt.py's words), through
# gw_sender_start(_in)'s sender there; waits until it is sent (the first one
# waits for scapy's import too).  Prints what the sender said after
# "sent", if anything (a SYN-ACK's ISN).
send_pkt_in() {
	local ns=$1 reply
	shift
	echo "$*" >&"${_gw_send_in[$ns]}" || return 1
	read -r -t $((60 * GW_TIME_SCALE)) reply <&"${_gw_send_out[$ns]}" || return 1
	case $reply in
	sent) ;;
	"sent "*) echo "${reply#sent }" ;;
	*)
		echo "send_pkt.py: $reply $(cat "$GW_TMP/send-$ns.err")" >&2
		return 1
		;;
	esac
}

# send_pkt WORDS...: send_pkt_in out.
send_pkt() {
	send_pkt_in "$NS_OUT" "$@"
}

# ---- the drop trace (gwctl trace) --------------------------------------------

# What a packet is, in the words explain's and the trace's JSON share: a
# jq string for an entry or explain's .packet (with .reason and .interface).
GW_TUPLE='"\(.reason) \(.way) \(.interface) \(.proto) \(.src) \(.sport) \(.dst) \(.dport) \(.flags) \(.type) \(.code)"'

# gw_trace_seq NS: the seq of the newest entry in NS's trace (0: none).
gw_trace_seq() {
	gwctl_in "$1" -j trace | jq '[.trace[].seq] | max // 0'
}

# gw_trace_newest NS SPORT DST [SEQ]: the newest entry of NS's trace from
# port SPORT (ICMP and the like: 0) to DST, newer than SEQ (0), as
# GW_TUPLE; fails when there is none.
gw_trace_newest() {
	gwctl_in "$1" -j trace | jq -er --argjson p "$2" --arg d "$3" --argjson s "${4:-0}" \
		"last(.trace[] | select(.seq > \$s and (.sport // 0) == \$p and .dst == \$d)) | $GW_TUPLE"
}

# gw_trace_has NS SPORT DST SEQ: an entry newer than SEQ, from port SPORT
# to DST, is in NS's trace.
gw_trace_has() {
	gw_trace_newest "$@" >/dev/null
}

# gw_blocked_sources: after gw_gateway, prefixes next to out's addresses
# blocked in gw, and out holding an address in each (never its source of
# choice: a secondary IPv4 address, a deprecated IPv6 one) for scapy to
# send from: BAD4 in BLOCK4, BAD6 in BLOCK6.
# shellcheck disable=SC2034 # BLOCK4, BLOCK6 are for the scenarios
BLOCK4=203.0.113.64/26 BAD4=203.0.113.66 BLOCK6=2001:db8:203::40/122 BAD6=2001:db8:203::42
gw_blocked_sources() {
	gw_must gwctl_in "$NS_GW" block add "$BLOCK4"
	gw_must gwctl_in "$NS_GW" block add "$BLOCK6"
	gw_must ip -n "$NS_OUT" addr add "$BAD4/24" dev eth0
	gw_must ip -n "$NS_OUT" addr add "$BAD6/64" dev eth0 nodad preferred_lft 0
}

# ---- bulk transfers (tests/vm/helpers/tcp_bulk.py) -------------------------

# gw_bulk_serve NS ADDR PORT SIZE LIMIT: a server in NS that sends SIZE
# bytes to its first client, for at most LIMIT s, in the background;
# waits until it listens.
gw_bulk_serve() {
	rm -f "$GW_TMP/serve.rep" "$GW_TMP/fetch.rep"
	ip netns exec "$1" timeout -k 5 "$5" /usr/bin/python3 "$GW_ROOT/tests/vm/helpers/tcp_bulk.py" \
		serve "$2" "$3" "$4" "$GW_TMP/serve.rep" >>"$GW_TMP/servers.log" 2>&1 &
	gw_on_exit "kill $! 2>/dev/null"
	wait_listener "$1" tcp "$3" || gw_fatal "bulk server on $2 did not start"
}

# gw_bulk_fetch NS ADDR PORT SIZE LIMIT DESC: fetch from gw_bulk_serve's
# server within LIMIT s (asserted as DESC), and assert that all SIZE bytes
# came, in order (sha256).
gw_bulk_fetch() {
	local t0=$SECONDS got digest sent_digest
	assert_ok "$6" ip netns exec "$1" timeout -k 5 "$5" /usr/bin/python3 \
		"$GW_ROOT/tests/vm/helpers/tcp_bulk.py" fetch "$2" "$3" "$GW_TMP/fetch.rep"
	echo "# $2: $((SECONDS - t0)) s: $(cat "$GW_TMP/fetch.rep" 2>/dev/null)"
	wait_file "$GW_TMP/serve.rep" 10
	read -r got digest _ <"$GW_TMP/fetch.rep" 2>/dev/null
	read -r _ sent_digest _ <"$GW_TMP/serve.rep" 2>/dev/null
	assert_eq "every byte from $2 arrived" "$4" "${got:-}"
	assert_eq "and in order (sha256)" "${sent_digest:-server gave no digest}" "${digest:-}"
}

# ---- TCP window state ------------------------------------------------------

# gw_flow_json NS PORT: the flow of `gwctl -j conn list` in NS with PORT as
# its source or destination port, one line of JSON (with "orig" and "reply"
# window state); fails if there is none.
gw_flow_json() {
	gwctl_in "$1" -j conn list | jq -ec --argjson p "$2" \
		'first(.flows[]? | select(.sport == $p or .dport == $p))'
}

# gw_marked_filter: tcpdump filter for segments tests/vm/helpers/tcp_inject.py
# forged (urgent pointer 0xbeef without URG), IPv4 or IPv6.
gw_marked_filter() {
	echo '(ip and tcp[18:2] = 0xbeef) or (ip6 and ip6[6] = 6 and ip6[58:2] = 0xbeef)'
}

# ---- spoofed SYN floods (synproxy_flood.sh, bench/kernel-guest.sh's S4) ----

# The sources a spoofed flood comes from; the gateway blackholes them, so
# SYN-ACKs and resets to them never leave the guest.  A /25, so that a
# client on 198.51.100.0/25 (gw_client_ns 25) shares no link with them.
GW_SPOOFED=198.51.100.128/25
export GW_SPOOFED

# gw_flood_server NS ADDR PORT BACKLOG: an echo server a SYN flood can
# hurt, in the background: no SYN cookies, a listen backlog of BACKLOG
# that nothing raises, and no TCP metrics kept.  With no cookies Linux
# keeps the last quarter of a listener's SYN backlog for peers it has
# completed a connection with before (tcp_peer_is_proven(): a cached
# RTT); a client proven by its first connection would pass where the many
# new ones a flood is meant to keep out would not.
gw_flood_server() {
	local ns=$1 addr=$2 port=$3 backlog=$4
	gw_must ip netns exec "$ns" sysctl -qw net.ipv4.tcp_syncookies=0 \
		net.core.somaxconn="$backlog" net.ipv4.tcp_max_syn_backlog="$backlog" \
		net.ipv4.tcp_no_metrics_save=1
	_gw_start_server "$ns" "$port" \
		"TCP4-LISTEN:$port,bind=$addr,fork,reuseaddr,backlog=$backlog" PIPE
	assert_eq "the server listens with a backlog of $backlog" "$backlog" \
		"$(ip netns exec "$ns" ss -Hltn "sport = :$port" | awk '{ print $3 }')"
}

# gw_flood_spoof NS DADDR [KEEP]: in NS's postrouting, the source of every
# TCP packet to DADDR (but KEEP's, a real client's beside the flooder)
# rewritten at random into $GW_SPOOFED: hping3 --rand-source's sources
# would be anywhere.  nft fixes the IP and TCP checksums.  nft table ip
# gwflood; gw_flood_spoof_del removes it.
gw_flood_spoof() {
	local map keep=
	map=$(for i in $(seq 0 127); do printf '%d : 198.51.100.%d, ' "$i" $((128 + i)); done)
	[ -z "${3:-}" ] || keep="ip saddr != $3"
	gw_must ip netns exec "$1" nft -f - <<NFT
table ip gwflood {
	chain post {
		type filter hook postrouting priority 0; policy accept;
		ip daddr $2 ip protocol tcp $keep ip saddr set numgen random mod 128 map { ${map%, } }
	}
}
NFT
}

gw_flood_spoof_del() {
	gw_must ip netns exec "$1" nft delete table ip gwflood
}
