// SPDX-License-Identifier: GPL-2.0
/*
 * Tagged address spaces (PV_HC_LOAD_CR3 with a PCID in the low 12 bits):
 * a space loaded again with PV_CR3_NOFLUSH under its tag keeps its
 * translations (nothing is filled again, and a changed but unflushed
 * mapping still reads the old frame, as from a TLB); without NOFLUSH it
 * is flushed; a tag reused for another PML4 never shows the old one's
 * translations; a page flush reaches spaces that are not loaded; the
 * shared global upper half is one for every space, and a non-global
 * upper-half page of one space is never seen from another; sixteen spaces
 * loaded in turn under more tags than the host keeps never see each
 * other's pages.
 */
#include "lib/pv_guest.h"

#define PTE_P		0x001UL
#define PTE_W		0x002UL
#define PTE_G		0x100UL
#define MiB		(1UL << 20)
#define SPACES		16
#define VA		0x400000UL

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct pv_exit_counts counts;
static unsigned int faults;

void event_handler(struct pv_event_frame *f)
{
	faults++;
	f->rip += 3;		/* the load in read_probe() */
}

/* Space k: a PML4, PDPT, PD and PT mapping VA to frame k (value 0x1000 + k). */
static unsigned long pml4_of(unsigned int k)
{
	return 48 * MiB + k * 5 * 4096UL;
}

static unsigned long pt_of(unsigned int k)
{
	return pml4_of(k) + 3 * 4096;
}

static unsigned long frame_of(unsigned int k)
{
	return pml4_of(k) + 4 * 4096;
}

static void make_space(unsigned int k, unsigned long boot)
{
	unsigned long pml4 = pml4_of(k), pdpt = pml4 + 4096, pd = pdpt + 4096;
	unsigned int i;

	for (i = 0; i < 512; i++) {
		phys(pml4)[i] = i < 256 ? 0 : phys(boot)[i];
		phys(pdpt)[i] = phys(pd)[i] = phys(pt_of(k))[i] = 0;
	}
	phys(pml4)[0] = pdpt | PTE_P | PTE_W;
	phys(pdpt)[0] = pd | PTE_P | PTE_W;
	phys(pd)[VA >> 21 & 511] = pt_of(k) | PTE_P | PTE_W;
	phys(pt_of(k))[VA >> 12 & 511] = frame_of(k) | PTE_P | PTE_W;
	*phys(frame_of(k)) = 0x1000 + k;
}

static long load(unsigned int k, unsigned int tag, unsigned long flags)
{
	return hypercall2(PV_HC_LOAD_CR3, pml4_of(k) | tag, flags);
}

static unsigned long fills(void)
{
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts, sizeof(counts)) ==
	      sizeof(counts));
	return counts.shadow_fills;
}

/*
 * Read @va and say how many shadow entries that filled.  Kept out of
 * line so that its code and stack are already mapped after the first
 * call: only the read itself can fill then.
 */
static unsigned long __attribute__((noinline)) probe(unsigned long va,
							 unsigned long *fills_taken)
{
	unsigned long before = fills(), v = read_probe(va);

	*fills_taken = fills() - before;
	return v;
}

enum verdict test_main(void)
{
	unsigned long boot = boot_info->boot_pgd, misses = 0, hot_misses = 0, taken;
	/* An upper-half page mapped global in every space (slot 300). */
	unsigned long pdpt_g = 56 * MiB, pd_g = pdpt_g + 4096, pt_g = pd_g + 4096;
	unsigned long va_g = 0xffff000000000000UL | 300UL << 39;
	/* And a non-global one in one space only (slot 301). */
	unsigned long pdpt_n = pt_g + 4096, pd_n = pdpt_n + 4096, pt_n = pd_n + 4096;
	unsigned long va_n = 0xffff000000000000UL | 301UL << 39;
	unsigned int k, i, n;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);

	for (i = 0; i < 512; i++)
		phys(pdpt_g)[i] = phys(pd_g)[i] = phys(pt_g)[i] = 0;
	phys(pdpt_g)[0] = pd_g | PTE_P | PTE_W;
	phys(pd_g)[0] = pt_g | PTE_P | PTE_W;
	phys(boot)[300] = pdpt_g | PTE_P | PTE_W;
	for (k = 0; k < SPACES; k++)
		make_space(k, boot);
	phys(pt_g)[0] = frame_of(0) | PTE_P | PTE_W | PTE_G;

	/* Two tagged spaces, each its own. */
	check(load(0, 1, 0) == 0 && probe(VA, &taken) == 0x1000 && taken >= 1);
	check(load(1, 2, 0) == 0 && probe(VA, &taken) == 0x1001 && taken >= 1);

	/* Back to tag 1 with NOFLUSH: nothing is filled again... */
	check(load(0, 1, PV_CR3_NOFLUSH) == 0);
	check(probe(VA, &taken) == 0x1000 && taken == 0);
	/* ...and a mapping changed without a flush still reads the old frame. */
	phys(pt_of(0))[VA >> 12 & 511] = frame_of(2) | PTE_P | PTE_W;
	check(load(1, 2, PV_CR3_NOFLUSH) == 0 && read_probe(VA) == 0x1001);
	check(load(0, 1, PV_CR3_NOFLUSH) == 0 && read_probe(VA) == 0x1000);
	/* Without NOFLUSH the tag's translations go. */
	check(load(0, 1, 0) == 0 && read_probe(VA) == 0x1002);

	/* Tag 1 for another PML4, NOFLUSH or not: never space 0's pages. */
	check(load(3, 1, PV_CR3_NOFLUSH) == 0 && read_probe(VA) == 0x1003);
	phys(pt_of(0))[VA >> 12 & 511] = frame_of(0) | PTE_P | PTE_W;
	check(load(0, 1, PV_CR3_NOFLUSH) == 0 && read_probe(VA) == 0x1000);

	/* A page flush while another space is loaded reaches this one too. */
	check(load(1, 2, PV_CR3_NOFLUSH) == 0);
	phys(pt_of(0))[VA >> 12 & 511] = frame_of(4) | PTE_P | PTE_W;
	check(hypercall6(PV_HC_FLUSH_TLB, VA, 1, 0, 0, 0, 0) == 0);
	check(load(0, 1, PV_CR3_NOFLUSH) == 0 && read_probe(VA) == 0x1004);
	phys(pt_of(0))[VA >> 12 & 511] = frame_of(0) | PTE_P | PTE_W;
	check(load(0, 1, 0) == 0 && read_probe(VA) == 0x1000);

	/*
	 * The global page: filled in one space, found in the others and in
	 * a space made after it; changed and flushed in one, changed in all.
	 */
	check(read_probe(va_g) == 0x1000);
	check(load(1, 2, PV_CR3_NOFLUSH) == 0);
	check(probe(va_g, &taken) == 0x1000 && taken == 0);
	check(load(5, 6, PV_CR3_NOFLUSH) == 0);
	check(probe(va_g, &taken) == 0x1000 && taken == 0);
	phys(pt_g)[0] = frame_of(1) | PTE_P | PTE_W | PTE_G;
	check(read_probe(va_g) == 0x1000);	/* not flushed yet */
	check(hypercall6(PV_HC_FLUSH_TLB, va_g, 1, 0, 0, 0, 0) == 0);
	check(read_probe(va_g) == 0x1001);
	check(load(0, 1, PV_CR3_NOFLUSH) == 0 && read_probe(va_g) == 0x1001);
	check(load(1, 2, PV_CR3_NOFLUSH) == 0 && read_probe(va_g) == 0x1001);
	/* A global translation survives a flushing load, as on a TLB. */
	phys(pt_g)[0] = frame_of(2) | PTE_P | PTE_W | PTE_G;
	check(load(1, 2, 0) == 0 && read_probe(va_g) == 0x1001);
	check(hypercall6(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL, 0, 0, 0) == 0);
	check(read_probe(va_g) == 0x1002 && read_probe(VA) == 0x1001);

	/* A non-global upper-half page of one space is never another's. */
	for (i = 0; i < 512; i++)
		phys(pdpt_n)[i] = phys(pd_n)[i] = phys(pt_n)[i] = 0;
	phys(pdpt_n)[0] = pd_n | PTE_P | PTE_W;
	phys(pd_n)[0] = pt_n | PTE_P | PTE_W;
	phys(pt_n)[0] = frame_of(3) | PTE_P | PTE_W;
	phys(pml4_of(0))[301] = pdpt_n | PTE_P | PTE_W;
	check(load(0, 1, PV_CR3_NOFLUSH) == 0 && read_probe(va_n) == 0x1003);
	check(load(1, 2, PV_CR3_NOFLUSH) == 0 && read_probe(va_n) == ~0UL);
	check(faults == 1);
	check(load(0, 1, PV_CR3_NOFLUSH) == 0 && read_probe(va_n) == 0x1003);
	phys(pml4_of(0))[301] = 0;
	check(hypercall6(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL, 0, 0, 0) == 0);

	/*
	 * Sixteen spaces under sixteen tags: two loaded every other time,
	 * the rest in turn in between, more than the host keeps.  Whatever
	 * it keeps or drops, each reads only its own frame; the two hot
	 * ones, used most recently, stay and fill nothing after the first.
	 */
	for (n = 0; n < 3000; n++) {
		k = n % 3 == 2 ? 2 + (n / 3) % (SPACES - 2) : n % 3;
		check(load(k, 100 + k, PV_CR3_NOFLUSH) == 0);
		check(probe(VA, &taken) == 0x1000 + k);
		if (taken) {
			misses++;
			if (k < 2)
				hot_misses++;
		}
	}
	printk("3000 loads of 16 tagged spaces: %lu refilled, %lu of them hot\n",
	       misses, hot_misses);
	check(hot_misses == 2 && misses >= 1000 && misses < 1100);
	/* The 8 most recent, loaded again in turn: all still there. */
	for (n = 0; n < 8; n++)
		check(load(n, 100 + n, PV_CR3_NOFLUSH) == 0 && read_probe(VA) == 0x1000 + n);
	for (n = 0; n < 8; n++)
		check(load(n, 100 + n, PV_CR3_NOFLUSH) == 0 &&
		      probe(VA, &taken) == 0x1000 + n && taken == 0);

	/* Bad arguments. */
	check(hypercall2(PV_HC_LOAD_CR3, (1UL << 40) | 5, 0) == -PV_EINVAL);
	check(hypercall2(PV_HC_LOAD_CR3, boot | 5, 2) == -PV_EINVAL);
	check(hypercall2(PV_HC_LOAD_CR3, -4096L | 5, PV_CR3_NOFLUSH) == -PV_EINVAL);
	check(hypercall2(PV_HC_LOAD_CR3, boot | 4095, PV_CR3_NOFLUSH) == 0);
	check(read_probe(VA) == ~0UL && faults == 2);
	printk("tagged spaces keep, flush and stay apart\n");
	return SUCCESS;
}
