// SPDX-License-Identifier: GPL-2.0
/*
 * A page-table entry that points to a page table beyond guest memory,
 * then touched: the host must stop the guest (it never reads or maps
 * anything outside guest memory).  A data page outside RAM is MMIO
 * instead (mmio.c).  Run by tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

enum verdict test_main(void)
{
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	/* At VA 0, a page directory at guest-physical 512 GiB. */
	static unsigned long pdpt[512] __attribute__((aligned(4096)));

	pdpt[0] = (512UL << 30) | 0x3;		/* P | W */
	pml4[0] = __pa_kernel(pdpt) | 0x3;
	printk("touching memory beyond the guest\n");
	(void)*(volatile unsigned long *)0x1000;
	printk("read it: the host mapped memory that is not the guest's\n");
	return FAILURE;
}
