# SPDX-License-Identifier: GPL-2.0
# A devicetree region, as an embedded board declares it: a reusable
# shared-dma-pool node under /reserved-memory, which the kernel makes a
# CMA area named after the node, and a chunk heap made on it at runtime.
# scripts/vm.sh adds the node "video" (64 MiB, placed by the kernel) to the
# arm64 guest's devicetree (VM_DT_RMEM); a guest without it (x86_64, or
# VM_DT_RMEM= on arm64) skips this file.
#
# "From that region and no other" is checked three ways: the heap's
# areas/<area>/bytes, CMA's own counters in /sys/kernel/mm/cma, and CMA's
# trace events, which name the area of every cma_alloc() and cma_release()
# call and give the first page frame of each run, all of which must lie in
# the region.
DTN=/proc/device-tree/reserved-memory/video
DTV=$CFS/dtvideo
G=/sys/kernel/chunk_heap
TR=/sys/kernel/tracing

# dt_u64 PROP: a two-cell property of the node, as a number.
dt_u64() {
	echo $((0x$(od -An -tx1 -v "$DTN/$1" | tr -d ' \n')))
}

# dt_string PROP: a string property of the node.
dt_string() {
	tr -d '\0' <"$DTN/$1"
}

# others: the CMA counters of every area but video, on one line; a call
# that failed counts in alloc_pages_fail.
others() {
	for _a in /sys/kernel/mm/cma/*; do
		[ "${_a##*/}" = video ] && continue
		echo "${_a##*/} $(cat "$_a/alloc_pages_success" "$_a/alloc_pages_fail" \
			"$_a/release_pages_success")"
	done | tr '\n' ' '
}

# elsewhere HEAP: the heap's live bytes in every area but video, summed.
elsewhere() {
	heap_split "$1" areas | awk '$1 != "video" { n += $2 } END { print n + 0 }'
}

# trace_on, trace_off: record CMA's calls from now on, or stop.
trace_on() {
	echo >"$TR/trace"
	for _e in cma_alloc_start cma_alloc_finish cma_release; do
		echo 1 >"$TR/events/cma/$_e/enable"
	done
}

trace_off() {
	for _e in cma_alloc_start cma_alloc_finish cma_release; do
		echo 0 >"$TR/events/cma/$_e/enable"
	done
	echo >"$TR/trace"
}

# cma_trace: what CMA's events since trace_on say, on one line: "<pages
# cma_alloc() gave> <pages released> <stray>", where stray counts the calls
# on any other area than video and the runs that do not lie wholly in
# video's page frames (debugfs base_pfn and count).
cma_trace() {
	grep -E ' cma_(alloc_start|alloc_finish|release): ' "$TR/trace" |
		awk '{
			ev = name = pfn = count = "-"; err = 0
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^cma_[a-z_]+:$/) ev = $i
				else if ($i ~ /^name=/) name = substr($i, 6)
				else if ($i ~ /^pfn=/) pfn = substr($i, 5)
				else if ($i ~ /^count=/) count = substr($i, 7)
				else if ($i ~ /^errorno=/) err = substr($i, 9)
			}
			print ev, name, pfn, count, err
		}' | {
		_got=0 _rel=0 _stray=0
		while read -r _ev _name _pfn _count _err; do
			[ "$_name" = video ] || _stray=$((_stray + 1))
			case $_ev in
			cma_alloc_start:) continue ;;
			cma_alloc_finish:) [ "$_err" = 0 ] || continue ;;
			esac
			if [ $((_pfn)) -lt "$vbase" ] ||
				[ $((_pfn + _count)) -gt $((vbase + vpages)) ]; then
				_stray=$((_stray + 1))
			fi
			case $_ev in
			cma_alloc_finish:) _got=$((_got + _count)) ;;
			cma_release:) _rel=$((_rel + _count)) ;;
			esac
		done
		echo "$_got $_rel $_stray"
	}
}

if [ ! -d "$DTN" ]; then
	echo "# t_57_dtregion.sh: skipped: no devicetree region \"video\" (x86_64, or VM_DT_RMEM= on arm64)"
else
	# --- the region, as the devicetree declares it and the kernel made it --
	vsize=$(dt_u64 size)
	valign=$(dt_u64 alignment)
	vpages=$((vsize / PAGE_SIZE))
	echo "# devicetree: video, $vsize bytes aligned to $valign"
	expect "the devicetree declares video as a shared-dma-pool" shared-dma-pool \
		dt_string compatible
	check "... that is reusable" test -e "$DTN/reusable"
	check "the kernel made it the CMA area video" test -d /sys/kernel/mm/cma/video
	# "OF: reserved mem: 0x00000000bc000000..0x00000000bfffffff (65536 KiB)
	# map reusable video"
	range=$(dmesg | sed -n 's/.*OF: reserved mem: \(0x[0-9a-f]*\)\.\.\(0x[0-9a-f]*\) .* reusable video$/\1 \2/p')
	echo "# kernel log: video at $range"
	set -- $range 0 0
	vbase=$(cat /sys/kernel/debug/cma/video/base_pfn)
	expect "... where the kernel log says it placed the region" "$(($1)) $(($2 + 1))" \
		echo $((vbase * PAGE_SIZE)) $(((vbase + $(cat /sys/kernel/debug/cma/video/count)) * PAGE_SIZE))
	expect "... of the size the devicetree gives" "$vsize" \
		echo $(($(cat /sys/kernel/debug/cma/video/count) * PAGE_SIZE))
	expect "... aligned as it asks" 0 echo $(((vbase * PAGE_SIZE) % valign))
	expect "the module lists video with that size" "$vsize" cat "$G/areas/video/size"
	expect "... and the node its memory is on" "$(pfn_node "$vbase")" cat "$G/areas/video/node"
	expect "video is all free" "$vpages" area_free video

	# --- a heap on it, made at runtime ---------------------------------------
	check "a heap on video with 64 KiB chunks is made and enabled" \
		mkheap dtvideo video "$(order_of 65536)"
	expect "... its cma_area reads video" video cat "$DTV/cma_area"
	expect "... its numa_policy is default" "[default] off local bind interleave" \
		cat "$DTV/numa_policy"
	expect "... which follows the global policy, off" "[off] local bind interleave" \
		cat "$G/numa_policy"
	check "CMA's trace events are there" test -d "$TR/events/cma"

	o0=$(others)
	echo "# the other areas' CMA counters: $o0"
	trace_on
	hold A dtvideo 16777216 1
	expect "a 16 MiB buffer is allocated on CPU 1" HELD bg_first A
	expect "... all from video" "16777216 0" echo "$(area_bytes dtvideo video) $(elsewhere dtvideo)"
	expect "... video lends exactly its pages" $((vpages - 16777216 / PAGE_SIZE)) area_free video
	expect "... no other area gave or was asked for a page" "$o0" others
	expect "... every run CMA gave lies in the region" "$((16777216 / PAGE_SIZE)) 0 0" cma_trace
	expect "... the buffer is intact" OK bg_finish A
	expect "... and its pages go back to video" "$((16777216 / PAGE_SIZE)) $((16777216 / PAGE_SIZE)) 0" \
		cma_trace
	expect "video is all free again" "$vpages" area_free video

	# The whole region in one buffer: each of its pages, exactly once.
	trace_on
	hold B dtvideo "$vsize" 1
	expect "a buffer the size of the region is allocated" HELD bg_first B
	expect "... all from video" "$vsize 0" echo "$(area_bytes dtvideo video) $(elsewhere dtvideo)"
	expect "... which is full" 0 area_free video
	expect "... every page of the region, and none outside it" "$vpages 0 0" cma_trace
	expect "... no other area gave or was asked for a page" "$o0" others
	expect "... the buffer is intact" OK bg_finish B

	# More than the region holds: ENOMEM, not pages of another area.
	fails0=$(cat "$DTV/failures")
	trace_on
	expect "default policy, global off: more than the region holds fails with ENOMEM" ENOMEM \
		taskset -c 1 chtest alloc dtvideo $((vsize + 65536))
	expect "... counted in failures" $((fails0 + 1)) cat "$DTV/failures"
	expect "... no other area gave or was asked for a page" "$o0" others
	set -- $(cma_trace)
	expect "... what video gave on the way is all released, all in the region" "$1 0" echo "$2 $3"
	expect "... video is all free" "$vpages" area_free video
	expect "... and the heap holds nothing" "0 0" echo "$(cat "$DTV/bytes") $(elsewhere dtvideo)"

	# A heap on a board's region names its policy: off keeps it there
	# whatever the global knob says.
	errno "the global numa_policy takes local" OK "$G/numa_policy" local
	errno "the heap's numa_policy takes off" OK "$DTV/numa_policy" off
	trace_on
	expect "policy off, global local: more than the region holds fails with ENOMEM" ENOMEM \
		taskset -c 1 chtest alloc dtvideo $((vsize + 65536))
	expect "... no other area gave or was asked for a page" "$o0" others
	set -- $(cma_trace)
	expect "... what video gave on the way is all released, all in the region" "$1 0" echo "$2 $3"
	trace_on
	hold C dtvideo 1048576 1
	expect "policy off, global local: 1 MiB on CPU 1 is allocated" HELD bg_first C
	expect "... from video, not CPU 1's node's area" "1048576 0" \
		echo "$(area_bytes dtvideo video) $(elsewhere dtvideo)"
	expect "... the buffer is intact" OK bg_finish C
	expect "... and CMA's calls were all on video" "$((1048576 / PAGE_SIZE)) $((1048576 / PAGE_SIZE)) 0" \
		cma_trace
	expect "... no other area gave or was asked for a page" "$o0" others

	# default follows the global policy: with local, a CPU whose node has
	# an area takes from it first, as t_40 checks for reserved.
	errno "the heap's numa_policy takes default" OK "$DTV/numa_policy" default
	if [ "$(cat "$G/numa_active")" = 1 ]; then
		hold D dtvideo 1048576 1
		expect "policy default, global local: 1 MiB on CPU 1 is allocated" HELD bg_first D
		expect "... from CPU 1's node's area, not video" "0 1048576" \
			echo "$(area_bytes dtvideo video) $(elsewhere dtvideo)"
		check "... which the other areas' CMA counters show" test "$(others)" != "$o0"
		expect "... the buffer is intact" OK bg_finish D
	fi
	errno "the global numa_policy is off again" OK "$G/numa_policy" off
	trace_off

	errno "the heap is disabled" OK "$DTV/enable" 0
	check "... and removed" rmdir "$DTV"
	expect "video has every page back" "$vpages" area_free video
	expect "... and CMA counted as many pages released as given" \
		"$(cma_stat video alloc_pages_success)" cma_stat video release_pages_success
fi
