// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: time.  The host keeps a pvclock in each vCPU's shared page,
 * so the TSC frequency is known without calibration.  The vDSO reads a
 * copy of it, so clock_gettime() does not enter the kernel.
 */
#include <linux/clockchips.h>
#include <linux/clocksource.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/sched_clock.h>
#include <linux/static_call.h>
#include <linux/cpufeature.h>
#include <asm/apic.h>
#include <asm/idtentry.h>
#include <asm/irq_regs.h>
#include <asm/irq_vectors.h>
#include <asm/paravirt.h>
#include <asm/pvclock.h>
#include <asm/timer.h>
#include <asm/x86_init.h>

#include "hypercall.h"
#include "pv.h"

/* The vector the timer's line is bound to; its handler is ours. */
#define PV_TIMER_VECTOR		HYPERVISOR_CALLBACK_VECTOR

static struct pvclock_vcpu_time_info *this_clock(void)
{
	return (void *)this_cpu_ptr(&pv_vcpu_shared.clock);
}

/* --- pvclock: the clocksource and sched_clock */

static u64 pv_clock_read(void)
{
	u64 ns;

	preempt_disable_notrace();
	ns = pvclock_clocksource_read_nowd(this_clock());
	preempt_enable_notrace();
	return ns;
}

/* The host's CLOCK_REALTIME when pvclock was 0, plus pvclock. */
static void pv_get_wallclock(struct timespec64 *now)
{
	u64 ns = this_cpu_read(pv_vcpu_shared.wall_clock) + pv_clock_read();

	*now = ns_to_timespec64(ns);
}

static u64 pv_clocksource_read(struct clocksource *cs)
{
	return pv_clock_read();
}

static noinstr u64 pv_sched_clock(void)
{
	return pvclock_clocksource_read_nowd(this_clock());
}

/*
 * The vDSO's pvclock: a page of its own that every process maps read-only.
 * The shared page cannot be that page: it holds the guest's CR2 and
 * interrupt state.  The host writes the clock's scale only when a shared
 * page is registered, so a copy taken after the boot vCPU's last
 * registration stays exact.
 */
static struct pvclock_vsyscall_time_info pv_vdso_clock __page_aligned_bss;

static int pv_clocksource_enable(struct clocksource *cs)
{
	vclocks_set_used(VDSO_CLOCKMODE_PVCLOCK);
	return 0;
}

static struct clocksource pv_clocksource = {
	.name	= "pv-clock",
	.rating	= 400,
	.read	= pv_clocksource_read,
	.enable	= pv_clocksource_enable,
	.mask	= CLOCKSOURCE_MASK(64),
	.flags	= CLOCK_SOURCE_IS_CONTINUOUS,
	.vdso_clock_mode = VDSO_CLOCKMODE_PVCLOCK,
};

static void __init pv_vdso_clock_init(void)
{
	pv_vdso_clock.pvti = *this_clock();
	pvclock_set_pvti_cpu0_va(&pv_vdso_clock);
}

/*
 * --- The one-shot timer: PV_HC_SET_TIMER, on line PV_LINE_TIMER
 *
 * With PV_FEATURE_TIMER_DEADLINE the deadline is written into the shared
 * page, and the hypercall made only when the host's timer would fire
 * after it (timer_armed).  The host arms its timer one tick on as it
 * raises the line (timer_period), so a busy CPU's tick costs one exit
 * (the host's timer interrupt), not two.  The tick's deadline is on a
 * grid, but reaches us as a delta from a clock reading taken a moment
 * before ours (clockevents_program_event()): within PV_TIMER_SNAP_NS of
 * the host's, it is taken to be the host's, or it would differ from it
 * by that moment at every tick.  Clockevents call in with interrupts
 * off; an exit between our reads may move timer_armed, so it is read
 * again after the write.
 */
#define PV_TIMER_SNAP_NS	20000

static DEFINE_PER_CPU(struct clock_event_device, pv_clockevent);
static bool pv_timer_shared __ro_after_init;

static int pv_timer_next_event(unsigned long delta,
			       struct clock_event_device *evt)
{
	u64 deadline = pv_clock_read() + delta, armed;

	if (!pv_timer_shared)
		return pv_hypercall2(PV_HC_SET_TIMER, deadline, 0) ? -ETIME : 0;
	armed = this_cpu_read(pv_vcpu_shared.timer_armed);
	if (armed && deadline + PV_TIMER_SNAP_NS >= armed &&
	    deadline <= armed + PV_TIMER_SNAP_NS)
		deadline = armed;
	this_cpu_write(pv_vcpu_shared.timer_deadline, deadline);
	armed = this_cpu_read(pv_vcpu_shared.timer_armed);
	if (armed && deadline >= armed)
		return 0;
	return pv_hypercall2(PV_HC_SET_TIMER, deadline, PV_TIMER_SHARED) ?
	       -ETIME : 0;
}

/* With the deadline shared, 0 needs no hypercall: the host looks at it. */
static int pv_timer_shutdown(struct clock_event_device *evt)
{
	if (pv_timer_shared)
		this_cpu_write(pv_vcpu_shared.timer_deadline, 0);
	else
		pv_hypercall2(PV_HC_SET_TIMER, 0, 0);
	return 0;
}

DEFINE_IDTENTRY_SYSVEC(sysvec_pv_timer)
{
	struct clock_event_device *evt = this_cpu_ptr(&pv_clockevent);
	struct pt_regs *old_regs = set_irq_regs(regs);

	inc_irq_stat(apic_timer_irqs);
	if (evt->event_handler)
		evt->event_handler(evt);
	set_irq_regs(old_regs);
}

/* This CPU's timer: its line bound to our vector, the device registered. */
static void pv_setup_percpu_clockev(void)
{
	struct clock_event_device *evt = this_cpu_ptr(&pv_clockevent);

	if (pv_hypercall3(PV_HC_IRQ_BIND, PV_LINE_TIMER, PV_TIMER_VECTOR,
			  cpuid_to_apicid[smp_processor_id()]))
		panic("pv: cannot bind the timer's interrupt line");
	this_cpu_write(pv_vcpu_shared.timer_period, TICK_NSEC);
	evt->name = "pv-timer";
	evt->features = CLOCK_EVT_FEAT_ONESHOT;
	evt->rating = 400;
	evt->cpumask = cpumask_of(smp_processor_id());
	evt->set_next_event = pv_timer_next_event;
	evt->set_state_shutdown = pv_timer_shutdown;
	evt->set_state_oneshot_stopped = pv_timer_shutdown;
	clockevents_config_and_register(evt, NSEC_PER_SEC, 1000, LONG_MAX);
}

/*
 * Steal time: how long the host kept this vCPU's thread waiting for a
 * CPU, which the host writes into the shared page before each entry.
 * The scheduler shows it in /proc/stat and top (st).
 */
static u64 pv_guest_steal_clock(int cpu)
{
	return READ_ONCE(per_cpu(pv_vcpu_shared, cpu).steal);
}

static void __init pv_timer_init(void)
{
	if (pv_hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_STEAL_TIME) {
		static_call_update(pv_steal_clock, pv_guest_steal_clock);
		static_key_slow_inc(&paravirt_steal_enabled);
	} else {
		pr_info("pv: the host keeps no steal time\n");
	}
	pv_vdso_clock_init();
	clocksource_register_hz(&pv_clocksource, NSEC_PER_SEC);
	paravirt_set_sched_clock(pv_sched_clock);
	pv_setup_percpu_clockev();
}

static unsigned long pv_tsc_khz(void)
{
	return pvclock_tsc_khz(this_clock());
}

static int pv_set_wallclock(const struct timespec64 *now)
{
	return -ENODEV;
}

void __init pv_init_time_ops(void)
{
	/*
	 * The host's TSC is the clock, with the same scale and starting
	 * point on every vCPU: no global "last value" is needed to keep
	 * readings monotonic across CPUs.
	 */
	pvclock_set_flags(PVCLOCK_TSC_STABLE_BIT);
	x86_platform.calibrate_tsc = pv_tsc_khz;
	x86_platform.calibrate_cpu = pv_tsc_khz;
	x86_platform.get_wallclock = pv_get_wallclock;
	x86_platform.set_wallclock = pv_set_wallclock;
	setup_force_cpu_cap(X86_FEATURE_TSC_KNOWN_FREQ);
	setup_force_cpu_cap(X86_FEATURE_TSC_RELIABLE);
	x86_init.timers.timer_init = pv_timer_init;
	x86_init.timers.setup_percpu_clockev = x86_init_noop;
	x86_cpuinit.setup_percpu_clockev = pv_setup_percpu_clockev;
	pv_timer_shared = pv_hypercall0(PV_HC_GET_FEATURES) &
			  PV_FEATURE_TIMER_DEADLINE;
	/* Before init_IRQ() completes the table: sysvecs are fixed then. */
	fred_install_sysvec(PV_TIMER_VECTOR, fred_sysvec_pv_timer);
}
