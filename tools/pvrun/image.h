/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: checks that a file is a pv kernel image, without trusting it.
 */
#ifndef PVRUN_IMAGE_H
#define PVRUN_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* What pv_image_check() learnt about a valid image. */
struct pv_image {
	uint64_t entry;		/* guest-virtual entry: the pv entry note,
				 * else the ELF entry point */
	uint32_t abi_version;	/* from the pv ABI-version note */
};

/*
 * pv_image_check - validate an in-memory kernel image.
 * @buf:  the whole file
 * @len:  its length in bytes
 * @img:  filled in on success
 * @err:  on failure, a one-line reason without a trailing newline
 * @errlen: size of @err
 *
 * Every offset and size read from the file is bounds-checked against @len.
 * Returns 0 when the image is an ELF64 x86-64 executable carrying a pv
 * ABI-version note equal to PV_ABI_VERSION, -1 otherwise.  Notes are
 * described in include/pv/abi.h.
 */
int pv_image_check(const void *buf, size_t len, struct pv_image *img,
		   char *err, size_t errlen);

#endif
