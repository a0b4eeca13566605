/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the chunk heap KUnit suites.
 */
#ifndef _CHUNK_HEAP_TEST_H
#define _CHUNK_HEAP_TEST_H

#include <kunit/test.h>
#include <linux/overflow.h>

#include "../src/core/core.h"
#include "../src/numa/numa.h"

/* The default CMA area; the suites boot with cma=64M. */
static inline const struct chunk_area *chunk_test_reserved(struct kunit *test)
{
	const struct chunk_area *area = chunk_area_find("reserved");

	KUNIT_ASSERT_NOT_NULL_MSG(test, area, "boot with cma=64M");
	return area;
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
	return chunk_runs_alloc(runs, plan, order, nr_chunks);
}

#endif /* _CHUNK_HEAP_TEST_H */
