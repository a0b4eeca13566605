# SPDX-License-Identifier: GPL-2.0
# make demo: the first vertical slice, shown on the console.
run() {
	echo "# $*"
	"$@"
}

dmesg -n 1
echo "== CMA areas (cma=, cma_pernuma=)"
for a in /sys/kernel/mm/cma/*; do
	n=${a##*/}
	echo "   $n: $(( $(cat /sys/kernel/debug/cma/$n/count) / 256 )) MiB"
done
echo "== load the module and create a heap of 64 KiB chunks"
run insmod /lib/modules/chunk_heap.ko
H=/sys/kernel/config/chunk_heap/video64k
run mkdir $H
run sh -c "echo reserved > $H/cma_area"
run sh -c "echo 4 > $H/chunk_order"
run sh -c "echo 1 > $H/enable"
run ls -l /dev/dma_heap/
run heapctl areas
echo "== allocate 64 MiB, map it, check it is zeroed, write and read it back"
run heapctl alloc video64k 64M --verify
echo "== hold a buffer: the heap accounts for it"
heapctl alloc video64k 64M --hold 2 >/dev/null &
sleep 1
echo "   bytes=$(cat $H/bytes) buffers=$(cat $H/buffers)"
wait
echo "   released: bytes=$(cat $H/bytes) buffers=$(cat $H/buffers) peak=$(cat $H/peak)"
run heapctl show video64k
echo "== 64 MiB, 10 times each, from the chunk heap and the mainline CMA heap"
run heapctl alloc video64k 64M --count 10
run heapctl alloc reserved 64M --count 10
run heapctl alloc system 64M --count 10
