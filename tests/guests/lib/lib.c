// SPDX-License-Identifier: GPL-2.0
/*
 * The test-guest library: console output, verdicts, shutdown.
 */
#include <stdarg.h>

#include "pv_guest.h"

const struct pv_boot_info *boot_info;

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

void *memset(void *s, int c, size_t n)
{
	unsigned char *p = s;

	while (n--)
		*p++ = c;
	return s;
}

void *memcpy(void *d, const void *s, size_t n)
{
	unsigned char *dp = d;
	const unsigned char *sp = s;

	while (n--)
		*dp++ = *sp++;
	return d;
}

static void console_write(const char *s, size_t len)
{
	hypercall2(PV_HC_CONSOLE_WRITE, (long)s, len);
}

/* One formatted line, assembled in a buffer and written at once. */
struct out {
	char buf[256];
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len == sizeof(o->buf)) {
		console_write(o->buf, o->len);
		o->len = 0;
	}
	o->buf[o->len++] = c;
}

static void put_num(struct out *o, unsigned long long v, unsigned int base,
		    int neg)
{
	char digits[24];
	int n = 0;

	do {
		digits[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	if (neg)
		put(o, '-');
	while (n)
		put(o, digits[--n]);
}

void printk(const char *fmt, ...)
{
	struct out o = { .len = 0 };
	va_list ap;

	va_start(ap, fmt);
	for (; *fmt; fmt++) {
		int longs = 0;
		long long sv;
		const char *s;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		/* Flags and widths are accepted and ignored. */
		while (*++fmt == '-' || (*fmt >= '0' && *fmt <= '9'))
			;
		while (*fmt == 'l') {
			longs++;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
			sv = longs ? va_arg(ap, long long) : va_arg(ap, int);
			put_num(&o, sv < 0 ? -(unsigned long long)sv :
				(unsigned long long)sv, 10, sv < 0);
			break;
		case 'u':
			put_num(&o, longs ? va_arg(ap, unsigned long long) :
				va_arg(ap, unsigned int), 10, 0);
			break;
		case 'x':
			put_num(&o, longs ? va_arg(ap, unsigned long long) :
				va_arg(ap, unsigned int), 16, 0);
			break;
		case 'p':
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, (unsigned long)va_arg(ap, void *), 16, 0);
			break;
		case 's':
			for (s = va_arg(ap, const char *); *s; s++)
				put(&o, *s);
			break;
		case 'c':
			put(&o, va_arg(ap, int));
			break;
		default:
			put(&o, '%');
			put(&o, *fmt ? *fmt : '%');
			if (!*fmt)
				fmt--;
		}
	}
	va_end(ap);
	console_write(o.buf, o.len);
}

void test_exit(enum verdict v)
{
	static const char *const names[] = { "SUCCESS", "FAILURE", "SKIP" };

	printk("Test result: %s\n", names[v]);
	hypercall2(PV_HC_SHUTDOWN, PV_SHUTDOWN_POWEROFF, v == FAILURE);
	/* Shutdown does not return; if it did, stop here for good. */
	for (;;)
		hypercall0(PV_HC_HALT);
}

void __attribute__((noreturn)) guest_start(const struct pv_boot_info *bi);

void guest_start(const struct pv_boot_info *bi)
{
	boot_info = bi;
	test_exit(test_main());
}

/* Guests that expect no event get this one: any event fails them. */
void __attribute__((weak)) event_handler(struct pv_event_frame *f)
{
	printk("unexpected event: vector %u at rip %lx\n",
	       (unsigned int)(f->ss >> 32 & 0xff), (unsigned long)f->rip);
	test_exit(FAILURE);
}

/* Guests without a user mode get this one: any user event fails them. */
int __attribute__((weak)) user_event_handler(struct pv_event_frame *f,
					     unsigned long *regs)
{
	(void)regs;
	printk("unexpected user-mode event: vector %u at rip %lx\n",
	       (unsigned int)(f->ss >> 32 & 0xff), (unsigned long)f->rip);
	test_exit(FAILURE);
}

unsigned long param(const char *name, unsigned long def)
{
	const char *c = boot_info->cmdline, *n;
	unsigned long v;

	for (; *c; c++) {
		if (c != boot_info->cmdline && c[-1] != ' ')
			continue;
		for (n = name; *n && *c == *n; n++, c++)
			;
		if (*n || *c != '=')
			continue;
		for (v = 0, c++; *c >= '0' && *c <= '9'; c++)
			v = v * 10 + (unsigned long)(*c - '0');
		return v;
	}
	return def;
}

unsigned long pvclock_ns(const struct pv_vcpu_shared *shared)
{
	const volatile struct pv_pvclock *c = &shared->clock;
	unsigned long delta, ns;
	unsigned int v;

	do {
		v = c->version;
		asm volatile("" ::: "memory");
		delta = pv_rdtsc() - c->tsc_timestamp;
		if (c->tsc_shift < 0)
			delta >>= -c->tsc_shift;
		else
			delta <<= c->tsc_shift;
		ns = c->system_time +
		     (unsigned long)(((unsigned __int128)delta * c->tsc_to_system_mul) >> 32);
		asm volatile("" ::: "memory");
	} while ((v & 1) || v != c->version);
	return ns;
}

unsigned long *user_page_table(unsigned long va, unsigned long tables)
{
	unsigned long *pml4 = phys(boot_info->boot_pgd), *pdpt = phys(tables);

	memset(pdpt, 0, 3 * 4096);
	pml4[0] = tables | 7;
	pdpt[0] = (tables + 4096) | 7;
	pdpt[512 + (va >> 21 & 511)] = (tables + 8192) | 7;
	return pdpt + 1024;
}
