/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_heap: CMA area discovery and per-NUMA placement.
 *
 * The CMA areas of a running system are fixed once the kernel has booted:
 * the default area from cma= ("reserved"), the per-node areas from
 * cma_pernuma= ("pernuma<N>") and numa_cma= ("numa<N>"), and any
 * devicetree reserved-memory areas. This component finds them once, at
 * module load, and owns the table; nobody else walks the areas. On a
 * kernel that exports less (src/compat.h, "Exports") it finds fewer, or
 * knows less of them, and says which features that leaves out.
 *
 * It also owns the placement policy: core asks chunk_numa_plan() which
 * areas a buffer's chunks should come from, and in what order, and
 * carries the plan out. The planning is a pure function of its inputs so
 * that it can be tested without a NUMA machine.
 */
#ifndef _CHUNK_HEAP_NUMA_H
#define _CHUNK_HEAP_NUMA_H

#include <linux/nodemask.h>
#include <linux/types.h>

#include "../compat.h"

struct cma;

/**
 * struct chunk_area - one CMA area as chunk heaps see it
 * @cma:	the area, for cma_alloc() and cma_release()
 * @name:	its name, as in /sys/kernel/mm/cma/
 * @base_pfn:	first page frame of the area
 * @nr_pages:	size of the area in pages; unless chunk_areas_sized(),
 *		only a bound (the system's memory)
 * @nid:	NUMA node of the area's memory, or NUMA_NO_NODE if unknown
 * @index:	position in the area table, stable for the module's lifetime
 */
struct chunk_area {
	struct cma *cma;
	const char *name;
	unsigned long base_pfn;
	unsigned long nr_pages;
	int nid;
	unsigned int index;
};

int chunk_areas_init(void);
bool chunk_areas_sized(void);
bool chunk_areas_per_node(void);
unsigned int chunk_area_count(void);
const struct chunk_area *chunk_area_get(unsigned int index);
const struct chunk_area *chunk_area_find(const char *name);
unsigned int chunk_area_max_order(const struct chunk_area *area);
bool chunk_area_usable(const char *name);
unsigned long chunk_area_total_pages(void);

/**
 * enum chunk_numa_policy - where chunks come from
 * @CHUNK_NUMA_DEFAULT:	per heap only: follow the global policy
 * @CHUNK_NUMA_OFF:	the heap's own area only
 * @CHUNK_NUMA_LOCAL:	the allocating CPU's node's area, then the heap's
 * @CHUNK_NUMA_BIND:	the allocating CPU's node's area only
 * @CHUNK_NUMA_INTERLEAVE: round-robin over every node's area, then the
 *			heap's
 * @CHUNK_NUMA_NR_POLICIES: number of policies
 */
enum chunk_numa_policy {
	CHUNK_NUMA_DEFAULT,
	CHUNK_NUMA_OFF,
	CHUNK_NUMA_LOCAL,
	CHUNK_NUMA_BIND,
	CHUNK_NUMA_INTERLEAVE,
	CHUNK_NUMA_NR_POLICIES,
};

/**
 * struct chunk_numa_view - the per-node areas a plan can use
 * @node_area:	the per-node area of each node, or NULL
 * @nr_nodes:	nodes with a per-node area
 */
struct chunk_numa_view {
	const struct chunk_area *node_area[MAX_NUMNODES];
	unsigned int nr_nodes;
};

/**
 * struct chunk_plan_step - up to @max chunks from @area
 * @area:	the area
 * @max:	most chunks to take from it
 */
struct chunk_plan_step {
	const struct chunk_area *area;
	unsigned long max;
};

/**
 * struct chunk_plan - where one buffer's chunks come from
 * @nr_steps:	steps in @step
 * @interleave:	interleave the chunks of the first @interleave steps one
 *		by one in the buffer, instead of one step after another
 * @step:	areas to take chunks from, in order; what a step cannot give
 *		comes from the steps after it
 */
struct chunk_plan {
	unsigned int nr_steps;
	unsigned int interleave;
	struct chunk_plan_step step[] __counted_by(nr_steps);
};

struct chunk_plan *chunk_numa_plan(const struct chunk_numa_view *view,
				   enum chunk_numa_policy policy,
				   const struct chunk_area *heap_area, int nid,
				   unsigned long nr_chunks);
void chunk_numa_view_build(struct chunk_numa_view *view,
			   const struct chunk_area *areas, unsigned int nr);

enum chunk_numa_policy chunk_numa_effective(enum chunk_numa_policy heap_policy);
int chunk_numa_parse_policy(const char *buf, size_t count, bool allow_default);
ssize_t chunk_numa_show_policy(char *buf, enum chunk_numa_policy policy,
			       bool with_default);
struct chunk_plan *chunk_numa_place(enum chunk_numa_policy heap_policy,
				    const struct chunk_area *heap_area,
				    unsigned long nr_chunks);

int chunk_numa_init(void);
void chunk_numa_exit(void);

#endif /* _CHUNK_HEAP_NUMA_H */
