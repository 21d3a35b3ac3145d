// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: sizes on the command line.
 */
#include <ctype.h>

#include "size.h"

int parse_size(const char *s, uint64_t *out)
{
	uint64_t n = 0;
	unsigned int shift = 20;	/* MiB without a suffix */

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		if (n > (UINT64_MAX - 9) / 10)
			return -1;
		n = n * 10 + (*s - '0');
	}
	switch (toupper((unsigned char)*s)) {
	case 'K':
		shift = 10;
		s++;
		break;
	case 'M':
		shift = 20;
		s++;
		break;
	case 'G':
		shift = 30;
		s++;
		break;
	case 'T':
		shift = 40;
		s++;
		break;
	}
	if (*s == 'i' || *s == 'I')	/* 256MiB */
		s++;
	if ((*s == 'B' || *s == 'b'))
		s++;
	if (*s || !n || n > (UINT64_MAX >> shift))
		return -1;
	*out = n << shift;
	return 0;
}
