// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: MMIO, the guest's loads and stores to guest-physical addresses
 * that are not RAM.
 *
 * Nothing outside guest memory is ever mapped, so such an access faults.
 * The faulting instruction is decoded here, the access goes to the
 * launcher as PV_EXIT_MMIO, and a load completes at the next PV_RUN with
 * the data the launcher left in the run page.  Only the MOV forms that
 * Linux's readX()/writeX() accessors compile to are understood
 * (mmio_decode.c); any other instruction gets the guest a #GP(0), a fault
 * it can handle, where KVM would stop the VM with an emulation failure.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/trap_pf.h>
#include <asm/trapnr.h>

#include "mmio_decode.h"
#include "vm.h"

#define INSN_MAX	15

/**
 * pv_mmio_exit() - turn a fault on non-RAM into an exit to the launcher
 * @vcpu: the vCPU, stopped at the faulting instruction
 * @gpa:  the guest-physical address it touched
 *
 * Return: 1 (the exit is in vcpu->run), or -EINVAL when the instruction
 * is not one pvhost emulates (the caller gives the guest a #GP).
 */
int pv_mmio_exit(struct pv_vcpu *vcpu, u64 gpa)
{
	struct pv_mmio_insn *d = &vcpu->mmio;
	struct pv_run *run = vcpu->run;
	u8 insn[INSN_MAX];
	unsigned int avail;
	u64 *reg, value;

	/*
	 * The decoder knows 64-bit code at linear RIP only: a 32-bit or
	 * 16-bit user segment, or one with a base, gets the #GP.
	 */
	if (!pv_code_flat(vcpu) ||
	    (vcpu->user_mode && !pv_user_cs_64bit(vcpu, vcpu->user_cs)))
		return -EINVAL;
	/* Up to 15 bytes, fewer when the page after is not mapped. */
	avail = min_t(u64, INSN_MAX, PAGE_SIZE - offset_in_page(vcpu->regs.rip));
	if (pv_copy_guest(vcpu, vcpu->regs.rip, insn, INSN_MAX, false) == 0)
		avail = INSN_MAX;
	else if (pv_copy_guest(vcpu, vcpu->regs.rip, insn, avail, false))
		avail = 0;
	/*
	 * The access must be the one that faulted: bytes changed under the
	 * fault (another thread, an alias) must not turn a read into a write.
	 */
	if (pv_mmio_decode(insn, avail, d) || offset_in_page(gpa) + d->size > PAGE_SIZE ||
	    d->write != !!(vcpu->error_code & X86_PF_WRITE)) {
		d->len = 0;
		return -EINVAL;
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
