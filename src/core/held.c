// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: pages held aside after their buffer is freed.
 *
 * A freed buffer's chunks go to a pool or back to CMA only when the heap
 * holds the only reference on each of their pages. Userspace cannot take
 * one (the mapping is a PFN map, which GUP refuses), but a misbehaving
 * importer can, and such a page would reach its next owner while the
 * holder still reads and writes it; free_contig_range() would also warn.
 * So a referenced page is held aside, counted in the heap's held_bytes,
 * and a worker gives it back to CMA once the extra references are gone.
 * The rest of its chunk goes back at once: chunks are not compound pages,
 * so a reference reaches one page only, and CMA takes back any page of
 * the areas the module uses (areas.c leaves out the others).
 *
 * A held page is linked through its lru field into its area's list, and
 * keeps its heap in its private field, as the pool's pages do, so holding
 * one needs no memory. Its area is known by the list: not every kernel
 * says where an area lies. Each held page holds a heap reference; rmdir
 * runs the worker at once.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/cma.h>
#include <linux/jiffies.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "../compat.h"
#include "core.h"
#include "../numa/numa.h"

/* How often the worker looks again at pages that are still referenced. */
#define CHUNK_HELD_RECHECK	HZ

/* The held pages of each area, by the area's index. */
static struct list_head chunk_held_pages[MAX_CMA_AREAS];
static DEFINE_SPINLOCK(chunk_held_lock);
static void chunk_held_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(chunk_held_work, chunk_held_work_fn);

/* Whether anyone but the heap holds a reference on @page. */
static bool chunk_page_referenced(struct page *page)
{
	return page_ref_count(page) != 1;
}

/*
 * A count of 0 means a holder put the heap's own reference too, and the
 * page allocator has the page already: leave it alone, never hold it
 * (its lru is the allocator's now) nor give it back.
 */
static bool chunk_page_lost(struct chunk_heap *heap, struct page *page)
{
	if (page_ref_count(page))
		return false;
	pr_err_ratelimited("%s: a freed buffer's page lost its last reference elsewhere; it is not given back\n",
			   heap->name);
	return true;
}

static void chunk_held_release(const struct chunk_area *area,
			       struct page *page, unsigned long nr_pages)
{
	if (nr_pages && !WARN_ON(!area))
		WARN_ON(!cma_release(area->cma, page, nr_pages));
}

/*
 * Give back the pages of @run that no one else references and hold the
 * others aside. Return: the number of pages held.
 */
static unsigned long chunk_held_split(struct chunk_heap *heap,
				      const struct chunk_run *run,
				      unsigned int order)
{
	const struct chunk_area *area = chunk_area_get(run->area);
	unsigned long nr = (unsigned long)run->nr_chunks << order;
	unsigned long p, clean = 0, held = 0;

	for (p = 0; p < nr; p++) {
		struct page *page = nth_page(run->page, p);

		if (!chunk_page_referenced(page))
			continue;
		chunk_held_release(area, nth_page(run->page, clean), p - clean);
		clean = p + 1;
		if (chunk_page_lost(heap, page))
			continue;
		kref_get(&heap->ref);
		set_page_private(page, (unsigned long)heap);
		atomic64_add(PAGE_SIZE, &heap->stats.held_bytes);
		spin_lock(&chunk_held_lock);
		list_add_tail(&page->lru, &chunk_held_pages[run->area]);
		spin_unlock(&chunk_held_lock);
		held++;
	}
	chunk_held_release(area, nth_page(run->page, clean), nr - clean);
	return held;
}

/**
 * chunk_held_sort() - take referenced pages out of a freed buffer's runs
 * @heap: the heap the buffer came from
 * @runs: the buffer's chunks
 *
 * A run with a page that someone else still references leaves @runs: that
 * page is held aside until the reference is gone, and the run's other
 * pages go back to CMA now. What is left in @runs may be reused.
 */
void chunk_held_sort(struct chunk_heap *heap, struct chunk_runs *runs)
{
	unsigned int i, kept = 0;
	unsigned long held = 0;

	for (i = 0; i < runs->nr_runs; i++) {
		const struct chunk_run *run = &runs->run[i];
		unsigned long nr = (unsigned long)run->nr_chunks << runs->order;
		unsigned long p;

		for (p = 0; p < nr; p++)
			if (chunk_page_referenced(nth_page(run->page, p)))
				break;
		if (p == nr) {
			runs->run[kept++] = *run;
		} else {
			runs->nr_chunks -= run->nr_chunks;
			held += chunk_held_split(heap, run, runs->order);
		}
		cond_resched();
	}
	runs->nr_runs = kept;
	if (!held)
		return;
	pr_warn_ratelimited("%s: a freed buffer's pages are still referenced: %lu bytes held aside\n",
			    heap->name, held << PAGE_SHIFT);
	/* Not mod_delayed_work(): frequent releases would postpone it for good. */
	queue_delayed_work(system_wq, &chunk_held_work, CHUNK_HELD_RECHECK);
}

/* Give back the pages of @area's list that nobody references now. */
static bool chunk_held_scan(const struct chunk_area *area)
{
	struct list_head *held = &chunk_held_pages[area->index];
	struct page *page, *next;
	LIST_HEAD(list);
	bool again;

	spin_lock(&chunk_held_lock);
	list_splice_init(held, &list);
	spin_unlock(&chunk_held_lock);

	list_for_each_entry_safe(page, next, &list, lru) {
		struct chunk_heap *heap = (struct chunk_heap *)page_private(page);

		if (chunk_page_referenced(page))
			continue;
		list_del(&page->lru);
		set_page_private(page, 0);
		chunk_held_release(area, page, 1);
		atomic64_sub(PAGE_SIZE, &heap->stats.held_bytes);
		chunk_heap_put(heap);
		cond_resched();
	}

	spin_lock(&chunk_held_lock);
	list_splice(&list, held);
	again = !list_empty(held);
	spin_unlock(&chunk_held_lock);
	return again;
}

static void chunk_held_work_fn(struct work_struct *work)
{
	unsigned int i;
	bool again = false;

	for (i = 0; i < chunk_area_count(); i++)
		again |= chunk_held_scan(chunk_area_get(i));
	if (again)
		schedule_delayed_work(&chunk_held_work, CHUNK_HELD_RECHECK);
}

/**
 * chunk_held_init() - prepare the held lists, one per area
 */
void chunk_held_init(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chunk_held_pages); i++)
		INIT_LIST_HEAD(&chunk_held_pages[i]);
}

/**
 * chunk_held_kick() - look at the held pages now
 *
 * Called when a heap is removed, so that what it still holds goes back as
 * soon as it may.
 */
void chunk_held_kick(void)
{
	mod_delayed_work(system_wq, &chunk_held_work, 0);
}

/**
 * chunk_held_exit() - stop the worker at module exit
 *
 * Held pages came from buffers of an enabled heap, whose registered name
 * keeps the module loaded for good, so none can be left here.
 */
void chunk_held_exit(void)
{
	unsigned int i;

	cancel_delayed_work_sync(&chunk_held_work);
	for (i = 0; i < ARRAY_SIZE(chunk_held_pages); i++)
		WARN_ON(!list_empty(&chunk_held_pages[i]));
}
