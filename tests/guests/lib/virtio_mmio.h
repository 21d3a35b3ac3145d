/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For test guests that drive pvrun's virtio-mmio devices by hand
 * (virtio.c, hostile-balloon.c): the registers (virtio 1.x, 4.2.2), one
 * split queue of VQ_SIZE entries, and a bounded wait.  Device n's window
 * is at guest-physical 0xd0000000 + n * 0x1000, which the guest maps at
 * VA 0x10000000 + n * 0x1000 with a 1 GiB page (VMMIO_NOT_RAM at VA 0).
 */
#ifndef PV_GUEST_VIRTIO_MMIO_H
#define PV_GUEST_VIRTIO_MMIO_H

#include "pv_guest.h"

#define VMMIO_NOT_RAM	(3UL << 30)	/* mapped at VA 0 with a 1 GiB page */
#define VMMIO_DEV(n)	(0x10000000UL + (n) * 0x1000UL)
#define VMMIO_REG(dev, off)	(*(volatile unsigned int *)((dev) + (off)))

/* Status bits */
#define VMMIO_ACK_DRIVER	3
#define VMMIO_FEATURES_OK	8
#define VMMIO_DRIVER_OK		4
#define VMMIO_NEEDS_RESET	0x40

#define VQ_SIZE		16
#define SECOND		1000000000UL

struct vq_desc {
	unsigned long addr;
	unsigned int len;
	unsigned short flags, next;
};

/* Map the devices' windows (VA 0.. with a 1 GiB page) into @pml4. */
static inline void vmmio_map(unsigned long *pml4, unsigned long *pdpt)
{
	pdpt[0] = VMMIO_NOT_RAM | 0x83;		/* P | W | PS */
	pml4[0] = __pa_kernel(pdpt) | 0x3;
}

/* The selected queue's descriptor table, driver and device areas. */
static inline void vmmio_place_queue(unsigned long dev, unsigned long d,
				     unsigned long a, unsigned long u)
{
	VMMIO_REG(dev, 0x80) = d;
	VMMIO_REG(dev, 0x84) = d >> 32;
	VMMIO_REG(dev, 0x90) = a;
	VMMIO_REG(dev, 0x94) = a >> 32;
	VMMIO_REG(dev, 0xa0) = u;
	VMMIO_REG(dev, 0xa4) = u >> 32;
}

/* Wait up to 20 s (TCG, a debug host) for @cond; pvclock of @shared. */
#define VMMIO_WAIT_FOR(shared, cond) ({					\
	unsigned long __t0 = pvclock_ns(shared);			\
	while (!(cond) && pvclock_ns(shared) - __t0 < 20 * SECOND)	\
		;							\
	(cond);								\
})

#endif
