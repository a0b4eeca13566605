# SPDX-License-Identifier: GPL-2.0
# Defence in depth on release: a page that someone still references when
# its buffer is freed (chimport.ko's "ref", as a misbehaving importer)
# goes neither to the pool nor back to CMA. It is held aside, counted in
# held_bytes, and given back once the reference is gone, also after the
# heap is removed; the rest of its chunk goes back at once. Its holder
# may write to it: no later buffer sees that.
H=$CFS/held
MiB=1048576
hfree0=$(area_free reserved)
log0=$(dmesg | wc -l)

for pool in 0 $((8 * MiB)); do
	mkheap held reserved "$(order_of 65536)"
	echo "$pool" >"$H/pool_bytes"
	[ "$pool" = 0 ] || expect "pool $pool: the pool fills" "$pool" \
		settle_to "$H/pool_ready" "$pool"
	expect "pool $pool: held_bytes is 0 at first" 0 cat "$H/held_bytes"
	errno "... and read-only" EACCES "$H/held_bytes" 0
	expect "pool $pool: a buffer whose first page an importer references is freed" \
		OK chtest ref held "$MiB"
	expect "... its referenced page is held aside" "$PAGE_SIZE" cat "$H/held_bytes"
	[ "$pool" = 0 ] && expect "... and every other page is back in CMA" \
		$((hfree0 - 1)) area_free reserved
	expect "... and counts in no live buffer" "0 0" \
		sh -c "echo \$(cat $H/bytes $H/buffers)"
	expect "... the holder can write to it" OK \
		chtest write /sys/kernel/debug/chimport/vmap "poke 90"
	expect "... and no later buffer sees what it writes" "64 0" \
		chtest stale 64 held "$MiB"
	expect "... it is still held after a second" "$PAGE_SIZE" \
		sh -c "sleep 1.2; cat $H/held_bytes"
	expect "... until the reference is dropped" OK \
		chtest write /sys/kernel/debug/chimport/vmap unref
	expect "... then it goes back within seconds" 0 settle_to "$H/held_bytes" 0
	echo 0 >"$H/enable"
	rmdir "$H"
	expect "pool $pool: reserved has every page back" "$hfree0" settle "$hfree0" area_free reserved
done

# A heap removed while it holds a chunk: the chunk goes back when its
# reference does, and the module drops the heap then.
mkheap held reserved "$(order_of 65536)"
expect "a page is held by a heap about to be removed" OK chtest ref held "$MiB"
echo 0 >"$H/enable"
check "... the heap's directory can be removed" rmdir "$H"
sleep 1.2
expect "... the page is not given back while referenced" \
	$((hfree0 - 1)) area_free reserved
chtest write /sys/kernel/debug/chimport/vmap unref >/dev/null
expect "... and is once the reference is gone" "$hfree0" settle "$hfree0" area_free reserved
expect "... leaving no module reference but the registered names" "$(chunk_slots)" refcnt

dmesg | tail -n +$((log0 + 1)) >/tmp/held.log
check "the kernel log says that chunks were held aside" \
	grep -q "still referenced: .* bytes held aside" /tmp/held.log
expect "... and has no report" "" grep -E "$REPORTS" /tmp/held.log
