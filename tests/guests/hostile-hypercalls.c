// SPDX-License-Identifier: GPL-2.0
/*
 * 100000 hypercalls with random numbers and random arguments.  Calls that
 * would end, stop or redirect this guest on purpose (shutdown, halt,
 * ERETU/ERETS, LOAD_CR3, VCPU_REGISTER, the event entry MSR) are left
 * out; everything
 * else, defined or not, gets garbage.  The host must answer each one and
 * stay healthy; the guest must survive to give its verdict.
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

void event_handler(struct pv_event_frame *f)
{
	(void)f;
	events++;
}

enum verdict test_main(void)
{
	static const char dots[16] = "................";
	unsigned long nr, i, issued = 0;
	long r, a1;

	for (i = 0; i < ITERATIONS; i++) {
		nr = rnd() % 4 ? rnd() % (PV_HC_MAX + 4) : rnd();
		if (nr == PV_HC_SHUTDOWN || nr == PV_HC_HALT || nr == PV_HC_ERETU ||
		    nr == PV_HC_ERETS || nr == PV_HC_LOAD_CR3 ||
		    nr == PV_HC_VCPU_REGISTER)
			continue;
		a1 = arg();
		if (nr == PV_HC_WRMSR && a1 == MSR_IA32_FRED_CONFIG)
			continue;
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
	return SUCCESS;
}
