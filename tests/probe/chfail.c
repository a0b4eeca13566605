// SPDX-License-Identifier: GPL-2.0
/*
 * chfail: fault injection sweeps for the end-to-end tests, on a kernel
 * with CONFIG_FAULT_INJECTION. For n = 1, 2, ... it arms the n-th fault
 * injection point this thread meets (/proc/thread-self/fail-nth), so that
 * only the operation under test fails, and never exec or libc, runs the
 * operation once, undoes it, and prints
 *
 *   <n> <OK|ERRNO> <injected|missed> [site=SITE] [counted] [dirty]
 *
 * until the operation runs without meeting the armed point; then "END".
 * SITE is where the injected failure was met: the innermost chunk_heap
 * function on the stack that the kernel logs (failslab and
 * fail_page_alloc with verbose=2), as FUNCTION+OFFSET (one the unwinder
 * marks unreliable only if there is no other), or "outside" when no
 * chunk_heap function was on it. "counted": the heap's bytes or
 * buffers did not come back to their value before the step. "dirty": a
 * buffer that was allocated does not read as zeros. An allocation made
 * with __GFP_NOWARN fails without a log: its SITE is "unlogged".
 *
 * With -s SITE, only allocations made under SITE can fail (the
 * require-start and require-end of CONFIG_FAULT_INJECTION_STACKTRACE_FILTER):
 * SITE is FUNCTION+OFFSET, a return address in chunk_heap, and then each
 * injected failure is SITE's; or a kernel FUNCTION, any call in it. An
 * init function's site is gone once the module is loaded: chfail then
 * prints "GONE" and does nothing.
 *
 *   chfail alloc HEAP LEN     DMA_HEAP_IOCTL_ALLOC of LEN bytes
 *   chfail mmap HEAP LEN      mmap of a buffer of LEN bytes, and a write
 *                             to each page, which faults the pages in
 *   chfail import HEAP LEN    vgem attaches and maps a buffer of LEN bytes
 *   chfail vmap HEAP LEN      chimport.ko vmaps a buffer of LEN bytes
 *   chfail mkdir DIR          mkdir of a configfs heap directory
 *   chfail enable DIR AREA ORDER
 *                             "1" to the enable of a new heap DIR<n>
 *   chfail insmod KO          loading chunk_heap.ko (unloaded again)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <drm.h>
#include <linux/dma-heap.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_STEPS	5000
#define CFS		"/sys/kernel/config/chunk_heap/"
#define VMAP		"/sys/kernel/debug/chimport/vmap"
#define FI		"/sys/kernel/debug/"

static const char *heap, *path, *area, *order;
static unsigned long len;
static int dri = -1;

/* What one step set up and must undo. */
struct step {
	int n;
	int buf;
	void *map;
	struct drm_prime_handle prime;
	char dir[256];
	int dirty;
};

static int heap_alloc(int *fd)
{
	struct dma_heap_allocation_data data = {
		.len = len, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	char dev[256];
	int h, err = 0;

	snprintf(dev, sizeof(dev), "/dev/dma_heap/%s", heap);
	h = open(dev, O_RDONLY | O_CLOEXEC);
	if (h < 0)
		return errno;
	if (ioctl(h, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		err = errno;
	close(h);
	*fd = err ? -1 : (int)data.fd;
	return err;
}

/* Write @str to the file @file. */
static int put(const char *file, const char *str)
{
	int f = open(file, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n = strlen(str);

	if (f < 0)
		return errno;
	if (write(f, str, n) != n)
		err = errno;
	close(f);
	return err;
}

/* A heap's "bytes" and "buffers", as one string. */
static void counters(char *out, size_t size)
{
	static const char *const files[] = { "bytes", "buffers" };
	char file[256];
	size_t i, used = 0;

	for (i = 0; i < 2 && used < size; i++) {
		FILE *f;

		snprintf(file, sizeof(file), CFS "%s/%s", heap, files[i]);
		f = fopen(file, "re");
		if (!f || !fgets(out + used, size - used, f))
			snprintf(out + used, size - used, "?\n");
		if (f)
			fclose(f);
		used += strlen(out + used);
	}
}

/* Whether @len bytes at @p are all zero. */
static int zeros(const unsigned char *p)
{
	unsigned long i;

	for (i = 0; i < len; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Whether dma-buf @fd reads as zeros through a new mapping. */
static int zeroed(int fd)
{
	void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	int ret;

	if (p == MAP_FAILED)
		return 0;
	ret = zeros(p);
	munmap(p, len);
	return ret;
}

/* Set up what the armed operation needs; 0 or an errno. */
static int prepare(const char *op, struct step *s)
{
	char file[300];
	int err;

	s->buf = -1;
	if (!strcmp(op, "mmap") || !strcmp(op, "import") || !strcmp(op, "vmap"))
		return heap_alloc(&s->buf);
	if (strcmp(op, "enable"))
		return 0;
	snprintf(s->dir, sizeof(s->dir), "%s%d", path, s->n);
	if (mkdir(s->dir, 0755))
		return errno;
	snprintf(file, sizeof(file), "%s/cma_area", s->dir);
	err = put(file, area);
	snprintf(file, sizeof(file), "%s/chunk_order", s->dir);
	return err ?: put(file, order);
}

/* The operation under test; 0 or an errno. */
static int run(const char *op, struct step *s)
{
	char cmd[300];
	int fd, err = 0;

	if (!strcmp(op, "alloc"))
		return heap_alloc(&s->buf);
	if (!strcmp(op, "mmap")) {
		unsigned long off, page = sysconf(_SC_PAGESIZE);

		s->map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, s->buf, 0);
		if (s->map == MAP_FAILED)
			return errno;
		/* A fault that fails for memory is retried: it must end mapped. */
		for (off = 0; off < len; off += page)
			((volatile char *)s->map)[off] = 0;
		return 0;
	}
	if (!strcmp(op, "import")) {
		s->prime.fd = s->buf;
		return ioctl(dri, DRM_IOCTL_PRIME_FD_TO_HANDLE, &s->prime) ? errno : 0;
	}
	if (!strcmp(op, "vmap")) {
		snprintf(cmd, sizeof(cmd), "check %d 0", s->buf);
		return put(VMAP, cmd);
	}
	if (!strcmp(op, "mkdir"))
		return mkdir(path, 0755) ? errno : 0;
	if (!strcmp(op, "enable")) {
		snprintf(cmd, sizeof(cmd), "%s/enable", s->dir);
		return put(cmd, "1");
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (syscall(SYS_finit_module, fd, "", 0))
		err = errno;
	close(fd);
	return err;
}

/* Undo the step, whether the operation succeeded (@err 0) or not. */
static void undo(const char *op, struct step *s, int err)
{
	char file[300];

	if (!strcmp(op, "import") && !err) {
		struct drm_gem_close gem = { .handle = s->prime.handle };

		ioctl(dri, DRM_IOCTL_GEM_CLOSE, &gem);
	}
	if (!strcmp(op, "mmap") && !err) {
		s->dirty = !zeros(s->map);
		munmap(s->map, len);
	} else if (s->buf >= 0) {
		s->dirty = !zeroed(s->buf);
	}
	if (s->buf >= 0)
		close(s->buf);
	if (!strcmp(op, "mkdir") && !err)
		rmdir(path);
	if (!strcmp(op, "enable")) {
		snprintf(file, sizeof(file), "%s/enable", s->dir);
		if (!err)
			put(file, "0");
		rmdir(s->dir);
	}
	if (!strcmp(op, "insmod") && !err)
		syscall(SYS_delete_module, "chunk_heap", O_NONBLOCK);
}

/*
 * Read the kernel log records that arrived since the last call, and put
 * in @site the innermost reliable chunk_heap frame of the last fault
 * injection report among them ("outside" if it had none, "unlogged" if
 * there was no report).
 */
static void fault_site(int kmsg, char *site, size_t size)
{
	char rec[1024], guess[128] = "";
	int in_report = 0;
	ssize_t n;

	snprintf(site, size, "unlogged");
	for (;;) {
		char *msg, *end;

		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records were lost: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		msg = strchr(rec, ';');
		if (!msg)
			continue;
		msg++;
		if (strstr(msg, "FAULT_INJECTION: forcing a failure")) {
			in_report = 1;
			snprintf(site, size, "outside");
			guess[0] = '\0';
		} else if (in_report && strstr(msg, "</TASK>")) {
			/*
			 * No reliable chunk_heap frame: the first one the
			 * unwinder was unsure of ("? ") is the best guess.
			 */
			if (!strcmp(site, "outside") && guess[0])
				snprintf(site, size, "%s", guess);
			in_report = 0;
		} else if (in_report && !strcmp(site, "outside") &&
			   strstr(msg, " [chunk_heap]")) {
			msg += strspn(msg, " ");
			end = strchr(msg, '/');
			if (!end)
				continue;
			*end = '\0';
			if (*msg != '?')
				snprintf(site, size, "%s", msg);
			else if (!guess[0] && strncmp(msg + 2, "__pfx_", 6))
				snprintf(guess, sizeof(guess), "%s", msg + 2);
		}
	}
}

/*
 * The range of addresses that @site stands for, from kallsyms: a return
 * address in chunk_heap, FUNCTION+OFFSET, or the whole of a kernel
 * FUNCTION. Returns 0 if it is not there (chunk_heap's init functions,
 * once it is loaded).
 */
static int site_range(const char *site, unsigned long *start, unsigned long *end)
{
	char line[512], func[256], sym[256], mod[64];
	const char *plus = strchr(site, '+');
	unsigned long addr, off = plus ? strtoul(plus + 1, NULL, 16) : 0;
	size_t n = plus ? (size_t)(plus - site) : strlen(site);
	FILE *f = fopen("/proc/kallsyms", "re");

	*start = 0;
	*end = ~0UL;
	if (!f || n >= sizeof(func))
		return 0;
	snprintf(func, n + 1, "%s", site);
	while (fgets(line, sizeof(line), f)) {
		int fields = sscanf(line, "%lx %*s %255s %63s", &addr, sym, mod);

		if (fields < 2)
			continue;
		if (!*start && !strcmp(sym, func) &&
		    (plus ? fields == 3 && !strcmp(mod, "[chunk_heap]") : fields == 2))
			*start = addr + off;
		else if (*start && addr > *start && addr < *end)
			*end = addr;	/* the next symbol ends a function */
	}
	fclose(f);
	if (plus)
		*end = *start + 1;
	return *start != 0;
}

/* Let failslab and fail_page_alloc fail only under [@start, @end). */
static void set_filter(unsigned long start, unsigned long end)
{
	static const char *const attrs[] = { "failslab", "fail_page_alloc" };
	char file[128], val[32];
	size_t i;

	for (i = 0; i < 2; i++) {
		snprintf(val, sizeof(val), "%#lx", start);
		snprintf(file, sizeof(file), FI "%s/require-start", attrs[i]);
		put(file, val);
		snprintf(val, sizeof(val), "%#lx", end);
		snprintf(file, sizeof(file), FI "%s/require-end", attrs[i]);
		put(file, val);
	}
}

/* Write @n to fail-nth: arm the n-th fault point (0 disarms). */
static int arm(int nth, int n)
{
	char buf[16];
	int l = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(nth, buf, l, 0) == l ? 0 : errno;
}

/* Whether the armed point was met: fail-nth reads 0 once it fired. */
static int fired(int nth)
{
	char buf[16] = "";

	if (pread(nth, buf, sizeof(buf) - 1, 0) <= 0)
		return 0;
	return atoi(buf) == 0;
}

/* Whether @op works on a buffer of a heap. */
static int heap_op(const char *op)
{
	static const char *const ops[] = { "alloc", "mmap", "import", "vmap" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(op, ops[i]))
			return 1;
	return 0;
}

static int print_usage(void)
{
	fputs("usage: chfail [-s SITE] alloc|mmap|import|vmap HEAP LEN |\n"
	      "              mkdir DIR | enable DIR AREA ORDER | insmod KO\n", stderr);
	return 2;
}

int main(int argc, char **argv)
{
	const char *op, *only = NULL;
	char before[64] = "", after[64] = "", site[128];
	int nth, kmsg, n, err, hit, broken = 0;
	unsigned long start, end;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		only = argv[2];
		argc -= 2;
		argv += 2;
	}
	op = argc > 1 ? argv[1] : "";

	if (argc == 4 && heap_op(op)) {
		heap = argv[2];
		len = strtoul(argv[3], NULL, 0);
	} else if (argc == 3 && (!strcmp(op, "mkdir") || !strcmp(op, "insmod"))) {
		path = argv[2];
	} else if (argc == 5 && !strcmp(op, "enable")) {
		path = argv[2];
		area = argv[3];
		order = argv[4];
	} else {
		return print_usage();
	}
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (!strcmp(op, "import"))
		dri = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
	if (nth < 0 || kmsg < 0 || (!strcmp(op, "import") && dri < 0)) {
		puts(strerrorname_np(errno));
		return 1;
	}
	if (only) {
		if (!site_range(only, &start, &end)) {
			puts("GONE");
			return 0;
		}
		set_filter(start, end);
	}
	lseek(kmsg, 0, SEEK_END);
	if (heap)
		counters(before, sizeof(before));

	for (n = 1; n <= MAX_STEPS; n++) {
		struct step s = { .n = n };

		err = prepare(op, &s) ?: arm(nth, n);
		if (err) {
			puts(strerrorname_np(err));
			broken = 1;
			break;
		}
		err = run(op, &s);
		hit = fired(nth);
		arm(nth, 0);
		undo(op, &s, err);

		if (heap)
			counters(after, sizeof(after));
		printf("%d %s %s", n, err ? strerrorname_np(err) : "OK",
		       hit ? "injected" : "missed");
		if (hit) {
			fault_site(kmsg, site, sizeof(site));
			printf(" site=%s", only && strchr(only, '+') ? only : site);
		}
		printf("%s%s\n", strcmp(before, after) ? " counted" : "",
		       s.dirty ? " dirty" : "");
		if (!hit)
			break;
	}
	if (only)
		set_filter(0, ~0UL);
	if (broken)
		return 1;
	puts("END");
	return 0;
}
