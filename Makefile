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
# make bench-kernel  the packet path in a guest kernel: no firewall,
#                 nftables + conntrack, gatewarden (bench/kernel.sh)
# make vm         guest scenarios only (tests/vm/run; VM_TESTS= to pick some)
# make debug-kernel  build the guest kernel with KASAN, lockdep, kmemleak (cached)
# make check-debug   every guest scenario, soak and fuzz on that kernel
# make check-debug-ci  the sanitizer subset CI runs (tests/vm/debug-ci.list)
# make load       load the built module and what it needs (ARGS="wan=eth0")
# make install    module, gwctl, man pages, completion, gatewarden.service,
#                 /etc/gatewarden/gatewarden.rules (DESTDIR=, PREFIX=)
# make uninstall  remove what make install put, except /etc

# The kernel release and its build tree are looked up when a recipe first
# needs them, never while this file is parsed: on a fresh machine the
# headers only exist once "deps" has run, and "make demo" runs deps first.
# (KVER=... or KDIR=... on the command line or in the environment win.)
KVER ?= $(eval KVER := $$(shell $(CURDIR)/scripts/kver.sh))$(KVER)
KDIR ?= /lib/modules/$(KVER)/build

PREFIX ?= /usr/local
DESTDIR ?=
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSCONFDIR ?= /etc
MODDIR = /lib/modules/$(KVER)/updates

KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR)
KO = kmod/gatewarden.ko

# the demo scenario (make demo DEMO=... runs another one live)
DEMO ?= tests/vm/demo.sh

.PHONY: all module gwctl conformance unit vm check demo lint deps clean \
	load install uninstall

all: module gwctl conformance

module:
	@test -n "$(KVER)" && test -d "$(KDIR)" || { echo "no kernel build tree at '$(KDIR)' (run make deps, install linux-headers-amd64 or set KDIR)" >&2; exit 1; }
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

# One guest under -icount (instructions, not time): bench/results/kernel-latest.*
# Fails on a broken run only, never on a figure (bench/README.md).
.PHONY: bench-kernel
bench-kernel: deps
	$(MAKE) all
	bench/kernel.sh

vm: all
	tests/vm/run $(VM_TESTS)

deps:
	scripts/deps.sh

check: deps
	scripts/check.sh

# deps first, then a new make for the build: nothing that deps installs is
# looked at before it ran (and make -j cannot build alongside it).
demo: deps
	$(MAKE) all
	tests/vm/run --demo $(DEMO)

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

# insmod does not load what the module needs (nf_defrag_ipv4/6,
# nf_reject_ipv4/6): modprobe those first.  For a build tree; once
# installed, "modprobe gatewarden" does both.  make load ARGS="wan=eth0"
load: module
	@built=$$(modinfo -F vermagic $(KO) | cut -d' ' -f1); \
	[ "$$built" = "$$(uname -r)" ] || { echo "$(KO) is built for $$built, this host runs $$(uname -r)" >&2; exit 1; }
	for dep in $$(modinfo -F depends $(KO) | tr ',' ' '); do modprobe "$$dep" || exit 1; done
	insmod $(KO) $(ARGS)

# make install [DESTDIR=...] [PREFIX=/usr/local]: the module into
# /lib/modules/KVER/updates (depmod, unless DESTDIR is set), gwctl, the man
# pages, the bash completion, gatewarden.service and its environment file,
# and /etc/gatewarden/gatewarden.rules from rules/gateway.rules unless one
# exists.  Nothing is enabled or loaded: see README, "Boot".
install: module gwctl
	$(MAKE) install-module install-tools

# The parts alone, without building (scripts/dkms-check.sh installs the
# tools next to a DKMS-built module).
.PHONY: install-module install-tools
install-module:
	install -D -m 0644 $(KO) $(DESTDIR)$(MODDIR)/gatewarden.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)

install-tools:
	$(MAKE) -C ctl install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) \
		MANDIR=$(MANDIR) COMPLETIONDIR=$(COMPLETIONDIR)
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|@SBINDIR@|$(SBINDIR)|g; s|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/gatewarden.service.in >$(DESTDIR)$(UNITDIR)/gatewarden.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/gatewarden.service
	install -d -m 0755 $(DESTDIR)$(SYSCONFDIR)/gatewarden $(DESTDIR)$(SYSCONFDIR)/default
	[ -e $(DESTDIR)$(SYSCONFDIR)/gatewarden/gatewarden.rules ] || \
		install -m 0600 rules/gateway.rules $(DESTDIR)$(SYSCONFDIR)/gatewarden/gatewarden.rules
	[ -e $(DESTDIR)$(SYSCONFDIR)/default/gatewarden ] || \
		install -m 0644 dist/gatewarden.default $(DESTDIR)$(SYSCONFDIR)/default/gatewarden

# Leaves /etc/gatewarden and /etc/default/gatewarden (the admin's) and a
# loaded module alone.  An enabled unit is disabled first, so that no link
# in /etc/systemd/system points at the removed file (systemctl --root into
# a DESTDIR).
uninstall:
	rm -f $(DESTDIR)$(MODDIR)/gatewarden.ko
	[ -n "$(DESTDIR)" ] || depmod -a $(KVER)
	$(MAKE) -C ctl uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX) SBINDIR=$(SBINDIR) \
		MANDIR=$(MANDIR) COMPLETIONDIR=$(COMPLETIONDIR)
	[ ! -e $(DESTDIR)$(UNITDIR)/gatewarden.service ] || ! command -v systemctl >/dev/null || \
		systemctl $(if $(DESTDIR),--root=$(DESTDIR)) --quiet disable gatewarden.service
	rm -f $(DESTDIR)$(UNITDIR)/gatewarden.service
	[ -n "$(DESTDIR)" ] || [ ! -d /run/systemd/system ] || systemctl daemon-reload
