// SPDX-License-Identifier: GPL-2.0
/*
 * Port I/O by the guest kernel reaches no device: IN reads all ones with
 * the register semantics of hardware (8 and 16 bits keep the rest of RAX,
 * 32 bits zero-extend), OUT changes nothing, and both step past the
 * instruction.  The string forms stay a #GP(0) at the instruction.  (A
 * user process's IN is a #GP too: usermode.c.)
 */
#include "lib/pv_guest.h"

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct pv_event_frame seen;
static unsigned int events;

void event_handler(struct pv_event_frame *f)
{
	seen = *f;
	events++;
	f->rip += 1;			/* insb, outsb: one byte */
}

enum verdict test_main(void)
{
	unsigned long a, d, at;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);

	a = 0x1122334455667700UL;
	asm volatile("inb $0x80, %%al" : "+a" (a));
	printk("inb $0x80: %lx\n", a);
	check(a == 0x11223344556677ffUL);
	a = 0x1122334455660000UL, d = 0xcfc;
	asm volatile("inw %%dx, %%ax" : "+a" (a) : "d" (d));
	printk("inw (%%dx): %lx\n", a);
	check(a == 0x112233445566ffffUL);
	a = 0x1122334455667788UL, d = 0xcf8;
	asm volatile("inl %%dx, %%eax" : "+a" (a) : "d" (d));
	printk("inl (%%dx): %lx\n", a);
	check(a == 0xffffffffUL);
	a = 0x1122334455667788UL;
	asm volatile("inl $0x71, %%eax" : "+a" (a));
	check(a == 0xffffffffUL);
	a = 0x1122334455667788UL;
	asm volatile("inb %%dx, %%al" : "+a" (a) : "d" (d));
	check(a == 0x11223344556677ffUL);

	/* Writes reach nothing; what the guest reads back is still ~0. */
	a = 0x80000000UL;
	asm volatile("outl %%eax, %%dx\n\toutb %%al, $0x80\n\t"
		     "outw %%ax, %%dx\n\toutw %%ax, $0x70"
		     : : "a" (a), "d" (d));
	a = 0;
	asm volatile("inl %%dx, %%eax" : "+a" (a) : "d" (d));
	check(a == 0xffffffffUL);
	check(events == 0);

	/* insb: a #GP(0) at the instruction, and no byte written. */
	a = 0x5a;
	asm volatile("lea 1f(%%rip), %0\n1: insb"
		     : "=&r" (at) : "D" (&a), "d" (d) : "memory");
	printk("insb: %u event, vector %u, error code %lx\n", events,
	       (unsigned int)(seen.ss >> 32 & 0xff),
	       (unsigned long)seen.error_code);
	check(events == 1);
	check((seen.ss >> 48 & 0xf) == PV_EVENT_HWEXC);
	check((seen.ss >> 32 & 0xff) == 13 && seen.error_code == 0);
	check(seen.rip == at);
	check(a == 0x5a);
	asm volatile("lea 1f(%%rip), %0\n1: outsb"
		     : "=&r" (at) : "S" (&a), "d" (d) : "memory");
	check(events == 2 && seen.rip == at);
	return SUCCESS;
}
