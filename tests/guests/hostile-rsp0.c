// SPDX-License-Identifier: GPL-2.0
/*
 * A user SYSCALL with the shared page's rsp0 aimed where the guest has no
 * writable memory (case=N on the command line): the switcher's pages at
 * the 4-level (1) or 5-level (2) address, past the lower half (3), a
 * read-only page (4), nothing mapped (5).  Neither the switcher's fast
 * path nor the host's C may write the frame there: the vCPU stops ("the
 * guest's stack cannot take the event frame", hostile-guests.t), and the
 * host stays healthy.  Reaching the handler is a failure.  With fault=1,
 * not a syscall but a user read of the page after the code, which the
 * guest's table holds not present: after the code's fill the host has a
 * marker there (mmu.c), whose fault the switcher's fast path delivers.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define USER_CODE	0x400000UL

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));

extern char user_code[], user_fault[], user_code_end[];
asm(".pushsection .text\n"
    "user_code:\n"
    "	mov $39, %eax\n"
    "	syscall\n"
    "	ud2\n"
    "user_fault:\n"
    "	mov 0x401000, %rax\n"
    "	ud2\n"
    "user_code_end:\n"
    ".popsection\n");

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	(void)regs;
	printk("the event frame was written at %lx\n", (unsigned long)f);
	test_exit(FAILURE);
}

void event_handler(struct pv_event_frame *f)
{
	printk("supervisor event %lu\n", (unsigned long)(f->ss >> 32 & 0xff));
	test_exit(FAILURE);
}

enum verdict test_main(void)
{
	static const unsigned long rsp0[] = {
		0, PV_GUARD_HOLE_START + 0x3000, 0xff00000000003000UL,
		0x0000800000000040UL, USER_CODE + 4096, 0x7f0000001000UL,
	};
	unsigned long code = 56 * MiB + 3 * 4096, n = param("case", 0), *upt;
	unsigned long fault = param("fault", 0);

	check(n >= 1 && n < sizeof(rsp0) / sizeof(rsp0[0]));
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	upt = user_page_table(USER_CODE, 56 * MiB);
	upt[0] = code | 5;				/* read-only */
	memcpy(phys(code), user_code, user_code_end - user_code);
	shared.rsp0 = rsp0[n];
	printk("user %s with rsp0 %lx\n", fault ? "fault" : "syscall", rsp0[n]);
	enter_user(USER_CODE + (fault ? user_fault - user_code : 0), 0);
	return FAILURE;
}
