/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_heap: the one place that knows kernel versions.
 *
 * The module is written against 6.12. Every difference of another kernel
 * it builds on is handled here, so that no LINUX_VERSION_CODE test appears
 * anywhere else. Include it after the kernel's headers.
 *
 * Built and tested: 6.1 and 6.12 (Debian's linux-source-6.1 and -6.12)
 * and 7.3 (Debian's linux-source-7.3), each with patches/<version>/, and
 * Debian's stock 7.3 kernel without any patch. The release each difference
 * came in is taken from mainline's history; only these kernels are built,
 * so a kernel in between may meet a boundary that is off by a release.
 *
 * checkpatch warns twice in this file and nowhere else: about
 * LINUX_VERSION_CODE, which the header exists to test (in CHUNK_SINCE()
 * only), and about the unused argument of __counted_by() where the
 * compiler attribute is missing, as in the kernel's own definition.
 *
 * Checked by reading mainline's source only, never built here:
 *  - 6.13: MODULE_IMPORT_NS() takes a string (CHUNK_IMPORT_NS below);
 *  - 6.15: kernfs_node's parent became RCU-protected. The module no
 *    longer touches kernfs at all, so nothing is left to handle.
 *
 * Exports. Not versions but what a kernel exports decides what the module
 * can do; out of tree, Kbuild reads it from Module.symvers and defines:
 *  - CHUNK_HEAP_CMA_WALK: cma_for_each_area() (Android, patches/), which
 *    finds every area, the per-node ones too. Without it, the areas are
 *    those of dma_contiguous_get_area_by_idx() (mainline 7.1): the default
 *    area and the devicetree regions;
 *  - CHUNK_HEAP_CMA_GEOMETRY: cma_get_base() and cma_get_size() (Android,
 *    patches/), an area's size and node. Without them, area sizes and the
 *    per-node placement are unavailable (src/numa/areas.c).
 * The heap API (mainline 6.18, namespace DMA_BUF_HEAP; Android without a
 * namespace, which the import does not mind) and cma_alloc(),
 * cma_release() and cma_get_name() (mainline 7.1) are needed everywhere.
 */
#ifndef _CHUNK_HEAP_COMPAT_H
#define _CHUNK_HEAP_COMPAT_H

#include <linux/compiler.h>
#include <linux/dma-buf.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/shrinker.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap.h>
#include <linux/types.h>
#include <linux/version.h>
/*
 * EXPORT_SYMBOL_IF_KUNIT(): what the KUnit suites' own module,
 * chunk_heap_test.ko, tests is exported to it on kernels with KUnit only.
 */
#include <kunit/visibility.h>

/* True when building for kernel @major.@minor or later. */
#define CHUNK_SINCE(major, minor) \
	(KERNEL_VERSION(major, minor, 0) <= LINUX_VERSION_CODE)

/* Import a symbol namespace: a bare identifier before 6.13, a string after. */
#if CHUNK_SINCE(6, 13)
#define CHUNK_IMPORT_NS(ns)	MODULE_IMPORT_NS(#ns)
#else
#define CHUNK_IMPORT_NS(ns)	MODULE_IMPORT_NS(ns)
#endif

/* kvrealloc() lost its old-size argument in 6.12. */
static inline void *chunk_kvrealloc(void *p, size_t old_size, size_t new_size,
				    gfp_t flags)
{
#if CHUNK_SINCE(6, 12)
	return kvrealloc(p, new_size, flags);
#else
	return kvrealloc(p, old_size, new_size, flags);
#endif
}

/*
 * strscpy(dst, src) takes the size of the array dst from 6.8; before, only
 * the three-argument form exists. The macro is defined after every kernel
 * header that calls the function, and the helper calls the real one.
 */
#if !CHUNK_SINCE(6, 8)
static inline ssize_t chunk_strscpy(char *dst, const char *src, size_t size)
{
	return strscpy(dst, src, size);
}

#define strscpy(dst, src) \
	chunk_strscpy(dst, src, sizeof(dst) + __must_be_array(dst))
#endif

/*
 * vm_flags became read-only outside vm_flags_set() and friends in 6.3. A
 * name of the module's own, as vendor 6.1 trees may have the helper.
 */
static inline void chunk_vm_flags_set(struct vm_area_struct *vma,
				      vm_flags_t flags)
{
#if CHUNK_SINCE(6, 3)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

/*
 * nth_page() is gone from 6.18, which makes CMA refuse ranges whose memmap
 * is not contiguous: within a chunk, page + n is the n-th page.
 */
#if CHUNK_SINCE(6, 18) && !defined(nth_page)
#define nth_page(page, n)	((page) + (n))
#endif

/* __counted_by() (6.7): only a bounds-checking hint, so nothing without it. */
#ifndef __counted_by
#define __counted_by(member)
#endif

/*
 * The flags of dma_heap_ops.allocate() were unsigned long until 6.11,
 * then the u32 and u64 of the ioctl.
 */
#if CHUNK_SINCE(6, 11)
#define chunk_fd_flags_t	u32
#define chunk_heap_flags_t	u64
#else
#define chunk_fd_flags_t	unsigned long
#define chunk_heap_flags_t	unsigned long
#endif

/*
 * dma_buf_vmap() takes the reservation lock from 6.2, and the _unlocked
 * form is for callers that do not hold it; before, dma_buf_vmap() locked
 * by itself.
 */
#if !CHUNK_SINCE(6, 2)
static inline int dma_buf_vmap_unlocked(struct dma_buf *dmabuf,
					struct iosys_map *map)
{
	return dma_buf_vmap(dmabuf, map);
}

static inline void dma_buf_vunmap_unlocked(struct dma_buf *dmabuf,
					   struct iosys_map *map)
{
	dma_buf_vunmap(dmabuf, map);
}
#endif

/*
 * Pages a shrinker frees outside the LRU count as reclaim's progress
 * through mm_account_reclaimed_pages() from 6.4; before, they were added
 * to reclaim_state's reclaimed_slab by hand.
 */
#if CHUNK_SINCE(6, 4)
#define chunk_reclaimed(rs)	((rs)->reclaimed)
#else
#define chunk_reclaimed(rs)	((rs)->reclaimed_slab)

static inline void mm_account_reclaimed_pages(unsigned long pages)
{
	if (current->reclaim_state)
		current->reclaim_state->reclaimed_slab += pages;
}
#endif

/*
 * A shrinker of the module's own: shrinker_alloc() and shrinker_register()
 * from 6.7, a caller-owned struct and register_shrinker() before.
 * chunk_shrinker_add() returns NULL if it cannot register one.
 */
static inline struct shrinker *
chunk_shrinker_add(const char *name, int seeks, unsigned int flags,
		   unsigned long (*count)(struct shrinker *,
					  struct shrink_control *),
		   unsigned long (*scan)(struct shrinker *,
					 struct shrink_control *))
{
	struct shrinker *s;

#if CHUNK_SINCE(6, 7)
	s = shrinker_alloc(flags, "%s", name);
	if (!s)
		return NULL;
#else
	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return NULL;
	s->flags = flags;
#endif
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = seeks;
#if CHUNK_SINCE(6, 7)
	shrinker_register(s);
#else
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
#endif
	return s;
}

static inline void chunk_shrinker_del(struct shrinker *s)
{
#if CHUNK_SINCE(6, 7)
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/* KUnit, for the suites in kunit/: they define CHUNK_HEAP_KUNIT first. */
#ifdef CHUNK_HEAP_KUNIT
#include <kunit/test.h>
#include <kunit/resource.h>

/* Deferred actions (6.5), built on the test resources of older kernels. */
#if !CHUNK_SINCE(6, 5)
struct chunk_kunit_action {
	void (*fn)(void *ctx);
	void *ctx;
};

static inline int chunk_kunit_action_init(struct kunit_resource *res, void *ctx)
{
	res->data = ctx;
	return 0;
}

static inline void chunk_kunit_action_free(struct kunit_resource *res)
{
	struct chunk_kunit_action *action = res->data;

	action->fn(action->ctx);
	kfree(action);
}

static inline int kunit_add_action_or_reset(struct kunit *test,
					    void (*fn)(void *ctx), void *ctx)
{
	struct chunk_kunit_action *action = kmalloc(sizeof(*action), GFP_KERNEL);

	if (!action) {
		fn(ctx);
		return -ENOMEM;
	}
	action->fn = fn;
	action->ctx = ctx;
	if (!kunit_alloc_resource(test, chunk_kunit_action_init,
				  chunk_kunit_action_free, GFP_KERNEL, action)) {
		fn(ctx);
		kfree(action);
		return -ENOMEM;
	}
	return 0;
}
#endif

/* Test devices (6.8): a root device stands in for one before. */
#if CHUNK_SINCE(6, 8)
#include <kunit/device.h>
#else
#include <linux/device.h>

static inline void chunk_kunit_device_unregister(void *dev)
{
	root_device_unregister(dev);
}

static inline struct device *kunit_device_register(struct kunit *test,
						   const char *name)
{
	struct device *dev = root_device_register(name);

	if (IS_ERR(dev))
		return dev;
	if (kunit_add_action_or_reset(test, chunk_kunit_device_unregister, dev))
		return ERR_PTR(-ENOMEM);
	return dev;
}
#endif

/*
 * User mappings from a test (6.10). Before, a module cannot give the
 * test's kthread a user mm, so a test that maps a buffer into userspace
 * is skipped; the end-to-end tests map buffers from real processes.
 */
#if !CHUNK_SINCE(6, 10)
static inline unsigned long kunit_vm_mmap(struct kunit *test, struct file *file,
					  unsigned long addr, unsigned long len,
					  unsigned long prot, unsigned long flag,
					  unsigned long offset)
{
	kunit_skip(test, "no kunit_vm_mmap() before 6.10");
	return -EINVAL;
}
#endif
#endif /* CHUNK_HEAP_KUNIT */

#endif /* _CHUNK_HEAP_COMPAT_H */
