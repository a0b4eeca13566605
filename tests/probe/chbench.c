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
 *   chbench busy MIB HEAP...         each heap's first MIB-MiB buffer, each
 *                                    after a fresh "chload busy"
 *   chbench pinned MIB SLOT RUNS HEAP...
 *                                    RUNS buffers of MIB MiB from each heap
 *                                    while "chload pin SLOT" holds its pages
 *   chbench settle                   let freed memory settle, as before
 *                                    each load (for the e2e tests too)
 *   chbench pool-busy MIB HEAP...    each heap's first MIB-MiB buffer after
 *                                    a fresh "chload busy", once its pool
 *                                    (pool_bytes) has refilled
 *   chbench steady MIB RATE SECONDS HEAP...
 *                                    allocate and free MIB MiB RATE times
 *                                    a second: p50, p99 and max latency
 *   chbench refill MIB HEAP          how long the pool takes to refill
 *                                    after a burst took all of it
 *   chbench pressure HEAP [MIB]      how fast the shrinker gives the pool
 *                                    back while the node of its area fills
 *                                    with anonymous memory bound to it;
 *                                    with MIB, then allocate and
 *                                    free MIB MiB from HEAP, the fill still
 *                                    held, and wait for its floor again
 *   chbench map RUNS HEAP...         map a 24 and a 95 MiB buffer and
 *                                    write to every page once: time and
 *                                    page faults
 *   chbench nodepress NODE MIB HEAP...
 *                                    for each heap, fill RAM from a CPU of
 *                                    node NODE, 256 MiB past what the node
 *                                    has free, allocating MIB MiB from the
 *                                    heap every 128 MiB and once more right
 *                                    after: against an idle MIB MiB from
 *                                    "reserved", measured first
 *   chbench refill-interfere MIB HEAP
 *                                    after a fresh "chload busy", set the
 *                                    heap's pool_bytes from 0 to MIB MiB and
 *                                    allocate 1 MiB from "reserved" over and
 *                                    over while the pool refills
 *
 * Chunk heaps are those with a configfs directory; their cma_alloc calls
 * are read from its cma_calls attribute. Lines that start with "| " form
 * the report's Markdown tables, lines that start with "# " its notes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/mempolicy.h>

#define MiB		(1024UL * 1024)
#define CFS		"/sys/kernel/config/chunk_heap"
#define MAX_RUNS	32
#define MAX_HEAPS	8
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define LOAD_GO		"/tmp/chbench.go"
#define LOAD_LINE	1024
#define LOAD_START_MS	(10 * 60 * 1000)
#define LOAD_STOP_MS	(2 * 60 * 1000)
#define PRESS_STEP_KB	(4 * 1024)	/* pressure, nodepress: a fill step */
#define PRESS_FINE_KB	256		/* ... near the watermarks */
#define PRESS_HIT_KB	(32 * PRESS_STEP_KB)	/* a hit every 128 MiB */
#define PRESS_GAP_MS	1000		/* ... and at most this for a refill */
#define PRESS_OVER_KB	(256 * 1024)	/* filled past the node's free */
#define PRESS_OTHER_KB	(64 * 1024)	/* the other nodes' room kept */
#define PRESS_EDGE_KB	512		/* pressure: a page at a time from min + this */
#define INTERFERE_MS	30000		/* refill-interfere: at most */
#define INTERFERE_BASE_MS 2000		/* ... and the busy area alone */
#define INTERFERE_MAX	65536		/* allocations recorded */

static const unsigned long sizes[] = { 1, 24, 95, 256 };

static long long max_ll(long long a, long long b)
{
	return a > b ? a : b;
}

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

/* The start of file @path in @buf, a string; 0, or -1 if it is empty. */
static int read_str(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

/* A number from the start of file @path, or -1 if there is none. */
static long long read_num(const char *path)
{
	char buf[64];

	return read_str(path, buf, sizeof(buf)) ? -1 : atoll(buf);
}

/* A configfs attribute of @heap, as a number, or -1. */
static long long attr(const char *heap, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), CFS "/%s/%s", heap, name);
	return read_num(path);
}

/*
 * Wait up to @ms for the pool of @heap to hold @bytes ready; the time it
 * took, or -1.
 */
static double pool_wait(const char *heap, long long bytes, int ms)
{
	double t0 = now_ms();

	while (attr(heap, "pool_ready") < bytes) {
		if (now_ms() - t0 > ms)
			return -1;
		usleep(2000);
	}
	return now_ms() - t0;
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

/*
 * mmap a buffer of @len from @heap and write one byte to each page: the
 * median time of @runs (after a warm-up run) from mmap() to the last
 * write, and the page faults of the last run. The allocation is not timed.
 */
static double map_ms(const char *name, unsigned long len, int runs, long *faults)
{
	long page = sysconf(_SC_PAGESIZE);
	double t[MAX_RUNS];
	int heap, fd, i;

	heap = heap_open(name);
	if (heap < 0)
		return -1;
	for (i = -1; i < runs; i++) {
		struct rusage r0, r1;
		char *p;
		unsigned long off;
		double t0;

		fd = heap_alloc(heap, len, NULL);
		if (fd < 0)
			break;
		getrusage(RUSAGE_SELF, &r0);
		t0 = now_ms();
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED) {
			close(fd);
			break;
		}
		for (off = 0; off < len; off += page)
			p[off] = 1;
		if (i >= 0)
			t[i] = now_ms() - t0;
		getrusage(RUSAGE_SELF, &r1);
		*faults = (r1.ru_minflt - r0.ru_minflt) + (r1.ru_majflt - r0.ru_majflt);
		munmap(p, len);
		close(fd);
	}
	close(heap);
	return i < runs ? -1 : median(t, runs);
}

static int bench_map(int runs, int nheaps, char **heaps)
{
	static const unsigned long map_sizes[] = { 24, 95 };
	unsigned int s;
	int h;

	if (runs < 1 || runs > MAX_RUNS)
		return 2;
	printf("| heap | size | median ms | x zeroing | page faults |\n");
	printf("|---|---|---|---|---|\n");
	for (s = 0; s < ARRAY_SIZE(map_sizes); s++) {
		unsigned long len = map_sizes[s] * MiB;
		double zero = zero_ms(len, runs);

		printf("| zeroing (memset) | %lu MiB | %.2f | 1.00 | - |\n",
		       map_sizes[s], zero);
		for (h = 0; h < nheaps; h++) {
			long faults = 0;
			double ms = map_ms(heaps[h], len, runs, &faults);

			if (ms < 0)
				printf("| %s | %lu MiB | failed | | |\n", heaps[h],
				       map_sizes[s]);
			else
				printf("| %s | %lu MiB | %.2f | %.2f | %ld |\n", heaps[h],
				       map_sizes[s], ms, ms / zero, faults);
		}
	}
	return 0;
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

/* The field @key of a meminfo file (/proc's, or a node's), in kB, or -1. */
static long long meminfo_kb(const char *path, const char *key)
{
	long long val = -1;
	char line[128], *p;
	FILE *f;

	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		p = strstr(line, key);
		if (p)
			val = atoll(p + strlen(key));
	}
	fclose(f);
	return val;
}

/* A /proc/meminfo field, in kB, or -1. */
static long long mem_kb(const char *key)
{
	return meminfo_kb("/proc/meminfo", key);
}

/* Write @val to @path; 0 or -errno. */
static int write_file(const char *path, const char *val)
{
	int fd, ret;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ret = write(fd, val, strlen(val)) < 0 ? -errno : 0;
	close(fd);
	return ret;
}

/* Write @val to /sys/kernel/debug/cma/@area/@file. */
static int cma_debugfs_write(const char *area, const char *file, const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "/sys/kernel/debug/cma/%s/%s", area, file);
	return write_file(path, val);
}

/*
 * Let the memory freed by the last run settle, so that every load starts
 * and every measurement runs from the same state. Pages freed in bulk
 * stay on per-CPU lists, outside MemFree and the areas' free lists, and
 * an idle CPU may keep them for long: a one-page cma_alloc() through
 * debugfs drains every CPU's lists of the area's zone. Then wait, a
 * minute at most, until free memory stops growing.
 */
static void settle(void)
{
	long long last, now;
	struct dirent *d;
	DIR *dir;
	int i;

	dir = opendir("/sys/kernel/debug/cma");
	while (dir && (d = readdir(dir))) {
		if (d->d_name[0] != '.' &&
		    !cma_debugfs_write(d->d_name, "alloc", "1"))
			cma_debugfs_write(d->d_name, "free", "1");
	}
	if (dir)
		closedir(dir);
	last = mem_kb("MemFree:");
	for (i = 0; i < 30; i++) {
		sleep(2);
		now = mem_kb("MemFree:");
		if (now - last < 1024)
			break;
		last = now;
	}
}

/* A "chload" in the background, which holds CMA pages until told to stop. */
struct load {
	pid_t pid;
	int out;			/* its stdout */
	unsigned long pages, bytes;
	const char *split;		/* each area's share, as chload gives it */
	char line[LOAD_LINE];		/* its first line, or why it is missing */
};

/*
 * Read one line from @fd within @ms milliseconds, cut to @size; 0, or
 * -EIO if it did not come.
 */
static int read_line(int fd, char *buf, size_t size, int ms)
{
	double end = now_ms() + ms;
	size_t n = 0;
	char c;

	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		int left = end - now_ms();

		if (left <= 0 || poll(&pfd, 1, left) <= 0 || read(fd, &c, 1) != 1)
			break;
		if (c == '\n') {
			buf[n] = '\0';
			return 0;
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	buf[n] = '\0';
	return -EIO;
}

/* Start "chload MODE [SLOT] GOFILE"; wait until it holds its pages. */
static int load_start(struct load *l, const char *mode, const char *slot)
{
	char *args[5] = { "chload", (char *)mode };
	int fds[2], err, n = 0;

	args[2] = slot ? (char *)slot : LOAD_GO;
	args[3] = slot ? LOAD_GO : NULL;
	settle();
	unlink(LOAD_GO);
	memset(l, 0, sizeof(*l));
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	l->pid = fork();
	if (l->pid < 0) {
		err = -errno;
		close(fds[0]);
		close(fds[1]);
		return err;
	}
	if (!l->pid) {
		dup2(fds[1], STDOUT_FILENO);
		execvp(args[0], args);
		dprintf(STDOUT_FILENO, "%s\n", strerrorname_np(errno));
		_exit(1);
	}
	close(fds[1]);
	l->out = fds[0];
	err = read_line(l->out, l->line, sizeof(l->line), LOAD_START_MS);
	if (err) {
		snprintf(l->line, sizeof(l->line), "no answer");
	} else if (sscanf(l->line, "HELD %lu %lu%n", &l->pages, &l->bytes, &n) == 2) {
		l->split = l->line + n + (l->line[n] == ' ');
		settle();
		return 0;
	}
	kill(l->pid, SIGKILL);
	waitpid(l->pid, NULL, 0);
	close(l->out);
	return -EIO;
}

/* Let chload release its pages and end; 0 if it said OK. */
static int load_stop(struct load *l)
{
	char verdict[64];
	int fd, err;

	fd = open(LOAD_GO, O_WRONLY | O_CREAT, 0644);
	if (fd >= 0)
		close(fd);
	err = read_line(l->out, verdict, sizeof(verdict), LOAD_STOP_MS);
	if (err || strcmp(verdict, "OK"))
		kill(l->pid, SIGKILL);
	waitpid(l->pid, NULL, 0);
	close(l->out);
	unlink(LOAD_GO);
	return err || strcmp(verdict, "OK") ? -EIO : 0;
}

/* One allocation of @len, timed with the open: "OK" or the errno's name. */
static const char *alloc_once(const char *name, unsigned long len, double *ms)
{
	double t0 = now_ms();
	int heap, fd;

	heap = heap_open(name);
	if (heap < 0)
		return strerrorname_np(errno);
	/* A failure's time counts too: it says how hard the heap tried. */
	fd = heap_alloc(heap, len, NULL);
	*ms = now_ms() - t0;
	close(heap);
	if (fd < 0)
		return strerrorname_np(-fd);
	close(fd);
	return "OK";
}

static void print_calls(long long c0, long long c1, int runs)
{
	if (c0 < 0 || c1 < 0)
		printf("- |\n");
	else
		printf("%.1f |\n", (double)(c1 - c0) / runs);
}

/*
 * The first buffer on a busy area is the one that pays for migrating the
 * filler's pages out; so each heap gets a freshly filled machine.
 */
static int bench_busy(unsigned long mib, int nheaps, char **heaps)
{
	char notes[MAX_HEAPS][LOAD_LINE];
	double zero;
	int h, failed = 0;

	if (nheaps > MAX_HEAPS)
		return 2;
	zero = zero_ms(mib * MiB, 7);
	printf("| heap | size | held in CMA | result | ms | x zeroing | cma_alloc calls |\n");
	printf("|---|---|---|---|---|---|---|\n");
	printf("| zeroing (memset) | %lu MiB | - | OK | %.2f | 1.00 | - |\n", mib, zero);
	for (h = 0; h < nheaps; h++) {
		const char *res;
		struct load l;
		long long c0;
		double ms;

		notes[h][0] = '\0';
		if (load_start(&l, "busy", NULL)) {
			printf("| %s | %lu MiB | chload: %s | | | | |\n", heaps[h],
			       mib, l.line);
			failed = 1;
			continue;
		}
		c0 = attr(heaps[h], "cma_calls");
		res = alloc_once(heaps[h], mib * MiB, &ms);
		printf("| %s | %lu MiB | %lu MiB | %s | %.2f | %.2f | ", heaps[h],
		       mib, l.bytes / MiB, res, ms, ms / zero);
		print_calls(c0, attr(heaps[h], "cma_calls"), 1);
		snprintf(notes[h], sizeof(notes[h]), "%s", l.split);
		if (load_stop(&l))
			failed = 1;
	}
	for (h = 0; h < nheaps; h++)
		if (notes[h][0])
			printf("# %s: chload held (pages of area) %s\n", heaps[h], notes[h]);
	if (failed)
		printf("# chload failed or did not stop cleanly\n");
	return failed;
}

/* The pinned pages stay for all heaps: each gets RUNS tries at @mib. */
static int bench_pinned(unsigned long mib, const char *slot, int runs,
			int nheaps, char **heaps)
{
	double zero = zero_ms(mib * MiB, 7), t[MAX_RUNS];
	struct load l;
	int h, i;

	if (runs < 1 || runs > MAX_RUNS)
		return 2;
	if (load_start(&l, "pin", slot)) {
		printf("# chload pin %s: %s\n", slot, l.line);
		return 1;
	}
	printf("| heap | size | pinned pages | result | median ms | x zeroing |");
	printf(" cma_alloc calls per allocation |\n");
	printf("|---|---|---|---|---|---|---|\n");
	printf("| zeroing (memset) | %lu MiB | - | OK | %.2f | 1.00 | - |\n", mib, zero);
	for (h = 0; h < nheaps; h++) {
		long long c0 = attr(heaps[h], "cma_calls");
		const char *res, *bad = NULL;
		int nbad = 0;
		double ms;

		for (i = 0; i < runs; i++) {
			res = alloc_once(heaps[h], mib * MiB, &t[i]);
			if (strcmp(res, "OK")) {
				bad = bad ? bad : res;
				nbad++;
			}
		}
		ms = median(t, runs);
		printf("| %s | %lu MiB | %lu | ", heaps[h], mib, l.pages);
		if (bad)
			printf("%s (%d of %d) | ", bad, nbad, runs);
		else
			printf("OK | ");
		printf("%.2f | %.2f | ", ms, ms / zero);
		print_calls(c0, attr(heaps[h], "cma_calls"), runs);
	}
	printf("# chload pinned (pages of %s MiB slots) %s\n", slot, l.split);
	if (load_stop(&l)) {
		printf("# chload pin %s did not stop cleanly\n", slot);
		return 1;
	}
	return 0;
}

/*
 * As bench_busy, for heaps with a pool: after chload has filled RAM (and
 * so made the shrinker take the pool back), wait for the pool to refill
 * from the busy area, then time the first buffer. A heap without a pool
 * is timed at once, as in bench_busy.
 */
static int bench_pool_busy(unsigned long mib, int nheaps, char **heaps)
{
	double zero = zero_ms(mib * MiB, 7);
	int h, failed = 0;

	printf("| heap | pool | size | held in CMA | pool refilled after | result | ms |");
	printf(" x zeroing | cma_alloc calls |\n");
	printf("|---|---|---|---|---|---|---|---|---|\n");
	printf("| zeroing (memset) | - | %lu MiB | - | - | OK | %.2f | 1.00 | - |\n",
	       mib, zero);
	for (h = 0; h < nheaps; h++) {
		long long pool = attr(heaps[h], "pool_bytes"), c0;
		double ms, wait = 0;
		const char *res;
		struct load l;

		if (load_start(&l, "busy", NULL)) {
			printf("| %s | | %lu MiB | chload: %s | | | | | |\n", heaps[h],
			       mib, l.line);
			failed = 1;
			continue;
		}
		if (pool > 0)
			wait = pool_wait(heaps[h], pool, 120000);
		c0 = attr(heaps[h], "cma_calls");
		res = alloc_once(heaps[h], mib * MiB, &ms);
		printf("| %s | %lld MiB | %lu MiB | %lu MiB | ", heaps[h],
		       pool > 0 ? pool / (long long)MiB : 0, mib, l.bytes / MiB);
		if (pool <= 0)
			printf("- | ");
		else if (wait < 0)
			printf("not in 120 s | ");
		else
			printf("%.0f ms | ", wait);
		printf("%s | %.2f | %.2f | ", res, ms, ms / zero);
		print_calls(c0, attr(heaps[h], "cma_calls"), 1);
		if (load_stop(&l))
			failed = 1;
	}
	if (failed)
		printf("# chload failed or did not stop cleanly\n");
	return failed;
}

/* Sort @v (@n values) and give the @pct percentile, nearest rank. */
static double percentile(double *v, int n, int pct)
{
	int rank = (n * pct + 99) / 100;

	qsort(v, n, sizeof(*v), cmp_double);
	return v[rank > 0 ? rank - 1 : 0];
}

/*
 * A stream that allocates and frees @mib MiB @rate times a second for
 * @seconds: the allocation latency's p50, p99 and maximum, and how many
 * the pool served.
 */
static int bench_steady(unsigned long mib, int rate, int seconds, int nheaps,
			char **heaps)
{
	int n = rate * seconds, h, i;
	double zero = zero_ms(mib * MiB, 7), *t;

	if (rate < 1 || seconds < 1)
		return 2;
	t = calloc(n, sizeof(*t));
	if (!t)
		return 1;
	printf("| heap | pool | size | rate | allocations | failed | p50 ms | p99 ms |");
	printf(" max ms | p99 x zeroing | from the pool |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (h = 0; h < nheaps; h++) {
		long long pool = attr(heaps[h], "pool_bytes");
		long long hits = attr(heaps[h], "pool_hits");
		double start, p99;
		int heap = heap_open(heaps[h]), nbad = 0;

		if (heap < 0)
			continue;
		if (pool > 0)
			pool_wait(heaps[h], pool, 60000);
		start = now_ms();
		for (i = 0; i < n; i++) {
			double next = start + i * 1000.0 / rate, left = next - now_ms();
			int fd;

			if (left > 0)
				usleep(left * 1000);
			fd = heap_alloc(heap, mib * MiB, &t[i]);
			if (fd < 0) {
				t[i] = 0;
				nbad++;
				continue;
			}
			close(fd);
		}
		close(heap);
		p99 = percentile(t, n, 99);
		printf("| %s | %lld MiB | %lu MiB | %d/s | %d | %d | %.2f | %.2f | %.2f | %.2f | ",
		       heaps[h], pool > 0 ? pool / (long long)MiB : 0, mib, rate, n, nbad,
		       percentile(t, n, 50), p99, t[n - 1], p99 / zero);
		if (hits < 0)
			printf("- |\n");
		else
			printf("%lld |\n", attr(heaps[h], "pool_hits") - hits);
	}
	free(t);
	printf("# zeroing %lu MiB: %.2f ms\n", mib, zero);
	return 0;
}

/*
 * A burst takes the whole pool (the buffers stay held), and the worker
 * refills it in the background: how long until the pool is full again.
 */
static int bench_refill(unsigned long mib, const char *name)
{
	long long pool = attr(name, "pool_bytes");
	int heap, fds[64], nfd = 0, i;
	double zero, ms;

	if (pool <= 0 || pool_wait(name, pool, 60000) < 0) {
		printf("# %s: no pool, or it did not fill\n", name);
		return 1;
	}
	zero = zero_ms(pool, 7);
	heap = heap_open(name);
	if (heap < 0)
		return 1;
	for (i = 0; i < (int)ARRAY_SIZE(fds) && (long long)(i * mib * MiB) < pool; i++) {
		fds[nfd] = heap_alloc(heap, mib * MiB, NULL);
		if (fds[nfd] >= 0)
			nfd++;
	}
	ms = pool_wait(name, pool, 120000);
	printf("| heap | pool | burst | refilled in ms | x zeroing the pool |\n");
	printf("|---|---|---|---|---|\n");
	printf("| %s | %lld MiB | %d x %lu MiB | %.2f | %.2f |\n", name,
	       pool / (long long)MiB, nfd, mib, ms, ms / zero);
	for (i = 0; i < nfd; i++)
		close(fds[i]);
	close(heap);
	return ms < 0;
}

/* MemFree of node @nid, in kB, from its sysfs meminfo; -1 if unknown. */
static long long node_free_kb(int nid)
{
	char path[64];

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/meminfo", nid);
	return meminfo_kb(path, "MemFree:");
}

/* What /proc/zoneinfo says of node @nid, in kB; see node_zones(). */
struct node_state {
	long long head_low;	/* the most any zone has above its low mark */
	long long plain;	/* free pages outside CMA areas */
	long long head_min;	/* ... above its min mark */
	int unreclaimable;	/* kswapd gave up on the node */
};

/*
 * Node @nid from /proc/zoneinfo: how far its zones are above their low
 * watermarks, each raised by what it keeps back from allocations that may
 * use a higher zone (the last "protection" figure, lowmem_reserve), as an
 * anonymous page sees them; below 0 in every zone, the allocator goes on
 * with the next node and wakes this one's kswapd; the same against the
 * min marks. Also its free pages outside CMA areas, which the kernel's
 * own allocations need, and whether kswapd gave up on it. 0, or -1.
 */
static int node_zones(int nid, struct node_state *st)
{
	long long page_kb = sysconf(_SC_PAGESIZE) / 1024, v;
	long long free = 0, cma = 0, min = 0, low = 0, prot = 0, managed = 0;
	char line[512], key[32], zone[32], *p;
	int n, in = 0, found = 0, have = 0;
	FILE *f;

	f = fopen("/proc/zoneinfo", "r");
	if (!f)
		return -1;
	memset(st, 0, sizeof(*st));
	st->head_low = -(1LL << 40);
	st->head_min = st->head_low;
	for (;;) {
		int more = !!fgets(line, sizeof(line), f);
		int head = more && sscanf(line, "Node %d, zone %31s", &n, zone) == 2;

		/* A zone ends at the next one's header, or at the end. */
		if (have && (!more || head) && managed > 0) {
			st->head_low = max_ll(st->head_low, free - low - prot);
			st->head_min = max_ll(st->head_min, free - min - prot);
			st->plain += free - cma;
		}
		if (!more)
			break;
		if (head) {
			in = n == nid;
			found |= in;
			have = in;
			free = 0;
			cma = 0;
			min = 0;
			low = 0;
			prot = 0;
			managed = 0;
			continue;
		}
		if (!in)
			continue;
		p = strstr(line, "protection: (");
		if (p) {
			p = strrchr(line, ',') ? strrchr(line, ',') : strchr(p, '(');
			prot = atoll(p + 1) * page_kb;
		} else if (sscanf(line, " pages free %lld", &v) == 1) {
			free = v * page_kb;
		} else if (sscanf(line, " node_unreclaimable: %lld", &v) == 1) {
			st->unreclaimable = v;
		} else if (sscanf(line, " %31s %lld", key, &v) == 2) {
			v *= page_kb;
			if (!strcmp(key, "min"))
				min = v;
			else if (!strcmp(key, "low"))
				low = v;
			else if (!strcmp(key, "managed"))
				managed = v;
			else if (!strcmp(key, "nr_free_cma"))
				cma = v;
		}
	}
	fclose(f);
	return found ? 0 : -1;
}

/* A /proc/vmstat counter, or -1. */
static long long vm_counter(const char *key)
{
	char line[128], name[64];
	long long val = -1, v;
	FILE *f;

	f = fopen("/proc/vmstat", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %lld", name, &v) == 2 && !strcmp(name, key))
			val = v;
	fclose(f);
	return val;
}

/*
 * @kb of anonymous memory in small pages, from node @nid only (MPOL_BIND)
 * unless it is -1, faulted in if @populate; NULL if not.
 */
static char *anon_piece(unsigned long kb, int nid, int populate)
{
	char *p = mmap(NULL, kb * 1024, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	unsigned long mask[4] = { 0 };
	const int bits = 8 * sizeof(mask[0]);

	if (p == MAP_FAILED)
		return NULL;
	madvise(p, kb * 1024, MADV_NOHUGEPAGE);
	if (nid >= 0 && nid < (int)ARRAY_SIZE(mask) * bits)
		mask[nid / bits] = 1UL << (nid % bits);
	if ((nid >= 0 && syscall(SYS_mbind, p, kb * 1024, MPOL_BIND, mask,
				 ARRAY_SIZE(mask) * bits, 0)) ||
	    (populate && madvise(p, kb * 1024, MADV_POPULATE_WRITE))) {
		munmap(p, kb * 1024);
		return NULL;
	}
	return p;
}

/*
 * Allocate and free @len from @name, then wait up to a second for its
 * pool to hold @bytes ready again: the time it took, or -1.
 */
static double take_return(const char *name, unsigned long len, long long bytes)
{
	double ms;

	if (strcmp(alloc_once(name, len, &ms), "OK"))
		return -1;
	return pool_wait(name, bytes, 1000);
}

/* The node of the CMA area of heap @name, from its areas/<area>/node; or -1. */
static int heap_area_node(const char *name)
{
	char path[256], area[64];

	snprintf(path, sizeof(path), CFS "/%s/cma_area", name);
	if (read_str(path, area, sizeof(area)))
		return -1;
	area[strcspn(area, "\n")] = '\0';
	snprintf(path, sizeof(path), "/sys/kernel/chunk_heap/areas/%s/node", area);
	return read_num(path);
}

/* What chbench pressure watches of the pool, and when it saw it. */
struct pool_watch {
	const char *name;
	long long shrunk0, keep;
	double t0, first, p90;		/* ms; -1 until seen */
	unsigned long at_first;		/* kB filled at the first shrink */
};

/* Whether the pool is down to what it may keep, after the first shrink. */
static int pool_watch(struct pool_watch *w, unsigned long filled)
{
	double t = now_ms() - w->t0;

	if (w->first < 0 && attr(w->name, "pool_shrunk") > w->shrunk0) {
		w->first = t;
		w->at_first = filled;
	}
	if (w->first >= 0 && w->p90 < 0 && attr(w->name, "pool_ready") <= w->keep)
		w->p90 = t;
	return w->p90 >= 0;
}

/*
 * Fill the node of the pool's area with anonymous memory, bound to it
 * (MPOL_BIND), while the pool is full, and watch it: how much was filled
 * before the shrinker first took from the pool, and how long after that
 * until 90 % of it was back, or all but its floor (pool_min_bytes).
 * Bound, the fill takes the node below its low marks, which wakes its
 * kswapd; unbound, it went on to the other node, and reclaim came only
 * once all of RAM was full, a race with the stop (2026-12-07: no shrink
 * before the stop in 1 run of 40). Steps of 4 MiB, 256 KiB near the low
 * marks, then a page at a time within PRESS_EDGE_KB of min: there, the
 * fill's own allocations reclaim directly, which the pool answers with
 * CMA pages the fill can use (where kswapd has given up on the node, as
 * 6.1's did after the first phase, the only way), and the fill stops as
 * soon as the pool is down, before a reclaim finds nothing to take and
 * the OOM killer's notifier empties the pool, floor included.
 */
static int bench_pressure(const char *name, unsigned long mib)
{
	long long pool = attr(name, "pool_bytes"), runs0 = vm_counter("pageoutrun");
	long long stalls0 = vm_counter("allocstall_movable");
	/* What the shrinker may leave: a tenth, or the floor if higher. */
	struct pool_watch w = {
		.name = name, .first = -1, .p90 = -1,
		.keep = max_ll(pool / 10, attr(name, "pool_min_bytes")),
	};
	unsigned long filled = 0, n = 0, max, i, page_kb = sysconf(_SC_PAGESIZE) / 1024;
	unsigned long edge_kb = pool / 1024 + 8 * 1024, in_edge = 0;
	struct { char *p; unsigned long kb; } *pieces;
	/* An area on no known node answers every node's reclaim. */
	int nid = max_ll(heap_area_node(name), 0);
	struct node_state st;
	char *edge = NULL;
	double back = -1;

	if (pool <= 0 || pool_wait(name, pool, 60000) < 0) {
		printf("# %s: no pool, or it did not fill\n", name);
		return 1;
	}
	max = mem_kb("MemTotal:") / PRESS_FINE_KB + 1;
	pieces = calloc(max, sizeof(*pieces));
	if (!pieces || node_zones(nid, &st)) {
		printf("# node %d: not in /proc/zoneinfo\n", nid);
		return 1;
	}
	settle();
	w.shrunk0 = attr(name, "pool_shrunk");
	w.t0 = now_ms();
	while (n < max && !node_zones(nid, &st) && st.head_min > PRESS_EDGE_KB) {
		unsigned long kb = PRESS_STEP_KB;

		/* Near the low marks, small steps, and time for kswapd. */
		if (st.head_low < PRESS_STEP_KB)
			kb = PRESS_FINE_KB;
		pieces[n].p = anon_piece(kb, nid, 1);
		if (!pieces[n].p)
			break;
		pieces[n++].kb = kb;
		filled += kb;
		if (kb == PRESS_FINE_KB)
			usleep(20000);
		if (pool_watch(&w, filled))
			break;
	}
	if (w.p90 < 0)
		edge = anon_piece(edge_kb, nid, 0);
	while (edge && w.p90 < 0 && (in_edge + 1) * page_kb <= edge_kb) {
		edge[in_edge++ * page_kb * 1024] = 1;
		filled += page_kb;
		pool_watch(&w, filled);
	}
	if (mib && w.p90 >= 0)
		back = take_return(name, mib * MiB, w.keep);
	node_zones(nid, &st);
	for (i = 0; i < n; i++)
		munmap(pieces[i].p, pieces[i].kb * 1024);
	if (edge)
		munmap(edge, edge_kb * 1024);
	free(pieces);
	printf("| heap | pool | filled before the first shrink |");
	printf(" 90 %% back after the first shrink | filled in all | bytes shrunk |\n");
	printf("|---|---|---|---|---|---|\n");
	printf("| %s | %lld MiB | ", name, pool / (long long)MiB);
	if (w.first < 0)
		printf("no shrink | - | ");
	else if (w.p90 < 0)
		printf("%lu MiB | not | ", w.at_first / 1024);
	else
		printf("%lu MiB | %.1f ms | ", w.at_first / 1024, w.p90 - w.first);
	printf("%lu MiB | %lld MiB |\n", filled / 1024,
	       (attr(name, "pool_shrunk") - w.shrunk0) / (long long)MiB);
	printf("# filled node %d, the last %lu kB a page at a time; at the end %lld kB above",
	       nid, in_edge * page_kb, st.head_low);
	printf(" its low marks, %lld kB free outside CMA; kswapd ran %lld times%s,",
	       st.plain, vm_counter("pageoutrun") - runs0,
	       st.unreclaimable ? " and has given up on the node" : "");
	printf(" direct reclaim %lld times\n", vm_counter("allocstall_movable") - stalls0);
	if (mib) {
		printf("# a take of %lu MiB and its return under the pressure:", mib);
		printf(" the pool back at %lld bytes in %.0f ms\n", w.keep, back);
	}
	return w.p90 < 0 || (mib && back < 0);
}

/* Write @val to a configfs attribute of @heap; 0 or -errno. */
static int set_attr(const char *heap, const char *name, long long val)
{
	char path[256], buf[32];

	snprintf(path, sizeof(path), CFS "/%s/%s", heap, name);
	snprintf(buf, sizeof(buf), "%lld\n", val);
	return write_file(path, buf);
}

/* A latency cell: "12.34", or "-" when there is none. */
static const char *ms_cell(char *buf, size_t size, double ms)
{
	if (ms < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.2f", ms);
	return buf;
}

/* A pool figure in MiB, or "-" for a heap without the attribute. */
static const char *mib_cell(char *buf, size_t size, long long bytes)
{
	if (bytes < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%.1f MiB", (double)bytes / MiB);
	return buf;
}

struct press {
	double during[MAX_RUNS * 8];	/* the hits during the fill */
	int nduring, nfailed, slow;	/* slow: refills not back in time */
	double after;			/* right after, or -1 if it failed */
	const char *after_res;
	long long ready0, ready1, shrunk0, shrunk1;
	long long free_kb, kswapd;
	struct node_state st;
	unsigned long filled_kb;
	int pressed, stop_low;
};

/* Whether a node other than @nid is within @kb of its low watermark. */
static int other_node_low(int nid, long long kb)
{
	struct node_state st;
	int n;

	for (n = 0; n < 64; n++) {
		if (n == nid || node_free_kb(n) < 0)
			continue;
		if (!node_zones(n, &st) && st.head_low < kb)
			return 1;
	}
	return 0;
}

/* Run on the first CPU of node @nid; 0, or -1. */
static int run_on_node(int nid)
{
	char path[64];
	cpu_set_t cpus;
	long long cpu;

	snprintf(path, sizeof(path), "/sys/devices/system/node/node%d/cpulist", nid);
	cpu = read_num(path);
	if (cpu < 0)
		return -1;
	CPU_ZERO(&cpus);
	CPU_SET(cpu, &cpus);
	return sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * Fill RAM with anonymous memory from a CPU of node @nid, as a process
 * there does: the page allocator takes node @nid first, down to its low
 * watermark, then goes on with the other nodes. The fill stops
 * PRESS_OVER_KB past what the node had free, or when another node comes
 * within PRESS_OTHER_KB of its low watermark. Every
 * PRESS_HIT_KB, allocate and free @len from @name, then give its pool up
 * to PRESS_GAP_MS to refill, as between a stream's frames. Right after,
 * with the fill still held, once more.
 */
static void press_node(int nid, const char *name, unsigned long len, struct press *r)
{
	unsigned long max = mem_kb("MemTotal:") / PRESS_STEP_KB + 1, n = 0, i;
	long long runs0 = vm_counter("pageoutrun"), free0 = node_free_kb(nid);
	unsigned long hit_at = PRESS_HIT_KB;
	char **pieces;
	int heap, fd;

	memset(r, 0, sizeof(*r));
	r->after = -1;
	r->after_res = "not run";
	pieces = calloc(max, sizeof(*pieces));
	heap = heap_open(name);
	if (!pieces || heap < 0 || free0 < 0 || run_on_node(nid)) {
		free(pieces);
		if (heap >= 0)
			close(heap);
		return;
	}
	r->ready0 = attr(name, "pool_ready");
	r->shrunk0 = attr(name, "pool_shrunk");
	while (n < max && (long long)r->filled_kb < free0 + PRESS_OVER_KB) {
		if (other_node_low(nid, PRESS_OTHER_KB)) {
			r->stop_low = 1;
			break;
		}
		pieces[n] = anon_piece(PRESS_STEP_KB, -1, 1);
		if (!pieces[n])
			break;
		n++;
		r->filled_kb += PRESS_STEP_KB;
		if (!node_zones(nid, &r->st) && r->st.head_low < 0)
			r->pressed = 1;
		if (r->filled_kb >= hit_at && r->nduring < (int)ARRAY_SIZE(r->during)) {
			long long ready = attr(name, "pool_ready");

			hit_at += PRESS_HIT_KB;
			fd = heap_alloc(heap, len, &r->during[r->nduring]);
			if (fd < 0) {
				r->nfailed++;
			} else {
				close(fd);
				r->nduring++;
			}
			if (ready > 0 && pool_wait(name, ready, PRESS_GAP_MS) < 0)
				r->slow++;
		}
	}
	r->free_kb = node_free_kb(nid);
	r->ready1 = attr(name, "pool_ready");
	fd = heap_alloc(heap, len, &r->after);
	if (fd < 0) {
		r->after = -1;
		r->after_res = strerrorname_np(-fd);
	} else {
		close(fd);
		r->after_res = "OK";
	}
	r->shrunk1 = attr(name, "pool_shrunk");
	r->kswapd = runs0 < 0 ? -1 : vm_counter("pageoutrun") - runs0;
	close(heap);
	for (i = 0; i < n; i++)
		munmap(pieces[i], PRESS_STEP_KB * 1024);
	free(pieces);
}

/*
 * press_node() in a child, the OOM killer's first choice, so that the
 * table goes on if the fill overshoots; 0, or -1 if the child died.
 */
static int press_child(int nid, const char *name, unsigned long len, struct press *r)
{
	struct press *shared;
	int status = -1;
	pid_t pid;

	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return -1;
	pid = fork();
	if (!pid) {
		write_file("/proc/self/oom_score_adj", "1000");
		press_node(nid, name, len, shared);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	*r = *shared;
	munmap(shared, sizeof(*shared));
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	r->after = -1;
	r->after_res = "killed";
	return -1;
}

/*
 * Each heap in turn, with its pool full: a fill that presses node @nid,
 * the heap's @mib MiB allocations during it and right after it, against
 * an idle @mib MiB from "reserved", measured first.
 */
static int bench_nodepress(int nid, unsigned long mib, int nheaps, char **heaps)
{
	char notes[MAX_HEAPS][384], a[32], b[32], c[32], d[32];
	double idle, calls;
	int h, failed = 0;

	if (nheaps > MAX_HEAPS || node_free_kb(nid) < 0)
		return 2;
	settle();
	idle = alloc_ms("reserved", mib * MiB, 5, &calls);
	if (idle <= 0) {
		printf("# nodepress: an idle %lu MiB from reserved failed\n", mib);
		return 1;
	}
	printf("| heap | pool | floor | node pressed | during: median ms | during: max ms |");
	printf(" right after ms | x idle reserved | pool before | pool after | shrunk |\n");
	printf("|---|---|---|---|---|---|---|---|---|---|---|\n");
	for (h = 0; h < nheaps; h++) {
		long long pool = attr(heaps[h], "pool_bytes");
		long long floor = attr(heaps[h], "pool_min_bytes");
		double med = -1, max = -1;
		struct press r;

		settle();
		if (pool > 0 && pool_wait(heaps[h], pool, 60000) < 0)
			printf("# %s: the pool did not fill in 60 s\n", heaps[h]);
		if (press_child(nid, heaps[h], mib * MiB, &r))
			printf("# %s: the fill was killed (OOM killer?)\n", heaps[h]);
		if (r.nduring) {
			med = median(r.during, r.nduring);
			max = r.during[r.nduring - 1];
		}
		printf("| %s | %s | %s | %d%s | %s | %s | ", heaps[h],
		       mib_cell(a, sizeof(a), pool), mib_cell(b, sizeof(b), floor), nid,
		       r.pressed ? "" : " (not reached)", ms_cell(c, sizeof(c), med),
		       ms_cell(d, sizeof(d), max));
		if (r.after < 0)
			printf("%s | - | ", r.after_res);
		else
			printf("%.2f | %.2f | ", r.after, r.after / idle);
		printf("%s | %s | %s |\n", mib_cell(a, sizeof(a), r.ready0),
		       mib_cell(b, sizeof(b), r.ready1),
		       mib_cell(c, sizeof(c), r.shrunk0 < 0 || r.shrunk1 < 0 ? -1 :
				r.shrunk1 - r.shrunk0));
		snprintf(notes[h], sizeof(notes[h]),
			 "%s: filled %lu MiB from a CPU of node %d, %d hits during it (%d failed, %d pool refills not back in %d ms); node %d free at the end %lld kB, %lld kB outside CMA; kswapd runs %lld%s",
			 heaps[h], r.filled_kb / 1024, nid, r.nduring + r.nfailed, r.nfailed,
			 r.slow, PRESS_GAP_MS,
			 nid, r.free_kb, r.st.plain, r.kswapd,
			 r.stop_low ? "; stopped: another node near its low watermark" : "");
		if (!r.pressed || r.after < 0 || r.nfailed)
			failed = 1;
		settle();
	}
	printf("# idle reserved %lu MiB: %.2f ms (median of 5)\n", mib, idle);
	for (h = 0; h < nheaps; h++)
		printf("# %s\n", notes[h]);
	return failed;
}

/*
 * On a busy area, the pool of @name refills @mib MiB from nothing while
 * another task allocates and frees 1 MiB from "reserved" over and over:
 * what the refill's cma_alloc() calls, which hold CMA's global mutex
 * while they migrate, cost it, against idle 1 MiB allocations.
 */
static int bench_refill_interfere(unsigned long mib, const char *name)
{
	long long pool0 = attr(name, "pool_bytes"), want = mib * MiB;
	double idle, calls, t0, refill = -1, *t, base_med = -1, base_max = -1;
	double med, p99, max;
	int heap, fd, n = 0, nb = 0, nbad = 0, failed = 0;
	struct load l;

	if (pool0 < 0) {
		printf("# %s: not a chunk heap\n", name);
		return 2;
	}
	t = calloc(INTERFERE_MAX, sizeof(*t));
	if (!t || set_attr(name, "pool_bytes", 0))
		return 1;
	settle();
	idle = alloc_ms("reserved", MiB, 7, &calls);
	if (load_start(&l, "busy", NULL)) {
		printf("# refill-interfere: chload: %s\n", l.line);
		goto restore;
	}
	heap = heap_open("reserved");
	if (heap < 0) {
		load_stop(&l);
		goto restore;
	}
	/* The busy area alone first, for comparison. */
	t0 = now_ms();
	while (now_ms() - t0 < INTERFERE_BASE_MS && nb < INTERFERE_MAX) {
		fd = heap_alloc(heap, MiB, &t[nb]);
		if (fd >= 0) {
			close(fd);
			nb++;
		}
	}
	if (nb) {
		base_max = percentile(t, nb, 100);
		base_med = median(t, nb);
	}
	if (set_attr(name, "pool_bytes", want))
		failed = 1;
	t0 = now_ms();
	while (!failed && n < INTERFERE_MAX) {
		if (attr(name, "pool_ready") >= want) {
			refill = now_ms() - t0;
			break;
		}
		if (now_ms() - t0 > INTERFERE_MS)
			break;
		fd = heap_alloc(heap, MiB, &t[n]);
		if (fd < 0) {
			nbad++;
			usleep(1000);
			continue;
		}
		close(fd);
		n++;
	}
	close(heap);
	printf("| heap | pool | refill ms | reserved 1 MiB idle median ms |");
	printf(" during refill: median ms | p99 ms | max ms | max x idle |\n");
	printf("|---|---|---|---|---|---|---|---|\n");
	printf("| %s | %lu MiB | ", name, mib);
	if (refill < 0)
		printf("not in %d s | ", INTERFERE_MS / 1000);
	else
		printf("%.0f | ", refill);
	printf("%.2f | ", idle);
	if (n) {
		max = percentile(t, n, 100);
		p99 = percentile(t, n, 99);
		med = median(t, n);
		printf("%.2f | %.2f | %.2f | %.2f |\n", med, p99, max, max / idle);
	} else {
		printf("- | - | - | - |\n");
	}
	printf("# during the refill: %d allocations of 1 MiB from reserved, %d failed;", n, nbad);
	printf(" the busy area before it, for %d s: %d, median %.2f ms, max %.2f ms\n",
	       INTERFERE_BASE_MS / 1000, nb, base_med, base_max);
	printf("# chload held (pages of area) %s\n", l.split);
	if (load_stop(&l))
		failed = 1;
	if (pool0 != want)
		set_attr(name, "pool_bytes", pool0);
	free(t);
	return failed || refill < 0;

restore:
	set_attr(name, "pool_bytes", pool0);
	free(t);
	return 1;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "settle")) {
		settle();
		return 0;
	}
	if (argc >= 4 && !strcmp(argv[1], "idle"))
		return bench_idle(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 4 && !strcmp(argv[1], "frag"))
		return bench_frag(atoi(argv[2]), argc - 3, argv + 3);
	if (argc == 5 && !strcmp(argv[1], "numa"))
		return bench_numa(argv[2], strtoul(argv[3], NULL, 0) * MiB, argv[4]);
	if (argc >= 4 && !strcmp(argv[1], "busy"))
		return bench_busy(strtoul(argv[2], NULL, 0), argc - 3, argv + 3);
	if (argc >= 6 && !strcmp(argv[1], "pinned"))
		return bench_pinned(strtoul(argv[2], NULL, 0), argv[3], atoi(argv[4]),
				    argc - 5, argv + 5);
	if (argc >= 4 && !strcmp(argv[1], "pool-busy"))
		return bench_pool_busy(strtoul(argv[2], NULL, 0), argc - 3, argv + 3);
	if (argc >= 6 && !strcmp(argv[1], "steady"))
		return bench_steady(strtoul(argv[2], NULL, 0), atoi(argv[3]), atoi(argv[4]),
				    argc - 5, argv + 5);
	if (argc == 4 && !strcmp(argv[1], "refill"))
		return bench_refill(strtoul(argv[2], NULL, 0), argv[3]);
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "pressure"))
		return bench_pressure(argv[2], argc == 4 ? strtoul(argv[3], NULL, 0) : 0);
	if (argc >= 4 && !strcmp(argv[1], "map"))
		return bench_map(atoi(argv[2]), argc - 3, argv + 3);
	if (argc >= 5 && !strcmp(argv[1], "nodepress"))
		return bench_nodepress(atoi(argv[2]), strtoul(argv[3], NULL, 0),
				       argc - 4, argv + 4);
	if (argc == 4 && !strcmp(argv[1], "refill-interfere"))
		return bench_refill_interfere(strtoul(argv[2], NULL, 0), argv[3]);
	fputs("usage: chbench idle RUNS HEAP... | frag HOLE_ORDER HEAP...", stderr);
	fputs(" | numa HEAP MIB POLICY | busy MIB HEAP...", stderr);
	fputs(" | pinned MIB SLOT_MIB RUNS HEAP... | settle", stderr);
	fputs(" | pool-busy MIB HEAP... | steady MIB RATE SECONDS HEAP...", stderr);
	fputs(" | refill MIB HEAP | pressure HEAP [MIB] | map RUNS HEAP...", stderr);
	fputs(" | nodepress NODE MIB HEAP... | refill-interfere MIB HEAP\n", stderr);
	return 2;
}
