#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# heapctl's own tests: run on the host, against a fake configfs/sysfs tree
# (--root), without a VM. Prints TAP.
set -u
HEAPCTL=${HEAPCTL:-../heapctl}
ROOT=$(mktemp -d)
trap 'rm -rf "$ROOT"' EXIT
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }

# t DESC WANT_RC WANT_OUTPUT_REGEX ARGS...: run heapctl, check exit code
# and that stdout+stderr match the regex.
t() {
	desc=$1 want_rc=$2 want_re=$3
	shift 3
	out=$("$HEAPCTL" --root "$ROOT" "$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$desc: exit $rc, want $want_rc: $out"
	elif ! printf '%s\n' "$out" | grep -qE -- "$want_re"; then
		not_ok "$desc: output '$out' does not match '$want_re'"
	else
		ok "$desc"
	fi
}

t "no command is a usage error" 2 "usage: heapctl" 
t "--help succeeds" 0 "usage: heapctl" --help
t "an unknown command is a usage error" 2 "unknown command 'frob'" frob
t "an unknown global option is a usage error" 2 "usage" --frob
t "alloc --help describes alloc" 0 "usage: heapctl alloc" alloc --help
t "alloc needs a size" 2 "usage: heapctl alloc" alloc video64k
t "alloc refuses size 0" 2 "positive size" alloc video64k 0
t "alloc refuses a bad suffix" 2 "positive size" alloc video64k 12Q
t "alloc refuses a negative size" 2 "invalid option|positive size" alloc video64k -4K
t "alloc refuses an overflowing size" 2 "positive size" alloc video64k 99999999999T
t "alloc refuses --count 0" 2 "--count" alloc video64k 1M --count 0
t "alloc refuses --count x" 2 "--count" alloc video64k 1M --count x
t "alloc names the missing device" 1 \
	"/dev/dma_heap/nosuch: No such file or directory" alloc nosuch 1M

echo "1..$n"
