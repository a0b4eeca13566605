# SPDX-License-Identifier: GPL-2.0
#
# chunk_heap: build the module out of tree, and run the demo and the tests.
#
#   make                 chunk_heap.ko against KDIR (default: the test kernel
#                        that "make kernel" builds), and heapctl
#   make KDIR=/lib/modules/$(uname -r)/build
#                        against your own kernel (it needs patches/6.12/)
#   make demo            boot the test kernel in QEMU and show a heap at work
#   make check           every test: heapctl, KUnit (kunit.py), QEMU end to end
#   make bench           the benchmark table, measured in one boot
#   make kunit           the KUnit suites only
#   make kernel          the patched 6.12 test kernel, cached in
#                        $(CHUNK_HEAP_CACHE) (default ~/.cache/chunk_heap)

CHUNK_HEAP_CACHE ?= $(HOME)/.cache/chunk_heap
export CHUNK_HEAP_CACHE
KDIR ?= $(CHUNK_HEAP_CACHE)/build/vm
BUILD := $(CURDIR)/build
MODSRC := Kbuild $(shell find src kunit -name '*.[ch]')

all: module heapctl

# Built in a copy, so that the tree stays clean for the in-tree overlay
# that kunit.py builds from.
module: $(BUILD)/module/chunk_heap.ko

$(BUILD)/module/chunk_heap.ko: $(MODSRC)
	@mkdir -p $(BUILD)/module
	rsync -a -m --delete --exclude=/build --exclude=/tools --exclude=/.git \
		--include='*/' --include=Kbuild --include='*.[ch]' --exclude='*' \
		./ $(BUILD)/module/
	$(MAKE) -C $(KDIR) M=$(BUILD)/module CONFIG_DMABUF_HEAPS_CHUNK=m modules

heapctl:
	$(MAKE) -C tools/heapctl O=$(BUILD)/heapctl

probes:
	$(MAKE) -C tests/probe O=$(BUILD)/probe

deps:
	scripts/deps.sh

kernel: deps
	scripts/kernel.sh vm

demo: kernel
	$(MAKE) all probes
	scripts/vm.sh demo

check: kernel
	$(MAKE) all probes
	scripts/check.sh

bench: kernel
	$(MAKE) all probes
	scripts/bench.sh

kunit: deps
	scripts/kunit.sh

clean:
	rm -rf $(BUILD)

.PHONY: all module heapctl probes deps kernel demo check bench kunit clean
