// SPDX-License-Identifier: GPL-2.0
/*
 * heapctl: drive chunk heaps through their configfs, sysfs and
 * /dev/dma_heap interfaces.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

#include "heapctl.h"

/* Prefix of every path heapctl touches; tests point it at a fake tree. */
static const char *root = "";

const char *heapctl_root(void)
{
	return root;
}

void heapctl_path(char *buf, size_t size, const char *fmt, ...)
{
	int n = snprintf(buf, size, "%s", root);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf + n, size - n, fmt, ap);
	va_end(ap);
}

int heapctl_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
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
	errno = 0;
	*val = strtoull(buf, &end, 10);
	if (errno || end == buf || *end)
		return -EINVAL;
	return 0;
}

int heapctl_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	unsigned int shift = 0;
	char *end;

	if (!*s || *s == '-' || *s == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -EINVAL;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (*end == 'i' && shift)
		end++;
	if ((*end == 'B' || *end == 'b') && shift)
		end++;
	if (*end)
		return -EINVAL;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = (uint64_t)v << shift;
	return 0;
}

void heapctl_format_size(char *buf, size_t size, uint64_t bytes)
{
	static const char units[] = "KMGT";
	int i = -1;

	while (bytes >= 1024 && !(bytes % 1024) && i < 3) {
		bytes /= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, size, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, size, "%" PRIu64 " %ciB", bytes, units[i]);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage_alloc(FILE *f)
{
	fprintf(f,
		"usage: heapctl alloc NAME SIZE [--count N] [--hold SECONDS] [--verify]\n"
		"\n"
		"Allocate SIZE bytes (64K, 24M, 1G) from /dev/dma_heap/NAME, COUNT times\n"
		"(default 1), and report the latency. Each buffer is released before the\n"
		"next is allocated, unless --hold is given: then all COUNT buffers are\n"
		"held together for SECONDS. --verify maps each buffer, checks that it is\n"
		"zeroed, writes a pattern and reads it back.\n");
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

static int cmd_alloc(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ "hold", required_argument, NULL, 'H' },
		{ "verify", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{}
	};
	char path[PATH_MAX], sz[32], chunk_sz[32];
	uint64_t len, chunk = 0, calls0 = 0, calls1 = 0;
	unsigned long count = 1, hold = 0, i;
	double total = 0, best = 0;
	bool verify = false, chunked;
	int opt, heap_fd, *fds, ret = 0;
	char *end;

	while ((opt = getopt_long(argc, argv, "c:H:vh", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			count = strtoul(optarg, &end, 10);
			if (*end || !count || count > 65536)
				return heapctl_usage_error("--count takes 1 to 65536");
			break;
		case 'H':
			hold = strtoul(optarg, &end, 10);
			if (*end)
				return heapctl_usage_error("--hold takes seconds");
			break;
		case 'v':
			verify = true;
			break;
		case 'h':
			usage_alloc(stdout);
			return 0;
		default:
			usage_alloc(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage_alloc(stderr);
		return 2;
	}
	if (heapctl_parse_size(argv[optind + 1], &len) || !len)
		return heapctl_usage_error("SIZE must be a positive size such as 64K, 24M or 1G");

	heapctl_path(path, sizeof(path), "/dev/dma_heap/%s", argv[optind]);
	heap_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (heap_fd < 0)
		return heapctl_fail(path, errno, NULL);

	/* A chunk heap tells its chunk size and counts its cma_alloc calls. */
	heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/chunk_size", argv[optind]);
	chunked = !heapctl_read_u64(path, &chunk) && chunk;
	heapctl_path(path, sizeof(path), CONFIGFS_DIR "/%s/cma_calls", argv[optind]);
	if (chunked)
		heapctl_read_u64(path, &calls0);

	fds = calloc(count, sizeof(*fds));
	if (!fds)
		return heapctl_fail("heapctl", ENOMEM, NULL);
	for (i = 0; i < count; i++) {
		struct dma_heap_allocation_data data = {
			.len = len,
			.fd_flags = O_RDWR | O_CLOEXEC,
		};
		double t0 = now_ms(), dt;

		if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data) < 0) {
			ret = heapctl_fail(argv[optind], errno,
					   errno == ENOMEM ? "the heap's area or quota is exhausted" : NULL);
			break;
		}
		dt = now_ms() - t0;
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
		if (!hold) {
			close(data.fd);
			fds[i] = -1;
		}
	}
	if (chunked)
		heapctl_read_u64(path, &calls1);

	heapctl_format_size(sz, sizeof(sz), len);
	if (!ret) {
		printf("allocated %lu x %s from %s: %.3f ms each (best %.3f ms)\n",
		       count, sz, argv[optind], total / count, best);
		if (chunked) {
			heapctl_format_size(chunk_sz, sizeof(chunk_sz), chunk);
			printf("layout: %" PRIu64 " chunks of %s per buffer, %" PRIu64
			       " cma_alloc calls in all\n",
			       (len + chunk - 1) / chunk, chunk_sz, calls1 - calls0);
		}
		if (verify)
			printf("verify: zeroed, pattern written and read back\n");
	}
	if (hold && !ret)
		sleep(hold);
	while (i--)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	close(heap_fd);
	return ret;
}

int heapctl_usage_error(const char *msg)
{
	fprintf(stderr, "heapctl: %s\n", msg);
	return 2;
}

int heapctl_fail(const char *what, int err, const char *hint)
{
	fprintf(stderr, "%s: %s%s%s\n", what, strerror(err), hint ? ": " : "",
		hint ? hint : "");
	return 1;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: heapctl [--root DIR] COMMAND [ARGS...]\n"
		"\n"
		"commands:\n"
		"  alloc NAME SIZE   allocate dma-bufs from a heap and time them\n"
		"\n"
		"Run 'heapctl COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	int argi = 1;

	if (getenv("HEAPCTL_ROOT"))
		root = getenv("HEAPCTL_ROOT");
	while (argi < argc && argv[argi][0] == '-') {
		if (!strcmp(argv[argi], "--root") && argi + 1 < argc) {
			root = argv[argi + 1];
			argi += 2;
		} else if (!strcmp(argv[argi], "-h") || !strcmp(argv[argi], "--help")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	if (argi >= argc) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[argi], "alloc"))
		return cmd_alloc(argc - argi, argv + argi);
	fprintf(stderr, "heapctl: unknown command '%s'\n", argv[argi]);
	usage(stderr);
	return 2;
}
