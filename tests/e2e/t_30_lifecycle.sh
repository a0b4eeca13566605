# SPDX-License-Identifier: GPL-2.0
# The configfs lifecycle end to end: disable and rmdir under a live buffer
# and an open heap fd, mkdir again with other settings, the quota, bad
# input on every attribute, and the rules for unloading the module.
L=$CFS/life
free0=$(free_all)
r0=${free0%% *}

# --- disable stops allocations; live buffers and the node stay ------------
check "a lifecycle heap is made and enabled" mkheap life reserved 4
expect "it allocates while enabled" OK chtest alloc life 65536
refs0=$(refcnt)
hold A life 1048576
expect "a 1 MiB buffer is held" HELD bg_first A
expect "a live buffer takes one module reference" $((refs0 + 1)) refcnt
open_fd B life 65536
expect "a heap fd is opened before disable" OPEN bg_first B
errno "enable takes 0 with a live buffer" OK "$L/enable" 0
expect "enable reads 0" 0 cat "$L/enable"
expect "device reads an empty line while disabled" "" cat "$L/device"
check "the device node stays while disabled" test -c /dev/dma_heap/life
expect "allocating from a disabled heap fails with ENODEV" ENODEV chtest alloc life 65536
expect "... also through a heap fd opened before disable" ENODEV bg_finish B
expect "... and ENODEV is not counted as a failure" 0 cat "$L/failures"
expect "the live buffer stays accounted" "1048576 1" \
	sh -c "echo \$(cat $L/bytes $L/buffers)"
expect "... and the area still lends its 256 pages" $((r0 - 256)) area_free reserved
expect "the buffer held across disable keeps its contents" OK bg_finish A
expect "bytes and buffers return to 0 on the disabled heap" "0 0" \
	sh -c "echo \$(cat $L/bytes $L/buffers)"
expect "... and the buffer's module reference is dropped" "$refs0" refcnt
expect "... and every area gets every page back" "$free0" free_all
open_fd C life 65536
expect "a heap fd is opened while disabled" OPEN bg_first C
errno "enable takes 1 again" OK "$L/enable" 1
expect "device names the node again" /dev/dma_heap/life cat "$L/device"
expect "the re-enabled heap allocates" OK chtest alloc life 65536
expect "... also through the fd opened while it was disabled" OK bg_finish C
errno "enabling an enabled heap does nothing" OK "$L/enable" 1
expect "... and it stays enabled" 1 cat "$L/enable"

# --- rmdir with a live buffer and an open heap fd -------------------------
dev0=$(stat -c %t:%T /dev/dma_heap/life)
hold D life 4194304
expect "a 4 MiB buffer is held" HELD bg_first D
open_fd E life 65536
expect "a heap fd is opened before rmdir" OPEN bg_first E
refs1=$(refcnt)
check "rmdir of an enabled heap with a live buffer works" rmdir "$L"
check "... and the directory is gone" test ! -e "$L"
# configfs pins the owner of the subsystem and of the item type: two.
expect "... and its two module references are dropped" $((refs1 - 2)) refcnt
check "the device node stays after rmdir" test -c /dev/dma_heap/life
expect "... with the same major:minor" "$dev0" stat -c %t:%T /dev/dma_heap/life
expect "a heap fd opened before rmdir gets ENODEV" ENODEV bg_finish E
expect "a fresh open of the node gets ENODEV" ENODEV chtest alloc life 65536
expect "the area still lends the live buffer's 1024 pages" $((r0 - 1024)) area_free reserved
expect "the buffer outlives its heap's directory" OK bg_finish D
expect "after release every area gets every page back" "$free0" free_all
expect "... and the buffer's module reference is dropped" $((refs1 - 3)) refcnt

# --- mkdir of the same name reattaches the node with new settings ---------
check "mkdir of the removed heap's name works" mkdir "$L"
expect "the new heap is disabled, with no area and order 0" "0  0" \
	sh -c "echo \"\$(cat $L/enable) \$(cat $L/cma_area) \$(cat $L/chunk_order)\""
expect "... and fresh accounting" "0 0 0 0 0" heap_stats life
errno "cma_area takes reserved" OK "$L/cma_area" reserved
errno "chunk_order takes 8 (1 MiB chunks)" OK "$L/chunk_order" 8
errno "enable takes 1" OK "$L/enable" 1
expect "the name reattaches the same device node" "$dev0" stat -c %t:%T /dev/dma_heap/life
expect "... and only one dma-heap has the name" 1 sh -c "ls /sys/class/dma_heap | grep -c -x life"
hold F life 65536
expect "the reattached heap serves a 64 KiB buffer" HELD bg_first F
expect "... as one 1 MiB chunk, in one cma_alloc call" "1048576 1 1048576 0 1" heap_stats life
expect "... from the heap's area" 1048576 area_bytes life reserved
expect "... which lends 256 pages" $((r0 - 256)) area_free reserved
expect "the 1 MiB-chunk buffer keeps its contents" OK bg_finish F

# --- quota ----------------------------------------------------------------
errno "max_bytes takes 2 MiB while enabled" OK "$L/max_bytes" 2097152
expect "max_bytes reads back" 2097152 cat "$L/max_bytes"
hold G life 2097152
expect "a buffer of exactly the quota is allowed" HELD bg_first G
f0=$(cat "$L/failures")
c0=$(cat "$L/cma_calls")
fr=$(free_all)
expect "one byte more fails with ENOMEM" ENOMEM chtest alloc life 1
expect "... counted in failures" $((f0 + 1)) cat "$L/failures"
expect "... without a cma_alloc call" "$c0" cat "$L/cma_calls"
expect "... with bytes and peak unchanged" "2097152 2097152" \
	sh -c "echo \$(cat $L/bytes $L/peak)"
expect "... and every area unchanged" "$fr" free_all
errno "max_bytes can be raised while enabled" OK "$L/max_bytes" 3145728
expect "the raised quota lets the allocation through" OK chtest alloc life 1
expect "... and peak reached the quota exactly" 3145728 cat "$L/peak"
errno "max_bytes can go below the live bytes" OK "$L/max_bytes" 1048576
expect "... the live buffer keeps its bytes" 2097152 cat "$L/bytes"
expect "... later allocations fail with ENOMEM" ENOMEM chtest alloc life 1
expect "... counted in failures" $((f0 + 2)) cat "$L/failures"
errno "max_bytes 0 lifts the quota" OK "$L/max_bytes" 0
expect "... and a 4 MiB allocation passes" OK chtest alloc life 4194304
expect "the buffer held through the quota changes is intact" OK bg_finish G
expect "the heap holds nothing afterwards" "0 0" sh -c "echo \$(cat $L/bytes $L/buffers)"

# --- per-heap numa_policy changes while enabled ---------------------------
for p in off local bind interleave default; do
	want=
	for w in default off local bind interleave; do
		[ "$w" = "$p" ] && w="[$w]"
		want="${want:+$want }$w"
	done
	errno "numa_policy takes $p while enabled" OK "$L/numa_policy" "$p"
	expect "... and reads '$want'" "$want" cat "$L/numa_policy"
	expect "... and the heap still allocates" OK chtest alloc life 65536
done
expect "the policy changes left the heap enabled" 1 cat "$L/enable"

# --- bad input: each refused with its errno, the value unchanged ----------
I=$CFS/inp
check "a disabled heap for bad input is made" mkdir "$I"
echo reserved >"$I/cma_area"
echo 4 >"$I/chunk_order"
echo 12345 >"$I/max_bytes"
echo interleave >"$I/numa_policy"
expect "... and set up" "reserved 4 12345 default off local bind [interleave] 0" \
	sh -c "echo \$(cat $I/cma_area $I/chunk_order $I/max_bytes $I/numa_policy $I/enable)"

refuse "chunk_order refuses a word" EINVAL "$I/chunk_order" "four"
refuse "chunk_order refuses a negative number" EINVAL "$I/chunk_order" "-1"
refuse "chunk_order refuses 19 with ERANGE" ERANGE "$I/chunk_order" "19"
refuse "chunk_order refuses 2^32 with ERANGE" ERANGE "$I/chunk_order" "4294967296"
refuse "chunk_order refuses trailing garbage (4x)" EINVAL "$I/chunk_order" "4x"
refuse "chunk_order refuses two numbers (4 4)" EINVAL "$I/chunk_order" "4 4"
refuse "chunk_order refuses hex (0x4)" EINVAL "$I/chunk_order" "0x4"
refuse "chunk_order refuses a bare newline" EINVAL "$I/chunk_order" "\\n"

refuse "max_bytes refuses a word" EINVAL "$I/max_bytes" "lots"
refuse "max_bytes refuses a negative number" EINVAL "$I/max_bytes" "-1"
refuse "max_bytes refuses 2^64 with ERANGE" ERANGE "$I/max_bytes" "18446744073709551616"
refuse "max_bytes refuses trailing garbage (4x)" EINVAL "$I/max_bytes" "4x"
refuse "max_bytes refuses two numbers (4 4)" EINVAL "$I/max_bytes" "4 4"
refuse "max_bytes refuses a bare newline" EINVAL "$I/max_bytes" "\\n"

refuse "cma_area refuses an unknown area" ENOENT "$I/cma_area" "nosuch"
refuse "cma_area refuses two words" EINVAL "$I/cma_area" "reserved x"
refuse "cma_area refuses a bare newline" EINVAL "$I/cma_area" "\\n"
refuse "cma_area refuses two newlines" EINVAL "$I/cma_area" "reserved\\n\\n"
refuse "cma_area refuses a 64-character name" ENAMETOOLONG "$I/cma_area" \
	"$(printf '%064d' 0)"

refuse "numa_policy refuses an unknown word" EINVAL "$I/numa_policy" "nearest"
refuse "numa_policy refuses a policy and more (local x)" EINVAL "$I/numa_policy" "local x"
refuse "numa_policy refuses upper case" EINVAL "$I/numa_policy" "LOCAL"
refuse "numa_policy refuses a bare newline" EINVAL "$I/numa_policy" "\\n"
refuse "numa_policy refuses an empty write (configfs: EFAULT)" EFAULT "$I/numa_policy" ""

refuse "enable refuses 2" EINVAL "$I/enable" "2"
refuse "enable refuses a bare newline" EINVAL "$I/enable" "\\n"
# kstrtobool() reads only the first characters: "yes please" enables.
refuse "enable refuses junk (yes please)" EINVAL "$I/enable" "yes please"
echo 0 >"$I/enable"

for a in chunk_size device bytes buffers peak failures cma_calls \
	areas/reserved/bytes nodes/node0/bytes; do
	refuse "$a is read-only" EACCES "$L/$a" "0"
done
# areas and nodes are default groups: nothing is made or removed in them.
expect "mkdir in areas fails with EPERM" EPERM chtest mkdir "$I/areas/x"
expect "mkdir in nodes fails with EPERM" EPERM chtest mkdir "$I/nodes/node9"
expect "rmdir of areas fails with EPERM" EPERM chtest rmdir "$I/areas"
expect "rmdir of an area's directory fails with EPERM" EPERM chtest rmdir "$I/areas/reserved"
expect "rmdir of nodes fails with EPERM" EPERM chtest rmdir "$I/nodes"
expect "rmdir of a node's directory fails with EPERM" EPERM chtest rmdir "$I/nodes/node0"
check "the bad-input heap is removed, default groups and all" rmdir "$I"

# --- heap names -----------------------------------------------------------
n63=$(printf 'n%062d' 0)
n64=$(printf 'n%063d' 0)
expect "mkdir refuses a 64-character name with ENAMETOOLONG" ENAMETOOLONG chtest mkdir "$CFS/$n64"
check "... and makes nothing" test ! -e "$CFS/$n64"
expect "mkdir takes a 63-character name" OK chtest mkdir "$CFS/$n63"
echo reserved >"$CFS/$n63/cma_area"
errno "... which can be enabled" OK "$CFS/$n63/enable" 1
check "... and serves /dev/dma_heap/<63 characters>" test -c "/dev/dma_heap/$n63"
expect "... which allocates" OK chtest alloc "$n63" 4096
check "... and can be removed" rmdir "$CFS/$n63"
for n in "a:b" "a b" "x*y" "a\\b" "tab	x" "$(printf 'caf\303\251')"; do
	expect "mkdir refuses the name '$n' with EINVAL" EINVAL chtest mkdir "$CFS/$n"
	check "... and makes nothing" test ! -e "$CFS/$n"
done
rdev=$(stat -c %t:%T /dev/dma_heap/reserved)
check "a heap named reserved can be made" mkdir "$CFS/reserved"
echo reserved >"$CFS/reserved/cma_area"
refuse "enabling the name of the kernel's CMA heap fails with EEXIST" EEXIST \
	"$CFS/reserved/enable" 1
expect "... and device stays empty" "" cat "$CFS/reserved/device"
expect "... and /dev/dma_heap/reserved is still the kernel's" "$rdev" \
	stat -c %t:%T /dev/dma_heap/reserved
check "... and the heap can be removed" rmdir "$CFS/reserved"
# The other names of mainline's heaps, whether this kernel has them (7.3's
# CMA heap has default_cma_region) or not: refused all the same, as a
# kernel without the dma_heap_add() patch would dump the stack for the
# clash (Documentation/ABI, enable).
for n in default_cma_region system_cc_shared; do
	check "a heap named $n can be made" mkdir "$CFS/$n"
	echo reserved >"$CFS/$n/cma_area"
	refuse "... but not enabled: a mainline heap's name (EEXIST)" EEXIST "$CFS/$n/enable" 1
	expect "... and device stays empty" "" cat "$CFS/$n/device"
	check "... and the heap can be removed" rmdir "$CFS/$n"
done

# --- module unload --------------------------------------------------------
refs=$(refcnt)
check "a heap directory is made and never enabled" mkdir "$CFS/unload"
expect "... which takes two module references" $((refs + 2)) refcnt
expect "rmmod fails while a heap directory exists" \
	"rmmod: can't unload module 'chunk_heap': Resource temporarily unavailable
rc=1" sh -c 'rmmod chunk_heap; echo rc=$?'
check "... and chunk_heap stays loaded" sh -c 'lsmod | grep -q "^chunk_heap "'
check "... and the directory can be removed" rmdir "$CFS/unload"
expect "... which gives the references back" "$refs" refcnt
for d in "$CFS"/*; do
	[ -d "$d" ] && rmdir "$d"
done
expect "no heap directory is left" "" ls "$CFS"
expect "with no directory and no buffer, only the registered names pin the module" \
	"$(chunk_slots)" refcnt
expect "rmmod fails once a heap has been enabled since load" \
	"rmmod: can't unload module 'chunk_heap': Resource temporarily unavailable
rc=1" sh -c 'rmmod chunk_heap; echo rc=$?'
check "... and chunk_heap stays loaded" sh -c 'lsmod | grep -q "^chunk_heap "'
check "... with its configfs root" test -d "$CFS"
expect "every area has every page it had before these tests" "$free0" free_all
wait
