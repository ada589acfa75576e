# SPDX-License-Identifier: GPL-2.0
#
# make            build kmod/gatewarden.ko, ctl/gwctl and the netlink
#                 conformance client and fuzzer (tests/conformance)
# make check      lint, unit tests and every guest scenario (one summary line)
# make demo       boot a guest and show the firewall at work
# make lint       checkpatch, sparse, W=1 and shellcheck
# make unit       userspace unit tests of the plain-C core (ASan + UBSan)
# make fuzz       libFuzzer on the core, FUZZ_SECONDS (60) per target
# make bench      benchmarks of the core's hot path (bench/): ratios and
#                 instruction counts, not part of make check
# make vm         guest scenarios only (tests/vm/run; VM_TESTS= to pick some)
# make debug-kernel  build the guest kernel with KASAN, lockdep, kmemleak (cached)
# make check-debug   every guest scenario, soak and fuzz on that kernel
# make check-debug-ci  the sanitizer subset CI runs (tests/vm/debug-ci.list)
# make install    module (via kbuild), gwctl, man page, completion, unit file

# The running kernel may have no build tree (this is so on the CI machines,
# whose own kernel cannot load modules): fall back to the newest installed one.
ifeq ($(KVER),)
KVER := $(shell if [ -d /lib/modules/$$(uname -r)/build ]; then uname -r; \
	else for d in /lib/modules/*/build; do [ -d "$$d" ] && basename "$$(dirname "$$d")"; done | sort -V | tail -n 1; fi)
endif
KDIR ?= /lib/modules/$(KVER)/build
export KVER

PREFIX ?= /usr/local
DESTDIR ?=

KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR)

.PHONY: all module gwctl conformance unit vm check demo lint deps clean install

all: module gwctl conformance

module:
	@test -d "$(KDIR)" || { echo "no kernel build tree at '$(KDIR)' (install linux-headers-amd64 or set KDIR)" >&2; exit 1; }
	$(KBUILD) W=1 modules

gwctl:
	$(MAKE) -C ctl

# the libnl-genl-3 clients tests/vm/netlink_conformance.sh and
# tests/vm/fuzz_netlink.sh run
conformance:
	$(MAKE) -C tests/conformance

unit:
	$(MAKE) -C tests/unit check

.PHONY: fuzz
fuzz: deps
	$(MAKE) -C tests/fuzz run

# Fails on a wrong result only, never on time (bench/README.md).
.PHONY: bench
bench:
	@$(MAKE) --no-print-directory -C bench run

vm: all
	tests/vm/run $(VM_TESTS)

deps:
	scripts/deps.sh

check: deps
	scripts/check.sh

demo: deps all
	tests/vm/run --demo tests/vm/demo.sh

lint: deps
	scripts/lint.sh

.PHONY: debug-kernel check-debug check-debug-ci

debug-kernel: deps
	scripts/debug-kernel.sh

check-debug: deps
	scripts/check-debug.sh

check-debug-ci: deps
	scripts/check-debug.sh --list tests/vm/debug-ci.list

clean:
	-$(KBUILD) clean
	$(MAKE) -C ctl clean
	$(MAKE) -C tests/conformance clean
	$(MAKE) -C tests/unit clean
	$(MAKE) -C tests/fuzz clean
	$(MAKE) -C bench clean
	rm -rf tests/vm/out

install: all
	$(KBUILD) modules_install INSTALL_MOD_PATH=$(DESTDIR)
	$(MAKE) -C ctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
