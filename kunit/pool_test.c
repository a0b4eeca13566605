// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the pool of pre-zeroed chunks: refill and accounting,
 * the take, return and drain paths, the shrinker, and that a freed
 * buffer's chunks read zero before anyone can take them again. They use
 * the real CMA areas ("reserved", and all of "pernuma0") and the real
 * worker, which each test waits for with flush_pool().
 */
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/fcntl.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

#include "chunk_test.h"

/* Wait until the pool's worker has done what it was asked to. */
static void flush_pool(struct chunk_heap *heap)
{
	flush_delayed_work(&heap->pool.work);
}

static s64 stat(atomic64_t *counter)
{
	return atomic64_read(counter);
}

static s64 latency_total(struct chunk_heap *heap)
{
	s64 n = 0;
	int b;

	for (b = 0; b < CHUNK_LAT_BUCKETS; b++)
		n += stat(&heap->stats.latency[b]);
	return n;
}

static void chunk_pool_refill_take_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-pool", ORDER_64K);
	struct dma_buf *a, *b;

	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_1M), 0);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_refills), 1);
	/* Pool chunks are not buffers. */
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.bytes), 0);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.peak), 0);

	a = chunk_heap_alloc_buffer(heap, SZ_256K, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_hits), 1);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_misses), 0);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.bytes), SZ_256K);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);

	/* More than the pool holds: its chunks, then CMA's. */
	b = chunk_heap_alloc_buffer(heap, SZ_2M, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_hits), 1);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_misses), 1);
	KUNIT_EXPECT_EQ(test, b->size, SZ_2M);

	/* Freed chunks fill the pool up to its target, never beyond. */
	put_buf(a);
	put_buf(b);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	KUNIT_EXPECT_EQ(test, heap->pool.dirty_pages, 0);
	KUNIT_EXPECT_EQ(test, heap->pool.busy_pages, 0);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.bytes), 0);

	/* Every successful allocation is in the histogram, once. */
	KUNIT_EXPECT_EQ(test, latency_total(heap), 2);
}

static void chunk_pool_whole_chunks_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-pool-round", ORDER_64K);
	struct chunk_runs *runs = chunk_test_runs(test);

	/* 100 KiB keeps two 64 KiB chunks. */
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, 100 * SZ_1K), 0);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_128K);

	/* Not for another order, nor another area. */
	runs->order = ORDER_64K + 1;
	KUNIT_EXPECT_EQ(test, chunk_pool_take(&heap->pool, runs,
					      chunk_test_reserved(test), 1), 0);
	runs->order = ORDER_64K;
	KUNIT_EXPECT_EQ(test, chunk_pool_take(&heap->pool, runs,
					      chunk_test_whole_area(test), 1), 0);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_128K);

	/* A run longer than asked for is split; the refill makes it up. */
	KUNIT_EXPECT_EQ(test, chunk_pool_take(&heap->pool, runs,
					      chunk_test_reserved(test), 1), 1);
	KUNIT_EXPECT_EQ(test, runs->nr_chunks, 1);
	KUNIT_EXPECT_EQ(test, runs->pool_chunks, 1);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_128K);
}

/* Bytes of @page and after that are not zero, up to @len. */
static bool nonzero(struct page *page, size_t len)
{
	return memchr_inv(page_address(page), 0, len);
}

static void chunk_pool_zero_after_free_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_whole_area(test);
	struct chunk_heap *heap = chunk_heap_create("kunit-pool-zero");
	struct iosys_map map;
	struct dma_buf *buf;
	struct page *first, *page;
	bool found = false;

	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_heap, heap), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_area(heap, area), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_order(heap, ORDER_64K), 0);
	chunk_heap_set_numa_policy(heap, CHUNK_NUMA_OFF);
	KUNIT_ASSERT_EQ(test, chunk_heap_enable(heap), 0);

	/* The whole area in one buffer, filled with a pattern. */
	buf = chunk_heap_alloc_buffer(heap, area->nr_pages << PAGE_SHIFT, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &map), 0);
	memset(map.vaddr, 0x5a, buf->size);
	first = vmalloc_to_page(map.vaddr);
	dma_buf_vunmap_unlocked(buf, &map);

	/* A refill finds the area full and takes nothing. */
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_1M), 0);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);
	KUNIT_EXPECT_GT(test, stat(&heap->stats.cma_failures), 0);

	/*
	 * The freed buffer's first 1 MiB goes to the pool, dirty: never on
	 * the ready list before the worker has zeroed it.
	 */
	put_buf(buf);
	spin_lock(&heap->pool.lock);
	list_for_each_entry(page, &heap->pool.ready, lru)
		KUNIT_EXPECT_FALSE(test, nonzero(page, page_private(page) * SZ_64K));
	spin_unlock(&heap->pool.lock);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	spin_lock(&heap->pool.lock);
	list_for_each_entry(page, &heap->pool.ready, lru) {
		found |= page == first;
		KUNIT_EXPECT_FALSE(test, nonzero(page, page_private(page) * SZ_64K));
	}
	spin_unlock(&heap->pool.lock);
	KUNIT_EXPECT_TRUE(test, found);

	/* And the next buffer, from the pool, reads zero. */
	buf = chunk_heap_alloc_buffer(heap, SZ_1M, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_hits), 1);
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &map), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(map.vaddr, 0, SZ_1M));
	dma_buf_vunmap_unlocked(buf, &map);
	put_buf(buf);
}

static void chunk_pool_drain_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-pool-drain", ORDER_64K);

	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_1M), 0);
	flush_pool(heap);
	KUNIT_ASSERT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);

	/* Disable drains at once, without the worker; enable refills. */
	KUNIT_EXPECT_EQ(test, chunk_heap_disable(heap), 0);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);
	KUNIT_EXPECT_EQ(test, heap->pool.target_bytes, SZ_1M);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_enable(heap), 0);
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);

	/* A smaller target gives back at once, 0 everything. */
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_512K), 0);
	KUNIT_EXPECT_LE(test, chunk_pool_ready_bytes(&heap->pool), SZ_512K);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, 0), 0);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, U64_MAX), -ERANGE);
	KUNIT_EXPECT_EQ(test, heap->pool.target_bytes, 0);

	/*
	 * The shrinker takes what reclaim asks for, in whole chunks, and
	 * holds the pool off until the node has memory to spare: in this guest,
	 * at once.
	 */
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_1M), 0);
	flush_pool(heap);
	KUNIT_ASSERT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	KUNIT_EXPECT_GE(test, chunk_pool_shrink(NUMA_NO_NODE, 1, true), SZ_64K >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M - SZ_64K);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_shrunk), SZ_64K);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(heap->pool.held));
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	KUNIT_EXPECT_FALSE(test, READ_ONCE(heap->pool.held));
	KUNIT_EXPECT_GE(test, chunk_pool_shrink(NUMA_NO_NODE, ULONG_MAX, true),
			SZ_1M >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);
	KUNIT_EXPECT_EQ(test, stat(&heap->stats.pool_shrunk), SZ_1M + SZ_64K);
}

/*
 * pool_min_bytes: reclaim leaves the floor, the OOM notifier's shrink
 * does not; and reclaim on another node takes nothing.
 */
static void chunk_pool_floor_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-pool-floor", ORDER_64K);
	int nid = chunk_test_reserved(test)->nid;

	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_1M), 0);
	chunk_pool_set_min(&heap->pool, SZ_512K + 1);
	flush_pool(heap);
	KUNIT_ASSERT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	/* The floor is in whole chunks: 512 KiB and one byte keeps 576 KiB. */
	chunk_pool_shrink(NUMA_NO_NODE, ULONG_MAX, true);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_512K + SZ_64K);
	chunk_pool_shrink(NUMA_NO_NODE, ULONG_MAX, false);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);

	/* A floor above the target keeps the target. */
	chunk_pool_set_min(&heap->pool, SZ_4M);
	flush_pool(heap);
	KUNIT_ASSERT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	KUNIT_EXPECT_EQ(test, chunk_pool_shrink(NUMA_NO_NODE, ULONG_MAX, true), 0);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	chunk_pool_set_min(&heap->pool, 0);

	if (nid == NUMA_NO_NODE || num_online_nodes() < 2)
		kunit_skip(test, "the area's node is not known, or there is one node");
	flush_pool(heap);
	KUNIT_EXPECT_EQ(test, chunk_pool_shrink(!nid, ULONG_MAX, true), 0);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	KUNIT_EXPECT_GE(test, chunk_pool_shrink(nid, ULONG_MAX, true), SZ_1M >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, chunk_pool_ready_bytes(&heap->pool), 0);
}

/*
 * In reclaim, the pages the pool gives back are reclaim's progress: left
 * out, kswapd gave a node up after 16 runs that freed only the pool.
 */
static void chunk_pool_reclaim_progress_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-pool-progress", ORDER_64K);
	struct reclaim_state rs = {}, *outer = current->reclaim_state;
	unsigned long freed;

	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, SZ_1M), 0);
	chunk_pool_set_min(&heap->pool, SZ_256K);
	flush_pool(heap);
	KUNIT_ASSERT_EQ(test, chunk_pool_ready_bytes(&heap->pool), SZ_1M);
	current->reclaim_state = &rs;
	freed = chunk_pool_shrink(NUMA_NO_NODE, ULONG_MAX, true);
	current->reclaim_state = outer;
	KUNIT_EXPECT_EQ(test, freed, (SZ_1M - SZ_256K) >> PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, chunk_reclaimed(&rs), freed);
}

static void chunk_lat_bucket_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(0), 0);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(1999), 0);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(2000), 1);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(3999), 1);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(4000), 2);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(200 * NSEC_PER_MSEC), 17);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(263 * NSEC_PER_MSEC), 18);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(16777216ULL * NSEC_PER_USEC),
			CHUNK_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket(U64_MAX), CHUNK_LAT_BUCKETS - 1);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket_floor_us(0), 0);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket_floor_us(1), 2);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket_floor_us(17), 131072);
	KUNIT_EXPECT_EQ(test, chunk_lat_bucket_floor_us(CHUNK_LAT_BUCKETS - 1), 16777216);
}

/*
 * Only the heap's own area fills its pool, so pool_bytes is bounded by
 * that area, and an area or order that cannot hold the pool is refused.
 */
static void chunk_pool_bound_test(struct kunit *test)
{
	const struct chunk_area *small = chunk_test_whole_area(test);
	const struct chunk_area *big = chunk_test_reserved(test);
	u64 small_bytes = (u64)small->nr_pages << PAGE_SHIFT;
	struct chunk_heap *heap = chunk_heap_create("kunit-pool-bound");

	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_heap, heap), 0);
	KUNIT_ASSERT_GT(test, big->nr_pages, small->nr_pages);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_area(heap, small), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_order(heap, ORDER_64K), 0);

	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, small_bytes + 1), -ERANGE);
	KUNIT_EXPECT_EQ(test, heap->pool.target_bytes, 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, small_bytes), 0);

	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(heap, big), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_pool_bytes(heap, small_bytes + SZ_1M), 0);
	/* The pool no longer fits the smaller area: refused, nothing changed. */
	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(heap, small), -ERANGE);
	KUNIT_EXPECT_PTR_EQ(test, heap->area, big);
	KUNIT_EXPECT_EQ(test, heap->pool.target_bytes, small_bytes + SZ_1M);
}

static struct kunit_case chunk_pool_cases[] = {
	KUNIT_CASE(chunk_pool_refill_take_test),
	KUNIT_CASE(chunk_pool_whole_chunks_test),
	KUNIT_CASE(chunk_pool_zero_after_free_test),
	KUNIT_CASE(chunk_pool_drain_test),
	KUNIT_CASE(chunk_pool_floor_test),
	KUNIT_CASE(chunk_pool_reclaim_progress_test),
	KUNIT_CASE(chunk_pool_bound_test),
	KUNIT_CASE(chunk_lat_bucket_test),
	{}
};

static struct kunit_suite chunk_pool_suite = {
	.name = "chunk_heap_pool",
	.test_cases = chunk_pool_cases,
};

kunit_test_suites(&chunk_pool_suite);
