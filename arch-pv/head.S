/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv guest: the entry point pvrun jumps to, and the event entry used
 * until the kernel's own FRED entry takes over.
 *
 * pvrun enters in virtual supervisor mode on its boot page tables, with
 * %rsi pointing at the boot info (include/pv/abi.h, "Boot information").
 */
#include <linux/elfnote.h>
#include <linux/init.h>
#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/msr-index.h>
#include <asm/percpu.h>
#include <asm/unwind_hints.h>
#include <pv/abi.h>

#include "../entry/calling.h"

	__INIT
SYM_CODE_START(pv_startup_64)
	UNWIND_HINT_END_OF_STACK
	ANNOTATE_NOENDBR
	cld
	leaq	__top_init_kernel_stack(%rip), %rsp
	mov	%rsi, %r12

	/*
	 * GS base: fixed_percpu_data, as head_64.S sets it (the stack
	 * protector's canary is at %gs:40).  WRMSR is a hypercall here.
	 */
	mov	$PV_HC_WRMSR, %eax
	mov	$MSR_GS_BASE, %edi
	movq	$INIT_PER_CPU_VAR(fixed_percpu_data), %rsi
	syscall
	UNWIND_HINT_END_OF_STACK	/* back from the host, as we left */

	mov	%r12, %rdi
	call	pv_start_kernel		/* does not return */
SYM_CODE_END(pv_startup_64)

/*
 * The early event entry, FRED-shaped: the host puts a FRED frame, which
 * is the tail of a struct pt_regs, under %rsp and jumps to +256 for an
 * event in supervisor mode (there is no user mode yet: +0 is never used).
 */
	.balign 4096
SYM_CODE_START_NOALIGN(pv_early_event_entry)
	UNWIND_HINT_END_OF_STACK
	ANNOTATE_NOENDBR
	ud2
	.org pv_early_event_entry + PV_EVENT_ENTRY_KERNEL, 0xcc
	UNWIND_HINT_END_OF_STACK
	ENDBR
	PUSH_AND_CLEAR_REGS
	movq	%rsp, %rdi
	call	pv_early_event
	POP_REGS
	/* ERETS: the hypercall's clobbers go under the frame; the host pops them. */
	push	%rax
	push	%rcx
	push	%r11
	mov	$PV_HC_ERETS, %eax
	syscall
SYM_CODE_END(pv_early_event_entry)
	__FINIT

/*
 * Where PV_HC_VCPU_START starts an AP (arch/x86/pv/smp.c): on its idle
 * task's stack, %rdi its CPU number.  Not __INIT: CPU hotplug starts it
 * again long after boot.
 */
	.text
SYM_CODE_START(pv_secondary_startup_64)
	UNWIND_HINT_END_OF_STACK
	ANNOTATE_NOENDBR
	cld
	mov	%rdi, %r12

	/* GS base: this CPU's per-CPU area, before any C code runs. */
	mov	$PV_HC_WRMSR, %eax
	mov	$MSR_GS_BASE, %edi
	movq	__per_cpu_offset(, %r12, 8), %rsi
	syscall
	UNWIND_HINT_END_OF_STACK	/* back from the host, as we left */

	/* As if called: task_pt_regs() leaves %rsp 8 off 16-byte alignment. */
	mov	%r12, %rdi
	jmp	pv_cpu_bringup_and_idle	/* does not return */
SYM_CODE_END(pv_secondary_startup_64)

/*
 * unsigned int pv_load_user_gs(unsigned int sel, unsigned long kernel_gs_base)
 *
 * Loads %gs with the user's selector @sel (0 when it cannot be loaded, as
 * native_load_gs_index() does), then puts the kernel's GS base back with
 * PV_HC_WRMSR before anything can use %gs: GS is one register for the
 * kernel and its user, and the load took the descriptor's base.  Call
 * with interrupts off.  Returns the selector loaded.
 */
SYM_FUNC_START(pv_load_user_gs)
1:	movl	%edi, %gs
	_ASM_EXTABLE_TYPE(1b, 1b, EX_TYPE_ZERO_REG | EX_DATA_REG(7))	/* %edi */
	mov	$MSR_GS_BASE, %edi
	mov	$PV_HC_WRMSR, %eax
	UNWIND_HINT_SAVE
	syscall				/* %rsi: the kernel's base */
	UNWIND_HINT_RESTORE
	movl	%gs, %eax
	RET
SYM_FUNC_END(pv_load_user_gs)

	ELFNOTE(pv, PV_ELFNOTE_ABI_VERSION, .long PV_ABI_VERSION)
	ELFNOTE(pv, PV_ELFNOTE_ENTRY, _ASM_PTR pv_startup_64)
