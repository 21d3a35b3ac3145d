// SPDX-License-Identifier: GPL-2.0
/*
 * The shadow MMU's prefetch (drivers/pv/mmu.c, shadow_prefetch()): a fill
 * of a 4 KiB page of the lower half also fills the neighbours of its
 * aligned block of 64 that the guest has present and Accessed, as a TLB
 * may cache translations nobody asked for.  It must take nothing the
 * guest's own walk would refuse, and change nothing in guest memory:
 *
 * - user mode touches its code and 9 data pages of one block: at most 5
 *   shadow fills for the 10 pages and the kernel stack (without the
 *   prefetch, one per page);
 * - a supervisor-only neighbour, Accessed, is a #PF (P|U) for user mode;
 * - a read-only neighbour is a #PF (P|W|U) on a user write;
 * - a clean neighbour (Dirty clear) is not made dirty by the prefetch,
 *   and becomes dirty when user mode writes it;
 * - a neighbour not yet Accessed stays so until user mode reads it;
 * - a neighbour whose frame is not guest memory is not taken (nothing
 *   for the host to map there).
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define PTE_P		0x001UL
#define PTE_W		0x002UL
#define PTE_U		0x004UL
#define PTE_A		0x020UL
#define PTE_D		0x040UL
#define BASE		0x400000UL	/* a block starts here: 16 pages used */
#define PAGE(n)		(BASE + (n) * 4096UL)
#define SECRET		0x5ec7e75ec7e7UL

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(16)));
static struct pv_event_frame user_seen;

#define VECTOR(f)	((unsigned int)((f).ss >> 32 & 0xff))
#define TYPE(f)		((unsigned int)((f).ss >> 48 & 0xf))

/*
 * The user program, at PAGE(0): snippets, each one access (or ten) and a
 * SYSCALL back to the kernel.  The kernel enters each at its offset.
 */
extern char user_code[], user_touch[], user_read_secret[], user_write_ro[],
	    user_write_clean[], user_read_unaccessed[], user_code_end[];
asm(".pushsection .text\n"
    "user_code:\n"
    "user_touch:\n"
    "	movabs $0x401000, %rax\n"
    "	mov (%rax), %rbx\n"
    "	mov $8, %ecx\n"
    "	movabs $0x408000, %rax\n"
    "1:	add (%rax), %rbx\n"
    "	add $4096, %rax\n"
    "	dec %ecx\n"
    "	jnz 1b\n"
    "	syscall\n"
    "user_read_secret:\n"
    "	movabs $0x402000, %rax\n"
    "	mov (%rax), %rbx\n"
    "	syscall\n"
    "user_write_ro:\n"
    "	movabs $0x403000, %rax\n"
    "	movq $1, (%rax)\n"
    "	syscall\n"
    "user_write_clean:\n"
    "	movabs $0x404000, %rax\n"
    "	movq $2, (%rax)\n"
    "	syscall\n"
    "user_read_unaccessed:\n"
    "	movabs $0x405000, %rax\n"
    "	mov (%rax), %rbx\n"
    "	syscall\n"
    "user_code_end:\n"
    ".popsection\n");

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	(void)regs;
	user_seen = *f;
	return 1;			/* back to the kernel, whatever it was */
}

void event_handler(struct pv_event_frame *f)
{
	printk("unexpected kernel event: vector %u at %lx\n", VECTOR(*f),
	       (unsigned long)f->rip);
	test_exit(FAILURE);
}

/* Run the snippet at @at in user mode; what ended it is in user_seen. */
static void run_user(const char *at)
{
	user_seen = (struct pv_event_frame){};
	enter_user(BASE + (at - user_code), PAGE(7) + 4096);
}

static int ended_by_syscall(void)
{
	return TYPE(user_seen) == PV_EVENT_OTHER;
}

static void expect_fault(unsigned long va, unsigned long error, const char *what)
{
	printk("%s: vector %u error %lx cr2 %lx\n", what, VECTOR(user_seen),
	       (unsigned long)user_seen.error_code,
	       (unsigned long)user_seen.event_data);
	check(TYPE(user_seen) == PV_EVENT_HWEXC && VECTOR(user_seen) == 14);
	check(user_seen.error_code == error && user_seen.event_data == va);
}

enum verdict test_main(void)
{
	unsigned long tables = 48 * MiB, frames = 52 * MiB, *pt, before, n;
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);

	pt = user_page_table(BASE, tables);
	for (i = 0; i < 16; i++)
		memset(phys(frames + i * 4096), 0, 4096);
	memcpy(phys(frames), user_code, user_code_end - user_code);
	phys(frames + 2 * 4096)[0] = SECRET;
	pt[0] = frames | PTE_P | PTE_U;					/* code */
	pt[1] = (frames + 1 * 4096) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;
	pt[2] = (frames + 2 * 4096) | PTE_P | PTE_W | PTE_A | PTE_D;	/* kernel */
	pt[3] = (frames + 3 * 4096) | PTE_P | PTE_U | PTE_A;		/* read-only */
	pt[4] = (frames + 4 * 4096) | PTE_P | PTE_W | PTE_U | PTE_A;	/* clean */
	pt[5] = (frames + 5 * 4096) | PTE_P | PTE_W | PTE_U;		/* not accessed */
	pt[6] = 0x100000000000UL | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D; /* not RAM */
	pt[7] = (frames + 7 * 4096) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D; /* stack */
	for (i = 8; i < 16; i++)
		pt[i] = (frames + i * 4096) | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D;

	before = shadow_fills();
	run_user(user_touch);
	n = shadow_fills() - before;
	printk("10 user pages of one block: %lu shadow fills\n", n);
	check(ended_by_syscall());
	check(n >= 1 && n <= 5);

	run_user(user_read_secret);
	check(!ended_by_syscall());
	expect_fault(PAGE(2), 0x5, "user read of a supervisor neighbour");

	run_user(user_write_ro);
	check(!ended_by_syscall());
	expect_fault(PAGE(3), 0x7, "user write of a read-only neighbour");
	check(phys(frames + 3 * 4096)[0] == 0);

	printk("clean neighbour %s, unaccessed neighbour %s\n",
	       pt[4] & PTE_D ? "dirty" : "clean",
	       pt[5] & PTE_A ? "accessed" : "not accessed");
	check(!(pt[4] & PTE_D) && !(pt[5] & PTE_A));
	run_user(user_write_clean);
	check(ended_by_syscall());
	check(pt[4] & PTE_D);
	check(phys(frames + 4 * 4096)[0] == 2);
	run_user(user_read_unaccessed);
	check(ended_by_syscall());
	check(pt[5] & PTE_A);
	/* The frame outside guest memory: untouched, its entry as written. */
	check(pt[6] == (0x100000000000UL | PTE_P | PTE_W | PTE_U | PTE_A | PTE_D));
	return SUCCESS;
}
