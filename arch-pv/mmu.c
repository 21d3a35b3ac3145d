// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: CR2, CR3 and TLB flushes.  The host's shadow page tables
 * behave like a TLB with global pages and PCIDs: the kernel writes its
 * page tables as on hardware and flushes them through these operations.
 * Each vCPU has its own: a flush of other CPUs' TLBs is one
 * hypercall for all of them, which waits only for vCPUs that are running
 * (no IPIs, no waiting for a vCPU the host has descheduled).  Page tables
 * are then freed after an RCU grace period, not after the IPIs that
 * lockless walkers (GUP-fast) would otherwise hold off, as on Xen PV and
 * KVM's PV TLB flush.
 */
#include <linux/init.h>
#include <asm/paravirt.h>
#include <asm/tlb.h>
#include <asm/tlbflush.h>

#include "hypercall.h"
#include "pv.h"

/* This vCPU's CR3 as the kernel wrote it. */
static DEFINE_PER_CPU(unsigned long, pv_cr3);

/* Reached from noinstr code (the #PF entry): noinstr. */
__visible noinstr unsigned long pv_read_cr2(void)
{
	return this_cpu_read(pv_vcpu_shared.cr2);
}

__PV_CALLEE_SAVE_REGS_THUNK(pv_read_cr2, ".noinstr.text");

/* The NMI entry saves and restores CR2: noinstr too. */
static noinstr void pv_write_cr2(unsigned long cr2)
{
	this_cpu_write(pv_vcpu_shared.cr2, cr2);
}

static unsigned long pv_read_cr3(void)
{
	return this_cpu_read(pv_cr3);
}

/*
 * With PCIDs (the host offers them, abi.rst), the low bits are the ASID
 * the kernel chose and bit 63 says its translations are still good: the
 * host then keeps that address space's shadow, as a TLB would.
 */
static void pv_write_cr3(unsigned long cr3)
{
	unsigned long flags = cr3 & CR3_NOFLUSH ? PV_CR3_NOFLUSH : 0;

	cr3 &= ~CR3_NOFLUSH;	/* as a CPU reads CR3 back */
	this_cpu_write(pv_cr3, cr3);
	if (pv_hypercall2(PV_HC_LOAD_CR3, cr3 & (CR3_ADDR_MASK | CR3_PCID_MASK),
			  flags))
		panic("pv: the host refused CR3 %#lx", cr3);
}

static void pv_flush_tlb_user(void)
{
	pv_hypercall3(PV_HC_FLUSH_TLB, 0, 0, 0);
}

static void pv_flush_tlb_kernel(void)
{
	pv_hypercall3(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL);
}

/* The host names a page in the shared page it has flushed already. */
static bool pv_flushed_page __ro_after_init;

/*
 * A flush of one page on this CPU that the host has carried out already:
 * it dropped the page's translations when it handed this kernel the
 * write fault whose handling (copy-on-write) now flushes it, and has
 * filled nothing since (abi.rst, flushed_page).  Call with preemption
 * off.
 */
static bool pv_page_flushed(unsigned long addr)
{
	if (!pv_flushed_page ||
	    this_cpu_read(pv_vcpu_shared.flushed_page) != (addr & PAGE_MASK))
		return false;
	this_cpu_write(pv_vcpu_shared.flushed_page, PV_NO_FLUSHED_PAGE);
	return true;
}

static void pv_flush_tlb_one_user(unsigned long addr)
{
	if (!pv_page_flushed(addr))
		pv_hypercall3(PV_HC_FLUSH_TLB, addr, 1, 0);
}

static void pv_flush_tlb_multi(const struct cpumask *cpus,
			       const struct flush_tlb_info *info)
{
	unsigned long start = info->start & PAGE_MASK, nr = 0;
	u64 vcpus = pv_vcpu_mask(cpus);

	/*
	 * Every page the range touches, as flush_tlb_func()'s loop would
	 * flush; freed page tables: everything (their shadows go too).
	 */
	if (info->end != TLB_FLUSH_ALL && !info->freed_tables)
		nr = (PAGE_ALIGN(info->end) - start) >> PAGE_SHIFT;
	/* This CPU alone: the range flush of flush_tlb_func() (tlb.c). */
	if (nr == 1 && vcpus == pv_vcpu_mask(cpumask_of(smp_processor_id())) &&
	    pv_page_flushed(start))
		return;
	if (pv_hypercall4(PV_HC_FLUSH_TLB_MULTI, vcpus, start, nr, 0))
		panic("pv: the host refused a TLB flush of other vCPUs");
}

/* An AP starts on swapper_pg_dir (pv_kick_ap()). */
void pv_mmu_init_ap(void)
{
	this_cpu_write(pv_cr3, __pa(swapper_pg_dir));
}

static const struct paravirt_patch_template pv_guest_mmu_ops __initconst = {
	.mmu = {
		.read_cr2 = PV_CALLEE_SAVE(pv_read_cr2),
		.write_cr2 = pv_write_cr2,
		.read_cr3 = pv_read_cr3,
		.write_cr3 = pv_write_cr3,
		.flush_tlb_user = pv_flush_tlb_user,
		.flush_tlb_kernel = pv_flush_tlb_kernel,
		.flush_tlb_one_user = pv_flush_tlb_one_user,
		.flush_tlb_multi = pv_flush_tlb_multi,
		.tlb_remove_table = tlb_remove_table,
	},
};

void __init pv_init_mmu_ops(void)
{
	this_cpu_write(pv_cr3, pv_boot_info.boot_pgd);
	pv_flushed_page = pv_hypercall0(PV_HC_GET_FEATURES) &
			  PV_FEATURE_FLUSHED_PAGE;
	pv_install_ops(&pv_guest_mmu_ops);
}
