# SPDX-License-Identifier: GPL-2.0
# The init script for systems without systemd (tools/heapctl/dist/
# chunk-heap.init), run as busybox init would run it: start makes the
# heaps of its file by writing configfs, a refused line leaves nothing
# half-made, and stop removes only the heaps the file names.
I=/bin/chunk-heap.init
F=/tmp/heaps.conf
export CHUNK_HEAP_CONF=$F

mkdir "$CFS/ihand"
cat >"$F" <<EOF
# name   area      order  max_bytes  pool_bytes
ivid     reserved  4      16777216   4194304
icam     reserved  0
EOF
check "start makes the heaps of the file" $I start
expect "... with their order, area, quota and pool" "4 reserved 16777216 4194304 1" \
	sh -c "cd $CFS/ivid && echo \$(cat chunk_order cma_area max_bytes pool_bytes enable)"
expect "... and defaults for what a line leaves out" "0 reserved 0 0 1" \
	sh -c "cd $CFS/icam && echo \$(cat chunk_order cma_area max_bytes pool_bytes enable)"
check "... whose devices allocate zeroed buffers" heapctl alloc ivid 1M --verify
check "start again leaves the heaps alone" $I start

cat >>"$F" <<EOF
ibad     nosuchar  4
ishort   reserved
EOF
$I start >/tmp/init.out 2>&1
expect "a refused line makes start exit 1" 1 sh -c "$I start >/dev/null 2>&1; echo \$?"
check "... saying which heap and attribute" grep -q "ibad: cma_area = nosuchar refused" /tmp/init.out
check "... and which line is short" grep -q "'ishort reserved': want NAME AREA ORDER" /tmp/init.out
check "... and leaves no half-made heap" test ! -e "$CFS/ibad"
check "... and the heaps before it stand" test "$(cat "$CFS/ivid/enable")" = 1

check "stop removes the heaps of the file" $I stop
check "... all of them" sh -c "! test -e $CFS/ivid && ! test -e $CFS/icam"
check "... but not a heap made by hand" test -d "$CFS/ihand"
expect "a bad verb is a usage error" 2 sh -c "$I restart >/dev/null 2>&1; echo \$?"
rmdir "$CFS/ihand"
