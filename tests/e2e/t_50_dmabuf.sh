# SPDX-License-Identifier: GPL-2.0
# The dma-buf exporter as its users see it: mmap, CPU access, names, and
# import by a second driver (vgem).
mkheap dmabuf64k reserved 4
free0=$(area_free reserved)

chbuf dmabuf64k 1048576 >/tmp/chbuf.out 2>&1
sed 's/^/# /' /tmp/chbuf.out
for want in "alloc OK" "sync-start OK" "sync-end OK" "sync-bad-flags EINVAL" \
	    "mmap OK" "mmap-offset-page OK" "mmap-offset-tail OK" \
	    "mmap-beyond EINVAL" "mmap-too-long EINVAL" "mmap-private EINVAL" \
	    "set-name OK" "fdinfo-name OK" "fdinfo-exp-name OK" \
	    "vgem-import OK" "vgem-attached OK" "vgem-close OK" "release OK"; do
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
