// SPDX-License-Identifier: GPL-2.0
/*
 * RIP stepping past the top of the lower half (0x7fffffffffff): the next
 * instruction is at 0x800000000000, not canonical.  A hypercall (SYSCALL)
 * in the last two bytes of the lower half, and an instruction the host
 * emulates in its last three, make the host resume there; a user SYSCALL there reaches
 * the guest kernel with that RIP.  The guest must get a #GP(0) naming the
 * non-canonical RIP, and the host must live on.  Before pvhost checked
 * RIP on every way into the guest, the switcher's IRETQ faulted in ring 0
 * and the host CPU halted for good.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define TOP_PAGE	0x7ffffffff000UL
#define LAST_TWO	0x7ffffffffffeUL
#define LAST_THREE	0x7ffffffffffdUL
#define NONCANONICAL	0x800000000000UL

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(16)));
static volatile unsigned long gp_rip, gp_vector, gp_error, recover;
static volatile unsigned int gps;

void event_handler(struct pv_event_frame *f)
{
	gp_vector = f->ss >> 32 & 0xff;
	gp_error = f->error_code;
	gp_rip = f->rip;
	gps++;
	f->rip = recover;
}

static volatile unsigned long user_rip, user_vector;

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	(void)regs;
	user_vector = f->ss >> 32 & 0xff;
	user_rip = f->rip;
	return 1;	/* back to the kernel */
}

/* Jump to @target with %rax = @rax, %rcx = @rcx; the #GP comes back at 1:. */
static void run_at(unsigned long target, unsigned long rax, unsigned long rcx)
{
	asm volatile("lea 1f(%%rip), %%rdx\n\t"
		     "mov %%rdx, recover(%%rip)\n\t"
		     "jmp *%[t]\n"
		     "1:"
		     : "+a" (rax), "+c" (rcx)
		     : [t] "r" (target)
		     : "rdx", "r11", "memory");
}

static void expect_gp(const char *what, unsigned int before)
{
	printk("%s: %u event(s), vector %lu error %lu rip %lx\n", what,
	       gps - before, gp_vector, gp_error, gp_rip);
	check(gps == before + 1);
	check(gp_vector == 13 && gp_error == 0 && gp_rip == NONCANONICAL);
}

enum verdict test_main(void)
{
	unsigned long *pml4 = phys(boot_info->boot_pgd);
	unsigned long pdpt = 56 * MiB, pd = pdpt + 4096, pt = pd + 4096,
		      code = pt + 4096;
	unsigned char *c = (unsigned char *)phys(code);
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);

	/*
	 * The lower half's last page, code at its end: supervisor-only for
	 * the kernel-mode cases (the host refuses a kernel fetch from a user
	 * page, as SMEP does), user-accessible for the user SYSCALL.
	 */
	for (i = 0; i < 512; i++)
		phys(pdpt)[i] = phys(pd)[i] = phys(pt)[i] = 0;
	pml4[255] = pdpt | 7;
	phys(pdpt)[511] = pd | 7;
	phys(pd)[511] = pt | 7;
	phys(pt)[511] = code | 3;
	memset(c, 0xcc, 4096);

	/* A hypercall in the last two bytes: it returns to 0x800000000000. */
	c[4094] = 0x0f;
	c[4095] = 0x05;					/* syscall */
	i = gps;
	run_at(LAST_TWO, PV_HC_GET_FEATURES, 0);
	expect_gp("hypercall at 0x7ffffffffffe", i);

	/* An emulated read of CR0 in the last three: RIP steps past it. */
	c[4093] = 0x0f;
	c[4094] = 0x20;
	c[4095] = 0xc0;					/* mov %cr0, %rax */
	i = gps;
	run_at(LAST_THREE, 0, 0);
	expect_gp("emulated mov %cr0 at 0x7ffffffffffd", i);

	/* A user SYSCALL there: the kernel sees the RIP after it. */
	c[4094] = 0x0f;
	c[4095] = 0x05;
	phys(pt)[511] = code | 7;
	check(hypercall6(PV_HC_FLUSH_TLB, TOP_PAGE, 1, 0, 0, 0, 0) == 0);
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	enter_user(LAST_TWO, TOP_PAGE + 2048);
	printk("user syscall at 0x7ffffffffffe: vector %lu rip %lx\n",
	       user_vector, user_rip);
	check(user_vector == 1 && user_rip == NONCANONICAL);

	printk("the host survived every non-canonical RIP\n");
	return SUCCESS;
}
