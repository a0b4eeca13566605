// SPDX-License-Identifier: GPL-2.0
/*
 * chfuzz: a seeded fuzzer of chunk_heap's control plane and allocation
 * ioctl, checked against a model, for the end-to-end tests.
 *
 *   chfuzz SEED OPS SECONDS
 *
 * Runs OPS random operations (stopping early after SECONDS) on a pool of
 * heaps fz0..fz3 and prints "seed SEED" first, then one line per
 * operation kind with its count, the writes to the heaps' attributes
 * that were accepted, the allocations that were served, then "DONE N"
 * or, at the first
 * difference from the model, "MISMATCH step N: ..." and the step's
 * operation; the same SEED repeats the same run on a fresh boot.
 *
 * Operations: writes of random values (valid ones, random bytes up to a
 * page, embedded NULs, huge, negative and white-space-padded numbers,
 * unknown words) to every attribute of the heaps and to
 * /sys/kernel/chunk_heap; mkdir and rmdir of pool heaps and of hostile
 * names; DMA_HEAP_IOCTL_ALLOC with random len, fd_flags and heap_flags;
 * attacks on the mapping of a buffer, a fresh one or one of up to four
 * kept alive across steps (and across their heap's disable and rmdir),
 * made by an ordinary user (uid 65534) in a child: vmsplice, mremap to
 * twice the size, madvise with a random advice, a fork that writes,
 * IORING_REGISTER_BUFFERS, and O_DIRECT on the block device
 * CHATTACK_BLOCKDEV if it is set.
 *
 * The model, checked after every step:
 * - a write the ABI says is invalid fails, and a failed write changes
 *   nothing that can be read;
 * - an accepted value reads back as written (less one newline; numbers
 *   in decimal);
 * - only valid names make directories;
 * - an enabled heap serves (OK, or ENOMEM when its quota, less what the
 *   kept buffers hold, is below the request), a disabled one answers
 *   ENODEV, invalid flags EINVAL;
 * - an attack ends as on the mainline CMA heap: pins (vmsplice, io_uring,
 *   O_DIRECT) and growing the mapping fail with EFAULT, madvise returns
 *   OK or EINVAL, EFAULT, EPERM, ENODEV, a forked child's writes are seen;
 *   and the buffer still reads its data afterwards.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/io_uring.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CFS		"/sys/kernel/config/chunk_heap/"
#define SYS		"/sys/kernel/chunk_heap/"
#define NHEAPS		4
#define VAL_MAX		4095	/* a write is at most a page, less one */

/* The per-node areas of cma_pernuma= are numa<N> from 7.x: see main(). */
static const char *const areas_6x[] = { "reserved", "pernuma0", "pernuma1" };
static const char *const areas_7x[] = { "reserved", "numa0", "numa1" };
static const char *const *areas = areas_6x;
static const char *const policies[] = { "default", "off", "local", "bind",
					"interleave" };
static const char *const orders[] = { "0", "2", "4", "9", "10", "13", "19" };
static const char *const words[] = { "yes", "on", "true", "y", "local2",
	"inter leave", "[local]", "Default", "none", "reserved ", "pernuma",
	"system", "-", "..", "0x4", "+4", "4.0", "1e3", "0b1", "\xff\xfe" };
static const char *const numbers[] = { "18446744073709551615",
	"18446744073709551616", "99999999999999999999999999", "4294967295",
	"4294967296", "-1", "-0", "00", "007", " 4", "4 ", "\t4", "4\n\n",
	"4\r\n", "", "\n", " ", "1 1", "18" };

enum attr { CMA_AREA, CHUNK_ORDER, MAX_BYTES, NUMA_POLICY, ENABLE,
	    NR_RW, CHUNK_SIZE = NR_RW, DEVICE, NR_ATTRS };
static const char *const attr_names[NR_ATTRS] = { "cma_area", "chunk_order",
	"max_bytes", "numa_policy", "enable", "chunk_size", "device" };

/* What the model knows about a pool heap. */
struct heap {
	int exists;
	int registered;		/* enabled once: /dev/dma_heap/<name> exists */
	int enabled;
	unsigned long long max_bytes;
	unsigned long chunk_size;
	unsigned int gen;	/* which mkdir made it */
	unsigned long long kept; /* bytes charged to it by kept buffers */
};

/* A buffer an attack keeps alive across steps. */
struct kept {
	int fd;
	int h;
	unsigned int gen;	/* of its heap when it was allocated */
	unsigned long long charged;
	size_t len;
};

#define NKEPT		4

static struct heap heaps[NHEAPS];
static struct kept kept[NKEPT];
static int nkept, blk_fd = -1;
static unsigned long long step, counts[8], accepted, served, attacked;
static unsigned long page;
static char op_desc[VAL_MAX * 4 + 256];

static const char *const op_names[] = { "write", "write-global", "mkdir",
	"rmdir", "mkdir-hostile", "alloc", "attack" };

static unsigned long rnd(unsigned long n)
{
	return n ? (unsigned long)random() % n : 0;
}

static void heap_path(char *buf, size_t size, int h, const char *file)
{
	snprintf(buf, size, CFS "fz%d%s%s", h, file ? "/" : "", file ?: "");
}

/* Read @path into @buf (NUL-terminated); the errno, or 0. */
static int read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	buf[0] = '\0';
	if (fd < 0)
		return errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		err = errno;
	else
		buf[n] = '\0';
	close(fd);
	return err;
}

/* Write @len bytes of @val to @path; the errno, or 0. */
static int write_file(const char *path, const char *val, size_t len)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	if (write(fd, val, len) != (ssize_t)len)
		err = errno ?: EIO;
	close(fd);
	return err;
}

/* Printable form of @len bytes of @val, for the report. */
static const char *quote(const char *val, size_t len)
{
	static char out[VAL_MAX * 4 + 3];
	size_t i, o = 0;

	out[o++] = '"';
	for (i = 0; i < len && i < 64; i++) {
		unsigned char c = val[i];

		if (isprint(c) && c != '"' && c != '\\')
			out[o++] = c;
		else
			o += sprintf(out + o, "\\x%02x", c);
	}
	if (len > 64)
		o += sprintf(out + o, "...(%zu bytes)", len);
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

/* Disable and remove the pool heaps, and set the global policy back. */
static void cleanup(void)
{
	char path[256];
	int h;

	while (nkept)
		close(kept[--nkept].fd);
	for (h = 0; h < NHEAPS; h++) {
		heap_path(path, sizeof(path), h, "enable");
		write_file(path, "0", 1);
		heap_path(path, sizeof(path), h, NULL);
		rmdir(path);
	}
	write_file(SYS "numa_policy", "off", 3);
}

static void mismatch(const char *fmt, ...)
{
	va_list ap;

	printf("MISMATCH step %llu: ", step);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n  during: %s\n", op_desc);
	cleanup();
	exit(1);
}

/* The settings of pool heap @h, as they read. */
struct snapshot {
	char attr[NR_ATTRS][128];
	int exists;
};

/* The last snapshot of each heap, valid until a mkdir or rmdir. */
static struct snapshot last[NHEAPS];
static int last_valid[NHEAPS];
static char last_global[128];

static void snap(int h, struct snapshot *s)
{
	char path[256];
	int i;

	memset(s, 0, sizeof(*s));
	heap_path(path, sizeof(path), h, NULL);
	s->exists = access(path, F_OK) == 0;
	for (i = 0; s->exists && i < NR_ATTRS; i++) {
		heap_path(path, sizeof(path), h, attr_names[i]);
		read_file(path, s->attr[i], sizeof(s->attr[i]));
	}
}

/* Length of @val less one trailing newline. */
static size_t body(const char *val, size_t len)
{
	return len && val[len - 1] == '\n' ? len - 1 : len;
}

/* A decimal number as the ABI takes it: digits, one optional newline. */
static int decimal(const char *val, size_t len, unsigned long long *out)
{
	size_t n = body(val, len), i;
	unsigned long long v = 0;

	if (!n)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)val[i]))
			return -EINVAL;
		if (v > (ULLONG_MAX - (val[i] - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (val[i] - '0');
	}
	*out = v;
	return 0;
}

/* Index of the word @val is in @list (less one newline), or -1. */
static int word_in(const char *val, size_t len, const char *const *list, int n)
{
	size_t b = body(val, len);
	int i;

	for (i = 0; i < n; i++)
		if (strlen(list[i]) == b && !memcmp(val, list[i], b))
			return i;
	return -1;
}

/* The bracketed word of a policy list, e.g. "off [local] bind". */
static void chosen(const char *shown, char *out, size_t size)
{
	const char *a = strchr(shown, '['), *b = a ? strchr(a, ']') : NULL;

	snprintf(out, size, "%.*s", a && b ? (int)(b - a - 1) : 0, a ? a + 1 : "");
}

/* A random value for attribute @attr (NR_ATTRS: the global policy). */
static size_t gen_value(int attr, char *val)
{
	unsigned long i, len;
	const char *s;

	switch (rnd(8)) {
	case 0: case 1: case 2:		/* valid, or nearly */
		switch (attr) {
		case CMA_AREA:
			s = areas[rnd(3)];
			break;
		case CHUNK_ORDER:
			s = orders[rnd(ARRAY_SIZE(orders))];
			break;
		case MAX_BYTES:
			len = sprintf(val, "%lu", rnd(3) ? rnd(64) << 16 : 0);
			return len + (rnd(2) ? (val[len] = '\n', 1) : 0);
		case ENABLE:
			s = rnd(2) ? "1" : "0";
			break;
		default:
			s = policies[rnd(5)];
			break;
		}
		len = strlen(s);
		memcpy(val, s, len);
		if (rnd(2))
			val[len++] = '\n';
		return len;
	case 3:				/* random bytes */
		len = rnd(4) ? rnd(16) + 1 : rnd(VAL_MAX) + 1;
		for (i = 0; i < len; i++)
			val[i] = rnd(4) ? rnd(95) + 32 : rnd(256);
		return len;
	case 4:				/* an embedded NUL */
		len = gen_value(attr, val);
		i = rnd(len + 1);
		memmove(val + i + 1, val + i, len - i);
		val[i] = '\0';
		return len + 1;
	case 5:				/* unknown words */
		s = words[rnd(ARRAY_SIZE(words))];
		break;
	default:			/* odd numbers */
		s = numbers[rnd(ARRAY_SIZE(numbers))];
		break;
	}
	len = strlen(s);
	memcpy(val, s, len);
	return len;
}

/*
 * Check a write of @val to @attr of pool heap @h against the model:
 * @before and @after are snapshots around it, @err its result.
 */
static void check_write(int h, int attr, const char *val, size_t len, int err,
			const struct snapshot *before, const struct snapshot *after)
{
	struct heap *m = &heaps[h];
	unsigned long long v;
	size_t b = body(val, len);
	char want[128], got[128];
	int i, valid;

	if (err || !len) {
		if (memcmp(before, after, sizeof(*before)))
			mismatch("a refused write changed the heap");
		return;
	}
	switch (attr) {
	case CMA_AREA:
		valid = word_in(val, len, areas, 3) >= 0;
		snprintf(want, sizeof(want), "%.*s\n", (int)b, val);
		break;
	case CHUNK_ORDER:
	case MAX_BYTES:
		valid = !decimal(val, len, &v);
		snprintf(want, sizeof(want), "%llu\n", v);
		if (valid && attr == MAX_BYTES)
			m->max_bytes = v;
		break;
	case ENABLE:
		valid = !decimal(val, len, &v) && v <= 1;
		snprintf(want, sizeof(want), "%llu\n", v);
		if (valid) {
			m->enabled = v;
			m->registered |= v;
		}
		break;
	case NUMA_POLICY:
		valid = word_in(val, len, policies, 5) >= 0;
		snprintf(want, sizeof(want), "%.*s", (int)b, val);
		chosen(after->attr[attr], got, sizeof(got));
		if (valid && strcmp(want, got))
			mismatch("numa_policy reads [%s], not [%s]", got, want);
		snprintf(want, sizeof(want), "%s", after->attr[attr]);
		break;
	default:
		valid = 0;	/* read-only */
		break;
	}
	if (!valid)
		mismatch("an invalid write to %s was accepted", attr_names[attr]);
	if (strcmp(after->attr[attr], want))
		mismatch("%s reads %s after a write of %s", attr_names[attr],
			 quote(after->attr[attr], strlen(after->attr[attr])),
			 quote(val, len));
	for (i = 0; i < NR_ATTRS; i++) {
		if (i == attr || (i == CHUNK_SIZE && attr == CHUNK_ORDER) ||
		    (i == DEVICE && attr == ENABLE))
			continue;
		if (strcmp(before->attr[i], after->attr[i]))
			mismatch("a write to %s changed %s", attr_names[attr],
				 attr_names[i]);
	}
	m->chunk_size = strtoul(after->attr[CHUNK_SIZE], NULL, 10);
	accepted++;
}

static void op_write(void)
{
	char path[256], val[VAL_MAX + 2];
	struct snapshot before, after;
	int h = rnd(NHEAPS), attr = rnd(NR_ATTRS), err;
	size_t len = gen_value(attr, val);

	heap_path(path, sizeof(path), h, attr_names[attr]);
	snprintf(op_desc, sizeof(op_desc), "write %s to %s", quote(val, len), path);
	if (last_valid[h])
		before = last[h];
	else
		snap(h, &before);
	err = write_file(path, val, len);
	snap(h, &after);
	last[h] = after;
	last_valid[h] = 1;
	if (!heaps[h].exists) {
		if (err != ENOENT || after.exists)
			mismatch("a write to a heap that is not there gave %s",
				 strerrorname_np(err) ?: "OK");
		return;
	}
	check_write(h, attr, val, len, err, &before, &after);
}

static void op_write_global(void)
{
	char val[VAL_MAX + 2], want[128], got[128], after[128];
	size_t len = gen_value(NR_ATTRS, val);
	int err, valid = word_in(val, len, policies + 1, 4) >= 0;

	snprintf(op_desc, sizeof(op_desc), "write %s to " SYS "numa_policy",
		 quote(val, len));
	err = write_file(SYS "numa_policy", val, len);
	read_file(SYS "numa_policy", after, sizeof(after));
	if (err || !len) {
		if (strcmp(last_global, after))
			mismatch("a refused write changed the global policy");
		return;
	}
	if (!valid)
		mismatch("an invalid global numa_policy was accepted");
	snprintf(want, sizeof(want), "%.*s", (int)body(val, len), val);
	chosen(after, got, sizeof(got));
	if (strcmp(want, got))
		mismatch("the global numa_policy reads [%s], not [%s]", got, want);
	snprintf(last_global, sizeof(last_global), "%s", after);
}

static void op_mkdir(void)
{
	int h = rnd(NHEAPS), err;
	char path[256];

	heap_path(path, sizeof(path), h, NULL);
	snprintf(op_desc, sizeof(op_desc), "mkdir %s", path);
	err = mkdir(path, 0755) ? errno : 0;
	last_valid[h] = 0;
	if (err != (heaps[h].exists ? EEXIST : 0))
		mismatch("mkdir gave %s", strerrorname_np(err) ?: "OK");
	if (!heaps[h].exists) {
		heaps[h].exists = 1;
		heaps[h].enabled = 0;
		heaps[h].max_bytes = 0;
		heaps[h].chunk_size = page;
		heaps[h].gen++;
		heaps[h].kept = 0;	/* kept buffers charge the old heap */
	}
}

static void op_rmdir(void)
{
	int h = rnd(NHEAPS), err;
	char path[256];

	heap_path(path, sizeof(path), h, NULL);
	snprintf(op_desc, sizeof(op_desc), "rmdir %s", path);
	err = rmdir(path) ? errno : 0;
	last_valid[h] = 0;
	if (err != (heaps[h].exists ? 0 : ENOENT))
		mismatch("rmdir gave %s", strerrorname_np(err) ?: "OK");
	heaps[h].exists = 0;
	heaps[h].enabled = 0;
}

/* Whether @name is one the ABI takes for a heap. */
static int valid_name(const char *name, size_t len)
{
	size_t i;

	if (!len || len > 63 || (len <= 2 && !strncmp(name, "..", len)))
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return 0;
	return 1;
}

/*
 * What mkdir(CFS @name) makes: 1 if the path resolves to one valid name,
 * 0 if it cannot make a heap, -1 if it goes through "..".
 */
static int path_name(const char *name)
{
	const char *c = name, *last = NULL;
	size_t n, last_len = 0;
	int parts = 0;

	while (*c) {
		n = strcspn(c, "/");
		if (n == 2 && !strncmp(c, "..", 2))
			return -1;
		if (n == 1 && *c == '.' && parts)
			return 0;	/* "name/." is "name", which must exist */
		if (n && !(n == 1 && *c == '.')) {
			last = c;
			last_len = n;
			parts++;
		}
		c += n;
		c += *c == '/';
	}
	return parts == 1 && valid_name(last, last_len);
}

static void op_mkdir_hostile(void)
{
	static const char hostile[] = "abc.-_/ \\\n\t*?%:'\"";
	char name[300], path[400];
	size_t len = rnd(4) ? rnd(12) + 1 : rnd(80) + 1, i;
	int err, valid;
	struct stat st;

	for (i = 0; i < len; i++) {
		name[i] = rnd(3) ? hostile[rnd(sizeof(hostile) - 1)] : (char)(rnd(255) + 1);
		if (rnd(2))
			name[i] = 'a' + rnd(26);
	}
	name[len] = '\0';
	if (!strncmp(name, "fz", 2))
		name[0] = 'x';		/* never a pool heap */
	/*
	 * The path resolves as any path does: "/name/" and "./name" make
	 * "name". Judge the one component that is left; with
	 * "..", the result depends on where it leads, so it is not judged.
	 */
	valid = path_name(name);
	snprintf(path, sizeof(path), CFS "%s", name);
	snprintf(op_desc, sizeof(op_desc), "mkdir %s", quote(path, strlen(path)));
	err = mkdir(path, 0755) ? errno : 0;
	if (valid > 0 && err)
		mismatch("mkdir of a valid name gave %s", strerrorname_np(err));
	if (!valid && !err)
		mismatch("mkdir of an invalid name succeeded");
	if (!err && rmdir(path))
		mismatch("rmdir after mkdir gave %s", strerrorname_np(errno));
	if (!valid && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..") &&
	    !stat(path, &st))
		mismatch("a refused mkdir left %s", quote(path, strlen(path)));
}

/*
 * DMA_HEAP_IOCTL_ALLOC of @len bytes with @fd_flags and @heap_flags from
 * pool heap @h, checked against the model: the new buffer's fd if the
 * heap served it (*@charged: the bytes it charges to the heap), or -1.
 */
static int alloc_checked(int h, unsigned long long len, unsigned int fd_flags,
			 unsigned long long heap_flags, unsigned long long *charged)
{
	struct dma_heap_allocation_data data = {
		.len = len, .fd_flags = fd_flags, .heap_flags = heap_flags,
	};
	struct heap *m = &heaps[h];
	unsigned long long rlen;
	int fd, err, want_inval;
	char path[256];

	snprintf(path, sizeof(path), "/dev/dma_heap/fz%d", h);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (m->registered || errno != ENOENT)
			mismatch("open gave %s", strerrorname_np(errno));
		return -1;
	}
	if (!m->registered)
		mismatch("a device is there for a heap never enabled");
	err = ioctl(fd, DMA_HEAP_IOCTL_ALLOC, &data) ? errno : 0;
	close(fd);
	/* Rounding up to a page (the framework), or to a chunk, overflows. */
	rlen = (len + m->chunk_size - 1) / m->chunk_size * m->chunk_size;
	want_inval = (fd_flags & ~(O_ACCMODE | O_CLOEXEC)) || heap_flags ||
		     !((len + page - 1) & ~(page - 1)) ||
		     (m->exists && m->enabled && len + m->chunk_size - 1 < len);
	if (want_inval) {
		if (err != EINVAL)
			mismatch("invalid flags or length gave %s", strerrorname_np(err) ?: "OK");
		return -1;
	}
	if (!m->exists || !m->enabled) {
		if (err != ENODEV)
			mismatch("a disabled heap gave %s", strerrorname_np(err) ?: "OK");
		return -1;
	}
	if (m->max_bytes && m->kept + rlen > m->max_bytes) {
		if (err != ENOMEM)
			mismatch("a request above the quota gave %s", strerrorname_np(err) ?: "OK");
		return -1;
	}
	if (err == ENOMEM && rlen > (16ULL << 20))
		return -1;	/* larger than what the areas may have free */
	if (err)
		mismatch("an enabled heap gave %s", strerrorname_np(err));
	served++;
	*charged = rlen;
	return data.fd;
}

static void op_alloc(void)
{
	unsigned long long len, heap_flags, charged;
	int h = rnd(NHEAPS), fd;
	unsigned int fd_flags;
	void *p;

	switch (rnd(6)) {
	case 0:
		len = rnd(2) ? 0 : ~0ULL - rnd(4096);
		break;
	case 1:
		len = (unsigned long long)random() << 32 | random();
		break;
	default:
		len = rnd(4) ? rnd(64) * 4096 + rnd(2) : rnd(8 << 20) + 1;
		break;
	}
	fd_flags = rnd(4) ? (rnd(2) ? O_RDWR : O_RDONLY) | (rnd(2) ? O_CLOEXEC : 0)
			  : (unsigned int)random();
	heap_flags = rnd(4) ? 0 : (unsigned long long)random() << rnd(40);
	snprintf(op_desc, sizeof(op_desc),
		 "alloc len %llu fd_flags %#x heap_flags %#llx from /dev/dma_heap/fz%d",
		 len, fd_flags, heap_flags, h);
	fd = alloc_checked(h, len, fd_flags, heap_flags, &charged);
	if (fd < 0)
		return;
	/* Only a readable buffer maps for reading: O_RDONLY or O_RDWR. */
	if ((fd_flags & O_ACCMODE) != O_RDONLY && (fd_flags & O_ACCMODE) != O_RDWR) {
		close(fd);
		return;
	}
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || *(const char *)p)
		mismatch("a new buffer does not map, or is not zeroed");
	munmap(p, page);
	close(fd);
}

/* The attacks of tests/probe/chattack.c that the fuzzer mixes in. */
enum {
	AT_VMSPLICE, AT_MREMAP_GROW, AT_MADVISE, AT_FORK_WRITE, AT_IO_URING,
	AT_ODIRECT_READ, AT_ODIRECT_WRITE, NR_AT
};

static const char *const at_names[NR_AT] = { "vmsplice", "mremap-grow",
	"madvise", "fork-write", "io_uring-register", "odirect-read",
	"odirect-write" };

/* Every advice a user may give (MADV_*, asm-generic/mman-common.h). */
static const int advices[] = { 0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 100, 101 };

#define AT_DATA_LOST	250	/* the buffer no longer reads its data */
#define AT_SETUP	251	/* io_uring_setup failed: not an answer */

static void at_fill(unsigned char *p, size_t len, unsigned char seed)
{
	size_t i;

	for (i = 0; i < len; i += 8)
		*(uint64_t *)(p + i) = seed * 0x0101010101010101ULL ^ i;
}

static int at_intact(const unsigned char *p, size_t len, unsigned char seed)
{
	size_t i;

	for (i = 0; i < len; i += 8)
		if (*(const uint64_t *)(p + i) != (seed * 0x0101010101010101ULL ^ i))
			return 0;
	return 1;
}

/*
 * In the attack's child: map @fd (@len bytes), fill it, make attack @at
 * (with @arg: the advice), check the data; the errno, 0, or AT_*.
 */
static int at_child(int fd, size_t len, int at, int arg)
{
	size_t span = len < 65536 ? len : 65536;
	unsigned char *p, *q;
	struct iovec iov;
	int r = 0, pfd[2], status;
	unsigned int flags;
	pid_t pid;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return 200;		/* never an answer of an attack */
	at_fill(p, len, 0xa5);
	switch (at) {
	case AT_VMSPLICE:
		if (pipe(pfd))
			return 201;
		iov.iov_base = p;
		iov.iov_len = span;
		flags = SPLICE_F_NONBLOCK | (rnd(2) ? SPLICE_F_GIFT : 0);
		r = vmsplice(pfd[1], &iov, 1, flags) < 0 ? errno : 0;
		close(pfd[0]);
		close(pfd[1]);
		break;
	case AT_MREMAP_GROW:
		q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
		if (q == MAP_FAILED) {
			r = errno;
		} else {
			p = q;
			mremap(p, 2 * len, len, 0);	/* no touch past the buffer */
		}
		break;
	case AT_MADVISE:
		r = madvise(p, len, arg) ? errno : 0;
		break;
	case AT_FORK_WRITE:
		pid = fork();
		if (!pid) {
			at_fill(p, len, 0x5a);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
			return 202;
		r = at_intact(p, len, 0x5a) ? 0 : AT_DATA_LOST;
		at_fill(p, len, 0xa5);
		break;
	case AT_IO_URING: {
		struct io_uring_params params;
		int ring;

		memset(&params, 0, sizeof(params));
		ring = syscall(__NR_io_uring_setup, 2, &params);
		if (ring < 0)
			return AT_SETUP;
		iov.iov_base = p;
		iov.iov_len = span;
		r = syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1) < 0 ?
			errno : 0;
		close(ring);
		break;
	}
	default:
		if (at == AT_ODIRECT_READ)
			r = pread(blk_fd, p, span, 0) < 0 ? errno : 0;
		else
			r = pwrite(blk_fd, p, span, 0) < 0 ? errno : 0;
		if (at == AT_ODIRECT_READ && !r)
			at_fill(p, len, 0xa5);	/* it read the device */
		break;
	}
	if (!at_intact(p, len, 0xa5))
		r = AT_DATA_LOST;	/* whatever the attack answered */
	munmap(p, len);
	return r;
}

/* Whether @r is what the mainline CMA heap answers to attack @at. */
static int at_documented(int at, int r)
{
	switch (at) {
	case AT_MADVISE:
		return !r || r == EINVAL || r == EFAULT || r == EPERM || r == ENODEV;
	case AT_FORK_WRITE:
		return !r;
	case AT_IO_URING:
		return r == EFAULT || r == AT_SETUP;
	default:		/* pins, and growing the mapping */
		return r == EFAULT;
	}
}

static const char *at_result(int r)
{
	static char buf[32];

	if (!r)
		return "OK";
	if (r == AT_DATA_LOST)
		return "DATA-LOST";
	if (r < 200 && strerrorname_np(r))
		return strerrorname_np(r);
	snprintf(buf, sizeof(buf), "code %d", r);
	return buf;
}

/*
 * An attack on the mapping of a kept buffer or of a fresh one, made by an
 * ordinary user in a child with an alarm: a long-term pin of a CMA page
 * that cannot migrate retries until the task is killed.
 */
static void op_attack(void)
{
	int at = rnd(blk_fd >= 0 ? NR_AT : AT_ODIRECT_READ), arg = 0, fd, i, status;
	unsigned long long charged;
	int r, fresh = 0;
	size_t len;
	pid_t pid;

	if (nkept && rnd(2)) {
		i = rnd(nkept);
		fd = kept[i].fd;
		len = kept[i].len;
		snprintf(op_desc, sizeof(op_desc), "attack %s on a kept buffer of fz%d",
			 at_names[at], kept[i].h);
	} else {
		int h = rnd(NHEAPS);

		len = (rnd(16) + 1) * page;
		snprintf(op_desc, sizeof(op_desc), "attack %s on a new %zu-byte buffer of fz%d",
			 at_names[at], len, h);
		fd = alloc_checked(h, len, O_RDWR | O_CLOEXEC, 0, &charged);
		if (fd < 0)
			return;
		fresh = 1;
		if (rnd(2)) {		/* keep it, for later attacks */
			if (nkept == NKEPT) {
				i = rnd(nkept);
				if (kept[i].gen == heaps[kept[i].h].gen)
					heaps[kept[i].h].kept -= kept[i].charged;
				close(kept[i].fd);
				kept[i] = kept[--nkept];
			}
			kept[nkept].fd = fd;
			kept[nkept].h = h;
			kept[nkept].gen = heaps[h].gen;
			kept[nkept].charged = charged;
			kept[nkept].len = len;
			nkept++;
			heaps[h].kept += charged;
			fresh = 0;
		}
	}
	if (at == AT_MADVISE) {
		arg = advices[rnd(ARRAY_SIZE(advices))];
		snprintf(op_desc + strlen(op_desc), sizeof(op_desc) - strlen(op_desc),
			 ", advice %d", arg);
	}
	fflush(stdout);
	pid = fork();
	if (!pid) {
		alarm(10);
		if (!geteuid() && (setgroups(0, NULL) || setgid(65534) || setuid(65534)))
			_exit(203);
		if (!geteuid() && (arg == 100 || arg == 101))
			_exit(EPERM);	/* no poisoning as root */
		_exit(at_child(fd, len, at, arg));
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		mismatch("attack: fork or wait failed");
	if (fresh)
		close(fd);
	attacked++;
	if (WIFSIGNALED(status))
		mismatch("attack %s: killed by SIG%s%s", at_names[at],
			 sigabbrev_np(WTERMSIG(status)) ?: "?",
			 WTERMSIG(status) == SIGALRM ? " (it hung)" : "");
	r = WEXITSTATUS(status);
	if (!at_documented(at, r))
		mismatch("attack %s gave %s", at_names[at], at_result(r));
}

int main(int argc, char **argv)
{
	void (*const ops[])(void) = { op_write, op_write_global, op_mkdir,
				      op_rmdir, op_mkdir_hostile, op_alloc,
				      op_attack };
	static const unsigned int weight[] = { 46, 5, 8, 4, 8, 25, 4 };
	const char *dev = getenv("CHATTACK_BLOCKDEV");
	unsigned long long nops, i;
	unsigned int seed, w, k;
	time_t end;
	char path[256];

	if (argc != 4) {
		fputs("usage: chfuzz SEED OPS SECONDS\n", stderr);
		return 2;
	}
	seed = strtoul(argv[1], NULL, 0);
	nops = strtoull(argv[2], NULL, 0);
	end = time(NULL) + strtoul(argv[3], NULL, 0);
	page = sysconf(_SC_PAGESIZE);
	if (access("/sys/kernel/mm/cma/pernuma0", F_OK))
		areas = areas_7x;
	if (dev && *dev)
		blk_fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
	printf("seed %u\n", seed);
	fflush(stdout);
	srandom(seed);
	read_file(SYS "numa_policy", last_global, sizeof(last_global));
	for (k = 0; k < NHEAPS; k++) {
		heap_path(path, sizeof(path), k, NULL);
		if (!access(path, F_OK)) {
			puts("the pool heaps must not exist before");
			return 1;
		}
		snprintf(path, sizeof(path), "/dev/dma_heap/fz%d", k);
		heaps[k].registered = !access(path, F_OK);
	}
	for (step = 1; step <= nops && time(NULL) < end; step++) {
		w = rnd(100);
		for (k = 0; w >= weight[k]; k++)
			w -= weight[k];
		counts[k]++;
		ops[k]();
	}
	for (k = 0; k < ARRAY_SIZE(ops); k++)
		printf("%s %llu\n", op_names[k], counts[k]);
	printf("accepted %llu\nserved %llu\nattacked %llu\n", accepted, served, attacked);
	cleanup();
	for (i = 0, k = 0; k < ARRAY_SIZE(ops); k++)
		i += counts[k];
	printf("DONE %llu\n", i);
	return 0;
}
