/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pv: the /dev/pvhost ioctl interface between pvhost.ko and its launcher.
 *
 * Documented in Documentation/pv/api.rst.  The interface is modelled on
 * KVM's: the system fd (/dev/pvhost) creates VMs; a VM fd owns guest
 * memory slots and creates vCPUs; a vCPU fd has an mmap'able run page.
 * Any change that breaks an existing launcher bumps PV_API_VERSION.
 */
#ifndef _PV_PVHOST_H
#define _PV_PVHOST_H

#include <linux/const.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* The version of this interface; PV_GET_API_VERSION returns it. */
#define PV_API_VERSION		1

/* ioctl type for /dev/pvhost (unregistered; 0xB9 is unused in 6.12). */
#define PVIO			0xB9

/* Limits (also checked by the module, reported in errors as EINVAL). */
#define PV_MAX_MEMORY_SLOTS	32
#define PV_MAX_VCPUS		64
#define PV_MAX_GUEST_PHYS	_BITULL(40)	/* guest-physical space: 1 TiB */

/* --- system ioctls, on the /dev/pvhost fd */

/* () -> PV_API_VERSION */
#define PV_GET_API_VERSION	_IO(PVIO, 0x00)
/* () -> a new VM fd */
#define PV_CREATE_VM		_IO(PVIO, 0x01)
/* () -> bytes to mmap on a vCPU fd for its struct pv_run */
#define PV_GET_VCPU_MMAP_SIZE	_IO(PVIO, 0x02)

/* --- VM ioctls, on a VM fd */

/*
 * PV_SET_MEMORY_SLOT: back guest-physical memory with launcher memory.
 * A slot is created once; memory_size 0 deletes it.
 */
struct pv_memory_slot {
	__u32 slot;		/* 0 .. PV_MAX_MEMORY_SLOTS - 1 */
	__u32 flags;		/* must be 0 */
	__u64 guest_phys_addr;	/* page aligned */
	__u64 memory_size;	/* bytes, page aligned; 0 deletes the slot */
	__u64 userspace_addr;	/* page aligned address in the launcher */
};

#define PV_SET_MEMORY_SLOT	_IOW(PVIO, 0x10, struct pv_memory_slot)
/* (vCPU id) -> a new vCPU fd */
#define PV_CREATE_VCPU		_IO(PVIO, 0x11)

/* PV_IRQ_LINE: raise a device line (1 .. PV_LINE_IPI_FIRST - 1) of the VM. */
struct pv_irq_line {
	__u32 line;
	__u32 pad;		/* must be 0 */
};

#define PV_IRQ_LINE		_IOW(PVIO, 0x12, struct pv_irq_line)

/* PV_CONSOLE_INPUT: bytes typed at the VM's console, for the guest to read. */
struct pv_console_input {
	__u64 data;		/* user address of the bytes */
	__u32 len;		/* at most PV_CONSOLE_MAX */
	__u32 pad;		/* must be 0 */
};

/* -> bytes taken (fewer when the guest has not read what came before) */
#define PV_CONSOLE_INPUT	_IOW(PVIO, 0x13, struct pv_console_input)

/* The VM's exit counts, summed over its vCPUs (abi.h, PV_HC_EXIT_COUNTS). */
#define PV_GET_EXIT_COUNTS	_IOR(PVIO, 0x14, struct pv_exit_counts)

/*
 * PV_IRQFD: a write to eventfd @fd raises @line (1 .. PV_LINE_IPI_FIRST - 1),
 * as PV_IRQ_LINE would, until untied with PV_IRQFD_DEASSIGN or the VM
 * goes.  At most PV_MAX_IRQFDS per VM.
 */
struct pv_irqfd_req {
	__u32 fd;		/* an eventfd */
	__u32 line;
	__u32 flags;		/* PV_IRQFD_* */
	__u32 pad;		/* must be 0 */
};

#define PV_IRQFD_DEASSIGN	_BITUL(0)
#define PV_MAX_IRQFDS		64
#define PV_IRQFD		_IOW(PVIO, 0x15, struct pv_irqfd_req)

/* --- vCPU ioctls, on a vCPU fd */

/* The general registers of a vCPU, as the guest sees them. */
struct pv_regs {
	__u64 rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
	__u64 r8, r9, r10, r11, r12, r13, r14, r15;
	__u64 rip, rflags;
};

#define PV_GET_REGS		_IOR(PVIO, 0x20, struct pv_regs)
#define PV_SET_REGS		_IOW(PVIO, 0x21, struct pv_regs)

/* The paging state of a vCPU, and its shared page. */
struct pv_sregs {
	__u64 cr3;		/* guest-physical PML4 | its PCID (bits 11:0) */
	__u64 shared;		/* guest-physical shared page, 0: none */
	__u64 reserved[6];	/* must be 0 */
};

#define PV_GET_SREGS		_IOR(PVIO, 0x22, struct pv_sregs)
#define PV_SET_SREGS		_IOW(PVIO, 0x23, struct pv_sregs)
/* () -> 0 when an exit needs the launcher (see struct pv_run) */
#define PV_RUN			_IO(PVIO, 0x24)

/* Bytes of console output one PV_EXIT_CONSOLE carries at most. */
#define PV_CONSOLE_MAX		2048

/*
 * The run page, mmap'ed from a vCPU fd at offset 0: why PV_RUN returned.
 */
struct pv_run {
	__u32 exit_reason;	/* PV_EXIT_* */
	__u32 pad;
	union {
		/* PV_EXIT_CONSOLE: the guest wrote to its console */
		struct {
			__u32 len;
			__u32 pad;
			__u8 data[PV_CONSOLE_MAX];
		} console;
		/* PV_EXIT_SHUTDOWN: the guest stopped itself */
		struct {
			__u32 reason;	/* PV_SHUTDOWN_* (abi.h) */
			__u32 status;
		} shutdown;
		/* PV_EXIT_INTERNAL_ERROR: the vCPU cannot go on */
		struct {
			__u64 rip;
			__u64 vector;
			__u64 error_code;
			__u64 address;
			char reason[96];	/* NUL-terminated */
		} internal;
		/*
		 * PV_EXIT_MMIO: a load or store of @len bytes at a
		 * guest-physical address that is not RAM.  A store's bytes
		 * are in @data; for a load, put the bytes read in @data
		 * before the next PV_RUN, which completes the instruction.
		 */
		struct {
			__u64 phys_addr;
			__u8 data[8];	/* little-endian, @len bytes used */
			__u32 len;	/* 1, 2, 4 or 8 */
			__u8 is_write;
			__u8 pad[3];
		} mmio;
		__u8 reserved[4088];
	};
};

#define PV_EXIT_NONE		0
#define PV_EXIT_CONSOLE		1
#define PV_EXIT_SHUTDOWN	2
#define PV_EXIT_INTERNAL_ERROR	3
#define PV_EXIT_HALT		4	/* halted, and nothing could wake it */
#define PV_EXIT_MMIO		5	/* a load or store outside guest RAM */

#endif /* _PV_PVHOST_H */
