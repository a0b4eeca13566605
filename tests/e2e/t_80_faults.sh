# SPDX-License-Identifier: GPL-2.0
# Fault injection, on kernels that have it (the sanitizer kernel): every
# allocation the allocating thread meets on the alloc, export, import
# (attach and map) and mkdir paths is made to fail in turn, with
# fail-nth, so that nothing but the operation under test fails. Each
# failure must be a clean ENOMEM that leaves nothing behind.

if [ -e /proc/thread-self/fail-nth ]; then
	# Count GFP_KERNEL allocations and single pages too.
	for f in failslab fail_page_alloc; do
		echo N >"/sys/kernel/debug/$f/ignore-gfp-wait"
		echo 0 >"/sys/kernel/debug/$f/verbose"
	done
	echo 0 >/sys/kernel/debug/fail_page_alloc/min-order
	mkheap fi4 reserved 4
	mkheap fi0 pernuma0 0
	fi0=$(free_all)

	# sweep DESCRIPTION CHFAIL-ARGS...
	sweep() {
		_desc=$1
		shift
		chfail "$@" >/tmp/sweep.txt 2>&1
		_n=$(grep -c ' injected$' /tmp/sweep.txt)
		echo "# $_desc: $_n failures injected, $(grep -c ' OK injected$' /tmp/sweep.txt) recovered from"
		check "$_desc: the sweep runs to the end" grep -qx END /tmp/sweep.txt
		check "... and injects failures" test "$_n" -gt 0
		check "... each one a clean ENOMEM, or recovered from" \
			sh -c "! grep ' injected$' /tmp/sweep.txt | grep -v -E ' (ENOMEM|OK) '"
		check "... and then it succeeds" grep -qE ' OK missed$' /tmp/sweep.txt
	}

	sweep "alloc, 4 MiB at order 4" alloc fi4 $((4 << 20))
	sweep "alloc, 1 MiB at order 0" alloc fi0 $((1 << 20))
	sweep "vgem import" import fi4 $((1 << 20))
	sweep "mkdir" mkdir "$CFS/fi-new"

	check "no directory is left by mkdir's failures" test ! -e "$CFS/fi-new"
	for h in fi4 fi0; do
		expect "$h: no byte or buffer is left accounted" "0 0" \
			echo $(cat "$CFS/$h/bytes" "$CFS/$h/buffers")
		echo 0 >"$CFS/$h/enable"
		rmdir "$CFS/$h"
	done
	expect "every page of the areas came back" "$fi0" free_all
	for f in failslab fail_page_alloc; do
		echo Y >"/sys/kernel/debug/$f/ignore-gfp-wait"
	done
	echo 1 >/sys/kernel/debug/fail_page_alloc/min-order
else
	echo "# this kernel has no fault injection: t_80 runs on the sanitizer kernel"
fi
