# SPDX-License-Identifier: GPL-2.0
# The end-to-end tests: run in the VM by scripts/vm.sh e2e, after boot with
# two NUMA nodes, a "reserved" CMA area and per-node areas. With
# arguments (vm.sh e2e t_45_pool ...), only the load and those tests.
. /tests/lib.sh

dmesg -n 1
kmemleak_clear

tests=/tests/t_*.sh
if [ $# -gt 0 ]; then
	tests=/tests/t_00_load.sh
	for t in "$@"; do
		tests="$tests /tests/${t%.sh}.sh"
	done
fi
for t in $tests; do
	# heapctl's tests drive the configfs and ioctl paths of t_20 to t_50
	# again, through a program the sanitizer does not look into, and the
	# placement tests check which area each chunk came from, arithmetic
	# that the four test kernels check and whose policy flips the stress
	# job races on the sanitizer kernel too: they run on the test
	# kernels only, which keeps the sanitizer run, the last of make
	# check, short (t_40 took 31 to 38 s there).
	case ${t##*/} in
	t_40_numa.sh | t_60_heapctl.sh)
		if has_faults; then
			echo "# $t: on the test kernels only"
			continue
		fi
		;;
	esac
	echo "# $t"
	_t0=$(cut -d' ' -f1 /proc/uptime)
	. "$t"
	echo "# ${t##*/} took $(awk -v t0="$_t0" '{ printf "%.1f", $1 - t0 }' /proc/uptime) s"
done

# Nothing above may have warned, oopsed, leaked a lock or memory.
check_kernel_log
done_testing
