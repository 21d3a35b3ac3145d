// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the MSRs a ring-3 guest kernel still reads and writes
 * (PV_HC_WRMSR, PV_HC_RDMSR and the emulated WRMSR and RDMSR; abi.rst),
 * and the two homes of FRED_RSP0 and of the user's GS base: the vCPU and
 * the shared page the guest writes without an exit.
 */
#include <linux/kernel.h>
#include <asm/msr-index.h>
#include <asm/page.h>
#include <asm/pgtable.h>

#include <pv/abi.h>

#include "vm.h"

/**
 * pv_segment_base_ok() - can @base be the user's GS base?
 * @base: from the guest
 *
 * Guest user mode may give itself any base WRGSBASE takes, so its kernel
 * must be able to put any of them back: every address canonical at the
 * host's paging depth, which is also what the host's WRMSR takes.
 *
 * Return: true when @base may be loaded.
 */
bool pv_segment_base_ok(u64 base)
{
	return __is_canonical_address(base, pgtable_l5_enabled() ? 57 : 48);
}

/**
 * pv_user_gs_publish() - show the guest kernel its user's GS base
 * @vcpu: the vCPU, in supervisor mode or about to enter it
 *
 * Where the guest kernel reads MSR_KERNEL_GS_BASE (abi.rst, the shared
 * page's user_gs_base): written only where the host's value changes, so
 * that a base the guest wrote there, with its dirty flag still to come,
 * is never put back to an older one.
 */
void pv_user_gs_publish(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	if (!sh)
		return;
	WRITE_ONCE(sh->user_gs_base, vcpu->kernel_gs_base);
	WRITE_ONCE(sh->user_gs_dirty, 0);
}

/*
 * FRED_RSP0 has two homes: the MSR, and the shared page's rsp0, which the
 * guest writes without an exit and which wins when it is not 0.  A WRMSR
 * sets both, so that the MSR's newest value is the one used.
 */
static void set_rsp0(struct pv_vcpu *vcpu, u64 value)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	vcpu->rsp0 = value;
	if (sh)
		WRITE_ONCE(sh->rsp0, value);
}

/**
 * pv_user_rsp0() - the kernel stack top for events from user mode
 * @vcpu: the vCPU
 *
 * Return: the shared page's rsp0 where it is not 0, else FRED_RSP0's.
 */
u64 pv_user_rsp0(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	u64 rsp0 = sh ? READ_ONCE(sh->rsp0) : 0;

	return rsp0 ? rsp0 : vcpu->rsp0;
}

/**
 * pv_wrmsr() - write one of the MSRs a ring-3 kernel still needs (abi.rst)
 * @vcpu:  the vCPU
 * @msr:   the MSR
 * @value: its new value
 *
 * Return: 0, or -PV_EINVAL for another MSR or a bad value.
 */
u64 pv_wrmsr(struct pv_vcpu *vcpu, u64 msr, u64 value)
{
	switch (msr) {
	case MSR_IA32_FRED_CONFIG:
		value &= PAGE_MASK;
		if (value && !pv_guest_va_ok(value))
			return -PV_EINVAL;
		vcpu->event_entry = value;
		return 0;
	case MSR_KERNEL_GS_BASE:
		if (!pv_segment_base_ok(value))
			return -PV_EINVAL;
		vcpu->kernel_gs_base = value;
		pv_user_gs_publish(vcpu);
		return 0;
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_IA32_FRED_RSP0:
		if (!pv_guest_va_ok(value))
			return -PV_EINVAL;
		if (msr == MSR_FS_BASE)
			vcpu->fs_base = value;
		else if (msr == MSR_GS_BASE)
			vcpu->gs_base = value;
		else
			set_rsp0(vcpu, value);
		return 0;
	case MSR_IA32_FRED_RSP1 ... MSR_IA32_FRED_RSP3:
		/* As on FRED: a stack top is 64-byte aligned. */
		if ((value & 63) || !pv_guest_va_ok(value))
			return -PV_EINVAL;
		vcpu->fred_rsp[msr - MSR_IA32_FRED_RSP0] = value;
		return 0;
	case MSR_IA32_FRED_STKLVLS:
		vcpu->fred_stklvls = value;
		return 0;
	default:
		return -PV_EINVAL;
	}
}

/**
 * pv_rdmsr() - read one of the MSRs pv_wrmsr() writes
 * @vcpu:  the vCPU
 * @msr:   the MSR
 * @value: set to its value
 *
 * Return: 0, or -PV_EINVAL for another MSR.
 */
int pv_rdmsr(struct pv_vcpu *vcpu, u64 msr, u64 *value)
{
	switch (msr) {
	case MSR_IA32_FRED_CONFIG:
		*value = vcpu->event_entry;
		return 0;
	case MSR_FS_BASE:
		*value = vcpu->fs_base;
		return 0;
	case MSR_GS_BASE:
		*value = vcpu->gs_base;
		return 0;
	case MSR_KERNEL_GS_BASE:
		*value = vcpu->kernel_gs_base;
		return 0;
	case MSR_IA32_FRED_RSP0:
		*value = pv_user_rsp0(vcpu);
		return 0;
	case MSR_IA32_FRED_RSP1 ... MSR_IA32_FRED_RSP3:
		*value = vcpu->fred_rsp[msr - MSR_IA32_FRED_RSP0];
		return 0;
	case MSR_IA32_FRED_STKLVLS:
		*value = vcpu->fred_stklvls;
		return 0;
	default:
		return -PV_EINVAL;
	}
}
