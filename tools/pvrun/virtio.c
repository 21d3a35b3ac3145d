// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: the virtio-mmio transport and the devices' threads (virtio.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <pv/pvhost.h>

#include "error.h"
#include "virtio.h"

/* Registers (spec 4.2.2), version 2 ("modern") only. */
#define REG_MAGIC		0x000
#define REG_VERSION		0x004
#define REG_DEVICE_ID		0x008
#define REG_VENDOR_ID		0x00c
#define REG_DEVICE_FEATURES	0x010
#define REG_DEVICE_FEATURES_SEL	0x014
#define REG_DRIVER_FEATURES	0x020
#define REG_DRIVER_FEATURES_SEL	0x024
#define REG_QUEUE_SEL		0x030
#define REG_QUEUE_NUM_MAX	0x034
#define REG_QUEUE_NUM		0x038
#define REG_QUEUE_READY		0x044
#define REG_QUEUE_NOTIFY	0x050
#define REG_INTERRUPT_STATUS	0x060
#define REG_INTERRUPT_ACK	0x064
#define REG_STATUS		0x070
#define REG_QUEUE_DESC_LOW	0x080
#define REG_QUEUE_DESC_HIGH	0x084
#define REG_QUEUE_DRIVER_LOW	0x090
#define REG_QUEUE_DRIVER_HIGH	0x094
#define REG_QUEUE_DEVICE_LOW	0x0a0
#define REG_QUEUE_DEVICE_HIGH	0x0a4
#define REG_CONFIG_GENERATION	0x0fc
#define REG_CONFIG		0x100

#define VIRTIO_MMIO_MAGIC	0x74726976	/* "virt" */
#define PV_VENDOR_ID		0x7670		/* "pv" */

#define STATUS_FEATURES_OK	8
#define ISR_VRING		1
#define ISR_CONFIG		2

static struct virtio_dev *devices[VIRTIO_MAX_DEVICES];
static unsigned int nr_devices;
static struct guest_mem guest;
static uint64_t window_base;

void virtio_init(uint64_t mmio_base)
{
	window_base = mmio_base;
}

void *virtio_gmem(uint64_t gpa, uint64_t len)
{
	return gmem_ptr(&guest, gpa, len);
}

void virtio_set_guest(int vm_fd, const struct guest_mem *mem)
{
	struct pv_irqfd_req req = { 0 };
	unsigned int i;

	guest = *mem;
	/* Each device raises its line by writing an eventfd (PV_IRQFD). */
	for (i = 0; i < nr_devices; i++) {
		devices[i]->irq_fd = eventfd(0, EFD_CLOEXEC);
		req.fd = devices[i]->irq_fd;
		req.line = devices[i]->line;
		if (devices[i]->irq_fd < 0 || ioctl(vm_fd, PV_IRQFD, &req) < 0)
			die("cannot tie %s's interrupt to an eventfd: %s",
			    devices[i]->ops->name, strerror(errno));
	}
}

int virtio_add(struct virtio_dev *dev)
{
	if (nr_devices == VIRTIO_MAX_DEVICES)
		return -1;
	dev->base = window_base + (uint64_t)nr_devices * VIRTIO_MMIO_WINDOW;
	dev->line = 1 + nr_devices;	/* line 0 is the timer's */
	dev->kick_fd = eventfd(0, EFD_CLOEXEC);
	if (dev->kick_fd < 0)
		return -1;
	pthread_mutex_init(&dev->lock, NULL);
	devices[nr_devices++] = dev;
	return 0;
}

int virtio_cmdline(char *cmdline, size_t size)
{
	size_t len = strlen(cmdline);
	unsigned int i;
	int n;

	for (i = 0; i < nr_devices; i++) {
		n = snprintf(cmdline + len, size - len,
			     "%svirtio_mmio.device=4K@%#" PRIx64 ":%u",
			     len ? " " : "", devices[i]->base, devices[i]->line);
		if (n < 0 || (size_t)n >= size - len)
			return -1;
		len += n;
	}
	return 0;
}

static void kick(struct virtio_dev *dev);

static void raise_line(struct virtio_dev *dev, uint32_t why)
{
	uint64_t one = 1;

	__atomic_fetch_or(&dev->isr, why, __ATOMIC_SEQ_CST);
	/* Only a counter at its maximum fails: the line is raised anyway. */
	if (write(dev->irq_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warning("%s: interrupt: %s", dev->ops->name, strerror(errno));
}

void virtio_config_changed(struct virtio_dev *dev)
{
	__atomic_fetch_add(&dev->config_generation, 1, __ATOMIC_SEQ_CST);
	raise_line(dev, ISR_CONFIG);
}

void virtio_wake(struct virtio_dev *dev)
{
	kick(dev);
}

void virtio_broken(struct virtio_dev *dev, const char *why)
{
	if (!dev->broken)
		pr_warning("%s: %s; the device waits for a reset",
			   dev->ops->name, why);
	dev->broken = true;
	dev->status |= VIRTIO_STATUS_NEEDS_RESET;
	raise_line(dev, ISR_CONFIG);
}

int virtio_pop(struct virtio_dev *dev, unsigned int qi, struct vchain *c)
{
	int r;

	if (dev->broken)
		return -1;
	r = virtq_pop(&dev->vq[qi], &guest, c);
	if (r < 0)
		virtio_broken(dev, "the guest gave a malformed descriptor chain");
	return r;
}

void virtio_push(struct virtio_dev *dev, unsigned int qi, uint16_t head,
		 uint32_t len)
{
	virtq_push(&dev->vq[qi], head, len);
}

void virtio_interrupt(struct virtio_dev *dev, unsigned int qi)
{
	if (virtq_wants_interrupt(&dev->vq[qi]))
		raise_line(dev, ISR_VRING);
}

void virtio_serve(struct virtio_dev *dev, unsigned int qi, struct vchain *c,
		  uint32_t (*handle)(struct virtio_dev *dev, struct vchain *c))
{
	unsigned int served = 0;
	uint32_t len;

	while (virtio_pop(dev, qi, c) == 1) {
		len = handle(dev, c);
		if (dev->broken)
			return;
		virtio_push(dev, qi, c->head, len);
		/*
		 * A ring's worth at a time: a driver that keeps refilling it
		 * must not keep the device's lock (and the vCPUs and the API
		 * that wait for it) forever.  The rest after a new kick.
		 */
		if (++served == dev->vq[qi].num) {
			kick(dev);
			break;
		}
	}
	if (served)
		virtio_interrupt(dev, qi);
}

static bool running(const struct virtio_dev *dev)
{
	return (dev->status & VIRTIO_STATUS_DRIVER_OK) && !dev->broken;
}

static void *device_thread(void *arg)
{
	struct virtio_dev *dev = arg;
	struct pollfd p[2];
	uint64_t kicks;
	nfds_t n;

	for (;;) {
		p[0] = (struct pollfd){ .fd = dev->kick_fd, .events = POLLIN };
		n = 1;
		if (dev->input_fd >= 0 && dev->input_wanted)
			p[n++] = (struct pollfd){ .fd = dev->input_fd, .events = POLLIN };
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("%s: poll: %s", dev->ops->name, strerror(errno));
		}
		pthread_mutex_lock(&dev->lock);
		if (p[0].revents && read(dev->kick_fd, &kicks, sizeof(kicks)) > 0 &&
		    running(dev))
			dev->ops->notify(dev);
		if (n > 1 && p[1].revents) {
			if (running(dev))
				dev->ops->input(dev);
			else
				dev->input_wanted = false; /* until a kick */
		}
		pthread_mutex_unlock(&dev->lock);
	}
	return NULL;
}

void virtio_start(void)
{
	unsigned int i;
	pthread_t t;
	int err;

	for (i = 0; i < nr_devices; i++) {
		err = pthread_create(&t, NULL, device_thread, devices[i]);
		if (err)
			die("cannot start a thread for %s: %s",
			    devices[i]->ops->name, strerror(err));
	}
}

static void reset(struct virtio_dev *dev)
{
	unsigned int i;

	dev->status = 0;
	dev->driver_features = 0;
	dev->device_features_sel = dev->driver_features_sel = 0;
	dev->queue_sel = 0;
	dev->broken = false;
	for (i = 0; i < VIRTIO_MAX_QUEUES; i++)
		virtq_reset(&dev->vq[i]);
	__atomic_store_n(&dev->isr, 0, __ATOMIC_SEQ_CST);
	if (dev->ops->reset)
		dev->ops->reset(dev);
}

static uint64_t offered(const struct virtio_dev *dev)
{
	return dev->features | 1ULL << VIRTIO_F_VERSION_1 |
	       1ULL << VIRTIO_RING_F_INDIRECT_DESC;
}

static struct virtq *selected(struct virtio_dev *dev)
{
	return dev->queue_sel < dev->ops->nr_queues ? &dev->vq[dev->queue_sel] : NULL;
}

/* Wake the device thread; a failed write means a kick is pending anyway. */
static void kick(struct virtio_dev *dev)
{
	uint64_t one = 1;

	if (write(dev->kick_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_warning("%s: kick: %s", dev->ops->name, strerror(errno));
}

static uint32_t reg_read(struct virtio_dev *dev, uint32_t off)
{
	struct virtq *q = selected(dev);

	switch (off) {
	case REG_MAGIC:
		return VIRTIO_MMIO_MAGIC;
	case REG_VERSION:
		return 2;
	case REG_DEVICE_ID:
		return dev->ops->device_id;
	case REG_VENDOR_ID:
		return PV_VENDOR_ID;
	case REG_DEVICE_FEATURES:
		return dev->device_features_sel < 2 ?
		       offered(dev) >> (32 * dev->device_features_sel) : 0;
	case REG_QUEUE_NUM_MAX:
		return q ? VIRTQ_MAX_SIZE : 0;
	case REG_QUEUE_READY:
		return q && q->ready;
	case REG_INTERRUPT_STATUS:
		return __atomic_load_n(&dev->isr, __ATOMIC_SEQ_CST);
	case REG_STATUS:
		return dev->status;
	case REG_CONFIG_GENERATION:
		return __atomic_load_n(&dev->config_generation, __ATOMIC_SEQ_CST);
	}
	return 0;
}

/* Registers set 64-bit values (features, ring addresses) 32 bits at a time. */
static void set_half(uint64_t *a, bool high, uint32_t v)
{
	*a = high ? (*a & 0xffffffffULL) | (uint64_t)v << 32 :
		    (*a & ~0xffffffffULL) | v;
}

static void reg_write(struct virtio_dev *dev, uint32_t off, uint32_t v)
{
	struct virtq *q = selected(dev);

	switch (off) {
	case REG_QUEUE_NOTIFY:
		kick(dev);
		break;
	case REG_INTERRUPT_ACK:
		__atomic_fetch_and(&dev->isr, ~v, __ATOMIC_SEQ_CST);
		break;
	case REG_DEVICE_FEATURES_SEL:
		dev->device_features_sel = v;
		break;
	case REG_DRIVER_FEATURES:
		if (dev->driver_features_sel < 2 && !(dev->status & STATUS_FEATURES_OK))
			set_half(&dev->driver_features, dev->driver_features_sel, v);
		break;
	case REG_DRIVER_FEATURES_SEL:
		dev->driver_features_sel = v;
		break;
	case REG_QUEUE_SEL:
		dev->queue_sel = v;
		break;
	case REG_QUEUE_NUM:
		if (q && !q->ready)
			q->num = v;
		break;
	case REG_QUEUE_READY:
		if (!q)
			break;
		if (!v) {
			q->ready = false;
		} else if (!q->ready) {
			if (virtq_enable(q, &guest))
				virtio_broken(dev, "the guest placed a queue outside its memory");
			else
				q->ready = true;
		}
		break;
	case REG_QUEUE_DESC_LOW:
	case REG_QUEUE_DESC_HIGH:
		if (q && !q->ready)
			set_half(&q->desc_gpa, off == REG_QUEUE_DESC_HIGH, v);
		break;
	case REG_QUEUE_DRIVER_LOW:
	case REG_QUEUE_DRIVER_HIGH:
		if (q && !q->ready)
			set_half(&q->avail_gpa, off == REG_QUEUE_DRIVER_HIGH, v);
		break;
	case REG_QUEUE_DEVICE_LOW:
	case REG_QUEUE_DEVICE_HIGH:
		if (q && !q->ready)
			set_half(&q->used_gpa, off == REG_QUEUE_DEVICE_HIGH, v);
		break;
	case REG_STATUS:
		if (v == 0) {
			reset(dev);
			break;
		}
		/*
		 * FEATURES_OK sticks only for features the device offered,
		 * VERSION_1 among them (there is no legacy interface here).
		 */
		if ((v & STATUS_FEATURES_OK) &&
		    ((dev->driver_features & ~offered(dev)) ||
		     !(dev->driver_features & 1ULL << VIRTIO_F_VERSION_1)))
			v &= ~STATUS_FEATURES_OK;
		if ((v & VIRTIO_STATUS_DRIVER_OK) &&
		    !(dev->status & VIRTIO_STATUS_DRIVER_OK)) {
			if (dev->ops->start)
				dev->ops->start(dev);
			kick(dev);	/* the device looks at its queues at once */
		}
		dev->status = v | (dev->status & VIRTIO_STATUS_NEEDS_RESET);
		break;
	}
}

bool virtio_mmio_access(uint64_t gpa, void *data, uint32_t len, bool write)
{
	struct virtio_dev *dev;
	uint64_t index;
	uint32_t off, v = 0;

	if (gpa < window_base)
		return false;
	index = (gpa - window_base) / VIRTIO_MMIO_WINDOW;
	if (index >= nr_devices)
		return false;
	dev = devices[index];
	off = (gpa - window_base) % VIRTIO_MMIO_WINDOW;

	if (off >= REG_CONFIG) {
		/* Config space: any width; written only where the device says. */
		off -= REG_CONFIG;
		if (!write) {
			memset(data, 0, len);
			if (off < dev->config_len && len <= dev->config_len - off)
				memcpy(data, (const char *)dev->config + off, len);
		} else if (dev->ops->config_write && off < dev->config_len &&
			   len <= dev->config_len - off) {
			pthread_mutex_lock(&dev->lock);
			dev->ops->config_write(dev, off, data, len);
			pthread_mutex_unlock(&dev->lock);
		}
		return true;
	}
	/* Registers are 32 bits wide and aligned; anything else is ignored. */
	if (len != 4 || off % 4) {
		if (!write)
			memset(data, 0, len);
		return true;
	}
	/* These three never wait for a device that is busy. */
	if (write && (off == REG_QUEUE_NOTIFY || off == REG_INTERRUPT_ACK)) {
		memcpy(&v, data, 4);
		reg_write(dev, off, v);
		return true;
	}
	if (!write && off == REG_INTERRUPT_STATUS) {
		v = reg_read(dev, off);
		memcpy(data, &v, 4);
		return true;
	}
	pthread_mutex_lock(&dev->lock);
	if (write) {
		memcpy(&v, data, 4);
		reg_write(dev, off, v);
	} else {
		v = reg_read(dev, off);
		memcpy(data, &v, 4);
	}
	pthread_mutex_unlock(&dev->lock);
	return true;
}
