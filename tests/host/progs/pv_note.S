/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal image linked like a kernel that carries the pv ABI note, for
 * pvrun's input checks and loader.
 * PV_NOTE_ABI is the ABI version it claims (the Makefile builds one with
 * the real version and one with a wrong one).  It is not a runnable kernel.
 */
#include <pv/abi.h>

	.section .note.pv, "a", @note
	.balign 4
	.long 3				/* namesz: "pv\0" */
	.long 4				/* descsz */
	.long PV_ELFNOTE_ABI_VERSION
	.asciz "pv"
	.balign 4
	.long PV_NOTE_ABI

	.text
	.globl _start
_start:
	ud2
