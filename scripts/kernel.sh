#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare and build the kernel that chunk_heap is tested on.
#
#   kernel.sh prepare   unpack Debian's linux-source-6.12, apply
#                       patches/6.12/ and hook the in-tree overlay
#                       (drivers/dma-buf/heaps/chunk_heap -> this tree)
#   kernel.sh vm        build the VM kernel (kernel/chunk_heap.config and
#                       kernel/guest.config, for the Debian guest)
#   kernel.sh san       build the sanitizer kernel (the same, plus
#                       kernel/sanitizer.config: KASAN, lockdep, kmemleak,
#                       fault injection, ...)
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

# build_kernel NAME DIR FRAGMENT...: the .config is the fragments, then
# olddefconfig; rebuilt only when the patches or the fragments change.
build_kernel() {
	local name=$1 dir=$2 stamp opt
	shift 2
	prepare
	stamp=$( (patch_stamp; cat "$@") | sha1sum | cut -c1-12)
	if [ -f "$dir/arch/x86/boot/bzImage" ] &&
	   [ "$(cat "$dir/.chunk_heap-stamp" 2>/dev/null)" = "$stamp" ]; then
		say "$name kernel is up to date ($dir)"
		return
	fi
	mkdir -p "$dir"
	cat "$@" >"$dir/.config"
	make -s -C "$KSRC" O="$dir" CC="$KCC" olddefconfig
	# Every option of the fragments must have survived olddefconfig.
	grep -h '^CONFIG_' "$@" | while read -r opt; do
		grep -qx "$opt" "$dir/.config" ||
			die "kernel config lost $opt (missing dependency?)"
	done
	say "building the $name kernel in $dir"
	local t0=$SECONDS
	make -s -C "$KSRC" O="$dir" CC="$KCC" -j"$JOBS" bzImage modules
	say "$name kernel built in $((SECONDS - t0)) s"
	echo "$stamp" >"$dir/.chunk_heap-stamp"
}

case "${1:-}" in
prepare) prepare ;;
vm) build_kernel VM "$KBUILD_VM" "$TOP/kernel/chunk_heap.config" \
	"$TOP/kernel/guest.config" ;;
san) build_kernel sanitizer "$KBUILD_SAN" "$TOP/kernel/chunk_heap.config" \
	"$TOP/kernel/sanitizer.config" ;;
*) die "usage: $0 prepare|vm|san" ;;
esac
