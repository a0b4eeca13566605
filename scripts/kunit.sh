#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites with kunit.py on the patched 6.12 source, through
# the in-tree overlay (drivers/dma-buf/heaps/chunk_heap -> this tree).
# The guest has two NUMA nodes with one CPU each, a 64 MiB default CMA
# area and a 16 MiB area per node. Extra arguments go to kunit.py, e.g.
#   scripts/kunit.sh --raw_output
set -euo pipefail
. "$(dirname "$0")/common.sh"

"$TOP/scripts/kernel.sh" prepare
mkdir -p "$KBUILD_KUNIT"
cd "$KSRC"
exec python3 tools/testing/kunit/kunit.py run --arch=x86_64 \
	--build_dir="$KBUILD_KUNIT" --jobs="$JOBS" --timeout=300 \
	--kunitconfig="$TOP/kernel/chunk_heap.config" \
	--kunitconfig="$TOP/kunit" \
	--make_options "CC=$KCC" \
	--kernel_args "cma=64M" --kernel_args "cma_pernuma=16M" \
	--kernel_args "panic=-1" \
	--qemu_args "-smp 2,sockets=2,cores=1,threads=1" \
	--qemu_args "-object memory-backend-ram,id=m0,size=512M" \
	--qemu_args "-object memory-backend-ram,id=m1,size=512M" \
	--qemu_args "-numa node,nodeid=0,cpus=0,memdev=m0" \
	--qemu_args "-numa node,nodeid=1,cpus=1,memdev=m1" \
	"$@"
