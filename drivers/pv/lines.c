// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: interrupt lines -- raising, binding, routing and delivering.
 *
 * Each vCPU has PV_NR_LINES lines.  Line 0 is its timer (time.c).  Lines
 * 1..PV_LINE_IPI_FIRST-1 are the launcher's devices: the VM routes each
 * to one vCPU, the one the guest last bound it on, so that a device's
 * interrupt goes where /proc/irq/N/smp_affinity says.  Lines
 * PV_LINE_IPI_FIRST..PV_NR_LINES-1 are the guest's IPIs, raised on the
 * vCPUs PV_HC_SEND_IPI names.  A raised line wakes a halted vCPU and
 * kicks a running one out of the guest, so that its loop delivers it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/nospec.h>
#include <linux/sched.h>
#include <linux/wait.h>

#include <pv/abi.h>

#include "vm.h"

/**
 * pv_vcpu_kick() - make a vCPU that runs the guest on another CPU exit
 * @vcpu: the vCPU
 *
 * Its thread cannot be freed under us: that waits for an RCU grace
 * period.
 */
void pv_vcpu_kick(struct pv_vcpu *vcpu)
{
	struct task_struct *task;

	rcu_read_lock();
	task = READ_ONCE(vcpu->task);
	if (task)
		kick_process(task);
	rcu_read_unlock();
}

/** pv_raise_line() - raise interrupt line @line of @vcpu */
void pv_raise_line(struct pv_vcpu *vcpu, unsigned int line)
{
	set_bit(line, &vcpu->pending_lines);
	wake_up_interruptible(&vcpu->wq);
	pv_vcpu_kick(vcpu);
}

/**
 * pv_raise_device_line() - the launcher raises device line @line
 * @vm:   the VM
 * @line: 1..PV_LINE_IPI_FIRST-1, checked by the caller
 *
 * On the vCPU the guest routed the line to (vCPU 0 until it does).
 * Callable in atomic context (an irqfd's wake-up).
 *
 * Return: 0, or -ENXIO while that vCPU does not exist.
 */
int pv_raise_device_line(struct pv_vm *vm, unsigned int line)
{
	struct pv_vcpu *vcpu;

	line = array_index_nospec(line, PV_LINE_IPI_FIRST);
	vcpu = pv_vm_vcpu(vm, READ_ONCE(vm->line_vcpu[line]));

	if (!vcpu)
		return -ENXIO;
	WRITE_ONCE(vm->lines_injected, true);
	pv_raise_line(vcpu, line);
	return 0;
}

/**
 * pv_irq_bind() - PV_HC_IRQ_BIND: line @line of vCPU @id brings @vector
 * @vcpu:   the caller
 * @line:   below PV_NR_LINES
 * @vector: 32..255
 * @id:     the vCPU whose line it is; a device line is routed there
 *
 * A device line pending on the vCPU it leaves is raised again on the new
 * one, so that moving an interrupt never loses one (a spurious one is
 * harmless to a device driver; a lost one stalls its queue).
 *
 * Return: 0, or -PV_EINVAL.
 */
u64 pv_irq_bind(struct pv_vcpu *vcpu, u64 line, u64 vector, u64 id)
{
	struct pv_vcpu *target = pv_vm_vcpu(vcpu->vm, id);
	struct pv_vm *vm = vcpu->vm;
	struct pv_vcpu *old;

	if (!target || line >= PV_NR_LINES || vector < 32 || vector > 255)
		return -PV_EINVAL;
	line = array_index_nospec(line, PV_NR_LINES);
	WRITE_ONCE(target->line_vector[line], vector);
	/* The vector is seen before the line counts as bound. */
	smp_mb__before_atomic();
	set_bit(line, &target->bound_lines);
	if (line == PV_LINE_TIMER || line >= PV_LINE_IPI_FIRST)
		return 0;
	old = pv_vm_vcpu(vm, xchg(&vm->line_vcpu[line], (u8)id));
	if (old && old != target && test_and_clear_bit(line, &old->pending_lines))
		pv_raise_line(target, line);
	return 0;
}

/**
 * pv_send_ipi() - PV_HC_SEND_IPI: raise IPI line @line on every vCPU of @mask
 * @vcpu: the caller (may be in @mask)
 * @mask: bit n: vCPU n
 * @line: PV_LINE_IPI_FIRST..PV_NR_LINES-1
 *
 * Nothing is raised unless every vCPU in @mask exists.
 *
 * Return: 0, or -PV_EINVAL.
 */
u64 pv_send_ipi(struct pv_vcpu *vcpu, u64 mask, u64 line)
{
	struct pv_vcpu *target;
	unsigned long m;
	unsigned int i;

	if (line < PV_LINE_IPI_FIRST || line >= PV_NR_LINES)
		return -PV_EINVAL;
	if (!pv_vcpus_exist(vcpu->vm, mask))
		return -PV_EINVAL;
	m = mask;
	for_each_set_bit(i, &m, BITS_PER_LONG) {
		target = pv_vm_vcpu(vcpu->vm, i);
		pv_raise_line(target, line);
	}
	return 0;
}

/**
 * pv_shared_page() - the vCPU's shared page, pinned, in the host's address space
 * @vcpu: the vCPU
 *
 * Return: the page, or NULL while none is registered.
 */
struct pv_vcpu_shared *pv_shared_page(struct pv_vcpu *vcpu)
{
	return READ_ONCE(vcpu->shared);
}

/**
 * pv_deliver_lines() - deliver pending interrupt lines the guest accepts
 * @vcpu: the vCPU, about to enter the guest
 *
 * With the virtual interrupt flag set, the lowest pending bound line is
 * delivered as an EXTINT event; with it clear, irq_pending tells the guest
 * to ask for them (PV_HC_IRQ_WINDOW) once it enables interrupts.
 *
 * Return: 0, or as pv_deliver_event() when the event cannot be delivered.
 */
int pv_deliver_lines(struct pv_vcpu *vcpu)
{
	struct pv_vcpu_shared *sh = pv_shared_page(vcpu);
	unsigned long ready = READ_ONCE(vcpu->pending_lines) &
			      READ_ONCE(vcpu->bound_lines);
	unsigned int line;
	int ret;

	if (!sh)
		return 0;
	WRITE_ONCE(sh->pending_lines, READ_ONCE(vcpu->pending_lines));
	if (!ready) {
		WRITE_ONCE(sh->irq_pending, 0);
		return 0;
	}
	if (!READ_ONCE(sh->irq_enabled)) {
		WRITE_ONCE(sh->irq_pending, 1);
		return 0;
	}
	line = __ffs(ready);
	ret = pv_deliver_event(vcpu, PV_EVENT_EXTINT,
			       READ_ONCE(vcpu->line_vector[line]), 0, 0, 0);
	if (ret)
		return ret;
	clear_bit(line, &vcpu->pending_lines);
	vcpu->counts.lines++;
	WRITE_ONCE(sh->pending_lines, READ_ONCE(vcpu->pending_lines));
	WRITE_ONCE(sh->irq_pending, !!(READ_ONCE(vcpu->pending_lines) &
				       READ_ONCE(vcpu->bound_lines)));
	return 0;
}
