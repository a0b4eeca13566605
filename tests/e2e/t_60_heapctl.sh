# SPDX-License-Identifier: GPL-2.0
# heapctl against the real module: every command with its real effect on
# configfs, sysfs, debugfs and /dev/dma_heap, its exact output and exit
# status. tools/heapctl/tests checks the same commands on a fake tree; only
# here does the kernel answer. Heaps: hcvid (reserved, 64 KiB chunks, quota,
# numa_policy local) and hccam (pernuma1, 2 MiB chunks). The guest's areas:
# pernuma0 (node 0) and pernuma1 (node 1), 64 MiB each, reserved (node 1),
# 384 MiB; CPU 0 is on node 0, CPU 1 on node 1. The arm64 guest also has a
# devicetree region, "video" (t_57_dtregion), which no heap here uses and
# which heapctl lists after reserved.
G=/sys/kernel/chunk_heap
V=$CFS/hcvid
C=$CFS/hccam
J=/tmp/hc.json

# hc_run CMD...: what CMD prints on standard output, then each line it
# prints on standard error marked "E: ", then "rc=" and its exit status;
# the per-node areas named as on 6.x (node_names), as the checks name them.
hc_run() {
	"$@" >/tmp/hc.out 2>/tmp/hc.err
	_hc_rc=$?
	hc_nolat </tmp/hc.out | node_names
	node_names /tmp/hc.err | sed 's/^/E: /'
	echo "rc=$_hc_rc"
}

# hc_nolat: show's output without the latency buckets, which depend on
# how long each allocation took (t_45 checks them): the text keeps the
# "latency:" line, the JSON loses the "latency" array.
hc_nolat() {
	sed -e '/^latency:/,$ { /^  [0-9]* us  /d }' -e '/^  "latency": \[/,/^  \]/d'
}

# hc_timed CMD...: hc_run, with every latency ("1.234 ms") written "T ms".
hc_timed() {
	hc_run "$@" | sed -E 's/[0-9]+\.[0-9]+ ms/T ms/g'
}

# hc_sed SCRIPT CMD...: hc_run CMD, only the lines "sed -n SCRIPT" prints.
hc_sed() {
	_hc_s=$1
	shift
	hc_run "$@" | sed -n "$_hc_s"
}

# hc_size BYTES: a size as heapctl prints it, one token as lsblk's: "64K",
# "0B", "60.5M" (binary units, one decimal when it is not 0).
hc_size() {
	awk -v b="$1" 'BEGIN {
		u = "BKMGTPE"; i = 0; w = b; p = 1
		while (w >= 1024 && i < 6) { w = int(w / 1024); p *= 1024; i++ }
		d = i ? int(((b - w * p) * 10 + p / 2) / p) : 0
		if (d == 10) { w++; d = 0; if (w == 1024 && i < 6) { w = 1; i++ } }
		printf "%d%s%s\n", w, d ? "." d : "", substr(u, i + 1, 1)
	}'
}

# hc_areas R P0 P1, hc_areas_json R P0 P1: "heapctl areas" and "areas -j"
# as they must read when reserved, pernuma0 and pernuma1 have R, P0 and P1
# free pages.
hc_areas() {
	echo "NAME      NODE  SIZE  FREE"
	printf '%-8s  %-4s  %-4s  %s\n' \
		pernuma0 0 "64M" "$(hc_size $(($2 * PAGE_SIZE)))" \
		pernuma1 1 "64M" "$(hc_size $(($3 * PAGE_SIZE)))" \
		reserved 1 "384M" "$(hc_size $(($1 * PAGE_SIZE)))"
	for _a in $(dt_regions); do
		printf '%-8s  %-4s  %-4s  %s\n' "$_a" "$(cat "$G/areas/$_a/node")" \
			"$(hc_size "$(cat "$G/areas/$_a/size")")" \
			"$(hc_size $(($(area_free "$_a") * PAGE_SIZE)))"
	done
}

hc_areas_json() {
	cat <<EOF
{
  "version": 1,
  "areas": [
    {
      "name": "pernuma0",
      "node": 0,
      "size": 67108864,
      "free": $(($2 * PAGE_SIZE))
    },
    {
      "name": "pernuma1",
      "node": 1,
      "size": 67108864,
      "free": $(($3 * PAGE_SIZE))
    },
    {
      "name": "reserved",
      "node": 1,
      "size": 402653184,
      "free": $(($1 * PAGE_SIZE))
    }$(hc_dt_json)
  ]
}
EOF
}

# hc_dt_json: the devicetree regions' entries of "heapctl areas -j", each
# after a comma.
hc_dt_json() {
	for _a in $(dt_regions); do
		printf ',\n    {\n      "name": "%s",\n      "node": %s,\n      "size": %s,\n      "free": %s\n    }' \
			"$_a" "$(cat "$G/areas/$_a/node")" "$(cat "$G/areas/$_a/size")" \
			$(($(area_free "$_a") * PAGE_SIZE))
	done
}

# hc_dt_bytes, hc_dt_bytes_json: the devicetree regions' lines of "heapctl
# show" and entries of "show -j" in area_bytes, where no heap here has a
# byte; each after a newline, or after a comma and a newline.
hc_dt_bytes() {
	for _a in $(dt_regions); do
		printf '\n  %-16s 0B' "$_a"
	done
}

hc_dt_bytes_json() {
	for _a in $(dt_regions); do
		printf ',\n    {\n      "area": "%s",\n      "bytes": 0\n    }' "$_a"
	done
}

# cmdline_cma: the kernel's CMA areas less the devicetree regions.
cmdline_cma() {
	ls /sys/kernel/mm/cma | no_dt_regions
}

# hc_attrs DIR: a heap's configuration attributes, one line (node_names).
hc_attrs() {
	echo $(cat "$1/cma_area" "$1/chunk_order" "$1/chunk_size" "$1/max_bytes") \
		"$(cat "$1/numa_policy")" $(cat "$1/enable") "$(cat "$1/device")" | node_names
}

# hc_names CMD...: what CMD prints, the per-node areas named as on 6.x.
hc_names() {
	"$@" | node_names
}

# --- the starting point ---------------------------------------------------
expect "no heap directory is left by the earlier tests" "" ls "$CFS"
expect "the global numa_policy is off" "[off] local bind interleave" cat "$G/numa_policy"
expect "the guest has the three CMA areas heapctl is checked against" \
	"pernuma0 0 67108864
pernuma1 1 67108864
reserved 1 402653184" hc_names cmdline_areas
expect "... which are the kernel's areas too" "pernuma0
pernuma1
reserved" hc_names cmdline_cma
free0=$(free_all)
set -- $free0
r0=$1 p00=$2 p10=$3
rdev=$(stat -c %t:%T /dev/dma_heap/reserved)
sdev=$(stat -c %t:%T /dev/dma_heap/system)

expect "heapctl list: no heaps" "no heaps
rc=0" hc_run heapctl list
expect "heapctl list -j: an empty array" '{
  "version": 1,
  "heaps": [
  ]
}
rc=0' hc_run heapctl list -j -p

# --- create -----------------------------------------------------------------
expect "heapctl create with every option makes an enabled heap" \
	"created hcvid: 64K chunks (order 4) from reserved, enabled
rc=0" hc_run heapctl create hcvid --area reserved --chunk-size 64K --max 16M \
	--numa-policy local --enable
expect "... whose attributes read as asked" \
	"reserved 4 65536 16777216 default off [local] bind interleave 1 /dev/dma_heap/hcvid" \
	hc_attrs "$V"
check "... and /dev/dma_heap/hcvid appears" test -c /dev/dma_heap/hcvid
expect "... which allocates" OK chtest alloc hcvid 65536
expect "... in one cma_alloc call" 1 cat "$V/cma_calls"
expect "heapctl create with short options makes a disabled heap" \
	"created hccam: 2M chunks (order 9) from pernuma1, disabled
rc=0" hc_run heapctl create hccam -a "$NODE_AREA1" -o 9
expect "... whose attributes read as asked, with the defaults" \
	"pernuma1 9 2097152 0 [default] off local bind interleave 0 " hc_attrs "$C"
check "... and no /dev/dma_heap/hccam" test ! -e /dev/dma_heap/hccam

expect "heapctl alloc works on any dma-buf heap: the kernel's system heap" \
	"allocated 1 x 64K from system: T ms each (best T ms)
verify: zeroed, pattern written and read back
rc=0" hc_timed heapctl alloc system 64K --verify

# --- list and show ----------------------------------------------------------
expect "heapctl list: both heaps, sorted, columns aligned" \
	"NAME   CMA_AREA  CHUNK_SIZE  ENABLED  BYTES  MAX_BYTES  BUFFERS  POOL_READY  FAILURES
hccam  pernuma1  2M          no       0B     unlimited  0        0B          0
hcvid  reserved  64K         yes      0B     16M        0        0B          0
rc=0" hc_run heapctl list
expect "heapctl list -j: both heaps with every field" '{
  "version": 1,
  "heaps": [
    {
      "name": "hccam",
      "cma_area": "pernuma1",
      "chunk_order": 9,
      "chunk_size": 2097152,
      "max_bytes": 0,
      "enabled": false,
      "bytes": 0,
      "buffers": 0,
      "failures": 0,
      "pool_ready": 0
    },
    {
      "name": "hcvid",
      "cma_area": "reserved",
      "chunk_order": 4,
      "chunk_size": 65536,
      "max_bytes": 16777216,
      "enabled": true,
      "bytes": 0,
      "buffers": 0,
      "failures": 0,
      "pool_ready": 0
    }
  ]
}
rc=0' hc_run heapctl list -j -p
expect "heapctl show: every attribute of the enabled heap" \
	"name:           hcvid
cma_area:       reserved
chunk_order:    4
chunk_size:     64K
max_bytes:      16M
pool_bytes:     none
pool_min_bytes: none
numa_policy:    local
enabled:        yes
device:         /dev/dma_heap/hcvid
bytes:          0B
buffers:        0
peak:           64K
failures:       0
cma_calls:      1
cma_failures:   0
pool_ready:     0B
pool_hits:      0
pool_misses:    0
pool_refills:   0
pool_shrunk:    0B
held_bytes:     0B
area_bytes:
  pernuma0         0B
  pernuma1         0B
  reserved         0B$(hc_dt_bytes)
node_bytes:
  node 0           0B
  node 1           0B
latency:
rc=0" hc_run heapctl show hcvid
expect "heapctl show -j: the disabled heap, device null" '{
  "version": 1,
  "name": "hccam",
  "cma_area": "pernuma1",
  "chunk_order": 9,
  "chunk_size": 2097152,
  "max_bytes": 0,
  "pool_bytes": 0,
  "pool_min_bytes": 0,
  "numa_policy": "default",
  "enabled": false,
  "device": null,
  "bytes": 0,
  "buffers": 0,
  "peak": 0,
  "failures": 0,
  "cma_calls": 0,
  "cma_failures": 0,
  "pool_ready": 0,
  "pool_hits": 0,
  "pool_misses": 0,
  "pool_refills": 0,
  "pool_shrunk": 0,
  "held_bytes": 0,
  "area_bytes": [
    {
      "area": "pernuma0",
      "bytes": 0
    },
    {
      "area": "pernuma1",
      "bytes": 0
    },
    {
      "area": "reserved",
      "bytes": 0
    }'"$(hc_dt_bytes_json)"'
  ],
  "node_bytes": [
    {
      "node": 0,
      "bytes": 0
    },
    {
      "node": 1,
      "bytes": 0
    }
  ],
}
rc=0' hc_run heapctl show -j -p hccam
expect "heapctl show: the disabled heap's device is -" "enabled:        no
device:         -" sh -c "heapctl show hccam | grep -E '^(enabled|device):'"

# A live 1 MiB buffer on CPU 1: local takes it from pernuma1.
hold A hcvid 1048576 1
expect "a 1 MiB buffer of hcvid is held on CPU 1" HELD bg_first A
expect "heapctl show: the live buffer in the counters and the split" \
	"bytes:          1M
buffers:        1
peak:           1M
failures:       0
cma_calls:      2
cma_failures:   0
pool_ready:     0B
pool_hits:      0
pool_misses:    0
pool_refills:   0
pool_shrunk:    0B
held_bytes:     0B
area_bytes:
  pernuma0         0B
  pernuma1         1M
  reserved         0B$(hc_dt_bytes)
node_bytes:
  node 0           0B
  node 1           1M
latency:
rc=0" hc_sed '11,$p' heapctl show hcvid
expect "heapctl show -j: the same in JSON" '  "bytes": 1048576,
  "buffers": 1,
  "peak": 1048576,
  "failures": 0,
  "cma_calls": 2,
  "cma_failures": 0,
  "pool_ready": 0,
  "pool_hits": 0,
  "pool_misses": 0,
  "pool_refills": 0,
  "pool_shrunk": 0,
  "held_bytes": 0,
  "area_bytes": [
    {
      "area": "pernuma0",
      "bytes": 0
    },
    {
      "area": "pernuma1",
      "bytes": 1048576
    },' hc_sed 13,33p heapctl show -j -p hcvid
expect "heapctl list: the live buffer" \
	"NAME   CMA_AREA  CHUNK_SIZE  ENABLED  BYTES  MAX_BYTES  BUFFERS  POOL_READY  FAILURES
hccam  pernuma1  2M          no       0B     unlimited  0        0B          0
hcvid  reserved  64K         yes      1M     16M        1        0B          0
rc=0" hc_run heapctl list
check "heapctl list -j: the live buffer's bytes" \
	sh -c "heapctl -p list -j | grep -qx '      \"bytes\": 1048576,'"
check "heapctl list -j is one line, with a version" \
	sh -c "heapctl list -j | grep -qE '^\{\"version\":1,\"heaps\":\[.*\"bytes\":1048576,.*\]\}\$'"
expect "heapctl buffers: the held buffer, by its holder" "chtest hcvid 1M" \
	sh -c "heapctl buffers -n -o comm,heap,size | tr -s ' '"
expect "heapctl buffers -j: its size and inode" "1048576 yes" \
	sh -c "heapctl buffers -j | sed -nE 's/.*\"size\":([0-9]+),\"inode\":[0-9]+.*/\\1 yes/p'"
expect "heapctl status: the module's version and the totals" "module_version:   0.5
heaps:            2
enabled_heaps:    1
bytes:            1M
buffers:          1" sh -c "heapctl status | grep -E '^(module_version|heaps|enabled_heaps|bytes|buffers):'"
check "heapctl -j status: one line" \
	sh -c "heapctl -j status | grep -qE '^\{\"version\":1,\"loaded\":true,\"module_version\":\"0.5\",.*\"heaps\":2,'"
check "heapctl alloc -j: one JSON object with the latency" \
	sh -c "heapctl alloc -j hcvid 64K --count 3 | grep -qE '^\{\"version\":1,\"heap\":\"hcvid\",\"size\":65536,\"count\":3,\"held\":false,\"hold_s\":null,\"verify\":false,\"chunk_size\":65536,\"cma_calls\":3,\"latency_us\":\{\"min\":[0-9.]+,\"p50\":[0-9.]+,\"p99\":[0-9.]+,\"max\":[0-9.]+,\"mean\":[0-9.]+,\"each\":\[[0-9.]+,[0-9.]+,[0-9.]+\]\}\}\$'"
expect "heapctl top: the three allocations in hcvid's row" "hcvid 3" \
	sh -c "(sleep 0.5; heapctl alloc hcvid 64K --count 3 >/dev/null) & heapctl top -n -c 1 -i 1.5 -o name,allocs hcvid | tr -s ' '; wait"

# --- areas ------------------------------------------------------------------
expect "heapctl areas: pernuma1 lends the live buffer's 256 pages" \
	"$(hc_areas "$r0" "$p00" $((p10 - 256)))
rc=0" hc_run heapctl areas
expect "heapctl areas -j: the same in JSON" \
	"$(hc_areas_json "$r0" "$p00" $((p10 - 256)))
rc=0" hc_run heapctl areas -j -p
expect "the held buffer is intact" OK bg_finish A
expect "heapctl areas: every page back once it is released" "$(hc_areas $free0)
rc=0" hc_run heapctl areas
expect "heapctl areas -j: every page back" "$(hc_areas_json $free0)
rc=0" hc_run heapctl areas -j -p
expect "heapctl areas x: a usage error, in one line" \
	"E: heapctl: areas: unexpected argument 'x'; see 'heapctl areas --help'
rc=2" hc_run heapctl areas x

# --- enable and disable -----------------------------------------------------
expect "heapctl disable" "hcvid: disabled
rc=0" hc_run heapctl disable hcvid
expect "... writes enable 0, device empties" \
	"reserved 4 65536 16777216 default off [local] bind interleave 0 " hc_attrs "$V"
check "... the device node stays" test -c /dev/dma_heap/hcvid
expect "... an allocation fails with ENODEV" ENODEV chtest alloc hcvid 65536
expect "... and heapctl alloc says why" \
	"E: heapctl: hcvid: No such device: the heap is disabled, or was removed
rc=1" hc_run heapctl alloc hcvid 64K
expect "... heapctl list shows it disabled" \
	"hcvid reserved 64K no 0B 16M 0 0B 0" sh -c "heapctl list -n | grep hcvid | tr -s ' '"
expect "... heapctl show -j has device null" '  "enabled": false,
  "device": null,' sh -c "heapctl show -j -p hcvid | grep -E '\"(enabled|device)\":'"
expect "heapctl disable of a disabled heap does nothing" "hcvid: disabled
rc=0" hc_run heapctl disable hcvid
expect "heapctl enable" "hcvid: enabled
rc=0" hc_run heapctl enable hcvid
expect "... writes enable 1, device names the node" \
	"reserved 4 65536 16777216 default off [local] bind interleave 1 /dev/dma_heap/hcvid" \
	hc_attrs "$V"
expect "... and the heap allocates again" OK chtest alloc hcvid 65536
expect "heapctl enable of the disabled hccam" "hccam: enabled
rc=0" hc_run heapctl enable hccam
check "... registers /dev/dma_heap/hccam" test -c /dev/dma_heap/hccam
expect "... which allocates" OK chtest alloc hccam 2097152
expect "heapctl enable of a heap that does not exist" \
	"E: heapctl: $CFS/nosuch: No such file or directory: no heap of that name (see heapctl list)
rc=1" hc_run heapctl enable nosuch
check "... makes nothing" test ! -e "$CFS/nosuch"
expect "heapctl disable of a bad name is a usage error" \
	"E: heapctl: 'a:b' is not a heap name: 1 to 63 characters from [A-Za-z0-9._-]
rc=2" hc_run heapctl disable a:b
expect "heapctl enable without a name is a usage error" \
	"E: heapctl: enable: missing argument; see 'heapctl enable --help'
rc=2" hc_run heapctl enable
expect "heapctl show of a heap that does not exist" \
	"E: heapctl: $CFS/nosuch: No such file or directory: no heap of that name (see heapctl list)
rc=1" hc_run heapctl show nosuch

# --- numa -------------------------------------------------------------------
expect "heapctl numa: the global policy" "numa_policy: off
available:   off local bind interleave
numa_active: yes
rc=0" hc_run heapctl numa
expect "heapctl numa -j" '{
  "version": 1,
  "numa_policy": "off",
  "available": [
    "off",
    "local",
    "bind",
    "interleave"
  ],
  "numa_active": true,
  "numa_supported": true
}
rc=0' hc_run heapctl numa -j -p
expect "heapctl numa local sets it and shows the result" "numa_policy: local
available:   off local bind interleave
numa_active: yes
rc=0" hc_run heapctl numa local
expect "... which the module reads" "off [local] bind interleave" cat "$G/numa_policy"
expect "heapctl numa bogus is a usage error" \
	"E: heapctl: the NUMA policy is one of off, local, bind, interleave
rc=2" hc_run heapctl numa bogus
expect "... and the policy is unchanged" "off [local] bind interleave" cat "$G/numa_policy"
expect "heapctl numa default is a usage error (per heap only)" \
	"E: heapctl: the NUMA policy is one of off, local, bind, interleave
rc=2" hc_run heapctl numa default
expect "... and the policy is unchanged" "off [local] bind interleave" cat "$G/numa_policy"
expect "heapctl numa with two policies is a usage error" \
	"E: heapctl: numa: unexpected argument 'local'; see 'heapctl numa --help'
rc=2" hc_run heapctl numa off local
expect "... and the policy is unchanged" "off [local] bind interleave" cat "$G/numa_policy"
expect "heapctl numa -j interleave sets it and prints JSON" '{
  "version": 1,
  "numa_policy": "interleave",
  "available": [
    "off",
    "local",
    "bind",
    "interleave"
  ],
  "numa_active": true,
  "numa_supported": true
}
rc=0' hc_run heapctl numa -j -p interleave
expect "heapctl numa local again, for save below" "numa_policy: local
available:   off local bind interleave
numa_active: yes
rc=0" hc_run heapctl numa local

# --- alloc ------------------------------------------------------------------
fails=$(cat "$V/failures")
expect "heapctl alloc 24M --verify beyond hcvid's 16 MiB quota fails" \
	"E: heapctl: hcvid: Cannot allocate memory: the heap's area or quota is exhausted
rc=1" hc_run heapctl alloc hcvid 24M --verify
expect "... counted in failures" $((fails + 1)) cat "$V/failures"
expect "... and every area keeps its pages" "$free0" free_all
calls=$(cat "$V/cma_calls")
expect "heapctl alloc 16M --verify on CPU 0: exactly the quota" \
	"allocated 1 x 16M from hcvid: T ms each (best T ms)
layout: 256 chunks of 64K per buffer, 1 cma_alloc calls in all
verify: zeroed, pattern written and read back
rc=0" hc_timed taskset -c 0 heapctl alloc hcvid 16M --verify
expect "... one cma_alloc call, as cma_calls says" $((calls + 1)) cat "$V/cma_calls"
expect "... and the buffer was released" "0 0" sh -c "echo \$(cat $V/bytes $V/buffers)"
expect "... every area has its pages back" "$free0" free_all
expect "heapctl alloc of size 0 is a usage error" \
	"E: heapctl: SIZE must be a positive size such as 64K, 24M or 1G
rc=2" hc_run heapctl alloc hcvid 0
expect "heapctl alloc --count 0 is a usage error" \
	"E: heapctl: --count takes 1 to 65536
rc=2" hc_run heapctl alloc hcvid 64K --count 0
expect "heapctl alloc from a name no heap ever had" \
	"E: heapctl: /dev/dma_heap/nosuch: No such file or directory: no such heap device: is the heap enabled?
rc=1" hc_run heapctl alloc nosuch 64K

# --- save and restore -------------------------------------------------------
saved='{
  "version": 1,
  "heaps": [
    {
      "name": "hccam",
      "cma_area": "pernuma1",
      "chunk_order": 9,
      "max_bytes": 0,
      "pool_bytes": 0,
      "pool_min_bytes": 0,
      "numa_policy": "default",
      "enabled": true
    },
    {
      "name": "hcvid",
      "cma_area": "reserved",
      "chunk_order": 4,
      "max_bytes": 16777216,
      "pool_bytes": 0,
      "pool_min_bytes": 0,
      "numa_policy": "local",
      "enabled": true
    }
  ],
  "numa_policy": "local"
}'
rm -f "$J"
expect "heapctl save FILE prints nothing" "rc=0" hc_run heapctl save "$J"
expect "... and FILE holds the configuration" "$saved" node_names "$J"
rm -rf /etc/chunk_heap
expect "heapctl save without FILE writes the default file" "rc=0" hc_run heapctl save
expect "... /etc/chunk_heap/heaps.json, the same" "$saved" node_names /etc/chunk_heap/heaps.json
expect "... of mode 0600" "600" stat -c %a /etc/chunk_heap/heaps.json
expect "heapctl save - too" "$saved
rc=0" hc_run heapctl save -
expect "heapctl save to a file it cannot create" \
	"E: heapctl: /nonexistent/x.json: No such file or directory
rc=1" hc_run heapctl save /nonexistent/x.json

expect "heapctl destroy hcvid" "destroyed hcvid
rc=0" hc_run heapctl destroy hcvid
expect "heapctl destroy hccam" "destroyed hccam
rc=0" hc_run heapctl destroy hccam
check "... both directories are gone" test ! -e "$V" -a ! -e "$C"
check "... both device nodes stay" test -c /dev/dma_heap/hcvid -a -c /dev/dma_heap/hccam
expect "... and answer ENODEV" "ENODEV ENODEV" \
	sh -c "echo \$(chtest alloc hcvid 65536) \$(chtest alloc hccam 2097152)"
expect "heapctl list: no heaps" "no heaps
rc=0" hc_run heapctl list
expect "heapctl numa off" "numa_policy: off
available:   off local bind interleave
numa_active: yes
rc=0" hc_run heapctl numa off

expect "heapctl restore FILE recreates both heaps and the global policy" \
	"numa_policy: set to local
hccam: created
hcvid: created
rc=0" hc_run heapctl restore "$J"
expect "... heapctl save - prints what was saved" "$saved
rc=0" hc_run heapctl save -
expect "... hcvid's attributes are as created" \
	"reserved 4 65536 16777216 default off [local] bind interleave 1 /dev/dma_heap/hcvid" \
	hc_attrs "$V"
expect "... hccam's too" \
	"pernuma1 9 2097152 0 [default] off local bind interleave 1 /dev/dma_heap/hccam" \
	hc_attrs "$C"
expect "... the global policy is local" "off [local] bind interleave" cat "$G/numa_policy"
expect "... and the heaps allocate through their old nodes" "OK OK" \
	sh -c "echo \$(chtest alloc hcvid 65536) \$(chtest alloc hccam 2097152)"
expect "heapctl restore again changes nothing" "numa_policy: unchanged (local)
hccam: unchanged
hcvid: unchanged
rc=0" hc_run heapctl restore "$J"
expect "... heapctl save prints the same" "$saved
rc=0" hc_run heapctl save -
expect "heapctl restore - reads standard input" "numa_policy: unchanged (local)
hccam: unchanged
hcvid: unchanged
rc=0" hc_run sh -c "heapctl restore - <$J"

# Files that differ from the heaps: hcvid's order, hccam's quota.
sed '/"name": "hcvid"/,/}/s/"chunk_order": 4,/"chunk_order": 5,/' "$J" >/tmp/hc5.json
sed '/"name": "hccam"/,/}/s/"max_bytes": 0,/"max_bytes": 4194304,/' /tmp/hc5.json \
	>/tmp/hc5m.json
expect "heapctl numa off, to see that a refused restore sets nothing" "rc=0" \
	sh -c "heapctl numa off >/dev/null; echo rc=\$?"
before=$(heapctl save -)
expect "heapctl restore over a heap with another order is refused" \
	"E: heapctl: heap hcvid exists with other settings (chunk_order is 4, saved 5); use --force to rewrite it
E: heapctl: nothing was changed
rc=1" hc_run heapctl restore /tmp/hc5.json
expect "... and changes nothing, not even the global policy" "$before" heapctl save -
expect "heapctl restore over two differing heaps names both" \
	"E: heapctl: heap hccam exists with other settings (max_bytes is 0, saved 4194304); use --force to rewrite it
E: heapctl: heap hcvid exists with other settings (chunk_order is 4, saved 5); use --force to rewrite it
E: heapctl: nothing was changed
rc=1" hc_run heapctl restore /tmp/hc5m.json
expect "... and changes nothing" "$before" heapctl save -
# heapctl has no command that writes chunk_order or cma_area on an enabled
# heap on its own: restore --force is the only one, and it disables first.
expect "heapctl restore --force rewrites both, the enabled hcvid's order too" \
	"numa_policy: set to local
hccam: rewritten (max_bytes is 0, saved 4194304)
hcvid: rewritten (chunk_order is 4, saved 5)
rc=0" hc_run heapctl restore --force /tmp/hc5m.json
expect "... hcvid has 128 KiB chunks and is enabled again" \
	"reserved 5 131072 16777216 default off [local] bind interleave 1 /dev/dma_heap/hcvid" \
	hc_attrs "$V"
expect "... hccam has its quota and is still enabled" \
	"pernuma1 9 2097152 4194304 [default] off local bind interleave 1 /dev/dma_heap/hccam" \
	hc_attrs "$C"
expect "... and heapctl save prints the file" "$(cat /tmp/hc5m.json)" heapctl save -
expect "... hcvid allocates in 128 KiB chunks" OK chtest alloc hcvid 131072
expect "heapctl restore --force of the first file puts everything back" \
	"numa_policy: unchanged (local)
hccam: rewritten (max_bytes is 4194304, saved 0)
hcvid: rewritten (chunk_order is 5, saved 4)
rc=0" hc_run heapctl restore --force "$J"
expect "... heapctl save - prints what was saved" "$saved
rc=0" hc_run heapctl save -
sed 's/"chunk_order": 9,/"chunk_order": 9, "colour": "red",/' "$J" >/tmp/hcbad.json
expect "heapctl restore of a file with an unknown key is refused" \
	"E: heapctl: /tmp/hcbad.json: heaps[0] (hccam): colour: unknown key
rc=1" hc_run heapctl restore /tmp/hcbad.json
expect "... and changes nothing" "$saved" hc_names heapctl save -
# A quota of 32 MiB for the allocations below, on the enabled heap.
sed '/"name": "hcvid"/,/}/s/"max_bytes": 16777216,/"max_bytes": 33554432,/' "$J" \
	>/tmp/hc32.json
expect "heapctl restore --force raises hcvid's quota" "numa_policy: unchanged (local)
hccam: unchanged
hcvid: rewritten (max_bytes is 16777216, saved 33554432)
rc=0" hc_run heapctl restore --force /tmp/hc32.json
expect "... and hcvid stays enabled" \
	"reserved 4 65536 33554432 default off [local] bind interleave 1 /dev/dma_heap/hcvid" \
	hc_attrs "$V"
# The pool's floor, which the module checks against nothing.
sed '/"name": "hcvid"/,/}/s/"pool_min_bytes": 0,/"pool_min_bytes": 2097152,/' /tmp/hc32.json \
	>/tmp/hcmin.json
expect "heapctl restore --dry-run reports a new pool floor" "numa_policy: unchanged (local)
hccam: unchanged
hcvid: would be rewritten (pool_min_bytes is 0, saved 2097152)
rc=0" hc_run heapctl restore --force --dry-run /tmp/hcmin.json
expect "... and changes nothing" 0 cat "$V/pool_min_bytes"
expect "heapctl restore --force sets hcvid's pool floor" "numa_policy: unchanged (local)
hccam: unchanged
hcvid: rewritten (pool_min_bytes is 0, saved 2097152)
rc=0" hc_run heapctl restore --force /tmp/hcmin.json
expect "... which the module reads back, hcvid still enabled" "2097152 1" \
	sh -c "echo \$(cat $V/pool_min_bytes) \$(cat $V/enable)"
expect "... and heapctl save prints the file" "$(cat /tmp/hcmin.json)" heapctl save -
expect "heapctl restore --force puts the floor back" "numa_policy: unchanged (local)
hccam: unchanged
hcvid: rewritten (pool_min_bytes is 2097152, saved 0)
rc=0" hc_run heapctl restore --force /tmp/hc32.json
expect "... to 0" 0 cat "$V/pool_min_bytes"
expect "heapctl numa off: the global policy is back" "off" \
	sh -c "heapctl numa off | sed -n 's/^numa_policy: //p'"

# --- restore: the harder cases ----------------------------------------------
# An order the heap's current area cannot hold, with the area changing too:
# the area is written first.
expect "a heap on pernuma0 with 64 KiB chunks is created, enabled" \
	"created hcmove: 64K chunks (order 4) from pernuma0, enabled
rc=0" hc_run heapctl create hcmove -a "$NODE_AREA0" -c 64K -e
cat >/tmp/hcmove.json <<EOF
{ "heaps": [ { "name": "hcmove", "cma_area": "reserved", "chunk_order": 15 } ] }
EOF
expect "heapctl restore --force moves it to reserved with 128 MiB chunks" \
	'hcmove: rewritten (cma_area is "pernuma0", saved "reserved"; chunk_order is 4, saved 15)
rc=0' hc_run heapctl restore --force /tmp/hcmove.json
expect "... which the module reads, enabled again" \
	"reserved 15 134217728 0 [default] off local bind interleave 1 /dev/dma_heap/hcmove" \
	hc_attrs "$CFS/hcmove"
expect "... and a 128 MiB chunk is allocated from it" OK chtest alloc hcmove 1
expect "heapctl restore again: unchanged" "hcmove: unchanged
rc=0" hc_run heapctl restore /tmp/hcmove.json
# A rewrite the kernel refuses stops restore, with the heap left disabled.
cat >/tmp/hcmove.json <<EOF
{ "heaps": [ { "name": "hcmove", "cma_area": "nosuch" } ] }
EOF
expect "heapctl restore --force to an unknown area fails at cma_area" \
	"E: heapctl: $CFS/hcmove/cma_area: No such file or directory: no CMA area has that name (see heapctl areas)
E: heapctl: hcmove is left disabled
E: heapctl: restore stopped: failed: hcmove
rc=1" hc_run heapctl restore --force /tmp/hcmove.json
expect "... hcmove is disabled, its settings unchanged" \
	"reserved 15 134217728 0 [default] off local bind interleave 0 " hc_attrs "$CFS/hcmove"
expect "heapctl destroy hcmove" "destroyed hcmove
rc=0" hc_run heapctl destroy hcmove
# A new heap the kernel refuses: the heaps before it stay, it does not.
cat >/tmp/hcnew.json <<EOF
{ "heaps": [ { "name": "hcok", "cma_area": "$NODE_AREA0", "chunk_order": 4 },
	     { "name": "hcnew", "cma_area": "nosuch", "chunk_order": 4 } ] }
EOF
expect "heapctl restore of a new heap on an unknown area stops there" \
	"hcok: created
E: heapctl: $CFS/hcnew/cma_area: No such file or directory: no CMA area has that name (see heapctl areas)
E: heapctl: removed the half-made heap hcnew
E: heapctl: restore stopped: applied: hcok; failed: hcnew
rc=1" hc_run heapctl restore /tmp/hcnew.json
check "... hcok, before it, is made" test -d "$CFS/hcok"
check "... hcnew is not" test ! -e "$CFS/hcnew"
expect "heapctl destroy hcok" "destroyed hcok
rc=0" hc_run heapctl destroy hcok
# A heap made by hand with no area: "-" and null, saved and restored.
check "a heap without an area is made by hand" mkdir "$CFS/hcraw"
expect "heapctl list shows its area as -" "hcraw - 4K no 0B unlimited 0 0B 0" \
	sh -c "heapctl list -n | grep hcraw | tr -s ' '"
expect "heapctl show: cma_area and device are -" "cma_area:       -
device:         -" sh -c "heapctl show hcraw | grep -E '^(cma_area|device):'"
expect "heapctl show -j: cma_area and device are null" '  "cma_area": null,
  "device": null,' sh -c "heapctl show -j -p hcraw | grep -E '\"(cma_area|device)\":'"
expect "heapctl enable of a heap without an area fails with EINVAL and a hint" \
	"E: heapctl: $CFS/hcraw/enable: Invalid argument: set cma_area first
rc=1" hc_run heapctl enable hcraw
expect "... and it stays disabled" 0 cat "$CFS/hcraw/enable"
heapctl save /tmp/hcraw.json
expect "heapctl save writes its area as null" '      "name": "hcraw",
      "cma_area": null,
      "chunk_order": 0,' sed -n '/"hcraw"/,/chunk_order/p' /tmp/hcraw.json
expect "heapctl destroy hcraw" "destroyed hcraw
rc=0" hc_run heapctl destroy hcraw
expect "heapctl restore makes it again" "numa_policy: unchanged (off)
hccam: unchanged
hcraw: created
hcvid: unchanged
rc=0" hc_run heapctl restore /tmp/hcraw.json
expect "... as it was" "$(cat /tmp/hcraw.json)" heapctl save -
expect "heapctl restore again: null is not compared" "numa_policy: unchanged (off)
hccam: unchanged
hcraw: unchanged
hcvid: unchanged
rc=0" hc_run heapctl restore /tmp/hcraw.json
expect "heapctl destroy hcraw" "destroyed hcraw
rc=0" hc_run heapctl destroy hcraw

# --- alloc, for real --------------------------------------------------------
calls=$(cat "$V/cma_calls")
succ=$(cma_stat "$NODE_AREA0" alloc_pages_success)
expect "heapctl alloc 24M --verify on CPU 0" \
	"allocated 1 x 24M from hcvid: T ms each (best T ms)
layout: 384 chunks of 64K per buffer, 1 cma_alloc calls in all
verify: zeroed, pattern written and read back
rc=0" hc_timed taskset -c 0 heapctl alloc hcvid 24M --verify
expect "... peak is 24 MiB" 25165824 cat "$V/peak"
expect "... in one cma_alloc call" $((calls + 1)) cat "$V/cma_calls"
expect "... of 6144 pages from pernuma0, CPU 0's area" $((succ + 6144)) \
	cma_stat "$NODE_AREA0" alloc_pages_success
expect "... every area has its pages back" "$free0" free_all
calls=$(cat "$V/cma_calls")
expect "heapctl alloc 8M --count 3, one buffer after another" \
	"allocated 3 x 8M from hcvid: T ms each (best T ms)
layout: 128 chunks of 64K per buffer, 3 cma_alloc calls in all
rc=0" hc_timed taskset -c 0 heapctl alloc hcvid 8M --count 3
expect "... three cma_alloc calls" $((calls + 3)) cat "$V/cma_calls"
expect "... peak stays 24 MiB" 25165824 cat "$V/peak"
expect "... every area has its pages back" "$free0" free_all

# --hold: the three buffers live together while heapctl sleeps.
taskset -c 0 heapctl alloc hcvid 8M --count 3 --hold 1 >/tmp/hc.hold 2>&1 &
hpid=$!
n=0
while [ "$(cat "$V/buffers")" != 3 ] && [ $n -lt 1200 ]; do
	sleep 0.05
	n=$((n + 1))
done
held=$(echo $(cat "$V/bytes" "$V/buffers") $(free_all))
wait $hpid
hrc=$?
expect "heapctl alloc 8M --count 3 --hold 1 holds 24 MiB in 3 buffers from pernuma0" \
	"25165824 3 $r0 $((p00 - 6144)) $p10" echo "$held"
expect "... then prints its report and exits 0" \
	"allocated 3 x 8M from hcvid: T ms each (best T ms)
layout: 128 chunks of 64K per buffer, 3 cma_alloc calls in all
rc=0" sh -c "sed -E 's/[0-9]+\\.[0-9]+ ms/T ms/g' /tmp/hc.hold; echo rc=$hrc"
expect "... and releases them" "0 0" sh -c "echo \$(cat $V/bytes $V/buffers)"
expect "... every area has its pages back" "$free0" free_all
fails=$(cat "$V/failures")
expect "heapctl alloc 16M --count 3 --hold 0 passes the 32 MiB quota at the third" \
	"E: heapctl: hcvid: Cannot allocate memory: the heap's area or quota is exhausted
rc=1" hc_run taskset -c 0 heapctl alloc hcvid 16M --count 3 --hold 0
expect "... counted in failures" $((fails + 1)) cat "$V/failures"
expect "... and the two buffers it got are released" "0 0" \
	sh -c "echo \$(cat $V/bytes $V/buffers)"
expect "... every area has its pages back" "$free0" free_all

# --- destroy with a live buffer ---------------------------------------------
hold B hccam 2097152 1
expect "a 2 MiB buffer of hccam is held" HELD bg_first B
expect "heapctl destroy says the live buffer keeps its chunks" "destroyed hccam
1 live buffers keep their chunks until they are released
rc=0" hc_run heapctl destroy hccam
check "... the directory is gone" test ! -e "$C"
check "... the device node stays" test -c /dev/dma_heap/hccam
expect "... an allocation fails with ENODEV" ENODEV chtest alloc hccam 2097152
expect "... and heapctl alloc says why" \
	"E: heapctl: hccam: No such device: the heap is disabled, or was removed
rc=1" hc_run heapctl alloc hccam 2M
expect "... pernuma1 still lends the buffer's 512 pages" \
	"$r0 $p00 $((p10 - 512))" free_all
expect "... heapctl areas shows it" "$(hc_areas "$r0" "$p00" $((p10 - 512)))
rc=0" hc_run heapctl areas
expect "the buffer outlives its heap" OK bg_finish B
expect "... and gives its pages back" "$free0" free_all
expect "heapctl destroy of a heap that does not exist" \
	"E: heapctl: $CFS/hccam: No such file or directory: no heap of that name (see heapctl list)
rc=1" hc_run heapctl destroy hccam

# --- errors from the kernel -------------------------------------------------
expect "heapctl create with an unknown area fails at cma_area" \
	"E: heapctl: $CFS/hcbad/cma_area: No such file or directory: no CMA area has that name (see heapctl areas)
E: heapctl: removed the half-made heap hcbad
rc=1" hc_run heapctl create hcbad --area nosuch --order 4
check "... and leaves no directory" test ! -e "$CFS/hcbad"
expect "heapctl create with 128 MiB chunks on the 64 MiB pernuma0 fails with ERANGE" \
	"E: heapctl: $CFS/hcbad/cma_area: Numerical result out of range: the area cannot hold one chunk of this order
E: heapctl: removed the half-made heap hcbad
rc=1" hc_run heapctl create hcbad --area "$NODE_AREA0" --chunk-size 128M
check "... and leaves no directory" test ! -e "$CFS/hcbad"
expect "heapctl create --enable of a heap named system fails with EEXIST" \
	"E: heapctl: $CFS/system/enable: File exists: another dma-heap already has this name
E: heapctl: removed the half-made heap system
rc=1" hc_run heapctl create system --area reserved --order 4 --enable
check "... and leaves no directory" test ! -e "$CFS/system"
expect "... and /dev/dma_heap/system is still the kernel's" "$sdev" \
	stat -c %t:%T /dev/dma_heap/system
expect "heapctl create of a disabled heap named system works" \
	"created system: 64K chunks (order 4) from reserved, disabled
rc=0" hc_run heapctl create system --area reserved --order 4
expect "heapctl enable system fails with EEXIST and a hint" \
	"E: heapctl: $CFS/system/enable: File exists: another dma-heap already has this name
rc=1" hc_run heapctl enable system
expect "... and the heap stays disabled" "0 " \
	sh -c "echo \"\$(cat $CFS/system/enable) \$(cat $CFS/system/device)\""
# /dev/dma_heap/system is the kernel's system heap, not this directory's.
expect "heapctl alloc system: no chunk layout for the kernel's system heap" \
	"allocated 1 x 64K from system: T ms each (best T ms)
rc=0" hc_timed heapctl alloc system 64K
expect "heapctl destroy system" "destroyed system
rc=0" hc_run heapctl destroy system
expect "heapctl create --enable of a heap named reserved fails with EEXIST" \
	"E: heapctl: $CFS/reserved/enable: File exists: another dma-heap already has this name
E: heapctl: removed the half-made heap reserved
rc=1" hc_run heapctl create reserved -a reserved -o 0 -e
check "... and leaves no directory" test ! -e "$CFS/reserved"
expect "... and /dev/dma_heap/reserved is still the kernel's" "$rdev" \
	stat -c %t:%T /dev/dma_heap/reserved
before=$(heapctl save -)
expect "heapctl create of an existing name fails with EEXIST" \
	"E: heapctl: $V: File exists: a heap of that name exists
rc=1" hc_run heapctl create hcvid --area "$NODE_AREA0" --order 2
expect "... and leaves the existing heap alone" "$before" heapctl save -
expect "heapctl create --max bogus is a usage error" \
	"E: heapctl: --max takes a size such as 24M or 1G (0: no limit)
rc=2" hc_run heapctl create hcbad --area reserved --chunk-size 64K --max bogus
expect "heapctl create --chunk-size 48K (not a power of two) is a usage error" \
	"E: heapctl: --chunk-size takes a power of two from $PAGE_SIZE to 1G
rc=2" hc_run heapctl create hcbad --area reserved --chunk-size 48K
expect "heapctl create --order 19 is a usage error" "E: heapctl: --order takes 0 to 18
rc=2" hc_run heapctl create hcbad --area reserved --order 19
expect "heapctl create --numa-policy nearest is a usage error" \
	"E: heapctl: --numa-policy takes default, off, local, bind or interleave
rc=2" hc_run heapctl create hcbad --area reserved --order 4 --numa-policy nearest
expect "heapctl create without --area is a usage error" "E: heapctl: create needs --area
rc=2" hc_run heapctl create hcbad --order 4
expect "heapctl create with --order and --chunk-size is a usage error" \
	"E: heapctl: give one --order or --chunk-size
rc=2" hc_run heapctl create hcbad --area reserved --order 4 --chunk-size 64K
expect "heapctl create of a bad name is a usage error" \
	"E: heapctl: 'a:b' is not a heap name: 1 to 63 characters from [A-Za-z0-9._-]
rc=2" hc_run heapctl create a:b --area reserved --order 4
check "... and none of them left a directory" test ! -e "$CFS/hcbad" -a ! -e "$CFS/a:b"

# --- set and clear -----------------------------------------------------------
expect "heapctl set --max on the enabled hcvid" "hcvid: max_bytes=131072
rc=0" hc_run heapctl set hcvid --max 128K
expect "... two chunks fit the new quota, a third does not" "OK ENOMEM" \
	sh -c "echo \$(chtest alloc hcvid 131072) \$(chtest alloc hcvid 196608)"
expect "heapctl set --numa-policy on the enabled hcvid" "hcvid: numa_policy=interleave
rc=0" hc_run heapctl set hcvid -p interleave
expect "... which stays enabled and allocates" "default off local bind [interleave] 1 OK" \
	sh -c "echo \"\$(cat $V/numa_policy)\" \$(cat $V/enable) \$(chtest alloc hcvid 65536)"
expect "heapctl set --max and --pool together on the enabled hcvid" \
	"hcvid: max_bytes=16777216 pool_bytes=8388608
rc=0" hc_run heapctl set hcvid --max 16M --pool 8M
expect "... and the pool reads it back" 8388608 cat "$V/pool_bytes"
expect "heapctl set --pool refuses more than all CMA areas hold" \
	"E: heapctl: $V/pool_bytes: Numerical result out of range: more than all CMA areas hold
E: heapctl: hcvid: nothing was changed
rc=1" hc_run heapctl set hcvid --pool 1000000G
expect "... so the pool is as it was" 8388608 cat "$V/pool_bytes"
expect "heapctl set --pool-min on the enabled hcvid" "hcvid: pool_min_bytes=4194304
rc=0" hc_run heapctl set hcvid --pool-min 4M
expect "... which the module reads back" 4194304 cat "$V/pool_min_bytes"
expect "... and heapctl show prints as a size" "pool_bytes:     8M
pool_min_bytes: 4M" sh -c "heapctl show hcvid | grep -E '^pool_(min_)?bytes:'"
expect "... and heapctl show -j in bytes" '  "pool_bytes": 8388608,
  "pool_min_bytes": 4194304,' sh -c "heapctl show -j -p hcvid | grep -E '\"pool_(min_)?bytes\":'"
expect "heapctl set --pool-min above the pool is taken, not refused" \
	"hcvid: pool_min_bytes=1099511627776
rc=0" hc_run heapctl set hcvid -M 1T
expect "... as written" 1099511627776 cat "$V/pool_min_bytes"
expect "heapctl set puts the floor back when the pool is refused" \
	"E: heapctl: $V/pool_bytes: Numerical result out of range: more than all CMA areas hold
E: heapctl: hcvid: nothing was changed
rc=1" hc_run heapctl set hcvid --pool-min 2M --pool 1000000G
expect "... so the floor is as it was" 1099511627776 cat "$V/pool_min_bytes"
expect "heapctl set them back" "hcvid: numa_policy=local pool_min_bytes=0 pool_bytes=0
rc=0" hc_run heapctl set hcvid --numa-policy local --pool 0 --pool-min 0
expect "... the floor too" 0 cat "$V/pool_min_bytes"

# --- cleanup ----------------------------------------------------------------
expect "heapctl destroy of the enabled, idle hcvid" "destroyed hcvid
rc=0" hc_run heapctl destroy hcvid
heapctl create hcclr1 --area "$NODE_AREA0" --order 0 --enable >/dev/null
heapctl create hcclr2 --area "$NODE_AREA1" --order 4 >/dev/null
hold clr hcclr1 65536 >/dev/null
expect "heapctl clear removes every heap, held or not" "destroyed hcclr1
destroyed hcclr2
1 live buffers keep their chunks until they are released
rc=0" hc_run heapctl clear
expect "... none is left" "" ls "$CFS"
expect "... and the held buffer keeps its contents" OK bg_finish clr
expect "heapctl clear with no heaps" "rc=0" hc_run heapctl clear
heapctl numa off >/dev/null 2>&1
expect "the global numa_policy is off again" "[off] local bind interleave" \
	cat "$G/numa_policy"
expect "heapctl list: no heaps left" "no heaps
rc=0" hc_run heapctl list
expect "no heap directory is left" "" ls "$CFS"
expect "every area has every page it had before the heapctl tests" "$free0" free_all
# Should a check above have failed part-way, leave no heap of this file
# behind for whatever runs next.
for n in hcvid hccam hcmove hcok hcnew hcraw hcbad hcclr1 hcclr2 system reserved; do
	[ -d "$CFS/$n" ] && rmdir "$CFS/$n"
done
rm -f "$J" /tmp/hc5.json /tmp/hc5m.json /tmp/hc32.json /tmp/hcmin.json /tmp/hcbad.json \
	/tmp/hcmove.json /tmp/hcnew.json /tmp/hcraw.json /tmp/hc.hold /tmp/hc.out /tmp/hc.err
rm -rf /etc/chunk_heap
wait
