# SPDX-License-Identifier: GPL-2.0
# The attack suite (tests/probe/chattack.c): what an unprivileged user can
# do to a mapped buffer -- pin it (vmsplice, O_DIRECT on a loop device,
# io_uring's registered buffers, process_vm_readv/writev, /proc/pid/mem),
# mremap, munmap, mprotect, fork and madvise it with every advice, kill
# the other process that maps it -- run on the mainline CMA heap
# "reserved" and on chunk heaps of order 4, order 0 and 2 MiB chunks on
# the same area, each without and with a pool. Every case must end on a
# chunk heap as it ends on "reserved", no case may read what the next
# owner of the memory wrote (a LEAK line), and a mapping must outlive its
# heap's disable and rmdir. Afterwards the area has every page back and
# the kernel reported nothing.
#
# "reserved" is the reference where it is a PFN map (VmFlags io pf), as
# from 6.12. 6.1's CMA heap maps pages, which GUP pins: there it is not
# run at all (a pin of its pages warns in cma_release(), and io_uring
# retries the migration of a CMA page forever), and the chunk heaps are
# held to the answers a PFN map gives on every kernel version instead.

A_MiB=1048576
afree0=$(area_free reserved)
alog0=$(dmesg | wc -l)

# atk_run HEAP OUT [LEAK_MB]: every case on HEAP, its lines in OUT; the
# leak check fills LEAK_MB buffers of 1 MiB (8).
atk_run() {
	CHATTACK_BLOCKDEV=/dev/loop0 CHATTACK_LEAK_MB=${3:-8} chattack "$1" >"$2" 2>&1
}

# atk_pfnmap CASE: what a PFN map answers to CASE on 6.1 and 6.12 alike;
# KEPT where that depends on the version or the configuration, and only
# the data must survive (OK or an errno, not a signal or DATA-LOST).
atk_pfnmap() {
	case $1 in
	vmsplice* | odirect-* | io_uring-register | process_vm_readv | \
	process_vm_writev | move_pages | mremap-grow | mremap-dup) echo EFAULT ;;
	proc-pid-mem-*) echo EIO ;;
	map-private* | mmap-offset-past-end | mmap-too-long | mremap-dontunmap | msync) echo EINVAL ;;
	mprotect-write-rdonly | mmap-write-rdonly) echo EACCES ;;
	touch-after-munmap) echo SIGSEGV ;;
	madvise-*) echo KEPT ;;
	*) echo OK ;;
	esac
}

# atk_compare LABEL OUT: one TAP line per case of the reference
# (/tmp/atk/reserved), passing if OUT has the same result for it.
atk_compare() {
	awk 'FNR == NR { if ($2 != "LEAK") { n++; name[n] = $1; want[$1] = $2 } next }
	     $2 != "LEAK" && !($1 in got) { got[$1] = $2 }
	     END { for (i = 1; i <= n; i++)
			print name[i], want[name[i]], (name[i] in got) ? got[name[i]] : "MISSING" }' \
		/tmp/atk/reserved "$2" >/tmp/atk.cmp
	while read -r _c _w _g; do
		if [ "$_w" = KEPT ]; then
			case $_g in
			OK | E[A-Z]*) ok "attack $_c: $1 keeps its data ($_g)" ;;
			*) not_ok "attack $_c: $1 keeps its data, got $_g" ;;
			esac
		elif [ "$_w" = "$_g" ]; then
			ok "attack $_c: $1 as $aref ($_w)"
		else
			not_ok "attack $_c: $1 as $aref ($_w), got $_g"
		fi
	done </tmp/atk.cmp
}

rm -rf /tmp/atk
mkdir /tmp/atk

# The block device of the O_DIRECT cases: a loop device over a file.
dd if=/dev/zero of=/tmp/attack.img bs=$A_MiB count=2 2>/dev/null
check "attack: /dev/loop0 is set up over a file in /tmp" losetup /dev/loop0 /tmp/attack.img

# The chunk heaps: order 4, order 0, and 2 MiB chunks if the area can
# align one; on the sanitizer kernel, where each case costs several times
# as much, order 4 alone (the other orders take the same paths).
aheaps=
if has_faults; then
	aspecs="atk_o4:4"
else
	aspecs="atk_o4:4 atk_o0:0 atk_2m:$(order_of 2097152)"
fi
for _hs in $aspecs; do
	_hn=${_hs%:*}
	_ho=${_hs#*:}
	mkdir "$CFS/$_hn" && echo reserved >"$CFS/$_hn/cma_area"
	_r=$(chtest write "$CFS/$_hn/chunk_order" "$_ho")
	if [ "$_hn" = atk_2m ] && [ "$_r" = ERANGE ]; then
		echo "# attack: reserved cannot align a 2 MiB chunk: no atk_2m"
		rmdir "$CFS/$_hn"
		continue
	fi
	if [ "$_r" = OK ] && echo 1 >"$CFS/$_hn/enable"; then
		ok "attack: chunk heap $_hn (order $_ho) on reserved"
		aheaps="$aheaps $_hn"
	else
		not_ok "attack: chunk heap $_hn (order $_ho) on reserved: $_r"
	fi
done

# The reference: reserved's own answers if it maps a buffer as a PFN map.
aflags=$(chattack --vmflags reserved)
echo "# attack: reserved maps a buffer with VmFlags: $aflags"
case " $aflags " in
*" pf "*)
	aref=reserved
	atk_run reserved /tmp/atk/reserved
	sed 's/^/# reserved: /' /tmp/atk/reserved
	expect "attack: every case ran on reserved" "$(chattack --list | wc -l)" \
		sh -c "grep -vc ' LEAK ' /tmp/atk/reserved"
	;;
*)
	aref="a PFN map"
	echo "# attack: reserved is no PFN map here: the chunk heaps are held to what a PFN map answers"
	chattack --list >/tmp/atk.list
	while read -r _c; do
		echo "$_c $(atk_pfnmap "$_c")"
	done </tmp/atk.list >/tmp/atk/reserved
	;;
esac

# Each chunk heap maps a buffer as reserved does, or at least as a PFN
# map (VmFlags io pf de dd: VM_IO, VM_PFNMAP, VM_DONTEXPAND, VM_DONTDUMP).
for _ah in $aheaps; do
	_f=$(chattack --vmflags "$_ah")
	if [ "$aref" = reserved ]; then
		expect "attack: $_ah maps a buffer as reserved does ($aflags)" "$aflags" echo "$_f"
	else
		check "attack: $_ah maps a buffer as a PFN map ($_f)" \
			sh -c "echo ' $_f ' | grep ' io ' | grep ' pf ' | grep ' de ' | grep -q ' dd '"
	fi
done

for _ah in $aheaps; do
	atk_run "$_ah" "/tmp/atk/$_ah"
	atk_compare "$_ah" "/tmp/atk/$_ah"
	# With a pool, the buffers come from chunks zeroed ahead of time and
	# go back to it; the leak check takes more than the pool holds.
	echo $((8 * A_MiB)) >"$CFS/$_ah/pool_bytes"
	settle_to "$CFS/$_ah/pool_ready" $((8 * A_MiB)) >/dev/null
	atk_run "$_ah" "/tmp/atk/$_ah.pool" 16
	atk_compare "$_ah+pool" "/tmp/atk/$_ah.pool"
	echo 0 >"$CFS/$_ah/pool_bytes"
done

cat /tmp/atk/* | grep ' LEAK ' >/tmp/atk.leaks
check "attack: no case read the next owner's data" test ! -s /tmp/atk.leaks
sed 's/^/#   /' /tmp/atk.leaks

# A buffer mapped by an ordinary user outlives its heap's disable and
# rmdir (and the drain of its pool), and still reads and writes its data.
mkheap atk_hold reserved 4
echo $((4 * A_MiB)) >"$CFS/atk_hold/pool_bytes"
bg_run atkhold chattack --hold atk_hold /tmp/bg.atkhold.go
expect "attack rmdir-while-mapped: a mapped buffer is held" HELD bg_first atkhold
echo 0 >"$CFS/atk_hold/enable"
rmdir "$CFS/atk_hold"
check "... its heap is disabled and removed" test ! -e "$CFS/atk_hold"
expect "... and the mapping still reads and writes its data" OK bg_finish atkhold

for _ah in $aheaps; do
	echo 0 >"$CFS/$_ah/enable"
	rmdir "$CFS/$_ah"
done
losetup -d /dev/loop0
rm -f /tmp/attack.img
expect "attack: every page of reserved went back" "$afree0" settle "$afree0" area_free reserved

dmesg | tail -n +$((alog0 + 1)) | grep -E "$REPORTS" >/tmp/atk.reports
check "attack: the kernel reported nothing" test ! -s /tmp/atk.reports
head -n 40 /tmp/atk.reports | sed 's/^/#   /'
