// SPDX-License-Identifier: GPL-2.0
/*
 * FRED stack levels in supervisor mode: an event whose level (FRED_STKLVLS)
 * is above the current one runs on that level's stack (FRED_RSP1..3) and
 * the frame says which level it came from; an event at level 0 stays on
 * the current stack; and when the current stack cannot take a frame, the
 * guest gets a #DF on its double-fault stack instead of the VM stopping,
 * so that a kernel whose stack overflowed can still say so.
 */
#include "lib/pv_guest.h"

#define MSR_IA32_FRED_RSP1	0x1cd
#define MSR_IA32_FRED_RSP3	0x1cf
#define MSR_IA32_FRED_STKLVLS	0x1d0

#define TYPE(f)		((unsigned int)((f).ss >> 48 & 0xf))
#define VECTOR(f)	((unsigned int)((f).ss >> 32 & 0xff))
#define LEVEL(f)	((unsigned int)((f).cs >> 16 & 3))

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char stack1[4096] __attribute__((aligned(64)));
static unsigned char stack3[4096] __attribute__((aligned(64)));

static struct pv_event_frame seen;
static unsigned long seen_at;
static unsigned int events;

void event_handler(struct pv_event_frame *f)
{
	seen = *f;
	seen_at = (unsigned long)f;
	events++;
	if (VECTOR(seen) == 8) {
		/* The stack at the fault is gone: report, as a kernel would. */
		printk("  #DF: frame at stack3 + %lu, from rsp %lx, level %u\n",
		       seen_at - (unsigned long)stack3,
		       (unsigned long)seen.rsp, LEVEL(seen));
		check(TYPE(seen) == PV_EVENT_HWEXC);
		check(seen_at == (unsigned long)stack3 + sizeof(stack3) - 64);
		check(seen.rsp == 0x1000);
		check(LEVEL(seen) == 0);
		test_exit(SUCCESS);
	}
	if (VECTOR(seen) == 6)
		f->rip += 2;		/* past the ud2 */
}

enum verdict test_main(void)
{
	unsigned long here = (unsigned long)&here;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	/* Stack tops must be 64-byte aligned, as on FRED. */
	check(wrmsr_pv(MSR_IA32_FRED_RSP1, (unsigned long)stack1 + 4095) == -PV_EINVAL);
	check(wrmsr_pv(MSR_IA32_FRED_RSP1, (unsigned long)stack1 + sizeof(stack1)) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_RSP3, (unsigned long)stack3 + sizeof(stack3)) == 0);
	/* #UD at level 1, #DF at level 3, the rest at 0. */
	check(wrmsr_pv(MSR_IA32_FRED_STKLVLS, 1UL << (2 * 6) | 3UL << (2 * 8)) == 0);
	check(hypercall2(PV_HC_RDMSR, MSR_IA32_FRED_RSP3, 0) ==
	      (long)stack3 + (long)sizeof(stack3));
	check(hypercall2(PV_HC_RDMSR, MSR_IA32_FRED_STKLVLS, 0) ==
	      (long)(1UL << (2 * 6) | 3UL << (2 * 8)));

	printk("stack levels:\n");
	asm volatile("ud2" : : : "memory");
	printk("  #UD: frame at stack1 + %lu, level %u\n",
	       seen_at - (unsigned long)stack1, LEVEL(seen));
	check(events == 1 && VECTOR(seen) == 6);
	check(seen_at == (unsigned long)stack1 + sizeof(stack1) - 64);
	check(LEVEL(seen) == 0);
	/* Back at level 0 after ERETS: INT3 (level 0) stays on our stack. */
	asm volatile("int3" : : : "memory");
	check(events == 2 && VECTOR(seen) == 3);
	check(seen_at < here && seen_at > here - 4096);
	/* A stack that cannot take the frame: #DF on the level-3 stack. */
	asm volatile("mov $0x1000, %%rsp; int3" : : : "memory");
	printk("no #DF: the event on a bad stack came back\n");
	return FAILURE;
}
