#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot the test kernel in QEMU with a busybox initramfs that carries
# chunk_heap.ko, heapctl and the tests, run one job in it, and print the
# console. The guest always stops: the job ends with reboot -f (QEMU runs
# with -no-reboot), a panic reboots at once (panic=-1), and the host side
# kills QEMU after $VM_TIMEOUT seconds.
#
#   vm.sh JOB [ARGS...]     JOB is a script in tests/e2e/ (demo, e2e, bench)
#
# The guest is x86_64, or arm64 (QEMU's virt machine) with
# CHUNK_HEAP_ARCH=arm64; its programs are then the cross-built ones of
# build/*-arm64/ and the busybox of Debian's busybox-static:arm64.
#
# Environment:
#   VM_TIMEOUT   seconds before the guest is killed (default 600)
#   VM_NODE_MEM  memory of each of the two NUMA nodes (default 1G)
#   VM_CMDLINE   extra kernel parameters (CMA sizes: default
#                "cma=384M cma_pernuma=64M")
#   VM_KVM=1     use KVM instead of TCG (only where KVM works)
#   VM_LOG       also write the console to this file
#   VM_KERNEL    the kernel to boot (default: the VM kernel)
#   VM_MODULE    the chunk_heap.ko to load (default: build/module's)
#   VM_KMOD      the test importer chimport.ko (default: build/kmod's)
#   FUZZ_SEED    the seed of the fuzzer in the e2e tests (default: random)
#   VM_FAULT_SITES  the module's allocation sites, for the fault injection
#                tests (scripts/fault-sites.py --list; default: none)
#   VM_DT_RMEM   arm64: reserved-memory nodes, in dts syntax, added to the
#                devicetree QEMU makes for the guest, as an embedded board
#                declares its regions (default: DT_RMEM_VIDEO below, a
#                64 MiB reusable shared-dma-pool region that the kernel
#                makes the CMA area "video"; empty: QEMU's devicetree as
#                it is). The devicetree is made once per QEMU version,
#                board and regions, and kept with its source in
#                $CACHE/arm64/dt (about 0.3 s).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# The region tests/e2e/t_57_dtregion.sh checks: placed by the kernel (no
# reg, so no unit address), and the CMA area takes the node's name as it
# is, unit address and all, so the node is "video", not "video@...".
DT_RMEM_VIDEO='video: video {
	compatible = "shared-dma-pool";
	reusable;
	size = <0x0 0x4000000>;
	alignment = <0x0 0x400000>;
};'

job=${1:?usage: vm.sh JOB [ARGS...]}
shift
[ -f "$TOP/tests/e2e/$job.sh" ] || die "no job tests/e2e/$job.sh"

# Where this architecture's programs are (build/heapctl or
# build/heapctl-arm64, ...), its busybox, console and QEMU.
case $KARCH in
x86_64)
	bsfx=
	busybox=/bin/busybox
	console=ttyS0
	machine=(qemu-system-x86_64 -bios qboot.rom)
	;;
arm64)
	bsfx=-arm64
	busybox=$CACHE/arm64/bin/busybox
	console=ttyAMA0
	machine=(qemu-system-aarch64 -M virt -cpu max,pauth-impdef=on)
	# Not installed: it would replace the host's busybox-static.
	if [ ! -x "$busybox" ]; then
		say "fetching busybox-static:arm64"
		mkdir -p "$CACHE/arm64"
		(cd "$CACHE/arm64" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1 &&
		 dpkg -x busybox-static_*_arm64.deb . && rm -f busybox-static_*_arm64.deb) ||
			die "cannot fetch busybox-static:arm64 (scripts/deps.sh adds arm64)"
	fi
	;;
esac
kernel=${VM_KERNEL:-$KBUILD_VM/$KIMAGE}
module=${VM_MODULE:-$TOP/build/module$bsfx/chunk_heap.ko}
kmod=${VM_KMOD:-$TOP/build/kmod$bsfx/chimport.ko}
heapctl=$TOP/build/heapctl$bsfx/heapctl
chtest=$TOP/build/heapctl$bsfx/chtest
probes=$TOP/build/probe$bsfx
for f in "$kernel" "$module" "$kmod" "$heapctl" "$chtest" "$probes/chbuf" "$busybox"; do
	[ -f "$f" ] || die "$f missing: run make first"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,dev,proc,sys,tmp,etc,lib/modules,tests}
cp "$busybox" "$root/bin/busybox"
# The host's busybox names the applets: an arm64 one cannot run here, and
# both are Debian 12's busybox-static.
for applet in $(/bin/busybox --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
cp "$module" "$kmod" "$root/lib/modules/"
# The KUnit suites' module, where it was built beside chunk_heap.ko.
test_module=${module%/*}/chunk_heap_test.ko
[ ! -f "$test_module" ] || cp "$test_module" "$root/lib/modules/"
cp "$heapctl" "$chtest" "$probes"/* "$root/bin/"
cp "$TOP"/tests/e2e/*.sh "$root/tests/"
cp "$TOP/tools/heapctl/dist/chunk-heap.init" "$root/bin/"
cp "${VM_FAULT_SITES:-/dev/null}" "$root/tests/fault-sites.txt"

cat >"$root/init" <<INIT
#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t configfs configfs /sys/kernel/config
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
export PATH=/bin:/sbin
cd /tests
echo "chunk_heap: job $job starting"
sh /tests/$job.sh $* </dev/null
echo "chunk_heap: job $job finished, rc=\$?"
reboot -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) >"$work/initramfs.cpio"

accel=(-accel tcg)
if [ "${VM_KVM:-0}" = 1 ]; then
	[ -w /dev/kvm ] || die "VM_KVM=1 but /dev/kvm is not usable here"
	accel=(-accel kvm -cpu host)
fi
mem=${VM_NODE_MEM:-1G}

# The guest's board: CPUs, memory and NUMA nodes.
board=(-smp 2,sockets=2,cores=1,threads=1
	-object memory-backend-ram,id=m0,size=$mem,prealloc=on
	-object memory-backend-ram,id=m1,size=$mem,prealloc=on
	-m "$(( $(numfmt --from=iec "$mem") * 2 / 1048576 ))M"
	-numa node,nodeid=0,cpus=0,memdev=m0
	-numa node,nodeid=1,cpus=1,memdev=m1)

# arm64 with reserved-memory regions: QEMU's own devicetree for this
# board (dumpdtb, which needs no kernel and no preallocated memory), with
# the regions added in a second root node that dtc merges into the first.
# QEMU still writes the memory nodes, /chosen's bootargs and initrd, and
# new random seeds into it at boot.
dtb=()
dt_rmem=
if [ "$KARCH" = arm64 ]; then
	dt_rmem=${VM_DT_RMEM-$DT_RMEM_VIDEO}
elif [ -n "${VM_DT_RMEM:-}" ]; then
	die "VM_DT_RMEM: an x86_64 guest has no devicetree"
fi
if [ -n "$dt_rmem" ]; then
	command -v dtc >/dev/null ||
		die "dtc missing: apt-get install device-tree-compiler (scripts/deps.sh)"
	dump=("${machine[@]}" "${accel[@]}" -nodefaults -display none
	      "${board[@]/prealloc=on/prealloc=off}")
	key=$({ "${machine[0]}" --version; printf '%s\n' "${dump[@]}" "$dt_rmem"; } |
	      sha256sum | cut -c1-16)
	dt=$CACHE/arm64/dt/virt-$key
	if [ ! -f "$dt.dtb" ]; then
		say "making the devicetree with reserved-memory regions: $dt.dts"
		mkdir -p "${dt%/*}"
		"${dump[@]}" -machine dumpdtb="$work/virt.dtb" >/dev/null 2>&1 ||
			die "qemu cannot dump its devicetree"
		{
			dtc -q -I dtb -O dts "$work/virt.dtb"
			printf '\n/ {\n\treserved-memory {\n\t\t#address-cells = <2>;\n'
			printf '\t\t#size-cells = <2>;\n\t\tranges;\n\n%s\n\t};\n};\n' \
				"$(sed 's/^/\t\t/' <<<"$dt_rmem")"
		} >"$dt.dts"
		dtc -q -I dts -O dtb -o "$work/virt-rmem.dtb" "$dt.dts" ||
			die "dtc refuses the devicetree with VM_DT_RMEM: see $dt.dts"
		mv "$work/virt-rmem.dtb" "$dt.dtb"
	fi
	dtb=(-dtb "$dt.dtb")
fi

qemu=("${machine[@]}" "${accel[@]}" -nodefaults -no-reboot
	-display none -serial stdio
	"${board[@]}" "${dtb[@]}"
	-kernel "$kernel" -initrd "$work/initramfs.cpio"
	-append "console=$console panic=-1 oops=panic log_buf_len=8M ${VM_CMDLINE:-cma=384M cma_pernuma=64M}${FUZZ_SEED:+ fuzz_seed=$FUZZ_SEED}")

status=0
if [ -n "${VM_LOG:-}" ]; then
	timeout -k 5 "${VM_TIMEOUT:-600}" "${qemu[@]}" </dev/null | tee "$VM_LOG" || status=$?
else
	timeout -k 5 "${VM_TIMEOUT:-600}" "${qemu[@]}" </dev/null || status=$?
fi
[ "$status" = 124 ] && echo "chunk_heap: VM killed after ${VM_TIMEOUT:-600} s"
exit "$status"
