#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The stock guest: Debian 13 (trixie) booting Debian's own, unmodified
# 7.3 kernel from trixie-backports (no patch: the module runs degraded),
# with cma=256M on its command line (Debian's CMA_SIZE_MBYTES is 0).
# tests/stock/stock-test.sh installs the packages of build/deb/ with apt,
# offline, so that DKMS builds the module in the guest against Debian's
# headers with the guest's gcc-14, makes a heap, saves it, reboots, and
# checks that chunk-heap.service brought it back, that a user of the
# heap's group gets zeroed buffers, and what the kernel's own
# dmabuf-heaps selftest says of it (TAP).
#
#   stock.sh rootfs        make $CHUNK_HEAP_CACHE/stock/rootfs.img if needed,
#                          with the kernel and initrd beside it
#   stock.sh selftest      build $CHUNK_HEAP_CACHE/stock/dmabuf-heap, the
#                          selftest of linux-source-7.3, static
#   stock.sh run LOG       both, then boot it (twice) with a fresh overlay;
#                          TAP in LOG
#
# The image has everything DKMS needs (dkms, build-essential, the
# headers): the guest has no network. It comes from deb.debian.org's
# trixie and trixie-backports, given to mmdebstrap as arguments: the
# machine's apt sources are not touched. STOCK_DEBS names another
# directory of .debs than build/deb (chunk-heap-dkms_*.deb, heapctl_*.deb);
# STOCK_TIMEOUT, the seconds QEMU may take (600).
set -euo pipefail
. "$(dirname "$0")/common.sh"

G=$CACHE/stock
img=$G/rootfs.img
KREL=7.3.4+deb13-amd64
mirror=http://deb.debian.org/debian
pkgs=systemd-sysv,udev,dbus,kmod,libjson-c5,init-system-helpers,passwd,util-linux
# linux-base/trixie-backports: the kernel pre-depends on linux-base >= 4.17,
# which only backports has, and apt does not take backports' versions unasked.
pkgs+=,initramfs-tools,zstd,linux-base/trixie-backports,linux-image-$KREL,linux-headers-$KREL
pkgs+=,dkms,build-essential
tarball=$CACHE/debian/root/linux-source-7.3/usr/src/linux-source-7.3.tar.xz

# What the image is made from: a change rebuilds it.
stamp() { (echo "$pkgs"; sed -n '/^rootfs()/,/^}/p' "$0") | sha1sum | cut -c1-12; }

rootfs() {
	[ -f "$img" ] && [ -f "$G/vmlinuz" ] && [ -f "$G/initrd.img" ] &&
		[ "$(cat "$G/stamp" 2>/dev/null)" = "$(stamp)" ] && return
	local t0=$SECONDS dir=$G/rootfs.dir
	rm -rf "$dir" "$img" "$G/stamp" "$G/vmlinuz" "$G/initrd.img"
	mkdir -p "$G"
	say "making the stock guest (trixie, Debian's $KREL) with mmdebstrap from $mirror"
	# initramfs-tools, not dracut (the kernel's first alternative), with
	# only what mounts the root, /dev/vda: MODULES=most's initrd (40 MB,
	# every storage driver) takes 3 s longer to boot under TCG. The check
	# below asserts that virtio_blk is in. The test unit waits for the
	# heaps and udev, not for multi-user.target (logind and the like).
	mmdebstrap --quiet --variant=minbase --include="$pkgs" \
		--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d" &&
			echo MODULES=list >"$1/etc/initramfs-tools/conf.d/stock-guest" &&
			printf "virtio_pci\nvirtio_blk\next4\n" >"$1/usr/share/initramfs-tools/modules.d/stock-guest"' \
		--customize-hook='echo chunk-heap-stock >"$1/etc/hostname"' \
		--customize-hook='cat >"$1/etc/systemd/system/chunk-heap-stock.service" <<UNIT
[Unit]
Description=chunk_heap stock guest test (tests/stock/stock-test.sh)
After=chunk-heap.service systemd-udev-trigger.service basic.target
[Service]
Type=oneshot
TimeoutStartSec=infinity
ExecStartPre=/bin/mkdir -p /mnt/payload
ExecStartPre=/bin/mount -o ro /dev/vdb /mnt/payload
ExecStart=/mnt/payload/stock-test.sh
[Install]
WantedBy=multi-user.target
UNIT' \
		--customize-hook='chroot "$1" systemctl enable chunk-heap-stock.service' \
		--customize-hook='chroot "$1" systemctl mask getty@tty1.service serial-getty@ttyS0.service' \
		--customize-hook="chroot \"\$1\" lsinitramfs /boot/initrd.img-$KREL | grep -q '/virtio_blk\.ko' ||
			{ echo 'error: no virtio_blk in the initrd' >&2; exit 1; }" \
		--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
		trixie "$dir" "deb $mirror trixie main" "deb $mirror trixie-backports main"
	# The first boot of every run would otherwise run ldconfig and
	# journal-catalog-update (ConditionNeedsUpdate): the image is up to date.
	touch -r "$dir/usr" "$dir/etc/.updated" "$dir/var/.updated"
	cp "$dir/boot/vmlinuz-$KREL" "$G/vmlinuz"
	cp "$dir/boot/initrd.img-$KREL" "$G/initrd.img"
	truncate -s 4G "$img"
	mkfs.ext4 -q -L root -d "$dir" "$img"
	rm -rf "$dir"
	stamp >"$G/stamp"
	say "stock guest made in $((SECONDS - t0)) s: $(du -h --apparent-size "$img" | cut -f1) image, $(du -h "$img" | cut -f1) used"
}

# The kernel's dmabuf-heaps selftest, from the 7.3 source: the test and
# the headers it needs, built static against the 7.3 uapi headers
# (__user is a kernel annotation that headers_install would strip).
selftest() {
	local bin=$G/dmabuf-heap dir=$G/selftest.src
	[ -f "$tarball" ] || "$TOP/scripts/fetch.sh" linux-source-7.3
	[ -x "$bin" ] && [ "$bin" -nt "$tarball" ] && return
	say "building the dmabuf-heaps selftest of linux-source-7.3"
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -xJf "$tarball" -C "$dir" --strip-components=1 \
		linux-source-7.3/tools/testing/selftests/dmabuf-heaps/dmabuf-heap.c \
		linux-source-7.3/tools/testing/selftests/kselftest.h \
		linux-source-7.3/include/uapi/linux/dma-heap.h \
		linux-source-7.3/include/uapi/linux/dma-buf.h \
		linux-source-7.3/include/uapi/linux/bits.h \
		linux-source-7.3/include/uapi/drm/drm.h \
		linux-source-7.3/include/uapi/drm/drm_mode.h
	gcc -static -O2 -Wall -D__user= -I"$dir/include/uapi" \
		-I"$dir/tools/testing/selftests" -o "$bin.tmp" \
		"$dir/tools/testing/selftests/dmabuf-heaps/dmabuf-heap.c"
	mv "$bin.tmp" "$bin"
	rm -rf "$dir"
}

run() {
	local log=$1 debs=${STOCK_DEBS:-$TOP/build/deb} work payload t0=$SECONDS
	work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	payload=$work/payload
	mkdir -p "$payload"
	cp "$debs"/chunk-heap-dkms_*.deb "$debs"/heapctl_*.deb "$TOP/tests/stock/stock-test.sh" \
		"$TOP/build/heapctl/chtest" "$G/dmabuf-heap" "$payload/"
	truncate -s 32M "$work/payload.img"
	mkfs.ext4 -q -d "$payload" "$work/payload.img"
	qemu-img create -q -f qcow2 -b "$img" -F raw "$work/root.qcow2"
	# Two boots: the guest reboots itself once, then powers off. No
	# network device: apt and DKMS work offline. One TCG thread: with one
	# per vCPU, Debian's kernel took an "Oops: int3" in early boot once in
	# about 25 boots (a static key patched while the other vCPU ran the
	# old code). Should a panic come anyway, panic=-1 reboots at once.
	local rc=0 limit=${STOCK_TIMEOUT:-600}
	timeout "$limit" qemu-system-x86_64 -nographic -no-user-config -nodefaults \
		-serial stdio -machine q35 -accel tcg,thread=single -cpu max -smp 2 -m 2G \
		-kernel "$G/vmlinuz" -initrd "$G/initrd.img" \
		-append "root=/dev/vda rw console=ttyS0 cma=256M panic=-1 oops=panic quiet loglevel=4 systemd.show_status=0" \
		-drive "file=$work/root.qcow2,if=virtio,format=qcow2" \
		-drive "file=$work/payload.img,if=virtio,format=raw" \
		</dev/null >"$log" 2>&1 || rc=$?
	[ $rc -ne 124 ] || echo "chunk_heap: stock guest killed after $limit s" >>"$log"
	say "stock guest ran in $((SECONDS - t0)) s, $(grep -ac 'Kernel panic' "$log") kernel panics"
}

case "${1:-}" in
rootfs) rootfs ;;
selftest) selftest ;;
run) rootfs; selftest; run "$2" ;;
*) die "usage: $0 rootfs | selftest | run LOG" ;;
esac
