/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvhost: VMs, their memory slots and their vCPUs.
 */
#ifndef PVHOST_VM_H
#define PVHOST_VM_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/refcount.h>

#include <pv/pvhost.h>

/* Guest-physical memory backed by pinned launcher pages. */
struct pv_memslot {
	u64 gpa;		/* first guest-physical byte */
	u64 npages;		/* 0: the slot is unused */
	unsigned long uaddr;	/* where the launcher has it */
	struct page **pages;	/* pinned, one per guest page */
};

struct pv_vcpu;

/*
 * A VM lives while its fd or any of its vCPU fds is open: each holds a
 * reference.  @lock serialises slot and vCPU creation against each other.
 */
struct pv_vm {
	refcount_t refs;
	struct mutex lock;	/* slots and vcpus[] */
	struct mm_struct *mm;	/* the launcher's, for locked-memory accounting */
	struct pv_memslot slots[PV_MAX_MEMORY_SLOTS];
	struct pv_vcpu *vcpus[PV_MAX_VCPUS];
};

struct pv_vcpu {
	struct pv_vm *vm;	/* holds a reference */
	unsigned int id;
	struct mutex lock;	/* serialises the vCPU's ioctls */
	struct pv_run *run;	/* the page the launcher mmaps */
	struct pv_regs regs;
};

int pv_vm_create(void);
void pv_vm_put(struct pv_vm *vm);
int pv_vcpu_create(struct pv_vm *vm, unsigned long id);
void pv_vcpu_free(struct pv_vcpu *vcpu);

#endif /* PVHOST_VM_H */
