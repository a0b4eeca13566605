// SPDX-License-Identifier: GPL-2.0
/*
 * chload: load the CMA areas the way a shared system does, for the
 * benchmark. The page allocator puts movable pages in CMA areas, and any
 * process may hold an extra reference on one, which makes it unmovable.
 *
 *   chload busy GOFILE       fill RAM with anonymous memory, keep the pages
 *                            that landed in CMA areas, free the rest
 *   chload pin MIB GOFILE    as busy, then hold one page in every MIB MiB
 *                            of each area through a pipe (vmsplice), drop
 *                            to uid 65534 and free every other page
 *
 * It prints "HELD <pages> <bytes>" (busy: the CMA pages kept; pin: the
 * pages pinned) and each area's share, "<area> <n> of <m>" (busy: pages
 * of the area's pages; pin: pages of its slots), on one line, as the e2e
 * helpers read stdout and stderr from one file and want HELD and the
 * verdict as its first two lines. Then it waits for GOFILE (30 minutes at
 * most), releases all and prints "OK", or "ETIMEDOUT" if GOFILE never
 * came. On an error it prints the errno's name instead and exits 1.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#define MiB		(1024UL * 1024)
#define PIECE		(4 * MiB)
#define MARGIN_KB	(64 * 1024)
#define MAX_AREAS	32
#define MAX_PIPES	64
#define GO_POLL_US	50000
#define GO_POLLS	(30 * 60 * 20)
#define CMA_DIR		"/sys/kernel/debug/cma"
#define PM_PRESENT	63		/* pagemap: the page is in memory */
#define PM_PFN		((1ULL << 55) - 1)
#define NOBODY		65534

struct area {
	char name[NAME_MAX + 1];
	unsigned long base, count;
	unsigned long kept;		/* our pages inside it */
	unsigned long pinned;
	unsigned long nslots;
	char **slot;			/* one of our pages per slot, or NULL */
};

struct piece {
	char *addr;
	unsigned long long *cma;	/* bitmap: the page is in an area */
};

struct pipe {
	int fd[2];
	unsigned long used, cap;
};

static struct area areas[MAX_AREAS];
static int nareas;
static struct piece *pieces;
static unsigned long npieces, piece_pages, page;
static struct pipe pipes[MAX_PIPES];
static int npipes;
static int pagemap = -1;

static int fail(int err)
{
	printf("%s\n", strerrorname_np(err));
	return 1;
}

static int read_ulong(const char *dir, const char *name, unsigned long *val)
{
	char path[512], buf[32];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CMA_DIR "/%s/%s", dir, name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	*val = strtoul(buf, NULL, 0);
	return 0;
}

static int find_areas(void)
{
	struct dirent *d;
	DIR *dir;
	int err = 0;

	dir = opendir(CMA_DIR);
	if (!dir)
		return -errno;
	while ((d = readdir(dir)) && nareas < MAX_AREAS) {
		struct area *a = &areas[nareas];

		if (d->d_name[0] == '.')
			continue;
		snprintf(a->name, sizeof(a->name), "%s", d->d_name);
		err = read_ulong(d->d_name, "base_pfn", &a->base);
		if (!err)
			err = read_ulong(d->d_name, "count", &a->count);
		if (err)
			break;
		nareas++;
	}
	closedir(dir);
	if (!err && !nareas)
		err = -ENODEV;
	return err;
}

static struct area *area_of(unsigned long long pfn)
{
	int i;

	for (i = 0; i < nareas; i++)
		if (pfn >= areas[i].base && pfn - areas[i].base < areas[i].count)
			return &areas[i];
	return NULL;
}

/* MemTotal, MemFree, CmaTotal, CmaFree, in kB. */
struct meminfo {
	unsigned long total, free, cma_total, cma_free;
};

static void field(const char *line, const char *key, unsigned long *val)
{
	size_t n = strlen(key);

	if (!strncmp(line, key, n))
		*val = strtoul(line + n, NULL, 10);
}

static int read_meminfo(struct meminfo *m)
{
	char line[128];
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -errno;
	memset(m, 0, sizeof(*m));
	while (fgets(line, sizeof(line), f)) {
		field(line, "MemTotal:", &m->total);
		field(line, "MemFree:", &m->free);
		field(line, "CmaTotal:", &m->cma_total);
		field(line, "CmaFree:", &m->cma_free);
	}
	fclose(f);
	return m->total ? 0 : -EIO;
}

/*
 * Fault in anonymous memory, 4 MiB at a time, until free memory is down
 * to the margin, or free CMA memory below @cma_floor_kb: then no free
 * stretch of that size can be left in any area. Once free CMA pages
 * outnumber half of a zone's free pages, movable allocations come from
 * CMA first, so the areas fill up along with the rest.
 */
static int fill(unsigned long cma_floor_kb)
{
	unsigned long max;
	struct meminfo m;
	int err;

	err = read_meminfo(&m);
	if (err)
		return err;
	max = m.total / (PIECE >> 10) + 1;
	pieces = calloc(max, sizeof(*pieces));
	if (!pieces)
		return -ENOMEM;
	while (npieces < max) {
		struct piece *p = &pieces[npieces];

		err = read_meminfo(&m);
		if (err)
			return err;
		if (m.free < MARGIN_KB || m.cma_free < cma_floor_kb)
			break;
		p->cma = calloc(piece_pages / 64, sizeof(*p->cma));
		if (!p->cma)
			return -ENOMEM;
		p->addr = mmap(NULL, PIECE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p->addr == MAP_FAILED)
			return -errno;
		/* Base pages only: splitting a huge page frees nothing. */
		madvise(p->addr, PIECE, MADV_NOHUGEPAGE);
		if (madvise(p->addr, PIECE, MADV_POPULATE_WRITE)) {
			err = errno;
			munmap(p->addr, PIECE);
			/* Full before the margin: what we have is enough. */
			return err == ENOMEM ? 0 : -err;
		}
		npieces++;
	}
	return 0;
}

static int pfn_of(const char *addr, unsigned long long *pfn)
{
	unsigned long long e;

	if (pread(pagemap, &e, sizeof(e), (uintptr_t)addr / page * sizeof(e)) != sizeof(e))
		return -EIO;
	if (!(e >> PM_PRESENT & 1) || !(e & PM_PFN))
		return -ENOENT;
	*pfn = e & PM_PFN;
	return 0;
}

/* Mark each piece's pages that lie in an area; note a page per slot. */
static int scan(unsigned long slot_pages)
{
	unsigned long long *pm;
	unsigned long i, j;
	int k;

	pagemap = open("/proc/self/pagemap", O_RDONLY);
	if (pagemap < 0)
		return -errno;
	for (k = 0; slot_pages && k < nareas; k++) {
		areas[k].nslots = (areas[k].count + slot_pages - 1) / slot_pages;
		areas[k].slot = calloc(areas[k].nslots, sizeof(char *));
		if (!areas[k].slot)
			return -ENOMEM;
	}
	pm = malloc(piece_pages * sizeof(*pm));
	if (!pm)
		return -ENOMEM;
	for (i = 0; i < npieces; i++) {
		struct piece *p = &pieces[i];
		off_t off = (uintptr_t)p->addr / page * sizeof(*pm);

		if (pread(pagemap, pm, piece_pages * sizeof(*pm), off) !=
		    (ssize_t)(piece_pages * sizeof(*pm))) {
			free(pm);
			return -EIO;
		}
		for (j = 0; j < piece_pages; j++) {
			unsigned long long pfn = pm[j] & PM_PFN;
			struct area *a;

			if (!(pm[j] >> PM_PRESENT & 1))
				continue;
			a = area_of(pfn);
			if (!a)
				continue;
			p->cma[j / 64] |= 1ULL << (j % 64);
			a->kept++;
			if (slot_pages && !a->slot[(pfn - a->base) / slot_pages])
				a->slot[(pfn - a->base) / slot_pages] = p->addr + j * page;
		}
	}
	free(pm);
	return 0;
}

static int in_cma(const struct piece *p, unsigned long j)
{
	return p->cma[j / 64] >> (j % 64) & 1;
}

/* Free every page outside the areas; keep the rest mapped. */
static int drop_others(void)
{
	unsigned long i, j, start;

	for (i = 0; i < npieces; i++) {
		struct piece *p = &pieces[i];

		for (j = 0; j < piece_pages; j++) {
			if (in_cma(p, j))
				continue;
			for (start = j; j < piece_pages && !in_cma(p, j); j++)
				;
			if (madvise(p->addr + start * page, (j - start) * page,
				    MADV_DONTNEED))
				return -errno;
		}
	}
	return 0;
}

static int new_pipe(void)
{
	struct pipe *p = &pipes[npipes];
	int size;

	if (npipes == MAX_PIPES)
		return -ENOSPC;
	if (pipe2(p->fd, O_CLOEXEC | O_NONBLOCK))
		return -errno;
	npipes++;
	/* One page per pipe slot: a larger pipe needs fewer of them. */
	size = fcntl(p->fd[1], F_SETPIPE_SZ, (int)MiB);
	if (size < 0)
		size = fcntl(p->fd[1], F_GETPIPE_SZ);
	p->cap = size > 0 ? size / page : 1;
	p->used = 0;
	return 0;
}

/* The pipe takes a reference on the page, without SPLICE_F_GIFT. */
static int pin_page(char *addr)
{
	struct iovec iov = { .iov_base = addr, .iov_len = page };
	struct pipe *p = npipes ? &pipes[npipes - 1] : NULL;
	int err;

	if (!p || p->used == p->cap) {
		err = new_pipe();
		if (err)
			return err;
		p = &pipes[npipes - 1];
	}
	if (vmsplice(p->fd[1], &iov, 1, SPLICE_F_NONBLOCK) != (ssize_t)page)
		return errno ? -errno : -EIO;
	p->used++;
	return 0;
}

/*
 * Pin the page noted in each slot, and count it where it lies now: it
 * may have moved since the scan, but no longer once the pipe holds it.
 */
static int pin_slots(void)
{
	unsigned long s;
	unsigned long long pfn;
	int k, err;

	for (k = 0; k < nareas; k++) {
		for (s = 0; s < areas[k].nslots; s++) {
			struct area *a;

			if (!areas[k].slot[s])
				continue;
			err = pin_page(areas[k].slot[s]);
			if (err)
				return err;
			a = pfn_of(areas[k].slot[s], &pfn) ? NULL : area_of(pfn);
			if (a)
				a->pinned++;
		}
	}
	return 0;
}

/* The pinning process of the real world is no more than a user. */
static int drop_privileges(void)
{
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -errno;
	return 0;
}

static void release(void)
{
	unsigned long i;
	int k;

	for (k = 0; k < npipes; k++) {
		close(pipes[k].fd[0]);
		close(pipes[k].fd[1]);
	}
	npipes = 0;
	for (i = 0; i < npieces; i++)
		if (pieces[i].addr)
			munmap(pieces[i].addr, PIECE);
	npieces = 0;
}

static int wait_for(const char *file)
{
	int n;

	for (n = 0; n < GO_POLLS; n++) {
		if (!access(file, F_OK))
			return 0;
		usleep(GO_POLL_US);
	}
	return -ETIMEDOUT;
}

static void report(int pin, unsigned long held)
{
	int k;

	printf("HELD %lu %lu", held, held * page);
	for (k = 0; k < nareas; k++) {
		struct area *a = &areas[k];

		if (pin)
			printf(" %s %lu of %lu", a->name, a->pinned, a->nslots);
		else
			printf(" %s %lu of %lu", a->name, a->kept, a->count);
	}
	putchar('\n');
	fflush(stdout);
}

int main(int argc, char **argv)
{
	unsigned long held = 0, slot_mib = 0, floor_kb, i;
	struct meminfo m = {};
	const char *go;
	int pin, err, k;

	pin = argc == 4 && !strcmp(argv[1], "pin");
	if (!pin && !(argc == 3 && !strcmp(argv[1], "busy"))) {
		fprintf(stderr, "usage: chload busy GOFILE | pin MIB GOFILE\n");
		return 2;
	}
	go = argv[argc - 1];
	page = sysconf(_SC_PAGESIZE);
	piece_pages = PIECE / page;
	if (pin) {
		slot_mib = strtoul(argv[2], NULL, 0);
		if (!slot_mib || slot_mib > 1UL << 20)
			return fail(EINVAL);
	}

	err = find_areas();
	if (!err)
		err = read_meminfo(&m);
	/* Pinning leaves no free stretch of half a slot anywhere. */
	floor_kb = m.cma_total / 16;
	if (pin && floor_kb > slot_mib * 1024 / 2)
		floor_kb = slot_mib * 1024 / 2;
	if (!err)
		err = fill(floor_kb);
	if (!err)
		err = scan(slot_mib * MiB / page);
	if (err)
		return fail(-err);
	if (pin) {
		err = pin_slots();
		close(pagemap);
		if (!err)
			err = drop_privileges();
		if (err)
			return fail(-err);
		/* Everything but the pipes' pages goes back. */
		for (k = 0; k < nareas; k++)
			held += areas[k].pinned;
		for (i = 0; i < npieces; i++) {
			munmap(pieces[i].addr, PIECE);
			pieces[i].addr = NULL;
		}
	} else {
		close(pagemap);
		err = drop_others();
		if (err)
			return fail(-err);
		for (k = 0; k < nareas; k++)
			held += areas[k].kept;
	}
	report(pin, held);

	err = wait_for(go);
	release();
	printf("%s\n", err ? strerrorname_np(-err) : "OK");
	return err ? 1 : 0;
}
