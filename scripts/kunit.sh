#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the KUnit suites with kunit.py on the patched source, through the
# in-tree overlay (drivers/dma-buf/heaps/chunk_heap, a copy of the
# module's sources that kernel.sh prepare updates), for the configuration
# that CHUNK_HEAP_ARCH, CHUNK_HEAP_KVER and CHUNK_HEAP_PAGES choose
# (scripts/common.sh): x86_64 by default, arm64 cross-built.
# The guest has two NUMA nodes with one CPU each, a 64 MiB default CMA
# area and a 16 MiB area per node (32 MiB with 16 KiB pages, whose
# pageblocks are 32 MiB). Extra arguments go to kunit.py, e.g.
#   scripts/kunit.sh --raw_output
#   scripts/kunit.sh build     build the kernel only
#   scripts/kunit.sh build-all build every configuration's, one at a time
#   scripts/kunit.sh exec      run the suites in the kernel built before
set -euo pipefail
. "$(dirname "$0")/common.sh"

if [ "${1:-}" = build-all ]; then
	shift
	for conf in CHUNK_HEAP_KVER=6.12 CHUNK_HEAP_KVER=6.1 CHUNK_HEAP_KVER=7.3 \
		CHUNK_HEAP_ARCH=arm64 "CHUNK_HEAP_ARCH=arm64 CHUNK_HEAP_PAGES=16k"; do
		# shellcheck disable=SC2086 # $conf is one or two assignments
		env -u CHUNK_HEAP_ARCH -u CHUNK_HEAP_KVER -u CHUNK_HEAP_PAGES $conf \
			"$0" build "$@"
	done
	exit 0
fi

pernuma=16M
[ "$KPAGES" = 16k ] && pernuma=32M
args=(--arch="$KARCH" --make_options "CC=$KCC")
[ "$KARCH" = arm64 ] && args+=(--cross_compile=aarch64-linux-gnu-)
# The fragments of the configuration's VM kernel, so that the two kernels
# share most objects in ccache.
extra=()
[ "$KPAGES" = 4k ] || extra+=(--kunitconfig="$TOP/kernel/$KPAGES.config")
[ "$CONF" = "$GUEST_CONF" ] && extra+=(--kunitconfig="$TOP/kernel/guest.config")

# "build" only builds kunit.py's kernel, and "exec" only runs the suites
# in the kernel built before: make check builds every kernel first, then
# runs the tests beside each other without building any.
cmd=run
case "${1:-}" in
build | exec)
	cmd=$1
	shift
	;;
esac
common=("${args[@]}" --build_dir="$KBUILD_KUNIT"
	--kunitconfig="$TOP/kernel/chunk_heap.config"
	--kunitconfig="$TOP/kernel/$KARCH.config"
	--kunitconfig="$TOP/kernel/$KVER.config"
	"${extra[@]}" --kunitconfig="$TOP/kunit")
run_args=(--timeout=300
	--kernel_args "cma=64M" --kernel_args "cma_pernuma=$pernuma"
	--kernel_args "panic=-1"
	--qemu_args "-smp 2,sockets=2,cores=1,threads=1"
	--qemu_args "-object memory-backend-ram,id=m0,size=512M"
	--qemu_args "-object memory-backend-ram,id=m1,size=512M"
	--qemu_args "-numa node,nodeid=0,cpus=0,memdev=m0"
	--qemu_args "-numa node,nodeid=1,cpus=1,memdev=m1")

"$TOP/scripts/kernel.sh" prepare
mkdir -p "$KBUILD_KUNIT"
cd "$KSRC"

# What kunit.py's kernel is made of: the patched source, the overlay,
# the fragments and these arguments, wherever the clone is. A build that
# would change nothing is skipped: make alone takes about 14 s to find
# that out.
kunit_stamp() {
	local a f
	(cat .chunk_heap-stamp
	 find drivers/dma-buf/heaps/chunk_heap -type f | LC_ALL=C sort | xargs sha1sum
	 for a in "${common[@]}"; do
		f=${a#--kunitconfig=}
		[ "$f" = "$a" ] && continue
		[ -d "$f" ] && f=$f/.kunitconfig
		cat "$f"
	 done
	 printf '%s\n' "${common[@]}" "$@" | sed "s|$TOP||g") | sha1sum | cut -c1-12
}

case $cmd in
build)
	stamp=$(kunit_stamp "$@")
	if [ "$(cat "$KBUILD_KUNIT/.chunk_heap-stamp" 2>/dev/null)" = "$stamp" ]; then
		say "kunit.py's $CONF kernel is up to date ($KBUILD_KUNIT)"
		exit 0
	fi
	rm -f "$KBUILD_KUNIT/.chunk_heap-stamp"
	# The first build starts from a copy of the VM kernel, whose
	# configuration differs in the suites only: make then rebuilds what
	# they touch, instead of the whole kernel again.
	if [ ! -f "$KBUILD_KUNIT/.config" ] && [ -f "$KBUILD_VM/.config" ]; then
		say "copying the $CONF VM kernel's objects into $KBUILD_KUNIT"
		cp -a "$KBUILD_VM/." "$KBUILD_KUNIT/"
		rm -f "$KBUILD_KUNIT/.chunk_heap-stamp"
		# objtool's build records absolute paths, so the copy rebuilds
		# it, and a newer objtool would rebuild every object: build it
		# now and give it back its times, as the same program it is.
		if [ -x "$KBUILD_VM/tools/objtool/objtool" ]; then
			make -s -C "$KSRC" O="$KBUILD_KUNIT" "${KMAKE[@]}" tools/objtool
			find "$KBUILD_KUNIT/tools/objtool" -exec touch -h \
				-r "$KBUILD_VM/tools/objtool/objtool" {} +
		fi
	fi
	python3 tools/testing/kunit/kunit.py build "${common[@]}" --jobs="$JOBS" "$@"
	echo "$stamp" >"$KBUILD_KUNIT/.chunk_heap-stamp"
	;;
exec) exec python3 tools/testing/kunit/kunit.py exec "${common[@]}" "${run_args[@]}" "$@" ;;
*) exec python3 tools/testing/kunit/kunit.py run "${common[@]}" --jobs="$JOBS" "${run_args[@]}" "$@" ;;
esac
