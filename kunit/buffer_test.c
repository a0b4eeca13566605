// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for chunk heap buffers: run splitting and fallback on a
 * fragmented area, fatal signals, quota and accounting, and the dma-buf
 * exporter (sg_table shape, vmap, CPU access). They use the real default
 * CMA area ("reserved", cma=64M) and register real dma-heaps named
 * kunit-*, which stay until the test kernel stops.
 */
#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fcntl.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "chunk_test.h"

/*
 * Take the whole area as order-4 chunks, then give back every other
 * block of @hole chunks: the area is left with holes of @hole chunks.
 * Returns the first page of the area's chunks; the caller releases the
 * blocks still held with release_held().
 */
static struct page *fragment(struct kunit *test, const struct chunk_area *area,
			     unsigned long hole, unsigned long *nr_blocks)
{
	struct chunk_runs hog = {};
	unsigned long all = area->nr_pages >> 4, b;
	struct page *base;

	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, &hog, area, 4, all), 0);
	/* An idle area gives it in one run. */
	KUNIT_ASSERT_EQ(test, hog.nr_runs, 1);
	base = hog.run[0].page;
	*nr_blocks = hog.run[0].nr_chunks / hole;
	kvfree(hog.run);

	for (b = 1; b < *nr_blocks; b += 2)
		cma_release(area->cma, nth_page(base, b * hole * 16), hole * 16);
	/* The tail that is no whole block goes back as well. */
	if (hog.nr_chunks > *nr_blocks * hole)
		cma_release(area->cma, nth_page(base, *nr_blocks * hole * 16),
			    (hog.nr_chunks - *nr_blocks * hole) * 16);
	return base;
}

static void release_held(const struct chunk_area *area, struct page *base,
			 unsigned long hole, unsigned long nr_blocks)
{
	unsigned long b;

	for (b = 0; b < nr_blocks; b += 2)
		cma_release(area->cma, nth_page(base, b * hole * 16), hole * 16);
}

static void chunk_fragmented_64k_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_reserved(test);
	struct chunk_runs runs = {};
	unsigned long blocks;
	struct page *base;
	unsigned int i;

	base = fragment(test, area, 1, &blocks);
	/* 32 single-chunk holes: 32, 16, 8, 4, 2 fail, then 32 calls of 1. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, &runs, area, 4, 32), 0);
	KUNIT_EXPECT_EQ(test, runs.nr_runs, 32);
	KUNIT_EXPECT_EQ(test, runs.cma_calls, 5 + 32);
	for (i = 0; i < runs.nr_runs; i++) {
		KUNIT_EXPECT_EQ(test, runs.run[i].nr_chunks, 1);
		KUNIT_EXPECT_EQ(test, page_to_pfn(runs.run[i].page) % 16, 0);
	}
	chunk_runs_free(&runs);
	release_held(area, base, 1, blocks);
}

static void chunk_fragmented_1m_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_reserved(test);
	struct chunk_runs runs = {};
	unsigned long blocks;
	struct page *base;
	unsigned int i;

	base = fragment(test, area, 16, &blocks);
	/* 4 MiB over 1 MiB holes: 64 and 32 fail, then 4 runs of 16. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, &runs, area, 4, 64), 0);
	KUNIT_EXPECT_EQ(test, runs.nr_runs, 4);
	KUNIT_EXPECT_EQ(test, runs.cma_calls, 2 + 4);
	for (i = 0; i < runs.nr_runs; i++)
		KUNIT_EXPECT_EQ(test, runs.run[i].nr_chunks, 16);
	chunk_runs_free(&runs);

	/* Every free chunk can still be had: half of the whole blocks. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, &runs, area, 4, blocks / 2 * 16), 0);
	chunk_runs_free(&runs);
	release_held(area, base, 16, blocks);
}

/* The run metadata stays under 0.1 % of the buffer from order 2 up. */
static void chunk_metadata_bound_test(struct kunit *test)
{
	KUNIT_EXPECT_LE(test, sizeof(struct chunk_run) * 1000, PAGE_SIZE << 2);
}

static void send_sigkill_to_self(struct kunit *test)
{
	allow_signal(SIGKILL);
	send_sig(SIGKILL, current, 1);
	KUNIT_ASSERT_TRUE(test, fatal_signal_pending(current));
}

static void clear_sigkill(void)
{
	flush_signals(current);
	disallow_signal(SIGKILL);
}

static void chunk_fatal_signal_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_reserved(test);
	struct chunk_runs runs = {};
	int ret;

	send_sigkill_to_self(test);
	ret = chunk_test_alloc_from(test, &runs, area, 4, 16);
	clear_sigkill();
	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	KUNIT_EXPECT_EQ(test, runs.nr_runs, 0);
	KUNIT_EXPECT_NULL(test, runs.run);
	/* The area lost nothing: all of it can still be had at once. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, &runs, area, 4, area->nr_pages >> 4), 0);
	chunk_runs_free(&runs);
}

/* Drop a buffer and wait for its release, which fput() defers. */
static void put_buf(struct dma_buf *buf)
{
	dma_buf_put(buf);
	flush_delayed_fput();
}

static void put_heap(void *heap)
{
	chunk_heap_disable(heap);
	chunk_heap_put(heap);
}

static struct chunk_heap *enabled_heap(struct kunit *test, const char *name,
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

static void chunk_heap_fatal_signal_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-signal", 4);
	struct dma_buf *buf;

	send_sigkill_to_self(test);
	buf = chunk_heap_alloc_buffer(heap, SZ_1M, O_RDWR, 0);
	clear_sigkill();
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(buf), -EINTR);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.buffers), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.failures), 0);
}

static void chunk_quota_accounting_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-quota", 4);
	unsigned int idx = chunk_test_reserved(test)->index;
	struct dma_buf *a, *b, *c;

	chunk_heap_set_max_bytes(heap, SZ_128K);
	a = chunk_heap_alloc_buffer(heap, SZ_64K, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_EXPECT_EQ(test, a->size, SZ_64K);
	KUNIT_EXPECT_STREQ(test, a->exp_name, "kunit-quota");
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), SZ_64K);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.buffers), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.area_bytes[idx]), SZ_64K);

	/* More than all CMA areas hold: refused before anything is reserved. */
	b = chunk_heap_alloc_buffer(heap, -(unsigned long)SZ_64K, O_RDWR, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.failures), 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), SZ_64K);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.cma_calls), 1);

	/* 100 KiB rounds up to 128 KiB: past the quota. */
	b = chunk_heap_alloc_buffer(heap, 100 * SZ_1K, O_RDWR, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(b), -ENOMEM);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.failures), 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), SZ_64K);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.cma_calls), 1);

	c = chunk_heap_alloc_buffer(heap, 1, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), SZ_128K);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.peak), SZ_128K);
	KUNIT_EXPECT_EQ(test, chunk_heap_node_bytes(heap, chunk_test_reserved(test)->nid), SZ_128K);

	put_buf(a);
	put_buf(c);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.buffers), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.area_bytes[idx]), 0);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.peak), SZ_128K);

	/* Settings that need a disabled heap. */
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(heap, 5), -EBUSY);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(heap, chunk_test_reserved(test)), -EBUSY);
	chunk_heap_disable(heap);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(heap, 5), 0);
	a = chunk_heap_alloc_buffer(heap, SZ_64K, O_RDWR, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(a), -ENODEV);
}

static void chunk_heap_reattach_test(struct kunit *test)
{
	struct chunk_heap *first = enabled_heap(test, "kunit-again", 4);
	struct chunk_heap *second;
	struct dma_buf *buf;

	/* Two heaps cannot serve one name at once. */
	second = chunk_heap_create("kunit-again");
	KUNIT_ASSERT_NOT_NULL(test, second);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_heap, second), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(second, chunk_test_reserved(test)), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(second, 9), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_enable(second), -EBUSY);

	/* Once the first retires, the second takes the name over. */
	buf = chunk_heap_alloc_buffer(first, SZ_64K, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	chunk_heap_disable(first);
	KUNIT_EXPECT_EQ(test, chunk_heap_enable(second), 0);
	KUNIT_EXPECT_TRUE(test, chunk_heap_enabled(second));
	KUNIT_EXPECT_FALSE(test, chunk_heap_enabled(first));
	/* The first heap's buffer outlives its heap's retirement. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&first->stats.bytes), SZ_64K);
	put_buf(buf);
	KUNIT_EXPECT_EQ(test, atomic64_read(&first->stats.bytes), 0);
}

static void chunk_heap_name_taken_test(struct kunit *test)
{
	/* The mainline CMA heap registered "reserved" at boot. */
	struct chunk_heap *heap = chunk_heap_create("reserved");

	KUNIT_ASSERT_NOT_NULL(test, heap);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_heap, heap), 0);
	KUNIT_ASSERT_EQ(test, chunk_heap_set_area(heap, chunk_test_reserved(test)), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_enable(heap), -EEXIST);
	KUNIT_EXPECT_FALSE(test, chunk_heap_enabled(heap));
}

static struct device *dma_device(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "chunk-heap-test");

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	dev->coherent_dma_mask = DMA_BIT_MASK(64);
	dev->dma_mask = &dev->coherent_dma_mask;
	return dev;
}

static void chunk_sg_table_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-sg", 4);
	struct dma_buf_attachment *att;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct dma_buf *buf;
	unsigned int i;

	/* 1 MiB + 1 byte: 17 chunks. */
	buf = chunk_heap_alloc_buffer(heap, SZ_1M + 1, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_EXPECT_EQ(test, buf->size, 17 * SZ_64K);

	att = dma_buf_attach(buf, dma_device(test));
	KUNIT_ASSERT_FALSE(test, IS_ERR(att));
	sgt = dma_buf_map_attachment_unlocked(att, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sgt));

	/* One entry per chunk, each a whole aligned chunk. */
	KUNIT_EXPECT_EQ(test, sgt->orig_nents, 17);
	for_each_sgtable_sg(sgt, sg, i) {
		KUNIT_EXPECT_EQ(test, sg->length, SZ_64K);
		KUNIT_EXPECT_EQ(test, sg->offset, 0);
		KUNIT_EXPECT_EQ(test, page_to_pfn(sg_page(sg)) % 16, 0);
	}
	KUNIT_EXPECT_GE(test, sgt->nents, 1);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf, DMA_FROM_DEVICE), 0);

	dma_buf_unmap_attachment_unlocked(att, sgt, DMA_TO_DEVICE);
	dma_buf_detach(buf, att);
	put_buf(buf);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), 0);
}

static void chunk_vmap_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-vmap", 4);
	struct iosys_map map, again;
	struct dma_buf *buf;
	u8 *va;

	buf = chunk_heap_alloc_buffer(heap, SZ_256K, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));

	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &map), 0);
	va = map.vaddr;
	KUNIT_EXPECT_NULL(test, memchr_inv(va, 0, SZ_256K));
	memset(va, 0x5a, SZ_256K);

	/* A second vmap shares the mapping. */
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &again), 0);
	KUNIT_EXPECT_PTR_EQ(test, again.vaddr, map.vaddr);
	dma_buf_vunmap_unlocked(buf, &again);
	KUNIT_EXPECT_EQ(test, va[SZ_256K - 1], 0x5a);
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf, DMA_BIDIRECTIONAL), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf, DMA_BIDIRECTIONAL), 0);
	dma_buf_vunmap_unlocked(buf, &map);
	put_buf(buf);

	/* The chunks come back zeroed next time. */
	buf = chunk_heap_alloc_buffer(heap, SZ_256K, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &map), 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(map.vaddr, 0, SZ_256K));
	dma_buf_vunmap_unlocked(buf, &map);
	put_buf(buf);
}

static struct kunit_case chunk_buffer_cases[] = {
	KUNIT_CASE(chunk_fragmented_64k_test),
	KUNIT_CASE(chunk_fragmented_1m_test),
	KUNIT_CASE(chunk_metadata_bound_test),
	KUNIT_CASE(chunk_fatal_signal_test),
	KUNIT_CASE(chunk_heap_fatal_signal_test),
	KUNIT_CASE(chunk_quota_accounting_test),
	KUNIT_CASE(chunk_heap_reattach_test),
	KUNIT_CASE(chunk_heap_name_taken_test),
	KUNIT_CASE(chunk_sg_table_test),
	KUNIT_CASE(chunk_vmap_test),
	{}
};

static struct kunit_suite chunk_buffer_suite = {
	.name = "chunk_heap_buffer",
	.test_cases = chunk_buffer_cases,
};

kunit_test_suites(&chunk_buffer_suite);
