// SPDX-License-Identifier: GPL-2.0
/*
 * SMP: vCPU 0 starts the others with PV_HC_VCPU_START (bad arguments and
 * a second start refused); every vCPU registers its own shared page and
 * event entry; all of them add to one counter with locked instructions
 * and write their own pages at once (the host sets the guest's Accessed
 * and Dirty bits under them); IPIs go both ways and wake halted vCPUs,
 * one hypercall for a whole mask; a vCPU that stops itself
 * (PV_HC_VCPU_STOP) starts again afresh.  Run with pvrun --smp 2 or more
 * (tests/guests/smp.args), up to 64 (tests/host/guest-smp64.t).
 */
#include "lib/pv_guest.h"

#define VECTOR_IPI	0xf0
#define LINE_IPI	PV_LINE_IPI_FIRST
#define MAX_CPUS	64
#define ROUNDS		200000	/* per vCPU, with up to 8 (then fewer) */
#define STACK_SIZE	16384

static struct pv_vcpu_shared ap_shared[MAX_CPUS] __attribute__((aligned(4096)));
static unsigned char ap_stack[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
/* One page each to write, so that each vCPU dirties its own mappings. */
static unsigned char scribble[MAX_CPUS][4096] __attribute__((aligned(4096)));

static volatile unsigned long counter;
static volatile unsigned int ipis[MAX_CPUS];	/* IPIs each vCPU took */
static volatile unsigned int done;		/* APs that finished */
static volatile struct pv_vcpu_shared *shared_of[MAX_CPUS];
static volatile unsigned int reborn;		/* vCPU 1's second life */
static unsigned long rounds;			/* of work() */

/* Which vCPU runs this: known by the stack it runs on. */
static unsigned int this_cpu(void)
{
	unsigned long sp = (unsigned long)__builtin_frame_address(0);
	unsigned int i;

	for (i = 1; i < MAX_CPUS; i++)
		if (sp >= (unsigned long)ap_stack[i] &&
		    sp < (unsigned long)ap_stack[i] + STACK_SIZE)
			return i;
	return 0;
}

void event_handler(struct pv_event_frame *f)
{
	unsigned int type = f->ss >> 48 & 0xf, vector = f->ss >> 32 & 0xff;

	if (type != PV_EVENT_EXTINT || vector != VECTOR_IPI) {
		printk("vCPU %u: unexpected event type %u vector %u at %lx\n",
		       this_cpu(), type, vector, (unsigned long)f->rip);
		test_exit(FAILURE);
	}
	__atomic_fetch_add(&ipis[this_cpu()], 1, __ATOMIC_SEQ_CST);
}

/*
 * Sleep until *@word reaches @value, without losing a wake-up: interrupts
 * stay off from the test to the halt, which returns as soon as a line is
 * pending; enabling them then delivers it.
 */
static void wait_for(volatile unsigned int *word, unsigned int value)
{
	volatile struct pv_vcpu_shared *sh = shared_of[this_cpu()];

	for (;;) {
		sh->irq_enabled = 0;
		asm volatile("" ::: "memory");
		if (*word >= value)
			break;
		hypercall0(PV_HC_HALT);
		sh->irq_enabled = 1;
		asm volatile("" ::: "memory");
		if (sh->irq_pending)
			hypercall0(PV_HC_IRQ_WINDOW);
	}
	sh->irq_enabled = 1;
}

/* What every vCPU does: count, scribble over its own page. */
static void work(unsigned int cpu)
{
	unsigned long i;

	for (i = 0; i < rounds; i++) {
		__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
		scribble[cpu][(i * 64) % 4096] = cpu + 1;
	}
}

static void cpu_setup(unsigned int cpu)
{
	shared_of[cpu]->irq_enabled = 0;
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	/* A line of one's own, named as such. */
	check(hypercall6(PV_HC_IRQ_BIND, LINE_IPI, VECTOR_IPI, cpu, 0, 0, 0) == 0);
	shared_of[cpu]->irq_enabled = 1;
}

void ap_main(unsigned long cpu);

void ap_main(unsigned long cpu)
{
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&ap_shared[cpu]), 0) == 0);
	check(ap_shared[cpu].clock.tsc_to_system_mul != 0);
	shared_of[cpu] = &ap_shared[cpu];
	cpu_setup(cpu);
	/* A started vCPU cannot be started again, not even by itself. */
	check(hypercall6(PV_HC_VCPU_START, cpu, (long)ap_main, 0,
			 boot_info->boot_pgd, 0, 0) == -PV_EBUSY);
	work(cpu);
	__atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
	check(hypercall2(PV_HC_SEND_IPI, 1UL << 0, LINE_IPI) == 0);
	/* vCPU 0 answers all of us with one IPI; then vCPU 1 goes down. */
	wait_for(&ipis[cpu], 1);
	__atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
	if (cpu == 1)
		hypercall0(PV_HC_VCPU_STOP);
	for (;;)
		hypercall0(PV_HC_HALT);
}

/* vCPU 1 again: nothing of its first life is left (abi.rst). */
void ap_reborn(unsigned long cpu);

void ap_reborn(unsigned long cpu)
{
	unsigned long entry = ~0UL;

	asm volatile("syscall" : "=a" (entry)
		     : "a" (PV_HC_RDMSR), "D" (MSR_IA32_FRED_CONFIG)
		     : "rcx", "r11", "memory");
	check(entry == 0);
	check(cpu == 1);
	reborn = 1;
	for (;;)
		hypercall0(PV_HC_HALT);
}

/* The APs' first instruction: %rsp and %rdi come from VCPU_START. */
asm(".text\n"
    ".globl ap_entry\n"
    "ap_entry:\n"
    "	and $-16, %rsp\n"
    "	call ap_main\n"
    "	ud2\n");
extern char ap_entry[];

asm(".text\n"
    ".globl ap_reborn_entry\n"
    "ap_reborn_entry:\n"
    "	and $-16, %rsp\n"
    "	call ap_reborn\n"
    "	ud2\n");
extern char ap_reborn_entry[];

static long start(unsigned long cpu, unsigned long rip, unsigned long rsp,
		  unsigned long cr3)
{
	return hypercall6(PV_HC_VCPU_START, cpu, rip, rsp, cr3, cpu, 0);
}

enum verdict test_main(void)
{
	unsigned long pgd = boot_info->boot_pgd, rip = (unsigned long)ap_entry;
	unsigned int n = boot_info->nr_vcpus, i;
	unsigned long all;
	long ret;

	printk("%u vCPUs\n", n);
	check(n >= 2 && n <= MAX_CPUS);
	all = n == 64 ? ~0UL : (1UL << n) - 1;
	rounds = n <= 8 ? ROUNDS : ROUNDS * 8 / n;
	shared_of[0] = (void *)(PV_DIRECT_MAP_BASE + boot_info->vcpu0_shared);
	cpu_setup(0);

	/* The last vCPU up cannot stop: nothing could start it again. */
	check(hypercall0(PV_HC_VCPU_STOP) == -PV_EBUSY);

	/* Bad starts: each refused with its error, nothing started. */
	check(start(0, rip, 0, pgd) == -PV_EBUSY);
	check(start(n, rip, 0, pgd) == -PV_EINVAL);
	check(start(64000, rip, 0, pgd) == -PV_EINVAL);
	check(start(1, 1UL << 63, 0, pgd) == -PV_EINVAL);
	check(start(1, PV_GUARD_HOLE_START, 0, pgd) == -PV_EINVAL);
	check(start(1, rip, 0, pgd + 1) == -PV_EINVAL);
	check(start(1, rip, 0, 1UL << 40) == -PV_EINVAL);
	/* A mask naming a vCPU that is not there raises nothing. */
	if (n < 64) {
		check(hypercall2(PV_HC_SEND_IPI, 1UL << n | 1, LINE_IPI) == -PV_EINVAL);
		check(hypercall2(PV_HC_SEND_IPI, ~0UL, LINE_IPI) == -PV_EINVAL);
	}
	check(ipis[0] == 0 && shared_of[0]->pending_lines == 0);
	/* Only IPI lines: not the timer's, not a device's. */
	check(hypercall2(PV_HC_SEND_IPI, 2, PV_LINE_TIMER) == -PV_EINVAL);
	check(hypercall2(PV_HC_SEND_IPI, 2, 1) == -PV_EINVAL);
	check(hypercall2(PV_HC_SEND_IPI, 2, PV_LINE_IPI_FIRST - 1) == -PV_EINVAL);
	check(hypercall2(PV_HC_SEND_IPI, 2, PV_NR_LINES) == -PV_EINVAL);
	/* Binding names a vCPU that is there, and a vector of 32..255. */
	check(hypercall6(PV_HC_IRQ_BIND, LINE_IPI, VECTOR_IPI, n, 0, 0, 0) == -PV_EINVAL);
	check(hypercall6(PV_HC_IRQ_BIND, LINE_IPI, VECTOR_IPI, 1UL << 32, 0, 0, 0) ==
	      -PV_EINVAL);
	check(hypercall6(PV_HC_IRQ_BIND, PV_NR_LINES, VECTOR_IPI, 0, 0, 0, 0) == -PV_EINVAL);
	check(hypercall6(PV_HC_IRQ_BIND, LINE_IPI, 31, 0, 0, 0, 0) == -PV_EINVAL);
	/* An empty mask is nothing to do. */
	check(hypercall2(PV_HC_SEND_IPI, 0, LINE_IPI) == 0);

	/* An IPI to oneself arrives like any line. */
	check(hypercall2(PV_HC_SEND_IPI, 1UL << 0, LINE_IPI) == 0);
	wait_for(&ipis[0], 1);

	for (i = 1; i < n; i++)
		check(start(i, rip, (unsigned long)ap_stack[i] + STACK_SIZE,
			    pgd) == 0);
	check(start(1, rip, (unsigned long)ap_stack[1] + STACK_SIZE, pgd) ==
	      -PV_EBUSY);
	work(0);

	/*
	 * Each AP says it is done in memory, then rings with an IPI: IPIs on
	 * one line coalesce like any interrupt, so they are not counted.
	 */
	wait_for(&done, n - 1);
	check(ipis[0] >= 2);
	printk("counter %lu, expected %lu\n", counter, n * rounds);
	check(counter == n * rounds);
	for (i = 0; i < n; i++)
		check(scribble[i][64] == i + 1);

	/* And every AP wakes from its halt on one IPI from here. */
	check(hypercall2(PV_HC_SEND_IPI, all & ~1UL, LINE_IPI) == 0);
	while (done != 2 * (n - 1))
		;
	for (i = 1; i < n; i++)
		check(ipis[i] == 1);

	/* vCPU 1 stopped itself: it can be started again, at a new place. */
	do
		ret = start(1, (unsigned long)ap_reborn_entry,
			    (unsigned long)ap_stack[1] + STACK_SIZE, pgd);
	while (ret == -PV_EBUSY);
	check(ret == 0);
	while (!reborn)
		;
	return SUCCESS;
}
