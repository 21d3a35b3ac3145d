// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that makes the host build as many shadow page tables as it
 * likes: one page-table page of each level, every entry pointing at the
 * next, so that its lower half maps one frame at every address.  Reading
 * one word in each of 8192 distinct 2 MiB regions (16 GiB of addresses)
 * needs more than 8192 shadow page tables, far beyond what a VM of this
 * size may hold (one shadow page per 16 guest pages): the host must start
 * its shadow over, again and again, and the guest keeps running and
 * reading the right data.  Before the per-VM bound, the host kept 16384
 * pages (64 MiB) for each vCPU whatever the VM's size, and never started
 * over here.  Then the same again under twelve PCIDs in turn, more
 * than the host keeps address spaces, each building its own lower half:
 * the bound holds for all of them together.  Run by
 * tests/host/hostile-guests.t with --memory 64M.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define REGIONS		8192UL

static struct pv_exit_counts counts;

enum verdict test_main(void)
{
	unsigned long pml4 = boot_info->boot_pgd, pdpt = 48 * MiB, pd = pdpt + 4096,
		      pt = pd + 4096, frame = pt + 4096, i, before;

	for (i = 0; i < 512; i++) {
		phys(pdpt)[i] = pd | 3;
		phys(pd)[i] = pt | 3;
		phys(pt)[i] = frame | 3;
	}
	*phys(frame) = 0x600df00d;
	phys(pml4)[0] = pdpt | 3;
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts, sizeof(counts)) ==
	      sizeof(counts));
	before = counts.shadow_resets;
	for (i = 0; i < REGIONS; i++)
		check(*(volatile unsigned long *)(i << 21) == 0x600df00d);
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts, sizeof(counts)) ==
	      sizeof(counts));
	printk("%lu regions read, %lu shadow resets\n", REGIONS,
	       (unsigned long)(counts.shadow_resets - before));
	check(counts.shadow_resets - before >= 2);

	before = counts.shadow_resets;
	for (i = 0; i < REGIONS; i++) {
		if (!(i % 256))
			check(hypercall2(PV_HC_LOAD_CR3, pml4 | (1 + i / 256 % 12),
					 PV_CR3_NOFLUSH) == 0);
		check(*(volatile unsigned long *)(i << 21) == 0x600df00d);
	}
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts, sizeof(counts)) ==
	      sizeof(counts));
	printk("%lu regions read under 12 tags, %lu shadow resets\n", REGIONS,
	       (unsigned long)(counts.shadow_resets - before));
	check(counts.shadow_resets - before >= 2);
	/* The kernel half still works after every reset. */
	for (i = 0; i < 1000; i++)
		check(hypercall2(PV_HC_RDMSR, 0xc0000100, 0) == 0);
	return SUCCESS;
}
