// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: the launcher's interrupt lines.  pvrun raises lines
 * 1..PV_LINE_IPI_FIRST-1 for its devices.  Line n is Linux IRQ n, so a
 * device on the kernel command line names its line as its IRQ
 * ("virtio_mmio.device=4K@0xd0000000:5" interrupts on line 5).
 *
 * Each line is bound to its own external vector and arrives through
 * common_interrupt(), which finds the IRQ in vector_irq[] as it does for
 * the legacy PIC's; every CPU's table has every line, so that a line can
 * go to any CPU: setting an IRQ's affinity binds its line on the first
 * online CPU of the mask, and the host raises it there from then on.
 * Nothing else allocates vectors here: the guest has no PIC, I/O APIC or
 * MSI.  A line is an edge: raised once, delivered once, so there is
 * nothing to mask, acknowledge or end.
 */
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/irq.h>
#include <linux/smp.h>
#include <asm/apic.h>
#include <asm/hw_irq.h>
#include <asm/irq_vectors.h>

#include "hypercall.h"
#include "pv.h"

#define PV_LINE_VECTOR(line)	(FIRST_EXTERNAL_VECTOR + (line))

static bool pv_lines_ready;

static int pv_line_set_affinity(struct irq_data *d, const struct cpumask *mask,
				bool force)
{
	unsigned int line = d->irq, cpu;

	cpu = force ? cpumask_first(mask) : cpumask_first_and(mask, cpu_online_mask);
	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	if (pv_hypercall3(PV_HC_IRQ_BIND, line, PV_LINE_VECTOR(line),
			  cpuid_to_apicid[cpu]))
		return -EINVAL;
	irq_data_update_effective_affinity(d, cpumask_of(cpu));
	return IRQ_SET_MASK_OK;
}

static struct irq_chip pv_line_chip = {
	.name = "pv-line",
	.irq_set_affinity = pv_line_set_affinity,
};

/* This CPU's vector table: every line (lapic_online() cleared it). */
void pv_lines_online(void)
{
	unsigned int line;

	if (!READ_ONCE(pv_lines_ready))
		return;
	for (line = 1; line < PV_LINE_IPI_FIRST; line++)
		this_cpu_write(vector_irq[PV_LINE_VECTOR(line)], irq_to_desc(line));
}

static int __init pv_lines_init(void)
{
	unsigned int line, cpu;
	int irq;

	irq = irq_alloc_descs(1, 1, PV_LINE_IPI_FIRST - 1, NUMA_NO_NODE);
	if (irq != 1) {
		pr_err("pv: no IRQs 1..%d for the launcher's lines (%d)\n",
		       PV_LINE_IPI_FIRST - 1, irq);
		return irq < 0 ? irq : -EBUSY;
	}
	for (line = 1; line < PV_LINE_IPI_FIRST; line++) {
		irq_set_chip_and_handler(line, &pv_line_chip, handle_simple_irq);
		/*
		 * A line moves at once, from the process that writes its
		 * affinity: not at its next interrupt's acknowledgment, which
		 * a line without one would never reach.
		 */
		irq_set_status_flags(line, IRQ_MOVE_PCNTXT);
		for_each_possible_cpu(cpu)
			per_cpu(vector_irq, cpu)[PV_LINE_VECTOR(line)] =
				irq_to_desc(line);
		/* vCPU 0 until the affinity changes. */
		if (pv_hypercall3(PV_HC_IRQ_BIND, line, PV_LINE_VECTOR(line), 0))
			pr_err("pv: cannot bind line %u\n", line);
		irq_data_update_effective_affinity(irq_get_irq_data(line),
						   cpumask_of(0));
	}
	WRITE_ONCE(pv_lines_ready, true);
	return 0;
}
arch_initcall(pv_lines_init);
