// SPDX-License-Identifier: GPL-2.0
/*
 * Random page tables, some entries pointing at themselves, and a switch
 * to them: the guest cannot run any more, the host must stop it cleanly.
 * The boot mappings are global, and global translations outlive a CR3
 * load as on a TLB, so a global flush follows the switch.
 * Run by tests/host/hostile-guests.t.
 */
#include "lib/pv_guest.h"

static unsigned long table[512] __attribute__((aligned(4096)));

enum verdict test_main(void)
{
	unsigned long s = 0x2545f4914f6cdd1dUL, self = __pa_kernel(table);
	unsigned int i;

	check(wrmsr_pv(MSR_IA32_FRED_CONFIG, (unsigned long)event_entry) == 0);
	for (i = 0; i < 512; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		table[i] = i % 3 ? s : self | 0x63;	/* every third: itself */
	}
	printk("switching to garbage page tables\n");
	hypercall2(PV_HC_LOAD_CR3, self, 0);
	hypercall6(PV_HC_FLUSH_TLB, 0, 0, PV_FLUSH_GLOBAL, 0, 0, 0);
	printk("still running on garbage page tables\n");
	return FAILURE;
}
