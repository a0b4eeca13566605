# SPDX-License-Identifier: GPL-2.0
# The KUnit suites on the sanitizer kernel: scripts/vm.sh kunit boots it
# with chunk_heap.ko and the suites' module, chunk_heap_test.ko, whose
# suites run when it loads and print KTAP to the console
# (scripts/check.sh parses it with kunit.py).
# Then the kernel log must hold no report, and kmemleak suspect nothing.
. /tests/lib.sh

kmemleak_clear
insmod /lib/modules/chunk_heap.ko
insmod /lib/modules/chunk_heap_test.ko
dmesg -n 1
check_kernel_log >/tmp/verdict.txt
sed 's/^/chunk_heap: kunit job: /' /tmp/verdict.txt
