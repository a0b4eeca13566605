# SPDX-License-Identifier: GPL-2.0
# Helpers for the end-to-end tests, which run in the VM's busybox shell.
# Each check prints one TAP line; scripts/check.sh counts them.

CFS=/sys/kernel/config/chunk_heap
# The kernel's page size, which busybox has no getconf for.
PAGE_SIZE=$(awk '/^KernelPageSize:/ { print $2 * 1024; exit }' /proc/self/smaps)
T_N=0
T_FAILED=0

# order_of BYTES: the chunk order of a chunk of BYTES (a power of two).
order_of() {
	_o=0
	while [ $((PAGE_SIZE << _o)) -lt "$1" ]; do
		_o=$((_o + 1))
	done
	echo "$_o"
}

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

# settle WANT CMD...: wait up to 30 s for CMD to print WANT; print what it
# prints then.
settle() {
	_sw=$1
	shift
	_sn=0
	while [ "$("$@")" != "$_sw" ] && [ $_sn -lt 600 ]; do
		sleep 0.05
		_sn=$((_sn + 1))
	done
	"$@"
}

# settle_to FILE WANT: wait up to 30 s for FILE to read WANT; print it.
settle_to() {
	settle "$2" cat "$1"
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

# refuse DESCRIPTION WANT FILE STRING: the write fails with errno WANT and
# leaves what FILE reads unchanged (two checks).
refuse() {
	_before=$(cat "$3" 2>&1)
	errno "$1" "$2" "$3" "$4"
	expect "... and ${3##*/} still reads as before" "$_before" cat "$3"
}

# Free pages of the three test areas, on one line.
free_all() {
	echo "$(area_free reserved) $(area_free $NODE_AREA0) $(area_free $NODE_AREA1)"
}

# cma_stat AREA COUNTER: /sys/kernel/mm/cma/AREA/COUNTER (alloc_pages_success...).
cma_stat() {
	cat "/sys/kernel/mm/cma/$1/$2"
}

# References held on the module (directories, registered heaps, buffers).
refcnt() {
	cat /sys/module/chunk_heap/refcnt
}

# Device names registered by chunk_heap: every dma-heap but the kernel's own
# (7.3's CMA heap serves the default area as default_cma_region too).
chunk_slots() {
	ls /dev/dma_heap | grep -c -v -x -e system -e reserved -e default_cma_region
}

# Background probes. bg_run TAG CMD... runs CMD with its output in
# /tmp/bg.TAG.out and returns once CMD has printed its first line (HELD,
# OPEN, or an errno if it failed), at most 60 s later. CMD waits for the
# file /tmp/bg.TAG.go; bg_finish TAG creates it, waits for CMD's second
# line (its verdict) and prints it, or the first if that was an errno.
bg_run() {
	_tag=$1
	shift
	rm -f "/tmp/bg.$_tag.out" "/tmp/bg.$_tag.go"
	"$@" >"/tmp/bg.$_tag.out" 2>&1 &
	_n=0
	while [ ! -s "/tmp/bg.$_tag.out" ] && [ $_n -lt 1200 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
}

# bg_first TAG: the first line the background probe printed.
bg_first() {
	head -n 1 "/tmp/bg.$1.out"
}

# bg_finish TAG: let the probe go on, print its verdict.
bg_finish() {
	case $(bg_first "$1") in
	HELD*|OPEN) ;;
	*) bg_first "$1"; return ;;	# it failed at once and has ended
	esac
	touch "/tmp/bg.$1.go"
	_n=0
	while [ "$(wc -l <"/tmp/bg.$1.out")" -lt 2 ] && [ $_n -lt 1200 ]; do
		sleep 0.05
		_n=$((_n + 1))
	done
	sed -n 2p "/tmp/bg.$1.out"
}

# hold TAG HEAP LEN [CPU]: keep a mapped LEN-byte buffer of HEAP, allocated
# on CPU if given, until bg_finish TAG (which prints OK if the buffer kept
# its contents).
hold() {
	if [ -n "$4" ]; then
		bg_run "$1" taskset -c "$4" chtest hold "$2" "$3" "/tmp/bg.$1.go"
	else
		bg_run "$1" chtest hold "$2" "$3" "/tmp/bg.$1.go"
	fi
}

# open_fd TAG HEAP LEN: open /dev/dma_heap/HEAP now; bg_finish TAG
# allocates LEN bytes through that fd and prints OK or the errno.
open_fd() {
	bg_run "$1" chtest open "$2" "$3" "/tmp/bg.$1.go"
}

# heap_stats HEAP: bytes buffers peak failures cma_calls, on one line.
heap_stats() {
	echo $(cat "$CFS/$1/bytes" "$CFS/$1/buffers" "$CFS/$1/peak" \
		"$CFS/$1/failures" "$CFS/$1/cma_calls")
}

# area_bytes HEAP AREA, node_bytes HEAP NODE: the heap's live bytes in one
# CMA area (areas/AREA/bytes), on one node (nodes/nodeNODE/bytes).
area_bytes() {
	cat "$CFS/$1/areas/$2/bytes"
}

node_bytes() {
	cat "$CFS/$1/nodes/node$2/bytes"
}

# heap_split HEAP areas|nodes: "AREA BYTES" or "NODE BYTES" lines, one per
# directory of the heap's areas/ or nodes/ (node<N>), by name.
heap_split() {
	for _d in "$CFS/$1/$2"/*/; do
		_d=${_d%/}
		_k=${_d##*/}
		[ "$2" = nodes ] && _k=${_k#node}
		echo "$_k $(cat "$_d/bytes")"
	done
}

# sys_areas: "NAME NODE BYTES" for each directory of
# /sys/kernel/chunk_heap/areas, by name.
sys_areas() {
	for _d in /sys/kernel/chunk_heap/areas/*/; do
		_d=${_d%/}
		echo "${_d##*/} $(cat "$_d/node") $(cat "$_d/size")"
	done
}

# is_dt_region AREA: AREA is the CMA area of a devicetree region, which the
# kernel names after its reserved-memory node. scripts/vm.sh declares one,
# "video", in the arm64 guest's devicetree (VM_DT_RMEM; t_57_dtregion);
# the x86_64 guest has no devicetree.
is_dt_region() {
	[ -n "$1" ] && [ -e "/proc/device-tree/reserved-memory/$1" ]
}

# dt_regions: the CMA areas of devicetree regions, by name, one a line.
dt_regions() {
	ls /sys/kernel/mm/cma | while read -r _a; do
		! is_dt_region "$_a" || echo "$_a"
	done
}

# no_dt_regions: the lines of standard input but those whose first word
# is a devicetree region's area.
no_dt_regions() {
	while read -r _l; do
		is_dt_region "${_l%% *}" || echo "$_l"
	done
}

# cmdline_areas: sys_areas less the devicetree regions: the areas of cma=
# and cma_pernuma=.
cmdline_areas() {
	sys_areas | no_dt_regions
}

# pfn_node PFN: the node whose memory holds page frame PFN, from
# /proc/zoneinfo.
pfn_node() {
	awk -v pfn="$1" '/^Node/ { node = $2; sub(",", "", node) }
		$1 == "spanned" { span = $2 }
		$1 == "start_pfn:" && pfn >= $2 && pfn < $2 + span { print node }' \
		/proc/zoneinfo
}

# What in a kernel log is a report: a warning, an oops, a sanitizer's or
# lockdep's finding, a hung task, a DMA API error.
REPORTS='WARNING:|BUG:|Oops|Call Trace|UBSAN|KASAN|possible recursive locking|circular locking|inconsistent lock state|blocked for more than|DMA-API: .* driver'

# kmemleak_clear: forget what kmemleak suspects so far (boot-time objects).
kmemleak_clear() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
}

# kmemleak_scan: print what kmemleak suspects now; nothing on a kernel
# without it. An object must be unreferenced for 5 s to count.
kmemleak_scan() {
	[ -w /sys/kernel/debug/kmemleak ] || return 0
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak
}

# kernel_log: the kernel log, less what an injected failure logs, which
# is not a report: its stack (from "FAULT_INJECTION" to the end of the
# stack), the allocation failure warnings that it causes, and the warning
# that 6.12's dma_buf_vmap() gives whenever an exporter's vmap fails.
kernel_log() {
	dmesg | awk '/FAULT_INJECTION: forcing a failure|: page allocation failure: |: vmalloc error: / { fi = 1 }
		/WARNING: .* dma_buf_vmap\+/ { fi = 2 }
		!fi { print }
		fi == 1 && /<\/TASK>/ { fi = 0 }
		fi == 2 && /---\[ end trace/ { fi = 0 }'
}

# kernel_reports: the reports in the kernel log, one line each.
kernel_reports() {
	kernel_log | grep -E "$REPORTS"
}

# check_kernel_log: the kernel log has no report, and kmemleak suspects
# nothing (two TAP lines).
check_kernel_log() {
	kernel_log >/tmp/dmesg.txt
	if grep -E "$REPORTS" /tmp/dmesg.txt >/tmp/bad.txt; then
		not_ok "kernel log has no reports"
		sed 's/^/#   /' /tmp/dmesg.txt
	else
		ok "kernel log has no reports"
	fi
	kmemleak_scan >/tmp/leaks.txt
	if [ -s /tmp/leaks.txt ]; then
		not_ok "kmemleak suspects nothing"
		sed 's/^/#   /' /tmp/leaks.txt
	else
		ok "kmemleak suspects nothing"
	fi
}

# Fault injection, on kernels that have it (the sanitizer kernel).
has_faults() {
	[ -e /proc/thread-self/fail-nth ]
}

# faults_on, faults_off: let fail-nth fail every allocation, GFP_KERNEL
# ones and single pages too, and log each failure with its stack.
faults_on() {
	for _f in failslab fail_page_alloc; do
		echo N >"/sys/kernel/debug/$_f/ignore-gfp-wait"
		echo 2 >"/sys/kernel/debug/$_f/verbose"
		echo 0 >"/sys/kernel/debug/$_f/verbose_ratelimit_interval_ms"
	done
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
}

faults_off() {
	for _f in failslab fail_page_alloc; do
		echo Y >"/sys/kernel/debug/$_f/ignore-gfp-wait"
		echo 0 >"/sys/kernel/debug/$_f/verbose"
	done
	echo 1 >/sys/kernel/debug/fail_page_alloc/min-order
}

# sweep_clean FILE: chfail's output FILE (tests/probe/chfail.c) ran to
# the end, each injected failure was a clean ENOMEM or recovered from, left
# the heap's counters as they were and no buffer unzeroed, and the last
# step succeeded.
sweep_clean() {
	grep -qx END "$1" && grep -qE '^[0-9]+ OK missed' "$1" &&
		! grep ' injected' "$1" | grep -v -E '^[0-9]+ (ENOMEM|OK) ' &&
		! grep -qE ' (counted|dirty)' "$1"
}

# fault_sites FILE: a "# fault-site SITE" line per failure injected in
# chfail's output FILE, for scripts/fault-sites.py; also kept in
# /tmp/sites.hit.
fault_sites() {
	sed -n 's/.* site=\([^ ]*\).*/# fault-site \1/p' "$1" | tee -a /tmp/sites.hit
}

# sweep DESCRIPTION CHFAIL-ARGS...: fail each allocation the operation
# meets, one at a time, and check that each failure is clean.
sweep() {
	_desc=$1
	shift
	chfail "$@" >/tmp/sweep.txt 2>&1
	_n=$(grep -c ' injected' /tmp/sweep.txt)
	echo "# $_desc: $_n failures injected, $(grep -c ' OK injected' /tmp/sweep.txt) recovered from"
	fault_sites /tmp/sweep.txt
	check "$_desc: failures are injected" test "$_n" -gt 0
	check "... each one clean: ENOMEM or recovered from, counters unchanged, buffers zeroed" \
		sweep_clean /tmp/sweep.txt
}

# site_ops SITE: the operations (chfail arguments) that reach SITE's
# function; all of them for a function this list does not know.
site_ops() {
	case ${1%%+*} in
	chunk_runs_alloc | chunk_runs_append | chunk_numa_plan | chunk_buffer_export) echo alloc ;;
	chunk_buffer_mmap) echo mmap ;;
	chunk_buffer_attach) echo import ;;
	chunk_buffer_vmap) echo vmap ;;
	chunk_heap_create | chunk_heaps_make_group) echo mkdir ;;
	chunk_heap_enable) echo enable ;;
	chunk_heap_init | chunk_areas_init | chunk_numa_init | chunk_configfs_init | \
	chunk_pools_init) echo insmod ;;
	*) echo alloc mmap import vmap mkdir enable ;;
	esac
}

done_testing() {
	echo "1..$T_N"
}

# The per-node CMA areas of cma_pernuma=: "pernuma<N>" up to 6.x, but 7.x
# names every per-node area "numa<N>". Tests give the kernel $NODE_AREA0
# and $NODE_AREA1, and compare what they read, passed through node_names,
# with the 6.x names: node_names [FILE...] rewrites numa0 and numa1 as
# pernuma0 and pernuma1, taking 3 of the spaces after a name in a table
# (whose area column is 8 wide or more: "reserved" is always listed).
if [ -e /sys/kernel/mm/cma/pernuma0 ]; then
	NODE_AREA0=pernuma0
	NODE_AREA1=pernuma1
	node_names() {
		cat "$@"
	}
else
	NODE_AREA0=numa0
	NODE_AREA1=numa1
	node_names() {
		sed -E -e 's/(^|[^A-Za-z])numa([01])   /\1pernuma\2/g' \
			-e 's/(^|[^A-Za-z])numa([01])/\1pernuma\2/g' "$@"
	}
fi
