// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf_bench: time the dma-buf exporter against every in-tree exporter
 * that does the same job, in one boot, on the same sizes and mappings.
 *
 * Three kinds of buffer, each with its own peers (issue 17):
 *   cached      ours (ALLOC, flags 0) against the system heap, udmabuf on
 *               a shmem memfd, udmabuf on a hugetlb memfd (huge pages
 *               reserved here through /proc/sys/vm/nr_hugepages) and vgem
 *               dumb buffers exported with PRIME;
 *   contiguous  ours (ALLOC_CONTIGUOUS) against the CMA heap;
 *   wc          ours (ALLOC_WRITECOMBINE) against vgem, whose CPU
 *               mappings are write-combined.
 * udmabuf's memfd is created per buffer and counts in its time; vgem's
 * buffer is CREATE_DUMB, PRIME_HANDLE_TO_FD and GEM_CLOSE.  The devices
 * are opened once; what is timed is what a user pays per buffer.
 *
 * Cases of the cached and contiguous kinds:
 *   alloc_free    allocate, free (drop every reference);
 *   alloc_touch   allocate, mmap, write one byte a page, munmap, free;
 *   mmap          mmap and munmap an allocated buffer, no access;
 *   sync          DMA_BUF_IOCTL_SYNC START then END (read/write);
 *   import        DMA_BUF_EXPORTER_IOCTL_IMPORT with MAP_ONLY: attach,
 *                 map, unmap, detach by the exporter's in-kernel importer;
 * and of the wc kind:
 *   alloc_free    as above;
 *   first_read    mmap an allocated buffer, read one byte a page (each
 *                 read faults the page in), munmap;
 *   read          read the whole buffer, 8 bytes at a time, through a
 *                 mapping made and touched beforehand;
 *   write         memset the whole buffer through that mapping.
 * Sizes: 4 KiB, 64 KiB, 1 MiB, 16 MiB, 64 MiB, and 256 MiB for
 * alloc_free and alloc_touch when the guest has four times that free.
 * The floor: memset of the same number of bytes into memory that is
 * already mapped and touched, timed after the exporters' samples of the
 * row.  Not between them: in wall-clock TCG its memset of up to 64 MiB
 * made the next operation slow (the host's caches, QEMU's TLB), and
 * ours, which always ran next, read 29.6x the best peer on sync 64M
 * (1.36x once the floor went after; icount, which counts instructions
 * only, 1.20x either way).
 *
 * Every buffer is mapped at a 2 MiB-aligned address (a PROT_NONE
 * reservation of len + 2 MiB, then MAP_FIXED | MAP_SHARED inside it), so
 * an exporter with a PMD huge_fault handler can use 2 MiB entries.
 *
 * Each sample is timed with CLOCK_MONOTONIC; below 64 KiB a sample is a
 * batch of operations (see batch()) divided by the batch length, so that
 * the clock's own cost does not dominate.  After a warm-up, the exporters
 * take turns sample by sample, so drift in the guest hits them alike, in
 * an order drawn anew for each sample (shuffle()), so that no exporter
 * always runs right after one whose operation leaves the host's caches
 * cold (vgem's mmap of a 64 MiB buffer populates it).
 *
 * Output, each line with a prefix so that it can be picked out of a
 * console log: "bench: " progress for humans, "bench-csv: " one CSV line
 * per row (median, min, quartiles and max of every exporter and of the
 * floor, in ns; "NaN" where an exporter does not do the row's job or
 * failed).  scripts/bench-report.py turns the CSVs of several boots into
 * the table, the ratios, their spread and the targets.
 *
 * Usage: dmabuf_bench [-r REPS]  (REPS: samples per exporter and row,
 * instead of the default that depends on the size, see reps()).
 * Exits 1 if our cached buffers fail; a missing peer is reported as n/a.
 *
 * With bench_rows=ROWS in the environment (the guest's command line puts
 * it there: make bench KCMDLINE=bench_rows=ROWS), ROWS being all or a
 * comma-separated list of CASE or CASE:SIZE (alloc_free:4K), only those
 * rows run, of every kind.
 *
 * Profile mode (make bench PROFILE=1): with bench_profile=ROWS, the
 * chosen rows are not timed but profiled: for each exporter of the row in
 * turn, the same operations as the samples run under the ftrace
 * function profiler (CONFIG_FUNCTION_PROFILER), and the PROFILE_LINES
 * functions that took the most time (callees included) on CPU 0, where
 * the program is pinned, are printed as "bench-prof: ".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <drm/drm.h>
#include <drm/drm_mode.h>
#include <linux/dma-buf.h>
#include <linux/dma-buf-exporter.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

/* IMPORT is the test interface: drivers/dma-buf/ of the kernel tree */
#include "exporter_test.h"

#define SZ_4K		(4UL << 10)
#define SZ_64K		(64UL << 10)
#define SZ_1M		(1UL << 20)
#define SZ_2M		(2UL << 20)
#define SZ_16M		(16UL << 20)
#define SZ_64M		(64UL << 20)
#define SZ_256M		(256UL << 20)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_1M, SZ_16M, SZ_64M, SZ_256M };

struct buf {
	int fd;
	__u32 handle;
};

struct exporter {
	const char *name;
	const char *path;	/* NULL: found by open_vgem() */
	__u32 flags;		/* ours: ALLOC flags */
	int dev;
	int (*alloc)(struct exporter *exp, size_t size, struct buf *buf);
	void (*free)(struct exporter *exp, struct buf *buf);
};

static size_t page_size, huge_page_size;

static int ours_alloc(struct exporter *exp, size_t size, struct buf *buf)
{
	struct dma_buf_exporter_alloc_data data = {
		.size = size,
		.flags = exp->flags,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	if (ioctl(exp->dev, DMA_BUF_EXPORTER_IOCTL_ALLOC, &data))
		return -1;
	buf->fd = data.fd;
	buf->handle = data.handle;
	return 0;
}

static void ours_free(struct exporter *exp, struct buf *buf)
{
	struct dma_buf_exporter_free_data data = { .handle = buf->handle };

	ioctl(exp->dev, DMA_BUF_EXPORTER_IOCTL_FREE, &data);
	close(buf->fd);
}

static int heap_alloc(struct exporter *exp, size_t size, struct buf *buf)
{
	struct dma_heap_allocation_data data = {
		.len = size,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};

	if (ioctl(exp->dev, DMA_HEAP_IOCTL_ALLOC, &data))
		return -1;
	buf->fd = data.fd;
	return 0;
}

/*
 * udmabuf over a new memfd; with MFD_HUGETLB the memfd is a whole number
 * of huge pages and the buffer its first @size bytes.
 */
static int udmabuf_memfd_alloc(struct exporter *exp, size_t size,
			       struct buf *buf, unsigned int mfd_flags)
{
	struct udmabuf_create create = {
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.size = size,
	};
	size_t len = size;
	int memfd, fd = -1, err;

	if (mfd_flags & MFD_HUGETLB)
		len = (size + huge_page_size - 1) & ~(huge_page_size - 1);
	memfd = memfd_create("dmabuf-bench",
			     MFD_ALLOW_SEALING | MFD_CLOEXEC | mfd_flags);
	if (memfd < 0)
		return -1;
	if (!ftruncate(memfd, len) &&
	    !fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		create.memfd = memfd;
		fd = ioctl(exp->dev, UDMABUF_CREATE, &create);
	}
	err = errno;
	close(memfd);
	errno = err;
	if (fd < 0)
		return -1;
	buf->fd = fd;
	return 0;
}

static int udmabuf_alloc(struct exporter *exp, size_t size, struct buf *buf)
{
	return udmabuf_memfd_alloc(exp, size, buf, 0);
}

static int udmabuf_huge_alloc(struct exporter *exp, size_t size,
			      struct buf *buf)
{
	return udmabuf_memfd_alloc(exp, size, buf, MFD_HUGETLB);
}

/* A vgem dumb buffer of @size bytes (rows of one page), as a dma-buf fd */
static int vgem_alloc(struct exporter *exp, size_t size, struct buf *buf)
{
	struct drm_mode_create_dumb dumb = {
		.width = page_size / 4,
		.height = size / page_size,
		.bpp = 32,
	};
	struct drm_prime_handle prime = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_gem_close gem_close = { 0 };
	int ret, err;

	if (ioctl(exp->dev, DRM_IOCTL_MODE_CREATE_DUMB, &dumb))
		return -1;
	prime.handle = dumb.handle;
	ret = ioctl(exp->dev, DRM_IOCTL_PRIME_HANDLE_TO_FD, &prime);
	err = errno;
	/* The dma-buf holds the object; the handle is not needed */
	gem_close.handle = dumb.handle;
	ioctl(exp->dev, DRM_IOCTL_GEM_CLOSE, &gem_close);
	errno = err;
	if (ret)
		return -1;
	buf->fd = prime.fd;
	return 0;
}

static void fd_free(struct exporter *exp, struct buf *buf)
{
	close(buf->fd);
}

/* The DRM device of vgem, or -1 */
static int open_vgem(void)
{
	char path[32], name[16];
	int i, fd;

	for (i = 0; i < 16; i++) {
		struct drm_version v = {
			.name = name,
			.name_len = sizeof(name) - 1,
		};

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		memset(name, 0, sizeof(name));
		if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem"))
			return fd;
		close(fd);
	}
	errno = ENODEV;
	return -1;
}

enum {
	OURS, OURS_CONTIG, OURS_WC,
	SYSTEM, UDMABUF, UDMABUF_HUGE, VGEM, CMA,
	NR_EXPORTERS
};

/*
 * The CMA heap of the default area: "default_cma_region" on 7.3 (the
 * heap's DEFAULT_CMA_NAME), "reserved" on 6.12 (the area's own name).
 */
static const char * const cma_heaps[] = {
	"/dev/dma_heap/default_cma_region", "/dev/dma_heap/reserved",
};

static struct exporter exporters[NR_EXPORTERS] = {
	[OURS] = { "ours", "/dev/dma_buf_exporter", 0, -1, ours_alloc, ours_free },
	[OURS_CONTIG] = { "ours-contig", "/dev/dma_buf_exporter",
			  DMA_BUF_EXPORTER_ALLOC_CONTIGUOUS, -1, ours_alloc, ours_free },
	[OURS_WC] = { "ours-wc", "/dev/dma_buf_exporter",
		      DMA_BUF_EXPORTER_ALLOC_WRITECOMBINE, -1, ours_alloc, ours_free },
	[SYSTEM] = { "system", "/dev/dma_heap/system", 0, -1, heap_alloc, fd_free },
	[UDMABUF] = { "udmabuf", "/dev/udmabuf", 0, -1, udmabuf_alloc, fd_free },
	[UDMABUF_HUGE] = { "udmabuf-huge", "/dev/udmabuf", 0, -1,
			   udmabuf_huge_alloc, fd_free },
	[VGEM] = { "vgem", NULL, 0, -1, vgem_alloc, fd_free },
	[CMA] = { "cma", "", 0, -1, heap_alloc, fd_free },
};

enum kind { CACHED, CONTIG, WC, NR_KINDS };

static const char * const kind_names[NR_KINDS] = {
	[CACHED] = "cached", [CONTIG] = "contiguous", [WC] = "wc",
};

/* Who does each kind's job: ours first, then its peers */
static const int kind_exporters[NR_KINDS][NR_EXPORTERS] = {
	[CACHED] = { OURS, SYSTEM, UDMABUF, UDMABUF_HUGE, VGEM, -1 },
	[CONTIG] = { OURS_CONTIG, CMA, -1 },
	[WC] = { OURS_WC, VGEM, -1 },
};

enum bench_case {
	ALLOC_FREE, ALLOC_TOUCH, MMAP, SYNC, IMPORT, FIRST_READ, READ, WRITE,
	NR_CASES
};

static const char * const case_names[NR_CASES] = {
	[ALLOC_FREE] = "alloc_free",
	[ALLOC_TOUCH] = "alloc_touch",
	[MMAP] = "mmap",
	[SYNC] = "sync",
	[IMPORT] = "import",
	[FIRST_READ] = "first_read",
	[READ] = "read",
	[WRITE] = "write",
};

static const enum bench_case kind_cases[NR_KINDS][NR_CASES + 1] = {
	[CACHED] = { ALLOC_FREE, ALLOC_TOUCH, MMAP, SYNC, IMPORT, NR_CASES },
	[CONTIG] = { ALLOC_FREE, ALLOC_TOUCH, MMAP, SYNC, IMPORT, NR_CASES },
	[WC] = { ALLOC_FREE, FIRST_READ, READ, WRITE, NR_CASES },
};

/* Cases that run on one buffer allocated beforehand */
static bool case_prealloc(enum bench_case c)
{
	return c != ALLOC_FREE && c != ALLOC_TOUCH;
}

/* Cases that also need that buffer mapped and touched beforehand */
static bool case_premap(enum bench_case c)
{
	return c == READ || c == WRITE;
}

static int ours_dev = -1;	/* for IMPORT: the importer is ours */

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Map @len bytes of @fd shared at a 2 MiB-aligned address; the whole
 * reservation is returned in @resv for unmap().
 */
static char *map(int fd, size_t len, void **resv)
{
	char *r, *p;

	r = mmap(NULL, len + SZ_2M, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (r == MAP_FAILED)
		return NULL;
	p = (char *)(((uintptr_t)r + SZ_2M - 1) & ~(SZ_2M - 1));
	if (mmap(p, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 fd, 0) == MAP_FAILED) {
		int err = errno;

		munmap(r, len + SZ_2M);
		errno = err;
		return NULL;
	}
	*resv = r;
	return p;
}

static void unmap(void *resv, size_t len)
{
	munmap(resv, len + SZ_2M);
}

static void touch(char *p, size_t len)
{
	size_t off;

	for (off = 0; off < len; off += page_size)
		p[off] = 1;
	/* The stores must happen before the munmap that follows */
	__asm__ __volatile__("" : : "r"(p) : "memory");
}

/* Read one byte a page (@stride) or every word (@stride 8) of @p */
static void read_all(const char *p, size_t len, size_t stride)
{
	__u64 sum = 0;
	size_t off;

	for (off = 0; off < len; off += stride)
		sum += *(const volatile __u64 *)(p + off);
	/* The loads must not be dropped */
	__asm__ __volatile__("" : : "r"(sum) : "memory");
}

static int sync_pair(int fd)
{
	struct dma_buf_sync sync = {
		.flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW,
	};

	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync))
		return -1;
	sync.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	return ioctl(fd, DMA_BUF_IOCTL_SYNC, &sync);
}

static int import(int fd)
{
	struct dma_buf_exporter_import_data data = {
		.fd = fd,
		.flags = DMA_BUF_EXPORTER_IMPORT_MAP_ONLY,
		.direction = DMA_BUF_EXPORTER_DMA_BIDIRECTIONAL,
	};

	return ioctl(ours_dev, DMA_BUF_EXPORTER_IOCTL_IMPORT, &data);
}

/* The buffer of a prealloc case, mapped for READ and WRITE */
struct pre {
	struct buf buf;
	char *p;
	void *resv;
};

/* One operation of case @c; 0 or -1 with errno set. */
static int run_once(enum bench_case c, struct exporter *exp, size_t len,
		    struct pre *pre)
{
	struct buf buf;
	void *resv;
	char *p;

	switch (c) {
	case ALLOC_FREE:
		if (exp->alloc(exp, len, &buf))
			return -1;
		exp->free(exp, &buf);
		return 0;
	case ALLOC_TOUCH:
		if (exp->alloc(exp, len, &buf))
			return -1;
		p = map(buf.fd, len, &resv);
		if (!p) {
			int err = errno;

			exp->free(exp, &buf);
			errno = err;
			return -1;
		}
		touch(p, len);
		unmap(resv, len);
		exp->free(exp, &buf);
		return 0;
	case MMAP:
	case FIRST_READ:
		p = map(pre->buf.fd, len, &resv);
		if (!p)
			return -1;
		if (c == FIRST_READ)
			read_all(p, len, page_size);
		unmap(resv, len);
		return 0;
	case SYNC:
		return sync_pair(pre->buf.fd);
	case IMPORT:
		return import(pre->buf.fd);
	case READ:
		read_all(pre->p, len, sizeof(__u64));
		return 0;
	case WRITE:
		memset(pre->p, c, len);
		__asm__ __volatile__("" : : "r"(pre->p) : "memory");
		return 0;
	default:
		errno = EINVAL;
		return -1;
	}
}

/* The floor: memset of @len bytes into touched memory, moving through it. */
static char *floor_mem;
static size_t floor_off;

static void floor_once(size_t len)
{
	static unsigned char byte;

	if (floor_off + len > SZ_256M)
		floor_off = 0;
	memset(floor_mem + floor_off, ++byte, len);
	/* The compiler must not drop the memset of memory nobody reads */
	__asm__ __volatile__("" : : "r"(floor_mem) : "memory");
	floor_off += len;
}

/* Operations per sample: small ones are batched. */
static unsigned int batch(size_t len)
{
	return len < SZ_64K ? SZ_64K / len : 1;
}

static unsigned int reps_override;

/*
 * Samples per exporter and row: about 256 MiB of buffers per row and
 * exporter, at least 7 and at most 51 samples.  Enough where the guest's
 * clock counts instructions (make bench's icount mode: quartiles within a
 * few percent); a TCG guest at 1 ns an instruction runs a few times
 * slower than the host's clock, so fewer samples keep three boots short.
 */
static unsigned int reps(size_t len)
{
	size_t n = SZ_256M / len;

	if (reps_override)
		return reps_override;
	return n < 7 ? 7 : n > 51 ? 51 : n;
}

static unsigned int warmup(size_t len)
{
	return reps(len) / 10 > 2 ? reps(len) / 10 : 2;
}

struct stats {
	bool valid;
	double med, min, q1, q3, max;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Linear interpolation between the closest ranks of sorted @v. */
static double quantile(const double *v, unsigned int n, double q)
{
	double pos = q * (n - 1);
	unsigned int i = pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

static void summarize(double *v, unsigned int n, struct stats *s)
{
	qsort(v, n, sizeof(*v), cmp_double);
	s->valid = true;
	s->min = v[0];
	s->q1 = quantile(v, n, 0.25);
	s->med = quantile(v, n, 0.5);
	s->q3 = quantile(v, n, 0.75);
	s->max = v[n - 1];
}

struct row {
	enum kind kind;
	enum bench_case c;
	size_t len;
	unsigned int reps, batch;
	struct stats exp[NR_EXPORTERS];
	struct stats floor;
};

static void report_failure(const struct exporter *exp, const struct row *row,
			   const char *what)
{
	printf("bench: %s: %s %s %zu bytes: %s%s: n/a\n", exp->name,
	       kind_names[row->kind], case_names[row->c], row->len, what,
	       strerror(errno));
}

static const char *size_name(size_t len)
{
	static char s[4][16];
	static unsigned int i;
	char *p = s[i++ % 4];

	if (len >= SZ_1M)
		snprintf(p, 16, "%zuM", len >> 20);
	else
		snprintf(p, 16, "%zuK", len >> 10);
	return p;
}

#define TRACEFS		"/sys/kernel/tracing"
#define PROFILE_LINES	250

static const char *profile_rows;	/* bench_profile=, NULL: time rows */
static const char *only_rows;		/* bench_rows=, NULL: every row */

/* Is row (@c, @len) in @rows, a list of all, CASE or CASE:SIZE? */
static bool row_listed(const char *rows, enum bench_case c, size_t len)
{
	char *list = strdup(rows), *tok, *save, *size;
	bool want = false;

	for (tok = strtok_r(list, ",", &save); tok && !want;
	     tok = strtok_r(NULL, ",", &save)) {
		size = strchr(tok, ':');
		if (size)
			*size++ = '\0';
		want = (!strcmp(tok, "all") || !strcmp(tok, case_names[c])) &&
		       (!size || !strcmp(size, size_name(len)));
	}
	free(list);
	return want;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -1;
	ret = write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
	close(fd);
	return ret;
}

static bool profile_setup(void)
{
	struct stat st;

	if (stat(TRACEFS "/function_profile_enabled", &st) &&
	    mount("tracefs", TRACEFS, "tracefs", 0, NULL)) {
		perror("bench: mount tracefs");
		return false;
	}
	if (stat(TRACEFS "/function_profile_enabled", &st)) {
		printf("bench: no function profiler: build with make bench PROFILE=1\n");
		return false;
	}
	if (write_file(TRACEFS "/function_profile_enabled", "1")) {
		perror("bench: function_profile_enabled");
		return false;
	}
	return true;
}

/* One function's line of trace_stat/function0 */
struct prof_fn {
	char name[96];
	unsigned long hits;
	double us;
};

static int cmp_prof_name(const void *a, const void *b)
{
	return strcmp(((const struct prof_fn *)a)->name,
		      ((const struct prof_fn *)b)->name);
}

static int cmp_prof_us(const void *a, const void *b)
{
	double x = ((const struct prof_fn *)a)->us;
	double y = ((const struct prof_fn *)b)->us;

	return x > y ? -1 : x < y;
}

/* Read trace_stat/function0 into *@fns, sorted by name; the count. */
static size_t profile_read(struct prof_fn **fns)
{
	size_t n = 0, cap = 0;
	char line[256];
	FILE *f = fopen(TRACEFS "/trace_stat/function0", "r");

	*fns = NULL;
	if (!f) {
		perror("bench: trace_stat/function0");
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		struct prof_fn fn;

		if (sscanf(line, " %95s %lu %lf", fn.name, &fn.hits, &fn.us) != 3)
			continue;	/* the header, its underline */
		if (n == cap) {
			cap = cap ? 2 * cap : 4096;
			*fns = realloc(*fns, cap * sizeof(**fns));
			if (!*fns) {
				perror("realloc");
				exit(1);
			}
		}
		(*fns)[n++] = fn;
	}
	fclose(f);
	qsort(*fns, n, sizeof(**fns), cmp_prof_name);
	return n;
}

/*
 * Profile @n batches of @b operations of @exp on the row's job: the
 * difference of two snapshots of the profile, which stays on from
 * profile_setup() to the end (turning it off and on again hung the
 * 7.3-rc7 guest under TCG).  The first snapshot's own reading adds
 * seq_file functions to the difference.
 */
static void profile_exporter(struct row *row, struct exporter *exp,
			     struct pre *pre, unsigned int n, unsigned int b)
{
	struct prof_fn *before, *after, *old;
	size_t nb, na, k;
	unsigned int i;

	nb = profile_read(&before);
	for (i = 0; i < n * b; i++) {
		if (run_once(row->c, exp, row->len, pre)) {
			report_failure(exp, row, "");
			break;
		}
	}
	na = profile_read(&after);
	for (k = 0; k < na; k++) {
		old = nb ? bsearch(&after[k], before, nb, sizeof(*before),
				   cmp_prof_name) : NULL;
		if (old) {
			after[k].hits -= old->hits;
			after[k].us -= old->us;
		}
	}
	qsort(after, na, sizeof(*after), cmp_prof_us);
	printf("bench-prof: %s %s %s %s: %u operations; function hits us\n",
	       kind_names[row->kind], case_names[row->c], size_name(row->len),
	       exp->name, i);
	for (k = 0; k < na && k < PROFILE_LINES; k++)
		printf("bench-prof: %s %s %s %s: %-40s %8lu %12.1f\n",
		       kind_names[row->kind], case_names[row->c],
		       size_name(row->len), exp->name, after[k].name,
		       after[k].hits, after[k].us);
	free(before);
	free(after);
}

/*
 * @order[0..@n) = 0..@n-1 in an order of their own each round (Fisher-Yates
 * on a fixed-seed generator, so every boot draws the same orders): which
 * exporter runs after which changes from sample to sample.
 */
static void shuffle(unsigned int *order, unsigned int n)
{
	static __u64 state = 0x853c49e6748fea9bULL;
	unsigned int i, j, t;

	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; i > 0; i--) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		j = (state >> 33) % (i + 1);
		t = order[i];
		order[i] = order[j];
		order[j] = t;
	}
}

/* Time the samples of every exporter of the row's kind and of the floor. */
static int run_row(struct row *row)
{
	const int *ids = kind_exporters[row->kind];
	unsigned int n = row->reps, b = row->batch, w = warmup(row->len);
	struct pre pre[NR_EXPORTERS];
	bool ok[NR_EXPORTERS] = { false }, have_pre[NR_EXPORTERS] = { false };
	double *samples[NR_EXPORTERS + 1];
	unsigned int i, j, k, o;
	int ret = 0;

	for (k = 0; k <= NR_EXPORTERS; k++) {
		samples[k] = calloc(n, sizeof(double));
		if (!samples[k]) {
			perror("calloc");
			exit(1);
		}
	}
	for (i = 0; i < NR_EXPORTERS && ids[i] >= 0; i++) {
		struct exporter *exp = &exporters[ids[i]];

		k = ids[i];
		ok[k] = exp->dev >= 0;
		if (!ok[k] || !case_prealloc(row->c))
			continue;
		if (exp->alloc(exp, row->len, &pre[k].buf)) {
			report_failure(exp, row, "allocation failed: ");
			ok[k] = false;
			continue;
		}
		have_pre[k] = true;
		if (!case_premap(row->c))
			continue;
		pre[k].p = map(pre[k].buf.fd, row->len, &pre[k].resv);
		if (!pre[k].p) {
			report_failure(exp, row, "mmap failed: ");
			ok[k] = false;
			continue;
		}
		touch(pre[k].p, row->len);
	}
	if (profile_rows) {
		for (k = 0; k < NR_EXPORTERS; k++) {
			if (ok[k])
				profile_exporter(row, &exporters[k], &pre[k], n, b);
		}
		w = n = 0;	/* no samples */
	}
	for (i = 0; i < w + n; i++) {
		unsigned int order[NR_EXPORTERS];
		__u64 t0, t1;

		shuffle(order, NR_EXPORTERS);
		for (o = 0; o < NR_EXPORTERS; o++) {
			struct exporter *exp = &exporters[order[o]];

			k = order[o];
			if (!ok[k])
				continue;
			t0 = now_ns();
			for (j = 0; j < b; j++) {
				if (run_once(row->c, exp, row->len, &pre[k]))
					break;
			}
			t1 = now_ns();
			if (j < b) {
				report_failure(exp, row, "");
				ok[k] = false;
				continue;
			}
			if (i >= w)
				samples[k][i - w] = (double)(t1 - t0) / b;
		}
	}
	/* Not between the exporters' samples: see "The floor" above. */
	for (i = 0; i < w + n; i++) {
		__u64 t0, t1;

		t0 = now_ns();
		for (j = 0; j < b; j++)
			floor_once(row->len);
		t1 = now_ns();
		if (i >= w)
			samples[NR_EXPORTERS][i - w] = (double)(t1 - t0) / b;
	}
	for (k = 0; k < NR_EXPORTERS; k++) {
		if (ok[k] && n)
			summarize(samples[k], n, &row->exp[k]);
		else if (!ok[k] && k == OURS && row->kind == CACHED)
			ret = -1;
		if (have_pre[k] && case_premap(row->c) && pre[k].p)
			unmap(pre[k].resv, row->len);
		if (have_pre[k])
			exporters[k].free(&exporters[k], &pre[k].buf);
	}
	if (n)
		summarize(samples[NR_EXPORTERS], n, &row->floor);
	for (k = 0; k <= NR_EXPORTERS; k++)
		free(samples[k]);
	return ret;
}


static void csv_stats(const struct stats *s)
{
	if (s->valid)
		printf(",%.0f,%.0f,%.0f,%.0f,%.0f", s->med, s->min, s->q1,
		       s->q3, s->max);
	else
		printf(",NaN,NaN,NaN,NaN,NaN");
}

static void csv_header(void)
{
	unsigned int k;

	printf("bench-csv: kind,case,size_bytes,label,reps,batch");
	for (k = 0; k <= NR_EXPORTERS; k++) {
		const char *name = k < NR_EXPORTERS ? exporters[k].name : "floor";

		printf(",%s_median_ns,%s_min_ns,%s_q1_ns,%s_q3_ns,%s_max_ns",
		       name, name, name, name, name);
	}
	putchar('\n');
}

static void csv_row(const struct row *row)
{
	unsigned int k;

	printf("bench-csv: %s,%s,%zu,%s%s%s %s,%u,%u", kind_names[row->kind],
	       case_names[row->c], row->len,
	       row->kind == CACHED ? "" : kind_names[row->kind],
	       row->kind == CACHED ? "" : " ", case_names[row->c],
	       size_name(row->len), row->reps, row->batch);
	for (k = 0; k < NR_EXPORTERS; k++)
		csv_stats(&row->exp[k]);
	csv_stats(&row->floor);
	putchar('\n');
}

/*
 * Reserve huge pages for udmabuf-huge: two buffers of the largest size
 * (the one allocated beforehand and the one allocated per sample).
 */
static void reserve_huge_pages(size_t largest)
{
	char line[128];
	FILE *f;
	long want = 0, got = 0;

	f = fopen("/proc/meminfo", "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Hugepagesize: %zu kB", &huge_page_size) == 1)
			huge_page_size <<= 10;
	if (f)
		fclose(f);
	if (huge_page_size)
		want = 2 * ((largest + huge_page_size - 1) / huge_page_size);
	f = fopen("/proc/sys/vm/nr_hugepages", "w");
	if (f) {
		fprintf(f, "%ld\n", want);
		fclose(f);
	}
	f = fopen("/proc/sys/vm/nr_hugepages", "r");
	if (!f || fscanf(f, "%ld", &got) != 1)
		got = 0;
	if (f)
		fclose(f);
	printf("bench: huge pages of %zu KiB: %ld reserved of %ld wanted\n",
	       huge_page_size >> 10, got, want);
	if (!got) {
		printf("bench: udmabuf-huge: no huge pages (CONFIG_HUGETLBFS=n?): n/a\n");
		exporters[UDMABUF_HUGE].dev = -1;
	}
}

static void open_exporters(void)
{
	unsigned int i, k;

	for (k = 0; k < NR_EXPORTERS; k++) {
		struct exporter *exp = &exporters[k];

		if (k == VGEM) {
			exp->dev = open_vgem();
		} else if (k == CMA) {
			for (i = 0; i < ARRAY_SIZE(cma_heaps); i++) {
				exp->path = cma_heaps[i];
				exp->dev = open(exp->path, O_RDWR | O_CLOEXEC);
				if (exp->dev >= 0)
					break;
			}
		} else {
			exp->dev = open(exp->path, O_RDWR | O_CLOEXEC);
		}
		if (exp->dev < 0)
			printf("bench: %s: cannot open %s: %s: n/a\n", exp->name,
			       exp->path ? exp->path : "vgem's /dev/dri/card*",
			       strerror(errno));
		else
			printf("bench: %s: %s\n", exp->name,
			       exp->path ? exp->path : "vgem's /dev/dri/card*");
	}
}

/*
 * Run on CPU 0 only: where the scheduler puts the program is then not
 * one more thing a boot decides.  It is not what moves alloc_free 4K
 * between boots: three icount boots gave ours / the system heap 1.365,
 * 1.533 and 1.400 unpinned, and 1.531, 1.531 and 1.400 pinned.
 */
static void pin_to_cpu0(void)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		printf("bench: cannot pin to CPU 0: %s\n", strerror(errno));
	else
		printf("bench: pinned to CPU 0\n");
}

int main(int argc, char **argv)
{
	struct utsname uts;
	size_t largest = SZ_64M;
	unsigned int i, k, s, nr_rows = 0;
	struct row row;
	__u64 start;
	int opt, ret = 0;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt == 'r')
			reps_override = strtoul(optarg, NULL, 0);
		if (opt != 'r' || reps_override < 1) {
			fprintf(stderr, "usage: %s [-r REPS]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	pin_to_cpu0();
	page_size = sysconf(_SC_PAGESIZE);
	uname(&uts);
	printf("bench: kernel %s %s, %ld CPUs, %ld MiB RAM, page %zu\n",
	       uts.release, uts.machine, sysconf(_SC_NPROCESSORS_ONLN),
	       (long)(sysconf(_SC_PHYS_PAGES) * page_size >> 20), page_size);
	/* 256 MiB rows where a buffer, the floor and two more fit 4 times */
	if ((size_t)sysconf(_SC_AVPHYS_PAGES) * page_size >= 4 * 4 * SZ_256M)
		largest = SZ_256M;
	else
		printf("bench: less than 4 GiB free: no 256M rows\n");

	profile_rows = getenv("bench_profile");
	only_rows = getenv("bench_rows");
	if (profile_rows && !profile_setup())
		return 1;
	open_exporters();
	ours_dev = exporters[OURS].dev;
	if (ours_dev < 0)
		return 1;
	reserve_huge_pages(largest);

	floor_mem = mmap(NULL, SZ_256M, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (floor_mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	touch(floor_mem, SZ_256M);

	if (!profile_rows)
		csv_header();
	start = now_ns();
	for (k = 0; k < NR_KINDS; k++) {
		for (i = 0; kind_cases[k][i] != NR_CASES; i++) {
			for (s = 0; s < ARRAY_SIZE(sizes); s++) {
				enum bench_case c = kind_cases[k][i];
				__u64 t0 = now_ns();

				if (sizes[s] > largest ||
				    (sizes[s] > SZ_64M && c != ALLOC_FREE &&
				     c != ALLOC_TOUCH) ||
				    (profile_rows && !row_listed(profile_rows, c, sizes[s])) ||
				    (only_rows && !row_listed(only_rows, c, sizes[s])))
					continue;
				memset(&row, 0, sizeof(row));
				row.kind = k;
				row.c = c;
				row.len = sizes[s];
				row.reps = reps(sizes[s]);
				row.batch = batch(sizes[s]);
				if (run_row(&row))
					ret = 1;
				if (!profile_rows)
					csv_row(&row);
				nr_rows++;
				printf("bench: %s %s %s: %u samples of %u after %u warm-up, %.1f s\n",
				       kind_names[k], case_names[c],
				       size_name(sizes[s]), row.reps, row.batch,
				       warmup(sizes[s]), (now_ns() - t0) / 1e9);
			}
		}
	}
	printf("bench: %u rows in %.1f s; medians, quartiles, in ns\n",
	       nr_rows, (now_ns() - start) / 1e9);
	return ret;
}
