// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for chunk heap buffers: run splitting and fallback on a
 * fragmented area, fatal signals, quota and accounting, and the dma-buf
 * exporter (sg_table shape, vmap, CPU access). They use the real CMA
 * areas ("reserved", cma=64M, and all of "pernuma0", cma_pernuma=16M) and
 * register real dma-heaps named kunit-*, which stay until the test kernel
 * stops.
 */
#include <kunit/test.h>
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fcntl.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "chunk_test.h"

/**
 * struct frag - an area left with holes by fragment()
 * @area:	the area
 * @base:	its first 64 KiB chunk
 * @hole:	chunks per hole, and per held block between holes
 * @nr_blocks:	blocks, held and free alternately, the first held
 */
struct frag {
	const struct chunk_area *area;
	struct page *base;
	unsigned long hole;
	unsigned long nr_blocks;
};

static void release_held(void *data)
{
	struct frag *f = data;
	unsigned long b;

	for (b = 0; b < f->nr_blocks; b += 2)
		cma_release(f->area->cma, nth_page(f->base, b * f->hole * PAGES_64K),
			    f->hole * PAGES_64K);
}

/*
 * Take the whole area as 64 KiB chunks, then give back every other
 * block of @hole chunks: the area is left with holes of @hole chunks,
 * each aligned to its size. The blocks still held go back when the test
 * ends, however it ends.
 */
static struct frag *fragment(struct kunit *test, unsigned long hole)
{
	struct chunk_runs *hog = chunk_test_runs(test);
	struct frag *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned long b;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->area = chunk_test_whole_area(test);
	f->hole = hole;
	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, hog, f->area, ORDER_64K,
						    f->area->nr_pages >> ORDER_64K), 0);
	/* An idle area gives it in one run. */
	KUNIT_ASSERT_EQ(test, hog->nr_runs, 1);
	f->base = hog->run[0].page;
	f->nr_blocks = hog->nr_chunks / hole;
	/* The tail that is no whole block goes back at once. */
	if (hog->nr_chunks > f->nr_blocks * hole)
		cma_release(f->area->cma,
			    nth_page(f->base, f->nr_blocks * hole * PAGES_64K),
			    (hog->nr_chunks - f->nr_blocks * hole) * PAGES_64K);
	kvfree(hog->run);
	memset(hog, 0, sizeof(*hog));

	for (b = 1; b < f->nr_blocks; b += 2)
		cma_release(f->area->cma, nth_page(f->base, b * hole * PAGES_64K),
			    hole * PAGES_64K);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, release_held, f), 0);
	return f;
}

/* @runs: @nr runs of @chunks chunks, each on 64 KiB, taken in @calls calls. */
static void expect_runs(struct kunit *test, const struct chunk_runs *runs,
			unsigned int nr, unsigned int chunks, unsigned long calls)
{
	unsigned int i;

	KUNIT_EXPECT_EQ(test, runs->nr_runs, nr);
	KUNIT_EXPECT_EQ(test, runs->cma_calls, calls);
	for (i = 0; i < runs->nr_runs; i++) {
		KUNIT_EXPECT_EQ(test, runs->run[i].nr_chunks, chunks);
		KUNIT_EXPECT_EQ(test, page_to_pfn(runs->run[i].page) % PAGES_64K, 0);
	}
}

/**
 * struct frag_case - a buffer from an area left with holes by fragment()
 * @desc:	what the case shows
 * @hole:	64 KiB chunks per hole
 * @order:	chunk order of the buffer
 * @want:	chunks of that order in the buffer
 * @nr_runs:	runs the buffer must come in
 * @chunks:	chunks in each run
 * @calls:	cma_alloc() calls, failed ones included
 * @rest:	then take every free chunk left, as 64 KiB chunks
 */
struct frag_case {
	const char *desc;
	unsigned long hole;
	unsigned int order;
	unsigned long want;
	unsigned int nr_runs;
	unsigned int chunks;
	unsigned long calls;
	bool rest;
};

static const struct frag_case frag_cases[] = {
	/* 32 single-chunk holes: 32, 16, 8, 4, 2 fail, then 32 calls of 1. */
	{ "64 KiB holes, 64 KiB chunks", 1, ORDER_64K, 32, 32, 1, 5 + 32, false },
	/* 4 MiB over 1 MiB holes: 4 and 2 MiB fail, then 4 runs of 16. */
	{ "1 MiB holes, 64 KiB chunks", 16, ORDER_64K, 64, 4, 16, 2 + 4, true },
	/*
	 * Single pages from 64 KiB holes: the cost follows the holes, not
	 * the pages. Four and two holes' worth fail, then one call per hole,
	 * each an aligned run of a hole's pages.
	 */
	{ "64 KiB holes, order 0", 1, 0, 4 * PAGES_64K, 4, PAGES_64K, 2 + 4, false },
};

static void frag_desc(const struct frag_case *c, char *desc)
{
	chunk_test_desc(desc, c->desc);
}

KUNIT_ARRAY_PARAM(frag, frag_cases, frag_desc);

static void chunk_fragmented_test(struct kunit *test)
{
	const struct frag_case *c = test->param_value;
	struct frag *f = fragment(test, c->hole);
	struct chunk_runs *runs = chunk_test_runs(test);

	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, runs, f->area, c->order,
						    c->want), 0);
	expect_runs(test, runs, c->nr_runs, c->chunks, c->calls);
	if (!c->rest)
		return;
	chunk_runs_free(runs);

	/* Every free chunk can still be had: half of the whole blocks. */
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, runs, f->area, ORDER_64K,
						    f->nr_blocks / 2 * c->hole), 0);
}

/*
 * Short buffers pack: a one-chunk buffer is aligned to its chunk, not to
 * a pageblock, so that small buffers do not each spoil a pageblock that a
 * large one, or another user of the area, could have had.
 */
static void chunk_small_buffers_pack_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_reserved(test);
	struct chunk_runs *a = chunk_test_runs(test);
	struct chunk_runs *b = chunk_test_runs(test);
	struct chunk_runs *c = chunk_test_runs(test);

	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, a, area, ORDER_64K, 1), 0);
	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, b, area, ORDER_64K, 1), 0);
	KUNIT_ASSERT_EQ(test, chunk_test_alloc_from(test, c, area, ORDER_64K, 2), 0);
	KUNIT_EXPECT_EQ(test, page_to_pfn(b->run[0].page),
			page_to_pfn(a->run[0].page) + PAGES_64K);
	KUNIT_EXPECT_EQ(test, page_to_pfn(c->run[0].page),
			page_to_pfn(a->run[0].page) + 2 * PAGES_64K);
}

/* The run metadata stays under 0.1 % of the buffer from order 2 up. */
static_assert(sizeof(struct chunk_run) * 1000 <= PAGE_SIZE << 2);

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

/*
 * Killed with 16 MiB to take: the first run is taken and partly zeroed,
 * then the signal is seen after the first slice, and the run goes back.
 */
static void chunk_fatal_signal_test(struct kunit *test)
{
	const struct chunk_area *area = chunk_test_whole_area(test);
	struct chunk_runs *runs = chunk_test_runs(test);
	int ret;

	send_sigkill_to_self(test);
	ret = chunk_test_alloc_from(test, runs, area, ORDER_64K, SZ_16M >> 16);
	clear_sigkill();
	KUNIT_EXPECT_EQ(test, ret, -EINTR);
	KUNIT_EXPECT_EQ(test, runs->cma_calls, 1);
	KUNIT_EXPECT_EQ(test, runs->nr_runs, 0);
	KUNIT_EXPECT_EQ(test, runs->nr_chunks, 0);
	KUNIT_EXPECT_NULL(test, runs->run);
	/* The area lost nothing: all of it can still be had at once. */
	runs->cma_calls = 0;
	KUNIT_EXPECT_EQ(test, chunk_test_alloc_from(test, runs, area, ORDER_64K,
						    area->nr_pages >> ORDER_64K), 0);
	KUNIT_EXPECT_EQ(test, runs->cma_calls, 1);
}

static void chunk_heap_fatal_signal_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-signal", ORDER_64K);
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
	struct chunk_heap *heap = enabled_heap(test, "kunit-quota", ORDER_64K);
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
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(heap, ORDER_64K + 1), -EBUSY);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(heap, chunk_test_reserved(test)), -EBUSY);
	KUNIT_EXPECT_EQ(test, chunk_heap_disable(heap), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(heap, ORDER_64K + 1), 0);
	a = chunk_heap_alloc_buffer(heap, SZ_64K, O_RDWR, 0);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(a), -ENODEV);
}

static void chunk_heap_reattach_test(struct kunit *test)
{
	struct chunk_heap *first = enabled_heap(test, "kunit-again", ORDER_64K);
	struct chunk_heap *second;
	struct dma_buf *buf;

	/* Two heaps cannot serve one name at once. */
	second = chunk_heap_create("kunit-again");
	KUNIT_ASSERT_NOT_NULL(test, second);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, put_heap, second), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_area(second, chunk_test_reserved(test)), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_set_order(second, ORDER_2M), 0);
	KUNIT_EXPECT_EQ(test, chunk_heap_enable(second), -EBUSY);

	/* Once the first retires, the second takes the name over. */
	buf = chunk_heap_alloc_buffer(first, SZ_64K, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_EXPECT_EQ(test, chunk_heap_disable(first), 0);
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

static struct device *dma_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	dev->coherent_dma_mask = DMA_BIT_MASK(64);
	dev->dma_mask = &dev->coherent_dma_mask;
	return dev;
}

/* Map @buf for a device whose segments are at most @max_seg bytes. */
static struct sg_table *map_for(struct kunit *test, struct dma_buf *buf,
				const char *name, unsigned int max_seg,
				struct dma_buf_attachment **att)
{
	struct device *dev = dma_device(test, name);
	struct sg_table *sgt;

	if (max_seg) {
		dev->dma_parms = kunit_kzalloc(test, sizeof(*dev->dma_parms), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, dev->dma_parms);
		dma_set_max_seg_size(dev, max_seg);
	}
	*att = dma_buf_attach(buf, dev);
	KUNIT_ASSERT_FALSE(test, IS_ERR(*att));
	sgt = dma_buf_map_attachment_unlocked(*att, DMA_TO_DEVICE);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sgt));
	return sgt;
}

static void unmap(struct dma_buf *buf, struct dma_buf_attachment *att,
		  struct sg_table *sgt)
{
	dma_buf_unmap_attachment_unlocked(att, sgt, DMA_TO_DEVICE);
	dma_buf_detach(buf, att);
}

/*
 * One sg entry per physically contiguous stretch, cut at the device's
 * maximum segment size: 64 KiB for a device that does not say. CPU access
 * syncs in the direction the buffer was mapped in, whatever the access
 * is for, or the DMA API debug code reports a mismatch.
 */
static void chunk_sg_table_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-sg", ORDER_64K);
	struct dma_buf_attachment *att;
	struct scatterlist *sg;
	struct sg_table *sgt;
	struct dma_buf *buf;
	unsigned int i;

	/* 1 MiB + 1 byte: 17 chunks, one run from an idle area. */
	buf = chunk_heap_alloc_buffer(heap, SZ_1M + 1, O_RDWR, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	KUNIT_EXPECT_EQ(test, buf->size, 17 * SZ_64K);

	sgt = map_for(test, buf, "chunk-heap-64k", 0, &att);
	KUNIT_EXPECT_EQ(test, sgt->orig_nents, 17);
	/*
	 * The dma-buf core hides the pages from importers when it debugs
	 * (CONFIG_DMABUF_DEBUG), so look at the DMA addresses: the test
	 * device maps directly, one entry per segment.
	 */
	KUNIT_EXPECT_EQ(test, sgt->nents, 17);
	for_each_sgtable_dma_sg(sgt, sg, i) {
		KUNIT_EXPECT_EQ(test, sg_dma_len(sg), SZ_64K);
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg) % SZ_64K, 0);
		KUNIT_EXPECT_EQ(test, sg_dma_address(sg),
				sg_dma_address(sgt->sgl) + i * SZ_64K);
	}
	KUNIT_EXPECT_EQ(test, dma_buf_begin_cpu_access(buf, DMA_FROM_DEVICE), 0);
	KUNIT_EXPECT_EQ(test, dma_buf_end_cpu_access(buf, DMA_FROM_DEVICE), 0);
	unmap(buf, att, sgt);

	/* A device that takes 1 MiB segments gets 1 MiB and 64 KiB. */
	sgt = map_for(test, buf, "chunk-heap-1m", SZ_1M, &att);
	KUNIT_ASSERT_EQ(test, sgt->nents, 2);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), SZ_1M);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sg_next(sgt->sgl)), SZ_64K);
	KUNIT_EXPECT_EQ(test, sg_dma_address(sg_next(sgt->sgl)),
			sg_dma_address(sgt->sgl) + SZ_1M);
	unmap(buf, att, sgt);

	/* One that takes 4 GiB gets the whole run at once. */
	sgt = map_for(test, buf, "chunk-heap-4g", UINT_MAX, &att);
	KUNIT_ASSERT_EQ(test, sgt->nents, 1);
	KUNIT_EXPECT_EQ(test, sg_dma_len(sgt->sgl), 17 * SZ_64K);
	unmap(buf, att, sgt);

	put_buf(buf);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), 0);
}

/* Map @len bytes of @buf from byte @off into the test's own mm. */
static unsigned long map_user(struct kunit *test, struct dma_buf *buf,
			      unsigned long len, unsigned long prot,
			      unsigned long flags, unsigned long off)
{
	return kunit_vm_mmap(test, buf->file, 0, len, prot, flags, off);
}

/*
 * mmap() honours the page offset, and a read-only buffer can be mapped
 * read-only and shared (the mapping has VM_MAYSHARE without VM_SHARED),
 * as with the mainline heaps; private mappings are refused.
 */
static void chunk_mmap_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-mmap", ORDER_64K);
	struct iosys_map map;
	struct dma_buf *buf;
	unsigned long addr, i;
	u8 got;

	buf = chunk_heap_alloc_buffer(heap, SZ_256K, O_RDONLY, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(buf));
	/* Page i starts with the byte i + 1. */
	KUNIT_ASSERT_EQ(test, dma_buf_vmap_unlocked(buf, &map), 0);
	for (i = 0; i < SZ_256K / PAGE_SIZE; i++)
		((u8 *)map.vaddr)[i * PAGE_SIZE] = i + 1;
	dma_buf_vunmap_unlocked(buf, &map);

	/* From the second 64 KiB chunk on, read-only and shared. */
	addr = map_user(test, buf, SZ_128K, PROT_READ, MAP_SHARED, SZ_64K);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr));
	KUNIT_ASSERT_NE(test, addr, 0);
	for (i = 0; i < SZ_128K / PAGE_SIZE; i++) {
		u8 __user *p = (u8 __user *)addr + i * PAGE_SIZE;

		KUNIT_ASSERT_EQ(test, copy_from_user(&got, p, 1), 0);
		KUNIT_EXPECT_EQ(test, got, (u8)(SZ_64K / PAGE_SIZE + i + 1));
	}
	vm_munmap(addr, SZ_128K);

	/* A read-only buffer cannot be mapped writable. */
	addr = map_user(test, buf, SZ_64K, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, -EACCES);
	/* Private mappings would copy on write: refused. */
	addr = map_user(test, buf, SZ_64K, PROT_READ, MAP_PRIVATE, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, -EINVAL);
	/* Past the end of the buffer. */
	addr = map_user(test, buf, SZ_64K, PROT_READ, MAP_SHARED, SZ_256K);
	KUNIT_EXPECT_TRUE(test, IS_ERR_VALUE(addr));

	put_buf(buf);
	KUNIT_EXPECT_EQ(test, atomic64_read(&heap->stats.bytes), 0);
}

static void chunk_vmap_test(struct kunit *test)
{
	struct chunk_heap *heap = enabled_heap(test, "kunit-vmap", ORDER_64K);
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
	KUNIT_CASE_PARAM(chunk_fragmented_test, frag_gen_params),
	KUNIT_CASE(chunk_small_buffers_pack_test),
	KUNIT_CASE(chunk_fatal_signal_test),
	KUNIT_CASE(chunk_heap_fatal_signal_test),
	KUNIT_CASE(chunk_quota_accounting_test),
	KUNIT_CASE(chunk_heap_reattach_test),
	KUNIT_CASE(chunk_heap_name_taken_test),
	KUNIT_CASE(chunk_sg_table_test),
	KUNIT_CASE(chunk_mmap_test),
	KUNIT_CASE(chunk_vmap_test),
	{}
};

static struct kunit_suite chunk_buffer_suite = {
	.name = "chunk_heap_buffer",
	.test_cases = chunk_buffer_cases,
};

kunit_test_suites(&chunk_buffer_suite);
