#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The module against the symbol tables of the kinds of kernel it supports
# (Documentation/admin-guide.rst, "Kernels"), TAP. Each kind is a test
# kernel's build tree whose Module.symvers is edited into that kind's:
#  - Android-shaped (6.12): no namespace on the heap API, no
#    dma_contiguous_get_area_by_idx(); the module must walk every area;
#  - stock 7.1 and later (7.3): no cma_for_each_area(), cma_get_base() or
#    cma_get_size(); the module must find the areas through
#    dma_contiguous_get_area_by_idx() and use nothing else;
#  - stock 6.12, none of the exports: the build must stop with one line;
#  - plain "make" in a clone without the test kernel: the running
#    kernel's headers, or one line that says what to do.
# The trees are symbolic links to the real ones but for Module.symvers.
set -uo pipefail
. "$(dirname "$0")/../scripts/common.sh"

out=$TOP/build/shapes
n=0
failed=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		failed=1
	fi
}

# build NAME KDIR SED-SCRIPT: the module against KDIR with its
# Module.symvers passed through SED-SCRIPT; the log is $out/NAME.log.
build() {
	local name=$1 kdir=$2 edit=$3 d=$out/$1
	rm -rf "$d"
	mkdir -p "$d/kdir" "$d/src"
	ln -s "$kdir"/* "$kdir/.config" "$d/kdir/"
	rm "$d/kdir/Module.symvers" "$d/kdir/Makefile"
	sed -e "$edit" "$kdir/Module.symvers" >"$d/kdir/Module.symvers"
	# From 6.13 the tree's Makefile names the tree: name this one.
	sed "s|$kdir|$d/kdir|" "$kdir/Makefile" >"$d/kdir/Makefile"
	rsync -a -m --exclude=/build --exclude=/tools --exclude=/.git \
		--include='*/' --include=Kbuild --include='*.[ch]' --exclude='*' \
		"$TOP/" "$d/src/"
	make -C "$d/kdir" M="$d/src" CC="$KCC" CONFIG_DMABUF_HEAPS_CHUNK=m modules \
		>"$out/$name.log" 2>&1 && test -f "$d/src/chunk_heap.ko"
}

# uses KO SYMBOL, lacks KO SYMBOL: whether the module KO, which must
# exist, links against SYMBOL or not.
uses() { [ -f "$1" ] && nm -u "$1" | grep -qw "$2"; }
lacks() { [ -f "$1" ] && ! nm -u "$1" | grep -qw "$2"; }

x86_612=$CACHE/build/vm
x86_73=$CACHE/build/vm-x86_64-7.3-4k

build android "$x86_612" \
	'/\tdma_contiguous_get_area_by_idx\t/d; s/^\(.*\tdma_heap_[a-z_]*\t.*\t\)DMA_BUF_HEAP$/\1/'
ok $? "android-shaped: the module builds"
ko=$out/android/src/chunk_heap.ko
uses "$ko" cma_for_each_area && uses "$ko" cma_get_size
ok $? "android-shaped: it walks every area and knows their sizes"
lacks "$ko" dma_contiguous_get_area_by_idx
ok $? "android-shaped: it does not need dma_contiguous_get_area_by_idx()"
[ -f "$ko" ] && ! modinfo -F import_ns "$ko" | grep -qx CMA
ok $? "android-shaped: no CMA namespace import"

build stock "$x86_73" '/\tcma_for_each_area\t/d; /\tcma_get_base\t/d; /\tcma_get_size\t/d'
ok $? "stock 7.3: the module builds"
ko=$out/stock/src/chunk_heap.ko
uses "$ko" dma_contiguous_get_area_by_idx
ok $? "stock 7.3: it finds the areas through dma_contiguous_get_area_by_idx()"
lacks "$ko" cma_for_each_area && lacks "$ko" cma_get_base && lacks "$ko" cma_get_size
ok $? "stock 7.3: it uses none of the exports that 7.3 lacks"

build old "$x86_612" \
	'/\tdma_contiguous_get_area_by_idx\t/d; /\tcma_[a-z_]*\t/d; /\tdma_heap_[a-z_]*\t/d'
[ $? -ne 0 ] && grep -q 'chunk_heap: kernel .* does not export dma_heap_add' "$out/old.log" &&
	! grep -q 'undefined!' "$out/old.log"
ok $? "stock 6.12: the build stops with one line naming what is missing"

# Plain "make" in a clone with no test kernel built: the running kernel's
# headers (here the 7.3 tree stands for them), or one line saying what to do.
rm -rf "$out/plain" "$out/plain-none"
make -s -C "$TOP" CHUNK_HEAP_CACHE="$out/empty" RUNNING_KDIR="$x86_73" \
	BUILD="$out/plain" module >"$out/plain.log" 2>&1 &&
	modinfo -F vermagic "$out/plain/module/chunk_heap.ko" | grep -q '^7\.3'
ok $? "plain make without a test kernel builds against the running kernel's headers"
make -s -C "$TOP" CHUNK_HEAP_CACHE="$out/empty" RUNNING_KDIR="$out/none" \
	BUILD="$out/plain-none" module >/dev/null 2>"$out/plain-none.log"
[ $? -eq 2 ] && [ "$(wc -l <"$out/plain-none.log")" = 1 ] &&
	grep -q "no kernel tree at $out/none: install linux-headers" "$out/plain-none.log"
ok $? "... and without headers it stops with one line that says what to do"

echo "1..$n"
exit $failed
