// SPDX-License-Identifier: GPL-2.0
/*
 * Two address spaces: LOAD_CR3 switches between them with the right
 * isolation, FLUSH_TLB makes a changed mapping visible, a self-referencing
 * page table reads back as data, global translations outlive a CR3 load
 * (and others do not) until flushed, a one-page flush of a 2 MiB page
 * drops all of it, and bad arguments are refused.
 */
#include "lib/pv_guest.h"

#define PTE_P		0x001UL
#define PTE_W		0x002UL
#define PTE_PS		0x080UL
#define PTE_G		0x100UL
#define MiB		(1UL << 20)

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned int faults;
static unsigned long fault_addr;

void event_handler(struct pv_event_frame *f)
{
	faults++;
	fault_addr = f->event_data;
	f->rip += 3;		/* the load in read_probe() */
}

enum verdict test_main(void)
{
	unsigned long boot = boot_info->boot_pgd;
	/* Frames from free RAM well above the kernel and boot data. */
	unsigned long pml4 = 48 * MiB, pdpt = pml4 + 4096, pd = pdpt + 4096,
		      pt = pd + 4096, frame_a = pt + 4096, frame_b = frame_a + 4096;
	unsigned long va = 0x400000, recursive;
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);

	/* A second space: the kernel half shared, va -> frame A below. */
	for (i = 0; i < 512; i++)
		phys(pml4)[i] = phys(boot)[i];
	for (i = 0; i < 512; i++)
		phys(pdpt)[i] = phys(pd)[i] = phys(pt)[i] = 0;
	phys(pml4)[0] = pdpt | PTE_P | PTE_W;
	phys(pdpt)[0] = pd | PTE_P | PTE_W;
	phys(pd)[va >> 21 & 511] = pt | PTE_P | PTE_W;
	phys(pt)[va >> 12 & 511] = frame_a | PTE_P | PTE_W;
	*phys(frame_a) = 0xaaaa;
	*phys(frame_b) = 0xbbbb;
	/* And the page-table page mapping itself, at PML4 slot 10. */
	phys(pml4)[10] = pml4 | PTE_P | PTE_W;

	check(read_probe(va) == ~0UL && faults == 1 && fault_addr == va);

	check(hypercall2(PV_HC_LOAD_CR3, pml4, 0) == 0);
	check(read_probe(va) == 0xaaaa);
	recursive = (10UL << 39) | (10UL << 30) | (10UL << 21) | (10UL << 12);
	/* (the walk through them set their Accessed bits, as an MMU does) */
	check((read_probe(recursive + 10 * 8) & ~0x60UL) == (pml4 | PTE_P | PTE_W));
	check((read_probe(recursive) & ~0x60UL) == (pdpt | PTE_P | PTE_W));

	/* A changed mapping shows once flushed. */
	phys(pt)[va >> 12 & 511] = frame_b | PTE_P | PTE_W;
	check(hypercall6(PV_HC_FLUSH_TLB, va, 1, 0, 0, 0, 0) == 0);
	check(read_probe(va) == 0xbbbb);
	/* Removed, flushed for every space: it faults. */
	phys(pt)[va >> 12 & 511] = 0;
	check(hypercall6(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL, 0, 0, 0) == 0);
	check(read_probe(va) == ~0UL && faults == 2);

	/* Back to the boot space: va is not there. */
	check(hypercall2(PV_HC_LOAD_CR3, boot, 0) == 0);
	check(read_probe(va) == ~0UL && faults == 3);

	/*
	 * Global translations outlive a CR3 load, as on a TLB; others do
	 * not.  Upper-half slot 300: page 0 global, page 1 not.
	 */
	{
		unsigned long pdpt2 = 52 * MiB, pd2 = pdpt2 + 4096, pt2 = pd2 + 4096;
		unsigned long va_g = 0xffff000000000000UL | 300UL << 39, va_n = va_g + 4096;

		for (i = 0; i < 512; i++)
			phys(pdpt2)[i] = phys(pd2)[i] = phys(pt2)[i] = 0;
		phys(pdpt2)[0] = pd2 | PTE_P | PTE_W;
		phys(pd2)[0] = pt2 | PTE_P | PTE_W;
		phys(pt2)[0] = frame_a | PTE_P | PTE_W | PTE_G;
		phys(pt2)[1] = frame_b | PTE_P | PTE_W;
		phys(boot)[300] = pdpt2 | PTE_P | PTE_W;
		check(read_probe(va_g) == 0xaaaa && read_probe(va_n) == 0xbbbb);
		/* Swapped without a flush: a CR3 load refreshes the non-global one. */
		phys(pt2)[0] = frame_b | PTE_P | PTE_W | PTE_G;
		phys(pt2)[1] = frame_a | PTE_P | PTE_W;
		check(hypercall2(PV_HC_LOAD_CR3, boot, 0) == 0);
		check(read_probe(va_n) == 0xaaaa);
		/* Only global ones in the upper half now: they stay... */
		phys(pt2)[1] = 0;
		check(hypercall6(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL, 0, 0, 0) == 0);
		check(read_probe(va_g) == 0xbbbb);
		phys(pt2)[0] = frame_a | PTE_P | PTE_W | PTE_G;
		check(hypercall2(PV_HC_LOAD_CR3, boot, 0) == 0);
		check(read_probe(va_g) == 0xbbbb);
		/* ...until flushed. */
		check(hypercall6(PV_HC_FLUSH_TLB, va_g, 1, 0, 0, 0, 0) == 0);
		check(read_probe(va_g) == 0xaaaa);
		phys(boot)[300] = 0;
		check(hypercall6(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL, 0, 0, 0) == 0);
		check(read_probe(va_g) == ~0UL && faults == 4);
	}

	/*
	 * A 2 MiB page, which the host holds as 4 KiB pieces: a flush of one
	 * page in it drops every piece, as INVLPG drops the large entry.
	 */
	{
		unsigned long big_a = 58 * MiB, big_b = 60 * MiB, va_big = 0x800000;
		static const unsigned long offs[3] = { 0, 100 * 4096, 511 * 4096 };

		for (i = 0; i < 3; i++) {
			*phys(big_a + offs[i]) = 0xa000 + i;
			*phys(big_b + offs[i]) = 0xb000 + i;
		}
		phys(pd)[va_big >> 21 & 511] = big_a | PTE_P | PTE_W | PTE_PS;
		check(hypercall2(PV_HC_LOAD_CR3, pml4, 0) == 0);
		for (i = 0; i < 3; i++)
			check(read_probe(va_big + offs[i]) == 0xa000 + i);
		phys(pd)[va_big >> 21 & 511] = big_b | PTE_P | PTE_W | PTE_PS;
		check(hypercall6(PV_HC_FLUSH_TLB, va_big + offs[1], 1, 0, 0, 0, 0) == 0);
		for (i = 0; i < 3; i++)
			check(read_probe(va_big + offs[i]) == 0xb000 + i);
		phys(pd)[va_big >> 21 & 511] = 0;
		check(hypercall6(PV_HC_FLUSH_TLB, va_big, 1, 0, 0, 0, 0) == 0);
		check(read_probe(va_big + offs[2]) == ~0UL && faults == 5);
		check(hypercall2(PV_HC_LOAD_CR3, boot, 0) == 0);
	}

	/* Bad arguments. */
	check(hypercall2(PV_HC_LOAD_CR3, (1UL << 40) + 8, 0) == -PV_EINVAL);
	check(hypercall2(PV_HC_LOAD_CR3, 1UL << 40, 0) == -PV_EINVAL);
	check(hypercall2(PV_HC_LOAD_CR3, boot, 2) == -PV_EINVAL);
	check(hypercall6(PV_HC_FLUSH_TLB, 0, 1, 4, 0, 0, 0) == -PV_EINVAL);
	printk("two address spaces, %u faults where expected\n", faults);
	return SUCCESS;
}
