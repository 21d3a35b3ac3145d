// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: delivering events to the guest the way a FRED CPU would.
 *
 * An exception the guest takes in (virtual) supervisor mode is written as
 * a FRED stack frame below its stack, 64-byte aligned past a 64-byte red
 * zone, and the guest continues at its entry base + 256 with the virtual
 * interrupt flag clear.  ERETS (a hypercall here) takes it back.  See
 * Documentation/pv/abi.rst, "Events".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/sched.h>	/* what 6.1's <asm/debugreg.h> uses */
#include <asm/debugreg.h>
#include <asm/trap_pf.h>
#include <asm/trapnr.h>

#include <pv/abi.h>

#include "vm.h"

#define FRED_SS_SWEVENT		BIT_ULL(17)
#define FRED_SS_LM		BIT_ULL(57)

/* The virtual interrupt flag lives in the shared page (0 without one). */
static u8 *irq_flag(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	return sh ? &sh->irq_enabled : NULL;
}

/*
 * The stack level of an event in supervisor mode, as FRED_STKLVLS gives it
 * for exceptions; interrupts and INT n run at level 0 (FRED_CONFIG's
 * interrupt level is not kept: Linux uses 0).
 */
static unsigned int event_level(struct pv_vcpu *vcpu, unsigned int type,
				unsigned int vector)
{
	if (type == PV_EVENT_EXTINT || type == PV_EVENT_SWINT ||
	    type == PV_EVENT_OTHER || vector >= 32)
		return 0;
	return vcpu->fred_stklvls >> (2 * vector) & 3;
}

/**
 * pv_deliver_event() - hand an event to the guest kernel
 * @vcpu:   the vCPU, stopped in either of the guest's modes
 * @type:   PV_EVENT_* type
 * @vector: the vector
 * @error:  the error code (0 when the event has none)
 * @data:   event data: CR2 for #PF, DR6 for #DB, else 0
 * @len:    instruction length for software events, else 0
 *
 * In supervisor mode, an event whose stack level is above the current one
 * goes on that level's stack (FRED_RSP1..3), as on FRED; and one the
 * current stack cannot take becomes a #DF, which Linux runs on a stack of
 * its own: the guest can then report the overflow itself.
 *
 * Return: 0, -ENOENT when the guest has not registered an entry point,
 * -EFAULT when its stack cannot take the frame (the vCPU must then stop),
 * -EINPROGRESS with IRQs off when a page of the launcher's must be
 * faulted in first (pv_fault_in(); nothing changed).
 */
int pv_deliver_event(struct pv_vcpu *vcpu, unsigned int type,
		     unsigned int vector, u64 error, u64 data, unsigned int len)
{
	struct pv_regs *r = &vcpu->regs;
	struct pv_event_frame f;
	u8 *irq = irq_flag(vcpu);
	unsigned int level = 0, old_level = 0;
	int ret;
	u64 sp;

	bool user = vcpu->user_mode;

	if (!vcpu->event_entry)
		return -ENOENT;
	/* From user mode the frame goes on the kernel stack, at RSP0. */
	if (user) {
		sp = (pv_user_rsp0(vcpu) & ~15ULL) - sizeof(f);
	} else {
		old_level = vcpu->fred_csl;
		level = event_level(vcpu, type, vector);
		if (level > old_level) {
			sp = vcpu->fred_rsp[level] - sizeof(f);
		} else {
			level = old_level;
			sp = ((r->rsp - PV_EVENT_REDZONE) & ~63ULL) - sizeof(f);
		}
	}
	f = (struct pv_event_frame) {
		.error_code = error,
		.rip = r->rip,
		.cs = (user ? vcpu->user_cs : PV_KERNEL_CS) | (u64)old_level << 16,
		.rflags = (r->rflags & ~X86_EFLAGS_IF) | X86_EFLAGS_FIXED |
			  (irq && READ_ONCE(*irq) ? X86_EFLAGS_IF : 0),
		.rsp = r->rsp,
		.ss = (user ? vcpu->user_ss : PV_KERNEL_DS) |
		      (!user || pv_user_cs_64bit(vcpu, vcpu->user_cs) ? FRED_SS_LM : 0) |
		      ((u64)vector << 32) | ((u64)type << 48) |
		      ((u64)len << 60) | (len ? FRED_SS_SWEVENT : 0),
		.event_data = data,
	};
	/* The frame is written as the kernel would: a supervisor access. */
	vcpu->user_mode = false;
	ret = pv_guest_va_ok(sp) ? pv_copy_guest(vcpu, sp, &f, sizeof(f), true) :
				   -EFAULT;
	if (ret) {
		vcpu->user_mode = user;
		/* IRQs off and the page not there: again once faulted in. */
		if (ret == -EINPROGRESS)
			return ret;
		vcpu->kernel_cs = __USER_CS;
		/* The CPU's answer: a double fault, on its own stack level. */
		if (!user && !(type == PV_EVENT_HWEXC && vector == X86_TRAP_DF) &&
		    event_level(vcpu, PV_EVENT_HWEXC, X86_TRAP_DF) > old_level)
			return pv_deliver_event(vcpu, PV_EVENT_HWEXC,
						X86_TRAP_DF, 0, 0, 0);
		return -EFAULT;
	}
	vcpu->kernel_cs = __USER_CS;	/* its entry is 64-bit code */
	vcpu->fred_csl = level;
	if (irq)
		WRITE_ONCE(*irq, 0);
	if (user) {
		swap(vcpu->gs_base, vcpu->kernel_gs_base);
		pv_user_gs_publish(vcpu);
	}
	r->rsp = sp;
	r->rip = vcpu->event_entry + (user ? 0 : PV_EVENT_ENTRY_KERNEL);
	/*
	 * As FRED delivery: the handler starts with TF and DF clear.  Linux's
	 * FRED entry has no CLD; a user's STD must not reach the kernel's
	 * string instructions (copies would run backwards over its memory).
	 */
	r->rflags &= ~(X86_EFLAGS_TF | X86_EFLAGS_DF);
	return 0;
}

/*
 * ERETS and ERETU: the guest's %rsp points at the %r11, %rcx and %rax it
 * saved, then the event frame.  Only a frame for the mode being returned
 * to is taken: kernel selectors for ERETS; for ERETU, user selectors (of
 * 64-bit or 32-bit code, or the LDT's) and lower-half addresses
 * (segments.c).  Returns -EFAULT (the caller delivers #GP) when it
 * cannot be read or is not such a frame.
 */
static int eret(struct pv_vcpu *vcpu, bool to_user, bool hypercall)
{
	struct {
		u64 r11, rcx, rax;
		struct pv_event_frame f;
	} s;
	struct pv_regs *r = &vcpu->regs;
	u8 *irq = irq_flag(vcpu);
	bool ok;

	/* The instruction itself has the frame at %rsp; the hypercall, below. */
	if (hypercall) {
		if (pv_copy_guest(vcpu, r->rsp, &s, sizeof(s), false))
			return -EFAULT;
	} else {
		/* As on FRED: the whole frame, from the error code, at %rsp. */
		if (pv_copy_guest(vcpu, r->rsp, &s.f, sizeof(s.f), false))
			return -EFAULT;
		s.r11 = r->r11;
		s.rcx = r->rcx;
		s.rax = r->rax;
	}
	if (to_user)
		ok = pv_user_segments_ok(vcpu, s.f.cs, s.f.ss, s.f.rip) &&
		     s.f.rsp <= PV_USER_VA_END;
	else
		ok = (s.f.cs & 0xffff) == PV_KERNEL_CS &&
		     (s.f.ss & 0xffff) == PV_KERNEL_DS &&
		     pv_guest_va_ok(s.f.rip) && pv_guest_va_ok(s.f.rsp);
	if (!ok)
		return -EFAULT;
	/* Back to the stack level the frame came from (0 in user mode). */
	vcpu->fred_csl = to_user ? 0 : (s.f.cs >> 16) & 3;
	r->r11 = s.r11;
	r->rcx = s.rcx;
	r->rax = s.rax;
	r->rip = s.f.rip;
	r->rsp = s.f.rsp;
	r->rflags = (s.f.rflags & PV_RFLAGS_GUEST) | X86_EFLAGS_FIXED;
	if (irq)
		WRITE_ONCE(*irq, !!(s.f.rflags & X86_EFLAGS_IF));
	if (to_user) {
		swap(vcpu->gs_base, vcpu->kernel_gs_base);
		vcpu->user_mode = true;
		vcpu->user_cs = s.f.cs;
		vcpu->user_ss = s.f.ss;
		if (vcpu->prefill && r->rip == vcpu->prefill_rip)
			pv_mmu_prefill(vcpu);
		vcpu->prefill = false;
	} else {
		vcpu->kernel_cs = __USER_CS;	/* the frame said the kernel's own */
	}
	return 0;
}

/**
 * pv_erets() - the guest's ERETS: resume in supervisor mode from a frame
 * @vcpu: the vCPU
 *
 * Return: 0, or -EFAULT for a frame that cannot be taken.
 */
int pv_erets(struct pv_vcpu *vcpu)
{
	return eret(vcpu, false, true);
}

/**
 * pv_eretu() - the guest's ERETU: enter user mode from a frame
 * @vcpu: the vCPU
 *
 * Return: 0, or -EFAULT for a frame that cannot be taken.
 */
int pv_eretu(struct pv_vcpu *vcpu)
{
	return eret(vcpu, true, true);
}

/**
 * pv_eret_insn() - the guest ran ERETS or ERETU itself
 * @vcpu:    the vCPU
 * @to_user: ERETU
 *
 * Linux's FRED entry code returns with the instructions, which raise #UD
 * in ring 3: the host carries them out with the frame at %rsp.
 *
 * Return: 0, or -EFAULT for a frame that cannot be taken.
 */
int pv_eret_insn(struct pv_vcpu *vcpu, bool to_user)
{
	return eret(vcpu, to_user, false);
}

/**
 * pv_reflect_exception() - deliver what the guest's ring-3 code raised
 * @vcpu:   the vCPU
 * @vector: the hardware exception vector
 * @cr2:    CR2 at the exit
 *
 * Translates what ring 3 makes of an instruction into what a FRED CPU in
 * supervisor mode reports: INT n reaches us as #GP on its gate and becomes
 * a SWINT; INT3 becomes SWEXC, INT1 PRIV_SWEXC.
 *
 * Return: as pv_deliver_event().
 */
int pv_reflect_exception(struct pv_vcpu *vcpu, u64 vector, unsigned long cr2)
{
	u64 error = vcpu->error_code, dr6;
	/* Instruction bytes are read only where they are at RIP. */
	bool flat = pv_code_flat(vcpu);
	struct pv_vcpu_shared *sh;
	u8 insn[2];

	switch (vector) {
	case X86_TRAP_BP:
	case X86_TRAP_OF:
		/*
		 * Our DPL-3 gates: RIP is past the instruction already.  INT3
		 * (cc) and INTO (ce, 32-bit code only) are SWEXC; "int $3" and
		 * "int $4" (cd 03, cd 04) are SWINT, as FRED reports them: Linux
		 * has no hardware-exception handler for vector 4.
		 */
		if (flat && !pv_copy_guest(vcpu, vcpu->regs.rip - 2, insn, 2, false) &&
		    insn[0] == 0xcd && insn[1] == vector)
			return pv_deliver_event(vcpu, PV_EVENT_SWINT, vector,
						0, 0, 2);
		return pv_deliver_event(vcpu, PV_EVENT_SWEXC, vector, 0, 0, 1);
	case X86_TRAP_GP:
		/*
		 * "int $n" on one of our DPL-0 gates faults with the IDT bit
		 * in the error code.  The vector is read from the instruction:
		 * CPUs and emulators disagree on how the error code encodes it.
		 */
		if ((error & 3) == 2 && flat) {
			if (!pv_copy_guest(vcpu, vcpu->regs.rip, insn, 2, false) &&
			    insn[0] == 0xcd) {
				vcpu->regs.rip += 2;
				return pv_deliver_event(vcpu, PV_EVENT_SWINT,
							insn[1], 0, 0, 2);
			}
		}
		return pv_deliver_event(vcpu, PV_EVENT_HWEXC, vector, error, 0, 0);
	case X86_TRAP_PF:
		sh = pv_shared_page(vcpu);
		if (sh)				/* the guest's CR2 */
			WRITE_ONCE(sh->cr2, cr2);
		/* A user access runs again once the kernel has handled it. */
		vcpu->prefill = vcpu->user_mode;
		vcpu->prefill_gva = cr2;
		vcpu->prefill_rip = vcpu->regs.rip;
		vcpu->prefill_fetch = error & X86_PF_INSTR;
		return pv_deliver_event(vcpu, PV_EVENT_HWEXC, vector, error, cr2, 0);
	case X86_TRAP_DB:
		/* FRED's event data: DR6 with every bit meaning "it happened". */
		dr6 = vcpu->dr6 ^ DR6_RESERVED;
		/* INT1 (ICEBP) leaves DR6 alone and RIP after itself. */
		if (!(dr6 & (DR_STEP | DR_TRAP_BITS)) && flat &&
		    !pv_copy_guest(vcpu, vcpu->regs.rip - 1, insn, 1, false) &&
		    insn[0] == 0xf1)
			return pv_deliver_event(vcpu, PV_EVENT_PRIV_SWEXC, vector,
						0, 0, 1);
		return pv_deliver_event(vcpu, PV_EVENT_HWEXC, vector, 0, dr6, 0);
	default:
		if (vector < 32)
			return pv_deliver_event(vcpu, PV_EVENT_HWEXC, vector,
						error, 0, 0);
		return -EFAULT;
	}
}
