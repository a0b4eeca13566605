#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: boot the VM once and measure the chunk heap against the
# mainline "reserved" CMA heap, the "system" heap and the time to zero the
# same bytes. The report goes to the console and to build/bench.md.
#
# The guest has 2 x 1.5 GiB, pre-faulted (prealloc=on), so that the figures
# measure the heaps and not QEMU's first touch of guest memory. The default
# area (320 MiB) is placed on node 0, in its first GiB, so that the NUMA
# row has a remote area to compare with. CHUNK_HEAP_ARCH=arm64 measures the
# arm64 guest (make bench-arm64), into build/bench-arm64.md.
# BENCH_ONLY=pool measures the pool's tables alone (the kernel parameter
# bench_only=pool, which the guest's init sees as $bench_only).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Node 0's memory starts at 0 on x86_64, at 1 GiB on QEMU's arm64 virt.
case $KARCH in
x86_64) area=cma=320M@0-1G; out=bench ;;
arm64) area=cma=320M@1G-2G; out=bench-arm64 ;;
esac
log=$TOP/build/$out.log
VM_NODE_MEM=1536M VM_TIMEOUT=2400 VM_LOG=$log \
	VM_CMDLINE="$area cma_pernuma=64M${BENCH_ONLY:+ bench_only=$BENCH_ONLY}" \
	"$TOP/scripts/vm.sh" bench >/dev/null
grep -q '^chunk_heap: job bench finished' "$log" || die "the benchmark did not finish, see $log"
tr -d '\r' <"$log" | grep -E '^(\||## |# |$)' | cat -s >"$TOP/build/$out.md"
cat "$TOP/build/$out.md"
