#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test and count them: heapctl's host tests, the KUnit suites
# through kunit.py, the end-to-end tests in QEMU, the Debian packages and
# a Debian 12 guest that installs them; then the end-to-end
# tests and the KUnit suites again on the sanitizer kernel. The last line
# is "N passed, N failed". Logs go to build/logs/.
set -uo pipefail
. "$(dirname "$0")/common.sh"

logs=$TOP/build/logs
mkdir -p "$logs"
passed=0
failed=0

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

# run_e2e NAME [VAR=VALUE...]: the end-to-end job in a VM, counted.
run_e2e() {
	local name=$1 log=$logs/$1.log t0=$SECONDS
	shift
	env "$@" VM_LOG="$log" "$TOP/scripts/vm.sh" e2e >/dev/null 2>&1
	echo "$name VM took $((SECONDS - t0)) s"
	count_vm "$name" "$log" 'chunk_heap: job e2e finished'
}

say "heapctl host tests"
make -s -C "$TOP/tools/heapctl" O="$TOP/build/heapctl" check >"$logs/heapctl.log" 2>&1 ||
	grep -qE '^not ok' "$logs/heapctl.log" ||
	part_failed heapctl "did not run" "$logs/heapctl.log"
count_tap "$logs/heapctl.log" heapctl

say "KUnit (kunit.py)"
t0=$SECONDS
"$TOP/scripts/kunit.sh" >"$logs/kunit.log" 2>&1
echo "kunit.py took $((SECONDS - t0)) s"
count_kunit kunit "$logs/kunit.log" "$logs/kunit.log"

say "end-to-end tests in QEMU"
run_e2e e2e VM_TIMEOUT=900

# The Debian packages, DKMS against the VM kernel's tree, and then a real
# Debian 12 guest with systemd that installs them and reboots.
say "Debian packages and DKMS"
if "$TOP/scripts/deb.sh" >"$logs/deb.log" 2>&1; then
	"$TOP/tests/deb/run.sh" "$KBUILD_VM" >"$logs/packages.log" 2>&1
	count_tap "$logs/packages.log" packages
else
	part_failed packages "make deb failed" "$logs/deb.log"
fi
say "Debian 12 guest with systemd"
t0=$SECONDS
"$TOP/scripts/guest.sh" run "$logs/guest.log" >"$logs/guest-build.log" 2>&1
echo "Debian guest took $((SECONDS - t0)) s"
count_vm guest "$logs/guest.log" 'chunk_heap: guest finished'
if grep -E 'WARNING:|BUG:|Call Trace|Oops' "$logs/guest.log"; then
	part_failed guest "the kernel log has a warning" "$logs/guest.log"
fi

# The same again on the sanitizer kernel (KASAN, lockdep, kmemleak, ...),
# where any report in the kernel log fails the run.
san_kernel=$KBUILD_SAN/arch/x86/boot/bzImage

say "end-to-end tests on the sanitizer kernel"
san_module=$TOP/build/module-san/chunk_heap.ko
"$TOP/scripts/fault-sites.py" --list "$san_module" >"$logs/fault-sites.txt"
run_e2e e2e-san VM_TIMEOUT=2400 VM_KERNEL="$san_kernel" VM_MODULE="$san_module" \
	VM_KMOD="$TOP/build/kmod-san/chimport.ko" VM_FAULT_SITES="$logs/fault-sites.txt"
# Every allocation site of the module failed in its fault injection tests.
"$TOP/scripts/fault-sites.py" "$san_module" "$logs/e2e-san.log" >"$logs/fault-sites.tap"
count_tap "$logs/fault-sites.tap" fault-sites

say "KUnit on the sanitizer kernel"
t0=$SECONDS
VM_KERNEL=$san_kernel VM_MODULE=$TOP/build/module-san-kunit/chunk_heap.ko \
	VM_KMOD=$TOP/build/kmod-san/chimport.ko VM_CMDLINE="cma=64M cma_pernuma=16M" VM_LOG=$logs/kunit-san.log \
	VM_TIMEOUT=1200 "$TOP/scripts/vm.sh" kunit >/dev/null 2>&1
echo "sanitizer KUnit VM took $((SECONDS - t0)) s"
# The KTAP of the module's suites, after the kernel's own empty one.
sed -n '/^chunk_heap: job kunit starting/,$p' "$logs/kunit-san.log" >"$logs/kunit-san.ktap"
python3 "$KSRC/tools/testing/kunit/kunit.py" parse "$logs/kunit-san.ktap" \
	>"$logs/kunit-san.parsed" 2>&1
count_kunit kunit-san "$logs/kunit-san.parsed" "$logs/kunit-san.log"
sed -n 's/^chunk_heap: kunit job: //p' "$logs/kunit-san.log" | tr -d '\r' >"$logs/kunit-san.tap"
[ -s "$logs/kunit-san.tap" ] ||
	part_failed kunit-san "the VM did not finish" "$logs/kunit-san.log"
count_tap "$logs/kunit-san.tap" kunit-san-log

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
