/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the chunk heap KUnit suites.
 */
#ifndef _CHUNK_HEAP_TEST_H
#define _CHUNK_HEAP_TEST_H

#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/file.h>
#include <linux/overflow.h>
#include <linux/sizes.h>

/* The KUnit part of the compat header too. */
#define CHUNK_HEAP_KUNIT
#include "../src/compat.h"
#include "../src/core/core.h"
#include "../src/numa/numa.h"

/*
 * The suites count in 64 KiB and 2 MiB chunks whatever the page size: the
 * orders of those chunks, and the pages in a 64 KiB one.
 */
#define ORDER_64K	(16 - PAGE_SHIFT)
#define ORDER_2M	(21 - PAGE_SHIFT)
#define PAGES_64K	(SZ_64K / PAGE_SIZE)

/*
 * A CMA area the test needs, or skip the test: an area the kernel was not
 * booted with is a setup the test cannot judge, not a failure.
 */
static inline const struct chunk_area *chunk_test_area(struct kunit *test,
						       const char *name)
{
	const struct chunk_area *area = chunk_area_find(name);

	if (!area)
		kunit_skip(test, "no CMA area %s: boot with cma=64M cma_pernuma=16M",
			   name);
	return area;
}

/* The default CMA area; the suites boot with cma=64M. */
static inline const struct chunk_area *chunk_test_reserved(struct kunit *test)
{
	return chunk_test_area(test, "reserved");
}

/*
 * Node @nid's area of cma_pernuma=: pernuma<N> up to 6.12, numa<N> on
 * 7.3, which names every per-node area so.
 */
static inline const struct chunk_area *chunk_test_node_area(struct kunit *test,
							    int nid)
{
	char pernuma[16], numa[16];

	snprintf(pernuma, sizeof(pernuma), "pernuma%d", nid);
	snprintf(numa, sizeof(numa), "numa%d", nid);
	return chunk_test_area(test, chunk_area_find(pernuma) ? pernuma : numa);
}

/*
 * An area for the tests that take all of one: node 0's, which only
 * devices on node 0 allocate from, and the suites' guests have none that
 * do. The default area is shared with the kernel itself: on arm64 the
 * atomic DMA pools take 3 x 128 KiB of it at boot.
 */
static inline const struct chunk_area *chunk_test_whole_area(struct kunit *test)
{
	return chunk_test_node_area(test, 0);
}

/* A parameterised case's description, for KUNIT_ARRAY_PARAM(). */
static inline void chunk_test_desc(char *desc, const char *text)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s", text);
}

static inline void chunk_test_free_runs(void *runs)
{
	chunk_runs_free(runs);
}

/*
 * Empty runs whose chunks go back to CMA when the test ends, even when
 * an assertion stops it early.
 */
static inline struct chunk_runs *chunk_test_runs(struct kunit *test)
{
	struct chunk_runs *runs = kunit_kzalloc(test, sizeof(*runs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, runs);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, chunk_test_free_runs,
							runs), 0);
	return runs;
}

/* Allocate @nr_chunks from @area alone, as the "off" policy does. */
static inline int chunk_test_alloc_from(struct kunit *test,
					struct chunk_runs *runs,
					const struct chunk_area *area,
					unsigned int order,
					unsigned long nr_chunks)
{
	struct chunk_plan *plan;

	plan = kunit_kzalloc(test, struct_size(plan, step, 1), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, plan);
	plan->nr_steps = 1;
	plan->step[0].area = area;
	plan->step[0].max = nr_chunks;
	return chunk_runs_alloc(runs, plan, order, nr_chunks, NULL);
}

/* Drop a buffer and wait for its release, which fput() defers. */
static inline void put_buf(struct dma_buf *buf)
{
	dma_buf_put(buf);
	flush_delayed_fput();
}

static inline void put_heap(void *heap)
{
	chunk_heap_retire(heap);
	chunk_heap_put(heap);
}

/*
 * An enabled heap of @order chunks on "reserved", retired and put when
 * the test ends.
 */
static inline struct chunk_heap *enabled_heap(struct kunit *test, const char *name,
					      unsigned int order)
{
	struct chunk_heap *heap = chunk_heap_create(name);

	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_heap, heap), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_area(heap, chunk_test_reserved(test)), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_order(heap, order), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_enable(heap), 0);
	return heap;
}

#endif /* _CHUNK_HEAP_TEST_H */
