// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl: configfs, sysfs and debugfs files.
 *
 * Every path goes through heapctl_path(), which puts --root in front, so
 * that the tests can run heapctl against a fake tree in a temporary
 * directory.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "heapctl.h"

/* Prefix of every path heapctl touches; tests point it at a fake tree. */
static const char *root = "";

void heapctl_set_root(const char *dir)
{
	root = dir;
}

bool heapctl_has_root(void)
{
	return *root;
}

void heapctl_path(char *buf, size_t size, const char *fmt, ...)
{
	int n = snprintf(buf, size, "%s", root);
	va_list ap;

	if (n < 0 || (size_t)n >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

int heapctl_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

int heapctl_read_u64(const char *path, uint64_t *val)
{
	char buf[64], *end;
	int ret;

	ret = heapctl_read(path, buf, sizeof(buf));
	if (ret)
		return ret;
	if (buf[0] < '0' || buf[0] > '9')
		return -EINVAL;
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

#ifdef HEAPCTL_TEST
/* Truncate only once the fault injection has had its say. */
#define WRITE_FLAGS	(O_WRONLY | O_CLOEXEC)
static int test_fault(const char *path, int fd);
static void test_after_write(const char *path, const char *val);
#else
/* configfs and sysfs ignore O_TRUNC; a fake tree needs it. */
#define WRITE_FLAGS	(O_WRONLY | O_TRUNC | O_CLOEXEC)
static inline int test_fault(const char *path, int fd) { return 0; }
static inline void test_after_write(const char *path, const char *val) { }
#endif

int heapctl_write(const char *path, const char *val, bool *at_open)
{
	char buf[256];
	ssize_t n;
	int len, fd, err;

	len = snprintf(buf, sizeof(buf), "%s\n", val);
	if (len < 0 || (size_t)len >= sizeof(buf))
		return -ENAMETOOLONG;
	*at_open = true;
	fd = open(path, WRITE_FLAGS);
	if (fd < 0)
		return -errno;
	*at_open = false;
	err = test_fault(path, fd);
	if (err) {
		close(fd);
		return err;
	}
	n = write(fd, buf, len);
	err = n < 0 ? -errno : n != len ? -EIO : 0;
	if (close(fd) && !err)
		err = -errno;
	if (!err)
		test_after_write(path, val);
	return err;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int heapctl_list_dir(const char *path, char ***names)
{
	struct dirent *de;
	char **v = NULL, **nv;
	size_t n = 0;
	DIR *dir;

	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		nv = realloc(v, (n + 2) * sizeof(*v));
		if (!nv)
			goto nomem;
		v = nv;
		v[n] = strdup(de->d_name);
		if (!v[n])
			goto nomem;
		v[++n] = NULL;
	}
	closedir(dir);
	if (!v) {
		v = calloc(1, sizeof(*v));
		if (!v)
			return -ENOMEM;
	}
	qsort(v, n, sizeof(*v), cmp_names);
	*names = v;
	return 0;
nomem:
	closedir(dir);
	if (v)
		v[n] = NULL;
	heapctl_free_list(v);
	return -ENOMEM;
}

void heapctl_free_list(char **names)
{
	char **p;

	for (p = names; p && *p; p++)
		free(*p);
	free(names);
}

bool heapctl_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

#ifdef HEAPCTL_TEST
static void test_populate(const char *dir);
static void test_depopulate(const char *dir);
#else
static inline void test_populate(const char *dir) { }
static inline void test_depopulate(const char *dir) { }
#endif

int heapctl_mkdir(const char *path)
{
	if (mkdir(path, 0755))
		return -errno;
	test_populate(path);
	return 0;
}

int heapctl_rmdir(const char *path)
{
	test_depopulate(path);
	return rmdir(path) ? -errno : 0;
}

#ifdef HEAPCTL_TEST
/*
 * The test build (heapctl-test, never installed) makes a fake tree act a
 * little more like configfs:
 *
 * - mkdir fills a heap directory with its attributes, and with the
 *   default groups areas/<area>/bytes for each area of the module's
 *   sysfs areas directory and nodes/node<N>/bytes for each of their
 *   nodes; rmdir empties it. chunk_order and enable update chunk_size
 *   and device.
 * - $HEAPCTL_TEST_FAIL="SUFFIX:ERRNO,..." makes a write to any path ending
 *   in /SUFFIX fail with ERRNO (a name such as EBUSY), as the kernel would;
 *   $HEAPCTL_TEST_FAIL_MAX=N injects only the first N such failures, and
 *   $HEAPCTL_TEST_FAIL_SKIP=N lets the first N such writes succeed.
 * - $HEAPCTL_TEST_NO_ATTRS="ATTR,..." leaves those attributes out of the
 *   heap directories mkdir makes, as an older module would.
 * - $HEAPCTL_TEST_LOG=FILE appends each successful write to FILE, as
 *   "DIR/ATTR=VALUE", so that tests can check what was written in what
 *   order.
 */
static const char *const test_attrs[][2] = {
	{ "cma_area", "" },
	{ "chunk_order", "0" },
	{ "chunk_size", "4096" },
	{ "numa_policy", "[default] off local bind interleave" },
	{ "max_bytes", "0" },
	{ "pool_bytes", "0" },
	{ "pool_min_bytes", "0" },
	{ "enable", "0" },
	{ "device", "" },
	{ "bytes", "0" },
	{ "buffers", "0" },
	{ "peak", "0" },
	{ "failures", "0" },
	{ "cma_calls", "0" },
	{ "cma_failures", "0" },
	{ "pool_ready", "0" },
	{ "pool_hits", "0" },
	{ "pool_misses", "0" },
	{ "pool_refills", "0" },
	{ "pool_shrunk", "0" },
	{ "held_bytes", "0" },
};

/* The default groups of a heap directory, with one "bytes" file each. */
static const char *const test_groups[] = { "areas", "nodes" };

static void test_put(const char *dir, const char *attr, const char *val)
{
	char path[PATH_MAX + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, attr);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%s\n", val);
		fclose(f);
	}
}

/* mkdir DIR/GROUP/ENTRY with a file "bytes" of 0. */
static void test_put_group(const char *dir, const char *group, const char *entry)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s/%s", dir, group, entry);
	mkdir(path, 0755);
	test_put(path, "bytes", "0");
}

/* Is @name one of the comma-separated @list? */
static bool test_listed(const char *list, const char *name)
{
	size_t len = strlen(name), n;

	while (list && *list) {
		n = strcspn(list, ",");
		if (n == len && !strncmp(list, name, len))
			return true;
		list += n + (list[n] == ',');
	}
	return false;
}

static void test_populate(const char *dir)
{
	char path[PATH_MAX], nid[16], node[32], **areas;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(test_attrs); i++)
		if (!test_listed(getenv("HEAPCTL_TEST_NO_ATTRS"), test_attrs[i][0]))
			test_put(dir, test_attrs[i][0], test_attrs[i][1]);
	for (i = 0; i < ARRAY_SIZE(test_groups); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, test_groups[i]);
		mkdir(path, 0755);
	}
	heapctl_path(path, sizeof(path), SYSFS_DIR "/areas");
	if (heapctl_list_dir(path, &areas))
		return;
	for (i = 0; areas[i]; i++) {
		test_put_group(dir, "areas", areas[i]);
		heapctl_path(path, sizeof(path), SYSFS_DIR "/areas/%s/node", areas[i]);
		if (heapctl_read(path, nid, sizeof(nid)) || nid[0] == '-')
			continue;
		snprintf(node, sizeof(node), "node%s", nid);
		test_put_group(dir, "nodes", node);
	}
	heapctl_free_list(areas);
}

static void test_depopulate(const char *dir)
{
	char path[PATH_MAX], **names;
	size_t i, j;

	for (i = 0; i < ARRAY_SIZE(test_attrs); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, test_attrs[i][0]);
		unlink(path);
	}
	for (i = 0; i < ARRAY_SIZE(test_groups); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, test_groups[i]);
		if (heapctl_list_dir(path, &names))
			continue;
		for (j = 0; names[j]; j++) {
			snprintf(path, sizeof(path), "%s/%s/%s/bytes", dir,
				 test_groups[i], names[j]);
			unlink(path);
			*strrchr(path, '/') = '\0';
			rmdir(path);
		}
		heapctl_free_list(names);
		snprintf(path, sizeof(path), "%s/%s", dir, test_groups[i]);
		rmdir(path);
	}
}

static bool ends_with(const char *s, const char *suffix, size_t n)
{
	size_t len = strlen(s);

	return len > n && s[len - n - 1] == '/' && !strncmp(s + len - n, suffix, n);
}

static int test_fault(const char *path, int fd)
{
	const char *spec = getenv("HEAPCTL_TEST_FAIL"), *colon, *end;
	const char *max = getenv("HEAPCTL_TEST_FAIL_MAX");
	const char *skip = getenv("HEAPCTL_TEST_FAIL_SKIP");
	static int injected, skipped;
	char name[32];
	int e;

	if (max && injected >= atoi(max))
		spec = NULL;

	for (; spec && *spec; spec = *end ? end + 1 : end) {
		end = strchrnul(spec, ',');
		colon = memchr(spec, ':', end - spec);
		if (!colon || !ends_with(path, spec, colon - spec) ||
		    (size_t)(end - colon) > sizeof(name))
			continue;
		if (skip && skipped < atoi(skip)) {
			skipped++;
			break;
		}
		snprintf(name, end - colon, "%s", colon + 1);
		for (e = 1; e < 134; e++)
			if (strerrorname_np(e) && !strcmp(strerrorname_np(e), name)) {
				injected++;
				return -e;
			}
	}
	return ftruncate(fd, 0) ? -errno : 0;
}

static void test_after_write(const char *path, const char *val)
{
	const char *log = getenv("HEAPCTL_TEST_LOG");
	char dir[PATH_MAX], buf[64], *slash, *base;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	base = strrchr(dir, '/');
	base = base ? base + 1 : dir;
	f = log ? fopen(log, "a") : NULL;
	if (f) {
		fprintf(f, "%s/%s=%s\n", base, slash + 1, val);
		fclose(f);
	}
	if (!strcmp(slash + 1, "chunk_order")) {
		snprintf(buf, sizeof(buf), "%llu", 4096ULL << atoi(val));
		test_put(dir, "chunk_size", buf);
	} else if (!strcmp(slash + 1, "enable")) {
		snprintf(buf, sizeof(buf), "/dev/dma_heap/%.40s", base);
		test_put(dir, "device", atoi(val) ? buf : "");
	}
}
#endif /* HEAPCTL_TEST */
