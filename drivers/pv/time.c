// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: guest time, the one-shot timer and interrupt lines.
 *
 * Guest time (pvclock) is nanoseconds since the VM was created, computed
 * by the guest from RDTSC alone with the scale written into its shared
 * page once, when the page is registered: the host TSC is the clock, so
 * guest time cannot go backwards, on one vCPU or across them (they all
 * have the same scale and the same starting point).  The one-shot timer is a host hrtimer
 * at the same instant on CLOCK_MONOTONIC; it raises line PV_LINE_TIMER
 * (lines.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hrtimer.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>
#include <asm/pvclock-abi.h>
#include <asm/tsc.h>

#include <pv/abi.h>

#include "vm.h"

/*
 * The pvclock scale for a TSC of @tsc_hz: ns = ((tsc << shift) * mul) >> 32,
 * with a right shift for negative @shift.  Keep the TSC rate below twice
 * a billion and above half of it by shifting, then take the 32-bit
 * fraction 1e9 / rate.
 */
static void pvclock_scale(u64 tsc_hz, s8 *shift, u32 *mul)
{
	u64 ns_hz = NSEC_PER_SEC;
	s8 s = 0;

	/*
	 * No rate, no scale: shifting 0 left never reaches half a billion.
	 * pv_time_check() refuses such a host at load; a clock that stands
	 * still is still better than a CPU that spins here for good.
	 */
	if (!tsc_hz) {
		*shift = 0;
		*mul = 0;
		return;
	}
	while (tsc_hz > 2 * ns_hz) {
		tsc_hz >>= 1;
		s--;
	}
	while (tsc_hz <= ns_hz / 2) {
		tsc_hz <<= 1;
		s++;
	}
	*shift = s;
	*mul = div64_u64(ns_hz << 32, tsc_hz);
}

/**
 * pv_time_check() - can this host give guests a clock?
 *
 * Guest time is the host TSC scaled by tsc_khz.  A host that found no TSC
 * or could not calibrate it (tsc_khz is 0: clearcpuid=tsc, or a hypervisor
 * that hides it) has no rate to give: refuse to load, with one line that
 * says why, rather than hand guests a clock that never moves.
 *
 * Return: 0, or -ENODEV.
 */
int pv_time_check(void)
{
	if (!boot_cpu_has(X86_FEATURE_TSC) || !tsc_khz) {
		pr_err("the host has no calibrated TSC (tsc_khz is %u): guest time needs one\n",
		       tsc_khz);
		return -ENODEV;
	}
	return 0;
}

/** pv_time_vm_init() - guest time 0 of a new VM: now */
void pv_time_vm_init(struct pv_vm *vm)
{
	pvclock_scale((u64)tsc_khz * 1000, &vm->tsc_shift, &vm->tsc_mul);
	vm->start_tsc = rdtsc_ordered();
}

/* The guest's pvclock now, as its vCPUs compute it. */
static u64 guest_now(struct pv_vm *vm)
{
	u64 tsc = rdtsc_ordered(), delta;

	/* A host CPU whose TSC lags the creator's a little: time 0. */
	delta = tsc > vm->start_tsc ? tsc - vm->start_tsc : 0;
	if (vm->tsc_shift >= 0)
		delta <<= vm->tsc_shift;
	else
		delta >>= -vm->tsc_shift;
	return mul_u64_u32_shr(delta, vm->tsc_mul, 32);
}

/** pv_time_register() - write the pvclock scale into the new shared page */
void pv_time_register(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	struct pv_vm *vm = vcpu->vm;
	struct pv_pvclock *c;

	pv_timer_reset(vcpu);
	if (!sh)
		return;
	/* The guest asks before it writes a deadline here. */
	WRITE_ONCE(sh->timer_armed, 0);
	c = &sh->clock;
	WRITE_ONCE(c->version, c->version | 1);
	/* The odd version is seen before any field changes. */
	smp_wmb();
	/*
	 * Every vCPU of the VM gets the same pair, taken when the VM was
	 * created: with one TSC and one scale, a reading on one vCPU is never
	 * later than a reading taken after it on another.
	 */
	c->tsc_timestamp = vm->start_tsc;
	c->system_time = 0;
	c->tsc_to_system_mul = vm->tsc_mul;
	c->tsc_shift = vm->tsc_shift;
	/*
	 * Stable only while the host trusts its TSC across CPUs: without the
	 * bit, the guest keeps its readings monotonic itself and its vDSO
	 * falls back to the system call.
	 */
	c->flags = check_tsc_unstable() ? 0 : PVCLOCK_TSC_STABLE_BIT;
	/* The wall clock when pvclock read 0: the guest adds pvclock to it. */
	WRITE_ONCE(sh->wall_clock, ktime_get_real_ns() - guest_now(vm));
	/* Every field is seen before the even version. */
	smp_wmb();
	WRITE_ONCE(c->version, (c->version + 1) & ~1U);
}

/*
 * In the hypercall mode the callback raises the line.  With
 * PV_TIMER_SHARED it only makes the vCPU look (pv_timer_sync()): the
 * deadline it fired for may have moved since, in the shared page.
 */
static enum hrtimer_restart pv_timer_fired(struct hrtimer *t)
{
	struct pv_vcpu *vcpu = container_of(t, struct pv_vcpu, timer);

	if (!READ_ONCE(vcpu->timer_shared)) {
		pv_raise_line(vcpu, PV_LINE_TIMER);
		return HRTIMER_NORESTART;
	}
	WRITE_ONCE(vcpu->timer_fired, true);
	/* The flag is seen by whoever the wake-up or the kick gets going. */
	smp_wmb();
	wake_up_interruptible(&vcpu->wq);
	pv_vcpu_kick(vcpu);
	return HRTIMER_NORESTART;
}

void pv_time_init(struct pv_vcpu *vcpu)
{
	hrtimer_init(&vcpu->timer, CLOCK_MONOTONIC, HRTIMER_MODE_ABS);
	vcpu->timer.function = pv_timer_fired;
	init_waitqueue_head(&vcpu->wq);
}

void pv_time_exit(struct pv_vcpu *vcpu)
{
	hrtimer_cancel(&vcpu->timer);
}

/*
 * Arm (or, with 0, disarm) the hrtimer at pvclock time @deadline.  The
 * deadline is measured from the guest's clock now, not placed on the
 * host's: the two drift apart (the host's follows NTP, the guest's the
 * TSC), and a timer that fired early by the drift would make the guest
 * arm it again and again until its clock caught up.
 */
static void timer_arm(struct pv_vcpu *vcpu, u64 deadline)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	u64 now;

	vcpu->timer_armed = deadline;
	if (sh && vcpu->timer_shared)
		WRITE_ONCE(sh->timer_armed, deadline);
	if (!deadline) {
		hrtimer_cancel(&vcpu->timer);
		return;
	}
	now = guest_now(vcpu->vm);
	/* Far deadlines are capped, so that the sum cannot wrap. */
	deadline = min_t(u64, deadline > now ? deadline - now : 0, KTIME_MAX / 4);
	hrtimer_start(&vcpu->timer, ktime_add_ns(ktime_get(), deadline),
		      HRTIMER_MODE_ABS);
}

/**
 * pv_timer_sync() - PV_TIMER_SHARED: act on the shared page's deadline
 * @vcpu: the vCPU, on its own thread, out of the guest
 *
 * Called before every entry (with IRQs off, before the lines are
 * delivered, so that a callback from now on kicks an entry that comes
 * after it) and in PV_HC_HALT.  A deadline that is due raises the line,
 * once: the host sets the field to 0 as it does.  One not yet due is
 * where the timer is armed.  As it raises the line, the host arms its
 * timer one timer_period on (the first such point after now, if the
 * guest is late), where the guest's periodic tick will ask next, and
 * timer_armed tells the guest that its deadline needs no hypercall; if
 * the guest asks for another, or for none, the timer fires for nothing
 * once and the vCPU looks again.  Whatever the guest writes, a line is
 * raised at most once per exit, and only for a deadline it wrote that
 * has passed; the timer never restarts itself, so each firing costs
 * one exit (or one wake-up) of this vCPU's own, as a PV_HC_SET_TIMER
 * in the hypercall mode does.
 */
void pv_timer_sync(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh;
	u64 deadline, now, period, next = 0;
	bool fired;

	/* Taken first: pv_halt() goes round again while it is set. */
	fired = READ_ONCE(vcpu->timer_fired) && xchg(&vcpu->timer_fired, false);
	if (!vcpu->timer_shared)
		return;
	sh = pv_shared_page(vcpu);
	if (!sh)
		return;
	deadline = READ_ONCE(sh->timer_deadline);
	/* Armed where the guest wants it, or a guess not yet tried. */
	if (!fired && (deadline == vcpu->timer_armed || !deadline))
		return;
	now = deadline ? guest_now(vcpu->vm) : 0;
	if (deadline > now) {
		timer_arm(vcpu, deadline);
		return;
	}
	if (deadline) {
		pv_raise_line(vcpu, PV_LINE_TIMER);
		/* Unless another vCPU wrote a new one meanwhile. */
		cmpxchg(&sh->timer_deadline, deadline, 0);
		period = READ_ONCE(sh->timer_period);
		if (period >= PV_TIMER_PERIOD_MIN && period <= PV_TIMER_PERIOD_MAX) {
			/* deadline <= now: neither sum can wrap. */
			next = deadline + period;
			if (next <= now)
				next += (div64_u64(now - next, period) + 1) * period;
		}
	}
	timer_arm(vcpu, next);
}

/**
 * pv_set_timer() - PV_HC_SET_TIMER: arm at @deadline (pvclock ns), 0 disarms
 * @vcpu:     the vCPU
 * @deadline: pvclock time
 * @flags:    PV_TIMER_SHARED: from now on the guest keeps its deadline in
 *            the shared page (timer_deadline), where @deadline goes too
 *
 * Return: 0, or -PV_EINVAL for unknown flags or PV_TIMER_SHARED without a
 * shared page.
 */
u64 pv_set_timer(struct pv_vcpu *vcpu, u64 deadline, u64 flags)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	if (flags & ~PV_TIMER_SHARED || (flags && !sh))
		return -PV_EINVAL;
	if (!flags) {
		pv_timer_reset(vcpu);
		timer_arm(vcpu, deadline);
		return 0;
	}
	if (!vcpu->timer_shared) {
		vcpu->timer_armed = 0;
		/* The callback asks the vCPU from now on. */
		WRITE_ONCE(vcpu->timer_shared, true);
	}
	WRITE_ONCE(sh->timer_deadline, deadline);
	/* Looked at now: the next entry raises a line that is due. */
	WRITE_ONCE(vcpu->timer_fired, true);
	return 0;
}

/**
 * pv_timer_reset() - back to the hypercall mode
 * @vcpu: the vCPU, its lock held, IRQs on
 *
 * For a new shared page or none (pv_time_register()), a vCPU going down
 * and PV_HC_SET_TIMER without PV_TIMER_SHARED.  A timer armed in the
 * hypercall mode stays armed and raises its line; one armed for the
 * shared mode (maybe a guess) is disarmed, its callback waited for, so
 * that none sets timer_fired after this.
 */
void pv_timer_reset(struct pv_vcpu *vcpu)
{
	if (vcpu->timer_shared)
		timer_arm(vcpu, 0);
	WRITE_ONCE(vcpu->timer_shared, false);
	WRITE_ONCE(vcpu->timer_fired, false);
}

/**
 * pv_halt() - sleep until a line is raised
 * @vcpu: the vCPU
 *
 * Return: 0 when a line is pending, 1 when nothing could ever wake the vCPU
 * (no line pending, no timer armed, no device, no other vCPU: the
 * launcher must decide), -EINTR on
 * a signal.
 */
int pv_halt(struct pv_vcpu *vcpu)
{
	bool can_wake;

	for (;;) {
		if (signal_pending(current))
			return -EINTR;
		/* The deadline the guest wrote before it halted. */
		pv_timer_sync(vcpu);
		/* Another vCPU may send an IPI; the launcher may raise a line. */
		can_wake = hrtimer_active(&vcpu->timer) ||
			   READ_ONCE(vcpu->vm->lines_injected) ||
			   atomic_read(&vcpu->vm->nr_vcpus_up) > 1;
		/*
		 * The timer is asked first: one that fired a moment ago is
		 * no longer active, but its callback raised the line (or set
		 * timer_fired) before it stopped being active, so that is
		 * seen below.  Asked the other way round, a timer firing
		 * between the two reads would look like no timer at all.
		 */
		smp_rmb();
		if (READ_ONCE(vcpu->pending_lines))
			return 0;
		if (READ_ONCE(vcpu->timer_fired)) {
			/* The timer fired again meanwhile: look again. */
			cond_resched();
			continue;
		}
		if (!can_wake)
			return 1;
		if (wait_event_interruptible(vcpu->wq,
					     READ_ONCE(vcpu->pending_lines) ||
					     READ_ONCE(vcpu->timer_fired)))
			return -EINTR;
	}
}
