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

__visible unsigned long pv_save_fl(void)
{
	return this_cpu_read(pv_vcpu_shared.irq_enabled) ? X86_EFLAGS_IF : 0;
}

PV_CALLEE_SAVE_REGS_THUNK(pv_save_fl);

__visible void pv_irq_disable(void)
{
	this_cpu_write(pv_vcpu_shared.irq_enabled, 0);
	barrier();
}

PV_CALLEE_SAVE_REGS_THUNK(pv_irq_disable);

__visible void pv_irq_enable(void)
{
	this_cpu_write(pv_vcpu_shared.irq_enabled, 1);
	barrier();
	/* A line raised while they were off waits for this call. */
	if (this_cpu_read(pv_vcpu_shared.irq_pending))
		pv_hypercall0(PV_HC_IRQ_WINDOW);
}

PV_CALLEE_SAVE_REGS_THUNK(pv_irq_enable);

/*
 * Called with interrupts off: HALT returns as soon as a line is pending,
 * even masked, and enabling then delivers it, so no wake-up is lost
 * between the two (what STI's shadow gives "sti; hlt").
 */
static void pv_safe_halt(void)
{
	pv_hypercall0(PV_HC_HALT);
	pv_irq_enable();
}

static void pv_halt(void)
{
	pv_hypercall0(PV_HC_HALT);
}

void __init pv_init_irq_ops(void)
{
	pv_ops.irq.save_fl = PV_CALLEE_SAVE(pv_save_fl);
	pv_ops.irq.irq_disable = PV_CALLEE_SAVE(pv_irq_disable);
	pv_ops.irq.irq_enable = PV_CALLEE_SAVE(pv_irq_enable);
	pv_ops.irq.safe_halt = pv_safe_halt;
	pv_ops.irq.halt = pv_halt;
}
