// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: a VM and its guest memory.
 *
 * Guest memory is the launcher's own memory, in slots (memory.c).
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

void pv_vm_put(struct pv_vm *vm)
{
	unsigned int i;

	if (!refcount_dec_and_test(&vm->refs))
		return;
	/* First: an irqfd's wake-up may raise a line on vCPU 0. */
	pv_irqfd_release_all(vm);
	/* Then the notifiers, which read vcpus[]: no vCPU runs again. */
	pv_memslots_unwatch(vm);
	for (i = 0; i < PV_MAX_VCPUS; i++)
		if (vm->vcpus[i])
			pv_vcpu_free(vm->vcpus[i]);
	pv_memslots_release(vm);
	mmdrop(vm->mm);
	mutex_destroy(&vm->lock);
	kfree(vm);
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
	spin_lock_init(&vm->mmu_lock);
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
