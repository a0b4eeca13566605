# SPDX-License-Identifier: GPL-2.0
# Loading the module. On a kernel with fault injection, each allocation
# of the module's init is made to fail in turn first (only those under
# do_init_module(): the loader's own are hundreds): the load fails
# cleanly and leaves nothing behind, or it recovers.

if has_faults; then
	faults_on
	sweep "insmod" -s do_init_module insmod /lib/modules/chunk_heap.ko
	faults_off
	check "... and the module is not left loaded" sh -c "! grep -q '^chunk_heap ' /proc/modules"
	check "... nor its configfs root" test ! -e "$CFS"
fi
check "chunk_heap.ko loads" insmod /lib/modules/chunk_heap.ko
check "configfs root exists" test -d "$CFS"
check "chimport.ko, the test importer that vmaps, loads" insmod /lib/modules/chimport.ko
