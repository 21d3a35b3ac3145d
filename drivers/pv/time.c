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

	if (!sh)
		return;
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

static enum hrtimer_restart pv_timer_fired(struct hrtimer *t)
{
	struct pv_vcpu *vcpu = container_of(t, struct pv_vcpu, timer);

	pv_raise_line(vcpu, PV_LINE_TIMER);
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

/**
 * pv_set_timer() - arm (deadline in pvclock ns) or, with 0, disarm
 * @vcpu:     the vCPU
 * @deadline: pvclock time
 *
 * The deadline is measured from the guest's clock now, not placed on the
 * host's: the two drift apart (the host's follows NTP, the guest's the
 * TSC), and a timer that fired early by the drift would make the guest
 * arm it again and again until its clock caught up.
 */
void pv_set_timer(struct pv_vcpu *vcpu, u64 deadline)
{
	u64 now;

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
	/* Another vCPU may send an IPI; the launcher may raise a line. */
	bool can_wake = hrtimer_active(&vcpu->timer) ||
			READ_ONCE(vcpu->vm->lines_injected) ||
			atomic_read(&vcpu->vm->nr_vcpus_up) > 1;

	/*
	 * The timer is asked first: one that fired a moment ago is no longer
	 * active, but its callback raised the line before it stopped being
	 * active, so the line is seen below.  Asked the other way round, a
	 * timer firing between the two reads would look like no timer at all.
	 */
	smp_rmb();
	if (READ_ONCE(vcpu->pending_lines))
		return 0;
	if (!can_wake)
		return 1;
	return wait_event_interruptible(vcpu->wq,
					READ_ONCE(vcpu->pending_lines)) ? -EINTR : 0;
}
