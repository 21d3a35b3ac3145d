/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-guest event entry, FRED-shaped (abi.rst, "Events"): the host
 * writes a struct pv_event_frame and jumps to event_entry + 256 with
 * %rsp at it.  We save the registers, call event_handler(frame) and go
 * back with the ERETS hypercall.
 */
#include <pv/abi.h>

.macro SAVE_REGS
	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15
	push	%\r
	.endr
.endm

.macro RESTORE_REGS
	.irp r, r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax
	pop	%\r
	.endr
.endm

/* ERET hypercall N: push what the hypercall clobbers; the host pops it. */
.macro ERET nr
	push	%rax
	push	%rcx
	push	%r11
	mov	$\nr, %eax
	syscall
	ud2
.endm

	.text
	.balign 4096
	.globl event_entry
event_entry:
	/*
	 * +0: events from user mode.  user_event_handler(frame, regs) returns
	 * 0 to go back to user mode, else to leave it: enter_user() returns.
	 */
	SAVE_REGS
	lea	15 * 8(%rsp), %rdi
	mov	%rsp, %rsi
	call	user_event_handler
	test	%eax, %eax
	jnz	.Lleave_user
	RESTORE_REGS
	ERET	PV_HC_ERETU
.Lleave_user:
	xor	%eax, %eax
.Lrestore_kernel:
	mov	saved_kernel_rsp(%rip), %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

	.org event_entry + PV_EVENT_ENTRY_KERNEL
	SAVE_REGS
	lea	15 * 8(%rsp), %rdi
	call	event_handler
	RESTORE_REGS
	ERET	PV_HC_ERETS

/* long enter_user(unsigned long rip, unsigned long rsp): ERETU there. */
	.globl enter_user
enter_user:
	mov	$PV_USER_CS, %edx
	mov	$PV_USER_DS, %ecx
	/* fall through */

/*
 * long enter_user_segs(rip, rsp, cs, ss): ERETU with these selectors.
 * Returns 0 when user_event_handler() leaves user mode; -1 when the host
 * refused the frame, whose #GP event_handler() saw and returned from.
 */
	.globl enter_user_segs
enter_user_segs:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, saved_kernel_rsp(%rip)
	sub	$64, %rsp
	movq	$0, 0(%rsp)		/* error code */
	mov	%rdi, 8(%rsp)		/* rip */
	mov	%rdx, 16(%rsp)		/* cs */
	movq	$0x202, 24(%rsp)	/* rflags: IF */
	mov	%rsi, 32(%rsp)		/* rsp */
	mov	%rcx, 40(%rsp)		/* ss */
	movq	$0, 48(%rsp)
	movq	$0, 56(%rsp)
	push	%rax
	push	%rcx
	push	%r11
	mov	$PV_HC_ERETU, %eax
	syscall
	mov	$-1, %rax		/* refused */
	jmp	.Lrestore_kernel

	.data
	.balign 8
saved_kernel_rsp:
	.quad 0
