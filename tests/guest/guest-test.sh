#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the Debian 12 guest (scripts/guest.sh), at each boot, from
# the payload disk (/dev/vdb): TAP on the serial console.
#   boot 1: install both packages, and the module DKMS built on the host
#           (the guest has no kernel headers), make two
#           heaps, save them, install the udev rule and two users, reboot;
#   boot 2: the heaps are back from chunk-heap.service, the udev rule gave
#           the group its heap, the quota holds; the unit manages only the
#           heaps it made: restart and stop leave a hand-made heap, reload
#           applies an edited heaps.json and keeps a live buffer; power off.
P=/mnt/payload
S=/var/lib/chunk-heap-guest
C=/sys/kernel/config/chunk_heap
exec >/dev/ttyS0 2>&1
mkdir -p "$S"
n=$(cat "$S/n" 2>/dev/null || echo 0)
boot=$(($(cat "$S/boot" 2>/dev/null || echo 0) + 1))
echo "$boot" >"$S/boot"

say() { echo "# $*"; }
ok() {
	n=$((n + 1))
	echo "$n" >"$S/n"
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fi
}
check() {
	desc=$1
	shift
	out=$("$@" 2>&1)
	rc=$?
	[ $rc -eq 0 ] || echo "$out" | sed 's/^/# /' | tail -15
	ok $rc "$desc"
}
# expect DESC WANT CMD...: CMD prints exactly WANT.
expect() {
	desc=$1 want=$2
	shift 2
	got=$("$@" 2>&1)
	if [ "$got" = "$want" ]; then ok 0 "$desc"; else
		echo "$got" | sed 's/^/# got: /'
		ok 1 "$desc"
	fi
}
finish() {
	echo "1..$n"
	echo "chunk_heap: guest finished"
	systemctl poweroff
	exit 0
}

krel=$(uname -r)
say "boot $boot of the guest, kernel $krel"
case $boot in
1)
	check "dpkg installs the two packages" \
		sh -c "DEBIAN_FRONTEND=noninteractive dpkg -i $P/chunk-heap-dkms_*.deb $P/heapctl_*.deb"
	check "... chunk-heap-dkms adds the source to DKMS" \
		sh -c "dkms status chunk-heap | grep -q '^chunk-heap/.*: added'"
	check "... heapctl enables chunk-heap.service" systemctl is-enabled chunk-heap.service
	check "systemd-analyze verify is clean on the installed unit" \
		sh -c "! systemd-analyze verify chunk-heap.service 2>&1 | grep ."
	check "... and its man page is there" man -w heapctl
	# The guest has no headers for its kernel, so DKMS built nothing here:
	# the module DKMS built on the host goes where DKMS would put it.
	mkdir -p "/lib/modules/$krel/updates/dkms"
	cp "$P/chunk_heap.ko" "/lib/modules/$krel/updates/dkms/"
	check "the module DKMS built installs, and modprobe finds it" \
		sh -c "depmod -a && modprobe chunk_heap"
	check "heapctl makes a heap with a quota" \
		heapctl create vid --area reserved --order 4 --max 1M --enable
	check "... and a root-only one" heapctl create cam --area reserved --order 0 --enable
	check "heapctl save writes /etc/chunk_heap/heaps.json" \
		sh -c "heapctl save && test -s /etc/chunk_heap/heaps.json"
	groupadd heapusers && useradd -M -G heapusers alice && useradd -M bob
	sed 's/KERNEL=="video64k", GROUP="video"/KERNEL=="vid", GROUP="heapusers"/' \
		/usr/share/doc/heapctl/examples/70-chunk-heap.rules \
		>/etc/udev/rules.d/70-chunk-heap.rules
	check "the example udev rule, adapted, is installed" \
		grep -q 'KERNEL=="vid", GROUP="heapusers", MODE="0660"' /etc/udev/rules.d/70-chunk-heap.rules
	say "rebooting"
	systemctl reboot
	exit 0
	;;
2)
	check "after the reboot chunk-heap.service is active" \
		systemctl is-active chunk-heap.service
	expect "heapctl list shows both heaps back, enabled" \
		"NAME  CMA_AREA  CHUNK_SIZE  ENABLED  BYTES  MAX_BYTES  BUFFERS  POOL_READY  FAILURES
cam   reserved  4K          yes      0B     unlimited  0        0B          0
vid   reserved  64K         yes      0B     1M         0        0B          0" heapctl list
	expect "... with vid's quota" 1048576 cat "$C/vid/max_bytes"
	check "the heaps allocate" sh -c "[ \"\$($P/chtest alloc vid 1048576) \$($P/chtest alloc cam 4096)\" = 'OK OK' ]"
	udevadm settle
	expect "udev gave group heapusers vid's node" "root heapusers 660" \
		stat -c '%U %G %a' /dev/dma_heap/vid
	expect "... and left cam's root-only" "root root 600" stat -c '%U %G %a' /dev/dma_heap/cam
	expect "a user in the group allocates up to the quota" OK \
		runuser -u alice -- "$P/chtest" alloc vid 1048576
	expect "... and gets ENOMEM beyond it" ENOMEM \
		runuser -u alice -- "$P/chtest" alloc vid 1114112
	expect "... EACCES on a heap the rule does not name" EACCES \
		runuser -u alice -- "$P/chtest" alloc cam 4096
	expect "a user outside the group gets EACCES" EACCES \
		runuser -u bob -- "$P/chtest" alloc vid 65536
	expect "... and cannot change the heap either" EACCES \
		runuser -u bob -- "$P/chtest" write "$C/vid/max_bytes" 0
	# The unit records what it made, and manages only that.
	R=/run/chunk_heap/unit-heaps
	heaps() { ls "$C" | tr '\n' ' ' | sed 's/ $//'; }
	expect "the unit recorded the heaps it made" "cam vid" sh -c "tr '\n' ' ' <$R | sed 's/ $//'"
	check "a heap made by hand" heapctl create manual --area reserved --order 0 --enable
	check "systemctl restart chunk-heap succeeds" systemctl restart chunk-heap.service
	expect "... the hand-made heap survives it, the unit's are back" "cam manual vid" heaps
	expect "... still enabled" 1 cat "$C/manual/enable"
	check "systemctl stop chunk-heap succeeds" systemctl stop chunk-heap.service
	expect "... removing only the unit's heaps" manual heaps
	check "... and its record" test ! -e "$R"
	check "systemctl start chunk-heap makes them again" systemctl start chunk-heap.service
	expect "... beside the hand-made one" "cam manual vid" heaps
	# reload: vid's quota changes while it has a live buffer, extra is
	# added, cam is dropped.
	heapctl alloc vid 64K --hold 20 >/tmp/hold.out 2>&1 &
	hold=$!
	i=0
	while [ "$(cat "$C/vid/buffers")" != 1 ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
	expect "a buffer of vid is live" 1 cat "$C/vid/buffers"
	cat >/etc/chunk_heap/heaps.json <<-EOF
	{"version": 1, "heaps": [
	  {"name": "vid", "cma_area": "reserved", "chunk_order": 4, "max_bytes": 2097152,
	   "enabled": true},
	  {"name": "extra", "cma_area": "reserved", "chunk_order": 0, "enabled": true}]}
	EOF
	check "systemctl reload chunk-heap applies the edited heaps.json" \
		systemctl reload chunk-heap.service
	expect "... vid has its new quota" 2097152 cat "$C/vid/max_bytes"
	expect "... and kept its live buffer" 1 cat "$C/vid/buffers"
	expect "... extra is made, cam removed, the hand-made heap left" "extra manual vid" heaps
	expect "... and the record says so" "extra vid" sh -c "tr '\n' ' ' <$R | sed 's/ $//'"
	check "... the unit is still active" systemctl is-active chunk-heap.service
	expect "extra allocates" OK "$P/chtest" alloc extra 4096
	wait $hold
	rc=$?
	[ $rc -eq 0 ] || sed 's/^/# /' /tmp/hold.out
	ok $rc "the buffer held through the reload was released cleanly"
	expect "... and vid has no buffers left" 0 cat "$C/vid/buffers"
	check "systemctl stop chunk-heap removes the unit's heaps" \
		sh -c "systemctl stop chunk-heap.service && [ \"\$(ls $C)\" = manual ]"
	expect "... and heapctl destroy the hand-made one" "" sh -c "heapctl destroy manual >/dev/null && ls $C"
	finish
	;;
*)
	say "unexpected boot $boot"
	ok 1 "the guest booted only twice"
	finish
	;;
esac
