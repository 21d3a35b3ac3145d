// SPDX-License-Identifier: GPL-2.0
/*
 * costs: the hypervisor's own micro-costs, measured by a test guest (make
 * bench).  Each line "COST name ns N cycles C exits E" gives the mean cost
 * of one operation in pvclock nanoseconds and host TSC cycles, and the
 * exits it took (PV_HC_EXIT_COUNTS):
 *   hypercall      PV_HC_GET_FEATURES, SYSCALL to the host and back
 *   exception      #UD in the guest kernel, delivered to its handler and
 *                  returned from with ERETS
 *   shadow-fill    the first touch of a 4 KiB page the host has not
 *                  shadowed yet
 *   cr3-switch     PV_HC_LOAD_CR3, with the shadow fills that follow it
 *                  for the loop's own code and stack
 *   timer-latency  from a one-shot timer's deadline to its handler (the
 *                  median of 51, interrupts enabled, the guest spinning;
 *                  cycles converted from ns with pvclock's scale)
 */
#include "../guests/lib/pv_guest.h"

#define VECTOR_TIMER	0xec
#define MiB		(1UL << 20)
#define FILL_BASE	(64 * MiB)	/* guest RAM the fills touch */
#define FILL_PAGES	2048
#define LATENCY_RUNS	51

static struct pv_vcpu_shared shared __attribute__((aligned(4096)));
static struct pv_exit_counts counts_before, counts_after;
static volatile unsigned long tick_ns;
static volatile unsigned int ticks;

static unsigned long now(void)
{
	return pvclock_ns(&shared);
}

/* pvclock's scale backwards: the TSC cycles of @ns (under 4 s). */
static unsigned long ns_to_cycles(unsigned long ns)
{
	const struct pv_pvclock *c = &shared.clock;
	unsigned long cycles = (ns << 32) / c->tsc_to_system_mul;

	return c->tsc_shift < 0 ? cycles << -c->tsc_shift : cycles >> c->tsc_shift;
}

void event_handler(struct pv_event_frame *f)
{
	unsigned int type = f->ss >> 48 & 0xf;

	if (type == PV_EVENT_EXTINT) {
		tick_ns = now();
		ticks++;
		return;
	}
	f->rip += 2;	/* the ud2 */
}

static void irq_enable(void)
{
	shared.irq_enabled = 1;
	asm volatile("" ::: "memory");
	if (shared.irq_pending)
		hypercall0(PV_HC_IRQ_WINDOW);
}

static struct {
	unsigned long ns, cycles;
} start;

static void begin(void)
{
	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts_before,
			 sizeof(counts_before)) == sizeof(counts_before));
	start.cycles = pv_rdtsc();
	start.ns = now();
}

/* Print the mean of @n operations since begin(), to a tenth. */
static void end(const char *name, unsigned long n)
{
	unsigned long ns = now() - start.ns, cycles = pv_rdtsc() - start.cycles;
	unsigned long exits;

	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&counts_after,
			 sizeof(counts_after)) == sizeof(counts_after));
	/* (the second PV_HC_EXIT_COUNTS is one exit of its own) */
	exits = counts_after.exits - counts_before.exits - 1;
	printk("COST %s ns %lu.%lu cycles %lu exits %lu.%lu\n", name,
	       ns / n, ns * 10 / n % 10, cycles / n, exits / n,
	       exits * 10 / n % 10);
}

static void ud2(void)
{
	asm volatile("ud2" ::: "memory");
}

enum verdict test_main(void)
{
	unsigned long boot = boot_info->boot_pgd, lat[LATENCY_RUNS];
	unsigned long i, j, t;

	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall2(PV_HC_IRQ_BIND, PV_LINE_TIMER, VECTOR_TIMER) == 0);

	begin();
	for (i = 0; i < 20000; i++)
		hypercall0(PV_HC_GET_FEATURES);
	end("hypercall", 20000);

	begin();
	for (i = 0; i < 5000; i++)
		ud2();
	end("exception", 5000);

	/* A reload drops every shadow entry; then each page fills once. */
	check(hypercall2(PV_HC_LOAD_CR3, boot, 0) == 0);
	begin();
	for (i = 0; i < FILL_PAGES; i++)
		*(volatile char *)(PV_DIRECT_MAP_BASE + FILL_BASE + i * 4096);
	end("shadow-fill", FILL_PAGES);

	begin();
	for (i = 0; i < 2000; i++)
		hypercall2(PV_HC_LOAD_CR3, boot, 0);
	end("cr3-switch", 2000);

	irq_enable();
	for (i = 0; i < LATENCY_RUNS; i++) {
		unsigned int before = ticks;
		unsigned long deadline = now() + 200000;

		check(hypercall2(PV_HC_SET_TIMER, deadline, 0) == 0);
		while (ticks == before)
			;
		lat[i] = tick_ns - deadline;
	}
	for (i = 1; i < LATENCY_RUNS; i++)	/* insertion sort */
		for (j = i; j > 0 && lat[j - 1] > lat[j]; j--) {
			t = lat[j];
			lat[j] = lat[j - 1];
			lat[j - 1] = t;
		}
	t = lat[LATENCY_RUNS / 2];
	printk("COST timer-latency ns %lu.0 cycles %lu\n", t, ns_to_cycles(t));
	return SUCCESS;
}
