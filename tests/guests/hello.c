// SPDX-License-Identifier: GPL-2.0
/*
 * Console hello: the smallest test guest.  It checks the boot info the
 * boot protocol promises (and that its shared page came registered, with
 * pvclock), says hello through the console hypercall and powers off
 * through the shutdown hypercall.
 */
#include "lib/pv_guest.h"

enum verdict test_main(void)
{
	check(boot_info->magic == PV_BOOT_MAGIC);
	check(boot_info->abi_version == PV_ABI_VERSION);
	check(boot_info->nr_mem > 0);
	/* vCPU 0's shared page is registered at boot: pvclock is running. */
	check(boot_info->vcpu0_shared % 4096 == 0);
	check(((struct pv_vcpu_shared *)(PV_DIRECT_MAP_BASE +
		boot_info->vcpu0_shared))->clock.tsc_to_system_mul != 0);
	printk("Hello from a pv test guest: %u MiB in %u ranges, command line '%s'\n",
	       (unsigned int)((boot_info->mem[boot_info->nr_mem - 1].start +
			       boot_info->mem[boot_info->nr_mem - 1].size) >> 20),
	       boot_info->nr_mem, boot_info->cmdline);
	return SUCCESS;
}
