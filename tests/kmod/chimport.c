// SPDX-License-Identifier: GPL-2.0
/*
 * chimport: a kernel importer of dma-bufs for the end-to-end tests. No
 * driver a test VM has maps a dma-buf into the kernel with dma_buf_vmap(),
 * so this one does, on request from userspace:
 *
 * "fill FD BYTE" written to /sys/kernel/debug/chimport/vmap maps the
 * dma-buf FD, sets every byte to BYTE and unmaps it; "check FD BYTE"
 * maps it and fails with EBADMSG unless every byte is BYTE.
 *
 * "ref FD" takes a reference on the first page of the dma-buf FD and
 * keeps it, as a misbehaving importer would, after the buffer is freed;
 * "poke BYTE" sets every byte of that page to BYTE, as its holder may;
 * "unref" drops it. Only one is held at a time (EBUSY).
 *
 * The write fails with the errno of dma_buf_get() or dma_buf_vmap(). It is
 * a test tool: root only, never for a production kernel.
 */
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/dma-buf.h>
#include <linux/iosys-map.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "compat.h"

static struct dentry *chimport_dir;
static struct page *chimport_ref;
static DEFINE_MUTEX(chimport_lock);

static int chimport_take_ref(int fd)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);
	struct iosys_map map;
	int ret;

	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	mutex_lock(&chimport_lock);
	ret = -EBUSY;
	if (chimport_ref)
		goto out;
	ret = dma_buf_vmap_unlocked(dmabuf, &map);
	if (ret)
		goto out;
	chimport_ref = vmalloc_to_page(map.vaddr);
	get_page(chimport_ref);
	dma_buf_vunmap_unlocked(dmabuf, &map);
out:
	mutex_unlock(&chimport_lock);
	dma_buf_put(dmabuf);
	return ret;
}

static void chimport_drop_ref(void)
{
	mutex_lock(&chimport_lock);
	if (chimport_ref)
		put_page(chimport_ref);
	chimport_ref = NULL;
	mutex_unlock(&chimport_lock);
}

static int chimport_vmap(int fd, bool fill, u8 byte)
{
	struct dma_buf *dmabuf = dma_buf_get(fd);
	struct iosys_map map;
	int ret;

	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	ret = dma_buf_vmap_unlocked(dmabuf, &map);
	if (ret)
		goto out;
	if (fill)
		memset(map.vaddr, byte, dmabuf->size);
	else if (memchr_inv(map.vaddr, byte, dmabuf->size))
		ret = -EBADMSG;
	dma_buf_vunmap_unlocked(dmabuf, &map);
out:
	dma_buf_put(dmabuf);
	return ret;
}

static ssize_t chimport_vmap_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	char buf[32], op[8];
	int fd, ret;
	u8 byte;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sysfs_streq(buf, "unref")) {
		chimport_drop_ref();
		return count;
	}
	if (sscanf(buf, "poke %hhu", &byte) == 1) {
		mutex_lock(&chimport_lock);
		if (chimport_ref)
			memset_page(chimport_ref, 0, byte, PAGE_SIZE);
		ret = chimport_ref ? 0 : -ENOENT;
		mutex_unlock(&chimport_lock);
		return ret ?: count;
	}
	if (sscanf(buf, "ref %d", &fd) == 1) {
		ret = chimport_take_ref(fd);
		return ret ?: count;
	}
	if (sscanf(buf, "%7s %d %hhu", op, &fd, &byte) != 3)
		return -EINVAL;
	if (strcmp(op, "fill") && strcmp(op, "check"))
		return -EINVAL;
	ret = chimport_vmap(fd, !strcmp(op, "fill"), byte);
	return ret ?: count;
}

static const struct file_operations chimport_vmap_fops = {
	.owner = THIS_MODULE,
	.write = chimport_vmap_write,
};

static int __init chimport_init(void)
{
	chimport_dir = debugfs_create_dir("chimport", NULL);
	debugfs_create_file("vmap", 0200, chimport_dir, NULL, &chimport_vmap_fops);
	return 0;
}
module_init(chimport_init);

static void __exit chimport_exit(void)
{
	debugfs_remove_recursive(chimport_dir);
	chimport_drop_ref();
}
module_exit(chimport_exit);

MODULE_DESCRIPTION("chunk_heap tests: a dma-buf importer that vmaps buffers");
MODULE_LICENSE("GPL");
CHUNK_IMPORT_NS(DMA_BUF);
