// SPDX-License-Identifier: GPL-2.0
/*
 * chbuf: exercise one dma-buf from a heap the way its users do, for the
 * end-to-end tests. Each step prints "<step> OK" or "<step> <ERRNO>":
 *
 *   chbuf HEAP LEN
 *
 * alloc, whole and offset shared mmaps, refused private and out-of-range
 * mmaps, DMA_BUF_IOCTL_SYNC, DMA_BUF_SET_NAME (read back from fdinfo),
 * import by vgem (/dev/dri/card0), which attaches and maps it, and by
 * chimport.ko, which vmaps it; then a second, read-only buffer (O_RDONLY),
 * which maps shared for reading only.
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
#include <unistd.h>

#include <drm.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>

static size_t page;

/* Print a step's result: @err is 0 or a negative errno. */
static void step(const char *name, int err)
{
	printf("%s %s\n", name, err ? strerrorname_np(-err) : "OK");
}

/* Each page starts with its index. */
static void fill(unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len / page; i++)
		*(uint64_t *)(p + i * page) = i;
}

static int check(const unsigned char *p, size_t first, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (*(const uint64_t *)(p + i * page) != first + i)
			return -EIO;
	return 0;
}

static int mmap_check(int fd, size_t off, size_t len, int flags)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, fd, off);
	int err;

	if (p == MAP_FAILED)
		return -errno;
	err = check(p, off / page, len / page);
	munmap(p, len);
	return err;
}

/* Whether the file at @path contains @want: 0 or a negative errno. */
static int file_has(const char *path, const char *want)
{
	static char buf[65536];
	ssize_t n;
	int f;

	f = open(path, O_RDONLY);
	if (f < 0)
		return -errno;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n < 0)
		return -EIO;
	buf[n] = '\0';
	return strstr(buf, want) ? 0 : -ENOENT;
}

static int fdinfo_has(int fd, const char *want)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	return file_has(path, want);
}

/* chimport.ko vmaps the buffer, and fills it or checks its bytes. */
static int kernel_vmap(const char *op, int fd, int byte)
{
	char cmd[64];
	int f = open("/sys/kernel/debug/chimport/vmap", O_WRONLY | O_CLOEXEC);
	int n = snprintf(cmd, sizeof(cmd), "%s %d %d", op, fd, byte), err = 0;

	if (f < 0)
		return -errno;
	if (write(f, cmd, n) != n)
		err = -errno;
	close(f);
	return err;
}

/* Whether @len bytes of dma-buf @fd all read @byte through mmap. */
static int mmap_all(int fd, size_t len, int byte)
{
	unsigned char *p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	size_t i;
	int err = 0;

	if (p == MAP_FAILED)
		return -errno;
	for (i = 0; i < len && !err; i++)
		if (p[i] != byte)
			err = -EBADMSG;
	munmap(p, len);
	return err;
}

/* vgem imports the buffer: it attaches and maps it for its device. */
static int vgem_import(int fd)
{
	struct drm_prime_handle prime = { .fd = fd };
	struct drm_gem_close close_arg = {};
	int dri, err;

	dri = open("/dev/dri/card0", O_RDWR);
	if (dri < 0)
		return -errno;
	err = ioctl(dri, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime) < 0 ? -errno : 0;
	step("vgem-import", err);
	if (!err) {
		/* debugfs lists the devices attached to each buffer. */
		step("vgem-attached", file_has("/sys/kernel/debug/dma_buf/bufinfo",
					       "\tvgem\n"));
		close_arg.handle = prime.handle;
		err = ioctl(dri, DRM_IOCTL_GEM_CLOSE, &close_arg) < 0 ? -errno : 0;
	}
	close(dri);
	return err;
}

/*
 * A buffer allocated O_RDONLY maps shared for reading, as with the mainline
 * heaps, reads as zeroes, and refuses a writable mapping.
 */
static int read_only(const char *name, size_t len)
{
	struct dma_heap_allocation_data data = {
		.len = len, .fd_flags = O_RDONLY | O_CLOEXEC,
	};
	char path[256];
	const unsigned char *p;
	int heap, err = 0;
	size_t i;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", name);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	if (heap < 0 || ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0) {
		step("rdonly-alloc", -errno);
		return 1;
	}
	close(heap);
	step("rdonly-alloc", 0);
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, data.fd, 0);
	if (p == MAP_FAILED) {
		step("rdonly-mmap-shared", -errno);
	} else {
		step("rdonly-mmap-shared", 0);
		for (i = 0; i < len; i++)
			if (p[i])
				err = -EIO;
		step("rdonly-zeroed", err);
		munmap((void *)p, len);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, data.fd, 0);
	step("rdonly-mmap-write", p == MAP_FAILED ? -errno : 0);
	if (p != MAP_FAILED)
		munmap((void *)p, len);
	step("rdonly-release", close(data.fd) < 0 ? -errno : 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct dma_heap_allocation_data data = { .fd_flags = O_RDWR | O_CLOEXEC };
	struct dma_buf_sync sync;
	char path[256], want[128];
	int heap, fd;
	size_t len;
	void *p;

	if (argc != 3) {
		fprintf(stderr, "usage: chbuf HEAP LEN\n");
		return 2;
	}
	page = sysconf(_SC_PAGESIZE);
	len = strtoull(argv[2], NULL, 0);
	data.len = len;

	snprintf(path, sizeof(path), "/dev/dma_heap/%s", argv[1]);
	heap = open(path, O_RDONLY | O_CLOEXEC);
	if (heap < 0 || ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &data) < 0) {
		step("alloc", -errno);
		return 1;
	}
	close(heap);
	fd = data.fd;
	step("alloc", 0);
	step("vmap-zeroed", kernel_vmap("check", fd, 0));

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		step("mmap", -errno);
		return 1;
	}
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_WRITE;
	step("sync-start", ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 ? -errno : 0);
	fill(p, len);
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_WRITE;
	step("sync-end", ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 ? -errno : 0);
	sync.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW | 0x100;
	step("sync-bad-flags", ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync) < 0 ? -errno : 0);
	step("mmap", check(p, 0, len / page));
	munmap(p, len);

	/* Offsets that do and do not fall on chunk boundaries. */
	step("mmap-offset-page", mmap_check(fd, 5 * page, 3 * page, MAP_SHARED));
	step("mmap-offset-tail", mmap_check(fd, len - page, page, MAP_SHARED));
	step("mmap-beyond", mmap_check(fd, len, page, MAP_SHARED));
	step("mmap-too-long", mmap_check(fd, 0, len + page, MAP_SHARED));
	step("mmap-private", mmap_check(fd, 0, page, MAP_PRIVATE));
	step("vmap-fill", kernel_vmap("fill", fd, 0x5a));
	step("vmap-seen-by-mmap", mmap_all(fd, len, 0x5a));

	step("set-name", ioctl(fd, DMA_BUF_SET_NAME_B, "cam0-frame") < 0 ? -errno : 0);
	step("fdinfo-name", fdinfo_has(fd, "name:\tcam0-frame"));
	snprintf(want, sizeof(want), "exp_name:\t%s\n", argv[1]);
	step("fdinfo-exp-name", fdinfo_has(fd, want));

	step("vgem-close", vgem_import(fd));
	step("release", close(fd) < 0 ? -errno : 0);
	return read_only(argv[1], len);
}
