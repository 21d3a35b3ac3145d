// SPDX-License-Identifier: GPL-2.0
/*
 * NX and SMEP, as the guest's page tables say: a fetch from a page whose
 * entry (or a table above it) has NX is a #PF with P|I at that RIP, also
 * after the page was read (a data access must not leave an executable
 * shadow behind); the guest kernel fetching from a page its user mode
 * could reach is a #PF (SMEP), not from one where a table above says
 * supervisor; guest user mode fetching from an NX page is a #PF with
 * P|U|I.  Data reads of every one of those pages work.  Before the fix
 * the host ignored NX: the guest executed every one of them.  What one
 * mode touched gives the other mode only what its own walk allows (a
 * fill of a user page fills both modes' roots).  Run by
 * tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define PTE_P		0x001UL
#define PTE_W		0x002UL
#define PTE_U		0x004UL
#define PTE_NX		(1UL << 63)
#define BASE		0x400000UL	/* the PT below maps 0x400000.. */
#define BASE2		0x600000UL	/* the second PT (its PDE has NX) */
#define BASE3		0x800000UL	/* the third PT (its PDE says supervisor) */

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static unsigned char kstack[16384] __attribute__((aligned(16)));
static unsigned int faults;
static struct pv_event_frame seen;

#define VECTOR(f)	((unsigned int)((f).ss >> 32 & 0xff))

void event_handler(struct pv_event_frame *f)
{
	faults++;
	seen = *f;
	if (VECTOR(*f) == 14 && f->rip == f->event_data) {
		/* A fetch fault at a call's target: return to the caller. */
		f->rip = *(unsigned long *)f->rsp;
		f->rsp += 8;
		return;
	}
	printk("unexpected event: vector %u at %lx\n", VECTOR(*f),
	       (unsigned long)f->rip);
	test_exit(FAILURE);
}

/* The user program: jumps to the NX user page at BASE + 0x3000. */
extern char user_code[], user_code_end[];
asm(".pushsection .text\n"
    "user_code:\n"
    "	movabs $0x403000, %rax\n"
    "	call *%rax\n"
    "	ud2\n"
    "user_code_end:\n"
    /* Reads a page only it touched, its executable one, a supervisor one. */
    "user_code2:\n"
    "	movb 0x406000, %al\n"
    "	movb 0x402000, %al\n"
    "	movb 0x800000, %al\n"
    "	ud2\n"
    "user_code2_end:\n"
    /* Reads the kernel's page. */
    "user_code3:\n"
    "	movb 0x400000, %al\n"
    "	ud2\n"
    "user_code3_end:\n"
    ".popsection\n");
extern char user_code2[], user_code2_end[], user_code3[], user_code3_end[];

static struct pv_event_frame user_seen;

int user_event_handler(struct pv_event_frame *f, unsigned long *regs)
{
	(void)regs;
	user_seen = *f;
	return 1;			/* back to the kernel, whatever it was */
}

/* Expect call_at(@va) to fault on its fetch with @error; @what says why. */
static void expect_fetch_fault(unsigned long va, unsigned long error,
			       const char *what)
{
	unsigned int before = faults;
	long ret = call_at(va);

	printk("%s: %s", what, ret == 42 ? "ran\n" : "");
	if (ret != 42)
		printk("#PF error %lx at %lx, cr2 %lx\n",
		       (unsigned long)seen.error_code, (unsigned long)seen.rip,
		       (unsigned long)seen.event_data);
	check(ret == 0 && faults == before + 1);
	check(VECTOR(seen) == 14 && seen.rip == va && seen.event_data == va);
	check(seen.error_code == error);
}

enum verdict test_main(void)
{
	unsigned long pml4 = boot_info->boot_pgd, pdpt = 48 * MiB, pd = pdpt + 4096,
		      pt = pd + 4096, pt2 = pt + 4096, pt3 = pt2 + 4096,
		      frame = pt3 + 4096, ustack = frame + 4096, ucode = ustack + 4096;
	/* mov $42, %eax; ret */
	static const unsigned char ret42[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	for (i = 0; i < 512; i++)
		phys(pdpt)[i] = phys(pd)[i] = phys(pt)[i] = phys(pt2)[i] =
			phys(pt3)[i] = 0;
	memcpy(phys(frame), ret42, sizeof(ret42));
	/* User bits down to the PDEs; the PTEs decide. */
	phys(pml4)[0] = pdpt | PTE_P | PTE_W | PTE_U;
	phys(pdpt)[0] = pd | PTE_P | PTE_W | PTE_U;
	phys(pd)[BASE >> 21] = pt | PTE_P | PTE_W | PTE_U;
	phys(pd)[BASE2 >> 21] = pt2 | PTE_P | PTE_W | PTE_U | PTE_NX;
	phys(pd)[BASE3 >> 21] = pt3 | PTE_P | PTE_W;		/* supervisor */
	phys(pt)[0] = frame | PTE_P;				/* kernel, X */
	phys(pt)[1] = frame | PTE_P | PTE_NX;			/* kernel, NX */
	phys(pt)[2] = frame | PTE_P | PTE_U;			/* user, X */
	phys(pt)[3] = frame | PTE_P | PTE_U | PTE_NX;		/* user, NX */
	phys(pt)[4] = ucode | PTE_P | PTE_U;			/* user code */
	phys(pt)[5] = ustack | PTE_P | PTE_W | PTE_U;		/* user stack */
	phys(pt)[6] = frame | PTE_P | PTE_U;	/* user, X: user mode reads it first */
	phys(pt2)[0] = frame | PTE_P;				/* NX above */
	phys(pt3)[0] = frame | PTE_P | PTE_U;			/* U, not above */
	memcpy(phys(ucode), user_code, user_code_end - user_code);
	memcpy((char *)phys(ucode) + 0x100, user_code2, user_code2_end - user_code2);
	memcpy((char *)phys(ucode) + 0x200, user_code3, user_code3_end - user_code3);

	/* Every page reads as data. */
	for (i = 0; i < 4; i++)
		check(*(volatile unsigned char *)(BASE + i * 4096) == 0xb8);
	check(*(volatile unsigned char *)BASE2 == 0xb8);
	check(*(volatile unsigned char *)BASE3 == 0xb8);
	check(faults == 0);

	check(call_at(BASE) == 42);
	printk("kernel page without NX: ran\n");
	expect_fetch_fault(BASE + 0x1000, 0x11, "kernel page with NX (read first)");
	expect_fetch_fault(BASE2, 0x11, "NX in the page directory entry");
	expect_fetch_fault(BASE + 0x2000, 0x11, "user page from the kernel (SMEP)");
	expect_fetch_fault(BASE + 0x3000, 0x11, "NX user page from the kernel");
	check(call_at(BASE3) == 42);
	printk("U only in the PTE, the PDE supervisor: ran\n");
	/* Twice: the second fetch finds whatever the first left behind. */
	expect_fetch_fault(BASE + 0x1000, 0x11, "kernel page with NX, again");
	check(faults == 5);

	/* User mode jumps to its NX page. */
	shared.rsp0 = (unsigned long)kstack + sizeof(kstack);
	enter_user(BASE + 0x4000, BASE + 0x6000);
	printk("user fetch from its NX page: vector %u error %lx at %lx cr2 %lx\n",
	       VECTOR(user_seen), (unsigned long)user_seen.error_code,
	       (unsigned long)user_seen.rip, (unsigned long)user_seen.event_data);
	check(VECTOR(user_seen) == 14 && user_seen.error_code == 0x15);
	check(user_seen.rip == BASE + 0x3000 && user_seen.event_data == BASE + 0x3000);

	/*
	 * A fill of a user page serves both modes (the other mode's root is
	 * filled too), so what one mode touched must give the other only
	 * what its own walk allows: the kernel read and ran BASE3 and BASE
	 * above, yet user mode may read neither (a PDE, a PTE supervisor);
	 * user mode reads its executable page, yet the kernel still may not
	 * run it (SMEP).
	 */
	enter_user(BASE + 0x4100, BASE + 0x6000);
	printk("user read of a page its PDE makes supervisor: vector %u error %lx cr2 %lx\n",
	       VECTOR(user_seen), (unsigned long)user_seen.error_code,
	       (unsigned long)user_seen.event_data);
	check(VECTOR(user_seen) == 14 && user_seen.error_code == 0x5);
	check(user_seen.event_data == BASE3);
	enter_user(BASE + 0x4200, BASE + 0x6000);
	printk("user read of a kernel page: vector %u error %lx cr2 %lx\n",
	       VECTOR(user_seen), (unsigned long)user_seen.error_code,
	       (unsigned long)user_seen.event_data);
	check(VECTOR(user_seen) == 14 && user_seen.error_code == 0x5);
	check(user_seen.event_data == BASE);
	expect_fetch_fault(BASE + 0x2000, 0x11,
			   "user page from the kernel after user mode read it (SMEP)");
	expect_fetch_fault(BASE + 0x6000, 0x11,
			   "user page user mode filled first, from the kernel (SMEP)");
	return SUCCESS;
}
