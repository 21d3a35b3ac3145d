/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pv guest: what the files of arch/x86/pv/ share.
 */
#ifndef _ARCH_X86_PV_PV_H
#define _ARCH_X86_PV_PV_H

#include <linux/percpu.h>
#include <linux/init.h>
#include <linux/linkage.h>
#include <pv/abi.h>

struct pt_regs;
struct cpumask;

/* This vCPU's shared page (abi.h). */
DECLARE_PER_CPU_PAGE_ALIGNED(struct pv_vcpu_shared, pv_vcpu_shared);

extern struct pv_boot_info pv_boot_info;
extern char pv_early_event_entry[];

asmlinkage void __init __noreturn pv_start_kernel(const struct pv_boot_info *bi);
void __init pv_console_init(void);
void pv_console_write(const char *s, unsigned int len);
void __init pv_early_event(struct pt_regs *regs);
struct paravirt_patch_template;
void __init pv_install_ops(const struct paravirt_patch_template *ops);
void __init pv_init_irq_ops(void);
void __init pv_init_mmu_ops(void);
void __init pv_init_time_ops(void);
void pv_register_shared_page(void);
void __init pv_smp_init(void);
void __init pv_spinlock_init(void);
__visible bool pv_guest_vcpu_is_preempted(long cpu);
u64 pv_vcpu_mask(const struct cpumask *mask);
void pv_mmu_init_ap(void);
void pv_lines_online(void);
extern char pv_secondary_startup_64[];
asmlinkage void __noreturn pv_cpu_bringup_and_idle(unsigned int cpu);
asmlinkage unsigned int pv_load_user_gs(unsigned int sel,
					unsigned long kernel_gs_base);

/* pvops behind PV_CALLEE_SAVE thunks */
unsigned long pv_save_fl(void);
void pv_irq_disable(void);
void pv_irq_enable(void);
unsigned long pv_read_cr2(void);

/* The timer's system vector (DEFINE_IDTENTRY_SYSVEC) */
void sysvec_pv_timer(struct pt_regs *regs);
void fred_sysvec_pv_timer(struct pt_regs *regs);

#endif /* _ARCH_X86_PV_PV_H */
