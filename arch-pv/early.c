// SPDX-License-Identifier: GPL-2.0
/*
 * pv guest: events before the kernel's FRED entry is installed.
 *
 * Exceptions this early are either expected (an instruction with an
 * exception-table fixup, such as rdmsr_safe(), or a WARN) or fatal.  A
 * fatal one is reported on the console by hypercall, since no console
 * driver may be up yet, and ends the VM as a crash.
 */
#include <linux/bug.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/processor.h>
#include <asm/msr.h>
#include <asm/extable.h>
#include <asm/fred.h>
#include <asm/ptrace.h>
#include <asm/trapnr.h>

#include "hypercall.h"
#include "pv.h"

static void __init pv_early_report(struct pt_regs *regs, unsigned int vector)
{
	char line[160];
	int len;

	len = scnprintf(line, sizeof(line),
			"pv: fatal early event: vector %u error %#lx rip %pS (%#lx) rsp %#lx data %#lx\n",
			vector, regs->orig_ax, (void *)regs->ip, regs->ip,
			regs->sp, fred_event_data(regs));
	pv_console_write(line, len);
}

void __init pv_early_event(struct pt_regs *regs)
{
	unsigned int vector = regs->fred_ss.vector;

	if (regs->fred_ss.type == EVENT_TYPE_HWEXC &&
	    fixup_exception(regs, vector, regs->orig_ax, fred_event_data(regs)))
		return;
	if (vector == X86_TRAP_UD &&
	    report_bug(regs->ip, regs) == BUG_TRAP_TYPE_WARN) {
		regs->ip += LEN_UD2;
		return;
	}
	pv_early_report(regs, vector);
	pv_hypercall2(PV_HC_SHUTDOWN, PV_SHUTDOWN_CRASH, vector);
}
