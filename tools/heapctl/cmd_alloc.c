// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl alloc: allocate dma-bufs from /dev/dma_heap/<name>, time them
 * and, for a chunk heap, count the cma_alloc() calls they took.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "heapctl.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Map @fd, check it reads as zeroes, then write and read back a pattern. */
static int verify_buffer(int fd, uint64_t len)
{
	struct dma_buf_sync sync = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };
	uint64_t *p, i, n = len / sizeof(*p);
	int ret = 0;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0) {
		ret = -errno;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (p[i]) {
			fprintf(stderr, "heapctl: byte %" PRIu64 " is not zero\n",
				i * sizeof(*p));
			ret = -EIO;
			goto out;
		}
	for (i = 0; i < n; i++)
		p[i] = i ^ 0x5a5a5a5a5a5a5a5aULL;
	for (i = 0; i < n; i++)
		if (p[i] != (i ^ 0x5a5a5a5a5a5a5a5aULL)) {
			ret = -EIO;
			goto out;
		}
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0)
		ret = -errno;
out:
	munmap(p, len);
	return ret;
}

/* What an errno from opening the heap (@at_open) or allocating means. */
static const char *alloc_hint(int err, bool at_open)
{
	switch (err) {
	case ENOENT:
		return at_open ? "no such heap device: is the heap enabled?" : NULL;
	case EACCES:
		return "heap device nodes are root-only";
	case ENOMEM:
		return "the heap's area or quota is exhausted";
	case ENODEV:
		return "the heap is disabled, or was removed";
	case EINVAL:
		return "the size is too large";
	default:
		return NULL;
	}
}

/*
 * Open the heap device @path without blocking (a FIFO in its place must
 * not hang heapctl), and check that it is a character device; 0, or print
 * why not and return the exit code.
 */
static int open_heap_device(const char *path, int *fd)
{
	struct stat st;

	*fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (*fd < 0)
		return heapctl_fail(path, errno, alloc_hint(errno, true));
	if (fstat(*fd, &st) || !S_ISCHR(st.st_mode)) {
		close(*fd);
		return heapctl_failf("%s: not a character device: not a dma-heap", path);
	}
	return 0;
}

/*
 * Whether the chunk heap NAME serves /dev/dma_heap/NAME: a configfs
 * directory alone may be a disabled heap named like another dma-heap
 * (system, reserved), whose figures say nothing of this allocation.
 */
static bool serves_device(const char *name)
{
	char path[PATH_MAX], dev[PATH_MAX], want[PATH_MAX];

	heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/device", name);
	if (heapctl_read(path, dev, sizeof(dev)))
		return false;
	snprintf(want, sizeof(want), "/dev/dma_heap/%s", name);
	return !strcmp(dev, want);
}

/* A number of microseconds with one decimal, as JSON. */
static struct json_object *json_us(double us)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.1f", us);
	return json_object_new_double_s(atof(buf), buf);
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return a < b ? -1 : a > b;
}

/* The allocations listed one by one in JSON, up to this many. */
#define ALLOC_JSON_EACH_MAX	100

/*
 * The latency of @n allocations (@us, sorted here) as JSON: min, p50,
 * p99 (nearest rank), max and mean, and each one when there are few.
 */
static struct json_object *latency_json(double *us, uint64_t n)
{
	struct json_object *lat = json_object_new_object(), *each = NULL;
	double sum = 0;
	uint64_t i;

	if (n <= ALLOC_JSON_EACH_MAX) {
		each = json_object_new_array();
		for (i = 0; i < n; i++)
			json_object_array_add(each, json_us(us[i]));
	}
	for (i = 0; i < n; i++)
		sum += us[i];
	qsort(us, n, sizeof(*us), cmp_double);
	json_object_object_add(lat, "min", json_us(us[0]));
	json_object_object_add(lat, "p50", json_us(us[(n + 1) / 2 - 1]));
	json_object_object_add(lat, "p99", json_us(us[(n * 99 + 99) / 100 - 1]));
	json_object_object_add(lat, "max", json_us(us[n - 1]));
	json_object_object_add(lat, "mean", json_us(sum / n));
	json_object_object_add(lat, "each", each);
	return lat;
}

static struct json_object *u64_or_null(bool have, uint64_t v)
{
	return have ? json_object_new_uint64(v) : NULL;
}

int cmd_alloc(const struct heapctl_cmd *cmd, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "hold", required_argument, NULL, 'H' },
		{ "verify", no_argument, NULL, 'v' },
		ARGS_JSON_LONGOPTS,
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char path[PATH_MAX], sz[32], chunk_sz[32];
	uint64_t len, chunk = 0, calls0 = 0, calls1 = 0;
	uint64_t count = 1, hold = 0, i;
	double total = 0, best = 0, *us;
	bool verify = false, held = false, chunked;
	int opt, heap_fd, *fds, ret = 0;

	while ((opt = heapctl_getopt(argc, argv, "c:H:vh" ARGS_JSON_OPTS, opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (heapctl_parse_uint(optarg, 65536, &count) || !count)
				return heapctl_usage_error("--count takes 1 to 65536");
			break;
		case 'H':
			if (heapctl_parse_uint(optarg, UINT_MAX, &hold))
				return heapctl_usage_error("--hold takes seconds, 0 to 4294967295");
			held = true;
			break;
		case 'v':
			verify = true;
			break;
		case 'h':
			heapctl_cmd_usage(cmd, stdout, true);
			return EXIT_OK;
		default:
			if (opt != '?' && heapctl_out_option(opt))
				break;
			return heapctl_bad_usage(cmd);
		}
	}
	if (argc - optind != 2)
		return heapctl_bad_args(cmd, argc, argv, 2, 2);
	ret = heapctl_name_arg(argv[optind], true);
	if (ret)
		return ret;
	if (heapctl_parse_size(argv[optind + 1], &len) || !len)
		return heapctl_usage_error("SIZE must be a positive size such as 64K, 24M or 1G");

	heapctl_path(path, sizeof(path), "/dev/dma_heap/%s", argv[optind]);
	ret = open_heap_device(path, &heap_fd);
	if (ret)
		return ret;

	/* A chunk heap tells its chunk size and counts its cma_alloc calls. */
	heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/chunk_size", argv[optind]);
	chunked = serves_device(argv[optind]) && !heapctl_read_u64(path, &chunk) && chunk;
	heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/cma_calls", argv[optind]);
	if (chunked)
		heapctl_read_u64(path, &calls0);

	fds = calloc(count, sizeof(*fds));
	us = calloc(count, sizeof(*us));
	if (!fds || !us) {
		free(fds);
		free(us);
		close(heap_fd);
		return heapctl_fail("heapctl", ENOMEM, NULL);
	}
	for (i = 0; i < count; i++) {
		struct dma_heap_allocation_data data = {
			.len = len,
			.fd_flags = O_RDWR | O_CLOEXEC,
		};
		double t0 = now_ms(), dt;

		if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data) < 0) {
			ret = heapctl_fail(argv[optind], errno, alloc_hint(errno, false));
			break;
		}
		dt = now_ms() - t0;
		us[i] = dt * 1e3;
		total += dt;
		if (!i || dt < best)
			best = dt;
		fds[i] = data.fd;
		if (verify) {
			int err = verify_buffer(data.fd, len);

			if (err) {
				ret = heapctl_fail("verify", -err, NULL);
				i++;
				break;
			}
		}
		if (!held) {
			close(data.fd);
			fds[i] = -1;
		}
	}
	if (chunked)
		heapctl_read_u64(path, &calls1);

	heapctl_format_size(sz, sizeof(sz), len);
	if (!ret && heapctl_out.json) {
		struct json_object *obj = heapctl_json_new();

		json_object_object_add(obj, "heap", json_object_new_string(argv[optind]));
		json_object_object_add(obj, "size", json_object_new_uint64(len));
		json_object_object_add(obj, "count", json_object_new_uint64(count));
		json_object_object_add(obj, "held", json_object_new_boolean(held));
		json_object_object_add(obj, "hold_s", u64_or_null(held, hold));
		json_object_object_add(obj, "verify", json_object_new_boolean(verify));
		json_object_object_add(obj, "chunk_size", u64_or_null(chunked, chunk));
		json_object_object_add(obj, "cma_calls", u64_or_null(chunked, calls1 - calls0));
		json_object_object_add(obj, "latency_us", latency_json(us, count));
		heapctl_json_print(obj);
		json_object_put(obj);
		/* Say it before the hold, as the text does. */
		fflush(stdout);
	} else if (!ret) {
		printf("allocated %" PRIu64 " x %s from %s: %.3f ms each (best %.3f ms)\n",
		       count, sz, argv[optind], total / count, best);
		if (chunked) {
			heapctl_format_size(chunk_sz, sizeof(chunk_sz), chunk);
			printf("layout: %" PRIu64 " chunks of %s per buffer, %" PRIu64
			       " cma_alloc calls in all\n",
			       (len + chunk - 1) / chunk, chunk_sz, calls1 - calls0);
		}
		if (verify)
			printf("verify: zeroed, pattern written and read back\n");
		fflush(stdout);
	}
	if (held && !ret)
		sleep(hold);
	while (i--)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	free(us);
	close(heap_fd);
	return ret;
}
