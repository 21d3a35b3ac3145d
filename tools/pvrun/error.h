/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: one error idiom, kvmtool's.  A problem pvrun cannot go on after
 * (bad input, a failed system call it needs) is die(): one line on stderr
 * and exit status 1.  A problem it can go on after (a device that breaks,
 * a setting the host refuses) is pr_warning(): one line, and pvrun goes
 * on.  The checks that parse input and are unit-tested on their own
 * (image.c, boot.c, size.c, devspec.c) do not exit: they return -1 with
 * the reason written by fail(), and their caller dies with it.
 */
#ifndef PVRUN_ERROR_H
#define PVRUN_ERROR_H

#include <stddef.h>

/* die - print "pvrun: " and the message on one line, then exit(1) */
void die(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));

/* pr_warning - print "pvrun: " and the message on one line, go on */
void pr_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * fail - write a one-line reason into @err (at most @errlen bytes)
 *
 * For the checks that report why input is refused.  Returns -1.
 */
int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
