# SPDX-License-Identifier: GPL-2.0
# Loading the module. On a kernel with fault injection, each allocation
# of the module's init is made to fail in turn first (only those under
# do_init_module(): the loader's own are hundreds): the load fails
# cleanly and leaves nothing behind, or it recovers.

# init_sites_missed: the sites of the init functions (site_ops: insmod)
# that no failure has been attributed to yet.
init_sites_missed() {
	while read -r _s _callee; do
		[ "$(site_ops "$_s")" = insmod ] && ! grep -qx "# fault-site $_s" /tmp/sites.hit &&
			echo "$_s"
	done </tests/fault-sites.txt
}

if has_faults; then
	: >>/tmp/sites.hit
	faults_on
	# The n-th allocation is not always the same one: the kernel's own
	# debug pools refill now and then, in the loading task. A sweep
	# that missed a site of init is repeated, twice at most.
	for _try in 1 2 3; do
		sweep "insmod" -s do_init_module insmod /lib/modules/chunk_heap.ko
		[ -z "$(init_sites_missed)" ] && break
		echo "# sweep $_try missed:" $(init_sites_missed)
	done
	faults_off
	check "... and the module is not left loaded" sh -c "! grep -q '^chunk_heap ' /proc/modules"
	check "... nor its configfs root" test ! -e "$CFS"
fi
check "chunk_heap.ko loads" insmod /lib/modules/chunk_heap.ko
check "configfs root exists" test -d "$CFS"
expect "the module's version is heapctl's" "heapctl $(cat /sys/module/chunk_heap/version)" \
	heapctl --version
check "chimport.ko, the test importer that vmaps, loads" insmod /lib/modules/chimport.ko
# Every test kernel carries patches/<version>: all optional features.
expect "features lists everything a patched kernel allows" \
	"area_sizes per_node_areas numa_policy" cat /sys/kernel/chunk_heap/features
refuse "features is read-only" EACCES /sys/kernel/chunk_heap/features "x"
check "the module logs no unavailable feature" \
	sh -c "! dmesg | grep -q 'chunk_heap: .*unavailable'"
