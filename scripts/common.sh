# SPDX-License-Identifier: GPL-2.0
# Shared settings for the chunk_heap build and test scripts. Sourced, not run.

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KVER=6.12
CACHE=${CHUNK_HEAP_CACHE:-$HOME/.cache/chunk_heap}
KSRC=$CACHE/linux-source-$KVER
KBUILD_VM=$CACHE/build/vm
KBUILD_SAN=$CACHE/build/san
KBUILD_KUNIT=$CACHE/build/kunit
export CCACHE_DIR=${CCACHE_DIR:-$CACHE/ccache}
KCC="ccache gcc"
JOBS=$(nproc)

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
