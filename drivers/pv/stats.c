// SPDX-License-Identifier: GPL-2.0
/*
 * pvhost: exit counts.  Each vCPU counts, in its own struct and without
 * atomics (only its thread writes it), every return from the guest and
 * what the host did about it.  PV_HC_EXIT_COUNTS gives the guest the sums
 * over its VM's vCPUs, so that a benchmark inside it can tell what one
 * operation costs in transitions: a figure that, unlike a time under
 * emulation, does not depend on the machine.  PV_GET_EXIT_COUNTS gives
 * the launcher the same sums.
 */
#include <linux/string.h>
#include <linux/uaccess.h>

#include <pv/abi.h>

#include "vm.h"

/* The sums over @vm's vCPUs; other threads' counts are read as they run. */
static void exit_counts_sum(struct pv_vm *vm, struct pv_exit_counts *sum)
{
	u64 *to = (u64 *)sum;
	const u64 *from;
	unsigned int id, i;

	memset(sum, 0, sizeof(*sum));
	for (id = 0; id < PV_MAX_VCPUS; id++) {
		struct pv_vcpu *v = pv_vm_vcpu(vm, id);

		if (!v)
			continue;
		from = (const u64 *)&v->counts;
		for (i = 0; i < sizeof(*sum) / sizeof(u64); i++)
			to[i] += READ_ONCE(from[i]);
	}
}

/**
 * pv_exit_counts_copy() - PV_HC_EXIT_COUNTS: write the VM's sums to the guest
 * @vcpu: the calling vCPU
 * @gva:  where, in the guest's virtual memory
 * @len:  bytes the guest has room for; at most the struct is written
 *
 * The sums read other vCPUs' counters while they run, so they are
 * approximate for those; the caller's own are exact.
 *
 * Return: bytes written, or -PV_EFAULT.
 */
u64 pv_exit_counts_copy(struct pv_vcpu *vcpu, u64 gva, u64 len)
{
	struct pv_exit_counts sum;

	exit_counts_sum(vcpu->vm, &sum);
	len = min_t(u64, len, sizeof(sum));
	return pv_copy_guest(vcpu, gva, &sum, len, true) ? -PV_EFAULT : len;
}

/**
 * pv_get_exit_counts() - PV_GET_EXIT_COUNTS: the VM's sums for the launcher
 * @vm:   the VM
 * @uarg: where, in the caller's memory
 *
 * Return: 0 or -EFAULT.
 */
long pv_get_exit_counts(struct pv_vm *vm, void __user *uarg)
{
	struct pv_exit_counts sum;

	exit_counts_sum(vm, &sum);
	return copy_to_user(uarg, &sum, sizeof(sum)) ? -EFAULT : 0;
}
