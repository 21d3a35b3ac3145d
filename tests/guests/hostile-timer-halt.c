// SPDX-License-Identifier: GPL-2.0
/*
 * A shared-mode timer (PV_TIMER_SHARED) left behind when the shared page
 * goes (PV_HC_VCPU_REGISTER of 0): it must go back to the hypercall mode
 * with it, disarmed.  The guest then lets the old deadline pass and
 * halts: its vCPU must sleep (pvrun's devices could wake it) and die of
 * a SIGKILL (tests/host/hostile-guests.t).  Before the fix the timer's
 * callback kept asking a vCPU that had no page to look at, and
 * PV_HC_HALT went round in the host for good, deaf to signals: pvrun
 * burnt a CPU and could not be killed.
 */
#include "lib/pv_guest.h"

#define MS		1000000UL

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));

enum verdict test_main(void)
{
	unsigned long t0;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	t0 = pvclock_ns(&shared);
	/* Far enough that no exit sees it pass before the page goes. */
	check(hypercall2(PV_HC_SET_TIMER, t0 + 200 * MS, PV_TIMER_SHARED) == 0);
	/* No shared page from now on. */
	check(hypercall2(PV_HC_VCPU_REGISTER, 0, 0) == 0);
	/* The deadline passes; a few exits come and go meanwhile. */
	while (pvclock_ns(&shared) < t0 + 400 * MS)
		hypercall0(PV_HC_GET_FEATURES);
	printk("halting with no timer armed\n");
	hypercall0(PV_HC_HALT);
	printk("HALT returned: something woke the vCPU\n");
	return FAILURE;
}
