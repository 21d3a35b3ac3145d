/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pv: the guest ABI, shared by pvhost.ko, the pv guest kernel, pvrun and the
 * test guests.  Documented, field by field, in Documentation/pv/abi.rst;
 * that document says which parts pvhost.ko implements today.
 *
 * All structures are little-endian with explicit padding; their sizes are
 * part of the ABI and checked at build time by their users.
 */
#ifndef _PV_ABI_H
#define _PV_ABI_H

#include <linux/const.h>

#ifndef __ASSEMBLY__
#include <linux/types.h>
#endif

/*
 * The guest ABI version.  A kernel image carries the version it was built
 * for; pvrun refuses an image whose version differs from its own.
 */
#define PV_ABI_VERSION		2

/* ---------------------------------------------------------------------
 * The kernel image
 *
 * A pv kernel is an ELF64 x86-64 ET_EXEC whose PT_LOAD segments are loaded
 * at their p_paddr (guest-physical) and run at their p_vaddr.  It carries
 * notes named PV_ELFNOTE_NAME in a PT_NOTE segment:
 *
 * PV_ELFNOTE_ABI_VERSION: __u32, the PV_ABI_VERSION it was built for.
 *	Required.
 * PV_ELFNOTE_ENTRY: __u64, the guest-virtual entry point.  Optional; the
 *	ELF header's e_entry when absent.
 */
#define PV_ELFNOTE_NAME		"pv"
#define PV_ELFNOTE_ABI_VERSION	1
#define PV_ELFNOTE_ENTRY	2

/* ---------------------------------------------------------------------
 * Guest virtual layout
 *
 * The guest uses Linux's 4-level layout.  The host owns one PML4 slot, the
 * x86-64 guard hole reserved for hypervisors; the guest must leave it
 * unmapped (entries it writes there are ignored).
 */
#define PV_GUARD_HOLE_START	_AC(0xffff800000000000, ULL)
#define PV_GUARD_HOLE_END	_AC(0xffff808000000000, ULL)	/* one PML4 slot */
/* Where the boot page tables map all guest memory (Linux's page_offset). */
#define PV_DIRECT_MAP_BASE	0xffff888000000000ULL
/* Where they map guest-physical 0..PV_KERNEL_MAP_SIZE (__START_KERNEL_map). */
#define PV_KERNEL_MAP_BASE	0xffffffff80000000ULL
#define PV_KERNEL_MAP_SIZE	0x40000000ULL		/* 1 GiB */

/* Selectors the guest sees in event frames (Linux's own values). */
#define PV_KERNEL_CS		0x10
#define PV_KERNEL_DS		0x18
#define PV_USER32_CS		0x23	/* user mode, 32-bit (compatibility) */
#define PV_USER_DS		0x2b
#define PV_USER_CS		0x33

/*
 * Segments the guest kernel gives its processes (PV_HC_SET_TLS,
 * PV_HC_SET_LDT): Linux's three TLS entries of the GDT, selectors
 * (PV_TLS_FIRST + i) * 8 + 3, and an LDT of up to PV_LDT_ENTRIES.
 */
#define PV_TLS_FIRST		12
#define PV_TLS_ENTRIES		3
#define PV_LDT_ENTRIES		8192

/* ---------------------------------------------------------------------
 * Boot information
 *
 * pvrun writes one struct pv_boot_info into guest memory and enters the
 * kernel with its direct-map address in %rsi.  Entry state (vCPU 0):
 *   - virtual supervisor mode, virtual interrupt flag clear;
 *   - %rip = entry point, %rsp = boot_stack_top, %rsi = boot info,
 *     every other general register 0, FS/GS base 0;
 *   - CR3 = boot_pgd: 4-level tables (2 MiB pages, in RAM marked
 *     PV_MEM_BOOT_DATA) mapping all RAM at PV_DIRECT_MAP_BASE and the first
 *     PV_KERNEL_MAP_SIZE of guest-physical memory at PV_KERNEL_MAP_BASE,
 *     read/write/execute, global; nothing in the lower half;
 *   - the vCPU shared page of vCPU 0 registered at vcpu0_shared.
 */
#define PV_BOOT_MAGIC		0x49425650	/* "PVBI" */
#define PV_BOOT_CMDLINE_SIZE	2048
#define PV_BOOT_MAX_MEM		32

/* struct pv_mem_range.type */
#define PV_MEM_RAM		1	/* free for the guest */
#define PV_MEM_RESERVED		2	/* not RAM: never touch */
/* RAM holding boot info, boot tables, boot stack: free once unused */
#define PV_MEM_BOOT_DATA	3
#define PV_MEM_KERNEL		4	/* RAM holding the loaded kernel */
#define PV_MEM_INITRD		5	/* RAM holding the initrd */

#ifndef __ASSEMBLY__
struct pv_mem_range {
	__u64 start;		/* guest-physical, bytes, page aligned */
	__u64 size;		/* bytes, page aligned */
	__u32 type;		/* PV_MEM_* */
	__u32 pad;
};

struct pv_boot_info {
	__u32 magic;		/* PV_BOOT_MAGIC */
	__u32 abi_version;	/* PV_ABI_VERSION */
	__u64 features;		/* PV_FEATURE_*, or 0: ask PV_HC_GET_FEATURES */
	__u32 nr_vcpus;		/* vCPUs the VM has; vCPU 0 boots */
	__u32 nr_mem;		/* valid entries in mem[] */
	struct pv_mem_range mem[PV_BOOT_MAX_MEM]; /* sorted, disjoint */
	__u64 boot_pgd;		/* guest-physical address of the boot PML4 */
	__u64 boot_stack_top;	/* guest-virtual */
	__u64 vcpu0_shared;	/* guest-physical address of vCPU 0's page */
	__u64 initrd_start;	/* guest-physical; 0 when there is none */
	__u64 initrd_size;	/* bytes */
	__u64 tsc_khz;		/* host TSC frequency, kHz; 0 when unknown */
	char cmdline[PV_BOOT_CMDLINE_SIZE]; /* NUL-terminated */
};
#endif /* __ASSEMBLY__ */

/* Feature bits (pv_boot_info.features, PV_HC_GET_FEATURES). */
#define PV_FEATURE_FSGSBASE	_BITULL(0)	/* rd/wr{fs,gs}base work */
/* CPUID in guest user mode faults to the host, which answers as PV_HC_CPUID */
#define PV_FEATURE_CPUID_FAULTING _BITULL(1)
/* The host writes pv_vcpu_shared.steal (else it stays 0) */
#define PV_FEATURE_STEAL_TIME	_BITULL(2)
/* PV_HC_LOAD_CR3 takes a PCID and keeps tagged address spaces (NOFLUSH) */
#define PV_FEATURE_PCID		_BITULL(3)
/* pv_vcpu_shared.user_gs_base is MSR_KERNEL_GS_BASE while the kernel runs */
#define PV_FEATURE_USER_GS	_BITULL(4)
/* The host names in pv_vcpu_shared.flushed_page a page already flushed */
#define PV_FEATURE_FLUSHED_PAGE	_BITULL(5)
/* PV_HC_SET_TIMER takes PV_TIMER_SHARED: the deadline in the shared page */
#define PV_FEATURE_TIMER_DEADLINE _BITULL(6)

/*
 * CPUID leaf 0x40000000 (PV_HC_CPUID and, with PV_FEATURE_CPUID_FAULTING,
 * the instruction in user mode): EAX = 0x40000000, the largest pv leaf;
 * EBX, ECX, EDX = the 12 bytes of PV_CPUID_SIGNATURE.
 */
#define PV_CPUID_BASE		0x40000000
#define PV_CPUID_SIGNATURE	"pvpvpvpvpvpv"

/* ---------------------------------------------------------------------
 * The per-vCPU shared page
 *
 * One 4 KiB page of guest RAM per vCPU, registered by the guest with
 * PV_HC_VCPU_REGISTER (vCPU 0's is registered at boot).  The host reads
 * and writes it while that vCPU is stopped in the host; the guest owns it
 * otherwise.  Fields the guest writes are read by the host at the next
 * transition, never trusted beyond their stated meaning.
 */
#ifndef __ASSEMBLY__
struct pv_pvclock {		/* = Linux's struct pvclock_vcpu_time_info */
	__u32 version;		/* odd while the host updates the fields */
	__u32 pad0;
	__u64 tsc_timestamp;	/* TSC at system_time */
	__u64 system_time;	/* ns since the VM started */
	__u32 tsc_to_system_mul;
	__s8 tsc_shift;
	__u8 flags;		/* PVCLOCK_TSC_STABLE_BIT (bit 0) */
	__u8 pad[2];
};

struct pv_vcpu_shared {
	/* Written by the guest. */
	__u8 irq_enabled;	/* the virtual interrupt flag: 1 = enabled */
	__u8 pad0[7];
	/* FRED RSP0: the kernel stack top for events from user mode */
	__u64 rsp0;
	/* Written by the host. */
	/* 1: a line waits for irq_enabled (then call PV_HC_IRQ_WINDOW) */
	__u8 irq_pending;
	__u8 pad1[7];
	__u64 pending_lines;	/* bitmap of interrupt lines raised */
	__u64 cr2;		/* faulting address of the last #PF */
	__u64 wall_clock;	/* CLOCK_REALTIME at pvclock 0, ns since 1970 */
	/* ns the vCPU's thread waited, runnable, for a host CPU */
	__u64 steal;
	__u64 pad2;
	struct pv_pvclock clock;	/* at offset 64 */
	__u8 pad3[32];
	/*
	 * Written by the host, read by other vCPUs' spinners: on a cache
	 * line of its own, away from irq_enabled, which this vCPU writes.
	 * 1: this vCPU's thread is off its host CPU though runnable.
	 */
	__u8 preempted;		/* at offset 128 */
	__u8 pad4[63];
	/*
	 * At offset 192, while the vCPU runs its kernel (PV_FEATURE_USER_GS):
	 * user mode's GS base, which MSR_KERNEL_GS_BASE reads.  The host
	 * writes it where its own value changes (an event from user mode,
	 * WRMSR); the guest may write it and then set user_gs_dirty, and the
	 * host takes it at the next exit or ERETU.
	 */
	__u64 user_gs_base;
	__u8 user_gs_dirty;
	__u8 pad5[7];
	/*
	 * At offset 208 (PV_FEATURE_FLUSHED_PAGE), written by the host: a
	 * lower-half page whose translations this vCPU does not hold in its
	 * current address space (the CR3 now loaded), nor will until the
	 * host next fills a lower-half entry or CR3 is loaded, which set it
	 * back to PV_NO_FLUSHED_PAGE.  The host drops a page's translations
	 * and names it here when it hands the guest a write fault that the
	 * guest's own entry forbids (copy-on-write): the flush of that page
	 * in this address space that the guest's handler then asks for on
	 * this vCPU alone (INVLPG's) has nothing left to do and may be
	 * skipped.  The host never reads it.
	 */
	__u64 flushed_page;
	/*
	 * At offset 216 (PV_FEATURE_TIMER_DEADLINE), once PV_HC_SET_TIMER
	 * was called with PV_TIMER_SHARED: the guest's timer deadline
	 * (pvclock ns; 0: none), which the guest writes and the host reads
	 * whenever the vCPU is in the host, and sets to 0 when it raises
	 * the line for it.  timer_armed, written by the host, is when its
	 * timer next fires (0: never): a deadline at or after it, or 0,
	 * needs no hypercall; an earlier one, or any while it is 0, needs
	 * PV_HC_SET_TIMER.  timer_period, written by the guest: the
	 * interval its next deadline will likely follow the last one at
	 * (its tick; PV_TIMER_PERIOD_MIN..PV_TIMER_PERIOD_MAX, else none):
	 * as the host raises the line, it arms its timer one period on.
	 */
	__u64 timer_deadline;
	__u64 timer_armed;
	__u64 timer_period;
	__u8 reserved[4096 - 240];
};

/* pv_vcpu_shared.flushed_page when it names no page (not page-aligned) */
#define PV_NO_FLUSHED_PAGE	1ULL
#endif /* __ASSEMBLY__ */

/* ---------------------------------------------------------------------
 * Events: FRED-shaped delivery
 *
 * Every exception, interrupt and user-mode syscall is delivered the way a
 * FRED CPU delivers it, so that Linux's FRED entry code runs as it is.  The
 * guest sets its entry base (4 KiB aligned) by writing MSR_IA32_FRED_CONFIG
 * with PV_HC_WRMSR.  The host writes a struct pv_event_frame:
 *   - for an event in user mode: at shared->rsp0 - 64, and enters the
 *     guest kernel at entry base + 0 with the GS bases swapped;
 *   - for an event in supervisor mode: at ((%rsp - 64) & ~63) - 64, or at
 *     FRED_RSPn - 64 when the exception's level n (FRED_STKLVLS) is above
 *     the current one, and enters at entry base + 256.
 * The virtual interrupt flag, TF and DF are cleared on delivery; the
 * frame's RFLAGS.IF holds the previous virtual flag.  %rsp points at the
 * frame; no other register changes.  A supervisor-mode frame that cannot
 * be written becomes a #DF at its own stack level; otherwise the vCPU
 * stops (PV_EXIT_INTERNAL_ERROR).  Documentation/pv/abi.rst, "Events".
 */
#define PV_EVENT_ENTRY_KERNEL	256	/* offset of the supervisor entry */
#define PV_EVENT_REDZONE	64	/* bytes skipped below %rsp */

/* Event types (pv_event_frame.ss bits 51:48), as FRED's. */
#define PV_EVENT_EXTINT		0	/* interrupt line; vector = its vector */
#define PV_EVENT_HWEXC		3	/* exception; vector = #PF, #GP, ... */
#define PV_EVENT_SWINT		4	/* INT n from the guest */
#define PV_EVENT_PRIV_SWEXC	5	/* INT1 */
#define PV_EVENT_SWEXC		6	/* INT3, INTO */
#define PV_EVENT_OTHER		7	/* vector 1: SYSCALL from user mode */

#define PV_EVENT_OTHER_SYSCALL	1

#ifndef __ASSEMBLY__
struct pv_event_frame {		/* = FRED's stack frame */
	__u64 error_code;	/* the exception's, else 0 */
	__u64 rip;		/* where the event happened (after a syscall) */
	/*
	 * bits 15:0 selector (PV_KERNEL_CS; in user mode the CS it ran with:
	 * PV_USER_CS, PV_USER32_CS or one of its TLS or LDT entries),
	 * 17:16 old level
	 */
	__u64 cs;
	__u64 rflags;		/* IF = the virtual interrupt flag */
	__u64 rsp;
	/*
	 * bits 15:0 selector, 17 software event, 39:32 vector, 51:48 type,
	 * 57 64-bit mode, 63:60 instruction length
	 */
	__u64 ss;
	__u64 event_data;	/* #PF: CR2; #DB: DR6; else 0 */
	__u64 reserved;
};
#endif /* __ASSEMBLY__ */

/* ---------------------------------------------------------------------
 * Hypercalls
 *
 * SYSCALL executed in virtual supervisor mode.  %rax = number; arguments
 * in %rdi, %rsi, %rdx, %r10, %r8, %r9; result in %rax, a negative errno
 * on failure.  %rcx and %r11 are clobbered, as by a Linux syscall.  An
 * unknown number returns -ENOSYS.  SYSCALL in user mode is not a hypercall:
 * it is delivered to the guest kernel as a PV_EVENT_OTHER event.
 * Documentation/pv/abi.rst gives each call's arguments, units and errors.
 */
#define PV_HC_CONSOLE_WRITE	0	/* (gva, len) -> bytes written */
#define PV_HC_SHUTDOWN		1	/* (reason, status): no return */
#define PV_HC_GET_FEATURES	2	/* () -> PV_FEATURE_* */
#define PV_HC_VCPU_REGISTER	3	/* (gpa of the shared page) -> 0 */
#define PV_HC_ERETU		4	/* () return to user mode */
#define PV_HC_ERETS		5	/* () return to supervisor mode */
#define PV_HC_LOAD_CR3		6	/* (gpa of PML4, flags) -> 0 */
#define PV_HC_FLUSH_TLB		7	/* (gva, nr pages, flags) -> 0 */
#define PV_HC_SET_TIMER		8	/* (deadline ns, flags) -> 0 */
#define PV_HC_HALT		9	/* () -> 0 when an event is pending */
#define PV_HC_IRQ_WINDOW	10	/* () -> 0 */
#define PV_HC_IRQ_BIND		11	/* (line, vector, vcpu) -> 0 */
#define PV_HC_WRMSR		12	/* (msr, value) -> 0 */
#define PV_HC_RDMSR		13	/* (msr) -> value */
#define PV_HC_VCPU_START	14	/* (vcpu, rip, rsp, cr3 gpa, arg) -> 0 */
#define PV_HC_SEND_IPI		15	/* (vcpu mask, line) -> 0 */
#define PV_HC_CONSOLE_READ	16	/* (gva, len) -> bytes read */
#define PV_HC_EXIT_COUNTS	17	/* (gva, len) -> bytes written */
#define PV_HC_CPUID		18	/* (leaf, subleaf) -> %rax..%rdx */
#define PV_HC_SET_TLS		19	/* (desc, desc, desc) -> 0 */
#define PV_HC_SET_LDT		20	/* (gva, entries) -> 0 */
#define PV_HC_VCPU_STOP		21	/* () the caller goes down */
#define PV_HC_FLUSH_TLB_MULTI	22	/* (vcpu mask, gva, nr, flags) -> 0 */
#define PV_HC_MAX		23

#ifndef __ASSEMBLY__
/*
 * PV_HC_EXIT_COUNTS: how often the VM's vCPUs left the guest, and why,
 * summed over the vCPUs since the VM was created.  Benchmarks read it
 * before and after an operation; the counts do not depend on the speed of
 * the machine.
 */
#define PV_EXIT_COUNTS_HYPERCALLS	32
struct pv_exit_counts {
	__u64 exits;		/* every return from the guest to the host */
	__u64 syscalls;		/* guest user system calls, passed to its kernel */
	__u64 interrupts;	/* host interrupts and NMIs while the guest ran */
	__u64 shadow_fills;	/* shadow entries filled, no guest fault */
	__u64 shadow_resets;	/* shadow tables dropped whole (CR3, global flush) */
	__u64 emulated;		/* privileged instructions carried out (abi.rst) */
	__u64 reflected;	/* exceptions passed to the guest's kernel */
	__u64 lines;		/* interrupt lines delivered to the guest */
	__u64 hypercalls[PV_EXIT_COUNTS_HYPERCALLS];	/* by number */
	__u64 exceptions[32];	/* exits by exception vector, however handled */
};
#endif /* __ASSEMBLY__ */

/*
 * Hypercall errors (returned negated).  Their values are Linux's errno
 * numbers, so a Linux guest can pass them on as they are.
 */
#define PV_ENOMEM		12	/* PV_HC_SET_LDT: no host memory */
#define PV_EFAULT		14
#define PV_EBUSY		16	/* PV_HC_VCPU_START: already started */
#define PV_EINVAL		22
#define PV_ENOSYS		38	/* no such hypercall */

/* PV_HC_SHUTDOWN reasons */
#define PV_SHUTDOWN_POWEROFF	0	/* status: the exit status */
#define PV_SHUTDOWN_REBOOT	1
#define PV_SHUTDOWN_CRASH	2	/* status: guest-defined code */

/* PV_HC_LOAD_CR3 flags */
#define PV_CR3_NOFLUSH		_BITULL(0)	/* keep cached shadows */

/* PV_HC_FLUSH_TLB flags */
#define PV_FLUSH_GLOBAL		_BITULL(0)	/* every address space */

/* PV_HC_SET_TIMER flags (PV_FEATURE_TIMER_DEADLINE) */
#define PV_TIMER_SHARED		_BITULL(0)	/* shared page's timer_deadline */
/* pv_vcpu_shared.timer_period's range, ns: 100 kHz to 1 Hz */
#define PV_TIMER_PERIOD_MIN	10000ULL
#define PV_TIMER_PERIOD_MAX	1000000000ULL

/*
 * Interrupt lines are per vCPU.  Line 0 is the vCPU's timer; the launcher
 * raises lines 1..PV_LINE_IPI_FIRST-1 for its devices, on the vCPU the
 * guest last bound each to (PV_HC_IRQ_BIND; vCPU 0 until then);
 * PV_HC_SEND_IPI raises lines PV_LINE_IPI_FIRST..PV_NR_LINES-1 on the
 * vCPUs it names.  Which vector each line brings is the guest's choice.
 */
#define PV_LINE_TIMER		0
#define PV_LINE_IPI_FIRST	48

/* A vCPU mask is one __u64: bit n is vCPU n. */
#define PV_VCPUS_MAX		64
#define PV_NR_LINES		64

#endif /* _PV_ABI_H */
