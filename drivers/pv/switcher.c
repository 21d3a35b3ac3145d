// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: setting up the switcher and switching worlds.
 *
 * The switcher (switcher.h, switcher_blob.S) is mapped at the host's guard
 * hole: 0xffff800000000000 on a 4-level host, 0xff00000000000000 on a
 * 5-level one, the top-level slot the x86-64 layout leaves to hypervisors.
 * Each CPU has its own page-table chains for that slot, mapping the shared
 * text and its own data pages, so the switcher finds "its" data at fixed
 * addresses.  One chain, with the host page, is hooked into the CPU's
 * transition page table (a copy of the host kernel's top level); the
 * other, without it, into the guest's shadow root for the run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hw_breakpoint.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <asm/debugreg.h>
#include <asm/desc.h>
#include <asm/entry-common.h>
#include <asm/idtentry.h>
#include <asm/mce.h>
#include <asm/nospec-branch.h>
#include <asm/pgalloc.h>
#include <asm/special_insns.h>
#include <asm/tlbflush.h>
#include <asm/trap_pf.h>
#include <asm/trapnr.h>

#include "switcher.h"
#include "vm.h"

/* One CPU's switcher: its data pages and its tables. */
struct pv_switcher_cpu {
	struct page *data[SW_CPU_PAGES];
	struct sw_cpu_page *cpu;	/* host address of the cpu page */
	void *host;		/* host address of the host page */
	struct sw_frame *frame;	/* host address of the frame */
	/* Top-level entries mapping the switcher: without the host page... */
	unsigned long guest_chain;
	/* ... for the shadow roots, with it for the transition table. */
	unsigned long trans_chain;
	pgd_t *trans;		/* the transition top level (8 KiB aligned) */
	struct page *tables[2][4];	/* both chains' page tables */
	u64 *guest_ptes;	/* the guest chain's last level */
	u64 ldt_generation;	/* the LDT its PTEs map (segments.c) */
	unsigned long shared_pfn;	/* the shared page SW_SHARED maps */
};

static_assert(offsetof(struct pv_vcpu_shared, irq_enabled) == PV_SHARED_IRQ_ENABLED);
static_assert(offsetof(struct pv_vcpu_shared, rsp0) == PV_SHARED_RSP0);
static_assert(offsetof(struct pv_vcpu_shared, cr2) == PV_SHARED_CR2);
static_assert(SW_PF_MARKER == (X86_PF_USER | X86_PF_RSVD));
static_assert(SW_PF_MARKER_ANY == (X86_PF_PROT | X86_PF_WRITE | X86_PF_INSTR));
static_assert(SW_PF_ACCESS == (X86_PF_WRITE | X86_PF_USER | X86_PF_INSTR));
static_assert(offsetof(struct pv_vcpu_shared, user_gs_base) == PV_SHARED_USER_GS_BASE);
static_assert(offsetof(struct pv_vcpu_shared, user_gs_dirty) == PV_SHARED_USER_GS_DIRTY);
static_assert(offsetof(struct sw_frame, rip) == SWF_RIP);
static_assert(offsetof(struct sw_frame, vector) == SWF_VECTOR);
static_assert(sizeof(struct sw_frame) == SWF_SIZE);
static_assert(sizeof(struct pv_event_frame) == 64);
/* The cpu page as the asm sees it (SW_*) and as C does. */
#define SW_CPU_FIELD(field, offset) \
	static_assert(offsetof(struct sw_cpu_page, field) == (offset))
SW_CPU_FIELD(gdt, SW_GDT);
SW_CPU_FIELD(tss, SW_TSS);
SW_CPU_FIELD(trans_cr3, SW_TRANS_CR3);
SW_CPU_FIELD(guest_cr3, SW_GUEST_CR3);
SW_CPU_FIELD(scratch, SW_SCRATCH);
SW_CPU_FIELD(nmi_pending, SW_NMI_PENDING);
SW_CPU_FIELD(cr2, SW_CR2);
SW_CPU_FIELD(gdt_desc, SW_GDT_DESC);
SW_CPU_FIELD(idt_desc, SW_IDT_DESC);
SW_CPU_FIELD(guest_gs, SW_GUEST_GS);
SW_CPU_FIELD(mc_pending, SW_MC_PENDING);
SW_CPU_FIELD(fault_vector, SW_FAULT_VECTOR);
SW_CPU_FIELD(fault_error, SW_FAULT_ERROR);
SW_CPU_FIELD(fault_rip, SW_FAULT_RIP);
SW_CPU_FIELD(ldt_sel, SW_LDT_SEL);
SW_CPU_FIELD(guest_ds, SW_GUEST_DS);
SW_CPU_FIELD(guest_es, SW_GUEST_ES);
SW_CPU_FIELD(guest_fs, SW_GUEST_FS);
SW_CPU_FIELD(guest_gs_sel, SW_GUEST_GS_SEL);
SW_CPU_FIELD(guest_fs_base, SW_GUEST_FS_BASE);
SW_CPU_FIELD(fast, SW_FAST);
SW_CPU_FIELD(mode, SW_MODE);
SW_CPU_FIELD(kernel_cr3, SW_KERNEL_CR3);
SW_CPU_FIELD(user_cr3, SW_USER_CR3);
SW_CPU_FIELD(event_entry, SW_EVENT_ENTRY);
SW_CPU_FIELD(other_gs, SW_OTHER_GS);
SW_CPU_FIELD(fast_syscalls, SW_FAST_SYSCALLS);
SW_CPU_FIELD(save, SW_SAVE);
SW_CPU_FIELD(tmp, SW_TMP);
SW_CPU_FIELD(rsp0, SW_RSP0);
SW_CPU_FIELD(last_fault, SW_LAST_FAULT);
SW_CPU_FIELD(fast_faults, SW_FAST_FAULTS);
static_assert(sizeof(struct sw_cpu_page) <= PAGE_SIZE);

/*
 * The fast paths (switcher_blob.S, Documentation/pv/switcher.rst): on by
 * default; off, every user syscall and ERETU goes through C, as tests
 * check both ways (tests/host/fast-paths.t).
 */
static bool fast_paths = true;
module_param(fast_paths, bool, 0644);
MODULE_PARM_DESC(fast_paths, "deliver user syscalls and faults, take ERETU and ERETS in the switcher (default on)");

/** pv_fast_paths_on() - whether the switcher's fast paths may run */
bool pv_fast_paths_on(void)
{
	return READ_ONCE(fast_paths);
}

static struct page *switcher_text[SW_TEXT_PAGES];
/* The VM this CPU ran last: another one first gets an IBPB. */
static DEFINE_PER_CPU(u64, last_vm_id);
static struct pv_switcher_cpu __percpu *switchers;
static unsigned long pv_switcher_base;
static unsigned int switcher_slot;

static unsigned long sw_va(unsigned long offset)
{
	return pv_switcher_base + offset;
}

static pteval_t sw_pte(struct page *page, bool text)
{
	pgprotval_t prot = pgprot_val(text ? PAGE_KERNEL_ROX : PAGE_KERNEL);

	return (page_to_pfn(page) << PAGE_SHIFT) | (prot & ~_PAGE_GLOBAL);
}

/*
 * Build a chain of tables under the top-level slot: PUD (and P4D on a
 * 5-level host), PMD, PTE.  The switcher's first @nr_pages pages sit in
 * PTE[0..@nr_pages); the chain's tables go to @tables.
 *
 * Return: the top-level entry, or 0 when out of memory.
 */
static unsigned long switcher_build_chain(struct pv_switcher_cpu *sw,
					  struct page **tables,
					  unsigned int nr_pages)
{
	int levels = pgtable_l5_enabled() ? 4 : 3, i;
	unsigned long *t[4];
	unsigned long va = pv_switcher_base;

	for (i = 0; i < levels; i++) {
		tables[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!tables[i])
			return 0;
		t[i] = page_address(tables[i]);
	}
	/* Link each table to the next, at the index @va selects. */
	for (i = 0; i < levels - 1; i++) {
		int shift = PAGE_SHIFT + 9 * (levels - 1 - i);

		t[i][(va >> shift) & 511] =
			page_to_phys(tables[i + 1]) | _KERNPG_TABLE;
	}
	for (i = 0; i < SW_TEXT_PAGES; i++)
		t[levels - 1][i] = sw_pte(switcher_text[i], true);
	for (i = 0; i < nr_pages - SW_TEXT_PAGES; i++)
		t[levels - 1][SW_TEXT_PAGES + i] = sw_pte(sw->data[i], false);
	return page_to_phys(tables[0]) | _KERNPG_TABLE;
}

static void switcher_fill_idt(struct pv_switcher_cpu *sw)
{
	gate_desc *idt = page_address(sw->data[(SW_IDT - SW_CPU) / PAGE_SIZE]);
	unsigned int v, ist;

	for (v = 0; v < 256; v++) {
		/* Same IST slots as the host, so either TSS serves them. */
		ist = v == X86_TRAP_NMI ? IST_INDEX_NMI + 1 :
		      v == X86_TRAP_DF ? IST_INDEX_DF + 1 :
		      v == X86_TRAP_MC ? IST_INDEX_MCE + 1 : 0;
		/* INT3 and INTO are allowed from ring 3, as on the host. */
		pack_gate(&idt[v], GATE_INTERRUPT,
			  sw_va(SW_STUBS + v * SW_STUB_SIZE),
			  v == X86_TRAP_BP || v == X86_TRAP_OF ? 3 : 0, ist, 0);
	}
}

static void switcher_fill_tss(struct pv_switcher_cpu *sw)
{
	struct x86_hw_tss *tss = &sw->cpu->tss;

	memset(tss, 0, sizeof(*tss));
	tss->sp0 = sw_va(SW_STACK + PAGE_SIZE);
	tss->ist[IST_INDEX_DF] = sw_va(SW_DF_STACK + PAGE_SIZE);
	tss->ist[IST_INDEX_NMI] = sw_va(SW_NMI_STACK + PAGE_SIZE);
	tss->ist[IST_INDEX_MCE] = sw_va(SW_MC_STACK + PAGE_SIZE);
	/* Beyond the limit: every I/O port faults. */
	tss->io_bitmap_base = sizeof(*tss);
}

static void switcher_free_cpu(struct pv_switcher_cpu *sw)
{
	unsigned int i;

	for (i = 0; i < SW_CPU_PAGES; i++)
		if (sw->data[i])
			__free_page(sw->data[i]);
	for (i = 0; i < ARRAY_SIZE(sw->tables[0]); i++) {
		if (sw->tables[0][i])
			__free_page(sw->tables[0][i]);
		if (sw->tables[1][i])
			__free_page(sw->tables[1][i]);
	}
	if (sw->trans)
		free_pages((unsigned long)sw->trans, 1);
	memset(sw, 0, sizeof(*sw));
}

static int switcher_init_cpu(struct pv_switcher_cpu *sw)
{
	unsigned int i;

	for (i = 0; i < SW_CPU_PAGES; i++) {
		sw->data[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!sw->data[i])
			return -ENOMEM;
	}
	/*
	 * Two pages, using the even one: with KPTI the host's entry code
	 * takes CR3 bit 12 for "user page table" and would clear it.
	 */
	sw->trans = (pgd_t *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, 1);
	if (!sw->trans)
		return -ENOMEM;
	sw->cpu = page_address(sw->data[0]);
	sw->host = page_address(sw->data[(SW_HOST - SW_CPU) / PAGE_SIZE]);
	sw->frame = page_address(sw->data[(SW_STACK - SW_CPU) / PAGE_SIZE]) +
		    PAGE_SIZE - sizeof(struct sw_frame);
	switcher_fill_idt(sw);
	switcher_fill_tss(sw);
	sw->guest_chain = switcher_build_chain(sw, sw->tables[0], SW_GUEST_PAGES);
	sw->trans_chain = switcher_build_chain(sw, sw->tables[1], SW_PAGES);
	if (!sw->guest_chain || !sw->trans_chain)
		return -ENOMEM;
	sw->guest_ptes = page_address(sw->tables[0][pgtable_l5_enabled() ? 3 : 2]);
	return 0;
}

/**
 * pv_switcher_init() - prepare the switcher for every possible CPU
 *
 * Return: 0, or a negative errno (the module then refuses to load).
 */
int pv_switcher_init(void)
{
	unsigned int cpu, i;
	int ret;

	if (boot_cpu_has(X86_FEATURE_XENPV)) {
		pr_err("cannot run under Xen PV: Xen owns the guard hole\n");
		return -ENODEV;
	}
	if (cr4_read_shadow() & X86_CR4_FRED) {
		pr_err("FRED hosts are not supported yet\n");
		return -ENODEV;
	}
	pv_switcher_base = pgtable_l5_enabled() ? 0xff00000000000000UL :
						  0xffff800000000000UL;
	switcher_slot = pgd_index(pv_switcher_base);

	for (i = 0; i < SW_TEXT_PAGES; i++) {
		switcher_text[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		if (!switcher_text[i]) {
			ret = -ENOMEM;
			goto fail;
		}
		memcpy(page_address(switcher_text[i]),
		       pv_switcher_blob + i * PAGE_SIZE, PAGE_SIZE);
	}
	switchers = alloc_percpu(struct pv_switcher_cpu);
	if (!switchers) {
		ret = -ENOMEM;
		goto fail;
	}
	for_each_possible_cpu(cpu) {
		ret = switcher_init_cpu(per_cpu_ptr(switchers, cpu));
		if (ret)
			goto fail;
	}
	return 0;

fail:
	pv_switcher_exit();
	return ret;
}

/** pv_switcher_exit() - free what pv_switcher_init() set up */
void pv_switcher_exit(void)
{
	unsigned int cpu, i;

	if (switchers) {
		for_each_possible_cpu(cpu)
			switcher_free_cpu(per_cpu_ptr(switchers, cpu));
		free_percpu(switchers);
		switchers = NULL;
	}
	for (i = 0; i < SW_TEXT_PAGES; i++) {
		if (switcher_text[i])
			__free_page(switcher_text[i]);
		switcher_text[i] = NULL;
	}
}

/* Host state the world switch changes and restores. */
struct host_state {
	unsigned long cr3, fs_base, gs_base, user_gs_base;
	u64 lstar, cstar, sysenter_cs;
	struct desc_ptr idt;
	unsigned long dr7;
	u16 ldt, fs_sel, gs_sel, ds_sel, es_sel;
};

/*
 * CPU state that is the guest's while it runs and the host's otherwise,
 * and that the host's own code leaves alone in between: the DS and ES
 * selectors (the guest's ring 3 may load them; left behind, they would
 * become the launcher's, as KVM's vmx_prepare_switch_to_guest() knows).
 * The switcher loads the guest's, from the guest's GDT and LDT; the
 * host's are saved right before the switch and put back right after it,
 * so no host code runs with the guest's values.  PKRU needs nothing: the
 * guest runs with CR4.PKE clear, so it can neither use nor change the
 * host's (cpuid.c); XCR0 and CPUID faulting are cpuid.c's too.
 */
static void save_host_state(struct host_state *h)
{
	savesegment(ds, h->ds_sel);
	savesegment(es, h->es_sel);
}

/*
 * The host's selectors back.  Equal numbers need no load only when null:
 * another one may name one of the guest's descriptors (TLS, LDT) now.
 */
static void restore_host_state(struct pv_vcpu *vcpu, const struct host_state *h,
			       bool save)
{
	u16 ds, es;

	savesegment(ds, ds);
	savesegment(es, es);
	if (save) {
		vcpu->ds_sel = ds;
		vcpu->es_sel = es;
	}
	if (ds != h->ds_sel || h->ds_sel)
		loadsegment(ds, h->ds_sel);
	if (es != h->es_sel || h->es_sel)
		loadsegment(es, h->es_sel);
}

/*
 * The switcher's IST stacks, NMI, #MC and #DF, are mapped in the guest.
 * An NMI or #MC between the exit and load_idt() left the host's RIP and
 * RSP at the top of one (switcher_blob.S, sw_leave): wipe them before the
 * guest can run on this CPU again.  The frame of an event from the guest
 * goes too; the guest knows it already.
 */
static void wipe_ist_frames(struct pv_switcher_cpu *sw)
{
	static const unsigned int ist[] = { SW_NMI_STACK, SW_MC_STACK, SW_DF_STACK };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ist); i++)
		memset(page_address(sw->data[(ist[i] - SW_CPU) / PAGE_SIZE]) +
		       PAGE_SIZE - 64, 0, 64);
}

static void replay_host_event(struct pv_switcher_cpu *sw, u64 vector,
			      const struct desc_ptr *host_idt)
{
	const gate_desc *gates = (const gate_desc *)host_idt->address;
	u64 *nmi_pending = &sw->cpu->nmi_pending;
	u64 *mc_pending = &sw->cpu->mc_pending;

	if (vector == X86_TRAP_NMI || *nmi_pending) {
		*nmi_pending = 0;
		pv_do_event_irqoff(pv_host_nmi_entry());
	}
	/*
	 * An #MC in the guest or in the switcher is the host's, handled as
	 * KVM's kvm_machine_check() does: as from user mode, so that the
	 * host kills what used the bad memory rather than panics.  The
	 * switcher left the banks alone for do_machine_check() to read.
	 */
	if (vector == X86_TRAP_MC || *mc_pending) {
		struct pt_regs regs = { .cs = 3, .flags = X86_EFLAGS_IF };

		*mc_pending = 0;
		/* Without it (Debian's 6.1 cloud kernel) no #MC gets here. */
		if (IS_ENABLED(CONFIG_X86_MCE))
			do_machine_check(&regs);
	}
	/* External interrupts: never the legacy syscall gate. */
	if (vector >= FIRST_EXTERNAL_VECTOR && vector < 256 &&
	    vector != IA32_SYSCALL_VECTOR)
		pv_do_event_irqoff(gate_offset(&gates[vector]));
}

/*
 * The guest's segments in our GDT copy and cpu page: its TLS descriptors
 * (never the launcher thread's, which the host's GDT holds), its LDT,
 * mapped at SW_LDT where this CPU does not map it already, and the data
 * selectors the switcher loads.  A selector whose descriptor went away
 * becomes 0, as the CPU could not load it.
 */
static void load_guest_segments(struct pv_switcher_cpu *sw,
				struct pv_vcpu *vcpu)
{
	u64 *gdt = sw->cpu->gdt;
	u16 *ldt_sel = &sw->cpu->ldt_sel;
	unsigned int i, pages;

	memcpy(&gdt[PV_TLS_FIRST], vcpu->tls, sizeof(vcpu->tls));
	if (sw->ldt_generation != vcpu->ldt_generation) {
		pages = DIV_ROUND_UP(vcpu->ldt_entries * 8, PAGE_SIZE);
		for (i = 0; i < PV_LDT_PAGES; i++)
			sw->guest_ptes[SW_LDT_PTE + i] = i < pages ?
				(page_to_pfn(vcpu->ldt[i]) << PAGE_SHIFT) |
				((pgprot_val(PAGE_KERNEL_RO) & ~_PAGE_GLOBAL) &
				 __supported_pte_mask) : 0;
		sw->ldt_generation = vcpu->ldt_generation;
	}
	if (vcpu->ldt_entries) {
		set_tssldt_descriptor(&gdt[GDT_ENTRY_LDT], sw_va(SW_LDT),
				      DESC_LDT, vcpu->ldt_entries * 8 - 1);
		*ldt_sel = GDT_ENTRY_LDT * 8;
	} else {
		/* Not the host's LDT descriptor, a host address. */
		memset(&gdt[GDT_ENTRY_LDT], 0, 16);
		*ldt_sel = 0;
	}
	sw->cpu->guest_ds = pv_data_selector(vcpu, gdt, vcpu->ds_sel);
	sw->cpu->guest_es = pv_data_selector(vcpu, gdt, vcpu->es_sel);
	sw->cpu->guest_fs = pv_data_selector(vcpu, gdt, vcpu->fs_sel);
	sw->cpu->guest_gs_sel = pv_data_selector(vcpu, gdt, vcpu->gs_sel);
	sw->cpu->guest_fs_base = vcpu->fs_base;
}

/*
 * What the fast paths need: both roots, the mode, the entry, the other GS
 * base, FRED_RSP0, and the vCPU's shared page at SW_SHARED.  They run
 * only when nothing needs the host on the way: an entry registered, no
 * line the guest would take at its next ERETU, no prefill waiting for
 * the ERETU, supervisor mode at stack level 0.
 */
static void fast_paths_prepare(struct pv_switcher_cpu *sw, struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	unsigned long pfn;
	bool on;

	on = READ_ONCE(fast_paths) && sh && vcpu->event_entry &&
	     !(READ_ONCE(vcpu->pending_lines) & READ_ONCE(vcpu->bound_lines)) &&
	     !vcpu->prefill && !vcpu->fred_csl;
	sw->cpu->fast = on ? SW_FAST_ON : 0;
	sw->cpu->mode = vcpu->user_mode;
	sw->cpu->kernel_cr3 = __pa(vcpu->roots[0]);
	sw->cpu->user_cr3 = __pa(vcpu->roots[1]);
	sw->cpu->event_entry = vcpu->event_entry;
	sw->cpu->other_gs = vcpu->kernel_gs_base;
	sw->cpu->rsp0 = vcpu->rsp0;
	sw->cpu->fast_syscalls = 0;
	sw->cpu->last_fault = vcpu->last_fast_fault;
	sw->cpu->fast_faults = 0;
	/* Guest memory, pinned while registered; NX, supervisor only. */
	pfn = on ? page_to_pfn(virt_to_page(sh)) : 0;
	if (sw->shared_pfn != pfn) {
		sw->guest_ptes[SW_SHARED_PTE] = pfn ? (pfn << PAGE_SHIFT) |
			((pgprot_val(PAGE_KERNEL) & ~_PAGE_GLOBAL) &
			 __supported_pte_mask) : 0;
		sw->shared_pfn = pfn;
	}
}

/*
 * After the run: the mode and GS bases the fast paths left, and a user GS
 * base the kernel wrote in its shared page since (read once; it is loaded
 * at the next ERETU).  One no CPU takes becomes 0, never what the last
 * task had.  Their user syscalls count as syscalls; neither counts as an
 * exit (it is none).
 */
static void fast_paths_done(struct pv_switcher_cpu *sw, struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	u64 base, faults;

	vcpu->user_mode = sw->cpu->mode;
	vcpu->kernel_gs_base = sw->cpu->other_gs;
	if (sh && !vcpu->user_mode && READ_ONCE(sh->user_gs_dirty)) {
		base = READ_ONCE(sh->user_gs_base);
		if (!pv_segment_base_ok(base)) {
			base = 0;
			WRITE_ONCE(sh->user_gs_base, 0);
		}
		vcpu->kernel_gs_base = base;
		WRITE_ONCE(sh->user_gs_dirty, 0);
	}
	vcpu->counts.syscalls += sw->cpu->fast_syscalls;
	vcpu->last_fast_fault = sw->cpu->last_fault;
	faults = sw->cpu->fast_faults;
	vcpu->counts.reflected += faults;
	vcpu->counts.exceptions[X86_TRAP_PF] += faults;
}

/**
 * pv_switcher_run() - run a vCPU's guest until it exits to the host
 * @vcpu:  the vCPU; its registers and mode go in and come back
 * @cr2:   set to CR2 at the exit
 *
 * Call with IRQs off.  The error code of an exception goes to
 * vcpu->error_code.
 *
 * Return: the exit vector: an exception vector, an interrupt vector
 * (already handed to the host's handler), or SW_VECTOR_SYSCALL.
 */
u64 pv_switcher_run(struct pv_vcpu *vcpu, unsigned long *cr2)
{
	pgd_t *kernel_root = vcpu->roots[0], *user_root = vcpu->roots[1];
	pgd_t *root = vcpu->roots[vcpu->user_mode];
	int cpu = smp_processor_id();
	struct pv_switcher_cpu *sw = per_cpu_ptr(switchers, cpu);
	struct desc_ptr *gdt_desc = &sw->cpu->gdt_desc;
	struct desc_ptr *idt_desc = &sw->cpu->idt_desc;
	struct desc_struct *cpunode;
	struct sw_frame *f = sw->frame;
	struct host_state h;
	struct pv_cpu_host cpu_model;
	bool gs_loaded, guest_ran;
	u16 fs_sel, gs_sel;
	u64 vector;

	lockdep_assert_irqs_disabled();

	/* This CPU's switcher slot in the transition table and the root. */
	memcpy(sw->trans + KERNEL_PGD_BOUNDARY,
	       current->mm->pgd + KERNEL_PGD_BOUNDARY,
	       KERNEL_PGD_PTRS * sizeof(pgd_t));
	sw->trans[switcher_slot] = __pgd(sw->trans_chain);
	/* Both roots: a fast path switches between them in the switcher. */
	kernel_root[switcher_slot] = __pgd(sw->guest_chain);
	user_root[switcher_slot] = __pgd(sw->guest_chain);

	/*
	 * Our GDT is the host's, with our TSS, and the guest's vCPU number
	 * in the per-CPU segment's limit, where the vDSO's getcpu (LSL)
	 * looks: the host CPU's number is none of the guest's business.
	 */
	memcpy(sw->cpu->gdt, get_cpu_gdt_rw(cpu), GDT_SIZE);
	cpunode = (struct desc_struct *)&sw->cpu->gdt[GDT_ENTRY_CPUNODE];
	cpunode->limit0 = vcpu->id & 0xfff;
	cpunode->limit1 = 0;
	set_tssldt_descriptor(&sw->cpu->gdt[GDT_ENTRY_TSS],
			      sw_va(SW_CPU + SW_TSS), DESC_TSS,
			      sizeof(struct x86_hw_tss) - 1);
	load_guest_segments(sw, vcpu);
	gdt_desc->size = GDT_SIZE - 1;
	gdt_desc->address = sw_va(SW_CPU + SW_GDT);
	idt_desc->size = PAGE_SIZE - 1;
	idt_desc->address = sw_va(SW_IDT);
	/* The CR4 the switcher enters with: the guest's (cpuid.c). */
	*(u64 *)(sw->host + SW_HOST_CR4) = pv_guest_cr4(cr4_read_shadow());
	sw->cpu->guest_cr3 = __pa(root);
	sw->cpu->trans_cr3 = __pa(sw->trans);
	sw->cpu->guest_gs = vcpu->gs_base;
	fast_paths_prepare(sw, vcpu);

	/* The guest's registers, in the frame the switcher IRETs from. */
	f->r15 = vcpu->regs.r15;
	f->r14 = vcpu->regs.r14;
	f->r13 = vcpu->regs.r13;
	f->r12 = vcpu->regs.r12;
	f->r11 = vcpu->regs.r11;
	f->r10 = vcpu->regs.r10;
	f->r9 = vcpu->regs.r9;
	f->r8 = vcpu->regs.r8;
	f->rbp = vcpu->regs.rbp;
	f->rdi = vcpu->regs.rdi;
	f->rsi = vcpu->regs.rsi;
	f->rdx = vcpu->regs.rdx;
	f->rcx = vcpu->regs.rcx;
	f->rbx = vcpu->regs.rbx;
	f->rax = vcpu->regs.rax;
	f->rip = vcpu->regs.rip;
	f->rsp = vcpu->regs.rsp;
	/*
	 * Each mode resumes with the CS it exited with: either may run 32-bit
	 * or LDT code (the kernel by a far return), and an exit must not
	 * change what the next instruction means.
	 */
	f->cs = vcpu->user_mode ? vcpu->user_cs : vcpu->kernel_cs;
	f->ss = vcpu->user_mode ? vcpu->user_ss : __USER_DS;
	/* Ring 3, interrupts on: the host must keep getting its own. */
	f->rflags = (vcpu->regs.rflags & PV_RFLAGS_GUEST) |
		    X86_EFLAGS_IF | X86_EFLAGS_FIXED;

	/* Host state the guest could see or change. */
	h.cr3 = __read_cr3();
	store_idt(&h.idt);
	store_ldt(h.ldt);
	/*
	 * FS and GS: selectors and bases.  The guest's ring-3 code may load
	 * FS or GS selectors; left behind, they would become the launcher
	 * thread's, and on a CPU without FSGSBASE the next context switch
	 * would take the selector's descriptor base (0) for its TLS base.
	 * So both sides get their own selectors back, as KVM does.
	 */
	savesegment(fs, h.fs_sel);
	savesegment(gs, h.gs_sel);
	rdmsrl(MSR_FS_BASE, h.fs_base);
	rdmsrl(MSR_GS_BASE, h.gs_base);
	rdmsrl(MSR_KERNEL_GS_BASE, h.user_gs_base);
	rdmsrl(MSR_LSTAR, h.lstar);
	rdmsrl(MSR_CSTAR, h.cstar);
	rdmsrl(MSR_IA32_SYSENTER_CS, h.sysenter_cs);
	h.dr7 = hw_breakpoint_active() ? 1 : 0;
	if (h.dr7)
		set_debugreg(0, 7);

	/* SYSCALL from either mode comes to the switcher; SYSENTER faults. */
	wrmsrl(MSR_LSTAR, sw_va(SW_SYSCALL_ENTRY));
	wrmsrl(MSR_CSTAR, sw_va(SW_SYSCALL32_ENTRY));
	wrmsrl(MSR_IA32_SYSENTER_CS, 0);
	/*
	 * The guest's DS, ES, FS and GS are loaded by the switcher, from its
	 * GDT and LDT (load_guest_segments()); no host code runs with them.
	 */
	gs_loaded = false;
	asm volatile("lldt %w0" : : "r" (0));
	save_host_state(&h);

	/* The guest's XCR0, CPUID faulting: cpuid.c. */
	pv_cpu_model_enter(vcpu, &cpu_model);

	/*
	 * Speculation: what the host does on its own way to user mode.  IBRS
	 * off for the guest where the kernel runs with it (restored on the way
	 * back, before the first RET); an IBPB when this CPU ran another VM
	 * last; CPU buffers cleared as late as C allows.
	 */
	if (cpu_feature_enabled(X86_FEATURE_KERNEL_IBRS))
		native_wrmsrl(MSR_IA32_SPEC_CTRL,
			      spec_ctrl_current() & ~SPEC_CTRL_IBRS);
	if (this_cpu_read(last_vm_id) != vcpu->vm->id) {
		this_cpu_write(last_vm_id, vcpu->vm->id);
		/*
		 * Registers of the last VM the switcher kept in the cpu page,
		 * which a Meltdown-class read from this one could find.
		 */
		memset(sw->cpu->save, 0, sizeof(sw->cpu->save));
		memset(sw->cpu->tmp, 0, sizeof(sw->cpu->tmp));
		sw->cpu->scratch = 0;
		indirect_branch_prediction_barrier();
	}
	if (cpu_feature_enabled(X86_FEATURE_CLEAR_CPU_BUF))
		x86_clear_cpu_buffers();

	pv_switch_to_guest(sw_va(SW_TEXT), __pa(sw->trans), sw->host,
			   h.gs_base);
	/*
	 * Back on the transition table: the root holds the switcher only
	 * while the guest runs, so no shadow walk ever meets its tables.
	 */
	kernel_root[switcher_slot] = __pgd(0);
	user_root[switcher_slot] = __pgd(0);

	/* As after any user code: the task returning to user mode IBPBs. */
	if (cpu_feature_enabled(X86_FEATURE_IBPB_EXIT_TO_USER))
		this_cpu_write(x86_ibpb_exit_to_user, true);

	/*
	 * The host's CR4 (SMAP, PKE), XCR0 and CPUID faulting, while NMIs
	 * still go to the switcher: no host handler runs with the guest's.
	 */
	pv_cpu_model_exit(&cpu_model);

	/* Back with the host GS base; the rest, in the order NMIs need. */
	load_fixmap_gdt(cpu);
	force_reload_TR();
	load_idt(&h.idt);
	write_cr3(h.cr3);
	wipe_ist_frames(sw);
	/* After the LDT: the host's DS and ES may be LDT selectors. */
	asm volatile("lldt %w0" : : "r" (h.ldt));
	/*
	 * The guest's selectors and FS and GS bases, but after a fault in
	 * the switcher: the blob may not have loaded them yet, and what the
	 * registers hold then is the launcher's.
	 */
	guest_ran = f->vector != SW_VECTOR_SWITCHER_FAULT;
	restore_host_state(vcpu, &h, guest_ran);
	savesegment(fs, fs_sel);
	savesegment(gs, gs_sel);
	if (guest_ran) {
		rdmsrl(MSR_FS_BASE, vcpu->fs_base);
		vcpu->gs_base = sw->cpu->guest_gs;
		fast_paths_done(sw, vcpu);
		vcpu->fs_sel = fs_sel;
		vcpu->gs_sel = gs_sel;
	}
	if (fs_sel != h.fs_sel || h.fs_sel)
		loadsegment(fs, h.fs_sel);
	wrmsrl(MSR_FS_BASE, h.fs_base);
	if (gs_sel != h.gs_sel || h.gs_sel) {
		load_gs_index(h.gs_sel);
		gs_loaded = true;
	}
	if (gs_loaded)
		wrmsrl(MSR_KERNEL_GS_BASE, h.user_gs_base);
	wrmsrl(MSR_LSTAR, h.lstar);
	wrmsrl(MSR_CSTAR, h.cstar);
	wrmsrl(MSR_IA32_SYSENTER_CS, h.sysenter_cs);
	if (h.dr7)
		hw_breakpoint_restore();

	vector = f->vector;
	if (vector == SW_VECTOR_SWITCHER_FAULT) {
		/* The frame and the GS base slot hold nothing of the guest's. */
		vcpu->fault_vector = sw->cpu->fault_vector;
		vcpu->error_code = sw->cpu->fault_error;
		*cr2 = sw->cpu->fault_rip;
		replay_host_event(sw, vector, &h.idt);
		return vector;
	}
	vcpu->regs.r15 = f->r15;
	vcpu->regs.r14 = f->r14;
	vcpu->regs.r13 = f->r13;
	vcpu->regs.r12 = f->r12;
	vcpu->regs.r11 = f->r11;
	vcpu->regs.r10 = f->r10;
	vcpu->regs.r9 = f->r9;
	vcpu->regs.r8 = f->r8;
	vcpu->regs.rbp = f->rbp;
	vcpu->regs.rdi = f->rdi;
	vcpu->regs.rsi = f->rsi;
	vcpu->regs.rdx = f->rdx;
	vcpu->regs.rcx = f->rcx;
	vcpu->regs.rbx = f->rbx;
	vcpu->regs.rax = f->rax;
	vcpu->regs.rip = f->rip;
	vcpu->regs.rsp = f->rsp;
	vcpu->regs.rflags = f->rflags & PV_RFLAGS_GUEST;
	vcpu->error_code = f->error_code;
	/* In user mode, the CS and SS it ran with (32-bit code, the LDT's). */
	vcpu->exit_cs = f->cs;
	if (vcpu->user_mode) {
		vcpu->user_cs = f->cs;
		vcpu->user_ss = f->ss;
	} else {
		vcpu->kernel_cs = f->cs;
	}
	/*
	 * A #NM of XFD (pv_vcpu_create() arms it for AMX) is the guest's: its
	 * XFD_ERR must not be left for the host's next #NM, as in KVM.
	 */
	if (vector == X86_TRAP_NM && cpu_feature_enabled(X86_FEATURE_XFD)) {
		u64 xfd_err;

		rdmsrl(MSR_IA32_XFD_ERR, xfd_err);
		if (xfd_err)
			wrmsrl(MSR_IA32_XFD_ERR, 0);
	}
	if (vector == X86_TRAP_DB) {
		get_debugreg(vcpu->dr6, 6);
		set_debugreg(DR6_RESERVED, 6);
	}
	*cr2 = sw->cpu->cr2;

	replay_host_event(sw, vector, &h.idt);
	return vector;
}
