# SPDX-License-Identifier: GPL-2.0
# The dma-buf exporter as its users see it: mmap, CPU access, names, and
# import by a second driver (vgem) and by a kernel user that vmaps
# (chimport.ko, loaded by t_00).
mkheap dmabuf64k reserved 4
free0=$(area_free reserved)

chbuf dmabuf64k 1048576 >/tmp/chbuf.out 2>&1
sed 's/^/# /' /tmp/chbuf.out
for want in "alloc OK" "vmap-zeroed OK" "vmap-fill OK" "vmap-seen-by-mmap OK" "sync-start OK" "sync-end OK" "sync-bad-flags EINVAL" \
	    "mmap OK" "mmap-offset-page OK" "mmap-offset-tail OK" \
	    "mmap-beyond EINVAL" "mmap-too-long EINVAL" "mmap-private EINVAL" \
	    "set-name OK" "fdinfo-name OK" "fdinfo-exp-name OK" \
	    "vgem-import OK" "vgem-attached OK" "vgem-close OK" "release OK" \
	    "rdonly-alloc OK" "rdonly-mmap-shared OK" "rdonly-zeroed OK" \
	    "rdonly-mmap-write EACCES" "rdonly-release OK"; do
	check "dma-buf: $want" grep -qx "$want" /tmp/chbuf.out
done
expect "the buffer's chunks all went back" "$free0" area_free reserved
expect "no bytes are left accounted" 0 cat "$CFS/dmabuf64k/bytes"

# A length that is not a whole number of chunks is rounded up.
hold odd dmabuf64k 65537
expect "65537 bytes take two 64 KiB chunks" 131072 cat "$CFS/dmabuf64k/bytes"
expect "... and the buffer is usable" OK bg_finish odd
echo 0 >"$CFS/dmabuf64k/enable"
rmdir "$CFS/dmabuf64k"

# Importers: vgem attaches and maps buffers of every order, each several
# chunks and runs long, and the DMA API debug code (enabled in the test
# kernel) checks every segment against vgem's 64 KiB maximum.
log0=$(dmesg | wc -l)
for o in 0 1 2 3 4 5 6 7 8 9; do
	mkheap imp$o reserved $o
	chbuf imp$o $(( (4096 << o) * 3 + 4194304 )) >/tmp/chbuf.out 2>&1
	check "order-$o buffer: vgem imports and maps it" grep -qx "vgem-import OK" /tmp/chbuf.out
	echo 0 >"$CFS/imp$o/enable"
	rmdir "$CFS/imp$o"
done
dmesg | tail -n +$((log0 + 1)) | grep "DMA-API" >/tmp/dma-api.txt
check "no DMA-API report for any order" test ! -s /tmp/dma-api.txt
head -5 /tmp/dma-api.txt | sed 's/^/#   /'
