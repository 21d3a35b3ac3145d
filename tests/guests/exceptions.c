// SPDX-License-Identifier: GPL-2.0
/*
 * Each exception kind a guest kernel can raise, delivered FRED-shaped
 * with exact frame contents, and ERETS back: #UD, #BP (INT3), #DE, #GP
 * from privileged instructions, INT n, #DB from single stepping (TF), #PF not-present and write-protect with CR2 and error
 * code, and the virtual interrupt flag in the frame.
 */
#include "lib/pv_guest.h"

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));

/* What the last event looked like, and how far to skip on return. */
static struct pv_event_frame seen;
static unsigned int events, skip;
static unsigned char irq_in_handler;

void event_handler(struct pv_event_frame *f)
{
	seen = *f;
	events++;
	irq_in_handler = shared.irq_enabled;
	f->rip += skip;
	f->rflags &= ~0x100UL;		/* stop single-stepping */
}

#define TYPE(f)		((unsigned int)((f).ss >> 48 & 0xf))
#define VECTOR(f)	((unsigned int)((f).ss >> 32 & 0xff))
#define INSN_LEN(f)	((unsigned int)((f).ss >> 60))

/*
 * Run @insn (a string of asm) expecting one event; the handler moves the
 * frame's rip on by @len (the faulting instruction's length, or 0 for
 * events that report the next instruction already).
 */
#define expect_event(insn, len, type, vector) do {			\
	unsigned long at;						\
	unsigned int before = events;					\
	skip = (len);							\
	asm volatile("lea 1f(%%rip), %0\n1: " insn			\
		     : "=r" (at) : : "rax", "rdx", "rcx", "memory");	\
	printk("  %s: type %u vector %u error %lx, rip at +%lu\n",	\
	       insn, TYPE(seen), VECTOR(seen),				\
	       (unsigned long)seen.error_code,				\
	       (unsigned long)(seen.rip - at));				\
	check(events == before + 1);					\
	check(TYPE(seen) == (type));					\
	check(VECTOR(seen) == (vector));				\
	check((seen.cs & 0xffff) == PV_KERNEL_CS);			\
	check((seen.ss & 0xffff) == PV_KERNEL_DS);			\
	check(seen.ss & (1ULL << 57));					\
	last_at = at;							\
} while (0)

static unsigned long last_at;

/* The boot tables map guest memory with 2 MiB pages at the direct map. */
static volatile unsigned long *direct_map_pde(unsigned long pa)
{
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long *pdpt, *pd, va = PV_DIRECT_MAP_BASE + pa;

	pdpt = (unsigned long *)(PV_DIRECT_MAP_BASE + (pml4[va >> 39 & 511] & ~0xfffUL));
	pd = (unsigned long *)(PV_DIRECT_MAP_BASE + (pdpt[va >> 30 & 511] & ~0xfffUL));
	return &pd[va >> 21 & 511];
}

enum verdict test_main(void)
{
	/* volatile: the "MMU" (the host) changes them behind our back */
	volatile unsigned long *wp, *ad, *pde;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared) + 8, 0) == -PV_EINVAL);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall2(PV_HC_RDMSR, MSR_IA32_FRED_CONFIG, 0) == (long)event_entry);
	check(wrmsr_pv(0x10, 0) == -PV_EINVAL);		/* TSC: not for guests */
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, PV_GUARD_HOLE_START) == -PV_EINVAL);

	printk("exceptions, as the guest kernel sees them:\n");
	expect_event("ud2", 2, PV_EVENT_HWEXC, 6);
	check(seen.rip == last_at && seen.error_code == 0);
	expect_event("int3", 0, PV_EVENT_SWEXC, 3);
	check(seen.rip == last_at + 1 && INSN_LEN(seen) == 1);
	check(seen.ss & (1ULL << 17));		/* a software event */
	expect_event("xor %%ecx, %%ecx; div %%rcx", 3, PV_EVENT_HWEXC, 0);
	/* (the xor is 2 bytes: the fault is at the div) */
	check(seen.rip == last_at + 2);
	seen.rip = 0;
	expect_event("cli", 1, PV_EVENT_HWEXC, 13);
	check(seen.rip == last_at && seen.error_code == 0);
	expect_event("hlt", 1, PV_EVENT_HWEXC, 13);
	expect_event("mov %%cr3, %%rax", 3, PV_EVENT_HWEXC, 13);
	expect_event("mov $0x10, %%ecx; wrmsr", 2, PV_EVENT_HWEXC, 13);
	expect_event("insb", 1, PV_EVENT_HWEXC, 13);	/* in, out: portio.c */
	expect_event("lgdt (%%rsp)", 4, PV_EVENT_HWEXC, 13);
	expect_event("lidt (%%rsp)", 4, PV_EVENT_HWEXC, 13);
	expect_event("ltr %%ax", 3, PV_EVENT_HWEXC, 13);
	expect_event("mov %%rax, %%cr0", 3, PV_EVENT_HWEXC, 13);
	expect_event("invlpg (%%rax)", 3, PV_EVENT_HWEXC, 13);
	expect_event("swapgs", 3, PV_EVENT_HWEXC, 13);
	expect_event("mov $0x10, %%ecx; rdmsr", 2, PV_EVENT_HWEXC, 13);
	expect_event("outsb", 1, PV_EVENT_HWEXC, 13);
	check(seen.rip == last_at && seen.error_code == 0);
	expect_event("int $0x80", 0, PV_EVENT_SWINT, 0x80);
	check(seen.rip == last_at + 2 && INSN_LEN(seen) == 2);
	/*
	 * (INT1 is not tried: QEMU's TCG takes it as a request for its own
	 * debugger and pauses the whole host VM.)
	 */
	/* TF set by POPF: a trap after the instruction that follows it. */
	expect_event("pushf; orq $0x100, (%%rsp); popf; nop", 0,
		     PV_EVENT_HWEXC, 1);
	check(seen.rip == last_at + 11);	/* 1 + 8 + 1 + 1 bytes */
	check(seen.rflags & 0x100);
	check(seen.event_data == 1UL << 14);	/* DR6.BS, as FRED gives it */

	/* #PF on an address the guest never mapped: not present, read. */
	expect_event("mov 0x1000, %%rax", 8, PV_EVENT_HWEXC, 14);
	check(seen.event_data == 0x1000 && seen.error_code == 0);
	check(shared.cr2 == 0x1000);		/* the virtual CR2 too */

	/* #PF on a write-protected page: present, write. */
	pde = direct_map_pde(40UL << 20);
	*pde &= ~2UL;				/* read-only, never touched yet */
	wp = (unsigned long *)(PV_DIRECT_MAP_BASE + (40UL << 20) + 0x123 * 8);
	check(*wp == 0);			/* reading is fine */
	skip = 7;
	asm volatile("movq $1, (%0)" : : "r" (wp) : "memory");	/* 7 bytes */
	check(VECTOR(seen) == 14);
	check(seen.event_data == (unsigned long)wp);
	check(seen.error_code == 3);		/* P | W, supervisor */

	/* Accessed and Dirty, as the MMU sets them. */
	pde = direct_map_pde(44UL << 20);
	*pde &= ~0x60UL;
	ad = (unsigned long *)(PV_DIRECT_MAP_BASE + (44UL << 20));
	(void)*ad;
	check((*pde & 0x20) && !(*pde & 0x40));	/* read: A, not D */
	*ad = 1;
	check(*pde & 0x40);			/* write: D */

	/* The virtual interrupt flag: saved in the frame, clear inside. */
	shared.irq_enabled = 1;
	expect_event("ud2", 2, PV_EVENT_HWEXC, 6);
	check(seen.rflags & 0x200);
	check(irq_in_handler == 0);
	check(shared.irq_enabled == 1);		/* ERETS restored it */
	shared.irq_enabled = 0;
	expect_event("ud2", 2, PV_EVENT_HWEXC, 6);
	check(!(seen.rflags & 0x200));

	/* IRETQ to itself, as Linux's sync_core() does, just works. */
	{
		unsigned long tmp, before = events;

		asm volatile("mov %%ss, %0\n\tpushq %q0\n\tpushq %%rsp\n\t"
			     "addq $8, (%%rsp)\n\tpushfq\n\tmov %%cs, %0\n\t"
			     "pushq %q0\n\tpushq $1f\n\tiretq\n1:"
			     : "=&r" (tmp) : : "cc", "memory");
		check(events == before);
	}
	return SUCCESS;
}
