/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_heap: CMA area discovery.
 *
 * The CMA areas of a running system are fixed once the kernel has booted:
 * the default area from cma= ("reserved"), the per-node areas from
 * cma_pernuma= ("pernuma<N>") and numa_cma= ("numa<N>"), and any
 * devicetree reserved-memory areas. This component finds them once, at
 * module load, and answers questions about them. It owns the area table;
 * nobody else walks cma_for_each_area().
 */
#ifndef _CHUNK_HEAP_NUMA_H
#define _CHUNK_HEAP_NUMA_H

#include <linux/types.h>

struct cma;

/**
 * struct chunk_area - one CMA area as chunk heaps see it
 * @cma:	the area, for cma_alloc() and cma_release()
 * @name:	its name, as in /sys/kernel/mm/cma/
 * @base_pfn:	first page frame of the area
 * @nr_pages:	size of the area in pages
 * @nid:	NUMA node of the area's memory
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
unsigned int chunk_area_count(void);
const struct chunk_area *chunk_area_get(unsigned int index);
const struct chunk_area *chunk_area_find(const char *name);
unsigned int chunk_area_max_order(const struct chunk_area *area);

#endif /* _CHUNK_HEAP_NUMA_H */
