# SPDX-License-Identifier: GPL-2.0
# Runs last: it uses up this boot's dma-heap device numbers (128), which
# only a reboot gives back, since the framework cannot remove a heap.

n=0
err=OK
while [ "$err" = OK ] && [ $n -lt 200 ]; do
	n=$((n + 1))
	mkdir "$CFS/minor$n" && echo reserved >"$CFS/minor$n/cma_area"
	err=$(chtest write "$CFS/minor$n/enable" 1)
done
echo "# heap $n found no device number"
expect "enabling a heap once every device number is taken is refused" ENOSPC echo "$err"
check "... with a warning that says why" \
	sh -c 'dmesg | grep -q "all dma-heap device numbers are in use"'
expect "... and the heap stays disabled" 0 cat "$CFS/minor$n/enable"
errno "a name that already has its device still enables" OK "$CFS/minor1/enable" 0
errno "... and again" OK "$CFS/minor1/enable" 1
expect "... and serves allocations" OK chtest alloc minor1 4096

for d in "$CFS"/minor*; do
	echo 0 >"$d/enable"
	rmdir "$d"
done
check "every minor heap is gone" sh -c "! ls -d $CFS/minor* 2>/dev/null"
