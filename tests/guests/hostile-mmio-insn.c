// SPDX-License-Identifier: GPL-2.0
/*
 * MMIO by an instruction pvhost does not emulate (an ADD from memory
 * that is not RAM): the guest gets a #GP(0) at that instruction, a clean
 * fault it can handle, and the VM goes on.  Run by
 * tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct pv_event_frame seen;
static unsigned int events;

#define ADD_LEN		3	/* add (%rdi), %rax: 48 03 07 */

void event_handler(struct pv_event_frame *f)
{
	seen = *f;
	events++;
	f->rip += ADD_LEN;
}

enum verdict test_main(void)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long v = 1, at;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	pdpt[0] = (3UL << 30) | 0x83;		/* P | W | PS, not RAM */
	pml4[0] = __pa_kernel(pdpt) | 0x3;
	asm volatile("lea 1f(%%rip), %0\n1: add (%%rdi), %1"
		     : "=&r" (at), "+a" (v) : "D" (0x1000UL) : "memory");
	printk("MMIO by ADD: %u event, vector %u, error code %lx, rip at +%lu\n",
	       events, (unsigned int)(seen.ss >> 32 & 0xff),
	       (unsigned long)seen.error_code, (unsigned long)(seen.rip - at));
	check(events == 1);
	check((seen.ss >> 48 & 0xf) == PV_EVENT_HWEXC);
	check((seen.ss >> 32 & 0xff) == 13);	/* #GP */
	check(seen.error_code == 0);
	check(seen.rip == at);
	check(v == 1);				/* nothing was added */
	return SUCCESS;
}
