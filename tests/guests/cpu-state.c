// SPDX-License-Identifier: GPL-2.0
/*
 * CPU state the guest's ring 3 owns survives every exit, sleeps on the
 * timer (the launcher's vCPU thread is switched out meanwhile) and the
 * host's own use of the CPU: the DS and ES selectors.  And the guest has
 * no protection keys (CR4.PKE is clear while it runs, cpuid.c), so that
 * no PKRU of its processes can bind its kernel: RDPKRU and WRPKRU #UD,
 * on a host with protection keys too.  Before, the guest's WRPKRU worked
 * and the first exit gave it the launcher's PKRU back.
 */
#include "lib/pv_guest.h"

#define VECTOR_TIMER	0xec
#define USER_DS		0x2b	/* a ring-3 data selector of the host's GDT */
#define MS		1000000UL
#define SLEEPS		20
#define EXITS		2000
/* Keys 1..15 inaccessible, key 0 (every page's) left alone. */
#define GUEST_PKRU	0xfffffffcU
#define VECTOR_UD	6
#define PKRU_INSN_LEN	3	/* rdpkru and wrpkru: 0f 01 ee / 0f 01 ef */

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static volatile unsigned int ticks, uds;

void event_handler(struct pv_event_frame *f)
{
	if ((f->ss >> 32 & 0xff) == VECTOR_UD) {
		uds++;
		f->rip += PKRU_INSN_LEN;
		return;
	}
	ticks++;
}

static unsigned short ds_selector(void)
{
	unsigned short sel;

	asm volatile("mov %%ds, %0" : "=r" (sel));
	return sel;
}

static unsigned short es_selector(void)
{
	unsigned short sel;

	asm volatile("mov %%es, %0" : "=r" (sel));
	return sel;
}

static unsigned int rdpkru(void)
{
	unsigned int eax = 0, edx = 0;

	asm volatile("rdpkru" : "+a" (eax), "+d" (edx) : "c" (0));
	return eax;
}

static void wrpkru(unsigned int pkru)
{
	asm volatile("wrpkru" : : "a" (pkru), "c" (0), "d" (0) : "memory");
}

enum verdict test_main(void)
{
	unsigned int i, pkru;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall2(PV_HC_IRQ_BIND, PV_LINE_TIMER, VECTOR_TIMER) == 0);

	asm volatile("mov %0, %%ds" : : "r" (USER_DS));
	asm volatile("mov %0, %%es" : : "r" (USER_DS));
	wrpkru(GUEST_PKRU);
	pkru = rdpkru();
	printk("WRPKRU and RDPKRU: %u #UD (RDPKRU gave 0x%x)\n", uds, pkru);
	check(uds == 2);
	for (i = 0; i < EXITS; i++)
		hypercall0(PV_HC_GET_FEATURES);
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
	printk("after %u exits and %u sleeps: ds 0x%x es 0x%x\n", EXITS, ticks,
	       ds_selector(), es_selector());
	check(ticks == SLEEPS);
	check(ds_selector() == USER_DS && es_selector() == USER_DS);
	return SUCCESS;
}
