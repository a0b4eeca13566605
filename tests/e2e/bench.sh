# SPDX-License-Identifier: GPL-2.0
# make bench: every figure in one boot. Lines starting with "| " and "## "
# make up the report (scripts/bench.sh keeps them).
#
# BENCH_ONLY=pool make bench runs the pool's tables alone: scripts/bench.sh
# puts bench_only=pool on the kernel command line, and the kernel hands
# that parameter, which it does not know, to init as $bench_only.
. /tests/lib.sh
case ${bench_only:-} in
'' | pool) ;;
*) echo "# bench_only=$bench_only: unknown (only \"pool\")"; exit 1 ;;
esac
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

if [ -z "${bench_only:-}" ]; then
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
	echo
else
	echo "# bench_only=pool: the pool's tables alone"
	echo
fi

# The pool (pool_bytes): a heap of 64 KiB chunks on reserved (node 0)
# that keeps 100 MiB ready, with a floor of 96 MiB that reclaim leaves it
# (pool_min_bytes), against the same heap without one and the mainline
# CMA heap.
mkheap bench-pool reserved $o64k
echo $((100 << 20)) >"$CFS/bench-pool/pool_bytes"
echo $((96 << 20)) >"$CFS/bench-pool/pool_min_bytes"
echo "## Pool, busy area: the first buffer after chload filled RAM, once the pool has refilled"
echo
chbench pool-busy 24 bench-pool bench-o$o64k reserved
echo
chbench pool-busy 95 bench-pool bench-o$o64k reserved
echo
# The pool's worker zeroes on a CPU of its area's node; in this guest node
# 0 has one CPU, which a stream running there shares with the worker.
echo "## Pool, steady state: 24 MiB allocated and freed 30 times a second for 10 s, on CPU 1 (node 1)"
echo
taskset 2 chbench steady 24 30 10 bench-pool bench-o$o64k reserved
echo
echo "## Pool, steady state, as above on CPU 0: node 0's only CPU, where the pool's worker zeroes"
echo
taskset 1 chbench steady 24 30 10 bench-pool bench-o$o64k reserved
echo
echo "## Pool, pressure on its node: a process on node 0 fills RAM 256 MiB past the node's free memory; 95 MiB allocated every 128 MiB and right after"
echo
chbench nodepress 0 95 bench-pool bench-o$o64k reserved
echo
echo "## Pool, pressure on the other node: the same fill from node 1"
echo
chbench nodepress 1 95 bench-pool bench-o$o64k reserved
echo
echo "## Pool, refill interference: 1 MiB from reserved while the pool refills 100 MiB on a busy area"
echo
chbench refill-interfere 100 bench-pool
echo
echo "## Pool, refill: a burst takes the whole pool and holds it"
echo
chbench refill 24 bench-pool
echo
# Reclaim of the whole machine, floor or none, is t_45_pool's: here, where
# the fill stops short of the OOM killer by a few MiB, it was not reliable.
echo "# OOM killer runs in this boot: $(dmesg | grep -c 'invoked oom-killer')"
dmesg | grep -E 'invoked oom-killer|Killed process|cma_alloc|alloc failed' | head -n 20 |
	sed 's/^/# dmesg: /'
