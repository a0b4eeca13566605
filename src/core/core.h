/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_heap core: the chunk allocator and the dma-buf exporter.
 *
 * A chunk heap hands out dma-bufs made of chunks of PAGE_SIZE << order
 * bytes, each naturally aligned, taken from a CMA area with cma_alloc().
 * The control plane (src/configfs) creates a heap, sets it up while it is
 * disabled and enables it; from then on /dev/dma_heap/<name> serves
 * DMA_HEAP_IOCTL_ALLOC through chunk_heap_allocate().
 *
 * Lifetime: the dma-heap framework cannot remove a heap, so the device
 * node and its name, once registered, live until the system goes down.
 * Core keeps one "slot" per registered name. A heap attaches to the slot of
 * its name when enabled and detaches when disabled or destroyed; a slot
 * without a heap refuses allocations with -ENODEV. Every buffer holds a
 * reference on the heap it came from, so a destroyed heap's memory goes
 * back to its CMA areas when the last buffer is released.
 *
 * A heap may keep a pool of zeroed chunks of its own area (pool.c),
 * which allocations take first and freed buffers refill; the pool is
 * empty while the heap is disabled. A freed page that someone still
 * references is held aside until they let go (held.c).
 */
#ifndef _CHUNK_HEAP_CORE_H
#define _CHUNK_HEAP_CORE_H

#include <linux/atomic.h>
#include <linux/cma.h>
#include <linux/kref.h>
#include <linux/rcupdate.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

#include "../numa/numa.h"

struct chunk_area;
struct chunk_plan;
struct chunk_slot;
struct dma_buf;
struct dma_heap;

/* Longest heap name, without the terminating NUL. */
#define CHUNK_HEAP_NAME_MAX	63
/*
 * Largest chunk order accepted at all: 1 GiB chunks, so that a chunk fits
 * one scatterlist entry (order 18 with 4 KiB pages, 14 with 64 KiB).
 */
#define CHUNK_HEAP_MAX_ORDER	(30 - PAGE_SHIFT)

/**
 * struct chunk_run - physically contiguous chunks from one cma_alloc()
 * @page:	first page of the run
 * @nr_chunks:	number of chunks in the run
 * @area:	index of the area the run came from (see src/numa)
 */
struct chunk_run {
	struct page *page;
	unsigned int nr_chunks;
	unsigned int area;
};

/**
 * struct chunk_runs - the chunks of one buffer, as runs
 * @run:	the runs, in buffer order
 * @nr_runs:	runs in use
 * @max_runs:	runs allocated in @run
 * @order:	chunk order
 * @nr_chunks:	chunks held, the sum of the runs' @nr_chunks
 * @cma_calls:	cma_alloc() calls made to fill it, failed ones included
 * @cma_failures: those of @cma_calls that got nothing
 * @pool_chunks: chunks taken from a pool
 */
struct chunk_runs {
	struct chunk_run *run;
	unsigned int nr_runs;
	unsigned int max_runs;
	unsigned int order;
	unsigned long nr_chunks;
	unsigned long cma_calls;
	unsigned long cma_failures;
	unsigned long pool_chunks;
};

struct chunk_pool;

int chunk_runs_alloc(struct chunk_runs *runs, const struct chunk_plan *plan,
		     unsigned int order, unsigned long nr_chunks,
		     struct chunk_pool *pool);
long chunk_runs_take(struct chunk_runs *runs, const struct chunk_area *area,
		     unsigned long want);
int chunk_runs_append(struct chunk_runs *runs, struct page *page,
		      unsigned int nr_chunks, unsigned int area);
void chunk_runs_free(struct chunk_runs *runs);
int chunk_zero_pages(struct page *page, unsigned long nr_pages);
int chunk_len_to_chunks(unsigned long len, unsigned int order,
			unsigned long max_chunks, unsigned long *nr_chunks);

/*
 * Allocation latency buckets: bucket 0 counts allocations under 2 us,
 * bucket k > 0 those of 2^k us up to 2^(k+1) us, and the last one all
 * from 2^(CHUNK_LAT_BUCKETS - 1) us (16.8 s) on.
 */
#define CHUNK_LAT_BUCKETS	25

unsigned int chunk_lat_bucket(u64 ns);
u64 chunk_lat_bucket_floor_us(unsigned int bucket);

/**
 * struct chunk_heap_stats - a heap's accounting, all counters atomic
 * @bytes:	bytes in live buffers
 * @buffers:	live buffers
 * @peak:	largest @bytes seen
 * @failures:	allocations refused for lack of memory or quota, or whose
 *		dma-buf could not be created
 * @cma_calls:	cma_alloc() calls made, successful or not, by allocations
 *		and by the pool's refills
 * @cma_failures: those of @cma_calls that got nothing
 * @pool_hits:	allocations that took every chunk from the pool
 * @pool_misses: allocations that took some chunk from CMA while the heap
 *		had a pool (pool_bytes not 0)
 * @pool_refills: refills that added chunks to the pool
 * @pool_shrunk: bytes the shrinker took from the pool back to CMA
 * @held_bytes:	bytes of freed buffers' pages held aside because something
 *		still references them (held.c)
 * @area_bytes:	bytes in live buffers, per CMA area index
 * @latency:	successful allocations, by latency (chunk_lat_bucket())
 *
 * A buffer is counted once its dma-buf exists, and until it is released.
 */
struct chunk_heap_stats {
	atomic64_t bytes;
	atomic64_t buffers;
	atomic64_t peak;
	atomic64_t failures;
	atomic64_t cma_calls;
	atomic64_t cma_failures;
	atomic64_t pool_hits;
	atomic64_t pool_misses;
	atomic64_t pool_refills;
	atomic64_t pool_shrunk;
	atomic64_t held_bytes;
	atomic64_t area_bytes[MAX_CMA_AREAS];
	atomic64_t latency[CHUNK_LAT_BUCKETS];
};

/**
 * struct chunk_pool - a heap's ready, zeroed chunks (src/core/pool.c)
 * @lock:	guards every field below but @work and @node
 * @ready:	runs of zeroed chunks, each linked through the lru of its first
 *		page, whose private field holds its number of chunks
 * @dirty:	runs that freed buffers gave back, still to be zeroed
 * @ready_pages: pages in @ready
 * @dirty_pages: pages in @dirty
 * @busy_pages:	pages the worker is zeroing or taking from CMA
 * @target_bytes: pool_bytes as written
 * @min_bytes:	pool_min_bytes as written: what the shrinker leaves
 * @area:	the area of the pool's chunks while @active
 * @order:	their order while @active
 * @active:	the heap is enabled: only then does the pool hold chunks
 * @gen:	bumped by every drain; what the worker took before it goes
 *		back to CMA
 * @held:	reclaim ran on the area's node: refills and returns only up
 *		to @min_bytes until the node has memory to spare
 * @held_all:	...and none at all, as the OOM notifier shrank the pool
 * @work:	the refill worker, which holds a reference on the heap
 * @node:	entry in the shrinker's list of pools
 */
struct chunk_pool {
	spinlock_t lock; /* guards the lists, counts and settings */
	struct list_head ready;
	struct list_head dirty;
	unsigned long ready_pages;
	unsigned long dirty_pages;
	unsigned long busy_pages;
	u64 target_bytes;
	u64 min_bytes;
	const struct chunk_area *area;
	unsigned int order;
	bool active;
	bool held;
	bool held_all;
	unsigned long gen;
	struct delayed_work work;
	struct list_head node;
};

/**
 * struct chunk_heap - one administrator-defined heap
 * @ref:	held by the control plane and by every live buffer
 * @rcu:	frees the heap after lockless lookups from the device node
 * @lock:	serialises the control plane's changes to the heap; never
 *		held by an allocation, so a change never waits for one
 * @conf_lock:	guards @area, @order and @slot, so that an allocation takes
 *		one consistent snapshot of them
 * @name:	the heap's name, also the device node's
 * @area:	the CMA area chunks come from; NULL until set
 * @order:	chunk order; chunks are PAGE_SIZE << @order bytes
 * @max_bytes:	quota on @charged, 0 for none; may change while enabled
 * @numa_policy: per-NUMA placement; may change while enabled
 * @slot:	the registered dma-heap the heap serves, or NULL when disabled
 * @charged:	bytes held against the quota: live buffers and allocations in
 *		progress
 * @stats:	accounting
 * @pool:	ready chunks, if pool_bytes is set
 *
 * @area and @order change only while the heap is disabled. An allocation
 * reads every setting once, when it starts, and keeps to that snapshot:
 * changing, disabling or removing the heap affects only later ones.
 */
struct chunk_heap {
	struct kref ref;
	struct rcu_head rcu;
	struct mutex lock; /* serialises control-plane changes */
	spinlock_t conf_lock; /* guards area, order, slot */
	char name[CHUNK_HEAP_NAME_MAX + 1];
	const struct chunk_area *area;
	unsigned int order;
	u64 max_bytes;
	enum chunk_numa_policy numa_policy;
	struct chunk_slot *slot;
	atomic64_t charged;
	struct chunk_heap_stats stats;
	struct chunk_pool pool;
};

struct chunk_heap *chunk_heap_create(const char *name);
void chunk_heap_put(struct chunk_heap *heap);
int chunk_heap_check_name(const char *name);
int chunk_heap_check_order(const struct chunk_area *area, unsigned int order);
int chunk_heap_set_area(struct chunk_heap *heap, const struct chunk_area *area);
int chunk_heap_set_order(struct chunk_heap *heap, unsigned int order);
void chunk_heap_set_max_bytes(struct chunk_heap *heap, u64 max_bytes);
void chunk_heap_set_numa_policy(struct chunk_heap *heap,
				enum chunk_numa_policy policy);
u64 chunk_heap_node_bytes(struct chunk_heap *heap, int nid);
int chunk_heap_enable(struct chunk_heap *heap);
int chunk_heap_disable(struct chunk_heap *heap);
void chunk_heap_retire(struct chunk_heap *heap);
bool chunk_heap_enabled(struct chunk_heap *heap);
struct dma_buf *chunk_heap_alloc_buffer(struct chunk_heap *heap,
					unsigned long len, u32 fd_flags,
					u64 heap_flags);
void chunk_heap_account_release(struct chunk_heap *heap,
				const struct chunk_runs *runs);
int chunk_heap_set_pool_bytes(struct chunk_heap *heap, u64 bytes);

int chunk_pools_init(void);
void chunk_pools_exit(void);
void chunk_pool_init(struct chunk_pool *pool);
void chunk_pool_destroy(struct chunk_pool *pool);
void chunk_pool_activate(struct chunk_pool *pool,
			 const struct chunk_area *area, unsigned int order);
void chunk_pool_deactivate(struct chunk_pool *pool);
void chunk_pool_set_target(struct chunk_pool *pool, u64 bytes);
void chunk_pool_set_min(struct chunk_pool *pool, u64 bytes);
long chunk_pool_take(struct chunk_pool *pool, struct chunk_runs *runs,
		     const struct chunk_area *area, unsigned long want);
void chunk_pool_give(struct chunk_pool *pool, struct chunk_runs *runs);
u64 chunk_pool_ready_bytes(struct chunk_pool *pool);
unsigned long chunk_pool_shrink(int nid, unsigned long nr_pages, bool floor);

void chunk_held_init(void);
void chunk_held_sort(struct chunk_heap *heap, struct chunk_runs *runs);
void chunk_held_kick(void);
void chunk_held_exit(void);

struct dma_buf *chunk_buffer_export(struct chunk_heap *heap,
				    struct chunk_runs *runs,
				    unsigned long len, u32 fd_flags);

#endif /* _CHUNK_HEAP_CORE_H */
