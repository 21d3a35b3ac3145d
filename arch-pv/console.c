// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: the boot console, by hypercall, from the first printk on.
 */
#include <linux/console.h>
#include <linux/init.h>
#include <linux/minmax.h>

#include "hypercall.h"
#include "pv.h"

/*
 * The most one PV_HC_CONSOLE_WRITE takes (abi.rst): the host refuses a
 * length over 4096 outright and writes at most 2048 bytes a call.
 */
#define PV_CONSOLE_CHUNK	2048

/* Write all of @s, in as many hypercalls as the host wants. */
void pv_console_write(const char *s, unsigned int len)
{
	long done;

	while (len) {
		done = pv_hypercall2(PV_HC_CONSOLE_WRITE, (unsigned long)s,
				     min_t(unsigned int, len, PV_CONSOLE_CHUNK));
		if (done <= 0 || done > len)
			return;
		s += done;
		len -= done;
	}
}

static void pv_boot_console_write(struct console *con, const char *s,
				  unsigned int len)
{
	pv_console_write(s, len);
}

static struct console pv_boot_console = {
	.name	= "pvboot",
	.write	= pv_boot_console_write,
	.flags	= CON_PRINTBUFFER | CON_BOOT | CON_ANYTIME,
	.index	= -1,
};

/* Registered before start_kernel(): its banner is the first line out. */
void __init pv_console_init(void)
{
	register_console(&pv_boot_console);
}
