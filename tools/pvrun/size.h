/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PVRUN_SIZE_H
#define PVRUN_SIZE_H

#include <stdint.h>

/*
 * parse_size - read a memory size as QEMU and kvmtool take it
 * @s:   digits with an optional suffix K, M, G or T (powers of 1024);
 *       without a suffix the number is in MiB
 * @out: the size in bytes
 *
 * Returns 0, or -1 for anything else (empty, junk, zero, overflow).
 */
int parse_size(const char *s, uint64_t *out);

#endif
