#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the stock guest (scripts/stock.sh), at each boot, from the
# payload disk (/dev/vdb): TAP on the serial console. The kernel is
# Debian's own 7.3, unpatched, booted with cma=256M.
#   boot 1: apt installs both packages, offline; DKMS builds the module in
#           the guest against Debian's headers; the module loads, says
#           which features this kernel's exports leave out, and refuses
#           them; heapctl makes a heap and saves it; a group gets the
#           heap through the example udev rule; reboot;
#   boot 2: chunk-heap.service made the heap again; a user of the group
#           gets zeroed buffers; the kernel's dmabuf-heaps selftest runs
#           on every heap, the chunk heap among them; stop clears; power
#           off.
P=/mnt/payload
S=/var/lib/chunk-heap-stock
C=/sys/kernel/config/chunk_heap
K=/sys/kernel/chunk_heap
exec >/dev/ttyS0 2>&1
mkdir -p "$S"
n=$(cat "$S/n" 2>/dev/null || echo 0)
boot=$(($(cat "$S/boot" 2>/dev/null || echo 0) + 1))
echo "$boot" >"$S/boot"
export DEBIAN_FRONTEND=noninteractive

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
# nowarn DESC: the kernel log of this boot, not only what the console
# shows (loglevel=4), has no warning.
nowarn() {
	warn=$(dmesg | grep -E 'WARNING:|BUG:|Call Trace|Oops')
	[ -z "$warn" ] || echo "$warn" | head -20 | sed 's/^/# /'
	ok "$([ -z "$warn" ]; echo $?)" "$1"
}
finish() {
	echo "1..$n"
	echo "chunk_heap: stock guest finished"
	systemctl poweroff
	exit 0
}

krel=$(uname -r)
hdr=/usr/src/linux-headers-$krel
say "boot $boot of the stock guest, kernel $krel, $(cut -d' ' -f1 /proc/uptime) s after boot"
case $boot in
1)
	check "the kernel is Debian's packaged $krel" \
		sh -c "dpkg-query -W -f='\${Status}' linux-image-$krel | grep -qx 'install ok installed'"
	# Unpatched: 7.3 exports the heap API and cma_alloc(), and not the
	# area walk and geometry of patches/.
	check "... unpatched: it exports dma_heap_add and cma_alloc, not cma_for_each_area" \
		sh -c "grep -qw dma_heap_add $hdr/Module.symvers && grep -qw cma_alloc $hdr/Module.symvers &&
		       ! grep -qwE 'cma_for_each_area|cma_get_base|cma_get_size' $hdr/Module.symvers"
	expect "cma=256M made the default area, reserved" 65536 \
		cat /sys/kernel/mm/cma/reserved/total_pages
	say "$(gcc --version | head -1), $(dkms --version)"

	# As a user would: apt, offline, with everything DKMS needs installed.
	t0=$(date +%s)
	apt install -y "$P"/chunk-heap-dkms_*.deb "$P"/heapctl_*.deb >"$S/apt.log" 2>&1
	rc=$?
	secs=$(($(date +%s) - t0))
	say "apt install took $secs s, DKMS's build of the module included"
	[ $rc -eq 0 ] || tail -25 "$S/apt.log" | sed 's/^/# apt: /'
	ok $rc "apt installs the two packages, offline"
	status=$(dkms status -m chunk-heap -k "$krel" 2>&1)
	say "dkms status: $status"
	log=$(find /var/lib/dkms/chunk-heap -name make.log 2>/dev/null | head -1)
	[ -n "$log" ] && say "DKMS's make: $(sed -n 's/^# elapsed time: //p' "$log")"
	if echo "$status" | grep -q ": installed"; then ok 0 "DKMS built the module in the guest and installed it"; else
		[ -n "$log" ] && tail -15 "$log" | sed 's/^/# make.log: /'
		ok 1 "DKMS built the module in the guest and installed it"
	fi
	expect "... for the running kernel, with its vermagic" \
		"$(modinfo -F vermagic configfs)" modinfo -F vermagic chunk_heap
	check "... and modprobe loads it" modprobe chunk_heap
	check "heapctl enables chunk-heap.service" systemctl is-enabled chunk-heap.service

	# The degraded mode: what the kernel's exports leave out, said once
	# at load, listed in features, and refused.
	line=$(dmesg | grep 'chunk_heap' | grep 'unavailable' | head -1)
	say "kernel log: ${line:-nothing}"
	ok "$([ -n "$line" ]; echo $?)" "the module says at load which features are unavailable"
	features=$(cat "$K/features" 2>&1)
	rc=$?
	say "features: '$features'"
	for f in per_node_areas area_sizes numa_policy; do
		case " $features " in *" $f "*) rc=1 ;; esac
	done
	ok $rc "$K/features lists none of per_node_areas, area_sizes, numa_policy"
	got=$("$P/chtest" write "$K/numa_policy" interleave)
	case $got in EOPNOTSUPP | ENOTSUP) rc=0 ;; *) rc=1; say "got: $got" ;; esac
	ok $rc "writing interleave to $K/numa_policy fails with EOPNOTSUPP"

	check "heapctl makes a heap on the default area" \
		heapctl create vid --area reserved --order 4 --enable
	check "heapctl save writes /etc/chunk_heap/heaps.json" \
		sh -c "heapctl save && grep -q '\"vid\"' /etc/chunk_heap/heaps.json"
	tr -d '\n' </etc/chunk_heap/heaps.json | sed 's/^/# heaps.json: /'
	echo
	groupadd heapusers && useradd -M -G heapusers alice && useradd -M bob
	sed 's/KERNEL=="video64k", GROUP="video"/KERNEL=="vid", GROUP="heapusers"/' \
		/usr/share/doc/heapctl/examples/70-chunk-heap.rules \
		>/etc/udev/rules.d/70-chunk-heap.rules
	check "the example udev rule, adapted, is installed" \
		grep -q 'KERNEL=="vid", GROUP="heapusers", MODE="0660"' /etc/udev/rules.d/70-chunk-heap.rules
	nowarn "the kernel log has no warning before the reboot"
	touch "$S/rebooted"
	say "rebooting"
	systemctl reboot
	exit 0
	;;
2)
	# A panic reboots the guest (panic=-1): then boot 1 did not finish.
	check "boot 1 ran to its end, and this is the reboot it asked for" \
		test -e "$S/rebooted"
	check "after the reboot chunk-heap.service is active" \
		systemctl is-active chunk-heap.service
	check "heapctl list shows vid back, enabled, on reserved" \
		sh -c "heapctl list | grep -qE '^vid +reserved +64K +yes'"
	udevadm settle
	expect "udev gave group heapusers vid's node" "root heapusers 660" \
		stat -c '%U %G %a' /dev/dma_heap/vid
	check "a user in the group allocates and verifies zeroed buffers (heapctl alloc --verify)" \
		sh -c "runuser -u alice -- heapctl alloc vid 4M --count 8 --verify | grep -qx 'verify: zeroed, pattern written and read back'"
	expect "... and buffers filled and freed come back zeroed" "16 0" \
		runuser -u alice -- "$P/chtest" stale 16 vid 1048576
	expect "a user outside the group gets EACCES" EACCES \
		runuser -u bob -- "$P/chtest" alloc vid 65536

	# The kernel's own selftest (tools/testing/selftests/dmabuf-heaps, as
	# of 7.3), on every heap: system and vid. vgem, a stock module, is
	# its importer. Its results become ours, with the heap's name.
	check "vgem loads, for the selftest's import test" modprobe vgem
	heaps=$(ls /dev/dma_heap | tr '\n' ' ')
	say "dmabuf-heaps selftest on: $heaps"
	"$P/dmabuf-heap" >"$S/selftest.out" 2>&1
	st_rc=$?
	sed 's/^/# selftest: /' "$S/selftest.out"
	heap="?" size="" results=0 chunk=0
	while IFS= read -r line; do
		case $line in
		"# Testing heap: "*) heap=${line#"# Testing heap: "} ;;
		"# Testing alloced "*)
			size=${line#"# Testing alloced "}
			size=" (${size%% *})"
			;;
		"# Testing "*) size="" ;;
		"ok "[0-9]* | "not ok "[0-9]*)
			case $line in
			not*) rc=1 d=${line#not ok } ;;
			*) rc=0 d=${line#ok } ;;
			esac
			results=$((results + 1))
			[ "$heap" = vid ] && chunk=$((chunk + 1))
			ok $rc "selftest dmabuf-heaps, $heap: ${d#* }$size"
			;;
		esac
	done <"$S/selftest.out"
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$S/selftest.out")
	say "selftest: exit $st_rc, plan ${plan:-none}, $results results, $chunk on vid"
	ok "$([ $st_rc -eq 0 ] && [ "$results" = "${plan:-x}" ] && [ $chunk -eq 12 ]; echo $?)" \
		"the selftest ran its plan, 12 tests on vid among them, and passed"

	nowarn "the kernel log has no warning after the reboot either"
	check "systemctl stop chunk-heap clears the heaps" \
		sh -c "systemctl stop chunk-heap.service && [ -z \"\$(ls $C)\" ]"
	finish
	;;
*)
	say "unexpected boot $boot"
	ok 1 "the guest booted only twice"
	finish
	;;
esac
