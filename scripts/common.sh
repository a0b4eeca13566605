# SPDX-License-Identifier: GPL-2.0
# Shared settings for the chunk_heap build and test scripts. Sourced, not run.
#
# The configuration of the test matrix a script works on is chosen by
# three variables, so that one script serves every configuration:
#   CHUNK_HEAP_ARCH   x86_64 (default) or arm64 (cross-built)
#   CHUNK_HEAP_KVER   6.12 (default), 6.1 or 7.3: Debian's linux-source-<version>
#                     (7.3 fetched from trixie-backports by scripts/fetch.sh)
#   CHUNK_HEAP_PAGES  4k (default) or 16k (arm64 only)

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KARCH=${CHUNK_HEAP_ARCH:-x86_64}
KVER=${CHUNK_HEAP_KVER:-6.12}
KPAGES=${CHUNK_HEAP_PAGES:-4k}
CONF=$KARCH-$KVER-$KPAGES
CACHE=${CHUNK_HEAP_CACHE:-$HOME/.cache/chunk_heap}
KSRC=$CACHE/linux-source-$KVER
# The build directories of the configuration. x86_64 6.12 keeps the names
# it had before the matrix, so that its caches stay good.
sfx=-$CONF
[ "$CONF" = x86_64-6.12-4k ] && sfx=
KBUILD_VM=$CACHE/build/vm$sfx
KBUILD_SAN=$CACHE/build/san$sfx
KBUILD_KUNIT=$CACHE/build/kunit$sfx
unset sfx
# The configuration whose kernels also have kernel/guest.config: its VM
# kernel boots the Debian guest, and its kunit.py kernel has the same
# options but the suites, so that ccache shares most objects between them.
GUEST_CONF=x86_64-6.12-4k
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
# Depend mode: a miss costs one preprocessor run less (a quarter of a
# first kernel build here), and a hit needs the same headers anyway.
export CCACHE_DEPEND=${CCACHE_DEPEND:-true}
JOBS=$(nproc)

# KMAKE: make's arguments for $KARCH; KIMAGE: the kernel image, under a
# build directory; KTARGET: the make target that builds it.
case $KARCH in
x86_64)
	KCC="ccache gcc"
	KMAKE=(CC="$KCC")
	KIMAGE=arch/x86/boot/bzImage
	KTARGET=bzImage
	;;
arm64)
	KCC="ccache aarch64-linux-gnu-gcc"
	KMAKE=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- CC="$KCC")
	KIMAGE=arch/arm64/boot/Image
	KTARGET=Image
	;;
*)
	printf 'error: CHUNK_HEAP_ARCH=%s: x86_64 or arm64\n' "$KARCH" >&2
	exit 1
	;;
esac
case $KARCH-$KPAGES in
*-4k | arm64-16k) ;;
*)
	printf 'error: CHUNK_HEAP_PAGES=%s: 4k, or 16k on arm64\n' "$KPAGES" >&2
	exit 1
	;;
esac

say() { printf '==> [%s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
