// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO: a mapping of guest-physical addresses that are not RAM is never
 * backed by memory; each load and store exits to pvrun, which has no
 * device there (its devices start at 0xd0000000) and answers loads with
 * all-ones.  Checks that every MOV form readX()/writeX() use completes
 * into the right part of the right register and resumes at the next
 * instruction.
 */
#include "lib/pv_guest.h"

#define NOT_RAM		(3UL << 30)	/* beyond any test guest's memory */
#define MMIO		0x1000UL	/* where it is mapped */
#define FILL		0x1122334455667788UL

/* One load: %rax starts as FILL, %rdi points at MMIO. */
#define LOAD(insn) ({							\
	unsigned long v = FILL;						\
	asm volatile(insn : "+a" (v) : "D" (MMIO) : "memory");		\
	v;								\
})

enum verdict test_main(void)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long v, w;

	/* A 1 GiB page at VA 0 onto guest-physical 3 GiB. */
	pdpt[0] = NOT_RAM | 0x83;		/* P | W | PS */
	pml4[0] = __pa_kernel(pdpt) | 0x3;

	check(LOAD("movb (%%rdi), %%al") == 0x11223344556677ffUL);
	check(LOAD("movb (%%rdi), %%ah") == 0x112233445566ff88UL);
	check(LOAD("movw (%%rdi), %%ax") == 0x112233445566ffffUL);
	check(LOAD("movl (%%rdi), %%eax") == 0xffffffffUL);
	check(LOAD("movq (%%rdi), %%rax") == ~0UL);
	check(LOAD("movzbl (%%rdi), %%eax") == 0xff);
	check(LOAD("movzwl 2(%%rdi), %%eax") == 0xffff);
	check(LOAD("movzbq 0x800(%%rdi), %%rax") == 0xff);
	check(LOAD("movl %%fs:(%%rdi), %%eax") == 0xffffffffUL);
	printk("loads: every size lands in the right bytes\n");

	/* REX registers, SIB addressing. */
	v = FILL;
	asm volatile("movl (%%rdi), %%r9d; mov %%r9, %0"
		     : "=r" (w) : "D" (MMIO) : "r9", "memory");
	check(w == 0xffffffffUL);
	asm volatile("movb 4(%%rdi,%%rcx,8), %%sil"
		     : "+S" (v) : "D" (MMIO), "c" (3UL) : "memory");
	check(v == 0x11223344556677ffUL);

	/* Stores: each completes and execution goes on after it. */
	v = 0;
	asm volatile("movl %%eax, (%%rdi)\n\t"
		     "movb $1, 1(%%rdi)\n\t"
		     "movw $0x1234, 0x100(%%rdi)\n\t"
		     "movq $-1, 0x1000(%%rdi)\n\t"
		     "movq %4, (%%rdi,%%rcx,8)\n\t"
		     "movb %%ah, 3(%%rdi)\n\t"
		     "movq $0x55aa, %0"
		     : "=r" (v) : "a" (5), "D" (MMIO), "c" (2UL), "r" (8UL)
		     : "memory");
	check(v == 0x55aa);
	printk("stores: done, each one past its instruction\n");
	return SUCCESS;
}
