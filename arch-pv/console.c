// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: the boot console, by hypercall, from the first printk on.
 */
#include <linux/console.h>
#include <linux/init.h>

#include "hypercall.h"
#include "pv.h"

/* Write all of @s, in as many hypercalls as the host wants. */
void pv_console_write(const char *s, unsigned int len)
{
	long done;

	while (len) {
		done = pv_hypercall2(PV_HC_CONSOLE_WRITE, (unsigned long)s, len);
		if (done <= 0)
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
