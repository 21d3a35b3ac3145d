// SPDX-License-Identifier: GPL-2.0
/*
 * Run twice at once (tests/host/two-vms.t), each with its own seed on the
 * command line: fills 32 MiB of its memory with a pattern from the seed,
 * spins a while (the other VM runs meanwhile), and checks that every word
 * is still its own.  Two VMs that could see each other's memory fail.
 */
#include "lib/pv_guest.h"

#define MiB	(1UL << 20)

static unsigned long pattern(unsigned long seed, unsigned long i)
{
	return (seed * 0x9e3779b97f4a7c15UL) ^ (i * 0xff51afd7ed558ccdUL);
}

enum verdict test_main(void)
{
	volatile unsigned long *mem = (unsigned long *)(PV_DIRECT_MAP_BASE + 64 * MiB);
	const char *c = boot_info->cmdline;
	unsigned long seed = 0, i, n = 32 * MiB / 8, round;

	while (*c && (*c < '0' || *c > '9'))
		c++;
	while (*c >= '0' && *c <= '9')
		seed = seed * 10 + (*c++ - '0');
	if (!seed)
		seed = 1;	/* run alone, without a seed */
	for (i = 0; i < n; i++)
		mem[i] = pattern(seed, i);
	for (round = 0; round < 3; round++) {
		for (i = 0; i < n; i += 512)
			check(mem[i] == pattern(seed, i));
		hypercall0(PV_HC_GET_FEATURES);	/* an exit: the host may switch */
	}
	for (i = 0; i < n; i++)
		check(mem[i] == pattern(seed, i));
	printk("seed %lu: all 32 MiB still mine\n", seed);
	return SUCCESS;
}
