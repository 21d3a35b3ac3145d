/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVRUN_ERROR_H
#define PVRUN_ERROR_H

#include <stddef.h>

/*
 * fail - write a one-line reason into @err (at most @errlen bytes)
 *
 * For the checks that report why input is refused.  Returns -1.
 */
int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
