# SPDX-License-Identifier: GPL-2.0
# The stress job. All at once, for a fixed time: mkdir and rmdir of the
# same few names (so the framework's 128 device numbers last), enable
# toggles, global and per-heap policy flips, quota and pool changes, the
# pools' shrinker (drop_caches) against their refills, readers of
# every attribute, four allocators of mixed sizes at orders 0, 4 and 9 on
# the three areas (one mapping and checking its buffers, one killed with
# -9 during large allocations), vgem importing, vmap and mmap users. Every
# operation must end with one of its documented results, and afterwards
# nothing may be left behind: no directory, no counter above zero, no
# module reference but the registered names, no CMA page; the kernel log
# is checked here and, with kmemleak, at the end of the suite. Each loop
# runs STRESS_ROUNDS rounds, then goes on until 15 s have passed, or 20 s
# on the sanitizer kernel (STRESS_SECONDS): the verdicts ask only for
# what those rounds do, so they do not depend on the machine's speed.
S=/tmp/stress
rm -rf "$S"
mkdir -p "$S"
sfree0=$(free_all)
if has_faults; then
	STRESS_SECONDS=${STRESS_SECONDS:-20}
else
	STRESS_SECONDS=${STRESS_SECONDS:-15}
fi
STRESS_ROUNDS=${STRESS_ROUNDS:-4}
NAMES="s0 s1 s2"
touch "$S/go"

check "a steady heap is made for the stress" mkheap steady reserved 4
check "... one of order 0 on pernuma0" mkheap steady0 "$NODE_AREA0" 0
check "... and one of order 9 on pernuma1" mkheap steady9 "$NODE_AREA1" 9
STEADY="steady steady0 steady9"

# more: the loop has rounds or time left. Each loop counts its rounds in
# i and logs "OPERATION RESULT" lines to $S/<loop>.log.
more() {
	i=$((i + 1))
	[ "$i" -le "$STRESS_ROUNDS" ] ||
		[ "$(cut -d. -f1 /proc/uptime)" -lt "$stress_end" ]
}

stress_mkdir() {
	while more; do
		for n in $NAMES; do
			r=$(chtest mkdir "$CFS/$n")
			echo "mkdir $r"
			[ "$r" = OK ] || continue
			echo "cma_area $(chtest write "$CFS/$n/cma_area" reserved)"
			echo "chunk_order $(chtest write "$CFS/$n/chunk_order" 4)"
			echo "enable1 $(chtest write "$CFS/$n/enable" 1)"
		done
	done
}

stress_rmdir() {
	while more; do
		for n in $NAMES; do
			echo "rmdir $(chtest rmdir "$CFS/$n")"
		done
		sleep 0.05
	done
}

# The steady heap is toggled every third round only, so that allocations
# mostly find it enabled.
stress_toggle() {
	while more; do
		names=$NAMES
		[ $((i % 3)) = 0 ] && names="$NAMES steady"
		for n in $names; do
			echo "enable0 $(chtest write "$CFS/$n/enable" 0)"
			echo "cma_area $(chtest write "$CFS/$n/cma_area" "$NODE_AREA0")"
			echo "chunk_order $(chtest write "$CFS/$n/chunk_order" $((4 + i % 2)))"
			echo "cma_area $(chtest write "$CFS/$n/cma_area" reserved)"
			echo "enable1 $(chtest write "$CFS/$n/enable" 1)"
		done
	done
}

stress_attrs() {
	set -- off local bind interleave
	while more; do
		for n in $NAMES $STEADY; do
			echo "max_bytes $(chtest write "$CFS/$n/max_bytes" $(((i % 3) * 1048576)))"
			echo "pool_bytes $(chtest write "$CFS/$n/pool_bytes" $(((i % 4) * 2097152)))"
			echo "numa_policy $(chtest write "$CFS/$n/numa_policy" "$1")"
			cat "$CFS/$n"/areas/*/bytes "$CFS/$n"/nodes/*/bytes "$CFS/$n/bytes" \
				"$CFS/$n/device" >/dev/null 2>&1
		done
		echo "global $(chtest write /sys/kernel/chunk_heap/numa_policy "$1")"
		set -- "$2" "$3" "$4" "$1"
	done
}

# Allocations: plain ones of mixed sizes on CPU 0, mapped and checked ones
# on CPU 1, and large ones that are killed part-way. No size is 0, which
# the framework refuses with EINVAL whatever the heap.
stress_alloc() {
	while more; do
		for n in $NAMES $STEADY; do
			echo "alloc $(chtest alloc "$n" $((i % 32 * 65536 + (i % 5 + 1) * 4096)))"
		done
	done
}

stress_kill() {
	while more; do
		chtest alloc steady0 $(((16 + i % 3 * 16) << 20)) >/dev/null &
		sleep "0.0$((i % 10))"
		kill -9 $! 2>/dev/null
		wait $! 2>/dev/null
		echo "kill done"
	done
}

# chbuf: vgem imports, maps and unmaps buffers, chimport vmaps them, and
# chbuf mmaps them.
stress_import() {
	while more; do
		for n in steady steady9; do
			r=$(chbuf "$n" $((i % 32 * 65536 + 4096)) 2>&1)
			case $r in
			*"vmap-seen-by-mmap OK"*"vgem-import OK"*) echo "import OK" ;;
			"alloc "*) echo "import ${r#alloc }" ;;
			*) echo "import FAILED" ;;
			esac
		done
	done
}

stress_hold() {
	while more; do
		for n in $NAMES $STEADY; do
			echo "hold $(chtest hold "$n" 1048576 "$S/go" | tail -n 1)"
		done
	done
}

# The shrinker, as memory pressure runs it: drop_caches calls every
# shrinker, and so takes the pools back while they refill.
stress_shrink() {
	while more; do
		echo 2 >/proc/sys/vm/drop_caches
		echo "shrink OK"
		sleep 0.2
	done
}

# Every file of configfs and /sys/kernel/chunk_heap; one that is gone
# (ENOENT) has been removed by the churn. One cat reads them all: a
# process per file made a round take 30 s on the sanitizer kernel.
stress_read() {
	while more; do
		# shellcheck disable=SC2046 # one word per path, none has a space
		cat /dev/null $(find "$CFS" /sys/kernel/chunk_heap -type f 2>/dev/null) \
			>/dev/null 2>"$S/read.err"
		grep -v 'No such file' "$S/read.err" | sed 's/^/read /'
		echo "read OK"
	done
}

t0=$(date +%s)
stress_end=$(($(cut -d. -f1 /proc/uptime) + STRESS_SECONDS))
stress_read >"$S/read.log" 2>&1 &
stress_mkdir >"$S/mkdir.log" 2>&1 &
stress_rmdir >"$S/rmdir.log" 2>&1 &
stress_toggle >"$S/toggle.log" 2>&1 &
stress_attrs >"$S/attrs.log" 2>&1 &
stress_alloc >"$S/alloc.log" 2>&1 &
taskset -p -c 0 $! >/dev/null
stress_hold >"$S/hold.log" 2>&1 &
taskset -p -c 1 $! >/dev/null
stress_kill >"$S/kill.log" 2>&1 &
stress_import >"$S/import.log" 2>&1 &
stress_shrink >"$S/shrink.log" 2>&1 &
wait
echo "# stress: $(($(date +%s) - t0)) s, $(cat "$S"/*.log | wc -l) operations:"
cat "$S"/*.log | sort | uniq -c | sed 's/^ */#   /'

# ENOENT: the directory (or, for an allocation, the node) was not there;
# EBUSY: cma_area or chunk_order while enabled; EINVAL: enable before
# cma_area was set; ENODEV: the heap was disabled or removed; ENOMEM: the
# quota or a bound node's area was full.
check "every operation ended with a documented result" sh -c "! grep -v -x -E \
'mkdir (OK|EEXIST)|rmdir (OK|ENOENT)|cma_area (OK|EBUSY|ENOENT)|\
chunk_order (OK|EBUSY|ENOENT)|enable1 (OK|EINVAL|ENOENT)|enable0 (OK|ENOENT)|\
max_bytes (OK|ENOENT)|pool_bytes (OK|ENOENT)|numa_policy (OK|ENOENT)|global OK|\
shrink OK|\
alloc (OK|ENODEV|ENOMEM|ENOENT)|hold (OK|ENODEV|ENOMEM|ENOENT)|\
kill done|import (OK|ENODEV|ENOMEM)|read OK' $S/*.log"
check "the names were made and removed under the race" \
	sh -c "grep -q -x 'mkdir OK' $S/mkdir.log && grep -q -x 'rmdir OK' $S/rmdir.log"
check "allocations succeeded during the race" grep -q -x "alloc OK" "$S/alloc.log"
check "mapped buffers were checked during the race" grep -q -x "hold OK" "$S/hold.log"
check "vgem imported, chimport vmapped buffers during the race" grep -q -x "import OK" "$S/import.log"
check "every attribute was read during the race" grep -q -x "read OK" "$S/read.log"
check "the pools refilled and the shrinker took from them during the race" sh -c \
	"test \$(cat $CFS/steady/pool_refills) -gt 0 && test \$(cat $CFS/steady/pool_shrunk) -gt 0"

for n in $STEADY; do
	expect "$n: no byte, buffer or area byte is left accounted" "0 0 0" \
		echo $(cat "$CFS/$n/bytes" "$CFS/$n/buffers") \
		$(($(cat "$CFS/$n"/areas/*/bytes | tr '\n' '+')0))
done
for n in $NAMES $STEADY; do
	[ -d "$CFS/$n" ] && rmdir "$CFS/$n"
done
echo off >/sys/kernel/chunk_heap/numa_policy
expect "nothing is left in configfs" "" ls "$CFS"
expect "no module reference is left but the registered names" "$(chunk_slots)" refcnt
# A pool's worker may still be finishing a refill it began before the
# rmdir; what it took goes back when it is done.
_n=0
while [ "$(free_all)" != "$sfree0" ] && [ $_n -lt 100 ]; do
	sleep 0.1
	_n=$((_n + 1))
done
set -- $sfree0
expect "reserved has every page back" "$1" area_free reserved
expect "pernuma0 has every page back" "$2" area_free "$NODE_AREA0"
expect "pernuma1 has every page back" "$3" area_free "$NODE_AREA1"
expect "the kernel did not warn during the stress" "" kernel_reports
check "a heap can still be made and used" sh -c \
	"mkdir $CFS/after && echo reserved >$CFS/after/cma_area && echo 1 >$CFS/after/enable && \
	test \"\$(chtest alloc after 1048576)\" = OK && rmdir $CFS/after"
expect "... and leaves nothing behind" "$sfree0" free_all
