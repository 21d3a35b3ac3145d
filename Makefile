# SPDX-License-Identifier: GPL-2.0
#
# pv: top-level targets.  `make help` lists them.
#
# The module is built out of tree against KDIR (default: the pinned Debian
# cloud headers); `make C=2` runs sparse over it.  Our code builds with
# -Werror.

PV_BUILD	?= $(CURDIR)/build
export PV_BUILD
KDIR		?= $(shell bash -c '. scripts/env && echo $$PV_STOCK_KDIR')
DEBUG_KDIR	:= $(PV_BUILD)/host/debug/obj
DEBUG_MOD	:= $(PV_BUILD)/module/debug
KDIR61		:= $(shell bash -c '. scripts/env && echo $$PV_61_KDIR')
MOD61		:= $(PV_BUILD)/module/6.1

# copy_module_sources DIR: one source tree cannot hold two builds of one
# module, so every build but the stock one works from a copy.
copy_module_sources = mkdir -p $(1) && rsync -a --exclude '*.mod.c' --include '*/' \
	--include '*.[chS]' --include Kbuild --exclude '*' Kbuild drivers include $(1)/

all: module pvrun pvctl

help:
	@echo "make            pvhost.ko (against KDIR=$(KDIR)), pvrun and pvctl"
	@echo "make deps       install what pv needs (Debian packages; once)"
	@echo "make guest      the pv guest kernel: build/guest/vmlinux"
	@echo "make rootfs     the default guest initramfs: build/guest/rootfs.cpio"
	@echo "make debug-host the debug host kernel and pvhost.ko for it"
	@echo "make module-6.1 pvhost.ko for Debian 12's 6.1 kernel"
	@echo "make demo       boot the host VM, load pvhost.ko, talk to it"
	@echo "make check      build everything and run every test"
	@echo "make soak       hours of hostile guests and launchers on the debug host"
	@echo "make deb        pv-dkms, pv-tools and pv-guest .debs in build/deb"
	@echo "make bench      pv against native in the host VM: a table of ratios"
	@echo "make unit       userspace unit tests only"
	@echo "make lint       checkpatch --strict and the patches/ drift check"
	@echo "make patches    regenerate patches/ from arch-pv/ and include/pv/"
	@echo "make C=2        ... also run sparse over the module"

deps:
	scripts/deps

module:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

pvrun:
	$(MAKE) -C tools/pvrun

pvctl:
	$(MAKE) -C tools/pvctl

guest:
	scripts/build-guest

rootfs:
	scripts/mkrootfs -o $(PV_BUILD)/guest/rootfs.cpio

# The debug host kernel, then pvhost.ko built against it.
debug-host:
	scripts/build-debug-host
	$(call copy_module_sources,$(DEBUG_MOD))
	$(MAKE) -C $(DEBUG_KDIR) M=$(DEBUG_MOD) modules

# pvhost.ko for Debian 12's other kernel, 6.1 (scripts/hostvm --kernel 6.1).
module-6.1:
	$(call copy_module_sources,$(MOD61))
	$(MAKE) -C $(KDIR61) M=$(MOD61) modules

unit:
	$(MAKE) -C tests/unit
	tests/run --unit-only

lint:
	scripts/lint

patches:
	scripts/gen-patches

demo: deps all guest rootfs
	scripts/demo

check:
	scripts/check

# pv's Debian packages in build/deb (install.rst).
deb: deps guest rootfs
	scripts/make-deb

bench: deps all guest
	scripts/build-guest native
	scripts/bench

# Not part of check: PV_SOAK_SCALE=0.01 for a quick run (hacking.rst).
soak:
	scripts/soak

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools/pvrun clean
	$(MAKE) -C tools/pvctl clean

distclean: clean
	rm -rf $(PV_BUILD)

.PHONY: all help deps deb module module-6.1 pvrun pvctl guest rootfs debug-host unit lint patches bench soak \
	demo check clean distclean
