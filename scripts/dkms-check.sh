#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the module the way a distribution user gets it: dkms add + build
# against the installed headers, then check the result is a loadable-looking
# gatewarden.ko for that kernel.  Removes what it added.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
NAME=gatewarden
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$ROOT/dkms.conf")
KVER=${KVER:-$(for d in /lib/modules/*/build; do [ -d "$d" ] && basename "$(dirname "$d")"; done | sort -V | tail -n 1)}
SRC=/usr/src/$NAME-$VERSION

cleanup() {
	dkms remove -m "$NAME" -v "$VERSION" --all >/dev/null 2>&1 || true
	rm -rf "$SRC"
}
trap cleanup EXIT
cleanup

mkdir -p "$SRC"
# the tree dkms gets is what a release tarball holds: sources, no build output
git -C "$ROOT" ls-files -z | (cd "$ROOT" && xargs -0 cp --parents -t "$SRC")
dkms add -m "$NAME" -v "$VERSION"
dkms build -m "$NAME" -v "$VERSION" -k "$KVER"
KO=$(find "/var/lib/dkms/$NAME/$VERSION/$KVER" -name "$NAME.ko*" | head -n 1)
[ -n "$KO" ] || { echo "dkms built no $NAME.ko" >&2; exit 1; }
modinfo "$KO" | grep -q "^vermagic: *$KVER " || { echo "$KO: wrong vermagic" >&2; modinfo "$KO" >&2; exit 1; }
echo "dkms: built $KO for $KVER"
