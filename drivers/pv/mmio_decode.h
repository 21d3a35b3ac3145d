/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: the decoder of the instructions that touch MMIO (mmio_decode.c).
 */
#ifndef PVHOST_MMIO_DECODE_H
#define PVHOST_MMIO_DECODE_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

/* A decoded MMIO instruction; a load waits in it for the launcher. */
struct pv_mmio_insn {
	u8 len;			/* bytes; 0: no load waits */
	u8 size;		/* bytes accessed: 1, 2, 4 or 8 */
	u8 reg;			/* register operand, x86 numbering */
	bool write;
	bool imm;		/* a store of @value */
	bool zero_extend;	/* MOVZX */
	bool high_byte;		/* AH, CH, DH or BH */
	u64 value;
};

int pv_mmio_decode(const u8 *insn, unsigned int avail, struct pv_mmio_insn *d);

#endif
