# SPDX-License-Identifier: GPL-2.0
# The pool of pre-zeroed chunks: its ABI, refill, live resizing, the
# return of freed chunks, the drains (pool_bytes=0, disable, rmdir), the
# shrinker under real memory pressure (chbench pressure), and that freed contents are never
# seen again. The latency histogram and the trace events too.

# lat_total HEAP: the allocations its latency histogram counts.
lat_total() {
	cat "$CFS/$1"/latency_us/*/count | awk '{ n += $1 } END { print n }'
}

P=$CFS/pool
MiB=1048576
o64k=$(order_of 65536)
pfree0=$(free_all)
rfree0=$(area_free reserved)

mkdir "$P"
expect "pool_bytes is 0 by default" 0 cat "$P/pool_bytes"
expect "pool_ready is 0 by default" 0 cat "$P/pool_ready"
for _bad in "x" "-1" "+1" "1 " "0x10" "1\n\n" "1\0002"; do
	refuse "pool_bytes refuses '$_bad'" EINVAL "$P/pool_bytes" "$_bad"
done
refuse "pool_bytes refuses more than all CMA areas hold" ERANGE "$P/pool_bytes" 1099511627776000
refuse "pool_bytes refuses 2^64" ERANGE "$P/pool_bytes" 18446744073709551616
for _f in pool_ready pool_hits pool_misses pool_refills pool_shrunk cma_failures; do
	errno "$_f is read-only" EACCES "$P/$_f" 0
done
expect "latency_us has 25 buckets, 0 to 2^24 us" "25 0 16777216" \
	sh -c "ls $P/latency_us | sort -n | awk '{ n++; v[n] = \$1 } END { print n, v[1], v[n] }'"
expect "no allocation counted yet" 0 lat_total pool

# A disabled heap keeps its target but holds nothing.
errno "pool_bytes can be set on a disabled heap" OK "$P/pool_bytes" $((8 * MiB))
echo reserved >"$P/cma_area"
echo "$o64k" >"$P/chunk_order"
sleep 0.5
expect "... and the disabled heap's pool stays empty" 0 cat "$P/pool_ready"
expect "... and takes nothing from CMA" "$pfree0" free_all

echo 1 >"$P/enable"
expect "enabling fills the pool to pool_bytes" $((8 * MiB)) settle_to "$P/pool_ready" $((8 * MiB))
check "... counting a refill" test "$(cat "$P/pool_refills")" -ge 1
expect "... from the heap's area" $((rfree0 - 8 * MiB / PAGE_SIZE)) area_free reserved
expect "... with no live buffer" "0 0" sh -c "echo \$(cat $P/bytes $P/buffers)"

# An allocation the pool holds: a hit, from no new cma_alloc().
_calls=$(cat "$P/cma_calls")
expect "a 4 MiB buffer comes from the pool" "1 0" chtest stale 1 pool $((4 * MiB))
expect "... a hit" 1 cat "$P/pool_hits"
expect "... no miss" 0 cat "$P/pool_misses"
expect "... and the pool is full again" $((8 * MiB)) settle_to "$P/pool_ready" $((8 * MiB))
expect "the latency histogram counts it" 1 lat_total pool

# Larger than the pool: the pool's chunks, then CMA's; a miss.
expect "a 12 MiB buffer is allocated" OK chtest alloc pool $((12 * MiB))
expect "... a miss" 1 cat "$P/pool_misses"
expect "... and the pool is full again" $((8 * MiB)) settle_to "$P/pool_ready" $((8 * MiB))
expect "... the pool and the freed chunks hold 8 MiB of the area" \
	$((rfree0 - 8 * MiB / PAGE_SIZE)) area_free reserved

# No freed byte is ever seen again: every buffer is filled with 0xa5 and
# freed, and the next one, from the pool, reads zero.
expect "40 buffers of 1 MiB, each filled and freed, all read zero" "40 0" \
	chtest stale 40 pool $MiB
expect "... and 6 of 3 MiB, larger than the pool's runs" "6 0" \
	chtest stale 6 pool $((3 * MiB))
check "... which the pool served" test "$(cat "$P/pool_hits")" -ge 40

# heapctl shows the pool and the histogram, and sets pool_bytes live.
expect "heapctl show: the pool" "pool_bytes:     8M
pool_ready:     8M" sh -c "heapctl show pool | grep -E '^pool_(bytes|ready):'"
expect "heapctl show: the latency buckets add up to the allocations" \
	"$(lat_total pool)" sh -c "heapctl show pool | awk '/^  [0-9]+ us  / { n += \$3 } END { print n }'"
check "heapctl show -j: the histogram's 25 buckets" \
	test "$(heapctl show -j -p pool | grep -c '"floor_us"')" -eq 25
expect "heapctl set --pool on the live heap" "pool: pool_bytes=12582912" heapctl set pool --pool 12M
expect "... fills the pool to it" $((12 * MiB)) settle_to "$P/pool_ready" $((12 * MiB))

# Whole chunks: 100 KiB keeps two 64 KiB chunks.
errno "pool_bytes 100 KiB is accepted" OK "$P/pool_bytes" 102400
expect "... and the pool keeps it as whole chunks, 128 KiB" 131072 settle_to "$P/pool_ready" 131072
expect "... and reads back as written" 102400 cat "$P/pool_bytes"

# Live resize, up and down, while a buffer is held.
hold live pool $((2 * MiB))
errno "pool_bytes grows on a live heap" OK "$P/pool_bytes" $((16 * MiB))
expect "... and the pool fills to it" $((16 * MiB)) settle_to "$P/pool_ready" $((16 * MiB))
errno "pool_bytes shrinks on a live heap" OK "$P/pool_bytes" $((4 * MiB))
check "... and gives chunks back at once" test "$(cat "$P/pool_ready")" -le $((4 * MiB))
expect "... then holds 4 MiB" $((4 * MiB)) settle_to "$P/pool_ready" $((4 * MiB))
expect "the held buffer kept its contents" OK bg_finish live
expect "... and its chunks went back to the pool or CMA" \
	$((rfree0 - 4 * MiB / PAGE_SIZE)) area_free reserved

# The drains.
errno "pool_bytes=0 drains the pool" OK "$P/pool_bytes" 0
expect "... at once" 0 cat "$P/pool_ready"
expect "... and every page goes back" "$pfree0" free_all
echo $((8 * MiB)) >"$P/pool_bytes"
expect "the pool fills again" $((8 * MiB)) settle_to "$P/pool_ready" $((8 * MiB))
echo 0 >"$P/enable"
expect "disable drains it at once" 0 cat "$P/pool_ready"
expect "... and every page goes back" "$pfree0" free_all
expect "... and keeps pool_bytes" $((8 * MiB)) cat "$P/pool_bytes"
echo 1 >"$P/enable"
expect "enable fills it again" $((8 * MiB)) settle_to "$P/pool_ready" $((8 * MiB))

# A buffer freed after its heap was disabled goes to CMA, not the pool.
hold late pool $((4 * MiB))
echo 0 >"$P/enable"
expect "a buffer outlives disable" OK bg_finish late
sleep 0.5
expect "... and its chunks go back to CMA" "$pfree0" free_all
echo 1 >"$P/enable"
expect "the pool fills again" $((8 * MiB)) settle_to "$P/pool_ready" $((8 * MiB))

# The trace events.
T=/sys/kernel/tracing
if [ -d "$T/events/chunk_heap" ]; then
	echo 1 >"$T/events/chunk_heap/enable"
	echo >"$T/trace"
	chtest alloc pool $MiB >/dev/null
	echo $((9 * MiB)) >"$P/pool_bytes"
	settle_to "$P/pool_ready" $((9 * MiB)) >/dev/null
	echo 0 >"$T/events/chunk_heap/enable"
	for _e in chunk_heap_alloc_start chunk_heap_alloc_end chunk_heap_free chunk_heap_pool_refill; do
		check "trace event $_e fires" grep -q "$_e: heap=pool" "$T/trace"
	done
	check "... alloc_end tells the pool's share" \
		grep -q "chunk_heap_alloc_end: heap=pool len=$MiB runs=1 cma_calls=0 pool_bytes=$MiB ns=[0-9]* ret=0" "$T/trace"
	echo >"$T/trace"
else
	not_ok "the trace events are in $T/events/chunk_heap"
fi

# Real memory pressure: chbench fills the node of the pool's area with
# anonymous memory bound to it until the shrinker has given back 90 % of
# the pool, the last of it a page at a time, which reclaims directly;
# refills wait while the pressure lasts, then the pool fills again.
# Reclaim asks, on the pool's node; never the OOM notifier (nid=-1).
echo $((64 * MiB)) >"$P/pool_bytes"
expect "a 64 MiB pool fills" $((64 * MiB)) settle_to "$P/pool_ready" $((64 * MiB))
[ -d "$T/events/chunk_heap" ] && echo 1 >"$T/events/chunk_heap/chunk_heap_pool_shrink/enable"
chbench pressure pool >/tmp/press.out 2>&1
_press=$?
sed 's/^/# /' /tmp/press.out
check "under memory pressure the shrinker gives back at least 90 % of the pool" test $_press = 0
check "... and counts it" test "$(cat "$P/pool_shrunk")" -ge $((64 * MiB * 9 / 10))
if [ -d "$T/events/chunk_heap" ]; then
	echo 0 >"$T/events/chunk_heap/chunk_heap_pool_shrink/enable"
	check "... in trace event chunk_heap_pool_shrink" grep -q "chunk_heap_pool_shrink: heap=pool" "$T/trace"
	expect "... each asked by reclaim on a node" "" grep "chunk_heap_pool_shrink: heap=pool nid=-1" "$T/trace"
	echo >"$T/trace"
fi
expect "after the pressure the pool fills again" $((64 * MiB)) settle_to "$P/pool_ready" $((64 * MiB))

# The same pressure with a floor of half the pool: the shrinker takes
# from the pool, but never below the floor, which each trace event's
# ready= shows (the fill stops short of the OOM notifier). With the fill
# still held, a 24 MiB buffer taken from the pool and freed comes back to
# it, up to the floor, where it used to go to CMA.
errno "pool_min_bytes takes a number" OK "$P/pool_min_bytes" $((32 * MiB))
errno "... not a word" EINVAL "$P/pool_min_bytes" lots
expect "... and reads back what was written" $((32 * MiB)) cat "$P/pool_min_bytes"
if [ -d "$T/events/chunk_heap" ]; then
	echo 1 >"$T/events/chunk_heap/chunk_heap_pool_shrink/enable"
	chbench pressure pool 24 >/tmp/press.out 2>&1
	_press=$?
	echo 0 >"$T/events/chunk_heap/chunk_heap_pool_shrink/enable"
	sed 's/^/# /' /tmp/press.out
	grep -o 'chunk_heap_pool_shrink: heap=pool .*' "$T/trace" >/tmp/shrinks
	check "under the same pressure the shrinker gives back all but the floor" \
		test $_press = 0 -a -s /tmp/shrinks
	check "... a take and its return under the pressure bring the pool back to the floor" \
		grep -q "the pool back at $((32 * MiB)) bytes in [0-9]* ms" /tmp/press.out
	check "... names the node and what reclaim asked" \
		grep -q "nid=[0-9]* asked=[0-9]* bytes=[0-9]* ready=" /tmp/shrinks
	expect "... each asked by reclaim on a node" "" grep "nid=-1" /tmp/shrinks
	expect "... and never goes below the floor" "" \
		awk -v floor=$((32 * MiB)) '{ for (i = 1; i <= NF; i++) if ($i ~ /^ready=/) {
			sub(/ready=/, "", $i); if ($i + 0 < floor) print } }' /tmp/shrinks
	echo >"$T/trace"
else
	not_ok "the trace events are in $T/events/chunk_heap"
fi
echo 0 >"$P/pool_min_bytes"
expect "... and the pool fills again" $((64 * MiB)) settle_to "$P/pool_ready" $((64 * MiB))

# rmdir drains too, and nothing is left.
echo 0 >"$P/enable"
rmdir "$P"
expect "rmdir drains the pool: every page goes back" "$pfree0" free_all
