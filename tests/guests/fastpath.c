// SPDX-License-Identifier: GPL-2.0
/*
 * The switcher's fast paths (Documentation/pv/switcher.rst): a user
 * SYSCALL delivered to the guest kernel and the kernel's ERETU
 * instruction taken without leaving the switcher must give the guest
 * exactly what the host's C gives it.  tests/host/fast-paths.t runs this
 * guest with the fast paths on and off and compares the digest it prints;
 * each run also checks every value itself:
 *
 * - 2000 user syscalls with patterned registers and flags (DF among
 *   them): the FRED frame, the registers and RFLAGS the kernel sees, the
 *   virtual IF, the GS bases; then the registers and flags user mode gets
 *   back from ERETU.  Half use the shared page's rsp0, half FRED_RSP0;
 *   kernel stacks change every 100 syscalls, so the first frame on each
 *   finds no shadow entry (the fast path's fault fixup).
 * - The user's GS base in the shared page (PV_FEATURE_USER_GS): each
 *   syscall finds it there, not dirty; the kernel writes new bases there
 *   for ERETU to load, and user mode reads %gs:0 to say which base it
 *   got.  Every 50th syscall, one of these: a base read back by RDMSR
 *   first; a non-canonical one, which must become 0, at ERETU or at an
 *   exit; an exit between the base and its dirty flag, which must not
 *   put the old base back; a canonical base in the guard hole, taken.
 * - ERETU frames that must be refused with a #GP: RIP or RSP past the
 *   lower half, non-canonical RIP, kernel selectors, and a frame in the
 *   switcher's own pages (4- and 5-level addresses), unmapped or
 *   non-canonical: none may reach user mode or read host memory.
 * - 1000 ERETS from stack level 0 to level 0 with patterned registers,
 *   flags and virtual IF: each must land where its frame says with
 *   every register and flag intact.  Every 100th frame is on a page the
 *   kernel has just flushed (the fast path's fault fixup).  Then ERETS
 *   frames that must be refused with a #GP: user selectors, a RIP or RSP
 *   that is not canonical, a RIP in the switcher's pages (4- and
 *   5-level), a frame there, unmapped, or crossing into non-canonical.
 * - 200 user page faults on pages the kernel maps on demand (odd ones
 *   written), as Linux handles them: each frame, CR2 in the shared page,
 *   registers and flags.  Every 7th fault maps the next page ahead, as
 *   fault-around does, and every 50th page a syscall maps the next two
 *   first, as another thread's fault would: the fast path then delivers
 *   a fault at a stale marker that finds the page mapped (a spurious
 *   fault, which Linux ignores; not in the digest, the slow path has
 *   none).
 * - fast=1 on the command line: the 2000 syscalls cost under 400 exits,
 *   the 1000 ERETS under 200, a page fault about one exit (the retried
 *   access) where the CPU has fewer than 52 physical address bits (the
 *   host's markers need reserved ones); fast=0: at least 2 per syscall,
 *   1 per ERETS, 2 per fault.
 */
#include "lib/pv_guest.h"

#define __stringify_1(x)	#x
#define __stringify(x)		__stringify_1(x)

#define MiB		(1UL << 20)
#define USER_VA_END	0x0000800000000000UL	/* the end of the lower half */
#define USER_CODE	0x400000UL
#define USER_STACK	0x401000UL	/* the page after the code */
#define USER_TOP	(USER_STACK + 4096)
#define RECORD		0x401800	/* what user mode saw */
#define KERNEL_GS	0x1234000UL
#define USER_GS		(USER_STACK + 0x100)	/* user GS bases: 8 from here */
#define MSR_GS_BASE	0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_IA32_FRED_RSP0	0x1cc
#define MSR_IA32_FRED_RSP1	0x1cd
#define MSR_IA32_FRED_STKLVLS	0x1d0
#define N_SYSCALLS	2000
#define N_ERETS		1000
#define N_FAULTS	200
#define FAULT_VA	0x410000UL	/* N_FAULTS pages, mapped on demand */
#define FAULT_FRAMES	(60 * MiB)	/* their guest-physical pages */
#define FAULT_SS	(PV_USER_DS | 1UL << 57 | 14UL << 32 | \
			 (unsigned long)PV_EVENT_HWEXC << 48)
#define SYSCALL_SS	(PV_USER_DS | 1UL << 17 | 1UL << 32 | 7UL << 48 | \
			 1UL << 57 | 2UL << 60)
/* Flags user mode and the kernel vary: CF PF AF ZF SF DF OF. */
#define FLAGS		0xcd5

/* Saved registers, as the entry pushes them (r15 lowest). */
enum { R15, R14, R13, R12, R11, R10, R9, R8, RBP, RDI, RSI, RDX, RCX, RBX,
       RAX, KFLAGS };

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstacks[8][4096] __attribute__((aligned(4096)));
static unsigned char stack1[4096] __attribute__((aligned(64)));

/*
 * The entry page: +0 from user mode, +256 from supervisor mode.  Both
 * return with the FRED instructions, as Linux does: ERETU, ERETS.
 */
extern char fp_entry[], fp_try_insn[], fp_try_insn_s[], fp_try_refused[];
asm(".pushsection .text\n"
    ".macro FP_SAVE\n"
    "	.irp r, rax, rbx, rcx, rdx, rsi, rdi, rbp, r8, r9, r10, r11, r12, r13, r14, r15\n"
    "	push %\\r\n"
    "	.endr\n"
    ".endm\n"
    /* The callee-saved registers kept, the stack at the frame in %rdi. */
    ".macro FP_TRY_ENTER\n"
    "	.irp r, rbp, rbx, r12, r13, r14, r15\n"
    "	push %\\r\n"
    "	.endr\n"
    "	mov %rsp, fp_saved_rsp(%rip)\n"
    "	mov %rdi, %rsp\n"
    ".endm\n"
    ".macro FP_RESTORE\n"
    "	.irp r, r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax\n"
    "	pop %\\r\n"
    "	.endr\n"
    ".endm\n"
    "	.balign 4096\n"
    "fp_entry:\n"
    "	pushfq\n"
    "	FP_SAVE\n"
    "	lea 16 * 8(%rsp), %rdi\n"
    "	mov %rsp, %rsi\n"
    "	call fp_user_event\n"
    "	test %eax, %eax\n"
    "	jnz fp_leave_user\n"
    "	FP_RESTORE\n"
    "	add $8, %rsp\n"
    "	.byte 0xf3, 0x0f, 0x01, 0xca\n"		/* ERETU */
    "	ud2\n"
    "	.org fp_entry + 256\n"
    "	FP_SAVE\n"
    "	lea 15 * 8(%rsp), %rdi\n"
    "	call fp_kernel_event\n"
    "	FP_RESTORE\n"
    "	.byte 0xf2, 0x0f, 0x01, 0xca\n"		/* ERETS */
    "	ud2\n"
    /* long fp_try_eretu(void *frame): ERETU from @frame; -1 if refused. */
    "	.globl fp_try_eretu\n"
    "fp_try_eretu:\n"
    "	FP_TRY_ENTER\n"
    "fp_try_insn:\n"
    "	.byte 0xf3, 0x0f, 0x01, 0xca\n"		/* ERETU */
    /*
     * long fp_try_erets(void *frame, unsigned long pattern): ERETS from
     * @frame with pattern + 1..8 in rax rcx rdx rdi r8 r9 r10 r11 (and
     * @pattern in rsi); fp_erets_back records them; -1 if refused.
     */
    "	.globl fp_try_erets\n"
    "fp_try_erets:\n"
    "	FP_TRY_ENTER\n"
    "	lea 1(%rsi), %rax\n"
    "	lea 2(%rsi), %rcx\n"
    "	lea 3(%rsi), %rdx\n"
    "	lea 4(%rsi), %rdi\n"
    "	lea 5(%rsi), %r8\n"
    "	lea 6(%rsi), %r9\n"
    "	lea 7(%rsi), %r10\n"
    "	lea 8(%rsi), %r11\n"
    "fp_try_insn_s:\n"
    "	.byte 0xf2, 0x0f, 0x01, 0xca\n"		/* ERETS */
    "	ud2\n"
    "	.globl fp_erets_back\n"
    "fp_erets_back:\n"
    "	mov %rax, fp_erets_regs + 0(%rip)\n"
    "	mov %rcx, fp_erets_regs + 8(%rip)\n"
    "	mov %rdx, fp_erets_regs + 16(%rip)\n"
    "	mov %rdi, fp_erets_regs + 24(%rip)\n"
    "	mov %r8, fp_erets_regs + 32(%rip)\n"
    "	mov %r9, fp_erets_regs + 40(%rip)\n"
    "	mov %r10, fp_erets_regs + 48(%rip)\n"
    "	mov %r11, fp_erets_regs + 56(%rip)\n"
    "	mov %rsi, fp_erets_regs + 64(%rip)\n"
    "	mov %rsp, fp_erets_regs + 72(%rip)\n"
    "	pushfq\n"
    "	popq fp_erets_regs + 80(%rip)\n"
    "	cld\n"
    "	jmp fp_leave_user\n"
    "fp_try_refused:\n"
    "	mov $-1, %rax\n"
    "	jmp 1f\n"
    "fp_leave_user:\n"
    "	xor %eax, %eax\n"
    "1:	mov fp_saved_rsp(%rip), %rsp\n"
    "	pop %r15\n"
    "	pop %r14\n"
    "	pop %r13\n"
    "	pop %r12\n"
    "	pop %rbx\n"
    "	pop %rbp\n"
    "	ret\n"
    "	.data\n"
    "	.balign 8\n"
    "fp_saved_rsp: .quad 0\n"
    "	.globl fp_erets_regs\n"
    "fp_erets_regs: .fill 11, 8, 0\n"
    ".popsection\n");

long fp_try_eretu(void *frame);
long fp_try_erets(void *frame, unsigned long pattern);
extern char fp_erets_back[];
extern unsigned long fp_saved_rsp, fp_erets_regs[11];

/*
 * The user program, copied to USER_CODE: iteration %r15 loads a pattern
 * into every register and the flags, makes a syscall, and stores what it
 * got back at RECORD for the kernel to check at the next one.
 */
extern char user_code[], user_faults[], user_code_end[];
asm(".pushsection .text\n"
    "user_code:\n"
    "	xor %r15d, %r15d\n"
    "	mov $" __stringify(RECORD) ", %ebp\n"
    "1:	mov %r15, %rbx\n"
    "	shl $8, %rbx\n"
    "	lea 1(%rbx), %rdx\n"
    "	lea 2(%rbx), %rsi\n"
    "	lea 3(%rbx), %rdi\n"
    "	lea 4(%rbx), %r8\n"
    "	lea 5(%rbx), %r9\n"
    "	lea 6(%rbx), %r10\n"
    "	lea 7(%rbx), %r12\n"
    "	lea 8(%rbx), %r13\n"
    "	lea 9(%rbx), %r14\n"
    "	mov %r15, %rax\n"
    "	and $" __stringify(FLAGS) ", %eax\n"
    "	or $0x202, %eax\n"
    "	push %rax\n"
    "	popfq\n"
    "	mov $42, %eax\n"
    "	syscall\n"
    "	pushfq\n"
    "	popq 0(%rbp)\n"
    "	mov %rax, 8(%rbp)\n"
    "	mov %rcx, 16(%rbp)\n"
    "	mov %r11, 24(%rbp)\n"
    "	mov %rbx, 32(%rbp)\n"
    "	mov %rdx, 40(%rbp)\n"
    "	mov %rsi, 48(%rbp)\n"
    "	mov %rdi, 56(%rbp)\n"
    "	mov %r8, 64(%rbp)\n"
    "	mov %r9, 72(%rbp)\n"
    "	mov %r10, 80(%rbp)\n"
    "	mov %r12, 88(%rbp)\n"
    "	mov %r13, 96(%rbp)\n"
    "	mov %r14, 104(%rbp)\n"
    "	mov %r15, 112(%rbp)\n"
    "	mov %rsp, 120(%rbp)\n"
    "	mov %gs:0, %rax\n"
    "	mov %rax, 128(%rbp)\n"
    "	cld\n"
    "	inc %r15\n"
    "	jmp 1b\n"
    /* The page faults: N_FAULTS pages from FAULT_VA, odd ones written. */
    "user_faults:\n"
    "	.irp r, ecx, esi, edi, ebp, r8d, r9d, r10d, r11d, r12d, r13d, r14d, r15d\n"
    "	xor %\\r, %\\r\n"
    "	.endr\n"
    "	mov $25, %r14d\n"
    /* Every 50th page, first a syscall in which the kernel maps ahead. */
    "1:	dec %r14d\n"
    "	jnz 4f\n"
    "	mov $50, %r14d\n"
    "	mov $61, %eax\n"
    "	syscall\n"
    "4:	mov %r15, %rbx\n"
    "	mov %r15, %rax\n"
    "	shl $12, %rax\n"
    "	add $" __stringify(FAULT_VA) ", %rax\n"
    "	mov %r15, %rdx\n"
    "	and $" __stringify(FLAGS) ", %edx\n"
    "	or $0x202, %edx\n"
    "	test $1, %r15b\n"
    "	jnz 2f\n"
    "	push %rdx\n"
    "	popfq\n"
    "	mov (%rax), %rsi\n"
    "	jmp 3f\n"
    "2:	push %rdx\n"
    "	popfq\n"
    "	mov %r15, (%rax)\n"
    "3:	cld\n"
    "	inc %r15\n"
    "	cmp $" __stringify(N_FAULTS) ", %r15\n"
    "	jb 1b\n"
    "	mov $60, %eax\n"
    "	syscall\n"
    "	ud2\n"
    "user_code_end:\n"
    ".popsection\n");

static unsigned long digest = 14695981039346656037UL;
static unsigned int iteration;
static unsigned long user_gs = USER_GS;	/* what user mode has */

/* What %gs:0 reads at each user GS base. */
static unsigned long gs_marker(unsigned long base)
{
	return base ^ 0x5a5a5a5a00000000UL;
}

/* Bases no CPU takes (not canonical at 4 or 5 levels): 0 instead. */
static const unsigned long bad_gs[] = {
	0x8000000000000000UL, 0xdead000000000000UL, 0x0100000000000000UL,
};

static void mix(unsigned long v)
{
	digest = (digest ^ v) * 1099511628211UL;
}

static unsigned long user_flags(unsigned long i)
{
	return (i & FLAGS) | 0x202UL;
}

/* What the kernel hands back to iteration @i. */
static unsigned long ret_rax(unsigned long i) { return i * 3 + 7; }
static unsigned long ret_rcx(unsigned long i) { return 0x1111 * i; }
static unsigned long ret_r11(unsigned long i) { return 0x2222 * i + 1; }
static unsigned long ret_flags(unsigned long i) { return ((i * 7) & FLAGS) | 0x202UL; }

/* What user mode recorded after iteration @i's syscall. */
static void check_record(unsigned long i)
{
	const unsigned long *rec = (const unsigned long *)RECORD;
	unsigned long base = i << 8;
	unsigned int r;

	for (r = 0; r < 17; r++)
		mix(rec[r]);
	check(rec[16] == gs_marker(user_gs));
	check((rec[0] & 0xfd5) == (ret_flags(i) & 0xfd5));
	check(rec[1] == ret_rax(i));
	check(rec[2] == ret_rcx(i) && rec[3] == ret_r11(i));
	check(rec[4] == base);
	for (r = 1; r <= 9; r++)
		check(rec[4 + r] == base + r);
	check(rec[14] == i && rec[15] == USER_TOP);
}

static void use_kernel_stack(unsigned int n)
{
	unsigned long top = (unsigned long)kstacks[n % 8] + 4096;

	if (n < 10) {
		shared.rsp0 = top;
	} else {
		/*
		 * FRED_RSP0 itself, with the shared page's left at 0: the
		 * WRMSR sets both (abi.rst), so clear the shared one after.
		 */
		check(wrmsr_pv(MSR_IA32_FRED_RSP0, top) == 0);
		check(shared.rsp0 == top);
		shared.rsp0 = 0;
	}
}

/*
 * A new user GS base for the host to take: the base first, then the
 * flag (an exit between them must find the flag clear, abi.rst).
 */
static void set_user_gs(unsigned long base)
{
	shared.user_gs_base = base;
	asm volatile("" ::: "memory");
	shared.user_gs_dirty = 1;
}

/*
 * The page-fault phase: each first access to a page of FAULT_VA is a
 * fault the kernel handles as Linux does, mapping the page; every 7th
 * fault maps the next page too, as fault-around does, which the fast
 * path may then deliver a fault for that finds it mapped (spurious, not
 * in the digest: the slow path has none).
 */
static unsigned long *fault_pt;
static unsigned int faults, spurious, premapped, fault_phase;

/* Map page @i of FAULT_VA ahead of its access, as Linux might. */
static void map_ahead(unsigned long i)
{
	if (i < N_FAULTS && !(fault_pt[i] & 1)) {
		fault_pt[i] = (FAULT_FRAMES + i * 4096) | 0x27;
		premapped++;
	}
}

static int fault_event(struct pv_event_frame *f, unsigned long *regs)
{
	unsigned long i = regs[R15], cr2 = f->event_data;
	unsigned int r;

	if ((f->ss >> 48 & 0xf) == PV_EVENT_OTHER && regs[RAX] == 61) {
		/*
		 * Pages the next accesses find mapped without a fault or a
		 * flush (another thread's fault, a populating syscall): a
		 * marker the host made there before is stale now.
		 */
		check(i % 50 == 24);
		map_ahead(i + 1);
		map_ahead(i + 2);
		mix(i);
		return 0;
	}
	if ((f->ss >> 48 & 0xf) == PV_EVENT_OTHER) {	/* the end */
		check(regs[RAX] == 60 && i == N_FAULTS);
		return 1;
	}
	check((f->ss >> 48 & 0xf) == PV_EVENT_HWEXC && (f->ss >> 32 & 0xff) == 14);
	check(f->ss == FAULT_SS && f->cs == PV_USER_CS && f->rsp == USER_TOP);
	check(i < N_FAULTS && cr2 == FAULT_VA + i * 4096 && shared.cr2 == cr2);
	check(f->error_code == (i & 1 ? 6UL : 4UL));
	check(f->rip >= USER_CODE && f->rip < USER_CODE + 4096);
	check((f->rflags & FLAGS) == (i & FLAGS) && (f->rflags & 0x200));
	check(regs[RBX] == i && shared.irq_enabled == 0);
	check(shared.user_gs_base == user_gs && !shared.user_gs_dirty);
	if (fault_pt[i] & 1) {
		spurious++;
		return 0;
	}
	faults++;
	mix(f->error_code);
	mix(cr2);
	mix(f->rip);
	mix(f->rflags);
	mix(f->rsp);
	mix(f->ss);
	for (r = R15; r <= RAX; r++)
		mix(regs[r]);
	/* As Linux makes it: Accessed, and Dirty for a write. */
	fault_pt[i] = (FAULT_FRAMES + i * 4096) | 0x27 | (i & 1 ? 0x40 : 0);
	if (i % 7 == 3)		/* as fault-around does */
		map_ahead(i + 1);
	return 0;
}

int fp_user_event(struct pv_event_frame *f, unsigned long *regs)
{
	unsigned long i = iteration, base = i << 8, kflags = regs[KFLAGS];
	unsigned int r;

	if (fault_phase)
		return fault_event(f, regs);

	check(f->ss >> 48 == (SYSCALL_SS >> 48) && f->ss == SYSCALL_SS);
	check(regs[RAX] == 42 && regs[R15] == i);
	check(f->error_code == 0 && f->event_data == 0);
	check(f->cs == PV_USER_CS && f->rsp == USER_TOP);
	check(f->rip >= USER_CODE && f->rip < USER_CODE + 4096);
	check(regs[RCX] == f->rip);
	/* The user's flags in the frame and R11; the kernel's without DF. */
	check(f->rflags == user_flags(i));
	check((regs[R11] & 0xfd7) == user_flags(i));
	check((kflags & 0xfd5) == ((user_flags(i) & ~0x400UL) & 0xfd5));
	check(shared.irq_enabled == 0);
	check((unsigned long)f == (unsigned long)kstacks[(i / 100) % 8] + 4096 - 64);
	check(regs[RBX] == base && regs[RDX] == base + 1 &&
	      regs[RSI] == base + 2 && regs[RDI] == base + 3 &&
	      regs[R8] == base + 4 && regs[R9] == base + 5 &&
	      regs[R10] == base + 6 && regs[R12] == base + 7 &&
	      regs[R13] == base + 8 && regs[R14] == base + 9);
	if (i)
		check_record(i - 1);
	/* The user's GS base where the kernel reads it. */
	check(shared.user_gs_base == user_gs && !shared.user_gs_dirty);
	if (i == 0 || i == N_SYSCALLS - 1) {
		check(hypercall2(PV_HC_RDMSR, MSR_GS_BASE, 0) == (long)KERNEL_GS);
		check(hypercall2(PV_HC_RDMSR, MSR_KERNEL_GS_BASE, 0) == (long)user_gs);
	}
	if (i % 3 == 1) {		/* a new one, for ERETU to load */
		user_gs = USER_GS + 8 * (i / 3 % 8);
		set_user_gs(user_gs);
		if (i % 50 == 13) {	/* taken at the exit, then shown again */
			check(hypercall2(PV_HC_RDMSR, MSR_KERNEL_GS_BASE, 0) ==
			      (long)user_gs);
			check(shared.user_gs_base == user_gs && !shared.user_gs_dirty);
		}
	} else if (i % 50 == 2) {	/* one no CPU takes: 0, at ERETU */
		set_user_gs(bad_gs[i / 50 % 3]);
		user_gs = 0;
	} else if (i % 50 == 5) {	/* the same, taken at an exit */
		set_user_gs(bad_gs[i / 50 % 3]);
		check(hypercall2(PV_HC_RDMSR, MSR_KERNEL_GS_BASE, 0) == 0);
		check(shared.user_gs_base == 0 && !shared.user_gs_dirty);
		user_gs = 0;
	} else if (i % 50 == 8) {	/* an exit between base and flag */
		user_gs = USER_GS + 8 * (i / 50 % 8);
		shared.user_gs_base = user_gs;
		check(hypercall0(PV_HC_GET_FEATURES) >= 0);
		check(shared.user_gs_base == user_gs);
		shared.user_gs_dirty = 1;
	} else if (i % 50 == 11) {	/* canonical, unmapped: taken */
		set_user_gs(PV_GUARD_HOLE_START + 0x2000);
		check(hypercall2(PV_HC_RDMSR, MSR_KERNEL_GS_BASE, 0) ==
		      (long)(PV_GUARD_HOLE_START + 0x2000));
		check(wrmsr_pv(MSR_KERNEL_GS_BASE, user_gs) == 0);
		check(shared.user_gs_base == user_gs && !shared.user_gs_dirty);
	}
	mix(f->rip);
	mix(f->rflags);
	mix(f->ss);
	mix(kflags & 0xfd5);
	for (r = R15; r <= RAX; r++)
		mix(regs[r]);

	iteration++;
	if (iteration == N_SYSCALLS)
		return 1;
	if (iteration % 100 == 0)
		use_kernel_stack(iteration / 100);
	regs[RAX] = ret_rax(i);
	regs[RCX] = ret_rcx(i);
	regs[R11] = ret_r11(i);
	f->rflags = ret_flags(i);
	/* The virtual IF comes from the frame: still on in user mode. */
	return 0;
}

static unsigned int refused;

void fp_kernel_event(struct pv_event_frame *f)
{
	/* Only the #GP of a refused ERETU or ERETS, on stack level 1. */
	check((f->ss >> 48 & 0xf) == PV_EVENT_HWEXC && (f->ss >> 32 & 0xff) == 13);
	check(f->rip == (unsigned long)fp_try_insn ||
	      f->rip == (unsigned long)fp_try_insn_s);
	check((unsigned long)f == (unsigned long)stack1 + sizeof(stack1) - 64);
	mix(f->error_code);
	refused++;
	f->rip = (unsigned long)fp_try_refused;
	f->rsp = fp_saved_rsp;
}

struct eretu_frame {
	unsigned long error_code, rip, cs, rflags, rsp, ss;
};

static struct eretu_frame good_frame(void)
{
	return (struct eretu_frame){ 0, USER_CODE, PV_USER_CS, 0x202, USER_TOP,
				     PV_USER_DS };
}

static void try_refused(const char *what, void *at, struct eretu_frame fr)
{
	unsigned int before = refused;

	if ((unsigned long)at >= PV_KERNEL_MAP_BASE)
		*(struct eretu_frame *)at = fr;
	check(fp_try_eretu(at) == -1);
	printk("  refused: %s\n", what);
	check(refused == before + 1);
}

/* ERETS frames: 8 pages of them, and a stack for fp_erets_back. */
static struct eretu_frame erets_frames[8][4096 / sizeof(struct eretu_frame)]
	__attribute__((aligned(4096)));
static unsigned char erets_stack[4096] __attribute__((aligned(16)));

static struct eretu_frame erets_frame(unsigned long flags)
{
	return (struct eretu_frame){ 0, (unsigned long)fp_erets_back,
				     PV_KERNEL_CS, flags,
				     (unsigned long)erets_stack + 4096,
				     PV_KERNEL_DS };
}

static void try_refused_erets(const char *what, void *at, struct eretu_frame fr)
{
	unsigned int before = refused;

	if ((unsigned long)at >= PV_KERNEL_MAP_BASE)
		*(struct eretu_frame *)at = fr;
	check(fp_try_erets(at, 0) == -1);
	printk("  refused: ERETS %s\n", what);
	check(refused == before + 1);
}

/*
 * A good frame where the host must not read it: in the switcher's pages
 * (4- and 5-level addresses), unmapped, crossing into non-canonical.
 */
static void try_bad_places(void (*try)(const char *, void *, struct eretu_frame),
			   struct eretu_frame fr)
{
	try("frame in the switcher (4-level)",
	    (void *)(PV_GUARD_HOLE_START + 0x2000), fr);
	try("frame at the 5-level switcher", (void *)0xff00000000002000UL, fr);
	try("frame unmapped", (void *)0x7f0000000000UL, fr);
	try("frame crossing into non-canonical", (void *)(USER_VA_END - 16), fr);
}

/*
 * ERETS @i: patterned flags (IF among them) and registers, from one of
 * erets_frames' pages; every 100th, a page the shadow has just dropped.
 */
static void erets_once(unsigned int i)
{
	unsigned long flags = ((i * 0x9e3779b9UL) & FLAGS) | 0x2 |
			      (i & 1 ? 0x200 : 0);
	unsigned long pattern = (unsigned long)i << 24 ^ 0x5a00000000UL;
	struct eretu_frame *fr = &erets_frames[i / 100 % 8][i % 64];
	unsigned int r;

	*fr = erets_frame(flags);
	if (i % 100 == 0)
		check(hypercall6(PV_HC_FLUSH_TLB, (long)fr, 1, 0, 0, 0, 0) == 0);
	shared.irq_enabled = !(i & 1);
	check(fp_try_erets(fr, pattern) == 0);
	for (r = 0; r < 8; r++)
		check(fp_erets_regs[r] == pattern + r + 1);
	check(fp_erets_regs[8] == pattern);
	check(fp_erets_regs[9] == (unsigned long)erets_stack + 4096);
	/* What the kernel's PUSHF shows: the frame's flags, IF as ever. */
	check((fp_erets_regs[10] & FLAGS) == (flags & FLAGS));
	check(fp_erets_regs[10] & 0x200);
	check(shared.irq_enabled == !!(flags & 0x200));
	for (r = 0; r < 11; r++)
		mix(fp_erets_regs[r]);
	mix(shared.irq_enabled);
}

/* The CPU's physical address width: below 52, the host has markers. */
static unsigned int phys_bits(void)
{
	unsigned int a = 0x80000008, b, c = 0, d;

	asm volatile("cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d));
	return a & 0xff;
}

enum verdict test_main(void)
{
	unsigned long code = 56 * MiB + 3 * 4096, stack = code + 4096, *upt;
	static struct pv_exit_counts c0, c1;
	static struct eretu_frame fr;
	unsigned long fast = param("fast", 1), exits, syscalls;
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)fp_entry) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_RSP1, (unsigned long)stack1 + sizeof(stack1)) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_STKLVLS, 1UL << (2 * 13)) == 0);
	check(wrmsr_pv(MSR_GS_BASE, KERNEL_GS) == 0);
	check(wrmsr_pv(MSR_KERNEL_GS_BASE, USER_GS) == 0);
	for (i = 0; i < 8; i++)
		phys(stack)[(USER_GS - USER_STACK) / 8 + i] = gs_marker(USER_GS + 8 * i);

	upt = user_page_table(USER_CODE, 56 * MiB);
	upt[0] = code | 5;
	upt[1] = stack | 7;
	/* And page 0, for a GS base of 0 (user_page_table()'s PD, a PT). */
	phys(56 * MiB + 4096)[0] = (56 * MiB + 5 * 4096) | 7;
	memset(phys(56 * MiB + 5 * 4096), 0, 4096);
	phys(56 * MiB + 5 * 4096)[0] = (56 * MiB + 6 * 4096) | 7;
	*phys(56 * MiB + 6 * 4096) = gs_marker(0);
	memcpy(phys(code), user_code, user_code_end - user_code);
	shared.irq_enabled = 1;
	use_kernel_stack(0);

	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c0, sizeof(c0)) == sizeof(c0));
	fr = good_frame();
	check(fp_try_eretu(&fr) == 0);
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c1, sizeof(c1)) == sizeof(c1));
	check(iteration == N_SYSCALLS);
	check(shared.irq_enabled == 0);
	check(hypercall2(PV_HC_RDMSR, MSR_GS_BASE, 0) == (long)KERNEL_GS);
	exits = c1.exits - c0.exits;
	syscalls = c1.syscalls - c0.syscalls;
	printk("%u user syscalls: %lu syscalls counted, %lu exits (fast=%lu)\n",
	       N_SYSCALLS, syscalls, exits, fast);
	check(syscalls == N_SYSCALLS);
	if (fast)	/* (about 6 in 50 exit on purpose, for the GS bases) */
		check(exits < N_SYSCALLS / 5);
	else
		check(exits >= 2 * N_SYSCALLS);

	printk("ERETU frames:\n");
	fr = good_frame();
	fr.rip = USER_VA_END;
	try_refused("RIP at the end of the lower half", &fr, fr);
	fr.rip = 0xdead000000000000UL;
	try_refused("non-canonical RIP", &fr, fr);
	fr = good_frame();
	fr.cs = PV_KERNEL_CS;
	try_refused("kernel CS", &fr, fr);
	fr = good_frame();
	fr.ss = PV_KERNEL_DS;
	try_refused("kernel SS", &fr, fr);
	fr = good_frame();
	fr.rsp = USER_VA_END + 8;
	try_refused("RSP past the lower half", &fr, fr);
	try_bad_places(try_refused, fr);
	check(refused == 9);

	printk("ERETS frames:\n");
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c0, sizeof(c0)) == sizeof(c0));
	for (i = 0; i < N_ERETS; i++)
		erets_once(i);
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c1, sizeof(c1)) == sizeof(c1));
	exits = c1.exits - c0.exits;
	printk("%u ERETS: %lu exits (fast=%lu)\n", N_ERETS, exits, fast);
	if (fast)
		check(exits < N_ERETS / 5);
	else
		check(exits >= N_ERETS);
	shared.irq_enabled = 0;
	fr = erets_frame(0x2);
	fr.cs = PV_USER_CS;
	try_refused_erets("user CS", &fr, fr);
	fr = erets_frame(0x2);
	fr.ss = PV_USER_DS;
	try_refused_erets("user SS", &fr, fr);
	fr = erets_frame(0x2);
	fr.rip = 0xdead000000000000UL;
	try_refused_erets("non-canonical RIP", &fr, fr);
	fr.rip = PV_GUARD_HOLE_START + 0x1000;
	try_refused_erets("RIP in the switcher (4-level)", &fr, fr);
	fr.rip = 0xff00000000001000UL;
	try_refused_erets("RIP at the 5-level switcher", &fr, fr);
	fr = erets_frame(0x2);
	fr.rsp = 0x8000000000000000UL;
	try_refused_erets("non-canonical RSP", &fr, fr);
	fr = erets_frame(0x2);
	try_bad_places(try_refused_erets, fr);
	check(refused == 19);

	printk("user page faults:\n");
	fault_pt = upt + (FAULT_VA - USER_CODE) / 4096;
	for (i = 0; i < N_FAULTS; i++) {
		fault_pt[i] = 0;
		phys(FAULT_FRAMES + i * 4096UL)[0] = 0;
	}
	fault_phase = 1;
	shared.irq_enabled = 1;
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c0, sizeof(c0)) == sizeof(c0));
	fr = good_frame();
	fr.rip = USER_CODE + (user_faults - user_code);
	check(fp_try_eretu(&fr) == 0);
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c1, sizeof(c1)) == sizeof(c1));
	exits = c1.exits - c0.exits;
	printk("%u pages: %u faults, %u spurious, %lu exits (fast=%lu)\n",
	       N_FAULTS, faults, spurious, exits, fast);
	check(faults + premapped == N_FAULTS && premapped > 20);
	for (i = 0; i < N_FAULTS; i++)
		check(phys(FAULT_FRAMES + i * 4096UL)[0] == (i & 1 ? i : 0));
	if (fast && phys_bits() < 52) {	/* one exit a fault, two at a block's first */
		check(exits <= faults + spurious + faults / 4);
		check(spurious > 0);	/* the syscalls' stale markers */
	} else {
		check(spurious == 0);
		check(exits >= 2 * faults);
	}
	mix(faults);
	mix(premapped);
	printk("fastpath digest %lx\n", digest);
	return SUCCESS;
}
