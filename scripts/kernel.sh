#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare and build the kernel that chunk_heap is tested on.
#
#   kernel.sh prepare   unpack Debian's linux-source-6.12, apply
#                       patches/6.12/ and hook the in-tree overlay
#                       (drivers/dma-buf/heaps/chunk_heap -> this tree)
#   kernel.sh vm        build the VM kernel (kernel/chunk_heap.config)
#
# Everything lives in $CHUNK_HEAP_CACHE (default ~/.cache/chunk_heap), so a
# fresh clone reuses an earlier build, and ccache makes rebuilds cheap.
set -euo pipefail
. "$(dirname "$0")/common.sh"

patch_stamp() {
	cat "$TOP"/patches/$KVER/*.patch "$TOP/scripts/kernel.sh" | sha1sum | cut -c1-12
}

prepare() {
	local tarball=/usr/src/linux-source-$KVER.tar.xz stamp
	stamp=$(patch_stamp)
	if [ "$(cat "$KSRC/.chunk_heap-stamp" 2>/dev/null)" != "$stamp" ]; then
		[ -f "$tarball" ] || die "$tarball missing: run scripts/deps.sh"
		say "unpacking $tarball"
		rm -rf "$KSRC"
		mkdir -p "$CACHE"
		tar -C "$CACHE" -xf "$tarball"
		for p in "$TOP"/patches/$KVER/*.patch; do
			say "applying $(basename "$p")"
			patch -d "$KSRC" -p1 -s <"$p"
		done
		# The overlay: kunit.py builds only in-tree code.
		printf '\nsource "drivers/dma-buf/heaps/chunk_heap/Kconfig"\n' \
			>>"$KSRC/drivers/dma-buf/heaps/Kconfig"
		printf 'obj-$(CONFIG_DMABUF_HEAPS_CHUNK) += chunk_heap/\n' \
			>>"$KSRC/drivers/dma-buf/heaps/Makefile"
		echo "$stamp" >"$KSRC/.chunk_heap-stamp"
	fi
	# Point the overlay at this checkout (it may be a new clone).
	ln -sfn "$TOP" "$KSRC/drivers/dma-buf/heaps/chunk_heap"
}

build_vm() {
	local stamp
	prepare
	stamp=$( (patch_stamp; cat "$TOP/kernel/chunk_heap.config") | sha1sum | cut -c1-12)
	if [ -f "$KBUILD_VM/arch/x86/boot/bzImage" ] &&
	   [ "$(cat "$KBUILD_VM/.chunk_heap-stamp" 2>/dev/null)" = "$stamp" ]; then
		say "VM kernel is up to date ($KBUILD_VM)"
		return
	fi
	mkdir -p "$KBUILD_VM"
	cp "$TOP/kernel/chunk_heap.config" "$KBUILD_VM/.config"
	make -s -C "$KSRC" O="$KBUILD_VM" CC="$KCC" olddefconfig
	# Every option of the fragment must have survived olddefconfig.
	grep '^CONFIG_' "$TOP/kernel/chunk_heap.config" | while read -r opt; do
		grep -qx "$opt" "$KBUILD_VM/.config" ||
			die "kernel config lost $opt (missing dependency?)"
	done
	say "building the VM kernel in $KBUILD_VM"
	local t0=$SECONDS
	make -s -C "$KSRC" O="$KBUILD_VM" CC="$KCC" -j"$JOBS" bzImage modules
	say "VM kernel built in $((SECONDS - t0)) s"
	echo "$stamp" >"$KBUILD_VM/.chunk_heap-stamp"
}

case "${1:-}" in
prepare) prepare ;;
vm) build_vm ;;
*) die "usage: $0 prepare|vm" ;;
esac
