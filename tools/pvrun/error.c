// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: reasons for refusing input, as one line.
 */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
