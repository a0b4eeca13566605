# SPDX-License-Identifier: GPL-2.0
# Shared CMA areas, as in production: areas full of movable pages (busy)
# and areas with pages that a process keeps a reference on (pinned). And
# the control plane, which never waits for an allocation in progress.

# cma_used AREA: pages of AREA that CMA has handed out or is handing out.
cma_used() {
	cat "/sys/kernel/debug/cma/$1/used"
}

# start_alloc HEAP LEN: allocate from HEAP (on reserved) in the
# background, and return once the allocation is under way in the kernel:
# CMA marks the range it tries before it migrates the pages there.
start_alloc() {
	_used=$(cma_used reserved)
	rm -f /tmp/alloc.out
	chtest alloc "$1" "$2" >/tmp/alloc.out 2>&1 &
	ALLOC_PID=$!
	_n=0
	while [ "$(cma_used reserved)" -le "$_used" ] && [ $_n -lt 400 ]; do
		_n=$((_n + 1))
	done
}

# The background allocation has not returned yet.
alloc_running() {
	kill -0 "$ALLOC_PID" 2>/dev/null && [ ! -s /tmp/alloc.out ]
}

# busy_fill TAG: fill the areas with movable pages.
busy_fill() {
	bg_run "$1" chload busy "/tmp/bg.$1.go"
	case $(bg_first "$1") in
	HELD*) ok "chload fills the areas with movable pages" ;;
	*) not_ok "chload fills the areas with movable pages: $(bg_first "$1")" ;;
	esac
}

# busy_alloc TAG HEAP: fill the areas, then start a 352 MiB allocation
# from HEAP, which must migrate them all first.
busy_alloc() {
	[ "$1" = busy ] || busy_fill "$1"
	start_alloc "$2" $((352 << 20))
	check "a 352 MiB allocation on the busy area is under way" alloc_running
}

# timed NAME COMMAND...: run a chtest command while the allocation runs,
# check that it succeeded and returned before the allocation did, and
# report how long it took.
timed() {
	_name=$1
	shift
	set -- $(chtest timed "$@")
	check "... and returns while the allocation still runs" alloc_running
	expect "$_name succeeds during the allocation" OK echo "$1"
	echo "# $_name took ${2:-?} ms"
}

# busy_done TAG: the allocation completed; chload lets go; nothing leaked.
busy_done() {
	wait "$ALLOC_PID" 2>/dev/null
	expect "chload lets go" OK bg_finish "$1"
	expect "every page of the areas came back" "$all0" free_all
}

all0=$(free_all)
mkheap long reserved 0

# Reads and a disable while an allocation runs. Before it, on a kernel
# with fault injection, cma_alloc() is made to fail inside, where it
# migrates pages: the allocation goes around, or fails cleanly.
busy_fill busy
_site=$(sed -n 's/ cma_alloc$//p' /tests/fault-sites.txt)
if has_faults && [ -n "$_site" ]; then
	faults_on
	sweep "cma_alloc() failing while it migrates pages" -s "$_site" alloc long $((1 << 20))
	faults_off
fi
busy_alloc busy long
expect "cat enable answers during it" 1 cat "$CFS/long/enable"
expect "cat device answers during it" /dev/dma_heap/long cat "$CFS/long/device"
timed "echo 0 > enable" write "$CFS/long/enable" 0
expect "cat bytes answers during it, without the allocation" 0 cat "$CFS/long/bytes"

# rmdir of the heap while it still allocates, and configfs stays usable.
timed "rmdir of the heap allocating" rmdir "$CFS/long"
timed "mkdir of another heap" mkdir "$CFS/other"
wait "$ALLOC_PID"
expect "the allocation completes with the settings it started with" OK cat /tmp/alloc.out
rmdir "$CFS/other"
busy_done busy

# kill -9 during a long allocation ends it, and gives everything back.
# Not again on the sanitizer kernel, where another fill of the areas costs
# half a minute: there the KUnit suites kill an allocation at every step,
# and so does the stress job.
if ! has_faults; then
	mkheap killed reserved 0
	busy_alloc busy3 killed
	kill -9 "$ALLOC_PID"
	_n=0
	while [ -d "/proc/$ALLOC_PID" ] && [ $_n -lt 100 ]; do
		sleep 0.02
		_n=$((_n + 1))
	done
	check "kill -9 ends it within 2 s" test ! -d "/proc/$ALLOC_PID"
	echo "# it ended within $((_n * 20 + 20)) ms"
	expect "... and nothing is accounted" "0 0 0" echo $(cat "$CFS/killed/bytes" \
		"$CFS/killed/buffers" "$CFS/killed/failures")
	busy_done busy3
	echo 0 >"$CFS/killed/enable"
	rmdir "$CFS/killed"
fi

# A pinned area: one page in every 16 MiB held by an unprivileged process.
# The chunk heaps get 95 MiB at every order; the mainline CMA heap, which
# needs one contiguous range, cannot.
# pinned_slots: "X of Y" pinned slots of reserved, from chload's line.
pinned_slots() {
	bg_first pin | sed -n 's/.* reserved \([0-9]* of [0-9]*\).*/\1/p'
}

# Pages that the busy runs above gave back can take a while to be free
# again (CmaFree shows them in use), the longer the busier the host: the
# memory settles first (chbench settle), and a slot of reserved that
# chload could not get a page in makes it settle and try again, eight
# times at most.
chbench settle
for _try in 1 2 3 4 5 6 7 8; do
	bg_run pin chload pin 16 /tmp/bg.pin.go
	set -- $(pinned_slots)
	[ "${1:-0}" = "${3:-}" ] && break
	echo "# try $_try: chload pinned $* slots of reserved"
	bg_finish pin >/dev/null
	chbench settle
done
case $(bg_first pin) in
HELD*) ok "chload pins pages in the areas: $(bg_first pin)" ;;
*) not_ok "chload pins pages in the areas: $(bg_first pin)" ;;
esac
set -- $(pinned_slots)
expect "... one in each 16 MiB of reserved" "$3" echo "$1"
for o in 0 4 9; do
	mkheap pin$o reserved $o
	calls0=$(cat "$CFS/pin$o/cma_calls")
	set -- $(chtest timed alloc pin$o $((95 << 20)))
	expect "order $o: 95 MiB from the pinned area" OK echo "$1"
	echo "# order $o: ${2:-?} ms, $(( $(cat "$CFS/pin$o/cma_calls") - calls0 )) cma_alloc calls"
done
set -- $(chtest timed alloc reserved $((95 << 20)))
expect "the mainline reserved heap cannot give 95 MiB there" ENOMEM echo "$1"
echo "# reserved: ${2:-?} ms"

# Wherever the free bytes allow: every free page of the area but the
# pinned ones, at order 0, found around each pinned page.
pinned=$(sed -n 's/.* reserved \([0-9]*\) of .*/\1/p' /tmp/bg.pin.out)
want=$(( $(area_free reserved) - ${pinned:-0} ))
set -- $(chtest timed alloc pin0 $((want * PAGE_SIZE)))
expect "order 0: all $want free pages around $pinned pinned ones" OK echo "$1"
echo "# order 0, all free pages: ${2:-?} ms"
expect "... but not one page more" ENOMEM chtest alloc pin0 $(((want + 1) * PAGE_SIZE))
expect "chload lets go" OK bg_finish pin
for o in 0 4 9; do
	echo 0 >"$CFS/pin$o/enable"
	rmdir "$CFS/pin$o"
done
expect "every page of the areas came back" "$all0" free_all

# A quota is compared before it is charged: a request that cannot fit
# never makes a concurrent one that can fit fail.
mkheap quota reserved 4
echo $((3 << 20)) >"$CFS/quota/max_bytes"
chtest loop 300 quota $((4 << 20)) >/tmp/big.out &
big=$!
expect "300 fitting allocations beside refused ones all succeed" "300 0" \
	chtest loop 300 quota $((1 << 20))
wait $big
expect "... and the 300 that do not fit are all refused" "0 300" cat /tmp/big.out
expect "... and counted as failures" 300 cat "$CFS/quota/failures"
echo 0 >"$CFS/quota/enable"
rmdir "$CFS/quota"
