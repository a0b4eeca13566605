#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian 12 guest: a real root file system with systemd and udev, made
# with mmdebstrap from the configured apt mirror and cached; booted on the
# VM kernel, where tests/guest/guest-test.sh installs the packages of
# build/deb/, reboots, and checks that the heaps came back (TAP).
#
#   guest.sh rootfs        make $CHUNK_HEAP_CACHE/guest/rootfs.img if needed
#   guest.sh run LOG       boot it (twice) with a fresh overlay; TAP in LOG
set -euo pipefail
. "$(dirname "$0")/common.sh"

G=$CACHE/guest
img=$G/rootfs.img
pkgs=systemd-sysv,udev,dbus,man-db,dkms,kmod,libjson-c5,init-system-helpers,passwd,util-linux

# What the image is made from: a change rebuilds it.
stamp() { (echo "$pkgs"; sed -n '/^rootfs()/,/^}/p' "$0") | sha1sum | cut -c1-12; }

rootfs() {
	[ -f "$img" ] && [ "$(cat "$G/stamp" 2>/dev/null)" = "$(stamp)" ] && return
	local t0=$SECONDS dir=$G/rootfs.dir sources
	rm -rf "$dir" "$img"
	mkdir -p "$G"
	# The machine's own apt sources: its mirror, and no other network.
	for sources in /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list; do
		[ -s "$sources" ] && break
	done
	say "making the Debian 12 guest with mmdebstrap ($sources)"
	mmdebstrap --quiet --variant=minbase --include="$pkgs" \
		--customize-hook='echo chunk-heap-guest >"$1/etc/hostname"' \
		--customize-hook='cat >"$1/etc/systemd/system/chunk-heap-guest.service" <<UNIT
[Unit]
Description=chunk_heap guest test (tests/guest/guest-test.sh)
After=chunk-heap.service systemd-udev-trigger.service multi-user.target
[Service]
Type=oneshot
ExecStartPre=/bin/mkdir -p /mnt/payload
ExecStartPre=/bin/mount -o ro /dev/vdb /mnt/payload
ExecStart=/mnt/payload/guest-test.sh
[Install]
WantedBy=multi-user.target
UNIT' \
		--customize-hook='chroot "$1" systemctl enable chunk-heap-guest.service' \
		--customize-hook='chroot "$1" systemctl mask getty@tty1.service serial-getty@ttyS0.service' \
		--customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
		bookworm "$dir" "$sources"
	truncate -s 1G "$img"
	mkfs.ext4 -q -L root -d "$dir" "$img"
	rm -rf "$dir"
	stamp >"$G/stamp"
	say "guest root file system made in $((SECONDS - t0)) s: $(du -h --apparent-size "$img" | cut -f1) image, $(du -h "$img" | cut -f1) used"
}

run() {
	local log=$1 work payload
	work=$(mktemp -d)
	trap 'rm -rf "$work"' RETURN
	payload=$work/payload
	mkdir -p "$payload"
	cp "$TOP"/build/deb/*.deb "$TOP/tests/guest/guest-test.sh" \
		"$TOP/build/heapctl/chtest" "$payload/"
	cp "$(find "$TOP/build/deb/dkms" -name chunk_heap.ko | head -1)" "$payload/"
	truncate -s 32M "$work/payload.img"
	mkfs.ext4 -q -d "$payload" "$work/payload.img"
	qemu-img create -q -f qcow2 -b "$img" -F raw "$work/root.qcow2"
	# Two boots: the guest reboots itself once, then powers off.
	timeout 900 qemu-system-x86_64 -nographic -no-user-config -nodefaults \
		-serial stdio -machine q35 -cpu max -smp 2 -m 2G \
		-kernel "$KBUILD_VM/arch/x86/boot/bzImage" \
		-append "root=/dev/vda rw console=ttyS0 cma=64M quiet loglevel=4 systemd.show_status=0" \
		-drive "file=$work/root.qcow2,if=virtio,format=qcow2" \
		-drive "file=$work/payload.img,if=virtio,format=raw" \
		</dev/null >"$log" 2>&1 || true
}

case "${1:-}" in
rootfs) rootfs ;;
run) rootfs; run "$2" ;;
*) die "usage: $0 rootfs | run LOG" ;;
esac
