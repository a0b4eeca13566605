// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the chunk heap core: chunk arithmetic and alignment, and
 * allocation and release against the kernel's real CMA areas ("reserved"
 * and "pernuma0"; boot with cma=64M cma_pernuma=16M, as scripts/kunit.sh
 * does).
 */
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/fcntl.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/string.h>

#include "chunk_test.h"

struct len_case {
	const char *desc;
	unsigned long len;
	unsigned int order;
	unsigned long max;
	int ret;
	unsigned long nr_chunks;
};

#define ANY ULONG_MAX

static const struct len_case len_cases[] = {
	{ "one byte is one chunk", 1, ORDER_64K, ANY, 0, 1 },
	{ "an exact chunk", SZ_64K, ORDER_64K, ANY, 0, 1 },
	{ "a byte over a chunk", SZ_64K + 1, ORDER_64K, ANY, 0, 2 },
	{ "64 MiB of 64 KiB", SZ_64M, ORDER_64K, ANY, 0, 1024 },
	{ "64 MiB of pages", SZ_64M, 0, ANY, 0, SZ_64M / PAGE_SIZE },
	{ "2 MiB chunks round up", SZ_2M + PAGE_SIZE, ORDER_2M, ANY, 0, 2 },
	{ "exactly what the areas hold", SZ_64M, ORDER_64K, 1024, 0, 1024 },
	{ "a chunk more than the areas hold", SZ_64M + 1, ORDER_64K, 1024, -ENOMEM, 0 },
	{ "zero length", 0, ORDER_64K, ANY, -EINVAL, 0 },
	{ "rounding overflows", ULONG_MAX, 0, ANY, -EINVAL, 0 },
	/* Rounds without overflow, but its byte count does not fit an s64. */
	{ "2^64 - 64 KiB is refused", -(unsigned long)SZ_64K, ORDER_64K, 1UL << 20,
	  -ENOMEM, 0 },
	{ "more chunks than an unsigned int", 1UL << (PAGE_SHIFT + 32), 0, ANY,
	  -ENOMEM, 0 },
};

static void len_desc(const struct len_case *c, char *desc)
{
	chunk_test_desc(desc, c->desc);
}

KUNIT_ARRAY_PARAM(len, len_cases, len_desc);

static void chunk_len_test(struct kunit *test)
{
	const struct len_case *c = test->param_value;
	unsigned long nr = 0;

	KUNIT_EXPECT_EQ(test, chunk_len_to_chunks(c->len, c->order, c->max, &nr),
			c->ret);
	if (!c->ret)
		KUNIT_EXPECT_EQ(test, nr, c->nr_chunks);
}

static void chunk_area_max_order_test(struct kunit *test)
{
	struct chunk_area area = { .base_pfn = 0, .nr_pages = SZ_64M / PAGE_SIZE };

	/* 64 MiB at 0: one 64 MiB block fits. */
	KUNIT_EXPECT_EQ(test, chunk_area_max_order(&area), ilog2(SZ_64M / PAGE_SIZE));
	/* 64 MiB at 2 MiB: the 64 MiB block no longer fits, 32 MiB does. */
	area.base_pfn = SZ_2M / PAGE_SIZE;
	KUNIT_EXPECT_EQ(test, chunk_area_max_order(&area), ilog2(SZ_32M / PAGE_SIZE));
	/* 3 pages at pfn 1: only single pages are naturally aligned inside. */
	area.base_pfn = 1;
	area.nr_pages = 2;
	KUNIT_EXPECT_EQ(test, chunk_area_max_order(&area), 0);
	area.nr_pages = 3;
	KUNIT_EXPECT_EQ(test, chunk_area_max_order(&area), 1);
}

static void chunk_check_order_test(struct kunit *test)
{
	struct chunk_area area = { .base_pfn = 0, .nr_pages = SZ_16M / PAGE_SIZE };

	KUNIT_EXPECT_EQ(test, chunk_heap_check_order(NULL, 0), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_order(NULL, CHUNK_HEAP_MAX_ORDER), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_order(NULL, CHUNK_HEAP_MAX_ORDER + 1),
			-ERANGE);
	/* 16 MiB at 0 holds one 16 MiB chunk, and no larger one. */
	KUNIT_EXPECT_EQ(test, chunk_heap_check_order(&area, ilog2(area.nr_pages)), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_order(&area, ilog2(area.nr_pages) + 1),
			-ERANGE);
}

static void chunk_check_name_test(struct kunit *test)
{
	char long_name[CHUNK_HEAP_NAME_MAX + 2];

	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("video64k"), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("cam.raw-2_x"), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name(""), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("."), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name(".."), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("a b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("a/b"), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("a\nb"), -EINVAL);
	/* isalnum() takes Latin-1 letters; device names stay ASCII. */
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("caf\xe9"), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("\xc0"), -EINVAL);
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name("a\377b"), -EINVAL);

	memset(long_name, 'a', sizeof(long_name));
	long_name[CHUNK_HEAP_NAME_MAX] = '\0';
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name(long_name), 0);
	long_name[CHUNK_HEAP_NAME_MAX] = 'a';
	long_name[CHUNK_HEAP_NAME_MAX + 1] = '\0';
	KUNIT_EXPECT_EQ(test, chunk_heap_check_name(long_name), -ENAMETOOLONG);
}

/* Every chunk is naturally aligned, zeroed and inside the area. */
static void expect_chunks_sane(struct kunit *test, const struct chunk_area *area,
			       const struct chunk_runs *runs)
{
	unsigned long chunk_pages = 1UL << runs->order, total = 0, i, p;
	unsigned int r;

	for (r = 0; r < runs->nr_runs; r++) {
		const struct chunk_run *run = &runs->run[r];
		unsigned long pfn = page_to_pfn(run->page);

		KUNIT_EXPECT_EQ(test, run->area, area->index);
		KUNIT_EXPECT_GE(test, pfn, area->base_pfn);
		KUNIT_EXPECT_LE(test, pfn + run->nr_chunks * chunk_pages,
				area->base_pfn + area->nr_pages);
		for (i = 0; i < run->nr_chunks; i++) {
			KUNIT_EXPECT_EQ(test, (pfn + i * chunk_pages) % chunk_pages, 0);
			for (p = 0; p < chunk_pages; p++) {
				void *va = kmap_local_page(nth_page(run->page,
								    i * chunk_pages + p));

				KUNIT_EXPECT_NULL(test, memchr_inv(va, 0, PAGE_SIZE));
				kunmap_local(va);
			}
		}
		total += run->nr_chunks;
	}
	KUNIT_EXPECT_EQ(test, total, runs->nr_chunks);
}

static void chunk_alloc_aligned_zeroed_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_reserved(test);
	static const unsigned int orders[] = { 0, ORDER_64K, ORDER_2M };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		struct chunk_runs *runs = chunk_test_runs(test);
		void *va;

		KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, runs, area, orders[i], 8), 0);
		KUNIT_EXPECT_EQ(test, runs->nr_chunks, 8);
		KUNIT_EXPECT_EQ(test, runs->order, orders[i]);
		expect_chunks_sane(test, area, runs);

		/* Dirty the chunks: the next allocation must see zeroes again. */
		va = kmap_local_page(runs->run[0].page);
		memset(va, 0xa5, PAGE_SIZE);
		kunmap_local(va);
		chunk_runs_free(runs);
		KUNIT_EXPECT_EQ(test, runs->nr_runs, 0);
		KUNIT_EXPECT_NULL(test, runs->run);
	}
}

/*
 * An idle area gives a buffer in one call, as one run aligned to the
 * larger of the chunk and the pageblock (but not beyond the run itself,
 * with 16 KiB pages' 32 MiB pageblocks): a busy page met on the way costs
 * a try per pageblock, never a try per chunk.
 */
static void chunk_alloc_one_call_when_idle_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_reserved(test);
	static const unsigned int orders[] = { 0, ORDER_64K, ORDER_2M };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(orders); i++) {
		unsigned long stride = min(1UL << max_t(unsigned int, orders[i],
							pageblock_order),
					   SZ_16M / PAGE_SIZE);
		struct chunk_runs *runs = chunk_test_runs(test);

		/* 16 MiB, whatever the order. */
		KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, runs, area, orders[i],
							    SZ_16M >> (PAGE_SHIFT + orders[i])), 0);
		KUNIT_EXPECT_EQ(test, runs->cma_calls, 1);
		KUNIT_EXPECT_EQ(test, runs->nr_runs, 1);
		KUNIT_EXPECT_EQ(test, page_to_pfn(runs->run[0].page) % stride, 0);
		expect_chunks_sane(test, area, runs);
		chunk_runs_free(runs);
	}
}

static void chunk_alloc_rollback_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_whole_area(test);
	unsigned long all = area->nr_pages >> ORDER_64K;
	struct chunk_runs *hog = chunk_test_runs(test);
	struct chunk_runs *runs = chunk_test_runs(test);
	struct chunk_runs *none = chunk_test_runs(test);

	/* Leave exactly 8 free 64 KiB chunks in the area. */
	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, hog, area, ORDER_64K, all - 8), 0);

	/* 16 cannot be had: the 8 taken on the way are given back. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, runs, area, ORDER_64K, 16), -ENOMEM);
	KUNIT_EXPECT_EQ(test, runs->nr_runs, 0);
	KUNIT_EXPECT_EQ(test, runs->nr_chunks, 0);
	KUNIT_EXPECT_NULL(test, runs->run);

	/* ... so all 8 are still there, and then none. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, runs, area, ORDER_64K, 8), 0);
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, none, area, ORDER_64K, 1), -ENOMEM);
	chunk_runs_free(runs);
	chunk_runs_free(hog);

	/* More than the area holds fails at once, without asking CMA. */
	none->cma_calls = 0;
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, none, area, ORDER_64K, all + 1), -ENOMEM);
	KUNIT_EXPECT_EQ(test, none->cma_calls, 0);
}

/*
 * A per-node area smaller than one chunk: the plan may still name it, and
 * taking from it must take nothing without asking CMA for 0 pages.
 */
static void chunk_take_from_small_area_test(struct kunit *test)
{
	const struct chunk_area *real = chunk_test_whole_area(test);
	struct chunk_area small = *real;
	struct chunk_runs *runs = chunk_test_runs(test);

	small.nr_pages = (1UL << ORDER_2M) - 1;
	runs->order = ORDER_2M;
	KUNIT_EXPECT_EQ(test, chunk_runs_take(runs, &small, 4), 0);
	KUNIT_EXPECT_EQ(test, runs->cma_calls, 0);
	KUNIT_EXPECT_EQ(test, runs->nr_chunks, 0);
}

static void chunk_area_usable_test(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, chunk_area_usable("reserved"));
	KUNIT_EXPECT_TRUE(test, chunk_area_usable("pernuma0"));
	KUNIT_EXPECT_TRUE(test, chunk_area_usable("numa1"));
	KUNIT_EXPECT_TRUE(test, chunk_area_usable("linux,cma"));
	KUNIT_EXPECT_FALSE(test, chunk_area_usable("hugetlb0"));
	KUNIT_EXPECT_FALSE(test, chunk_area_usable("hugetlb12"));
	KUNIT_EXPECT_FALSE(test, chunk_area_usable("kvm_cma"));
}

static void chunk_disabled_heap_test(struct kunit *test)
{
	struct chunk_heap *heap = chunk_heap_create("kunit-disabled");
	struct dma_buf *buf;

	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(heap, chunk_test_reserved(test)), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(heap, 4), 0);
	KUNIT_EXPECT_FALSE(test, chunk_heap_enabled(heap));

	buf = chunk_heap_alloc_buffer(heap, SZ_64K, O_RDWR, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(buf), -ENODEV);
	buf = chunk_heap_alloc_buffer(heap, SZ_64K, O_RDWR, 1);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(buf), -EINVAL);
	buf = chunk_heap_alloc_buffer(heap, SZ_64K, O_RDWR | O_APPEND, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), 0);
	chunk_heap_put(heap);
}

static struct kunit_case chunk_core_cases[] = {
	KUNIT_CASE_PARAM(chunk_len_test, len_gen_params),
	KUNIT_CASE(chunk_area_max_order_test),
	KUNIT_CASE(chunk_check_order_test),
	KUNIT_CASE(chunk_check_name_test),
	KUNIT_CASE(chunk_alloc_aligned_zeroed_test),
	KUNIT_CASE(chunk_alloc_one_call_when_idle_test),
	KUNIT_CASE(chunk_alloc_rollback_test),
	KUNIT_CASE(chunk_take_from_small_area_test),
	KUNIT_CASE(chunk_area_usable_test),
	KUNIT_CASE(chunk_disabled_heap_test),
	{}
};

static struct kunit_suite chunk_core_suite = {
	.name = "chunk_heap_core",
	.test_cases = chunk_core_cases,
};

kunit_test_suites(&chunk_core_suite);

MODULE_DESCRIPTION("KUnit suites of the chunk heaps");
MODULE_LICENSE("GPL");
CHUNK_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
CHUNK_IMPORT_NS(DMA_BUF);
