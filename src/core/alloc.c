// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: the chunk allocator.
 *
 * Each cma_alloc() call pays a fixed cost (per-CPU list drains, page
 * isolation) that is far larger than the cost of zeroing one 64 KiB chunk,
 * so the allocator asks CMA for runs of chunks as long as the area can
 * give: first the whole request, and after a failure runs half as long,
 * keeping the length that last worked. An idle area gives a buffer in one
 * call.
 *
 * A shared area also holds movable pages, which cma_alloc() migrates, and
 * pages that someone keeps a reference on, which it cannot move. When the
 * range it tried holds such a page, cma_alloc() tries again one alignment
 * step further on, and each try drains every CPU and isolates the range
 * again. Aligning runs only to the chunk size would step a single page at
 * a time at order 0: thousands of tries for one pinned page. So a run of
 * n chunks is aligned to the largest power of two of chunks not above n,
 * and at most to the stride, the larger of the chunk and the pageblock
 * (the unit CMA isolates anyway). A busy page then costs at most two tries
 * per run length, whatever the chunk order, and short runs still pack
 * closely instead of each taking a pageblock of its own.
 *
 * Runs that CMA happens to place back to back are merged.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/cma.h>
#include <linux/highmem.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "../compat.h"
#include "core.h"
#include "../numa/numa.h"

/*
 * Pages zeroed between two checks for a fatal signal and cond_resched():
 * 256 KiB, so that on a kernel without preemption the pool's worker,
 * zeroing freed chunks, keeps an allocating task off its CPU for tens of
 * microseconds, not the millisecond of the 4 MiB slices before.
 */
#define CHUNK_ZERO_BATCH	(SZ_256K >> PAGE_SHIFT)

/**
 * chunk_len_to_chunks() - number of chunks a buffer of @len bytes needs
 * @len: requested length in bytes
 * @order: chunk order
 * @max_chunks: the most chunks that could ever be had, e.g. all the CMA
 *	areas' pages >> @order
 * @nr_chunks: the number of chunks, on success
 *
 * Checking @max_chunks first keeps every later byte count far from
 * overflowing, and refuses hopeless requests before anything is reserved.
 *
 * Return: 0; -EINVAL if @len is 0 or rounding it up to whole chunks
 * overflows; -ENOMEM if it needs more than @max_chunks chunks.
 */
int chunk_len_to_chunks(unsigned long len, unsigned int order,
			unsigned long max_chunks, unsigned long *nr_chunks)
{
	unsigned long chunk = PAGE_SIZE << order;
	unsigned long rounded;

	if (!len || check_add_overflow(len, chunk - 1, &rounded))
		return -EINVAL;
	if (rounded >> (PAGE_SHIFT + order) > min(max_chunks, UINT_MAX))
		return -ENOMEM;
	*nr_chunks = rounded >> (PAGE_SHIFT + order);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_len_to_chunks);

/**
 * chunk_zero_pages() - zero physically contiguous pages
 * @page: the first page
 * @nr_pages: how many
 *
 * Lowmem is zeroed with memset() in large slices, as the mainline CMA heap
 * does, which is several times faster than page by page in emulators and
 * no slower on hardware; highmem page by page. A fatal signal is looked
 * for after each slice, so that a killed task stops within one slice and
 * gives back everything it took; a kernel thread never has one.
 *
 * Return: 0, or -EINTR if a fatal signal arrived before the end.
 */
int chunk_zero_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long i, n;

	for (i = 0; i < nr_pages; i += n) {
		n = min(nr_pages - i, CHUNK_ZERO_BATCH);
		if (PageHighMem(page)) {
			unsigned long j;

			for (j = 0; j < n; j++)
				clear_highpage(nth_page(page, i + j));
		} else {
			memset(page_address(nth_page(page, i)), 0, n << PAGE_SHIFT);
		}
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
	}
	return 0;
}

static int chunk_runs_grow(struct chunk_runs *runs)
{
	unsigned int max = runs->max_runs ? runs->max_runs * 2 : 4;
	struct chunk_run *run;

	run = chunk_kvrealloc(runs->run, array_size(runs->max_runs, sizeof(*run)),
			      array_size(max, sizeof(*run)), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	runs->run = run;
	runs->max_runs = max;
	return 0;
}

/* The largest alignment of a run: a pageblock, or a chunk if larger. */
static unsigned int chunk_stride_order(unsigned int order)
{
	return max_t(unsigned int, order, pageblock_order);
}

/*
 * Ask @area for @n chunks aligned to 2^@align pages, zero them and append
 * them to @runs, merged with the last run if it is at least @first and
 * they follow it. Returns 0, -EAGAIN if CMA has no such run, -EINTR or
 * -ENOMEM (metadata).
 */
static int chunk_runs_get(struct chunk_runs *runs, unsigned int first,
			  const struct chunk_area *area, unsigned long n,
			  unsigned int align)
{
	struct chunk_run *run;
	struct page *page;

	if (runs->nr_runs == runs->max_runs && chunk_runs_grow(runs))
		return -ENOMEM;

	/*
	 * cma_alloc() gives up on a fatal signal while it migrates pages;
	 * zeroing looks for one too, so there is no need to look here first.
	 */
	runs->cma_calls++;
	page = cma_alloc(area->cma, n << runs->order, align, true);
	if (!page) {
		runs->cma_failures++;
		return fatal_signal_pending(current) ? -EINTR : -EAGAIN;
	}

	run = runs->nr_runs > first ? &runs->run[runs->nr_runs - 1] : NULL;
	if (run && page_to_pfn(run->page) + ((unsigned long)run->nr_chunks << runs->order) ==
	    page_to_pfn(page)) {
		run->nr_chunks += n;
	} else {
		run = &runs->run[runs->nr_runs++];
		run->page = page;
		run->nr_chunks = n;
		run->area = area->index;
	}
	runs->nr_chunks += n;
	return chunk_zero_pages(page, n << runs->order);
}

/**
 * chunk_runs_take() - take up to @want zeroed chunks from @area
 * @runs: runs to append to; @runs->order is the chunk order
 * @area: the CMA area
 * @want: chunks wanted
 *
 * Asks for all of them at once, and after a failure for the next smaller
 * power of two, keeping the length that last worked, so that a length
 * that failed is not asked for again. Stops when single chunks fail (the
 * area is exhausted). The chunks taken stay in @runs on failure too.
 *
 * Return: the number of chunks taken, or -EINTR or -ENOMEM (metadata).
 */
long chunk_runs_take(struct chunk_runs *runs, const struct chunk_area *area,
		     unsigned long want)
{
	unsigned int order = runs->order, stride = chunk_stride_order(order);
	unsigned long try = min(want, area->nr_pages >> order);
	unsigned long start = runs->nr_chunks, n;
	unsigned int first = runs->nr_runs;
	int ret;

	/* A per-node area may be smaller than one chunk: never ask for 0. */
	if (!try)
		return 0;

	while (runs->nr_chunks - start < want) {
		n = min(try, want - (runs->nr_chunks - start));
		ret = chunk_runs_get(runs, first, area, n,
				     min(stride, order + ilog2(n)));
		if (!ret)
			continue;
		if (ret != -EAGAIN)
			return ret;
		if (n == 1)
			break;
		/* Powers of two, as free holes in a CMA area tend to be. */
		try = is_power_of_2(n) ? n / 2 : rounddown_pow_of_two(n);
	}
	return runs->nr_chunks - start;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_runs_take);

/**
 * chunk_runs_append() - add a run of chunks to the end of @runs
 * @runs: the runs
 * @page: the run's first page
 * @nr_chunks: its chunks, of order @runs->order
 * @area: index of its area
 *
 * Return: 0, or -ENOMEM if the run array cannot grow; the run is then
 * not added.
 */
int chunk_runs_append(struct chunk_runs *runs, struct page *page,
		      unsigned int nr_chunks, unsigned int area)
{
	struct chunk_run *run;

	if (runs->nr_runs == runs->max_runs && chunk_runs_grow(runs))
		return -ENOMEM;
	run = &runs->run[runs->nr_runs++];
	run->page = page;
	run->nr_chunks = nr_chunks;
	run->area = area;
	runs->nr_chunks += nr_chunks;
	return 0;
}

/*
 * Reorder the chunks of the first @k steps (whose runs start at
 * first[0..k]) one by one, round-robin, into single-chunk runs; the runs of
 * later steps follow unchanged.
 */
static int chunk_runs_interleave(struct chunk_runs *runs,
				 const unsigned int *first, unsigned int k)
{
	unsigned int max = runs->nr_chunks, nr = 0, s, i;
	unsigned int *r, *off;
	struct chunk_run *out;
	bool more = true;

	out = kvmalloc_array(max, sizeof(*out), GFP_KERNEL);
	r = kcalloc(2 * k, sizeof(*r), GFP_KERNEL);
	if (!out || !r) {
		kvfree(out);
		kfree(r);
		return -ENOMEM;
	}
	off = r + k;
	for (s = 0; s < k; s++)
		r[s] = first[s];

	while (more) {
		more = false;
		for (s = 0; s < k; s++) {
			const struct chunk_run *run;

			if (r[s] == first[s + 1])
				continue;
			run = &runs->run[r[s]];
			out[nr].page = nth_page(run->page, off[s] << runs->order);
			out[nr].nr_chunks = 1;
			out[nr++].area = run->area;
			if (++off[s] == run->nr_chunks) {
				r[s]++;
				off[s] = 0;
			}
			more = true;
		}
		cond_resched();
	}
	for (i = first[k]; i < runs->nr_runs; i++)
		out[nr++] = runs->run[i];

	kfree(r);
	kvfree(runs->run);
	runs->run = out;
	runs->nr_runs = nr;
	runs->max_runs = max;
	return 0;
}

/*
 * One step of a plan: @want chunks of @area, from @pool first, then from
 * CMA, then from the pool again, which a refill may have filled while CMA
 * ran short. Returns 0, or -EINTR or -ENOMEM (metadata).
 */
static int chunk_runs_step(struct chunk_runs *runs, const struct chunk_area *area,
			   unsigned long want, struct chunk_pool *pool)
{
	unsigned long start = runs->nr_chunks;
	long ret = 0;

	if (pool)
		ret = chunk_pool_take(pool, runs, area, want);
	if (ret >= 0 && runs->nr_chunks - start < want)
		ret = chunk_runs_take(runs, area, want - (runs->nr_chunks - start));
	if (ret >= 0 && pool && runs->nr_chunks - start < want)
		ret = chunk_pool_take(pool, runs, area, want - (runs->nr_chunks - start));
	return ret < 0 ? ret : 0;
}

/**
 * chunk_runs_alloc() - fill @runs with @nr_chunks zeroed chunks
 * @runs: empty runs (zero-initialised)
 * @plan: the areas to take chunks from, from chunk_numa_plan()
 * @order: chunk order
 * @nr_chunks: number of chunks wanted, at least 1
 * @pool: a pool of zeroed chunks to take from first, or NULL
 *
 * Takes chunks of PAGE_SIZE << @order bytes, each aligned to its size,
 * from the plan's steps in order, in runs as long as each area allows, and
 * zeroes them. A step on the pool's area takes the pool's chunks first,
 * so that the pool never changes where a policy puts chunks. On failure
 * every chunk taken is released to CMA and @runs is left empty, but for
 * its counters.
 *
 * Return: 0; -ENOMEM if the areas have too few free chunks or metadata
 * cannot be allocated; -EINTR if a fatal signal arrived.
 */
int chunk_runs_alloc(struct chunk_runs *runs, const struct chunk_plan *plan,
		     unsigned int order, unsigned long nr_chunks,
		     struct chunk_pool *pool)
{
	unsigned long room = 0;
	unsigned int *first;
	unsigned int i;
	int ret = 0;

	runs->order = order;
	/* Fail at once, without asking CMA, if the areas are too small. */
	for (i = 0; i < plan->nr_steps; i++)
		room += min(plan->step[i].max, plan->step[i].area->nr_pages >> order);
	if (room < nr_chunks)
		return -ENOMEM;

	first = kcalloc(plan->nr_steps + 1, sizeof(*first), GFP_KERNEL);
	if (!first)
		return -ENOMEM;

	for (i = 0; i < plan->nr_steps; i++) {
		unsigned long want = min(plan->step[i].max,
					 nr_chunks - runs->nr_chunks);

		first[i] = runs->nr_runs;
		ret = want ? chunk_runs_step(runs, plan->step[i].area, want, pool) : 0;
		if (ret)
			goto fail;
	}
	first[plan->nr_steps] = runs->nr_runs;

	if (runs->nr_chunks < nr_chunks)
		ret = -ENOMEM;
	else if (plan->interleave > 1)
		ret = chunk_runs_interleave(runs, first, plan->interleave);
fail:
	kfree(first);
	if (ret)
		chunk_runs_free(runs);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_runs_alloc);

/**
 * chunk_runs_free() - release every chunk of @runs to its CMA area
 * @runs: runs filled by chunk_runs_alloc(); left empty
 */
void chunk_runs_free(struct chunk_runs *runs)
{
	unsigned int i;

	for (i = 0; i < runs->nr_runs; i++) {
		const struct chunk_run *run = &runs->run[i];
		const struct chunk_area *area = chunk_area_get(run->area);

		WARN_ON(!area ||
			!cma_release(area->cma, run->page,
				     (unsigned long)run->nr_chunks << runs->order));
		cond_resched();
	}
	kvfree(runs->run);
	runs->run = NULL;
	runs->nr_runs = 0;
	runs->max_runs = 0;
	runs->nr_chunks = 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_runs_free);
