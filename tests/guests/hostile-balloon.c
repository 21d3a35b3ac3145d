// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun's virtio-balloon (pvrun --balloon 0: the second device, at
 * guest-physical 0xd0001000, after virtio-rng), driven by hand as a
 * hostile driver would: a page number outside guest memory on the
 * inflate queue, and a free-page report of a misaligned run, each make
 * the device ask for a reset while the VM goes on; after a reset, a page
 * of the guest's own put in the balloon, and another reported free, read
 * back as zeros (pvrun dropped them, and pvhost saw the drop at once);
 * and a statistics buffer of garbage (unknown tags, a length that is no
 * whole number of entries) is taken and held, the device unharmed.
 */
#include "lib/virtio_mmio.h"

#define DEV		VMMIO_DEV(1)	/* 0xd0001000: the second device */
#define R(off)		VMMIO_REG(DEV, off)
#define QSIZE		VQ_SIZE
#define ACK_DRIVER	VMMIO_ACK_DRIVER
#define FEATURES_OK	VMMIO_FEATURES_OK
#define DRIVER_OK	VMMIO_DRIVER_OK
#define NEEDS_RESET	VMMIO_NEEDS_RESET
#define F_STATS		1
#define F_REPORTING	5

#define INFLATEQ	0
#define REPORTINGQ	2

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct vq_desc desc[QSIZE] __attribute__((aligned(16)));
static volatile unsigned short avail[3 + QSIZE] __attribute__((aligned(2)));
static volatile unsigned int used[2 + 2 * QSIZE] __attribute__((aligned(4)));
static unsigned int pfns[4];
static unsigned char victim[2][4096] __attribute__((aligned(4096)));

/* Reset, then negotiate VERSION_1, free page reporting and @more. */
static void start_with(unsigned int more)
{
	R(0x70) = 0;
	check(R(0x70) == 0);
	R(0x70) = ACK_DRIVER;
	R(0x24) = 0;
	R(0x20) = 1U << F_REPORTING | more;
	R(0x24) = 1;
	R(0x20) = 1;			/* bit 32: VIRTIO_F_VERSION_1 */
	R(0x70) = ACK_DRIVER | FEATURES_OK;
	check(R(0x70) & FEATURES_OK);
}

static void start(void)
{
	start_with(0);
}

/* Queue @q with one chain, descriptor 0, and the device started. */
static void one_chain(unsigned int q, unsigned long addr, unsigned int len,
		      unsigned short flags)
{
	memset((void *)avail, 0, sizeof(avail));
	memset((void *)used, 0, sizeof(used));
	desc[0].addr = addr;
	desc[0].len = len;
	desc[0].flags = flags;
	desc[0].next = 0;
	avail[2] = 0;
	avail[1] = 1;
	R(0x30) = q;
	check(R(0x34) == 256);		/* QueueNumMax */
	R(0x38) = QSIZE;
	vmmio_place_queue(DEV, __pa_kernel(desc), __pa_kernel(avail), __pa_kernel(used));
	R(0x44) = 1;
	check(R(0x44) == 1);
	R(0x70) = ACK_DRIVER | FEATURES_OK | DRIVER_OK;
	R(0x50) = q;			/* QueueNotify */
}

#define WAIT_FOR(cond)	VMMIO_WAIT_FOR(&shared, cond)

static int all_zero(const unsigned char *p)
{
	unsigned int i;

	for (i = 0; i < 4096; i++)
		if (p[i])
			return 0;
	return 1;
}

enum verdict test_main(void)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long t_stats;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	vmmio_map(pml4, pdpt);

	check(R(0x00) == 0x74726976);		/* "virt" */
	check(R(0x04) == 2 && R(0x08) == 5);	/* modern, a balloon */
	R(0x14) = 0;
	check(R(0x10) & 1U << F_REPORTING);	/* offered */

	/* 1. A page outside guest memory in the balloon. */
	start();
	pfns[0] = 0xfffff;			/* 4 GiB - 4 KiB: not RAM */
	one_chain(INFLATEQ, __pa_kernel(pfns), 4, 0);
	check(WAIT_FOR(R(0x70) & NEEDS_RESET));
	check(used[0] >> 16 == 0);
	printk("a page outside memory inflated: status %x\n", R(0x70));

	/* 2. A free-page report of a run that is not page aligned. */
	start();
	one_chain(REPORTINGQ, __pa_kernel(victim[1]) + 8, 4096, 2 /* WRITE */);
	check(WAIT_FOR(R(0x70) & NEEDS_RESET));
	check(used[0] >> 16 == 0);
	printk("a misaligned report: status %x\n", R(0x70));

	/* 3. A page of the guest's own in the balloon: it comes back zeroed. */
	memset(victim, 0x5a, sizeof(victim));
	start();
	pfns[0] = __pa_kernel(victim[0]) >> 12;
	one_chain(INFLATEQ, __pa_kernel(pfns), 4, 0);
	check(WAIT_FOR((used[0] >> 16) == 1));
	check(!(R(0x70) & NEEDS_RESET));
	check(all_zero(victim[0]) && victim[1][0] == 0x5a);
	printk("an inflated page reads back zeroed\n");

	/* 4. A page reported free: zeroed too. */
	start();
	one_chain(REPORTINGQ, __pa_kernel(victim[1]), 4096, 2 /* WRITE */);
	check(WAIT_FOR((used[0] >> 16) == 1));
	check(!(R(0x70) & NEEDS_RESET));
	check(all_zero(victim[1]));
	printk("a page reported free reads back zeroed\n");

	/* 5. Statistics of garbage: 17 bytes, tags 0xffff and 3. */
	start_with(1U << F_STATS);
	t_stats = pvclock_ns(&shared);
	memset(victim[0], 0xff, 17);
	victim[0][10] = 3;
	victim[0][11] = 0;
	one_chain(2 /* the stats queue */, __pa_kernel(victim[0]), 17, 0);
	/* Half a second for the device thread to take it, wrongly or not. */
	while (pvclock_ns(&shared) - t_stats < SECOND / 2)
		;
	check(!(R(0x70) & NEEDS_RESET));
	check(used[0] >> 16 == 0);		/* held, not given back */
	printk("a statistics buffer of garbage is held\n");
	R(0x70) = 0;
	return SUCCESS;
}
