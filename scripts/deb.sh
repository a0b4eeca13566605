#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: build chunk-heap-dkms and heapctl into build/deb/ from
# packaging/, with dpkg-deb, and check both with lintian (errors fail).
set -euo pipefail
. "$(dirname "$0")/common.sh"

out=$TOP/build/deb
stage=$out/stage
version=$(sed -nE 's/^#define HEAPCTL_VERSION\t+"(.*)"/\1/p' "$TOP/tools/heapctl/heapctl.h")
dkms_version=$(sed -nE 's/^PACKAGE_VERSION="(.*)"/\1/p' "$TOP/dkms.conf")
module_version=$(sed -nE 's/^MODULE_VERSION\("(.*)"\);/\1/p' "$TOP/src/main.c")
[ -n "$version" ] && [ "$version" = "$dkms_version" ] && [ "$version" = "$module_version" ] ||
	die "heapctl.h says version '$version', dkms.conf '$dkms_version', src/main.c '$module_version'"
arch=$(dpkg --print-architecture)
export DEB_BUILD_MAINT_OPTIONS=hardening=+all

# subst FILE: the file with its @VERSION@, @ARCH@ and @SIZE@ filled in.
subst() {
	sed -e "s/@VERSION@/$version/g" -e "s/@ARCH@/$arch/g" -e "s/@SIZE@/${size:-0}/g" "$1"
}

# docs PKG ROOT [DOC...]: copyright and changelog, as Debian policy wants
# them, and the documents DOC... of Documentation/, which the man page and
# the README point to.
docs() {
	local d=$2/usr/share/doc/$1 f
	install -d "$d"
	install -m 0644 "$TOP/packaging/copyright" "$d/copyright"
	subst "$TOP/packaging/changelog" | gzip -9n >"$d/changelog.gz"
	shift 2
	for f in "$@"; do
		gzip -9n <"$TOP/Documentation/$f" >"$d/$f.gz"
	done
}

# package PKG ROOT: DEBIAN/ from packaging/PKG, md5sums, then the .deb.
package() {
	local pkg=$1 root=$2 f
	install -d "$root/DEBIAN"
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	subst "$TOP/packaging/$pkg/control" >"$root/DEBIAN/control"
	for f in postinst postrm prerm; do
		[ -f "$TOP/packaging/$pkg/$f" ] || continue
		subst "$TOP/packaging/$pkg/$f" >"$root/DEBIAN/$f"
		chmod 0755 "$root/DEBIAN/$f"
	done
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
		sort -z | xargs -0 md5sum >DEBIAN/md5sums)
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out/${pkg}_${version}_$(
		sed -n 's/^Architecture: //p' "$root/DEBIAN/control").deb" >/dev/null
}

rm -rf "$out"
mkdir -p "$stage"
umask 022

# heapctl: linked dynamically and hardened (dpkg-buildflags), installed as /usr/sbin/heapctl with its unit
# in /lib/systemd/system (Debian 12 keeps units there).
make -s -C "$TOP/tools/heapctl" O="$out/heapctl-build" STATIC= \
	CFLAGS="$(dpkg-buildflags --get CFLAGS)" CPPFLAGS="$(dpkg-buildflags --get CPPFLAGS)" \
	LDFLAGS="$(dpkg-buildflags --get LDFLAGS)" \
	DESTDIR="$stage/heapctl" PREFIX=/usr UNITDIR=/lib/systemd/system install
strip --remove-section=.comment --remove-section=.note "$stage/heapctl/usr/sbin/heapctl"
gzip -9n "$stage/heapctl/usr/share/man/man8/heapctl.8"
install -d -m 0755 "$stage/heapctl/etc/chunk_heap"
docs heapctl "$stage/heapctl" admin-guide.rst heapctl.rst heapctl-schema.json
package heapctl "$stage/heapctl"

# chunk-heap-dkms: the module's source in /usr/src, and the kernel patches.
src=$stage/chunk-heap-dkms/usr/src/chunk-heap-$version
install -d "$src"
(cd "$TOP" && cp -r --parents dkms.conf Kbuild Kconfig $(find src -name '*.[ch]') "$src/")
docs chunk-heap-dkms "$stage/chunk-heap-dkms" admin-guide.rst
for v in "$TOP"/patches/*; do
	d=$stage/chunk-heap-dkms/usr/share/doc/chunk-heap-dkms/patches/${v##*/}
	install -d "$d"
	install -m 0644 "$v"/*.patch "$d/"
done
find "$stage/chunk-heap-dkms" -type f -exec chmod 0644 {} +
package chunk-heap-dkms "$stage/chunk-heap-dkms"

rm -rf "$stage" "$out/heapctl-build"
ls "$out"/*.deb
if ! lintian --fail-on error,warning "$out"/*.deb >"$out/lintian.txt" 2>&1; then
	cat "$out/lintian.txt" >&2
	die "lintian found errors or warnings (build/deb/lintian.txt)"
fi
