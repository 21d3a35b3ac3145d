// SPDX-License-Identifier: GPL-2.0
/*
 * A line raised while the host is on its way into the guest reaches the
 * guest at once, not at the host's next tick.  tests/host/irq-entry.t
 * makes that way long (pvhost.entry_delay_us: 5 ms of spinning between
 * the delivery of lines and the entry); the timer, armed 1.5 ms ahead
 * (more than a hypercall takes in the emulated host VM), fires in there.
 * The guest then spins with interrupts on, and its spin is continuous (no
 * exit) only while the host has nothing for it: a line raised but not
 * delivered shows as a spin going on well past the deadline, and past the
 * hypercall's return.
 * Before pvhost delivered lines with IRQs off right before the entry, such
 * a line waited for the host's tick (4 ms at HZ=250).  Run without the
 * delay (run-in-vm), it checks the same.
 */
#include "lib/pv_guest.h"

#define VECTOR_TIMER	0xec
#define US		1000UL
#define ROUNDS		100
/* Longer than an exit takes; shorter than a host tick. */
#define GAP		(50 * US)
#define LATE		(500 * US)

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static volatile unsigned int ticks;

void event_handler(struct pv_event_frame *f)
{
	(void)f;
	ticks++;
}

static unsigned long now(void)
{
	return pvclock_ns(&shared);
}

enum verdict test_main(void)
{
	unsigned long deadline, t, last, since, waited, worst = 0;
	unsigned int i, seen, late = 0;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall2(PV_HC_IRQ_BIND, PV_LINE_TIMER, VECTOR_TIMER) == 0);
	shared.irq_enabled = 1;

	for (i = 0; i < ROUNDS; i++) {
		seen = ticks;
		deadline = now() + 1500 * US;
		check(hypercall2(PV_HC_SET_TIMER, deadline, 0) == 0);
		last = since = now();
		waited = 0;
		while (ticks == seen) {
			t = now();
			/* A gap: the guest was out; the host had its chance. */
			if (t - last > GAP)
				since = t;
			last = t;
			/* Spinning since the deadline, or since the last exit. */
			if (t > deadline)
				waited = t - (since > deadline ? since : deadline);
		}
		if (waited > LATE)
			late++;
		if (waited > worst)
			worst = waited;
	}
	printk("%u timer lines: %u came over %lu us into a continuous spin past the deadline (worst %lu us)\n",
	       ROUNDS, late, LATE / US, worst / US);
	check(ticks == ROUNDS);
	/*
	 * The emulated host VM's own timer is late now and then, more often
	 * on a busy machine (CI has seen 11 rounds in 40).  A line left for
	 * the host's tick waits a uniform share of its 4 ms period, so it is
	 * late in most rounds (26 in 40 before the fix): the median tells
	 * the two apart where a fixed fraction of late rounds did not.
	 */
	check(late * 2 <= ROUNDS);
	return SUCCESS;
}
