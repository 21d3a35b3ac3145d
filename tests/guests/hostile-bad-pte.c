// SPDX-License-Identifier: GPL-2.0
/*
 * A page-table entry pointing beyond guest memory, then touched: the host
 * must stop the guest (nothing outside its memory is ever mapped), not
 * map anything.  Run by tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

enum verdict test_main(void)
{
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	/* A 1 GiB page at VA 0 that claims guest-physical 512 GiB. */
	static unsigned long pdpt[512] __attribute__((aligned(4096)));

	pdpt[0] = (512UL << 30) | 0x83;		/* P | W | PS */
	pml4[0] = __pa_kernel(pdpt) | 0x3;
	printk("touching memory beyond the guest\n");
	(void)*(volatile unsigned long *)0x1000;
	printk("read it: the host mapped memory that is not the guest's\n");
	return FAILURE;
}
