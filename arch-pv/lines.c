// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: the launcher's interrupt lines.  pvrun raises lines
 * 1..PV_NR_LINES-1 on vCPU 0 for its devices.  Line n is Linux IRQ n, so
 * a device on the kernel command line names its line as its IRQ
 * ("virtio_mmio.device=4K@0xd0000000:5" interrupts on line 5).
 *
 * Each line is bound to its own external vector and arrives through
 * common_interrupt(), which finds the IRQ in vector_irq[] as it does for
 * the legacy PIC's.  Nothing else allocates vectors here: the guest has
 * no PIC, I/O APIC or MSI.  A line is an edge: raised once, delivered
 * once, so there is nothing to mask, acknowledge or end.
 */
#include <linux/init.h>
#include <linux/irq.h>
#include <linux/smp.h>
#include <asm/hw_irq.h>
#include <asm/irq_vectors.h>

#include "hypercall.h"
#include "pv.h"

#define PV_LINE_VECTOR(line)	(FIRST_EXTERNAL_VECTOR + (line))

static struct irq_chip pv_line_chip = {
	.name = "pv-line",
};

static int __init pv_lines_init(void)
{
	unsigned int line;
	int irq;

	/* Lines are raised on vCPU 0, and only its vector table says where. */
	if (WARN_ON(smp_processor_id() != 0))
		return -EBUSY;
	irq = irq_alloc_descs(1, 1, PV_NR_LINES - 1, NUMA_NO_NODE);
	if (irq != 1) {
		pr_err("pv: no IRQs 1..%d for the launcher's lines (%d)\n",
		       PV_NR_LINES - 1, irq);
		return irq < 0 ? irq : -EBUSY;
	}
	for (line = 1; line < PV_NR_LINES; line++) {
		irq_set_chip_and_handler(line, &pv_line_chip, handle_simple_irq);
		per_cpu(vector_irq, 0)[PV_LINE_VECTOR(line)] = irq_to_desc(line);
		if (pv_hypercall2(PV_HC_IRQ_BIND, line, PV_LINE_VECTOR(line)))
			pr_err("pv: cannot bind line %u\n", line);
	}
	return 0;
}
arch_initcall(pv_lines_init);
