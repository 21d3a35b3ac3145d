// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: hvc0, the console a shell runs on.  Output goes to pvrun's
 * stdout by PV_HC_CONSOLE_WRITE, input comes from its stdin by
 * PV_HC_CONSOLE_READ.  There is no console interrupt: the hvc core polls.
 */
#include <linux/init.h>
#include <linux/types.h>

#include "../../../drivers/tty/hvc/hvc_console.h"
#include "hypercall.h"
#include "pv.h"

#define PV_HVC_COOKIE	0x7076	/* "pv" */

static ssize_t pv_hvc_put_chars(u32 vtermno, const u8 *buf, size_t count)
{
	pv_console_write(buf, count);
	return count;
}

static ssize_t pv_hvc_get_chars(u32 vtermno, u8 *buf, size_t count)
{
	long n = pv_hypercall2(PV_HC_CONSOLE_READ, (unsigned long)buf, count);

	return n < 0 ? 0 : n;
}

static const struct hv_ops pv_hvc_ops = {
	.get_chars = pv_hvc_get_chars,
	.put_chars = pv_hvc_put_chars,
};

/* The console, as early as consoles are registered. */
static int __init pv_hvc_console_init(void)
{
	hvc_instantiate(PV_HVC_COOKIE, 0, &pv_hvc_ops);
	return 0;
}
console_initcall(pv_hvc_console_init);

/* The tty behind it; the host has no interrupt for it, so it is polled. */
static int __init pv_hvc_init(void)
{
	return PTR_ERR_OR_ZERO(hvc_alloc(PV_HVC_COOKIE, 0, &pv_hvc_ops, 64));
}
device_initcall(pv_hvc_init);
