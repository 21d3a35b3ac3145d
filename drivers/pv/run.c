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

#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <asm/fpu/api.h>
#include <asm/trapnr.h>
#include <asm/traps.h>

#include <pv/abi.h>

#include "switcher.h"
#include "vm.h"

/* Stop the vCPU with an internal error the launcher can report. */
static int internal_error(struct pv_vcpu *vcpu, u64 vector, u64 address,
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

/*
 * Copy @len bytes of guest-virtual memory at @gva into @buf, walking the
 * guest's tables page by page.  Returns 0 or -EFAULT.
 */
static int read_guest(struct pv_vcpu *vcpu, u64 gva, void *buf, size_t len)
{
	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(gva));
		u64 gpa;
		bool wp;
		void *p;

		if (pv_guest_walk(vcpu, gva, false, &gpa, &wp))
			return -EFAULT;
		p = pv_guest_ptr(vcpu->vm, gpa, chunk);
		if (!p)
			return -EFAULT;
		memcpy(buf, p, chunk);
		buf += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

/* A hypercall: returns 1 when the launcher must see the exit. */
static int hypercall(struct pv_vcpu *vcpu)
{
	struct pv_regs *r = &vcpu->regs;
	struct pv_run *run = vcpu->run;
	u64 len;

	switch (r->rax) {
	case PV_HC_CONSOLE_WRITE:
		len = r->rsi;
		if (len > PAGE_SIZE) {
			r->rax = -PV_EINVAL;
			return 0;
		}
		len = min_t(u64, len, PV_CONSOLE_MAX);
		if (read_guest(vcpu, r->rdi, run->console.data, len)) {
			r->rax = -PV_EFAULT;
			return 0;
		}
		r->rax = len;
		run->exit_reason = PV_EXIT_CONSOLE;
		run->console.len = len;
		return 1;
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
	case PV_HC_GET_FEATURES:
		r->rax = boot_cpu_has(X86_FEATURE_FSGSBASE) ? PV_FEATURE_FSGSBASE : 0;
		return 0;
	default:
		r->rax = -PV_ENOSYS;
		return 0;
	}
}

static int handle_exit(struct pv_vcpu *vcpu, u64 vector, unsigned long cr2)
{
	int ret;

	if (vector == SW_VECTOR_SYSCALL)
		return hypercall(vcpu);
	if (vector == X86_TRAP_PF) {
		ret = pv_mmu_fault(vcpu, cr2, vcpu->error_code);
		if (!ret)
			return 0;
		if (ret == -ENOMEM)
			return internal_error(vcpu, vector, cr2,
					      "out of memory for shadow page tables");
		if (ret == -ERANGE)
			return internal_error(vcpu, vector, cr2,
					      "guest page tables point outside guest memory");
		return internal_error(vcpu, vector, cr2,
				      "guest page fault (event delivery is not implemented yet)");
	}
	/* Host interrupts and NMIs were handed to the host already. */
	if (vector == X86_TRAP_NMI || vector >= FIRST_EXTERNAL_VECTOR)
		return 0;
	return internal_error(vcpu, vector, 0,
			      "guest exception (event delivery is not implemented yet)");
}

/**
 * pv_vcpu_run() - run the vCPU until the launcher is needed
 * @vcpu: the vCPU, its lock held
 *
 * Return: 0 with vcpu->run saying why, -EINTR on a signal, -EINVAL before
 * PV_SET_SREGS gave it page tables.
 */
long pv_vcpu_run(struct pv_vcpu *vcpu)
{
	unsigned long cr2;
	long ret = 0;
	u64 vector;

	if (!vcpu->root)
		return -EINVAL;
	vcpu->run->exit_reason = PV_EXIT_NONE;
	fpu_swap_kvm_fpstate(&vcpu->fpu, true);
	for (;;) {
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();

		local_irq_disable();
		if (test_thread_flag(TIF_NEED_FPU_LOAD))
			switch_fpu_return();
		vector = pv_switcher_run(vcpu, vcpu->root, &cr2);
		local_irq_enable();

		if (handle_exit(vcpu, vector, cr2))
			break;
	}
	fpu_swap_kvm_fpstate(&vcpu->fpu, false);
	return ret;
}
