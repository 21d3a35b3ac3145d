// SPDX-License-Identifier: GPL-2.0
/*
 * PV_HC_FLUSH_TLB aimed at the host's own pages: the switcher's slot (at
 * 0xffff800000000000 on a 4-level host, 0xff00000000000000 on a 5-level
 * one), the rest of the guard hole, and addresses that are not canonical
 * for the guest's 4-level paging, by single pages, short runs and long
 * ones.  None may touch the host's tables: the guest then keeps running
 * through many more world switches (hypercalls, host timer interrupts
 * while it spins, timer sleeps) and its own mappings still work.  Run by
 * tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));

static long flush(unsigned long va, unsigned long nr)
{
	return hypercall6(PV_HC_FLUSH_TLB, va, nr, 0, 0, 0, 0);
}

enum verdict test_main(void)
{
	static const unsigned long targets[] = {
		0xffff800000000000UL,	/* the switcher, 4-level host */
		0xffff800000001000UL,	/* its second text page */
		0xffff800000003000UL,	/* its data pages */
		0xffff807ffffff000UL,	/* the end of the guard hole */
		0xff00000000000000UL,	/* the switcher, 5-level host */
		0xff00000000002000UL,
		0x0000800000000000UL,	/* non-canonical, just past the lower half */
		0x00ff000000000000UL,
		0x7f00000000000000UL,
		0x8000000000000000UL,
		0xfffe000000000000UL,
		0xffff7ffffffff000UL,	/* just below the upper half */
	};
	static const unsigned long counts[] = { 1, 2, 8, 64, 65, 4096, 0 };
	volatile unsigned long *mine = (unsigned long *)(PV_DIRECT_MAP_BASE + (40UL << 20));
	unsigned long i, j, n = 0, end;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	*mine = 0x5a5a;
	for (i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		for (j = 0; j < sizeof(counts) / sizeof(counts[0]); j++) {
			check(flush(targets[i], counts[j]) == 0);
			n++;
		}
	/* Runs that start in the guest's space and leave it. */
	check(flush(0x00007ffffffff000UL, 2) == 0);
	check(flush(0xffff7fffffffe000UL, 40) == 0);
	check(flush(-4096UL, 8) == 0);		/* wraps around to 0 */
	printk("%lu flushes at the host's pages survived\n", n + 3);

	/* Many more world switches, each through the switcher's pages. */
	for (i = 0; i < 20000; i++)
		check(hypercall2(PV_HC_RDMSR, 0xc0000100, 0) == 0);	/* FS base */
	/* Host timer interrupts land on the switcher while we spin. */
	end = pvclock_ns(&shared) + 300000000UL;
	while (pvclock_ns(&shared) < end)
		;
	/* And timer sleeps: the host's own timer wakes us. */
	for (i = 0; i < 20; i++) {
		check(hypercall2(PV_HC_SET_TIMER, pvclock_ns(&shared) + 1000000, 0) == 0);
		check(hypercall0(PV_HC_HALT) == 0);
	}
	check(*mine == 0x5a5a);
	check(flush((unsigned long)mine, 1) == 0 && *mine == 0x5a5a);
	printk("the host stayed up: 20000 hypercalls, 300 ms of spinning, 20 sleeps\n");
	return SUCCESS;
}
