#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""fault-sites.py KO LOG: which allocation sites of the module KO failed.

fault-sites.py --list KO: the sites, "SITE CALLEE" per line, for the
sweeps in the VM.

The fault injection sweeps (tests/e2e/lib.sh, sweep) print one line
"# fault-site FUNCTION+OFFSET" per injected failure: the innermost module
frame of the stack that the kernel logged for it, which is the return
address of a call. An allocation site is a call in KO to a kernel
function that allocates memory; objdump shows each call's return address
as FUNCTION+OFFSET. A tail call (jmp) to an allocator leaves no frame of
its own (its key is "via:FUNCTION"): it counts when the frame is a call
to the function that jumps.

Prints TAP, one line per site: it passes if a failure was injected there.
"""
import re
import subprocess
import sys

ALLOCATORS = {
    '__kmalloc_cache_noprof', '__kmalloc_noprof', '__kvmalloc_node_noprof',
    'kvrealloc_noprof', 'cma_alloc', 'sg_alloc_table', 'vmap',
    'dma_buf_export', 'dma_heap_add',
    'configfs_register_subsystem', 'kobject_create_and_add',
    'sysfs_create_group', 'alloc_workqueue', 'shrinker_alloc',
}
INSN = re.compile(r'\t(call|jmp)\s+[0-9a-f]+ <([^>]+)>')
RELOC = re.compile(r'R_X86_64_PLT32\t(\S+)-0x4$')
FUNC = re.compile(r'^[0-9a-f]+ <([^>]+)>:$')


def calls(ko):
    """(kind, function, return address, callee) of each relocated call."""
    out = subprocess.run(['objdump', '-dr', ko], check=True,
                         capture_output=True, text=True).stdout
    func = insn = None
    for line in out.splitlines():
        if m := FUNC.match(line):
            func = m.group(1)
        elif m := INSN.search(line):
            insn = m.groups()
            continue
        elif insn and (m := RELOC.search(line)):
            yield insn[0], func, insn[1], m.group(1)
        insn = None


def aliases(ko):
    """{function: [its other names]}: objdump calls the init function
    init_module, kallsyms by its own name."""
    out = subprocess.run(['objdump', '-t', ko], check=True,
                         capture_output=True, text=True).stdout
    at = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 6 and f[2] == 'F':
            at.setdefault((f[3], f[0]), []).append(f[5])
    return {n: [m for m in names if m != n]
            for names in at.values() for n in names}


def sites_of(ko):
    """{site: callee}, and {return address: callee} for every call."""
    sites, callee_at = {}, {}
    other = aliases(ko)
    for kind, func, ret, callee in calls(ko):
        if kind == 'call':
            off = ret[len(func):]
            for name in [func] + other.get(func, []):
                callee_at[name + off] = callee
        if callee in ALLOCATORS:
            sites[ret if kind == 'call' else 'via:' + func] = callee
    return sites, callee_at


def main(ko, log):
    sites, callee_at = sites_of(ko)
    hits = dict.fromkeys(sites, 0)
    outside = 0
    with open(log, errors='replace') as f:
        for line in f:
            m = re.match(r'# fault-site (\S+)', line.strip())
            if not m:
                continue
            frame = m.group(1)
            key = frame if frame in sites else 'via:' + callee_at.get(frame, '')
            if key in hits:
                hits[key] += 1
            else:
                outside += 1
    n = 0
    for key, callee in sites.items():
        n += 1
        if hits[key]:
            print(f'ok {n} - fault site {key} ({callee}) failed {hits[key]} times')
        else:
            print(f'not ok {n} - fault site {key} ({callee}) never failed')
    print(f'# {outside} failures were met elsewhere, or not logged')
    n += 1
    status = 'ok' if n > 10 else 'not ok'
    print(f'{status} {n} - the module has {n - 1} allocation sites')
    print(f'1..{n}')


if __name__ == '__main__':
    if len(sys.argv) == 3 and sys.argv[1] == '--list':
        for site, callee in sites_of(sys.argv[2])[0].items():
            print(site, callee)
    elif len(sys.argv) == 3:
        main(sys.argv[1], sys.argv[2])
    else:
        sys.exit('usage: fault-sites.py KO LOG | --list KO')
