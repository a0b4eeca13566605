// SPDX-License-Identifier: GPL-2.0
/*
 * chbench: the chunk heap benchmark, run inside the VM by "make bench".
 * Everything is measured in one boot, side by side, and reported as
 * medians and as ratios to the time it takes to zero the same bytes.
 *
 *   chbench idle RUNS HEAP...        allocate 1, 24, 95, 256 MiB from each
 *   chbench frag HOLE_ORDER HEAP...  fragment "reserved" and find the
 *                                    largest buffer each heap can give
 *   chbench numa HEAP SIZE           the per-node policy row
 *
 * Chunk heaps are those with a configfs directory; their cma_alloc calls
 * are read from its cma_calls attribute. Lines that start with "| " form
 * the report's Markdown tables.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#define MiB		(1024UL * 1024)
#define CFS		"/sys/kernel/config/chunk_heap"
#define MAX_RUNS	32
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const unsigned long sizes[] = { 1, 24, 95, 256 };

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* A number from a configfs attribute, or -1 for a heap without one. */
static long long attr(const char *heap, const char *name)
{
	char path[256], buf[64];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CFS "/%s/%s", heap, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return atoll(buf);
}

/* The bytes of a heap's live buffers on @nid, from nodes/node<nid>/bytes. */
static long long bytes_on_node(const char *heap, int nid)
{
	char name[32];

	snprintf(name, sizeof(name), "nodes/node%d/bytes", nid);
	return attr(heap, name);
}

static int heap_open(const char *heap)
{
	char path[256];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* Allocate @len from an open heap; the dma-buf fd, or -errno. */
static int heap_alloc(int heap, unsigned long len, double *ms)
{
	struct dma_heap_allocation_data data = {
		.len = len, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	double t0 = now_ms();

	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		return -errno;
	if (ms)
		*ms = now_ms() - t0;
	return data.fd;
}

/* The zeroing floor: memset of @len bytes already faulted in. */
static double zero_ms(unsigned long len, int runs)
{
	double t[MAX_RUNS];
	char *p;
	int i;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED)
		return -1;
	memset(p, 1, len);
	for (i = 0; i < runs; i++) {
		double t0 = now_ms();

		memset(p, 0, len);
		t[i] = now_ms() - t0;
	}
	munmap(p, len);
	return median(t, runs);
}

/* Median time of @runs allocations of @len, after one warm-up run. */
static double alloc_ms(const char *name, unsigned long len, int runs,
		       double *calls)
{
	long long c0 = attr(name, "cma_calls");
	double t[MAX_RUNS];
	int heap, fd, i;

	heap = heap_open(name);
	if (heap < 0)
		return -1;
	for (i = -1; i < runs; i++) {
		fd = heap_alloc(heap, len, i < 0 ? NULL : &t[i]);
		if (fd < 0) {
			close(heap);
			return -1;
		}
		close(fd);
		if (i < 0)
			c0 = attr(name, "cma_calls");
	}
	close(heap);
	*calls = c0 < 0 ? -1 : (double)(attr(name, "cma_calls") - c0) / runs;
	return median(t, runs);
}

static int bench_idle(int runs, int nheaps, char **heaps)
{
	unsigned int s;
	int h;

	if (runs < 1 || runs > MAX_RUNS)
		return 2;
	printf("| heap | size | median ms | x zeroing | ms per MiB | cma_alloc calls |\n");
	printf("|---|---|---|---|---|---|\n");
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		unsigned long len = sizes[s] * MiB;
		double zero = zero_ms(len, runs);

		printf("| zeroing (memset) | %lu MiB | %.2f | 1.00 | %.3f | - |\n",
		       sizes[s], zero, zero / sizes[s]);
		for (h = 0; h < nheaps; h++) {
			double calls, ms = alloc_ms(heaps[h], len, runs, &calls);

			if (ms < 0) {
				printf("| %s | %lu MiB | failed | | | |\n", heaps[h], sizes[s]);
				continue;
			}
			printf("| %s | %lu MiB | %.2f | %.2f | %.3f | ", heaps[h],
			       sizes[s], ms, ms / zero, ms / sizes[s]);
			if (calls < 0)
				printf("- |\n");
			else
				printf("%.1f |\n", calls);
		}
	}
	return 0;
}

/*
 * Fill "reserved" with buffers of 64 KiB << @hole_order from the chunk
 * heap @filler (one chunk each, taken first-fit in address order), then
 * free every other one: the area keeps holes of that size.
 */
static int fragment(const char *filler, unsigned long hole, int **fds, int *nfds)
{
	struct rlimit rl = { 65536, 65536 };
	int heap, fd, n = 0, max = 65536, i;

	setrlimit(RLIMIT_NOFILE, &rl);
	*fds = calloc(max, sizeof(int));
	heap = heap_open(filler);
	if (heap < 0 || !*fds)
		return -1;
	while (n < max && (fd = heap_alloc(heap, hole, NULL)) >= 0)
		(*fds)[n++] = fd;
	close(heap);
	for (i = 1; i < n; i += 2) {
		close((*fds)[i]);
		(*fds)[i] = -1;
	}
	*nfds = n;
	return 0;
}

/* Largest allocatable multiple of @unit up to @max, by bisection. */
static unsigned long largest(const char *name, unsigned long unit,
			     unsigned long max, double *ms, double *calls)
{
	unsigned long lo = 0, hi = max / unit;
	int heap = heap_open(name), i;

	if (heap < 0)
		return 0;
	/* A chunk heap usually gives everything: try that first. */
	i = heap_alloc(heap, max / unit * unit, NULL);
	if (i >= 0) {
		close(i);
		lo = hi;
	}
	while (lo < hi) {
		unsigned long mid = (lo + hi + 1) / 2;
		int fd = heap_alloc(heap, mid * unit, NULL);

		if (fd >= 0) {
			close(fd);
			lo = mid;
		} else {
			hi = mid - 1;
		}
	}
	*ms = 0;
	*calls = -1;
	if (lo) {
		long long c0 = attr(name, "cma_calls");
		int fd = heap_alloc(heap, lo * unit, ms);

		if (fd >= 0)
			close(fd);
		if (c0 >= 0)
			*calls = attr(name, "cma_calls") - c0;
	}
	close(heap);
	return lo * unit;
}

static int bench_frag(int hole_order, int nheaps, char **heaps)
{
	unsigned long hole = 65536UL << hole_order, free_bytes, best;
	char filler[32];
	int *fds, n, h, i;

	snprintf(filler, sizeof(filler), "bench-fill%d", hole_order);
	if (fragment(filler, hole, &fds, &n))
		return 1;
	free_bytes = (unsigned long)(n / 2) * hole;
	printf("| heap | holes | free MiB | largest MiB | share of free | ms |");
	printf(" cma_alloc calls | holes spanned |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	for (h = 0; h < nheaps; h++) {
		double ms = 0, calls = -1;

		best = largest(heaps[h], 4096, free_bytes, &ms, &calls);
		printf("| %s | %lu KiB | %lu | %.1f | %.1f %% | %.2f | ", heaps[h],
		       hole >> 10, free_bytes / MiB, (double)best / MiB,
		       100.0 * best / free_bytes, ms);
		if (calls < 0)
			printf("- | %lu |\n", (best + hole - 1) / hole);
		else
			printf("%.0f | %lu |\n", calls, (best + hole - 1) / hole);
	}
	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
	return 0;
}

/* Allocate @len on CPU 1 (node 1) and report how much landed on node 1. */
static int bench_numa(const char *name, unsigned long len, const char *policy)
{
	double t[5], ms;
	long long local = 0;
	cpu_set_t cpus;
	int heap, fd, i;

	CPU_ZERO(&cpus);
	CPU_SET(1, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus))
		return 1;
	heap = heap_open(name);
	if (heap < 0)
		return 1;
	for (i = -1; i < 5; i++) {
		fd = heap_alloc(heap, len, i < 0 ? &ms : &t[i]);
		if (fd < 0)
			return 1;
		if (i == 0)
			local = bytes_on_node(name, 1);
		close(fd);
	}
	close(heap);
	printf("| %s | %s | %lu MiB | %.1f %% | %.2f |\n", name, policy,
	       len / MiB, 100.0 * local / len, median(t, 5));
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "idle"))
		return bench_idle(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "frag"))
		return bench_frag(atoi(argv[2]), argc - 3, argv + 3);
	if (argc == 5 && !strcmp(argv[1], "numa"))
		return bench_numa(argv[2], strtoul(argv[3], NULL, 0) * MiB, argv[4]);
	fputs("usage: chbench idle RUNS HEAP... | frag HOLE_ORDER HEAP...", stderr);
	fputs(" | numa HEAP MIB POLICY\n", stderr);
	return 2;
}
