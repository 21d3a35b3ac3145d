/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pv: the guest ABI, shared by pvhost.ko, the pv guest kernel, pvrun and the
 * test guests.  Documented in Documentation/pv/abi.rst.
 *
 * Today this holds only how a pv kernel image identifies itself; the boot
 * protocol, shared pages, events and hypercalls are added here as they land.
 */
#ifndef _PV_ABI_H
#define _PV_ABI_H

/*
 * The guest ABI version.  A kernel image carries the version it was built
 * for; pvrun refuses an image whose version differs from its own.
 */
#define PV_ABI_VERSION		1

/*
 * A pv kernel is an ELF64 x86-64 executable with a note whose name is
 * PV_ELFNOTE_NAME.  Note types:
 *
 * PV_ELFNOTE_ABI_VERSION: descriptor is a 32-bit little-endian
 *	PV_ABI_VERSION.  Required.
 */
#define PV_ELFNOTE_NAME		"pv"
#define PV_ELFNOTE_ABI_VERSION	1

#endif /* _PV_ABI_H */
