# SPDX-License-Identifier: GPL-2.0
# Per-NUMA placement end to end on the two-node guest: CPU 0 is on node 0,
# CPU 1 on node 1; pernuma0 and pernuma1 hold 64 MiB each, reserved
# 384 MiB. /sys/kernel/chunk_heap, then each policy on a heap whose own
# area is reserved, with 64 KiB chunks (16 pages).
G=/sys/kernel/chunk_heap
N=$CFS/numa

# One line each: "pernuma0 B pernuma1 B reserved B", "0 B 1 B", from the
# heap's areas/<area>/bytes and nodes/node<N>/bytes. No policy takes
# from the arm64 guest's devicetree region (t_57_dtregion): it shows only
# if it holds a byte.
abytes() {
	echo $(heap_split numa areas | while read -r _a _b; do
		{ is_dt_region "$_a" && [ "$_b" = 0 ]; } || echo "$_a $_b"
	done) | node_names
}

nbytes() {
	echo $(heap_split numa nodes)
}

# cmdline_areas, with the per-node areas named as on 6.12 (node_names).
node_areas() {
	cmdline_areas | node_names
}

# held_split TAG: the probe's first line, then abytes.
held_split() {
	echo $(bg_first "$1") $(abytes)
}

# alloc_pages_success of the three areas, on one line.
cma_success() {
	echo "$(cma_stat reserved alloc_pages_success)" \
		"$(cma_stat $NODE_AREA0 alloc_pages_success)" \
		"$(cma_stat $NODE_AREA1 alloc_pages_success)"
}

# --- /sys/kernel/chunk_heap -----------------------------------------------
# The stress test before this one sets the global policy back to off.
expect "the global numa_policy is off" "[off] local bind interleave" cat "$G/numa_policy"
refuse "numa_policy refuses an unknown word" EINVAL "$G/numa_policy" "nearest"
refuse "numa_policy refuses a policy and more (local x)" EINVAL "$G/numa_policy" "local x"
refuse "numa_policy refuses default, which is per heap only" EINVAL "$G/numa_policy" "default"
refuse "numa_policy refuses a bare newline" EINVAL "$G/numa_policy" "\\n"
# sysfs never calls the store method for an empty write: write() returns 0.
refuse "an empty write to numa_policy is ignored by sysfs" OK "$G/numa_policy" ""
refuse "numa_active is read-only" EACCES "$G/numa_active" "0"
refuse "areas/<area>/node is read-only" EACCES "$G/areas/reserved/node" "0"
refuse "areas/<area>/size is read-only" EACCES "$G/areas/reserved/size" "0"
expect "no directory can be made in areas" EPERM chtest mkdir "$G/areas/x"
expect "numa_active is 1 on two nodes with per-node areas" 1 cat "$G/numa_active"
# The areas of cma= and cma_pernuma=; the arm64 guest also has a
# devicetree region (t_57_dtregion), checked in the loop below too.
expect "areas has a directory per CMA area with its node and size" "pernuma0 0 67108864
pernuma1 1 67108864
reserved 1 402653184" node_areas
sys_areas >/tmp/areas.txt
while read -r area nid bytes; do
	base=$(cat "/sys/kernel/debug/cma/$area/base_pfn")
	expect "... $area is on node $nid, as /proc/zoneinfo says" "$nid" pfn_node "$base"
	expect "... and is $bytes bytes, as debugfs says" "$bytes" \
		echo $(($(cat "/sys/kernel/debug/cma/$area/count") * PAGE_SIZE))
done </tmp/areas.txt

check "a heap on reserved with 64 KiB chunks is made" mkheap numa reserved 4
expect "its numa_policy is default" "[default] off local bind interleave" cat "$N/numa_policy"
free0=$(free_all)
set -- $free0
r0=$1 p00=$2 p10=$3

# --- local ----------------------------------------------------------------
errno "numa_policy takes local" OK "$G/numa_policy" "local"
expect "... and reads it" "off [local] bind interleave" cat "$G/numa_policy"
set -- $(cma_success)
hold A numa 4194304 1
expect "local: a 4 MiB buffer is allocated on CPU 1" HELD bg_first A
expect "... with every chunk from pernuma1" "pernuma0 0 pernuma1 4194304 reserved 0" abytes
expect "... on node 1" "0 0 1 4194304" nbytes
expect "... pernuma1's alloc_pages_success rises by exactly 1024, no other" \
	"$1 $2 $(($3 + 1024))" cma_success
expect "... and pernuma1 lends exactly 1024 pages" "$r0 $p00 $((p10 - 1024))" free_all
expect "... the buffer is intact" OK bg_finish A
expect "... and area_bytes returns to 0" "pernuma0 0 pernuma1 0 reserved 0" abytes
set -- $(cma_success)
hold A numa 2097152 0
expect "local: a 2 MiB buffer is allocated on CPU 0" HELD bg_first A
expect "... with every chunk from pernuma0" "pernuma0 2097152 pernuma1 0 reserved 0" abytes
expect "... on node 0" "0 2097152 1 0" nbytes
expect "... pernuma0's alloc_pages_success rises by exactly 512, no other" \
	"$1 $(($2 + 512)) $3" cma_success
expect "... and pernuma0 lends exactly 512 pages" "$r0 $((p00 - 512)) $p10" free_all
expect "... the buffer is intact" OK bg_finish A
expect "every area has its pages back" "$free0" free_all

# 72 MiB on CPU 1: all of pernuma1, and 8 MiB from the heap's own area.
set -- $(cma_success)
hold B numa 75497472 1
expect "local: 72 MiB on CPU 1, more than pernuma1 holds, is allocated" HELD bg_first B
expect "... 64 MiB from pernuma1, the rest from reserved" \
	"pernuma0 0 pernuma1 67108864 reserved 8388608" abytes
expect "... all on node 1" "0 0 1 75497472" nbytes
expect "... alloc_pages_success: 2048 in reserved, 16384 in pernuma1" \
	"$(($1 + 2048)) $2 $(($3 + 16384))" cma_success
expect "... and pernuma1 is full" "$((r0 - 2048)) $p00 0" free_all

# --- bind -----------------------------------------------------------------
errno "numa_policy takes bind" OK "$G/numa_policy" "bind"
fails0=$(cat "$N/failures")
bytes0=$(cat "$N/bytes")
peak0=$(cat "$N/peak")
fr=$(free_all)
succ=$(cma_success)
expect "bind: CPU 1 gets ENOMEM while pernuma1 is full" ENOMEM \
	taskset -c 1 chtest alloc numa 65536
expect "... counted in failures" $((fails0 + 1)) cat "$N/failures"
expect "... bytes unchanged" "$bytes0" cat "$N/bytes"
expect "... no area lost a page" "$fr" free_all
expect "... no area handed out a page" "$succ" cma_success
expect "... and the refused allocation did not raise peak" "$peak0" cat "$N/peak"
expect "bind: CPU 0 gets ENOMEM for more than pernuma0 holds" ENOMEM \
	taskset -c 0 chtest alloc numa 68157440
expect "... without falling back to reserved" "$fr" free_all
hold C numa 1048576 0
expect "bind: CPU 0 allocates 1 MiB" HELD bg_first C
expect "... from pernuma0" "pernuma0 1048576 pernuma1 67108864 reserved 8388608" abytes
expect "... the buffer is intact" OK bg_finish C

# --- interleave -----------------------------------------------------------
errno "numa_policy takes interleave" OK "$G/numa_policy" "interleave"
hold D numa 1048576
expect "interleave with pernuma1 full: 16 chunks are allocated" HELD bg_first D
expect "... 8 chunks from pernuma0, 8 from reserved for pernuma1's share" \
	"pernuma0 524288 pernuma1 67108864 reserved 8912896" abytes
expect "... the buffer is intact" OK bg_finish D
expect "the 72 MiB local buffer is intact" OK bg_finish B
expect "every area has its pages back" "$free0" free_all
hold D numa 1048576 1
expect "interleave: a 16-chunk buffer is allocated" HELD bg_first D
expect "... 8 chunks on each node's area" "pernuma0 524288 pernuma1 524288 reserved 0" abytes
expect "... half on each node" "0 524288 1 524288" nbytes
expect "... the buffer is intact" OK bg_finish D
hold D numa 1114112 0
expect "interleave: a 17-chunk buffer is allocated" HELD bg_first D
expect "... node 0 takes the odd chunk" "pernuma0 589824 pernuma1 524288 reserved 0" abytes
expect "... the buffer is intact" OK bg_finish D

# --- per-heap policy overrides the global one -----------------------------
errno "the global numa_policy takes local" OK "$G/numa_policy" "local"
errno "the heap's numa_policy takes off" OK "$N/numa_policy" "off"
set -- $(cma_success)
hold E numa 1048576 0
expect "global local, heap off: CPU 0 allocates" HELD bg_first E
expect "... from the heap's own area only" "pernuma0 0 pernuma1 0 reserved 1048576" abytes
expect "... pernuma0 hands out nothing" "$(($1 + 256)) $2 $3" cma_success
expect "... the buffer is intact" OK bg_finish E
errno "the global numa_policy takes off" OK "$G/numa_policy" "off"
errno "the heap's numa_policy takes bind" OK "$N/numa_policy" "bind"
hold E numa 1048576 1
expect "global off, heap bind: CPU 1 allocates from pernuma1" \
	"HELD pernuma0 0 pernuma1 1048576 reserved 0" held_split E
expect "... the buffer is intact" OK bg_finish E
errno "the heap's numa_policy takes default" OK "$N/numa_policy" "default"
hold E numa 1048576 1
expect "heap default follows global off: CPU 1 allocates from reserved" \
	"HELD pernuma0 0 pernuma1 0 reserved 1048576" held_split E
expect "... the buffer is intact" OK bg_finish E

# --- switching the policy under live buffers ------------------------------
errno "the global numa_policy takes local" OK "$G/numa_policy" "local"
hold F numa 1048576 1
expect "local: CPU 1 holds 1 MiB" HELD bg_first F
errno "the global numa_policy switches to off under the live buffer" OK "$G/numa_policy" "off"
hold H numa 1048576 1
expect "off: CPU 1 holds another 1 MiB" HELD bg_first H
expect "... the first from pernuma1, the second from reserved" \
	"pernuma0 0 pernuma1 1048576 reserved 1048576" abytes
expect "... pernuma1 and reserved lend 256 pages each" \
	"$((r0 - 256)) $p00 $((p10 - 256))" free_all
expect "the buffer from before the switch is intact" OK bg_finish F
expect "the buffer from after the switch is intact" OK bg_finish H
expect "released, every area has every page back" "$free0" free_all
expect "... and area_bytes returns to 0" "pernuma0 0 pernuma1 0 reserved 0" abytes
expect "... and node_bytes returns to 0" "0 0 1 0" nbytes
expect "... and bytes and buffers too" "0 0" sh -c "echo \$(cat $N/bytes $N/buffers)"
check "the numa heap is removed" rmdir "$N"
expect "the global numa_policy is off again" "[off] local bind interleave" cat "$G/numa_policy"
wait
