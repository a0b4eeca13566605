// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: heaps, their registration as dma-heaps, and allocation.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/ctype.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/fcntl.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "../compat.h"
#include "core.h"
#include "../numa/numa.h"

#define CREATE_TRACE_POINTS
#include "chunk_trace.h"

/**
 * struct chunk_slot - a registered dma-heap, kept until the system stops
 * @node:	entry in chunk_slots
 * @dma_heap:	the framework's heap, which points back at the slot
 * @heap:	the chunk heap serving the slot, or NULL
 * @name:	the device name; the framework keeps a pointer to it
 */
struct chunk_slot {
	struct list_head node;
	struct dma_heap *dma_heap;
	struct chunk_heap __rcu *heap;
	char name[CHUNK_HEAP_NAME_MAX + 1];
};

/* Slots are never freed: the dma-heap framework cannot remove a heap. */
static LIST_HEAD(chunk_slots);
static DEFINE_MUTEX(chunk_slots_lock);

/**
 * chunk_heap_create() - a new, disabled heap with no area
 * @name: the heap's name, already checked with chunk_heap_check_name()
 *
 * Return: the heap with one reference, or NULL if out of memory.
 */
struct chunk_heap *chunk_heap_create(const char *name)
{
	struct chunk_heap *heap;

	heap = kzalloc(sizeof(*heap), GFP_KERNEL);
	if (!heap)
		return NULL;
	kref_init(&heap->ref);
	mutex_init(&heap->lock);
	spin_lock_init(&heap->conf_lock);
	strscpy(heap->name, name);
	chunk_pool_init(&heap->pool);
	return heap;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_create);

static void chunk_heap_release(struct kref *ref)
{
	struct chunk_heap *heap = container_of(ref, struct chunk_heap, ref);

	chunk_pool_destroy(&heap->pool);
	/* Allocations may still be looking at it under rcu_read_lock(). */
	kfree_rcu(heap, rcu);
}

/**
 * chunk_heap_put() - drop a reference on a heap
 * @heap: the heap
 */
void chunk_heap_put(struct chunk_heap *heap)
{
	kref_put(&heap->ref, chunk_heap_release);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_put);

/**
 * chunk_heap_check_name() - whether @name may name a heap
 * @name: the proposed name
 *
 * Heap names become device names, /dev/dma_heap/<name>: 1 to
 * CHUNK_HEAP_NAME_MAX ASCII characters from [A-Za-z0-9._-], not "." or
 * "..". The kernel's isalnum() also takes Latin-1 letters, so test for
 * ASCII first.
 *
 * Return: 0, -ENAMETOOLONG, or -EINVAL.
 */
int chunk_heap_check_name(const char *name)
{
	size_t len = strlen(name);
	size_t i;

	if (len > CHUNK_HEAP_NAME_MAX)
		return -ENAMETOOLONG;
	if (!len || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (!isascii(name[i]) ||
		    (!isalnum(name[i]) && !strchr("._-", name[i])))
			return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_check_name);

/**
 * chunk_heap_check_order() - whether @area can hold chunks of @order
 * @area: a CMA area, or NULL if none is chosen yet
 * @order: chunk order
 *
 * Return: 0, or -ERANGE if @order is above CHUNK_HEAP_MAX_ORDER or above
 * what @area can hold naturally aligned.
 */
int chunk_heap_check_order(const struct chunk_area *area, unsigned int order)
{
	if (order > CHUNK_HEAP_MAX_ORDER)
		return -ERANGE;
	if (area && order > chunk_area_max_order(area))
		return -ERANGE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_check_order);

/*
 * Whether a pool of @bytes fits @area with chunks of @order: only that
 * area fills the pool. Before an area is chosen, any one area must do.
 */
static bool chunk_pool_fits(const struct chunk_area *area, unsigned int order,
			    u64 bytes)
{
	unsigned int i;

	/* In bytes: rounding @bytes up to chunks could wrap near U64_MAX. */
	if (area)
		return bytes <= (u64)(area->nr_pages >> order) << (PAGE_SHIFT + order);
	for (i = 0; i < chunk_area_count(); i++)
		if (bytes <= (u64)chunk_area_get(i)->nr_pages << PAGE_SHIFT)
			return true;
	return !bytes;
}

/*
 * Set the area (unless @area is NULL) or the order (unless @order is
 * negative) of a disabled heap, if the area can hold chunks of the order
 * and the pool that pool_bytes asks for. Waits only for other changes to
 * the heap, and killably.
 */
static int chunk_heap_configure(struct chunk_heap *heap,
				const struct chunk_area *area, int order)
{
	int ret;

	if (mutex_lock_killable(&heap->lock))
		return -EINTR;
	area = area ?: heap->area;
	order = order < 0 ? heap->order : order;
	ret = heap->slot ? -EBUSY : chunk_heap_check_order(area, order);
	if (!ret && !chunk_pool_fits(area, order, heap->pool.target_bytes))
		ret = -ERANGE;
	if (!ret) {
		spin_lock(&heap->conf_lock);
		heap->area = area;
		heap->order = order;
		spin_unlock(&heap->conf_lock);
	}
	mutex_unlock(&heap->lock);
	return ret;
}

/**
 * chunk_heap_set_area() - choose the CMA area of a disabled heap
 * @heap: the heap
 * @area: the area
 *
 * Return: 0; -EBUSY if the heap is enabled; -ERANGE if the area cannot
 * hold the heap's chunk order or its pool_bytes; -EINTR if killed while
 * another change to the heap was in progress.
 */
int chunk_heap_set_area(struct chunk_heap *heap, const struct chunk_area *area)
{
	return chunk_heap_configure(heap, area, -1);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_set_area);

/**
 * chunk_heap_set_order() - choose the chunk order of a disabled heap
 * @heap: the heap
 * @order: chunk order
 *
 * Return: 0; -EBUSY if the heap is enabled; -ERANGE if the order is too
 * large for the heap's area, or for any area; -EINTR if killed while
 * another change to the heap was in progress.
 */
int chunk_heap_set_order(struct chunk_heap *heap, unsigned int order)
{
	if (order > CHUNK_HEAP_MAX_ORDER)
		return -ERANGE;
	return chunk_heap_configure(heap, NULL, order);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_set_order);

/**
 * chunk_heap_set_max_bytes() - set a heap's quota
 * @heap: the heap
 * @max_bytes: the most bytes its live buffers may hold, 0 for no limit
 *
 * The quota may change while the heap is enabled; it applies to
 * allocations that start afterwards.
 */
void chunk_heap_set_max_bytes(struct chunk_heap *heap, u64 max_bytes)
{
	WRITE_ONCE(heap->max_bytes, max_bytes);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_set_max_bytes);

/**
 * chunk_heap_set_numa_policy() - set a heap's per-NUMA placement policy
 * @heap: the heap
 * @policy: a policy, or CHUNK_NUMA_DEFAULT to follow the global one
 *
 * The policy may change while the heap is enabled; it applies to
 * allocations that start afterwards.
 */
void chunk_heap_set_numa_policy(struct chunk_heap *heap,
				enum chunk_numa_policy policy)
{
	WRITE_ONCE(heap->numa_policy, policy);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_set_numa_policy);

/**
 * chunk_heap_set_pool_bytes() - set how many bytes of ready chunks to keep
 * @heap: the heap
 * @bytes: the pool's target, rounded up to whole chunks; 0 for no pool
 *
 * May change while the heap is enabled: a smaller target gives chunks
 * back to CMA at once, a larger one queues a refill. Never waits for an
 * allocation or a refill.
 *
 * Return: 0; -ERANGE if @bytes, in whole chunks, is more than the heap's
 * area holds (before an area is set: more than any area holds); -EINTR if
 * killed while another change to the heap was in progress.
 */
int chunk_heap_set_pool_bytes(struct chunk_heap *heap, u64 bytes)
{
	int ret = 0;

	if (mutex_lock_killable(&heap->lock))
		return -EINTR;
	if (chunk_pool_fits(heap->area, heap->order, bytes))
		chunk_pool_set_target(&heap->pool, bytes);
	else
		ret = -ERANGE;
	mutex_unlock(&heap->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_set_pool_bytes);

/**
 * chunk_lat_bucket() - the latency bucket of an allocation
 * @ns: how long it took
 *
 * Return: 0 below 2 us, k for 2^k us up to 2^(k+1) us, and
 * CHUNK_LAT_BUCKETS - 1 for anything longer.
 */
unsigned int chunk_lat_bucket(u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);

	return us < 2 ? 0 : min_t(unsigned int, ilog2(us), CHUNK_LAT_BUCKETS - 1);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_lat_bucket);

/**
 * chunk_lat_bucket_floor_us() - the shortest latency a bucket counts
 * @bucket: the bucket, below CHUNK_LAT_BUCKETS
 *
 * Return: its lower bound in microseconds: 0, 2, 4, 8, ...
 */
u64 chunk_lat_bucket_floor_us(unsigned int bucket)
{
	return bucket ? 1ULL << bucket : 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_lat_bucket_floor_us);

/**
 * chunk_heap_node_bytes() - bytes a heap's live buffers hold on a node
 * @heap: the heap
 * @nid: the node
 *
 * Return: the sum of the heap's bytes in the areas on @nid.
 */
u64 chunk_heap_node_bytes(struct chunk_heap *heap, int nid)
{
	const struct chunk_area *area;
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; (area = chunk_area_get(i)); i++)
		if (area->nid == nid)
			bytes += atomic64_read(&heap->stats.area_bytes[i]);
	return bytes;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_node_bytes);

static struct dma_buf *chunk_heap_allocate(struct dma_heap *dma_heap,
					   unsigned long len,
					   chunk_fd_flags_t fd_flags,
					   chunk_heap_flags_t heap_flags);

static const struct dma_heap_ops chunk_heap_ops = {
	.allocate = chunk_heap_allocate,
};

/*
 * The names of mainline's heaps: the system heap's, and the CMA heap's,
 * which serves the default area (under its own name before 7.1) and, from
 * 7.1, every area of dma_contiguous_get_area_by_idx(): where the kernel
 * hides the per-node areas, those are all the areas the module found.
 */
static bool chunk_heap_name_mainline(const char *name)
{
	static const char *const names[] = {
		"system", "system_cc_shared", "default_cma_region", "reserved",
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i]))
			return true;
	return !chunk_areas_per_node() && chunk_area_find(name);
}

/*
 * The slot of @name, registering a dma-heap for it the first time. The
 * patch for dma_heap_add() in patches/ makes it check the name before it
 * creates anything, and say -EEXIST for a name that another heap has;
 * without it, a clash makes sysfs dump the stack before dma_heap_add()
 * fails, so the names of mainline's heaps are refused here first. -EBUSY
 * from it means that all dma-heap minors are in use, which only a reboot
 * frees.
 */
static struct chunk_slot *chunk_slot_get(const char *name)
{
	struct dma_heap_export_info info = { .ops = &chunk_heap_ops };
	struct chunk_slot *slot;
	struct dma_heap *dma_heap;

	lockdep_assert_held(&chunk_slots_lock);
	list_for_each_entry(slot, &chunk_slots, node)
		if (!strcmp(slot->name, name))
			return slot;

	if (chunk_heap_name_mainline(name)) {
		pr_info("%s: the name of a mainline dma-heap\n", name);
		return ERR_PTR(-EEXIST);
	}
	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return ERR_PTR(-ENOMEM);
	strscpy(slot->name, name);
	info.name = slot->name;
	info.priv = slot;
	dma_heap = dma_heap_add(&info);
	if (IS_ERR(dma_heap)) {
		kfree(slot);
		if (PTR_ERR(dma_heap) == -EEXIST)
			pr_info("%s: another dma-heap already has this name\n", name);
		if (PTR_ERR(dma_heap) != -EBUSY)
			return ERR_CAST(dma_heap);
		pr_warn("%s: all dma-heap device numbers are in use until reboot\n",
			name);
		return ERR_PTR(-ENOSPC);
	}
	slot->dma_heap = dma_heap;
	/* The framework now calls into this module until the system stops. */
	__module_get(THIS_MODULE);
	list_add_tail(&slot->node, &chunk_slots);
	return slot;
}

/* Publish a new value of @heap->slot, for allocations to snapshot. */
static void chunk_heap_set_slot(struct chunk_heap *heap, struct chunk_slot *slot)
{
	spin_lock(&heap->conf_lock);
	heap->slot = slot;
	spin_unlock(&heap->conf_lock);
}

/**
 * chunk_heap_enable() - serve /dev/dma_heap/<name> from @heap
 * @heap: a heap with an area
 *
 * Registers the dma-heap the first time a name is enabled and reattaches
 * to it afterwards. Enabling an enabled heap does nothing.
 *
 * Return: 0; -EINVAL if no CMA area is set; -EEXIST if a dma-heap that
 * this module does not own has the name; -EBUSY if another chunk heap
 * serves the name; -ENOSPC if no dma-heap device number is left; -EINTR
 * if killed while another change was in progress; -ENOMEM, or another
 * error from dma_heap_add().
 */
int chunk_heap_enable(struct chunk_heap *heap)
{
	struct chunk_slot *slot;
	int ret = 0;

	if (mutex_lock_killable(&heap->lock))
		return -EINTR;
	if (heap->slot)
		goto out;
	if (!heap->area) {
		pr_info("%s: set cma_area before enabling\n", heap->name);
		ret = -EINVAL;
		goto out;
	}
	if (mutex_lock_killable(&chunk_slots_lock)) {
		ret = -EINTR;
		goto out;
	}
	slot = chunk_slot_get(heap->name);
	if (IS_ERR(slot)) {
		ret = PTR_ERR(slot);
	} else if (rcu_access_pointer(slot->heap)) {
		ret = -EBUSY;
	} else {
		rcu_assign_pointer(slot->heap, heap);
		chunk_heap_set_slot(heap, slot);
		chunk_pool_activate(&heap->pool, heap->area, heap->order);
	}
	mutex_unlock(&chunk_slots_lock);
out:
	mutex_unlock(&heap->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_enable);

/*
 * Detach @heap from its slot; the caller holds @heap->lock. Only the
 * attached heap ever clears slot->heap, and enable sets it only when it
 * reads NULL, so this needs no lock of the slots' own.
 */
static void chunk_heap_detach(struct chunk_heap *heap)
{
	if (heap->slot) {
		RCU_INIT_POINTER(heap->slot->heap, NULL);
		chunk_heap_set_slot(heap, NULL);
		chunk_pool_deactivate(&heap->pool);
	}
}

/**
 * chunk_heap_disable() - stop serving allocations from @heap
 * @heap: the heap
 *
 * Allocations that start afterwards on the device node fail with -ENODEV.
 * Allocations in progress are not waited for: they complete with the
 * settings they started with. Live buffers are not affected.
 *
 * Return: 0, or -EINTR if killed while another change was in progress.
 */
int chunk_heap_disable(struct chunk_heap *heap)
{
	if (mutex_lock_killable(&heap->lock))
		return -EINTR;
	chunk_heap_detach(heap);
	mutex_unlock(&heap->lock);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_disable);

/**
 * chunk_heap_retire() - disable @heap for good, when it is removed
 * @heap: the heap
 *
 * As chunk_heap_disable(), but it cannot fail: it waits, unkillably, for
 * other changes to the heap, which never wait for an allocation.
 */
void chunk_heap_retire(struct chunk_heap *heap)
{
	mutex_lock(&heap->lock);
	chunk_heap_detach(heap);
	mutex_unlock(&heap->lock);
	chunk_held_kick();
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_retire);

/**
 * chunk_heap_enabled() - whether @heap serves its device node
 * @heap: the heap
 *
 * Return: true if enabled. Never blocks.
 */
bool chunk_heap_enabled(struct chunk_heap *heap)
{
	return READ_ONCE(heap->slot);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_enabled);

/*
 * Hold @bytes against the quota @max (0: none). Compare before adding, so
 * that a request that does not fit never makes a concurrent one that
 * does fit fail.
 */
static bool chunk_heap_charge(struct chunk_heap *heap, u64 max, s64 bytes)
{
	s64 now = atomic64_read(&heap->charged);

	do {
		if (max && now + bytes > max)
			return false;
	} while (!atomic64_try_cmpxchg(&heap->charged, &now, now + bytes));
	return true;
}

/* A buffer's size in bytes: its chunks, whole. */
static s64 chunk_runs_bytes(const struct chunk_runs *runs)
{
	return (s64)runs->nr_chunks << (PAGE_SHIFT + runs->order);
}

static void chunk_stats_update(struct chunk_heap_stats *stats,
			       const struct chunk_runs *runs, s64 sign)
{
	unsigned int i;

	for (i = 0; i < runs->nr_runs; i++)
		atomic64_add(sign * ((s64)runs->run[i].nr_chunks << (PAGE_SHIFT + runs->order)),
			     &stats->area_bytes[runs->run[i].area]);
	atomic64_add(sign, &stats->buffers);
	atomic64_add(sign * chunk_runs_bytes(runs), &stats->bytes);
}

/*
 * Count a buffer whose dma-buf now exists, @ns after its allocation
 * started: its bytes, its latency, whether the pool served it, and the
 * peak.
 */
static void chunk_heap_account_alloc(struct chunk_heap *heap,
				     const struct chunk_runs *runs, u64 ns)
{
	s64 peak = atomic64_read(&heap->stats.peak), now;

	chunk_stats_update(&heap->stats, runs, 1);
	atomic64_inc(&heap->stats.latency[chunk_lat_bucket(ns)]);
	if (runs->pool_chunks == runs->nr_chunks)
		atomic64_inc(&heap->stats.pool_hits);
	else if (READ_ONCE(heap->pool.target_bytes))
		atomic64_inc(&heap->stats.pool_misses);
	now = atomic64_read(&heap->stats.bytes);
	while (now > peak && !atomic64_try_cmpxchg(&heap->stats.peak, &peak, now))
		;
}

/**
 * chunk_heap_account_release() - account a released buffer's chunks
 * @heap: the heap the buffer came from
 * @runs: the buffer's chunks
 */
void chunk_heap_account_release(struct chunk_heap *heap,
				const struct chunk_runs *runs)
{
	chunk_stats_update(&heap->stats, runs, -1);
	atomic64_sub(chunk_runs_bytes(runs), &heap->charged);
}

/**
 * struct chunk_heap_snap - what an allocation needs of its heap's settings
 * @area:	the heap's area
 * @order:	chunk order
 * @max_bytes:	quota
 * @policy:	per-NUMA policy
 */
struct chunk_heap_snap {
	const struct chunk_area *area;
	unsigned int order;
	u64 max_bytes;
	enum chunk_numa_policy policy;
};

/* Take the settings of an enabled heap in one piece; -ENODEV if disabled. */
static int chunk_heap_snapshot(struct chunk_heap *heap,
			       struct chunk_heap_snap *snap)
{
	int ret = 0;

	spin_lock(&heap->conf_lock);
	if (heap->slot) {
		snap->area = heap->area;
		snap->order = heap->order;
	} else {
		ret = -ENODEV;
	}
	spin_unlock(&heap->conf_lock);
	snap->max_bytes = READ_ONCE(heap->max_bytes);
	snap->policy = READ_ONCE(heap->numa_policy);
	return ret;
}

/* Fill @runs with @nr_chunks chunks where the heap's policy places them. */
static int chunk_heap_fill(struct chunk_heap *heap,
			   const struct chunk_heap_snap *snap,
			   struct chunk_runs *runs, unsigned long nr_chunks)
{
	struct chunk_plan *plan;
	int ret;

	plan = chunk_numa_place(snap->policy, snap->area, nr_chunks);
	if (IS_ERR(plan))
		return PTR_ERR(plan);
	ret = chunk_runs_alloc(runs, plan, snap->order, nr_chunks, &heap->pool);
	kfree(plan);
	atomic64_add(runs->cma_calls, &heap->stats.cma_calls);
	atomic64_add(runs->cma_failures, &heap->stats.cma_failures);
	return ret;
}

/**
 * chunk_heap_alloc_buffer() - allocate a dma-buf from an enabled heap
 * @heap: the heap; the buffer takes a reference of its own
 * @len: requested length, rounded up to whole chunks
 * @fd_flags: O_CLOEXEC and O_ACCMODE flags of the dma-buf file
 * @heap_flags: must be 0
 *
 * The allocation holds no lock of the heap's: it works on a snapshot of
 * the settings taken when it starts, so the control plane never waits
 * for it.
 *
 * Return: the dma-buf, or ERR_PTR(): -EINVAL for a zero or overflowing
 * length or unknown flags; -ENODEV if the heap is not enabled; -ENOMEM
 * when the quota or the CMA areas are exhausted, or the length exceeds
 * all CMA areas together; -EINTR on a fatal signal; an error of
 * dma_buf_export(). On failure everything taken is released.
 */
struct dma_buf *chunk_heap_alloc_buffer(struct chunk_heap *heap,
					unsigned long len, u32 fd_flags,
					u64 heap_flags)
{
	struct chunk_runs runs = {}, held;
	struct chunk_heap_snap snap;
	struct dma_buf *dmabuf;
	unsigned long nr_chunks;
	u64 t0 = ktime_get_ns();
	bool failed = false;
	s64 bytes;
	int ret;

	trace_chunk_heap_alloc_start(heap, len);
	if (heap_flags || fd_flags & ~(O_CLOEXEC | O_ACCMODE)) {
		ret = -EINVAL;
		goto out;
	}
	ret = chunk_heap_snapshot(heap, &snap);
	if (ret)
		goto out;

	ret = chunk_len_to_chunks(len, snap.order,
				  chunk_area_total_pages() >> snap.order,
				  &nr_chunks);
	if (ret)
		goto fail;
	bytes = (s64)nr_chunks << (PAGE_SHIFT + snap.order);
	if (!chunk_heap_charge(heap, snap.max_bytes, bytes)) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = chunk_heap_fill(heap, &snap, &runs, nr_chunks);
	if (ret)
		goto uncharge;

	/*
	 * Count the buffer only once its dma-buf exists; until this returns,
	 * nobody else can release it. @held still describes the chunks
	 * after the export has taken them over.
	 */
	held = runs;
	kref_get(&heap->ref);
	dmabuf = chunk_buffer_export(heap, &runs, bytes, fd_flags);
	if (!IS_ERR(dmabuf)) {
		u64 ns = ktime_get_ns() - t0;

		chunk_heap_account_alloc(heap, &held, ns);
		trace_chunk_heap_alloc_end(heap, len, &held, ns, 0);
		return dmabuf;
	}
	ret = PTR_ERR(dmabuf);
	chunk_runs_free(&runs);
	chunk_heap_put(heap);
	failed = true;
uncharge:
	atomic64_sub(bytes, &heap->charged);
fail:
	if (failed || ret == -ENOMEM)
		atomic64_inc(&heap->stats.failures);
out:
	trace_chunk_heap_alloc_end(heap, len, &runs, ktime_get_ns() - t0, ret);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_IF_KUNIT(chunk_heap_alloc_buffer);

static struct dma_buf *chunk_heap_allocate(struct dma_heap *dma_heap,
					   unsigned long len,
					   chunk_fd_flags_t fd_flags,
					   chunk_heap_flags_t heap_flags)
{
	struct chunk_slot *slot = dma_heap_get_drvdata(dma_heap);
	struct chunk_heap *heap;
	struct dma_buf *dmabuf;

	rcu_read_lock();
	heap = rcu_dereference(slot->heap);
	if (heap && !kref_get_unless_zero(&heap->ref))
		heap = NULL;
	rcu_read_unlock();
	if (!heap)
		return ERR_PTR(-ENODEV);

	dmabuf = chunk_heap_alloc_buffer(heap, len, fd_flags, heap_flags);
	chunk_heap_put(heap);
	return dmabuf;
}
