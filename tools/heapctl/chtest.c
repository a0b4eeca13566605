// SPDX-License-Identifier: GPL-2.0
/*
 * chtest: raw ABI probes for the end-to-end tests. Each command prints
 * "OK" or the errno's name (EBUSY, EINVAL, ...), so that a shell test can
 * assert the exact errno of a configfs write or an allocation.
 *
 *   chtest write FILE STRING      write STRING ("\n" is a newline) at once
 *   chtest alloc HEAP LEN [FD_FLAGS [HEAP_FLAGS]]
 *   chtest hold HEAP LEN FILE     allocate, map, print HELD, wait for FILE,
 *                                 then check the mapping and release
 *   chtest open HEAP LEN FILE     open the heap, print OPEN, wait for FILE,
 *                                 then allocate through the fd opened before
 *   chtest mkdir DIR | rmdir DIR  make or remove a directory (configfs)
 *   chtest loop N HEAP LEN        allocate and free N times, print
 *                                 "<succeeded> <failed>"
 *   chtest stale N HEAP LEN       N times: allocate, check that every byte
 *                                 reads zero, fill with 0xa5 and free;
 *                                 print "<clean> <stale>"
 *   chtest ref HEAP LEN           allocate, have chimport.ko take a reference
 *                                 on the first page, and free the buffer
 *   chtest timed COMMAND...       run COMMAND, print its result and the
 *                                 milliseconds it took ("OK 2")
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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

static int timed;
static struct timespec t0;

static int result(int err)
{
	const char *name = err ? strerrorname_np(err) : "OK";
	struct timespec t;

	if (!timed) {
		puts(name);
		return 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("%s %ld\n", name, (t.tv_sec - t0.tv_sec) * 1000 +
	       (t.tv_nsec - t0.tv_nsec) / 1000000);
	return 0;
}

static int do_write(const char *file, const char *arg)
{
	char buf[4096];
	size_t n = 0;
	int fd;

	for (; *arg && n < sizeof(buf); arg++) {
		if (arg[0] == '\\' && arg[1] == 'n') {
			buf[n++] = '\n';
			arg++;
		} else {
			buf[n++] = *arg;
		}
	}
	fd = open(file, O_WRONLY);
	if (fd < 0)
		return result(errno);
	if (write(fd, buf, n) < 0) {
		int err = errno;

		close(fd);
		return result(err);
	}
	return result(close(fd) ? errno : 0);
}

static int heap_open(const char *heap)
{
	char path[256];

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", heap);
	return open(path, O_RDONLY);
}

static int heap_ioctl_alloc(int heap_fd, uint64_t len, uint32_t fd_flags,
			    uint64_t heap_flags, int *out)
{
	struct dma_heap_allocation_data data = {
		.len = len, .fd_flags = fd_flags, .heap_flags = heap_flags,
	};

	if (ioctl(heap_fd, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		return errno;
	*out = data.fd;
	return 0;
}

static int heap_alloc(const char *heap, uint64_t len, uint32_t fd_flags,
		      uint64_t heap_flags, int *out)
{
	int fd, ret;

	fd = heap_open(heap);
	if (fd < 0)
		return errno;
	ret = heap_ioctl_alloc(fd, len, fd_flags, heap_flags, out);
	close(fd);
	return ret;
}

static void wait_for(const char *file)
{
	while (access(file, F_OK))
		usleep(10000);
}

int main(int argc, char **argv)
{
	uint64_t len;
	int fd, err;

	if (argc >= 3 && !strcmp(argv[1], "timed")) {
		timed = 1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		argc--;
		argv++;
	}
	if (argc == 4 && !strcmp(argv[1], "write"))
		return do_write(argv[2], argv[3]);

	if (argc >= 4 && argc <= 6 && !strcmp(argv[1], "alloc")) {
		uint32_t fd_flags = argc > 4 ? strtoul(argv[4], NULL, 0) : O_RDWR | O_CLOEXEC;
		uint64_t heap_flags = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;

		len = strtoull(argv[3], NULL, 0);
		err = heap_alloc(argv[2], len, fd_flags, heap_flags, &fd);
		if (!err)
			close(fd);
		return result(err);
	}

	if (argc == 5 && !strcmp(argv[1], "hold")) {
		volatile unsigned char *p;
		uint64_t i;

		len = strtoull(argv[3], NULL, 0);
		err = heap_alloc(argv[2], len, O_RDWR | O_CLOEXEC, 0, &fd);
		if (err)
			return result(err);
		p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (p == MAP_FAILED)
			return result(errno);
		for (i = 0; i < len; i += 4096)
			p[i] = 0xa5;
		puts("HELD");
		fflush(stdout);
		wait_for(argv[4]);
		for (i = 0; i < len; i += 4096)
			if (p[i] != 0xa5)
				return result(EIO);
		munmap((void *)p, len);
		close(fd);
		return result(0);
	}

	if (argc == 5 && !strcmp(argv[1], "open")) {
		int heap_fd = heap_open(argv[2]);

		if (heap_fd < 0)
			return result(errno);
		len = strtoull(argv[3], NULL, 0);
		puts("OPEN");
		fflush(stdout);
		wait_for(argv[4]);
		err = heap_ioctl_alloc(heap_fd, len, O_RDWR | O_CLOEXEC, 0, &fd);
		if (!err)
			close(fd);
		close(heap_fd);
		return result(err);
	}

	if (argc == 4 && !strcmp(argv[1], "ref")) {
		char cmd[32];
		int dbg;

		len = strtoull(argv[3], NULL, 0);
		err = heap_alloc(argv[2], len, O_RDWR | O_CLOEXEC, 0, &fd);
		if (err)
			return result(err);
		dbg = open("/sys/kernel/debug/chimport/vmap", O_WRONLY | O_CLOEXEC);
		snprintf(cmd, sizeof(cmd), "ref %d", fd);
		if (dbg < 0 || write(dbg, cmd, strlen(cmd)) < 0)
			err = errno;
		if (dbg >= 0)
			close(dbg);
		close(fd);
		return result(err);
	}

	if (argc == 5 && !strcmp(argv[1], "loop")) {
		unsigned long n = strtoul(argv[2], NULL, 0), ok = 0, i;

		len = strtoull(argv[4], NULL, 0);
		for (i = 0; i < n; i++) {
			if (heap_alloc(argv[3], len, O_RDWR | O_CLOEXEC, 0, &fd))
				continue;
			close(fd);
			ok++;
		}
		printf("%lu %lu\n", ok, n - ok);
		return 0;
	}
	if (argc == 5 && !strcmp(argv[1], "stale")) {
		unsigned long n = strtoul(argv[2], NULL, 0), clean = 0, i, j;
		unsigned char *p;

		len = strtoull(argv[4], NULL, 0);
		for (i = 0; i < n; i++) {
			err = heap_alloc(argv[3], len, O_RDWR | O_CLOEXEC, 0, &fd);
			if (err)
				return result(err);
			p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
			if (p == MAP_FAILED)
				return result(errno);
			for (j = 0; j < len && !p[j]; j++)
				;
			clean += j == len;
			memset(p, 0xa5, len);
			munmap(p, len);
			close(fd);
		}
		printf("%lu %lu\n", clean, n - clean);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "mkdir"))
		return result(mkdir(argv[2], 0755) ? errno : 0);
	if (argc == 3 && !strcmp(argv[1], "rmdir"))
		return result(rmdir(argv[2]) ? errno : 0);

	fputs("usage: chtest write FILE STRING | alloc HEAP LEN [FD_FLAGS [HEAP_FLAGS]]\n"
	      "     | hold HEAP LEN FILE | open HEAP LEN FILE | mkdir DIR | rmdir DIR\n"
	      "     | loop N HEAP LEN | stale N HEAP LEN | timed COMMAND...\n", stderr);
	return 2;
}
