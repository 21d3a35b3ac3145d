/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: virtio devices over virtio-mmio (virtio 1.x, section 4.2).
 *
 * Each device has a 4 KiB register window in guest-physical space, above
 * guest RAM, and an interrupt line; pvrun announces both on the guest's
 * command line ("virtio_mmio.device=4K@ADDR:LINE").  The guest's stock
 * virtio_mmio driver finds the device there.
 *
 * A vCPU thread handles the register accesses (PV_EXIT_MMIO).  A write to
 * QueueNotify only signals the device's eventfd; the device runs in its
 * own thread, which takes the buffers, does the I/O and raises the line
 * by writing another eventfd, which pvhost listens to (PV_IRQFD).  So a
 * slow disk holds up its own thread, not a vCPU.
 */
#ifndef PVRUN_VIRTIO_H
#define PVRUN_VIRTIO_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <pv/abi.h>

#include "virtqueue.h"

#define VIRTIO_MMIO_WINDOW	0x1000
#define VIRTIO_MAX_DEVICES	32
/* Device n interrupts on line n + 1: a device line, never an IPI line. */
_Static_assert(VIRTIO_MAX_DEVICES + 1 < PV_LINE_IPI_FIRST, "too many devices for the lines");
#define VIRTIO_MAX_QUEUES	4

/* Device IDs (spec 5) */
#define VIRTIO_ID_NET		1
#define VIRTIO_ID_BLOCK		2
#define VIRTIO_ID_CONSOLE	3
#define VIRTIO_ID_RNG		4
#define VIRTIO_ID_BALLOON	5

/* Feature bits every device offers */
#define VIRTIO_RING_F_INDIRECT_DESC	28
#define VIRTIO_F_VERSION_1		32

/* Device status bits */
#define VIRTIO_STATUS_DRIVER_OK		4
#define VIRTIO_STATUS_NEEDS_RESET	64

struct virtio_dev;

/* What a device model provides. */
struct virtio_dev_ops {
	const char *name;		/* for messages: "virtio-blk" */
	uint32_t device_id;
	unsigned int nr_queues;
	/* A queue was kicked, or the device thread started: use the queues. */
	void (*notify)(struct virtio_dev *dev);
	/* dev->input_fd is readable (only polled while dev->input_wanted). */
	void (*input)(struct virtio_dev *dev);
	/* The driver set DRIVER_OK (called with dev->lock held). */
	void (*start)(struct virtio_dev *dev);
	/* The driver reset the device (called with dev->lock held). */
	void (*reset)(struct virtio_dev *dev);
	/*
	 * The driver wrote @len bytes at @off of config space, within
	 * config_len (called with dev->lock held); NULL: read-only.
	 */
	void (*config_write)(struct virtio_dev *dev, uint32_t off,
			     const void *data, uint32_t len);
};

struct virtio_dev {
	const struct virtio_dev_ops *ops;
	void *priv;			/* the device model's state */
	uint64_t features;		/* what the device offers */
	const void *config;		/* config space, read by the guest */
	uint32_t config_len;
	int input_fd;			/* -1, or an fd the device thread polls */
	bool input_wanted;		/* poll input_fd now */

	/* Set by virtio_add(). */
	uint64_t base;			/* guest-physical register window */
	uint32_t line;			/* interrupt line */
	int kick_fd;			/* eventfd: QueueNotify */
	int irq_fd;			/* eventfd: raises the line (PV_IRQFD) */

	/* Transport state: under lock. */
	pthread_mutex_t lock;
	uint32_t status;
	uint32_t device_features_sel, driver_features_sel, queue_sel;
	uint64_t driver_features;
	bool broken;			/* a queue broke a rule: needs reset */
	struct virtq vq[VIRTIO_MAX_QUEUES];

	uint32_t isr;			/* InterruptStatus, atomic */
	uint32_t config_generation;	/* ConfigGeneration, atomic */
};

/* virtio_init - say where the first device's window goes (above RAM) */
void virtio_init(uint64_t mmio_base);

/* virtio_set_guest - the VM to raise lines on, and its memory */
void virtio_set_guest(int vm_fd, const struct guest_mem *mem);

/*
 * virtio_add - give the guest a device
 * @dev: ops, priv, features, config and input_fd set; the rest is zero
 *
 * Returns 0, or -1 when there are too many devices.
 */
int virtio_add(struct virtio_dev *dev);

/*
 * virtio_cmdline - append the devices' "virtio_mmio.device=" parameters
 *
 * Returns 0, or -1 if they do not fit in @size bytes.
 */
int virtio_cmdline(char *cmdline, size_t size);

/* virtio_start - start each device's thread; dies on failure. */
void virtio_start(void);

/*
 * virtio_mmio_access - a guest load or store at @gpa, from a vCPU thread
 *
 * Returns false if no device lives there.
 */
bool virtio_mmio_access(uint64_t gpa, void *data, uint32_t len, bool write);

/* For device models, from their thread: */

/* The host address of guest-physical [@gpa, @gpa + @len), or NULL. */
void *virtio_gmem(uint64_t gpa, uint64_t len);

/* Take the next chain of queue @qi: 1, 0 (none) or -1 (device broken). */
int virtio_pop(struct virtio_dev *dev, unsigned int qi, struct vchain *c);
/*
 * The device changed its config space (from any thread): a new
 * ConfigGeneration and a config interrupt.
 */
void virtio_config_changed(struct virtio_dev *dev);
/* Wake the device's thread (it polls input_fd again if input_wanted). */
void virtio_wake(struct virtio_dev *dev);
/* The guest broke a rule (@why): stop, and say the device needs a reset. */
void virtio_broken(struct virtio_dev *dev, const char *why);
/* Give a chain back; the interrupt waits for virtio_interrupt(). */
void virtio_push(struct virtio_dev *dev, unsigned int qi, uint16_t head,
		 uint32_t len);
/* Raise the line if queue @qi's driver wants to hear of used chains. */
void virtio_interrupt(struct virtio_dev *dev, unsigned int qi);
/*
 * The service loop every device's queues share: each chain queue @qi
 * holds goes through @handle (into @c), which returns the bytes it wrote
 * into the chain; it is given back with that length, and the line raised
 * once at the end if any was.  It stops at the first chain that breaks a
 * rule, when @handle breaks the device, and after a ring's worth of
 * chains (the device kicks itself for the rest).
 */
void virtio_serve(struct virtio_dev *dev, unsigned int qi, struct vchain *c,
		  uint32_t (*handle)(struct virtio_dev *dev, struct vchain *c));

#endif
