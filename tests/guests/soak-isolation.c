// SPDX-License-Identifier: GPL-2.0
/*
 * Memory isolation, many VMs at once (make soak runs 64 of these side by
 * side, each with its own seed=N): fills mib=N MiB (default 4) of its
 * free RAM with a pattern from the seed, then checks it rounds=N times
 * (default 3), leaving the guest between rounds so the other VMs run and
 * the host switches, and once more in full at the end.  A VM that could
 * see or change another's memory, or whose memory the host lost or
 * swapped for another's, finds a word that is not its own.
 */
#include "lib/pv_guest.h"

#define MiB	(1UL << 20)

static unsigned long pattern(unsigned long seed, unsigned long i)
{
	return (seed * 0x9e3779b97f4a7c15UL) ^ (i * 0xff51afd7ed558ccdUL);
}

enum verdict test_main(void)
{
	unsigned long seed = param("seed", 1), bytes = param("mib", 4) * MiB;
	unsigned long rounds = param("rounds", 3), start = 0, size = 0, i, n, r;
	volatile unsigned long *mem;

	/* The largest free RAM range: nothing of ours lives there. */
	for (i = 0; i < boot_info->nr_mem; i++)
		if (boot_info->mem[i].type == PV_MEM_RAM && boot_info->mem[i].size > size) {
			start = boot_info->mem[i].start;
			size = boot_info->mem[i].size;
		}
	if (bytes > size)
		bytes = size & ~(MiB - 1);
	check(bytes);
	mem = (unsigned long *)(PV_DIRECT_MAP_BASE + start);
	n = bytes / 8;
	for (i = 0; i < n; i++)
		mem[i] = pattern(seed, i);
	for (r = 0; r < rounds; r++) {
		for (i = r % 512; i < n; i += 512)
			check(mem[i] == pattern(seed, i));
		hypercall0(PV_HC_GET_FEATURES);	/* an exit: the host may switch */
	}
	for (i = 0; i < n; i++)
		check(mem[i] == pattern(seed, i));
	printk("seed %lu: all %lu MiB still mine after %lu rounds\n", seed, bytes / MiB, rounds);
	return SUCCESS;
}
