// SPDX-License-Identifier: GPL-2.0
/*
 * Addresses that are canonical only with 5-level paging, on a 5-level
 * host: the guest maps VA 0x1000 itself, then reads, writes and jumps to
 * 0xff00000000001000 (the host's switcher slot, with the bits the
 * guest's 4-level walk uses those of 0x1000) and other 57-bit aliases of
 * it.  The guest has no such addresses: each must be a not-present #PF
 * with CR2 the address, never a shadow entry (which at the switcher's
 * slot would be written into the switcher's own tables).  Then many
 * world switches show the host intact.  On a 4-level host those
 * addresses are not canonical and the CPU gives #GP: the guest says SKIP.
 * Run by tests/host/hostile-la57.t.
 */
#include "lib/pv_guest.h"

#define MiB	(1UL << 20)

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned int faults;
static struct pv_event_frame seen;
static unsigned long skip;

void event_handler(struct pv_event_frame *f)
{
	faults++;
	seen = *f;
	if (skip) {
		f->rip += skip;		/* the 3-byte access */
	} else {
		/* A fetch: return to the caller, as if the call had. */
		f->rip = *(unsigned long *)f->rsp;
		f->rsp += 8;
	}
}

static unsigned long load_probe(unsigned long va)
{
	skip = 3;
	return read_probe(va);
}

static void write_probe(unsigned long va, unsigned long v)
{
	skip = 3;
	asm volatile(".byte 0x48, 0x89, 0x02"	/* mov %rax, (%rdx) */
		     : : "a" (v), "d" (va) : "memory");
}

static void call_probe(unsigned long va)
{
	skip = 0;
	asm volatile("call *%0" : : "r" (va)
		     : "rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "memory");
}

#define VECTOR(f)	((unsigned int)((f).ss >> 32 & 0xff))

enum verdict test_main(void)
{
	static const unsigned long aliases[] = {
		0xff00000000001000UL,	/* PML5 slot 256: the switcher's */
		0xff00000000000000UL,
		0x0001000000001000UL,	/* slot 1 */
		0x00ff800000001000UL,	/* slot 255 */
		0xff01000000001000UL,	/* slot 257 */
		0xff7f800000001000UL,
	};
	unsigned long pml4 = boot_info->boot_pgd, pdpt = 48 * MiB, pd = pdpt + 4096,
		      pt = pd + 4096, frame = pt + 4096, i, before;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	for (i = 0; i < 512; i++)
		phys(pdpt)[i] = phys(pd)[i] = phys(pt)[i] = 0;
	phys(pml4)[0] = pdpt | 3;
	phys(pdpt)[0] = pd | 3;
	phys(pd)[0] = pt | 3;
	phys(pt)[1] = frame | 3;			/* VA 0x1000, RWX */
	*phys(frame) = 0xc3c3c3c3c3c3c3c3UL;		/* ret, ret, ... */
	check(load_probe(0x1000) == 0xc3c3c3c3c3c3c3c3UL && faults == 0);
	call_probe(0x1000);
	check(faults == 0);

	load_probe(aliases[0]);
	if (faults == 1 && VECTOR(seen) == 13) {
		printk("4-level host: 0xff00000000001000 is not canonical (#GP): nothing to alias\n");
		return SKIP;
	}
	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		unsigned long va = aliases[i];

		before = faults;
		check(load_probe(va) == ~0UL);
		printk("read %lx: vector %u error %lx cr2 %lx\n", va, VECTOR(seen),
		       (unsigned long)seen.error_code, (unsigned long)seen.event_data);
		check(faults == before + 1 && VECTOR(seen) == 14);
		check(seen.error_code == 0 && seen.event_data == va && shared.cr2 == va);
		write_probe(va, 0x90);
		check(faults == before + 2 && VECTOR(seen) == 14);
		check(seen.error_code == 2 && seen.event_data == va);	/* W */
		call_probe(va);
		check(faults == before + 3 && VECTOR(seen) == 14);
		check(seen.error_code == 0x10 && seen.event_data == va);	/* I */
		check(seen.rip == va);
	}
	/* The guest's own page is untouched, and the host still switches. */
	check(load_probe(0x1000) == 0xc3c3c3c3c3c3c3c3UL);
	for (i = 0; i < 20000; i++)
		check(hypercall2(PV_HC_RDMSR, 0xc0000100, 0) == 0);
	before = pvclock_ns(&shared) + 200000000UL;
	while (pvclock_ns(&shared) < before)
		;
	printk("%u faults where expected, the host still up\n", faults);
	return SUCCESS;
}
