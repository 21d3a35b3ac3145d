// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: run paravirtualized Linux guests in ring 3 on a stock host.
 *
 * This file owns the module's life and its character device, /dev/pvhost.
 * The system-level ioctls (API version, later VM creation) are answered
 * here; everything a VM needs lives in files of its own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cc_platform.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include <pv/pvhost.h>

#include "vm.h"

static long pvhost_dev_ioctl(struct file *filp, unsigned int ioctl,
			     unsigned long arg)
{
	switch (ioctl) {
	case PV_GET_API_VERSION:
		if (arg)
			return -EINVAL;
		return PV_API_VERSION;
	case PV_CREATE_VM:
		if (arg)
			return -EINVAL;
		return pv_vm_create();
	case PV_GET_VCPU_MMAP_SIZE:
		if (arg)
			return -EINVAL;
		return PAGE_SIZE;
	default:
		return -ENOTTY;
	}
}

static const struct file_operations pvhost_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= pvhost_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice pvhost_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "pvhost",
	.fops	= &pvhost_dev_fops,
	.mode	= 0660,
};

static int __init pvhost_init(void)
{
	int ret;

	/*
	 * With SME, host page tables and CR3 carry the encryption bit; the
	 * switcher's, the shadow tables' and their CR3 values do not.
	 */
	if (cc_platform_has(CC_ATTR_HOST_MEM_ENCRYPT)) {
		pr_err("hosts with memory encryption (AMD SME) are not supported\n");
		return -ENODEV;
	}
	ret = pv_time_check();
	if (ret)
		return ret;
	ret = pv_switcher_init();
	if (ret)
		return ret;
	pv_smp_module_init();
	pv_mmu_module_init();
	ret = misc_register(&pvhost_dev);
	if (ret) {
		pr_err("cannot register /dev/pvhost: %d\n", ret);
		pv_smp_module_exit();
		pv_switcher_exit();
		return ret;
	}
	pr_info("loaded, API version %d\n", PV_API_VERSION);
	return 0;
}

static void __exit pvhost_exit(void)
{
	misc_deregister(&pvhost_dev);
	pv_smp_module_exit();
	pv_switcher_exit();
}

module_init(pvhost_init);
module_exit(pvhost_exit);

MODULE_DESCRIPTION("pv: paravirtualized Linux guests without hardware virtualization");
MODULE_LICENSE("GPL");
