# SPDX-License-Identifier: GPL-2.0
#
# Shadow: build the kernel modules against a pinned Debian kernel (Kbuild
# does the work; see ./Kbuild), and drive the VM-based tests and the demo.
# Run scripts/setup once first. Every variable is listed in README.md.

SHELL := /bin/bash
comma := ,
TOP := $(CURDIR)

export SHADOW_CACHE ?= $(shell source scripts/lib/kernels.sh && echo $$SHADOW_CACHE)

KERNELS := $(shell awk '!/^\#/ && NF { print $$1 }' scripts/kernels.conf)
KVER ?= $(firstword $(KERNELS))
ABI := $(shell source scripts/lib/kernels.sh && kernel_abi $(KVER))
KDIR ?= $(SHADOW_CACHE)/kernels/$(ABI)/usr/src/linux-headers-$(ABI)
BUILD := $(TOP)/build/$(ABI)
VERSION := $(shell git describe --always --dirty --tags 2>/dev/null || echo unknown)
V ?= 0

KNAME := $(shell source scripts/lib/kernels.sh && kernel_name $(KVER))

# Module sources Kbuild sees; mirrored per kernel into $(BUILD) so that the
# objects of different kernels never mix in the source tree. The taps
# generated for this kernel (the committed ones of its series, or its own
# when it is a fallback ABI: kernel_tapdir) go into shadow/taps/ there.
MODULE_SOURCES := Kbuild $(shell find shadow selftests/modules \
	\( -name '*.[ch]' -o -name Kbuild \) 2>/dev/null)
TAPDIR := $(shell source scripts/lib/kernels.sh && kernel_tapdir $(KVER) 2>/dev/null)

KBUILD_ARGS := -C $(KDIR) M=$(BUILD) W=1 V=$(V) SHADOW_VERSION=$(VERSION)

.PHONY: bench all modules tools all-kernels taps taps-check sparse style check soak demo demo-migrate vm-shell install install-boot uninstall dkms-source dkms-install dkms-uninstall deb clean help

all: modules tools

# Userspace: shadowctl and the guest's test programs (build/bin/, which
# the test guest carries).
tools:
	@$(MAKE) --no-print-directory -s -C migrate-agent
	@$(MAKE) --no-print-directory -s -C selftests/tools
	@sed 's/@VERSION@/$(VERSION)/' boot/shadow-boot-config >build/bin/shadow-boot-config
	@chmod 0755 build/bin/shadow-boot-config

modules:
	@test -n "$(ABI)" || { echo "KVER=$(KVER) is not pinned" >&2; exit 1; }
	@test -f $(KDIR)/Makefile || \
		{ echo "no headers at $(KDIR); run scripts/setup" >&2; exit 1; }
	@scripts/regen-taps $(ABI)
	@scripts/lib/mirror-tree $(BUILD) $(MODULE_SOURCES)
	@scripts/lib/mirror-tree --into $(BUILD)/shadow/taps $(TAPDIR)/*.[ch]
	$(MAKE) $(KBUILD_ARGS) modules

all-kernels:
	@set -e; for k in $(KERNELS); do $(MAKE) --no-print-directory KVER=$$k modules; done

# sparse over every file, not only the ones Kbuild rebuilds.
sparse: modules
	$(MAKE) $(KBUILD_ARGS) C=2 modules

# Regenerate every kernel's taps whose inputs changed (-f: all of them), or
# check that the committed ones match a fresh run.
taps:
	@scripts/regen-taps $(if $(FORCE),-f)

taps-check:
	@scripts/regen-taps --check

style:
	@scripts/style

# Every pinned kernel, then the debug lane (scripts/debug-kernel).
check:
	@scripts/check $(KERNELS) $(firstword $(KERNELS))-debug

# N swaps (default 1,000) in one boot under a checked TCP stream across
# four models, on KVER (6.1-debug: the debug kernel); prints its figures.
SOAK_MODELS := e1000 rtl8139 virtio-net-pci e1000e
soak: modules tools
	@scripts/vm -k $(KVER) -t $(or $(SOAK_TIMEOUT),36000) -n $(subst $(eval) ,$(comma),$(SOAK_MODELS)) -- \
		bash /shadow/selftests/run_tests.sh "swap_soak.sh $(or $(N),1000) $(SOAK_MODELS)"

demo: modules tools
	@scripts/demo -k $(KVER)

# migrate-agent end to end: the host test, for one kernel.
demo-migrate: modules tools
	@selftests/host/migrate_qemu.sh $(KVER)

vm-shell: modules tools
	@scripts/vm -k $(KVER) --shell

# Passive mode's cost, measured in a guest (prints figures, asserts nothing).
bench: all
	@scripts/bench-passive -k $(KVER)

# Install for KVER (README "Installing"): shadow.ko through Kbuild's own
# modules_install, given an order file that names it alone (the
# selftests' modules stay in build/), then the tools, man pages, units,
# completions and the boot integration (boot/);
# DESTDIR and PREFIX are honoured, and nothing is written outside
# DESTDIR. Debian's signing key is not shipped with its headers, so the
# module is installed unsigned (sign it with a machine owner key, or use
# DKMS, where Secure Boot needs it). depmod runs only on a real install.
PREFIX ?= /usr/local
INSTALL_MOD_DIR ?= extra
MOD_DEST = $(DESTDIR)/lib/modules/$(ABI)/$(INSTALL_MOD_DIR)
# Boot integration (boot/): initramfs-tools reads hooks from /usr/share
# and /etc only, so a /usr/local install puts its hook into /etc.
HOOKDIR ?= $(if $(filter /usr,$(PREFIX)),/usr/share,/etc)/initramfs-tools/hooks
BOOT_EXAMPLE ?= $(PREFIX)/share/doc/shadow/drivers.example
BOOT_FILES := $(PREFIX)/sbin/shadow-boot-config \
	$(PREFIX)/share/man/man8/shadow-boot-config.8 $(BOOT_EXAMPLE) $(HOOKDIR)/shadow

install: modules tools
	@grep '/shadow/shadow\.k\?o$$' $(BUILD)/modules.order >$(BUILD)/install.order
	$(MAKE) -C $(KDIR) M=$(BUILD) V=$(V) INSTALL_MOD_PATH=$(DESTDIR) \
		INSTALL_MOD_DIR=$(INSTALL_MOD_DIR) MODORDER=$(BUILD)/install.order \
		CONFIG_MODULE_SIG_ALL= modules_install
	@$(MAKE) --no-print-directory -C migrate-agent install DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	@$(MAKE) --no-print-directory install-boot
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(ABI); fi

# The boot integration alone (debian/rules installs it this way too).
install-boot:
	install -d $(DESTDIR)$(PREFIX)/sbin
	sed 's/@VERSION@/$(VERSION)/' boot/shadow-boot-config >$(DESTDIR)$(PREFIX)/sbin/shadow-boot-config
	chmod 0755 $(DESTDIR)$(PREFIX)/sbin/shadow-boot-config
	install -D -m 0644 boot/shadow-boot-config.8 \
		$(DESTDIR)$(PREFIX)/share/man/man8/shadow-boot-config.8
	install -D -m 0644 boot/drivers.example $(DESTDIR)$(BOOT_EXAMPLE)
	install -D -m 0755 boot/initramfs-hook $(DESTDIR)$(HOOKDIR)/shadow

uninstall:
	rm -f $(MOD_DEST)/shadow/shadow.ko $(MOD_DEST)/shadow/shadow.ko.*
	-rmdir $(MOD_DEST)/shadow $(MOD_DEST) 2>/dev/null
	@$(MAKE) --no-print-directory -C migrate-agent uninstall DESTDIR=$(DESTDIR) PREFIX=$(PREFIX)
	rm -f $(BOOT_FILES:%=$(DESTDIR)%)
	-rmdir $(dir $(DESTDIR)$(BOOT_EXAMPLE)) 2>/dev/null
	@if [ -z "$(DESTDIR)" ]; then depmod -a $(ABI); fi

# DKMS (README "Installing"): the module's sources, the committed taps of
# every series and dkms/ assembled into one tree DKMS rebuilds from on
# each kernel update; dkms-install puts it into /usr/src and has DKMS
# build and install it (for DKMS_KERNEL, default the running kernel).
DKMS_SRC ?= $(TOP)/build/dkms-src/shadow-$(VERSION)
DKMS := dkms
DKMS_KERNEL ?=

dkms-source:
	@rm -rf $(DKMS_SRC) && mkdir -p $(DKMS_SRC)
	@cp -r --parents shadow/*.[ch] shadow/Kbuild shadow/uapi taps/gen $(DKMS_SRC)/
	@cp dkms/Kbuild $(DKMS_SRC)/Kbuild
	@sed 's/@VERSION@/$(VERSION)/' dkms/Makefile >$(DKMS_SRC)/Makefile
	@sed 's/@VERSION@/$(VERSION)/' dkms/dkms.conf.in >$(DKMS_SRC)/dkms.conf
	@echo "dkms-source: shadow $(VERSION) in $(DKMS_SRC)"

dkms-install:
	@command -v $(DKMS) >/dev/null || { echo "no dkms: apt-get install dkms" >&2; exit 1; }
	@$(MAKE) --no-print-directory dkms-source DKMS_SRC=/usr/src/shadow-$(VERSION)
	$(DKMS) add -m shadow -v $(VERSION)
	$(DKMS) install -m shadow -v $(VERSION) $(if $(DKMS_KERNEL),-k $(DKMS_KERNEL))

dkms-uninstall:
	$(DKMS) remove -m shadow -v $(VERSION) --all
	rm -rf /usr/src/shadow-$(VERSION)

# Debian packages (debian/): shadow-dkms and shadow-tools, built with
# dpkg-buildpackage from a copy of the files git tracks, into build/deb/,
# then lintian on them (debian/*.lintian-overrides explain what remains).
DEB_DIR := $(TOP)/build/deb
DEB_VERSION := $(shell dpkg-parsechangelog -l debian/changelog -S Version 2>/dev/null)

deb:
	@rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/shadow-$(DEB_VERSION)
	@git ls-files -z | xargs -0 cp -a --parents -t $(DEB_DIR)/shadow-$(DEB_VERSION)
	cd $(DEB_DIR)/shadow-$(DEB_VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on error,warning $(DEB_DIR)/*.changes

clean:
	rm -rf build

help:
	@sed -n '/^| Variable/,/^$$/p' README.md
