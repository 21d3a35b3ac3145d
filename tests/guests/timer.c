// SPDX-License-Identifier: GPL-2.0
/*
 * Time and interrupts: pvclock is monotonic; the one-shot timer raises
 * its line within a bound; no interrupt arrives while the virtual
 * interrupt flag is clear (the host flags it pending instead, and
 * IRQ_WINDOW delivers it); a disarmed timer stays quiet; HALT sleeps
 * until the timer wakes it, even one that fires as it halts; pvclock
 * keeps the host's time within 0.1%.
 */
#include "lib/pv_guest.h"

#define VECTOR_TIMER	0xec
#define MS		1000000UL
/* Generous: the host VM may be emulated (TCG) and busy. */
#define LATE_BOUND	(200 * MS)

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static volatile unsigned int ticks;
static volatile unsigned long tick_at, tick_vector, tick_type;

void event_handler(struct pv_event_frame *f)
{
	tick_type = f->ss >> 48 & 0xf;
	tick_vector = f->ss >> 32 & 0xff;
	ticks++;
}

static unsigned long now(void)
{
	return pvclock_ns(&shared);
}

static void irq_enable(void)
{
	shared.irq_enabled = 1;
	asm volatile("" ::: "memory");
	if (shared.irq_pending)
		hypercall0(PV_HC_IRQ_WINDOW);
}

enum verdict test_main(void)
{
	unsigned long t0, t, last, i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(shared.clock.tsc_to_system_mul != 0);
	check(shared.clock.flags & 1);		/* TSC stable */
	/* The host's wall clock at pvclock 0: after 2024 began. */
	check(shared.wall_clock > 1704067200UL * 1000000000UL);
	check(hypercall2(PV_HC_IRQ_BIND, PV_LINE_TIMER, VECTOR_TIMER) == 0);
	check(hypercall2(PV_HC_IRQ_BIND, PV_NR_LINES, VECTOR_TIMER) == -PV_EINVAL);
	check(hypercall2(PV_HC_IRQ_BIND, 1, 31) == -PV_EINVAL);

	/* pvclock never goes back. */
	last = now();
	for (i = 0; i < 100000; i++) {
		t = now();
		check(t >= last);
		last = t;
	}

	/* Interrupts off: the timer fires but waits, flagged pending. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 10 * MS, 0) == 0);
	while (now() < t0 + 60 * MS)
		;
	check(ticks == 0);
	/* (an exit after the timer fired lets the host flag it) */
	hypercall0(PV_HC_GET_FEATURES);
	check(shared.irq_pending == 1);
	irq_enable();
	check(ticks == 1);
	check(tick_type == PV_EVENT_EXTINT && tick_vector == VECTOR_TIMER);
	check(shared.irq_enabled == 1);
	printk("masked timer: delivered once interrupts were enabled\n");

	/* Interrupts on: it arrives within the bound, by itself. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 20 * MS, 0) == 0);
	while (ticks == 1 && now() < t0 + 20 * MS + LATE_BOUND)
		;
	t = now();
	check(ticks == 2);
	check(t >= t0 + 20 * MS);
	printk("timer for +20 ms arrived at +%lu us\n", (t - t0) / 1000);

	/* Disarmed: nothing comes. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 10 * MS, 0) == 0);
	check(hypercall2(PV_HC_SET_TIMER, 0, 0) == 0);
	while (now() < t0 + 50 * MS)
		;
	check(ticks == 2);

	/* HALT sleeps until the timer. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 30 * MS, 0) == 0);
	check(hypercall0(PV_HC_HALT) == 0);
	t = now();
	while (ticks == 2 && now() < t0 + 30 * MS + LATE_BOUND)
		;
	check(ticks == 3);
	check(t >= t0 + 30 * MS - MS && t < t0 + 30 * MS + LATE_BOUND);
	printk("halt for 30 ms woke at +%lu us\n", (t - t0) / 1000);

	/*
	 * pvclock against host time: the timer fires on the host's
	 * CLOCK_MONOTONIC.  After one second of it, pvclock must show one
	 * second within 0.1% (plus the wake-up latency on the late side).
	 */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 1000 * MS, 0) == 0);
	while (ticks == 3)
		hypercall0(PV_HC_HALT);
	t = now() - t0;
	printk("one host second took %lu us of pvclock\n", t / 1000);
	check(t >= 999 * MS && t <= 1001 * MS + LATE_BOUND);

	/*
	 * A timer that fires just as the guest halts wakes it: HALT never
	 * reports "nothing to wake" for a line raised a moment before.  The
	 * deadlines sweep 0 to 199 us ahead, across the hypercall's own time.
	 */
	for (i = 0; i < 2000; i++) {
		unsigned int before = ticks;

		shared.irq_enabled = 0;
		check(hypercall2(PV_HC_SET_TIMER, now() + (i % 200) * 1000, 0) == 0);
		check(hypercall0(PV_HC_HALT) == 0);
		irq_enable();
		check(ticks == before + 1);
	}
	printk("2000 timers racing HALT: every one woke the guest\n");
	return SUCCESS;
}
