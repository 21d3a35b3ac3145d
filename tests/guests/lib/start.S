/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test-guest entry.  The boot protocol gives us the boot stack in %rsp and
 * the boot info in %rsi (abi.rst, "Boot protocol").
 */
#include <pv/abi.h>

	.section .note.pv, "a", @note
	.balign 4
	.long 3, 4, PV_ELFNOTE_ABI_VERSION
	.asciz "pv"
	.balign 4
	.long PV_ABI_VERSION
	.balign 4
	.long 3, 8, PV_ELFNOTE_ENTRY
	.asciz "pv"
	.balign 4
	.quad _start

	.text
	.globl _start
_start:
	and	$-16, %rsp
	mov	%rsi, %rdi
	call	guest_start
	ud2
