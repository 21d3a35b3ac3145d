/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv guest: hypercalls, SYSCALL in virtual supervisor mode with Linux's
 * syscall register convention (include/pv/abi.h).
 */
#ifndef _ARCH_X86_PV_HYPERCALL_H
#define _ARCH_X86_PV_HYPERCALL_H

#include <linux/types.h>
#include <asm/unwind_hints.h>
#include <pv/abi.h>

static __always_inline long pv_hypercall5(unsigned long nr, unsigned long a1,
					  unsigned long a2, unsigned long a3,
					  unsigned long a4, unsigned long a5)
{
	register unsigned long r10 asm("r10") = a4;
	register unsigned long r8 asm("r8") = a5;
	long ret;

	/*
	 * objtool takes SYSCALL for a context switch; to the kernel running
	 * here it is a call that returns, with the stack as it was.
	 */
	asm volatile(UNWIND_HINT_SAVE
		     "syscall\n\t"
		     UNWIND_HINT_RESTORE
		     : "=a" (ret), "+D" (a1), "+S" (a2), "+d" (a3), "+r" (r10),
		       "+r" (r8)
		     : "a" (nr)
		     : "rcx", "r11", "r9", "memory");
	return ret;
}

static __always_inline long pv_hypercall4(unsigned long nr, unsigned long a1,
					  unsigned long a2, unsigned long a3,
					  unsigned long a4)
{
	return pv_hypercall5(nr, a1, a2, a3, a4, 0);
}

static __always_inline long pv_hypercall3(unsigned long nr, unsigned long a1,
					  unsigned long a2, unsigned long a3)
{
	return pv_hypercall5(nr, a1, a2, a3, 0, 0);
}

static __always_inline long pv_hypercall2(unsigned long nr, unsigned long a1,
					  unsigned long a2)
{
	return pv_hypercall3(nr, a1, a2, 0);
}

static __always_inline long pv_hypercall1(unsigned long nr, unsigned long a1)
{
	return pv_hypercall3(nr, a1, 0, 0);
}

static __always_inline long pv_hypercall0(unsigned long nr)
{
	return pv_hypercall3(nr, 0, 0, 0);
}

/*
 * PV_HC_CPUID: the host's CPUID policy for leaf *@ax, subleaf *@cx, in
 * the four registers, as the instruction gives it.
 */
static __always_inline void pv_hypercall_cpuid(unsigned int *ax,
					       unsigned int *bx,
					       unsigned int *cx,
					       unsigned int *dx)
{
	unsigned long a = PV_HC_CPUID, b, c, d;

	asm volatile(UNWIND_HINT_SAVE
		     "syscall\n\t"
		     UNWIND_HINT_RESTORE
		     : "+a" (a), "=b" (b), "=c" (c), "=d" (d)
		     : "D" ((unsigned long)*ax), "S" ((unsigned long)*cx)
		     : "r8", "r9", "r10", "r11", "memory");
	*ax = a;
	*bx = b;
	*cx = c;
	*dx = d;
}

#endif /* _ARCH_X86_PV_HYPERCALL_H */
