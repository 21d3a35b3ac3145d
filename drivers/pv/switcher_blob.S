/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: the switcher, the code that runs between host and guest.
 *
 * This is a blob, not module text: switcher.c copies it into a page that
 * is mapped executable only at the switcher's address (switcher.h), in the
 * transition tables and the shadow roots.  It is written position
 * independent: data is reached RIP-relative at fixed offsets from the
 * code, so the same bytes run on 4- and 5-level hosts.
 *
 * Entry (from pv_switch_to_guest, transition CR3 loaded, IRQs off):
 * load the switcher's IDT, GDT and TSS, flush global TLB entries, load
 * the shadow root and IRET into the guest from the struct sw_frame at
 * the top of the stack page.
 *
 * Exit (any event from the guest, or SYSCALL): the registers go into
 * that struct sw_frame; then back to the transition CR3 and an IRET to
 * the host frame pv_switch_to_guest left.  Host descriptor tables, GS
 * base and CR3 are restored by the module, still with IRQs off.
 */
#include <linux/linkage.h>
#include <asm/segment.h>
#include <asm/msr-index.h>
#include <asm/processor-flags.h>

#include <pv/abi.h>

#include "switcher.h"

	.section .rodata.pv_switcher, "a"
	.balign 4096
SYM_DATA_START(pv_switcher_blob)
sw_base = .
cpu = sw_base + SW_CPU
host = sw_base + SW_HOST
shared = sw_base + SW_SHARED
frame = sw_base + SW_STACK + 4096 - SWF_SIZE

/* Jump to \bad unless [\reg, \reg + \len) is guest address space; uses %rax. */
.macro GUEST_RANGE reg, len, bad
	movabs	$(PV_USER_VA_END - \len), %rax
	cmp	%rax, \reg
	jbe	.Lok\@
	movabs	$PV_GUARD_HOLE_END, %rax
	cmp	%rax, \reg
	jb	\bad
	cmp	$-\len, \reg
	ja	\bad
.Lok\@:
.endm

/* Swap the GS bases; clobbers %rax, %rcx, %rdx. */
.macro SWAP_GUEST_GS
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	shl	$32, %rdx
	or	%rax, %rdx
	mov	cpu + SW_OTHER_GS(%rip), %rax
	mov	%rdx, cpu + SW_OTHER_GS(%rip)
	mov	%rax, %rdx
	shr	$32, %rdx
	wrmsr
.endm

/* The guest's registers a fast path used, back from SW_SAVE. */
.macro FAST_RESTORE_REGS
	mov	cpu + SW_SAVE(%rip), %rax
	mov	cpu + SW_SAVE + 8(%rip), %rcx
	mov	cpu + SW_SAVE + 16(%rip), %rdx
	mov	cpu + SW_SAVE + 24(%rip), %rdi
.endm

/* The guest's registers a fast path uses, into SW_SAVE. */
.macro FAST_SAVE_REGS
	mov	%rax, cpu + SW_SAVE(%rip)
	mov	%rcx, cpu + SW_SAVE + 8(%rip)
	mov	%rdx, cpu + SW_SAVE + 16(%rip)
	mov	%rdi, cpu + SW_SAVE + 24(%rip)
.endm

/*
 * %rdi: where an event from user mode puts its frame, (rsp0 & ~15) - 64,
 * rsp0 from the shared page or, where that holds none, FRED_RSP0; to
 * \bad unless the 64 bytes are guest address space.  Uses %rax.
 */
.macro USER_EVENT_FRAME bad
	mov	shared + PV_SHARED_RSP0(%rip), %rdi
	test	%rdi, %rdi
	jnz	.Lset\@
	mov	cpu + SW_RSP0(%rip), %rdi
.Lset\@:
	and	$~15, %rdi
	sub	$64, %rdi
	GUEST_RANGE %rdi, 64, \bad
.endm

/* The frame's RFLAGS from the user's in \reg: the virtual IF in it. */
.macro EVENT_RFLAGS reg
	and	$(PV_RFLAGS_GUEST & ~X86_EFLAGS_IF), \reg
	or	$X86_EFLAGS_FIXED, \reg
	cmpb	$0, shared + PV_SHARED_IRQ_ENABLED(%rip)
	je	.Lno_if\@
	or	$X86_EFLAGS_IF, \reg
.Lno_if\@:
.endm

/*
 * From user to supervisor mode once the frame is written: the virtual IF
 * cleared, the GS bases swapped, the user's base where the kernel reads
 * it (abi.rst).  Clobbers %rax, %rcx, %rdx.
 */
.macro ENTER_KERNEL_MODE
	movb	$0, shared + PV_SHARED_IRQ_ENABLED(%rip)
	SWAP_GUEST_GS
	mov	cpu + SW_OTHER_GS(%rip), %rax
	mov	%rax, shared + PV_SHARED_USER_GS_BASE(%rip)
	movb	$0, shared + PV_SHARED_USER_GS_DIRTY(%rip)
	movq	$0, cpu + SW_MODE(%rip)
.endm

/* The guest's scratch registers back; then IRET, or exit for the host. */
.macro FAST_RESUME
	FAST_RESTORE_REGS
	lea	frame + SWF_IRET(%rip), %rsp
	cmpq	$0, cpu + SW_NMI_PENDING(%rip)
	jne	.Lhost\@
	cmpq	$0, cpu + SW_MC_PENDING(%rip)
	je	sw_iret
.Lhost\@:
	push	$0
	push	$SW_VECTOR_NONE
	jmp	sw_exit
.endm

/*
 * Host -> guest.  The first thing is our own stack: from the LIDT on, an
 * NMI or #MC lands on our IST pages, which the guest maps; the interrupted
 * RSP they record must never be the host's (Documentation/pv/security.rst).
 */
	.org sw_base + 0
sw_enter:
	endbr64
	lea	frame(%rip), %rsp
	lidt	cpu + SW_IDT_DESC(%rip)
	lgdt	cpu + SW_GDT_DESC(%rip)
	/* LTR wants an available TSS: clear the busy bit LTR set last time. */
	andb	$~0x02, cpu + SW_GDT + GDT_ENTRY_TSS * 8 + 5(%rip)
	mov	$GDT_ENTRY_TSS * 8, %eax
	ltr	%ax
	/* The guest's LDT (or none): its descriptor is in our GDT. */
	lldt	cpu + SW_LDT_SEL(%rip)
	/* Host global TLB entries must not survive into the guest. */
	mov	host + SW_HOST_CR4(%rip), %rax
	mov	%rax, %rdx
	and	$~X86_CR4_PGE, %rdx
	mov	%rdx, %cr4
	mov	%rax, %cr4
	mov	cpu + SW_GUEST_CR3(%rip), %rax
	mov	%rax, %cr3
	/*
	 * The guest's data selectors, now that its GDT and LDT are in place
	 * (the LDT is mapped in the shadow root only).  The module checked
	 * that each loads (pv_data_selector()).  Then the FS and GS bases
	 * the loads replaced: the host's GS base was saved by the module.
	 */
	mov	cpu + SW_GUEST_DS(%rip), %ds
	mov	cpu + SW_GUEST_ES(%rip), %es
	mov	cpu + SW_GUEST_FS(%rip), %fs
	mov	cpu + SW_GUEST_GS_SEL(%rip), %gs
	mov	$MSR_FS_BASE, %ecx
	mov	cpu + SW_GUEST_FS_BASE(%rip), %eax
	mov	cpu + SW_GUEST_FS_BASE + 4(%rip), %edx
	wrmsr
	mov	$MSR_GS_BASE, %ecx
	mov	cpu + SW_GUEST_GS(%rip), %eax
	mov	cpu + SW_GUEST_GS + 4(%rip), %edx
	wrmsr
	/* Guest registers from the frame, then IRET into the guest. */
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rbp
	pop	%rdi
	pop	%rsi
	pop	%rdx
	pop	%rcx
	pop	%rbx
	pop	%rax
	add	$16, %rsp		/* vector, error code */
sw_iret:
	/* Faults (#GP on a RIP it refuses) go to sw_bad_iret. */
	iretq

/*
 * SYSCALL from the guest: a hypercall, or a guest user syscall.  The CPU
 * left the guest RIP in %rcx, RFLAGS in %r11 and the guest's RSP in
 * place: build the frame an exception would have, on our stack, with the
 * CS of the code that made it (64-bit through LSTAR, 32-bit through CSTAR:
 * AMD CPUs have SYSCALL in 32-bit code).
 */
.macro SYSCALL_ENTRY cs
	push	$__USER_DS
	push	cpu + SW_SCRATCH(%rip)
	push	%r11
	push	$\cs
	push	%rcx
	push	$0
	push	$SW_VECTOR_SYSCALL
	jmp	sw_exit
.endm

	.org sw_base + SW_SYSCALL_ENTRY
sw_syscall:
	endbr64
	mov	%rsp, cpu + SW_SCRATCH(%rip)
	lea	frame + SWF_SIZE(%rip), %rsp
	jmp	sw_syscall64

	.org sw_base + SW_SYSCALL32_ENTRY
sw_syscall32:
	endbr64
	mov	%rsp, cpu + SW_SCRATCH(%rip)
	lea	frame + SWF_SIZE(%rip), %rsp
	SYSCALL_ENTRY __USER32_CS

/* Every event from the guest ends here with vector and error code pushed. */
sw_exit:
	push	%rax
	push	%rbx
	push	%rcx
	push	%rdx
	push	%rsi
	push	%rdi
	push	%rbp
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* The guest may have set AC; the host must not run with it. */
	pushfq
	andq	$~X86_EFLAGS_AC, (%rsp)
	popfq
	cld
	mov	%cr2, %rax
	mov	%rax, cpu + SW_CR2(%rip)
	mov	$MSR_GS_BASE, %ecx
	rdmsr
	mov	%eax, cpu + SW_GUEST_GS(%rip)
	mov	%edx, cpu + SW_GUEST_GS + 4(%rip)
sw_leave:
	/* Nothing of the guest's may steer what the host runs next. */
	xor	%eax, %eax
	xor	%ebx, %ebx
	xor	%ecx, %ecx
	xor	%edx, %edx
	xor	%esi, %esi
	xor	%edi, %edi
	xor	%ebp, %ebp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	mov	cpu + SW_TRANS_CR3(%rip), %rax
	mov	%rax, %cr3
	/*
	 * Only now is the host page mapped.  From here until the module
	 * loads the host's IDT, an NMI or #MC still lands on our IST pages
	 * with the host's RIP and RSP: the module wipes them before the
	 * guest can run on this CPU again (pv_switcher_run()).
	 */
	mov	host + SW_HOST_RSP(%rip), %rsp
	xor	%eax, %eax
	iretq


/* To \undo if %rax, an offset in the blob, is in [\from, \to). */
.macro FIXUP_RANGE from, to, undo
	cmp	$(\from - sw_base), %rax
	jb	.Lout\@
	cmp	$(\to - sw_base), %rax
	jb	\undo
.Lout\@:
.endm

/*
 * In sw_ring0_event, with the event's vector at (%rsp): a fault (or #MC)
 * at a fast path's guest access goes to its undo; otherwise on.
 */
.macro FAST_FIXUP
	push	%rax
	push	%rdx
	mov	4 * 8(%rsp), %rax	/* the RIP of the event */
	lea	sw_base(%rip), %rdx
	sub	%rdx, %rax
	FIXUP_RANGE sw_fast_syscall_access, sw_fast_syscall_access_end, sw_fast_syscall_undo
	FIXUP_RANGE sw_fast_eretu_access, sw_fast_eretu_access_end, sw_fast_eretu_undo
	FIXUP_RANGE sw_fast_erets_access, sw_fast_erets_access_end, sw_fast_eretu_undo
	FIXUP_RANGE sw_fast_fault_access, sw_fast_fault_access_end, sw_fast_fault_undo
	pop	%rdx
	pop	%rax
.endm

/*
 * An event from the switcher itself (ring 0), or from the module's code
 * between the exit and its reloading the host's IDT.  An NMI or #MC is
 * remembered and replayed by the host after the exit.  A fault on the IRETQ
 * into the guest (#GP, #NP, #SS) becomes an exit, as if the guest had faulted at the RIP
 * it was to resume at (as Linux's fixup_bad_iret does).  Any other fault
 * in the switcher's text ends the run with SW_VECTOR_SWITCHER_FAULT, for
 * the host to stop the vCPU; a fault elsewhere (the module's code) is a
 * host bug the machine cannot survive.
 */
sw_ring0_event:
	cmpq	$2, (%rsp)
	jne	1f
	movq	$1, cpu + SW_NMI_PENDING(%rip)
	add	$16, %rsp
	iretq
1:	cmpq	$18, (%rsp)
	jne	2f
	movq	$1, cpu + SW_MC_PENDING(%rip)
	/* Poison in guest memory a fast path read: not the same load again. */
	FAST_FIXUP
	add	$16, %rsp
	iretq
	/* A fast path's guest access that faulted: the slow way. */
2:	cmpq	$14, (%rsp)
	je	4f
	cmpq	$13, (%rsp)
	jne	5f
4:	FAST_FIXUP
	/* The IRETQ's faults: #GP, and #NP or #SS for an LDT segment. */
5:	cmpq	$11, (%rsp)
	jb	sw_switcher_fault
	cmpq	$13, (%rsp)
	ja	sw_switcher_fault
	push	%rax
	lea	sw_iret(%rip), %rax
	cmp	%rax, 3 * 8(%rsp)	/* the RIP of the #GP */
	pop	%rax
	jne	sw_switcher_fault
sw_bad_iret:
	/*
	 * The guest's registers are live, its IRET frame intact at the top of
	 * the stack page (the #GP pushed its own frame below that).
	 */
	lea	frame + SWF_IRET(%rip), %rsp
	push	$0
	push	$SW_VECTOR_BAD_IRET
	jmp	sw_exit

sw_switcher_fault:
	mov	2 * 8(%rsp), %rax	/* the faulting RIP */
	lea	sw_base(%rip), %rdx
	sub	%rdx, %rax
	cmp	$SW_TEXT_PAGES * 4096, %rax
	jae	3f
	mov	(%rsp), %rax
	mov	%rax, cpu + SW_FAULT_VECTOR(%rip)
	mov	8(%rsp), %rax
	mov	%rax, cpu + SW_FAULT_ERROR(%rip)
	mov	2 * 8(%rsp), %rax
	mov	%rax, cpu + SW_FAULT_RIP(%rip)
	movq	$SW_VECTOR_SWITCHER_FAULT, frame + SWF_VECTOR(%rip)
	jmp	sw_leave
3:	cli
	hlt
	jmp	3b

/*
 * NMI from the guest arrives on its IST stack: move the hardware frame to
 * where sw_exit expects it.
 */
sw_nmi_from_guest:
	mov	%rax, cpu + SW_SCRATCH(%rip)
	lea	frame + SWF_SIZE(%rip), %rax
	sub	$7 * 8, %rax
	/* vector, error code, rip, cs, rflags, rsp, ss: 7 words */
	.irp n, 0, 8, 16, 24, 32, 40, 48
	push	%rbx
	mov	\n + 8(%rsp), %rbx
	mov	%rbx, \n(%rax)
	pop	%rbx
	.endr
	mov	%rax, %rsp
	mov	cpu + SW_SCRATCH(%rip), %rax
	jmp	sw_exit

/* Common to all stubs: from ring 0, or from the guest? */
sw_stub_common:
	testb	$3, 3 * 8(%rsp)		/* CS of the hardware frame */
	jz	sw_ring0_event
	cmpq	$2, (%rsp)
	je	sw_nmi_from_guest
	cmpq	$6, (%rsp)
	je	sw_maybe_fast_eretu
	cmpq	$14, (%rsp)
	je	sw_maybe_fast_fault
	cmpq	$8, (%rsp)		/* #DF, #MC: their IST stacks too */
	je	sw_nmi_from_guest
	cmpq	$18, (%rsp)
	je	sw_nmi_from_guest
	jmp	sw_exit

USER_PF_SS = PV_USER_DS | (14 << 32) | (PV_EVENT_HWEXC << 48) | (1 << 57)

/*
 * A #PF from 64-bit user mode at a marker (mmu.c): the guest's entry is
 * not present, so the fault is the guest kernel's, delivered as
 * pv_reflect_exception() would (the frame at (rsp0 & ~15) - 64, CR2 in
 * the shared page, the virtual IF cleared, the GS bases swapped, the
 * kernel's root, its entry).  Not a second time on the same page: the
 * guest has made the entry present meanwhile (or it had before, without
 * a flush, which left the marker stale), and the host must fill it.
 */
sw_maybe_fast_fault:
	cmpq	$SW_FAST_ON, cpu + SW_FAST(%rip)
	jne	sw_exit
	cmpq	$1, cpu + SW_MODE(%rip)
	jne	sw_exit
	cmpw	$PV_USER_CS, frame + SWF_CS(%rip)
	jne	sw_exit
	cmpw	$PV_USER_DS, frame + SWF_SS(%rip)
	jne	sw_exit
	testl	$X86_EFLAGS_TF, frame + SWF_RFLAGS(%rip)
	jnz	sw_exit
	FAST_SAVE_REGS
	mov	frame + SWF_ERROR(%rip), %rax
	and	$~SW_PF_MARKER_ANY, %rax
	cmp	$SW_PF_MARKER, %rax
	jne	sw_fast_fault_slow
	mov	%cr2, %rdx
	mov	%rdx, cpu + SW_TMP(%rip)	/* for the undo: ours may fault */
	mov	%rdx, %rax
	and	$~0xfff, %rax
	cmp	cpu + SW_LAST_FAULT(%rip), %rax
	je	sw_fast_fault_slow
	USER_EVENT_FRAME sw_fast_fault_slow
	mov	cpu + SW_KERNEL_CR3(%rip), %rax
	mov	%rax, %cr3
	mov	frame + SWF_RFLAGS(%rip), %rcx
	EVENT_RFLAGS %ecx
	mov	frame + SWF_ERROR(%rip), %rax
	and	$SW_PF_ACCESS, %eax
sw_fast_fault_access:			/* guest memory: may fault */
	mov	%rax, 0(%rdi)
	mov	frame + SWF_RIP(%rip), %rax
	mov	%rax, 8(%rdi)
	movq	$PV_USER_CS, 16(%rdi)
	mov	%rcx, 24(%rdi)
	mov	frame + SWF_RSP(%rip), %rax
	mov	%rax, 32(%rdi)
	movabs	$USER_PF_SS, %rax
	mov	%rax, 40(%rdi)
	mov	%rdx, 48(%rdi)
	movq	$0, 56(%rdi)
sw_fast_fault_access_end:
	/* Nothing can fail now. */
	mov	%rdx, shared + PV_SHARED_CR2(%rip)
	and	$~0xfff, %rdx
	mov	%rdx, cpu + SW_LAST_FAULT(%rip)
	ENTER_KERNEL_MODE
	incq	cpu + SW_FAST_FAULTS(%rip)
	/* The IRET frame, in place: the kernel's entry, TF and DF clear. */
	mov	cpu + SW_EVENT_ENTRY(%rip), %rax
	mov	%rax, frame + SWF_RIP(%rip)
	mov	frame + SWF_RFLAGS(%rip), %rax
	and	$(PV_RFLAGS_GUEST & ~(X86_EFLAGS_TF | X86_EFLAGS_DF)), %eax
	or	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED), %eax
	mov	%rax, frame + SWF_RFLAGS(%rip)
	mov	%rdi, frame + SWF_RSP(%rip)
	FAST_RESUME

/* The frame write faulted: the user's root and CR2 back, the slow way. */
sw_fast_fault_undo:
	mov	cpu + SW_USER_CR3(%rip), %rax
	mov	%rax, %cr3
	mov	cpu + SW_TMP(%rip), %rax
	mov	%rax, %cr2
sw_fast_fault_slow:
	FAST_RESTORE_REGS
	lea	frame + SWF_VECTOR(%rip), %rsp
	jmp	sw_exit

/* One stub per vector; the CPU pushes an error code for some. */
	.org sw_base + SW_STUBS
vector = 0
	.rept 256
	.balign SW_STUB_SIZE
	endbr64
	.if vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21 || vector == 29 || vector == 30
	.else
	push	$0
	.endif
	push	$vector
	jmp	sw_stub_common
vector = vector + 1
	.endr

sw_syscall64:
	/* A user syscall, allowed, not single-stepped: the fast path. */
	cmpq	$SW_FAST_ON, cpu + SW_FAST(%rip)
	jne	sw_syscall_slow
	cmpq	$1, cpu + SW_MODE(%rip)
	jne	sw_syscall_slow
	test	$X86_EFLAGS_TF, %r11d
	jz	sw_fast_syscall
sw_syscall_slow:
	SYSCALL_ENTRY __USER_CS

/*
 * Fast paths (Documentation/pv/switcher.rst): what the module's C would
 * do for a user SYSCALL (pv_deliver_event()) and for the guest kernel's
 * ERETU and ERETS (pv_eret_insn()), done here when nothing is unusual,
 * bit for bit the same for the guest.  Anything they do not handle goes
 * the slow way, with the guest's registers as they were.  Every guest
 * address is checked first to lie in what a 4-level guest can map
 * outside the guard hole, so a ring-0 access here reaches only the
 * guest's own memory through its shadow root; one that faults (no shadow
 * entry, a read-only one) ends at a fixup (sw_ring0_event), which takes
 * the slow way.
 */

USER_SYSCALL_SS = PV_USER_DS | (1 << 17) | (PV_EVENT_OTHER_SYSCALL << 32) | \
		  (PV_EVENT_OTHER << 48) | (1 << 57) | (2 << 60)

/*
 * A user SYSCALL: its FRED frame at (shared->rsp0 & ~15) - 64, the
 * virtual IF cleared, the GS bases swapped, the kernel's root, its entry.
 */
sw_fast_syscall:
	FAST_SAVE_REGS
	USER_EVENT_FRAME sw_fast_syscall_undo
	/* The kernel's root, where its stack is mapped (undo goes back). */
	mov	cpu + SW_KERNEL_CR3(%rip), %rax
	mov	%rax, %cr3
	mov	%r11, %rax
	EVENT_RFLAGS %eax
	mov	cpu + SW_SCRATCH(%rip), %rdx
sw_fast_syscall_access:			/* guest memory: may fault */
	movq	$0, 0(%rdi)
	mov	%rcx, 8(%rdi)
	movq	$PV_USER_CS, 16(%rdi)
	mov	%rax, 24(%rdi)
	mov	%rdx, 32(%rdi)
	movabs	$USER_SYSCALL_SS, %rax
	mov	%rax, 40(%rdi)
	movq	$0, 48(%rdi)
	movq	$0, 56(%rdi)
sw_fast_syscall_access_end:
	ENTER_KERNEL_MODE
	incq	cpu + SW_FAST_SYSCALLS(%rip)
	/* The IRET frame: the kernel's entry on that stack, TF and DF clear. */
	lea	frame + SWF_SIZE(%rip), %rsp
	push	$PV_USER_DS
	push	%rdi
	mov	%r11, %rax
	and	$(PV_RFLAGS_GUEST & ~(X86_EFLAGS_TF | X86_EFLAGS_DF)), %eax
	or	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED), %eax
	push	%rax
	push	$PV_USER_CS
	push	cpu + SW_EVENT_ENTRY(%rip)
	FAST_RESUME

sw_fast_syscall_undo:
	mov	cpu + SW_USER_CR3(%rip), %rax
	mov	%rax, %cr3
	FAST_RESTORE_REGS
	lea	frame + SWF_SIZE(%rip), %rsp
	jmp	sw_syscall_slow

/*
 * #UD from the guest kernel's 64-bit code: if it is ERETU (f3 0f 01 ca)
 * with the frame at %rsp (error code, RIP, CS, RFLAGS, RSP, SS) for
 * 64-bit user mode, take it: the user's root, GS bases swapped, the
 * virtual IF from the frame; if it is ERETS, sw_fast_erets.  The hardware
 * frame is left alone until nothing can fail, for the slow path to find
 * the #UD as it was.
 */
sw_maybe_fast_eretu:
	cmpq	$SW_FAST_ON, cpu + SW_FAST(%rip)
	jne	sw_exit
	cmpq	$0, cpu + SW_MODE(%rip)
	jne	sw_exit
	cmpw	$PV_USER_CS, frame + SWF_CS(%rip)
	jne	sw_exit
	FAST_SAVE_REGS
	mov	frame + SWF_RIP(%rip), %rdi
	GUEST_RANGE %rdi, 4, sw_fast_eretu_undo
sw_fast_eretu_access:			/* guest memory: may fault */
	mov	(%rdi), %eax
	cmp	$0xca010ff2, %eax
	je	sw_fast_erets
	cmp	$0xca010ff3, %eax
	jne	sw_fast_eretu_undo
	mov	frame + SWF_RSP(%rip), %rdi
	/* The whole 64-byte frame, as the C reads it. */
	GUEST_RANGE %rdi, 64, sw_fast_eretu_undo
	cmpq	$0, 56(%rdi)		/* (only that it can be read) */
	movzwl	16(%rdi), %eax
	cmp	$PV_USER_CS, %eax
	jne	sw_fast_eretu_undo
	movzwl	40(%rdi), %eax
	cmp	$PV_USER_DS, %eax
	jne	sw_fast_eretu_undo
	movabs	$PV_USER_VA_END, %rdx
	mov	8(%rdi), %rax
	cmp	%rdx, %rax
	jae	sw_fast_eretu_undo
	mov	%rax, cpu + SW_TMP(%rip)
	mov	32(%rdi), %rax
	cmp	%rdx, %rax
	ja	sw_fast_eretu_undo
	mov	%rax, cpu + SW_TMP + 16(%rip)
	mov	24(%rdi), %rax
sw_fast_eretu_access_end:
	test	$X86_EFLAGS_TF, %eax
	jnz	sw_fast_eretu_undo
	mov	%rax, cpu + SW_TMP + 8(%rip)
	/*
	 * A user GS base the kernel wrote: read once, and canonical at 4
	 * levels (any other goes to the C, which knows the host's depth).
	 */
	cmpb	$0, shared + PV_SHARED_USER_GS_DIRTY(%rip)
	je	1f
	mov	shared + PV_SHARED_USER_GS_BASE(%rip), %rdx
	mov	%rdx, %rax
	shl	$16, %rax
	sar	$16, %rax
	cmp	%rax, %rdx
	jne	sw_fast_eretu_undo
	mov	%rdx, cpu + SW_OTHER_GS(%rip)
	movb	$0, shared + PV_SHARED_USER_GS_DIRTY(%rip)
1:	mov	cpu + SW_TMP + 8(%rip), %rax
	/* Nothing can fail now. */
	shr	$9, %eax			/* X86_EFLAGS_IF */
	and	$1, %eax
	mov	%al, shared + PV_SHARED_IRQ_ENABLED(%rip)
	SWAP_GUEST_GS
	mov	cpu + SW_USER_CR3(%rip), %rax
	mov	%rax, %cr3
	movq	$1, cpu + SW_MODE(%rip)
	mov	cpu + SW_TMP(%rip), %rax
	mov	%rax, frame + SWF_RIP(%rip)
	movq	$PV_USER_CS, frame + SWF_CS(%rip)
	mov	cpu + SW_TMP + 8(%rip), %rax
	and	$PV_RFLAGS_GUEST, %eax
	or	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED), %eax
	mov	%rax, frame + SWF_RFLAGS(%rip)
	mov	cpu + SW_TMP + 16(%rip), %rax
	mov	%rax, frame + SWF_RSP(%rip)
	movq	$PV_USER_DS, frame + SWF_SS(%rip)
	FAST_RESUME

/*
 * ERETS (f2 0f 01 ca), the guest kernel's return from its own event, from
 * a frame of stack level 0 to level 0 (the run's level; any other is the
 * C's, which keeps the level): kernel selectors, RIP and RSP the guest
 * can map, no TF.  The virtual IF from the frame; mode, root and GS stay;
 * the hardware SS is the one the C enters supervisor mode with.
 */
sw_fast_erets:
	mov	frame + SWF_RSP(%rip), %rdi
	GUEST_RANGE %rdi, 64, sw_fast_eretu_undo
sw_fast_erets_access:			/* guest memory: may fault */
	cmpq	$0, 56(%rdi)		/* (only that it can be read) */
	mov	16(%rdi), %eax
	and	$0x3ffff, %eax		/* the selector and the stack level */
	cmp	$PV_KERNEL_CS, %eax
	jne	sw_fast_eretu_undo
	movzwl	40(%rdi), %eax
	cmp	$PV_KERNEL_DS, %eax
	jne	sw_fast_eretu_undo
	mov	8(%rdi), %rcx
	mov	32(%rdi), %rdx
	mov	24(%rdi), %rdi
sw_fast_erets_access_end:
	GUEST_RANGE %rcx, 1, sw_fast_eretu_undo
	GUEST_RANGE %rdx, 1, sw_fast_eretu_undo
	test	$X86_EFLAGS_TF, %edi
	jnz	sw_fast_eretu_undo
	/* Nothing can fail now. */
	mov	%edi, %eax
	shr	$9, %eax			/* X86_EFLAGS_IF */
	and	$1, %eax
	mov	%al, shared + PV_SHARED_IRQ_ENABLED(%rip)
	mov	%rcx, frame + SWF_RIP(%rip)
	mov	%rdx, frame + SWF_RSP(%rip)
	movq	$PV_USER_DS, frame + SWF_SS(%rip)	/* as the C enters */
	mov	%rdi, %rax
	and	$PV_RFLAGS_GUEST, %eax
	or	$(X86_EFLAGS_IF | X86_EFLAGS_FIXED), %eax
	mov	%rax, frame + SWF_RFLAGS(%rip)
	FAST_RESUME

sw_fast_eretu_undo:
	FAST_RESTORE_REGS
	lea	frame + SWF_VECTOR(%rip), %rsp
	jmp	sw_exit

	.org sw_base + SW_TEXT_PAGES * 4096
SYM_DATA_END(pv_switcher_blob)

