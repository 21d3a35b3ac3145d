// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: PV_RUN, the vCPU loop, and what each exit from the guest asks.
 *
 * The loop runs the guest until something needs the launcher (console
 * output, shutdown, an error it cannot handle) or a signal arrives.  It
 * gives the CPU back when the scheduler asks, and keeps the guest's FPU
 * state in the task's FPU slot (the kernel's guest-fpstate protocol), so
 * that the host's own use of the FPU saves and restores it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/trapnr.h>
#include <asm/traps.h>
#include <asm/trap_pf.h>

#include <pv/abi.h>

#include "switcher.h"
#include "vm.h"

/**
 * pv_internal_error() - stop the vCPU with an error the launcher reports
 * @vcpu:    the vCPU
 * @vector:  the exception that led here, or 0
 * @address: the faulting address, or 0
 * @why:     one sentence
 *
 * Return: 1, the exit to the launcher.
 */
int pv_internal_error(struct pv_vcpu *vcpu, u64 vector, u64 address,
		      const char *why)
{
	struct pv_run *run = vcpu->run;

	run->exit_reason = PV_EXIT_INTERNAL_ERROR;
	run->internal.rip = vcpu->regs.rip;
	run->internal.vector = vector;
	run->internal.error_code = vcpu->error_code;
	run->internal.address = address;
	strscpy(run->internal.reason, why, sizeof(run->internal.reason));
	return 1;
}

/* An event the guest cannot take stops the vCPU, saying why. */
static int stop_undeliverable(struct pv_vcpu *vcpu, u64 vector, u64 address,
			      int why)
{
	return pv_internal_error(vcpu, vector, address, why == -ENOENT ?
				 "exception before the guest registered its event entry" :
			      "the guest's stack cannot take the event frame");
}

/**
 * pv_deliver_or_stop() - deliver an exception with no error code
 * @vcpu:   the vCPU
 * @type:   PV_EVENT_*
 * @vector: the vector
 *
 * Return: PV_NEXT_GUEST, or PV_NEXT_LAUNCHER when the guest cannot take
 * it (the vCPU stops with an internal error saying why).
 */
int pv_deliver_or_stop(struct pv_vcpu *vcpu, unsigned int type,
		       unsigned int vector)
{
	int ret = pv_deliver_event(vcpu, type, vector, 0, 0, 0);

	return ret ? stop_undeliverable(vcpu, vector, 0, ret) : 0;
}

/*
 * The launcher unmapped or protected the memory it gave the guest: the
 * guest cannot go on, and nothing else is harmed.
 */
static int launcher_memory_gone(struct pv_vcpu *vcpu)
{
	return pv_internal_error(vcpu, 0, 0,
				 "guest memory is no longer mapped by the launcher");
}

static int handle_exit(struct pv_vcpu *vcpu, u64 vector, unsigned long cr2)
{
	u32 error = vcpu->error_code;
	u64 gpa;
	int ret;

	if (vector == SW_VECTOR_SYSCALL) {
		/* Supervisor mode is 64-bit: no hypercall from 32-bit code. */
		if (!vcpu->user_mode && vcpu->exit_cs != __USER_CS)
			return pv_deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_UD);
		if (!vcpu->user_mode)
			return pv_hypercall(vcpu);
		/*
		 * A guest user syscall: for the guest kernel, as FRED does (from
		 * 32-bit code too: the frame says which, and Linux's FRED entry
		 * makes that a #UD, as on Intel CPUs).
		 */
		vcpu->counts.syscalls++;
		ret = pv_deliver_event(vcpu, PV_EVENT_OTHER,
				       PV_EVENT_OTHER_SYSCALL, 0, 0, 2);
		return ret ? stop_undeliverable(vcpu, vector, 0, ret) : 0;
	}
	/* A fast path's run that a host NMI or #MC ended: nothing to do. */
	if (vector == SW_VECTOR_NONE) {
		vcpu->counts.interrupts++;
		return 0;
	}
	/* The switcher's IRETQ refused the guest's RIP: #GP, as the CPU would. */
	if (vector == SW_VECTOR_BAD_IRET)
		return pv_deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP);
	if (vector == SW_VECTOR_SWITCHER_FAULT)
		return pv_internal_error(vcpu, vcpu->fault_vector, cr2,
					 "fault in the switcher");
	/*
	 * Host interrupts, NMIs and machine checks were handed to the host
	 * already: an #MC is the host's hardware failing, not the guest's.
	 */
	if (vector == X86_TRAP_NMI || vector == X86_TRAP_MC ||
	    vector >= FIRST_EXTERNAL_VECTOR) {
		vcpu->counts.interrupts++;
		return 0;
	}
	if (vector < ARRAY_SIZE(vcpu->counts.exceptions))
		vcpu->counts.exceptions[vector]++;
	/* CPUID in user mode, where CPUID faulting makes it fault. */
	if (vector == X86_TRAP_GP && vcpu->user_mode && !pv_emulate_cpuid(vcpu)) {
		vcpu->counts.emulated++;
		return 0;
	}
	/* Privileged instructions Linux runs in places pvops do not reach. */
	if ((vector == X86_TRAP_GP || vector == X86_TRAP_UD) && !vcpu->user_mode) {
		ret = pv_emulate_privileged(vcpu);
		if (!ret)
			vcpu->counts.emulated++;
		if (ret <= 0)
			return ret == -EFAULT ?
				pv_deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP) : 0;
	}
	/*
	 * In ring 3 every access is a user one, but for QEMU's supervisor
	 * accesses to the stack of a far RET, far CALL or IRET (SMAP is clear
	 * for them: pv_guest_cr4()).  pv_mmu_fault() walks each with the
	 * rights of the guest's mode, as it walks those hardware makes.
	 */
	if (vector == X86_TRAP_PF) {
		ret = pv_mmu_fault(vcpu, cr2, &error, &gpa);
		if (!ret) {
			vcpu->counts.shadow_fills++;
			return 0;
		}
		if (ret == -ENXIO) {
			ret = pv_mmio_exit(vcpu, gpa);
			/* What the decoder refuses is a #GP(0), a clean fault. */
			return ret == -EINVAL ?
				pv_deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP) : ret;
		}
		if (ret == -ENOMEM)
			return pv_internal_error(vcpu, vector, cr2,
						 "out of memory for shadow page tables");
		if (ret == -ERANGE)
			return pv_internal_error(vcpu, vector, cr2,
						 "guest page tables point outside guest memory");
		if (ret == -EIO)
			return launcher_memory_gone(vcpu);
		if (ret == -EINTR)
			return 0;	/* the loop sees the fatal signal */
		vcpu->error_code = error;	/* the guest's view of the fault */
	}
	ret = pv_reflect_exception(vcpu, vector, cr2);
	if (ret)
		return stop_undeliverable(vcpu, vector,
					  vector == X86_TRAP_PF ? cr2 : 0, ret);
	vcpu->counts.reflected++;
	return 0;
}

/*
 * For tests only (tests/host/irq-entry.t): spin this long, with IRQs off,
 * between delivering the lines and entering the guest, as a slow host
 * might.  A line raised meanwhile must still reach the guest at once.
 * Only while the guest's timer is armed, the line that can come then:
 * the thousands of entries of a guest's boot would take minutes.
 */
static unsigned int entry_delay_us;
module_param(entry_delay_us, uint, 0600);
MODULE_PARM_DESC(entry_delay_us, "tests only: spin this long (us, up to 10000) before each entry while the guest's timer is armed");

/*
 * Last things before an entry, with IRQs off.  RIP first: whatever took it
 * past the lower half (a hypercall or an emulated instruction in its last
 * bytes, an MMIO load completed there), the switcher's IRETQ would refuse
 * it; the guest gets the #GP(0) a CPU gives for a fetch there, with that
 * RIP in the frame.  RSP needs no check: IRETQ takes any, and the guest's
 * first use of a bad one faults in ring 3.  Then the timer deadline the
 * guest may have written (PV_TIMER_SHARED), and the interrupt lines: a
 * line raised from now on finds the vCPU about to run or running, and
 * the kick (pv_raise_line()) makes it exit again, so none waits for the
 * host's next tick.  An event frame that would go to a page the
 * launcher's mm does not have in place now (swapped out, dropped, never
 * touched) cannot be faulted in with IRQs off: the caller does that and
 * comes back.
 *
 * Return: 0 to enter, 1 when the vCPU must stop (vcpu->run says why),
 * PV_ENTRY_FAULT_IN when pv_fault_in() must run first.
 */
#define PV_ENTRY_FAULT_IN	2
static int prepare_entry(struct pv_vcpu *vcpu)
{
	int ret;

	if (!pv_canonical(vcpu->regs.rip)) {
		ret = pv_deliver_event(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP, 0, 0, 0);
		if (ret == -EINPROGRESS)
			return PV_ENTRY_FAULT_IN;
		if (ret)
			return stop_undeliverable(vcpu, X86_TRAP_GP, 0, ret);
	}
	pv_timer_sync(vcpu);
	ret = pv_deliver_lines(vcpu);
	if (ret == -EINPROGRESS)
		return PV_ENTRY_FAULT_IN;
	if (ret)
		return pv_internal_error(vcpu, 0, 0,
					 "the guest's stack cannot take the event frame");
	if (unlikely(READ_ONCE(entry_delay_us)) && hrtimer_active(&vcpu->timer))
		udelay(min(READ_ONCE(entry_delay_us), 10000U));
	return 0;
}

/**
 * pv_vcpu_run() - run the vCPU until the launcher is needed
 * @vcpu: the vCPU, its lock held
 *
 * A vCPU that is down waits to be started first, and again each time it
 * stops itself (PV_HC_VCPU_STOP).
 *
 * Return: 0 with vcpu->run saying why, -EINTR on a signal, -EINVAL before
 * PV_SET_SREGS gave it page tables, -ENOMEM.
 */
long pv_vcpu_run(struct pv_vcpu *vcpu)
{
	unsigned long cr2;
	long ret = 0;
	u64 vector;

	vcpu->run->exit_reason = PV_EXIT_NONE;
again:
	ret = pv_wait_for_start(vcpu);
	if (ret)
		return ret;
	if (!vcpu->roots[0])
		return -EINVAL;
	pv_mmio_complete(vcpu);
	vcpu->steal_task = NULL;	/* a new baseline (pv_steal_update()) */
	WRITE_ONCE(vcpu->task, current);
	pv_preempt_watch(vcpu, true);
	pv_set_preempted(vcpu, 0);
	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
#ifdef CONFIG_PREEMPT_NOTIFIERS
		cond_resched();		/* pv_sched_out() marks it preempted */
#else
		if (need_resched()) {
			pv_set_preempted(vcpu, 1);
			cond_resched();
			pv_set_preempted(vcpu, 0);
		}
#endif
		/* The launcher's mm moved the shared page: pin it again. */
		if (pv_shared_refresh(vcpu)) {
			ret = launcher_memory_gone(vcpu);
			break;
		}
		/* What other vCPUs asked for, where it may allocate. */
		if (pv_flush_requests(vcpu)) {
			ret = pv_internal_error(vcpu, 0, 0,
						"out of memory for shadow page tables");
			break;
		}
		pv_steal_update(vcpu);

		local_irq_disable();
		/*
		 * Asked again with IRQs off, as KVM's kvm_vcpu_exit_request():
		 * a signal or a reschedule that came meanwhile sent no IPI to
		 * this CPU, so the guest would run until the next tick.
		 */
		if (signal_pending(current) || need_resched()) {
			local_irq_enable();
			continue;
		}
		ret = prepare_entry(vcpu);
		if (ret) {
			local_irq_enable();
			if (ret != PV_ENTRY_FAULT_IN)
				break;
			if (pv_fault_in(vcpu)) {
				ret = launcher_memory_gone(vcpu);
				break;
			}
			continue;
		}
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		if (pv_enter_guest_mode(vcpu)) {
			local_irq_enable();
			continue;
		}
		vector = pv_switcher_run(vcpu, &cr2);
		pv_leave_guest_mode(vcpu);
		local_irq_enable();
		vcpu->counts.exits++;

		ret = handle_exit(vcpu, vector, cr2);
		if (ret)
			break;
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);
	pv_preempt_watch(vcpu, false);
	/* Out of PV_RUN, in the launcher: not running guest code. */
	pv_set_preempted(vcpu, 1);
	WRITE_ONCE(vcpu->task, NULL);
	if (ret == PV_NEXT_DOWN)
		goto again;
	return min(ret, 0L);	/* 1: an exit; <0: an error */
}
