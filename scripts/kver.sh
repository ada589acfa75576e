#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Prints the kernel release the module is built for: the running kernel's
# when it has a build tree, else the newest /lib/modules/*/build (the CI
# machines run a kernel that has none and cannot load modules).  Prints
# nothing when no build tree is installed.  The Makefile asks this only
# inside recipes, after "deps" has installed the headers.
uname=$(uname -r)
if [ -d "/lib/modules/$uname/build" ]; then
	echo "$uname"
	exit 0
fi
for d in /lib/modules/*/build; do
	[ -d "$d" ] && basename "$(dirname "$d")"
done | sort -V | tail -n 1
