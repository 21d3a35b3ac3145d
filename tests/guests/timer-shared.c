// SPDX-License-Identifier: GPL-2.0
/*
 * The timer deadline in the shared page (PV_TIMER_SHARED): the host
 * raises the line once for a deadline the guest wrote there, never before
 * it, and sets the field to 0; a periodic tick (timer_period) needs no
 * set_timer hypercall after the first, late ticks included; a later
 * deadline, or 0, needs no hypercall and is honoured (HALT too); bad
 * flags and garbage in the fields (a period out of range among them)
 * change nothing but this guest's own timer; a new shared page starts
 * in the hypercall mode.
 */
#include "lib/pv_guest.h"

#define VECTOR_TIMER	0xec
#define MS		1000000UL
#define PERIOD		(2 * MS)
#define TICKS		50
/* Generous: the host VM may be emulated (TCG) and busy. */
#define LATE_BOUND	(200 * MS)

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct pv_vcpu_shared other __attribute__((aligned(4096)));
static volatile unsigned int ticks;
static volatile unsigned long tick_at, next_deadline;
static volatile int periodic;
static struct pv_exit_counts counts;

static unsigned long now(void)
{
	return pvclock_ns(&shared);
}

/* As Linux's clockevent does: the shared field, a hypercall if need be. */
static void set_deadline(unsigned long deadline)
{
	unsigned long armed;

	shared.timer_deadline = deadline;
	asm volatile("" ::: "memory");
	armed = shared.timer_armed;
	if (armed && deadline >= armed)
		return;
	check(hypercall2(PV_HC_SET_TIMER, deadline, PV_TIMER_SHARED) == 0);
}

void event_handler(struct pv_event_frame *f)
{
	(void)f;
	tick_at = now();
	ticks++;
	/*
	 * A periodic tick: the next deadline one period after this one, or
	 * the first such point to come when late (Linux's hrtimer_forward()).
	 */
	if (periodic) {
		do
			next_deadline += PERIOD;
		while (next_deadline <= now());
		set_deadline(next_deadline);
	}
}

static unsigned long set_timer_calls(unsigned long *exits)
{
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts, sizeof(counts)) ==
	      sizeof(counts));
	if (exits)
		*exits = counts.exits;
	return counts.hypercalls[PV_HC_SET_TIMER];
}

/* Spin, interrupts on, until tick @n or @until. */
static void spin_until(unsigned int n, unsigned long until)
{
	while (ticks < n && now() < until)
		;
}

enum verdict test_main(void)
{
	unsigned long t0, t, calls, exits, calls0, exits0;

	check(hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_TIMER_DEADLINE);
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall2(PV_HC_IRQ_BIND, PV_LINE_TIMER, VECTOR_TIMER) == 0);
	check(hypercall2(PV_HC_SET_TIMER, 1, 2) == -PV_EINVAL);
	check(hypercall2(PV_HC_SET_TIMER, 1, ~0UL) == -PV_EINVAL);
	check(shared.timer_armed == 0);
	shared.irq_enabled = 1;

	/* One deadline by hypercall: the host writes it, fires once, zeroes it. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 5 * MS, PV_TIMER_SHARED) == 0);
	check(shared.timer_deadline == t0 + 5 * MS);
	spin_until(1, t0 + 5 * MS + LATE_BOUND);
	check(ticks == 1);
	check(tick_at >= t0 + 5 * MS);
	check(shared.timer_deadline == 0);
	/* Nothing more: no period seen yet, nothing armed. */
	t = now();
	while (now() < t + 20 * MS)
		;
	check(ticks == 1);

	/* A periodic tick: after the first, no set_timer at all. */
	shared.timer_period = PERIOD;
	calls0 = set_timer_calls(&exits0);
	next_deadline = now() + PERIOD;
	periodic = 1;
	set_deadline(next_deadline);
	spin_until(1 + TICKS, now() + TICKS * PERIOD + LATE_BOUND);
	periodic = 0;
	calls = set_timer_calls(&exits) - calls0;
	exits -= exits0;
	printk("%u periodic ticks: %lu set_timer calls, %lu exits\n",
	       TICKS, calls, exits);
	check(ticks >= 1 + TICKS);
	/*
	 * The first asks; the host's guess holds for the rest but where a
	 * late tick's point to come passed between the host's look and the
	 * guest's (rare, on a busy machine).  Without the guess: one each.
	 */
	check(calls <= TICKS / 5);

	/*
	 * The last tick armed a guess one period on; the guest asks for
	 * nothing (0) without a hypercall: the guess fires for nothing.
	 */
	shared.timer_deadline = 0;
	t = ticks;
	t0 = now();
	while (now() < t0 + 30 * MS)
		;
	check(ticks == t);
	check(shared.timer_armed == 0 || shared.timer_armed > t0 + 30 * MS);

	/* A deadline after timer_armed needs no hypercall and is kept. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 5 * MS, PV_TIMER_SHARED) == 0);
	calls0 = set_timer_calls(NULL);
	set_deadline(t0 + 40 * MS);
	check(set_timer_calls(NULL) == calls0);
	t = ticks;
	spin_until(t + 1, t0 + 40 * MS + LATE_BOUND);
	check(ticks == t + 1);
	check(tick_at >= t0 + 40 * MS);
	printk("a deadline moved later without a hypercall: +%lu us\n",
	       (tick_at - t0) / 1000);

	/* HALT looks at the page too: a later deadline, then sleep. */
	t0 = now();
	check(hypercall2(PV_HC_SET_TIMER, t0 + 5 * MS, PV_TIMER_SHARED) == 0);
	set_deadline(t0 + 30 * MS);
	t = ticks;
	shared.irq_enabled = 0;
	check(hypercall0(PV_HC_HALT) == 0);
	check(now() >= t0 + 30 * MS);
	shared.irq_enabled = 1;
	hypercall0(PV_HC_IRQ_WINDOW);
	check(ticks == t + 1);
	check(tick_at >= t0 + 30 * MS);

	/* Garbage: a deadline far away never fires; one long past at once. */
	shared.timer_deadline = ~0UL;
	check(hypercall2(PV_HC_SET_TIMER, ~0UL, PV_TIMER_SHARED) == 0);
	check(shared.timer_armed == ~0UL);
	t = ticks;
	t0 = now();
	while (now() < t0 + 20 * MS)
		;
	check(ticks == t);
	shared.timer_armed = 12345;	/* the host's field: ours to spoil */
	check(hypercall2(PV_HC_SET_TIMER, 1, PV_TIMER_SHARED) == 0);
	check(ticks == t + 1);	/* raised and delivered on the way back */
	check(shared.timer_deadline == 0);
	/* Periods out of range: no guess. */
	shared.timer_period = PV_TIMER_PERIOD_MIN - 1;
	check(hypercall2(PV_HC_SET_TIMER, 1, PV_TIMER_SHARED) == 0);
	check(ticks == t + 2 && shared.timer_armed == 0);
	shared.timer_period = ~0UL;
	check(hypercall2(PV_HC_SET_TIMER, 1, PV_TIMER_SHARED) == 0);
	check(ticks == t + 3 && shared.timer_armed == 0);
	shared.timer_period = PERIOD;

	/*
	 * A new shared page: the hypercall mode again, timer_armed 0, and
	 * the guess of the shared mode gone.
	 */
	next_deadline = now() + PERIOD;
	periodic = 1;
	set_deadline(next_deadline);
	t = ticks;
	spin_until(t + 3, now() + 3 * PERIOD + LATE_BOUND);
	periodic = 0;
	check(ticks >= t + 3);
	other.timer_armed = 777;
	other.irq_enabled = 1;	/* the flag lives in the page */
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&other), 0) == 0);
	check(other.timer_armed == 0);
	t = ticks;
	t0 = now();
	while (now() < t0 + 30 * MS)
		;
	check(ticks == t);
	/* The hypercall mode works as before. */
	check(hypercall2(PV_HC_SET_TIMER, t0 + 35 * MS, 0) == 0);
	spin_until(t + 1, t0 + 35 * MS + LATE_BOUND);
	check(ticks == t + 1);
	printk("shared deadlines: once each, never early; a new page resets\n");
	return SUCCESS;
}
