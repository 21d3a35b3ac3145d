// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: from pvrun's entry to start_kernel(), and the CPU operations
 * a ring-3 kernel cannot do itself.
 *
 * The model is xen_start_kernel(): take the boot info, install the pvops
 * and the platform hooks, describe the boot to the generic code through
 * boot_params, and start the kernel.
 */
#include <linux/init.h>
#include <linux/instrumentation.h>
#include <linux/cpufeature.h>
#include <linux/kernel.h>
#include <linux/mmu_context.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/pgtable.h>
#include <linux/pm.h>
#include <linux/processor.h>
#include <linux/smp.h>
#include <linux/start_kernel.h>
#include <asm/bootparam.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/e820/api.h>
#include <asm/hypervisor.h>
#include <asm/i8259.h>
#include <asm/msr-index.h>
#include <asm/paravirt.h>
#include <asm/reboot.h>
#include <asm/segment.h>
#include <asm/setup.h>
#include <asm/tlbflush.h>
#include <asm/x86_init.h>

#include "hypercall.h"
#include "pv.h"

struct pv_boot_info pv_boot_info __initdata;
static char pv_cmdline[COMMAND_LINE_SIZE] __initdata;

/*
 * The shared page of each vCPU: one instruction reaches a field of ours.
 * Until the host registers it, it names no flushed page (0 is a page).
 */
DEFINE_PER_CPU_PAGE_ALIGNED(struct pv_vcpu_shared, pv_vcpu_shared) = {
	.flushed_page = PV_NO_FLUSHED_PAGE,
};

/* Register this CPU's shared page with the host; it moves once, at boot. */
void pv_register_shared_page(void)
{
	if (pv_hypercall1(PV_HC_VCPU_REGISTER, __pa(this_cpu_ptr(&pv_vcpu_shared))))
		panic("pv: the host refused this vCPU's shared page");
}

/* --- CPU operations */

/*
 * CPUID is the host's: its policy (abi.rst) shows only what a ring-3
 * kernel and its processes can use, and user mode sees the same where
 * the CPU can make CPUID fault.  A hypercall, as the instruction itself
 * would show the host's features where it cannot.
 */
static void pv_cpuid(unsigned int *ax, unsigned int *bx, unsigned int *cx,
		     unsigned int *dx)
{
	pv_hypercall_cpuid(ax, bx, cx, dx);
}

/* The MSRs the host keeps for us (abi.rst); the others read as 0. */
static bool pv_msr_is_host(unsigned int msr)
{
	switch (msr) {
	case MSR_FS_BASE:
	case MSR_GS_BASE:
	case MSR_KERNEL_GS_BASE:
	case MSR_IA32_FRED_RSP0 ... MSR_IA32_FRED_STKLVLS:
	case MSR_IA32_FRED_CONFIG:
		return true;
	default:
		return false;
	}
}

/*
 * User mode's GS base, which a FRED kernel reads and writes as
 * MSR_KERNEL_GS_BASE on every context switch: in the shared page where
 * the host offers it (PV_FEATURE_USER_GS), without a hypercall.
 */
static bool pv_user_gs __ro_after_init;

static bool pv_write_user_gs(u64 base)
{
	unsigned long flags;

	if (!pv_user_gs)
		return false;
	local_irq_save(flags);
	this_cpu_write(pv_vcpu_shared.user_gs_base, base);
	barrier();		/* the host takes the base once it sees dirty */
	this_cpu_write(pv_vcpu_shared.user_gs_dirty, 1);
	local_irq_restore(flags);
	return true;
}

static u64 pv_read_msr_safe(unsigned int msr, int *err)
{
	*err = 0;
	if (msr == MSR_KERNEL_GS_BASE && pv_user_gs)
		return this_cpu_read(pv_vcpu_shared.user_gs_base);
	if (pv_msr_is_host(msr))
		return pv_hypercall1(PV_HC_RDMSR, msr);
	/*
	 * No APIC, but its base MSR says which CPU is the BSP: the topology
	 * code trusts the enumeration (pv_smp_config()) only if the boot
	 * CPU has the bit; without it, it assumes a kdump kernel and runs
	 * on one CPU.
	 */
	if (msr == MSR_IA32_APICBASE)
		return smp_processor_id() ? 0 : MSR_IA32_APICBASE_BSP;
	*err = -EIO;
	return 0;
}

static u64 pv_read_msr(unsigned int msr)
{
	int err;

	return pv_read_msr_safe(msr, &err);
}

static int pv_write_msr_safe(unsigned int msr, unsigned int low,
			     unsigned int high)
{
	u64 val = (u64)high << 32 | low;

	if (msr == MSR_KERNEL_GS_BASE && pv_write_user_gs(val))
		return 0;
	if (pv_msr_is_host(msr))
		return pv_hypercall2(PV_HC_WRMSR, msr, val) ? -EIO : 0;
	/* STAR, TSC_AUX, PAT and the like: nothing for a ring-3 kernel. */
	return -EIO;
}

static void pv_write_msr(unsigned int msr, unsigned int low, unsigned int high)
{
	pv_write_msr_safe(msr, low, high);
}

static unsigned long pv_read_cr0(void)
{
	return X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE |
	       X86_CR0_WP | X86_CR0_AM | X86_CR0_PG;
}

/* The kernel's CR4 shadow (cpu_tlbstate.cr4) is all there is of CR4. */
static void pv_write_cr4(unsigned long cr4)
{
}

/* The debug-register accessors run in #DB and NMI entry: noinstr. */
static noinstr unsigned long pv_get_debugreg(int regno)
{
	switch (regno) {
	case 6:
		return DR6_RESERVED;
	case 7:
		return DR7_FIXED_1;
	default:
		return 0;
	}
}

/*
 * No guest debug registers yet: the host neither loads DR0-3 and DR7 for
 * the guest nor reports their hits.  Boot says so once (pv_arch_setup());
 * a breakpoint armed anyway is named, so that a debugger's silence has a
 * reason in the log.
 */
static noinstr void pv_set_debugreg(int regno, unsigned long value)
{
	if (regno == 7 && (value & 0xff)) {
		instrumentation_begin();
		pr_warn_once("pv: DR7 %#lx dropped: no hardware breakpoints\n",
			     value);
		instrumentation_end();
	}
}

static unsigned long pv_store_tr(void)
{
	return GDT_ENTRY_TSS * 8;
}

/*
 * The base a GS selector brings, as the CPU would take it: from this
 * kernel's GDT, or from the LDT of the mm this CPU runs (a context switch
 * loads the next task's selectors after switching to its mm); 0 for a
 * null selector or one beyond its table.
 */
static unsigned long pv_gs_selector_base(unsigned int sel)
{
#ifdef CONFIG_MODIFY_LDT_SYSCALL
	if (sel & SEGMENT_TI_MASK) {
		struct mm_struct *mm = this_cpu_read(cpu_tlbstate.loaded_mm);
		struct ldt_struct *ldt = mm ? READ_ONCE(mm->context.ldt) : NULL;

		if (!ldt || (sel >> 3) >= ldt->nr_entries)
			return 0;
		return get_desc_base(&ldt->entries[sel >> 3]);
	}
#endif
	if (sel <= 3 || (sel & SEGMENT_TI_MASK) || (sel >> 3) >= GDT_ENTRIES)
		return 0;
	return get_desc_base(&get_cpu_gdt_ro(smp_processor_id())[sel >> 3]);
}

/*
 * A new user GS selector, as LKGS loads it under FRED: the user sees the
 * selector, its descriptor's base becomes the user's GS base (which is
 * MSR_KERNEL_GS_BASE while the kernel runs) and the kernel keeps its own.
 * GS is one register for both modes here, so the selector is loaded for
 * real and the kernel's base is put back before anything uses %gs again
 * (pv_load_user_gs(), with interrupts off).  A selector that cannot be
 * loaded becomes 0, as with native_load_gs_index().
 */
static void pv_load_gs_index(unsigned int selector)
{
	unsigned long flags;
	unsigned int sel = selector & 0xffff, cur;

	local_irq_save(flags);
	/*
	 * The null selector %gs holds already (an exit's or an exec's
	 * load_gs_index(0)): loading it again would change only the base,
	 * the kernel's, which would then need a hypercall to put back.
	 */
	savesegment(gs, cur);
	if (sel > 3 || sel != cur)
		sel = pv_load_user_gs(sel,
				      cpu_kernelmode_gs_base(smp_processor_id()));
	if (!pv_write_user_gs(pv_gs_selector_base(sel)))
		pv_hypercall2(PV_HC_WRMSR, MSR_KERNEL_GS_BASE,
			      pv_gs_selector_base(sel));
	local_irq_restore(flags);
}

static u64 pv_read_pmc(int counter)
{
	return 0;
}

static void pv_nop_desc(const struct desc_ptr *desc)
{
}

/*
 * The LDT a process runs with: the host copies and checks it (only user
 * code and data segments), and maps its copy for the CPU.  Called when
 * the LDT or the mm changes, not on every context switch.
 */
static void pv_set_ldt(const void *desc, unsigned int entries)
{
	if (pv_hypercall2(PV_HC_SET_LDT, (unsigned long)desc, entries))
		pr_warn_ratelimited("pv: the host refused an LDT of %u entries\n",
				    entries);
}

/* The TLS descriptors this CPU's host GDT holds now. */
static DEFINE_PER_CPU(struct desc_struct, pv_tls_loaded[GDT_ENTRY_TLS_ENTRIES]);

/*
 * A process's TLS descriptors (set_thread_area()), on every context
 * switch: into this kernel's GDT, which the kernel reads, and into the
 * host's copy, which the CPU reads; the hypercall only when they differ
 * from what the host has, which 64-bit processes rarely make them.
 */
static void pv_load_tls(struct thread_struct *t, unsigned int cpu)
{
	struct desc_struct *loaded = per_cpu(pv_tls_loaded, cpu);
	const u64 *d = (const u64 *)t->tls_array;

	native_load_tls(t, cpu);
	if (!memcmp(loaded, t->tls_array, sizeof(t->tls_array)))
		return;
	if (pv_hypercall3(PV_HC_SET_TLS, d[0], d[1], d[2])) {
		pr_warn_ratelimited("pv: the host refused a TLS descriptor\n");
		return;
	}
	memcpy(loaded, t->tls_array, sizeof(t->tls_array));
}

/**
 * pv_install_ops() - put a table's operations into pv_ops
 * @ops: pv's operations; its NULL slots leave pv_ops's as they are
 *
 * pv's tables are static (pv_guest_cpu_ops, pv_guest_irq_ops,
 * pv_guest_mmu_ops) so that objtool finds each slot's target and checks
 * that those noinstr code reaches are noinstr themselves.
 */
void __init pv_install_ops(const struct paravirt_patch_template *ops)
{
	const void * const *src = (const void * const *)ops;
	void **dst = (void **)&pv_ops;
	unsigned int i;

	BUILD_BUG_ON(sizeof(pv_ops) % sizeof(void *));
	for (i = 0; i < sizeof(pv_ops) / sizeof(void *); i++)
		if (src[i])
			dst[i] = (void *)src[i];
}

static const struct paravirt_patch_template pv_guest_cpu_ops __initconst = {
	.cpu = {
		.io_delay = paravirt_nop,
		.get_debugreg = pv_get_debugreg,
		.set_debugreg = pv_set_debugreg,
		.read_cr0 = pv_read_cr0,
		.write_cr0 = (void *)paravirt_nop,
		.write_cr4 = pv_write_cr4,
		.load_tr_desc = paravirt_nop,
		.load_gdt = pv_nop_desc,
		.load_idt = pv_nop_desc,
		.set_ldt = pv_set_ldt,
		.load_tls = pv_load_tls,
		.store_tr = pv_store_tr,
		.load_gs_index = pv_load_gs_index,
		.wbinvd = paravirt_nop,
		.cpuid = pv_cpuid,
		.read_msr = pv_read_msr,
		.write_msr = pv_write_msr,
		.read_msr_safe = pv_read_msr_safe,
		.write_msr_safe = pv_write_msr_safe,
		.read_pmc = pv_read_pmc,
	},
};

static void __init pv_init_cpu_ops(void)
{
	pv_install_ops(&pv_guest_cpu_ops);
}

/* --- The platform */

/* The boot info's memory map, as the e820 table the kernel works from. */
static char *__init pv_memory_setup(void)
{
	const struct pv_mem_range *r = pv_boot_info.mem;
	unsigned int i;

	for (i = 0; i < min_t(u32, pv_boot_info.nr_mem, PV_BOOT_MAX_MEM); i++) {
		/* The boot tables and stack stay until the kernel has its own. */
		e820__range_add(r[i].start, r[i].size,
				r[i].type == PV_MEM_RESERVED ||
				r[i].type == PV_MEM_BOOT_DATA ?
				E820_TYPE_RESERVED : E820_TYPE_RAM);
	}
	e820__update_table(e820_table);
	return "pv";
}

/*
 * After early_cpu_init(), which drops FRED unless "fred=on": events
 * arrive FRED-shaped whatever the host CPU has, so FRED it is.
 */
static void __init pv_arch_setup(void)
{
	setup_force_cpu_cap(X86_FEATURE_FRED);
	/*
	 * 32-bit processes make system calls with INT $0x80 (their vDSO
	 * too): SYSENTER faults on pv, and FRED makes a 32-bit SYSCALL a #UD.
	 */
	setup_clear_cpu_cap(X86_FEATURE_SYSENTER32);
	setup_clear_cpu_cap(X86_FEATURE_SYSCALL32);
	pr_info("pv: no debug registers: hardware breakpoints and watchpoints are not offered\n");
}

/*
 * "Hypervisor detected: pv": the generic code's name for us, and none of
 * the others (kvmclock, Hyper-V, VMware) on hosts that are guests
 * themselves: pv's CPUID shows only pv's own leaf.
 */
static u32 __init pv_detect(void)
{
	return hypervisor_cpuid_base(PV_CPUID_SIGNATURE, 0) ? UINT_MAX : 0;
}

static void __init pv_init_hypervisor(void)
{
	if (pv_hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_CPUID_FAULTING)
		pr_info("pv: CPUID faults in user mode: processes see the kernel's CPUID\n");
	else
		pr_info("pv: no CPUID faulting: processes see the host CPU's CPUID\n");
}

const __initconst struct hypervisor_x86 x86_hyper_pv = {
	.name		= "pv",
	.detect		= pv_detect,
	.type		= X86_HYPER_PV,
	.init.init_platform = pv_init_hypervisor,
	.ignore_nopv	= true,	/* no pv, no kernel */
};

/* --- Power off, reboot and panic: the VM ends, pvrun says how */

static void pv_shutdown(unsigned int reason, unsigned int status)
{
	pv_hypercall2(PV_HC_SHUTDOWN, reason, status);
	for (;;)
		pv_hypercall0(PV_HC_HALT);
}

static void pv_power_off(void)
{
	pv_shutdown(PV_SHUTDOWN_POWEROFF, 0);
}

static void pv_restart(char *cmd)
{
	pv_shutdown(PV_SHUTDOWN_REBOOT, 0);
}

static void pv_emergency_restart(void)
{
	pv_shutdown(PV_SHUTDOWN_REBOOT, 0);
}

static int pv_panic_event(struct notifier_block *nb, unsigned long event,
			  void *msg)
{
	pv_shutdown(PV_SHUTDOWN_CRASH, 1);
	return NOTIFY_DONE;
}

static struct notifier_block pv_panic_block = {
	.notifier_call = pv_panic_event,
	.priority = INT_MIN,	/* after the others have said their piece */
};

/*
 * setup_per_cpu_areas() has just moved this CPU's per-CPU data, the
 * shared page with it: tell the host where it is now.
 */
static void __init pv_smp_prepare_boot_cpu(void)
{
	native_smp_prepare_boot_cpu();
	pv_register_shared_page();
	pv_spinlock_init();	/* before alternatives freeze the lock ops */
}

static void __init pv_init_platform(void)
{
	smp_ops.smp_prepare_boot_cpu = pv_smp_prepare_boot_cpu;
	pv_smp_init();
	machine_ops.power_off = pv_power_off;
	machine_ops.halt = pv_power_off;
	machine_ops.restart = pv_restart;
	machine_ops.emergency_restart = pv_emergency_restart;
	pm_power_off = pv_power_off;
	atomic_notifier_chain_register(&panic_notifier_list, &pv_panic_block);

	x86_init.resources.memory_setup = pv_memory_setup;
	x86_init.resources.probe_roms = x86_init_noop;
	x86_init.resources.dmi_setup = x86_init_noop;
	x86_init.mpparse.find_mptable = x86_init_noop;
	x86_init.mpparse.early_parse_smp_cfg = x86_init_noop;
	x86_init.oem.arch_setup = pv_arch_setup;
	legacy_pic = &null_legacy_pic;		/* no i8259 */
	/* No PC legacy: no CMOS clock, no i8042 (every port reads ~0). */
	x86_platform.legacy.rtc = 0;
	x86_platform.legacy.i8042 = X86_LEGACY_I8042_PLATFORM_ABSENT;
	x86_platform.realmode_reserve = x86_init_noop;
	x86_platform.realmode_init = x86_init_noop;
}

/**
 * pv_start_kernel() - the C entry point, called by pv_startup_64
 * @bi: the boot info pvrun wrote, in the direct map
 */
asmlinkage __visible void __init __noreturn pv_start_kernel(const struct pv_boot_info *bi)
{
	pgd_t *boot_pgd;

	if (bi->magic != PV_BOOT_MAGIC || bi->abi_version != PV_ABI_VERSION)
		pv_hypercall2(PV_HC_SHUTDOWN, PV_SHUTDOWN_CRASH, 1);
	pv_boot_info = *bi;

	pv_hypercall2(PV_HC_WRMSR, MSR_IA32_FRED_CONFIG,
		      (unsigned long)pv_early_event_entry);
	pv_register_shared_page();

	pv_info.name = "pv";
	pv_init_cpu_ops();
	pv_init_irq_ops();
	pv_init_mmu_ops();
	pv_init_platform();
	pv_init_time_ops();
	pv_console_init();	/* takes locks: after the irq ops */
	setup_force_cpu_cap(X86_FEATURE_HYPERVISOR);
	setup_force_cpu_cap(X86_FEATURE_PV_GUEST);	/* pvops stay calls */
	/*
	 * Where the host lets ring 3 run RDFSBASE and its kin, user mode can
	 * change its FS and GS bases without the kernel: the kernel must use
	 * FSGSBASE itself, so that a context switch saves what the bases
	 * really are (save_fsgs()) rather than what arch_prctl() last said.
	 */
	if (pv_hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_FSGSBASE)
		setup_force_cpu_cap(X86_FEATURE_FSGSBASE);
	pv_user_gs = pv_hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_USER_GS;
	/*
	 * No SYSRET ever returns to this kernel's user mode (the host's
	 * switcher does), so AMD's SS attribute bug needs no SS reload in
	 * __switch_to(): here that load of a ring-0 selector would be a
	 * #GP the host emulates, on every context switch.
	 */
	setup_clear_cpu_cap(X86_BUG_SYSRET_SS_ATTRS);
	/* PCIDs only where CR3 loads carry them to the host (mmu.c). */
	if (!(pv_hypercall0(PV_HC_GET_FEATURES) & PV_FEATURE_PCID))
		setup_clear_cpu_cap(X86_FEATURE_PCID);

	strscpy(pv_cmdline, pv_boot_info.cmdline, sizeof(pv_cmdline));
	boot_params.hdr.cmd_line_ptr = __pa_symbol(pv_cmdline);
	boot_params.hdr.type_of_loader = 0xff;	/* none of the known ones */
	boot_params.hdr.ramdisk_image = pv_boot_info.initrd_start;
	boot_params.hdr.ramdisk_size = pv_boot_info.initrd_size;

	/*
	 * The kernel's own page tables: head_64.S built the kernel map and
	 * the fixmap in early_top_pgt, which x86_64_start_kernel() would link
	 * in.  The boot page tables pvrun built map the kernel but not the
	 * fixmap, and until setup_arch() loads swapper_pg_dir, early_ioremap()
	 * (the ACPI, DMI and iBFT scans, which find nothing) finds its slots
	 * through CR3: it populated a table at guest-physical 0 and faulted
	 * at its first use.  They get the kernel's own tables, which map the
	 * kernel alike.
	 * init_top_pgt is cleared first, as x86_64_start_kernel() does: with
	 * CONFIG_XEN_PV or CONFIG_PVH (Debian has both) it is built with the
	 * first GiB mapped writable and executable at 0 and in the direct
	 * map, which init_mem_mapping() would find present and keep.
	 */
	clear_page(init_top_pgt);
	init_top_pgt[511] = early_top_pgt[511];
	boot_pgd = (pgd_t *)(PAGE_OFFSET + pv_boot_info.boot_pgd);
	boot_pgd[511] = early_top_pgt[511];
	pv_hypercall3(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL);

	/* What the kernel would read from CR4, which ring 3 cannot. */
	this_cpu_write(cpu_tlbstate.cr4, X86_CR4_PAE | X86_CR4_PSE |
		       X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT);

	x86_64_start_reservations((char *)__pa_symbol(&boot_params));
}
