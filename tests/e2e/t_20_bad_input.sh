# SPDX-License-Identifier: GPL-2.0
# Bad input on the slice: each case has its errno and leaves nothing behind.
H=$CFS/video64k
B=$CFS/bad
mkdir "$B"

errno "an unknown CMA area is refused" ENOENT "$B/cma_area" "nosuch"
expect "... and cma_area stays unset" "" cat "$B/cma_area"
errno "a bare newline is refused as cma_area" EINVAL "$B/cma_area" "\\n"
errno "configfs refuses an empty write itself" EFAULT "$B/cma_area" ""
errno "an area name with a space is refused" EINVAL "$B/cma_area" "reserved x"
errno "enabling without an area is refused" EINVAL "$B/enable" "1"
expect "... and the heap stays disabled" 0 cat "$B/enable"
check "... and no device node appears" test ! -e /dev/dma_heap/bad
for _bad in 00 0001 01 10 " 1" "1 " "1\n\n" 2 -1 yes; do
	refuse "enable refuses '$_bad'" EINVAL "$B/enable" "$_bad"
done

errno "an order beyond any area is refused" ERANGE "$B/chunk_order" "19"
errno "a non-number order is refused" EINVAL "$B/chunk_order" "four"
errno "a negative order is refused" EINVAL "$B/chunk_order" "-1"
errno "trailing garbage is refused" EINVAL "$B/chunk_order" "4x"
errno "a bare newline is refused as chunk_order" EINVAL "$B/chunk_order" "\\n"
expect "... and chunk_order is unchanged" 0 cat "$B/chunk_order"
# pernuma0 holds 64 MiB, so it cannot hold a 128 MiB (order 15) chunk.
errno "order 15 is accepted before an area is set" OK "$B/chunk_order" "15"
errno "an area that cannot hold the order is refused" ERANGE "$B/cma_area" "$NODE_AREA0"
expect "... and cma_area stays unset" "" cat "$B/cma_area"
errno "order 4 is accepted" OK "$B/chunk_order" "4"
errno "pernuma0 is accepted for order 4" OK "$B/cma_area" "$NODE_AREA0"
errno "an order the area cannot align is refused" ERANGE "$B/chunk_order" "15"
expect "... and chunk_order stays 4" 4 cat "$B/chunk_order"

errno "chunk_size is read-only" EACCES "$H/chunk_size" "4096"
errno "changing cma_area while enabled is refused" EBUSY "$H/cma_area" "$NODE_AREA0"
errno "changing chunk_order while enabled is refused" EBUSY "$H/chunk_order" "5"
expect "... and the settings are unchanged" "reserved 4" \
	sh -c "echo \$(cat $H/cma_area) \$(cat $H/chunk_order)"

free0=$(area_free reserved)
fails0=$(cat "$H/failures")
expect "allocating 0 bytes is refused" EINVAL chtest alloc video64k 0
expect "nonzero heap_flags are refused" EINVAL chtest alloc video64k 65536 2 1
expect "unknown fd_flags are refused" EINVAL chtest alloc video64k 65536 0x800
expect "an overflowing length is refused" EINVAL chtest alloc video64k 0xffffffffffffffff
expect "more than the area holds is refused" ENOMEM chtest alloc video64k 0x40000000
expect "... and counted as a failure" $((fails0 + 1)) cat "$H/failures"
expect "2^64 - 64 KiB is refused" ENOMEM chtest alloc video64k 0xffffffffffff0000
expect "... and counted as a failure" $((fails0 + 2)) cat "$H/failures"
expect "... and peak is untouched" 67108864 cat "$H/peak"
expect "... and bytes stays 0" 0 cat "$H/bytes"
expect "... and the area loses nothing" "$free0" area_free reserved

check "a heap named system can be made" mkdir "$CFS/system"
echo reserved >"$CFS/system/cma_area"
errno "enabling a name another dma-heap holds is refused" EEXIST "$CFS/system/enable" "1"
expect "... and it stays disabled" 0 cat "$CFS/system/enable"
check "... with no sysfs stack dump for the clash" sh -c '! dmesg | grep -q "duplicate filename"'
check "rmdir of a never-enabled heap works" rmdir "$CFS/system" "$B"
expect "a name with a space is refused" 1 sh -c "mkdir '$CFS/a b' 2>/dev/null; echo \$?"
# Latin-1 letters pass the kernel's isalnum(); device names stay ASCII.
for byte in '\351' '\300' '\377'; do
	expect "a name with the byte $byte is refused" EINVAL chtest mkdir "$CFS/caf$(printf "$byte")"
done
expect "a 64-character name is refused" 1 \
	sh -c "mkdir $CFS/$(printf '%064d' 0) 2>/dev/null; echo \$?"
