// SPDX-License-Identifier: GPL-2.0
/*
 * FS and GS selectors the guest kernel loads in ring 3 are the guest's:
 * they survive exits, sleeps on the timer (the launcher's vCPU thread is
 * switched out meanwhile) and the host's own use, and they never leak
 * into the launcher.  Before pvhost kept them apart, the selector left in
 * the launcher's thread made Linux, on a CPU without FSGSBASE, give that
 * thread a TLS base of 0 at its next context switch: pvrun crashed.
 */
#include "lib/pv_guest.h"

#define VECTOR_TIMER	0xec
#define USER_DS		0x2b	/* a ring-3 data selector of the host's GDT */
#define MS		1000000UL
#define SLEEPS		20
#define MSR_FS_BASE	0xc0000100

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static volatile unsigned int ticks;
static unsigned long marker = 0x5e6d5e6d;	/* read through %fs */

void event_handler(struct pv_event_frame *f)
{
	(void)f;
	ticks++;
}

static unsigned short fs_selector(void)
{
	unsigned short sel;

	asm volatile("mov %%fs, %0" : "=r" (sel));
	return sel;
}

static unsigned short gs_selector(void)
{
	unsigned short sel;

	asm volatile("mov %%gs, %0" : "=r" (sel));
	return sel;
}

enum verdict test_main(void)
{
	unsigned long through_fs;
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall2(PV_HC_IRQ_BIND, PV_LINE_TIMER, VECTOR_TIMER) == 0);

	asm volatile("mov %0, %%fs" : : "r" (USER_DS));
	asm volatile("mov %0, %%gs" : : "r" (USER_DS));
	check(wrmsr_pv(MSR_FS_BASE, (unsigned long)&marker) == 0);
	for (i = 0; i < SLEEPS; i++) {
		/* Sleep until the timer: pvrun's vCPU thread sleeps too. */
		shared.irq_enabled = 0;
		check(hypercall2(PV_HC_SET_TIMER, pvclock_ns(&shared) + 2 * MS, 0) == 0);
		check(hypercall0(PV_HC_HALT) == 0);
		shared.irq_enabled = 1;
		asm volatile("" ::: "memory");
		if (shared.irq_pending)
			hypercall0(PV_HC_IRQ_WINDOW);
	}
	asm volatile("mov %%fs:0, %0" : "=r" (through_fs));
	printk("after %u sleeps: fs 0x%x gs 0x%x, at fs:0 0x%lx\n", ticks,
	       fs_selector(), gs_selector(), through_fs);
	check(ticks == SLEEPS);
	check(fs_selector() == USER_DS && gs_selector() == USER_DS);
	check(through_fs == marker);
	return SUCCESS;
}
