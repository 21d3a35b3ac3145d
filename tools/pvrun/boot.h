/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: lays out a new guest's memory as the pv boot protocol says
 * (Documentation/pv/abi.rst, "Boot protocol").
 */
#ifndef PVRUN_BOOT_H
#define PVRUN_BOOT_H

#include <stddef.h>
#include <stdint.h>

#include "image.h"

/* Guest-physical 0 .. size, as the launcher sees it. */
struct guest_mem {
	uint8_t *base;
	uint64_t size;		/* bytes, a multiple of 2 MiB */
};

/* What goes into the guest. */
struct boot_params {
	const void *image;	/* the checked kernel image (pv_image_check) */
	size_t image_len;
	const struct pv_image *img;
	const void *initrd;	/* NULL when there is none */
	size_t initrd_len;
	const char *cmdline;
	uint32_t nr_vcpus;
	uint64_t tsc_khz;
	uint64_t features;	/* PV_FEATURE_* */
};

/* Where things landed: what vCPU 0 starts with. */
struct boot_layout {
	uint64_t entry;		/* guest-virtual %rip */
	uint64_t stack_top;	/* guest-virtual %rsp */
	uint64_t boot_info;	/* guest-virtual %rsi (direct map) */
	uint64_t boot_info_gpa;
	uint64_t pgd_gpa;	/* CR3 */
	uint64_t shared_gpa;	/* vCPU 0's shared page */
};

/* Bytes of boot data after the kernel: info, shared page, tables, stack. */
#define BOOT_STACK_SIZE		(16 * 1024)

/*
 * boot_setup - load the kernel and build everything vCPU 0 boots with
 * @mem:    guest memory
 * @p:      what to put in it
 * @out:    filled in on success
 * @err:    on failure, a one-line reason
 * @errlen: size of @err
 *
 * Every value from the image is checked against the image and @mem.
 * Returns 0 on success, -1 with @err set otherwise.
 */
int boot_setup(struct guest_mem *mem, const struct boot_params *p,
	       struct boot_layout *out, char *err, size_t errlen);

#endif
