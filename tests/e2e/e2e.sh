# SPDX-License-Identifier: GPL-2.0
# The end-to-end tests: run in the VM by scripts/vm.sh e2e, after boot with
# two NUMA nodes, a "reserved" CMA area and per-node areas.
. /tests/lib.sh

dmesg -n 1
kmemleak_clear
check "chunk_heap.ko loads" insmod /lib/modules/chunk_heap.ko
check "configfs root exists" test -d "$CFS"

for t in /tests/t_*.sh; do
	echo "# $t"
	. "$t"
done

# Nothing above may have warned, oopsed, leaked a lock or memory.
check_kernel_log
done_testing
