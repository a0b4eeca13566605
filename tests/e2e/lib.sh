# SPDX-License-Identifier: GPL-2.0
# Helpers for the end-to-end tests, which run in the VM's busybox shell.
# Each check prints one TAP line; scripts/check.sh counts them.

CFS=/sys/kernel/config/chunk_heap
T_N=0
T_FAILED=0

ok() {
	T_N=$((T_N + 1))
	echo "ok $T_N - $*"
}

not_ok() {
	T_N=$((T_N + 1))
	T_FAILED=$((T_FAILED + 1))
	echo "not ok $T_N - $*"
}

# check DESCRIPTION COMMAND...: passes if COMMAND succeeds.
check() {
	_desc=$1
	shift
	if "$@" >/tmp/check.out 2>&1; then
		ok "$_desc"
	else
		not_ok "$_desc"
		sed 's/^/#   /' /tmp/check.out
	fi
}

# expect DESCRIPTION WANT COMMAND...: passes if COMMAND prints WANT.
expect() {
	_desc=$1
	_want=$2
	shift 2
	_got=$("$@" 2>&1)
	if [ "$_got" = "$_want" ]; then
		ok "$_desc"
	else
		not_ok "$_desc: want '$_want', got '$_got'"
	fi
}

# errno DESCRIPTION WANT FILE STRING: a configfs/sysfs write's result.
errno() {
	expect "$1" "$2" chtest write "$3" "$4"
}

# Create heap NAME on AREA with ORDER, enabled.
mkheap() {
	mkdir "$CFS/$1" && echo "$2" >"$CFS/$1/cma_area" &&
		echo "$3" >"$CFS/$1/chunk_order" && echo 1 >"$CFS/$1/enable"
}

# The free pages of a CMA area: size less what debugfs counts as used.
area_free() {
	echo $(( $(cat /sys/kernel/debug/cma/$1/count) - $(cat /sys/kernel/debug/cma/$1/used) ))
}

done_testing() {
	echo "1..$T_N"
}
