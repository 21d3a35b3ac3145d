// SPDX-License-Identifier: GPL-2.0
/*
 * IPIs reach a vCPU that spins in the guest with interrupts on at once,
 * not at the host's next tick: vCPU 1 loops without a hypercall (no
 * transition of its own to pick a line up at), vCPU 0 sends it an IPI and
 * waits for its handler's answer in memory, 200 times, each time once it
 * has seen vCPU 1 run beside it (its loop counting).  The host's kick
 * (an IPI to the host CPU vCPU 1's thread runs on) is what makes it
 * exit; without it, an IPI would wait for the next host interrupt there
 * (a tick: 4 ms at Debian's HZ=250).  The median round trip must stay
 * under max_rtt_us (default 2000, half that tick); the minimum, median
 * and maximum are printed.  The pvclock is one clock for both vCPUs.  Run with pvrun --smp 2 (ipi-latency.args).
 */
#include "lib/pv_guest.h"

#define VECTOR_IPI	0xf0
#define ROUNDS		200
#define STACK_SIZE	16384

static struct pv_vcpu_shared shared[2] __attribute__((aligned(4096)));
static unsigned char ap_stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile unsigned int seq, taken, answered, ap_ready;
static volatile unsigned long beat;		/* vCPU 1's loop, counting */
static unsigned long rtt[ROUNDS];
static unsigned long halting;	/* halt=1: vCPU 1 halts between IPIs instead */

/* vCPU 1's IPI handler: note the round; the loop answers. */
void event_handler(struct pv_event_frame *f)
{
	unsigned int type = f->ss >> 48 & 0xf, vector = f->ss >> 32 & 0xff;

	if (type != PV_EVENT_EXTINT || vector != VECTOR_IPI) {
		printk("unexpected event type %u vector %u\n", type, vector);
		test_exit(FAILURE);
	}
	taken = seq;
}

void ap_main(void);

void ap_main(void)
{
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared[1]), 0) == 0);
	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	check(hypercall6(PV_HC_IRQ_BIND, PV_LINE_IPI_FIRST, VECTOR_IPI, 1,
			 0, 0, 0) == 0);
	shared[1].irq_enabled = 1;
	ap_ready = 1;
	/*
	 * Spin, interrupts on, never asking the host for anything.  The
	 * answer comes from here, not from the handler: the next IPI is sent
	 * once this vCPU runs its loop again, in the guest, not while it is
	 * still in the host returning from the last one (which would pick
	 * the line up without a kick).
	 */
	for (;;) {
		if (answered != taken)
			answered = taken;
		beat++;
		if (halting) {
			/* As Linux's idle: halt with interrupts off, then on. */
			shared[1].irq_enabled = 0;
			if (answered == taken)
				hypercall0(PV_HC_HALT);
			shared[1].irq_enabled = 1;
			if (shared[1].irq_pending)
				hypercall0(PV_HC_IRQ_WINDOW);
		}
		asm volatile("pause" ::: "memory");
	}
}

asm(".text\n"
    ".globl ap_entry\n"
    "ap_entry: and $-16, %rsp; call ap_main; ud2\n");
extern char ap_entry[];

static void sort(unsigned long *a, unsigned int n)
{
	unsigned int i, j;
	unsigned long t;

	for (i = 1; i < n; i++)
		for (j = i; j && a[j - 1] > a[j]; j--) {
			t = a[j];
			a[j] = a[j - 1];
			a[j - 1] = t;
		}
}

/*
 * Is vCPU 1 running now, on another host CPU?  Its loop must count three
 * times while we watch, and we must not lose our own CPU meanwhile (a
 * gap of over 200 us between two of our clock readings): a vCPU whose
 * thread shares our host CPU counts only while we are off it.  A round
 * trip to a vCPU whose thread waits for a host CPU measures the host's
 * scheduler, not the kick.
 */
static int ap_running(void)
{
	unsigned long b = beat, t0 = pvclock_ns(&shared[0]), last = t0, t;
	unsigned int changes = 0;

	while ((t = pvclock_ns(&shared[0])) - t0 < 1000000) {
		if (t - last > 200000)
			return 0;
		last = t;
		if (beat != b) {
			b = beat;
			if (++changes == 3)
				return 1;
		}
	}
	return 0;
}

/*
 * One round trip, or 0 when it proves nothing: we lost our own host CPU
 * while waiting (a gap of over 500 us in our loop).
 */
static unsigned long round_trip(unsigned int round)
{
	unsigned long t0, last, t;

	seq = round;
	t0 = last = pvclock_ns(&shared[0]);
	check(hypercall2(PV_HC_SEND_IPI, 1UL << 1, PV_LINE_IPI_FIRST) == 0);
	while (answered != round) {
		t = pvclock_ns(&shared[0]);
		if (t - last > 500000) {
			while (answered != round)
				;
			return 0;
		}
		last = t;
	}
	return pvclock_ns(&shared[0]) - t0;
}

enum verdict test_main(void)
{
	unsigned long bound = param("max_rtt_us", 2000) * 1000;
	unsigned int i, tries = 0, rounds = 0;

	halting = param("halt", 0);

	check(boot_info->nr_vcpus == 2);
	check(hypercall2(PV_HC_VCPU_REGISTER, __pa_kernel(&shared[0]), 0) == 0);
	check(hypercall6(PV_HC_VCPU_START, 1, (long)ap_entry,
			 (long)ap_stack + STACK_SIZE, boot_info->boot_pgd, 0, 0) == 0);
	while (!ap_ready)
		;
	for (i = 0; i < ROUNDS; ) {
		while (!halting && !ap_running()) {
			/* Long without vCPU 1 beside us: the host has one CPU. */
			if (++tries > 20000) {
				printk("vCPU 1 never ran beside vCPU 0: nothing to measure\n");
				return SKIP;
			}
		}
		rtt[i] = round_trip(++rounds);
		if (rtt[i])
			i++;
		else if (++tries > 20000)
			return SKIP;
	}
	sort(rtt, ROUNDS);
	printk("IPI round trip to a spinning vCPU: min %lu us, median %lu us, max %lu us\n",
	       rtt[0] / 1000, rtt[ROUNDS / 2] / 1000, rtt[ROUNDS - 1] / 1000);
	check(rtt[ROUNDS / 2] < bound);
	return SUCCESS;
}
