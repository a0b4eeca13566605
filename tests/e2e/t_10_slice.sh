# SPDX-License-Identifier: GPL-2.0
# The first vertical slice: a 64 KiB chunk heap on the reserved area.
H=$CFS/video64k
free0=$(area_free reserved)

check "mkdir creates a heap" mkdir "$H"
expect "a new heap is disabled" 0 cat "$H/enable"
expect "the default chunk order is 0" 0 cat "$H/chunk_order"
check "cma_area takes reserved" sh -c "echo reserved > $H/cma_area"
expect "cma_area reads back" reserved cat "$H/cma_area"
check "chunk_order takes 4" sh -c "echo 4 > $H/chunk_order"
expect "chunk_size is 64 KiB" 65536 cat "$H/chunk_size"
check "enable takes 1" sh -c "echo 1 > $H/enable"
expect "enable reads 1" 1 cat "$H/enable"
check "/dev/dma_heap/video64k appears" test -c /dev/dma_heap/video64k
expect "the device node is root-only" 600 stat -c %a /dev/dma_heap/video64k
expect "device names the node" /dev/dma_heap/video64k cat "$H/device"

heapctl alloc video64k 64M --verify >/tmp/alloc.out 2>&1
check "heapctl alloc 64M --verify succeeds" test $? -eq 0
check "the buffer is 1024 chunks of 64 KiB" grep -q "1024 chunks of 64K " /tmp/alloc.out
check "an idle area gives 64 MiB in one cma_alloc call" grep -q " 1 cma_alloc calls" /tmp/alloc.out
cat /tmp/alloc.out | sed 's/^/# /'

hold slice video64k 67108864
expect "a 64 MiB buffer is held" HELD bg_first slice
expect "bytes counts the live buffer" 67108864 cat "$H/bytes"
expect "buffers counts the live buffer" 1 cat "$H/buffers"
expect "the area lends exactly the buffer" $((free0 - 16384)) area_free reserved
expect "the held buffer kept its contents" OK bg_finish slice
expect "bytes returns to 0" 0 cat "$H/bytes"
expect "buffers returns to 0" 0 cat "$H/buffers"
expect "peak remembers 64 MiB" 67108864 cat "$H/peak"
expect "the area gets every page back" "$free0" area_free reserved
