// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun's virtio-mmio transport, driven by hand against the virtio-rng
 * device every guest has (at guest-physical 0xd0000000): it identifies
 * itself, a queue placed outside guest memory and then a descriptor loop
 * each make the device ask for a reset (DEVICE_NEEDS_RESET and a config
 * interrupt) while the VM goes on, and after a reset a good chain comes
 * back filled with random bytes.
 */
#include "lib/pv_guest.h"

#define NOT_RAM		(3UL << 30)	/* mapped at VA 0 with a 1 GiB page */
#define DEV		0x10000000UL	/* 0xd0000000: the first device */
#define R(off)		(*(volatile unsigned int *)(DEV + (off)))
#define QSIZE		16
#define SECOND		1000000000UL

/* Status bits, registers (virtio 1.x, 4.2.2) */
#define ACK_DRIVER	3
#define FEATURES_OK	8
#define DRIVER_OK	4
#define NEEDS_RESET	0x40

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct { unsigned long addr; unsigned int len; unsigned short flags, next; }
	desc[QSIZE] __attribute__((aligned(16)));
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

static void place_queue(unsigned long d, unsigned long a, unsigned long u)
{
	R(0x80) = d;
	R(0x84) = d >> 32;
	R(0x90) = a;
	R(0x94) = a >> 32;
	R(0xa0) = u;
	R(0xa4) = u >> 32;
}

/* Wait up to 20 s (TCG, a debug host) for @cond. */
#define WAIT_FOR(cond) ({						\
	unsigned long t0 = pvclock_ns(&shared);				\
	while (!(cond) && pvclock_ns(&shared) - t0 < 20 * SECOND)	\
		;							\
	(cond);								\
})

enum verdict test_main(void)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned int i, nonzero = 0;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	pdpt[0] = NOT_RAM | 0x83;		/* P | W | PS */
	pml4[0] = __pa_kernel(pdpt) | 0x3;

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
