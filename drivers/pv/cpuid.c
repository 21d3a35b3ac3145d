// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the CPU the guest sees -- CPUID and CPUID faulting.
 *
 * One policy answers every CPUID of the guest: its kernel asks with
 * PV_HC_CPUID, and its user mode, which executes CPUID itself, faults into
 * the host where the CPU has CPUID faulting (the host turns it on while
 * the guest runs) and gets the same answer.  The policy lives here rather
 * than in the guest kernel because the host must answer user mode's
 * faulting CPUID without the guest's help: reflecting the #GP to the
 * guest kernel would need an emulator in Linux's #GP path, and would let
 * a guest kernel's bug show the host's features to its processes.
 *
 * The policy is an allowlist: a leaf or bit pv has not vetted reads as 0,
 * so a new CPU (or a host that is itself a KVM guest, whose 0x4000_0000
 * leaves would make Linux pick kvmclock) shows nothing pv cannot run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <asm/cpufeature.h>
#include <asm/msr.h>
#include <asm/processor.h>

#include "vm.h"

/* The largest leaf of each range the guest is shown. */
#define PV_CPUID_MAX_BASIC	0xd
#define PV_CPUID_MAX_EXT	0x80000008

/* Signature words: "pvpvpvpvpvpv" in EBX, ECX, EDX, as the ABI says. */
static const char pv_signature[12] __nonstring = PV_CPUID_SIGNATURE;

/**
 * pv_cpuid() - the guest's CPUID
 * @vcpu:    the vCPU
 * @leaf:    EAX
 * @subleaf: ECX
 * @r:       set to EAX, EBX, ECX, EDX
 *
 * The host's CPUID, cut down to what a ring-3 kernel and its processes
 * can use (abi.rst, "CPUID"); every leaf and bit not listed reads 0.
 */
void pv_cpuid(struct pv_vcpu *vcpu, u32 leaf, u32 subleaf, u32 *r)
{
	u32 h[4], max_basic = cpuid_eax(0), max_ext = cpuid_eax(0x80000000);

	memset(r, 0, 4 * sizeof(*r));
	if (leaf < 0x40000000 ? leaf > max_basic :
	    leaf >= 0x80000000 && (leaf > max_ext || max_ext < 0x80000000))
		return;
	cpuid_count(leaf, subleaf, &h[0], &h[1], &h[2], &h[3]);

	switch (leaf) {
	case 0:			/* the largest basic leaf, the vendor */
		r[0] = min_t(u32, h[0], PV_CPUID_MAX_BASIC);
		r[1] = h[1];
		r[2] = h[2];
		r[3] = h[3];
		break;
	case 1:
		r[0] = h[0];		/* family, model, stepping */
		r[1] = h[1] & 0x00ffffff;	/* not the host's APIC ID */
		/*
		 * SSE3, PCLMULQDQ, SSSE3, CX16, SSE4.1, SSE4.2, MOVBE, POPCNT,
		 * AES, RDRAND, and "a hypervisor is there".  No XSAVE (XSETBV
		 * is privileged) nor AVX with it.
		 */
		r[2] = (h[2] & (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) |
				BIT(20) | BIT(22) | BIT(23) | BIT(25) |
				BIT(30))) | BIT(31);
		/*
		 * FPU, VME, DE, PSE, TSC, MSR, PAE, CX8, SEP, PGE (the host
		 * keeps global translations, abi.rst), CMOV, PSE36, CLFSH,
		 * MMX, FXSR, SSE, SSE2, SS, HTT.
		 */
		r[3] = h[3] & (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) |
			       BIT(5) | BIT(6) | BIT(8) | BIT(11) | BIT(13) |
			       BIT(15) | BIT(17) | BIT(19) | BIT(23) | BIT(24) |
			       BIT(25) | BIT(26) | BIT(27) | BIT(28));
		break;
	case 2:			/* cache descriptors */
	case 4:			/* cache parameters */
		memcpy(r, h, sizeof(h));
		break;
	case 7:
		if (subleaf == 0) {
			r[0] = 1;	/* subleaf 1 is there: FRED */
			/* BMI1, BMI2, ERMS, ADX, CLFLUSHOPT, CLWB, SHA. */
			r[1] = h[1] & (BIT(3) | BIT(8) | BIT(9) | BIT(19) |
				       BIT(23) | BIT(24) | BIT(29));
			r[3] = h[3] & BIT(4);	/* FSRM */
		} else if (subleaf == 1) {
			/* FRED, as the host delivers events; no LKGS. */
			r[0] = BIT(17);
		}
		break;
	case PV_CPUID_BASE:	/* pv's own leaf: its signature */
		r[0] = PV_CPUID_BASE;
		memcpy(&r[1], pv_signature, sizeof(pv_signature));
		break;
	case 0x80000000:	/* the largest extended leaf, the vendor */
		r[0] = min_t(u32, h[0], PV_CPUID_MAX_EXT);
		r[1] = h[1];
		r[2] = h[2];
		r[3] = h[3];
		break;
	case 0x80000001:
		r[0] = h[0];
		/* LAHF, ABM, SSE4A, PREFETCHW */
		r[2] = h[2] & (BIT(0) | BIT(5) | BIT(6) | BIT(8));
		/* SYSCALL, NX, MMXEXT, 1 GiB pages, long mode; no RDTSCP. */
		r[3] = h[3] & (BIT(11) | BIT(20) | BIT(22) | BIT(26) | BIT(29));
		break;
	case 0x80000002 ... 0x80000006:	/* brand string, caches */
		memcpy(r, h, sizeof(h));
		break;
	case 0x80000007:
		r[3] = h[3] & BIT(8);	/* invariant TSC */
		break;
	case 0x80000008:
		/* Physical address bits; a 4-level guest has 48 virtual. */
		r[0] = (h[0] & 0xff) | 48 << 8;
		break;
	}
}

/**
 * pv_hc_cpuid() - PV_HC_CPUID: the policy for %rdi (leaf), %rsi (subleaf)
 * @vcpu: the vCPU, at the hypercall
 *
 * The answer goes to %rax, %rbx, %rcx, %rdx, as the instruction's does.
 */
void pv_hc_cpuid(struct pv_vcpu *vcpu)
{
	struct pv_regs *regs = &vcpu->regs;
	u32 r[4];

	pv_cpuid(vcpu, regs->rdi, regs->rsi, r);
	regs->rax = r[0];
	regs->rbx = r[1];
	regs->rcx = r[2];
	regs->rdx = r[3];
}

/**
 * pv_emulate_cpuid() - answer a CPUID instruction at the guest's RIP
 * @vcpu: the vCPU, stopped at the instruction by #GP (CPUID faulting)
 *
 * Return: 0 when done, -EINVAL when the instruction is not CPUID.
 */
int pv_emulate_cpuid(struct pv_vcpu *vcpu)
{
	struct pv_regs *regs = &vcpu->regs;
	u8 insn[2];
	u32 r[4];

	if (!boot_cpu_has(X86_FEATURE_CPUID_FAULT) ||
	    pv_copy_guest(vcpu, regs->rip, insn, sizeof(insn), false) ||
	    insn[0] != 0x0f || insn[1] != 0xa2)
		return -EINVAL;
	pv_cpuid(vcpu, regs->rax, regs->rcx, r);
	regs->rax = r[0];
	regs->rbx = r[1];
	regs->rcx = r[2];
	regs->rdx = r[3];
	regs->rip += 2;
	return 0;
}

/**
 * pv_cpu_model_enter() - give the CPU the guest's model for a run
 * @vcpu: the vCPU about to run
 * @h:    set to the host's values, for pv_cpu_model_exit()
 *
 * Call with IRQs off, just before the switch: CPUID faulting where the
 * CPU has it.
 */
void pv_cpu_model_enter(struct pv_vcpu *vcpu, struct pv_cpu_host *h)
{
	h->misc_features = 0;
	if (boot_cpu_has(X86_FEATURE_CPUID_FAULT)) {
		rdmsrl(MSR_MISC_FEATURES_ENABLES, h->misc_features);
		if (!(h->misc_features & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT))
			wrmsrl(MSR_MISC_FEATURES_ENABLES, h->misc_features |
			       MSR_MISC_FEATURES_ENABLES_CPUID_FAULT);
	}
}

/**
 * pv_cpu_model_exit() - give the host its own CPU back after a run
 * @h: what pv_cpu_model_enter() saved
 *
 * Call with IRQs off, before the host uses CPUID.
 */
void pv_cpu_model_exit(const struct pv_cpu_host *h)
{
	if (boot_cpu_has(X86_FEATURE_CPUID_FAULT) &&
	    !(h->misc_features & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT))
		wrmsrl(MSR_MISC_FEATURES_ENABLES, h->misc_features);
}
