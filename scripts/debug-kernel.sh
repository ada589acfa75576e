#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "make debug-kernel": the guest kernel of `make check-debug` (KASAN, KFENCE,
# UBSAN, lockdep, kmemleak), built from Debian's linux-source-6.1 with
# x86_64_defconfig + kvm_guest.config + tests/vm/debug.config.
#
#   scripts/debug-kernel.sh          build unless cached; last line: the tree
#   scripts/debug-kernel.sh --path   print the tree's path, build nothing
#
# The tree lives in a cache folder keyed by the package version and a hash
# of the fragment (and of this recipe), so a changed fragment or a Debian
# update builds afresh and anything else reuses the last build:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/gatewarden/debug-kernel/<version>-<hash>/
# It holds linux-source-6.1/ (bzImage, modules_prepare'd for M= builds),
# build.log, kernelrelease and a "done" stamp.  About 13 minutes on 2 cores.
#
# Environment: GW_DEBUG_KERNEL_CACHE (the folder above, without the key),
# GW_JOBS (make -j, default nproc).
set -eu -o pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "$0")/.." && pwd -P)
fragment=$ROOT/tests/vm/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
# Raise when the steps below change what gets built.
recipe=1
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

echo "debug-kernel: configuring (x86_64_defconfig + kvm_guest.config + tests/vm/debug.config)"
cp "$fragment" "$dir/debug.config"
step defconfig make -C "$tree" x86_64_defconfig kvm_guest.config
step merge "$tree/scripts/kconfig/merge_config.sh" -m -O "$tree" "$tree/.config" "$dir/debug.config"
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
if [ ${#missing[@]} -gt 0 ]; then
	echo "debug-kernel: tests/vm/debug.config asks for what the final .config lacks:" >&2
	printf '    %s\n' "${missing[@]}" >&2
	exit 1
fi

echo "debug-kernel: building bzImage with -j$jobs (log: $log)"
step build make -C "$tree" -j"$jobs" bzImage modules
step modules_prepare make -C "$tree" modules_prepare
make -s -C "$tree" kernelrelease >"$dir/kernelrelease"
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
