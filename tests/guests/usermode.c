// SPDX-License-Identifier: GPL-2.0
/*
 * Guest user mode: ERETU enters it; a user SYSCALL comes to the guest
 * kernel as a FRED syscall event on the RSP0 stack with the GS bases
 * swapped; user code cannot read or write kernel pages (its own shadow
 * root), writes to its read-only pages fault, privileged instructions
 * (port I/O among them) and INT3 come back as events; and the kernel
 * returns to user mode each time.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define USER_CODE	0x400000UL
#define USER_STACK	0x600000UL
#define KERNEL_GS	0x1234000UL
#define USER_GS		0x5678000UL
#define MSR_GS_BASE	0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(16)));

/* The user program, copied to USER_CODE (position independent). */
extern char user_code[], user_code_end[];
asm(".pushsection .text\n"
    "user_code:\n"
    "	mov $42, %eax\n"
    "	syscall\n"					/* 1: a syscall */
    "	movabs $0xffffffff81000000, %rbx\n"
    "	mov (%rbx), %rax\n"				/* 2: read kernel: #PF */
    "	mov %rax, (%rbx)\n"				/* 3: write kernel: #PF */
    "	cli\n"						/* 4: #GP */
    "	inb $0x80, %al\n"				/* 5: #GP */
    "	movabs $0x400000, %rbx\n"
    "	movq $1, (%rbx)\n"				/* 6: read-only: #PF */
    "	int3\n"						/* 7: SWEXC */
    "	mov $60, %eax\n"
    "	syscall\n"					/* 8: exit */
    "user_code_end:\n"
    ".popsection\n");

struct seen {
	unsigned long type, vector, error, cs, ss_sel, rip, data, gs, user_gs;
};
static struct seen ev[9];
static unsigned int n;

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	static const unsigned char skip[9] = { 0, 3, 3, 1, 2, 7, 0, 0, 0 };
	struct seen *e = &ev[n < 8 ? n : 8];

	e->type = f->ss >> 48 & 0xf;
	e->vector = f->ss >> 32 & 0xff;
	e->error = f->error_code;
	e->cs = f->cs & 0xffff;
	e->ss_sel = f->ss & 0xffff;
	e->rip = f->rip;
	e->data = f->event_data;
	e->gs = hypercall2(PV_HC_RDMSR, MSR_GS_BASE, 0);
	e->user_gs = hypercall2(PV_HC_RDMSR, MSR_KERNEL_GS_BASE, 0);
	if (n == 0)
		check(regs[14] == 42);			/* the syscall's %rax */
	n++;
	if (e->type == PV_EVENT_OTHER && regs[14] == 60)
		return 1;				/* exit: leave user mode */
	f->rip += skip[n - 1];
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	return 0;
}

enum verdict test_main(void)
{
	unsigned long code = 56 * MiB + 3 * 4096, stack = code + 4096, *upt;
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	/* As on x86: the active GS base is the kernel's, the inactive one
	 * (MSR_KERNEL_GS_BASE) the user's; entering and leaving swap them. */
	check(wrmsr_pv(MSR_GS_BASE, KERNEL_GS) == 0);
	check(wrmsr_pv(MSR_KERNEL_GS_BASE, USER_GS) == 0);

	/* User mappings: code read-only at USER_CODE, stack at USER_STACK. */
	upt = user_page_table(USER_CODE, 56 * MiB);
	upt[0] = code | 5;				/* P | U, read-only */
	upt[(USER_STACK - USER_CODE) >> 12] = stack | 7;
	memcpy(phys(code), user_code, user_code_end - user_code);

	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	enter_user(USER_CODE, USER_STACK + 4096);

	printk("user-mode events:\n");
	for (i = 0; i < n && i < 9; i++)
		printk("  %u: type %lu vector %lu error %lx rip %lx data %lx\n",
		       i + 1, ev[i].type, ev[i].vector, ev[i].error,
		       ev[i].rip, ev[i].data);
	check(n == 8);
	for (i = 0; i < n; i++) {
		check(ev[i].cs == PV_USER_CS && ev[i].ss_sel == PV_USER_DS);
		check(ev[i].gs == KERNEL_GS);		/* swapped back in */
		check(ev[i].user_gs == USER_GS);
		check(ev[i].rip >= USER_CODE && ev[i].rip < USER_CODE + 4096);
	}
	check(ev[0].type == PV_EVENT_OTHER && ev[0].vector == 1);
	check(ev[1].type == PV_EVENT_HWEXC && ev[1].vector == 14);
	check(ev[1].error == 5 && ev[1].data == 0xffffffff81000000UL);	/* P|U */
	check(ev[2].vector == 14 && ev[2].error == 7);			/* P|W|U */
	check(ev[3].vector == 13);
	/* Port I/O: the host's all-ones bus is the kernel's, not a user's. */
	check(ev[4].type == PV_EVENT_HWEXC && ev[4].vector == 13);
	check(ev[4].error == 0 && ev[4].rip == ev[3].rip + 1);
	check(ev[5].vector == 14 && ev[5].error == 7 && ev[5].data == USER_CODE);
	check(ev[6].type == PV_EVENT_SWEXC && ev[6].vector == 3);
	check(ev[7].type == PV_EVENT_OTHER && ev[7].vector == 1);
	/* Back in the kernel: its GS base again, the user's saved. */
	check(hypercall2(PV_HC_RDMSR, MSR_GS_BASE, 0) == (long)KERNEL_GS);
	return SUCCESS;
}
