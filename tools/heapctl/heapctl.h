/* SPDX-License-Identifier: GPL-2.0 */
/*
 * heapctl: helpers shared by the commands.
 */
#ifndef HEAPCTL_H
#define HEAPCTL_H

#include <stddef.h>
#include <stdint.h>

#define CONFIGFS_DIR	"/sys/kernel/config/chunk_heap"
#define SYSFS_DIR	"/sys/kernel/chunk_heap"

/* Paths: every path is prefixed by --root (or $HEAPCTL_ROOT). */
const char *heapctl_root(void);
void heapctl_path(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Read a file into @buf without its trailing newline; 0 or -errno. */
int heapctl_read(const char *path, char *buf, size_t size);
int heapctl_read_u64(const char *path, uint64_t *val);

/* Sizes: "65536", "64K", "24M", "1G" (also "64KiB"); 0 or -EINVAL/-ERANGE. */
int heapctl_parse_size(const char *s, uint64_t *bytes);
void heapctl_format_size(char *buf, size_t size, uint64_t bytes);

/* Errors: print and return the exit code (2 usage, 1 failure). */
int heapctl_usage_error(const char *msg);
int heapctl_fail(const char *what, int err, const char *hint);

#endif /* HEAPCTL_H */
