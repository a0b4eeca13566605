#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages of build/deb/ (make deb), as TAP: what they hold,
# the systemd unit, bash completion, and DKMS building and installing the
# module from chunk-heap-dkms against the project's kernel build tree, in
# a DKMS tree of its own (nothing is installed on this machine). Also that
# a kernel without the exports of patches/ stops the build with one line,
# and that DKMS builds for the patched 6.1 and 7.3 too.
# The module DKMS built is left in build/deb/dkms/ for the Debian guest.
#
#   tests/deb/run.sh KDIR
set -uo pipefail
. "$(dirname "$0")/../../scripts/common.sh"

kdir=$1
deb=$TOP/build/deb
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
check() {
	local desc=$1
	shift
	"$@" >"$T/out" 2>&1
	local rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' "$T/out" | tail -15
	ok $rc "$desc"
}

version=$(sed -nE 's/^PACKAGE_VERSION="(.*)"/\1/p' "$TOP/dkms.conf")
krel=$(cat "$kdir/include/config/kernel.release")
dkms_deb=$deb/chunk-heap-dkms_${version}_all.deb
heapctl_deb=$(ls "$deb"/heapctl_"${version}"_*.deb)

# ---- heapctl ----
dpkg-deb -x "$heapctl_deb" "$T/heapctl"
for f in usr/sbin/heapctl usr/share/man/man8/heapctl.8.gz \
	 usr/share/bash-completion/completions/heapctl \
	 lib/systemd/system/chunk-heap.service \
	 usr/share/doc/heapctl/examples/70-chunk-heap.rules \
	 usr/share/doc/heapctl/examples/chunk-heap.init \
	 usr/share/doc/heapctl/admin-guide.rst.gz usr/share/doc/heapctl/heapctl.rst.gz \
	 usr/share/doc/heapctl/heapctl-schema.json.gz; do
	check "heapctl package has /$f" test -s "$T/heapctl/$f"
done
check "heapctl package's binary is dynamic and runs" \
	sh -c "! file '$T/heapctl/usr/sbin/heapctl' | grep -q static &&
	       '$T/heapctl/usr/sbin/heapctl' --version | grep -qx 'heapctl $version'"
check "the unit runs /usr/sbin/heapctl restore, reload and clear of what it recorded" \
	sh -c "u='$T/heapctl/lib/systemd/system/chunk-heap.service' &&
	       grep -qx 'ExecStart=/usr/sbin/heapctl restore --record /run/chunk_heap/unit-heaps' \"\$u\" &&
	       grep -qx 'ExecReload=/usr/sbin/heapctl restore --force --record /run/chunk_heap/unit-heaps' \"\$u\" &&
	       grep -qx 'ExecStop=/usr/sbin/heapctl clear --recorded /run/chunk_heap/unit-heaps' \"\$u\""
# The unit's commands must exist in the root it is verified in.
install -D "$(readlink -f /sbin/modprobe)" "$T/heapctl/sbin/modprobe"
check "systemd-analyze verify is clean on the unit" \
	sh -c "MANPATH='$T/heapctl/usr/share/man' systemd-analyze verify --root='$T/heapctl' /lib/systemd/system/chunk-heap.service 2>&1 |
	       tee /dev/stderr | grep -q . && exit 1 || exit 0"

# completes WANT WORDS...: completing "heapctl WORDS" offers exactly WANT.
completes() {
	local want=$1 got
	shift
	got=$(bash -c '. /usr/share/bash-completion/bash_completion
		. "$1"; shift
		COMP_WORDS=(heapctl "$@"); COMP_CWORD=$#
		COMP_LINE="heapctl $*"; COMP_POINT=${#COMP_LINE}
		_heapctl; echo "${COMPREPLY[*]}"' _ \
		"$T/heapctl/usr/share/bash-completion/completions/heapctl" "$@")
	[ "$got" = "$want" ] || { echo "got '$got'"; return 1; }
}
check "completion: commands" completes "set" se
check "completion: global options" completes "--root" --r
check "completion: --numa-policy words" completes "interleave" set x --numa-policy i
check "completion: restore options" completes "--dry-run" restore --d
check "completion: create options" completes "--chunk-size" create x --ch

# ---- chunk-heap-dkms and DKMS ----
dpkg-deb -x "$dkms_deb" "$T/dkms-root"
check "chunk-heap-dkms has dkms.conf and the source in /usr/src" \
	test -s "$T/dkms-root/usr/src/chunk-heap-$version/dkms.conf" -a \
	     -s "$T/dkms-root/usr/src/chunk-heap-$version/src/core/alloc.c"
check "chunk-heap-dkms has the kernel patches" \
	sh -c "ls '$T/dkms-root/usr/share/doc/chunk-heap-dkms/patches/'6.1/*.patch \
	       '$T/dkms-root/usr/share/doc/chunk-heap-dkms/patches/'6.12/*.patch"

dkms_args=(-m chunk-heap -v "$version" --sourcetree "$T/dkms-root/usr/src"
	   --dkmstree "$T/dkms-tree" --installtree "$T/root/lib/modules")
mkdir -p "$T/dkms-tree" "$T/root/lib/modules/$krel"
check "dkms add" dkms add "${dkms_args[@]}"
check "dkms build against the project's kernel ($krel)" \
	dkms build "${dkms_args[@]}" -k "$krel" --kernelsourcedir "$kdir"
# depmod runs on its own, in the same tree: DKMS's would use /lib/modules.
check "dkms install" dkms install "${dkms_args[@]}" -k "$krel" --kernelsourcedir "$kdir" \
	--no-depmod
ko=$(find "$T/root" -name 'chunk_heap.ko*' | head -1)
check "... puts chunk_heap.ko in updates/dkms" \
	sh -c "echo '$ko' | grep -q '/$krel/updates/dkms/chunk_heap.ko'"
# The Debian guest (scripts/guest.sh) installs this module.
mkdir -p "$deb/dkms"
cp "$ko" "$deb/dkms/" 2>/dev/null
check "... where modprobe finds it" \
	sh -c "depmod -b '$T/root' '$krel' &&
	       modprobe -d '$T/root' -S '$krel' --show-depends chunk_heap | grep -q updates/dkms/chunk_heap.ko"
check "... built for $krel" \
	sh -c "modinfo -F vermagic '$ko' | grep -q '^$krel '"
check "the packages carry the admin guide" \
	test -s "$T/dkms-root/usr/share/doc/chunk-heap-dkms/admin-guide.rst.gz"

# Every kernel the README names (the stock guest builds for Debian's 7.3).
for k in "$CACHE/build/vm-x86_64-6.1-4k" "$CACHE/build/vm-x86_64-7.3-4k"; do
	r=$(cat "$k/include/config/kernel.release")
	check "dkms build against patched $r" \
		dkms build "${dkms_args[@]}" -k "$r" --kernelsourcedir "$k"
done

# A kernel without cma_alloc's export: the same tree, less one line.
mkdir -p "$T/nokern"
cp -as "$(cd "$kdir" && pwd)/." "$T/nokern/"
rm "$T/nokern/Module.symvers"
grep -vw cma_alloc "$kdir/Module.symvers" >"$T/nokern/Module.symvers"
dkms build "${dkms_args[@]}" -k "$krel" --kernelsourcedir "$T/nokern" --force \
	>"$T/nokern.out" 2>&1
ok $((! $?)) "dkms build fails on a kernel without the exports"
log=$(ls -t $(find "$T/dkms-tree" -name make.log) | head -1)
check "... and make.log says which, in one line" \
	grep -q "does not export cma_alloc: use Linux 7.1 or later, or the patches of patches/6.12" "$log"
check "... before modpost" sh -c "! grep -q 'undefined!' '$log'"

echo "1..$n"
