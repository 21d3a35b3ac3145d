// SPDX-License-Identifier: GPL-2.0
/*
 * What a full flush and a write-protection fault leave in the shadow MMU
 * (drivers/pv/mmu.c, space_resync() and flushed_page_set()):
 *
 * - after PV_HC_FLUSH_TLB of everything, or a CR3 load without NOFLUSH,
 *   the host keeps what it held only as the guest's tables say now: a
 *   page moved to another frame reads the new one, a page made read-only
 *   is a #PF (P|W|U) on a user write and (P|W) on a kernel one, a user
 *   page stays one the kernel cannot run (SMEP), a page made not present
 *   a #PF (U),
 *   a page whose Accessed bit the guest cleared is filled again (and
 *   Accessed again), a table the guest took user mode's right from above
 *   is a #PF (P|U), and a table the guest pointed outside its memory is
 *   dropped (the host neither reads nor maps anything there); pages the
 *   guest left alone are not filled again;
 * - a write fault the guest's own entry forbids names the page in the
 *   shared page's flushed_page, with its translation gone: the guest can
 *   change the entry without a flush and the write lands in the new
 *   frame; the host's next fill, or a CR3 load, takes the name back.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define PTE_P		0x001UL
#define PTE_W		0x002UL
#define PTE_U		0x004UL
#define PTE_A		0x020UL
#define PTE_D		0x040UL
#define PTE_RW_USER	(PTE_P | PTE_W | PTE_U | PTE_A | PTE_D)
#define BASE		0x400000UL	/* pages 0..15: code, data, stack */
#define PAGE(n)		(BASE + (n) * 4096UL)
#define OTHER		0x600000UL	/* the next 2 MiB: a table of its own */
#define NOT_RAM		0x100000000000UL

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(16)));
static struct pv_event_frame user_seen, kernel_seen;
static unsigned long *kernel_fix_pte, kernel_fix_value;

#define VECTOR(f)	((unsigned int)((f).ss >> 32 & 0xff))
#define TYPE(f)		((unsigned int)((f).ss >> 48 & 0xf))

/* User snippets at PAGE(0), each ending with a SYSCALL back. */
extern char user_code[], user_touch[], user_read_kept[], user_read1[],
	    user_write3[], user_read4[], user_read5[], user_read_other[],
	    user_code_end[];
asm(".pushsection .text\n"
    "user_code:\n"
    "user_touch:\n"			/* pages 1..10 and OTHER */
    "	movabs $0x401000, %rax\n"
    "	mov $10, %ecx\n"
    "1:	add (%rax), %rbx\n"
    "	add $4096, %rax\n"
    "	dec %ecx\n"
    "	jnz 1b\n"
    "	movabs $0x600000, %rax\n"
    "	add (%rax), %rbx\n"
    "	syscall\n"
    "user_read_kept:\n"			/* pages 2, 6, 8, 9 */
    "	movabs $0x402000, %rax\n"
    "	add (%rax), %rbx\n"
    "	movabs $0x406000, %rax\n"
    "	add (%rax), %rbx\n"
    "	movabs $0x408000, %rax\n"
    "	add (%rax), %rbx\n"
    "	movabs $0x409000, %rax\n"
    "	add (%rax), %rbx\n"
    "	syscall\n"
    "user_read1:\n"
    "	movabs $0x401000, %rax\n"
    "	mov (%rax), %r12\n"
    "	syscall\n"
    "user_write3:\n"
    "	movabs $0x403000, %rax\n"
    "	movq $3, (%rax)\n"
    "	syscall\n"
    "user_read4:\n"
    "	movabs $0x404000, %rax\n"
    "	mov (%rax), %rbx\n"
    "	syscall\n"
    "user_read5:\n"
    "	movabs $0x405000, %rax\n"
    "	mov (%rax), %rbx\n"
    "	syscall\n"
    "user_read_other:\n"
    "	movabs $0x600000, %rax\n"
    "	mov (%rax), %r12\n"
    "	syscall\n"
    "user_code_end:\n"
    ".popsection\n");

static unsigned long user_r12, flushed_in_handler;

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	user_seen = *f;
	user_r12 = regs[3];	/* SAVE_REGS order: r15, r14, r13, r12 */
	flushed_in_handler = shared.flushed_page;
	return 1;
}

/* A kernel #PF: the one this test provokes, fixed by changing the entry. */
void event_handler(struct pv_event_frame *f)
{
	kernel_seen = *f;
	flushed_in_handler = shared.flushed_page;
	if (VECTOR(*f) == 14 && f->rip == f->event_data) {
		/* A fetch fault at a call's target: return to the caller. */
		f->rip = *(unsigned long *)f->rsp;
		f->rsp += 8;
		return;
	}
	if (VECTOR(*f) != 14 || !kernel_fix_pte) {
		printk("unexpected kernel event: vector %u at %lx\n", VECTOR(*f),
		       (unsigned long)f->rip);
		test_exit(FAILURE);
	}
	/* No flush: flushed_page says the host has none left to do. */
	*kernel_fix_pte = kernel_fix_value;
	kernel_fix_pte = NULL;
}

static void run_user(const char *at)
{
	user_seen = (struct pv_event_frame){};
	enter_user(BASE + (at - user_code), PAGE(7) + 4096);
}

static void expect_syscall(const char *what)
{
	if (TYPE(user_seen) != PV_EVENT_OTHER)
		printk("%s: vector %u error %lx cr2 %lx\n", what,
		       VECTOR(user_seen), (unsigned long)user_seen.error_code,
		       (unsigned long)user_seen.event_data);
	check(TYPE(user_seen) == PV_EVENT_OTHER);
}

static void expect_fault(unsigned long va, unsigned long error, const char *what)
{
	printk("%s: vector %u error %lx cr2 %lx\n", what, VECTOR(user_seen),
	       (unsigned long)user_seen.error_code,
	       (unsigned long)user_seen.event_data);
	check(TYPE(user_seen) == PV_EVENT_HWEXC && VECTOR(user_seen) == 14);
	check(user_seen.error_code == error && user_seen.event_data == va);
}

static unsigned long boot_cr3;

static void flush_all(void)
{
	check(hypercall6(PV_HC_FLUSH_TLB, 0, 0, 0, 0, 0, 0) == 0);
}

static void reload_cr3(void)
{
	check(hypercall2(PV_HC_LOAD_CR3, boot_cr3, 0) == 0);
}

static unsigned long *pt, *pd, frames, other_table;

/* The block as each round starts: code, data 1..15, OTHER's page. */
static void map_block(void)
{
	unsigned int i;

	pt[0] = frames | PTE_P | PTE_U | PTE_A;
	memcpy(phys(frames), user_code, user_code_end - user_code);
	for (i = 1; i < 16; i++) {
		pt[i] = (frames + i * 4096) | PTE_RW_USER;
		phys(frames + i * 4096)[0] = 0x1000 + i;
	}
	pd[OTHER >> 21 & 511] = other_table | PTE_P | PTE_W | PTE_U | PTE_A;
	phys(other_table)[0] = (frames + 20 * 4096) | PTE_RW_USER;
	phys(frames + 20 * 4096)[0] = 0x2000;
}

/* Fill, change the guest's entries behind the shadow, @flush, look. */
static void resync_round(const char *name, void (*flush)(void))
{
	unsigned long before, n, *pd_other = &pd[OTHER >> 21 & 511];

	/* mov $42, %eax; ret */
	static const unsigned char ret42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };

	printk("-- after %s\n", name);
	map_block();
	memcpy(phys(frames + 12 * 4096), ret42, sizeof(ret42));
	run_user(user_touch);
	expect_syscall("touch");
	/* The kernel's root holds user pages too: one NX (SMEP), one written. */
	check(*(volatile unsigned char *)PAGE(12) == 0xb8);
	*(volatile unsigned long *)PAGE(13) = 0x1013;

	pt[1] = (frames + 16 * 4096) | PTE_RW_USER;	/* another frame */
	phys(frames + 16 * 4096)[0] = 0xfeed;
	pt[3] &= ~PTE_W;				/* read-only */
	pt[13] &= ~PTE_W;				/* read-only */
	pt[4] = 0;					/* not present */
	pt[5] &= ~PTE_A;				/* not accessed */
	pt[10] = NOT_RAM | PTE_RW_USER;			/* not guest memory */
	*pd_other &= ~PTE_U;				/* no user table */
	flush();

	before = shadow_fills();
	run_user(user_read_kept);
	n = shadow_fills() - before;
	expect_syscall("pages left alone");
	printk("pages left alone: %lu fills\n", n);
	check(n == 0);

	run_user(user_read1);
	expect_syscall("read of the moved page");
	printk("the moved page reads %lx\n", user_r12);
	check(user_r12 == 0xfeed);

	run_user(user_write3);
	expect_fault(PAGE(3), 0x7, "write of the page made read-only");
	check(phys(frames + 3 * 4096)[0] == 0x1003);

	/* The supervisor root was resynced too (it held page 13 writable). */
	kernel_seen = (struct pv_event_frame){};
	kernel_fix_pte = &pt[13];
	kernel_fix_value = pt[13] | PTE_W;
	*(volatile unsigned long *)PAGE(13) = 0x3333;
	asm volatile("" : : : "memory");	/* the handler wrote kernel_seen */
	printk("kernel write of a page made read-only: vector %u error %lx\n",
	       VECTOR(kernel_seen), (unsigned long)kernel_seen.error_code);
	check(VECTOR(kernel_seen) == 14 && kernel_seen.error_code == 0x3);
	check(kernel_seen.event_data == PAGE(13));
	check(phys(frames + 13 * 4096)[0] == 0x3333);
	kernel_seen = (struct pv_event_frame){};
	check(call_at(PAGE(12)) == 0);
	printk("kernel fetch of a user page: vector %u error %lx\n",
	       VECTOR(kernel_seen), (unsigned long)kernel_seen.error_code);
	check(VECTOR(kernel_seen) == 14 && kernel_seen.error_code == 0x11);
	check(kernel_seen.event_data == PAGE(12));

	run_user(user_read4);
	expect_fault(PAGE(4), 0x4, "read of the page made not present");

	run_user(user_read5);
	expect_syscall("read of the page made not accessed");
	check(pt[5] & PTE_A);

	run_user(user_read_other);
	expect_fault(OTHER, 0x5, "read below the table made supervisor-only");

	/* A table outside guest memory: the host drops what it held below. */
	*pd_other |= PTE_U;
	run_user(user_read_other);
	expect_syscall("read below the table given back");
	*pd_other = NOT_RAM | PTE_P | PTE_W | PTE_U | PTE_A;
	flush();
	*pd_other = other_table | PTE_P | PTE_W | PTE_U | PTE_A;
	phys(frames + 20 * 4096)[0] = 0x2001;
	phys(other_table)[0] = (frames + 21 * 4096) | PTE_RW_USER;
	phys(frames + 21 * 4096)[0] = 0x2002;
	run_user(user_read_other);
	expect_syscall("read below a table once outside guest memory");
	printk("it reads %lx\n", user_r12);
	check(user_r12 == 0x2002);
	pt[10] = (frames + 10 * 4096) | PTE_RW_USER;
	flush();
}

/* A write the guest's entry forbids: flushed_page, then no flush needed. */
static void flushed_page_round(void)
{
	volatile unsigned long *p3 = (volatile unsigned long *)PAGE(3);

	printk("-- flushed_page\n");
	map_block();
	pt[3] &= ~PTE_W;
	flush_all();
	run_user(user_touch);
	expect_syscall("touch");
	check(shared.flushed_page == PV_NO_FLUSHED_PAGE);

	/* User mode: the entry changes under the host's feet, no flush. */
	run_user(user_write3);
	expect_fault(PAGE(3), 0x7, "user write of a read-only page");
	printk("flushed_page in the handler: %lx\n", flushed_in_handler);
	check(flushed_in_handler == PAGE(3));
	pt[3] = (frames + 17 * 4096) | PTE_RW_USER;
	phys(frames + 17 * 4096)[0] = 0;
	run_user(user_write3);
	expect_syscall("the write again, the entry changed without a flush");
	check(phys(frames + 17 * 4096)[0] == 3);
	check(phys(frames + 3 * 4096)[0] == 0x1003);
	check(shared.flushed_page == PV_NO_FLUSHED_PAGE);

	/* Supervisor mode, the same way. */
	pt[3] = (frames + 3 * 4096) | PTE_P | PTE_U | PTE_A;
	flush_all();
	check(*p3 == 0x1003);		/* shadowed read-only */
	phys(frames + 18 * 4096)[0] = 0;
	kernel_fix_pte = &pt[3];
	kernel_fix_value = (frames + 18 * 4096) | PTE_RW_USER;
	*p3 = 0x33;
	asm volatile("" : : : "memory");	/* the handler wrote kernel_seen */
	printk("kernel write: error %lx, flushed_page in the handler %lx\n",
	       (unsigned long)kernel_seen.error_code, flushed_in_handler);
	check(kernel_seen.error_code == 0x3 && kernel_seen.event_data == PAGE(3));
	check(flushed_in_handler == PAGE(3));
	check(phys(frames + 18 * 4096)[0] == 0x33);
	check(phys(frames + 3 * 4096)[0] == 0x1003);
	check(shared.flushed_page == PV_NO_FLUSHED_PAGE);

	/* A CR3 load takes the name back: it speaks of one address space. */
	pt[3] = (frames + 3 * 4096) | PTE_P | PTE_U | PTE_A;
	flush_all();
	run_user(user_write3);
	expect_fault(PAGE(3), 0x7, "user write of a read-only page");
	check(flushed_in_handler == PAGE(3) && shared.flushed_page == PAGE(3));
	check(hypercall2(PV_HC_LOAD_CR3, boot_cr3, PV_CR3_NOFLUSH) == 0);
	check(shared.flushed_page == PV_NO_FLUSHED_PAGE);
}

enum verdict test_main(void)
{
	unsigned long tables = 48 * MiB;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	check(hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_FLUSHED_PAGE);
	check(shared.flushed_page == PV_NO_FLUSHED_PAGE);

	boot_cr3 = boot_info->boot_pgd;
	frames = 52 * MiB;
	pt = user_page_table(BASE, tables);
	pd = pt - 512;
	other_table = tables + 3 * 4096;
	memset(phys(other_table), 0, 4096);

	resync_round("a flush of everything", flush_all);
	resync_round("a CR3 load without NOFLUSH", reload_cr3);
	flushed_page_round();
	return SUCCESS;
}
