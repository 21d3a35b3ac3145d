// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: virtio-balloon (spec 5.5), how the guest gives memory back.
 *
 * Free page reporting (VIRTIO_BALLOON_F_REPORTING): the guest's page
 * allocator hands runs of free pages (2 MiB and up) to its stock
 * virtio_balloon driver, which lists them on the reporting queue; pvrun
 * drops them from its own memory with MADV_DONTNEED, so what the guest
 * no longer uses goes back to the host within seconds.  The guest touches
 * such a page again as any other: pvhost maps a fresh zeroed page
 * (Documentation/pv/mmu.rst).
 *
 * Inflation: the driver takes pages until its balloon holds num_pages
 * (the config space: --balloon SIZE at start), lists them on the inflate
 * queue, and pvrun drops those too; deflated pages (the deflate queue)
 * are simply the guest's again.  VIRTIO_BALLOON_F_MUST_TELL_HOST is not
 * offered: nothing needs to happen before the guest reuses a page.
 *
 * Every address the guest lists is checked against guest memory; the
 * guest can only drop its own pages.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "devices.h"
#include "error.h"
#include "virtio.h"

#define VIRTIO_BALLOON_F_REPORTING	5
/* The balloon's page size, whatever the guest's (spec 5.5.6). */
#define BALLOON_PAGE			4096ULL

/* Queues, as the driver numbers them with what was negotiated. */
#define INFLATEQ	0
#define DEFLATEQ	1
#define REPORTINGQ	2	/* no stats queue offered */

struct balloon_config {
	uint32_t num_pages;	/* pages the host wants in the balloon */
	uint32_t actual;	/* pages the driver has in it (it writes this) */
};

static struct balloon_config config;
static struct vchain chain;
/* Pages the guest gave up or reported, for the exit counts. */
static uint64_t dropped_pages;

/*
 * Drop [@p, @p + @len), guest memory as virtio_gmem() or a chain gives
 * it (base page aligned), from pvrun's memory.
 */
static int drop(void *p, uint64_t len)
{
	if (!p || (uintptr_t)p % BALLOON_PAGE || len % BALLOON_PAGE)
		return -1;
	if (madvise(p, len, MADV_DONTNEED))
		pr_warning("virtio-balloon: MADV_DONTNEED: %s", strerror(errno));
	else
		__atomic_fetch_add(&dropped_pages, len / BALLOON_PAGE, __ATOMIC_RELAXED);
	return 0;
}

/* The inflate queue: little-endian 32-bit page frame numbers, 4 KiB each. */
static uint32_t balloon_inflate(struct virtio_dev *dev, struct vchain *c)
{
	uint64_t first = 0, run = 0;
	uint32_t pfn;
	size_t off;

	for (off = 0; off + sizeof(pfn) <= c->read_len; off += sizeof(pfn)) {
		iov_to_buf(c->read, c->nr_read, off, &pfn, sizeof(pfn));
		/* Runs of consecutive pages go in one call. */
		if (run && pfn == first + run) {
			run++;
			continue;
		}
		if (run && drop(virtio_gmem(first * BALLOON_PAGE, run * BALLOON_PAGE),
				run * BALLOON_PAGE))
			goto bad;
		first = pfn;
		run = 1;
	}
	if (run && drop(virtio_gmem(first * BALLOON_PAGE, run * BALLOON_PAGE),
			run * BALLOON_PAGE))
		goto bad;
	return 0;
bad:
	virtio_broken(dev, "the guest put a page that is not in its memory in the balloon");
	return 0;
}

/* The deflate queue: the guest takes pages back; they need nothing. */
static uint32_t balloon_deflate(struct virtio_dev *dev, struct vchain *c)
{
	(void)dev;
	(void)c;
	return 0;
}

/*
 * The reporting queue: each device-writable buffer is a run of free
 * guest pages (its address and length are all that counts; nothing is
 * written into it).
 */
static uint32_t balloon_report(struct virtio_dev *dev, struct vchain *c)
{
	unsigned int i;

	for (i = 0; i < c->nr_write; i++) {
		if (drop(c->write[i].iov_base, c->write[i].iov_len)) {
			virtio_broken(dev, "the guest reported free pages that are not whole pages of its memory");
			break;
		}
	}
	return 0;
}

static void balloon_notify(struct virtio_dev *dev)
{
	virtio_serve(dev, INFLATEQ, &chain, balloon_inflate);
	virtio_serve(dev, DEFLATEQ, &chain, balloon_deflate);
	if (dev->driver_features & 1ULL << VIRTIO_BALLOON_F_REPORTING)
		virtio_serve(dev, REPORTINGQ, &chain, balloon_report);
}

/* The driver writes actual; num_pages is the host's. */
static void balloon_config_write(struct virtio_dev *dev, uint32_t off,
				 const void *data, uint32_t len)
{
	(void)dev;
	if (off == offsetof(struct balloon_config, actual) && len == 4)
		memcpy(&config.actual, data, 4);
}

static const struct virtio_dev_ops balloon_ops = {
	.name = "virtio-balloon",
	.device_id = VIRTIO_ID_BALLOON,
	.nr_queues = 3,
	.notify = balloon_notify,
	.config_write = balloon_config_write,
};

static struct virtio_dev balloon_dev = {
	.ops = &balloon_ops,
	.features = 1ULL << VIRTIO_BALLOON_F_REPORTING,
	.config = &config,
	.config_len = sizeof(config),
	.input_fd = -1,
};

int balloon_add(uint64_t target, uint64_t mem_size, char *err, size_t errlen)
{
	if (target % BALLOON_PAGE || target >= mem_size)
		return fail(err, errlen,
			    "less than the guest's memory, in 4 KiB pages, is wanted");
	config.num_pages = target / BALLOON_PAGE;
	if (virtio_add(&balloon_dev))
		return fail(err, errlen, "virtio-balloon: too many devices");
	return 0;
}

uint64_t balloon_dropped_pages(void)
{
	return __atomic_load_n(&dropped_pages, __ATOMIC_RELAXED);
}

uint32_t balloon_actual_pages(void)
{
	uint32_t actual;

	pthread_mutex_lock(&balloon_dev.lock);
	actual = config.actual;
	pthread_mutex_unlock(&balloon_dev.lock);
	return actual;
}
