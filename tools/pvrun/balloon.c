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
 * (the config space: --balloon SIZE at start, then the API's PATCH
 * /balloon, which tells the driver with a config interrupt), lists them
 * on the inflate queue, and pvrun drops those too; deflated pages (the
 * deflate queue) are simply the guest's again.
 * VIRTIO_BALLOON_F_MUST_TELL_HOST is not offered: nothing needs to
 * happen before the guest reuses a page.
 *
 * Statistics (VIRTIO_BALLOON_F_STATS_VQ): the driver puts one buffer of
 * (tag, value) pairs on the stats queue; pvrun keeps what it says and
 * holds the buffer, and gives it back every stats_polling_interval_s
 * seconds (a timerfd the device thread polls) to ask for fresh values.
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
#include <sys/timerfd.h>
#include <unistd.h>

#include "devices.h"
#include "error.h"
#include "virtio.h"

#define VIRTIO_BALLOON_F_STATS_VQ	1
#define VIRTIO_BALLOON_F_REPORTING	5
/* The balloon's page size, whatever the guest's (spec 5.5.6). */
#define BALLOON_PAGE			4096ULL
/*
 * The most a chain may list: Linux sends 256 page numbers (1 KiB) per
 * inflate buffer and 10 statistics; more is a guest keeping the device
 * thread (and dev->lock) busy for nothing.
 */
#define BALLOON_MAX_PFN_BYTES		(64 * 1024)
#define BALLOON_MAX_STATS_BYTES		1024

/*
 * Queues, as the driver numbers them: the ones of features not
 * negotiated take no number (the stats queue, here).
 */
#define INFLATEQ	0
#define DEFLATEQ	1

struct balloon_config {
	uint32_t num_pages;	/* pages the host wants in the balloon */
	uint32_t actual;	/* pages the driver has in it (it writes this) */
};

static struct balloon_config config;
static struct vchain chain;
/* Pages the guest gave up or reported, for the exit counts. */
static uint64_t dropped_pages;
static uint64_t guest_size;

/* Statistics: the values under stats_lock (the API reads them) ... */
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t stats[BALLOON_STATS_NR];
static uint32_t stats_seen;		/* bit n: tag n was in the buffer */
/* ... the buffer under balloon_dev.lock, the interval atomic. */
static bool stats_held;			/* the driver's buffer is ours now */
static uint16_t stats_head;
static unsigned int stats_interval;	/* seconds; 0: no polling */

static struct virtio_dev balloon_dev;

static bool negotiated(unsigned int bit)
{
	return balloon_dev.driver_features & 1ULL << bit;
}

static unsigned int stats_queue(void)
{
	return negotiated(VIRTIO_BALLOON_F_STATS_VQ) ? 2 : ~0U;
}

static unsigned int reporting_queue(void)
{
	return negotiated(VIRTIO_BALLOON_F_STATS_VQ) ? 3 : 2;
}

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
	static uint32_t pfns[BALLOON_MAX_PFN_BYTES / 4];
	uint64_t first = 0, run = 0;
	size_t i, n;

	if (c->read_len > sizeof(pfns)) {
		virtio_broken(dev, "the guest listed more pages in one buffer than a driver does");
		return 0;
	}
	n = iov_to_buf(c->read, c->nr_read, 0, pfns, c->read_len) / sizeof(pfns[0]);
	for (i = 0; i < n; i++) {
		uint32_t pfn = pfns[i];

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

/* Give the held stats buffer back: the driver refills it. */
static void stats_ask(struct virtio_dev *dev)
{
	if (!stats_held)
		return;
	stats_held = false;
	virtio_push(dev, stats_queue(), stats_head, 0);
	virtio_interrupt(dev, stats_queue());
}

/* The stats queue: keep what the buffer says, and the buffer. */
static void stats_take(struct virtio_dev *dev)
{
	struct __attribute__((packed)) { uint16_t tag; uint64_t val; }
		s[BALLOON_MAX_STATS_BYTES / 10];
	size_t i, n;

	while (virtio_pop(dev, stats_queue(), &chain) == 1) {
		stats_ask(dev);		/* (one buffer at a time is held) */
		if (chain.read_len > sizeof(s)) {
			virtio_broken(dev, "the guest gave more statistics than there are");
			return;
		}
		n = iov_to_buf(chain.read, chain.nr_read, 0, s, chain.read_len) / sizeof(s[0]);
		pthread_mutex_lock(&stats_lock);
		for (i = 0; i < n; i++) {
			if (s[i].tag < BALLOON_STATS_NR) {
				stats[s[i].tag] = s[i].val;
				stats_seen |= 1U << s[i].tag;
			}
		}
		pthread_mutex_unlock(&stats_lock);
		stats_head = chain.head;
		stats_held = true;
	}
}

static void balloon_notify(struct virtio_dev *dev)
{
	virtio_serve(dev, INFLATEQ, &chain, balloon_inflate);
	virtio_serve(dev, DEFLATEQ, &chain, balloon_deflate);
	if (negotiated(VIRTIO_BALLOON_F_STATS_VQ))
		stats_take(dev);
	if (negotiated(VIRTIO_BALLOON_F_REPORTING))
		virtio_serve(dev, reporting_queue(), &chain, balloon_report);
	dev->input_wanted = __atomic_load_n(&stats_interval, __ATOMIC_RELAXED) > 0;
}

/* The polling timer fired: ask for fresh statistics. */
static void balloon_input(struct virtio_dev *dev)
{
	uint64_t ticks;

	if (read(dev->input_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		pr_warning("virtio-balloon: timer: %s", strerror(errno));
	if (negotiated(VIRTIO_BALLOON_F_STATS_VQ))
		stats_ask(dev);
}

/*
 * A reset drops the held statistics buffer (its queue is gone).  actual
 * stays what the driver last said: Linux resets its devices at shutdown,
 * and --exit-counts reports what the balloon held.
 */
static void balloon_reset(struct virtio_dev *dev)
{
	(void)dev;
	stats_held = false;
	pthread_mutex_lock(&stats_lock);
	stats_seen = 0;
	pthread_mutex_unlock(&stats_lock);
}

/* The driver writes actual; num_pages is the host's. */
static void balloon_config_write(struct virtio_dev *dev, uint32_t off,
				 const void *data, uint32_t len)
{
	(void)dev;
	if (off == offsetof(struct balloon_config, actual) && len == 4)
		__atomic_store_n(&config.actual, *(const uint32_t *)data,
				 __ATOMIC_RELAXED);
}

static const struct virtio_dev_ops balloon_ops = {
	.name = "virtio-balloon",
	.device_id = VIRTIO_ID_BALLOON,
	.nr_queues = 4,
	.notify = balloon_notify,
	.input = balloon_input,
	.reset = balloon_reset,
	.config_write = balloon_config_write,
};

static struct virtio_dev balloon_dev = {
	.ops = &balloon_ops,
	.features = 1ULL << VIRTIO_BALLOON_F_STATS_VQ |
		    1ULL << VIRTIO_BALLOON_F_REPORTING,
	.config = &config,
	.config_len = sizeof(config),
	.input_fd = -1,
};

static bool present;

int balloon_add(uint64_t target, uint64_t mem_size, char *err, size_t errlen)
{
	if (target % BALLOON_PAGE || target >= mem_size)
		return fail(err, errlen,
			    "less than the guest's memory, in 4 KiB pages, is wanted");
	config.num_pages = target / BALLOON_PAGE;
	guest_size = mem_size;
	balloon_dev.input_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (balloon_dev.input_fd < 0)
		return fail(err, errlen, "virtio-balloon: timerfd: %s", strerror(errno));
	if (virtio_add(&balloon_dev))
		return fail(err, errlen, "virtio-balloon: too many devices");
	present = true;
	return 0;
}

bool balloon_present(void)
{
	return present;
}

uint64_t balloon_dropped_pages(void)
{
	return __atomic_load_n(&dropped_pages, __ATOMIC_RELAXED);
}

uint32_t balloon_actual_pages(void)
{
	return __atomic_load_n(&config.actual, __ATOMIC_RELAXED);
}

uint32_t balloon_target_pages(void)
{
	return __atomic_load_n(&config.num_pages, __ATOMIC_RELAXED);
}

int balloon_set_target(uint64_t bytes, char *err, size_t errlen)
{
	if (bytes % BALLOON_PAGE || bytes >= guest_size)
		return fail(err, errlen, "amount_mib must be less than the guest's %llu MiB",
			    (unsigned long long)guest_size >> 20);
	__atomic_store_n(&config.num_pages, bytes / BALLOON_PAGE, __ATOMIC_RELAXED);
	virtio_config_changed(&balloon_dev);
	return 0;
}

unsigned int balloon_stats_interval(void)
{
	return __atomic_load_n(&stats_interval, __ATOMIC_RELAXED);
}

int balloon_set_stats_interval(unsigned int seconds, char *err, size_t errlen)
{
	struct itimerspec t = {
		.it_value = { .tv_sec = seconds }, .it_interval = { .tv_sec = seconds },
	};

	if (seconds > 3600)
		return fail(err, errlen, "stats_polling_interval_s must be at most 3600");
	/* (Not dev->lock: a busy device must not hold the API up.) */
	if (timerfd_settime(balloon_dev.input_fd, 0, &t, NULL))
		return fail(err, errlen, "timerfd: %s", strerror(errno));
	__atomic_store_n(&stats_interval, seconds, __ATOMIC_RELAXED);
	__atomic_store_n(&balloon_dev.input_wanted, seconds > 0, __ATOMIC_RELAXED);
	virtio_wake(&balloon_dev);	/* it polls the timer from now on */
	return 0;
}

uint32_t balloon_stats(uint64_t *out)
{
	uint32_t seen;

	pthread_mutex_lock(&stats_lock);
	memcpy(out, stats, sizeof(stats));
	seen = stats_seen;
	pthread_mutex_unlock(&stats_lock);
	return seen;
}
