// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun's virtio-mmio transport, driven by hand against the virtio-rng
 * device every guest has (at guest-physical 0xd0000000): it identifies
 * itself, a queue placed outside guest memory and then a descriptor loop
 * each make the device ask for a reset (DEVICE_NEEDS_RESET and a config
 * interrupt) while the VM goes on, and after a reset a good chain comes
 * back filled with random bytes.
 */
#include "lib/virtio_mmio.h"

#define DEV		VMMIO_DEV(0)	/* 0xd0000000: the first device */
#define R(off)		VMMIO_REG(DEV, off)
#define QSIZE		VQ_SIZE
#define ACK_DRIVER	VMMIO_ACK_DRIVER
#define FEATURES_OK	VMMIO_FEATURES_OK
#define DRIVER_OK	VMMIO_DRIVER_OK
#define NEEDS_RESET	VMMIO_NEEDS_RESET

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct vq_desc desc[QSIZE] __attribute__((aligned(16)));
static volatile unsigned short avail[3 + QSIZE] __attribute__((aligned(2)));
static volatile unsigned int used[2 + 2 * QSIZE] __attribute__((aligned(4)));
static unsigned char buf[16];

/* Reset, then negotiate VERSION_1 and nothing else. */
static void start(void)
{
	R(0x70) = 0;
	check(R(0x70) == 0);
	R(0x70) = ACK_DRIVER;
	R(0x24) = 1;
	R(0x20) = 1;			/* bit 32: VIRTIO_F_VERSION_1 */
	R(0x70) = ACK_DRIVER | FEATURES_OK;
	check(R(0x70) & FEATURES_OK);
	R(0x30) = 0;			/* queue 0 */
	check(R(0x34) == 256);		/* QueueNumMax */
	R(0x38) = QSIZE;
}

#define place_queue(d, a, u)	vmmio_place_queue(DEV, d, a, u)
#define WAIT_FOR(cond)		VMMIO_WAIT_FOR(&shared, cond)

enum verdict test_main(void)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned int i, nonzero = 0;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	vmmio_map(pml4, pdpt);

	check(R(0x00) == 0x74726976);		/* "virt" */
	check(R(0x04) == 2 && R(0x08) == 4);	/* modern, an entropy source */

	/* 1. A queue in no memory of the guest's: the device needs a reset. */
	start();
	place_queue(1UL << 40, __pa_kernel(avail), __pa_kernel(used));
	R(0x44) = 1;
	check(R(0x44) == 0);
	check(R(0x70) & NEEDS_RESET);
	check(R(0x60) & 2);			/* a config interrupt */
	R(0x64) = 3;
	printk("a queue outside memory: status %x\n", R(0x70));

	/* 2. A descriptor that loops onto itself. */
	start();
	check(!(R(0x70) & NEEDS_RESET));
	desc[0].addr = __pa_kernel(buf);
	desc[0].len = sizeof(buf);
	desc[0].flags = 1 | 2;			/* NEXT | WRITE */
	desc[0].next = 0;
	avail[2] = 0;
	avail[1] = 1;
	place_queue(__pa_kernel(desc), __pa_kernel(avail), __pa_kernel(used));
	R(0x44) = 1;
	check(R(0x44) == 1);
	R(0x70) = ACK_DRIVER | FEATURES_OK | DRIVER_OK;
	R(0x50) = 0;				/* QueueNotify */
	check(WAIT_FOR(R(0x70) & NEEDS_RESET));
	check(used[0] >> 16 == 0);		/* nothing used */
	printk("a descriptor loop: status %x\n", R(0x70));

	/* 3. After a reset, a good chain is filled. */
	start();
	memset((void *)avail, 0, sizeof(avail));
	memset((void *)used, 0, sizeof(used));
	desc[0].flags = 2;			/* WRITE */
	avail[2] = 0;
	avail[1] = 1;
	place_queue(__pa_kernel(desc), __pa_kernel(avail), __pa_kernel(used));
	R(0x44) = 1;
	R(0x70) = ACK_DRIVER | FEATURES_OK | DRIVER_OK;
	R(0x50) = 0;
	check(WAIT_FOR((used[0] >> 16) == 1));	/* used->idx */
	check(used[1] == 0 && used[2] == sizeof(buf));
	for (i = 0; i < sizeof(buf); i++)
		nonzero += buf[i] != 0;
	check(nonzero > 8);
	check(!(R(0x70) & NEEDS_RESET));
	printk("a good chain: %u random bytes\n", used[2]);
	R(0x70) = 0;
	return SUCCESS;
}
