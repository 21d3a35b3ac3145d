// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: /sys/kernel/pv/exit_counts, the host's count of this VM's
 * exits by reason (PV_HC_EXIT_COUNTS), one "name count" pair per line.
 * A benchmark reads it before and after an operation (make bench).
 */
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "hypercall.h"
#include "pv.h"

static const char * const pv_hypercall_names[PV_HC_MAX] = {
	[PV_HC_CONSOLE_WRITE]	= "console_write",
	[PV_HC_SHUTDOWN]	= "shutdown",
	[PV_HC_GET_FEATURES]	= "get_features",
	[PV_HC_VCPU_REGISTER]	= "vcpu_register",
	[PV_HC_ERETU]		= "eretu",
	[PV_HC_ERETS]		= "erets",
	[PV_HC_LOAD_CR3]	= "load_cr3",
	[PV_HC_FLUSH_TLB]	= "flush_tlb",
	[PV_HC_SET_TIMER]	= "set_timer",
	[PV_HC_HALT]		= "halt",
	[PV_HC_IRQ_WINDOW]	= "irq_window",
	[PV_HC_IRQ_BIND]	= "irq_bind",
	[PV_HC_WRMSR]		= "wrmsr",
	[PV_HC_RDMSR]		= "rdmsr",
	[PV_HC_VCPU_START]	= "vcpu_start",
	[PV_HC_SEND_IPI]	= "send_ipi",
	[PV_HC_CONSOLE_READ]	= "console_read",
	[PV_HC_EXIT_COUNTS]	= "exit_counts",
	[PV_HC_CPUID]		= "cpuid",
	[PV_HC_SET_TLS]		= "set_tls",
	[PV_HC_SET_LDT]		= "set_ldt",
	[PV_HC_VCPU_STOP]	= "vcpu_stop",
	[PV_HC_FLUSH_TLB_MULTI]	= "flush_tlb_multi",
};

static ssize_t exit_counts_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct pv_exit_counts *c;
	int i, n = 0;
	long ret;

	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	ret = pv_hypercall2(PV_HC_EXIT_COUNTS, (unsigned long)c, sizeof(*c));
	if (ret < 0) {
		kfree(c);
		return -EIO;
	}
	n += sysfs_emit_at(buf, n, "exits %llu\n", c->exits);
	n += sysfs_emit_at(buf, n, "syscalls %llu\n", c->syscalls);
	n += sysfs_emit_at(buf, n, "interrupts %llu\n", c->interrupts);
	n += sysfs_emit_at(buf, n, "shadow_fills %llu\n", c->shadow_fills);
	n += sysfs_emit_at(buf, n, "shadow_resets %llu\n", c->shadow_resets);
	n += sysfs_emit_at(buf, n, "emulated %llu\n", c->emulated);
	n += sysfs_emit_at(buf, n, "reflected %llu\n", c->reflected);
	n += sysfs_emit_at(buf, n, "lines %llu\n", c->lines);
	for (i = 0; i < PV_HC_MAX; i++)
		n += sysfs_emit_at(buf, n, "hypercall.%s %llu\n",
				   pv_hypercall_names[i], c->hypercalls[i]);
	for (i = 0; i < ARRAY_SIZE(c->exceptions); i++)
		if (c->exceptions[i])
			n += sysfs_emit_at(buf, n, "exception.%d %llu\n", i,
					   c->exceptions[i]);
	kfree(c);
	return n;
}

static struct kobj_attribute exit_counts_attr = __ATTR_RO(exit_counts);

static int __init pv_stats_init(void)
{
	struct kobject *dir = kobject_create_and_add("pv", kernel_kobj);

	if (!dir)
		return -ENOMEM;
	return sysfs_create_file(dir, &exit_counts_attr.attr);
}
device_initcall(pv_stats_init);
