// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: irqfds.  PV_IRQFD ties an eventfd to one of the VM's interrupt
 * lines: a write to the eventfd raises the line (on the vCPU the guest
 * routed it to, lines.c), from whatever
 * thread wrote it and without a system call into pvhost.  A device thread
 * of the launcher signals its interrupt as it signals anything else.
 * This is KVM's irqfd, without resampling: pv lines are edges.
 *
 * The eventfd's wait queue calls irqfd_wakeup() with its lock held, so the
 * line is raised in atomic context; pv_raise_line() only sets a bit and
 * wakes or kicks the vCPU.  Removing the wait entry takes the same lock,
 * so once an irqfd is removed no wake-up can still be running in it.
 * The counter is only ever read under that lock (eventfd_ctx_do_read()
 * asserts it): a write racing an unlocked read could be lost.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/eventfd.h>
#include <linux/file.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "vm.h"

struct pv_irqfd {
	struct list_head link;		/* in vm->irqfds, under vm->lock */
	struct pv_vm *vm;
	struct eventfd_ctx *ctx;	/* a reference of ours */
	wait_queue_head_t *wqh;		/* the eventfd's, found by polling */
	unsigned int line;
	wait_queue_entry_t wait;
	poll_table pt;
};

static int irqfd_wakeup(wait_queue_entry_t *wait, unsigned int mode, int sync,
			void *key)
{
	struct pv_irqfd *irqfd = container_of(wait, struct pv_irqfd, wait);
	__poll_t flags = key_to_poll(key);
	u64 count;

	if (flags & EPOLLIN) {
		eventfd_ctx_do_read(irqfd->ctx, &count);
		pv_raise_device_line(irqfd->vm, irqfd->line);
	}
	/* The eventfd is being closed: stop listening (its lock is held). */
	if (flags & EPOLLHUP)
		list_del_init(&wait->entry);
	return 0;
}

static void irqfd_queue_proc(struct file *file, wait_queue_head_t *wqh,
			     poll_table *pt)
{
	struct pv_irqfd *irqfd = container_of(pt, struct pv_irqfd, pt);

	irqfd->wqh = wqh;
	add_wait_queue(wqh, &irqfd->wait);
}

static void irqfd_free(struct pv_irqfd *irqfd)
{
	u64 count;

	eventfd_ctx_remove_wait_queue(irqfd->ctx, &irqfd->wait, &count);
	eventfd_ctx_put(irqfd->ctx);
	list_del(&irqfd->link);
	irqfd->vm->nr_irqfds--;
	kfree(irqfd);
}

static struct pv_irqfd *irqfd_find(struct pv_vm *vm, struct eventfd_ctx *ctx,
				   unsigned int line)
{
	struct pv_irqfd *irqfd;

	list_for_each_entry(irqfd, &vm->irqfds, link)
		if (irqfd->ctx == ctx && irqfd->line == line)
			return irqfd;
	return NULL;
}

static int irqfd_assign(struct pv_vm *vm, struct file *file,
			struct eventfd_ctx *ctx, unsigned int line)
{
	struct pv_irqfd *irqfd;
	unsigned long flags;
	__poll_t events;
	u64 count;

	if (vm->nr_irqfds >= PV_MAX_IRQFDS)
		return -ENOSPC;
	if (irqfd_find(vm, ctx, line))
		return -EEXIST;
	irqfd = kzalloc(sizeof(*irqfd), GFP_KERNEL_ACCOUNT);
	if (!irqfd)
		return -ENOMEM;
	irqfd->vm = vm;
	irqfd->ctx = ctx;
	irqfd->line = line;
	init_waitqueue_func_entry(&irqfd->wait, irqfd_wakeup);
	init_poll_funcptr(&irqfd->pt, irqfd_queue_proc);
	list_add(&irqfd->link, &vm->irqfds);
	vm->nr_irqfds++;
	WRITE_ONCE(vm->lines_injected, true);

	/*
	 * Listen; what was written before now raises the line at once.  The
	 * count is taken under the eventfd's own lock (the wait queue head
	 * irqfd_queue_proc() was handed is &ctx->wqh), as a wake-up takes it:
	 * a write between vfs_poll() and here either is read here or wakes
	 * irqfd_wakeup(), never both and never neither.
	 */
	events = vfs_poll(file, &irqfd->pt);
	if ((events & EPOLLIN) && irqfd->wqh) {
		spin_lock_irqsave(&irqfd->wqh->lock, flags);
		eventfd_ctx_do_read(ctx, &count);
		spin_unlock_irqrestore(&irqfd->wqh->lock, flags);
		if (count)
			pv_raise_device_line(vm, line);
	}
	return 0;
}

/**
 * pv_irqfd() - PV_IRQFD: tie an eventfd to a line, or untie it
 * @vm:   the VM
 * @argp: the launcher's struct pv_irqfd_req
 *
 * Return: 0; -EFAULT; -EINVAL for a bad line, flag or padding, or an fd
 * that is not an eventfd; -EBADF for a closed fd; -EEXIST when that
 * eventfd already drives that line; -ENOSPC past PV_MAX_IRQFDS; -ENOENT
 * when untying what was never tied; -ENOMEM.
 */
int pv_irqfd(struct pv_vm *vm, void __user *argp)
{
	struct pv_irqfd_req req;
	struct eventfd_ctx *ctx;
	struct pv_irqfd *irqfd;
	struct fd f;
	int ret;

	if (copy_from_user(&req, argp, sizeof(req)))
		return -EFAULT;
	if (req.line == PV_LINE_TIMER || req.line >= PV_LINE_IPI_FIRST || req.pad ||
	    (req.flags & ~PV_IRQFD_DEASSIGN))
		return -EINVAL;
	f = fdget(req.fd);
	if (!fd_file(f))
		return -EBADF;
	ctx = eventfd_ctx_fileget(fd_file(f));
	if (IS_ERR(ctx)) {
		fdput(f);
		return -EINVAL;
	}
	mutex_lock(&vm->lock);
	if (req.flags & PV_IRQFD_DEASSIGN) {
		irqfd = irqfd_find(vm, ctx, req.line);
		ret = irqfd ? 0 : -ENOENT;
		if (irqfd)
			irqfd_free(irqfd);
	} else {
		ret = irqfd_assign(vm, fd_file(f), ctx, req.line);
	}
	mutex_unlock(&vm->lock);
	/* On success the irqfd keeps its own reference (ours went to it). */
	if (ret || (req.flags & PV_IRQFD_DEASSIGN))
		eventfd_ctx_put(ctx);
	fdput(f);
	return ret;
}

/** pv_irqfd_release_all() - the VM is going: untie every eventfd */
void pv_irqfd_release_all(struct pv_vm *vm)
{
	struct pv_irqfd *irqfd, *next;

	list_for_each_entry_safe(irqfd, next, &vm->irqfds, link)
		irqfd_free(irqfd);
}
