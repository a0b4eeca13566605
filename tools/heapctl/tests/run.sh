#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# heapctl's own tests: run on the host, against a fake configfs/sysfs tree
# (--root), without a VM. Prints TAP.
#
# $HEAPCTL is the real program. $HEAPCTL_TEST is the test build of the same
# sources (see sysfs.c): on a fake tree its mkdir creates the attribute
# files as configfs would, $HEAPCTL_TEST_FAIL makes a write fail with the
# errno the kernel would return, and $HEAPCTL_TEST_LOG records the writes.
set -u
HEAPCTL=${HEAPCTL:-../heapctl}
HEAPCTL_TEST=${HEAPCTL_TEST:-../heapctl-test}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
ROOT=$TMP/root
CFS=$ROOT/sys/kernel/config/chunk_heap
SYS=$ROOT/sys/kernel/chunk_heap
LOG=$TMP/writes
unset HEAPCTL_ROOT HEAPCTL_TEST_FAIL HEAPCTL_TEST_FAIL_MAX HEAPCTL_TEST_FAIL_SKIP \
	HEAPCTL_TEST_LOG
n=0

ok() { n=$((n + 1)); echo "ok $n - $*"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $*"; }

# ---- the fake tree ----

# mkarea NAME NODE SIZE: the module's sysfs directory of one CMA area.
mkarea() {
	mkdir -p "$SYS/areas/$1"
	echo "$2" >"$SYS/areas/$1/node"
	echo "$3" >"$SYS/areas/$1/size"
}

# A loaded module with NUMA active, three CMA areas, debugfs for one.
fresh_tree() {
	rm -rf "$ROOT" "$LOG"
	mkdir -p "$CFS" "$SYS" "$ROOT/etc" "$ROOT/sys/kernel/mm/cma/reserved" \
		"$ROOT/sys/kernel/mm/cma/pernuma0" "$ROOT/sys/kernel/mm/cma/pernuma1" \
		"$ROOT/sys/kernel/debug/cma/reserved" "$ROOT/dev/dma_heap"
	echo "[off] local bind interleave" >"$SYS/numa_policy"
	echo 1 >"$SYS/numa_active"
	mkarea reserved 0 67108864
	mkarea pernuma0 0 16777216
	mkarea pernuma1 1 16777216
	echo 16384 >"$ROOT/sys/kernel/debug/cma/reserved/count"
	echo 1024 >"$ROOT/sys/kernel/debug/cma/reserved/used"
	: >"$LOG"
}

# mkheap NAME AREA ORDER ENABLE [MAX [POLICY [BYTES BUFFERS]]]: a heap
# directory as configfs would show it, with BYTES in reserved, on node 0.
mkheap() {
	d=$CFS/$1
	mkdir -p "$d"
	echo "$2" >"$d/cma_area"
	echo "$3" >"$d/chunk_order"
	echo $((4096 << $3)) >"$d/chunk_size"
	echo "${5:-0}" >"$d/max_bytes"
	echo "$4" >"$d/enable"
	if [ "$4" = 1 ]; then echo "/dev/dma_heap/$1"; else echo; fi >"$d/device"
	p=${6:-default}
	echo "default off local bind interleave" |
		sed "s/\\b$p\\b/[$p]/" >"$d/numa_policy"
	echo "${7:-0}" >"$d/bytes"
	echo "${8:-0}" >"$d/buffers"
	echo "${7:-0}" >"$d/peak"
	echo 0 >"$d/failures"
	echo "${8:-0}" >"$d/cma_calls"
	for f in pool_bytes cma_failures pool_ready pool_hits pool_misses pool_refills pool_shrunk \
		 held_bytes; do
		echo 0 >"$d/$f"
	done
	mkdir -p "$d/areas/reserved" "$d/areas/pernuma0" "$d/areas/pernuma1" \
		"$d/nodes/node0" "$d/nodes/node1"
	echo "${7:-0}" >"$d/areas/reserved/bytes"
	echo 0 >"$d/areas/pernuma0/bytes"
	echo 0 >"$d/areas/pernuma1/bytes"
	echo "${7:-0}" >"$d/nodes/node0/bytes"
	echo 0 >"$d/nodes/node1/bytes"
}

# ---- checks ----

# matches REGEX: does $out match? A regex with "~" in it is matched against
# the whole output with every line boundary written as "~" ("~a~b~" is a
# line "a" followed by a line "b"); any other regex against each line.
matches() {
	case $1 in
	*"~"*) printf '~%s\n' "$out" | tr '\n' '~' | grep -qE -- "$1" ;;
	*) printf '%s\n' "$out" | grep -qE -- "$1" ;;
	esac
}

# _t BIN DESC WANT_RC WANT_OUTPUT_REGEX ARGS...: run BIN, check its exit
# code and that stdout+stderr match the regex.
_t() {
	bin=$1 desc=$2 want_rc=$3 want_re=$4
	shift 4
	traw "$desc" "$want_rc" "$want_re" "$bin" --root "$ROOT" "$@"
}

# traw DESC WANT_RC WANT_OUTPUT_REGEX COMMAND...: the same for any command
# line.
traw() {
	desc=$1 want_rc=$2 want_re=$3
	shift 3
	out=$("$@" 2>&1)
	rc=$?
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$desc: exit $rc, want $want_rc: $out"
	elif ! matches "$want_re"; then
		not_ok "$desc: output '$out' does not match '$want_re'"
	else
		ok "$desc"
	fi
}

# also DESC REGEX: the output of the last t, tf or inject matches too.
also() {
	if matches "$2"; then ok "$1"; else not_ok "$1: output '$out' does not match '$2'"; fi
}

# also_err DESC REGEX: the standard error of the last tj or tj1 matches.
also_err() {
	out=$err
	also "$@"
}

# t: the real heapctl; tf: the test build (configfs-like fake tree).
t() { _t "$HEAPCTL" "$@"; }
tf() { _t "$HEAPCTL_TEST" "$@"; }

# inject SPEC DESC WANT_RC WANT_RE ARGS...: tf with a write failing.
inject() {
	HEAPCTL_TEST_FAIL=$1
	export HEAPCTL_TEST_FAIL
	shift
	tf "$@"
	unset HEAPCTL_TEST_FAIL
}

# tj DESC JQ_FILTER ARGS...: exit 0, stdout is JSON, and the filter holds.
# Without jq, the JSON is only validated (python3) and the filter skipped.
# tj1: the same, but heapctl must exit 1 (it could not read everything);
# its standard error is then in $err.
have_jq=$(command -v jq)
tj() { _tj 0 "$@"; }
tj1() { _tj 1 "$@"; }
_tj() {
	want_rc=$1 desc=$2 filter=$3
	shift 3
	out=$("$HEAPCTL" --root "$ROOT" "$@" 2>"$TMP/stderr")
	rc=$?
	err=$(cat "$TMP/stderr")
	if [ "$rc" -ne "$want_rc" ]; then
		not_ok "$desc: exit $rc, want $want_rc: $err"
	elif [ -z "$have_jq" ]; then
		if printf '%s\n' "$out" | python3 -m json.tool >/dev/null 2>&1; then
			ok "$desc # SKIP no jq: only checked that it is JSON"
		else
			not_ok "$desc: not JSON: $out"
		fi
	elif ! printf '%s\n' "$out" | jq -e . >/dev/null 2>&1; then
		not_ok "$desc: not JSON: $out"
	elif ! printf '%s\n' "$out" | jq -e "$filter" >/dev/null 2>&1; then
		not_ok "$desc: '$filter' does not hold for $out"
	else
		ok "$desc"
	fi
}

# json_edit FILTER IN OUT: rewrite a JSON file for the restore tests.
json_edit() {
	if [ -n "$have_jq" ]; then
		jq "$1" "$2" >"$3"
	else
		python3 -c 'import json, sys
d = json.load(open(sys.argv[2]))
exec(sys.argv[1])
json.dump(d, open(sys.argv[3], "w"))' "$4" "$2" "$3"
	fi
}

# check DESC COMMAND...: passes if COMMAND succeeds.
check() {
	desc=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$desc"; else not_ok "$desc"; fi
}

# file_is DESC FILE WANT: the file holds exactly WANT (one line).
file_is() {
	got=$(cat "$2" 2>&1)
	if [ "$got" = "$3" ]; then ok "$1"; else not_ok "$1: want '$3', got '$got'"; fi
}

# log_is DESC WANT: the writes the test build logged (one per line).
log_is() {
	got=$(cat "$LOG")
	if [ "$got" = "$2" ]; then
		ok "$1"
	else
		not_ok "$1: want '$(printf '%s' "$2" | tr '\n' ' ')'," \
			"got '$(printf '%s' "$got" | tr '\n' ' ')'"
	fi
	: >"$LOG"
}

# logged DESC LINE: the test build logged the write LINE.
logged() {
	if grep -qxF -- "$2" "$LOG"; then
		ok "$1"
	else
		not_ok "$1: the writes were '$(tr '\n' ' ' <"$LOG")'"
	fi
}

HEAPCTL_TEST_LOG=$LOG
export HEAPCTL_TEST_LOG

# ---- global options ----
fresh_tree
t "no command is a usage error" 2 "usage: heapctl"
t "--help succeeds" 0 "usage: heapctl" --help
t "--help lists every command" 0 \
	"~  list .*~  show .*~  create .*~  enable .*~  disable .*~  destroy .*~  set .*~  clear .*~  areas .*~  numa .*~  alloc .*~  save .*~  restore " --help
t "an unknown command is a usage error" 2 "unknown command 'frob'" frob
t "an unknown global option is named" 2 "^~heapctl: unknown option '--frob'~Run 'heapctl --help'" --frob
t "... and an unknown short one" 2 "^heapctl: unknown option '-x'$" -x
traw "--root alone says it needs a directory" 2 "^~heapctl: option '--root' needs an argument~" \
	"$HEAPCTL" --root
traw "... and so does -r" 2 "^~heapctl: option '-r' needs an argument~" "$HEAPCTL" -r
traw "--root= with no directory is refused" 2 "--root takes a directory" "$HEAPCTL" --root= list
t "--version prints the version" 0 "^~heapctl [0-9]+\\.[0-9]+~$" --version
t "... and -V" 0 "^~heapctl [0-9]+\\.[0-9]+~$" -V
t "--version takes no argument" 2 "option '--version' takes no argument" --version=2
t "a global option after the command is the command's" 2 "usage: heapctl list" list --version
traw "-r DIR works" 0 "^no heaps$" "$HEAPCTL" -r "$ROOT" list
for c in list show create enable disable destroy set clear areas numa alloc save restore; do
	t "$c --help describes $c" 0 "usage: heapctl $c" "$c" --help
done

mkheap video64k reserved 4 1
out=$(HEAPCTL_ROOT=$ROOT "$HEAPCTL" list 2>&1)
if printf '%s\n' "$out" | grep -q video64k; then
	ok "\$HEAPCTL_ROOT prefixes the paths"
else
	not_ok "\$HEAPCTL_ROOT prefixes the paths: $out"
fi
out=$("$HEAPCTL" --root="$ROOT" list 2>&1)
if printf '%s\n' "$out" | grep -q video64k; then
	ok "--root=DIR works"
else
	not_ok "--root=DIR works: $out"
fi

# Output that cannot be written is a failure, in every command.
if [ -w /dev/full ]; then
	for args in "list" "list -j" "show video64k" "show -j video64k" "areas" \
		    "areas -j" "numa" "numa -j" "save -" "--help" "--version" "list --help"; do
		# shellcheck disable=SC2086
		traw "$args to a full disk fails" 1 "^heapctl: cannot write the output: No space left on device$" \
			sh -c "\"\$0\" --root \"$ROOT\" $args >/dev/full" "$HEAPCTL"
	done
fi

# ---- alloc (parsing; allocation itself is tested in the VM) ----
t "alloc needs a size" 2 "usage: heapctl alloc" alloc video64k
t "alloc refuses size 0" 2 "positive size" alloc video64k 0
t "alloc refuses a bad suffix" 2 "positive size" alloc video64k 12Q
t "alloc refuses a negative size" 2 "invalid option|positive size" alloc video64k -4K
t "alloc refuses an overflowing size" 2 "positive size" alloc video64k 99999999999T
t "alloc refuses --count 0" 2 "--count" alloc video64k 1M --count 0
t "alloc refuses --count x" 2 "--count" alloc video64k 1M --count x
t "alloc refuses --count 65537" 2 "--count" alloc video64k 1M --count 65537
t "alloc refuses --hold x" 2 "--hold takes seconds" alloc video64k 1M --hold x
t "alloc refuses a third argument" 2 "usage: heapctl alloc" alloc video64k 1M 2M
t "alloc names the missing device" 1 \
	"/dev/dma_heap/nosuch: No such file or directory: no such heap device" alloc nosuch 1M
t "alloc refuses --hold above 2^32 - 1" 2 "--hold takes seconds, 0 to 4294967295" \
	alloc video64k 1M --hold 4294967296
t "alloc refuses --hold 2^64, which strtoul saturates" 2 "--hold takes seconds" \
	alloc video64k 1M --hold 18446744073709551616
t "alloc refuses --count with a space" 2 "--count" alloc video64k 1M --count " 5"
t "alloc refuses --count +5" 2 "--count" alloc video64k 1M --count +5
# NAME is checked as in every command, and must stay in /dev/dma_heap.
for bad in "" "." ".." "../x" "a/b" "a b" "$(printf 'a\tb')"; do
	t "alloc refuses the name '$bad'" 2 "is not a heap name" alloc "$bad" 1M
done
t "alloc refuses a name of 256 characters" 2 "is not a heap name" \
	alloc "$(printf '%0256d' 0)" 1M
t "alloc takes other heaps' names: linux,cma" 1 \
	"/dev/dma_heap/linux,cma: No such file or directory" alloc linux,cma 1M
mkfifo "$ROOT/dev/dma_heap/fifo"
traw "alloc does not block on a FIFO, it refuses it" 1 \
	"/dev/dma_heap/fifo: not a character device" timeout 10 "$HEAPCTL" --root "$ROOT" alloc fifo 1M
: >"$ROOT/dev/dma_heap/plain"
t "alloc refuses a regular file" 1 "/dev/dma_heap/plain: not a character device" alloc plain 1M
mkdir "$ROOT/dev/dma_heap/dir"
t "alloc refuses a directory" 1 "/dev/dma_heap/dir: not a character device" alloc dir 1M

# ---- list ----
fresh_tree
t "list says when there are no heaps" 0 "^no heaps$" list
tj "list -j gives an empty array" '.heaps == []' list -j
mkheap video64k reserved 4 1 0 default 67108864 1
mkheap big reserved 9 0 1073741824 local
touch "$CFS/not-a-heap"
t "list prints a header" 0 "^NAME +AREA +CHUNK +STATE +BYTES +BUFFERS$" list
t "list shows an enabled heap with sizes" 0 \
	"^video64k +reserved +64 KiB +enabled +64 MiB +1$" list
t "list shows a disabled heap" 0 "^big +reserved +2 MiB +disabled +0 B +0$" list
t "list sorts the heaps by name" 0 "~NAME [^~]*~big [^~]*~video64k [^~]*~$" list
out=$("$HEAPCTL" --root "$ROOT" list 2>&1)
if printf '%s\n' "$out" | grep -q not-a-heap; then
	not_ok "list skips files that are not heaps"
else
	ok "list skips files that are not heaps"
fi
tj "list -j has both heaps in order" \
	'[.heaps[].name] == ["big", "video64k"]' list -j
tj "list -j types: numbers and booleans" \
	'.heaps[1] == {"name": "video64k", "cma_area": "reserved", "chunk_order": 4,
	  "chunk_size": 65536, "enabled": true, "bytes": 67108864, "buffers": 1}' list --json
rm "$CFS/big/bytes"
tj "list -j gives null for a missing attribute" '.heaps[0].bytes == null' list -j
t "list prints - for a missing attribute" 0 "^big +reserved +2 MiB +disabled +- +0$" list
mkdir "$CFS/big/bytes"
t "list exits 1 and names a file it cannot read" 1 \
	"big/bytes: Is a directory" list
rmdir "$CFS/big/bytes"
echo lots >"$CFS/big/bytes"
t "list exits 1 on a file with unexpected content" 1 \
	"big/bytes: Invalid argument: unexpected content" list
t "list takes no argument" 2 "usage: heapctl list" list big
t "list refuses an unknown option" 2 "usage: heapctl list" list --frob
rm -rf "$CFS"
t "list without the module names configfs and says why" 1 \
	"sys/kernel/config/chunk_heap: No such file or directory: chunk_heap is not loaded" list

# ---- show ----
fresh_tree
mkheap video64k reserved 4 1 0 local 67108864 1
mkheap big pernuma1 9 0 1073741824
t "show prints the area" 0 "^cma_area: +reserved$" show video64k
t "show prints the chunk size as a size" 0 "^chunk_size: +64 KiB$" show video64k
t "show prints max_bytes 0 as unlimited" 0 "^max_bytes: +unlimited$" show video64k
t "show prints a quota as a size" 0 "^max_bytes: +1 GiB$" show big
t "show picks the bracketed numa_policy" 0 "^numa_policy: +local$" show video64k
t "show prints the state" 0 "^state: +enabled$" show video64k
t "show prints the device" 0 "^device: +/dev/dma_heap/video64k$" show video64k
t "show prints - for the device of a disabled heap" 0 "^device: +-$" show big
t "show lists area_bytes from areas/, sorted by name" 0 \
	"~area_bytes:~  pernuma0 +0 B~  pernuma1 +0 B~  reserved +64 MiB~node_bytes:~" show video64k
t "show lists node_bytes from nodes/" 0 "~node_bytes:~  node 0 +64 MiB~  node 1 +0 B~" show video64k
for b in 0 2 4 8 16; do
	mkdir -p "$CFS/video64k/latency_us/$b"
	echo 0 >"$CFS/video64k/latency_us/$b/count"
done
t "show prints pool_bytes 0 as none" 0 "^pool_bytes: +none$" show video64k
t "show prints an empty latency histogram as none" 0 "~latency: +none~$" show video64k
echo 3 >"$CFS/video64k/latency_us/16/count"
echo 1 >"$CFS/video64k/latency_us/2/count"
echo 25165824 >"$CFS/video64k/pool_bytes"
echo 8388608 >"$CFS/video64k/pool_ready"
t "show prints the pool as sizes" 0 "~pool_bytes: +24 MiB~" show video64k
t "show prints pool_ready as a size" 0 "^pool_ready: +8 MiB$" show video64k
t "show lists the latency buckets that count something, by number" 0 \
	"~latency:~  2 us +1~  16 us +3~$" show video64k
tj "show -j reads every latency bucket, by number" \
	'[.latency[] | .floor_us] == [0, 2, 4, 8, 16] and .latency[4].count == 3 and
	 .pool_bytes == 25165824 and .pool_ready == 8388608' show -j video64k
tj "show -j has every attribute" \
	'keys_unsorted == ["name", "cma_area", "chunk_order", "chunk_size", "max_bytes",
	  "pool_bytes", "numa_policy", "enabled", "device", "bytes", "buffers", "peak",
	  "failures", "cma_calls", "cma_failures", "pool_ready", "pool_hits",
	  "pool_misses", "pool_refills", "pool_shrunk", "held_bytes", "area_bytes", "node_bytes",
	  "latency"]' show -j video64k
tj "show -j values" \
	'.chunk_order == 4 and .chunk_size == 65536 and .numa_policy == "local" and
	 .enabled == true and .device == "/dev/dma_heap/video64k" and .max_bytes == 0' \
	show -j video64k
tj "show -j reads area_bytes from areas/<area>/bytes, sorted by name" \
	'.area_bytes == [{"area": "pernuma0", "bytes": 0}, {"area": "pernuma1", "bytes": 0},
	  {"area": "reserved", "bytes": 67108864}]' show -j video64k
tj "show -j reads node_bytes from nodes/node<N>/bytes, with numeric nodes" \
	'.node_bytes == [{"node": 0, "bytes": 67108864}, {"node": 1, "bytes": 0}]' \
	show -j video64k
tj "show -j: disabled heap, device null" '.enabled == false and .device == null' show -j big
mkdir "$CFS/big/nodes/node10" "$CFS/big/nodes/node2"
echo 8192 >"$CFS/big/nodes/node10/bytes"
echo 4096 >"$CFS/big/nodes/node2/bytes"
tj "show -j sorts the nodes by number, not by name" \
	'[.node_bytes[] | .node] == [0, 1, 2, 10] and .node_bytes[3].bytes == 8192' show -j big
t "... and so does the text" 0 "~  node 1 +0 B~  node 2 +4 KiB~  node 10 +8 KiB~" show big
rm -rf "$CFS/big/areas/"*
tj "show -j: an empty areas directory is an empty array" '.area_bytes == []' show -j big
t "... and none in text" 0 "^area_bytes: +none$" show big
rm -rf "$CFS/big/numa_policy" "$CFS/big/areas" "$CFS/big/nodes"
printf 'reserved 0\n' >"$CFS/big/area_bytes"
printf '0 0\n' >"$CFS/big/node_bytes"
tj "show -j: attributes an older module lacks are null, its old files unread" \
	'.numa_policy == null and .area_bytes == null and .node_bytes == null and
	 .latency == null and .pool_bytes == 0' show -j big
t "... and - in text" 0 "~area_bytes: +-~node_bytes: +-~latency: +-~$" show big

# A broken areas/ or nodes/: exit 1, name the file, print the rest.
rm "$CFS/video64k/areas/pernuma1/bytes"
tj1 "show -j exits 1 when an area directory lacks its bytes, which is null" \
	'.area_bytes == [{"area": "pernuma0", "bytes": 0}, {"area": "pernuma1", "bytes": null},
	  {"area": "reserved", "bytes": 67108864}] and .node_bytes[0].bytes == 67108864' \
	show -j video64k
also_err "... and names the missing file" \
	"video64k/areas/pernuma1/bytes: No such file or directory: no such attribute: is the chunk_heap module up to date\\?$"
t "show prints - for it" 1 "^  pernuma1 +-$" show video64k
mkdir "$CFS/video64k/areas/pernuma1/bytes"
t "show exits 1 on a bytes it cannot read (EISDIR)" 1 \
	"video64k/areas/pernuma1/bytes: Is a directory$" show video64k
also "... and still prints the other areas" "^  reserved +64 MiB$"
rmdir "$CFS/video64k/areas/pernuma1/bytes"
echo lots >"$CFS/video64k/areas/pernuma1/bytes"
t "show exits 1 on a malformed bytes" 1 \
	"video64k/areas/pernuma1/bytes: Invalid argument: unexpected content" show video64k
echo 0 >"$CFS/video64k/areas/pernuma1/bytes"
echo -4096 >"$CFS/video64k/nodes/node1/bytes"
t "show exits 1 on a negative node bytes" 1 \
	"video64k/nodes/node1/bytes: Invalid argument: unexpected content" show video64k
echo 0 >"$CFS/video64k/nodes/node1/bytes"
mkdir "$CFS/video64k/nodes/nodeX" "$CFS/video64k/nodes/node-1"
tj1 "show -j exits 1 on nodes/ entries that are not node<N>, and leaves them out" \
	'[.node_bytes[] | .node] == [0, 1]' show -j video64k
also_err "... naming them" "video64k/nodes/nodeX: Invalid argument: not a node<N> directory"
also_err "... every one" "video64k/nodes/node-1: Invalid argument: not a node<N> directory"
rmdir "$CFS/video64k/nodes/nodeX" "$CFS/video64k/nodes/node-1"
tj "show -j is clean again" '.node_bytes[0].bytes == 67108864' show -j video64k
rm -rf "$CFS/video64k/areas"
echo x >"$CFS/video64k/areas"
t "show exits 1 when areas is a file, not a directory" 1 \
	"video64k/areas: Not a directory: the chunk_heap module is older than heapctl" show video64k
also "... and prints the rest" "~node_bytes:~  node 0 +64 MiB~"
t "show of a missing heap fails and says so" 1 \
	"chunk_heap/nosuch: No such file or directory: no heap of that name" show nosuch
t "show needs a name" 2 "usage: heapctl show" show
t "show refuses a path as a name" 2 "is not a heap name" show ../video64k
t "show refuses two names" 2 "usage: heapctl show" show video64k big

# ---- create: parsing ----
fresh_tree
t "create needs --area" 2 "create needs --area" create v --order 4
t "create needs --order or --chunk-size" 2 "needs --order or --chunk-size" \
	create v --area reserved
t "create refuses --order 19" 2 "--order takes 0 to 18" create v --area reserved --order 19
t "create refuses --order 4x" 2 "--order takes 0 to 18" create v --area reserved --order 4x
t "create refuses --order and --chunk-size" 2 "one --order or --chunk-size" \
	create v --area reserved --order 4 --chunk-size 64K
t "create refuses a chunk size below a page" 2 "power of two" \
	create v --area reserved --chunk-size 2K
t "create refuses a chunk size that is no power of two" 2 "power of two" \
	create v --area reserved --chunk-size 96K
t "create refuses a chunk size above order 18" 2 "power of two from 4096 to 1 GiB" \
	create v --area reserved --chunk-size 2G
t "create refuses a bad --max" 2 "--max takes a size" create v --area reserved --order 4 --max 1X
t "create refuses an unknown --numa-policy" 2 "--numa-policy takes" \
	create v --area reserved --order 4 --numa-policy near
t "create refuses an area name with a space" 2 "--area takes" create v --area "a b" --order 4
t "create refuses an empty area name" 2 "--area takes" create v --area "" --order 4
t "create refuses a name with a slash" 2 "is not a heap name" create a/b --area reserved --order 4
t "create refuses the name .." 2 "is not a heap name" create .. --area reserved --order 4
long=$(printf '%064d' 0)
t "create refuses a 64-character name" 2 "is not a heap name" create "$long" --area reserved --order 4
t "create needs a name" 2 "usage: heapctl create" create --area reserved --order 4
t "create made nothing on usage errors" 0 "^no heaps$" list

# ---- create: against the tree ----
tf "create writes the heap" 0 \
	"^created video64k: 64 KiB chunks \\(order 4\\) from reserved, disabled$" \
	create video64k --area reserved --order 4
log_is "create writes chunk_order, then cma_area" \
	"video64k/chunk_order=4
video64k/cma_area=reserved"
file_is "the new heap has its area" "$CFS/video64k/cma_area" reserved
file_is "the new heap stays disabled" "$CFS/video64k/enable" 0
tj "the test build's mkdir makes areas/ and nodes/, as configfs would" \
	'.area_bytes == [{"area": "pernuma0", "bytes": 0}, {"area": "pernuma1", "bytes": 0},
	  {"area": "reserved", "bytes": 0}] and
	 .node_bytes == [{"node": 0, "bytes": 0}, {"node": 1, "bytes": 0}]' show -j video64k
tf "create converts --chunk-size 2M to order 9" 0 "2 MiB chunks \\(order 9\\)" \
	create big --area reserved --chunk-size 2M
file_is "--chunk-size 2M wrote order 9" "$CFS/big/chunk_order" 9
: >"$LOG"
tf "create --enable --max --numa-policy" 0 "order 18\\) from pernuma1, enabled$" \
	create huge -a pernuma1 -c 1GiB -m 24M -p interleave -e
log_is "create writes order, area, max_bytes, numa_policy, then enable" \
	"huge/chunk_order=18
huge/cma_area=pernuma1
huge/max_bytes=25165824
huge/numa_policy=interleave
huge/enable=1"
# Sizes as --max takes them: SIZE BYTES.
# The unit and its "i" in either case, a "B" only in upper case.
for sz in "0 0" "4096 4096" "4096B 4096" "64K 65536" "64k 65536" "64KiB 65536" \
	"64kiB 65536" "64KIB 65536" "64KB 65536" "64kB 65536" "24M 25165824" \
	"1G 1073741824" "1T 1099511627776" "16383T 18013298997854208" \
	"18446744073709551615 18446744073709551615" "0064K 65536"; do
	# shellcheck disable=SC2086 # split "SIZE BYTES"
	set -- $sz
	rm -rf "$CFS/sized"
	: >"$LOG"
	tf "--max $1 is $2 bytes" 0 "^created sized" create sized --area reserved --order 0 --max "$1"
	logged "... and writes max_bytes $2" "sized/max_bytes=$2"
done
for sz in 1.5M 12Q M -1 "" 17179869184T 16777216T 18446744073709551616 64Kb 64kib \
	64b 64Ki 64KiBB " 64K" "64K " +64K 0x40K 64KK; do
	t "--max refuses '$sz'" 2 "--max takes a size" create sized2 --area reserved --order 0 --max "$sz"
done
t "a 63-character name is fine" 1 "chunk_order: No such file" create "${long%0}" --area reserved --order 0
tf "create refuses an existing heap" 1 \
	"chunk_heap/video64k: File exists: a heap of that name exists" \
	create video64k --area reserved --order 4
t "create on a tree without attribute files fails on chunk_order" 1 \
	"chunk_heap/fresh/chunk_order: No such file or directory" \
	create fresh --area reserved --order 4
check "... and removes the half-made heap" test ! -e "$CFS/fresh"
inject cma_area:ERANGE "create reports ERANGE on cma_area" 1 \
	"fresh/cma_area: Numerical result out of range: the area cannot hold one chunk of this order" \
	create fresh --area reserved --order 4
check "... and removes the half-made heap" test ! -e "$CFS/fresh"
inject cma_area:ENOENT "create reports an unknown area" 1 \
	"cma_area: No such file or directory: no CMA area has that name" \
	create fresh --area nosuch --order 4
inject chunk_order:ERANGE "create reports an order the area cannot hold" 1 \
	"chunk_order: Numerical result out of range: above 1 GiB chunks, or too large" \
	create fresh --area reserved --order 18
inject enable:EEXIST "create reports a name another dma-heap has" 1 \
	"fresh/enable: File exists: another dma-heap already has this name" \
	create fresh --area reserved --order 4 --enable
check "... and removes the half-made heap" test ! -e "$CFS/fresh"
inject enable:EINVAL "create reports enable EINVAL as no area" 1 \
	"enable: Invalid argument: set cma_area first" create fresh --area reserved --order 4 --enable
inject max_bytes:ERANGE "create reports a quota out of range" 1 \
	"max_bytes: Numerical result out of range: above 2\\^64 - 1" \
	create fresh --area reserved --order 4 --max 1G
inject numa_policy:EINVAL "create reports a policy the module refuses" 1 \
	"numa_policy: Invalid argument: use one of default, off, local" \
	create fresh --area reserved --order 4 --numa-policy bind
mkdir "$ROOT/empty"
_t "$HEAPCTL" "create without the module says why" 1 "chunk_heap is not loaded" \
	--root "$ROOT/empty" create fresh --area reserved --order 4

# ---- enable, disable, destroy ----
fresh_tree
mkheap video64k reserved 4 0
t "enable writes 1" 0 "^video64k: enabled$" enable video64k
file_is "enable is 1" "$CFS/video64k/enable" 1
t "disable writes 0" 0 "^video64k: disabled$" disable video64k
file_is "enable is 0" "$CFS/video64k/enable" 0
t "enable of a missing heap fails" 1 "no heap of that name" enable nosuch
t "enable needs a name" 2 "usage: heapctl enable" enable
t "disable refuses a bad name" 2 "is not a heap name" disable "a b"
rm "$CFS/video64k/enable"
mkdir "$CFS/video64k/enable"
t "enable names a file it cannot write (EISDIR)" 1 \
	"video64k/enable: Is a directory: not an attribute file" enable video64k
rmdir "$CFS/video64k/enable"
t "enable names a missing file (ENOENT)" 1 \
	"video64k/enable: No such file or directory: no such attribute" enable video64k
echo 0 >"$CFS/video64k/enable"
inject enable:EINVAL "enable explains EINVAL" 1 \
	"video64k/enable: Invalid argument: set cma_area first" enable video64k
inject enable:EEXIST "enable explains EEXIST" 1 "another dma-heap already has this name" \
	enable video64k
inject enable:EACCES "an errno without its own hint gets the generic one" 1 \
	"Permission denied: run heapctl as root" enable video64k
inject enable:EIO "an errno without any hint is still named" 1 \
	"video64k/enable: Input/output error$" enable video64k
t "destroy of a missing heap fails" 1 "chunk_heap/nosuch: No such file or directory" \
	destroy nosuch
t "destroy reports rmdir's errno" 1 "video64k: Directory not empty" destroy video64k
mkdir "$CFS/empty"
t "destroy removes the directory" 0 "^destroyed empty$" destroy empty
check "... which is gone" test ! -e "$CFS/empty"
mkheap held reserved 4 1 0 default 65536 3
tf "destroy mentions live buffers" 0 "3 live buffers keep their chunks" destroy held
check "... and the heap is gone" test ! -e "$CFS/held"
t "destroy needs a name" 2 "usage: heapctl destroy" destroy

# ---- set ----
fresh_tree
mkheap video64k reserved 4 1 0 default
echo 0 >"$CFS/video64k/pool_bytes"
tf "set --max writes max_bytes" 0 "^video64k: max_bytes=25165824$" set video64k --max 24M
file_is "... which is the new quota" "$CFS/video64k/max_bytes" 25165824
log_is "... and nothing else" "video64k/max_bytes=25165824"
tf "set changes an enabled heap's policy" 0 "^video64k: numa_policy=local$" \
	set --numa-policy local video64k
log_is "... without disabling it" "video64k/numa_policy=local"
tf "set --pool writes pool_bytes" 0 "^video64k: pool_bytes=8388608$" set video64k --pool 8M
tf "set takes all three at once" 0 \
	"^video64k: max_bytes=1073741824 numa_policy=bind pool_bytes=0$" \
	set video64k -m 1G -p bind -P 0
log_is "... and writes them in that order" "video64k/pool_bytes=8388608
video64k/max_bytes=1073741824
video64k/numa_policy=bind
video64k/pool_bytes=0"
inject numa_policy:EINVAL "set puts back what it wrote when a value is refused" 1 \
	"numa_policy: Invalid argument.*~heapctl: video64k: nothing was changed" \
	set video64k --max 2M --numa-policy interleave --pool 4M
log_is "... max_bytes written, then the old one" "video64k/max_bytes=2097152
video64k/max_bytes=1073741824"
file_is "... so the quota is as it was" "$CFS/video64k/max_bytes" 1073741824
HEAPCTL_TEST_FAIL_SKIP=1
export HEAPCTL_TEST_FAIL_SKIP
inject max_bytes:EIO,pool_bytes:EINVAL "set says when it cannot put a value back" 1 \
	"video64k: max_bytes could not be put back to 1073741824" \
	set video64k --max 2M --pool 1M
unset HEAPCTL_TEST_FAIL_SKIP
: >"$LOG"
rm "$CFS/video64k/pool_bytes"
tf "set --pool on a module without a pool fails" 1 \
	"video64k/pool_bytes: No such file or directory: no such attribute" \
	set video64k --max 4M --pool 8M
log_is "... before writing anything" ""
t "set needs an option" 2 "set needs --max, --numa-policy or --pool" set video64k
t "set needs a name" 2 "usage: heapctl set" set --max 1M
t "set refuses a bad size" 2 "--max takes a size" set video64k --max 1Kb
t "set refuses a bad pool size" 2 "--pool takes a size" set video64k --pool -1
t "set refuses a bad policy" 2 "--numa-policy takes default" set video64k -p near
t "set refuses a bad name" 2 "is not a heap name" set ../x --max 1M
t "set of a missing heap fails" 1 "no heap of that name" set nosuch --max 1M

# ---- clear ----
fresh_tree
t "clear with no heaps succeeds quietly" 0 "^$" clear
mkheap video64k reserved 4 1
mkheap held reserved 4 1 0 default 65536 3
tf "clear removes every heap" 0 "~destroyed held~destroyed video64k~3 live buffers keep" clear
check "... which are gone" sh -c "[ -z \"\$(ls '$CFS')\" ]"
mkheap stuck reserved 4 0
mkdir "$CFS/empty"
t "clear goes past a heap it cannot remove, and fails" 1 \
	"stuck: Directory not empty.*~destroyed empty~$" clear
check "... having removed the other" test ! -e "$CFS/empty"
t "clear takes no arguments" 2 "usage: heapctl clear" clear video64k
rm -rf "$CFS"
t "clear without the module fails" 1 "chunk_heap is not loaded" clear

# ---- areas ----
fresh_tree
t "areas prints a header" 0 "^AREA +NODE +SIZE +FREE$" areas
t "areas shows free space from debugfs" 0 "^reserved +0 +64 MiB +60 MiB$" areas
t "areas prints - without debugfs data" 0 "^pernuma1 +1 +16 MiB +-$" areas
tj "areas -j" '.areas == [
	{"name": "pernuma0", "node": 0, "size": 16777216, "free": null},
	{"name": "pernuma1", "node": 1, "size": 16777216, "free": null},
	{"name": "reserved", "node": 0, "size": 67108864, "free": 62914560}]' areas -j
# A broken area directory: exit 1, name the file, print the rest.
A=$SYS/areas
rm "$A/pernuma1/node"
t "areas exits 1 when an area directory lacks its node file" 1 \
	"chunk_heap/areas/pernuma1/node: No such file or directory: no such attribute: is the chunk_heap module up to date\\?$" \
	areas
also "... lists that area with node -" "^pernuma1 +- +16 MiB +-$"
also "... and the other areas" "^reserved +0 +64 MiB +60 MiB$"
tj1 "... null in JSON" \
	'.areas[1] == {"name": "pernuma1", "node": null, "size": 16777216, "free": null} and
	 .areas[2].node == 0' areas -j
echo 1 >"$A/pernuma1/node"
rm "$A/pernuma1/size"
t "areas exits 1 when an area directory lacks its size file" 1 \
	"chunk_heap/areas/pernuma1/size: No such file or directory: no such attribute" areas
also "... and prints - for the size" "^pernuma1 +1 +- +-$"
echo 16777216 >"$A/pernuma1/size"
echo zero >"$A/reserved/node"
t "areas exits 1 on a malformed node" 1 \
	"chunk_heap/areas/reserved/node: Invalid argument: unexpected content" areas
echo 0 >"$A/reserved/node"
echo 64M >"$A/reserved/size"
t "areas exits 1 on a malformed size" 1 \
	"chunk_heap/areas/reserved/size: Invalid argument: unexpected content" areas
echo 67108864 >"$A/reserved/size"
rm "$A/pernuma0/node"
mkdir "$A/pernuma0/node"
t "areas exits 1 on a node it cannot read (EISDIR)" 1 \
	"chunk_heap/areas/pernuma0/node: Is a directory$" areas
rmdir "$A/pernuma0/node"
echo -1 >"$A/pernuma0/node"
tj "areas -j: node -1 (NUMA_NO_NODE) is null" \
	'.areas[0] == {"name": "pernuma0", "node": null, "size": 16777216, "free": null}' areas -j
echo 0 >"$A/pernuma0/node"
t "areas is clean again" 0 "^pernuma0 +0 +16 MiB +-$" areas
mkdir "$ROOT/sys/kernel/mm/cma/other"
tj "areas lists an area only the kernel knows" \
	'.areas[0] == {"name": "other", "node": null, "size": null, "free": null}' areas -j
rm -rf "$SYS/areas"
tj "areas without the module takes the size from debugfs" \
	'.areas[3] == {"name": "reserved", "node": null, "size": 67108864, "free": 62914560}' \
	areas -j
echo 99999 >"$ROOT/sys/kernel/debug/cma/reserved/used"
t "areas exits 1 when debugfs counts more used than there is" 1 \
	"reserved/used: Invalid argument: unexpected content" areas
echo 1024 >"$ROOT/sys/kernel/debug/cma/reserved/used"
printf 'reserved 0 67108864\n' >"$SYS/areas"
t "areas exits 1 on the areas file of an older module" 1 \
	"chunk_heap/areas: Not a directory: the chunk_heap module is older than heapctl" areas
also "... and still lists the kernel's areas" "^reserved +- +64 MiB +60 MiB$"
rm -rf "$ROOT/sys/kernel/mm/cma" "$SYS/areas"
t "areas without CMA says so" 1 "mm/cma: No such file or directory: this kernel has no CMA" areas
mkdir -p "$ROOT/sys/kernel/mm/cma"
t "areas says when there are none" 0 "^no CMA areas$" areas
t "areas takes no argument" 2 "usage: heapctl areas" areas reserved

# ---- numa ----
fresh_tree
t "numa shows the policy" 0 "^numa_policy: off$" numa
t "numa shows the choices" 0 "^available: +off local bind interleave$" numa
t "numa shows numa_active" 0 "^numa_active: yes$" numa
tj "numa -j" '. == {"numa_policy": "off", "available": ["off", "local", "bind", "interleave"],
	"numa_active": true, "numa_supported": true}' numa -j
echo "area_sizes" >"$SYS/features"
t "numa says why a stock kernel has no per-node placement" 0 \
	"^numa_active: no: this kernel does not export the per-node CMA areas to modules \(cma_for_each_area\): only off$" numa
tj "numa -j numa_supported false" '.numa_supported == false' numa -j
echo "area_sizes per_node_areas numa_policy" >"$SYS/features"
t "numa with every feature shows numa_active" 0 "^numa_active: yes$" numa
rm "$SYS/features"
echo 0 >"$SYS/numa_active"
t "numa explains numa_active 0" 0 "^numa_active: no: local, bind and interleave act as off$" numa
tj "numa -j numa_active false" '.numa_active == false' numa -j
tf "numa POLICY sets it and warns when NUMA is inactive" 0 \
	"numa_active is 0: bind acts as off" numa bind
file_is "numa bind wrote the policy" "$SYS/numa_policy" bind
echo 1 >"$SYS/numa_active"
tf "numa POLICY shows the new state" 0 "^numa_policy: local$" numa local
log_is "numa wrote the global file" "chunk_heap/numa_policy=bind
chunk_heap/numa_policy=local"
t "numa refuses an unknown policy" 2 "one of off, local, bind, interleave" numa near
t "numa refuses default (per heap only)" 2 "one of off, local, bind, interleave" numa default
t "numa takes one policy" 2 "usage: heapctl numa" numa off local
inject chunk_heap/numa_policy:EINVAL "numa explains EINVAL" 1 \
	"chunk_heap/numa_policy: Invalid argument: use one of off, local, bind, interleave" numa off
printf 'off local\n' >"$SYS/numa_policy"
t "numa exits 1 when no policy is selected" 1 "numa_policy: Invalid argument: unexpected content" numa
rm -rf "$SYS"
t "numa without the module says so" 1 \
	"chunk_heap/numa_policy: No such file or directory: chunk_heap is not loaded" numa
t "numa POLICY without the module says so" 1 \
	"chunk_heap/numa_policy: No such file or directory: chunk_heap is not loaded" numa off

# ---- save ----
fresh_tree
mkheap video64k reserved 4 1 0 default 67108864 1
mkheap big pernuma1 9 0 1073741824 interleave
mkdir "$CFS/blank"
echo 0 >"$CFS/blank/chunk_order"
echo >"$CFS/blank/cma_area"
tj "save writes JSON to stdout" '.numa_policy == "off" and (.heaps | length) == 3' save -
tj "save: each heap has exactly the saved keys" \
	'[.heaps[] | keys_unsorted] | unique == [["name", "cma_area", "chunk_order",
	  "max_bytes", "numa_policy", "enabled"]]' save -
tj "save: values" '.heaps[0] == {"name": "big", "cma_area": "pernuma1", "chunk_order": 9,
	"max_bytes": 1073741824, "numa_policy": "interleave", "enabled": false}' save -
tj "save: an unset area and missing files are null" \
	'.heaps[1] | .cma_area == null and .enabled == null and .numa_policy == null' save -
t "save FILE writes the file" 0 "" save "$TMP/saved.json"
"$HEAPCTL" --root "$ROOT" save - >"$TMP/stdout.json" 2>/dev/null
check "save FILE and save - give the same JSON" cmp "$TMP/saved.json" "$TMP/stdout.json"
t "save names a file it cannot write" 1 "$TMP/nodir/x.json: No such file or directory" \
	save "$TMP/nodir/x.json"
t "save takes one file" 2 "usage: heapctl save" save a b
tj "save writes a schema version" '.version == 1' save -
# Atomic: a temporary file of mode 0600 beside FILE, renamed over it.
echo '{"keep": 1}' >"$TMP/good.json"
chmod 644 "$TMP/good.json"
t "save over a file replaces it" 0 "" save "$TMP/good.json"
check "... with the new configuration" grep -q '"video64k"' "$TMP/good.json"
mode=$(stat -c %a "$TMP/good.json")
if [ "$mode" = 600 ]; then ok "... of mode 0600"; else not_ok "... of mode 0600: $mode"; fi
check "... and leaves no temporary file" sh -c "! ls -a '$TMP' | grep -q heapctl-"
# Anything that cannot be read: nothing is written, the old file stays.
echo '{"keep": 1}' >"$TMP/good.json"
# (A directory where the attribute should be: as root, a mode of 000
# would not stop the read.)
mv "$CFS/big/max_bytes" "$TMP/max_bytes"
mkdir "$CFS/big/max_bytes"
t "save refuses when an attribute cannot be read" 1 \
	"big/max_bytes: Is a directory~.*not everything could be read: nothing written" \
	save "$TMP/good.json"
check "... and keeps the file as it was" grep -qx '{"keep": 1}' "$TMP/good.json"
t "... and to stdout writes nothing either" 1 "nothing written" save -
also "... not even a part" "^[^{]*$"
rmdir "$CFS/big/max_bytes"
mv "$TMP/max_bytes" "$CFS/big/max_bytes"
chmod 555 "$TMP"
if ! : 2>/dev/null >"$TMP/probe"; then
	t "save into a directory it cannot write fails" 1 "good.json: Permission denied: run heapctl as root" \
		save "$TMP/good.json"
	check "... and keeps the file as it was" grep -qx '{"keep": 1}' "$TMP/good.json"
fi
chmod 755 "$TMP"
t "save to a directory fails, and writes nothing" 1 "$TMP: .*nothing written" save "$TMP"
check "... and leaves no temporary file" sh -c "! ls -a '$TMP' | grep -q heapctl-"
rm "$SYS/numa_policy"
tj "save without the global policy file gives null" '.numa_policy == null' save -
rm -rf "$CFS"
t "save without the module fails" 1 "chunk_heap is not loaded" save -

# ---- the default file ----
fresh_tree
mkheap video64k reserved 4 1 0 local
tf "save without FILE writes the default file" 0 "" save
file_is "... which holds the heaps" "$ROOT/etc/chunk_heap/heaps.json" \
	"$("$HEAPCTL" --root "$ROOT" save -)"
mode=$(stat -c %a "$ROOT/etc/chunk_heap/heaps.json")
if [ "$mode" = 600 ]; then ok "... of mode 0600"; else not_ok "... of mode 0600: $mode"; fi
mode=$(stat -c %a "$ROOT/etc/chunk_heap")
if [ "$mode" = 755 ]; then ok "... in a new directory of mode 0755"; else not_ok "... 0755: $mode"; fi
tf "save again replaces it" 0 "" save
tf "restore without FILE reads it" 0 "^video64k: unchanged$" restore
tf "... and so does restore --dry-run" 0 "^video64k: unchanged$" restore --dry-run
rm -rf "${ROOT:?}/etc"
: >"$ROOT/etc"
t "save names the directory it cannot make" 1 "$ROOT/etc/chunk_heap: Not a directory" save
rm "$ROOT/etc"

# ---- restore: the file ----
fresh_tree
J=$TMP/r.json
t "restore without FILE reads the default file" 1 \
	"$ROOT/etc/chunk_heap/heaps.json: No such file or directory" restore
t "restore takes one file" 2 "usage: heapctl restore" restore a b
t "restore refuses an unknown option" 2 "usage: heapctl restore" restore --frob x
t "restore names a missing file" 1 "$TMP/none.json: No such file or directory" \
	restore "$TMP/none.json"
echo '{"heaps": [' >"$J"
t "restore refuses bad JSON" 1 "r.json: not valid JSON" restore "$J"
echo '{"heaps": []} x' >"$J"
t "restore refuses trailing garbage" 1 "r.json: not valid JSON" restore "$J"
echo '[]' >"$J"
t "restore refuses a non-object" 1 "r.json: not a JSON object" restore "$J"
echo '{"heaps": [], "colour": 1}' >"$J"
t "restore refuses an unknown key" 1 "unknown key \"colour\"" restore "$J"
echo '{"heaps": {}}' >"$J"
t "restore wants heaps as an array" 1 "heaps must be an array" restore "$J"
echo '{"heaps": [], "numa_policy": "default"}' >"$J"
t "restore refuses a bad global policy" 1 "numa_policy must be off, local, bind or interleave" \
	restore "$J"
echo '{"heaps": [{"name": "a/b"}]}' >"$J"
t "restore refuses a bad heap name" 1 "heaps\\[0\\]: name must be a heap name" restore "$J"
echo '{"heaps": [{"name": "a"}, {"name": "a"}]}' >"$J"
t "restore refuses a name given twice" 1 "heaps\\[1\\]: the name is given twice" restore "$J"
echo '{"heaps": [{"name": "a", "chunk_order": 19}]}' >"$J"
t "restore names the heap and key of a bad order" 1 \
	"heaps\\[0\\] \\(a\\): chunk_order: chunk_order must be a number from 0 to 18" restore "$J"
echo '{"heaps": [{"name": "a", "max_bytes": -1}]}' >"$J"
t "restore refuses a negative max_bytes" 1 "max_bytes must be a number of bytes" restore "$J"
echo '{"heaps": [{"name": "a", "enabled": 1}]}' >"$J"
t "restore wants enabled as a boolean" 1 "enabled must be true or false" restore "$J"
echo '{"heaps": [{"name": "a", "numa_policy": "near"}]}' >"$J"
t "restore refuses a bad heap policy" 1 "numa_policy must be default, off" restore "$J"
echo '{"heaps": [{"name": "a", "size": 1}]}' >"$J"
t "restore refuses an unknown heap key" 1 "\\(a\\): size: unknown key" restore "$J"
# Strict JSON: what json-c would take, or saturate, is refused too.
for bad in "{'heaps': []}" '{"heaps": [],}' '{"heaps": [1,]}' '/* c */ {"heaps": []}' \
	'{"heaps": [], "version": NaN}' '{"heaps": [], "version": 01}' \
	'{"heaps": [{"name": "a", "max_bytes": 18446744073709551616}]}' \
	'{"heaps": [{"name": "a", "max_bytes": 99999999999999999999999}]}' \
	'{"heaps": [{"name": "a", "chunk_order": -9223372036854775809}]}' \
	'{"heaps": [{"name": "a", "max_bytes": 184467440737095516150}]}'; do
	printf '%s\n' "$bad" >"$J"
	t "restore refuses $bad" 1 "r.json: not valid JSON" restore "$J"
done
echo '{"heaps": [{"name": "a", "max_bytes": 18446744073709551615}], "version": 1}' >"$J"
t "restore --dry-run takes 2^64 - 1" 0 "^a: would be created$" restore --dry-run "$J"
echo '{"heaps": [{"name": "a", "max_bytes": 1.5}]}' >"$J"
t "restore refuses a fraction" 1 "max_bytes must be a number of bytes" restore "$J"
echo '{"heaps": [], "version": 2}' >"$J"
t "restore refuses another schema version" 1 "version must be 1" restore "$J"
echo '{"heaps": [], "version": "1"}' >"$J"
t "... and a version that is not a number" 1 "version must be 1" restore "$J"
# Strings by their length: an embedded NUL is not the end of the string.
printf '%s\n' '{"heaps": [{"name": "a\u0000b"}]}' >"$J"
t "restore refuses a name with a NUL inside" 1 "heaps\\[0\\]: name must be a heap name" restore "$J"
printf '%s\n' '{"heaps": [{"name": "a", "cma_area": "reserved\u0000x"}]}' >"$J"
t "... and a CMA area with one" 1 "cma_area must be a CMA area name" restore "$J"
printf '%s\n' '{"heaps": [{"name": "a", "numa_policy": "off\u0000x"}]}' >"$J"
t "... and a heap policy with one" 1 "numa_policy must be default" restore "$J"
printf '%s\n' '{"heaps": [], "numa_policy": "off\u0000x"}' >"$J"
t "... and a global policy with one" 1 "numa_policy must be off, local" restore "$J"
t "restore names a directory as one" 1 "$TMP: Is a directory: restore takes a file" restore "$TMP"
t "restore changed nothing on bad files" 0 "^no heaps$" list
log_is "... and wrote nothing" ""

# ---- restore: against the tree ----
fresh_tree
mkheap video64k reserved 4 1 0 default 67108864 1
mkheap big pernuma1 9 0 1073741824 interleave
"$HEAPCTL" --root "$ROOT" save - >"$J"
tf "restore of the saved state changes nothing" 0 "^video64k: unchanged$" restore "$J"
log_is "... and writes nothing" ""
t "... with the real program too" 0 "^big: unchanged$" restore "$J"
echo 5 >"$CFS/video64k/chunk_order"
echo 1 >"$CFS/big/enable"
json_edit '.heaps += [{"name": "new", "cma_area": "reserved", "chunk_order": 2}]' "$J" "$J.new" \
	'd["heaps"].append({"name": "new", "cma_area": "reserved", "chunk_order": 2})'
tf "restore refuses to clobber a heap with other settings" 1 \
	"heap video64k exists with other settings \\(chunk_order is 5, saved 4\\); use --force" \
	restore "$J.new"
tf "... and names every such heap" 1 "heap big exists with other settings \\(enabled is true, saved false\\)" \
	restore "$J.new"
check "... and changes nothing, not even new heaps" test ! -e "$CFS/new"
file_is "... nor the heaps it refused" "$CFS/video64k/chunk_order" 5
log_is "... and writes nothing" ""
tf "restore --force rewrites them" 0 "^video64k: rewritten \\(chunk_order is 5, saved 4\\)$" \
	restore --force "$J.new"
log_is "--force disables, rewrites and re-enables, and creates new heaps" \
	"big/enable=0
video64k/enable=0
video64k/chunk_order=4
video64k/enable=1
new/chunk_order=2
new/cma_area=reserved"
file_is "the rewritten heap has the saved order" "$CFS/video64k/chunk_order" 4
tf "restore after --force finds nothing to do" 0 "^new: unchanged$" restore "$J.new"
echo 0 >"$CFS/video64k/max_bytes"
json_edit '.heaps[1].max_bytes = 4096' "$J" "$J.max" 'd["heaps"][1]["max_bytes"] = 4096'
tf "--force changes a quota without disabling the heap" 0 "rewritten \\(max_bytes is 0, saved 4096\\)" \
	restore --force "$J.max"
log_is "... only max_bytes was written" "video64k/max_bytes=4096"
json_edit '.heaps[1] = {"name": "video64k", "chunk_order": null, "max_bytes": 4096}' "$J" "$J.null" \
	'd["heaps"][1] = {"name": "video64k", "chunk_order": None, "max_bytes": 4096}'
tf "null and absent keys are left as they are" 0 "^video64k: unchanged$" restore "$J.null"
echo '{"heaps": [{"name": "video64k", "cma_area": "pernuma0", "chunk_order": 12}]}' >"$J.grow"
HEAPCTL_TEST_FAIL_MAX=1
export HEAPCTL_TEST_FAIL_MAX
inject video64k/chunk_order:ERANGE "--force writes the area first when the order does not fit yet" \
	0 "rewritten" restore --force "$J.grow"
unset HEAPCTL_TEST_FAIL_MAX
log_is "... area, then order" "video64k/enable=0
video64k/cma_area=pernuma0
video64k/chunk_order=12
video64k/enable=1"
echo 5 >"$CFS/video64k/chunk_order"
echo 1 >"$CFS/video64k/enable"
inject video64k/chunk_order:EBUSY "--force reports a failed rewrite" 1 \
	"video64k/chunk_order: Device or resource busy: disable the heap first" \
	restore --force "$J"
also "... and says the heap is left disabled" "video64k is left disabled"
file_is "... which it is" "$CFS/video64k/enable" 0

# restore onto an empty tree creates everything, and round-trips.
fresh_tree
mkheap video64k reserved 4 1 0 local
mkheap big pernuma1 9 0 1073741824 interleave
echo "off [local] bind interleave" >"$SYS/numa_policy"
"$HEAPCTL" --root "$ROOT" save - >"$J"
rm -rf "${CFS:?}"/*
echo "[off] local bind interleave" >"$SYS/numa_policy"
: >"$LOG"
tf "restore --dry-run says what it would do" 0 \
	"~numa_policy: would be set to local~big: would be created~video64k: would be created~$" \
	restore --dry-run "$J"
log_is "... and writes nothing" ""
check "... nor makes a heap" test ! -e "$CFS/big"
tf "restore creates the saved heaps" 0 "~big: created~video64k: created~$" restore "$J"
also "... and sets the global policy" "^numa_policy: set to local$"
tf "restoring again changes nothing" 0 "~numa_policy: unchanged \\(local\\)~big: unchanged~" \
	restore "$J"
"$HEAPCTL_TEST" --root "$ROOT" save - >"$J.again"
check "save, restore, save gives the same JSON" cmp "$J" "$J.again"
rm -rf "${CFS:?}"/*
out=$("$HEAPCTL_TEST" --root "$ROOT" restore - <"$J" 2>&1)
if printf '%s\n' "$out" | grep -q "video64k: created"; then
	ok "restore - reads standard input"
else
	not_ok "restore - reads standard input: $out"
fi
rm -rf "${CFS:?}"/*
t "restore with the real program on a fake tree fails on the first write" 1 \
	"chunk_heap/big/chunk_order: No such file or directory" restore "$J"
check "... and leaves no half-made heap" test ! -e "$CFS/big"
inject video64k/enable:EEXIST "restore stops at the first failure" 1 \
	"video64k/enable: File exists: another dma-heap already has this name" restore "$J"
also "... and says what was and was not applied" \
	"restore stopped: applied: big; failed: video64k$"
check "... removing the heap it was making" test ! -e "$CFS/video64k"
check "... and keeping the heaps it made" test -d "$CFS/big"
rm -rf "$CFS"
t "restore without the module fails" 1 "chunk_heap is not loaded" restore "$J"

echo "1..$n"
