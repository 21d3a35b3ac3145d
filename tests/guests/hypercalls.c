// SPDX-License-Identifier: GPL-2.0
/*
 * Every hypercall the host implements, with good and bad arguments: the
 * results and errors abi.rst promises, and a host that stays up.
 */
#include "lib/pv_guest.h"

static const char msg[] = "console write from the hypercalls guest\n";

enum verdict test_main(void)
{
	static char big[8192];
	long r;

	/* Console: the byte count, or an error for what cannot be read. */
	r = hypercall2(PV_HC_CONSOLE_WRITE, (long)msg, sizeof(msg) - 1);
	check(r == sizeof(msg) - 1);
	check(hypercall2(PV_HC_CONSOLE_WRITE, (long)msg, 0) == 0);
	check(hypercall2(PV_HC_CONSOLE_WRITE, (long)msg, 4097) == -PV_EINVAL);
	check(hypercall2(PV_HC_CONSOLE_WRITE, 0, 16) == -PV_EFAULT);
	check(hypercall2(PV_HC_CONSOLE_WRITE, 0x0000700000000000L, 16) == -PV_EFAULT);
	/* Nothing typed (run-in-vm gives pvrun no input): nothing read. */
	{
		char in[16];

		check(hypercall2(PV_HC_CONSOLE_READ, (long)in, sizeof(in)) == 0);
		check(hypercall2(PV_HC_CONSOLE_READ, 0, 16) == 0);
	}
	check(hypercall2(PV_HC_CONSOLE_WRITE, (long)PV_GUARD_HOLE_START, 16) == -PV_EFAULT);
	check(hypercall2(PV_HC_CONSOLE_WRITE, -1L, 16) == -PV_EFAULT);
	/* At most PV_CONSOLE_MAX bytes go out per call: the count says so. */
	memset(big, '.', sizeof(big));
	big[2047] = '\n';
	r = hypercall2(PV_HC_CONSOLE_WRITE, (long)big, 4096);
	check(r > 0 && r <= 4096);

	/* Features: only defined bits. */
	r = hypercall0(PV_HC_GET_FEATURES);
	check(r >= 0 && !(r & ~(PV_FEATURE_FSGSBASE | PV_FEATURE_CPUID_FAULTING |
			       PV_FEATURE_STEAL_TIME | PV_FEATURE_PCID |
			       PV_FEATURE_USER_GS | PV_FEATURE_FLUSHED_PAGE |
			       PV_FEATURE_TIMER_DEADLINE)));
	check((r & PV_FEATURE_PCID) && (r & PV_FEATURE_USER_GS) &&
	      (r & PV_FEATURE_FLUSHED_PAGE));

	/*
	 * Exit counts: 100 GET_FEATURES hypercalls count 100, and at least
	 * as many exits; a short buffer gets only its length; a bad address
	 * is refused.
	 */
	{
		static struct pv_exit_counts before, after;
		unsigned long exits;
		int i;

		check(hypercall2(PV_HC_EXIT_COUNTS, (long)&before, sizeof(before)) ==
		      sizeof(before));
		for (i = 0; i < 100; i++)
			hypercall0(PV_HC_GET_FEATURES);
		check(hypercall2(PV_HC_EXIT_COUNTS, (long)&after, 1000) == sizeof(after));
		check(after.hypercalls[PV_HC_GET_FEATURES] -
		      before.hypercalls[PV_HC_GET_FEATURES] == 100);
		check(after.hypercalls[PV_HC_EXIT_COUNTS] -
		      before.hypercalls[PV_HC_EXIT_COUNTS] == 1);
		check(after.exits - before.exits >= 101);
		exits = after.exits;
		after.exits = 0;
		check(hypercall2(PV_HC_EXIT_COUNTS, (long)&after, 4) == 4);
		check((unsigned int)after.exits == (unsigned int)(exits + 1));
		check(after.exits >> 32 == 0);
		check(hypercall2(PV_HC_EXIT_COUNTS, (long)PV_GUARD_HOLE_START, 8) ==
		      -PV_EFAULT);
	}

	/* Unknown numbers, huge numbers, negative numbers. */
	check(hypercall0(PV_HC_MAX + 100) == -PV_ENOSYS);
	check(hypercall0(-1L) == -PV_ENOSYS);
	check(hypercall6(0x7fffffffffffffffL, 1, 2, 3, 4, 5, 6) == -PV_ENOSYS);

	/* A shutdown with a reason that does not exist is refused. */
	check(hypercall2(PV_HC_SHUTDOWN, 99, 0) == -PV_EINVAL);

	/* Callee-saved registers survive a hypercall (the ABI clobbers only
	 * rax, rcx and r11). */
	{
		register long r12 asm("r12") = 0x1212;
		register long r15 asm("r15") = 0x1515;

		asm volatile("syscall"
			     : "+r" (r12), "+r" (r15)
			     : "a" (PV_HC_GET_FEATURES)
			     : "rcx", "r11", "memory");
		check(r12 == 0x1212 && r15 == 0x1515);
	}
	return SUCCESS;
}
