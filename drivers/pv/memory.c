// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: guest memory -- its slots, the host's reads and writes there,
 * and the host frames the shadow MMU maps.
 *
 * Guest memory is the launcher's own memory, and stays the launcher's:
 * nothing is pinned.  The host reads and writes it the way the launcher
 * would, with user accesses through the launcher's address space
 * (copy_from_user() and friends, as KVM's kvm_read_guest()), so a page
 * the host's mm has swapped out, merged (KSM), dropped (MADV_DONTNEED)
 * or replaced is simply faulted in again.  Where the vCPU cannot sleep
 * (IRQs off, just before an entry), an access that would fault fails
 * with -EINPROGRESS and leaves in vcpu->fault_uaddr the address for
 * pv_fault_in(); the caller tries again once it has been faulted in.
 *
 * The shadow MMU maps host frames into the guest.  Each slot keeps a
 * frame cache, one entry per guest page: the frame get_user_pages() gave
 * for it and whether it may be written.  A shadow leaf is only ever made
 * from a valid entry.  An MMU interval notifier on the slot's range hears
 * of every change the host's mm makes there before it is made: the
 * entries of the range are cleared, under vm->mmu_lock, and when any was
 * valid every vCPU of the VM is asked to drop its whole shadow (a flush
 * request, smp.c) and the ones in the guest are kicked out and waited
 * for, so no vCPU can touch the old frame once the notifier returns.  A
 * fill takes the notifier's sequence before get_user_pages() and stores
 * the entry under the lock only if no invalidation began meanwhile
 * (mmu_interval_read_retry()), the KVM protocol.  Entries hold no page
 * reference: reclaim, KSM and migration see the pages as the launcher's
 * alone.  Documentation/pv/mmu.rst has the rules.
 *
 * The vCPU's shared page is the one exception: the host writes it from
 * places that cannot fault (the scheduler's preempt notifier, the
 * switcher), so it is pinned while registered, and pinned again when the
 * notifier says the launcher's mapping of it changed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/hugetlb.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/nospec.h>
#include <linux/pagemap.h>
#include <linux/sched/signal.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vm.h"

#ifndef CONFIG_MMU_NOTIFIER
#error "pvhost needs a host kernel with CONFIG_MMU_NOTIFIER (any with KVM has it)"
#endif

/*
 * The largest slot: 512 GiB, whose frame cache (1 GiB) is still one
 * kvmalloc() can be asked for.  A guest's 1 TiB of guest-physical space
 * takes two slots.
 */
#define PV_MAX_SLOT_SIZE	(512ULL << 30)

/* A frame cache entry: the host frame's address and these bits. */
#define PV_FRAME_VALID		BIT_ULL(0)
#define PV_FRAME_WRITABLE	BIT_ULL(1)

/* A launcher that keeps changing its memory under a fill loses the race. */
#define PV_MAP_TRIES		16

/* The slot holding guest-physical @gpa and the page's index in it, or NULL. */
static struct pv_memslot *gpa_slot(struct pv_vm *vm, u64 gpa, u64 *index)
{
	unsigned int i;

	/*
	 * Without a lock: a slot another thread creates meanwhile is seen
	 * whole or not at all (npages is published last), and slots are not
	 * deleted while the VM has vCPUs.
	 */
	for (i = 0; i < PV_MAX_MEMORY_SLOTS; i++) {
		struct pv_memslot *s = &vm->slots[i];
		/* Pairs with the release in memslot_create(). */
		u64 npages = smp_load_acquire(&s->npages);

		if (npages && gpa >= s->gpa &&
		    gpa - s->gpa < (npages << PAGE_SHIFT)) {
			/* The guest chose @gpa: no speculation past the bound. */
			*index = array_index_nospec((gpa - s->gpa) >> PAGE_SHIFT,
						    npages);
			return s;
		}
	}
	return NULL;
}

/* Where the launcher has [@gpa, @gpa + @len), all in one page, or NULL. */
static void __user *gpa_user(struct pv_vm *vm, u64 gpa, size_t len)
{
	struct pv_memslot *s;
	u64 index;

	if (len > PAGE_SIZE - offset_in_page(gpa))
		return NULL;
	s = gpa_slot(vm, gpa, &index);
	if (!s)
		return NULL;
	return u64_to_user_ptr(s->uaddr + (index << PAGE_SHIFT) +
			       offset_in_page(gpa));
}

/**
 * pv_gpa_ram() - is [@gpa, @gpa + @len) guest RAM?
 * @vm:  the VM
 * @gpa: guest-physical address
 * @len: bytes, all within the page of @gpa
 *
 * Return: true when a slot holds it.
 */
bool pv_gpa_ram(struct pv_vm *vm, u64 gpa, size_t len)
{
	return gpa_user(vm, gpa, len);
}

/* An access that failed with IRQs off: what pv_fault_in() must do. */
static int fault_later(struct pv_vcpu *vcpu, void __user *u, bool write)
{
	vcpu->fault_uaddr = (unsigned long)u;
	vcpu->fault_write = write;
	return -EINPROGRESS;
}

/**
 * pv_copy_gpa() - read or write guest-physical memory
 * @vcpu:  the vCPU, on its own thread (the launcher's mm is current)
 * @gpa:   guest-physical address
 * @buf:   the host buffer
 * @len:   bytes, all within the page of @gpa
 * @write: copy @buf into guest memory (else from it into @buf)
 *
 * Return: 0; -ERANGE when it is not guest RAM; -EIO when the launcher's
 * mapping refuses the access (it unmapped or protected its own memory);
 * with IRQs off, -EINPROGRESS when the page must be faulted in first
 * (pv_fault_in()).
 */
int pv_copy_gpa(struct pv_vcpu *vcpu, u64 gpa, void *buf, size_t len,
		bool write)
{
	void __user *u = gpa_user(vcpu->vm, gpa, len);
	unsigned long left;

	if (!u)
		return -ERANGE;
	if (irqs_disabled()) {
		pagefault_disable();
		left = write ? __copy_to_user_inatomic(u, buf, len) :
			       __copy_from_user_inatomic(buf, u, len);
		pagefault_enable();
		return left ? fault_later(vcpu, u, write) : 0;
	}
	left = write ? copy_to_user(u, buf, len) : copy_from_user(buf, u, len);
	return left ? -EIO : 0;
}

/**
 * pv_cmpxchg_gpa() - a locked compare-and-exchange of a guest u64
 * @vcpu: the vCPU, on its own thread
 * @gpa:  guest-physical address, 8-byte aligned
 * @old:  the value expected
 * @new:  the value to store
 *
 * As the CPU sets Accessed and Dirty in a page-table entry another vCPU
 * may be writing.
 *
 * Return: 0 when stored, -EAGAIN when the entry held something else, or
 * as pv_copy_gpa().
 */
int pv_cmpxchg_gpa(struct pv_vcpu *vcpu, u64 gpa, u64 old, u64 new)
{
	u64 __user *u = gpa_user(vcpu->vm, gpa, sizeof(u64));
	bool atomic = irqs_disabled();
	int ret;

	if (!u || !IS_ALIGNED(gpa, sizeof(u64)))
		return -ERANGE;
	if (atomic)
		pagefault_disable();
	ret = __try_cmpxchg_user(u, &old, new, efault);
	if (atomic)
		pagefault_enable();
	if (ret < 0)
		return atomic ? fault_later(vcpu, u, true) : -EIO;
	return ret ? -EAGAIN : 0;
}

/**
 * pv_fault_in() - fault in what an access with IRQs off could not reach
 * @vcpu: the vCPU, on its own thread, IRQs on
 *
 * Return: 0, or -EIO when the launcher's mapping refuses it.
 */
int pv_fault_in(struct pv_vcpu *vcpu)
{
	char __user *u = (char __user *)vcpu->fault_uaddr;
	/* (fault_in_writeable() would store a 0 there: a guest PTE, perhaps.) */
	size_t left = vcpu->fault_write ? fault_in_safe_writeable(u, 1) :
					   fault_in_readable(u, 1);

	return left ? -EIO : 0;
}

/*
 * May the guest have @page, and write it?  Anonymous, shmem and hugetlb
 * memory, the launcher's own, may be read and written; the zero page and
 * the page cache of a private file mapping (a snapshot's memory file)
 * only read: their writes are the launcher's copies, which GUP's
 * FOLL_WRITE makes.  A writable frame of a file's page cache would let
 * the guest write pages the filesystem takes for clean, and memory some
 * driver mapped (a vCPU's run page) is not the launcher's to give.
 */
static bool frame_ok(struct page *page, bool write)
{
	struct folio *folio = page_folio(page);
	struct address_space *mapping;
	struct inode *host;
	bool ok = false;

	if (folio_test_anon(folio) || folio_test_hugetlb(folio))
		return true;
	if (is_zero_pfn(page_to_pfn(page)))
		return !write;
	/*
	 * A truncation may take the folio from its file meanwhile, and the
	 * inode go: both are freed after an RCU grace period (as GUP-fast's
	 * own check reads them).
	 */
	rcu_read_lock();
	mapping = READ_ONCE(folio->mapping);
	if (mapping && !((unsigned long)mapping & PAGE_MAPPING_FLAGS)) {
		host = READ_ONCE(mapping->host);
		ok = shmem_mapping(mapping) ||
		     (!write && host && S_ISREG(READ_ONCE(host->i_mode)));
	}
	rcu_read_unlock();
	return ok;
}

/**
 * pv_gpa_frame() - the host frame the shadow may map for @gpa
 * @vm:       the VM
 * @gpa:      guest-physical address
 * @writable: set to whether the guest may write the frame
 *
 * Without a lock: an entry read here and cleared by the notifier right
 * after was valid when the notifier looked, so the notifier asks every
 * vCPU to drop its shadow, and this one does before its next entry.
 *
 * Return: the frame's physical address, or 0 when none is cached (fill
 * it with pv_gpa_map()).
 */
u64 pv_gpa_frame(struct pv_vm *vm, u64 gpa, bool *writable)
{
	struct pv_memslot *s;
	u64 index, f;

	*writable = false;
	s = gpa_slot(vm, gpa, &index);
	if (!s)
		return 0;
	f = READ_ONCE(s->frames[index]);
	if (!(f & PV_FRAME_VALID))
		return 0;
	*writable = f & PV_FRAME_WRITABLE;
	return f & PAGE_MASK;
}

/**
 * pv_gpa_map() - cache the host frame behind @gpa
 * @vcpu:  the vCPU, on its own thread, IRQs on (this may sleep)
 * @gpa:   guest-physical address
 * @write: the guest will write it: fault it in writable (copy-on-write
 *         done, the zero page replaced)
 *
 * Return: 0 (pv_gpa_frame() may still find nothing, when the launcher's
 * memory changed meanwhile: the guest's access then faults again);
 * -ENXIO when @gpa is not RAM; -EIO when the launcher's mapping refuses
 * the access or holds memory the guest may not have (frame_ok());
 * -EINTR on a fatal signal.
 */
int pv_gpa_map(struct pv_vcpu *vcpu, u64 gpa, bool write)
{
	unsigned int flags = write ? FOLL_WRITE : 0, tries;
	struct pv_vm *vm = vcpu->vm;
	struct pv_memslot *s;
	unsigned long uaddr, seq;
	bool stored, writable;
	struct page *page;
	u64 index;

	s = gpa_slot(vm, gpa, &index);
	if (!s)
		return -ENXIO;
	uaddr = s->uaddr + (index << PAGE_SHIFT);
	for (tries = 0; tries < PV_MAP_TRIES; tries++) {
		if (pv_gpa_frame(vm, gpa, &writable) && (writable || !write))
			return 0;
		seq = mmu_interval_read_begin(&s->notifier);
		if (!get_user_page_fast_only(uaddr, flags, &page) &&
		    get_user_pages_unlocked(uaddr, 1, &page, flags) != 1)
			return fatal_signal_pending(current) ? -EINTR : -EIO;
		if (!frame_ok(page, write)) {
			put_page(page);
			/*
			 * A read-only page the guest may not have (the huge
			 * zero page, whose symbol is not exported): the
			 * launcher's own copy instead, as a write makes it.
			 */
			if (write)
				return -EIO;
			write = true;
			flags |= FOLL_WRITE;
			continue;
		}
		/*
		 * The guest will write it through a leaf the host's page
		 * tables do not see: dirty now, while it is held (the notifier
		 * marks it again before any change).
		 */
		if (write)
			SetPageDirty(page);
		spin_lock(&vm->mmu_lock);
		stored = !mmu_interval_read_retry(&s->notifier, seq);
		if (stored)
			WRITE_ONCE(s->frames[index], page_to_phys(page) |
				   PV_FRAME_VALID | (write ? PV_FRAME_WRITABLE : 0));
		spin_unlock(&vm->mmu_lock);
		put_page(page);
		if (stored)
			return 0;
	}
	return 0;
}

/*
 * The launcher's mm is about to change [range->start, range->end) of
 * slot @mni: forget the frames there and make sure no vCPU still uses
 * one.  Never sleeps (the OOM reaper's ranges are not blockable): the
 * wait is for vCPUs in the guest to take an IPI.
 */
static bool memslot_invalidate(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	struct pv_memslot *s = container_of(mni, struct pv_memslot, notifier);
	/* (0 before the slot is published: nothing is cached yet.) */
	u64 npages = smp_load_acquire(&s->npages);
	unsigned long start = max(range->start, s->uaddr);
	unsigned long end = min(range->end, s->uaddr + (npages << PAGE_SHIFT));
	u64 i, f, first = 0, last = 0;
	struct pv_vm *vm = s->vm;
	bool mapped = false;
	struct pv_vcpu *v;

	if (start < end) {
		first = (start - s->uaddr) >> PAGE_SHIFT;
		last = (end - s->uaddr + PAGE_SIZE - 1) >> PAGE_SHIFT;
	}
	spin_lock(&vm->mmu_lock);
	mmu_interval_set_seq(mni, cur_seq);
	for (i = first; i < last; i++) {
		f = s->frames[i];
		if (!(f & PV_FRAME_VALID))
			continue;
		/*
		 * The guest may have written it through a shadow leaf, which
		 * the host's page tables do not see: the page is dirty, or
		 * reclaim would drop the writes (KVM marks its frames so).
		 */
		if (f & PV_FRAME_WRITABLE)
			SetPageDirty(pfn_to_page(f >> PAGE_SHIFT));
		WRITE_ONCE(s->frames[i], 0);
		mapped = true;
	}
	/*
	 * The frames are seen cleared before vcpus[] is read: a vCPU
	 * published after this (pv_vcpu_create() publishes before anyone
	 * can run it) finds no frame of the range.
	 */
	smp_mb();
	for (i = 0; i < PV_MAX_VCPUS; i++) {
		v = pv_vm_vcpu(vm, i);
		if (v && v->shared_uaddr >= start && v->shared_uaddr < end)
			WRITE_ONCE(v->shared_stale, true);
	}
	/*
	 * Under the lock: another invalidation of the same frames finds
	 * them cleared and drops nothing itself, so it must not return
	 * before this one has made every vCPU drop its shadow.
	 */
	if (mapped)
		pv_drop_all_shadows(vm);
	spin_unlock(&vm->mmu_lock);
	return true;
}

static const struct mmu_interval_notifier_ops memslot_notifier_ops = {
	.invalidate = memslot_invalidate,
};

/**
 * pv_shared_set() - register (pin) the vCPU's shared page, or none
 * @vcpu: the vCPU, on its own thread or with its lock held, IRQs on
 * @gpa:  the page (page-aligned guest RAM), or 0 for none
 *
 * The old page, if any, is unpinned once the new one is in place.  The
 * notifier marks the page stale when the launcher's mapping of it
 * changes; pv_shared_refresh() then pins what is there now.
 *
 * Return: 0; -EINVAL when @gpa is not a page of guest RAM or not memory
 * the guest may write (frame_ok()); -EFAULT when it cannot be pinned.
 */
int pv_shared_set(struct pv_vcpu *vcpu, u64 gpa)
{
	struct page *page = NULL, *old = vcpu->shared_page;
	struct pv_vm *vm = vcpu->vm;
	struct pv_memslot *s = NULL;
	void __user *u = NULL;
	unsigned long seq = 0;
	bool stale = false;
	u64 index;
	int tries;

	if (gpa) {
		if (!PAGE_ALIGNED(gpa))
			return -EINVAL;
		u = gpa_user(vm, gpa, PAGE_SIZE);
		s = gpa_slot(vm, gpa, &index);
		if (!u || !s)
			return -EINVAL;
		for (tries = 0; tries < PV_MAP_TRIES; tries++) {
			seq = mmu_interval_read_begin(&s->notifier);
			if (pin_user_pages_fast((unsigned long)u, 1,
						FOLL_WRITE | FOLL_LONGTERM, &page) != 1)
				return -EFAULT;
			if (!frame_ok(page, true)) {
				unpin_user_page(page);
				return -EINVAL;
			}
			if (!mmu_interval_check_retry(&s->notifier, seq))
				break;
			unpin_user_page(page);
			page = NULL;
		}
		if (!page)
			return -EFAULT;
	}
	/*
	 * Under the lock, checked against the notifier: one that began after
	 * the pin marks this page stale, one before it is caught here.
	 */
	spin_lock(&vm->mmu_lock);
	if (s)
		stale = mmu_interval_read_retry(&s->notifier, seq);
	vcpu->shared_uaddr = (unsigned long)u;
	WRITE_ONCE(vcpu->shared_stale, stale);
	vcpu->shared_page = page;
	WRITE_ONCE(vcpu->shared, page ? page_address(page) : NULL);
	vcpu->shared_gpa = gpa;
	spin_unlock(&vm->mmu_lock);
	if (old)
		unpin_user_pages_dirty_lock(&old, 1, true);
	return 0;
}

/**
 * pv_shared_refresh() - pin the shared page again after the launcher
 * changed its mapping
 * @vcpu: the vCPU, on its own thread, IRQs on
 *
 * Return: 0, or -EIO when the launcher no longer maps the page.
 */
int pv_shared_refresh(struct pv_vcpu *vcpu)
{
	if (!READ_ONCE(vcpu->shared_stale))
		return 0;
	return pv_shared_set(vcpu, vcpu->shared_gpa) ? -EIO : 0;
}

/* Do [gpa, gpa + size) and another slot share a byte? */
static bool memslot_overlaps(const struct pv_memslot *s, u64 gpa, u64 size)
{
	u64 end = s->gpa + (s->npages << PAGE_SHIFT);

	return s->npages && gpa < end && s->gpa < gpa + size;
}

/*
 * Is every page of [@start, @end) mapped by the launcher, writable, in
 * memory a guest may have (frame_ok() says the same of each page at each
 * fill; this is the early, clear error)?  Anonymous memory, shmem,
 * hugetlb, or a private mapping of a regular file; not a mapping of a
 * device or of some driver's pages.
 */
static int memslot_vmas_ok(unsigned long start, unsigned long end)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	unsigned long addr = start;
	int ret = 0;

	mmap_read_lock(mm);
	while (addr < end) {
		vma = find_vma(mm, addr);
		if (!vma || vma->vm_start > addr || !(vma->vm_flags & VM_WRITE)) {
			ret = -EFAULT;
			break;
		}
		if ((vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP)) ||
		    (vma->vm_file && !is_vm_hugetlb_page(vma) &&
		     !shmem_mapping(vma->vm_file->f_mapping) &&
		     ((vma->vm_flags & VM_SHARED) ||
		      !S_ISREG(file_inode(vma->vm_file)->i_mode)))) {
			ret = -EINVAL;
			break;
		}
		addr = vma->vm_end;
	}
	mmap_read_unlock(mm);
	return ret;
}

static int memslot_check(struct pv_vm *vm, const struct pv_memory_slot *req)
{
	u64 size = req->memory_size;
	unsigned int i;

	if (req->flags || !PAGE_ALIGNED(req->guest_phys_addr) ||
	    !PAGE_ALIGNED(size) || !PAGE_ALIGNED(req->userspace_addr))
		return -EINVAL;
	if (req->guest_phys_addr >= PV_MAX_GUEST_PHYS ||
	    size > PV_MAX_GUEST_PHYS - req->guest_phys_addr)
		return -EINVAL;
	/* Its frame cache must be one that kvmalloc() gives (at most INT_MAX). */
	if (size > PV_MAX_SLOT_SIZE)
		return -EINVAL;
	if (req->userspace_addr + size < req->userspace_addr ||
	    !access_ok(u64_to_user_ptr(req->userspace_addr), size))
		return -EINVAL;
	for (i = 0; i < PV_MAX_MEMORY_SLOTS; i++)
		if (memslot_overlaps(&vm->slots[i], req->guest_phys_addr, size))
			return -EEXIST;
	return memslot_vmas_ok(req->userspace_addr, req->userspace_addr + size);
}

static int memslot_create(struct pv_vm *vm, struct pv_memslot *slot,
			  const struct pv_memory_slot *req)
{
	unsigned long npages = req->memory_size >> PAGE_SHIFT;
	int ret;

	ret = memslot_check(vm, req);
	if (ret)
		return ret;
	/* Too much for this host is -ENOMEM, not a warning in its log. */
	slot->frames = kvcalloc(npages, sizeof(*slot->frames),
				GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!slot->frames)
		return -ENOMEM;
	slot->vm = vm;
	slot->gpa = req->guest_phys_addr;
	slot->uaddr = req->userspace_addr;
	ret = mmu_interval_notifier_insert(&slot->notifier, current->mm,
					   slot->uaddr, req->memory_size,
					   &memslot_notifier_ops);
	if (ret) {
		kvfree(slot->frames);
		memset(slot, 0, sizeof(*slot));
		return ret;
	}
	/* Read without the lock by the shadow MMU, for its bound. */
	WRITE_ONCE(vm->nr_guest_pages, vm->nr_guest_pages + npages);
	/* Published last: a running vCPU looks slots up without the lock. */
	smp_store_release(&slot->npages, npages);
	return 0;
}

/* Stop hearing of the slot's memory: no vCPU may run after this. */
static void memslot_unwatch(struct pv_memslot *slot)
{
	if (slot->npages)
		mmu_interval_notifier_remove(&slot->notifier);
}

static void memslot_release(struct pv_vm *vm, struct pv_memslot *slot)
{
	if (!slot->npages)
		return;
	WRITE_ONCE(vm->nr_guest_pages, vm->nr_guest_pages - slot->npages);
	kvfree(slot->frames);
	memset(slot, 0, sizeof(*slot));
}

/**
 * pv_memslots_unwatch() - remove every slot's notifier, before the
 * vCPUs (which it reads) go
 * @vm: the VM, which no fd refers to any more
 */
void pv_memslots_unwatch(struct pv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < PV_MAX_MEMORY_SLOTS; i++)
		memslot_unwatch(&vm->slots[i]);
}

/**
 * pv_memslots_release() - free every slot's frame cache
 * @vm: the VM, its notifiers removed and its vCPUs freed
 */
void pv_memslots_release(struct pv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < PV_MAX_MEMORY_SLOTS; i++)
		memslot_release(vm, &vm->slots[i]);
}

static bool pv_vm_has_vcpus(struct pv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < PV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			return true;
	return false;
}

/**
 * pv_set_memory_slot() - PV_SET_MEMORY_SLOT
 * @vm:   the VM
 * @argp: the launcher's struct pv_memory_slot
 *
 * Return: 0 or a negative errno (api.rst).
 */
int pv_set_memory_slot(struct pv_vm *vm, void __user *argp)
{
	struct pv_memory_slot req;
	struct pv_memslot *slot;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.slot >= PV_MAX_MEMORY_SLOTS)
		return -EINVAL;
	/* Slots are created and deleted by the launcher that owns them. */
	if (current->mm != vm->mm)
		return -EPERM;

	mutex_lock(&vm->lock);
	slot = &vm->slots[req.slot];
	if (!req.memory_size) {
		/* Lockless lookups (gpa_slot()) of a running vCPU: not yet. */
		ret = slot->npages ? -EBUSY : -ENOENT;
		if (slot->npages && !pv_vm_has_vcpus(vm)) {
			memslot_unwatch(slot);
			memslot_release(vm, slot);
			ret = 0;
		}
	} else if (slot->npages) {
		ret = -EEXIST;
	} else {
		ret = memslot_create(vm, slot, &req);
	}
	mutex_unlock(&vm->lock);
	return ret;
}
