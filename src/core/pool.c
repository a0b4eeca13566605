// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: the pool of ready, zeroed chunks.
 *
 * A heap with pool_bytes set keeps that many bytes of chunks taken from
 * its own area and zeroed ahead of time, so that an allocation on a busy
 * area need not wait for CMA to migrate pages. The pool is empty while
 * the heap is disabled.
 *
 * Chunks reach the pool two ways, both through a worker on an unbound
 * workqueue, queued on the area's node, never in an allocating task:
 *  - refill: the worker takes what the pool lacks from CMA, zeroed;
 *  - return: a freed buffer's chunks of the pool's area and order go on
 *    the dirty list, up to the target, and the worker zeroes them before
 *    they join the ready list. The rest goes back to CMA at once.
 * Only the ready list is ever handed out, so a chunk is zeroed after its
 * last user and before the next.
 *
 * A run in a list is linked through the lru field of its first page, the
 * way the system heap keeps its pages, and the page's private field holds
 * its number of chunks. The lists hold only chunks of @area and @order:
 * a drain (disable, rmdir) empties them and bumps @gen, so that what the
 * worker was zeroing or taking from CMA then goes back to CMA when it is
 * done. Nothing here ever waits for the worker or for CMA: the control
 * plane only takes the pool's spinlock.
 *
 * One shrinker, NUMA-aware, serves every pool. Under memory pressure on
 * a node it gives back to CMA what reclaim asks for, from the pools whose
 * area is on that node and above their floor (pool_min_bytes), so that
 * the rest of the system can borrow those pages for movable allocations;
 * the floor goes only when the OOM killer would run. Until the node has
 * memory to spare again, refills and returns then fill the pool up to its
 * floor only (not at all after the OOM killer's call), and refills take
 * at most CHUNK_POOL_STEP from CMA at a time: CMA migrates pages under
 * one global mutex, which other heaps and drivers wait for meanwhile.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/cma.h>
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/oom.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/swap.h>
#include <linux/workqueue.h>

#include "../compat.h"
#include "core.h"
#include "chunk_trace.h"
#include "../numa/numa.h"

/* Pages a refill takes from CMA at a time, at least one chunk. */
#define CHUNK_POOL_STEP		(SZ_8M >> PAGE_SHIFT)
/* How often a pool held off by reclaim looks whether it is over. */
#define CHUNK_POOL_POLL		(HZ / 10)
/* How long a take waits to refill: time for a stream's buffer to return. */
#define CHUNK_POOL_SETTLE	max(HZ / 50, 1)

static struct workqueue_struct *chunk_pool_wq;
static struct shrinker *chunk_pool_shrinker;
/*
 * Every heap's pool, for the shrinker. The lock is a spinlock so that the
 * last put of a heap, wherever it happens, can take the heap's pool off.
 */
static LIST_HEAD(chunk_pools);
static DEFINE_SPINLOCK(chunk_pools_lock);

static struct chunk_heap *pool_heap(struct chunk_pool *pool)
{
	return container_of(pool, struct chunk_heap, pool);
}

/* Put a run of @nr_chunks chunks on @list. */
static void pool_add(struct list_head *list, struct page *page,
		     unsigned long nr_chunks)
{
	set_page_private(page, nr_chunks);
	list_add_tail(&page->lru, list);
}

/* Give @nr_pages pages from @page back to @area. */
static void pool_release(const struct chunk_area *area, struct page *page,
			 unsigned long nr_pages)
{
	set_page_private(page, 0);
	WARN_ON(!cma_release(area->cma, page, nr_pages));
}

/* Give every run of @list, of chunks of @order, back to @area. */
static void pool_release_list(struct list_head *list,
			      const struct chunk_area *area, unsigned int order)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, list, lru) {
		list_del(&page->lru);
		pool_release(area, page, page_private(page) << order);
		cond_resched();
	}
}

/* @bytes in pages, rounded up to whole chunks of the pool's order. */
static unsigned long pool_pages(struct chunk_pool *pool, u64 bytes)
{
	unsigned long chunk = PAGE_SIZE << pool->order;

	return (unsigned long)DIV_ROUND_UP_ULL(bytes, chunk) << pool->order;
}

/* The target in pages: pool_bytes rounded up to whole chunks. */
static unsigned long pool_target(struct chunk_pool *pool)
{
	return pool_pages(pool, pool->target_bytes);
}

/* Pages above the floor (pool_min_bytes, at most the target). */
static unsigned long pool_freeable(struct chunk_pool *pool)
{
	unsigned long held = READ_ONCE(pool->ready_pages) + READ_ONCE(pool->dirty_pages);
	unsigned long floor = pool_pages(pool, min(READ_ONCE(pool->min_bytes),
						  READ_ONCE(pool->target_bytes)));

	return held > floor ? held - floor : 0;
}

/* Whether reclaim on @nid concerns the pool: its area is there, or nowhere known. */
static bool pool_on_node(struct chunk_pool *pool, int nid)
{
	const struct chunk_area *area = READ_ONCE(pool->area);

	return nid == NUMA_NO_NODE || !area || area->nid == NUMA_NO_NODE ||
	       area->nid == nid;
}

/*
 * Whether @nid (every node for NUMA_NO_NODE) has @pages to spare: free
 * pages outside CMA above its zones' high watermarks, where kswapd stops,
 * by @pages. A refill may migrate that much out of the area into them;
 * CMA's own free pages do not count, as only movable allocations can use
 * them.
 */
static bool pool_node_ok(int nid, unsigned long pages)
{
	unsigned long free = 0, high = 0;
	int n, z;

	for_each_online_node(n) {
		pg_data_t *pgdat = NODE_DATA(n);

		if (nid != NUMA_NO_NODE && n != nid)
			continue;
		for (z = 0; z < MAX_NR_ZONES; z++) {
			struct zone *zone = &pgdat->node_zones[z];

			if (!populated_zone(zone))
				continue;
			free += zone_page_state(zone, NR_FREE_PAGES) -
				zone_page_state(zone, NR_FREE_CMA_PAGES);
			high += high_wmark_pages(zone);
		}
	}
	return free >= high + pages;
}

/* Whether reclaim holds refills and returns to the floor (or to none). */
static bool pool_held(struct chunk_pool *pool)
{
	lockdep_assert_held(&pool->lock);
	return READ_ONCE(pool->held);
}

/*
 * Of @n chunks, how many the pool may still take in: up to its target,
 * or only up to its floor while reclaim holds it off.
 */
static unsigned long pool_room(struct chunk_pool *pool, unsigned long n)
{
	unsigned long held = pool->ready_pages + pool->dirty_pages + pool->busy_pages;
	unsigned long target = pool_target(pool);

	lockdep_assert_held(&pool->lock);
	if (pool_held(pool))
		target = READ_ONCE(pool->held_all) ? 0 :
			 min(target, pool_pages(pool, pool->min_bytes));
	if (!pool->active || held >= target)
		return 0;
	return min(n, (target - held) >> pool->order);
}

/*
 * Put as much of a run of @n chunks on @list (ready or dirty, counted in
 * *@pages) as the target leaves room for; the number of chunks kept, the
 * first ones of the run. The caller gives the rest back to CMA.
 */
static unsigned long pool_keep(struct chunk_pool *pool, struct list_head *list,
			       unsigned long *pages, struct page *page,
			       unsigned long n)
{
	unsigned long keep = pool_room(pool, n);

	if (keep) {
		pool_add(list, page, keep);
		*pages += keep << pool->order;
	}
	return keep;
}

/*
 * Unlink at most @max chunks to give back, from the tail of a run: the
 * last dirty run if any, else the last ready one; a longer run is split.
 * NULL if the pool is empty.
 */
static struct page *pool_pop(struct chunk_pool *pool, unsigned long max)
{
	bool dirty = !list_empty(&pool->dirty);
	struct list_head *list = dirty ? &pool->dirty : &pool->ready;
	unsigned long n;
	struct page *page;

	lockdep_assert_held(&pool->lock);
	if (list_empty(list) || !max)
		return NULL;
	page = list_last_entry(list, struct page, lru);
	n = page_private(page);
	if (n > max) {
		set_page_private(page, n - max);
		page = nth_page(page, (n - max) << pool->order);
		set_page_private(page, max);
		n = max;
	} else {
		list_del(&page->lru);
	}
	if (dirty)
		pool->dirty_pages -= n << pool->order;
	else
		pool->ready_pages -= n << pool->order;
	return page;
}

/* Queue the worker after @delay jiffies; it holds a heap reference. */
static void pool_kick_later(struct chunk_pool *pool, unsigned long delay)
{
	struct chunk_heap *heap = pool_heap(pool);

	kref_get(&heap->ref);
	if (!queue_delayed_work(chunk_pool_wq, &pool->work, delay))
		chunk_heap_put(heap);
}

/* Queue the worker now, on a CPU of the pool's area's node if idle. */
static void pool_kick(struct chunk_pool *pool, int nid)
{
	struct chunk_heap *heap = pool_heap(pool);

	kref_get(&heap->ref);
	if (queue_work_node(nid, chunk_pool_wq, &pool->work.work))
		return;
	/* Queued already, maybe later: bring it forward, with its reference. */
	if (mod_delayed_work(chunk_pool_wq, &pool->work, 0))
		chunk_heap_put(heap);
}

/* Zero one dirty run and move it to the ready list; false if none. */
static bool pool_zero_one(struct chunk_pool *pool)
{
	const struct chunk_area *area;
	unsigned long n, gen, keep = 0;
	unsigned int order;
	struct page *page;

	spin_lock(&pool->lock);
	page = list_first_entry_or_null(&pool->dirty, struct page, lru);
	if (!page) {
		spin_unlock(&pool->lock);
		return false;
	}
	list_del(&page->lru);
	n = page_private(page);
	area = pool->area;
	order = pool->order;
	gen = pool->gen;
	pool->dirty_pages -= n << order;
	pool->busy_pages += n << order;
	spin_unlock(&pool->lock);

	chunk_zero_pages(page, n << order);

	spin_lock(&pool->lock);
	pool->busy_pages -= n << order;
	if (gen == pool->gen)
		keep = pool_keep(pool, &pool->ready, &pool->ready_pages, page, n);
	spin_unlock(&pool->lock);
	if (keep < n)
		pool_release(area, nth_page(page, keep << order), (n - keep) << order);
	return true;
}

/* Take what the pool lacks from CMA. */
static void pool_refill(struct chunk_pool *pool)
{
	struct chunk_heap *heap = pool_heap(pool);
	struct chunk_runs runs = {};
	const struct chunk_area *area;
	unsigned long want, gen, added = 0;
	u64 t0 = ktime_get_ns(), ready;
	unsigned int i;
	bool more, held;

	spin_lock(&pool->lock);
	/* Reclaim ran on the node: the floor only, until it has a step to spare. */
	held = pool_held(pool) && pool->active &&
	       !pool_node_ok(pool->area->nid, max(CHUNK_POOL_STEP, 1UL << pool->order));
	WRITE_ONCE(pool->held, held);
	WRITE_ONCE(pool->held_all, pool->held_all && held);
	/* One step at a time, so that other CMA users get in between. */
	want = pool_room(pool, max(CHUNK_POOL_STEP >> pool->order, 1UL));
	more = pool_room(pool, ULONG_MAX) > want;
	if (held)
		pool_kick_later(pool, CHUNK_POOL_POLL);
	area = pool->area;
	runs.order = pool->order;
	gen = pool->gen;
	pool->busy_pages += want << runs.order;
	spin_unlock(&pool->lock);
	if (!want)
		return;

	/* Metadata failure keeps what it took, and the next kick retries. */
	chunk_runs_take(&runs, area, want);
	atomic64_add(runs.cma_calls, &heap->stats.cma_calls);
	atomic64_add(runs.cma_failures, &heap->stats.cma_failures);

	spin_lock(&pool->lock);
	pool->busy_pages -= want << runs.order;
	for (i = 0; i < runs.nr_runs && gen == pool->gen; i++) {
		struct chunk_run *run = &runs.run[i];
		unsigned long keep = pool_keep(pool, &pool->ready, &pool->ready_pages,
					       run->page, run->nr_chunks);

		if (!keep)
			break;
		added += keep;
		run->page = nth_page(run->page, keep << runs.order);
		run->nr_chunks -= keep;
	}
	ready = (u64)pool->ready_pages << PAGE_SHIFT;
	spin_unlock(&pool->lock);

	for (i = 0; i < runs.nr_runs; i++)
		if (runs.run[i].nr_chunks)
			pool_release(area, runs.run[i].page,
				     (unsigned long)runs.run[i].nr_chunks << runs.order);
	kvfree(runs.run);
	if (added) {
		atomic64_inc(&heap->stats.pool_refills);
		trace_chunk_heap_pool_refill(heap, (u64)added << (PAGE_SHIFT + runs.order),
					     ready, ktime_get_ns() - t0);
	}
	/* The next step, queued behind whatever waits; none after a shortfall. */
	if (more && added == want && !held)
		pool_kick(pool, area->nid);
}

static void pool_work(struct work_struct *work)
{
	struct chunk_pool *pool = container_of(to_delayed_work(work),
					       struct chunk_pool, work);

	while (pool_zero_one(pool))
		;
	pool_refill(pool);
	/* May free the heap, and the work item with it. */
	chunk_heap_put(pool_heap(pool));
}

/**
 * chunk_pool_init() - set up an empty, inactive pool
 * @pool: the pool of a new heap
 */
void chunk_pool_init(struct chunk_pool *pool)
{
	spin_lock_init(&pool->lock);
	INIT_LIST_HEAD(&pool->ready);
	INIT_LIST_HEAD(&pool->dirty);
	INIT_DELAYED_WORK(&pool->work, pool_work);
	spin_lock(&chunk_pools_lock);
	list_add_tail(&pool->node, &chunk_pools);
	spin_unlock(&chunk_pools_lock);
}

/**
 * chunk_pool_destroy() - forget the pool of a heap being freed
 * @pool: the pool; its heap has no reference left, so its worker is idle
 */
void chunk_pool_destroy(struct chunk_pool *pool)
{
	spin_lock(&chunk_pools_lock);
	list_del(&pool->node);
	spin_unlock(&chunk_pools_lock);
	/* Retiring the heap drained it; nothing can have refilled it since. */
	WARN_ON(pool->ready_pages || pool->dirty_pages || pool->busy_pages);
}

/**
 * chunk_pool_activate() - start filling the pool of a heap being enabled
 * @pool: the pool
 * @area: the heap's area
 * @order: the heap's chunk order
 */
void chunk_pool_activate(struct chunk_pool *pool,
			 const struct chunk_area *area, unsigned int order)
{
	spin_lock(&pool->lock);
	pool->area = area;
	pool->order = order;
	pool->active = true;
	spin_unlock(&pool->lock);
	pool_kick(pool, area->nid);
}

/**
 * chunk_pool_deactivate() - drain the pool of a heap being disabled
 * @pool: the pool
 *
 * Every ready and dirty chunk goes back to CMA now; what the worker is
 * working on goes back when it is done. Never waits for the worker.
 */
void chunk_pool_deactivate(struct chunk_pool *pool)
{
	const struct chunk_area *area;
	unsigned int order;
	LIST_HEAD(drop);

	spin_lock(&pool->lock);
	pool->active = false;
	pool->gen++;
	list_splice_init(&pool->ready, &drop);
	list_splice_init(&pool->dirty, &drop);
	pool->ready_pages = 0;
	pool->dirty_pages = 0;
	area = pool->area;
	order = pool->order;
	spin_unlock(&pool->lock);
	pool_release_list(&drop, area, order);
}

/**
 * chunk_pool_set_target() - set how many bytes of chunks to keep
 * @pool: the pool
 * @bytes: pool_bytes; the pool keeps it rounded up to whole chunks
 *
 * A smaller target gives whole runs back to CMA at once, the dirty ones
 * first, and the worker makes up what that takes below the target. A
 * larger one queues the worker. Never waits for it.
 */
void chunk_pool_set_target(struct chunk_pool *pool, u64 bytes)
{
	const struct chunk_area *area;
	unsigned long gen;
	unsigned int order;
	struct page *page;
	LIST_HEAD(drop);
	bool kick;

	spin_lock(&pool->lock);
	pool->target_bytes = bytes;
	area = pool->area;
	order = pool->order;
	gen = pool->gen;
	/*
	 * A pool of order-0 runs can be long: let others in between runs,
	 * and stop if a drain changed the pool meanwhile.
	 */
	while (gen == pool->gen &&
	       pool->ready_pages + pool->dirty_pages + pool->busy_pages >
	       pool_target(pool) && (page = pool_pop(pool, ULONG_MAX))) {
		list_add(&page->lru, &drop);
		cond_resched_lock(&pool->lock);
	}
	kick = pool->active && bytes;
	spin_unlock(&pool->lock);
	pool_release_list(&drop, area, order);
	if (kick)
		pool_kick(pool, area->nid);
}

/**
 * chunk_pool_set_min() - set the floor the shrinker leaves the pool
 * @pool: the pool
 * @bytes: pool_min_bytes; rounded up to whole chunks, and at most the
 *	   target counts
 *
 * Reclaim never takes the pool below it; only the OOM killer's notifier
 * does, so that the floor never costs a process. Takes effect at the next
 * reclaim; never waits.
 */
void chunk_pool_set_min(struct chunk_pool *pool, u64 bytes)
{
	WRITE_ONCE(pool->min_bytes, bytes);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_pool_set_min);

/**
 * chunk_pool_take() - move ready chunks of @area from the pool to @runs
 * @pool: the pool
 * @runs: the buffer's runs, of the pool's order if any are to match
 * @area: the area the allocation's plan takes chunks from now
 * @want: chunks wanted
 *
 * Takes whole runs from the head of the ready list, and splits the last
 * one if it is longer than needed. Takes nothing unless the pool holds
 * chunks of @area and of @runs->order. Queues a refill, a moment later.
 *
 * Return: the number of chunks taken, or -ENOMEM if @runs cannot grow;
 * the chunks already added to @runs stay there.
 */
long chunk_pool_take(struct chunk_pool *pool, struct chunk_runs *runs,
		     const struct chunk_area *area, unsigned long want)
{
	unsigned int order = runs->order;
	unsigned long got = 0, n;
	struct page *page, *next;
	LIST_HEAD(taken);
	bool kick;
	int ret = 0;

	spin_lock(&pool->lock);
	/* Only a step on the pool's own area touches it. */
	kick = pool->active && pool->area == area && pool->target_bytes;
	if (kick && pool->order == order) {
		/* The lock may be dropped between runs: look again each time. */
		while (got < want && pool->area == area && pool->order == order &&
		       (page = list_first_entry_or_null(&pool->ready, struct page, lru))) {
			n = page_private(page);
			if (n > want - got) {
				struct page *rest = nth_page(page, (want - got) << order);

				list_replace(&page->lru, &rest->lru);
				set_page_private(rest, n - (want - got));
				n = want - got;
			} else {
				list_del(&page->lru);
			}
			pool_add(&taken, page, n);
			pool->ready_pages -= n << order;
			got += n;
			cond_resched_lock(&pool->lock);
		}
	}
	spin_unlock(&pool->lock);

	list_for_each_entry_safe(page, next, &taken, lru) {
		n = page_private(page);
		list_del(&page->lru);
		set_page_private(page, 0);
		if (!ret)
			ret = chunk_runs_append(runs, page, n, area->index);
		if (ret)
			pool_release(area, page, n << order);
	}
	/*
	 * Refill a moment later: a stream's last buffer usually comes back
	 * by then, and zeroing it costs less than migrating its replacement.
	 */
	if (kick)
		pool_kick_later(pool, CHUNK_POOL_SETTLE);
	if (ret)
		return ret;
	runs->pool_chunks += got;
	return got;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_pool_take);

/**
 * chunk_pool_give() - return a freed buffer's chunks
 * @pool: the pool of the buffer's heap
 * @runs: the buffer's chunks; left empty
 *
 * Chunks of the pool's area and order go on the dirty list, up to the
 * target, for the worker to zero; all others go back to CMA now, as do
 * all of them while the heap is disabled or the shrinker holds the pool
 * off.
 */
void chunk_pool_give(struct chunk_pool *pool, struct chunk_runs *runs)
{
	unsigned int order = runs->order, i;
	int nid = NUMA_NO_NODE;
	bool kept = false;

	for (i = 0; i < runs->nr_runs; i++) {
		const struct chunk_run *run = &runs->run[i];
		const struct chunk_area *area = chunk_area_get(run->area);
		unsigned long keep = 0;

		spin_lock(&pool->lock);
		if (area == pool->area && order == pool->order)
			keep = pool_keep(pool, &pool->dirty, &pool->dirty_pages,
					 run->page, run->nr_chunks);
		if (keep) {
			kept = true;
			nid = area->nid;
		}
		spin_unlock(&pool->lock);
		if (keep < run->nr_chunks && !WARN_ON(!area))
			pool_release(area, nth_page(run->page, keep << order),
				     (run->nr_chunks - keep) << order);
		cond_resched();
	}
	kvfree(runs->run);
	memset(runs, 0, sizeof(*runs));
	/* The node is NUMA_NO_NODE where the kernel does not tell it. */
	if (kept)
		pool_kick(pool, nid);
}

/**
 * chunk_pool_ready_bytes() - bytes of zeroed chunks the pool holds
 * @pool: the pool
 *
 * Return: the bytes on the ready list now.
 */
u64 chunk_pool_ready_bytes(struct chunk_pool *pool)
{
	return (u64)READ_ONCE(pool->ready_pages) << PAGE_SHIFT;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_pool_ready_bytes);

/* Reclaim ran on the node: refills and returns to the floor, or none. */
static void pool_hold(struct chunk_pool *pool, bool floor)
{
	WRITE_ONCE(pool->held, true);
	if (!floor)
		WRITE_ONCE(pool->held_all, true);
}

/*
 * Give back to CMA up to @nr_pages pages of @pool, dirty ones first, in
 * whole chunks, leaving its floor if @floor, and hold refills and returns
 * to the floor (to nothing if not @floor) until the node has memory to
 * spare. The caller holds a heap reference.
 */
static unsigned long pool_shrink_one(struct chunk_pool *pool, int nid,
				     unsigned long nr_pages, bool floor)
{
	unsigned long taken = 0, gen, can, want;
	const struct chunk_area *area;
	unsigned int order;
	struct page *page;
	LIST_HEAD(drop);
	u64 ready;

	spin_lock(&pool->lock);
	area = pool->area;
	order = pool->order;
	gen = pool->gen;
	pool_hold(pool, floor);
	can = floor ? pool_freeable(pool) : pool->ready_pages + pool->dirty_pages;
	want = min(nr_pages, can);
	while (taken < want && gen == pool->gen &&
	       (page = pool_pop(pool, DIV_ROUND_UP(want - taken, 1UL << order)))) {
		list_add(&page->lru, &drop);
		taken += page_private(page) << order;
		cond_resched_lock(&pool->lock);
	}
	ready = (u64)pool->ready_pages << PAGE_SHIFT;
	spin_unlock(&pool->lock);
	if (!taken)
		return 0;
	/* The refill once reclaim is over, which nothing else may ask for. */
	pool_kick_later(pool, CHUNK_POOL_POLL);
	pool_release_list(&drop, area, order);
	atomic64_add((u64)taken << PAGE_SHIFT, &pool_heap(pool)->stats.pool_shrunk);
	trace_chunk_heap_pool_shrink(pool_heap(pool), nid, (u64)nr_pages << PAGE_SHIFT,
				     (u64)taken << PAGE_SHIFT, ready);
	return taken;
}

/**
 * chunk_pool_shrink() - give pool chunks back to CMA, as the shrinker does
 * @nid: the node under pressure: only pools whose area is there (or on no
 *	 known node) give back; NUMA_NO_NODE for every pool
 * @nr_pages: how many pages to give back, if the pools hold them
 * @floor: leave each pool its floor (pool_min_bytes), as reclaim does;
 *	   false when the OOM killer would run otherwise
 *
 * Takes whole chunks, dirty ones first, pool after pool, and holds each
 * pool of @nid to its floor (to nothing if not @floor) until the node has
 * memory to spare. Each pool is worked on with a reference on its heap
 * and without the list's lock, which the heap's last put takes; the
 * reference is dropped once the list is unlocked again. Called in
 * reclaim, it adds the pages to reclaim's progress.
 *
 * Return: the number of pages given back.
 */
unsigned long chunk_pool_shrink(int nid, unsigned long nr_pages, bool floor)
{
	struct chunk_heap *heap, *prev = NULL;
	struct chunk_pool *pool;
	unsigned long freed = 0;

	spin_lock(&chunk_pools_lock);
	list_for_each_entry(pool, &chunk_pools, node) {
		heap = pool_heap(pool);
		if (freed >= nr_pages)
			break;
		if (!pool_on_node(pool, nid))
			continue;
		if (!READ_ONCE(pool->ready_pages) && !READ_ONCE(pool->dirty_pages)) {
			/* Nothing to give, but refills only to the floor meanwhile. */
			pool_hold(pool, floor);
			continue;
		}
		if (!kref_get_unless_zero(&heap->ref))
			continue;
		spin_unlock(&chunk_pools_lock);
		if (prev)
			chunk_heap_put(prev);
		prev = heap;
		freed += pool_shrink_one(pool, nid, nr_pages - freed, floor);
		/* Still listed: the reference keeps it from being destroyed. */
		spin_lock(&chunk_pools_lock);
	}
	spin_unlock(&chunk_pools_lock);
	if (prev)
		chunk_heap_put(prev);
	/*
	 * Whole pages, as XFS's buffers: reclaim's progress. Uncounted,
	 * kswapd takes a node whose pool it emptied for hopeless.
	 */
	mm_account_reclaimed_pages(freed);
	return freed;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_pool_shrink);

/* What reclaim on sc->nid may take: the pools there, above their floors. */
static unsigned long pool_count_objects(struct shrinker *shrinker,
					struct shrink_control *sc)
{
	struct chunk_pool *pool;
	unsigned long pages = 0;

	spin_lock(&chunk_pools_lock);
	list_for_each_entry(pool, &chunk_pools, node)
		if (pool_on_node(pool, sc->nid))
			pages += pool_freeable(pool);
	spin_unlock(&chunk_pools_lock);
	return pages ?: SHRINK_EMPTY;
}

static unsigned long pool_scan_objects(struct shrinker *shrinker,
				       struct shrink_control *sc)
{
	return chunk_pool_shrink(sc->nid, sc->nr_to_scan, true) ?: SHRINK_STOP;
}

/* Before the OOM killer runs, the floors go too: a pool never costs a kill. */
static int pool_oom_notify(struct notifier_block *nb, unsigned long unused,
			   void *freed)
{
	*(unsigned long *)freed += chunk_pool_shrink(NUMA_NO_NODE, ULONG_MAX, false);
	return NOTIFY_OK;
}

static struct notifier_block chunk_pool_oom_nb = {
	.notifier_call = pool_oom_notify,
};

/**
 * chunk_pools_init() - create the pools' workqueue and shrinker
 *
 * The shrinker is NUMA-aware and has the default seek cost, so reclaim
 * takes from the pools in proportion to its pressure, as from any cache,
 * rather than all of them at its first pass.
 *
 * Return: 0 or -ENOMEM.
 */
int chunk_pools_init(void)
{
	chunk_pool_wq = alloc_workqueue("chunk_heap_pool", WQ_UNBOUND, 0);
	if (!chunk_pool_wq)
		return -ENOMEM;
	chunk_pool_shrinker = chunk_shrinker_add("chunk_heap-pool", DEFAULT_SEEKS,
						 SHRINKER_NUMA_AWARE,
						 pool_count_objects,
						 pool_scan_objects);
	if (!chunk_pool_shrinker) {
		destroy_workqueue(chunk_pool_wq);
		return -ENOMEM;
	}
	register_oom_notifier(&chunk_pool_oom_nb);
	return 0;
}

/**
 * chunk_pools_exit() - remove the shrinker and the workqueue
 *
 * Runs when no heap is left, so no pool holds chunks any more.
 */
void chunk_pools_exit(void)
{
	unregister_oom_notifier(&chunk_pool_oom_nb);
	chunk_shrinker_del(chunk_pool_shrinker);
	destroy_workqueue(chunk_pool_wq);
}
