// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: the shadow MMU, first version.
 *
 * The guest keeps ordinary 4-level page tables in its own memory; the CPU
 * runs on shadow tables the host builds from them, lazily, one 4 KiB page
 * per fault, as a TLB would fill.  A shadow entry maps the host page that
 * backs the guest frame, user-accessible (the guest runs in ring 3),
 * writable only when the guest entry is writable and dirty (a write fault
 * sets Dirty), never global, never pointing outside guest memory.  The
 * guest's Accessed and Dirty bits are set as the CPU would set them.
 *
 * Like a TLB, the shadow keeps global translations (guest entries with
 * G set, as Linux maps its kernel half when the CPU has PGE) across a CR3
 * load: only the lower half and, if some upper-half leaf came from a
 * non-global entry, everything else is dropped.  A guest that changes a
 * global mapping flushes it, as it would on hardware.
 *
 * And like a TLB with PCIDs, it keeps up to PV_SHADOW_SPACES address
 * spaces, each one guest PML4 loaded with one tag (the low 12 bits of
 * PV_HC_LOAD_CR3's address, which Linux fills with its ASID): a CR3 load
 * with PV_CR3_NOFLUSH to a tag the vCPU still holds for the same PML4
 * finds that space's translations where they were, so switching back to
 * a process refills nothing.  The guest kernel knows when a tag's
 * translations went stale, as it knows on hardware (Linux: tlb_gen), and
 * loads it without NOFLUSH then.  Each space has a root per mode whose
 * lower half (slots 0..255) is its own; the upper half, which holds only
 * global translations, is one set of tables every space shares: a root
 * entry made there is copied into the other spaces' roots.
 *
 * The guest's address space is 4-level, whatever the host's: only its
 * canonical addresses outside its guard hole (the host's) are ever walked,
 * filled or invalidated.  On a 5-level host such an address indexes slot 0
 * or 511 of the shadow root, never the switcher's (256), and an address
 * that is canonical only with 57 bits is a #PF for the guest, never an
 * alias of a 4-level one.  NX is honoured at every level, and the guest
 * kernel runs as with SMEP: it cannot execute a page its user mode may
 * reach (the supervisor root maps such pages NX).
 *
 * A fill of a lower-half 4 KiB page also fills the neighbours of its
 * aligned block of 64 that the guest holds present and Accessed, as a
 * TLB may cache translations nobody asked for (KVM's shadow MMU
 * prefetches the same way), and in the user root leaves a marker at the
 * neighbours the guest holds not present: a leaf with reserved bits,
 * which maps nothing and makes the next access there a fault the
 * switcher delivers to the guest kernel itself (switcher.rst, "Fast
 * paths").  A marker goes at the next fill in its block that finds the
 * guest entry present, at a fault the switcher leaves to the host, and
 * at any flush.  A fill of a user page also fills the same translation
 * in the other mode's root (NX in the supervisor root), as one TLB
 * serves both modes: the kernel's put_user() into a page and the
 * process's own touch of it cost one fill, not two.
 *
 * A full flush of the current space (a CR3 reload without NOFLUSH, or
 * PV_HC_FLUSH_TLB of every page) is a flush followed at once by the
 * refill a TLB could do: each lower-half leaf the shadow held is resynced
 * from the guest's entry as it is now (space_resync()), by the prefetch's
 * rules, and shadow tables the guest no longer backs are freed.  A fork
 * write-protects the parent's pages and then flushes its address space:
 * the parent keeps them, read-only, instead of faulting each in again.
 *
 * A write fault the guest's own entry forbids (copy-on-write) drops that
 * page from the current space before it goes to the guest, and the
 * shared page's flushed_page names it until the next lower-half fill or
 * CR3 load (abi.rst): the guest's handler then skips the one-page flush
 * it would ask for, one exit less per copy-on-write fault.
 *
 * Shadow memory is bounded three ways (security.rst): 16384 pages per
 * vCPU, one page per PV_SHADOW_GUEST_RATIO pages of guest memory per VM
 * (each vCPU may always hold PV_SHADOW_VCPU_RESERVE), and the module-wide
 * shadow_pages_max, which holds every vCPU's reserve from its creation
 * on (a vCPU that does not fit is not created).  At a bound the vCPU's
 * shadow starts over, as a full TLB would.
 *
 * Shadow tables are per vCPU, like a TLB: only the vCPU's own thread
 * touches them, so they need no lock, and a guest that changes a mapping
 * shoots it down on every vCPU (by IPI and PV_HC_FLUSH_TLB) as it would
 * on hardware.  The guest's tables are shared between vCPUs: Accessed
 * and Dirty are set with locked updates, as the CPU sets them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/io.h>
#include <asm/pgtable.h>
#include <asm/trap_pf.h>

#include "vm.h"

/* Bits of a guest (4-level, x86) page-table entry. */
#define GPTE_P		_PAGE_PRESENT
#define GPTE_RW		_PAGE_RW
#define GPTE_US		_PAGE_USER
#define GPTE_A		_PAGE_ACCESSED
#define GPTE_D		_PAGE_DIRTY
#define GPTE_PS		_PAGE_PSE
#define GPTE_G		_PAGE_GLOBAL
#define GPTE_NX		_PAGE_NX
#define GPTE_ADDR	0x000ffffffffff000ULL

/* A guest that keeps rewriting an entry another vCPU walks loses the race. */
#define PV_WALK_TRIES		16

/* Shadow pages one vCPU holds at most, as a TLB has a size. */
#define PV_SHADOW_VCPU_PAGES	16384
/* ... and may always hold, whatever its VM holds: a fill needs 6 at most. */
#define PV_SHADOW_VCPU_RESERVE	32
/* A VM's vCPUs together: one shadow page per this many guest pages. */
#define PV_SHADOW_GUEST_RATIO	16

static unsigned long shadow_pages_max;
module_param(shadow_pages_max, ulong, 0644);
MODULE_PARM_DESC(shadow_pages_max,
		 "most shadow page-table pages (4 KiB) of all VMs together; 0: 1/16 of RAM");
/* Shadow pages of every vCPU of every VM. */
static atomic_long_t shadow_pages_total = ATOMIC_LONG_INIT(0);

/*
 * The index of @gva in a shadow table of @level (0: the leaves' table)
 * for the host's paging depth.  For an address pv_guest_va_ok() accepts,
 * the top level of a 5-level host sees bits 56:48 all equal to bit 47:
 * slot 0 or 511, where the CPU looks too.
 */
static unsigned int shadow_index(u64 gva, int level)
{
	return (gva >> (PAGE_SHIFT + 9 * level)) & 511;
}

/*
 * Set @bits in the guest entry at @gpa, last read as @e, the way the CPU
 * does: by a locked update, so that what another vCPU writes there
 * meanwhile is not lost.  Return: 0, -EAGAIN when the entry changed
 * under us, or as pv_copy_gpa().
 */
static int gpte_set(struct pv_vcpu *vcpu, u64 gpa, u64 e, u64 bits)
{
	return (e & bits) == bits ? 0 : pv_cmpxchg_gpa(vcpu, gpa, e, e | bits);
}

/* What a walk of the guest's tables found (guest_walk()). */
struct pv_walk {
	u64 gpa;		/* the guest-physical address */
	u64 table;		/* guest-physical address of the last level's table */
	u32 fault;		/* on -EFAULT, the error code the guest sees */
	int leaf;		/* the last level: 0 (4 KiB), 1 (2 MiB), 2 (1 GiB) */
	bool wp;		/* the mapping allows writes now */
	bool user;		/* user mode may use it */
	bool x;			/* no level forbids fetches (NX) */
	bool global;		/* the last level is global (G) */
	bool nx;		/* no fetches in the mode of the access */
	/* What the levels above the last allow: */
	bool up_rw, up_us, up_x;
};

/*
 * guest_walk() - translate a guest-virtual address as the guest's MMU would
 * @vcpu:   the vCPU, whose cr3 is used
 * @gva:    the address
 * @access: X86_PF_WRITE for a write, X86_PF_INSTR for an instruction
 *          fetch, X86_PF_USER for a user-mode access
 * @w:      what the walk found
 *
 * Sets Accessed on every level and Dirty on the last for a write, as the
 * CPU does.  A user-mode access needs the User bit at every level, a
 * write the Writable bit (the guest's CR0.WP is set), a fetch no NX at any
 * level and, in supervisor mode, a page user mode cannot reach: the guest
 * kernel runs as with SMEP.  An address the guest cannot map (not 4-level
 * canonical, or in the guard hole) is not present.  On -EFAULT, @w->fault
 * is P when a present entry forbade the access, W for a write, U for user
 * mode, I for a fetch.
 *
 * Return: 0, -EFAULT when the guest tables do not allow the access,
 * -ERANGE when they point outside guest memory, -EAGAIN when another
 * vCPU changed an entry while it was walked (walk again), or as
 * pv_copy_gpa() for the launcher's memory (-EIO, -EINPROGRESS).
 */
static int guest_walk(struct pv_vcpu *vcpu, u64 gva, u32 access,
		      struct pv_walk *w)
{
	u64 table = vcpu->cr3 & GPTE_ADDR, e = 0, ep = 0, size;
	bool write = access & X86_PF_WRITE, user = access & X86_PF_USER;
	bool writable = true, user_ok = true, exec = true;
	int level, ret;

	access &= X86_PF_WRITE | X86_PF_USER | X86_PF_INSTR;
	if (!pv_guest_va_ok(gva))
		goto not_present;
	for (level = 3; level >= 0; level--) {
		ep = table + shadow_index(gva, level) * 8;
		ret = pv_read_gpa(vcpu, ep, &e, sizeof(e));
		if (ret)
			return ret;
		if (!(e & GPTE_P))
			goto not_present;
		w->up_rw = writable;
		w->up_us = user_ok;
		w->up_x = exec;
		writable &= !!(e & GPTE_RW);
		user_ok &= !!(e & GPTE_US);
		exec &= !(e & GPTE_NX);
		if ((write && !writable) || (user && !user_ok))
			goto protection;
		if (level == 0 || (level < 3 && (e & GPTE_PS)))
			break;
		ret = gpte_set(vcpu, ep, e, GPTE_A);
		if (ret)
			return ret;
		table = e & GPTE_ADDR;
	}
	/* SMEP: the kernel does not run what its user mode could write. */
	if (!user && user_ok)
		exec = false;
	if ((access & X86_PF_INSTR) && !exec)
		goto protection;
	/* The last level: a 4 KiB page, or a 2 MiB or 1 GiB one. */
	ret = gpte_set(vcpu, ep, e, write ? GPTE_A | GPTE_D : GPTE_A);
	if (ret)
		return ret;
	size = 1ULL << (PAGE_SHIFT + 9 * level);
	w->gpa = (e & GPTE_ADDR & ~(size - 1)) | (gva & (size - 1));
	w->table = table;
	w->wp = writable && (write || (e & GPTE_D));
	w->user = user_ok;
	w->x = !(e & GPTE_NX) && w->up_x;
	w->global = e & GPTE_G;
	w->nx = !exec;
	w->leaf = level;
	return 0;

protection:
	w->fault = X86_PF_PROT | access;
	return -EFAULT;
not_present:
	w->fault = access;
	return -EFAULT;
}

/**
 * pv_copy_guest() - copy to or from guest-virtual memory
 * @vcpu:  the vCPU whose page tables translate @gva
 * @gva:   guest-virtual address
 * @buf:   host buffer
 * @len:   bytes
 * @write: copy @buf into the guest (else from the guest into @buf)
 *
 * The guest's tables must allow the access in supervisor mode; Accessed
 * and Dirty are set as for a guest access.  With IRQs off, what it wrote
 * before a page it could not fault in stays written.
 *
 * Return: 0, -EFAULT, or -EINPROGRESS with IRQs off when a page of the
 * launcher's must be faulted in first (pv_fault_in()).
 */
int pv_copy_guest(struct pv_vcpu *vcpu, u64 gva, void *buf, size_t len,
		  bool write)
{
	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(gva));
		struct pv_walk w;
		int ret, tries = 0;

		do {
			ret = guest_walk(vcpu, gva, write ? X86_PF_WRITE : 0, &w);
		} while (ret == -EAGAIN && ++tries < PV_WALK_TRIES);
		if (!ret)
			ret = pv_copy_gpa(vcpu, w.gpa, buf, chunk, write);
		if (ret)
			return ret == -EINPROGRESS ? ret : -EFAULT;
		buf += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

/* The module-wide bound: the parameter, or 1/16 of the host's RAM. */
static unsigned long shadow_global_max(void)
{
	unsigned long max = READ_ONCE(shadow_pages_max);

	return max ? max : totalram_pages() / 16;
}

/*
 * A zeroed page for @vcpu's shadow tables, charged to the launcher's
 * memory cgroup, to the vCPU and its VM, and, beyond the vCPU's reserve
 * (held in the module-wide pool since pv_mmu_init()), to the module; NULL
 * at any bound (the caller starts over) or when out of memory.  Counts
 * are read without a lock: vCPUs racing past a bound together overshoot
 * it by one page each at most.
 */
static struct page *shadow_page_alloc(struct pv_vcpu *vcpu)
{
	bool charge = vcpu->nr_shadow_pages >= PV_SHADOW_VCPU_RESERVE;
	struct pv_vm *vm = vcpu->vm;
	struct page *page;

	if (vcpu->nr_shadow_pages >= PV_SHADOW_VCPU_PAGES)
		return NULL;
	if (charge && atomic_long_read(&vm->nr_shadow_pages) >=
	    READ_ONCE(vm->nr_guest_pages) / PV_SHADOW_GUEST_RATIO)
		return NULL;
	if (charge &&
	    atomic_long_inc_return(&shadow_pages_total) > shadow_global_max())
		goto uncharge;
	page = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN);
	if (!page)
		goto uncharge;
	atomic_long_inc(&vm->nr_shadow_pages);
	list_add(&page->lru, &vcpu->shadow_pages);
	vcpu->nr_shadow_pages++;
	return page;

uncharge:
	if (charge)
		atomic_long_dec(&shadow_pages_total);
	return NULL;
}

static void shadow_page_free(struct pv_vcpu *vcpu, struct page *page)
{
	list_del(&page->lru);
	__free_page(page);
	/* Pages beyond the reserve are the ones the module's pool counts. */
	if (--vcpu->nr_shadow_pages >= PV_SHADOW_VCPU_RESERVE)
		atomic_long_dec(&shadow_pages_total);
	atomic_long_dec(&vcpu->vm->nr_shadow_pages);
}

/**
 * pv_mmu_init() - set up a new vCPU's shadow MMU, its reserve taken
 * @vcpu: the vCPU, not yet running
 *
 * The vCPU's first PV_SHADOW_VCPU_RESERVE shadow pages are taken from the
 * module-wide pool now, so that no other VM, however many vCPUs it makes,
 * can later leave this one without the pages a fill needs: a host user
 * who fills the pool only fails to create more vCPUs.
 *
 * Return: 0, or -ENOMEM when the module-wide bound cannot hold the
 * reserve.
 */
int pv_mmu_init(struct pv_vcpu *vcpu)
{
	INIT_LIST_HEAD(&vcpu->shadow_pages);
	vcpu->last_fast_fault = PV_NO_FAST_FAULT;
	vcpu->flushed_page = PV_NO_FLUSHED_PAGE;
	if (atomic_long_add_return(PV_SHADOW_VCPU_RESERVE, &shadow_pages_total) >
	    shadow_global_max()) {
		atomic_long_sub(PV_SHADOW_VCPU_RESERVE, &shadow_pages_total);
		return -ENOMEM;
	}
	vcpu->shadow_reserved = true;
	return 0;
}

/**
 * pv_mmu_exit() - free a vCPU's shadow tables and give back its reserve
 * @vcpu: the vCPU, which never runs again
 */
void pv_mmu_exit(struct pv_vcpu *vcpu)
{
	pv_mmu_free(vcpu);
	if (vcpu->shadow_reserved)
		atomic_long_sub(PV_SHADOW_VCPU_RESERVE, &shadow_pages_total);
	vcpu->shadow_reserved = false;
}

static u64 *shadow_table(struct pv_vcpu *vcpu, u64 *entry)
{
	struct page *page;

	if (*entry & _PAGE_PRESENT)
		return __va(*entry & PTE_PFN_MASK);
	page = shadow_page_alloc(vcpu);
	if (!page)
		return NULL;
	/* User: the guest runs in ring 3 (leaves decide what it may do). */
	*entry = page_to_phys(page) | _PAGE_TABLE_NOENC;
	return page_address(page);
}

/**
 * pv_mmu_reset() - drop every shadow page and start two empty roots
 * @vcpu: the vCPU
 *
 * The supervisor root will shadow every guest mapping; the user root only
 * those the guest gives its user mode, so guest user code cannot reach
 * guest kernel pages whatever the hardware would let ring 3 do.
 *
 * Return: 0 or -ENOMEM (the host is out of memory: the two roots come
 * from the vCPU's reserve, never refused by a bound); the vCPU then has
 * no roots and must not run.
 */
int pv_mmu_reset(struct pv_vcpu *vcpu)
{
	struct pv_shadow_space *space = &vcpu->spaces[0];
	struct page *page;
	int i;

	pv_mmu_free(vcpu);
	vcpu->counts.shadow_resets++;
	vcpu->upper_nonglobal = false;
	for (i = 0; i < 2; i++) {
		page = shadow_page_alloc(vcpu);
		if (!page) {
			pv_mmu_free(vcpu);	/* no vCPU runs on half its roots */
			return -ENOMEM;
		}
		space->roots[i] = page_address(page);
	}
	/* The one space left is the current address space. */
	space->cr3 = vcpu->cr3;
	space->pcid = vcpu->pcid;
	space->last_used = ++vcpu->space_clock;
	vcpu->space = 0;
	vcpu->roots[0] = space->roots[0];
	vcpu->roots[1] = space->roots[1];
	return 0;
}

/*
 * A table entry (the CPU ignores the bit there) whose tables below hold a
 * guest 2 MiB or 1 GiB page, as 4 KiB pieces: a flush of any page under
 * it drops them all, as INVLPG drops the whole large TLB entry.
 */
#define PV_SHADOW_LARGE		_PAGE_SOFTW1

/*
 * Free the shadow tables below entries [@from, @to) of @table, a table of
 * @level (1: its entries are leaves, which map guest pages, not ours).
 */
static void free_entries(struct pv_vcpu *vcpu, u64 *table, unsigned int from,
			 unsigned int to, int level)
{
	struct page *page;
	unsigned int i;
	u64 e;

	for (i = from; i < to; i++) {
		e = table[i];
		if (!(e & _PAGE_PRESENT))
			continue;
		table[i] = 0;
		if (level == 1)
			continue;
		page = virt_to_page(__va(e & PTE_PFN_MASK));
		free_entries(vcpu, page_address(page), 0, PTRS_PER_PTE, level - 1);
		shadow_page_free(vcpu, page);
	}
}

/* Forget @space's lower half: its own tables, in both modes' roots. */
static void space_flush(struct pv_vcpu *vcpu, struct pv_shadow_space *space)
{
	int levels = pgtable_l5_enabled() ? 5 : 4, i;

	/* Root slots 0..255: the guest's lower half, at either depth. */
	for (i = 0; i < 2; i++)
		free_entries(vcpu, (u64 *)space->roots[i], 0, PTRS_PER_PGD / 2, levels);
}

/**
 * pv_mmu_forget_flushed() - the shared page's flushed_page names no page
 * @vcpu: the vCPU
 *
 * Where a shared page is registered, and before the host fills any entry
 * of the lower half again (abi.rst, flushed_page).
 */
void pv_mmu_forget_flushed(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	vcpu->flushed_page = PV_NO_FLUSHED_PAGE;
	if (sh)
		WRITE_ONCE(sh->flushed_page, PV_NO_FLUSHED_PAGE);
}

/* About to fill the lower half: a page it names may come back. */
static void flushed_page_refill(struct pv_vcpu *vcpu)
{
	if (vcpu->flushed_page != PV_NO_FLUSHED_PAGE)
		pv_mmu_forget_flushed(vcpu);
}

static void space_resync(struct pv_vcpu *vcpu, struct pv_shadow_space *space);

/**
 * pv_mmu_flush_nonglobal() - flush the current address space, as a CR3 reload
 * @vcpu: the vCPU
 *
 * Forgets every translation of the current address space but the global
 * ones; the other spaces keep theirs (a CR3 reload flushes one PCID).  The
 * lower half holds no global translation worth keeping (Linux maps none
 * there), so all of it is resynced from the guest's tables as they are
 * now (space_resync(): what a TLB refilled right after the flush could
 * hold); the upper half stays whole while every leaf in it is global,
 * and otherwise everything goes, in every space.  The
 * switcher's slot, in the upper half, is left alone (it is only in the
 * roots while the guest runs).
 *
 * Return: 0 or -ENOMEM.
 */
int pv_mmu_flush_nonglobal(struct pv_vcpu *vcpu)
{
	if (vcpu->upper_nonglobal || !vcpu->roots[0])
		return pv_mmu_reset(vcpu);
	space_resync(vcpu, &vcpu->spaces[vcpu->space]);
	return 0;
}

/* A space's PML4 when its translations may be stale: no guest loads it. */
#define PV_SPACE_STALE	(~0ULL)

/**
 * pv_mmu_flush_all_tags() - what a flush another vCPU asks for does
 * @vcpu: the vCPU
 *
 * As pv_mmu_flush_nonglobal(), for every tag: a flush of another vCPU
 * names an address space, not a tag, and the target may be about to
 * load the one it names with NOFLUSH (Linux reads the mm's tlb_gen, then
 * loads CR3, and on hardware takes the flush IPI after, with IRQs on;
 * here the host carries the flush out at once, whatever the guest's
 * IRQ flag).  The current space is flushed now, the others when next
 * loaded: each is marked as another PML4's.
 *
 * Return: 0 or -ENOMEM.
 */
int pv_mmu_flush_all_tags(struct pv_vcpu *vcpu)
{
	unsigned int i;

	for (i = 0; i < PV_SHADOW_SPACES; i++)
		if (i != vcpu->space)
			vcpu->spaces[i].cr3 = PV_SPACE_STALE;
	return pv_mmu_flush_nonglobal(vcpu);
}

/*
 * A space for a tag the vCPU does not hold: an unused one with new roots
 * that share the current upper half, or else the least recently used,
 * flushed.  Return: its index, or -ENOSPC at a bound on shadow memory.
 */
static int space_make(struct pv_vcpu *vcpu)
{
	struct pv_shadow_space *space, *cur = &vcpu->spaces[vcpu->space];
	int i, mode, lru = 0;
	struct page *page;

	for (i = 0; i < PV_SHADOW_SPACES; i++) {
		if (!vcpu->spaces[i].roots[0])
			break;
		if (vcpu->spaces[i].last_used < vcpu->spaces[lru].last_used)
			lru = i;
	}
	if (i == PV_SHADOW_SPACES) {
		space_flush(vcpu, &vcpu->spaces[lru]);
		return lru;
	}
	space = &vcpu->spaces[i];
	for (mode = 0; mode < 2; mode++) {
		page = shadow_page_alloc(vcpu);
		if (!page)
			return -ENOSPC;	/* the caller starts over: all go */
		space->roots[mode] = page_address(page);
		/* The shared upper half (the switcher's slot is not in it now). */
		memcpy(space->roots[mode] + PTRS_PER_PGD / 2,
		       cur->roots[mode] + PTRS_PER_PGD / 2,
		       PTRS_PER_PGD / 2 * sizeof(pgd_t));
	}
	return i;
}

/**
 * pv_mmu_load_cr3() - switch the vCPU to another guest address space
 * @vcpu:    the vCPU
 * @cr3:     the guest PML4, guest RAM
 * @pcid:    its tag (0..4095)
 * @noflush: keep what the vCPU holds for @pcid, as PV_CR3_NOFLUSH asks
 *
 * As a MOV to CR3 on a CPU with PCIDs: the translations tagged @pcid stay
 * with @noflush, and go without; global ones stay (as long as they are
 * all the upper half holds: else every space goes).  A tag the vCPU
 * holds for another PML4 is flushed whatever @noflush says (a TLB may
 * always forget), so a space only ever holds translations of its own
 * PML4.
 *
 * Return: 0 or -ENOMEM.
 */
int pv_mmu_load_cr3(struct pv_vcpu *vcpu, u64 cr3, u16 pcid, bool noflush)
{
	struct pv_shadow_space *space;
	int i;

	flushed_page_refill(vcpu);	/* (it names a page of this space) */
	vcpu->cr3 = cr3;
	vcpu->pcid = pcid;
	/* (Another process's last fault is not this one's business.) */
	vcpu->last_fast_fault = PV_NO_FAST_FAULT;
	if (vcpu->upper_nonglobal || !vcpu->roots[0])
		return pv_mmu_reset(vcpu);
	for (i = 0; i < PV_SHADOW_SPACES; i++) {
		space = &vcpu->spaces[i];
		if (space->roots[0] && space->pcid == pcid)
			break;
	}
	if (i < PV_SHADOW_SPACES) {
		if (space->cr3 != cr3)
			space_flush(vcpu, space);
		else if (!noflush)
			space_resync(vcpu, space);
	} else {
		i = space_make(vcpu);
		if (i < 0)	/* at a bound: start over, as a full TLB would */
			return pv_mmu_reset(vcpu);
		space = &vcpu->spaces[i];
	}
	space->cr3 = cr3;
	space->pcid = pcid;
	space->last_used = ++vcpu->space_clock;
	vcpu->space = i;
	vcpu->roots[0] = space->roots[0];
	vcpu->roots[1] = space->roots[1];
	return 0;
}

/*
 * Forget the shadow leaves of @gva, an address pv_guest_va_ok() takes, in
 * both roots of @space.  A page of a guest 2 MiB or 1 GiB page takes all
 * of that page's pieces with it.
 */
static void space_invalidate(struct pv_vcpu *vcpu,
			     struct pv_shadow_space *space, u64 gva)
{
	unsigned int index;
	int mode, level;
	u64 *table, e;

	for (mode = 0; mode < 2; mode++) {
		table = (u64 *)space->roots[mode];
		if (!table)
			continue;
		for (level = pgtable_l5_enabled() ? 4 : 3; level > 0; level--) {
			index = shadow_index(gva, level);
			e = table[index];
			if (!(e & _PAGE_PRESENT))
				break;
			if (e & PV_SHADOW_LARGE) {
				/* (a shared table's entry is gone for every space) */
				free_entries(vcpu, table, index, index + 1, level + 1);
				break;
			}
			table = __va(e & PTE_PFN_MASK);
		}
		if (!level)
			table[shadow_index(gva, 0)] = 0;
	}
}

/**
 * pv_mmu_invalidate() - forget the shadow entry of one guest page
 * @vcpu: the vCPU
 * @gva:  an address in the page, from the guest
 *
 * An address the guest cannot map has no shadow entry to forget: nothing
 * is walked for it (the switcher's slot least of all).  Every space
 * forgets it, not only the current one as INVLPG would: that costs a few
 * walks and needs no proof that the upper half is shared.  A page of a
 * guest 2 MiB or 1 GiB page takes all of that page's pieces with it.  The
 * hardware TLB needs nothing: every entry into the guest reloads CR3
 * without PCIDs, which drops every non-global translation.
 */
void pv_mmu_invalidate(struct pv_vcpu *vcpu, u64 gva)
{
	int i;

	if (!pv_guest_va_ok(gva))
		return;
	for (i = 0; i < PV_SHADOW_SPACES; i++)
		space_invalidate(vcpu, &vcpu->spaces[i], gva);
}

/** pv_mmu_free() - free the vCPU's shadow tables */
void pv_mmu_free(struct pv_vcpu *vcpu)
{
	struct page *page, *next;

	list_for_each_entry_safe(page, next, &vcpu->shadow_pages, lru)
		shadow_page_free(vcpu, page);
	memset(vcpu->spaces, 0, sizeof(vcpu->spaces));
	vcpu->roots[0] = NULL;
	vcpu->roots[1] = NULL;
}

/*
 * Point @gva's shadow leaf in @mode's root (1: user) at @pte, making the
 * tables on the way; @leaf is the guest's last level (guest_walk()).
 * Return: the table of leaves that now holds @pte, or NULL when a page is
 * refused.
 */
static u64 *shadow_set(struct pv_vcpu *vcpu, unsigned int mode, u64 gva,
		       u64 pte, int leaf)
{
	int top = pgtable_l5_enabled() ? 4 : 3, level, i;
	unsigned int slot = shadow_index(gva, top);
	u64 *root = (u64 *)vcpu->roots[mode], *table = root, *other, *entry;
	bool made = !(root[slot] & _PAGE_PRESENT);

	for (level = top; level > 0; level--) {
		entry = &table[shadow_index(gva, level)];
		table = shadow_table(vcpu, entry);
		if (!table)
			return NULL;
		if (level == leaf)
			*entry |= PV_SHADOW_LARGE;
		/* A new table in the shared upper half: every space gets it. */
		if (level == top && made && slot >= PTRS_PER_PGD / 2) {
			for (i = 0; i < PV_SHADOW_SPACES; i++) {
				other = (u64 *)vcpu->spaces[i].roots[mode];
				if (other && other != root)
					other[slot] = root[slot];
			}
		}
	}
	table[shadow_index(gva, 0)] = pte;
	return table;
}

/*
 * The shadow leaf for guest frame @gpa, or 0 when no host frame is
 * cached for it (memory.c: outside guest RAM, never filled, or changed
 * by the launcher's mm since).  Writable only where the cached frame is.
 */
static u64 shadow_pte(struct pv_vcpu *vcpu, u64 gpa, bool wp, bool nx)
{
	bool writable;
	u64 frame = pv_gpa_frame(vcpu->vm, gpa, &writable), pte;

	if (!frame)
		return 0;
	wp &= writable;
	pte = frame | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
	if (wp)
		pte |= _PAGE_RW | _PAGE_DIRTY;
	/* (A host CPU without NX cannot refuse fetches: see security.rst.) */
	if (nx)
		pte |= _PAGE_NX & __supported_pte_mask;
	return pte;
}

/* Neighbours a fill of a lower-half 4 KiB page also fills: an aligned block. */
#define PV_PREFETCH	64

/*
 * A marker: a user-root leaf for a page the guest's table holds not
 * present, which the switcher's fast path delivers a fault for without
 * the host (switcher.rst, "Fast paths").  Present with every address bit
 * set: reserved bits above the CPU's physical width make any access a
 * #PF with RSVD, and the frame it names is the top of the physical
 * address space, no memory, should a CPU read through it speculatively
 * (L1TF).  0 (no markers) where the CPU has no reserved address bits.
 */
static u64 marker_value __ro_after_init;

/*
 * Does a read through an entry of @value fault?  A host that is itself a
 * VM may say its CPU has fewer address bits than the hardware under it
 * has: its "reserved" bits then translate, and a marker would map some
 * address instead of faulting.  Tried once, on a kernel mapping of a
 * page of ours that nothing has touched yet.
 */
static bool __init entry_faults(u64 value)
{
	struct page *page = alloc_page(GFP_KERNEL);
	unsigned int level;
	bool faults = false;
	pte_t *pte, old;
	u64 word;
	void *va;

	if (!page)
		return false;
	va = vmap(&page, 1, VM_MAP, PAGE_KERNEL);
	if (!va)
		goto out_page;
	pte = lookup_address((unsigned long)va, &level);
	if (!pte || level != PG_LEVEL_4K)
		goto out_unmap;
	old = ptep_get(pte);
	preempt_disable();
	set_pte(pte, __pte(value));
	asm volatile("invlpg (%0)" : : "r" (va) : "memory");
	faults = copy_from_kernel_nofault(&word, va, sizeof(word)) == -EFAULT;
	/* The page's own entry back, before anything else may use the address. */
	set_pte(pte, old);
	asm volatile("invlpg (%0)" : : "r" (va) : "memory");
	preempt_enable();
out_unmap:
	vunmap(va);
out_page:
	__free_page(page);
	return faults;
}

/** pv_mmu_module_init() - what the shadow MMU learns of the CPU, once */
void __init pv_mmu_module_init(void)
{
	u64 marker = GENMASK_ULL(51, PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_USER |
		     _PAGE_ACCESSED | _PAGE_DIRTY | (_PAGE_NX & __supported_pte_mask);
	unsigned int bits = 52;

	/*
	 * The CPU's own width (CPUID), not x86_phys_bits: memory encryption
	 * and key IDs take bits from the latter that are not reserved.
	 * Accessed and Dirty are set so that no CPU has a reason to write the
	 * entry.  And the bits must be seen to be reserved (entry_faults()).
	 */
	if (boot_cpu_data.extended_cpuid_level >= 0x80000008)
		bits = cpuid_eax(0x80000008) & 0xff;
	if (bits < 52 && entry_faults(marker & ~_PAGE_USER))
		marker_value = marker;
	else
		pr_info("%u physical address bits%s: user page faults go through the host\n",
			bits, bits < 52 ? ", not reserved" : "");
}

/*
 * A write fault at @gva that the guest's own entry forbids, about to be
 * the guest's: it will most likely replace the entry (copy-on-write) and
 * flush the page on this vCPU, one more exit.  Drop the page's shadows
 * in the current address space now, as the guest's INVLPG would on
 * hardware (the page in a fork's other process stays), and say so in
 * the shared page, where the guest finds the flush already done.  The
 * name goes at the next lower-half fill and at the next CR3 load, so it
 * always speaks of the space the guest flushes.
 */
static void flushed_page_set(struct pv_vcpu *vcpu, u64 gva)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	if (!sh)
		return;
	space_invalidate(vcpu, &vcpu->spaces[vcpu->space], gva);
	vcpu->flushed_page = gva & PAGE_MASK;
	WRITE_ONCE(sh->flushed_page, vcpu->flushed_page);
}

/* The marker for a root: the user root's, for the fast path. */
static u64 root_marker(bool user)
{
	return user && pv_fast_paths_on() ? marker_value : 0;
}

/*
 * What a TLB may cache of guest leaf @e for @user mode's root, below
 * levels that allow what @w's up_* say: a shadow leaf when the guest
 * holds it present and already Accessed (writable only when also Dirty),
 * @marker when it is not present (the fault will be the guest's), else
 * nothing.
 */
static u64 shadow_cached(struct pv_vcpu *vcpu, u64 e, const struct pv_walk *w,
			 bool user, u64 marker)
{
	bool rw, us, x;

	if (!(e & GPTE_P))
		return marker;
	if (!(e & GPTE_A))
		return 0;
	rw = w->up_rw && (e & GPTE_RW) && (e & GPTE_D);
	us = w->up_us && (e & GPTE_US);
	x = w->up_x && !(e & GPTE_NX) && (user || !us);
	if (user && !us)
		return 0;
	return shadow_pte(vcpu, e & GPTE_ADDR, rw, !x);
}

/*
 * After a fill of @gva (a 4 KiB page of the lower half) into @shadow, its
 * shadow table of leaves: fill the neighbours of the same aligned block
 * that the guest's table of leaves maps, present and already Accessed,
 * and allows in this mode, as a TLB may cache translations the code never
 * asked for (the CPU may set Accessed speculatively; here only entries
 * the guest already marked are taken, so nothing in guest memory
 * changes).  Writable only when the guest entry is already Dirty, as for
 * a fill.  A fork's child and an exec touch their pages in runs; each
 * neighbour taken is a page-fault exit saved.
 */
static void shadow_prefetch(struct pv_vcpu *vcpu, u64 gva,
			    const struct pv_walk *w, u64 *shadow)
{
	unsigned int first = shadow_index(gva, 0) & ~(PV_PREFETCH - 1), i;
	u64 gtable[PV_PREFETCH], marker;
	bool user = vcpu->user_mode;

	if (WARN_ON_ONCE(w->leaf))	/* w->table is not a table of leaves */
		return;
	if (pv_read_gpa(vcpu, w->table + first * 8, gtable, sizeof(gtable)))
		return;
	marker = root_marker(user);
	for (i = 0; i < PV_PREFETCH; i++) {
		if ((shadow[first + i] & _PAGE_PRESENT) && shadow[first + i] != marker)
			continue;
		/* (A stale marker goes: the guest made the entry present.) */
		shadow[first + i] = shadow_cached(vcpu, gtable[i], w, user, marker);
	}
}

/*
 * The guest-physical address of the guest's table of leaves for the
 * 2 MiB at @gva, as the walk of a TLB fill would reach it for @user
 * mode, or 0: an entry above not present or not yet Accessed (nothing in
 * guest memory is written here), a 2 MiB or 1 GiB page, a table outside
 * guest memory, or one user mode may not use.  @w gets what the levels
 * above allow.
 */
static u64 guest_leaf_table(struct pv_vcpu *vcpu, u64 gva, bool user,
			    struct pv_walk *w)
{
	u64 table = vcpu->cr3 & GPTE_ADDR, e;
	int level;

	w->up_rw = true;
	w->up_us = true;
	w->up_x = true;
	for (level = 3; level >= 1; level--) {
		if (pv_read_gpa(vcpu, table + shadow_index(gva, level) * 8, &e,
				sizeof(e)))
			return 0;
		if ((e & (GPTE_P | GPTE_A | GPTE_PS)) != (GPTE_P | GPTE_A))
			return 0;
		w->up_rw &= !!(e & GPTE_RW);
		w->up_us &= !!(e & GPTE_US);
		w->up_x &= !(e & GPTE_NX);
		table = e & GPTE_ADDR;
	}
	if ((user && !w->up_us) || !pv_gpa_ram(vcpu->vm, table, PAGE_SIZE))
		return 0;
	return table;
}

/*
 * Bring the leaves of @shadow (the table of leaves for the 2 MiB at @gva)
 * in line with the guest's table: each present one becomes what a
 * prefetch would make of the guest entry now.  Return: false when the
 * guest has no table of leaves there (the caller frees @shadow).
 */
static bool resync_leaves(struct pv_vcpu *vcpu, u64 *shadow, u64 gva,
			  bool user)
{
	u64 gtable[PV_PREFETCH], table, marker = root_marker(user);
	unsigned int i, j;
	struct pv_walk w;

	table = guest_leaf_table(vcpu, gva, user, &w);
	if (!table)
		return false;
	for (i = 0; i < PTRS_PER_PTE; i += PV_PREFETCH) {
		/* (The launcher's memory gone: nothing more is shadowed.) */
		if (pv_read_gpa(vcpu, table + i * 8, gtable, sizeof(gtable)))
			memset(gtable, 0, sizeof(gtable));
		for (j = 0; j < PV_PREFETCH; j++)
			if (shadow[i + j] & _PAGE_PRESENT)
				shadow[i + j] = shadow_cached(vcpu, gtable[j], &w,
							      user, marker);
	}
	return true;
}

/*
 * Resync what @table, a table of @level (shadow_index()'s: 0 holds
 * leaves) in @user mode's root, maps of the lower half from @base.
 */
static void resync_entries(struct pv_vcpu *vcpu, u64 *table, int level,
			   u64 base, bool user)
{
	/* A root maps the lower half with its first half. */
	unsigned int i, n = level == (pgtable_l5_enabled() ? 4 : 3) ?
			    PTRS_PER_PGD / 2 : PTRS_PER_PTE;
	u64 e, gva;

	for (i = 0; i < n; i++) {
		e = table[i];
		if (!(e & _PAGE_PRESENT))
			continue;
		gva = base + ((u64)i << (PAGE_SHIFT + 9 * level));
		if (e & PV_SHADOW_LARGE) {
			free_entries(vcpu, table, i, i + 1, level + 1);
		} else if (level == 1) {
			if (!resync_leaves(vcpu, __va(e & PTE_PFN_MASK), gva, user))
				free_entries(vcpu, table, i, i + 1, level + 1);
			/* (At most 512 leaves between two chances to yield.) */
			cond_resched();
		} else {
			resync_entries(vcpu, __va(e & PTE_PFN_MASK), level - 1,
				       gva, user);
		}
	}
}

/*
 * Flush @space's lower half (its PML4 is vcpu->cr3) as a TLB would that, right after
 * the flush, caches again what it held from the tables as they are now:
 * every leaf it held becomes what a prefetch makes of the guest's entry
 * (only Accessed entries, writable only when already Dirty, so nothing
 * in guest memory changes).  A fork write-protects the parent's pages
 * and flushes its whole address space; the parent then finds them
 * shadowed read-only instead of faulting each one in again.
 */
static void space_resync(struct pv_vcpu *vcpu, struct pv_shadow_space *space)
{
	int top = pgtable_l5_enabled() ? 4 : 3, mode;

	flushed_page_refill(vcpu);
	for (mode = 0; mode < 2; mode++)
		resync_entries(vcpu, (u64 *)space->roots[mode], top, 0, mode);
}

/*
 * A fault at a marker that the switcher left to the host: the guest has
 * made the entry present since, or it is the same page's second fault.
 * The marker goes; the fault is handled as one at an empty entry.
 */
static void marker_fault(struct pv_vcpu *vcpu, u64 gva)
{
	u64 *table = (u64 *)vcpu->roots[vcpu->user_mode], e;
	int level;

	vcpu->last_fast_fault = PV_NO_FAST_FAULT;
	if (!pv_guest_va_ok(gva))
		return;
	for (level = pgtable_l5_enabled() ? 4 : 3; level > 0; level--) {
		e = table[shadow_index(gva, level)];
		if (!(e & _PAGE_PRESENT) || (e & PV_SHADOW_LARGE))
			return;
		table = __va(e & PTE_PFN_MASK);
	}
	if (table[shadow_index(gva, 0)] == marker_value)
		table[shadow_index(gva, 0)] = 0;
}

/*
 * After a fill of @gva, a 4 KiB user page of the lower half: the same
 * translation in the other mode's root, which a TLB shared by both modes
 * would hold too.  Linux's kernel reads and writes its process's pages
 * (put_user() of a fork's child TID, rseq), and the process then touches
 * them itself: one fill instead of two.  The supervisor root maps the
 * page no-execute (SMEP); the user root takes it only because user mode
 * may use it.  Nothing is started over at a bound: the fill just does
 * not happen.
 */
static void fill_other_root(struct pv_vcpu *vcpu, u64 gva,
			    const struct pv_walk *w)
{
	unsigned int mode = !vcpu->user_mode;
	u64 pte = shadow_pte(vcpu, w->gpa, w->wp, !mode || !w->x);

	if (pte)
		shadow_set(vcpu, mode, gva, pte, 0);
}

/* pv_mmu_fault(), which starts over at a bound only when @may_reset. */
static int shadow_fault(struct pv_vcpu *vcpu, u64 gva, u32 *error, u64 *gpa,
			bool may_reset)
{
	u32 access = (*error & (X86_PF_WRITE | X86_PF_INSTR)) |
		     (vcpu->user_mode ? X86_PF_USER : 0);
	struct pv_walk w;
	u64 *table, pte;
	int ret;

	if ((s64)gva >= 0)
		flushed_page_refill(vcpu);
	ret = guest_walk(vcpu, gva, access, &w);
	if (ret == -EAGAIN)
		return 0;	/* the guest retries the access */
	if (ret == -EFAULT)
		*error = w.fault;
	if (ret)
		return ret;
	*gpa = w.gpa;
	/* Mostly the frame is cached already: one lookup, no GUP. */
	pte = shadow_pte(vcpu, w.gpa, w.wp, w.nx);
	if (!pte || (w.wp && !(pte & _PAGE_RW))) {
		ret = pv_gpa_map(vcpu, w.gpa, w.wp);
		if (ret == -ENXIO)	/* no code runs from MMIO */
			return access & X86_PF_INSTR ? -ERANGE : -ENXIO;
		if (ret)
			return ret;
		pte = shadow_pte(vcpu, w.gpa, w.wp, w.nx);
		if (!pte)	/* the launcher's memory changed meanwhile */
			return 0;	/* the guest retries the access */
	}

	table = shadow_set(vcpu, vcpu->user_mode, gva, pte, w.leaf);
	if (!table && may_reset) {
		/* At a bound: start over, as a full TLB would. */
		if (pv_mmu_reset(vcpu))
			return -ENOMEM;
		table = shadow_set(vcpu, vcpu->user_mode, gva, pte, w.leaf);
	}
	if (!table)
		return -ENOMEM;
	/* A non-global upper-half leaf may not outlive the next CR3 load. */
	if ((s64)gva < 0 && !w.global)
		vcpu->upper_nonglobal = true;
	if (w.leaf == 0 && (s64)gva >= 0) {
		shadow_prefetch(vcpu, gva, &w, table);
		if (w.user)
			fill_other_root(vcpu, gva, &w);
	}
	return 0;
}

/**
 * pv_mmu_fault() - fill the shadow entry for a guest page fault
 * @vcpu:  the vCPU
 * @gva:   the faulting address (CR2)
 * @error: the hardware error code; on -EFAULT, the guest's
 * @gpa:   on -ENXIO, the guest-physical address accessed
 *
 * An address the guest cannot map (not 4-level canonical, as one that a
 * 5-level host's CPU walks, or the guard hole) is a not-present fault for
 * the guest.  At a bound on shadow memory the vCPU's shadow starts over.
 *
 * Return: 0 when the access can be retried, -EFAULT when the guest's own
 * tables forbid it (the guest takes the fault), -ERANGE when they are
 * outside guest memory, -ENXIO for a data access to a guest-physical
 * address that is not RAM (MMIO), -ENOMEM when not even an empty shadow
 * can be had (the vCPU has no roots then and must stop), -EIO when the
 * launcher's own mapping of guest memory refuses the access, -EINTR on
 * a fatal signal.
 */
int pv_mmu_fault(struct pv_vcpu *vcpu, u64 gva, u32 *error, u64 *gpa)
{
	const u32 wp = X86_PF_PROT | X86_PF_WRITE;
	int ret;

	if (*error & X86_PF_RSVD) {
		marker_fault(vcpu, gva);
		*error &= ~(X86_PF_RSVD | X86_PF_PROT);
	}
	ret = shadow_fault(vcpu, gva, error, gpa, true);
	if (ret == -EFAULT && (*error & wp) == wp && (s64)gva >= 0)
		flushed_page_set(vcpu, gva);
	return ret;
}

/**
 * pv_mmu_prefill() - fill the shadow entry a user page fault needs next
 * @vcpu: the vCPU, just returned to user mode at the faulting instruction
 *
 * The guest kernel has handled a user page fault and is about to run the
 * access again: filling its shadow entry now saves the exit that access
 * would take.  The walk is the one a read (or fetch) would do, so Dirty is
 * never set for it; a write finds the entry writable when the guest's is
 * already dirty, as Linux makes it on a write fault.  When the walk fails
 * nothing is filled: the access faults as it would have.
 */
void pv_mmu_prefill(struct pv_vcpu *vcpu)
{
	u32 error = vcpu->prefill_fetch ? X86_PF_INSTR : 0;
	u64 gpa;

	/*
	 * Never start over here: a failure to would leave no roots with
	 * nobody to stop the vCPU.  The access's own fault does that, where
	 * an error can be reported.
	 */
	if (!shadow_fault(vcpu, vcpu->prefill_gva, &error, &gpa, false))
		vcpu->counts.shadow_fills++;
}
