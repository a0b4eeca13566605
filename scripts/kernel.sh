#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare and build the kernels that chunk_heap is tested on.
#
#   kernel.sh prepare   unpack Debian's linux-source-$KVER, apply
#                       patches/$KVER/ and copy the module's sources into
#                       the in-tree overlay, drivers/dma-buf/heaps/chunk_heap
#   kernel.sh vm        the VM kernel; on x86_64 6.12 also the Debian
#                       guest's (kernel/guest.config)
#   kernel.sh san       the sanitizer kernel (kernel/sanitizer.config:
#                       KASAN, lockdep, kmemleak, fault injection, ...)
#
# for the configuration that CHUNK_HEAP_ARCH, CHUNK_HEAP_KVER and
# CHUNK_HEAP_PAGES choose (scripts/common.sh). Each .config is
# kernel/chunk_heap.config, then the fragments of the architecture, the
# version, the page size and the job, then olddefconfig. Everything
# lives in $CHUNK_HEAP_CACHE (default ~/.cache/chunk_heap), so a fresh
# clone reuses an earlier build, and ccache makes rebuilds cheap.
set -euo pipefail
. "$(dirname "$0")/common.sh"

# What the unpacked source depends on: the patches and how prepare()
# applies them, not the rest of this script.
patch_stamp() {
	(cat "$TOP"/patches/$KVER/*.patch; declare -f prepare) | sha1sum | cut -c1-12
}

prepare() {
	local tarball=/usr/src/linux-source-$KVER.tar.xz stamp
	stamp=$(patch_stamp)
	if [ "$(cat "$KSRC/.chunk_heap-stamp" 2>/dev/null)" != "$stamp" ]; then
		# Bookworm has 6.1 and 6.12; newer sources come from trixie.
		if [ ! -f "$tarball" ] && [ "$KVER" != 6.1 ] && [ "$KVER" != 6.12 ]; then
			"$TOP/scripts/fetch.sh" "linux-source-$KVER"
			tarball=$CACHE/debian/root/linux-source-$KVER/usr/src/linux-source-$KVER.tar.xz
		fi
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
	# The overlay is a copy of this checkout's module sources, updated by
	# content: a new clone, whose files are all new, rebuilds nothing.
	local overlay=$KSRC/drivers/dma-buf/heaps/chunk_heap
	[ -L "$overlay" ] && rm "$overlay"
	mkdir -p "$overlay"
	rsync -rc -m --delete --exclude=/build --exclude=/tools --exclude=/tests \
		--exclude=/.git --include='*/' --include=Kbuild --include=Kconfig \
		--include='*.[ch]' --exclude='*' "$TOP/" "$overlay/"
}

# fragments JOB...: the fragment files of this configuration, and of each
# JOB (guest, sanitizer).
fragments() {
	local f pages=
	[ "$KPAGES" = 4k ] || pages=$KPAGES
	for f in chunk_heap "$KARCH" "$KVER" $pages "$@"; do
		echo "$TOP/kernel/$f.config"
	done
}

# build_kernel NAME DIR JOB...: rebuilt only when the patches or the
# fragments change.
build_kernel() {
	local name=$1 dir=$2 stamp opt
	local -a frags
	shift 2
	mapfile -t frags < <(fragments "$@")
	prepare
	stamp=$( (patch_stamp; cat "${frags[@]}") | sha1sum | cut -c1-12)
	if [ -f "$dir/$KIMAGE" ] &&
	   [ "$(cat "$dir/.chunk_heap-stamp" 2>/dev/null)" = "$stamp" ]; then
		say "$name kernel is up to date ($dir)"
		return
	fi
	mkdir -p "$dir"
	cat "${frags[@]}" >"$dir/.config"
	make -s -C "$KSRC" O="$dir" "${KMAKE[@]}" olddefconfig
	# Every option of the fragments must have survived olddefconfig.
	grep -h '^CONFIG_' "${frags[@]}" | while read -r opt; do
		grep -qx "$opt" "$dir/.config" ||
			die "kernel config lost $opt (missing dependency?)"
	done
	say "building the $name kernel in $dir"
	local t0=$SECONDS
	make -s -C "$KSRC" O="$dir" "${KMAKE[@]}" -j"$JOBS" "$KTARGET" modules
	say "$name kernel built in $((SECONDS - t0)) s"
	echo "$stamp" >"$dir/.chunk_heap-stamp"
}

case "${1:-}" in
prepare) prepare ;;
vm)
	if [ "$CONF" = "$GUEST_CONF" ]; then
		build_kernel "$CONF VM" "$KBUILD_VM" guest
	else
		build_kernel "$CONF VM" "$KBUILD_VM"
	fi
	;;
san) build_kernel "$CONF sanitizer" "$KBUILD_SAN" sanitizer ;;
*) die "usage: $0 prepare|vm|san" ;;
esac
