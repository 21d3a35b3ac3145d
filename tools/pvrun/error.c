// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: reporting problems, as one line each (error.h says which way).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"

static void report(const char *fmt, va_list ap)
{
	/* One line in one write, so that device threads do not interleave. */
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	fprintf(stderr, "pvrun: %s\n", line);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap);
	va_end(ap);
	exit(1);
}

void pr_warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(fmt, ap);
	va_end(ap);
}

int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}
