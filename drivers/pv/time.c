// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: guest time, the one-shot timer and interrupt lines.
 *
 * Guest time (pvclock) is nanoseconds since the VM was created, computed
 * by the guest from RDTSC alone with the scale written into its shared
 * page once, when the page is registered: the host TSC is the clock, so
 * guest time cannot go backwards.  The one-shot timer is a host hrtimer
 * at the same instant on CLOCK_MONOTONIC; it raises line PV_LINE_TIMER.
 * A raised line wakes a halted vCPU and kicks a running one out of the
 * guest, so that the run loop delivers it.
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

static struct pv_vcpu_shared *shared_page(struct pv_vcpu *vcpu)
{
	if (!vcpu->shared_gpa)
		return NULL;
	return pv_guest_ptr(vcpu->vm, vcpu->shared_gpa, PAGE_SIZE);
}

/** pv_time_register() - write the pvclock scale into the new shared page */
void pv_time_register(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = shared_page(vcpu);
	struct pv_pvclock *c;
	s8 shift;
	u32 mul;

	if (!sh)
		return;
	c = &sh->clock;
	pvclock_scale((u64)tsc_khz * 1000, &shift, &mul);
	WRITE_ONCE(c->version, c->version | 1);
	/* The odd version is seen before any field changes. */
	smp_wmb();
	c->tsc_timestamp = rdtsc_ordered();
	c->system_time = ktime_get_ns() - vcpu->vm->start_ns;
	c->tsc_to_system_mul = mul;
	c->tsc_shift = shift;
	/*
	 * Stable only while the host trusts its TSC across CPUs: without the
	 * bit, the guest keeps its readings monotonic itself and its vDSO
	 * falls back to the system call.
	 */
	c->flags = check_tsc_unstable() ? 0 : PVCLOCK_TSC_STABLE_BIT;
	/* The wall clock when pvclock read 0: the guest adds pvclock to it. */
	WRITE_ONCE(sh->wall_clock, ktime_get_real_ns() -
		   (ktime_get_ns() - vcpu->vm->start_ns));
	/* Every field is seen before the even version. */
	smp_wmb();
	WRITE_ONCE(c->version, (c->version + 1) & ~1U);
}

/** pv_raise_line() - raise interrupt line @line of @vcpu's VM */
void pv_raise_line(struct pv_vcpu *vcpu, unsigned int line)
{
	struct task_struct *task;

	set_bit(line, &vcpu->pending_lines);
	wake_up_interruptible(&vcpu->wq);
	/*
	 * A vCPU in the guest on another CPU exits, so the loop sees it.  The
	 * task cannot be freed under us: that waits for an RCU grace period.
	 */
	rcu_read_lock();
	task = READ_ONCE(vcpu->task);
	if (task)
		kick_process(task);
	rcu_read_unlock();
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

/** pv_set_timer() - arm (deadline in pvclock ns) or, with 0, disarm */
void pv_set_timer(struct pv_vcpu *vcpu, u64 deadline)
{
	if (!deadline) {
		hrtimer_cancel(&vcpu->timer);
		return;
	}
	/* Far deadlines are capped, so that the sum cannot wrap. */
	deadline = min_t(u64, deadline, KTIME_MAX / 2);
	hrtimer_start(&vcpu->timer, ns_to_ktime(vcpu->vm->start_ns + deadline),
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
			READ_ONCE(vcpu->vm->nr_vcpus) > 1;

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

/**
 * pv_deliver_lines() - deliver pending interrupt lines the guest accepts
 * @vcpu: the vCPU, about to enter the guest
 *
 * With the virtual interrupt flag set, the lowest pending bound line is
 * delivered as an EXTINT event; with it clear, irq_pending tells the guest
 * to ask for them (PV_HC_IRQ_WINDOW) once it enables interrupts.
 *
 * Return: 0, or as pv_deliver_event() when the event cannot be delivered.
 */
int pv_deliver_lines(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = shared_page(vcpu);
	unsigned long ready = READ_ONCE(vcpu->pending_lines) & vcpu->bound_lines;
	unsigned int line;
	int ret;

	if (!sh)
		return 0;
	WRITE_ONCE(sh->pending_lines, READ_ONCE(vcpu->pending_lines));
	if (!ready) {
		WRITE_ONCE(sh->irq_pending, 0);
		return 0;
	}
	if (!READ_ONCE(sh->irq_enabled)) {
		WRITE_ONCE(sh->irq_pending, 1);
		return 0;
	}
	line = __ffs(ready);
	ret = pv_deliver_event(vcpu, PV_EVENT_EXTINT, vcpu->line_vector[line],
			       0, 0, 0);
	if (ret)
		return ret;
	clear_bit(line, &vcpu->pending_lines);
	vcpu->counts.lines++;
	WRITE_ONCE(sh->pending_lines, READ_ONCE(vcpu->pending_lines));
	WRITE_ONCE(sh->irq_pending, !!(vcpu->pending_lines & vcpu->bound_lines));
	return 0;
}
