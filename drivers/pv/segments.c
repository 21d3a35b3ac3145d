// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the segments a guest kernel gives its processes.
 *
 * A guest kernel keeps its processes' TLS descriptors (three GDT entries)
 * and LDTs itself, in its own memory; the CPU reads descriptors from the
 * switcher's GDT copy and an LDT the switcher maps (switcher.c).  So the
 * guest hands them over (PV_HC_SET_TLS, PV_HC_SET_LDT) and the host takes
 * only what cannot lead out of ring 3: code and data segments of
 * privilege 3, as Linux's fill_ldt() makes them.  A system descriptor (a
 * call gate into ring 0, a TSS, an LDT) or a segment of another privilege
 * is refused.  The accessed bit is set on each, so that the CPU never
 * writes to them: the LDT is mapped read-only.
 *
 * Here too: which CS and SS ERETU may return to user mode with (64-bit,
 * 32-bit or an LDT segment), and which DS, ES, FS and GS selectors the
 * switcher can load for the guest without faulting (a descriptor may have
 * changed since the guest loaded its selector).
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <asm/desc.h>

#include "vm.h"

#define DESC_ACCESSED		BIT_ULL(40)
#define DESC_READABLE		BIT_ULL(41)	/* code: readable */
#define DESC_CONFORMING		BIT_ULL(42)	/* code */
#define DESC_CODE		BIT_ULL(43)
#define DESC_S			BIT_ULL(44)	/* code or data, not system */
#define DESC_DPL(d)		(((d) >> 45) & 3)
#define DESC_P			BIT_ULL(47)
#define DESC_L			BIT_ULL(53)	/* code: 64-bit */

#define LDT_PER_PAGE		(PAGE_SIZE / 8)

/* Unique over the module's life: which LDT a CPU's switcher maps. */
static atomic64_t ldt_generation = ATOMIC64_INIT(0);

/*
 * A descriptor as the host installs it: 0 stays 0 (Linux's empty entry);
 * a code or data segment of privilege 3, present or not, gets its
 * accessed bit.  Return: 0, or -EINVAL for anything else.
 */
static int desc_take(u64 raw, u64 *out)
{
	if (raw && (!(raw & DESC_S) || DESC_DPL(raw) != 3))
		return -EINVAL;
	*out = raw ? raw | DESC_ACCESSED : 0;
	return 0;
}

/**
 * pv_set_tls() - PV_HC_SET_TLS: the three TLS descriptors of the GDT
 * @vcpu: the vCPU
 * @desc: the descriptors for GDT entries PV_TLS_FIRST..PV_TLS_FIRST + 2
 *
 * Return: 0, or -PV_EINVAL (nothing changed) when one is refused.
 */
u64 pv_set_tls(struct pv_vcpu *vcpu, const u64 *desc)
{
	u64 tls[PV_TLS_ENTRIES];
	unsigned int i;

	for (i = 0; i < PV_TLS_ENTRIES; i++)
		if (desc_take(desc[i], &tls[i]))
			return -PV_EINVAL;
	memcpy(vcpu->tls, tls, sizeof(tls));
	return 0;
}

/**
 * pv_set_ldt() - PV_HC_SET_LDT: the LDT the vCPU's user mode runs with
 * @vcpu:    the vCPU, in supervisor mode
 * @gva:     guest-virtual address of the descriptors, 8 bytes each
 * @entries: how many; 0 for none
 *
 * The descriptors are copied: later writes to @gva change nothing until
 * the next call.  On an error the vCPU is left without an LDT.
 *
 * Return: 0, -PV_EINVAL (more than PV_LDT_ENTRIES, or a descriptor
 * refused), -PV_EFAULT (not readable), -PV_ENOMEM.
 */
u64 pv_set_ldt(struct pv_vcpu *vcpu, u64 gva, u64 entries)
{
	unsigned int pages, i, n;
	u64 *ldt, ret;

	vcpu->ldt_entries = 0;
	vcpu->ldt_generation = 0;
	if (!entries)
		return 0;
	if (entries > PV_LDT_ENTRIES)
		return -PV_EINVAL;
	pages = DIV_ROUND_UP(entries, LDT_PER_PAGE);
	for (i = 0; i < pages; i++) {
		if (!vcpu->ldt[i])
			vcpu->ldt[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!vcpu->ldt[i])
			return -PV_ENOMEM;
		ldt = page_address(vcpu->ldt[i]);
		n = min_t(u64, entries - i * LDT_PER_PAGE, LDT_PER_PAGE);
		memset(ldt + n, 0, (LDT_PER_PAGE - n) * 8);
		if (pv_copy_guest(vcpu, gva + i * PAGE_SIZE, ldt, n * 8, false)) {
			ret = -PV_EFAULT;
			goto refused;
		}
		while (n--) {
			if (desc_take(ldt[n], &ldt[n])) {
				ret = -PV_EINVAL;
				goto refused;
			}
		}
	}
	vcpu->ldt_entries = entries;
	vcpu->ldt_generation = atomic64_inc_return(&ldt_generation);
	return 0;

refused:
	/* No descriptor the host refused stays in its pages. */
	do
		clear_page(page_address(vcpu->ldt[i]));
	while (i--);
	return ret;
}

/**
 * pv_segments_free() - free a vCPU's LDT pages
 * @vcpu: the vCPU, never to run again
 *
 * A CPU's switcher may still map them: it maps a vCPU's LDT anew before
 * any run whose LDT generation differs, and a generation is never reused.
 */
void pv_segments_free(struct pv_vcpu *vcpu)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vcpu->ldt); i++) {
		if (vcpu->ldt[i])
			__free_page(vcpu->ldt[i]);
		vcpu->ldt[i] = NULL;
	}
	vcpu->ldt_entries = 0;
}

/* The descriptor an LDT selector names, or 0 beyond the LDT. */
static u64 ldt_entry(const struct pv_vcpu *vcpu, u16 sel)
{
	unsigned int index = sel >> 3;

	if (index >= vcpu->ldt_entries)
		return 0;
	return ((u64 *)page_address(vcpu->ldt[index / LDT_PER_PAGE]))[index % LDT_PER_PAGE];
}

/* A selector of RPL 3 into the guest's own descriptors: TLS or LDT. */
static bool guest_selector(const struct pv_vcpu *vcpu, u16 sel)
{
	unsigned int index = sel >> 3;

	if ((sel & 3) != 3)
		return false;
	if (sel & SEGMENT_TI_MASK)
		return index < vcpu->ldt_entries;
	return index >= PV_TLS_FIRST && index < PV_TLS_FIRST + PV_TLS_ENTRIES;
}

/* The guest's descriptor for a guest_selector(). */
static u64 guest_desc(const struct pv_vcpu *vcpu, u16 sel)
{
	if (sel & SEGMENT_TI_MASK)
		return ldt_entry(vcpu, sel);
	return vcpu->tls[(sel >> 3) - PV_TLS_FIRST];
}

/*
 * User mode runs 64-bit code: Linux's user CS, or a code segment of the
 * guest's own with L set.
 */
bool pv_user_cs_64bit(const struct pv_vcpu *vcpu, u16 cs)
{
	if (cs == PV_USER_CS)
		return true;
	return guest_selector(vcpu, cs) && (guest_desc(vcpu, cs) & DESC_L);
}

/**
 * pv_code_flat() - whether the guest's code runs at linear address RIP
 * @vcpu: the vCPU
 *
 * The host reads instructions at RIP (CPUID, INT n, MMIO): that is where
 * they are in supervisor mode and for Linux's user code segments, and for
 * a segment of the guest's own only when its base is 0.
 *
 * Return: true when instruction bytes may be read at RIP.
 */
bool pv_code_flat(const struct pv_vcpu *vcpu)
{
	u16 cs = vcpu->user_cs;
	u64 d;

	if (!vcpu->user_mode || cs == PV_USER_CS || cs == PV_USER32_CS)
		return true;
	if (!guest_selector(vcpu, cs))
		return false;
	d = guest_desc(vcpu, cs);
	return !(d & 0xff0000ffffff0000ULL);	/* base 31:24 and 23:0 */
}

/**
 * pv_user_segments_ok() - whether ERETU may return to user mode with these
 * @vcpu: the vCPU
 * @cs:   the frame's code selector
 * @ss:   the frame's stack selector
 * @rip:  the frame's RIP
 *
 * CS is Linux's 64-bit or 32-bit user CS or a user selector of the
 * guest's own (a TLS entry or the LDT: user mode may far-jump there, and
 * must come back there); SS is the user data selector or one of the
 * guest's own.  RIP must be below the end of the lower half for 64-bit
 * code, within 4 GiB for 32-bit code.  A descriptor that is not what the
 * selector says (not present, not code) is the CPU's to refuse: the
 * switcher's IRETQ faults and the guest gets the #GP (switcher_blob.S,
 * sw_bad_iret).
 *
 * Return: true when the frame may be taken.
 */
bool pv_user_segments_ok(const struct pv_vcpu *vcpu, u16 cs, u16 ss, u64 rip)
{
	if (cs != PV_USER_CS && cs != PV_USER32_CS && !guest_selector(vcpu, cs))
		return false;
	if (ss != PV_USER_DS && !guest_selector(vcpu, ss))
		return false;
	return pv_user_cs_64bit(vcpu, cs) ? rip < PV_USER_VA_END : rip <= U32_MAX;
}

/**
 * pv_data_selector() - a data selector the switcher can load, in ring 0
 * @vcpu: the vCPU
 * @gdt:  the GDT the guest runs with (the switcher's copy)
 * @sel:  the guest's DS, ES, FS or GS selector
 *
 * The CPU's checks for loading a data segment register at CPL 0: a null
 * selector, or a present code-or-data descriptor, readable if code, and
 * of a privilege no higher than the selector's RPL unless conforming
 * code.  Anything else would fault in the switcher.
 *
 * Return: @sel, or 0 where it cannot be loaded.
 */
u16 pv_data_selector(const struct pv_vcpu *vcpu, const u64 *gdt, u16 sel)
{
	u64 d;

	if (!(sel & ~3))
		return sel;
	if (sel & SEGMENT_TI_MASK)
		d = ldt_entry(vcpu, sel);
	else
		d = (sel >> 3) < GDT_ENTRIES ? gdt[sel >> 3] : 0;
	if (!(d & DESC_P) || !(d & DESC_S))
		return 0;
	if ((d & DESC_CODE) && !(d & DESC_READABLE))
		return 0;
	if (!((d & DESC_CODE) && (d & DESC_CONFORMING)) && DESC_DPL(d) < (sel & 3))
		return 0;
	return sel;
}
