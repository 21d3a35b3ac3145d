// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: a VM and its guest memory.
 *
 * Guest memory is the launcher's own anonymous (or shmem, or hugetlb)
 * memory: PV_SET_MEMORY_SLOT pins the pages for as long as the slot exists
 * (the shadow MMU maps them into the guest) and charges them to the
 * launcher's locked-memory limit, as VFIO does for device DMA.  Everything
 * the launcher hands in is checked before anything is pinned, and the
 * pinned pages are checked before the slot exists.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/shmem_fs.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "vm.h"

/*
 * The largest slot: 512 GiB, whose array of page pointers (1 GiB) is
 * still one kvmalloc() can be asked for.  A guest's 1 TiB of
 * guest-physical space takes two slots.
 */
#define PV_MAX_SLOT_SIZE	(512ULL << 30)

static void memslot_release(struct pv_vm *vm, struct pv_memslot *slot)
{
	if (!slot->npages)
		return;
	/* The guest may have written anything anywhere: mark it all dirty. */
	unpin_user_pages_dirty_lock(slot->pages, slot->npages, true);
	account_locked_vm(vm->mm, slot->npages, false);
	WRITE_ONCE(vm->nr_guest_pages, vm->nr_guest_pages - slot->npages);
	kvfree(slot->pages);
	memset(slot, 0, sizeof(*slot));
}

void pv_vm_put(struct pv_vm *vm)
{
	unsigned int i;

	if (!refcount_dec_and_test(&vm->refs))
		return;
	/* First: an irqfd's wake-up may raise a line on vCPU 0. */
	pv_irqfd_release_all(vm);
	for (i = 0; i < PV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			pv_vcpu_free(vm->vcpus[i]);
	for (i = 0; i < PV_MAX_MEMORY_SLOTS; i++)
		memslot_release(vm, &vm->slots[i]);
	mmdrop(vm->mm);
	mutex_destroy(&vm->lock);
	kfree(vm);
}

/* Do [gpa, gpa + size) and another slot share a byte? */
static bool memslot_overlaps(const struct pv_memslot *s, u64 gpa, u64 size)
{
	u64 end = s->gpa + (s->npages << PAGE_SHIFT);

	return s->npages && gpa < end && s->gpa < gpa + size;
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
	/* Its page array must be one that kvmalloc() gives (at most INT_MAX). */
	if (size > PV_MAX_SLOT_SIZE)
		return -EINVAL;
	if (req->userspace_addr + size < req->userspace_addr ||
	    !access_ok(u64_to_user_ptr(req->userspace_addr), size))
		return -EINVAL;
	for (i = 0; i < PV_MAX_MEMORY_SLOTS; i++)
		if (memslot_overlaps(&vm->slots[i], req->guest_phys_addr, size))
			return -EEXIST;
	return 0;
}

/*
 * Only anonymous, shmem or hugetlb memory may back a slot.  A long-term
 * writable pin of a file's page cache would let the guest write pages
 * the filesystem takes for clean (the GUP-and-writeback problem; 6.5 and
 * later refuse such pins themselves, 6.1 does not), and memory some
 * driver mapped (a vCPU's run page) is not the launcher's to give.
 * Checked on the pinned pages, not the mappings, so that nothing changes
 * between the check and the use.
 */
static bool memslot_page_ok(struct page *page)
{
	struct folio *folio = page_folio(page);
	struct address_space *mapping;

	if (folio_test_anon(folio) || folio_test_hugetlb(folio))
		return true;
	mapping = READ_ONCE(folio->mapping);
	return mapping && shmem_mapping(mapping);
}

static int memslot_create(struct pv_vm *vm, struct pv_memslot *slot,
			  const struct pv_memory_slot *req)
{
	unsigned long npages = req->memory_size >> PAGE_SHIFT, i;
	struct page **pages;
	long pinned = 0, ret;

	ret = memslot_check(vm, req);
	if (ret)
		return ret;
	ret = account_locked_vm(vm->mm, npages, true);
	if (ret)
		return ret;
	/* Too much for this host is -ENOMEM, not a warning in its log. */
	pages = kvmalloc_array(npages, sizeof(*pages),
			       GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages) {
		ret = -ENOMEM;
		goto unaccount;
	}
	while (pinned < npages) {
		ret = pin_user_pages_fast(req->userspace_addr +
					  (pinned << PAGE_SHIFT),
					  npages - pinned,
					  FOLL_WRITE | FOLL_LONGTERM,
					  pages + pinned);
		if (ret <= 0) {
			ret = ret ? ret : -EFAULT;
			goto unpin;
		}
		pinned += ret;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			goto unpin;
		}
	}
	for (i = 0; i < npages; i++) {
		if (!memslot_page_ok(pages[i])) {
			ret = -EINVAL;
			goto unpin;
		}
	}
	slot->gpa = req->guest_phys_addr;
	slot->uaddr = req->userspace_addr;
	slot->pages = pages;
	/* Read without the lock by the shadow MMU, for its bound. */
	WRITE_ONCE(vm->nr_guest_pages, vm->nr_guest_pages + npages);
	/* Published last: a running vCPU looks slots up without the lock. */
	smp_store_release(&slot->npages, npages);
	return 0;

unpin:
	unpin_user_pages(pages, pinned);
	kvfree(pages);
unaccount:
	account_locked_vm(vm->mm, npages, false);
	return ret;
}

static bool pv_vm_has_vcpus(struct pv_vm *vm)
{
	unsigned int i;

	for (i = 0; i < PV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			return true;
	return false;
}

static int pv_set_memory_slot(struct pv_vm *vm, void __user *argp)
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
		/* Deleting needs the shadow MMU's invalidation: not yet. */
		ret = slot->npages ? -EBUSY : -ENOENT;
		if (slot->npages && !pv_vm_has_vcpus(vm)) {
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

/* PV_IRQ_LINE: the launcher raises a device line (lines.c). */
static int pv_irq_line(struct pv_vm *vm, void __user *argp)
{
	struct pv_irq_line req;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.line == PV_LINE_TIMER || req.line >= PV_LINE_IPI_FIRST || req.pad)
		return -EINVAL;
	return pv_raise_device_line(vm, req.line);
}

/* PV_CONSOLE_INPUT: queue what was typed; the guest reads it by hypercall. */
static long pv_console_input(struct pv_vm *vm, void __user *argp)
{
	struct pv_console_input req;
	unsigned int done = 0, chunk, n, i;
	u8 buf[256];

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.pad || req.len > PV_CONSOLE_MAX)
		return -EINVAL;
	while (done < req.len) {
		chunk = min_t(unsigned int, req.len - done, sizeof(buf));
		if (copy_from_user(buf, u64_to_user_ptr(req.data) + done, chunk))
			return done ? done : -EFAULT;
		spin_lock(&vm->console_lock);
		n = min_t(unsigned int, chunk, PV_CONSOLE_MAX - vm->console_len);
		for (i = 0; i < n; i++)
			vm->console_in[(vm->console_head + vm->console_len++) %
				       PV_CONSOLE_MAX] = buf[i];
		spin_unlock(&vm->console_lock);
		done += n;
		if (n < chunk)
			break;		/* full: the guest has not read yet */
	}
	return done;
}

/**
 * pv_console_read() - take up to @len bytes of console input
 * @vm:  the VM
 * @buf: where they go
 * @len: room in @buf
 *
 * Return: the bytes taken, 0 when nothing was typed.
 */
size_t pv_console_read(struct pv_vm *vm, u8 *buf, size_t len)
{
	size_t n, i;

	spin_lock(&vm->console_lock);
	n = min_t(size_t, len, vm->console_len);
	for (i = 0; i < n; i++) {
		buf[i] = vm->console_in[vm->console_head];
		vm->console_head = (vm->console_head + 1) % PV_CONSOLE_MAX;
	}
	vm->console_len -= n;
	spin_unlock(&vm->console_lock);
	return n;
}

static long pv_vm_ioctl(struct file *filp, unsigned int ioctl,
			unsigned long arg)
{
	struct pv_vm *vm = filp->private_data;

	/*
	 * The fd answers only the process whose memory backs the VM, for
	 * every ioctl alike: one inherited by a child or passed over a socket
	 * must not raise lines, type on the console, tie eventfds or read the
	 * counters of a VM it does not own.
	 */
	if (current->mm != vm->mm)
		return -EPERM;

	switch (ioctl) {
	case PV_SET_MEMORY_SLOT:
		return pv_set_memory_slot(vm, (void __user *)arg);
	case PV_CREATE_VCPU:
		return pv_vcpu_create(vm, arg);
	case PV_IRQ_LINE:
		return pv_irq_line(vm, (void __user *)arg);
	case PV_CONSOLE_INPUT:
		return pv_console_input(vm, (void __user *)arg);
	case PV_GET_EXIT_COUNTS:
		return pv_get_exit_counts(vm, (void __user *)arg);
	case PV_IRQFD:
		return pv_irqfd(vm, (void __user *)arg);
	default:
		return -ENOTTY;
	}
}

static int pv_vm_release(struct inode *inode, struct file *filp)
{
	pv_vm_put(filp->private_data);
	return 0;
}

static const struct file_operations pv_vm_fops = {
	.owner		= THIS_MODULE,
	.release	= pv_vm_release,
	.unlocked_ioctl	= pv_vm_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static atomic64_t vm_ids = ATOMIC64_INIT(0);

/**
 * pv_vm_create() - create a VM owned by the calling process
 *
 * Return: a new VM fd, or a negative errno.
 */
int pv_vm_create(void)
{
	struct pv_vm *vm;
	int fd;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL_ACCOUNT);
	if (!vm)
		return -ENOMEM;
	refcount_set(&vm->refs, 1);
	mutex_init(&vm->lock);
	spin_lock_init(&vm->console_lock);
	INIT_LIST_HEAD(&vm->irqfds);
	mmgrab(current->mm);
	vm->mm = current->mm;
	pv_time_vm_init(vm);
	vm->id = atomic64_inc_return(&vm_ids);

	fd = anon_inode_getfd("pv-vm", &pv_vm_fops, vm, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		pv_vm_put(vm);
	return fd;
}
