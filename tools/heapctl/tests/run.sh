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
	for f in pool_bytes pool_min_bytes cma_failures pool_ready pool_hits pool_misses pool_refills pool_shrunk \
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
t "no command is a usage error, in one line" 2 "^heapctl: no command given; see 'heapctl --help'\$"
t "--help succeeds" 0 "usage: heapctl" --help
t "--help lists every command" 0 \
	"~  list .*~  show .*~  create .*~  enable .*~  disable .*~  destroy .*~  set .*~  clear .*~  areas .*~  numa .*~  alloc .*~  save .*~  restore " --help
t "an unknown command is a usage error" 2 "unknown command 'frob'" frob
t "an unknown global option is named in one line" 2 \
	"^heapctl: unknown option '--frob'; see 'heapctl --help'\$" --frob
t "... and an unknown short one" 2 "^heapctl: unknown option '-x'; see 'heapctl --help'\$" -x
traw "--root alone says it needs a directory" 2 \
	"^heapctl: option '--root' needs an argument; see 'heapctl --help'\$" "$HEAPCTL" --root
traw "... and so does -r" 2 "^heapctl: option '-r' needs an argument; see 'heapctl --help'\$" \
	"$HEAPCTL" -r
traw "--root= with no directory is refused" 2 "--root takes a directory" "$HEAPCTL" --root= list
t "--version prints the version" 0 "^~heapctl [0-9]+\\.[0-9]+~$" --version
t "... and -V" 0 "^~heapctl [0-9]+\\.[0-9]+~$" -V
t "--version takes no argument" 2 "option '--version' takes no argument" --version=2
t "a global option after the command is the command's" 2 \
	"^heapctl: list: unknown option '--version'; see 'heapctl list --help'\$" list --version
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
t "alloc needs a size" 2 "^heapctl: alloc: missing argument; see 'heapctl alloc --help'\$" alloc video64k
t "alloc refuses size 0" 2 "positive size" alloc video64k 0
t "alloc refuses a bad suffix" 2 "positive size" alloc video64k 12Q
t "alloc refuses a negative size" 2 "unknown option '-4'|positive size" alloc video64k -4K
t "alloc refuses an overflowing size" 2 "positive size" alloc video64k 99999999999T
t "alloc refuses --count 0" 2 "--count" alloc video64k 1M --count 0
t "alloc refuses --count x" 2 "--count" alloc video64k 1M --count x
t "alloc refuses --count 65537" 2 "--count" alloc video64k 1M --count 65537
t "alloc refuses --hold x" 2 "--hold takes seconds" alloc video64k 1M --hold x
t "alloc refuses a third argument" 2 "^heapctl: alloc: unexpected argument '2M'; see" alloc video64k 1M 2M
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
t "list's headings are the JSON keys in upper case" 0 \
	"^NAME +CMA_AREA +CHUNK_SIZE +ENABLED +BYTES +MAX_BYTES +BUFFERS +POOL_READY +FAILURES$" list
t "list shows an enabled heap with sizes as one token" 0 \
	"^video64k +reserved +64K +yes +64M +unlimited +1 +0B +0$" list
t "list shows a disabled heap and its quota" 0 "^big +reserved +2M +no +0B +1G +0 +0B +0$" list
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
	  "chunk_size": 65536, "max_bytes": 0, "enabled": true, "bytes": 67108864, "buffers": 1,
	  "failures": 0, "pool_ready": 0}' list --json
rm "$CFS/big/bytes"
tj "list -j gives null for a missing attribute" '.heaps[0].bytes == null' list -j
t "list prints - for a missing attribute" 0 "^big +reserved +2M +no +- +1G +0 +0B +0$" list
mkdir "$CFS/big/bytes"
t "list exits 1 and names a file it cannot read" 1 \
	"big/bytes: Is a directory" list
rmdir "$CFS/big/bytes"
echo lots >"$CFS/big/bytes"
t "list exits 1 on a file with unexpected content" 1 \
	"big/bytes: Invalid argument: unexpected content" list
t "list takes no argument" 2 "^heapctl: list: unexpected argument 'big'; see 'heapctl list --help'\$" list big
t "list refuses an unknown option in one line" 2 \
	"^heapctl: list: unknown option '--frob'; see 'heapctl list --help'\$" list --frob
rm -rf "$CFS"
t "list without the module names configfs and says why" 1 \
	"sys/kernel/config/chunk_heap: No such file or directory: chunk_heap is not loaded" list

# ---- show ----
fresh_tree
mkheap video64k reserved 4 1 0 local 67108864 1
mkheap big pernuma1 9 0 1073741824
t "show prints the area" 0 "^cma_area: +reserved$" show video64k
t "show's labels are the JSON keys" 0 "^name: +video64k$" show video64k
t "show prints the chunk size as a size" 0 "^chunk_size: +64K$" show video64k
t "show prints max_bytes 0 as unlimited" 0 "^max_bytes: +unlimited$" show video64k
t "show prints a quota as a size" 0 "^max_bytes: +1G$" show big
t "show picks the bracketed numa_policy" 0 "^numa_policy: +local$" show video64k
t "show prints enabled as yes" 0 "^enabled: +yes$" show video64k
t "show prints the device" 0 "^device: +/dev/dma_heap/video64k$" show video64k
t "show prints - for the device of a disabled heap" 0 "^device: +-$" show big
t "show lists area_bytes from areas/, sorted by name" 0 \
	"~area_bytes:~  pernuma0 +0B~  pernuma1 +0B~  reserved +64M~node_bytes:~" show video64k
t "show lists node_bytes from nodes/" 0 "~node_bytes:~  node 0 +64M~  node 1 +0B~" show video64k
for b in 0 2 4 8 16; do
	mkdir -p "$CFS/video64k/latency_us/$b"
	echo 0 >"$CFS/video64k/latency_us/$b/count"
done
t "show prints pool_bytes 0 as none" 0 "^pool_bytes: +none$" show video64k
t "show prints pool_min_bytes 0 as none, after pool_bytes" 0 \
	"~pool_bytes: +none~pool_min_bytes: none~numa_policy: " show video64k
t "show prints an empty latency histogram as none" 0 "~latency: +none~$" show video64k
echo 3 >"$CFS/video64k/latency_us/16/count"
echo 1 >"$CFS/video64k/latency_us/2/count"
echo 25165824 >"$CFS/video64k/pool_bytes"
echo 8388608 >"$CFS/video64k/pool_ready"
echo 4194304 >"$CFS/video64k/pool_min_bytes"
t "show prints the pool as sizes" 0 "~pool_bytes: +24M~" show video64k
t "show prints pool_min_bytes as a size" 0 "^pool_min_bytes: 4M$" show video64k
t "show prints pool_ready as a size" 0 "^pool_ready: +8M$" show video64k
t "show lists the latency buckets that count something, by number" 0 \
	"~latency:~  2 us +1~  16 us +3~$" show video64k
tj "show -j reads every latency bucket, by number" \
	'[.latency[] | .floor_us] == [0, 2, 4, 8, 16] and .latency[4].count == 3 and
	 .pool_bytes == 25165824 and .pool_ready == 8388608' show -j video64k
tj "show -j has pool_min_bytes, in bytes" '.pool_min_bytes == 4194304' show -j video64k
tj "show -j has every attribute" \
	'keys_unsorted == ["version", "name", "cma_area", "chunk_order", "chunk_size", "max_bytes",
	  "pool_bytes", "pool_min_bytes", "numa_policy", "enabled", "device", "bytes", "buffers",
	  "peak",
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
t "... and so does the text" 0 "~  node 1 +0B~  node 2 +4K~  node 10 +8K~" show big
rm -rf "$CFS/big/areas/"*
tj "show -j: an empty areas directory is an empty array" '.area_bytes == []' show -j big
t "... and none in text" 0 "^area_bytes: +none$" show big
rm -rf "$CFS/big/numa_policy" "$CFS/big/areas" "$CFS/big/nodes" "$CFS/big/pool_min_bytes"
printf 'reserved 0\n' >"$CFS/big/area_bytes"
printf '0 0\n' >"$CFS/big/node_bytes"
tj "show -j: attributes an older module lacks are null, its old files unread" \
	'.numa_policy == null and .area_bytes == null and .node_bytes == null and
	 .latency == null and .pool_bytes == 0 and .pool_min_bytes == null' show -j big
t "... and - in text" 0 "~area_bytes: +-~node_bytes: +-~latency: +-~$" show big
also "... pool_min_bytes too" "^pool_min_bytes: -$"

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
also "... and still prints the other areas" "^  reserved +64M$"
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
also "... and prints the rest" "~node_bytes:~  node 0 +64M~"
t "show of a missing heap fails and says so" 1 \
	"chunk_heap/nosuch: No such file or directory: no heap of that name" show nosuch
t "show needs a name" 2 "^heapctl: show: missing argument; see 'heapctl show --help'\$" show
t "show refuses a path as a name" 2 "is not a heap name" show ../video64k
t "show refuses two names" 2 "^heapctl: show: unexpected argument 'big'; see" show video64k big

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
t "create refuses a chunk size above order 18" 2 "power of two from 4096 to 1G\$" \
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
t "create needs a name" 2 "^heapctl: create: missing argument; see" create --area reserved --order 4
t "create names an option missing its value" 2 \
	"^heapctl: create: option '--area' needs an argument; see 'heapctl create --help'\$" create v --area
t "... a short one too" 2 "^heapctl: create: option '-o' needs an argument; see" create v -o
t "... and a value given to a flag" 2 "^heapctl: create: option '--enable' takes no argument; see" \
	create v --enable=1
t "create made nothing on usage errors" 0 "^no heaps$" list

# ---- create: against the tree ----
tf "create writes the heap" 0 \
	"^created video64k: 64K chunks \\(order 4\\) from reserved, disabled$" \
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
tf "create converts --chunk-size 2M to order 9" 0 "2M chunks \\(order 9\\)" \
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
t "enable needs a name" 2 "^heapctl: enable: missing argument; see" enable
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
t "destroy needs a name" 2 "^heapctl: destroy: missing argument; see" destroy

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
tf "set --pool-min writes pool_min_bytes" 0 "^video64k: pool_min_bytes=4194304$" \
	set video64k --pool-min 4M
file_is "... which is the new floor" "$CFS/video64k/pool_min_bytes" 4194304
log_is "... and nothing else" "video64k/pool_min_bytes=4194304"
tf "set -M is --pool-min, written before the pool" 0 \
	"^video64k: pool_min_bytes=8388608 pool_bytes=16777216$" set video64k -P 16M -M 8M
log_is "... the floor first" "video64k/pool_min_bytes=8388608
video64k/pool_bytes=16777216"
tf "set --pool-min above the pool is taken as it is" 0 "^video64k: pool_min_bytes=1073741824$" \
	set video64k --pool-min 1G
: >"$LOG"
inject pool_bytes:ERANGE "set puts the floor back when the pool is refused" 1 \
	"pool_bytes: Numerical result out of range: more than all CMA areas hold~heapctl: video64k: nothing was changed" \
	set video64k --pool-min 2M --pool 1000000G
log_is "... pool_min_bytes written, then the old one" "video64k/pool_min_bytes=2097152
video64k/pool_min_bytes=1073741824"
file_is "... so the floor is as it was" "$CFS/video64k/pool_min_bytes" 1073741824
inject pool_min_bytes:EINVAL "set names a refused floor and puts the rest back" 1 \
	"video64k/pool_min_bytes: Invalid argument: not a decimal number of bytes~heapctl: video64k: nothing was changed" \
	set video64k --max 2M --pool-min 1M
log_is "... max_bytes written, then the old one" "video64k/max_bytes=2097152
video64k/max_bytes=1073741824"
rm "$CFS/video64k/pool_min_bytes"
tf "set --pool-min on a module without a floor fails" 1 \
	"video64k/pool_min_bytes: No such file or directory: no such attribute" \
	set video64k --max 4M --pool-min 8M
log_is "... before writing anything" ""
echo 0 >"$CFS/video64k/pool_min_bytes"
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
t "set needs an option" 2 "^heapctl: set needs --max, --numa-policy, --pool or --pool-min$" set video64k
t "set needs a name" 2 "^heapctl: set: missing argument; see" set --max 1M
t "set refuses a bad size" 2 "--max takes a size" set video64k --max 1Kb
t "set refuses a bad pool size" 2 "--pool takes a size" set video64k --pool -1
t "set refuses a bad pool floor" 2 "--pool-min takes a size" set video64k --pool-min 1X
t "set --pool-min needs a size" 2 "option '--pool-min' needs an argument" set video64k --pool-min
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
t "clear takes no arguments" 2 "^heapctl: clear: unexpected argument 'video64k'; see" clear video64k
rm -rf "$CFS"
t "clear without the module fails" 1 "chunk_heap is not loaded" clear

# ---- areas ----
fresh_tree
t "areas' headings are the JSON keys in upper case" 0 "^NAME +NODE +SIZE +FREE$" areas
t "areas shows free space from debugfs" 0 "^reserved +0 +64M +60M$" areas
t "areas prints - without debugfs data" 0 "^pernuma1 +1 +16M +-$" areas
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
also "... lists that area with node -" "^pernuma1 +- +16M +-$"
also "... and the other areas" "^reserved +0 +64M +60M$"
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
t "areas is clean again" 0 "^pernuma0 +0 +16M +-$" areas
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
also "... and still lists the kernel's areas" "^reserved +- +64M +60M$"
rm -rf "$ROOT/sys/kernel/mm/cma" "$SYS/areas"
t "areas without CMA says so" 1 "mm/cma: No such file or directory: this kernel has no CMA" areas
mkdir -p "$ROOT/sys/kernel/mm/cma"
t "areas says when there are none" 0 "^no CMA areas$" areas
t "areas takes no argument" 2 "^heapctl: areas: unexpected argument 'reserved'; see" areas reserved

# ---- numa ----
fresh_tree
t "numa shows the policy" 0 "^numa_policy: off$" numa
t "numa shows the choices" 0 "^available: +off local bind interleave$" numa
t "numa shows numa_active" 0 "^numa_active: yes$" numa
tj "numa -j" '. == {"version": 1, "numa_policy": "off", "available": ["off", "local", "bind", "interleave"],
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
t "numa takes one policy" 2 "^heapctl: numa: unexpected argument 'local'; see" numa off local
inject chunk_heap/numa_policy:EINVAL "numa explains EINVAL" 1 \
	"chunk_heap/numa_policy: Invalid argument: use one of off, local, bind, interleave" numa off
printf 'off local\n' >"$SYS/numa_policy"
t "numa exits 1 when no policy is selected" 1 "numa_policy: Invalid argument: unexpected content" numa
rm -rf "$SYS"
t "numa without the module says so" 1 \
	"chunk_heap/numa_policy: No such file or directory: chunk_heap is not loaded" numa
t "numa POLICY without the module says so" 1 \
	"chunk_heap/numa_policy: No such file or directory: chunk_heap is not loaded" numa off

# ---- output options: -j, -p, -o, -n, -b ----
fresh_tree
mkheap video64k reserved 4 1 25165824 default 1536 1
mkheap big pernuma1 9 0 1610612736 default 100663296 3
# lines: the number of lines of the last output.
lines() { printf '%s\n' "$out" | wc -l; }
t "heapctl -j list: -j is a global option too" 0 '^\{"version":1,"heaps":\[\{"name":"big",' -j list
[ "$(lines)" = 1 ] && ok "... and the JSON is one line" || not_ok "... one line: $out"
t "list -j is one line too" 0 '^\{"version":1,"heaps":' list -j
[ "$(lines)" = 1 ] && ok "... exactly one" || not_ok "... exactly one: $out"
t "list -j -p pretty-prints" 0 '^~\{~  "version": 1,~  "heaps": \[~' list -j -p
t "heapctl -p -j list does too" 0 '^~\{~  "version": 1,~' -p -j list
t "heapctl --json --pretty areas" 0 '^~\{~  "version": 1,~  "areas": \[~' --json --pretty areas
t "show -jp: -p with -j in one word" 0 '^~\{~  "version": 1,~  "name": "big",~' show -jp big
t "-o picks list's columns, in its order" 0 '^~NAME +BYTES~big +96M~video64k +1.5K~$' list -o name,bytes
t "-o takes any case" 0 '^~BYTES +NAME~' list -o Bytes,NAME
t "-o can name a hidden column" 0 '^~NAME +CHUNK_ORDER~big +9~video64k +4~$' list --output name,chunk_order
t "-o rejects an unknown column in one line, listing the valid ones" 2 \
	"^heapctl: list: unknown column 'size' \\(columns: NAME,CMA_AREA,CHUNK_ORDER,CHUNK_SIZE,ENABLED,BYTES,MAX_BYTES,BUFFERS,POOL_READY,FAILURES\\); see 'heapctl list --help'\$" \
	list -o name,size
t "-o rejects an empty column" 2 "unknown column ''" list -o name,
t "-n leaves out the headings" 0 '^~big +pernuma1 +2M +no +96M +1.5G +3 +0B +0~video64k ' list -n
t "-b prints sizes as bytes" 0 '^~NAME +BYTES +MAX_BYTES +CHUNK_SIZE~big +100663296 +1610612736 +2097152~' \
	list -b -o name,bytes,max_bytes,chunk_size
t "... and a quota of none as 0" 0 '^~NAME +MAX_BYTES~big +1610612736~video64k +25165824~$' \
	list --bytes -o name,max_bytes
t "list -nbo: all three" 0 '^~big +100663296~video64k +1536~$' list -nbo name,bytes
t "list's default columns" 0 "^NAME +CMA_AREA +CHUNK_SIZE +ENABLED +BYTES +MAX_BYTES" list
w=$(printf '%s\n' "$out" | awk '{ if (length > w) w = length } END { print w }')
[ "$w" -le 100 ] && ok "... fit 100 columns" || not_ok "... fit 100 columns: $w"
t "areas -o, -n, -b (the last -o counts)" 0 \
	'^~pernuma0 +16777216 +-~pernuma1 +16777216 +-~reserved +67108864 +62914560~$' \
	areas -n -b -o node -o name,size,free
t "areas -o rejects list's columns" 2 "^heapctl: areas: unknown column 'bytes' \\(columns: NAME,NODE,SIZE,FREE\\)" \
	areas -o bytes
t "show takes -p with -j" 0 '^~\{~  "version": 1,' show video64k -p -j
t "show has no -o" 2 "^heapctl: show: unknown option '-o'; see" show -o name video64k
t "-b is not a global option" 2 "^heapctl: unknown option '-b'; see 'heapctl --help'\$" -b list
t "-o needs its columns" 2 "^heapctl: list: option '-o' needs an argument; see 'heapctl list --help'\$" list -o
t "--json takes no value" 2 "^heapctl: list: option '--json' takes no argument; see" list --json=yes

# Sizes are one token, as lsblk prints them.
for sz in "0 0B" "512 512B" "1023 1023B" "1024 1K" "1536 1.5K" "4097 4K" "65536 64K" \
	"100663296 96M" "1610612736 1.5G" "1048575 1M" "1073741824 1G" "1099511627776 1T" \
	"18446744073709551615 16E"; do
	# shellcheck disable=SC2086 # split "BYTES TEXT"
	set -- $sz
	echo "$1" >"$CFS/big/bytes"
	t "$1 bytes are $2" 0 "^big +$2\$" list -n -o name,bytes
done

# Every usage error is one line on stderr, starting with "heapctl:".
for c in list show create enable disable destroy set clear status buffers top areas numa alloc \
	 save restore; do
	out=$("$HEAPCTL" --root "$ROOT" "$c" -Z 2>&1 >/dev/null)
	rc=$?
	if [ $rc = 2 ] && [ "$out" = "heapctl: $c: unknown option '-Z'; see 'heapctl $c --help'" ]; then
		ok "$c -Z is one line"
	else
		not_ok "$c -Z is one line: exit $rc: $out"
	fi
done
for args in "show" "show a b" "alloc x" "alloc x 1M 2M" "top -i" "top -c" "list x" "buffers a b" \
	    "create v --area" "set v --max" "status x"; do
	# shellcheck disable=SC2086
	out=$("$HEAPCTL" --root "$ROOT" $args 2>&1 >/dev/null)
	rc=$?
	case $out in
	heapctl:*"; see 'heapctl ${args%% *} --help'") one=$(printf '%s\n' "$out" | wc -l) ;;
	*) one=0 ;;
	esac
	if [ $rc = 2 ] && [ "$one" = 1 ]; then ok "'$args' is one usage line"; else
		not_ok "'$args' is one usage line: exit $rc: $out"; fi
done

# ---- the JSON schema ----
SCHEMA=$(cd "$(dirname "$0")/../../.." && pwd)/Documentation/heapctl-schema.json
have_schema=$(python3 -c 'import jsonschema' 2>/dev/null && echo yes)
# valid DEF: every line of $out is an object that $defs/DEF of the schema
# accepts.
valid() {
	printf '%s\n' "$out" | python3 -c 'import json, sys, jsonschema
schema = json.load(open(sys.argv[1]))
jsonschema.Draft202012Validator.check_schema(schema)
sub = {k: v for k, v in schema.items() if k != "anyOf"}
sub["$ref"] = "#/$defs/" + sys.argv[2]
v = jsonschema.Draft202012Validator(sub)
lines = [l for l in sys.stdin.read().splitlines() if l.strip()]
if not lines:
    sys.exit("no output")
for l in lines:
    for e in v.iter_errors(json.loads(l)):
        sys.exit("%s: %s" % ("/".join(map(str, e.absolute_path)), e.message))' "$SCHEMA" "$1" 2>&1
}
# tschema DESC DEF ARGS...: heapctl ARGS exits 0 and its JSON is valid.
tschema() {
	desc=$1 def=$2
	shift 2
	out=$("$HEAPCTL" --root "$ROOT" "$@" 2>"$TMP/stderr")
	rc=$?
	if [ -z "$have_schema" ]; then
		ok "$desc # SKIP no python3-jsonschema"
	elif [ $rc -ne 0 ]; then
		not_ok "$desc: exit $rc: $(cat "$TMP/stderr")"
	elif why=$(valid "$def"); then
		ok "$desc"
	else
		not_ok "$desc: $why: $out"
	fi
}
fresh_tree
mkdir -p "$ROOT/sys/module/chunk_heap"
echo "0.5" >"$ROOT/sys/module/chunk_heap/version"
mkheap video64k reserved 4 1 0 default 67108864 1
mkheap big pernuma1 9 0 1073741824
for b in 0 2 4 8 16; do
	mkdir -p "$CFS/video64k/latency_us/$b"
	echo 1 >"$CFS/video64k/latency_us/$b/count"
done
mkdir -p "$ROOT/proc/42/fdinfo" "$ROOT/proc/7/fdinfo"
echo camera >"$ROOT/proc/42/comm"
printf 'pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t4321\nsize:\t65536\ncount:\t1\nexp_name:\tvideo64k\nname:\t<none>\n' \
	>"$ROOT/proc/42/fdinfo/5"
tschema "list -j matches the schema" list list -j
tschema "show -j matches the schema" show show -j video64k
tschema "show -j of a heap without a histogram too" show show -j big
tschema "areas -j matches the schema" areas areas -j
tschema "numa -j matches the schema" numa numa -j
tschema "status -j matches the schema" status status -j
tschema "buffers -j matches the schema" buffers buffers -j
tschema "top -j matches the schema, every line" top top -j -c 2 -i 0.05
rm -rf "$SYS"
tschema "status -j without the module matches the schema" status status -j
if [ -n "$have_schema" ]; then
	out='{"version":1,"heap":"video64k","size":67108864,"count":2,"held":false,"hold_s":null,"verify":true,"chunk_size":65536,"cma_calls":2,"latency_us":{"min":1870.2,"p50":1870.2,"p99":1904.0,"max":1904.0,"mean":1887.1,"each":[1904.0,1870.2]}}'
	if why=$(valid alloc); then ok "the documented alloc -j matches the schema"; else not_ok "alloc schema: $why"; fi
	# The schema notices a renamed, a missing and an extra key.
	for edit in 's/"cma_area"/"area"/' 's/"buffers":[0-9]*,//' 's/"version":1,/"version":1,"x":1,/' \
		    's/"version":1/"version":2/'; do
		out=$("$HEAPCTL" --root "$ROOT" list -j | sed "$edit")
		if valid list >/dev/null; then not_ok "the schema refuses list -j | sed '$edit'"
		else ok "the schema refuses list -j | sed '$edit'"; fi
	done
fi

# ---- status ----
fresh_tree
mkdir -p "$ROOT/sys/module/chunk_heap"
echo 0.5 >"$ROOT/sys/module/chunk_heap/version"
mkheap video64k reserved 4 1 0 default 67108864 1
mkheap big pernuma1 9 0 1073741824 default 2097152 2
echo 8388608 >"$CFS/big/pool_ready"
echo 3 >"$CFS/big/failures"
t "status shows the module's version" 0 "^module_version: +0.5$" status
also "... that it is loaded" "^loaded: +yes$"
also "... every feature of a module without the features file" \
	"^features: +area_sizes per_node_areas numa_policy$"
also "... and none missing" "^missing_features: +none$"
also "... the global policy" "^numa_policy: +off$"
also "... no unit state under --root" "^unit: +-$"
also "... the totals" "~heaps: +2~enabled_heaps: +1~bytes: +66M~buffers: +3~pool_ready: +8M~failures: +3~$"
tj "status -j" '. == {"version": 1, "loaded": true, "module_version": "0.5",
	"features": ["area_sizes", "per_node_areas", "numa_policy"], "missing_features": [],
	"numa_policy": "off", "unit": null, "heaps": 2, "enabled_heaps": 1, "bytes": 69206016,
	"buffers": 3, "pool_ready": 8388608, "failures": 3}' status -j
echo "area_sizes" >"$SYS/features"
t "status says why a feature is missing" 0 \
	"~missing_features: per_node_areas: this kernel does not export the per-node CMA areas to modules \\(cma_for_each_area\\): only off~ +numa_policy: this kernel does not export" status
also "... and lists the features there are" "^features: +area_sizes$"
: >"$SYS/features"
tj "status -j with no features: each missing one with why" \
	'.features == [] and [.missing_features[].feature] == ["area_sizes", "per_node_areas", "numa_policy"]
	 and (.missing_features[0].why | test("cma_get_base"))' status -j
t "... and none in text" 0 "^features: +none$" status
rm -r "$ROOT/sys/module"
tj "status -j: module_version is null without the file" '.module_version == null' status -j
rm -rf "$SYS" "$CFS"
t "status without the module says so, and succeeds" 0 "~loaded: +no~module_version: +-~features: +-~" status
tj "status -j without the module: nulls" '.loaded == false and .heaps == null and .features == null' status -j
t "status takes no argument" 2 "^heapctl: status: unexpected argument 'x'; see" status x

# ---- buffers ----
fresh_tree
mkheap video64k reserved 4 1
mkheap cam reserved 9 1
# fdinfo PID FD HEAP SIZE INO: a dma-buf file descriptor of process PID.
fdinfo() {
	mkdir -p "$ROOT/proc/$1/fdinfo"
	printf 'pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t%s\nsize:\t%s\ncount:\t1\nexp_name:\t%s\nname:\t<none>\n' \
		"$5" "$4" "$3" >"$ROOT/proc/$1/fdinfo/$2"
}
mkdir -p "$ROOT/proc"
t "buffers says when there are none" 0 "^no buffers$" buffers
tj "buffers -j: an empty array" '. == {"version": 1, "buffers": []}' buffers -j
fdinfo 1200 7 video64k 67108864 900
fdinfo 1200 12 cam 2097152 901
fdinfo 31 4 video64k 65536 902
fdinfo 31 5 system 4096 903
echo player >"$ROOT/proc/1200/comm"
echo camerad >"$ROOT/proc/31/comm"
printf 'pos:\t0\nflags:\t02\nmnt_id:\t9\nino:\t77\n' >"$ROOT/proc/31/fdinfo/0"
mkdir -p "$ROOT/proc/999" "$ROOT/proc/self/fdinfo"
: >"$ROOT/proc/888"
t "buffers lists chunk-heap dma-bufs by pid and fd, headed by the JSON keys" 0 \
	"^~PID +COMM +FD +HEAP +SIZE +INODE~31 +camerad +4 +video64k +64K +902~1200 +player +7 +video64k +64M +900~1200 +player +12 +cam +2M +901~$" \
	buffers
tj "buffers -j" '.buffers == [
	{"pid": 31, "comm": "camerad", "fd": 4, "heap": "video64k", "size": 65536, "inode": 902},
	{"pid": 1200, "comm": "player", "fd": 7, "heap": "video64k", "size": 67108864, "inode": 900},
	{"pid": 1200, "comm": "player", "fd": 12, "heap": "cam", "size": 2097152, "inode": 901}]' buffers -j
t "buffers NAME keeps that heap's" 0 "^~PID [^~]*~1200 +player +12 +cam +2M +901~$" buffers cam
t "buffers NAME takes other dma-heaps" 0 "^31 +camerad +5 +system +4K +903$" buffers system
t "buffers -o -n -b" 0 "^~31 +65536~1200 +67108864~1200 +2097152~$" buffers -n -b -o pid,size
chmod 000 "$ROOT/proc/1200/fdinfo"
if ! ls "$ROOT/proc/1200/fdinfo" >/dev/null 2>&1; then
	t "buffers skips a process it cannot read, silently" 0 "^~PID [^~]*~31 [^~]*~$" buffers
fi
chmod 755 "$ROOT/proc/1200/fdinfo"
t "buffers refuses a bad name" 2 "is not a heap name" buffers ../x

# ---- top ----
fresh_tree
mkheap video64k reserved 4 1 0 default 65536 1
mkheap big reserved 9 0
for b in 0 2 4 8 16 32; do
	mkdir -p "$CFS/video64k/latency_us/$b"
	echo 5 >"$CFS/video64k/latency_us/$b/count"
done
t "top -c 2 prints two tables, headed by the JSON keys" 0 \
	"^~NAME +ALLOCS_PER_S +FAILURES_PER_S +BYTES +P50_US +P99_US~big +- +0.0 +0B +- +-~video64k +0.0 +0.0 +64K +- +-~~NAME " \
	top -c 2 -i 0.1
[ "$(lines)" = 7 ] && ok "... and stops" || not_ok "... and stops: $out"
t "top -j: one JSON line per interval" 0 \
	'^~\{"version":1,"time":[0-9]+,"interval_s":0\.[0-9]+,"heaps":\[\{"name":"big",[^~]*~\{"version":1,[^~]*~$' \
	top -j -c 2 -i 0.1
t "top NAME shows that heap only" 0 "^~video64k +0.0 +0.0 +64K +- +-~$" top -n -c 1 -i 0.1 video64k
# Allocations in the interval: 10 in the 16 us bucket, 1 in the 2 us one.
( sleep 0.4; echo 15 >"$CFS/video64k/latency_us/16/count"; echo 6 >"$CFS/video64k/latency_us/2/count"
  echo 2 >"$CFS/video64k/failures" ) &
tj "top -j: rates from the deltas, percentiles as bucket floors" \
	'.heaps[1] | .name == "video64k" and .allocs == 11 and .p50_us == 16 and .p99_us == 16 and
	 .allocs_per_s > 5 and .allocs_per_s < 12 and .failures_per_s > 1' top -j -c 1 -i 1
wait
t "top refuses -i 0" 2 "--interval takes seconds" top -i 0
t "top refuses -i x" 2 "--interval takes seconds" top -i 1x
t "top refuses -c 0" 2 "--count takes 1 to" top -c 0
t "top of a missing heap fails" 1 "no heap of that name" top -c 1 nosuch

# ---- alloc -j (allocation itself is tested in the VM) ----
t "alloc takes -j and -p" 1 "/dev/dma_heap/nosuch: No such file" alloc -j -p nosuch 1M

# ---- save ----
fresh_tree
mkheap video64k reserved 4 1 0 default 67108864 1
mkheap big pernuma1 9 0 1073741824 interleave
echo 4194304 >"$CFS/big/pool_bytes"
echo 2097152 >"$CFS/big/pool_min_bytes"
mkdir "$CFS/blank"
echo 0 >"$CFS/blank/chunk_order"
echo >"$CFS/blank/cma_area"
tj "save writes JSON to stdout" '.numa_policy == "off" and (.heaps | length) == 3' save -
tj "save: each heap has exactly the saved keys, pool_bytes and pool_min_bytes too" \
	'[.heaps[] | select(.name != "blank") | keys_unsorted] | unique ==
	 [["name", "cma_area", "chunk_order", "max_bytes", "pool_bytes", "pool_min_bytes",
	   "numa_policy", "enabled"]]' \
	save -
tj "save: values" '.heaps[0] == {"name": "big", "cma_area": "pernuma1", "chunk_order": 9,
	"max_bytes": 1073741824, "pool_bytes": 4194304, "pool_min_bytes": 2097152,
	"numa_policy": "interleave", "enabled": false}' save -
tj "save: an unset area is null, attributes the module lacks are left out" \
	'.heaps[1] | .cma_area == null and keys_unsorted == ["name", "cma_area", "chunk_order"]' save -
also_err "... each with a note" \
	"^heapctl: note: $CFS/blank/pool_bytes: this module does not have it: skipped$"
also_err "... pool_min_bytes too" \
	"^heapctl: note: $CFS/blank/pool_min_bytes: this module does not have it: skipped$"
t "save FILE writes the file" 0 "" save "$TMP/saved.json"
"$HEAPCTL" --root "$ROOT" save - >"$TMP/stdout.json" 2>/dev/null
check "save FILE and save - give the same JSON" cmp "$TMP/saved.json" "$TMP/stdout.json"
t "save names a file it cannot write" 1 "$TMP/nodir/x.json: No such file or directory" \
	save "$TMP/nodir/x.json"
t "save takes one file" 2 "^heapctl: save: unexpected argument 'b'; see 'heapctl save --help'\$" save a b
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
tj "save without the global policy file leaves it out" 'has("numa_policy") | not' save -
also_err "... with a note" "^heapctl: note: $SYS/numa_policy: this module does not have it: skipped$"
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
t "restore takes one file" 2 "^heapctl: restore: unexpected argument 'b'; see" restore a b
t "restore refuses an unknown option" 2 "^heapctl: restore: unknown option '--frob'; see" restore --frob x
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

# ---- save and restore: every writable attribute ----
fresh_tree
mkheap rt reserved 5 1 8388608 local
echo 2097152 >"$CFS/rt/pool_bytes"
echo 1048576 >"$CFS/rt/pool_min_bytes"
mkheap rt2 pernuma0 2 0 4096 interleave
echo 65536 >"$CFS/rt2/pool_bytes"
echo "off local [bind] interleave" >"$SYS/numa_policy"
# attrs: every writable attribute file, the policies as their word.
attrs() {
	for h in rt rt2; do
		for f in cma_area chunk_order max_bytes pool_bytes pool_min_bytes numa_policy enable; do
			echo "$h/$f=$(sed 's/.*\[\(.*\)\].*/\1/' "$CFS/$h/$f")"
		done
	done
	echo "numa_policy=$(sed 's/.*\[\(.*\)\].*/\1/' "$SYS/numa_policy")"
}
attrs >"$TMP/attrs.before"
tj "save carries every writable attribute" '.numa_policy == "bind" and .heaps == [
	{"name": "rt", "cma_area": "reserved", "chunk_order": 5, "max_bytes": 8388608,
	 "pool_bytes": 2097152, "pool_min_bytes": 1048576, "numa_policy": "local",
	 "enabled": true},
	{"name": "rt2", "cma_area": "pernuma0", "chunk_order": 2, "max_bytes": 4096,
	 "pool_bytes": 65536, "pool_min_bytes": 0, "numa_policy": "interleave",
	 "enabled": false}]' save -
"$HEAPCTL" --root "$ROOT" save "$J"
rm -rf "${CFS:?}"/*
echo "[off] local bind interleave" >"$SYS/numa_policy"
: >"$LOG"
tf "restore onto a fresh tree makes them all" 0 "~numa_policy: set to bind~rt: created~rt2: created~$" \
	restore "$J"
attrs >"$TMP/attrs.after"
check "... and every attribute file is as it was" cmp "$TMP/attrs.before" "$TMP/attrs.after"
log_is "... the floor and the pool after the area, and enable last" "chunk_heap/numa_policy=bind
rt/chunk_order=5
rt/cma_area=reserved
rt/max_bytes=8388608
rt/numa_policy=local
rt/pool_min_bytes=1048576
rt/pool_bytes=2097152
rt/enable=1
rt2/chunk_order=2
rt2/cma_area=pernuma0
rt2/max_bytes=4096
rt2/numa_policy=interleave
rt2/pool_bytes=65536"
tf "restoring again changes nothing" 0 "~numa_policy: unchanged \\(bind\\)~rt: unchanged~rt2: unchanged~$" \
	restore "$J"
echo 0 >"$CFS/rt/pool_bytes"
tf "restore --dry-run reports a pool change" 0 "^rt: would be rewritten \\(pool_bytes is 0, saved 2097152\\)$" \
	restore --force --dry-run "$J"
tf "restore without --force refuses it" 1 "heap rt exists with other settings \\(pool_bytes is 0, saved 2097152\\)" \
	restore "$J"
: >"$LOG"
tf "restore --force sets the pool in place" 0 "^rt: rewritten \\(pool_bytes is 0, saved 2097152\\)$" \
	restore --force "$J"
log_is "... without disabling the heap" "rt/pool_bytes=2097152"
echo 0 >"$CFS/rt/pool_min_bytes"
tf "restore --dry-run reports a pool floor change" 0 \
	"^rt: would be rewritten \\(pool_min_bytes is 0, saved 1048576\\)$" \
	restore --force --dry-run "$J"
log_is "... and writes nothing" ""
tf "restore without --force refuses it too" 1 \
	"heap rt exists with other settings \\(pool_min_bytes is 0, saved 1048576\\)" restore "$J"
tf "restore --force sets the floor in place" 0 "^rt: rewritten \\(pool_min_bytes is 0, saved 1048576\\)$" \
	restore --force "$J"
log_is "... without disabling the heap, nor touching the pool" "rt/pool_min_bytes=1048576"
# A new floor and a larger pool on a disabled heap: floor, pool, enable.
echo 0 >"$CFS/rt/enable"
echo 0 >"$CFS/rt/pool_bytes"
echo 0 >"$CFS/rt/pool_min_bytes"
tf "restore --force writes the floor before the pool and enable" 0 \
	"^rt: rewritten \\(pool_bytes is 0, saved 2097152; pool_min_bytes is 0, saved 1048576; enabled is false, saved true\\)$" \
	restore --force "$J"
log_is "... in that order" "rt/pool_min_bytes=1048576
rt/pool_bytes=2097152
rt/enable=1"
# A smaller pool is written before the area and order change, while they
# still hold it.
json_edit '.heaps[0].cma_area = "pernuma1" | .heaps[0].pool_bytes = 65536' "$J" "$J.shrink" \
	'd["heaps"][0]["cma_area"] = "pernuma1"; d["heaps"][0]["pool_bytes"] = 65536'
tf "restore --force shrinks a pool before moving the heap" 0 "^rt: rewritten" restore --force "$J.shrink"
log_is "... pool first" "rt/pool_bytes=65536
rt/enable=0
rt/cma_area=pernuma1
rt/enable=1"
json_edit '.heaps[0].pool_bytes = 32768 | .heaps[0].pool_min_bytes = 16384' "$J.shrink" \
	"$J.shrink2" 'd["heaps"][0]["pool_bytes"] = 32768; d["heaps"][0]["pool_min_bytes"] = 16384'
tf "restore --force shrinks the pool and its floor" 0 \
	"^rt: rewritten \\(pool_bytes is 65536, saved 32768; pool_min_bytes is 1048576, saved 16384\\)$" \
	restore --force "$J.shrink2"
log_is "... the floor just before the pool" "rt/pool_min_bytes=16384
rt/pool_bytes=32768"
echo '{"version": 1, "heaps": [{"name": "p", "cma_area": "reserved", "chunk_order": 0,
	"pool_bytes": 65536}]}' >"$J.pool"
tf "restore takes pool_bytes" 0 "^p: created$" restore "$J.pool"
file_is "... and sets it" "$CFS/p/pool_bytes" 65536
echo '{"version": 1, "heaps": [{"name": "p", "pool_bytes": -1}]}' >"$J.bad"
t "restore refuses a negative pool_bytes" 1 "pool_bytes must be a number of bytes" restore "$J.bad"
echo '{"version": 1, "heaps": [{"name": "p", "pool_min_bytes": "1M"}]}' >"$J.bad"
t "restore refuses a pool_min_bytes that is not a number" 1 \
	"heaps\\[0\\] \\(p\\): pool_min_bytes: pool_min_bytes must be a number of bytes" restore "$J.bad"
echo '{"version": 1, "heaps": [{"name": "p", "pool_min_bytes": -1}]}' >"$J.bad"
t "... or is negative" 1 "pool_min_bytes must be a number of bytes" restore "$J.bad"
echo '{"version": 1, "heaps": [{"name": "pm", "cma_area": "reserved", "chunk_order": 0,
	"pool_bytes": 65536, "pool_min_bytes": 131072}]}' >"$J.min"
tf "restore takes pool_min_bytes, above the pool too" 0 "^pm: created$" restore "$J.min"
file_is "... and sets it" "$CFS/pm/pool_min_bytes" 131072
tj "... which save writes back" '.heaps[] | select(.name == "pm") | .pool_min_bytes == 131072' save -
rm -rf "$CFS/pm"
# A version-1 file from before pool_bytes: the pool is left as it is.
echo '{"version": 1, "heaps": [{"name": "p", "cma_area": "reserved", "chunk_order": 0}]}' >"$J.old"
tf "a file without pool_bytes still restores, leaving the pool" 0 "^p: unchanged$" restore "$J.old"
file_is "... as it was" "$CFS/p/pool_bytes" 65536

# An older module without pool_bytes: skipped with a note, not an error.
rm "$CFS/p/pool_bytes"
echo 0 >"$CFS/p/max_bytes"
json_edit '.heaps[0].max_bytes = 4096' "$J.pool" "$J.pool2" 'd["heaps"][0]["max_bytes"] = 4096'
tf "restore skips an attribute the heap lacks, with a note" 0 \
	"~heapctl: note: $CFS/p/pool_bytes: this module does not have it: skipped~p: rewritten \\(max_bytes is 0, saved 4096\\)~$" \
	restore --force "$J.pool2"
rm -rf "$CFS/p"
HEAPCTL_TEST_NO_ATTRS=pool_bytes
export HEAPCTL_TEST_NO_ATTRS
tf "... and one a new heap lacks" 0 \
	"~heapctl: note: $CFS/p/pool_bytes: this module does not have it: skipped~p: created~$" \
	restore "$J.pool"
tf "save leaves it out, with a note" 0 "note: $CFS/p/pool_bytes: this module does not have it: skipped" \
	save "$TMP/p.json"
unset HEAPCTL_TEST_NO_ATTRS
check "... so the file has pool_bytes for rt and rt2, not p" \
	sh -c "[ \$(grep -c pool_bytes '$TMP/p.json') -eq 2 ]"
# An older module without pool_min_bytes, and a file that has it.
rm -rf "$CFS/p"
echo '{"version": 1, "heaps": [{"name": "p", "cma_area": "reserved", "chunk_order": 0,
	"pool_bytes": 65536, "pool_min_bytes": 32768}]}' >"$J.min2"
HEAPCTL_TEST_NO_ATTRS=pool_min_bytes
export HEAPCTL_TEST_NO_ATTRS
: >"$LOG"
tf "restore skips a pool_min_bytes the new heap lacks, with a note" 0 \
	"~heapctl: note: $CFS/p/pool_min_bytes: this module does not have it: skipped~p: created~$" \
	restore "$J.min2"
log_is "... writing the rest" "p/cma_area=reserved
p/pool_bytes=65536"
check "... and no pool_min_bytes file" test ! -e "$CFS/p/pool_min_bytes"
tf "... and the same on an existing heap, which is then unchanged" 0 \
	"~heapctl: note: $CFS/p/pool_min_bytes: this module does not have it: skipped~p: unchanged~$" \
	restore "$J.min2"
tf "restore --dry-run notes it too" 0 \
	"~heapctl: note: $CFS/p/pool_min_bytes: this module does not have it: skipped~p: unchanged~$" \
	restore --dry-run "$J.min2"
tf "save leaves pool_min_bytes out, with a note" 0 \
	"note: $CFS/p/pool_min_bytes: this module does not have it: skipped" save "$TMP/pm.json"
unset HEAPCTL_TEST_NO_ATTRS
check "... so p has pool_bytes but no pool_min_bytes" python3 -c 'import json, sys
h = [h for h in json.load(open(sys.argv[1]))["heaps"] if h["name"] == "p"][0]
sys.exit(not ("pool_bytes" in h and "pool_min_bytes" not in h))' "$TMP/pm.json"
# A policy the kernel refuses (a stock kernel): a note, not an error.
rm -rf "${CFS:?}"/*
echo "[off] local bind interleave" >"$SYS/numa_policy"
inject rt/numa_policy:EOPNOTSUPP "restore skips a heap policy the kernel refuses" 0 \
	"~heapctl: note: $CFS/rt/numa_policy: local refused \\(this kernel does not export.*\\): skipped~" \
	restore "$J"
also "... and makes the heap" "^rt: created$"
file_is "... enabled" "$CFS/rt/enable" 1
rm -rf "${CFS:?}"/*
echo "[off] local bind interleave" >"$SYS/numa_policy"
inject chunk_heap/numa_policy:EOPNOTSUPP "... and a global policy" 0 \
	"~heapctl: note: $SYS/numa_policy: bind refused .*: skipped~rt: created~" restore "$J"
echo "[default] off local bind interleave" >"$CFS/rt/numa_policy"
inject rt/numa_policy:EINVAL "another error still fails" 1 "rt/numa_policy: Invalid argument" \
	restore --force "$J"

# ---- restore --record, clear --recorded (chunk-heap.service) ----
fresh_tree
mkdir -p "$ROOT/run"
ST=$ROOT/run/chunk_heap/unit-heaps
mkheap manual reserved 0 1
echo '{"version": 1, "heaps": [
	{"name": "a", "cma_area": "reserved", "chunk_order": 0, "enabled": true},
	{"name": "b", "cma_area": "reserved", "chunk_order": 4, "enabled": true}]}' >"$J"
tf "restore --record makes the heaps" 0 "~a: created~b: created~$" restore --record "$ST" "$J"
file_is "... and records them, in a new directory" "$ST" "$(printf 'a\nb')"
tf "restore --record again changes nothing" 0 "~a: unchanged~b: unchanged~$" restore --record "$ST" "$J"
file_is "... and keeps the record" "$ST" "$(printf 'a\nb')"
echo '{"version": 1, "heaps": [
	{"name": "b", "cma_area": "reserved", "chunk_order": 4, "max_bytes": 4096, "enabled": true},
	{"name": "c", "cma_area": "reserved", "chunk_order": 0},
	{"name": "manual", "cma_area": "reserved", "chunk_order": 0, "enabled": true}]}' >"$J.edit"
echo 2 >"$CFS/a/buffers"
echo 1 >"$CFS/b/buffers"
tf "restore --dry-run --record says what it would remove" 0 \
	"~a: would be destroyed \\(recorded, no longer named\\)~b: would be rewritten \\(max_bytes is 0, saved 4096\\)~c: would be created~manual: unchanged~$" \
	restore --force --dry-run --record "$ST" "$J.edit"
file_is "... and changes no record" "$ST" "$(printf 'a\nb')"
: >"$LOG"
tf "restore --force --record applies an edited file (a reload)" 0 \
	"~a: destroyed \\(recorded, no longer named\\)~2 live buffers keep their chunks until they are released~b: rewritten \\(max_bytes is 0, saved 4096\\)~c: created~manual: unchanged~$" \
	restore --force --record "$ST" "$J.edit"
log_is "... rewriting b in place, not disabled" "b/max_bytes=4096
c/cma_area=reserved"
file_is "... its live buffer counted still" "$CFS/b/buffers" 1
file_is "... and records b and c, not the hand-made heap it names" "$ST" "$(printf 'b\nc')"
check "... which it left" test -d "$CFS/manual"
mkheap byhand reserved 0 1
tf "clear --recorded removes only the recorded heaps" 0 "~destroyed b~destroyed c~1 live buffers" \
	clear --recorded "$ST"
check "... not the hand-made ones" test -d "$CFS/manual" -a -d "$CFS/byhand"
check "... and removes the empty record" test ! -e "$ST"
tf "clear --recorded without a record removes nothing" 0 "^$" clear --recorded "$ST"
check "... still" test -d "$CFS/manual" -a -d "$CFS/byhand"
printf 'manual\n../x\n' >"$ST"
t "clear --recorded refuses a file that is not a record" 1 "unit-heaps: line 2: not a heap name" \
	clear --recorded "$ST"
check "... removing nothing" test -d "$CFS/manual"
printf 'gone\nmanual\n' >"$ST"
mkdir "$CFS/empty"
printf 'empty\ngone\nmanual\n' >"$ST"
t "clear --recorded goes past a heap it cannot remove" 1 "manual: Directory not empty.*~destroyed empty" \
	clear --recorded "$ST"
file_is "... and keeps only that one recorded" "$ST" manual
rm "$ST"
rm -rf "${CFS:?}"/*
inject b/enable:EEXIST "restore --record that fails part-way" 1 "restore stopped: applied: a; failed: b" \
	restore --record "$ST" "$J"
file_is "... records what it made" "$ST" a
tf "a unit restart (clear --recorded, restore --record)" 0 "destroyed a" clear --recorded "$ST"
tf "... makes them again" 0 "~a: created~b: created~$" restore --record "$ST" "$J"
t "restore --record takes a file" 2 "heapctl:? restore" restore "$J" --record
t "clear --recorded takes a file" 2 "heapctl:? clear" clear --recorded
t "clear --recorded takes no other argument" 2 "heapctl:? clear" clear --recorded "$ST" x

# ---- bash completion ----
COMPLETION=$(cd "$(dirname "$0")/../dist" && pwd)/heapctl.bash
# comp WORD...: what _heapctl offers for the last WORD, sorted, on one
# line; _init_completion and _filedir are stubs (bash-completion not needed).
comp() {
	bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}") cword=$COMP_CWORD
			cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
		}
		_filedir() { COMPREPLY=("<files${1:+ $1}>"); }
		. "$0"
		COMP_WORDS=(heapctl "$@") COMP_CWORD=$#
		_heapctl
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' "$COMPLETION" "$@"
}
# comp_is DESC WANT WORD...
comp_is() {
	desc=$1 want=$2
	shift 2
	got=$(comp "$@" 2>&1)
	if [ "$got" = "$want" ]; then ok "$desc"; else not_ok "$desc: want '$want', got '$got'"; fi
}
fresh_tree
mkheap video64k reserved 4 1
mkheap cam reserved 0 1
touch "$ROOT/dev/dma_heap/video64k" "$ROOT/dev/dma_heap/system"
if command -v bash >/dev/null; then
	comp_is "completion: commands" "restore " res
	comp_is "completion: heaps under --root" "--help --json --pretty cam video64k " --root "$ROOT" show ""
	comp_is "... under -r" "--help cam video64k " -r "$ROOT" destroy ""
	comp_is "... under --root=DIR" "cam " --root="$ROOT" enable c
	HEAPCTL_ROOT=$ROOT comp_is "... under \$HEAPCTL_ROOT" "--help cam video64k " disable ""
	HEAPCTL_ROOT=$TMP/none comp_is "... --root before \$HEAPCTL_ROOT" "--help cam video64k " \
		--root "$ROOT" disable ""
	unset HEAPCTL_ROOT
	comp_is "completion: areas under --root" "pernuma0 pernuma1 reserved " \
		--root "$ROOT" create x --area ""
	comp_is "completion: devices under --root" "--count --help --hold --json --verify system video64k " \
		--root "$ROOT" alloc ""
	comp_is "... not after NAME" "--count --help --hold --json --verify " --root "$ROOT" alloc cam ""
	comp_is "completion: no second NAME after show NAME" "--help --json --pretty " \
		--root "$ROOT" show video64k ""
	comp_is "... nor after destroy NAME" "--help " --root "$ROOT" destroy video64k ""
	comp_is "... nor after set NAME --max SIZE" "--help --max --numa-policy --pool --pool-min " \
		--root "$ROOT" set video64k --max 1M ""
	comp_is "... but after set --max SIZE, a NAME" \
		"--help --max --numa-policy --pool --pool-min cam video64k " --root "$ROOT" set --max 1M ""
	comp_is "completion: set offers --pool-min" "--pool --pool-min " set cam --po
	comp_is "... and takes a SIZE after it, not a NAME" " " --root "$ROOT" set --pool-min ""
	comp_is "... nor after -M" " " --root "$ROOT" set -M ""
	comp_is "... and a NAME after its SIZE" "--help --max --numa-policy --pool --pool-min cam video64k " \
		--root "$ROOT" set -M 4M ""
	comp_is "completion: restore --record" "--dry-run --force --help --record " restore -
	comp_is "completion: clear --recorded" "--help --recorded " clear -
	comp_is "completion: a policy" "interleave " set cam -p in
	comp_is "completion: the read commands" "buffers " buf
	comp_is "... status and its options" "--help --json --pretty " status -
	comp_is "... top takes any number of heaps" "cam " --root "$ROOT" top video64k c
	comp_is "... buffers one" "--bytes --help --json --noheadings --output --pretty " \
		--root "$ROOT" buffers cam ""
	PATH=$(dirname "$HEAPCTL"):$PATH comp_is "completion: list -o offers list's columns" \
		"max_bytes " list -o max_
	PATH=$(dirname "$HEAPCTL"):$PATH comp_is "... after a comma too" "free " areas -o name,fr
	comp_is "... and create -o is still the order" " " create x -o ""
else
	ok "bash completion # SKIP no bash"
fi

echo "1..$n"
