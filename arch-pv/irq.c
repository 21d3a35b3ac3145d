// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: the interrupt flag is virtual, a byte in this vCPU's shared
 * page that the host reads before it delivers an interrupt line.  Each
 * operation is one %gs-relative instruction, so it cannot be torn by a
 * migration to another CPU.
 */
#include <linux/init.h>
#include <asm/paravirt.h>
#include <asm/processor-flags.h>

#include "hypercall.h"
#include "pv.h"

/* Reached from noinstr code (entry, idle): noinstr, as objtool checks. */
__visible noinstr unsigned long pv_save_fl(void)
{
	return this_cpu_read(pv_vcpu_shared.irq_enabled) ? X86_EFLAGS_IF : 0;
}

__PV_CALLEE_SAVE_REGS_THUNK(pv_save_fl, ".noinstr.text");

__visible noinstr void pv_irq_disable(void)
{
	this_cpu_write(pv_vcpu_shared.irq_enabled, 0);
	barrier();
}

__PV_CALLEE_SAVE_REGS_THUNK(pv_irq_disable, ".noinstr.text");

__visible noinstr void pv_irq_enable(void)
{
	this_cpu_write(pv_vcpu_shared.irq_enabled, 1);
	barrier();
	/* A line raised while they were off waits for this call. */
	if (this_cpu_read(pv_vcpu_shared.irq_pending))
		pv_hypercall0(PV_HC_IRQ_WINDOW);
}

__PV_CALLEE_SAVE_REGS_THUNK(pv_irq_enable, ".noinstr.text");

/*
 * Called with interrupts off: HALT returns as soon as a line is pending,
 * even masked, and enabling then delivers it, so no wake-up is lost
 * between the two (what STI's shadow gives "sti; hlt").  The idle loop
 * calls both from noinstr code.
 */
static noinstr void pv_safe_halt(void)
{
	pv_hypercall0(PV_HC_HALT);
	pv_irq_enable();
}

static noinstr void pv_halt(void)
{
	pv_hypercall0(PV_HC_HALT);
}

static const struct paravirt_patch_template pv_guest_irq_ops __initconst = {
	.irq = {
		.save_fl = PV_CALLEE_SAVE(pv_save_fl),
		.irq_disable = PV_CALLEE_SAVE(pv_irq_disable),
		.irq_enable = PV_CALLEE_SAVE(pv_irq_enable),
		.safe_halt = pv_safe_halt,
		.halt = pv_halt,
	},
};

void __init pv_init_irq_ops(void)
{
	pv_install_ops(&pv_guest_irq_ops);
}
