// SPDX-License-Identifier: GPL-2.0
/*
 * chfail: fault injection sweeps for the end-to-end tests, on a kernel
 * with CONFIG_FAULT_INJECTION. For n = 1, 2, ... it arms the n-th fault
 * injection point this thread meets (/proc/thread-self/fail-nth), so that
 * only the operation under test fails, and never exec or libc, runs the
 * operation once and prints
 *
 *   <n> <OK|ERRNO> <injected|missed>
 *
 * until the operation runs without meeting the armed point; then "END".
 *
 *   chfail alloc HEAP LEN     DMA_HEAP_IOCTL_ALLOC of LEN bytes
 *   chfail import HEAP LEN    vgem attaches and maps a buffer of LEN bytes
 *   chfail mkdir DIR          mkdir of a configfs heap directory (removed
 *                             again when it succeeds)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <drm.h>
#include <linux/dma-heap.h>

#define MAX_STEPS	5000

static int heap_alloc(const char *name, unsigned long len, int *fd)
{
	struct dma_heap_allocation_data data = {
		.len = len, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	char path[256];
	int heap, err = 0;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		return errno;
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
		err = errno;
	close(heap);
	*fd = data.fd;
	return err;
}

/* Write @n to fail-nth: arm the n-th fault point (0 disarms). */
static int arm(int nth, int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	return pwrite(nth, buf, len, 0) == len ? 0 : errno;
}

/* Whether the armed point was met: fail-nth reads 0 once it fired. */
static int fired(int nth)
{
	char buf[16] = "";

	if (pread(nth, buf, sizeof(buf) - 1, 0) <= 0)
		return 0;
	return atoi(buf) == 0;
}

int main(int argc, char **argv)
{
	int nth, n, err, dri = -1, hit;
	const char *op = argc > 2 ? argv[1] : "";
	unsigned long len = argc > 3 ? strtoul(argv[3], NULL, 0) : 0;

	if (!(argc == 4 && (!strcmp(op, "alloc") || !strcmp(op, "import"))) &&
	    !(argc == 3 && !strcmp(op, "mkdir"))) {
		fputs("usage: chfail alloc|import HEAP LEN | mkdir DIR\n", stderr);
		return 2;
	}
	nth = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (nth < 0) {
		puts(strerrorname_np(errno));
		return 1;
	}
	for (n = 1; n <= MAX_STEPS; n++) {
		struct drm_prime_handle prime = {};
		int buf = -1;

		if (!strcmp(op, "import")) {
			/* The buffer and the device come first, unarmed. */
			err = heap_alloc(argv[2], len, &buf);
			if (!err && dri < 0)
				dri = open("/dev/dri/card0", O_RDWR | O_CLOEXEC);
			if (err || dri < 0) {
				puts(strerrorname_np(err ?: errno));
				return 1;
			}
			prime.fd = buf;
		}
		err = arm(nth, n);
		if (err) {
			puts(strerrorname_np(err));
			return 1;
		}
		if (!strcmp(op, "alloc"))
			err = heap_alloc(argv[2], len, &buf);
		else if (!strcmp(op, "import"))
			err = ioctl(dri, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime) < 0 ? errno : 0;
		else
			err = mkdir(argv[2], 0755) < 0 ? errno : 0;
		hit = fired(nth);
		arm(nth, 0);

		if (!strcmp(op, "alloc") && !err)
			close(buf);
		if (!strcmp(op, "import")) {
			if (!err) {
				struct drm_gem_close gem = { .handle = prime.handle };

				ioctl(dri, DRM_IOCTL_GEM_CLOSE, &gem);
			}
			close(buf);
		}
		if (!strcmp(op, "mkdir") && !err)
			rmdir(argv[2]);
		printf("%d %s %s\n", n, err ? strerrorname_np(err) : "OK",
		       hit ? "injected" : "missed");
		if (!hit)
			break;
	}
	puts("END");
	return 0;
}
