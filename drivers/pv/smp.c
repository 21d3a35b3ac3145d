// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: several vCPUs -- starting and stopping them, flushing each
 * other's TLBs, steal time.
 *
 * Each vCPU has its own shadow page tables, its TLB.  A guest that changes
 * a mapping other vCPUs may use asks them all to flush with one
 * PV_HC_FLUSH_TLB_MULTI: each target gets a request it carries out
 * before its next entry, and only a target that is in the guest at that
 * moment is kicked out and waited for -- for the microseconds an IPI
 * takes, never for a thread the host has descheduled (a target outside
 * the guest cannot use a stale translation until it has flushed).  The
 * same idea as KVM's PV TLB flush and Xen's MMUEXT_TLB_FLUSH_MULTI.
 *
 * The handshake is Dekker's: the sender writes the request, then reads
 * the target's run_seq; the target makes run_seq odd, then reads its
 * requests, both with a full barrier between.  Either the target sees
 * the request before it enters, or the sender sees it inside and waits
 * until run_seq moves on (the target has left the guest).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/wait.h>

#include <pv/abi.h>

#include "vm.h"

/* Is every vCPU of @mask there? */
bool pv_vcpus_exist(struct pv_vm *vm, u64 mask)
{
	unsigned long m = mask;
	unsigned int i;

	for_each_set_bit(i, &m, BITS_PER_LONG)
		if (!pv_vm_vcpu(vm, i))
			return false;
	return true;
}

/**
 * pv_vcpu_start() - PV_HC_VCPU_START: bring a down vCPU up where told
 * @vcpu: the caller
 * @r:    its registers: vcpu, rip, rsp, cr3, arg
 *
 * Return: 0, -PV_EINVAL, or -PV_EBUSY when the vCPU is not down.
 */
u64 pv_vcpu_start(struct pv_vcpu *vcpu, const struct pv_regs *r)
{
	struct pv_vcpu *target = pv_vm_vcpu(vcpu->vm, r->rdi);

	if (!target || !pv_guest_va_ok(r->rsi) || !pv_guest_va_ok(r->rdx) ||
	    !PAGE_ALIGNED(r->r10) || !pv_gpa_ram(vcpu->vm, r->r10, PAGE_SIZE))
		return -PV_EINVAL;
	if (atomic_cmpxchg(&target->state, PV_VCPU_DOWN, PV_VCPU_CLAIMED) !=
	    PV_VCPU_DOWN)
		return -PV_EBUSY;
	atomic_inc(&vcpu->vm->nr_vcpus_up);
	/*
	 * Its lines start afresh here, while its thread sleeps: a binding,
	 * an IPI or a route another vCPU gives it from now on must stay.
	 */
	xchg(&target->bound_lines, 0);
	xchg(&target->pending_lines, 0);
	target->start = (struct pv_vcpu_start){
		.rip = r->rsi, .rsp = r->rdx, .cr3 = r->r10, .arg = r->r8,
	};
	/* @start is seen whole before the state says it is there. */
	atomic_set_release(&target->state, PV_VCPU_STARTING);
	wake_up_interruptible(&target->wq);
	return 0;
}

/**
 * pv_vcpu_stop() - PV_HC_VCPU_STOP: the calling vCPU goes down
 * @vcpu: the vCPU, on its own thread
 *
 * Its timer stops and what was pending is dropped, as for a CPU taken
 * offline; PV_HC_VCPU_START brings it up again, afresh.  The last vCPU
 * up stays: nothing could ever start it again (PV_HC_SHUTDOWN ends a VM).
 *
 * Return: 0 when the vCPU is down, -PV_EBUSY when it is the last one.
 */
u64 pv_vcpu_stop(struct pv_vcpu *vcpu)
{
	if (!atomic_add_unless(&vcpu->vm->nr_vcpus_up, -1, 1))
		return -PV_EBUSY;
	pv_timer_reset(vcpu);
	hrtimer_cancel(&vcpu->timer);
	atomic_set(&vcpu->state, PV_VCPU_DOWN);
	return 0;
}

/*
 * What a start resets: the vCPU begins as PV_HC_VCPU_START says, with no
 * shared page, event entry, MSR or segment of its last life (abi.rst);
 * pv_vcpu_start() reset its lines.
 */
static void vcpu_reset(struct pv_vcpu *vcpu)
{
	memset(&vcpu->regs, 0, sizeof(vcpu->regs));
	vcpu->regs.rip = vcpu->start.rip;
	vcpu->regs.rsp = vcpu->start.rsp;
	vcpu->regs.rdi = vcpu->start.arg;
	vcpu->regs.rflags = X86_EFLAGS_FIXED;
	vcpu->cr3 = vcpu->start.cr3;
	vcpu->pcid = 0;
	vcpu->user_mode = false;
	vcpu->fred_csl = 0;
	pv_shared_set(vcpu, 0);
	vcpu->event_entry = 0;
	vcpu->rsp0 = 0;
	memset(vcpu->fred_rsp, 0, sizeof(vcpu->fred_rsp));
	vcpu->fred_stklvls = 0;
	vcpu->fs_base = 0;
	vcpu->gs_base = 0;
	vcpu->kernel_gs_base = 0;
	vcpu->fs_sel = 0;
	vcpu->gs_sel = 0;
	vcpu->ds_sel = 0;
	vcpu->es_sel = 0;
	vcpu->user_cs = PV_USER_CS;
	vcpu->user_ss = PV_USER_DS;
	vcpu->kernel_cs = __USER_CS;
	memset(vcpu->tls, 0, sizeof(vcpu->tls));
	pv_set_ldt(vcpu, 0, 0);
	vcpu->prefill = false;
}

/**
 * pv_wait_for_start() - a down vCPU waits until another one starts it
 * @vcpu: the vCPU, on its own thread
 *
 * It then begins as PV_HC_VCPU_START says: supervisor mode, interrupts
 * off, on fresh shadow tables.
 *
 * Return: 0, -EINTR, -ENOMEM.
 */
int pv_wait_for_start(struct pv_vcpu *vcpu)
{
	if (atomic_read(&vcpu->state) == PV_VCPU_UP)
		return 0;
	/* Pairs with the release in pv_vcpu_start(). */
	if (wait_event_interruptible(vcpu->wq, atomic_read_acquire(&vcpu->state) ==
				     PV_VCPU_STARTING))
		return -EINTR;
	vcpu_reset(vcpu);
	spin_lock(&vcpu->flush_lock);
	vcpu->flush_kind = PV_FLUSH_REQ_NONE;	/* the reset flushes all */
	vcpu->nr_flush_pages = 0;
	spin_unlock(&vcpu->flush_lock);
	atomic_set(&vcpu->state, PV_VCPU_UP);
	return pv_mmu_reset(vcpu);
}

/* Invalidating a few pages is cheaper one by one than starting over. */
#define PV_FLUSH_ONE_BY_ONE	64
/* The end of the lower half of a 4-level address space. */
#define PV_LOWER_HALF_END	BIT_ULL(47)

/**
 * pv_flush_tlb() - PV_HC_FLUSH_TLB on the calling vCPU
 * @vcpu:  the vCPU, on its own thread
 * @gva:   the first page
 * @nr:    pages; 0: the whole address space
 * @flags: PV_FLUSH_GLOBAL: global translations too
 *
 * Return: 0, -PV_EINVAL for unknown flags, -ENOMEM.
 */
u64 pv_flush_tlb(struct pv_vcpu *vcpu, u64 gva, u64 nr, u64 flags)
{
	u64 i;

	if (flags & ~PV_FLUSH_GLOBAL)
		return -PV_EINVAL;
	if (flags & PV_FLUSH_GLOBAL)
		return pv_mmu_reset(vcpu);
	/* Everything, or many pages of the lower half: as a CR3 load does. */
	if (!nr || (nr > PV_FLUSH_ONE_BY_ONE && gva < PV_LOWER_HALF_END &&
		    nr <= (PV_LOWER_HALF_END - gva) >> PAGE_SHIFT))
		return pv_mmu_flush_nonglobal(vcpu);
	if (nr > PV_FLUSH_ONE_BY_ONE)
		return pv_mmu_reset(vcpu);
	/* Pages the guest cannot map (pv_mmu_invalidate() skips) hold nothing. */
	for (i = 0; i < nr; i++)
		pv_mmu_invalidate(vcpu, (gva & PAGE_MASK) + (i << PAGE_SHIFT));
	return 0;
}

/*
 * Ask @target to flush as pv_flush_tlb(@gva, @nr, @flags) would.  Pages
 * named one by one may be global (kernel) ones, which a non-global flush
 * keeps: they are listed beside it, and past the list's end the request
 * becomes a flush of everything.
 */
static void flush_request(struct pv_vcpu *target, u64 gva, u64 nr, u64 flags)
{
	unsigned int kind = PV_FLUSH_REQ_PAGES_ONLY;
	u64 i;

	if (flags & PV_FLUSH_GLOBAL)
		kind = PV_FLUSH_REQ_ALL;
	else if (!nr || (gva < PV_LOWER_HALF_END && nr > PV_FLUSH_REQ_PAGES &&
			 nr <= (PV_LOWER_HALF_END - gva) >> PAGE_SHIFT))
		kind = PV_FLUSH_REQ_NONGLOBAL;	/* user pages only */

	spin_lock(&target->flush_lock);
	if (kind == PV_FLUSH_REQ_PAGES_ONLY &&
	    target->flush_kind != PV_FLUSH_REQ_ALL) {
		if (nr > PV_FLUSH_REQ_PAGES - target->nr_flush_pages) {
			kind = PV_FLUSH_REQ_ALL;
		} else {
			for (i = 0; i < nr; i++)
				target->flush_pages[target->nr_flush_pages++] =
					(gva & PAGE_MASK) + (i << PAGE_SHIFT);
		}
	}
	WRITE_ONCE(target->flush_kind, max(target->flush_kind, kind));
	spin_unlock(&target->flush_lock);
}

/**
 * pv_flush_requests() - carry out the flushes other vCPUs asked for
 * @vcpu: the vCPU, on its own thread, IRQs on
 *
 * Return: 0 or -ENOMEM.
 */
int pv_flush_requests(struct pv_vcpu *vcpu)
{
	u64 pages[PV_FLUSH_REQ_PAGES];
	unsigned int kind, nr, i;

	if (!READ_ONCE(vcpu->flush_kind))
		return 0;
	spin_lock(&vcpu->flush_lock);
	kind = vcpu->flush_kind;
	nr = vcpu->nr_flush_pages;
	memcpy(pages, vcpu->flush_pages, nr * sizeof(pages[0]));
	vcpu->flush_kind = PV_FLUSH_REQ_NONE;
	vcpu->nr_flush_pages = 0;
	spin_unlock(&vcpu->flush_lock);

	if (kind == PV_FLUSH_REQ_ALL)
		return pv_mmu_reset(vcpu);
	for (i = 0; i < nr; i++)
		pv_mmu_invalidate(vcpu, pages[i]);
	return kind == PV_FLUSH_REQ_NONGLOBAL ? pv_mmu_flush_all_tags(vcpu) : 0;
}

/**
 * pv_flush_tlb_multi() - PV_HC_FLUSH_TLB_MULTI: flush the vCPUs of @mask
 * @vcpu:  the caller (may be in @mask)
 * @mask:  bit n: vCPU n
 * @gva:   as for PV_HC_FLUSH_TLB
 * @nr:    as for PV_HC_FLUSH_TLB
 * @flags: as for PV_HC_FLUSH_TLB
 *
 * Returns once no vCPU of @mask can use a translation the flush removes.
 *
 * Return: 0, -PV_EINVAL (unknown flags, a vCPU that does not exist),
 * -ENOMEM.
 */
u64 pv_flush_tlb_multi(struct pv_vcpu *vcpu, u64 mask, u64 gva, u64 nr,
		       u64 flags)
{
	unsigned long m = mask & ~BIT_ULL(vcpu->id), seq;
	struct pv_vcpu *target;
	unsigned int i;
	u64 ret = 0;

	if ((flags & ~PV_FLUSH_GLOBAL) || !pv_vcpus_exist(vcpu->vm, mask))
		return -PV_EINVAL;
	for_each_set_bit(i, &m, BITS_PER_LONG)
		flush_request(pv_vm_vcpu(vcpu->vm, i), gva, nr, flags);
	/* The requests are seen before run_seq is read (see the top). */
	smp_mb();
	if (mask & BIT_ULL(vcpu->id))
		ret = pv_flush_tlb(vcpu, gva, nr, flags);
	for_each_set_bit(i, &m, BITS_PER_LONG) {
		target = pv_vm_vcpu(vcpu->vm, i);
		seq = READ_ONCE(target->run_seq);
		if (!(seq & 1))
			continue;
		/*
		 * In the guest on another CPU, with IRQs off: the kick's IPI
		 * makes it leave within microseconds, whatever the guest does.
		 */
		pv_vcpu_kick(target);
		while (READ_ONCE(target->run_seq) == seq) {
			/* Only a dying launcher stops waiting: it flushes nothing. */
			if (fatal_signal_pending(current))
				return ret;
			cpu_relax();
		}
	}
	return ret;
}

/**
 * pv_drop_all_shadows() - no vCPU of @vm uses a shadow leaf made so far
 * @vm: the VM, whose launcher's mm is about to change guest memory
 *
 * For the MMU notifier (memory.c): each vCPU is asked to drop its whole
 * shadow before its next entry, and those in the guest now are kicked
 * out and waited for.  Never sleeps, and does not give up: the frames
 * may be freed once this returns.  The caller may be a vCPU thread
 * itself (a fault it took in the launcher's memory); it is not in the
 * guest.  Called with vm->mmu_lock held: a vCPU in the guest needs no
 * lock to leave it.
 */
void pv_drop_all_shadows(struct pv_vm *vm)
{
	struct pv_vcpu *target;
	unsigned long seq;
	unsigned int i;

	for (i = 0; i < PV_MAX_VCPUS; i++) {
		target = pv_vm_vcpu(vm, i);
		if (target)
			flush_request(target, 0, 0, PV_FLUSH_GLOBAL);
	}
	/* The requests are seen before run_seq is read (see the top). */
	smp_mb();
	for (i = 0; i < PV_MAX_VCPUS; i++) {
		target = pv_vm_vcpu(vm, i);
		if (!target)
			continue;
		seq = READ_ONCE(target->run_seq);
		if (!(seq & 1))
			continue;
		pv_vcpu_kick(target);
		while (READ_ONCE(target->run_seq) == seq)
			cpu_relax();
	}
}

/**
 * pv_enter_guest_mode() - the last step before the switcher, IRQs off
 * @vcpu: the vCPU
 *
 * Return: 0 to enter; -EAGAIN when a flush request came meanwhile (the
 * caller carries it out with IRQs on and tries again).
 */
int pv_enter_guest_mode(struct pv_vcpu *vcpu)
{
	WRITE_ONCE(vcpu->run_seq, vcpu->run_seq + 1);
	/* run_seq is odd before the requests are read (see the top). */
	smp_mb();
	if (READ_ONCE(vcpu->flush_kind)) {
		/* Even again: a sender waits for a change, and this is one. */
		WRITE_ONCE(vcpu->run_seq, vcpu->run_seq + 1);
		return -EAGAIN;
	}
	return 0;
}

/** pv_leave_guest_mode() - the switcher returned: run_seq even again */
void pv_leave_guest_mode(struct pv_vcpu *vcpu)
{
	/* The guest's last accesses happened before a sender sees it out. */
	smp_store_release(&vcpu->run_seq, vcpu->run_seq + 1);
}

/**
 * pv_steal_update() - tell the guest how long its vCPU waited for the host
 * @vcpu: the vCPU, on its own thread, before an entry
 *
 * Steal time is the time the vCPU's thread was runnable but not running
 * (the scheduler's run_delay, as KVM's steal time), summed over the
 * threads that ran the vCPU, from a fresh baseline at each PV_RUN (the
 * time between two is the launcher's, not stolen).  Without
 * CONFIG_SCHED_INFO it stays 0.
 */
void pv_steal_update(struct pv_vcpu *vcpu)
{
#ifdef CONFIG_SCHED_INFO
	u64 delay = current->sched_info.run_delay;
	struct pv_vcpu_shared *sh;

	if (vcpu->steal_task == current && delay >= vcpu->steal_run_delay)
		vcpu->steal += delay - vcpu->steal_run_delay;
	vcpu->steal_task = current;
	vcpu->steal_run_delay = delay;
	sh = pv_shared_page(vcpu);
	if (sh)
		WRITE_ONCE(sh->steal, vcpu->steal);
#endif
}

/**
 * pv_set_preempted() - tell other vCPUs whether this one runs
 * @vcpu:      the vCPU
 * @preempted: 1 while its thread is off its host CPU, though runnable, or
 *             out of PV_RUN; 0 while it runs
 *
 * For the guest's vcpu_is_preempted(): a spinner gives up on a lock
 * whose holder the host descheduled.  Callable with the runqueue lock
 * held (a preempt notifier): it only writes a byte of pinned memory.
 */
void pv_set_preempted(struct pv_vcpu *vcpu, u8 preempted)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);

	if (sh)
		WRITE_ONCE(sh->preempted, preempted);
}

#ifdef CONFIG_PREEMPT_NOTIFIERS
static void pv_sched_in(struct preempt_notifier *pn, int cpu)
{
	pv_set_preempted(container_of(pn, struct pv_vcpu, preempt), 0);
}

/*
 * Still runnable: the host took the CPU, the vCPU did not sleep.  Not
 * on_rq, which a task that blocks keeps a while in 6.12 (delayed
 * dequeue), as KVM's kvm_sched_out() says.
 */
static void pv_sched_out(struct preempt_notifier *pn, struct task_struct *next)
{
	if (task_is_runnable(current))
		pv_set_preempted(container_of(pn, struct pv_vcpu, preempt), 1);
}

static struct preempt_ops pv_preempt_ops = {
	.sched_in = pv_sched_in,
	.sched_out = pv_sched_out,
};

void pv_preempt_init(struct pv_vcpu *vcpu)
{
	preempt_notifier_init(&vcpu->preempt, &pv_preempt_ops);
}

/**
 * pv_preempt_watch() - follow the vCPU thread's scheduling, or stop
 * @vcpu: the vCPU, on its own thread
 * @on:   at PV_RUN's start (true) or end (false)
 */
void pv_preempt_watch(struct pv_vcpu *vcpu, bool on)
{
	preempt_disable();
	if (on)
		preempt_notifier_register(&vcpu->preempt);
	else
		preempt_notifier_unregister(&vcpu->preempt);
	preempt_enable();
}

void pv_smp_module_init(void)
{
	preempt_notifier_inc();
}

void pv_smp_module_exit(void)
{
	preempt_notifier_dec();
}
#else
/*
 * Without preempt notifiers, the run loop marks the vCPU at the one
 * place a voluntarily preemptible host takes its CPU (cond_resched());
 * a preemptible host may take it elsewhere unseen.
 */
void pv_preempt_init(struct pv_vcpu *vcpu)
{
}

void pv_preempt_watch(struct pv_vcpu *vcpu, bool on)
{
}

void pv_smp_module_init(void)
{
}

void pv_smp_module_exit(void)
{
}
#endif
