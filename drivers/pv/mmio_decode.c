// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the decoder of the instructions that touch MMIO.  It is pure (no
 * kernel state), so that tests/unit builds it in userspace and fuzzes it.
 */
#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>
#endif

#include "mmio_decode.h"

/**
 * pv_mmio_decode() - decode the MOV that made an MMIO access
 * @insn:  the instruction's bytes
 * @avail: how many of them are readable (at most 15 are looked at)
 * @d:     filled in: size, direction, register or immediate, length
 *
 * Only the MOV forms that readX()/writeX() compile to are understood:
 * 88, 89, 8a, 8b, c6 /0, c7 /0 and 0f b6 / 0f b7 (MOVZX), with operand
 * size, segment and REX prefixes.  Never reads past @avail bytes.
 *
 * Return: 0, or -EINVAL for anything else (the vCPU then stops).
 */
int pv_mmio_decode(const u8 *insn, unsigned int avail, struct pv_mmio_insn *d)
{
	bool opsize16 = false;
	unsigned int i = 0, mod, rm;
	u8 rex = 0, op, modrm;

	memset(d, 0, sizeof(*d));
	/* Prefixes: operand size, and segments (CR2 is the final address). */
	while (i < avail && (insn[i] == 0x66 || insn[i] == 0x2e ||
			     insn[i] == 0x3e || insn[i] == 0x26 ||
			     insn[i] == 0x36 || insn[i] == 0x64 ||
			     insn[i] == 0x65)) {
		opsize16 |= insn[i] == 0x66;
		i++;
	}
	if (i < avail && (insn[i] & 0xf0) == 0x40)
		rex = insn[i++];
	if (i + 2 > avail)
		return -EINVAL;
	op = insn[i++];
	d->size = rex & 8 ? 8 : opsize16 ? 2 : 4;
	switch (op) {
	case 0x88:		/* mov r/m8, r8 */
	case 0x8a:		/* mov r8, r/m8 */
	case 0xc6:		/* mov r/m8, imm8 */
		d->size = 1;
		break;
	case 0x89:		/* mov r/m, r */
	case 0x8b:		/* mov r, r/m */
	case 0xc7:		/* mov r/m, imm */
		break;
	case 0x0f:		/* movzx r, r/m8 and r, r/m16 */
		op = insn[i++];
		if ((op != 0xb6 && op != 0xb7) || opsize16)
			return -EINVAL;
		d->size = op == 0xb6 ? 1 : 2;
		d->zero_extend = true;
		op = 0x8b;	/* a load, as far as the rest goes */
		break;
	default:
		return -EINVAL;
	}
	d->write = op == 0x88 || op == 0x89 || op == 0xc6 || op == 0xc7;
	d->imm = op == 0xc6 || op == 0xc7;

	if (i >= avail)
		return -EINVAL;
	modrm = insn[i++];
	mod = modrm >> 6;
	rm = modrm & 7;
	d->reg = (modrm >> 3 & 7) | (rex & 4 ? 8 : 0);
	if (mod == 3 || (d->imm && (modrm >> 3 & 7)))
		return -EINVAL;	/* not a memory operand, or not MOV */
	/* AH, CH, DH, BH: without REX, byte registers 4..7. */
	if (d->size == 1 && !d->zero_extend && !rex && d->reg >= 4) {
		d->reg -= 4;
		d->high_byte = true;
	}
	/* Skip the SIB byte and the displacement. */
	if (rm == 4) {
		if (i >= avail)
			return -EINVAL;
		if (mod == 0 && (insn[i] & 7) == 5)
			i += 4;
		i++;
	}
	if (mod == 0 && rm == 5)
		i += 4;		/* RIP-relative */
	else if (mod == 1)
		i += 1;
	else if (mod == 2)
		i += 4;
	if (d->imm) {
		unsigned int n = min_t(unsigned int, d->size, 4);

		if (i + n > avail)
			return -EINVAL;
		memcpy(&d->value, insn + i, n);
		if (d->size == 8)	/* imm32, sign-extended */
			d->value = (s64)(s32)d->value;
		i += n;
	}
	if (i > avail)
		return -EINVAL;
	d->len = i;
	return 0;
}
