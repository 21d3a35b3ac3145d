// SPDX-License-Identifier: GPL-2.0
/*
 * Console hello: the smallest test guest.  It checks the boot info the
 * boot protocol promises, says hello through the console hypercall and
 * powers off through the shutdown hypercall.
 */
#include "lib/pv_guest.h"

enum verdict test_main(void)
{
	check(boot_info->magic == PV_BOOT_MAGIC);
	check(boot_info->abi_version == PV_ABI_VERSION);
	check(boot_info->nr_mem > 0);
	printk("Hello from a pv test guest: %u MiB in %u ranges, command line '%s'\n",
	       (unsigned int)((boot_info->mem[boot_info->nr_mem - 1].start +
			       boot_info->mem[boot_info->nr_mem - 1].size) >> 20),
	       boot_info->nr_mem, boot_info->cmdline);
	return SUCCESS;
}
