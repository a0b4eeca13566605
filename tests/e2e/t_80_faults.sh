# SPDX-License-Identifier: GPL-2.0
# Fault injection, on kernels that have it (the sanitizer kernel): every
# allocation the thread under test meets on the alloc, mmap, import
# (attach and map), vmap, mkdir and enable paths is made to fail in turn,
# with fail-nth, so that nothing but the operation under test fails
# (t_00 does the same for insmod). Then, for each allocation site of the
# module (/tests/fault-sites.txt, from scripts/fault-sites.py), the same
# operations again with only that site's allocations failing, so that
# each failure is attributed, logged or not. scripts/fault-sites.py checks
# on the host that every site failed at least once.

# op_args OP TAG: chfail's arguments for OP; TAG names enable's new heaps.
op_args() {
	case $1 in
	alloc)
		echo "alloc fi4 $((4 << 20))"
		echo "alloc fi0 $((1 << 20))"
		echo "alloc fii $((1 << 20))"
		echo "alloc fip $((1 << 20))"
		;;
	mmap | vmap) echo "$1 fi4 $((4 << 20))" ;;
	import) echo "import fi4 $((1 << 20))" ;;
	mkdir) echo "mkdir $CFS/fi-new" ;;
	enable) echo "enable $CFS/fi-$2- $NODE_AREA1 2" ;;
	esac
}

if has_faults; then
	faults_on
	mkheap fi4 reserved 4
	mkheap fi0 "$NODE_AREA0" 0
	mkheap fii "$NODE_AREA0" 0
	echo interleave >"$CFS/fii/numa_policy"
	fi0=$(free_all)
	# A pool, which an allocation takes its chunks from first.
	mkheap fip reserved 4
	echo $((4 << 20)) >"$CFS/fip/pool_bytes"

	for op in alloc mmap import vmap mkdir enable; do
		op_args $op all >/tmp/ops.txt
		while read -r args; do
			sweep "$args" $args
		done </tmp/ops.txt
	done

	# The sites that no logged failure was attributed to above: those
	# whose allocations do not warn (__GFP_NOWARN), or that the sweeps
	# could not reach.
	_k=0
	while read -r site callee; do
		grep -qx "# fault-site $site" /tmp/sites.hit && continue
		[ "$(site_ops "$site")" = insmod ] && continue	# t_00's
		_k=$((_k + 1))
		_n=0
		_bad=
		for op in $(site_ops "$site"); do
			op_args "$op" "s$_k" >/tmp/ops.txt
			while read -r args; do
				chfail -s "$site" $args >/tmp/site.txt 2>&1
				grep -qx GONE /tmp/site.txt && continue 3	# init: see t_00
				_n=$((_n + $(grep -c ' injected' /tmp/site.txt)))
				fault_sites /tmp/site.txt
				sweep_clean /tmp/site.txt || _bad="$_bad ${args%% *}"
			done </tmp/ops.txt
		done
		expect "site $site ($callee) alone: $_n failures injected, each one clean" "" echo $_bad
	done </tests/fault-sites.txt
	faults_off

	check "no directory is left by mkdir's failures" test ! -e "$CFS/fi-new"
	check "nor by enable's" sh -c "! ls -d $CFS/fi-*-* 2>/dev/null"
	for h in fi4 fi0 fii fip; do
		expect "$h: no byte or buffer is left accounted" "0 0" \
			echo $(cat "$CFS/$h/bytes" "$CFS/$h/buffers")
		echo 0 >"$CFS/$h/enable"
		rmdir "$CFS/$h"
	done
	expect "every page of the areas came back" "$fi0" free_all
else
	echo "# this kernel has no fault injection: t_80 runs on the sanitizer kernel"
fi
