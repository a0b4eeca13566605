#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test and count them, configuration by configuration:
#  - x86_64, 6.12, 4 KiB pages: heapctl's host tests, the KUnit suites
#    through kunit.py, the end-to-end tests in QEMU, the Debian packages
#    and a Debian 12 guest that installs them; then the end-to-end tests
#    and the KUnit suites again on the sanitizer kernel;
#  - x86_64, 6.1, and 7.3 with the patches it still needs: the
#    end-to-end tests, and the KUnit suites through kunit.py;
#  - x86_64, Debian's stock 7.3: a Debian 13 guest that installs the
#    packages, has DKMS build the module, and runs the dmabuf-heaps
#    selftest on a chunk heap;
#  - arm64, 6.12, 4 KiB pages: the end-to-end tests, and the KUnit
#    suites through kunit.py;
#  - arm64, 6.12, 16 KiB pages: the KUnit suites through kunit.py.
# The VMs run two at a time (see below). It ends with one line per
# configuration, then "N passed, N failed". Logs go to build/logs/.
set -uo pipefail
. "$(dirname "$0")/common.sh"

logs=$TOP/build/logs
mkdir -p "$logs"
passed=0
failed=0
# One line per configuration, "NAME|PASSED|FAILED", in the order they ran.
confs=()
conf_name=
mark_p=0
mark_f=0

# config NAME: count what follows for configuration NAME.
config() {
	end_config
	conf_name=$1
}

end_config() {
	[ -n "$conf_name" ] &&
		confs+=("$conf_name|$((passed - mark_p))|$((failed - mark_f))")
	mark_p=$passed
	mark_f=$failed
}

# Count TAP lines ("ok N - ...", "not ok N - ...") of a log.
count_tap() {
	local p f
	p=$(grep -cE '^ok [0-9]+' "$1")
	f=$(grep -cE '^not ok [0-9]+' "$1")
	passed=$((passed + p))
	failed=$((failed + f))
	echo "$2: $p passed, $f failed"
	grep -E '^not ok [0-9]+' "$1" | sed "s/^/  $2: /"
}

part_failed() {
	failed=$((failed + 1))
	echo "$1: FAILED ($2), see $3"
}

# count_kunit NAME OUTPUT LOG: count the summary line of kunit.py's OUTPUT.
count_kunit() {
	local summary p f c
	summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$2" | tail -1)
	if [ -z "$summary" ]; then
		tail -30 "$2"
		part_failed "$1" "no result" "$3"
		return
	fi
	p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
	f=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
	c=$(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$summary")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${c:-0}))
	echo "$1: $summary"
	grep -E '\[FAILED\]|\[CRASHED\]' "$2" | sed "s/^/  $1: /"
}

# count_vm NAME LOG FINISHED: count a VM's TAP, and check that it printed
# the line FINISHED and ran as many tests as it planned.
count_vm() {
	local plan ran
	count_tap "$2" "$1"
	grep -q "^$3" "$2" || part_failed "$1" "the VM did not finish" "$2"
	plan=$(sed -nE 's/^1\.\.([0-9]+)\r?$/\1/p' "$2" | tail -1)
	ran=$(grep -cE '^(not )?ok [0-9]+' "$2")
	[ "${plan:-x}" = "$ran" ] ||
		part_failed "$1" "planned ${plan:-no} tests, ran $ran" "$2"
}

# timed NAME COMMAND...: run COMMAND; NAME.secs says how long it took.
timed() {
	local name=$1 t0=$SECONDS
	shift
	"$@"
	echo "$((SECONDS - t0))" >"$logs/$name.secs"
}

# e2e NAME [VAR=VALUE...] [-- TEST...]: the end-to-end job in a VM, all
# of it or TEST...; the log is NAME's, and NAME.secs says how long it took.
e2e() {
	local name=$1
	local -a vars=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		vars+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	timed "$name" env "${vars[@]}" VM_LOG="$logs/$name.log" \
		"$TOP/scripts/vm.sh" e2e "$@" >/dev/null 2>&1
}

# What the secondary configurations (6.1, arm64) run of the end-to-end
# suite, for the CI budget: all but the stress job, heapctl's tests, the
# shared-area tests and the fuzzer, which the x86_64 6.12 and 7.3 runs
# and the sanitizer run cover.
secondary_tests=$(cd "$TOP/tests/e2e" && ls t_*.sh | grep -v -e t_00_load \
	-e t_35_stress -e t_60_heapctl -e t_70_shared -e t_85_fuzz)

# count_e2e NAME: count what e2e NAME did.
count_e2e() {
	echo "$1 VM took $(cat "$logs/$1.secs" 2>/dev/null) s"
	count_vm "$1" "$logs/$1.log" 'chunk_heap: job e2e finished'
}

# run_e2e NAME [VAR=VALUE...]: the end-to-end job in a VM, counted.
run_e2e() {
	e2e "$@"
	count_e2e "$1"
}

# kunit NAME [VAR=VALUE...]: the KUnit suites through kunit.py; the log
# is NAME's. kunit.py's kernels are up to date by then (see below).
kunit() {
	local name=$1
	shift
	timed "$name" env "$@" "$TOP/scripts/kunit.sh" exec >"$logs/$name.log" 2>&1
}

# count_kunit_py NAME: count what kunit NAME did.
count_kunit_py() {
	echo "$1 (kunit.py) took $(cat "$logs/$1.secs" 2>/dev/null) s"
	count_kunit "$1" "$logs/$1.log" "$logs/$1.log"
}

# run_kunit NAME [VAR=VALUE...]: the KUnit suites through kunit.py, counted.
run_kunit() {
	kunit "$@"
	count_kunit_py "$1"
}

# kunit_vm NAME [VAR=VALUE...]: the KUnit suites in the module, loaded
# in a VM (tests/e2e/kunit.sh), whose KTAP kunit.py parses.
kunit_vm() {
	local name=$1
	shift
	timed "$name" env "$@" VM_CMDLINE="cma=64M cma_pernuma=16M" \
		VM_LOG="$logs/$name.log" "$TOP/scripts/vm.sh" kunit >/dev/null 2>&1
}

# count_kunit_vm NAME: count what kunit_vm NAME did, then the verdict on
# the kernel log.
count_kunit_vm() {
	local name=$1 log=$logs/$1.log
	echo "$name VM took $(cat "$logs/$name.secs" 2>/dev/null) s"
	# The KTAP of the module's suites, after the kernel's own empty one.
	sed -n '/^chunk_heap: job kunit starting/,$p' "$log" >"$logs/$name.ktap"
	python3 "$KSRC/tools/testing/kunit/kunit.py" parse "$logs/$name.ktap" \
		>"$logs/$name.parsed" 2>&1
	count_kunit "$name" "$logs/$name.parsed" "$log"
	sed -n 's/^chunk_heap: kunit job: //p' "$log" | tr -d '\r' >"$logs/$name.tap"
	[ -s "$logs/$name.tap" ] ||
		part_failed "$name" "the VM did not finish" "$log"
	count_tap "$logs/$name.tap" "$name-log"
}

# The VM kernels are built before this script runs (make check). Under
# TCG the VMs are what fills the two cores, and a build beside them
# slows them more than it gains (kunit.py's kernels at nice 19 beside
# them: the sanitizer VM 495 s, the stock guest 408 s, 2026-12-07). So:
#  - kunit.py's kernels are brought up to date first, one after the
#    other (after a change to the module, each recompiles it and
#    relinks, 15 to 25 s), beside the host's tests and the packages,
#    and no VM starts before they are done;
#  - two lanes of two-vCPU VMs follow: x86_64 6.12's end-to-end tests,
#    kunit.py, 6.1's end-to-end tests and the sanitizer kernel's KUnit
#    suites after the host's tests in one, the end-to-end tests of 7.3
#    and arm64 and the Debian 12 guest in the other;
#  - last, the sanitizer's end-to-end tests, which alone keep one core
#    busy (49 % idle), beside the stock guest, one TCG thread, which
#    starts before 6.1's end-to-end tests: together they passed in 413 s
#    and 290 s, the sanitizer's alone in 347 s, where beside another
#    two-vCPU VM its 10 s hung-task detector, which catches
#    control-plane waits, saw time stretch too far (701 s against 309 s,
#    2026-12-07).
# Results are counted under their configuration at the end.
rm -f "$logs"/*.secs "$logs/deb.done" "$logs/kunit-kernels.done"
say "kunit.py's kernels, beside the host's tests"
{
	"$TOP/scripts/kunit.sh" build-all >"$logs/kunit-kernels.log" 2>&1
	rc=$?
	touch "$logs/kunit-kernels.done"
	exit $rc
} &
builder=$!

{
	while [ ! -e "$logs/kunit-kernels.done" ]; do sleep 1; done
	# All but t_70_shared: on 7.3, chload cannot always put a movable
	# page in every 16 MiB of reserved (23 of 24 in one run of two),
	# which t_70 needs to show the mainline heap blocked; see
	# Documentation/testing.rst.
	e2e e2e-7.3 VM_TIMEOUT=900 VM_KERNEL="$CACHE/build/vm-x86_64-7.3-4k/$KIMAGE" \
		VM_MODULE="$TOP/build/module-7.3/chunk_heap.ko" \
		VM_KMOD="$TOP/build/kmod-7.3/chimport.ko" -- \
		$(cd "$TOP/tests/e2e" && ls t_*.sh | grep -v -e t_00_load -e t_70_shared)
	e2e e2e-arm64 CHUNK_HEAP_ARCH=arm64 VM_TIMEOUT=1500 -- $secondary_tests
	# The Debian 12 guest installs the packages that the first lane makes.
	while [ ! -e "$logs/deb.done" ]; do sleep 1; done
	timed guest "$TOP/scripts/guest.sh" run "$logs/guest.log" >"$logs/guest-build.log" 2>&1
} &
lane=$!

deb_ok=1
"$TOP/scripts/deb.sh" >"$logs/deb.log" 2>&1 || deb_ok=
touch "$logs/deb.done"

config "x86_64 6.12 4k"
say "heapctl host tests"
make -s -C "$TOP/tools/heapctl" O="$TOP/build/heapctl" check >"$logs/heapctl.log" 2>&1 ||
	grep -qE '^not ok' "$logs/heapctl.log" ||
	part_failed heapctl "did not run" "$logs/heapctl.log"
count_tap "$logs/heapctl.log" heapctl

# The Debian packages, and DKMS against the VM kernel's tree; the Debian
# 12 guest, which installs them and reboots, runs in the second lane.
say "Debian packages and DKMS"
if [ -n "$deb_ok" ]; then
	"$TOP/tests/deb/run.sh" "$KBUILD_VM" >"$logs/packages.log" 2>&1
	count_tap "$logs/packages.log" packages
else
	part_failed packages "make deb failed" "$logs/deb.log"
fi

# The module against the symbol tables of an Android-shaped kernel, a
# stock 7.3 and a stock 6.12 (tests/shapes.sh).
say "kernel shapes"
"$TOP/tests/shapes.sh" >"$logs/shapes.log" 2>&1
count_tap "$logs/shapes.log" shapes

say "waiting for kunit.py's kernels"
wait "$builder" ||
	part_failed "kunit.py's kernels" "did not build" "$logs/kunit-kernels.log"

say "end-to-end tests in QEMU"
run_e2e e2e VM_TIMEOUT=900

# The KUnit suites through kunit.py; those of the other configurations
# are counted under theirs below.
say "KUnit (kunit.py)"
run_kunit kunit
kunit kunit-6.1 CHUNK_HEAP_KVER=6.1
kunit kunit-7.3 CHUNK_HEAP_KVER=7.3
kunit kunit-arm64 CHUNK_HEAP_ARCH=arm64
kunit kunit-arm64-16k CHUNK_HEAP_ARCH=arm64 CHUNK_HEAP_PAGES=16k

# The stock guest starts a minute or two before the sanitizer VMs: started
# with them, its boot and DKMS build slowed them most (499 and 534 s,
# against 392 to 428 s when it started 70 to 100 s before, 2026-12-07).
say "the stock guest, beside the rest"
timed stock "$TOP/scripts/stock.sh" run "$logs/stock.log" >"$logs/stock-build.log" 2>&1 &
stock=$!

say "end-to-end tests on 6.1"
e2e e2e-6.1 VM_TIMEOUT=900 VM_KERNEL="$CACHE/build/vm-x86_64-6.1-4k/$KIMAGE" \
	VM_MODULE="$TOP/build/module-6.1/chunk_heap.ko" \
	VM_KMOD="$TOP/build/kmod-6.1/chimport.ko" -- $secondary_tests

# The sanitizer kernel (KASAN, lockdep, kmemleak, ...), where any report
# in the kernel log fails the run. Its KUnit suites run beside the second
# lane: they take 33 s alone and have no waits for its hung-task
# detector to catch.
san_kernel=$KBUILD_SAN/arch/x86/boot/bzImage
san_module=$TOP/build/module-san/chunk_heap.ko
say "KUnit on the sanitizer kernel"
kunit_vm kunit-san VM_KERNEL="$san_kernel" VM_TIMEOUT=1200 \
	VM_MODULE="$TOP/build/module-san-kunit/chunk_heap.ko" \
	VM_KMOD="$TOP/build/kmod-san/chimport.ko"

say "waiting for the second lane"
wait "$lane"
echo "Debian guest took $(cat "$logs/guest.secs" 2>/dev/null) s"
count_vm guest "$logs/guest.log" 'chunk_heap: guest finished'
if grep -E 'WARNING:|BUG:|Call Trace|Oops' "$logs/guest.log"; then
	part_failed guest "the kernel log has a warning" "$logs/guest.log"
fi

# The end-to-end tests again, on the sanitizer kernel.
say "end-to-end tests on the sanitizer kernel"
"$TOP/scripts/fault-sites.py" --list "$san_module" >"$logs/fault-sites.txt"
run_e2e e2e-san VM_TIMEOUT=2400 VM_KERNEL="$san_kernel" VM_MODULE="$san_module" \
	VM_KMOD="$TOP/build/kmod-san/chimport.ko" VM_FAULT_SITES="$logs/fault-sites.txt"
# Every allocation site of the module failed in its fault injection tests.
"$TOP/scripts/fault-sites.py" "$san_module" "$logs/e2e-san.log" >"$logs/fault-sites.tap"
count_tap "$logs/fault-sites.tap" fault-sites

count_kunit_vm kunit-san
say "waiting for the stock guest"
wait "$stock"

# 6.1 LTS: the end-to-end tests, and the KUnit suites through
# 6.1's kunit.py. (Loaded as a module, the suites would run before the
# module's init there: 6.1 runs them when a module is coming, not live.)
config "x86_64 6.1 4k"
count_e2e e2e-6.1
count_kunit_py kunit-6.1

# 7.3 with the three patches it still needs: the end-to-end tests, and
# the KUnit suites.
config "x86_64 7.3 4k"
count_e2e e2e-7.3
count_kunit_py kunit-7.3

# Debian's own 7.3, unpatched, in a trixie guest that installs the
# packages as a user would (scripts/stock.sh, tests/stock/).
config "x86_64 7.3 stock"
echo "stock guest took $(cat "$logs/stock.secs" 2>/dev/null) s"
count_vm stock "$logs/stock.log" 'chunk_heap: stock guest finished'

# arm64, cross-built: the end-to-end tests, and the KUnit
# suites with 4 KiB and with 16 KiB pages.
config "arm64 6.12 4k"
count_e2e e2e-arm64
count_kunit_py kunit-arm64
config "arm64 6.12 16k"
count_kunit_py kunit-arm64-16k
end_config

for c in "${confs[@]}"; do
	IFS='|' read -r name p f <<<"$c"
	printf '%-16s %d passed, %d failed\n' "$name:" "$p" "$f"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
