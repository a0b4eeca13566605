// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: the chunk allocator.
 *
 * Each cma_alloc() call pays a fixed cost (per-CPU list drains, page
 * isolation) that is far larger than the cost of zeroing one 64 KiB chunk,
 * so the allocator asks CMA for runs of chunks as long as the area can
 * give: first the whole request, and on failure runs half as long, down to
 * single chunks. A run that succeeded sets the length of the next try, so a
 * fragmented area costs about one call per free hole the buffer spans, and
 * an idle one a single call. Every run is aligned to the chunk size, so
 * every chunk in it is naturally aligned.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/cma.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "core.h"
#include "../numa/numa.h"

/* Pages zeroed between two checks for a fatal signal (1 MiB). */
#define CHUNK_ZERO_BATCH	(SZ_1M >> PAGE_SHIFT)

/**
 * chunk_len_to_chunks() - number of chunks a buffer of @len bytes needs
 * @len: requested length in bytes
 * @order: chunk order
 * @nr_chunks: the number of chunks, on success
 *
 * Return: 0, or -EINVAL if @len is 0 or rounding it up to whole chunks
 * overflows.
 */
int chunk_len_to_chunks(unsigned long len, unsigned int order,
			unsigned long *nr_chunks)
{
	unsigned long chunk = PAGE_SIZE << order;
	unsigned long rounded;

	if (!len || check_add_overflow(len, chunk - 1, &rounded))
		return -EINVAL;
	*nr_chunks = rounded >> (PAGE_SHIFT + order);
	return 0;
}

static int chunk_zero_pages(struct page *page, unsigned long nr_pages)
{
	unsigned long i;

	for (i = 0; i < nr_pages; i++) {
		if (!(i % CHUNK_ZERO_BATCH) && fatal_signal_pending(current))
			return -EINTR;
		clear_highpage(nth_page(page, i));
	}
	return 0;
}

static int chunk_runs_grow(struct chunk_runs *runs)
{
	unsigned int max = runs->max_runs ? runs->max_runs * 2 : 4;
	struct chunk_run *run;

	run = kvrealloc(runs->run, array_size(max, sizeof(*run)), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	runs->run = run;
	runs->max_runs = max;
	return 0;
}

/**
 * chunk_runs_alloc() - fill @runs with @nr_chunks zeroed chunks
 * @runs: empty runs (zero-initialised)
 * @area: the CMA area to allocate from
 * @order: chunk order
 * @nr_chunks: number of chunks wanted, at least 1
 *
 * Allocates chunks of PAGE_SIZE << @order bytes, each aligned to its size,
 * in runs as long as the area allows, and zeroes them. On failure every
 * chunk taken is released and @runs is left empty.
 *
 * Return: 0; -ENOMEM if the area has too few free chunks or metadata
 * cannot be allocated; -EINTR if a fatal signal arrived.
 */
int chunk_runs_alloc(struct chunk_runs *runs, const struct chunk_area *area,
		     unsigned int order, unsigned long nr_chunks)
{
	unsigned long try = nr_chunks;
	int ret = 0;

	runs->order = order;
	if (nr_chunks > area->nr_pages >> order)
		return -ENOMEM;

	while (runs->nr_chunks < nr_chunks) {
		unsigned long n = min(try, nr_chunks - runs->nr_chunks);
		struct chunk_run *run;
		struct page *page;

		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (runs->nr_runs == runs->max_runs) {
			ret = chunk_runs_grow(runs);
			if (ret)
				break;
		}

		runs->cma_calls++;
		page = cma_alloc(area->cma, n << order, order, true);
		if (!page) {
			if (n == 1) {
				ret = -ENOMEM;
				break;
			}
			try = n / 2;
			continue;
		}

		run = &runs->run[runs->nr_runs++];
		run->page = page;
		run->nr_chunks = n;
		run->area = area->index;
		runs->nr_chunks += n;

		ret = chunk_zero_pages(page, n << order);
		if (ret)
			break;
	}

	if (ret)
		chunk_runs_free(runs);
	return ret;
}

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

		if (WARN_ON(!area ||
			    !cma_release(area->cma, run->page,
					 (unsigned long)run->nr_chunks << runs->order)))
			continue;
	}
	kvfree(runs->run);
	runs->run = NULL;
	runs->nr_runs = 0;
	runs->max_runs = 0;
	runs->nr_chunks = 0;
}
