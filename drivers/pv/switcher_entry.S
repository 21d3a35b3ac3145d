/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: the module's side of the world switch.
 *
 * pv_switch_to_guest() leaves an IRET frame on the host stack that brings
 * the switcher back to it, records where that frame is in the host page,
 * loads the transition CR3 and jumps into the switcher.  When the guest
 * exits, the switcher IRETs here with the transition CR3 still loaded and
 * the switcher's descriptor tables in use; the first thing done is the
 * host GS base, because C code needs it.  IRQs are off throughout.
 */
#include <linux/linkage.h>
#include <asm/alternative.h>
#include <asm/msr-index.h>
#include <asm/percpu.h>
#include <asm/nospec-branch.h>
#include <asm/orc_types.h>
#include <asm/segment.h>
#include <asm/unwind_hints.h>

#include "switcher.h"

	.section .noinstr.text, "ax"

/*
 * void pv_switch_to_guest(unsigned long enter, unsigned long trans_cr3,
 *			   void *host_page, unsigned long host_gs_base);
 */
SYM_CODE_START(pv_switch_to_guest)
	UNWIND_HINT_FUNC
	push	%rbp
	mov	%rsp, %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	push	%rcx			/* the host GS base */

	/* The frame the switcher IRETs through to come back. */
	mov	%rsp, %rax
	push	$__KERNEL_DS
	push	%rax
	pushf
	push	$__KERNEL_CS
	lea	.Lback_from_guest(%rip), %rax
	push	%rax
	mov	%rsp, SW_HOST_RSP(%rdx)	/* in the host page */

	mov	%rsi, %cr3
	ANNOTATE_RETPOLINE_SAFE
	jmp	*%rdi

.Lback_from_guest:
	/* The IRET left RSP below the seven saved words and the return. */
	UNWIND_HINT type=UNWIND_HINT_TYPE_CALL sp_reg=ORC_REG_SP sp_offset=64
	ANNOTATE_NOENDBR
	pop	%rax			/* the host GS base, first of all */
	mov	%rax, %rdx
	shr	$32, %rdx
	mov	$MSR_GS_BASE, %ecx
	wrmsr
	/*
	 * The guest ran code of its choosing: before the first RET, the
	 * host's IBRS where its kernel runs with it, return-predictor
	 * untraining, a stuffed return stack buffer and a cleared branch
	 * history, as on the host's own entry from user mode.
	 */
	ALTERNATIVE "jmp .Librs_done", "", X86_FEATURE_KERNEL_IBRS
	mov	$MSR_IA32_SPEC_CTRL, %ecx
	movq	PER_CPU_VAR(x86_spec_ctrl_current), %rdx
	mov	%edx, %eax
	shr	$32, %rdx
	wrmsr
.Librs_done:
	UNTRAIN_RET
	FILL_RETURN_BUFFER %rax, RSB_CLEAR_LOOPS, X86_FEATURE_RSB_CTXSW
	CLEAR_BRANCH_HISTORY
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	RET
SYM_CODE_END(pv_switch_to_guest)

/*
 * void pv_do_event_irqoff(unsigned long handler): call a host IDT handler
 * as the CPU would have, with an IRET frame of kernel mode and IF clear
 * (the host's handlers for interrupts and asm_exc_nmi_kvm_vmx return by
 * IRET).  The same construction as KVM's VMX_DO_EVENT_IRQOFF.
 */
SYM_FUNC_START(pv_do_event_irqoff)
	push	%rbp
	mov	%rsp, %rbp
	and	$-16, %rsp
	push	$__KERNEL_DS
	push	%rbp
	pushf
	push	$__KERNEL_CS
	CALL_NOSPEC rdi
	mov	%rbp, %rsp
	pop	%rbp
	RET
SYM_FUNC_END(pv_do_event_irqoff)
