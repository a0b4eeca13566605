#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Run every test and count them: heapctl's host tests, the KUnit suites
# through kunit.py, and the end-to-end tests in QEMU; then the end-to-end
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

say "heapctl host tests"
make -s -C "$TOP/tools/heapctl" O="$TOP/build/heapctl" check >"$logs/heapctl.log" 2>&1 ||
	grep -qE '^not ok' "$logs/heapctl.log" ||
	part_failed heapctl "did not run" "$logs/heapctl.log"
count_tap "$logs/heapctl.log" heapctl

say "KUnit (kunit.py)"
t0=$SECONDS
"$TOP/scripts/kunit.sh" >"$logs/kunit.log" 2>&1
echo "kunit.py took $((SECONDS - t0)) s"
summary=$(grep -E 'Testing complete\. Ran [0-9]+ tests' "$logs/kunit.log" | tail -1)
if [ -z "$summary" ]; then
	tail -30 "$logs/kunit.log"
	part_failed kunit "no result" "$logs/kunit.log"
else
	p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
	f=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
	c=$(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$summary")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${c:-0}))
	echo "kunit: $summary"
	grep -E '\[FAILED\]|\[CRASHED\]' "$logs/kunit.log" | sed 's/^/  kunit: /'
fi

say "end-to-end tests in QEMU"
t0=$SECONDS
VM_LOG=$logs/e2e.log VM_TIMEOUT=900 "$TOP/scripts/vm.sh" e2e >/dev/null 2>&1
echo "e2e VM took $((SECONDS - t0)) s"
count_tap "$logs/e2e.log" e2e
grep -q '^chunk_heap: job e2e finished' "$logs/e2e.log" ||
	part_failed e2e "the VM did not finish" "$logs/e2e.log"
plan=$(sed -nE 's/^1\.\.([0-9]+)\r?$/\1/p' "$logs/e2e.log" | tail -1)
ran=$(grep -cE '^(not )?ok [0-9]+' "$logs/e2e.log")
[ "${plan:-x}" = "$ran" ] ||
	part_failed e2e "planned ${plan:-no} tests, ran $ran" "$logs/e2e.log"

# The same again on the sanitizer kernel (KASAN, lockdep, kmemleak, ...),
# where any report in the kernel log fails the run.
san_kernel=$KBUILD_SAN/arch/x86/boot/bzImage

say "end-to-end tests on the sanitizer kernel"
t0=$SECONDS
VM_KERNEL=$san_kernel VM_MODULE=$TOP/build/module-san/chunk_heap.ko \
	VM_LOG=$logs/e2e-san.log VM_TIMEOUT=2400 "$TOP/scripts/vm.sh" e2e >/dev/null 2>&1
echo "sanitizer e2e VM took $((SECONDS - t0)) s"
count_tap "$logs/e2e-san.log" e2e-san
grep -q '^chunk_heap: job e2e finished' "$logs/e2e-san.log" ||
	part_failed e2e-san "the VM did not finish" "$logs/e2e-san.log"
plan=$(sed -nE 's/^1\.\.([0-9]+)\r?$/\1/p' "$logs/e2e-san.log" | tail -1)
ran=$(grep -cE '^(not )?ok [0-9]+' "$logs/e2e-san.log")
[ "${plan:-x}" = "$ran" ] ||
	part_failed e2e-san "planned ${plan:-no} tests, ran $ran" "$logs/e2e-san.log"

say "KUnit on the sanitizer kernel"
t0=$SECONDS
VM_KERNEL=$san_kernel VM_MODULE=$TOP/build/module-san-kunit/chunk_heap.ko \
	VM_CMDLINE="cma=64M cma_pernuma=16M" VM_LOG=$logs/kunit-san.log \
	VM_TIMEOUT=1200 "$TOP/scripts/vm.sh" kunit >/dev/null 2>&1
echo "sanitizer KUnit VM took $((SECONDS - t0)) s"
# The KTAP of the module's suites, after the kernel's own empty one.
sed -n '/^chunk_heap: job kunit starting/,$p' "$logs/kunit-san.log" >"$logs/kunit-san.ktap"
summary=$(python3 "$KSRC/tools/testing/kunit/kunit.py" parse "$logs/kunit-san.ktap" 2>&1 |
	  grep -E 'Testing complete\. Ran [0-9]+ tests' | tail -1)
if [ -z "$summary" ]; then
	part_failed kunit-san "no result" "$logs/kunit-san.log"
else
	p=$(sed -nE 's/.*passed: ([0-9]+).*/\1/p' <<<"$summary")
	f=$(sed -nE 's/.*failed: ([0-9]+).*/\1/p' <<<"$summary")
	c=$(sed -nE 's/.*crashed: ([0-9]+).*/\1/p' <<<"$summary")
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${c:-0}))
	echo "kunit-san: $summary"
fi
sed -n 's/^chunk_heap: kunit job: //p' "$logs/kunit-san.log" | tr -d '\r' >"$logs/kunit-san.tap"
[ -s "$logs/kunit-san.tap" ] ||
	part_failed kunit-san "the VM did not finish" "$logs/kunit-san.log"
count_tap "$logs/kunit-san.tap" kunit-san-log

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
