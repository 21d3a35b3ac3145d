// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO by an instruction pvhost does not emulate (an ADD from memory
 * that is not RAM): the vCPU must stop with an internal error that says
 * so.  Run by tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

enum verdict test_main(void)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long v = 1;

	pdpt[0] = (3UL << 30) | 0x83;		/* P | W | PS, not RAM */
	pml4[0] = __pa_kernel(pdpt) | 0x3;
	asm volatile("add (%%rdi), %0" : "+r" (v) : "D" (0x1000UL) : "memory");
	printk("the ADD completed: %lx\n", v);
	return FAILURE;
}
