#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make debug-kernel": the guest kernel of `make check-debug` (KASAN, KFENCE,
# UBSAN, lockdep, kmemleak), built from Debian's linux-source-6.1 as
# `make allnoconfig` with tests/vm/debug.config as KCONFIG_ALLCONFIG: the
# fragment is the whole list of what the guest has.
#
#   scripts/debug-kernel.sh          build unless cached; last line: the tree
#   scripts/debug-kernel.sh --path   print the tree's path, build nothing
#
# The tree lives in a cache folder keyed by the package version and a hash
# of the fragment (and of this recipe), so a changed fragment or a Debian
# update builds afresh and anything else reuses the last build:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/gatewarden/debug-kernel/<version>-<hash>/
# It holds linux-source-6.1/ (bzImage, modules_prepare'd for M= builds,
# with the object files of the kernel itself deleted once linked: a few
# hundred MB instead of a few GB), build.log, kernelrelease, build-seconds
# and a "done" stamp.  About 8 minutes on 2 idle cores.
#
# Environment: GW_DEBUG_KERNEL_CACHE (the folder above, without the key),
# GW_JOBS (make -j, default nproc).
set -eu -o pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
fragment=$ROOT/tests/vm/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
# Raise when the steps below change what gets built.
recipe=2
cache=${GW_DEBUG_KERNEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gatewarden/debug-kernel}
jobs=${GW_JOBS:-$(nproc)}

die() {
	echo "debug-kernel: $*" >&2
	exit 1
}

[ -r "$fragment" ] || die "$fragment missing"
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
	die "linux-source-6.1 is not installed (scripts/deps.sh installs it)"
[ -r "$tarball" ] || die "$tarball missing (reinstall linux-source-6.1)"
hash=$({
	echo "recipe $recipe"
	cat "$fragment"
} | sha256sum | cut -c1-12)
dir=$cache/$version-$hash
tree=$dir/linux-source-6.1

if [ "${1:-}" = --path ]; then
	echo "$tree"
	exit 0
fi
[ $# -eq 0 ] || die "usage: $0 [--path]"

built() { [ -f "$dir/done" ] && [ -s "$tree/arch/x86/boot/bzImage" ]; }

if built; then
	echo "debug-kernel: cached $(cat "$dir/kernelrelease") in ${dir#"$HOME"/}"
	echo "$tree"
	exit 0
fi

for tool in bc flex bison pahole gcc make; do
	command -v "$tool" >/dev/null || die "$tool missing (scripts/deps.sh installs it)"
done
for header in /usr/include/gelf.h /usr/include/openssl/opensslv.h; do
	[ -r "$header" ] || die "$header missing (scripts/deps.sh installs libelf-dev, libssl-dev)"
done

mkdir -p "$dir"
exec 9>"$dir/.lock"
flock -n 9 || {
	echo "debug-kernel: another build of $dir is running; waiting"
	flock 9
}
# The other build may have finished it.
if built; then
	echo "$tree"
	exit 0
fi

log=$dir/build.log
: >"$log"
start=$SECONDS
step() { # NAME CMD...: run quietly into the log; on failure show its tail
	local name=$1
	shift
	printf '==== %s: %s\n' "$name" "$*" >>"$log"
	if ! "$@" >>"$log" 2>&1; then
		echo "debug-kernel: $name failed; last lines of $log:" >&2
		tail -n 40 "$log" | sed 's/^/    /' >&2
		exit 1
	fi
}

# A half-extracted tree (an interrupted run) is thrown away; a half-built
# one is resumed, since make picks up where it stopped.
if [ ! -f "$dir/extracted" ]; then
	echo "debug-kernel: extracting linux-source-6.1 $version"
	rm -rf "$tree"
	step extract tar -C "$dir" -xf "$tarball"
	touch "$dir/extracted"
fi

echo "debug-kernel: configuring (allnoconfig + tests/vm/debug.config)"
cp "$fragment" "$dir/debug.config"
step allnoconfig make -C "$tree" KCONFIG_ALLCONFIG="$dir/debug.config" allnoconfig
step olddefconfig make -C "$tree" olddefconfig

# Every line of the fragment must have survived olddefconfig.
missing=()
while IFS= read -r line; do
	case $line in
	CONFIG_*=*)
		grep -qxF -- "$line" "$tree/.config" || missing+=("$line (have: $(grep -E "^(# )?${line%%=*}[= ]" "$tree/.config" || echo nothing))")
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$tree/.config" || missing+=("$line (have: $(grep "^$opt=" "$tree/.config"))")
		;;
	esac
done <"$fragment"
# Tracing, BPF and kprobes select a Tasks-RCU flavour, and with it the
# PROVE_RCU boot self-test that hung one boot in three.
tasks=$(grep -E '^CONFIG_TASKS_[A-Z_]*RCU=y' "$tree/.config" || true)
[ -z "$tasks" ] || missing+=("no Tasks-RCU flavour (have: ${tasks//$'\n'/ }))")
if [ ${#missing[@]} -gt 0 ]; then
	echo "debug-kernel: tests/vm/debug.config asks for what the final .config lacks:" >&2
	printf '    %s\n' "${missing[@]}" >&2
	exit 1
fi

echo "debug-kernel: building bzImage with -j$jobs (log: $log)"
step build make -C "$tree" -j"$jobs" bzImage modules
step modules_prepare make -C "$tree" modules_prepare
make -s -C "$tree" kernelrelease >"$dir/kernelrelease"
# What an M= build and the guest need: .config, the generated headers,
# Module.symvers, scripts/ and objtool (built tools), the Makefiles and
# headers of the source, and bzImage.  The kernel's own objects are not.
find "$tree" \( -path "$tree/scripts" -o -path "$tree/tools" \) -prune -o \
	-type f \( -name '*.o' -o -name '*.a' -o -name '.tmp_*' \) -print0 | xargs -0r rm -f
rm -f "$tree/vmlinux" "$tree/vmlinux.o" "$tree/arch/x86/boot/compressed/vmlinux" \
	"$tree/arch/x86/boot/compressed/vmlinux.bin"*
echo $((SECONDS - start)) >"$dir/build-seconds"
touch "$dir/done"

# Keep this build and the newest other complete one: older keys and
# abandoned half-builds are dead weight (a few GB each).
for old in "$cache"/*/; do
	old=${old%/}
	if [ "$old" != "$dir" ] && [ ! -f "$old/done" ]; then
		flock -n "$old/.lock" rm -rf "$old" 2>/dev/null || true
	fi
done
find "$cache" -mindepth 2 -maxdepth 2 -name "done" -printf '%T@ %h\n' 2>/dev/null |
	sort -rn | awk 'NR > 2 { print $2 }' | while read -r old; do
	[ "$old" != "$dir" ] && rm -rf "$old"
done

elapsed=$((SECONDS - start))
printf 'debug-kernel: built %s in %dm%02ds\n' "$(cat "$dir/kernelrelease")" \
	$((elapsed / 60)) $((elapsed % 60))
echo "$tree"
