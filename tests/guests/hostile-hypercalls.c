// SPDX-License-Identifier: GPL-2.0
/*
 * 100000 hypercalls with random numbers and random arguments.  Calls that
 * would end, stop or redirect this guest on purpose (shutdown, halt,
 * ERETU/ERETS, LOAD_CR3, VCPU_REGISTER, the event entry MSR) are left
 * out; everything
 * else, defined or not, gets garbage.  The host must answer each one and
 * stay healthy; the guest must survive to give its verdict.
 *
 * make soak (scripts/soak) asks for more on the command line:
 *   hc=N    N random hypercalls (default 100000)
 *   pte=N   N rounds of page-table garbage: random entries written into
 *           tables of the guest's own (lower half, every table and page a
 *           page of a 2 MiB pool), random flushes, then random reads and
 *           writes of the lower half; faults come back as #PF events
 *   mmio=N  N random MMIO accesses (every size, load and store, forms
 *           the decoder takes and forms it refuses) to random addresses
 *           in a 256 MiB window that is not RAM
 *   seed=N  the random stream
 * Every fault the garbage earns is an event the guest handles; any other
 * event, or the guest's own memory changing under it, fails the guest.
 */
#include "lib/pv_guest.h"

#define ITERATIONS	100000

static unsigned long state = 0x9e3779b97f4a7c15UL;

static unsigned long rnd(void)
{
	state ^= state << 13;
	state ^= state >> 7;
	state ^= state << 17;
	return state;
}

/* Garbage, but often the kind of garbage a bug would produce. */
static long arg(void)
{
	switch (rnd() % 6) {
	case 0: return 0;
	case 1: return -1;
	case 2: return rnd() & 0xfff;
	case 3: return PV_DIRECT_MAP_BASE + (rnd() & 0xfffffff);
	case 4: return PV_GUARD_HOLE_START + (rnd() & 0xffffff);
	default: return rnd();
	}
}

static unsigned int events;

#define MSR_IA32_FRED_STKLVLS	0x1d0

/* Where a touch that faults resumes; 0 outside a touch. */
static unsigned long fixup;
static unsigned long faults[32];

void event_handler(struct pv_event_frame *f)
{
	if (fixup) {
		faults[f->ss >> 32 & 31]++;
		f->rip = fixup;
		fixup = 0;
		return;
	}
	events++;
}

/*
 * 2 MiB, so that a large page the host honours at the pool's first frame
 * covers the pool and nothing else; frames are taken from its first
 * POOL_HOT pages and entries written at low indices, where lower_va()
 * looks, so that walks often get deep.
 */
#define POOL_PAGES	512
#define POOL_HOT	64
static unsigned long pool[POOL_PAGES][512] __attribute__((aligned(2 << 20)));

static unsigned long pool_pa(void)
{
	return __pa_kernel(pool);
}

/* A page-table entry of garbage, but one whose frame is in the pool. */
static unsigned long pool_entry(void)
{
	unsigned long e = pool_pa() + (rnd() % POOL_HOT) * 4096;

	e |= rnd() & 0xfff;			/* P, W, U, PWT, PCD, A, D, PS, G, ... */
	if (rnd() % 4)
		e |= 1;				/* mostly present */
	e |= rnd() & 0xfff0000000000000UL;	/* NX, protection keys, ignored */
	return e;
}

static unsigned long *pool_table(unsigned long e)
{
	return (unsigned long *)(PV_DIRECT_MAP_BASE + (e & 0x000ffffffffff000UL));
}

static int in_pool(unsigned long e)
{
	unsigned long pa = e & 0x000ffffffffff000UL;

	return pa >= pool_pa() && pa < pool_pa() + sizeof(pool);
}

/*
 * Would a write to @va land in the pool?  Yes when the walk meets a
 * non-present entry (a fault) or ends in a 4 KiB pool page; a large page
 * could reach past the pool, into this guest's own kernel: no write then.
 */
static int write_is_safe(unsigned long *pml4, unsigned long va)
{
	unsigned long *t = pml4, e;
	int level;

	for (level = 3; level >= 0; level--) {
		e = t[va >> (12 + 9 * level) & 511];
		if (!(e & 1))
			return 1;
		if ((level && (e & 0x80)) || !in_pool(e))
			return 0;
		t = pool_table(e);
	}
	return 1;
}

static unsigned long pool_entry(void);

/*
 * One load or store at @va; a fault resumes after it.  What a store
 * writes lands in a pool page, which may be a page table too: it is an
 * entry like any other, its frame in the pool (a random value would point
 * a table outside guest memory, and the host rightly stops the vCPU).
 */
static void touch(unsigned long va, int write)
{
	unsigned long v = pool_entry();

	if (write)
		asm volatile("leaq 1f(%%rip), %%rax\n\t"
			     "movq %%rax, fixup(%%rip)\n\t"
			     "movq %1, (%0)\n"
			     "1:\tmovq $0, fixup(%%rip)"
			     : : "r" (va), "r" (v) : "rax", "memory");
	else
		asm volatile("leaq 1f(%%rip), %%rax\n\t"
			     "movq %%rax, fixup(%%rip)\n\t"
			     "movq (%0), %%rax\n"
			     "1:\tmovq $0, fixup(%%rip)"
			     : : "r" (va) : "rax", "memory");
}

static unsigned long lower_va(void)
{
	/* PML4 slots 0..3, few tables per level: walks meet again often. */
	return (rnd() % 4) << 39 | (rnd() % 8) << 30 | (rnd() % 8) << 21 |
	       (rnd() % 64) << 12 | (rnd() & 0xff8);
}

static void page_table_garbage(unsigned long rounds)
{
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long r, i, va, touches = 0, writes = 0, f = 0;

	for (r = 0; r < rounds; r++) {
		/* A few entries anywhere in the pool, one in PML4 slots 0..3. */
		for (i = 0; i < 4; i++) {
			unsigned long *e = &pool[rnd() % POOL_HOT][rnd() % 4 ? rnd() % 64 : rnd() % 512];

			*e = rnd() % 8 ? pool_entry() : rnd() & ~1UL;	/* or not present */
		}
		if (rnd() % 4 == 0)
			pml4[rnd() % 4] = pool_entry();
		switch (rnd() % 4) {
		case 0:		/* a full flush: shadows drop, walks start over */
			hypercall2(PV_HC_LOAD_CR3, boot_info->boot_pgd, 0);
			break;
		case 1:
			hypercall6(PV_HC_FLUSH_TLB, (long)lower_va(), (long)(rnd() % 16), 0, 0, 0, 0);
			break;
		default:	/* none: the shadows are stale, the guest's problem */
			break;
		}
		for (i = 0; i < 8; i++, touches++) {
			va = lower_va();
			touch(va, 0);
		}
		/* Writes only right after a full flush, through 4 KiB pool pages. */
		hypercall2(PV_HC_LOAD_CR3, boot_info->boot_pgd, 0);
		for (i = 0; i < 4; i++) {
			va = lower_va();
			if (write_is_safe(pml4, va)) {
				touch(va, 1);
				writes++;
			}
		}
	}
	for (i = 0; i < 32; i++)
		f += faults[i];
	/* Leave the lower half empty again. */
	for (i = 0; i < 4; i++)
		pml4[i] = 0;
	hypercall2(PV_HC_LOAD_CR3, boot_info->boot_pgd, 0);
	printk("%lu rounds of page-table garbage: %lu reads, %lu writes, %lu faults (%lu #PF)\n",
	       rounds, touches, writes, f, faults[14]);
}

#define MMIO_VA		(4UL << 39)
#define MMIO_WINDOW	(256UL << 20)	/* not RAM; pvrun's devices start above */

/* One access by @insn (%rdi the address, %rdx the data); a fault resumes after it. */
#define MMIO(insn)							\
	asm volatile("leaq 1f(%%rip), %%rax\n\t"			\
		     "movq %%rax, fixup(%%rip)\n\t"			\
		     insn "\n"						\
		     "1:\tmovq $0, fixup(%%rip)"				\
		     : "+d" (v) : "D" (va) : "rax", "memory", "cc")

/* One random MMIO access at @va: a size, a direction, a form. */
static void mmio_one(unsigned long va)
{
	unsigned long v = rnd();

	switch (rnd() % 12) {
	case 0: MMIO("movb (%%rdi), %%dl"); break;
	case 1: MMIO("movw (%%rdi), %%dx"); break;
	case 2: MMIO("movl (%%rdi), %%edx"); break;
	case 3: MMIO("movq (%%rdi), %%rdx"); break;
	case 4: MMIO("movb %%dl, (%%rdi)"); break;
	case 5: MMIO("movw %%dx, (%%rdi)"); break;
	case 6: MMIO("movl %%edx, (%%rdi)"); break;
	case 7: MMIO("movq %%rdx, (%%rdi)"); break;
	case 8: MMIO("movzbl (%%rdi), %%edx"); break;
	/* Forms the decoder refuses: a #GP, which the fixup takes. */
	case 9: MMIO("addq (%%rdi), %%rdx"); break;
	case 10: MMIO("incl (%%rdi)"); break;
	default: MMIO("xchgq %%rdx, (%%rdi)"); break;
	}
}

static void random_mmio(unsigned long n)
{
	static unsigned long pdpt[512] __attribute__((aligned(4096)));
	unsigned long *pml4 = (unsigned long *)(PV_DIRECT_MAP_BASE + boot_info->boot_pgd);
	unsigned long i, f = 0;

	for (i = 0; i < 32; i++)
		faults[i] = 0;
	pdpt[0] = (3UL << 30) | 0x83;		/* P | W | PS: 3 GiB, not RAM */
	pml4[MMIO_VA >> 39] = __pa_kernel(pdpt) | 0x3;
	hypercall2(PV_HC_LOAD_CR3, boot_info->boot_pgd, 0);
	for (i = 0; i < n; i++)
		mmio_one(MMIO_VA + (rnd() % MMIO_WINDOW) - (rnd() % 2 ? 0 : rnd() % 8));
	pml4[MMIO_VA >> 39] = 0;
	hypercall2(PV_HC_LOAD_CR3, boot_info->boot_pgd, 0);
	for (i = 0; i < 32; i++)
		f += faults[i];
	printk("%lu random MMIO accesses: %lu faults (%lu #GP, %lu #PF)\n",
	       n, f, faults[13], faults[14]);
}

enum verdict test_main(void)
{
	static const char dots[16] = "................";
	static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
	unsigned long nr, i, issued = 0, n = param("hc", ITERATIONS);
	unsigned long pte = param("pte", 0), mmio = param("mmio", 0);
	long r, a1;

	state ^= param("seed", 0) * 0xff51afd7ed558ccdUL;
	if (!state)
		state = 1;
	for (i = 0; i < n; i++) {
		nr = rnd() % 4 ? rnd() % (PV_HC_MAX + 4) : rnd();
		if (nr == PV_HC_SHUTDOWN || nr == PV_HC_HALT || nr == PV_HC_ERETU ||
		    nr == PV_HC_ERETS || nr == PV_HC_LOAD_CR3 ||
		    nr == PV_HC_VCPU_REGISTER)
			continue;
		a1 = arg();
		if (nr == PV_HC_WRMSR && a1 == MSR_IA32_FRED_CONFIG)
			continue;
		/*
		 * The host writes where these point, and a direct-map address
		 * is this guest's own memory: its code, its stack, its page
		 * tables (make soak's first real run died of counts written
		 * over its own code).  Such an address goes into the pool.
		 */
		if ((nr == PV_HC_EXIT_COUNTS || nr == PV_HC_CONSOLE_READ) &&
		    (((unsigned long)a1 >= PV_DIRECT_MAP_BASE &&
		      (unsigned long)a1 < PV_DIRECT_MAP_BASE + (1UL << 40)) ||
		     (unsigned long)a1 >= PV_KERNEL_MAP_BASE))
			a1 = (long)pool + (long)(rnd() % (1 << 20));
		if (nr == PV_HC_CONSOLE_WRITE) {
			/* Now and then real output; else garbage pointers. */
			if (rnd() % 64)
				a1 = rnd() % 2 ? 0 : PV_GUARD_HOLE_START;
			else
				a1 = (long)dots;
			r = hypercall2(nr, a1, a1 == (long)dots ? (long)(rnd() % 16) : arg());
		} else {
			r = hypercall6(nr, a1, arg(), arg(), arg(), arg(), arg());
		}
		(void)r;
		issued++;
	}
	printk("\n%lu random hypercalls issued and answered, %u events\n",
	       issued, events);
	check(events == 0);
	if (pte || mmio) {
		check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
		check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
		/*
		 * Random WRMSRs gave exceptions random stack levels, whose
		 * stacks (FRED_RSP1..3, random too) may be this guest's own
		 * code and data: the faults to come were delivered there and
		 * ate what follows (the page-table round's line went missing).
		 */
		check(wrmsr_pv(MSR_IA32_FRED_STKLVLS, 0) == 0);
	}
	/* Whatever the hypercalls wrote into the pool goes. */
	memset(pool, 0, sizeof(pool));
	if (pte)
		page_table_garbage(pte);
	if (mmio)
		random_mmio(mmio);
	check(events == 0);
	return SUCCESS;
}
