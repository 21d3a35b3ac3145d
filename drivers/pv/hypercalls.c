// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the hypercalls (abi.rst, "Hypercalls").  A guest kernel's
 * SYSCALL in supervisor mode lands here from the run loop (run.c): RAX is
 * the call, RDI, RSI, RDX and R10 its arguments, RAX its result, always a
 * value of the ABI (never a host errno: -PV_E* on error).  Each call is
 * one hc_*() that checks every argument before use and returns what the
 * run loop does next (enum pv_next).
 */
#include <linux/kernel.h>
#include <asm/cpufeature.h>
#include <asm/trapnr.h>

#include <pv/abi.h>

#include "vm.h"

/* A SYSCALL is 2 bytes: a call the vCPU must make again resumes at it. */
#define SYSCALL_LEN	2

static int hc_console_write(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	struct pv_run *run = vcpu->run;
	u64 len = r->rsi;

	if (len > PAGE_SIZE) {
		r->rax = -PV_EINVAL;
		return PV_NEXT_GUEST;
	}
	len = min_t(u64, len, PV_CONSOLE_MAX);
	if (pv_copy_guest(vcpu, r->rdi, run->console.data, len, false)) {
		r->rax = -PV_EFAULT;
		return PV_NEXT_GUEST;
	}
	r->rax = len;
	run->exit_reason = PV_EXIT_CONSOLE;
	run->console.len = len;
	return PV_NEXT_LAUNCHER;
}

static int hc_console_read(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	struct pv_run *run = vcpu->run;
	u64 len = min_t(u64, r->rsi, sizeof(run->console.data));

	len = pv_console_read(vcpu->vm, run->console.data, len);
	if (len && pv_copy_guest(vcpu, r->rdi, run->console.data, len, true)) {
		r->rax = -PV_EFAULT;	/* (the bytes are lost) */
		return PV_NEXT_GUEST;
	}
	r->rax = len;
	return PV_NEXT_GUEST;
}

static int hc_shutdown(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	struct pv_run *run = vcpu->run;

	if (r->rdi > PV_SHUTDOWN_CRASH) {
		r->rax = -PV_EINVAL;
		return PV_NEXT_GUEST;
	}
	run->exit_reason = PV_EXIT_SHUTDOWN;
	run->shutdown.reason = r->rdi;
	run->shutdown.status = r->rsi;
	/* A shut-down vCPU stays down: it resumes at the same call. */
	r->rip -= SYSCALL_LEN;
	return PV_NEXT_LAUNCHER;
}

static int hc_vcpu_register(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	/* (0: none, abi.rst.) */
	if (pv_shared_set(vcpu, r->rdi)) {
		r->rax = -PV_EINVAL;
		return PV_NEXT_GUEST;
	}
	pv_time_register(vcpu);
	/* Running, whatever the page said (a restarted vCPU's old one). */
	pv_set_preempted(vcpu, 0);
	pv_user_gs_publish(vcpu);
	pv_mmu_forget_flushed(vcpu);
	r->rax = 0;
	return PV_NEXT_GUEST;
}

static int hc_halt(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	int ret = pv_halt(vcpu);

	if (ret < 0) {
		/* A signal: the launcher runs the call again later. */
		r->rip -= SYSCALL_LEN;
		return ret;
	}
	if (ret) {
		r->rip -= SYSCALL_LEN;
		vcpu->run->exit_reason = PV_EXIT_HALT;
		return PV_NEXT_LAUNCHER;
	}
	r->rax = 0;
	return PV_NEXT_GUEST;
}

static int hc_eret(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	if (r->rax == PV_HC_ERETU ? pv_eretu(vcpu) : pv_erets(vcpu)) {
		/* #GP at the hypercall, as a bad ERETS would raise. */
		r->rip -= SYSCALL_LEN;
		return pv_deliver_or_stop(vcpu, PV_EVENT_HWEXC, X86_TRAP_GP);
	}
	return PV_NEXT_GUEST;
}

static int no_shadow_memory(struct pv_vcpu *vcpu)
{
	return pv_internal_error(vcpu, 0, 0, "out of memory for shadow page tables");
}

static int hc_load_cr3(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	/* The PML4's address, and its tag (PCID) in the low 12 bits. */
	if (r->rsi & ~PV_CR3_NOFLUSH ||
	    !pv_gpa_ram(vcpu->vm, r->rdi & PAGE_MASK, PAGE_SIZE)) {
		r->rax = -PV_EINVAL;
		return PV_NEXT_GUEST;
	}
	if (pv_mmu_load_cr3(vcpu, r->rdi & PAGE_MASK, r->rdi & ~PAGE_MASK,
			    r->rsi & PV_CR3_NOFLUSH))
		return no_shadow_memory(vcpu);
	r->rax = 0;
	return PV_NEXT_GUEST;
}

static int hc_flush_tlb(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	u64 ret;

	if (r->rax == PV_HC_FLUSH_TLB)
		ret = pv_flush_tlb(vcpu, r->rdi, r->rsi, r->rdx);
	else
		ret = pv_flush_tlb_multi(vcpu, r->rdi, r->rsi, r->rdx, r->r10);
	if (ret == -ENOMEM)
		return no_shadow_memory(vcpu);
	r->rax = ret;
	return PV_NEXT_GUEST;
}

static int hc_rdmsr(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	u64 value;

	r->rax = pv_rdmsr(vcpu, r->rdi, &value) ? -PV_EINVAL : value;
	return PV_NEXT_GUEST;
}

static int hc_vcpu_stop(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	r->rax = pv_vcpu_stop(vcpu);
	return r->rax ? PV_NEXT_GUEST : PV_NEXT_DOWN;
}

static int hc_get_features(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	r->rax = boot_cpu_has(X86_FEATURE_FSGSBASE) ? PV_FEATURE_FSGSBASE : 0;
	if (boot_cpu_has(X86_FEATURE_CPUID_FAULT))
		r->rax |= PV_FEATURE_CPUID_FAULTING;
	if (IS_ENABLED(CONFIG_SCHED_INFO))
		r->rax |= PV_FEATURE_STEAL_TIME;
	r->rax |= PV_FEATURE_PCID;	/* mmu.c keeps tagged spaces */
	r->rax |= PV_FEATURE_USER_GS;	/* switcher.c */
	r->rax |= PV_FEATURE_FLUSHED_PAGE;	/* mmu.c */
	r->rax |= PV_FEATURE_TIMER_DEADLINE;	/* time.c */
	return PV_NEXT_GUEST;
}

static int hc_set_tls(struct pv_vcpu *vcpu, struct pv_regs *r)
{
	u64 desc[PV_TLS_ENTRIES] = { r->rdi, r->rsi, r->rdx };

	r->rax = pv_set_tls(vcpu, desc);
	return PV_NEXT_GUEST;
}

/**
 * pv_hypercall() - carry out the hypercall in the vCPU's registers
 * @vcpu: the vCPU, just out of a SYSCALL in guest supervisor mode
 *
 * Return: PV_NEXT_GUEST, PV_NEXT_LAUNCHER (vcpu->run says why),
 * PV_NEXT_DOWN when the vCPU stopped itself, or -EINTR when a signal came
 * while it halted (the call runs again).
 */
int pv_hypercall(struct pv_vcpu *vcpu)
{
	struct pv_regs *r = &vcpu->regs;

	if (r->rax < PV_EXIT_COUNTS_HYPERCALLS)
		vcpu->counts.hypercalls[r->rax]++;
	switch (r->rax) {
	case PV_HC_CONSOLE_WRITE:
		return hc_console_write(vcpu, r);
	case PV_HC_CONSOLE_READ:
		return hc_console_read(vcpu, r);
	case PV_HC_SHUTDOWN:
		return hc_shutdown(vcpu, r);
	case PV_HC_VCPU_REGISTER:
		return hc_vcpu_register(vcpu, r);
	case PV_HC_SET_TIMER:
		r->rax = pv_set_timer(vcpu, r->rdi, r->rsi);
		return PV_NEXT_GUEST;
	case PV_HC_HALT:
		return hc_halt(vcpu, r);
	case PV_HC_IRQ_WINDOW:
		r->rax = 0;	/* the loop delivers before the next entry */
		return PV_NEXT_GUEST;
	case PV_HC_IRQ_BIND:
		r->rax = pv_irq_bind(vcpu, r->rdi, r->rsi, r->rdx);
		return PV_NEXT_GUEST;
	case PV_HC_ERETU:
	case PV_HC_ERETS:
		return hc_eret(vcpu, r);
	case PV_HC_LOAD_CR3:
		return hc_load_cr3(vcpu, r);
	case PV_HC_FLUSH_TLB:
	case PV_HC_FLUSH_TLB_MULTI:
		return hc_flush_tlb(vcpu, r);
	case PV_HC_WRMSR:
		r->rax = pv_wrmsr(vcpu, r->rdi, r->rsi);
		return PV_NEXT_GUEST;
	case PV_HC_RDMSR:
		return hc_rdmsr(vcpu, r);
	case PV_HC_VCPU_START:
		r->rax = pv_vcpu_start(vcpu, r);
		return PV_NEXT_GUEST;
	case PV_HC_VCPU_STOP:
		return hc_vcpu_stop(vcpu, r);
	case PV_HC_SEND_IPI:
		r->rax = pv_send_ipi(vcpu, r->rdi, r->rsi);
		return PV_NEXT_GUEST;
	case PV_HC_EXIT_COUNTS:
		r->rax = pv_exit_counts_copy(vcpu, r->rdi, r->rsi);
		return PV_NEXT_GUEST;
	case PV_HC_GET_FEATURES:
		return hc_get_features(vcpu, r);
	case PV_HC_CPUID:
		pv_hc_cpuid(vcpu);
		return PV_NEXT_GUEST;
	case PV_HC_SET_TLS:
		return hc_set_tls(vcpu, r);
	case PV_HC_SET_LDT:
		r->rax = pv_set_ldt(vcpu, r->rdi, r->rsi);
		return PV_NEXT_GUEST;
	default:
		r->rax = -PV_ENOSYS;
		return PV_NEXT_GUEST;
	}
}
