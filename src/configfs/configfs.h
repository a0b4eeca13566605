/* SPDX-License-Identifier: GPL-2.0 */
/*
 * chunk_heap control plane: /sys/kernel/config/chunk_heap.
 *
 * One directory per heap. The control plane parses and validates what the
 * administrator writes and calls into core (src/core), which owns the heaps
 * and their rules; it holds no allocation logic of its own.
 */
#ifndef _CHUNK_HEAP_CONFIGFS_H
#define _CHUNK_HEAP_CONFIGFS_H

#include <linux/types.h>

int chunk_configfs_init(void);
void chunk_configfs_exit(void);

int chunk_parse_word(const char *page, size_t count, char *word, size_t size);
int chunk_parse_number(const char *page, size_t count, u64 *val);

#endif /* _CHUNK_HEAP_CONFIGFS_H */
