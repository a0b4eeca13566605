# SPDX-License-Identifier: GPL-2.0
#
# chunk_heap: build the module out of tree, and run the demo and the tests.
#
#   make                 chunk_heap.ko against KDIR, and heapctl; KDIR is
#                        the test kernel once "make kernel" built it, else
#                        the running kernel's headers
#   make KDIR=/lib/modules/$(uname -r)/build
#                        against your own kernel (stock 7.1 or later, or
#                        6.1, 6.12 or 7.3 with patches/<version>/; x86_64
#                        or arm64)
#   make demo            boot the test kernel in QEMU and show a heap at work
#   make check           every kernel first (make kunit-kernels), then every
#                        test: heapctl, KUnit (kunit.py), QEMU end to end
#                        on x86_64 6.12, 6.1, 7.3 and arm64, the stock 7.3
#                        guest, and again on the sanitizer kernel
#   make stock           Debian 13 on Debian's stock 7.3, installing the
#                        packages (DKMS builds the module in the guest)
#   make bench           the benchmark table, measured in one boot
#   make bench-arm64     the same on the arm64 guest
#   make kunit           the KUnit suites only
#   make kernel          the patched 6.12 test kernel, cached in
#                        $(CHUNK_HEAP_CACHE) (default ~/.cache/chunk_heap)

CHUNK_HEAP_CACHE ?= $(HOME)/.cache/chunk_heap
export CHUNK_HEAP_CACHE
# The test kernel if it is built, else the running kernel's headers.
RUNNING_KDIR ?= /lib/modules/$(shell uname -r)/build
ifeq ($(origin KDIR),undefined)
KDIR := $(if $(wildcard $(CHUNK_HEAP_CACHE)/build/vm/Module.symvers),$(CHUNK_HEAP_CACHE)/build/vm,$(RUNNING_KDIR))
endif
KDIR_SAN := $(CHUNK_HEAP_CACHE)/build/san
# The other configurations of the test matrix (scripts/common.sh).
KDIR_61 := $(CHUNK_HEAP_CACHE)/build/vm-x86_64-6.1-4k
KDIR_73 := $(CHUNK_HEAP_CACHE)/build/vm-x86_64-7.3-4k
KDIR_ARM64 := $(CHUNK_HEAP_CACHE)/build/vm-arm64-6.12-4k
# make check builds the test matrix's modules with ccache, as its kernels
# were built (MODCC), in the cache's ccache directory, so that emptying
# $(CHUNK_HEAP_CACHE) starts from cold; a user's own kernel keeps its own
# compiler.
MODCC ?=
ifneq ($(MODCC),)
export CCACHE_DIR ?= $(CHUNK_HEAP_CACHE)/ccache
endif
ARM64 := ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- $(if $(MODCC),CC="ccache aarch64-linux-gnu-gcc")
BUILD := $(CURDIR)/build
MODSRC := Kbuild $(shell find src kunit -name '*.[ch]')

all: module heapctl

# Built in a copy, so that the tree stays clean for the in-tree overlay
# that kunit.py builds from. $(call build_module,DIR,KDIR[,FLAGS])
define build_module
	@mkdir -p $(1)
	rsync -a -m --delete --exclude=/build --exclude=/tools --exclude=/.git \
		--include='*/' --include=Kbuild --include='*.[ch]' --exclude='*' \
		./ $(1)/
	$(MAKE) -C $(2) M=$(1) CONFIG_DMABUF_HEAPS_CHUNK=m $(MODCC) $(3) modules
endef

module: $(BUILD)/module/chunk_heap.ko

$(BUILD)/module/chunk_heap.ko: $(MODSRC)
	$(if $(wildcard $(KDIR)/Makefile),,$(error no kernel tree at $(KDIR): install linux-headers-$(shell uname -r), pass KDIR=<kernel build dir>, or run 'make kernel' for the test kernel))
	$(call build_module,$(BUILD)/module,$(KDIR))

# For the sanitizer kernel: the module, and the module with the KUnit
# suites, which run when it is loaded.
module-san: $(BUILD)/module-san/chunk_heap.ko $(BUILD)/module-san-kunit/chunk_heap.ko \
	$(BUILD)/kmod-san/chimport.ko

$(BUILD)/module-san/chunk_heap.ko: $(MODSRC)
	$(call build_module,$(BUILD)/module-san,$(KDIR_SAN))

$(BUILD)/module-san-kunit/chunk_heap.ko: $(MODSRC)
	$(call build_module,$(BUILD)/module-san-kunit,$(KDIR_SAN),CONFIG_DMABUF_HEAPS_CHUNK_KUNIT_TEST=m)

# For 6.1: the module and the importer.
module-6.1: $(BUILD)/module-6.1/chunk_heap.ko $(BUILD)/kmod-6.1/chimport.ko

$(BUILD)/module-6.1/chunk_heap.ko: $(MODSRC)
	$(call build_module,$(BUILD)/module-6.1,$(KDIR_61))

# For 7.3: the module and the importer.
module-7.3: $(BUILD)/module-7.3/chunk_heap.ko $(BUILD)/kmod-7.3/chimport.ko

$(BUILD)/module-7.3/chunk_heap.ko: $(MODSRC)
	$(call build_module,$(BUILD)/module-7.3,$(KDIR_73))

# For arm64, cross-built: the module and the importer, and the static
# programs the VM runs.
arm64: $(BUILD)/module-arm64/chunk_heap.ko $(BUILD)/kmod-arm64/chimport.ko
	$(MAKE) -C tools/heapctl O=$(BUILD)/heapctl-arm64 CC=aarch64-linux-gnu-gcc
	$(MAKE) -C tests/probe O=$(BUILD)/probe-arm64 CC=aarch64-linux-gnu-gcc

$(BUILD)/module-arm64/chunk_heap.ko: $(MODSRC)
	$(call build_module,$(BUILD)/module-arm64,$(KDIR_ARM64),$(ARM64))

heapctl:
	$(MAKE) -C tools/heapctl O=$(BUILD)/heapctl

# The probes, and chimport.ko, a test importer that vmaps buffers.
# $(call build_kmod,DIR,KDIR[,FLAGS])
define build_kmod
	@mkdir -p $(1)
	cp tests/kmod/Kbuild tests/kmod/chimport.c src/compat.h $(1)/
	$(MAKE) -C $(2) M=$(1) $(MODCC) $(3) modules
endef

probes: $(BUILD)/kmod/chimport.ko
	$(MAKE) -C tests/probe O=$(BUILD)/probe

$(BUILD)/kmod/chimport.ko: tests/kmod/Kbuild tests/kmod/chimport.c src/compat.h
	$(call build_kmod,$(BUILD)/kmod,$(KDIR))

$(BUILD)/kmod-san/chimport.ko: tests/kmod/Kbuild tests/kmod/chimport.c src/compat.h
	$(call build_kmod,$(BUILD)/kmod-san,$(KDIR_SAN))

$(BUILD)/kmod-6.1/chimport.ko: tests/kmod/Kbuild tests/kmod/chimport.c src/compat.h
	$(call build_kmod,$(BUILD)/kmod-6.1,$(KDIR_61))

$(BUILD)/kmod-7.3/chimport.ko: tests/kmod/Kbuild tests/kmod/chimport.c src/compat.h
	$(call build_kmod,$(BUILD)/kmod-7.3,$(KDIR_73))

$(BUILD)/kmod-arm64/chimport.ko: tests/kmod/Kbuild tests/kmod/chimport.c src/compat.h
	$(call build_kmod,$(BUILD)/kmod-arm64,$(KDIR_ARM64),$(ARM64))

# heapctl and its files (PREFIX, DESTDIR), and the module into
# /lib/modules/<release>/updates of KDIR's kernel (INSTALL_MOD_PATH).
install:
	$(MAKE) -C tools/heapctl O=$(BUILD)/heapctl install

modules_install: module
	$(MAKE) -C $(KDIR) M=$(BUILD)/module INSTALL_MOD_DIR=updates modules_install

# build/deb/: chunk-heap-dkms and heapctl, checked with lintian.
deb:
	scripts/deb.sh

deps:
	scripts/deps.sh

kernel: deps
	scripts/kernel.sh vm

# One after the other, never two at once: two kernel builds would share
# two cores.
kernel-san: kernel
	scripts/kernel.sh san

kernel-6.1: kernel-san
	CHUNK_HEAP_KVER=6.1 scripts/kernel.sh vm

kernel-arm64: kernel-6.1
	CHUNK_HEAP_ARCH=arm64 scripts/kernel.sh vm

kernel-7.3: kernel-arm64
	CHUNK_HEAP_KVER=7.3 scripts/kernel.sh vm

demo: kernel
	$(MAKE) all probes
	scripts/vm.sh demo

# Every kernel of the matrix: the VM kernels, then kunit.py's.
kunit-kernels: kernel-7.3
	scripts/kunit.sh build-all

# The VM kernels first, and beside them the guests' images and 7.3's
# source: mostly downloads, which leave the compilers their cores. A
# failure there shows again when check.sh needs what failed. check.sh
# brings kunit.py's kernels up to date beside the tests.
check: deps
	@echo "==> [$$(date +%T)] make check: the kernels, then the modules" >&2
	@mkdir -p $(BUILD)/logs
	{ scripts/fetch.sh linux-source-7.3 && scripts/guest.sh rootfs && \
		scripts/stock.sh rootfs; } >$(BUILD)/logs/images.log 2>&1 & \
	$(MAKE) kernel-7.3; rc=$$?; \
	wait $$! || echo "making the guests' images failed: $(BUILD)/logs/images.log"; \
	exit $$rc
	$(MAKE) -j$(shell nproc) MODCC='CC=ccache\ gcc' all probes module-san module-6.1 module-7.3 arm64
	scripts/check.sh

# The stock guest alone: Debian 13 on Debian's own 7.3 kernel, where apt
# installs build/deb/ and DKMS builds the module (scripts/stock.sh).
stock: heapctl deb
	@mkdir -p $(BUILD)/logs
	scripts/stock.sh run $(BUILD)/logs/stock.log
	@tr -d '\r' <$(BUILD)/logs/stock.log | grep -aE '^not ok|^1\.\.|stock guest'

bench: kernel
	$(MAKE) all probes
	scripts/bench.sh

bench-arm64:
	CHUNK_HEAP_ARCH=arm64 scripts/kernel.sh vm
	$(MAKE) arm64
	CHUNK_HEAP_ARCH=arm64 scripts/bench.sh

kunit: deps
	scripts/kunit.sh

clean:
	rm -rf $(BUILD)

.PHONY: all module module-san module-6.1 module-7.3 arm64 kernel-6.1 kernel-arm64 \
	kernel-7.3 heapctl probes install modules_install deb deps kernel kernel-san demo check stock \
	bench bench-arm64 kunit kunit-kernels clean
