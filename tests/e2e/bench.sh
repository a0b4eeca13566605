# SPDX-License-Identifier: GPL-2.0
# make bench: every figure in one boot. Lines starting with "| " and "## "
# make up the report (scripts/bench.sh keeps them).
. /tests/lib.sh
dmesg -n 1
insmod /lib/modules/chunk_heap.ko || exit 1
# Heaps of pages, of 64 KiB and of 2 MiB chunks, whatever the page size:
# bench-o0, bench-o4 and bench-o9 with 4 KiB pages.
o64k=$(order_of 65536)
o1m=$(order_of 1048576)
o2m=$(order_of 2097152)
for o in 0 $o64k $o2m; do
	mkheap bench-o$o reserved $o
done
heaps="bench-o0 bench-o$o64k bench-o$o2m"
echo "# page size $PAGE_SIZE, $(uname -m)"

echo "## Idle areas: allocation time, median of 7 runs after a warm-up"
echo
chbench idle 7 $heaps reserved system
echo

echo "## Mapping: mmap a buffer and write to every page once, median of 7 runs"
echo
chbench map 7 $heaps reserved system
echo

# Shared areas: chbench runs chload in the background, which fills RAM
# with anonymous memory; the page allocator puts part of it in the CMA
# areas, as on a busy system.
echo "## Busy area: RAM filled with anonymous memory first"
echo
chbench busy 95 $heaps reserved system
echo
echo "## Pinned area: one page every 16 MiB held by an unprivileged process"
echo
chbench pinned 95 16 3 $heaps reserved system
echo

echo "## Fragmented: every other 64 KiB chunk of reserved held"
echo
mkheap bench-fill0 reserved $o64k
chbench frag 0 bench-o$o64k bench-o0 bench-o$o2m reserved
echo
echo "## Fragmented: every other 1 MiB of reserved held"
echo
mkheap bench-fill4 reserved $o1m
chbench frag 4 bench-o$o64k bench-o0 bench-o$o2m reserved
echo

echo "## NUMA: 24 MiB allocated by a task on node 1 (CPU 1); the heap's area is on node 0"
echo
echo "| heap | policy | size | on node 1 | median ms |"
echo "|---|---|---|---|---|"
mkheap bench-numa reserved $o64k
for p in off local; do
	echo $p >"$CFS/bench-numa/numa_policy"
	chbench numa bench-numa 24 $p
done
echo "reserved: $(sys_areas | grep '^reserved')" | sed 's/^/# /'

# The pool (pool_bytes): a heap of 64 KiB chunks that keeps 95 MiB ready,
# against the same heap without one and the mainline CMA heap.
mkheap bench-pool reserved $o64k
echo $((95 << 20)) >"$CFS/bench-pool/pool_bytes"
echo
echo "## Pool, busy area: the first buffer after chload filled RAM, once the pool has refilled"
echo
chbench pool-busy 24 bench-pool bench-o$o64k reserved
echo
chbench pool-busy 95 bench-pool bench-o$o64k reserved
echo
echo "## Pool, steady state: 24 MiB allocated and freed 30 times a second for 10 s"
echo
chbench steady 24 30 10 bench-pool bench-o$o64k reserved
echo
echo "## Pool, refill: a burst takes the whole pool and holds it"
echo
chbench refill 24 bench-pool
echo
echo "## Pool, memory pressure: RAM filled with anonymous memory, 4 MiB at a time"
echo
chbench pressure bench-pool
