// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap core: the dma-buf exporter.
 *
 * Gives importers what the mainline CMA and system heaps give them: one
 * sg_table per attachment, mapping in the attachment's direction, CPU
 * access syncing every mapped attachment, shared mmap and a
 * reference-counted vmap. An sg_table has one entry per physically
 * contiguous stretch of the buffer, cut where the importing device's
 * maximum segment size says, so that the device is never handed a
 * segment longer than it can take.
 *
 * mmap follows the CMA heap: a PFN map, filled from a fault handler, that
 * GUP refuses and that cannot grow past the buffer. So no one can pin a
 * buffer's pages through its mapping and keep them past its release.
 */
#include <linux/dma-buf.h>
#include <linux/dma-mapping.h>
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "core.h"
#include "chunk_trace.h"

/**
 * struct chunk_buffer - the private data of one chunk heap dma-buf
 * @heap:	the heap, referenced for as long as the buffer lives
 * @runs:	the chunks
 * @run_start:	the page offset of each run in the buffer, for faults
 * @len:	size in bytes, a whole number of chunks
 * @lock:	serialises @attachments and their state, @vmap_cnt and @vaddr
 * @attachments: the chunk_attachment of every attached device
 * @vmap_cnt:	number of vmap() users
 * @vaddr:	kernel mapping while @vmap_cnt > 0
 */
struct chunk_buffer {
	struct chunk_heap *heap;
	struct chunk_runs runs;
	unsigned long *run_start;
	unsigned long len;
	struct mutex lock; /* serialises attachments, their state, vmap */
	struct list_head attachments;
	unsigned int vmap_cnt;
	void *vaddr;
};

/**
 * struct chunk_attachment - one device's view of a buffer
 * @dev:	the device
 * @table:	the buffer's segments for it
 * @list:	entry in the buffer's attachments
 * @mapped:	whether @table is mapped for the device
 * @dir:	the direction it is mapped in, which CPU access syncs in
 */
struct chunk_attachment {
	struct device *dev;
	struct sg_table table;
	struct list_head list;
	bool mapped;
	enum dma_data_direction dir;
};

/*
 * The next physically contiguous stretch of @runs from run *@i on, at
 * most @max bytes: its first page and its length. Advances *@i and
 * *@skip (pages of run *@i already handed out).
 */
static unsigned long chunk_runs_next(const struct chunk_runs *runs,
				     unsigned int *i, unsigned long *skip,
				     unsigned long max, struct page **page)
{
	unsigned long len = 0;

	*page = nth_page(runs->run[*i].page, *skip);
	while (*i < runs->nr_runs) {
		const struct chunk_run *run = &runs->run[*i];
		unsigned long pages = (unsigned long)run->nr_chunks << runs->order;
		unsigned long take;

		if (len && page_to_pfn(*page) + (len >> PAGE_SHIFT) !=
		    page_to_pfn(run->page))
			break;
		take = min(pages - *skip, (max - len) >> PAGE_SHIFT);
		len += take << PAGE_SHIFT;
		*skip += take;
		if (*skip < pages)
			break;
		(*i)++;
		*skip = 0;
	}
	return len;
}

/* Fill @table (NULL: only count) with @runs cut into @max-byte segments. */
static unsigned int chunk_runs_to_sg(const struct chunk_runs *runs,
				     unsigned long max, struct sg_table *table)
{
	struct scatterlist *sg = table ? table->sgl : NULL;
	unsigned long skip = 0, len;
	unsigned int i = 0, nents = 0;
	struct page *page;

	while (i < runs->nr_runs) {
		len = chunk_runs_next(runs, &i, &skip, max, &page);
		if (sg) {
			sg_set_page(sg, page, len, 0);
			sg = sg_next(sg);
		}
		nents++;
		cond_resched();
	}
	return nents;
}

static int chunk_buffer_attach(struct dma_buf *dmabuf,
			       struct dma_buf_attachment *attachment)
{
	struct chunk_buffer *buffer = dmabuf->priv;
	/* A segment is at least a page, and its length fits an sg entry. */
	unsigned long max = max_t(unsigned long,
				  rounddown(dma_get_max_seg_size(attachment->dev),
					    PAGE_SIZE), PAGE_SIZE);
	struct chunk_attachment *a;
	int ret;

	a = kzalloc(sizeof(*a), GFP_KERNEL);
	if (!a)
		return -ENOMEM;

	ret = sg_alloc_table(&a->table, chunk_runs_to_sg(&buffer->runs, max, NULL),
			     GFP_KERNEL);
	if (ret) {
		kfree(a);
		return ret;
	}
	chunk_runs_to_sg(&buffer->runs, max, &a->table);

	a->dev = attachment->dev;
	attachment->priv = a;

	mutex_lock(&buffer->lock);
	list_add(&a->list, &buffer->attachments);
	mutex_unlock(&buffer->lock);
	return 0;
}

static void chunk_buffer_detach(struct dma_buf *dmabuf,
				struct dma_buf_attachment *attachment)
{
	struct chunk_buffer *buffer = dmabuf->priv;
	struct chunk_attachment *a = attachment->priv;

	mutex_lock(&buffer->lock);
	list_del(&a->list);
	mutex_unlock(&buffer->lock);

	sg_free_table(&a->table);
	kfree(a);
}

/* CPU access reads @mapped and @dir under the buffer's lock. */
static void chunk_attachment_set(struct dma_buf_attachment *attachment,
				 bool mapped, enum dma_data_direction dir)
{
	struct chunk_buffer *buffer = attachment->dmabuf->priv;
	struct chunk_attachment *a = attachment->priv;

	mutex_lock(&buffer->lock);
	a->mapped = mapped;
	a->dir = dir;
	mutex_unlock(&buffer->lock);
}

static struct sg_table *chunk_buffer_map(struct dma_buf_attachment *attachment,
					 enum dma_data_direction dir)
{
	struct chunk_attachment *a = attachment->priv;
	int ret;

	ret = dma_map_sgtable(attachment->dev, &a->table, dir, 0);
	if (ret)
		return ERR_PTR(ret);
	chunk_attachment_set(attachment, true, dir);
	return &a->table;
}

static void chunk_buffer_unmap(struct dma_buf_attachment *attachment,
			       struct sg_table *table,
			       enum dma_data_direction dir)
{
	chunk_attachment_set(attachment, false, dir);
	dma_unmap_sgtable(attachment->dev, table, dir, 0);
}

static int chunk_buffer_begin_cpu_access(struct dma_buf *dmabuf,
					 enum dma_data_direction dir)
{
	struct chunk_buffer *buffer = dmabuf->priv;
	struct chunk_attachment *a;

	mutex_lock(&buffer->lock);
	if (buffer->vmap_cnt)
		invalidate_kernel_vmap_range(buffer->vaddr, buffer->len);
	list_for_each_entry(a, &buffer->attachments, list)
		if (a->mapped)
			dma_sync_sgtable_for_cpu(a->dev, &a->table, a->dir);
	mutex_unlock(&buffer->lock);
	return 0;
}

static int chunk_buffer_end_cpu_access(struct dma_buf *dmabuf,
				       enum dma_data_direction dir)
{
	struct chunk_buffer *buffer = dmabuf->priv;
	struct chunk_attachment *a;

	mutex_lock(&buffer->lock);
	if (buffer->vmap_cnt)
		flush_kernel_vmap_range(buffer->vaddr, buffer->len);
	list_for_each_entry(a, &buffer->attachments, list)
		if (a->mapped)
			dma_sync_sgtable_for_device(a->dev, &a->table, a->dir);
	mutex_unlock(&buffer->lock);
	return 0;
}

/*
 * What a fault maps: the 2 MiB around the faulting address, aligned in the
 * address space (one page table on x86 and 4 KiB arm64), as far as it lies
 * in the faulting page's run and in the VMA. A first touch of a large
 * buffer then takes a fraction of the faults of the CMA heap, which maps
 * one page a fault.
 */
#define CHUNK_FAULT_BYTES	SZ_2M

/* The run that holds page @pgoff of @buffer, found by bisection. */
static unsigned int chunk_buffer_find_run(const struct chunk_buffer *buffer,
					  unsigned long pgoff)
{
	unsigned int lo = 0, hi = buffer->runs.nr_runs - 1;

	while (lo < hi) {
		unsigned int mid = (lo + hi + 1) / 2;

		if (buffer->run_start[mid] <= pgoff)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

static vm_fault_t chunk_buffer_vm_fault(struct vm_fault *vmf)
{
	struct vm_area_struct *vma = vmf->vma;
	struct chunk_buffer *buffer = vma->vm_private_data;
	unsigned long pgoff = vmf->pgoff, first, last, base, addr, end;
	unsigned int i;
	vm_fault_t ret;

	if (pgoff >= buffer->len >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;
	i = chunk_buffer_find_run(buffer, pgoff);
	/* The pages of the faulting page's run that the VMA maps. */
	first = max(buffer->run_start[i], vma->vm_pgoff);
	last = min(buffer->run_start[i + 1], vma->vm_pgoff + vma_pages(vma));
	/* Within the run, buffer page p is PFN base + p (modulo wrap). */
	base = page_to_pfn(buffer->runs.run[i].page) - buffer->run_start[i];
	ret = vmf_insert_pfn(vma, vmf->address, base + pgoff);
	if (ret != VM_FAULT_NOPAGE)
		return ret;

	addr = max(ALIGN_DOWN(vmf->address, CHUNK_FAULT_BYTES),
		   vmf->address - ((pgoff - first) << PAGE_SHIFT));
	end = min(ALIGN_DOWN(vmf->address, CHUNK_FAULT_BYTES) + CHUNK_FAULT_BYTES,
		  vmf->address + ((last - pgoff) << PAGE_SHIFT));
	for (; addr < end; addr += PAGE_SIZE) {
		unsigned long p = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);

		/* The faulting page is in; the others are only a head start. */
		if (addr != vmf->address &&
		    vmf_insert_pfn(vma, addr, base + p) != VM_FAULT_NOPAGE)
			break;
	}
	return VM_FAULT_NOPAGE;
}

static const struct vm_operations_struct chunk_buffer_vm_ops = {
	.fault = chunk_buffer_vm_fault,
};

/*
 * Not remap_pfn_range(): on a whole VMA it makes x86 reserve the range's
 * memory type, and a failure there has warned in the PAT code (found by
 * fault injection); vmf_insert_pfn() only looks the type up.
 */
static int chunk_buffer_mmap(struct dma_buf *dmabuf, struct vm_area_struct *vma)
{
	/*
	 * Private mappings would copy on write. VM_MAYSHARE, not VM_SHARED:
	 * a shared mapping of a read-only dma-buf has only the former.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	/* An importer's VMA that maps pages already cannot take PFNs too. */
	if (vma->vm_flags & VM_MIXEDMAP)
		return -EINVAL;

	chunk_vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_ops = &chunk_buffer_vm_ops;
	vma->vm_private_data = dmabuf->priv;
	return 0;
}

static void *chunk_buffer_do_vmap(struct chunk_buffer *buffer)
{
	const struct chunk_runs *runs = &buffer->runs;
	unsigned long nr_pages = buffer->len >> PAGE_SHIFT;
	struct page **pages, **p;
	unsigned long j;
	unsigned int i;
	void *vaddr;

	/* A page array only for as long as vmap() needs it. */
	pages = kvmalloc_array(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		return ERR_PTR(-ENOMEM);

	p = pages;
	for (i = 0; i < runs->nr_runs; i++) {
		const struct chunk_run *run = &runs->run[i];

		for (j = 0; j < (unsigned long)run->nr_chunks << runs->order; j++)
			*p++ = nth_page(run->page, j);
		cond_resched();
	}

	vaddr = vmap(pages, nr_pages, VM_MAP, PAGE_KERNEL);
	kvfree(pages);
	return vaddr ?: ERR_PTR(-ENOMEM);
}

static int chunk_buffer_vmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct chunk_buffer *buffer = dmabuf->priv;
	int ret = 0;

	mutex_lock(&buffer->lock);
	if (!buffer->vmap_cnt) {
		void *vaddr = chunk_buffer_do_vmap(buffer);

		if (IS_ERR(vaddr)) {
			ret = PTR_ERR(vaddr);
			goto out;
		}
		buffer->vaddr = vaddr;
	}
	buffer->vmap_cnt++;
	iosys_map_set_vaddr(map, buffer->vaddr);
out:
	mutex_unlock(&buffer->lock);
	return ret;
}

static void chunk_buffer_vunmap(struct dma_buf *dmabuf, struct iosys_map *map)
{
	struct chunk_buffer *buffer = dmabuf->priv;

	mutex_lock(&buffer->lock);
	if (!--buffer->vmap_cnt) {
		vunmap(buffer->vaddr);
		buffer->vaddr = NULL;
	}
	mutex_unlock(&buffer->lock);
	iosys_map_clear(map);
}

static void chunk_buffer_release(struct dma_buf *dmabuf)
{
	struct chunk_buffer *buffer = dmabuf->priv;

	if (WARN_ON(buffer->vmap_cnt))
		vunmap(buffer->vaddr);

	trace_chunk_heap_free(buffer->heap, buffer->len);
	chunk_heap_account_release(buffer->heap, &buffer->runs);
	chunk_held_sort(buffer->heap, &buffer->runs);
	chunk_pool_give(&buffer->heap->pool, &buffer->runs);
	kvfree(buffer->run_start);
	chunk_heap_put(buffer->heap);
	mutex_destroy(&buffer->lock);
	kfree(buffer);
}

static const struct dma_buf_ops chunk_buffer_ops = {
	.attach = chunk_buffer_attach,
	.detach = chunk_buffer_detach,
	.map_dma_buf = chunk_buffer_map,
	.unmap_dma_buf = chunk_buffer_unmap,
	.begin_cpu_access = chunk_buffer_begin_cpu_access,
	.end_cpu_access = chunk_buffer_end_cpu_access,
	.mmap = chunk_buffer_mmap,
	.vmap = chunk_buffer_vmap,
	.vunmap = chunk_buffer_vunmap,
	.release = chunk_buffer_release,
};

/**
 * chunk_buffer_export() - wrap allocated chunks in a dma-buf
 * @heap: the heap the chunks were accounted to; its reference passes to
 *	the buffer on success
 * @runs: the chunks; emptied on success, untouched on failure
 * @len: buffer size in bytes, a whole number of chunks
 * @fd_flags: file flags of the dma-buf (O_CLOEXEC, O_ACCMODE)
 *
 * Return: the dma-buf, or an ERR_PTR() on failure, in which case the
 * caller still owns @runs and its reference on @heap.
 */
struct dma_buf *chunk_buffer_export(struct chunk_heap *heap,
				    struct chunk_runs *runs,
				    unsigned long len, u32 fd_flags)
{
	DEFINE_DMA_BUF_EXPORT_INFO(exp_info);
	struct chunk_buffer *buffer;
	struct dma_buf *dmabuf;
	unsigned int i;

	buffer = kzalloc(sizeof(*buffer), GFP_KERNEL);
	if (!buffer)
		return ERR_PTR(-ENOMEM);
	buffer->run_start = kvmalloc_array((size_t)runs->nr_runs + 1,
					   sizeof(*buffer->run_start), GFP_KERNEL);
	if (!buffer->run_start) {
		kfree(buffer);
		return ERR_PTR(-ENOMEM);
	}
	buffer->run_start[0] = 0;
	for (i = 0; i < runs->nr_runs; i++)
		buffer->run_start[i + 1] = buffer->run_start[i] +
			((unsigned long)runs->run[i].nr_chunks << runs->order);

	buffer->heap = heap;
	buffer->runs = *runs;
	buffer->len = len;
	mutex_init(&buffer->lock);
	INIT_LIST_HEAD(&buffer->attachments);

	exp_info.exp_name = heap->name;
	exp_info.ops = &chunk_buffer_ops;
	exp_info.size = len;
	exp_info.flags = fd_flags;
	exp_info.priv = buffer;
	dmabuf = dma_buf_export(&exp_info);
	if (IS_ERR(dmabuf)) {
		mutex_destroy(&buffer->lock);
		kvfree(buffer->run_start);
		kfree(buffer);
		return dmabuf;
	}
	memset(runs, 0, sizeof(*runs));
	return dmabuf;
}
