// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: PV_RUN, the vCPU loop, and the hypercalls handled so far.
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
#include <asm/msr-index.h>
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

/* Deliver an exception with no error code, or stop if it cannot be. */
static int deliver_or_stop(struct pv_vcpu *vcpu, unsigned int type,
			   unsigned int vector)
{
	int ret = pv_deliver_event(vcpu, type, vector, 0, 0, 0);

	return ret ? stop_undeliverable(vcpu, vector, 0, ret) : 0;
}

/* Only canonical addresses outside the host's guard hole. */
bool pv_guest_va_ok(u64 va)
{
	return ((s64)va << 16 >> 16) == (s64)va &&
	       (va < PV_GUARD_HOLE_START || va >= PV_GUARD_HOLE_END);
}

/**
 * pv_segment_base_ok() - can @base be the user's GS base?
 * @base: from the guest
 *
 * Guest user mode may give itself any base WRGSBASE takes, so its kernel
 * must be able to put any of them back: every address canonical at the
 * host's paging depth, which is also what the host's WRMSR takes.
 *
 * Return: true when @base may be loaded.
 */
bool pv_segment_base_ok(u64 base)
{
	return __is_canonical_address(base, pgtable_l5_enabled() ? 57 : 48);
}

/**
 * pv_user_gs_publish() - show the guest kernel its user's GS base
 * @vcpu: the vCPU, in supervisor mode or about to enter it
 *
 * Where the guest kernel reads MSR_KERNEL_GS_BASE (abi.rst, the shared
 * page's user_gs_base): written only where the host's value changes, so
 * that a base the guest wrote there, with its dirty flag still to come,
 * is never put back to an older one.
 */
void pv_user_gs_publish(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	if (!sh)
		return;
	WRITE_ONCE(sh->user_gs_base, vcpu->kernel_gs_base);
	WRITE_ONCE(sh->user_gs_dirty, 0);
}

/*
 * FRED_RSP0 has two homes: the MSR, and the shared page's rsp0, which the
 * guest writes without an exit and which wins when it is not 0.  A WRMSR
 * sets both, so that the MSR's newest value is the one used.
 */
static void set_rsp0(struct pv_vcpu *vcpu, u64 value)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	vcpu->rsp0 = value;
	if (sh)
		WRITE_ONCE(sh->rsp0, value);
}

/**
 * pv_user_rsp0() - the kernel stack top for events from user mode
 * @vcpu: the vCPU
 *
 * Return: the shared page's rsp0 where it is not 0, else FRED_RSP0's.
 */
u64 pv_user_rsp0(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	u64 rsp0 = sh ? READ_ONCE(sh->rsp0) : 0;

	return rsp0 ? rsp0 : vcpu->rsp0;
}

/**
 * pv_wrmsr() - write one of the MSRs a ring-3 kernel still needs (abi.rst)
 * @vcpu:  the vCPU
 * @msr:   the MSR
 * @value: its new value
 *
 * Return: 0, or -PV_EINVAL for another MSR or a bad value.
 */
u64 pv_wrmsr(struct pv_vcpu *vcpu, u64 msr, u64 value)
{
	switch (msr) {
	case MSR_IA32_FRED_CONFIG:
		value &= PAGE_MASK;
		if (value && !pv_guest_va_ok(value))
			return -PV_EINVAL;
		vcpu->event_entry = value;
		return 0;
	case MSR_KERNEL_GS_BASE:
		if (!pv_segment_base_ok(value))
			return -PV_EINVAL;
		vcpu->kernel_gs_base = value;
		pv_user_gs_publish(vcpu);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_FRED_RSP0:
		if (!pv_guest_va_ok(value))
			return -PV_EINVAL;
		if (msr == MSR_FS_BASE)
			vcpu->fs_base = value;
		else if (msr == MSR_GS_BASE)
			vcpu->gs_base = value;
		else
			set_rsp0(vcpu, value);
		return 0;
	case MSR_IA32_FRED_RSP1 ... MSR_IA32_FRED_RSP3:
		/* As on FRED: a stack top is 64-byte aligned. */
		if ((value & 63) || !pv_guest_va_ok(value))
			return -PV_EINVAL;
		vcpu->fred_rsp[msr - MSR_IA32_FRED_RSP0] = value;
		return 0;
	case MSR_IA32_FRED_STKLVLS:
		vcpu->fred_stklvls = value;
		return 0;
	default:
		return -PV_EINVAL;
	}
}

/**
 * pv_rdmsr() - read one of the MSRs pv_wrmsr() writes
 * @vcpu:  the vCPU
 * @msr:   the MSR
 * @value: set to its value
 *
 * Return: 0, or -PV_EINVAL for another MSR.
 */
int pv_rdmsr(struct pv_vcpu *vcpu, u64 msr, u64 *value)
{
	switch (msr) {
	case MSR_IA32_FRED_CONFIG:
		*value = vcpu->event_entry;
		return 0;
	case MSR_FS_BASE:
		*value = vcpu->fs_base;
		return 0;
	case MSR_GS_BASE:
		*value = vcpu->gs_base;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*value = vcpu->kernel_gs_base;
		return 0;
	case MSR_IA32_FRED_RSP0:
		*value = pv_user_rsp0(vcpu);
		return 0;
	case MSR_IA32_FRED_RSP1 ... MSR_IA32_FRED_RSP3:
		*value = vcpu->fred_rsp[msr - MSR_IA32_FRED_RSP0];
		return 0;
	case MSR_IA32_FRED_STKLVLS:
		*value = vcpu->fred_stklvls;
		return 0;
	default:
		return -PV_EINVAL;
	}
}

/* handle_exit(): the vCPU went down; its thread waits to be started. */
#define PV_RUN_DOWN	2

/*
 * A hypercall: returns 1 when the launcher must see the exit, PV_RUN_DOWN
 * when the vCPU stopped.
 */
static int hypercall(struct pv_vcpu *vcpu)
{
	struct pv_regs *r = &vcpu->regs;
	struct pv_run *run = vcpu->run;
	int ret;
	u64 len;

	if (r->rax < PV_EXIT_COUNTS_HYPERCALLS)
		vcpu->counts.hypercalls[r->rax]++;
	switch (r->rax) {
	case PV_HC_CONSOLE_WRITE:
		len = r->rsi;
		if (len > PAGE_SIZE) {
			r->rax = -PV_EINVAL;
			return 0;
		}
		len = min_t(u64, len, PV_CONSOLE_MAX);
		if (pv_copy_guest(vcpu, r->rdi, run->console.data, len, false)) {
			r->rax = -PV_EFAULT;
			return 0;
		}
		r->rax = len;
		run->exit_reason = PV_EXIT_CONSOLE;
		run->console.len = len;
		return 1;
	case PV_HC_CONSOLE_READ:
		len = min_t(u64, r->rsi, sizeof(run->console.data));
		len = pv_console_read(vcpu->vm, run->console.data, len);
		if (len && pv_copy_guest(vcpu, r->rdi, run->console.data, len, true)) {
			r->rax = -PV_EFAULT;	/* (the bytes are lost) */
			return 0;
		}
		r->rax = len;
		return 0;
	case PV_HC_SHUTDOWN:
		if (r->rdi > PV_SHUTDOWN_CRASH) {
			r->rax = -PV_EINVAL;
			return 0;
		}
		run->exit_reason = PV_EXIT_SHUTDOWN;
		run->shutdown.reason = r->rdi;
		run->shutdown.status = r->rsi;
		/* A shut-down vCPU stays down: it resumes at the same call. */
		r->rip -= 2;
		return 1;
	case PV_HC_VCPU_REGISTER:
		if (!PAGE_ALIGNED(r->rdi) ||
		    !pv_guest_ptr(vcpu->vm, r->rdi, PAGE_SIZE)) {
			r->rax = -PV_EINVAL;
			return 0;
		}
		vcpu->shared_gpa = r->rdi;
		pv_time_register(vcpu);
		/* Running, whatever the page said (a restarted vCPU's old one). */
		pv_set_preempted(vcpu, 0);
		pv_user_gs_publish(vcpu);
		r->rax = 0;
		return 0;
	case PV_HC_SET_TIMER:
		pv_set_timer(vcpu, r->rdi);
		r->rax = 0;
		return 0;
	case PV_HC_HALT:
		ret = pv_halt(vcpu);
		if (ret < 0) {
			/* A signal: the launcher runs the call again later. */
			r->rip -= 2;
			return ret;
		}
		if (ret) {
			r->rip -= 2;
			run->exit_reason = PV_EXIT_HALT;
			return 1;
		}
		r->rax = 0;
		return 0;
	case PV_HC_IRQ_WINDOW:
		r->rax = 0;	/* the loop delivers before the next entry */
		return 0;
	case PV_HC_IRQ_BIND:
		r->rax = pv_irq_bind(vcpu, r->rdi, r->rsi, r->rdx);
		return 0;
	case PV_HC_ERETU:
	case PV_HC_ERETS:
		if (r->rax == PV_HC_ERETU ? pv_eretu(vcpu) : pv_erets(vcpu)) {
			/* #GP at the hypercall, as a bad ERETS would raise. */
			r->rip -= 2;
			return deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP);
		}
		return 0;
	case PV_HC_LOAD_CR3:
		/* The PML4's address, and its tag (PCID) in the low 12 bits. */
		if (r->rsi & ~PV_CR3_NOFLUSH ||
		    !pv_guest_ptr(vcpu->vm, r->rdi & PAGE_MASK, PAGE_SIZE)) {
			r->rax = -PV_EINVAL;
			return 0;
		}
		if (pv_mmu_load_cr3(vcpu, r->rdi & PAGE_MASK, r->rdi & ~PAGE_MASK,
				    r->rsi & PV_CR3_NOFLUSH))
			return pv_internal_error(vcpu, 0, 0,
						 "out of memory for shadow page tables");
		r->rax = 0;
		return 0;
	case PV_HC_FLUSH_TLB:
		r->rax = pv_flush_tlb(vcpu, r->rdi, r->rsi, r->rdx);
		if (r->rax == -ENOMEM)
			return pv_internal_error(vcpu, 0, 0,
						 "out of memory for shadow page tables");
		return 0;
	case PV_HC_FLUSH_TLB_MULTI:
		r->rax = pv_flush_tlb_multi(vcpu, r->rdi, r->rsi, r->rdx, r->r10);
		if (r->rax == -ENOMEM)
			return pv_internal_error(vcpu, 0, 0,
						 "out of memory for shadow page tables");
		return 0;
	case PV_HC_WRMSR:
		r->rax = pv_wrmsr(vcpu, r->rdi, r->rsi);
		return 0;
	case PV_HC_RDMSR: {
		u64 value;

		r->rax = pv_rdmsr(vcpu, r->rdi, &value) ? -PV_EINVAL : value;
		return 0;
	}
	case PV_HC_VCPU_START:
		r->rax = pv_vcpu_start(vcpu, r);
		return 0;
	case PV_HC_VCPU_STOP:
		r->rax = pv_vcpu_stop(vcpu);
		return r->rax ? 0 : PV_RUN_DOWN;
	case PV_HC_SEND_IPI:
		r->rax = pv_send_ipi(vcpu, r->rdi, r->rsi);
		return 0;
	case PV_HC_EXIT_COUNTS:
		r->rax = pv_exit_counts_copy(vcpu, r->rdi, r->rsi);
		return 0;
	case PV_HC_GET_FEATURES:
		r->rax = boot_cpu_has(X86_FEATURE_FSGSBASE) ? PV_FEATURE_FSGSBASE : 0;
		if (boot_cpu_has(X86_FEATURE_CPUID_FAULT))
			r->rax |= PV_FEATURE_CPUID_FAULTING;
		if (IS_ENABLED(CONFIG_SCHED_INFO))
			r->rax |= PV_FEATURE_STEAL_TIME;
		r->rax |= PV_FEATURE_PCID;	/* mmu.c keeps tagged spaces */
		r->rax |= PV_FEATURE_USER_GS;	/* switcher.c */
		return 0;
	case PV_HC_CPUID:
		pv_hc_cpuid(vcpu);
		return 0;
	case PV_HC_SET_TLS: {
		u64 desc[PV_TLS_ENTRIES] = { r->rdi, r->rsi, r->rdx };

		r->rax = pv_set_tls(vcpu, desc);
		return 0;
	}
	case PV_HC_SET_LDT:
		r->rax = pv_set_ldt(vcpu, r->rdi, r->rsi);
		return 0;
	default:
		r->rax = -PV_ENOSYS;
		return 0;
	}
}

static int handle_exit(struct pv_vcpu *vcpu, u64 vector, unsigned long cr2)
{
	u32 error = vcpu->error_code;
	u64 gpa;
	int ret;

	if (vector == SW_VECTOR_SYSCALL) {
		/* Supervisor mode is 64-bit: no hypercall from 32-bit code. */
		if (!vcpu->user_mode && vcpu->exit_cs != __USER_CS)
			return deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_UD);
		if (!vcpu->user_mode)
			return hypercall(vcpu);
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
		return deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP);
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
				deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP) : 0;
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
				deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP) : ret;
		}
		if (ret == -ENOMEM)
			return pv_internal_error(vcpu, vector, cr2,
						 "out of memory for shadow page tables");
		if (ret == -ERANGE)
			return pv_internal_error(vcpu, vector, cr2,
						 "guest page tables point outside guest memory");
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

/* Canonical for 4-level paging: the guest's virtual address width. */
static bool rip_canonical(u64 rip)
{
	return ((s64)rip << 16 >> 16) == (s64)rip;
}

/*
 * Last things before an entry, with IRQs off.  RIP first: whatever took it
 * past the lower half (a hypercall or an emulated instruction in its last
 * bytes, an MMIO load completed there), the switcher's IRETQ would refuse
 * it; the guest gets the #GP(0) a CPU gives for a fetch there, with that
 * RIP in the frame.  RSP needs no check: IRETQ takes any, and the guest's
 * first use of a bad one faults in ring 3.  Then the interrupt lines: a
 * line raised from now on finds the vCPU about to run or running, and
 * the kick (pv_raise_line()) makes it exit again, so none waits for the
 * host's next tick.
 *
 * Return: 0 to enter, 1 when the vCPU must stop (vcpu->run says why).
 */
static int prepare_entry(struct pv_vcpu *vcpu)
{
	if (!rip_canonical(vcpu->regs.rip) &&
	    deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP))
		return 1;
	if (pv_deliver_lines(vcpu))
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
		if (prepare_entry(vcpu)) {
			local_irq_enable();
			ret = 1;
			break;
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
	if (ret == PV_RUN_DOWN)
		goto again;
	return min(ret, 0L);	/* 1: an exit; <0: an error */
}
