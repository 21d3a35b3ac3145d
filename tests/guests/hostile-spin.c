// SPDX-License-Identifier: GPL-2.0
/*
 * A guest that never stops and never makes a hypercall: the host must stay
 * responsive (its interrupts still arrive while the guest runs) and a
 * signal must still end pvrun.  Run by tests/host/guest-spin.t.
 */
#include "lib/pv_guest.h"

enum verdict test_main(void)
{
	printk("spinning\n");
	for (;;)
		asm volatile("" ::: "memory");
	return FAILURE;
}
