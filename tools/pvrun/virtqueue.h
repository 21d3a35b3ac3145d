/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: split virtqueues (virtio 1.x, section 2.7), the device's side.
 *
 * Everything in a ring comes from the guest and is checked before use:
 * ring addresses, descriptor indices, buffer addresses and lengths, chain
 * lengths and the order of readable and writable buffers.  A queue that
 * breaks a rule is reported as broken, and the device stops using it
 * until the guest resets it (what the spec calls DEVICE_NEEDS_RESET).
 */
#ifndef PVRUN_VIRTQUEUE_H
#define PVRUN_VIRTQUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "boot.h"

/* The largest queue a device offers (QueueNumMax). */
#define VIRTQ_MAX_SIZE		256
/* The most buffers one chain may have, indirect tables included. */
#define VCHAIN_MAX		512

struct vring_desc {
	uint64_t addr;		/* guest-physical */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

#define VRING_DESC_F_NEXT	1
#define VRING_DESC_F_WRITE	2
#define VRING_DESC_F_INDIRECT	4
#define VRING_AVAIL_F_NO_INTERRUPT	1

struct virtq {
	/* Set by the driver through the transport. */
	uint32_t num;		/* entries: a power of 2 up to VIRTQ_MAX_SIZE */
	uint64_t desc_gpa;	/* descriptor table */
	uint64_t avail_gpa;	/* driver area */
	uint64_t used_gpa;	/* device area */
	bool ready;

	/* Set by virtq_enable(). */
	struct vring_desc *desc;
	uint16_t *avail;	/* flags, idx, ring[num], used_event */
	uint16_t *used;		/* flags, idx, then {u32 id, u32 len}[num] */
	uint16_t last_avail;	/* the next chain the device takes */
	uint16_t used_idx;	/* what the device last published */
};

/* One chain of buffers, as host pointers into guest memory. */
struct vchain {
	uint16_t head;			/* what virtq_push() gives back */
	unsigned int nr_read;		/* buffers the device reads ... */
	unsigned int nr_write;		/* ... and those it writes */
	size_t read_len, write_len;	/* their total sizes */
	struct iovec read[VCHAIN_MAX];
	struct iovec write[VCHAIN_MAX];
};

/*
 * gmem_ptr - the host address of guest-physical [@gpa, @gpa + @len)
 *
 * Returns NULL unless the whole range lies in guest memory.
 */
void *gmem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len);

/*
 * virtq_enable - check a queue the driver just made ready and map its rings
 *
 * Returns 0, or -1 if its size is not a power of 2 up to VIRTQ_MAX_SIZE or
 * a ring is misaligned or outside guest memory.
 */
int virtq_enable(struct virtq *q, const struct guest_mem *mem);

/* virtq_reset - forget the queue, as after a device reset */
void virtq_reset(struct virtq *q);

/*
 * virtq_pop - take the next chain the driver made available
 *
 * Returns 1 with @c filled in, 0 when there is none, or -1 when the chain
 * breaks a rule (the queue is then broken).
 */
int virtq_pop(struct virtq *q, const struct guest_mem *mem, struct vchain *c);

/*
 * virtq_push - give chain @head back, with @len bytes written into it
 * (nothing, when the queue is not ready: the driver turned it off).
 */
void virtq_push(struct virtq *q, uint16_t head, uint32_t len);

/* virtq_wants_interrupt - whether the driver asked to hear of used chains */
bool virtq_wants_interrupt(const struct virtq *q);

/*
 * iov_to_buf / buf_to_iov - copy between a chain's buffers, from byte
 * @offset on, and a flat buffer.  Return the bytes copied (fewer when the
 * buffers end first).
 */
size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset,
		  void *buf, size_t len);
size_t buf_to_iov(const struct iovec *iov, unsigned int n, size_t offset,
		  const void *buf, size_t len);

/*
 * iov_slice - the part of @iov from byte @offset on, at most @len bytes,
 * as a new vector in @out (up to @max entries).  Returns its entry count.
 */
unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t offset,
		       size_t len, struct iovec *out, unsigned int max);

#endif
