/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: the switcher's memory layout, shared by its assembly and C.
 *
 * The switcher lives in the host's guard hole (one top-level slot), mapped
 * supervisor-only in every shadow root and in each CPU's transition page
 * table.  Every CPU sees its own data pages at the same addresses, so the
 * switcher code reaches them RIP-relative:
 *
 *   +0x0000  text     the switcher code (a copy of pv_switcher_blob)
 *   +0x2000  cpu      GDT, TSS and the switcher's variables
 *   +0x3000  idt      256 gates, all into the text pages
 *   +0x4000  stack    RSP0: events from the guest land here; the top
 *                     holds a struct sw_frame, the guest's registers
 *   +0x5000  nmi      IST stack for NMI
 *   +0x6000  df       IST stack for #DF
 *   +0x7000  mc       IST stack for #MC
 *   +0x8000  host     what only the host may know: mapped in the
 *                     transition table, never in a shadow root
 *  +0x10000  ldt      the running vCPU's LDT (segments.c), up to 16
 *                     pages, read-only: in the shadow roots only
 *
 * Everything but the host page is readable from the guest's address space by
 * a Meltdown-class attack, so nothing there points into the host: the
 * host's stack pointer and CR4 live in the host page, which the switcher
 * reads only after it has switched to the transition table.  The host
 * values left in the cpu page are physical addresses it needs to switch:
 * the transition table's and the vCPU's two shadow roots', pages of the
 * module's, not pointers the guest could use (Documentation/pv/security.rst).
 * Guest registers the switcher parks there (SW_SCRATCH, SW_SAVE, SW_TMP)
 * are wiped before another VM runs on the CPU.
 */
#ifndef PVHOST_SWITCHER_H
#define PVHOST_SWITCHER_H

#include <linux/const.h>
#include <asm/processor-flags.h>

#define SW_TEXT			0x0000
#define SW_TEXT_PAGES		2
#define SW_CPU			0x2000
#define SW_IDT			0x3000
#define SW_STACK		0x4000
#define SW_NMI_STACK		0x5000
#define SW_DF_STACK		0x6000
#define SW_MC_STACK		0x7000
#define SW_HOST			0x8000
#define SW_GUEST_PAGES		8	/* mapped in the shadow roots */
#define SW_PAGES		9	/* mapped in the transition table */
#define SW_CPU_PAGES		(SW_PAGES - SW_TEXT_PAGES)
#define SW_SHARED		0x9000
#define SW_SHARED_PTE		(SW_SHARED / 4096)
#define SW_LDT			0x10000
#define SW_LDT_PTE		(SW_LDT / 4096)	/* its first PTE index */

/* In the cpu page. */
#define SW_GDT			0x000	/* a copy of the host's 16 entries */
#define SW_TSS			0x100	/* struct x86_hw_tss */
#define SW_TRANS_CR3		0x208	/* this CPU's transition table */
#define SW_GUEST_CR3		0x210	/* the shadow root to run */
#define SW_SCRATCH		0x218	/* the guest RSP at SYSCALL */
#define SW_NMI_PENDING		0x220	/* an NMI hit the switcher itself */
#define SW_CR2			0x228	/* CR2 at the last exit */
#define SW_GDT_DESC		0x240	/* lgdt operand: limit, base */
#define SW_IDT_DESC		0x250	/* lidt operand */
#define SW_GUEST_GS		0x260	/* the guest's GS base */
#define SW_MC_PENDING		0x268	/* an #MC hit the switcher itself */
/* A fault of the switcher's own, for the host to report (see below). */
#define SW_FAULT_VECTOR		0x270
#define SW_FAULT_ERROR		0x278
#define SW_FAULT_RIP		0x280
#define SW_LDT_SEL		0x288	/* LLDT operand: 0, or our LDT entry */
/* The guest's DS, ES, FS, GS selectors (2 bytes each) and FS base. */
#define SW_GUEST_DS		0x290
#define SW_GUEST_ES		0x292
#define SW_GUEST_FS		0x294
#define SW_GUEST_GS_SEL		0x296
#define SW_GUEST_FS_BASE	0x298
/*
 * The fast paths (Documentation/pv/switcher.rst, "Fast paths"): a user
 * SYSCALL delivered and an ERETU carried out without leaving the
 * switcher.  SW_FAST is SW_FAST_ON when the module allows them for this
 * run; SW_MODE the vCPU's mode (0 supervisor, 1 user), which they change.
 */
#define SW_FAST			0x2a0
#define SW_FAST_ON		0x7061
#define SW_MODE			0x2a8
#define SW_KERNEL_CR3		0x2b0	/* the two shadow roots */
#define SW_USER_CR3		0x2b8
#define SW_EVENT_ENTRY		0x2c0	/* the guest's FRED_CONFIG entry */
#define SW_OTHER_GS		0x2c8	/* the inactive GS base */
#define SW_FAST_SYSCALLS	0x2d0	/* a count, for the module to add up */
#define SW_SAVE			0x2e0	/* rax, rcx, rdx, rdi of the guest */
#define SW_TMP			0x300	/* rip, rflags, rsp an ERETU takes */
#define SW_RSP0			0x318	/* FRED_RSP0, for a shared rsp0 of 0 */
/*
 * The user page fault fast path (mmu.c, "markers"): the page of the last
 * fault it delivered, which the next fault there leaves to the host, and
 * a count of those it delivered, for the module to add up.
 */
#define SW_LAST_FAULT		0x320
#define SW_FAST_FAULTS		0x328

/*
 * The error code of a user access through a marker: user, reserved bit;
 * write and fetch as the access was, and present (which QEMU's TCG
 * leaves clear).  The guest's: the access bits alone (not present).
 */
#define SW_PF_MARKER		0x0c
#define SW_PF_ACCESS		0x16
#define SW_PF_MARKER_ANY	0x13	/* bits that may be either */

/* The end of the lower half: user addresses are below it. */
#define PV_USER_VA_END		_AC(0x0000800000000000, ULL)

/* Fields of struct pv_vcpu_shared the fast paths use (checked in C). */
#define PV_SHARED_IRQ_ENABLED	0
#define PV_SHARED_RSP0		8
#define PV_SHARED_CR2		32
#define PV_SHARED_USER_GS_BASE	192
#define PV_SHARED_USER_GS_DIRTY	200

/* The RFLAGS bits a guest may hold: arithmetic flags, TF, IF, DF. */
#define PV_RFLAGS_GUEST	(X86_EFLAGS_CF | X86_EFLAGS_PF | X86_EFLAGS_AF | \
			 X86_EFLAGS_ZF | X86_EFLAGS_SF | X86_EFLAGS_TF | \
			 X86_EFLAGS_DF | X86_EFLAGS_OF | X86_EFLAGS_IF)

/* In the host page. */
#define SW_HOST_RSP		0x000	/* where the host's IRET frame is */
#define SW_HOST_CR4		0x008	/* host CR4 (PGE toggled on entry) */

/* Where SYSCALL from the guest enters: 64-bit (LSTAR), 32-bit (CSTAR). */
#define SW_SYSCALL_ENTRY	0x100
#define SW_SYSCALL32_ENTRY	0x140

/* Where the stubs are in the text pages: one 16-byte stub per vector. */
#define SW_STUBS		0x800
#define SW_STUB_SIZE		16
/* The vector an exit through SYSCALL reports. */
#define SW_VECTOR_SYSCALL	256
/*
 * The IRETQ into the guest faulted (a RIP it refuses): the guest's
 * registers are in the frame as for an exception at that RIP.
 */
#define SW_VECTOR_BAD_IRET	257
/*
 * Any other fault in the switcher's text: SW_FAULT_* say what; the frame
 * holds nothing usable.  The host stops the vCPU with an internal error.
 */
#define SW_VECTOR_SWITCHER_FAULT 258
/*
 * A fast path completed but a host NMI or #MC came meanwhile: the frame
 * holds the guest's registers as they are to resume; nothing to handle.
 */
#define SW_VECTOR_NONE		259

/* struct sw_frame, as the stubs lay it out below RSP0 (byte offsets). */
#define SWF_R15			0
#define SWF_RAX			(14 * 8)
#define SWF_VECTOR		(15 * 8)
#define SWF_ERROR		(16 * 8)
#define SWF_RIP			(17 * 8)
#define SWF_CS			(18 * 8)
#define SWF_RFLAGS		(19 * 8)
#define SWF_RSP			(20 * 8)
#define SWF_SS			(21 * 8)
#define SWF_SIZE		(22 * 8)
#define SWF_IRET		SWF_RIP	/* the hardware frame starts here */

#ifndef __ASSEMBLY__
#include <linux/types.h>
#include <asm/desc_defs.h>
#include <asm/processor.h>
#include <asm/segment.h>

/* The guest's registers at an exit, and what the next entry loads. */
struct sw_frame {
	u64 r15, r14, r13, r12, r11, r10, r9, r8;
	u64 rbp, rdi, rsi, rdx, rcx, rbx, rax;
	u64 vector, error_code;
	u64 rip, cs, rflags, rsp, ss;	/* the hardware frame */
};

/*
 * The cpu page (SW_CPU) as C reads and writes it: the switcher's asm uses
 * the SW_* offsets above, and switcher.c checks each against this layout
 * at build time.
 */
struct sw_cpu_page {
	u64 gdt[GDT_ENTRIES];		/* SW_GDT */
	u8 pad0[SW_TSS - GDT_ENTRIES * 8];
	struct x86_hw_tss tss;		/* SW_TSS */
	u8 pad1[SW_TRANS_CR3 - SW_TSS - sizeof(struct x86_hw_tss)];
	u64 trans_cr3, guest_cr3, scratch, nmi_pending, cr2;
	u64 pad2[2];
	struct desc_ptr gdt_desc;	/* SW_GDT_DESC */
	u8 pad3[SW_IDT_DESC - SW_GDT_DESC - sizeof(struct desc_ptr)];
	struct desc_ptr idt_desc;	/* SW_IDT_DESC */
	u8 pad4[SW_GUEST_GS - SW_IDT_DESC - sizeof(struct desc_ptr)];
	u64 guest_gs, mc_pending;
	u64 fault_vector, fault_error, fault_rip;
	u16 ldt_sel, pad5[3];
	u16 guest_ds, guest_es, guest_fs, guest_gs_sel;
	u64 guest_fs_base;
	u64 fast, mode, kernel_cr3, user_cr3, event_entry, other_gs;
	u64 fast_syscalls, pad6;
	u64 save[4];			/* rax, rcx, rdx, rdi */
	u64 tmp[3];			/* rip, rflags, rsp */
	u64 rsp0, last_fault, fast_faults;
};

/* switcher_blob.S: the switcher's code, copied into its text pages. */
extern const char pv_switcher_blob[];

/* switcher_entry.S */
void pv_switch_to_guest(unsigned long enter, unsigned long trans_cr3,
			void *host_page, unsigned long host_gs_base);
void pv_do_event_irqoff(unsigned long handler);
#endif

#endif /* PVHOST_SWITCHER_H */
