// SPDX-License-Identifier: GPL-2.0
/*
 * The shared page's preempted byte: while two vCPUs that spin in the
 * guest share one host CPU (tests/host/vcpu-preempted.t runs pvrun under
 * taskset), each runs only while the other is off the CPU though
 * runnable, and must see the other's byte 1; a vCPU not yet started
 * reads 0.  On a host that gives each vCPU a CPU of its own neither need
 * ever see 1: SKIP, unless require=1 (the .t) makes that a FAILURE.  Run
 * with pvrun --smp 2 (preempted.args).
 */
#include "lib/pv_guest.h"

#define STACK_SIZE	16384

static struct pv_vcpu_shared shared[2] __attribute__((aligned(4096)));
static unsigned char ap_stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned long seen[2][2];	/* [observer][value] */
static volatile unsigned int ap_done;

/* Watch the other vCPU's byte for @ns of pvclock time. */
static void watch(unsigned int self, unsigned long ns)
{
	volatile struct pv_vcpu_shared *other = &shared[!self];
	unsigned long t = pvclock_ns(&shared[self]);

	while (pvclock_ns(&shared[self]) - t < ns) {
		seen[self][other->preempted ? 1 : 0]++;
		if (seen[self][1] > 1000 && seen[!self][1] > 1000)
			break;
	}
}

void ap_main(void);

void ap_main(void)
{
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared[1]), 0) == 0);
	watch(1, 5000000000UL);
	ap_done = 1;
	for (;;)
		hypercall0(PV_HC_HALT);
}

asm(".text\n"
    ".globl ap_entry\n"
    "ap_entry: and $-16, %rsp; call ap_main; ud2\n");
extern char ap_entry[];

enum verdict test_main(void)
{
	check(boot_info->nr_vcpus == 2);
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared[0]), 0) == 0);
	/* Not started yet: a vCPU that never ran is not "preempted". */
	check(shared[1].preempted == 0);
	check(hypercall6(PV_HC_VCPU_START, 1, (long)ap_entry,
			 (long)ap_stack + STACK_SIZE, boot_info->boot_pgd, 0, 0) == 0);
	watch(0, 5000000000UL);
	while (!ap_done)
		;
	printk("vCPU 0 saw vCPU 1 preempted %lu times, running %lu; vCPU 1 saw %lu, %lu\n",
	       seen[0][1], seen[0][0], seen[1][1], seen[1][0]);
	if (!seen[0][1] || !seen[1][1]) {
		if (param("require", 0))
			return FAILURE;
		printk("the vCPUs never shared a host CPU: nothing preempted to see\n");
		return SKIP;
	}
	return SUCCESS;
}
