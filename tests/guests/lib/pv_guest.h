/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test-guest library: what a freestanding pv test guest needs to talk
 * to pvhost.ko (hypercalls, console, verdict, shutdown).  The model is the
 * Xen Test Framework: one behaviour per guest, one verdict line.
 */
#ifndef PV_GUEST_H
#define PV_GUEST_H

#include <stddef.h>
#include <stdint.h>

#include <pv/abi.h>

/* Hypercalls: SYSCALL in virtual supervisor mode (abi.rst, "Hypercalls"). */
static inline long hypercall6(long nr, long a1, long a2, long a3, long a4,
			      long a5, long a6)
{
	register long r10 asm("r10") = a4;
	register long r8 asm("r8") = a5;
	register long r9 asm("r9") = a6;
	long ret;

	/* PV_HC_CPUID answers in %rbx and %rdx too (abi.rst). */
	asm volatile("syscall"
		     : "=a" (ret), "+r" (r10), "+r" (r8), "+r" (r9), "+d" (a3)
		     : "a" (nr), "D" (a1), "S" (a2)
		     : "rbx", "rcx", "r11", "memory");
	return ret;
}

static inline long hypercall0(long nr)
{
	return hypercall6(nr, 0, 0, 0, 0, 0, 0);
}

static inline long hypercall2(long nr, long a1, long a2)
{
	return hypercall6(nr, a1, a2, 0, 0, 0, 0);
}

/*
 * Read a quadword with a 3-byte load: an event handler that skips it
 * (f->rip += 3) on a fault makes it yield ~0.
 */
static inline unsigned long read_probe(unsigned long va)
{
	unsigned long v = ~0UL;

	asm volatile(".byte 0x48, 0x8b, 0x02"	/* mov (%rdx), %rax */
		     : "+a" (v) : "d" (va) : "memory");
	return v;
}

/* The boot info pvrun wrote; set before test_main() runs. */
extern const struct pv_boot_info *boot_info;

size_t strlen(const char *s);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/*
 * printf to the console: %s %c %d %u %x %p with the l and ll modifiers;
 * flags and field widths are ignored.
 */
void printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

enum verdict { SUCCESS, FAILURE, SKIP };

/* Print "Test result: ..." and power off with 0 (or 1 on FAILURE). */
void __attribute__((noreturn)) test_exit(enum verdict v);

/* A check inside a test: on failure, print where and why, then fail. */
#define check(cond) do {						\
	if (!(cond)) {							\
		printk("%s:%d: check failed: %s\n", __FILE__, __LINE__,	\
		       #cond);						\
		test_exit(FAILURE);					\
	}								\
} while (0)

/* Events: event_entry (lib/entry.S) calls the guest's event_handler. */
extern char event_entry[];
void event_handler(struct pv_event_frame *f);
/*
 * User mode: enter_user() returns to user mode at @rip with @rsp (events
 * from there go to user_event_handler(), on the stack in the shared page's
 * rsp0; @regs are the saved registers, regs[14] = %rax); enter_user()
 * returns 0 when user_event_handler() returns non-zero.  enter_user_segs()
 * takes the CS and SS too, and returns -1 when the host refuses the frame
 * (its #GP, at the hypercall's SYSCALL, goes to event_handler(), which
 * must step over the 2 bytes).
 */
long enter_user(unsigned long rip, unsigned long rsp);
long enter_user_segs(unsigned long rip, unsigned long rsp, unsigned long cs,
		     unsigned long ss);
int user_event_handler(struct pv_event_frame *f, unsigned long *regs);

static inline long wrmsr_pv(unsigned int msr, unsigned long value)
{
	return hypercall2(PV_HC_WRMSR, msr, value);
}

#define MSR_IA32_FRED_CONFIG	0x1d4

/* The guest-physical address of a kernel-map address. */
#define __pa_kernel(va)	((unsigned long)(va) - PV_KERNEL_MAP_BASE)

/* Guest-physical memory at @pa, as words, through the direct map. */
static inline unsigned long *phys(unsigned long pa)
{
	return (unsigned long *)(PV_DIRECT_MAP_BASE + pa);
}

/* The shadow entries the host has filled for this vCPU so far. */
static inline unsigned long shadow_fills(void)
{
	static struct pv_exit_counts c;

	check(hypercall2(PV_HC_EXIT_COUNTS, (long)&c, sizeof(c)) == sizeof(c));
	return c.shadow_fills;
}

/*
 * Call the code at @va: what it leaves in %rax (the tests' snippets 42),
 * or 0 when its fetch faulted and the event handler returned to the
 * caller.
 */
static inline long call_at(unsigned long va)
{
	long ret = 0;

	asm volatile("call *%1" : "+a" (ret) : "r" (va)
		     : "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11",
		       "memory");
	return ret;
}

/* The host's TSC, ordered after earlier loads. */
static inline unsigned long pv_rdtsc(void)
{
	unsigned int lo, hi;

	asm volatile("lfence; rdtsc" : "=a" (lo), "=d" (hi));
	return (unsigned long)hi << 32 | lo;
}

/* NAME=N on the command line (pvrun --append), decimal; @def without. */
unsigned long param(const char *name, unsigned long def);

/*
 * User mappings for the 2 MiB around @va (in the first 1 GiB): three
 * zeroed tables at guest-physical @tables (PDPT, PD, PT), linked from
 * PML4 slot 0 with P|W|U.  Returns the page table, for the caller's PTEs.
 */
unsigned long *user_page_table(unsigned long va, unsigned long tables);

/* pvclock time, in ns since the VM started, from a shared page's clock. */
unsigned long pvclock_ns(const struct pv_vcpu_shared *shared);

/* Each test guest defines this; returning gives its verdict. */
enum verdict test_main(void);

#endif
