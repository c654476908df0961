// SPDX-License-Identifier: GPL-2.0
/*
 * dmabuf_bench: time the dma-buf exporter against the system heap and
 * udmabuf, in one run, on the same sizes and the same mappings.
 *
 * Exporters: "ours" (/dev/dma_buf_exporter, ALLOC and FREE plus close),
 * "system" (/dev/dma_heap/system) and "udmabuf" (/dev/udmabuf over a
 * sealed memfd; creating the memfd counts in its time).  The devices are
 * opened once; what is timed is what a user pays per buffer.
 *
 * Cases, at 4 KiB, 64 KiB, 1 MiB, 16 MiB and 64 MiB:
 *   alloc_free    allocate, free (drop every reference);
 *   alloc_touch   allocate, mmap, write one byte a page, munmap, free;
 *   mmap          mmap and munmap an allocated buffer, no access;
 *   sync          DMA_BUF_IOCTL_SYNC START then END (read/write);
 *   import        DMA_BUF_EXPORTER_IOCTL_IMPORT with MAP_ONLY: attach,
 *                 map, unmap, detach by the exporter's in-kernel importer;
 * and the floor: memset of the same number of bytes into memory that is
 * already mapped and touched.
 *
 * Every buffer is mapped at a 2 MiB-aligned address (a PROT_NONE
 * reservation of len + 2 MiB, then MAP_FIXED | MAP_SHARED inside it), so
 * an exporter with a PMD huge_fault handler can use 2 MiB entries.
 *
 * Each sample is timed with CLOCK_MONOTONIC; below 64 KiB a sample is a
 * batch of operations (see batch()) divided by the batch length, so that
 * the clock's own cost does not dominate.  After a warm-up, the exporters
 * take turns sample by sample, so drift in the guest hits them alike.
 *
 * Output, each line with a prefix so that it can be picked out of a
 * console log: "bench: " the table and the targets of issue 5 for humans,
 * "bench-csv: " one CSV line per row (median, min, quartiles and max of
 * every exporter and the floor, in ns, and the ratios).
 *
 * Usage: dmabuf_bench [-r REPS]  (REPS: samples per exporter and row,
 * instead of the default that depends on the size, see reps()).
 * Exits 1 if our exporter fails; a missing peer is reported as n/a.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>

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

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const size_t sizes[] = { SZ_4K, SZ_64K, SZ_1M, SZ_16M, SZ_64M };

struct buf {
	int fd;
	__u32 handle;
};

struct exporter {
	const char *name;
	const char *path;
	int dev;
	int (*alloc)(struct exporter *exp, size_t size, struct buf *buf);
	void (*free)(struct exporter *exp, struct buf *buf);
};

static int ours_alloc(struct exporter *exp, size_t size, struct buf *buf)
{
	struct dma_buf_exporter_alloc_data data = {
		.size = size,
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

static int udmabuf_alloc(struct exporter *exp, size_t size, struct buf *buf)
{
	struct udmabuf_create create = {
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.size = size,
	};
	int memfd, fd = -1, err;

	memfd = memfd_create("dmabuf-bench", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0)
		return -1;
	if (!ftruncate(memfd, size) &&
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

static void fd_free(struct exporter *exp, struct buf *buf)
{
	close(buf->fd);
}

enum { OURS, SYSTEM, UDMABUF, NR_EXPORTERS };

static struct exporter exporters[NR_EXPORTERS] = {
	[OURS] = { "ours", "/dev/dma_buf_exporter", -1, ours_alloc, ours_free },
	[SYSTEM] = { "system", "/dev/dma_heap/system", -1, heap_alloc, fd_free },
	[UDMABUF] = { "udmabuf", "/dev/udmabuf", -1, udmabuf_alloc, fd_free },
};

enum bench_case { ALLOC_FREE, ALLOC_TOUCH, MMAP, SYNC, IMPORT, NR_CASES };

static const char * const case_names[NR_CASES] = {
	[ALLOC_FREE] = "alloc_free",
	[ALLOC_TOUCH] = "alloc_touch",
	[MMAP] = "mmap",
	[SYNC] = "sync",
	[IMPORT] = "import",
};

/* Cases that run on one buffer allocated beforehand */
static bool case_prealloc(enum bench_case c)
{
	return c == MMAP || c == SYNC || c == IMPORT;
}

static size_t page_size;
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

/* One operation of case @c; 0 or -1 with errno set. */
static int run_once(enum bench_case c, struct exporter *exp, size_t len,
		    struct buf *pre)
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
		p = map(pre->fd, len, &resv);
		if (!p)
			return -1;
		unmap(resv, len);
		return 0;
	case SYNC:
		return sync_pair(pre->fd);
	case IMPORT:
		return import(pre->fd);
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

	if (floor_off + len > SZ_64M)
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
 * Samples per exporter and row: about 1 GiB of buffers per row and
 * exporter, at least 11 and at most 101 samples.  Under TCG the whole run
 * takes a few minutes, see README.md.
 */
static unsigned int reps(size_t len)
{
	size_t n = (1UL << 30) / len;

	if (reps_override)
		return reps_override;
	return n < 11 ? 11 : n > 101 ? 101 : n;
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
	enum bench_case c;
	size_t len;
	unsigned int reps, batch;
	struct stats exp[NR_EXPORTERS];
	struct stats floor;
};

static struct row rows[NR_CASES * ARRAY_SIZE(sizes)];
static unsigned int nr_rows;

/* Time @n samples of every exporter (and the floor) on one row. */
static int run_row(struct row *row)
{
	unsigned int n = row->reps, b = row->batch, w = warmup(row->len);
	struct buf pre[NR_EXPORTERS];
	bool ok[NR_EXPORTERS], have_pre[NR_EXPORTERS] = { false };
	double *samples[NR_EXPORTERS + 1];
	unsigned int i, j, k;
	int ret = 0;

	for (k = 0; k <= NR_EXPORTERS; k++) {
		samples[k] = calloc(n, sizeof(double));
		if (!samples[k]) {
			perror("calloc");
			exit(1);
		}
	}
	for (k = 0; k < NR_EXPORTERS; k++) {
		struct exporter *exp = &exporters[k];

		ok[k] = exp->dev >= 0;
		if (!ok[k] || !case_prealloc(row->c))
			continue;
		if (exp->alloc(exp, row->len, &pre[k])) {
			printf("bench: %s: %s %zu bytes: allocation failed: %s\n",
			       exp->name, case_names[row->c], row->len,
			       strerror(errno));
			ok[k] = false;
		} else {
			have_pre[k] = true;
		}
	}
	for (i = 0; i < w + n; i++) {
		for (k = 0; k < NR_EXPORTERS; k++) {
			struct exporter *exp = &exporters[k];
			__u64 t0, t1;

			if (!ok[k])
				continue;
			t0 = now_ns();
			for (j = 0; j < b; j++) {
				if (run_once(row->c, exp, row->len, &pre[k]))
					break;
			}
			t1 = now_ns();
			if (j < b) {
				printf("bench: %s: %s %zu bytes: %s\n",
				       exp->name, case_names[row->c], row->len,
				       strerror(errno));
				ok[k] = false;
				continue;
			}
			if (i >= w)
				samples[k][i - w] = (double)(t1 - t0) / b;
		}
		if (row->c == ALLOC_FREE) {
			__u64 t0 = now_ns(), t1;

			for (j = 0; j < b; j++)
				floor_once(row->len);
			t1 = now_ns();
			if (i >= w)
				samples[NR_EXPORTERS][i - w] = (double)(t1 - t0) / b;
		}
	}
	for (k = 0; k < NR_EXPORTERS; k++) {
		if (ok[k])
			summarize(samples[k], n, &row->exp[k]);
		else if (k == OURS)
			ret = -1;
		if (have_pre[k])
			exporters[k].free(&exporters[k], &pre[k]);
	}
	if (row->c == ALLOC_FREE)
		summarize(samples[NR_EXPORTERS], n, &row->floor);
	for (k = 0; k <= NR_EXPORTERS; k++)
		free(samples[k]);
	return ret;
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

/* @ns in a unit that leaves 3 significant digits */
static const char *time_name(const struct stats *s)
{
	static char buf[8][16];
	static unsigned int i;
	char *p = buf[i++ % 8];
	double t;

	if (!s->valid)
		return "n/a";
	t = s->med;
	if (t < 1e3)
		snprintf(p, 16, "%.0fns", t);
	else if (t < 1e6)
		snprintf(p, 16, "%.3gus", t / 1e3);
	else if (t < 1e9)
		snprintf(p, 16, "%.3gms", t / 1e6);
	else
		snprintf(p, 16, "%.3gs", t / 1e9);
	return p;
}

/* The floor of a row: the memset of the same size */
static const struct stats *floor_of(size_t len)
{
	unsigned int i;

	for (i = 0; i < nr_rows; i++)
		if (rows[i].c == ALLOC_FREE && rows[i].len == len)
			return &rows[i].floor;
	return NULL;
}

/* The faster peer of a row, or -1 if none ran. */
static int best_peer(const struct row *row)
{
	int k, best = -1;

	for (k = OURS + 1; k < NR_EXPORTERS; k++)
		if (row->exp[k].valid &&
		    (best < 0 || row->exp[k].med < row->exp[best].med))
			best = k;
	return best;
}

static double ratio_peer(const struct row *row)
{
	int p = best_peer(row);

	if (p < 0 || !row->exp[OURS].valid)
		return NAN;
	return row->exp[OURS].med / row->exp[p].med;
}

static double ratio_floor(const struct row *row)
{
	const struct stats *f = floor_of(row->len);

	if (!f || !f->valid || !row->exp[OURS].valid)
		return NAN;
	return row->exp[OURS].med / f->med;
}

static struct row *find_row(enum bench_case c, size_t len)
{
	unsigned int i;

	for (i = 0; i < nr_rows; i++)
		if (rows[i].c == c && rows[i].len == len)
			return &rows[i];
	return NULL;
}

static void print_table(void)
{
	unsigned int i, k;

	printf("bench: %-12s %4s %9s %9s %9s %9s %7s %9s %10s\n",
	       "case", "size", "ours", "system", "udmabuf", "floor",
	       "ours IQR", "ours/peer", "ours/floor");
	for (i = 0; i < nr_rows; i++) {
		const struct row *row = &rows[i];
		const struct stats *o = &row->exp[OURS];
		char iqr[16] = "n/a";

		if (o->valid)
			snprintf(iqr, sizeof(iqr), "%.0f%%",
				 100 * (o->q3 - o->q1) / o->med);
		printf("bench: %-12s %4s", case_names[row->c],
		       size_name(row->len));
		for (k = 0; k < NR_EXPORTERS; k++)
			printf(" %9s", time_name(&row->exp[k]));
		printf(" %9s %8s %8.3gx %9.3gx\n",
		       time_name(floor_of(row->len)), iqr,
		       ratio_peer(row), ratio_floor(row));
	}
}

static void csv_stats(const struct stats *s)
{
	if (s->valid)
		printf(",%.0f,%.0f,%.0f,%.0f,%.0f", s->med, s->min, s->q1,
		       s->q3, s->max);
	else
		printf(",NaN,NaN,NaN,NaN,NaN");
}

static void print_csv(void)
{
	static const char * const cols[] = { "ours", "system", "udmabuf", "floor" };
	unsigned int i, k;

	printf("bench-csv: case,size_bytes,label,reps,batch");
	for (k = 0; k < ARRAY_SIZE(cols); k++)
		printf(",%s_median_ns,%s_min_ns,%s_q1_ns,%s_q3_ns,%s_max_ns",
		       cols[k], cols[k], cols[k], cols[k], cols[k]);
	printf(",ours_per_best_peer,ours_per_floor\n");
	for (i = 0; i < nr_rows; i++) {
		const struct row *row = &rows[i];

		printf("bench-csv: %s,%zu,%s %s,%u,%u", case_names[row->c],
		       row->len, case_names[row->c], size_name(row->len),
		       row->reps, row->batch);
		for (k = 0; k < NR_EXPORTERS; k++)
			csv_stats(&row->exp[k]);
		csv_stats(floor_of(row->len));
		printf(",%.3f,%.3f\n", ratio_peer(row), ratio_floor(row));
	}
}

/* "bench: target: WHAT: " and the verdict, as printf */
static void verdict(const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("bench: target: %s: ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The targets of issue 5, each met or missed and by how much. */
static void print_targets(void)
{
	static const size_t touch_sizes[] = { SZ_16M, SZ_64M };
	unsigned int i, k, missed = 0, n = 0;
	const struct row *row;
	char what[80];
	bool all;
	double r;

	for (i = 0; i < nr_rows; i++) {
		r = ratio_peer(&rows[i]);
		if (isnan(r))
			continue;
		n++;
		missed += r > 1.0;
	}
	verdict("ours <= 1.0x the best peer on every row", "%s on %u of %u rows",
		missed ? "MISSED" : "met", missed ? missed : n, n);
	for (i = 0; i < nr_rows; i++) {
		row = &rows[i];
		r = ratio_peer(row);
		if (isnan(r) || r <= 1.0)
			continue;
		printf("bench:   missed: %s %s: %.2fx %s (%.0f%% slower)\n",
		       case_names[row->c], size_name(row->len), r,
		       exporters[best_peer(row)].name, 100 * (r - 1));
	}

	for (i = 0; i < ARRAY_SIZE(touch_sizes); i++) {
		snprintf(what, sizeof(what),
			 "alloc_touch %s >= 2x faster than the system heap",
			 size_name(touch_sizes[i]));
		row = find_row(ALLOC_TOUCH, touch_sizes[i]);
		if (!row || !row->exp[OURS].valid || !row->exp[SYSTEM].valid) {
			verdict(what, "n/a");
			continue;
		}
		r = row->exp[SYSTEM].med / row->exp[OURS].med;
		verdict(what, "%s (system heap / ours = %.2f%s)",
			r >= 2 ? "met" : "MISSED", r, r >= 2 ? "" : ", needs >= 2");
	}

	row = find_row(ALLOC_FREE, SZ_64M);
	r = row ? ratio_floor(row) : NAN;
	snprintf(what, sizeof(what), "alloc_free 64M within 1.25x of the memset floor");
	if (isnan(r))
		verdict(what, "n/a");
	else
		verdict(what, "%s (%.2fx the floor%s)", r <= 1.25 ? "met" : "MISSED",
			r, r <= 1.25 ? "" : ", needs <= 1.25x");

	snprintf(what, sizeof(what), "alloc_free 4K faster than the system heap and udmabuf");
	row = find_row(ALLOC_FREE, SZ_4K);
	if (!row || !row->exp[OURS].valid) {
		verdict(what, "n/a");
		return;
	}
	printf("bench: target: %s:", what);
	all = true;
	for (k = SYSTEM; k < NR_EXPORTERS; k++) {
		if (!row->exp[k].valid)
			continue;
		r = row->exp[OURS].med / row->exp[k].med;
		all = all && r < 1.0;
		printf(" %.2fx %s,", r, exporters[k].name);
	}
	printf(" %s\n", all ? "met" : "MISSED");
}

int main(int argc, char **argv)
{
	struct utsname uts;
	unsigned int i, k;
	__u64 start;
	int opt, ret = 0;
	char *p;

	while ((opt = getopt(argc, argv, "r:")) != -1) {
		if (opt == 'r')
			reps_override = strtoul(optarg, NULL, 0);
		if (opt != 'r' || reps_override < 1) {
			fprintf(stderr, "usage: %s [-r REPS]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	uname(&uts);
	printf("bench: kernel %s %s, %ld CPUs, %ld MiB RAM, page %zu\n",
	       uts.release, uts.machine, sysconf(_SC_NPROCESSORS_ONLN),
	       (long)(sysconf(_SC_PHYS_PAGES) * page_size >> 20), page_size);

	for (k = 0; k < NR_EXPORTERS; k++) {
		exporters[k].dev = open(exporters[k].path, O_RDWR | O_CLOEXEC);
		if (exporters[k].dev < 0)
			printf("bench: %s: cannot open %s: %s: n/a\n",
			       exporters[k].name, exporters[k].path,
			       strerror(errno));
	}
	ours_dev = exporters[OURS].dev;
	if (ours_dev < 0)
		return 1;

	floor_mem = mmap(NULL, SZ_64M, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (floor_mem == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	for (p = floor_mem; p < floor_mem + SZ_64M; p += page_size)
		*p = 1;

	start = now_ns();
	for (i = 0; i < NR_CASES; i++) {
		for (k = 0; k < ARRAY_SIZE(sizes); k++) {
			struct row *row = &rows[nr_rows++];
			__u64 t0 = now_ns();

			row->c = i;
			row->len = sizes[k];
			row->reps = reps(sizes[k]);
			row->batch = batch(sizes[k]);
			if (run_row(row))
				ret = 1;
			printf("bench: %s %s: %u samples of %u after %u warm-up, %.1f s\n",
			       case_names[i], size_name(sizes[k]), row->reps,
			       row->batch, warmup(sizes[k]),
			       (now_ns() - t0) / 1e9);
		}
	}
	printf("bench: all rows in %.1f s; medians, IQR = (q3 - q1) / median\n",
	       (now_ns() - start) / 1e9);
	print_table();
	print_csv();
	print_targets();
	return ret;
}
