// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the CPU the guest sees -- CPUID, XCR0 and CPUID faulting.
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
 *
 * Protection keys are not offered: CR4.PKE is clear while the guest runs
 * (pv_guest_cr4()), and so is CR4.SMAP, which guards nothing there.
 *
 * XCR0: the guest has one of its own, FP|SSE until its kernel sets
 * another with XSETBV (emulated, validated against what the host's FPU
 * code saves for a guest: the guest fpstate's features).  The switcher
 * loads it for the run, so that instructions of a feature the guest has
 * not enabled #UD as on hardware, and CPUID leaf 0xd describes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/log2.h>
#include <asm/cpufeature.h>
#include <asm/fpu/xcr.h>
#include <asm/msr.h>
#include <asm/processor.h>
#include <asm/tlbflush.h>

#include "vm.h"

/* The state components pv offers: x87, SSE, AVX and AVX-512. */
#define PV_XCR0_OFFERED		(XFEATURE_MASK_FP | XFEATURE_MASK_SSE | \
				 XFEATURE_MASK_YMM | XFEATURE_MASK_AVX512)
/* The guest's XCR0 before its kernel writes one: FXSAVE's state. */
#define PV_XCR0_DEFAULT		(XFEATURE_MASK_FP | XFEATURE_MASK_SSE)
/* The largest leaf of each range the guest is shown. */
#define PV_CPUID_MAX_BASIC	0xd
#define PV_CPUID_MAX_EXT	0x80000008

/*
 * The topology the guest sees: one package of as many cores as the VM has
 * vCPUs, one thread each, APIC ID = vCPU number, the last-level cache
 * shared by all.  Nothing of the host's: its vCPU threads run on whatever
 * host CPUs the scheduler picks, so the host's siblings mean nothing to
 * the guest's scheduler.  Counts are rounded up to a power of two, as the
 * fields that hold them are APIC ID widths.
 */
static u32 topo_width(struct pv_vcpu *vcpu)
{
	return roundup_pow_of_two(max(READ_ONCE(vcpu->vm->vcpu_id_limit), 1U));
}

/* Leaf 0xb: level 0 threads (1 per core), level 1 cores (the vCPUs). */
static void cpuid_topology(struct pv_vcpu *vcpu, u32 subleaf, u32 *r)
{
	r[2] = subleaf & 0xff;
	r[3] = vcpu->id;	/* x2APIC ID */
	if (subleaf == 0) {
		r[0] = 0;		/* no bits for threads */
		r[1] = 1;
		r[2] |= 1 << 8;		/* SMT */
	} else if (subleaf == 1) {
		r[0] = ilog2(topo_width(vcpu));
		r[1] = max(READ_ONCE(vcpu->vm->vcpu_id_limit), 1U);
		r[2] |= 2 << 8;		/* core */
	}
}

static u64 host_xcr0(void)
{
	return boot_cpu_has(X86_FEATURE_OSXSAVE) ?
	       xgetbv(XCR_XFEATURE_ENABLED_MASK) : PV_XCR0_DEFAULT;
}

/*
 * What the guest's XCR0 may hold: offered by pv, enabled on the host,
 * and saved by the host for the guest (the guest fpstate's features: no
 * dynamic ones such as AMX, whose XFD pv does not manage).
 */
static u64 guest_xcr0_allowed(struct pv_vcpu *vcpu)
{
	if (!boot_cpu_has(X86_FEATURE_OSXSAVE))
		return 0;
	return PV_XCR0_OFFERED & host_xcr0() & vcpu->fpu.xfeatures;
}

/**
 * pv_guest_xcr0() - the XCR0 the guest runs with
 * @vcpu: the vCPU
 *
 * Return: the value its kernel set, FP|SSE before it set one.
 */
u64 pv_guest_xcr0(struct pv_vcpu *vcpu)
{
	return vcpu->xcr0 ?: PV_XCR0_DEFAULT;
}

/* The size of an XSAVE (standard format) area holding @mask. */
static u32 xsave_size(u64 mask)
{
	u32 size = 512 + 64, eax, ebx, ecx, edx;
	unsigned int i;

	for (i = 2; i < 64; i++) {
		if (!(mask & BIT_ULL(i)))
			continue;
		cpuid_count(0xd, i, &eax, &ebx, &ecx, &edx);
		size = max(size, ebx + eax);
	}
	return size;
}

static void cpuid_xsave(struct pv_vcpu *vcpu, u32 subleaf, u32 *r)
{
	u64 allowed = guest_xcr0_allowed(vcpu);
	u32 h[4];

	if (!allowed)
		return;
	if (subleaf == 0) {
		r[0] = lower_32_bits(allowed);
		r[1] = xsave_size(pv_guest_xcr0(vcpu));
		r[2] = xsave_size(allowed);
		r[3] = upper_32_bits(allowed);
	} else if (subleaf == 1) {
		/* XSAVEOPT only: no XSAVEC, XGETBV1, XFD, nor XSAVES. */
		cpuid_count(0xd, 1, &h[0], &h[1], &h[2], &h[3]);
		r[0] = h[0] & BIT(0);
	} else if (subleaf < 64 && (allowed & BIT_ULL(subleaf))) {
		/* Size, offset, alignment of a user state component. */
		cpuid_count(0xd, subleaf, &r[0], &r[1], &r[2], &r[3]);
		r[2] &= BIT(1);
		r[3] = 0;
	}
}

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
	u64 allowed = guest_xcr0_allowed(vcpu);
	bool avx = allowed & XFEATURE_MASK_YMM;
	bool avx512 = (allowed & XFEATURE_MASK_AVX512) == XFEATURE_MASK_AVX512;
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
		/* CLFLUSH size, brand; this vCPU's APIC ID, the VM's count */
		r[1] = (h[1] & 0x0000ffff) | (vcpu->id << 24) |
		       (topo_width(vcpu) & 0xff) << 16;
		/*
		 * SSE3, PCLMULQDQ, SSSE3, CX16, SSE4.1, SSE4.2, MOVBE, POPCNT,
		 * AES, RDRAND, and "a hypervisor is there".  PCID, whatever
		 * the host CPU has: PV_HC_LOAD_CR3 takes tags (abi.rst).  XSAVE and
		 * OSXSAVE (the guest's CR4.OSXSAVE is always on: XGETBV works
		 * in ring 3) with XCR0 components to offer; AVX, FMA, F16C
		 * with the AVX state.
		 */
		r[2] = (h[2] & (BIT(0) | BIT(1) | BIT(9) | BIT(13) | BIT(19) |
				BIT(20) | BIT(22) | BIT(23) | BIT(25) |
				BIT(30))) | BIT(17) | BIT(31);
		if (allowed)
			r[2] |= (h[2] & BIT(26)) | BIT(27);
		if (avx)
			r[2] |= h[2] & (BIT(12) | BIT(28) | BIT(29));
		/*
		 * FPU, VME, DE, PSE, TSC, MSR, PAE, CX8, SEP, PGE (the host
		 * keeps global translations, abi.rst), CMOV, PSE36, CLFSH,
		 * MMX, FXSR, SSE, SSE2, SS; HTT with more than one vCPU.
		 */
		r[3] = h[3] & (BIT(0) | BIT(1) | BIT(2) | BIT(3) | BIT(4) |
			       BIT(5) | BIT(6) | BIT(8) | BIT(11) | BIT(13) |
			       BIT(15) | BIT(17) | BIT(19) | BIT(23) | BIT(24) |
			       BIT(25) | BIT(26) | BIT(27));
		if (READ_ONCE(vcpu->vm->vcpu_id_limit) > 1)
			r[3] |= BIT(28);
		break;
	case 2:			/* cache descriptors */
		memcpy(r, h, sizeof(h));
		break;
	case 4:			/* cache parameters, with our topology */
		memcpy(r, h, sizeof(h));
		if (!(h[0] & 0x1f))	/* no more caches */
			break;
		r[0] &= 0x3fff;
		r[0] |= min(topo_width(vcpu) - 1, 63U) << 26;
		/* Level 3 is shared by every vCPU; the others by none. */
		if ((h[0] >> 5 & 7) >= 3)
			r[0] |= (topo_width(vcpu) - 1) << 14;
		break;
	case 0xb:
		cpuid_topology(vcpu, subleaf, r);
		break;
	case 7:
		if (subleaf == 0) {
			r[0] = 1;	/* subleaf 1 is there: FRED */
			/* BMI1, BMI2, ERMS, ADX, CLFLUSHOPT, CLWB, SHA. */
			r[1] = h[1] & (BIT(3) | BIT(8) | BIT(9) | BIT(19) |
				       BIT(23) | BIT(24) | BIT(29));
			r[3] = h[3] & BIT(4);	/* FSRM */
			if (avx) {
				r[1] |= h[1] & BIT(5);	/* AVX2 */
				/* VAES, VPCLMULQDQ */
				r[2] |= h[2] & (BIT(9) | BIT(10));
			}
			if (avx512) {
				/* F, DQ, IFMA, PF, ER, CD, BW, VL */
				r[1] |= h[1] & (BIT(16) | BIT(17) | BIT(21) |
						BIT(26) | BIT(27) | BIT(28) |
						BIT(30) | BIT(31));
				/* VBMI, VBMI2, VNNI, BITALG, VPOPCNTDQ */
				r[2] |= h[2] & (BIT(1) | BIT(6) | BIT(11) |
						BIT(12) | BIT(14));
				/* 4VNNIW, 4FMAPS, VP2INTERSECT, FP16 */
				r[3] |= h[3] & (BIT(2) | BIT(3) | BIT(8) |
						BIT(23));
			}
		} else if (subleaf == 1) {
			/* FRED, as the host delivers events; no LKGS. */
			r[0] = BIT(17);
		}
		break;
	case 0xd:
		cpuid_xsave(vcpu, subleaf, r);
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
		/* AMD's count of cores, and the APIC ID bits they take */
		r[2] = (max(READ_ONCE(vcpu->vm->vcpu_id_limit), 1U) - 1) |
		       ilog2(topo_width(vcpu)) << 12;
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
	pv_cpuid_to_regs(vcpu, vcpu->regs.rdi, vcpu->regs.rsi);
}

/**
 * pv_cpuid_to_regs() - the policy's answer for @leaf, @subleaf in the
 * guest's %rax, %rbx, %rcx and %rdx, as the instruction leaves it
 * @vcpu:    the vCPU
 * @leaf:    CPUID leaf
 * @subleaf: CPUID subleaf
 */
void pv_cpuid_to_regs(struct pv_vcpu *vcpu, u32 leaf, u32 subleaf)
{
	struct pv_regs *regs = &vcpu->regs;
	u32 r[4];

	pv_cpuid(vcpu, leaf, subleaf, r);
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

	if (!boot_cpu_has(X86_FEATURE_CPUID_FAULT) || !pv_code_flat(vcpu) ||
	    pv_copy_guest(vcpu, regs->rip, insn, sizeof(insn), false) ||
	    insn[0] != 0x0f || insn[1] != 0xa2)
		return -EINVAL;
	pv_cpuid_to_regs(vcpu, regs->rax, regs->rcx);
	regs->rip += 2;
	return 0;
}

/**
 * pv_xsetbv() - the guest kernel's XSETBV
 * @vcpu:  the vCPU
 * @index: ECX: which XCR (only XCR0 exists)
 * @value: EDX:EAX
 *
 * Accepts what hardware would (x87 set, AVX with SSE, the three AVX-512
 * components together and with AVX) within what the guest may have.
 *
 * Return: 0, or -EINVAL for a #GP.
 */
int pv_xsetbv(struct pv_vcpu *vcpu, u64 index, u64 value)
{
	if (index != XCR_XFEATURE_ENABLED_MASK ||
	    (value & ~guest_xcr0_allowed(vcpu)) ||
	    !(value & XFEATURE_MASK_FP) ||
	    ((value & XFEATURE_MASK_YMM) && !(value & XFEATURE_MASK_SSE)) ||
	    ((value & XFEATURE_MASK_AVX512) &&
	     ((value & XFEATURE_MASK_AVX512) != XFEATURE_MASK_AVX512 ||
	      !(value & XFEATURE_MASK_YMM))))
		return -EINVAL;
	vcpu->xcr0 = value;
	return 0;
}

/**
 * pv_guest_cr4() - the CR4 the guest runs with
 * @host_cr4: the host's
 *
 * Without PKE: pv offers no protection keys.  The guest kernel runs in
 * ring 3 on user pages, so a process's PKRU would bind it too (a process
 * that denied key 0 would make its kernel fault on its own stack), and
 * the guest kernel does not switch PKRU between its processes.  With
 * CR4.PKE clear, no PKRU applies in the guest, and RDPKRU and WRPKRU
 * raise #UD, as on a CPU without protection keys.
 *
 * Without SMAP: it guards supervisor accesses to user pages, and while
 * the guest runs the CPU makes none that hardware would check.  The guest
 * runs in ring 3 only; there the CPU's implicit supervisor accesses go to
 * the switcher's descriptor tables, TSS and stacks, which are supervisor
 * pages, and the switcher's own code touches guest pages only in its fast
 * paths, at addresses it checked first (switcher_blob.S).  But QEMU's
 * TCG (7.2) reads and writes the stack of a far RET, far CALL or IRET in
 * ring 3 with supervisor accesses, which SMAP refuses on the guest's
 * pages (all of them are user pages): the #PF has no U bit, no shadow
 * entry can cure it, and the instruction would fault forever -- a
 * process's far return never ended.  With SMAP clear QEMU lets them reach
 * the guest's pages, as a CPU's user accesses do.  The host gets SMAP
 * back in pv_cpu_model_exit(), before any of its handlers can run.
 *
 * Return: @host_cr4 without the bits the guest must not have.
 */
unsigned long pv_guest_cr4(unsigned long host_cr4)
{
	return host_cr4 & ~(X86_CR4_PKE | X86_CR4_SMAP);
}

/**
 * pv_cpu_model_enter() - give the CPU the guest's model for a run
 * @vcpu: the vCPU about to run
 * @h:    set to the host's values, for pv_cpu_model_exit()
 *
 * Call with IRQs off, the guest's FPU state loaded, just before the
 * switch: the guest's XCR0, and CPUID faulting where the CPU has it.
 */
void pv_cpu_model_enter(struct pv_vcpu *vcpu, struct pv_cpu_host *h)
{
	h->xcr0 = 0;
	h->guest_xcr0 = 0;
	if (boot_cpu_has(X86_FEATURE_OSXSAVE)) {
		h->xcr0 = xgetbv(XCR_XFEATURE_ENABLED_MASK);
		h->guest_xcr0 = pv_guest_xcr0(vcpu);
		if (h->xcr0 != h->guest_xcr0)
			xsetbv(XCR_XFEATURE_ENABLED_MASK, h->guest_xcr0);
	}
	h->misc_features = 0;
	h->restore_misc = false;
	if (boot_cpu_has(X86_FEATURE_CPUID_FAULT)) {
		rdmsrl(MSR_MISC_FEATURES_ENABLES, h->misc_features);
		if (!(h->misc_features & MSR_MISC_FEATURES_ENABLES_CPUID_FAULT)) {
			wrmsrl(MSR_MISC_FEATURES_ENABLES, h->misc_features |
			       MSR_MISC_FEATURES_ENABLES_CPUID_FAULT);
			h->restore_misc = true;
		}
	}
	/* The switcher enters with pv_guest_cr4() of this (switcher.c). */
	h->cr4 = cr4_read_shadow();
	h->cr4_differs = pv_guest_cr4(h->cr4) != h->cr4;
}

/**
 * pv_cpu_model_exit() - give the host its own CPU back after a run
 * @h: what pv_cpu_model_enter() saved
 *
 * Call with IRQs off, before the host's IDT is back (an NMI must not run
 * its handler without SMAP) and before the host uses the FPU, CPUID or
 * PKRU.  It runs under the switcher's IDT, so it is noinstr and calls
 * nothing: a kprobe, a tracepoint or ftrace here would take its int3 or
 * fault in the switcher, which stops the CPU.  Hence the raw CR4 write
 * of the value saved at entry, and native_wrmsrl() (no tracepoint).
 */
noinstr void pv_cpu_model_exit(const struct pv_cpu_host *h)
{
	if (h->cr4_differs)
		asm volatile("mov %0, %%cr4" : : "r" (h->cr4) : "memory");
	if (h->restore_misc)
		native_wrmsrl(MSR_MISC_FEATURES_ENABLES, h->misc_features);
	if (h->xcr0 != h->guest_xcr0)
		xsetbv(XCR_XFEATURE_ENABLED_MASK, h->xcr0);
}
