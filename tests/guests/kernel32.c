// SPDX-License-Identifier: GPL-2.0
/*
 * The host decodes and carries out instructions for the guest kernel
 * (emulate.c: port I/O, ERETS and ERETU, MSR and CR reads) only in its
 * flat 64-bit code.  A guest kernel that far-returns into a 32-bit code
 * segment (PV_USER32_CS, there in every GDT) and runs the same bytes
 * there gets the #GP or #UD they raise, at the instruction: "in $0x80"
 * (e4 80) must not read all ones and step on, ERETS (f2 0f 01 ca) must
 * not take a frame, the fast path's included.  Before the check had a
 * test, nothing said so.
 */
#include "lib/pv_guest.h"

#define MiB		(1UL << 20)
#define CODE32		0x400000UL	/* a supervisor page, low enough */
#define STACK32		0x402000UL	/* the top of a supervisor stack page */
#define DATA32		0x403000UL	/* a supervisor page nothing touched yet */

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct pv_event_frame seen;
static unsigned int events;
extern char back64[];
unsigned long saved_rsp;

void event_handler(struct pv_event_frame *f)
{
	seen = *f;
	events++;
	/* Back to 64-bit code: the frame's CS is the kernel's own. */
	f->rip = (unsigned long)back64;
	f->rsp = saved_rsp;
}

/* Run the 32-bit code at @at until its first event; that event's frame. */
static void run32(unsigned long at)
{
	asm volatile("push %%rbp\n"
		     "mov %%rsp, saved_rsp(%%rip)\n"
		     "mov %[stack], %%rsp\n"
		     "pushq %[cs]\n"
		     "pushq %[at]\n"
		     "lretq\n"
		     ".globl back64\n"
		     "back64:\n"
		     "pop %%rbp\n"
		     : : [at] "r" (at), [cs] "i" (PV_USER32_CS), [stack] "i" (STACK32)
		     : "rax", "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "r12", "r13", "r14", "r15", "memory");
}

/* Run 32-bit code from @start: one event, @vector at @rip. */
static void expect_at(unsigned long start, unsigned long rip,
		      unsigned int vector, const char *what)
{
	unsigned int before = events;

	run32(start);
	printk("%s in 32-bit kernel code: vector %lu at %lx\n", what,
	       (unsigned long)(seen.ss >> 32 & 0xff), (unsigned long)seen.rip);
	check(events == before + 1);
	check((seen.ss >> 48 & 0xf) == PV_EVENT_HWEXC);
	check((seen.ss >> 32 & 0xff) == vector && seen.rip == rip);
}

static void expect(unsigned long rip, unsigned int vector, const char *what)
{
	expect_at(rip, rip, vector, what);
}

enum verdict test_main(void)
{
	/* in $0x80, %al; ud2 | ERETS; ud2 | ud2 | mov DATA32, %eax; ud2 */
	static const unsigned char code[] = {
		0xe4, 0x80, 0x0f, 0x0b, 0, 0, 0, 0,
		0xf2, 0x0f, 0x01, 0xca, 0x0f, 0x0b, 0, 0,
		0x0f, 0x0b, 0, 0, 0, 0, 0, 0,
		0xa1, DATA32 & 0xff, DATA32 >> 8 & 0xff, DATA32 >> 16 & 0xff,
		DATA32 >> 24, 0x0f, 0x0b,
	};
	unsigned long pml4 = boot_info->boot_pgd, pdpt = 48 * MiB, pd = pdpt + 4096,
		      pt = pd + 4096, frame = pt + 4096, stack = frame + 4096,
		      data = stack + 4096;
	unsigned int i;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	for (i = 0; i < 512; i++)
		phys(pdpt)[i] = phys(pd)[i] = phys(pt)[i] = 0;
	memcpy(phys(frame), code, sizeof(code));
	/* Supervisor pages (no User bit): the kernel may run them. */
	phys(pml4)[0] = pdpt | 3;
	phys(pdpt)[0] = pd | 3;
	phys(pd)[CODE32 >> 21] = pt | 3;
	phys(pt)[0] = frame | 1;
	phys(pt)[1] = stack | 3;
	phys(pt)[3] = data | 3;

	/* The 32-bit code runs: its ud2 is a #UD where it stands. */
	expect(CODE32 + 16, 6, "ud2");
	expect(CODE32, 13, "in $0x80");
	expect(CODE32 + 8, 6, "ERETS");
	/*
	 * An exit in 32-bit kernel code (the shadow fill for DATA32) resumes
	 * it in 32-bit code: in 64-bit code the same bytes are a load from
	 * an 8-byte address, a #PF at CODE32 + 24, not the ud2's #UD.
	 */
	expect_at(CODE32 + 24, CODE32 + 29, 6, "a shadow fill, then ud2");
	return SUCCESS;
}
