// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap: discovery of the system's CMA areas.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/cma.h>
#include <linux/dma-map-ops.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/string.h>

#include "numa.h"

static struct chunk_area chunk_areas[MAX_CMA_AREAS];
static unsigned int chunk_nr_areas;

/*
 * Areas whose CMA bitmap counts in units of more than one page: hugetlb_cma=
 * (a huge page a bit) and powerpc's kvm_cma. Releasing part of what
 * cma_alloc() gave, as the pool and interleaving do, would clear the wrong
 * bits. The kernel does not export an area's unit, and in mainline these
 * are the only areas created with one, so they are known by their names.
 */
static const char *const chunk_coarse_areas[] = { "hugetlb", "kvm_cma" };

/**
 * chunk_area_usable() - whether a CMA area may hold chunks
 * @name: the area's name
 *
 * Return: false for the areas of chunk_coarse_areas.
 */
bool chunk_area_usable(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chunk_coarse_areas); i++)
		if (!strncmp(name, chunk_coarse_areas[i],
			     strlen(chunk_coarse_areas[i])))
			return false;
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_area_usable);

static int chunk_area_add(struct cma *cma, void *data)
{
	struct chunk_area *area;

	/* By name first: 7.3's cma_get_base() warns on hugetlb's areas. */
	if (!chunk_area_usable(cma_get_name(cma))) {
		pr_info("area %s: not used: CMA tracks it in units above one page\n",
			cma_get_name(cma));
		return 0;
	}
	if (chunk_nr_areas >= ARRAY_SIZE(chunk_areas))
		return -ENOSPC;

	area = &chunk_areas[chunk_nr_areas];
	area->cma = cma;
	area->name = cma_get_name(cma);
#ifdef CHUNK_HEAP_CMA_GEOMETRY
	/* An area whose activation failed has no pages: skip it. */
	if (!cma_get_size(cma))
		return 0;
	area->base_pfn = PHYS_PFN(cma_get_base(cma));
	area->nr_pages = cma_get_size(cma) >> PAGE_SHIFT;
	area->nid = pfn_to_nid(area->base_pfn);
#else
	/* No area is larger than memory: a bound for what it can hold. */
	area->nr_pages = totalram_pages();
	area->nid = NUMA_NO_NODE;
#endif
	area->index = chunk_nr_areas++;
	return 0;
}

/* Every area, or without cma_for_each_area() the ones heaps are meant for. */
static int chunk_areas_walk(void)
{
#ifdef CHUNK_HEAP_CMA_WALK
	return cma_for_each_area(chunk_area_add, NULL);
#else
	struct cma *cma;
	unsigned int i;
	int ret;

	for (i = 0; (cma = dma_contiguous_get_area_by_idx(i)); i++) {
		ret = chunk_area_add(cma, NULL);
		if (ret)
			return ret;
	}
	return 0;
#endif
}

/* Whether cma_for_each_area() found the areas, the per-node ones too. */
static bool chunk_areas_walked(void)
{
#ifdef CHUNK_HEAP_CMA_WALK
	return true;
#else
	return false;
#endif
}

/**
 * chunk_areas_init() - find the CMA areas of the running system
 *
 * Return: 0, or a negative errno if the areas cannot be recorded.
 */
int chunk_areas_init(void)
{
	unsigned int i;
	int ret;

	chunk_nr_areas = 0;
	ret = chunk_areas_walk();
	if (ret)
		return ret;
	if (!chunk_areas_sized())
		pr_info("this kernel does not export %scma_get_base() and cma_get_size(): area sizes, per-node areas and numa_policy are unavailable\n",
			chunk_areas_walked() ? "" : "cma_for_each_area(), ");
	else if (!chunk_areas_walked())
		pr_info("this kernel does not export cma_for_each_area(): per-node areas and numa_policy are unavailable\n");

	for (i = 0; i < chunk_nr_areas; i++)
		pr_debug("area %s: node %d, %lu MiB\n", chunk_areas[i].name,
			 chunk_areas[i].nid,
			 chunk_areas[i].nr_pages >> (20 - PAGE_SHIFT));
	return 0;
}

/**
 * chunk_areas_sized() - whether the areas' sizes and nodes are known
 *
 * Return: true if the kernel exports cma_get_base() and cma_get_size();
 * else each area's nr_pages is only a bound and its nid NUMA_NO_NODE.
 */
bool chunk_areas_sized(void)
{
#ifdef CHUNK_HEAP_CMA_GEOMETRY
	return true;
#else
	return false;
#endif
}

/**
 * chunk_areas_per_node() - whether the per-node areas can be found
 *
 * Return: true if the kernel exports cma_for_each_area(), and the areas'
 * nodes are known.
 */
bool chunk_areas_per_node(void)
{
	return chunk_areas_walked() && chunk_areas_sized();
}

/**
 * chunk_area_count() - number of CMA areas found
 *
 * Return: the number of areas; valid indices are below it.
 */
unsigned int chunk_area_count(void)
{
	return chunk_nr_areas;
}

/**
 * chunk_area_get() - an area by its index
 * @index: position in the area table
 *
 * Return: the area, or NULL if @index is out of range.
 */
const struct chunk_area *chunk_area_get(unsigned int index)
{
	return index < chunk_nr_areas ? &chunk_areas[index] : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_area_get);

/**
 * chunk_area_total_pages() - pages in all CMA areas together
 *
 * Return: the sum of the areas' sizes in pages, an upper bound on what any
 * buffer can hold.
 */
unsigned long chunk_area_total_pages(void)
{
	unsigned long pages = 0;
	unsigned int i;

	for (i = 0; i < chunk_nr_areas; i++)
		pages += chunk_areas[i].nr_pages;
	return pages;
}

/**
 * chunk_area_find() - an area by its name
 * @name: the area's name, as in /sys/kernel/mm/cma/
 *
 * Return: the area, or NULL if there is none of that name.
 */
const struct chunk_area *chunk_area_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < chunk_nr_areas; i++)
		if (!strcmp(chunk_areas[i].name, name))
			return &chunk_areas[i];
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_area_find);

/**
 * chunk_area_max_order() - largest chunk order an area can hold
 * @area: the area
 *
 * A chunk of order k is 2^k pages aligned to 2^k pages. The largest order
 * is that of the largest such block that lies wholly inside the area.
 *
 * Return: the order.
 */
unsigned int chunk_area_max_order(const struct chunk_area *area)
{
	unsigned long start = area->base_pfn;
	unsigned long end = area->base_pfn + area->nr_pages;
	unsigned int order;

	for (order = ilog2(area->nr_pages); order > 0; order--) {
		unsigned long first = ALIGN(start, 1UL << order);

		if (first + (1UL << order) <= end)
			break;
	}
	return order;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_area_max_order);
