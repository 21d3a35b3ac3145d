// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: MMIO, the guest's loads and stores to guest-physical addresses
 * that are not RAM.
 *
 * Nothing outside guest memory is ever mapped, so such an access faults.
 * The faulting instruction is decoded here, the access goes to the
 * launcher as PV_EXIT_MMIO, and a load completes at the next PV_RUN with
 * the data the launcher left in the run page.  Only the MOV forms that
 * Linux's readX()/writeX() accessors compile to are understood; any other
 * instruction stops the vCPU with an internal error, as KVM's emulator
 * does with what it cannot emulate.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/trapnr.h>

#include "vm.h"

#define INSN_MAX	15

/*
 * Decode the MOV at the start of @insn (@avail bytes readable).  Return:
 * 0, or -EINVAL for anything else.
 */
static int mmio_decode(const u8 *insn, unsigned int avail,
		       struct pv_mmio_insn *d)
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

/**
 * pv_mmio_exit() - turn a fault on non-RAM into an exit to the launcher
 * @vcpu: the vCPU, stopped at the faulting instruction
 * @gpa:  the guest-physical address it touched
 *
 * Return: 1 (the exit is in vcpu->run), as an internal error when the
 * instruction is not one pvhost emulates.
 */
int pv_mmio_exit(struct pv_vcpu *vcpu, u64 gpa)
{
	struct pv_mmio_insn *d = &vcpu->mmio;
	struct pv_run *run = vcpu->run;
	u8 insn[INSN_MAX];
	unsigned int avail;
	u64 *reg, value;

	/* Up to 15 bytes, fewer when the page after is not mapped. */
	avail = min_t(u64, INSN_MAX, PAGE_SIZE - offset_in_page(vcpu->regs.rip));
	if (pv_copy_guest(vcpu, vcpu->regs.rip, insn, INSN_MAX, false) == 0)
		avail = INSN_MAX;
	else if (pv_copy_guest(vcpu, vcpu->regs.rip, insn, avail, false))
		avail = 0;
	if (mmio_decode(insn, avail, d) || offset_in_page(gpa) + d->size > PAGE_SIZE) {
		d->len = 0;
		return pv_internal_error(vcpu, X86_TRAP_PF, gpa,
					 "MMIO by an instruction pvhost does not emulate");
	}

	run->exit_reason = PV_EXIT_MMIO;
	memset(&run->mmio, 0, sizeof(run->mmio));
	run->mmio.phys_addr = gpa;
	run->mmio.len = d->size;
	run->mmio.is_write = d->write;
	if (d->write) {
		reg = pv_insn_reg(&vcpu->regs, d->reg);
		value = d->imm ? d->value : *reg >> (d->high_byte ? 8 : 0);
		memcpy(run->mmio.data, &value, d->size);
		/* A store is done once the launcher has it. */
		vcpu->regs.rip += d->len;
		d->len = 0;
	}
	return 1;
}

/**
 * pv_mmio_complete() - finish the load of the last PV_EXIT_MMIO, if any
 * @vcpu: the vCPU, about to run again
 *
 * Writes the launcher's data into the destination register as the CPU
 * would (8- and 16-bit loads keep the rest of the register; 32-bit ones
 * and MOVZX clear the upper bits) and steps past the instruction.
 */
void pv_mmio_complete(struct pv_vcpu *vcpu)
{
	struct pv_mmio_insn *d = &vcpu->mmio;
	u64 data = 0, *reg;

	if (!d->len)
		return;
	reg = pv_insn_reg(&vcpu->regs, d->reg);
	memcpy(&data, vcpu->run->mmio.data, d->size);
	if (d->zero_extend || d->size >= 4)
		*reg = data;
	else if (d->high_byte)
		*reg = (*reg & ~0xff00ULL) | data << 8;
	else
		*reg = (*reg & ~((1ULL << (d->size * 8)) - 1)) | data;
	vcpu->regs.rip += d->len;
	d->len = 0;
}
