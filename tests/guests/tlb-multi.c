// SPDX-License-Identifier: GPL-2.0
/*
 * PV_HC_FLUSH_TLB_MULTI: one vCPU changes a mapping another is reading in
 * a loop; without a flush the other keeps its translation (its shadow
 * is its TLB), after the hypercall returns its very next read sees the
 * new page -- for a user page, for a global kernel page, for a target
 * running in the guest (kicked and waited for) and for one asleep in the
 * host (it flushes before it runs).  A target that is down flushes when
 * it starts; addresses no guest can map (the host's slot, non-canonical
 * ones, 57-bit aliases) are no harm to anyone; bad masks and flags are
 * refused.  And with PCIDs: a full flush asked of a vCPU that has just
 * left one tagged space for another reaches the space it left, which it
 * may load again with NOFLUSH (Linux reads the mm's tlb_gen before it
 * loads CR3, and on hardware takes the IPI after).  Run with pvrun
 * --smp 3 (tests/guests/tlb-multi.args).
 */
#include "lib/pv_guest.h"

#define PTE_P		0x001UL
#define PTE_W		0x002UL
#define PTE_G		0x100UL
#define MiB		(1UL << 20)
#define STACK_SIZE	16384
#define VECTOR_IPI	0xf0

static struct pv_vcpu_shared shared[3] __attribute__((aligned(4096)));
static unsigned char ap_stack[3][STACK_SIZE] __attribute__((aligned(16)));

static volatile unsigned int token, step, ap2_up;
static volatile unsigned long seen, after;

static const unsigned long va = 0x400000;
static unsigned long pml4 = 48 * MiB;
static const unsigned long va_g = 0xffff000000000000UL | 300UL << 39;

void event_handler(struct pv_event_frame *f)
{
	printk("unexpected event: ss %lx at %lx\n", (unsigned long)f->ss,
	       (unsigned long)f->rip);
	test_exit(FAILURE);
}

static unsigned long peek(unsigned long addr)
{
	return *(volatile unsigned long *)addr;
}

static long flush_multi(unsigned long mask, unsigned long gva,
			unsigned long nr, unsigned long flags)
{
	return hypercall6(PV_HC_FLUSH_TLB_MULTI, mask, gva, nr, flags, 0, 0);
}

static void setup(unsigned int cpu)
{
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared[cpu]), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall6(PV_HC_IRQ_BIND, PV_LINE_IPI_FIRST, VECTOR_IPI, cpu,
			 0, 0, 0) == 0);
}

void ap1_main(void);

void ap1_main(void)
{
	setup(1);
	check(peek(va) == 0xaaaa && peek(va_g) == 0xaaaa);
	step = 1;
	/* A user page, changed under us. */
	while (token < 1)
		seen = peek(va);
	after = peek(va);
	step = 2;
	/* A global kernel page. */
	while (token < 2)
		seen = peek(va_g);
	after = peek(va_g);
	step = 3;
	/* Asleep in the host while the flush is asked for. */
	while (token < 3)
		hypercall0(PV_HC_HALT);
	after = peek(va);
	step = 4;
	/* Requests for pages nobody maps, while we run. */
	while (token < 4)
		seen = peek(va);
	after = peek(va);
	step = 5;
	/* Our space under tag 1, left for another under tag 2... */
	while (token < 5)
		hypercall0(PV_HC_HALT);
	check(hypercall2(PV_HC_LOAD_CR3, pml4 | 1, 0) == 0);
	seen = peek(va);
	check(hypercall2(PV_HC_LOAD_CR3, boot_info->boot_pgd | 2, 0) == 0);
	step = 6;
	/* ...flushed meanwhile, then ours again, as Linux may load it. */
	while (token < 6)
		;
	check(hypercall2(PV_HC_LOAD_CR3, pml4 | 1, PV_CR3_NOFLUSH) == 0);
	after = peek(va);
	step = 7;
	for (;;)
		hypercall0(PV_HC_HALT);
}

void ap2_main(void);

void ap2_main(void)
{
	setup(2);
	/* Started after flushes were asked of it while down: 2 when right. */
	ap2_up = 1 + (peek(va) == 0xbbbb);
	for (;;)
		hypercall0(PV_HC_HALT);
}

asm(".text\n"
    ".globl ap1_entry, ap2_entry\n"
    "ap1_entry: and $-16, %rsp; call ap1_main; ud2\n"
    "ap2_entry: and $-16, %rsp; call ap2_main; ud2\n");
extern char ap1_entry[], ap2_entry[];

static void wait_step(unsigned int n)
{
	while (step < n)
		;
}

enum verdict test_main(void)
{
	unsigned long boot = boot_info->boot_pgd;
	unsigned long pdpt = pml4 + 4096, pd = pdpt + 4096,
		      pt = pd + 4096, frame_a = pt + 4096, frame_b = frame_a + 4096,
		      pdpt2 = frame_b + 4096, pd2 = pdpt2 + 4096, pt2 = pd2 + 4096;
	unsigned int i;

	check(boot_info->nr_vcpus == 3);
	setup(0);

	/* A space: va -> A (user page), va_g -> A (global, kernel half). */
	for (i = 0; i < 512; i++) {
		phys(pml4)[i] = phys(boot)[i];
		phys(pdpt)[i] = phys(pd)[i] = phys(pt)[i] = 0;
		phys(pdpt2)[i] = phys(pd2)[i] = phys(pt2)[i] = 0;
	}
	phys(pml4)[0] = pdpt | PTE_P | PTE_W;
	phys(pdpt)[0] = pd | PTE_P | PTE_W;
	phys(pd)[va >> 21 & 511] = pt | PTE_P | PTE_W;
	phys(pt)[va >> 12 & 511] = frame_a | PTE_P | PTE_W;
	phys(pml4)[300] = pdpt2 | PTE_P | PTE_W;
	phys(pdpt2)[0] = pd2 | PTE_P | PTE_W;
	phys(pd2)[0] = pt2 | PTE_P | PTE_W;
	phys(pt2)[0] = frame_a | PTE_P | PTE_W | PTE_G;
	*phys(frame_a) = 0xaaaa;
	*phys(frame_b) = 0xbbbb;
	check(hypercall2(PV_HC_LOAD_CR3, pml4, 0) == 0);

	/* Bad masks and flags: refused, nothing done. */
	check(flush_multi(1UL << 3, va, 1, 0) == -PV_EINVAL);
	check(flush_multi(1UL << 63 | 1, va, 1, 0) == -PV_EINVAL);
	check(flush_multi(~0UL, 0, 0, 0) == -PV_EINVAL);
	check(flush_multi(1, va, 1, 4) == -PV_EINVAL);
	check(flush_multi(0, va, 1, 0) == 0);

	/* Our own TLB, through the mask. */
	check(peek(va) == 0xaaaa);
	phys(pt)[va >> 12 & 511] = frame_b | PTE_P | PTE_W;
	check(peek(va) == 0xaaaa);		/* (a TLB keeps it) */
	check(flush_multi(1, va, 1, 0) == 0);
	check(peek(va) == 0xbbbb);
	phys(pt)[va >> 12 & 511] = frame_a | PTE_P | PTE_W;
	check(flush_multi(1, 0, 0, 0) == 0);
	check(peek(va) == 0xaaaa);

	check(hypercall6(PV_HC_VCPU_START, 1, (long)ap1_entry,
			 (long)ap_stack[1] + STACK_SIZE, pml4, 0, 0) == 0);
	wait_step(1);

	/* vCPU 1 spins on va in the guest; it sees B only once flushed. */
	phys(pt)[va >> 12 & 511] = frame_b | PTE_P | PTE_W;
	for (i = 0; i < 100000; i++)
		asm volatile("pause");
	check(seen == 0xaaaa);
	check(flush_multi(1UL << 1, va, 1, 0) == 0);
	token = 1;
	wait_step(2);
	check(after == 0xbbbb);

	/* A global page, which a non-global flush would keep. */
	phys(pt2)[0] = frame_b | PTE_P | PTE_W | PTE_G;
	check(flush_multi(1UL << 1 | 1, va_g, 1, 0) == 0);
	check(peek(va_g) == 0xbbbb);
	token = 2;
	wait_step(3);
	check(after == 0xbbbb);

	/*
	 * vCPU 1 halts in the host and vCPU 2 is down: neither is waited
	 * for; each flushes before it next runs.
	 */
	for (i = 0; i < 100000; i++)
		asm volatile("pause");
	phys(pt)[va >> 12 & 511] = frame_a | PTE_P | PTE_W;
	check(flush_multi(1UL << 1 | 1UL << 2, va, 1, 0) == 0);
	token = 3;
	check(hypercall2(PV_HC_SEND_IPI, 1UL << 1, PV_LINE_IPI_FIRST) == 0);
	wait_step(4);
	check(after == 0xaaaa);

	/* Pages no guest can map, asked of every vCPU: nothing happens. */
	check(flush_multi(7, PV_GUARD_HOLE_START, 16, 0) == 0);
	check(flush_multi(7, PV_GUARD_HOLE_END - 4096, 2, 0) == 0);
	check(flush_multi(7, 1UL << 63, 8, 0) == 0);
	check(flush_multi(7, 0xff00000000001000UL, 4, 0) == 0);
	check(flush_multi(7, ~0UL & ~4095UL, 16, 0) == 0);
	check(flush_multi(7, 0, ~0UL, 0) == 0);
	token = 4;
	wait_step(5);
	check(after == 0xaaaa && peek(va) == 0xaaaa);

	/* vCPU 2 starts with all of that still asked of it. */
	phys(pt)[va >> 12 & 511] = frame_b | PTE_P | PTE_W;
	check(flush_multi(7, va, 1, 0) == 0);
	check(hypercall6(PV_HC_VCPU_START, 2, (long)ap2_entry,
			 (long)ap_stack[2] + STACK_SIZE, pml4, 0, 0) == 0);
	while (!ap2_up)
		;
	check(ap2_up == 2);

	/* A full flush of vCPU 1 reaches every tag, not only its current. */
	phys(pt)[va >> 12 & 511] = frame_a | PTE_P | PTE_W;
	check(flush_multi(3, va, 1, 0) == 0);
	token = 5;
	check(hypercall2(PV_HC_SEND_IPI, 1UL << 1, PV_LINE_IPI_FIRST) == 0);
	wait_step(6);
	check(seen == 0xaaaa);
	phys(pt)[va >> 12 & 511] = frame_b | PTE_P | PTE_W;
	check(flush_multi(1UL << 1, 0, 0, 0) == 0);
	token = 6;
	wait_step(7);
	check(after == 0xbbbb);
	printk("flushes of other vCPUs seen where expected\n");
	return SUCCESS;
}
