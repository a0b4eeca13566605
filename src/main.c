// SPDX-License-Identifier: GPL-2.0
/*
 * chunk_heap: dma-buf heaps of fixed-size, naturally aligned high-order
 * chunks from named CMA areas, created at runtime through configfs.
 */
#define pr_fmt(fmt) "chunk_heap: " fmt

#include <linux/module.h>

#include "compat.h"
#include "configfs/configfs.h"
#include "core/core.h"
#include "numa/numa.h"

static int __init chunk_heap_init(void)
{
	int ret;

	ret = chunk_areas_init();
	if (ret)
		return ret;
	if (!chunk_area_count())
		pr_warn("no CMA areas: boot with cma= to create one\n");
	chunk_held_init();
	ret = chunk_numa_init();
	if (ret)
		return ret;
	ret = chunk_pools_init();
	if (ret)
		goto numa;
	ret = chunk_configfs_init();
	if (ret)
		goto pools;
	return 0;
pools:
	chunk_pools_exit();
numa:
	chunk_numa_exit();
	return ret;
}

static void __exit chunk_heap_exit(void)
{
	chunk_configfs_exit();
	chunk_held_exit();
	chunk_pools_exit();
	chunk_numa_exit();
}

module_init(chunk_heap_init);
module_exit(chunk_heap_exit);
MODULE_DESCRIPTION("DMA-BUF heaps of fixed-order chunks from CMA areas");
MODULE_LICENSE("GPL");
/* The release; scripts/deb.sh checks it against heapctl's and DKMS's. */
MODULE_VERSION("0.5");
CHUNK_IMPORT_NS(DMA_BUF);
CHUNK_IMPORT_NS(DMA_BUF_HEAP);
