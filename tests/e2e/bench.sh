# SPDX-License-Identifier: GPL-2.0
# make bench: every figure in one boot. Lines starting with "| " and "## "
# make up the report (scripts/bench.sh keeps them).
. /tests/lib.sh
dmesg -n 1
insmod /lib/modules/chunk_heap.ko || exit 1
for o in 0 4 9; do
	mkheap bench-o$o reserved $o
done

echo "## Idle areas: allocation time, median of 7 runs after a warm-up"
echo
chbench idle 7 bench-o0 bench-o4 bench-o9 reserved system
echo

# Shared areas: chbench runs chload in the background, which fills RAM
# with anonymous memory; the page allocator puts part of it in the CMA
# areas, as on a busy system.
echo "## Busy area: RAM filled with anonymous memory first"
echo
chbench busy 95 bench-o0 bench-o4 bench-o9 reserved system
echo
echo "## Pinned area: one page every 16 MiB held by an unprivileged process"
echo
chbench pinned 95 16 3 bench-o0 bench-o4 bench-o9 reserved system
echo

echo "## Fragmented: every other 64 KiB chunk of reserved held"
echo
mkheap bench-fill0 reserved 4
chbench frag 0 bench-o4 bench-o0 bench-o9 reserved
echo
echo "## Fragmented: every other 1 MiB of reserved held"
echo
mkheap bench-fill4 reserved 8
chbench frag 4 bench-o4 bench-o0 bench-o9 reserved
echo

echo "## NUMA: 24 MiB allocated by a task on node 1 (CPU 1); the heap's area is on node 0"
echo
echo "| heap | policy | size | on node 1 | median ms |"
echo "|---|---|---|---|---|"
mkheap bench-numa reserved 4
for p in off local; do
	echo $p >"$CFS/bench-numa/numa_policy"
	chbench numa bench-numa 24 $p
done
echo "reserved: $(sys_areas | grep '^reserved')" | sed 's/^/# /'
