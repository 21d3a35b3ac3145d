// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: a vCPU, its fd and its run page.
 *
 * A vCPU belongs to its VM for the VM's whole life (vCPUs are not
 * destroyed one by one, as in KVM); its fd holds a reference on the VM so
 * that either fd may be closed first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <asm/fpu/xstate.h>

#include "vm.h"

/* Masks of vCPUs are one u64 (abi.h), device line routes a u8 (vm.h). */
static_assert(PV_MAX_VCPUS <= PV_VCPUS_MAX);
static_assert(PV_VCPUS_MAX <= 256);

static int pv_set_regs(struct pv_vcpu *vcpu, void __user *argp)
{
	struct pv_regs regs;

	if (copy_from_user(&regs, argp, sizeof(regs)))
		return -EFAULT;
	/* Bit 1 too: what PV_GET_REGS gave may be set again (a restore). */
	if (!pv_canonical(regs.rip) || !pv_canonical(regs.rsp) ||
	    (regs.rflags & ~(u64)(PV_RFLAGS_GUEST | X86_EFLAGS_FIXED)))
		return -EINVAL;
	regs.rflags |= X86_EFLAGS_FIXED;
	vcpu->regs = regs;
	vcpu->kernel_cs = __USER_CS;	/* new code: the kernel's 64-bit */
	return 0;
}

static int pv_get_sregs(struct pv_vcpu *vcpu, void __user *argp)
{
	struct pv_sregs sregs = { .cr3 = vcpu->cr3 | vcpu->pcid,
				  .shared = vcpu->shared_gpa };

	return copy_to_user(argp, &sregs, sizeof(sregs)) ? -EFAULT : 0;
}

static int pv_set_sregs(struct pv_vcpu *vcpu, void __user *argp)
{
	struct pv_sregs sregs;
	unsigned int i;

	if (copy_from_user(&sregs, argp, sizeof(sregs)))
		return -EFAULT;
	for (i = 0; i < ARRAY_SIZE(sregs.reserved); i++)
		if (sregs.reserved[i])
			return -EINVAL;
	if (!pv_gpa_ram(vcpu->vm, sregs.cr3 & PAGE_MASK, PAGE_SIZE))
		return -EINVAL;
	if (sregs.shared && (!PAGE_ALIGNED(sregs.shared) ||
			     !pv_gpa_ram(vcpu->vm, sregs.shared, PAGE_SIZE)))
		return -EINVAL;
	/*
	 * A new shared page learns the user's GS base; the same one keeps
	 * what the guest may have written there, its dirty flag to come.
	 * It is pinned first: a page that cannot be changes nothing.
	 */
	if (sregs.shared != vcpu->shared_gpa) {
		if (pv_shared_set(vcpu, sregs.shared))
			return -EINVAL;
		pv_time_register(vcpu);
		pv_user_gs_publish(vcpu);
	}
	vcpu->cr3 = sregs.cr3 & PAGE_MASK;
	vcpu->pcid = sregs.cr3 & ~PAGE_MASK;
	/*
	 * The same page may hold a flushed_page of another time (memory the
	 * launcher restored); the shadow starts over below, so it names
	 * nothing.
	 */
	pv_mmu_forget_flushed(vcpu);
	/* A new address space: the old shadows do not describe it. */
	return pv_mmu_reset(vcpu);
}

static long pv_vcpu_ioctl(struct file *filp, unsigned int ioctl,
			  unsigned long arg)
{
	struct pv_vcpu *vcpu = filp->private_data;
	void __user *argp = (void __user *)arg;
	long ret;

	if (vcpu->vm->mm != current->mm)
		return -EPERM;
	/*
	 * Killable: the guest decides how long PV_RUN holds the lock (a
	 * vCPU it stopped waits there to be started), and a launcher thread
	 * that asks for its registers meanwhile must not hang unkillable.
	 */
	if (mutex_lock_killable(&vcpu->lock))
		return -EINTR;
	switch (ioctl) {
	case PV_GET_REGS:
		ret = copy_to_user(argp, &vcpu->regs, sizeof(vcpu->regs)) ?
			-EFAULT : 0;
		break;
	case PV_SET_REGS:
		ret = pv_set_regs(vcpu, argp);
		break;
	case PV_GET_SREGS:
		ret = pv_get_sregs(vcpu, argp);
		break;
	case PV_SET_SREGS:
		ret = pv_set_sregs(vcpu, argp);
		break;
	case PV_RUN:
		ret = arg ? -EINVAL : pv_vcpu_run(vcpu);
		break;
	default:
		ret = -ENOTTY;
	}
	mutex_unlock(&vcpu->lock);
	return ret;
}

static vm_fault_t pv_vcpu_fault(struct vm_fault *vmf)
{
	struct pv_vcpu *vcpu = vmf->vma->vm_file->private_data;

	/*
	 * A mapping inherited across fork() is faulted in afresh in the child
	 * (fork copies no page table entries of a shared file mapping): the
	 * run page, where the launcher writes MMIO results, is not the
	 * child's to read or write.
	 */
	if (vmf->pgoff != 0 || vmf->vma->vm_mm != vcpu->vm->mm)
		return VM_FAULT_SIGBUS;
	vmf->page = virt_to_page(vcpu->run);
	get_page(vmf->page);
	return 0;
}

static const struct vm_operations_struct pv_vcpu_vm_ops = {
	.fault = pv_vcpu_fault,
};

static int pv_vcpu_mmap(struct file *filp, struct vm_area_struct *vma)
{
	struct pv_vcpu *vcpu = filp->private_data;

	if (vcpu->vm->mm != current->mm)
		return -EPERM;
	if (vma->vm_pgoff != 0 || vma_pages(vma) != 1)
		return -EINVAL;
	vma->vm_ops = &pv_vcpu_vm_ops;
	return 0;
}

static int pv_vcpu_release(struct inode *inode, struct file *filp)
{
	struct pv_vcpu *vcpu = filp->private_data;

	pv_vm_put(vcpu->vm);
	return 0;
}

static const struct file_operations pv_vcpu_fops = {
	.owner		= THIS_MODULE,
	.release	= pv_vcpu_release,
	.unlocked_ioctl	= pv_vcpu_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= pv_vcpu_mmap,
	.llseek		= noop_llseek,
};

/**
 * pv_vm_vcpu() - look a vCPU of @vm up by number, without locks
 * @vm: the VM
 * @id: a number, possibly out of range
 *
 * A vCPU, once created, lives as long as its VM.
 *
 * Return: the vCPU, or NULL when @vm has no vCPU @id.
 */
struct pv_vcpu *pv_vm_vcpu(struct pv_vm *vm, u64 id)
{
	if (id >= PV_MAX_VCPUS)
		return NULL;
	/* Pairs with the release in pv_vcpu_create(). */
	return smp_load_acquire(&vm->vcpus[array_index_nospec(id, PV_MAX_VCPUS)]);
}

/* Called by pv_vm_put() when the VM goes: no fd refers to @vcpu any more. */
void pv_vcpu_free(struct pv_vcpu *vcpu)
{
	pv_time_exit(vcpu);
	pv_shared_set(vcpu, 0);		/* unpinned */
	pv_mmu_exit(vcpu);
	pv_segments_free(vcpu);
	if (vcpu->fpu.fpstate)
		fpu_free_guest_fpstate(&vcpu->fpu);
	free_page((unsigned long)vcpu->run);
	mutex_destroy(&vcpu->lock);
	kfree(vcpu);
}

/**
 * pv_vcpu_create() - add vCPU @id to @vm
 * @vm: the VM
 * @id: the vCPU number, below PV_MAX_VCPUS and unused in @vm
 *
 * Return: a new vCPU fd, or a negative errno.
 */
int pv_vcpu_create(struct pv_vm *vm, unsigned long id)
{
	struct pv_vcpu *vcpu;
	struct file *file;
	int fd;

	if (id >= PV_MAX_VCPUS)
		return -EINVAL;
	if (vm->mm != current->mm)
		return -EPERM;
	vcpu = kzalloc(sizeof(*vcpu), GFP_KERNEL_ACCOUNT);
	if (!vcpu)
		return -ENOMEM;
	vcpu->run = (void *)get_zeroed_page(GFP_KERNEL_ACCOUNT);
	if (!vcpu->run) {
		kfree(vcpu);
		return -ENOMEM;
	}
	vcpu->id = id;
	vcpu->vm = vm;
	atomic_set(&vcpu->state, id ? PV_VCPU_DOWN : PV_VCPU_UP);
	mutex_init(&vcpu->lock);
	INIT_LIST_HEAD(&vcpu->shadow_pages);
	spin_lock_init(&vcpu->flush_lock);
	pv_preempt_init(vcpu);
	pv_time_init(vcpu);
	vcpu->regs.rflags = X86_EFLAGS_FIXED;
	vcpu->user_cs = PV_USER_CS;
	vcpu->user_ss = PV_USER_DS;
	vcpu->kernel_cs = __USER_CS;
	if (pv_mmu_init(vcpu)) {
		pv_vcpu_free(vcpu);
		return -ENOMEM;
	}
	if (!fpu_alloc_guest_fpstate(&vcpu->fpu)) {
		pv_vcpu_free(vcpu);
		return -ENOMEM;
	}
	/*
	 * XFD armed for the dynamic features (AMX tile data): the guest's
	 * fpstate has no room for them and nobody would save them, so tile
	 * state could pass between VMs.  A guest that uses them takes #NM
	 * (XFD) or, where XCR0 lacks them, #UD.
	 */
	if (cpu_feature_enabled(X86_FEATURE_XFD))
		fpu_update_guest_xfd(&vcpu->fpu, XFEATURE_MASK_USER_DYNAMIC);

	mutex_lock(&vm->lock);
	if (vm->vcpus[id]) {
		fd = -EEXIST;
		goto fail;
	}
	refcount_inc(&vm->refs);
	fd = get_unused_fd_flags(O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		refcount_dec(&vm->refs);
		goto fail;
	}
	file = anon_inode_getfile("pv-vcpu", &pv_vcpu_fops, vcpu, O_RDWR);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		refcount_dec(&vm->refs);
		fd = PTR_ERR(file);
		goto fail;
	}
	vm->nr_vcpus++;
	WRITE_ONCE(vm->vcpu_id_limit, max(vm->vcpu_id_limit, (unsigned int)id + 1));
	if (!id)
		atomic_inc(&vm->nr_vcpus_up);
	/* Other vCPUs look it up without the lock (pv_vm_vcpu()). */
	smp_store_release(&vm->vcpus[id], vcpu);
	/*
	 * Published before its fd exists, so before anyone can run it: the
	 * MMU notifier, which reads vcpus[] (memory.c), drops its shadows
	 * from its first fill on.
	 */
	smp_mb();
	fd_install(fd, file);
	mutex_unlock(&vm->lock);
	return fd;

fail:
	mutex_unlock(&vm->lock);
	pv_vcpu_free(vcpu);
	return fd;
}
