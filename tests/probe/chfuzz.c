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
 * names; DMA_HEAP_IOCTL_ALLOC with random len, fd_flags and heap_flags.
 *
 * The model, checked after every step:
 * - a write the ABI says is invalid fails, and a failed write changes
 *   nothing that can be read;
 * - an accepted value reads back as written (less one newline; numbers
 *   in decimal);
 * - only valid names make directories;
 * - an enabled heap serves (OK, or ENOMEM when its quota is below the
 *   request), a disabled one answers ENODEV, invalid flags EINVAL.
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
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define CFS		"/sys/kernel/config/chunk_heap/"
#define SYS		"/sys/kernel/chunk_heap/"
#define NHEAPS		4
#define VAL_MAX		4095	/* a write is at most a page, less one */

static const char *const areas[] = { "reserved", "pernuma0", "pernuma1" };
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
};

static struct heap heaps[NHEAPS];
static unsigned long long step, counts[8], accepted, served;
static unsigned long page;
static char op_desc[VAL_MAX * 4 + 256];

static const char *const op_names[] = { "write", "write-global", "mkdir",
	"rmdir", "mkdir-hostile", "alloc" };

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

static void op_alloc(void)
{
	int h = rnd(NHEAPS), fd, err, want_inval;
	struct heap *m = &heaps[h];
	struct dma_heap_allocation_data data = { 0 };
	unsigned long long len, rlen;
	char path[256];
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
	data.len = len;
	data.fd_flags = rnd(4) ? (rnd(2) ? O_RDWR : O_RDONLY) | (rnd(2) ? O_CLOEXEC : 0)
			       : (unsigned int)random();
	data.heap_flags = rnd(4) ? 0 : (unsigned long long)random() << rnd(40);
	snprintf(path, sizeof(path), "/dev/dma_heap/fz%d", h);
	snprintf(op_desc, sizeof(op_desc), "alloc len %llu fd_flags %#x heap_flags %#llx from %s",
		 len, data.fd_flags, (unsigned long long)data.heap_flags, path);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (m->registered || errno != ENOENT)
			mismatch("open gave %s", strerrorname_np(errno));
		return;
	}
	if (!m->registered)
		mismatch("a device is there for a heap never enabled");
	err = ioctl(fd, DMA_HEAP_IOCTL_ALLOC, &data) ? errno : 0;
	close(fd);
	/* Rounding up to a page (the framework), or to a chunk, overflows. */
	rlen = (len + m->chunk_size - 1) / m->chunk_size * m->chunk_size;
	want_inval = (data.fd_flags & ~(O_ACCMODE | O_CLOEXEC)) || data.heap_flags ||
		     !((len + page - 1) & ~(page - 1)) ||
		     (m->exists && m->enabled && len + m->chunk_size - 1 < len);
	if (want_inval) {
		if (err != EINVAL)
			mismatch("invalid flags or length gave %s", strerrorname_np(err) ?: "OK");
		return;
	}
	if (!m->exists || !m->enabled) {
		if (err != ENODEV)
			mismatch("a disabled heap gave %s", strerrorname_np(err) ?: "OK");
		return;
	}
	if (m->max_bytes && rlen > m->max_bytes) {
		if (err != ENOMEM)
			mismatch("a request above the quota gave %s", strerrorname_np(err) ?: "OK");
		return;
	}
	if (err == ENOMEM && rlen > (16ULL << 20))
		return;		/* larger than what the areas may have free */
	if (err)
		mismatch("an enabled heap gave %s", strerrorname_np(err));
	served++;
	/* Only a readable buffer maps for reading: O_RDONLY or O_RDWR. */
	if ((data.fd_flags & O_ACCMODE) != O_RDONLY &&
	    (data.fd_flags & O_ACCMODE) != O_RDWR) {
		close(data.fd);
		return;
	}
	p = mmap(NULL, page, PROT_READ, MAP_SHARED, data.fd, 0);
	if (p == MAP_FAILED || *(const char *)p)
		mismatch("a new buffer does not map, or is not zeroed");
	munmap(p, page);
	close(data.fd);
}

int main(int argc, char **argv)
{
	void (*const ops[])(void) = { op_write, op_write_global, op_mkdir,
				      op_rmdir, op_mkdir_hostile, op_alloc };
	static const unsigned int weight[] = { 50, 5, 8, 4, 8, 25 };
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
	printf("accepted %llu\nserved %llu\n", accepted, served);
	cleanup();
	for (i = 0, k = 0; k < 6; k++)
		i += counts[k];
	printf("DONE %llu\n", i);
	return 0;
}
