# SPDX-License-Identifier: GPL-2.0
# The end-to-end tests: run in the VM by scripts/vm.sh e2e, after boot with
# two NUMA nodes, a "reserved" CMA area and per-node areas.
. /tests/lib.sh

dmesg -n 1
kmemleak_clear

for t in /tests/t_*.sh; do
	echo "# $t"
	_t0=$(cut -d' ' -f1 /proc/uptime)
	. "$t"
	echo "# ${t##*/} took $(awk -v t0="$_t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
done

# Nothing above may have warned, oopsed, leaked a lock or memory.
check_kernel_log
done_testing
