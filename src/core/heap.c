// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: heaps, their registration as dma-heaps, and allocation.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/ctype.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/fcntl.h>
#include <linux/kernfs.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"
#include "../numa/numa.h"

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
	init_rwsem(&heap->lock);
	strscpy(heap->name, name);
	return heap;
}

static void chunk_heap_release(struct kref *ref)
{
	struct chunk_heap *heap = container_of(ref, struct chunk_heap, ref);

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

/**
 * chunk_heap_check_name() - whether @name may name a heap
 * @name: the proposed name
 *
 * Heap names become device names, /dev/dma_heap/<name>: 1 to
 * CHUNK_HEAP_NAME_MAX characters from [A-Za-z0-9._-], not "." or "..".
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
		if (!isalnum(name[i]) && !strchr("._-", name[i]))
			return -EINVAL;
	return 0;
}

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

/**
 * chunk_heap_set_area() - choose the CMA area of a disabled heap
 * @heap: the heap
 * @area: the area
 *
 * Return: 0; -EBUSY if the heap is enabled; -ERANGE if the area cannot
 * hold the heap's chunk order; -EINTR if killed while waiting for
 * allocations in progress.
 */
int chunk_heap_set_area(struct chunk_heap *heap, const struct chunk_area *area)
{
	int ret;

	if (down_write_killable(&heap->lock))
		return -EINTR;
	ret = heap->slot ? -EBUSY : chunk_heap_check_order(area, heap->order);
	if (!ret)
		heap->area = area;
	up_write(&heap->lock);
	return ret;
}

/**
 * chunk_heap_set_order() - choose the chunk order of a disabled heap
 * @heap: the heap
 * @order: chunk order
 *
 * Return: 0; -EBUSY if the heap is enabled; -ERANGE if the order is too
 * large for the heap's area, or for any area; -EINTR if killed while
 * waiting for allocations in progress.
 */
int chunk_heap_set_order(struct chunk_heap *heap, unsigned int order)
{
	int ret;

	if (down_write_killable(&heap->lock))
		return -EINTR;
	ret = heap->slot ? -EBUSY : chunk_heap_check_order(heap->area, order);
	if (!ret)
		heap->order = order;
	up_write(&heap->lock);
	return ret;
}

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

/*
 * Whether another dma-heap (system, reserved, ...) already has @name.
 * dma_heap_add() in 6.12 creates the device before it checks the name,
 * so a clash there makes sysfs warn with a stack dump; look the name up
 * in /sys/class/dma_heap first. There is no exported lookup, and the
 * check is advisory: a heap registered in between still fails cleanly in
 * dma_heap_add().
 */
static bool chunk_heap_name_taken(const char *name)
{
	/* /sys/kernel is exported; its parent is the root of sysfs. */
	struct kernfs_node *root = kernel_kobj->sd->parent;
	struct kernfs_node *class, *heaps = NULL, *kn = NULL;

	class = kernfs_find_and_get(root, "class");
	if (class)
		heaps = kernfs_find_and_get(class, "dma_heap");
	if (heaps)
		kn = kernfs_find_and_get(heaps, name);
	kernfs_put(kn);
	kernfs_put(heaps);
	kernfs_put(class);
	return kn;
}

static struct dma_buf *chunk_heap_allocate(struct dma_heap *dma_heap,
					   unsigned long len, u32 fd_flags,
					   u64 heap_flags);

static const struct dma_heap_ops chunk_heap_ops = {
	.allocate = chunk_heap_allocate,
};

static struct chunk_slot *chunk_slot_get(const char *name)
{
	struct dma_heap_export_info info = { .ops = &chunk_heap_ops };
	struct chunk_slot *slot;

	lockdep_assert_held(&chunk_slots_lock);
	list_for_each_entry(slot, &chunk_slots, node)
		if (!strcmp(slot->name, name))
			return slot;

	if (chunk_heap_name_taken(name)) {
		pr_err("%s: another dma-heap already has this name\n", name);
		return ERR_PTR(-EEXIST);
	}

	slot = kzalloc(sizeof(*slot), GFP_KERNEL);
	if (!slot)
		return ERR_PTR(-ENOMEM);
	strscpy(slot->name, name);
	info.name = slot->name;
	info.priv = slot;
	slot->dma_heap = dma_heap_add(&info);
	if (IS_ERR(slot->dma_heap)) {
		struct dma_heap *err = slot->dma_heap;

		kfree(slot);
		return ERR_CAST(err);
	}
	/* The framework now calls into this module until the system stops. */
	__module_get(THIS_MODULE);
	list_add_tail(&slot->node, &chunk_slots);
	return slot;
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
 * serves the name; -EINTR if killed while waiting for allocations in
 * progress; -ENOMEM, or an error from dma_heap_add().
 */
int chunk_heap_enable(struct chunk_heap *heap)
{
	struct chunk_slot *slot;
	int ret = 0;

	if (down_write_killable(&heap->lock))
		return -EINTR;
	if (heap->slot)
		goto out;
	if (!heap->area) {
		pr_info("%s: set cma_area before enabling\n", heap->name);
		ret = -EINVAL;
		goto out;
	}

	mutex_lock(&chunk_slots_lock);
	slot = chunk_slot_get(heap->name);
	if (IS_ERR(slot)) {
		ret = PTR_ERR(slot);
	} else if (rcu_access_pointer(slot->heap)) {
		ret = -EBUSY;
	} else {
		rcu_assign_pointer(slot->heap, heap);
		heap->slot = slot;
	}
	mutex_unlock(&chunk_slots_lock);
out:
	up_write(&heap->lock);
	return ret;
}

/**
 * chunk_heap_disable() - stop serving allocations from @heap
 * @heap: the heap
 *
 * Waits for allocations in progress to finish; later ones on the device
 * node fail with -ENODEV. Live buffers are not affected.
 */
void chunk_heap_disable(struct chunk_heap *heap)
{
	down_write(&heap->lock);
	if (heap->slot) {
		mutex_lock(&chunk_slots_lock);
		RCU_INIT_POINTER(heap->slot->heap, NULL);
		mutex_unlock(&chunk_slots_lock);
		heap->slot = NULL;
	}
	up_write(&heap->lock);
}

/**
 * chunk_heap_enabled() - whether @heap serves its device node
 * @heap: the heap
 *
 * Return: true if enabled.
 */
bool chunk_heap_enabled(struct chunk_heap *heap)
{
	bool enabled;

	down_read(&heap->lock);
	enabled = heap->slot;
	up_read(&heap->lock);
	return enabled;
}

/* Reserve @bytes against the quota. */
static int chunk_heap_reserve(struct chunk_heap *heap, s64 bytes)
{
	u64 max = READ_ONCE(heap->max_bytes);
	s64 now = atomic64_add_return(bytes, &heap->stats.bytes);

	if (max && now > max) {
		atomic64_sub(bytes, &heap->stats.bytes);
		return -ENOMEM;
	}
	return 0;
}

static void chunk_stats_update(struct chunk_heap_stats *stats,
			       const struct chunk_runs *runs, bool add)
{
	unsigned int i;

	for (i = 0; i < runs->nr_runs; i++) {
		s64 bytes = (s64)runs->run[i].nr_chunks << (PAGE_SHIFT + runs->order);

		atomic64_add(add ? bytes : -bytes,
			     &stats->area_bytes[runs->run[i].area]);
	}
	atomic64_add(add ? 1 : -1, &stats->buffers);
}

/* Account a new buffer whose bytes are reserved; raise the peak. */
static void chunk_heap_account_alloc(struct chunk_heap *heap,
				     const struct chunk_runs *runs)
{
	s64 now = atomic64_read(&heap->stats.bytes);
	s64 peak = atomic64_read(&heap->stats.peak);

	chunk_stats_update(&heap->stats, runs, true);
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
	chunk_stats_update(&heap->stats, runs, false);
	atomic64_sub((s64)runs->nr_chunks << (PAGE_SHIFT + runs->order),
		     &heap->stats.bytes);
}

/* Fill @runs with @nr_chunks chunks where the heap's policy places them. */
static int chunk_heap_fill(struct chunk_heap *heap, struct chunk_runs *runs,
			   unsigned long nr_chunks)
{
	struct chunk_plan *plan;
	int ret;

	plan = chunk_numa_place(READ_ONCE(heap->numa_policy), heap->area,
				nr_chunks);
	if (IS_ERR(plan))
		return PTR_ERR(plan);
	ret = chunk_runs_alloc(runs, plan, heap->order, nr_chunks);
	kfree(plan);
	atomic64_add(runs->cma_calls, &heap->stats.cma_calls);
	return ret;
}

/**
 * chunk_heap_alloc_buffer() - allocate a dma-buf from an enabled heap
 * @heap: the heap; the buffer takes a reference of its own
 * @len: requested length, rounded up to whole chunks
 * @fd_flags: O_CLOEXEC and O_ACCMODE flags of the dma-buf file
 * @heap_flags: must be 0
 *
 * Return: the dma-buf, or ERR_PTR(): -EINVAL for a zero or overflowing
 * length or unknown flags; -ENODEV if the heap is not enabled; -ENOMEM
 * when the quota or the CMA areas are exhausted, or the length exceeds
 * all CMA areas together; -EINTR on a fatal signal.
 * On failure everything taken is released.
 */
struct dma_buf *chunk_heap_alloc_buffer(struct chunk_heap *heap,
					unsigned long len, u32 fd_flags,
					u64 heap_flags)
{
	struct chunk_runs runs = {};
	struct dma_buf *dmabuf;
	unsigned long nr_chunks;
	s64 bytes;
	int ret;

	if (heap_flags || fd_flags & ~(O_CLOEXEC | O_ACCMODE))
		return ERR_PTR(-EINVAL);

	if (down_read_killable(&heap->lock))
		return ERR_PTR(-EINTR);
	if (!heap->slot) {
		ret = -ENODEV;
		goto unlock;
	}
	ret = chunk_len_to_chunks(len, heap->order,
				  chunk_area_total_pages() >> heap->order,
				  &nr_chunks);
	if (!ret) {
		bytes = (s64)nr_chunks << (PAGE_SHIFT + heap->order);
		ret = chunk_heap_reserve(heap, bytes);
	}
	if (!ret) {
		ret = chunk_heap_fill(heap, &runs, nr_chunks);
		if (ret)
			atomic64_sub(bytes, &heap->stats.bytes);
	}
	if (ret == -ENOMEM)
		atomic64_inc(&heap->stats.failures);
	if (ret)
		goto unlock;

	chunk_heap_account_alloc(heap, &runs);
	kref_get(&heap->ref);
	dmabuf = chunk_buffer_export(heap, &runs, bytes, fd_flags);
	if (IS_ERR(dmabuf)) {
		ret = PTR_ERR(dmabuf);
		chunk_heap_account_release(heap, &runs);
		chunk_runs_free(&runs);
		chunk_heap_put(heap);
	}
unlock:
	up_read(&heap->lock);
	return ret ? ERR_PTR(ret) : dmabuf;
}

static struct dma_buf *chunk_heap_allocate(struct dma_heap *dma_heap,
					   unsigned long len, u32 fd_flags,
					   u64 heap_flags)
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
