// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: several vCPUs.
 *
 * The boot info says how many vCPUs the VM has; they become CPUs 0..n-1
 * with APIC IDs 0..n-1, which is what the host's CPUID says too (one
 * package, a core per vCPU).  An AP starts with PV_HC_VCPU_START at
 * pv_secondary_startup_64 and goes down with PV_HC_VCPU_STOP (CPU
 * hotplug, play_dead, stop_this_cpu): no CPU ever runs a raw HLT.
 *
 * There is no local APIC.  pv's APIC driver sends IPIs as interrupt lines
 * PV_LINE_IPI_FIRST.. with PV_HC_SEND_IPI, one hypercall for a whole
 * mask; each CPU binds those lines to Linux's IPI vectors, whose system
 * vector handlers run as on bare metal.  Spinlocks are paravirt queued
 * spinlocks: a waiter halts until the unlocker's kick (a reschedule IPI),
 * and the host's preempted byte says which vCPUs it does not run.  NMIs
 * cannot be sent: the host
 * delivers no NMI to a guest (backtraces over NMI are not offered).
 * The model is Xen PV's smp_pv.c and apic.c.
 */
#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/delay.h>
#include <linux/init.h>
#include <linux/sched/task_stack.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/cpu.h>
#include <asm/fpu/api.h>
#include <asm/hw_irq.h>
#include <asm/irq_vectors.h>
#include <asm/paravirt.h>
#include <asm/qspinlock.h>
#include <asm/tlbflush.h>
#include <asm/x86_init.h>

#include "hypercall.h"
#include "pv.h"

/* Linux's IPI vectors, in the order of their lines from PV_LINE_IPI_FIRST. */
static const u8 pv_ipi_vectors[] = {
	REBOOT_VECTOR,
	CALL_FUNCTION_SINGLE_VECTOR,
	CALL_FUNCTION_VECTOR,
	RESCHEDULE_VECTOR,
	IRQ_WORK_VECTOR,
};

/**
 * pv_vcpu_mask() - the vCPUs of a CPU mask, as hypercalls take them
 * @mask: CPUs
 *
 * Return: bit n set for vCPU n.
 */
u64 pv_vcpu_mask(const struct cpumask *mask)
{
	unsigned int cpu;
	u64 bits = 0;

	for_each_cpu(cpu, mask)
		if (cpuid_to_apicid[cpu] < PV_VCPUS_MAX)
			bits |= BIT_ULL(cpuid_to_apicid[cpu]);
	return bits;
}

/* --- The APIC driver: IPIs by hypercall */

static void pv_send_ipi_bits(u64 bits, int vector)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pv_ipi_vectors); i++) {
		if (pv_ipi_vectors[i] != vector)
			continue;
		if (bits && pv_hypercall2(PV_HC_SEND_IPI, bits, PV_LINE_IPI_FIRST + i))
			pr_warn_ratelimited("pv: the host refused an IPI (vector %#x)\n",
					    vector);
		return;
	}
	pr_warn_once("pv: vector %#x cannot be sent between vCPUs\n", vector);
}

static void pv_send_ipi(int cpu, int vector)
{
	if (cpuid_to_apicid[cpu] < PV_VCPUS_MAX)
		pv_send_ipi_bits(BIT_ULL(cpuid_to_apicid[cpu]), vector);
}

static void pv_send_ipi_mask(const struct cpumask *mask, int vector)
{
	pv_send_ipi_bits(pv_vcpu_mask(mask), vector);
}

static void pv_send_ipi_mask_allbutself(const struct cpumask *mask, int vector)
{
	u64 bits = pv_vcpu_mask(mask);

	if (cpuid_to_apicid[smp_processor_id()] < PV_VCPUS_MAX)
		bits &= ~BIT_ULL(cpuid_to_apicid[smp_processor_id()]);
	pv_send_ipi_bits(bits, vector);
}

static void pv_send_ipi_allbutself(int vector)
{
	pv_send_ipi_mask_allbutself(cpu_online_mask, vector);
}

static void pv_send_ipi_all(int vector)
{
	pv_send_ipi_mask(cpu_online_mask, vector);
}

static void pv_send_ipi_self(int vector)
{
	pv_send_ipi(smp_processor_id(), vector);
}

/* The one register there is: the APIC ID, in bits 31:24 as on xAPIC. */
static u32 pv_apic_read(u32 reg)
{
	if (reg == APIC_ID)
		return cpuid_to_apicid[smp_processor_id()] << 24;
	return 0;
}

static u32 pv_get_apic_id(u32 reg)
{
	return reg >> 24;
}

/* Nothing to write, nothing to acknowledge: lines are edges. */
static void pv_apic_write(u32 reg, u32 val)
{
}

static void pv_apic_eoi(void)
{
}

static u64 pv_apic_icr_read(void)
{
	return 0;
}

static void pv_apic_icr_write(u32 low, u32 id)
{
}

static struct apic pv_apic __ro_after_init = {
	.name			= "pv",
	.disable_esr		= 0,
	.cpu_present_to_apicid	= default_cpu_present_to_apicid,
	.max_apic_id		= PV_VCPUS_MAX - 1,
	.get_apic_id		= pv_get_apic_id,
	.calc_dest_apicid	= apic_flat_calc_apicid,
	.send_IPI		= pv_send_ipi,
	.send_IPI_mask		= pv_send_ipi_mask,
	.send_IPI_mask_allbutself = pv_send_ipi_mask_allbutself,
	.send_IPI_allbutself	= pv_send_ipi_allbutself,
	.send_IPI_all		= pv_send_ipi_all,
	.send_IPI_self		= pv_send_ipi_self,
	.read			= pv_apic_read,
	.write			= pv_apic_write,
	.eoi			= pv_apic_eoi,
	.icr_read		= pv_apic_icr_read,
	.icr_write		= pv_apic_icr_write,
};

/*
 * In place of apic_intr_mode_init(), at time_init(): there is no APIC to
 * probe, and none to set up.
 */
static void __init pv_intr_mode_init(void)
{
	apic_install_driver(&pv_apic);
}

/* This CPU's IPI lines, bound to their vectors. */
static void pv_bind_ipi_lines(void)
{
	u64 self = cpuid_to_apicid[smp_processor_id()];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(pv_ipi_vectors); i++)
		if (pv_hypercall3(PV_HC_IRQ_BIND, PV_LINE_IPI_FIRST + i,
				  pv_ipi_vectors[i], self))
			panic("pv: cannot bind IPI line %u", PV_LINE_IPI_FIRST + i);
}

/* --- Spinlocks: waiters halt, the unlocker kicks; preempted holders show */

/*
 * Wait for a kick while *@ptr is @val: HALT returns once any line is
 * pending, even with interrupts off, so the kick (or any interrupt)
 * ends it; with interrupts on, safe_halt() takes it too.  As KVM's.
 */
static void pv_lock_wait(u8 *ptr, u8 val)
{
	if (in_nmi())
		return;
	if (irqs_disabled()) {
		if (READ_ONCE(*ptr) == val)
			halt();
	} else {
		local_irq_disable();
		if (READ_ONCE(*ptr) == val)
			safe_halt();
		else
			local_irq_enable();
	}
}

/* A reschedule IPI wakes a halted waiter; taken, it costs nothing more. */
static void pv_lock_kick(int cpu)
{
	pv_send_ipi(cpu, RESCHEDULE_VECTOR);
}

/* The host writes each vCPU's preempted byte (abi.rst). */
__visible bool pv_guest_vcpu_is_preempted(long cpu)
{
	return READ_ONCE(per_cpu(pv_vcpu_shared, cpu).preempted);
}

PV_CALLEE_SAVE_REGS_THUNK(pv_guest_vcpu_is_preempted);

/**
 * pv_spinlock_init() - paravirt queued spinlocks, before alternatives
 *
 * A lock waiter halts rather than spins, so that a holder the host
 * descheduled gets the host CPU back, and the scheduler and mutexes
 * skip spinning on a vCPU the host does not run (vcpu_is_preempted()).
 */
void __init pv_spinlock_init(void)
{
	pv_ops.lock.vcpu_is_preempted = PV_CALLEE_SAVE(pv_guest_vcpu_is_preempted);
	if (num_possible_cpus() == 1) {
		pr_info("pv: PV spinlocks off: one CPU\n");
	} else {
		pr_info("pv: PV spinlocks on\n");
		__pv_init_lock_hash();
		pv_ops.lock.queued_spin_lock_slowpath = __pv_queued_spin_lock_slowpath;
		pv_ops.lock.queued_spin_unlock =
			PV_CALLEE_SAVE(__pv_queued_spin_unlock);
		pv_ops.lock.wait = pv_lock_wait;
		pv_ops.lock.kick = pv_lock_kick;
	}
	/* The paravirt qspinlock (or a native one) in place of virt_spin_lock(). */
	static_branch_disable(&virt_spin_lock_key);
}

/* --- Topology: the boot info's vCPUs */

static void __init pv_smp_config(void)
{
	unsigned int i, n = pv_boot_info.nr_vcpus;

	if (n > PV_VCPUS_MAX)
		n = PV_VCPUS_MAX;
	/* The boot vCPU is enumerated first, as firmware would: it is the BSP. */
	topology_register_boot_apic(0);
	for (i = 0; i < n; i++)
		topology_register_apic(i, CPU_ACPIID_INVALID, true);
	smp_found_config = 1;
}

/* --- Bringing CPUs up and down */

static void __init pv_smp_prepare_cpus(unsigned int max_cpus)
{
	smp_prepare_cpus_common();
	pv_bind_ipi_lines();
}

/**
 * pv_cpu_bringup_and_idle() - an AP's first C code
 * @cpu: its CPU number (pv_secondary_startup_64 set its GS base)
 *
 * start_secondary() for a CPU without APIC, microcode, TSC sync or delay
 * calibration (the pvclock is one clock for every vCPU).
 */
asmlinkage __visible void __noreturn pv_cpu_bringup_and_idle(unsigned int cpu)
{
	pv_register_shared_page();
	pv_mmu_init_ap();
	/* What cr4_init() would compute: the boot CPU's, pinned bits and all. */
	this_cpu_write(cpu_tlbstate.cr4, per_cpu(cpu_tlbstate.cr4, 0));
	cpu_init_exception_handling(false);	/* FRED entry, stacks */
	cpuhp_ap_sync_alive();

	cpu_init();
	fpu__init_cpu();
	rcutree_report_cpu_starting(cpu);
	smp_store_cpu_info(cpu);
	set_cpu_sibling_map(cpu);
	notify_cpu_starting(cpu);

	lock_vector_lock();
	set_cpu_online(cpu, true);
	lapic_online();
	pv_lines_online();
	unlock_vector_lock();

	pv_bind_ipi_lines();
	x86_cpuinit.setup_percpu_clockev();
	local_irq_enable();
	cpu_startup_entry(CPUHP_AP_ONLINE_IDLE);
}

static int pv_kick_ap(unsigned int cpu, struct task_struct *idle)
{
	unsigned int tries;
	long ret;

	ret = common_cpu_up(cpu, idle);
	if (ret)
		return ret;
	/*
	 * A CPU just taken offline reported itself dead a moment before its
	 * vCPU went down: the host says busy until it has.
	 */
	for (tries = 0; tries < 1000; tries++) {
		ret = pv_hypercall5(PV_HC_VCPU_START, cpuid_to_apicid[cpu],
				    (unsigned long)pv_secondary_startup_64,
				    (unsigned long)task_pt_regs(idle),
				    __pa(swapper_pg_dir), cpu);
		if (ret != -PV_EBUSY)
			break;
		usleep_range(1000, 2000);
	}
	if (ret)
		pr_err("pv: the host refused to start vCPU %u (%ld)\n",
		       cpuid_to_apicid[cpu], ret);
	return ret ? -EIO : 0;
}

/* vCPU 0 takes the launcher's lines until they move: it stays. */
static int pv_cpu_disable(void)
{
	if (smp_processor_id() == 0)
		return -EBUSY;
	cpu_disable_common();
	return 0;
}

/*
 * Down, or (the host refuses to stop the last vCPU up) halted for good
 * with interrupts off: never a raw HLT, which ring 3 cannot run.
 */
static void __noreturn pv_vcpu_down(void)
{
	pv_hypercall0(PV_HC_VCPU_STOP);
	for (;;)
		pv_hypercall0(PV_HC_HALT);
}

/* The host keeps no state for a stopped vCPU: nothing to undo. */
static void __noreturn pv_play_dead(void)
{
	play_dead_common();
	pv_vcpu_down();
}

/* stop_this_cpu()'s end (panic, reboot): the vCPU goes down. */
static void __noreturn pv_stop_this_cpu(void)
{
	pv_vcpu_down();
}

/* Only before start_kernel(): alternatives and pvops are set later. */
void __init pv_smp_init(void)
{
	smp_ops.smp_prepare_cpus = pv_smp_prepare_cpus;
	smp_ops.kick_ap_alive = pv_kick_ap;
	smp_ops.cpu_disable = pv_cpu_disable;
	smp_ops.play_dead = pv_play_dead;
	smp_ops.stop_this_cpu = pv_stop_this_cpu;
	x86_init.mpparse.parse_smp_cfg = pv_smp_config;
	x86_init.irqs.intr_mode_select = x86_init_noop;
	x86_init.irqs.intr_mode_init = pv_intr_mode_init;
	/* Parallel bring-up reads the APIC ID in head_64.S, which pv skips. */
	x86_cpuinit.parallel_bringup = false;
}
