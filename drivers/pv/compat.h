/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The host kernels pvhost.ko builds for, and what differs between them.
 *
 * pv supports the two kernels Debian 12 ships: 6.1 (bookworm's own) and
 * 6.12 (bookworm's backport and the next release's); install.rst has the
 * matrix.  Everything that depends on which one we build against lives
 * here, so the rest of the module reads as 6.12 code.
 */
#ifndef PV_COMPAT_H
#define PV_COMPAT_H

#include <linux/file.h>
#include <linux/sched.h>
#include <asm/idtentry.h>
#include <asm/msr-index.h>

/* Kbuild refuses any other kernel and defines PV_HOST_6_1 on 6.1. */
#ifndef PV_HOST_6_1
#include <asm/gsseg.h>	/* load_gs_index(); <asm/special_insns.h> in 6.1 */
#endif

#ifdef PV_HOST_6_1

/* 6.12 made struct fd opaque; 6.1 has the file pointer in the open. */
#define fd_file(f)	((f).file)

/*
 * 6.12's delayed dequeue keeps a blocking task on_rq a while, hence
 * task_is_runnable(); in 6.1 on_rq means runnable (as KVM's
 * kvm_sched_out() read it there).
 */
static inline bool task_is_runnable(struct task_struct *p)
{
	return READ_ONCE(p->on_rq);
}

/* The FRED MSRs are architectural; 6.1 predates their names. */
#define MSR_IA32_FRED_RSP0	0x1cc
#define MSR_IA32_FRED_RSP1	0x1cd
#define MSR_IA32_FRED_RSP2	0x1ce
#define MSR_IA32_FRED_RSP3	0x1cf
#define MSR_IA32_FRED_STKLVLS	0x1d0
#define MSR_IA32_FRED_CONFIG	0x1d4

/* Nor does it know CR4.FRED; no 6.1 host runs with it set. */
#define X86_CR4_FRED	BIT_ULL(32)

/*
 * The host's NMI handler for an NMI taken in the guest: 6.1's VMX calls
 * asm_exc_nmi_noist (the IDT's asm_exc_nmi wants the NMI IST stack and
 * would take a stale word below the frame for its "NMI executing" mark).
 * Without KVM_INTEL, 6.1's header makes it asm_exc_nmi again.
 */
#if !IS_ENABLED(CONFIG_KVM_INTEL)
#error "pvhost on 6.1 needs a host kernel with CONFIG_KVM_INTEL (asm_exc_nmi_noist)"
#endif
static inline unsigned long pv_host_nmi_entry(void)
{
	return (unsigned long)asm_exc_nmi_noist;
}

#else

static inline unsigned long pv_host_nmi_entry(void)
{
	return (unsigned long)asm_exc_nmi_kvm_vmx;
}

#endif /* PV_HOST_6_1 */

#endif /* PV_COMPAT_H */
