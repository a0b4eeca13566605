// SPDX-License-Identifier: GPL-2.0
/*
 * chattack: what an unprivileged user can do to the mapping of a dma-buf
 * heap's buffer, for the end-to-end tests, which run the same attacks on
 * a chunk heap and on the mainline CMA heap ("reserved") in one boot and
 * compare the results line by line.
 *
 *   chattack HEAP [CASE...]     run CASEs (all of them by default)
 *   chattack --list             print the names of the cases
 *   chattack --hold HEAP FILE   map a buffer, fill it, print HELD, wait for
 *                               FILE, then print OK if the mapping still
 *                               reads its data (SIGBUS, DATA-LOST, ...)
 *   chattack --vmflags HEAP     print the VmFlags (/proc/PID/smaps) of a
 *                               shared mapping of a buffer: "io pf" for a
 *                               PFN map
 *
 * Each case runs in a child that drops to uid and gid 65534 once the heap
 * and the block device are open (as root), so that the attack is made by
 * an ordinary user, as a user of a heap is. It prints one line,
 * "CASE RESULT", where RESULT is OK, an errno name (EFAULT, EINVAL, ...),
 * a signal name (SIGBUS, SIGSEGV), a word for wrong data (DATA-LOST,
 * HOLE-MAPPED, ...), or TIMEOUT if the case did not end within its alarm.
 * The mainline heap and a chunk heap must print the same line.
 *
 * Cases:
 * - pins: vmsplice (with and without SPLICE_F_GIFT), O_DIRECT read and
 *   write against the block device CHATTACK_BLOCKDEV, io_uring's
 *   IORING_REGISTER_BUFFERS, process_vm_readv/writev (on the mapping in
 *   another process, both ways, and with the mapping as the local side),
 *   /proc/self/mem, move_pages;
 * - mapping games: mremap (grow, shrink, move, duplicate, DONTUNMAP),
 *   partial munmap, mprotect, private and out-of-range mmaps (out of
 *   the size the dma-buf has: a heap rounds 1 MiB up to whole chunks),
 *   mlock, msync, fork, and madvise with every advice;
 * - lifetimes: the fd closed while mapped, a second process killed, a
 *   touch after munmap.
 *
 * Every case then looks for a leak: once its buffer is unmapped and
 * closed, it allocates CHATTACK_LEAK_MB (8) buffers of 1 MiB from the same
 * heap, fills them with a secret, and reads back whatever the attacker
 * still holds: the pipe it spliced into, its io_uring registered buffer,
 * the block device, and every address range it had mapped. Each secret
 * byte found there is a leak: "CASE LEAK N" (N bytes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/io_uring.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Values that older libc headers may lack (asm-generic/mman-common.h). */
#ifndef MADV_FREE
#define MADV_FREE		8
#endif
#ifndef MADV_WIPEONFORK
#define MADV_WIPEONFORK		18
#define MADV_KEEPONFORK		19
#endif
#ifndef MADV_COLD
#define MADV_COLD		20
#define MADV_PAGEOUT		21
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ	22
#define MADV_POPULATE_WRITE	23
#endif
#ifndef MADV_DONTNEED_LOCKED
#define MADV_DONTNEED_LOCKED	24
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE		25
#endif
#ifndef MADV_HWPOISON
#define MADV_HWPOISON		100
#endif
#ifndef MADV_SOFT_OFFLINE
#define MADV_SOFT_OFFLINE	101
#endif
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP	4
#endif
#define MPOL_MF_MOVE_		(1 << 1)	/* linux/mempolicy.h */

#define NOBODY		65534
#define BUF_LEN		(1UL << 20)	/* a multiple of every chunk size used */
#define GUARD_S		20		/* seconds for an attack step */
#define GUARD_LEAK_S	60		/* seconds for the leak check */

/* Results that are neither OK nor an errno. */
enum {
	R_SIG = 1000,		/* + the signal number */
	R_DATA_LOST = 2000,	/* the buffer no longer reads its data */
	R_HOLE_MAPPED,		/* an unmapped range still reads */
	R_SHORT,		/* a transfer moved fewer bytes than asked */
	R_NO_DEVICE,		/* CHATTACK_BLOCKDEV is not set */
	R_NOT_DROPPED,		/* still root: not run */
	R_PEER_DIED,		/* the helper process died */
	R_CUSTOM,		/* see custom[] */
};

/* Word patterns: each 8-byte word of a buffer is seed + i * GOLDEN. */
#define GOLDEN		0x9e3779b97f4a7c15ULL
#define SEED_A		0xa11ce00000000000ULL	/* the attacker's data */
#define SEED_B		0xb0b0000000000000ULL
#define SEED_C		0xc0de000000000000ULL
#define SEED_D		0xd00d000000000000ULL
#define SEED_X		0xe1e1000000000000ULL
#define SECRET		0x5ec2e75ec2e75ec2ULL	/* the next owner's data */

static size_t page, span;	/* span: what the pin cases pin, 64 KiB */
static int heap_fd = -1, blk_fd = -1, blk_err = R_NO_DEVICE;
static unsigned int leak_mb = 8;

/* What a case's child reports, shared with the parent. */
struct report {
	int has_result;
	size_t used;
	char text[8192];
};

static struct report *rep;
static const char *case_name;
static char custom[96];

static void emit(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(rep->text + rep->used, sizeof(rep->text) - rep->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		rep->used = rep->used + n < sizeof(rep->text) ? rep->used + n
							     : sizeof(rep->text) - 1;
}

static const char *res_name(int r)
{
	static char buf[96];

	if (!r)
		return "OK";
	if (r < 0) {
		if (strerrorname_np(-r))
			return strerrorname_np(-r);
		snprintf(buf, sizeof(buf), "E%d", -r);
		return buf;
	}
	if (r > R_SIG && r < R_SIG + 100) {
		snprintf(buf, sizeof(buf), "SIG%s", sigabbrev_np(r - R_SIG) ?: "?");
		return buf;
	}
	switch (r) {
	case R_DATA_LOST:
		return "DATA-LOST";
	case R_HOLE_MAPPED:
		return "HOLE-MAPPED";
	case R_SHORT:
		return "SHORT";
	case R_NO_DEVICE:
		return "NO-DEVICE";
	case R_NOT_DROPPED:
		return "NOT-DROPPED";
	case R_PEER_DIED:
		return "PEER-DIED";
	case R_CUSTOM:
		return custom;
	}
	snprintf(buf, sizeof(buf), "R%d", r);
	return buf;
}

/* Two results, of the two directions of a case: one if they agree. */
static int both(int a, int b)
{
	char first[48];

	if (a == b)
		return a;
	snprintf(first, sizeof(first), "%s", res_name(a));
	snprintf(custom, sizeof(custom), "MIXED-%s-%s", first, res_name(b));
	return R_CUSTOM;
}

/* --- faults turned into results ------------------------------------------ */

static sigjmp_buf fault_env;
static volatile sig_atomic_t fault_armed, fault_sig;

static void on_fault(int sig)
{
	if (!fault_armed) {
		signal(sig, SIG_DFL);	/* the access faults again, and kills */
		return;
	}
	fault_armed = 0;
	fault_sig = sig;
	siglongjmp(fault_env, 1);
}

static uint64_t word(uint64_t seed, size_t i)
{
	return seed + i * GOLDEN;
}

/*
 * A memory access that may fault, described in @g so that nothing the
 * guarded code uses lives in a register across siglongjmp().
 */
enum g_op { G_FILL, G_CHECK, G_COPY };

static struct {
	enum g_op op;
	volatile uint64_t *dst;
	const volatile uint64_t *src;
	size_t words;
	uint64_t seed;
} g;

static int g_access(void)
{
	size_t i;

	for (i = 0; i < g.words; i++) {
		switch (g.op) {
		case G_FILL:
			g.dst[i] = word(g.seed, i);
			break;
		case G_CHECK:
			if (g.src[i] != word(g.seed, i))
				return R_DATA_LOST;
			break;
		case G_COPY:
			g.dst[i] = g.src[i];
			break;
		}
	}
	return 0;
}

/* Run what @g describes: its result, or the signal it raised. */
static int guarded(void)
{
	int r;

	if (sigsetjmp(fault_env, 1))
		return R_SIG + fault_sig;
	fault_armed = 1;
	r = g_access();
	fault_armed = 0;
	return r;
}

/* Fill @n bytes at @p with @seed's pattern: 0 or a signal. */
static int fill(void *p, size_t n, uint64_t seed)
{
	g.op = G_FILL;
	g.dst = p;
	g.words = n / 8;
	g.seed = seed;
	return guarded();
}

/* Whether @n bytes at @p hold @seed's pattern: 0, DATA-LOST or a signal. */
static int check(const void *p, size_t n, uint64_t seed)
{
	g.op = G_CHECK;
	g.src = p;
	g.words = n / 8;
	g.seed = seed;
	return guarded();
}

/* Copy @n bytes from @src, which may fault: 0 or a signal. */
static int copy_in(void *dst, const void *src, size_t n)
{
	g.op = G_COPY;
	g.dst = dst;
	g.src = src;
	g.words = n / 8;
	return guarded();
}

/* Read one byte at @p: 0 or the signal it raised. */
static int touch(const void *p)
{
	g.op = G_CHECK;
	g.src = p;
	g.words = 0;
	if (sigsetjmp(fault_env, 1))
		return R_SIG + fault_sig;
	fault_armed = 1;
	(void)*g.src;
	fault_armed = 0;
	return 0;
}

/* Whether the page at @p is mapped at all. */
static int mapped(const void *p)
{
	return !msync((void *)((uintptr_t)p & ~(page - 1)), page, MS_ASYNC);
}

/* --- what the attacker still holds, for the leak check ------------------ */

struct ring {
	int fd;
	unsigned int *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};

#define MAX_RANGES	4

struct held {
	int pipe;			/* read end of a pipe spliced into */
	struct ring *ring;		/* with buffer 0 registered at ring_buf */
	void *ring_buf;
	int dev;			/* the block device was written */
	struct {
		void *p;
		size_t len;
	} range[MAX_RANGES];		/* address ranges once mapped */
};

static void hold_range(struct held *h, void *p, size_t len)
{
	for (int i = 0; i < MAX_RANGES; i++) {
		if (!h->range[i].p) {
			h->range[i].p = p;
			h->range[i].len = len;
			return;
		}
	}
}

/* --- buffers -------------------------------------------------------------- */

struct buf {
	int fd;
	unsigned char *p;
	size_t maplen;
};

static int alloc_fd(unsigned int fd_flags)
{
	struct dma_heap_allocation_data data = {
		.len = BUF_LEN, .fd_flags = fd_flags | O_CLOEXEC,
	};

	if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		return -errno;
	return data.fd;
}

/* Allocate, map shared read-write and fill with SEED_A. */
static int setup(struct buf *b, struct held *h)
{
	b->p = NULL;
	b->maplen = 0;
	b->fd = alloc_fd(O_RDWR);
	if (b->fd < 0)
		return b->fd;
	b->p = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, b->fd, 0);
	if (b->p == MAP_FAILED) {
		int err = -errno;

		b->p = NULL;
		close(b->fd);
		b->fd = -1;
		return err;
	}
	b->maplen = BUF_LEN;
	hold_range(h, b->p, BUF_LEN);
	return fill(b->p, BUF_LEN, SEED_A);
}

static void release(struct buf *b)
{
	if (b->p)
		munmap(b->p, b->maplen);
	if (b->fd >= 0)
		close(b->fd);
	b->p = NULL;
	b->fd = -1;
}

/* An anonymous private scratch buffer of @len bytes. */
static void *scratch(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* --- helper processes ----------------------------------------------------- */

struct chan {
	int down[2], up[2];	/* parent to child, child to parent */
};

static pid_t spawn(struct chan *c)
{
	pid_t pid;

	if (pipe(c->down) || pipe(c->up))
		return -1;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		alarm(GUARD_S);
		close(c->down[1]);
		close(c->up[0]);
	} else {
		close(c->down[0]);
		close(c->up[1]);
	}
	return pid;
}

static void send_int(int fd, int v)
{
	if (write(fd, &v, sizeof(v)) != sizeof(v))
		_exit(3);
}

static int recv_int(int fd)
{
	int v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return R_PEER_DIED;
	return v;
}

static int reap(pid_t pid)
{
	int status;

	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return status;
}

/* --- io_uring, with raw system calls -------------------------------------- */

static int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	size_t sq_sz, cq_sz;
	void *sq, *cq, *sqes;

	memset(&p, 0, sizeof(p));
	r->fd = syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0)
		return -errno;
	sq_sz = p.sq_off.array + p.sq_entries * sizeof(unsigned int);
	cq_sz = p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe);
	if (p.features & IORING_FEAT_SINGLE_MMAP) {
		if (cq_sz > sq_sz)
			sq_sz = cq_sz;
		cq_sz = sq_sz;
	}
	sq = mmap(NULL, sq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  r->fd, IORING_OFF_SQ_RING);
	if (sq == MAP_FAILED)
		return -errno;
	cq = sq;
	if (!(p.features & IORING_FEAT_SINGLE_MMAP)) {
		cq = mmap(NULL, cq_sz, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			  r->fd, IORING_OFF_CQ_RING);
		if (cq == MAP_FAILED)
			return -errno;
	}
	sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		    IORING_OFF_SQES);
	if (sqes == MAP_FAILED)
		return -errno;
	r->sq_tail = (unsigned int *)((char *)sq + p.sq_off.tail);
	r->sq_mask = (unsigned int *)((char *)sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned int *)((char *)sq + p.sq_off.array);
	r->cq_head = (unsigned int *)((char *)cq + p.cq_off.head);
	r->cq_tail = (unsigned int *)((char *)cq + p.cq_off.tail);
	r->cq_mask = (unsigned int *)((char *)cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)((char *)cq + p.cq_off.cqes);
	r->sqes = sqes;
	return 0;
}

/* One request on registered buffer 0, waited for: its result. */
static int ring_fixed(struct ring *r, int op, int fd, void *addr, size_t len)
{
	unsigned int tail = *r->sq_tail, idx = tail & *r->sq_mask, head;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	int res;

	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = op;
	sqe->fd = fd;
	sqe->addr = (uintptr_t)addr;
	sqe->len = len;
	sqe->buf_index = 0;
	r->sq_array[idx] = idx;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0)
		return -errno;
	head = __atomic_load_n(r->cq_head, __ATOMIC_ACQUIRE);
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE))
		return -EAGAIN;
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	return res;
}

/* --- the cases: pins ------------------------------------------------------ */

static int vmsplice_case(struct held *h, unsigned int flags)
{
	struct iovec iov;
	struct buf b;
	int pfd[2], r;
	ssize_t n;

	r = setup(&b, h);
	if (r)
		return r;
	if (pipe(pfd))
		return -errno;
	iov.iov_base = b.p;
	iov.iov_len = span;
	n = vmsplice(pfd[1], &iov, 1, flags | SPLICE_F_NONBLOCK);
	r = n < 0 ? -errno : 0;
	close(pfd[1]);
	h->pipe = pfd[0];
	release(&b);
	return r;
}

static int c_vmsplice(struct held *h)
{
	return vmsplice_case(h, 0);
}

static int c_vmsplice_gift(struct held *h)
{
	return vmsplice_case(h, SPLICE_F_GIFT);
}

/* O_DIRECT between the mapping and the block device, at offset 0. */
static int odirect_case(struct held *h, int write_dev)
{
	void *tmp = scratch(span);
	struct buf b;
	ssize_t n;
	int r;

	if (blk_fd < 0)
		return blk_err;
	if (!tmp)
		return -ENOMEM;
	r = setup(&b, h);
	if (r)
		return r;
	h->dev = 1;
	if (write_dev) {
		n = pwrite(blk_fd, b.p, span, 0);
		r = n < 0 ? -errno : (size_t)n != span ? R_SHORT : 0;
		if (!r && pread(blk_fd, tmp, span, 0) == (ssize_t)span)
			r = check(tmp, span, SEED_A);
	} else {
		fill(tmp, span, SEED_B);
		if (pwrite(blk_fd, tmp, span, 0) != (ssize_t)span) {
			r = -errno;
		} else {
			n = pread(blk_fd, b.p, span, 0);
			r = n < 0 ? -errno : (size_t)n != span ? R_SHORT : 0;
			if (!r)
				r = check(b.p, span, SEED_B);
		}
	}
	release(&b);
	munmap(tmp, span);
	return r;
}

static int c_odirect_read(struct held *h)
{
	return odirect_case(h, 0);
}

static int c_odirect_write(struct held *h)
{
	return odirect_case(h, 1);
}

static int c_io_uring_register(struct held *h)
{
	static struct ring ring;
	struct iovec iov;
	struct buf b;
	int r;

	r = ring_setup(&ring);
	if (r)
		return r;
	r = setup(&b, h);
	if (r)
		return r;
	iov.iov_base = b.p;
	iov.iov_len = span;
	r = syscall(__NR_io_uring_register, ring.fd, IORING_REGISTER_BUFFERS, &iov, 1) < 0 ?
		-errno : 0;
	if (!r) {
		h->ring = &ring;
		h->ring_buf = b.p;
	}
	release(&b);
	return r;
}

enum pvm { READ_MAP, WRITE_MAP, READ_INTO_MAP, WRITE_FROM_MAP };

/*
 * One process_vm_readv/writev on process @pid, which has the same
 * mapping @map of the buffer and the same private buffer @x (SEED_X), at
 * the same addresses.
 */
static int pvm_op(enum pvm op, pid_t pid, unsigned char *map, unsigned char *x,
		  unsigned char *tmp, uint64_t seed)
{
	struct iovec local = { .iov_len = span }, remote = { .iov_len = span };
	ssize_t n;
	int r;

	switch (op) {
	case READ_MAP:		/* read the other's mapping */
		r = fill(map, span, seed);
		local.iov_base = tmp;
		remote.iov_base = map;
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		break;
	case WRITE_MAP:		/* write the other's mapping */
		r = fill(tmp, span, seed);
		local.iov_base = tmp;
		remote.iov_base = map;
		n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
		break;
	case READ_INTO_MAP:	/* read the other's memory into the mapping */
		r = 0;
		local.iov_base = map;
		remote.iov_base = x;
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		break;
	default:		/* write the mapping into the other's memory */
		r = fill(map, span, seed);
		local.iov_base = map;
		remote.iov_base = x;
		n = process_vm_writev(pid, &local, 1, &remote, 1, 0);
		break;
	}
	if (r)
		return r;
	if (n < 0)
		return -errno;
	if ((size_t)n != span)
		return R_SHORT;
	switch (op) {
	case READ_MAP:
		return check(tmp, span, seed);
	case WRITE_MAP:
		return check(map, span, seed);
	case READ_INTO_MAP:
		return check(map, span, SEED_X);
	default:
		local.iov_base = tmp;
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		return n != (ssize_t)span ? R_SHORT : check(tmp, span, seed);
	}
}

/* The op from a child on this process, then from this process on the child. */
static int pvm_case(struct held *h, enum pvm op)
{
	unsigned char *x = scratch(span), *tmp = scratch(span);
	int r, from_child, from_parent;
	struct chan c;
	struct buf b;
	pid_t pid;

	if (!x || !tmp)
		return -ENOMEM;
	r = setup(&b, h);
	if (r)
		return r;
	fill(x, span, SEED_X);
	pid = spawn(&c);
	if (pid < 0)
		return -errno;
	if (!pid) {
		send_int(c.up[1], pvm_op(op, getppid(), b.p, x, tmp, SEED_C));
		recv_int(c.down[0]);	/* the parent's turn; wait for it */
		_exit(0);
	}
	from_child = recv_int(c.up[0]);
	from_parent = pvm_op(op, pid, b.p, x, tmp, SEED_D);
	send_int(c.down[1], 0);
	reap(pid);
	release(&b);
	return both(from_child, from_parent);
}

static int c_pvm_readv(struct held *h)
{
	return pvm_case(h, READ_MAP);
}

static int c_pvm_writev(struct held *h)
{
	return pvm_case(h, WRITE_MAP);
}

static int c_pvm_readv_into(struct held *h)
{
	return pvm_case(h, READ_INTO_MAP);
}

static int c_pvm_writev_from(struct held *h)
{
	return pvm_case(h, WRITE_FROM_MAP);
}

static int proc_mem_case(struct held *h, int write_mem)
{
	unsigned char *tmp = scratch(span);
	struct buf b;
	ssize_t n;
	int r, fd;

	if (!tmp)
		return -ENOMEM;
	r = setup(&b, h);
	if (r)
		return r;
	fd = open("/proc/self/mem", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
	} else if (write_mem) {
		fill(tmp, span, SEED_C);
		n = pwrite(fd, tmp, span, (off_t)(uintptr_t)b.p);
		r = n < 0 ? -errno : (size_t)n != span ? R_SHORT : check(b.p, span, SEED_C);
	} else {
		n = pread(fd, tmp, span, (off_t)(uintptr_t)b.p);
		r = n < 0 ? -errno : (size_t)n != span ? R_SHORT : check(tmp, span, SEED_A);
	}
	if (fd >= 0)
		close(fd);
	release(&b);
	return r;
}

static int c_proc_mem_read(struct held *h)
{
	return proc_mem_case(h, 0);
}

static int c_proc_mem_write(struct held *h)
{
	return proc_mem_case(h, 1);
}

/* move_pages() of the first page to node 1 (node 0 on one node). */
static int c_move_pages(struct held *h)
{
	int node = access("/sys/devices/system/node/node1", F_OK) ? 0 : 1;
	int status = -EIO, r;
	struct buf b;
	void *addr;
	long ret;

	r = setup(&b, h);
	if (r)
		return r;
	addr = b.p;
	ret = syscall(SYS_move_pages, 0, 1UL, &addr, &node, &status, MPOL_MF_MOVE_);
	if (ret < 0)
		r = -errno;
	else if (status < 0)
		r = status;
	else
		r = check(b.p, BUF_LEN, SEED_A);
	release(&b);
	return r;
}

/* A copy through a pipe, for comparison: no pin, both ways. */
static int c_pipe_copy(struct held *h)
{
	struct buf b;
	int pfd[2], r;

	r = setup(&b, h);
	if (r)
		return r;
	if (pipe(pfd))
		return -errno;
	fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	if (write(pfd[1], b.p, page) != (ssize_t)page ||
	    read(pfd[0], b.p + page, page) != (ssize_t)page)
		r = -errno ?: R_SHORT;
	else
		r = check(b.p + page, page, SEED_A);
	close(pfd[0]);
	close(pfd[1]);
	release(&b);
	return r;
}

/* --- the cases: mapping games --------------------------------------------- */

static int c_mremap_grow(struct held *h)
{
	struct buf b;
	void *q;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	q = mremap(b.p, BUF_LEN, 2 * BUF_LEN, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		r = -errno;
	} else {
		b.p = q;
		b.maplen = 2 * BUF_LEN;
		hold_range(h, q, 2 * BUF_LEN);
		r = check(q, BUF_LEN, SEED_A);
		if (!r)
			r = touch(b.p + BUF_LEN);	/* past the buffer */
	}
	release(&b);
	return r;
}

static int c_mremap_shrink(struct held *h)
{
	struct buf b;
	void *q;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	q = mremap(b.p, BUF_LEN, BUF_LEN / 2, 0);
	if (q == MAP_FAILED) {
		r = -errno;
	} else {
		b.maplen = BUF_LEN / 2;
		r = check(q, BUF_LEN / 2, SEED_A);
		if (!r && touch(b.p + BUF_LEN / 2) != R_SIG + SIGSEGV)
			r = R_HOLE_MAPPED;
	}
	release(&b);
	return r;
}

static int c_mremap_move(struct held *h)
{
	void *dst = mmap(NULL, BUF_LEN, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct buf b;
	void *q;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	q = mremap(b.p, BUF_LEN, BUF_LEN, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
	if (q == MAP_FAILED) {
		r = -errno;
		munmap(dst, BUF_LEN);
	} else {
		hold_range(h, q, BUF_LEN);
		r = check(q, BUF_LEN, SEED_A);
		if (!r && mapped(b.p))
			r = R_HOLE_MAPPED;
		b.p = q;
	}
	release(&b);
	return r;
}

/* old_len 0: a second mapping of the same pages. */
static int c_mremap_dup(struct held *h)
{
	struct buf b;
	void *q;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	q = mremap(b.p, 0, BUF_LEN, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		r = -errno;
	} else {
		hold_range(h, q, BUF_LEN);
		r = check(q, BUF_LEN, SEED_A);
		if (!r)
			r = fill(q, BUF_LEN, SEED_C);
		if (!r)
			r = check(b.p, BUF_LEN, SEED_C);
		munmap(q, BUF_LEN);
	}
	release(&b);
	return r;
}

static int c_mremap_dontunmap(struct held *h)
{
	struct buf b;
	void *q;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	q = mremap(b.p, BUF_LEN, BUF_LEN, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
	if (q == MAP_FAILED) {
		r = -errno;
	} else {
		hold_range(h, q, BUF_LEN);
		r = check(q, BUF_LEN, SEED_A);
		if (!r)
			r = check(b.p, BUF_LEN, SEED_A);	/* the old range */
		munmap(q, BUF_LEN);
	}
	release(&b);
	return r;
}

static int c_munmap_partial(struct held *h)
{
	struct buf b;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	if (munmap(b.p + BUF_LEN / 2, page)) {
		r = -errno;
	} else {
		r = check(b.p, BUF_LEN / 2, SEED_A);
		if (!r)
			r = check(b.p + BUF_LEN / 2 + page, BUF_LEN / 2 - page,
				  SEED_A + (BUF_LEN / 2 + page) / 8 * GOLDEN);
		if (!r && touch(b.p + BUF_LEN / 2) != R_SIG + SIGSEGV)
			r = R_HOLE_MAPPED;
	}
	release(&b);
	return r;
}

/* A buffer allocated O_RDONLY, mapped shared for reading, made writable. */
static int c_mprotect_write_rdonly(struct held *h)
{
	unsigned char *p;
	int fd = alloc_fd(O_RDONLY), r;

	if (fd < 0)
		return fd;
	p = mmap(NULL, BUF_LEN, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
	} else {
		hold_range(h, p, BUF_LEN);
		r = mprotect(p, BUF_LEN, PROT_READ | PROT_WRITE) ? -errno : 0;
		if (!r)
			r = fill(p, page, SEED_C);
		munmap(p, BUF_LEN);
	}
	close(fd);
	return r;
}

static int c_mmap_write_rdonly(struct held *h)
{
	unsigned char *p;
	int fd = alloc_fd(O_RDONLY), r = 0;

	if (fd < 0)
		return fd;
	p = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		r = -errno;
	} else {
		hold_range(h, p, BUF_LEN);
		munmap(p, BUF_LEN);
	}
	close(fd);
	return r;
}

static int c_mprotect_none(struct held *h)
{
	struct buf b;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	if (mprotect(b.p, BUF_LEN, PROT_NONE)) {
		r = -errno;
	} else {
		if (touch(b.p) != R_SIG + SIGSEGV)
			r = R_HOLE_MAPPED;
		if (mprotect(b.p, BUF_LEN, PROT_READ | PROT_WRITE))
			r = -errno;
		if (!r)
			r = check(b.p, BUF_LEN, SEED_A);
	}
	release(&b);
	return r;
}

enum where { WHOLE, PAST_END, TOO_LONG, TAIL };

/*
 * A second mmap of a buffer, at @where, with @prot and @flags; check what
 * it reads. Where the buffer ends is what the dma-buf says (SEEK_END): a
 * heap rounds 1 MiB up to whole chunks, of 2 MiB for one of the tests.
 */
static int mmap_case(struct held *h, enum where at, int prot, int flags)
{
	int fd = alloc_fd(O_RDWR), r;
	unsigned char *p, *q;
	off_t size, off = 0;
	size_t len;

	if (fd < 0)
		return fd;
	size = lseek(fd, 0, SEEK_END);
	if (size < (off_t)BUF_LEN) {
		close(fd);
		return size < 0 ? -errno : R_SHORT;
	}
	switch (at) {
	case WHOLE:
		len = size;
		break;
	case PAST_END:
		len = page;
		off = size;
		break;
	case TOO_LONG:
		len = size + page;
		break;
	default:
		len = page;
		off = size - page;
		break;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	hold_range(h, p, size);
	fill(p, size, SEED_A);
	q = mmap(NULL, len, prot, flags, fd, off);
	if (q == MAP_FAILED) {
		r = -errno;
	} else {
		hold_range(h, q, len);
		r = check(q, (off_t)len < size - off ? (off_t)len : size - off,
			  SEED_A + off / 8 * GOLDEN);
		munmap(q, len);
	}
	munmap(p, size);
	close(fd);
	return r;
}

static int c_map_private(struct held *h)
{
	return mmap_case(h, WHOLE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
}

static int c_map_private_rdonly(struct held *h)
{
	return mmap_case(h, WHOLE, PROT_READ, MAP_PRIVATE);
}

static int c_mmap_past_end(struct held *h)
{
	return mmap_case(h, PAST_END, PROT_READ | PROT_WRITE, MAP_SHARED);
}

static int c_mmap_too_long(struct held *h)
{
	return mmap_case(h, TOO_LONG, PROT_READ | PROT_WRITE, MAP_SHARED);
}

static int c_mmap_offset_tail(struct held *h)
{
	return mmap_case(h, TAIL, PROT_READ | PROT_WRITE, MAP_SHARED);
}

static int c_mlock(struct held *h)
{
	struct buf b;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	r = mlock(b.p, BUF_LEN) ? -errno : 0;
	if (!r) {
		r = check(b.p, BUF_LEN, SEED_A);
		munlock(b.p, BUF_LEN);
	}
	release(&b);
	return r;
}

static int c_msync(struct held *h)
{
	struct buf b;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	r = msync(b.p, BUF_LEN, MS_SYNC) ? -errno : 0;
	if (!r)
		r = check(b.p, BUF_LEN, SEED_A);
	release(&b);
	return r;
}

/* The child writes, the parent sees it; the child exits, the parent reads. */
static int c_fork(struct held *h)
{
	struct chan c;
	struct buf b;
	pid_t pid;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	pid = spawn(&c);
	if (pid < 0)
		return -errno;
	if (!pid) {
		r = check(b.p, BUF_LEN, SEED_A);
		if (!r)
			r = fill(b.p, BUF_LEN, SEED_C);
		send_int(c.up[1], r);
		_exit(0);
	}
	r = recv_int(c.up[0]);
	reap(pid);
	if (!r)
		r = check(b.p, BUF_LEN, SEED_C);
	if (!r)
		r = fill(b.p, BUF_LEN, SEED_D);
	if (!r)
		r = check(b.p, BUF_LEN, SEED_D);
	release(&b);
	return r;
}

static const struct advice {
	const char *name;
	int advice;
} advices[] = {
	{ "NORMAL", MADV_NORMAL }, { "RANDOM", MADV_RANDOM },
	{ "SEQUENTIAL", MADV_SEQUENTIAL }, { "WILLNEED", MADV_WILLNEED },
	{ "DONTNEED", MADV_DONTNEED }, { "DONTNEED_LOCKED", MADV_DONTNEED_LOCKED },
	{ "FREE", MADV_FREE }, { "REMOVE", MADV_REMOVE },
	{ "DONTFORK", MADV_DONTFORK }, { "DOFORK", MADV_DOFORK },
	{ "MERGEABLE", MADV_MERGEABLE }, { "UNMERGEABLE", MADV_UNMERGEABLE },
	{ "HUGEPAGE", MADV_HUGEPAGE }, { "NOHUGEPAGE", MADV_NOHUGEPAGE },
	{ "DONTDUMP", MADV_DONTDUMP }, { "DODUMP", MADV_DODUMP },
	{ "WIPEONFORK", MADV_WIPEONFORK }, { "KEEPONFORK", MADV_KEEPONFORK },
	{ "COLD", MADV_COLD }, { "PAGEOUT", MADV_PAGEOUT },
	{ "POPULATE_READ", MADV_POPULATE_READ },
	{ "POPULATE_WRITE", MADV_POPULATE_WRITE },
	{ "COLLAPSE", MADV_COLLAPSE }, { "HWPOISON", MADV_HWPOISON },
	{ "SOFT_OFFLINE", MADV_SOFT_OFFLINE },
};

/*
 * The advice on the middle half of the mapping, which splits the VMA
 * where the advice changes its flags; then the whole buffer must read
 * its data, whatever madvise() answered.
 */
static int c_madvise(struct held *h, const struct advice *a)
{
	int r, intact;
	struct buf b;

	/* A user of the heap need not be root, and must not poison pages. */
	if ((a->advice == MADV_HWPOISON || a->advice == MADV_SOFT_OFFLINE) &&
	    !geteuid())
		return R_NOT_DROPPED;
	r = setup(&b, h);
	if (r)
		return r;
	r = madvise(b.p + BUF_LEN / 4, BUF_LEN / 2, a->advice) ? -errno : 0;
	intact = check(b.p, BUF_LEN, SEED_A);
	if (!intact)
		intact = fill(b.p, BUF_LEN, SEED_C);
	if (!intact)
		intact = check(b.p, BUF_LEN, SEED_C);
	release(&b);
	if (!r || !intact)
		return r ?: intact;
	snprintf(custom, sizeof(custom), "%s+", res_name(r));
	snprintf(custom + strlen(custom), sizeof(custom) - strlen(custom), "%s",
		 res_name(intact));
	return R_CUSTOM;
}

/* --- the cases: lifetimes ------------------------------------------------- */

static int c_close_while_mapped(struct held *h)
{
	struct buf b;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	close(b.fd);
	b.fd = -1;
	r = check(b.p, BUF_LEN, SEED_A);
	if (!r)
		r = fill(b.p, BUF_LEN, SEED_C);
	if (!r)
		r = check(b.p, BUF_LEN, SEED_C);
	release(&b);
	return r;
}

/*
 * A child maps the buffer through the fd it inherited and writes it; it
 * is killed. With @last, this process has dropped its mapping and fd
 * first, so that the kill frees the buffer; otherwise this process still
 * reads the child's data and writes its own.
 */
static int kill_case(struct held *h, int last)
{
	struct chan c;
	struct buf b;
	pid_t pid;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	pid = spawn(&c);
	if (pid < 0)
		return -errno;
	if (!pid) {
		unsigned char *q = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
					MAP_SHARED, b.fd, 0);

		munmap(b.p, BUF_LEN);
		close(b.fd);
		r = q == MAP_FAILED ? -errno : fill(q, BUF_LEN, SEED_C);
		send_int(c.up[1], r);
		pause();
		_exit(0);
	}
	r = recv_int(c.up[0]);
	if (last)
		release(&b);
	reap(pid);
	if (!last) {
		if (!r)
			r = check(b.p, BUF_LEN, SEED_C);
		if (!r)
			r = fill(b.p, BUF_LEN, SEED_D);
		if (!r)
			r = check(b.p, BUF_LEN, SEED_D);
		release(&b);
	}
	return r;
}

static int c_two_process_kill(struct held *h)
{
	return kill_case(h, 0);
}

static int c_two_process_kill_last(struct held *h)
{
	return kill_case(h, 1);
}

static int c_touch_after_munmap(struct held *h)
{
	struct buf b;
	int r;

	r = setup(&b, h);
	if (r)
		return r;
	munmap(b.p, BUF_LEN);
	r = touch(b.p);
	b.p = NULL;
	release(&b);
	return r;
}

/* --- the table ------------------------------------------------------------ */

struct attack {
	const char *name;
	int (*fn)(struct held *h);
	unsigned int guard;	/* seconds, 0 for GUARD_S */
};

static const struct attack attacks[] = {
	{ "vmsplice", c_vmsplice, 0 },
	{ "vmsplice-gift", c_vmsplice_gift, 0 },
	{ "odirect-read", c_odirect_read, 0 },
	{ "odirect-write", c_odirect_write, 0 },
	/*
	 * A long-term pin of a CMA page migrates it first, and loops while
	 * it cannot: bounded tighter, as a fixed heap never gets there.
	 */
	{ "io_uring-register", c_io_uring_register, 10 },
	{ "process_vm_readv", c_pvm_readv, 0 },
	{ "process_vm_writev", c_pvm_writev, 0 },
	{ "process_vm_readv-into-map", c_pvm_readv_into, 0 },
	{ "process_vm_writev-from-map", c_pvm_writev_from, 0 },
	{ "proc-pid-mem-read", c_proc_mem_read, 0 },
	{ "proc-pid-mem-write", c_proc_mem_write, 0 },
	{ "move_pages", c_move_pages, 0 },
	{ "pipe-copy", c_pipe_copy, 0 },
	{ "mremap-grow", c_mremap_grow, 0 },
	{ "mremap-shrink", c_mremap_shrink, 0 },
	{ "mremap-move", c_mremap_move, 0 },
	{ "mremap-dup", c_mremap_dup, 0 },
	{ "mremap-dontunmap", c_mremap_dontunmap, 0 },
	{ "munmap-partial", c_munmap_partial, 0 },
	{ "mprotect-write-rdonly", c_mprotect_write_rdonly, 0 },
	{ "mmap-write-rdonly", c_mmap_write_rdonly, 0 },
	{ "mprotect-none", c_mprotect_none, 0 },
	{ "map-private", c_map_private, 0 },
	{ "map-private-rdonly", c_map_private_rdonly, 0 },
	{ "mmap-offset-past-end", c_mmap_past_end, 0 },
	{ "mmap-too-long", c_mmap_too_long, 0 },
	{ "mmap-offset-tail", c_mmap_offset_tail, 0 },
	{ "mlock", c_mlock, 0 },
	{ "msync", c_msync, 0 },
	{ "fork", c_fork, 0 },
	{ "close-while-mapped", c_close_while_mapped, 0 },
	{ "two-process-kill", c_two_process_kill, 0 },
	{ "two-process-kill-last", c_two_process_kill_last, 0 },
	{ "touch-after-munmap", c_touch_after_munmap, 0 },
};

/* Case names: the attacks, then madvise-<ADVICE> for each advice. */
#define NR_CASES	(ARRAY_SIZE(attacks) + ARRAY_SIZE(advices))

static const char *case_at(size_t i, char *buf, size_t size)
{
	if (i < ARRAY_SIZE(attacks))
		return attacks[i].name;
	snprintf(buf, size, "madvise-%s", advices[i - ARRAY_SIZE(attacks)].name);
	return buf;
}

/* --- the leak check ------------------------------------------------------- */

static unsigned char readback[1 << 20];

static size_t secret_bytes(const void *p, size_t n)
{
	size_t i, found = 0;

	for (i = 0; i < n / 8; i++)
		found += ((const uint64_t *)p)[i] == SECRET;
	return found * 8;
}

/*
 * Fill leak_mb new buffers, mapped into @area, with SECRET, and count the
 * secret bytes that what the attacker holds reads.
 */
static void leak_check(struct held *h, unsigned char *area)
{
	size_t found = 0, i, off;
	int fds[64], nfds = 0, fd;
	ssize_t n;

	for (i = 0; i < leak_mb && i < ARRAY_SIZE(fds); i++) {
		unsigned char *p = area + i * BUF_LEN;

		fd = alloc_fd(O_RDWR);
		if (fd < 0)
			break;
		fds[nfds++] = fd;
		if (mmap(p, BUF_LEN, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 fd, 0) == MAP_FAILED)
			break;
		for (off = 0; off < BUF_LEN; off += 8)
			*(volatile uint64_t *)(p + off) = SECRET;
	}

	if (h->pipe >= 0) {
		fcntl(h->pipe, F_SETFL, O_NONBLOCK);
		for (i = 0; i < 64; i++) {
			n = read(h->pipe, readback, sizeof(readback));
			if (n <= 0)
				break;
			found += secret_bytes(readback, n);
		}
	}
	if (h->ring) {
		fd = memfd_create("chattack", MFD_CLOEXEC);
		if (fd >= 0) {
			n = ring_fixed(h->ring, IORING_OP_WRITE_FIXED, fd, h->ring_buf, span);
			if (n > 0 && pread(fd, readback, n, 0) == n)
				found += secret_bytes(readback, n);
			close(fd);
		}
	}
	if (h->dev && blk_fd >= 0) {
		void *tmp = scratch(span);

		if (tmp && pread(blk_fd, tmp, span, 0) == (ssize_t)span)
			found += secret_bytes(tmp, span);
	}
	/* The leak buffers are in @area, which no range overlaps. */
	for (i = 0; i < MAX_RANGES && h->range[i].p; i++) {
		unsigned char *p = h->range[i].p;

		for (off = 0; off < h->range[i].len; off += page) {
			if (mapped(p + off) && !copy_in(readback, p + off, page))
				found += secret_bytes(readback, page);
		}
	}
	if (found)
		emit("%s LEAK %zu\n", case_name, found);
	while (nfds)
		close(fds[--nfds]);
}

/* --- running a case ------------------------------------------------------- */

static int drop_privileges(void)
{
	if (getuid() && geteuid())
		return 0;
	if (setgroups(0, NULL) || setgid(NOBODY) || setuid(NOBODY))
		return -errno;
	/*
	 * Dumpable again, so that /proc/self/mem opens and a process of the
	 * same user may process_vm_readv() it, as any user's process.
	 */
	prctl(PR_SET_DUMPABLE, 1);
	return 0;
}

static void catch_faults(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* In the case's child: drop to nobody, attack, report, check for leaks. */
static void run_case(size_t idx, const char *name)
{
	const struct attack *a = idx < ARRAY_SIZE(attacks) ? &attacks[idx] : NULL;
	struct held h;
	unsigned char *area;
	int r;

	setpgid(0, 0);
	memset(&h, 0, sizeof(h));
	h.pipe = -1;
	case_name = name;
	catch_faults();
	alarm(a && a->guard ? a->guard : GUARD_S);
	/* Taken first, so that no range the attack maps falls in it. */
	area = mmap(NULL, leak_mb * BUF_LEN, PROT_NONE,
		    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (area == MAP_FAILED)
		_exit(4);
	r = drop_privileges();
	if (!r)
		r = a ? a->fn(&h) : c_madvise(&h, &advices[idx - ARRAY_SIZE(attacks)]);
	emit("%s %s\n", name, res_name(r));
	rep->has_result = 1;
	alarm(GUARD_LEAK_S);
	leak_check(&h, area);
	_exit(0);
}

/* Wait for @pid, at most @secs seconds, then kill it: its wait status. */
static int wait_bounded(pid_t pid, unsigned int secs, int *killed)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };
	unsigned long n;
	int status = 0;

	*killed = 0;
	for (n = 0; n < secs * 100UL; n++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		nanosleep(&ts, NULL);
	}
	*killed = 1;
	kill(pid, SIGKILL);
	for (n = 0; n < 1000; n++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			break;
		nanosleep(&ts, NULL);
	}
	return status;
}

static void run(size_t idx)
{
	char buf[64];
	const char *name = case_at(idx, buf, sizeof(buf));
	int status, killed;
	pid_t pid;

	memset(rep, 0, sizeof(*rep));
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("%s %s\n", name, strerrorname_np(errno));
		return;
	}
	if (!pid)
		run_case(idx, name);
	status = wait_bounded(pid, GUARD_S + GUARD_LEAK_S + 30, &killed);
	kill(-pid, SIGKILL);	/* whatever the case left behind */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	fputs(rep->text, stdout);
	if (rep->has_result)
		return;
	if (killed)
		printf("%s HUNG\n", name);
	else if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		printf("%s TIMEOUT\n", name);
	else if (WIFSIGNALED(status))
		printf("%s SIG%s\n", name, sigabbrev_np(WTERMSIG(status)) ?: "?");
	else
		printf("%s EXIT-%d\n", name, WEXITSTATUS(status));
}

static int open_heap(const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* --hold: the mapping outlives what the shell does to its heap. */
static int hold(const char *name, const char *file)
{
	struct buf b = { .fd = -1 };
	struct held h;
	unsigned long n;
	int r;

	memset(&h, 0, sizeof(h));
	catch_faults();
	heap_fd = open_heap(name);
	if (heap_fd < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	r = drop_privileges();
	if (!r)
		r = setup(&b, &h);
	close(heap_fd);
	if (r) {
		printf("%s\n", res_name(r));
		return 1;
	}
	puts("HELD");
	fflush(stdout);
	for (n = 0; access(file, F_OK) && n < 60000; n++)
		usleep(10000);
	r = check(b.p, BUF_LEN, SEED_A);
	if (!r)
		r = fill(b.p, BUF_LEN, SEED_C);
	if (!r)
		r = check(b.p, BUF_LEN, SEED_C);
	release(&b);
	puts(res_name(r));
	return 0;
}

/* --vmflags: how the heap maps a buffer, as smaps shows it. */
static int vmflags(const char *name)
{
	char line[512], start[32];
	int found = 0, r;
	struct held h;
	struct buf b;
	FILE *f;

	memset(&h, 0, sizeof(h));
	heap_fd = open_heap(name);
	if (heap_fd < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	r = setup(&b, &h);
	if (r) {
		printf("%s\n", res_name(r));
		return 1;
	}
	snprintf(start, sizeof(start), "%lx-", (unsigned long)(uintptr_t)b.p);
	f = fopen("/proc/self/smaps", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, start, strlen(start))) {
			found = 1;
		} else if (found && !strncmp(line, "VmFlags:", 8)) {
			line[strcspn(line, "\n")] = '\0';
			for (r = strlen(line); r > 8 && line[r - 1] == ' '; r--)
				line[r - 1] = '\0';
			puts(line + 8 + strspn(line + 8, " "));
			break;
		}
	}
	if (f)
		fclose(f);
	release(&b);
	return 0;
}

int main(int argc, char **argv)
{
	const char *dev = getenv("CHATTACK_BLOCKDEV"), *mb = getenv("CHATTACK_LEAK_MB");
	char buf[64];
	size_t i;
	int a;

	page = sysconf(_SC_PAGESIZE);
	span = page > 65536 ? page : 65536;
	if (argc == 2 && !strcmp(argv[1], "--list")) {
		for (i = 0; i < NR_CASES; i++)
			puts(case_at(i, buf, sizeof(buf)));
		return 0;
	}
	if (argc == 4 && !strcmp(argv[1], "--hold"))
		return hold(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "--vmflags"))
		return vmflags(argv[2]);
	if (argc < 2 || argv[1][0] == '-') {
		fputs("usage: chattack HEAP [CASE...] | --list | --hold HEAP FILE |\n"
		      "       chattack --vmflags HEAP\n",
		      stderr);
		return 2;
	}
	if (mb && strtoul(mb, NULL, 0))
		leak_mb = strtoul(mb, NULL, 0);
	if (leak_mb > 64)
		leak_mb = 64;
	heap_fd = open_heap(argv[1]);
	if (heap_fd < 0) {
		fprintf(stderr, "chattack: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	if (dev && *dev) {
		blk_fd = open(dev, O_RDWR | O_DIRECT | O_CLOEXEC);
		if (blk_fd < 0)
			blk_err = -errno;
	}
	rep = mmap(NULL, sizeof(*rep), PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rep == MAP_FAILED)
		return 1;
	/* Orphans of a case (its helpers) are reaped here, not by init. */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	for (i = 0; i < NR_CASES; i++) {
		const char *name = case_at(i, buf, sizeof(buf));

		if (argc > 2) {
			for (a = 2; a < argc && strcmp(argv[a], name); a++)
				;
			if (a == argc)
				continue;
		}
		run(i);
	}
	if (argc > 2) {		/* names that match no case */
		for (a = 2; a < argc; a++) {
			for (i = 0; i < NR_CASES; i++)
				if (!strcmp(argv[a], case_at(i, buf, sizeof(buf))))
					break;
			if (i == NR_CASES)
				printf("%s UNKNOWN\n", argv[a]);
		}
	}
	return 0;
}
