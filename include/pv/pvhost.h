/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * pv: the /dev/pvhost ioctl interface between pvhost.ko and its launcher.
 *
 * Documented in Documentation/pv/api.rst.  The interface is modelled on
 * KVM's: a system fd (/dev/pvhost) answers PV_GET_API_VERSION and later
 * creates VMs.  Any change that breaks an existing launcher bumps
 * PV_API_VERSION.
 */
#ifndef _PV_PVHOST_H
#define _PV_PVHOST_H

#include <linux/ioctl.h>

/* The version of this interface; PV_GET_API_VERSION returns it. */
#define PV_API_VERSION		1

/* ioctl type for /dev/pvhost (unregistered; 0xB9 is unused in 6.12). */
#define PVIO			0xB9

/*
 * PV_GET_API_VERSION: no argument; returns PV_API_VERSION.  A launcher
 * must refuse to run when the value differs from the one it was built with.
 */
#define PV_GET_API_VERSION	_IO(PVIO, 0x00)

#endif /* _PV_PVHOST_H */
