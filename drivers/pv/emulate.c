// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: instructions the host carries out for the guest.
 *
 * IRETQ, far RET and far CALL within ring 3 need no help, under QEMU's
 * TCG either: the guest runs with SMAP clear (pv_guest_cr4()).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/string.h>
#include <asm/processor-flags.h>
#include <asm/segment.h>

#include "vm.h"

/* What the guest reads from CR0 and CR4: a protected-mode, paging CPU. */
#define PV_GUEST_CR0	(X86_CR0_PE | X86_CR0_MP | X86_CR0_ET | X86_CR0_NE | \
			 X86_CR0_WP | X86_CR0_AM | X86_CR0_PG)
#define PV_GUEST_CR4	(X86_CR4_PAE | X86_CR4_PSE | X86_CR4_OSFXSR | \
			 X86_CR4_OSXMMEXCPT)

/**
 * pv_insn_reg() - the register an instruction's register number names
 * @r: the guest's registers
 * @n: 0..15 in x86 order (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..)
 *
 * Return: a pointer into @r.
 */
u64 *pv_insn_reg(struct pv_regs *r, unsigned int n)
{
	u64 *regs[16] = {
		&r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
		&r->rsi, &r->rdi, &r->r8, &r->r9, &r->r10, &r->r11,
		&r->r12, &r->r13, &r->r14, &r->r15,
	};

	return regs[n & 15];
}

/*
 * Port I/O by the guest kernel.  A pv machine has nothing on its I/O bus
 * (its devices are virtio over MMIO): a read floats high, all ones, and a
 * write goes nowhere, as on a PC where no device decodes the port.  A
 * distribution kernel's early PCI quirks and its i8042, serial, PIT and
 * RTC drivers probe ports before anything pv runs, and take all ones for
 * "absent".  @insn holds @n fetched bytes.  The string forms (INS, OUTS)
 * stay #GP: nothing in Linux probes with them.
 *
 * Return: the instruction's length, or 0 when it is not IN or OUT.
 */
static unsigned int port_io(struct pv_regs *r, const u8 *insn, unsigned int n)
{
	unsigned int len = 0, size = 4;
	u8 op;

	if (insn[0] == 0x66) {		/* operand size: 16 bits */
		size = 2;
		len++;
	}
	op = insn[len];
	/* e4/e5 in imm8, e6/e7 out imm8, ec/ed in dx, ee/ef out dx */
	if ((op & 0xf4) != 0xe4)
		return 0;
	if (!(op & 1))
		size = 1;
	len += op & 8 ? 1 : 2;
	if (len > n)
		return 0;
	if (op & 2)			/* out: nothing there */
		return len;
	if (size == 1)
		r->rax |= 0xff;
	else if (size == 2)
		r->rax |= 0xffff;
	else
		r->rax = 0xffffffff;	/* a 32-bit result zero-extends */
	return len;
}

/**
 * pv_emulate_privileged() - carry out a privileged instruction for the
 *                           guest kernel
 * @vcpu: the vCPU, stopped at the instruction by #GP or #UD
 *
 * Linux runs a few privileged instructions where no pvop reaches: the
 * FRED entry code's ERETS and ERETU, reads of CR0 and CR4 to seed their
 * shadows, loads of SS (a no-op: the guest kernel's SS is virtual),
 * RDMSR, WRMSR and WRMSRNS on the MSRs of pv_wrmsr(), XSETBV of the
 * guest's XCR0 (pv_xsetbv()) and CPUID (it faults where the host turns
 * CPUID faulting on; pv_cpuid() answers), and port I/O, to ports no
 * device decodes (port_io()).  The rest stays the fault it is.
 *
 * Return: 0 when done, -EFAULT when the guest must take #GP (a bad ERET
 * frame or MSR), 1 when the instruction is none of these.
 */
int pv_emulate_privileged(struct pv_vcpu *vcpu)
{
	struct pv_regs *r = &vcpu->regs;
	unsigned int len = 0, n;
	u8 insn[5] = {}, rex = 0;	/* bytes not fetched read as 0 */
	u64 msr = r->rcx & 0xffffffff, *reg;

	/*
	 * The decoders read 64-bit code at a flat RIP: a guest kernel in a
	 * 32-bit or based code segment of its own gets its fault.
	 */
	if (vcpu->exit_cs != __USER_CS)
		return 1;
	/*
	 * Fewer bytes where the next page is not there: ERET* has 4, the
	 * shortest here (IN from DX) 1.  A longer try may have copied a
	 * few bytes before it failed: they read as 0 again.
	 */
	for (n = sizeof(insn); n; n--)
		if (!pv_copy_guest(vcpu, r->rip, insn, n, false))
			break;
	if (!n)
		return 1;
	memset(insn + n, 0, sizeof(insn) - n);
	len = port_io(r, insn, n);
	if (len) {
		r->rip += len;
		return 0;
	}
	/* ERETS (f2 0f 01 ca), ERETU (f3 0f 01 ca) */
	if ((insn[0] == 0xf2 || insn[0] == 0xf3) && insn[1] == 0x0f &&
	    insn[2] == 0x01 && insn[3] == 0xca)
		return pv_eret_insn(vcpu, insn[0] == 0xf3) ? -EFAULT : 0;
	/* DS: Linux's WRMSRNS falls back to "ds wrmsr" of the same length. */
	if (insn[len] == 0x3e)
		len++;
	if ((insn[len] & 0xf0) == 0x40)
		rex = insn[len++];
	/*
	 * mov %reg, %ss: the guest kernel's stack segment is virtual, always
	 * its kernel data segment (the hardware's stays the user one).
	 */
	if (insn[len] == 0x8e && (insn[len + 1] & 0xf8) == 0xd0) {
		r->rip += len + 2;
		return 0;
	}
	if (insn[len] != 0x0f)
		return 1;
	switch (insn[len + 1]) {
	case 0x20:		/* mov %crN, %reg */
		if ((insn[len + 2] >> 6) != 3)
			return 1;
		reg = pv_insn_reg(r, (insn[len + 2] & 7) | (rex & 1 ? 8 : 0));
		switch (insn[len + 2] >> 3 & 7) {
		case 0:
			*reg = PV_GUEST_CR0;
			break;
		case 4:
			*reg = PV_GUEST_CR4;
			break;
		default:
			return 1;
		}
		len += 3;
		break;
	case 0x01:		/* xsetbv: 0f 01 d1 */
		if (insn[len + 2] == 0xd1) {
			if (pv_xsetbv(vcpu, r->rcx & 0xffffffff,
				      (r->rdx & 0xffffffff) << 32 |
				      (r->rax & 0xffffffff)))
				return -EFAULT;
			len += 3;
			break;
		}
		fallthrough;
	case 0x30:		/* wrmsr */
				/* wrmsrns: 0f 01 c6 */
		if (insn[len + 1] == 0x01 && insn[len + 2] != 0xc6)
			return 1;
		if (pv_wrmsr(vcpu, msr, (r->rdx & 0xffffffff) << 32 |
				       (r->rax & 0xffffffff)))
			return -EFAULT;
		len += insn[len + 1] == 0x01 ? 3 : 2;
		break;
	case 0xa2:		/* cpuid, where CPUID faulting is on */
		pv_cpuid_to_regs(vcpu, r->rax, r->rcx);
		len += 2;
		break;
	case 0x32:		/* rdmsr */
		if (pv_rdmsr(vcpu, msr, &msr))
			return -EFAULT;
		r->rax = msr & 0xffffffff;
		r->rdx = msr >> 32;
		len += 2;
		break;
	default:
		return 1;
	}
	r->rip += len;
	return 0;
}
