// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pvhost's MMIO instruction decoder (drivers/pv/mmio_decode.c),
 * built in userspace: known encodings, refusals, and a fuzzer that feeds it
 * random bytes in buffers exactly as long as it is told, so that ASan
 * catches any read past them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

typedef uint8_t u8;
typedef uint64_t u64;
typedef int64_t s64;
typedef int32_t s32;
#define min_t(t, a, b) ((t)(a) < (t)(b) ? (t)(a) : (t)(b))

#include "../../drivers/pv/mmio_decode.c"

/* Decode @n bytes from a buffer of exactly that size. */
static int decode(const u8 *bytes, unsigned int n, struct pv_mmio_insn *d)
{
	u8 *buf = malloc(n ? n : 1);
	int r;

	if (n)
		memcpy(buf, bytes, n);
	r = pv_mmio_decode(buf, n, d);
	free(buf);
	return r;
}

#define DECODE(d, ...) ({						\
	static const u8 b_[] = { __VA_ARGS__ };				\
	decode(b_, sizeof(b_), (d));					\
})

static void test_loads_and_stores(void **state)
{
	struct pv_mmio_insn d;

	(void)state;
	/* mov %eax,(%rdi): writel */
	assert_int_equal(DECODE(&d, 0x89, 0x07), 0);
	assert_true(d.write && d.size == 4 && d.reg == 0 && d.len == 2 && !d.imm);
	/* mov (%rsi),%ecx: readl */
	assert_int_equal(DECODE(&d, 0x8b, 0x0e), 0);
	assert_true(!d.write && d.size == 4 && d.reg == 1 && d.len == 2);
	/* mov %r9,0x10(%rbx): writeq with REX.WR and disp8 */
	assert_int_equal(DECODE(&d, 0x4c, 0x89, 0x4b, 0x10), 0);
	assert_true(d.write && d.size == 8 && d.reg == 9 && d.len == 4);
	/* mov %ax,0x100(%rdx): writew, disp32 */
	assert_int_equal(DECODE(&d, 0x66, 0x89, 0x82, 0x00, 0x01, 0x00, 0x00), 0);
	assert_true(d.write && d.size == 2 && d.reg == 0 && d.len == 7);
	/* movzbl (%rdi),%eax: readb */
	assert_int_equal(DECODE(&d, 0x0f, 0xb6, 0x07), 0);
	assert_true(!d.write && d.size == 1 && d.zero_extend && d.len == 3);
	/* movzwl 0x4(%rdi),%edx: readw */
	assert_int_equal(DECODE(&d, 0x0f, 0xb7, 0x57, 0x04), 0);
	assert_true(!d.write && d.size == 2 && d.zero_extend && d.reg == 2 && d.len == 4);
	/* mov %bh,(%rax): a high byte register */
	assert_int_equal(DECODE(&d, 0x88, 0x38), 0);
	assert_true(d.write && d.size == 1 && d.high_byte && d.reg == 3);
	/* mov %dil,(%rax): with REX, register 7 is DIL */
	assert_int_equal(DECODE(&d, 0x40, 0x88, 0x38), 0);
	assert_true(d.size == 1 && !d.high_byte && d.reg == 7);
	/* movl $0x12345678,(%rdi) */
	assert_int_equal(DECODE(&d, 0xc7, 0x07, 0x78, 0x56, 0x34, 0x12), 0);
	assert_true(d.write && d.imm && d.size == 4 && d.value == 0x12345678 && d.len == 6);
	/* movq $-1,(%rdi): imm32 sign-extended */
	assert_int_equal(DECODE(&d, 0x48, 0xc7, 0x07, 0xff, 0xff, 0xff, 0xff), 0);
	assert_true(d.size == 8 && d.value == ~0ULL && d.len == 7);
	/* movb $5,(%rsp): SIB */
	assert_int_equal(DECODE(&d, 0xc6, 0x04, 0x24, 0x05), 0);
	assert_true(d.size == 1 && d.value == 5 && d.len == 4);
	/* mov %eax,0x0(%rip): RIP-relative */
	assert_int_equal(DECODE(&d, 0x89, 0x05, 0, 0, 0, 0), 0);
	assert_int_equal(d.len, 6);
	/* mov %eax,%gs:(%rdi): a segment prefix */
	assert_int_equal(DECODE(&d, 0x65, 0x89, 0x07), 0);
	assert_int_equal(d.len, 3);
}

static void test_refusals(void **state)
{
	struct pv_mmio_insn d;

	(void)state;
	assert_int_equal(DECODE(&d, 0x01, 0x07), -EINVAL);	/* add */
	assert_int_equal(DECODE(&d, 0x89, 0xc3), -EINVAL);	/* register to register */
	assert_int_equal(DECODE(&d, 0xf0, 0x89, 0x07), -EINVAL); /* lock */
	assert_int_equal(DECODE(&d, 0xf3, 0xa5), -EINVAL);	/* rep movs */
	assert_int_equal(DECODE(&d, 0xc7, 0x0f, 0, 0, 0, 0), -EINVAL); /* c7 /1 */
	assert_int_equal(DECODE(&d, 0x66, 0x0f, 0xb6, 0x07), -EINVAL);
	assert_int_equal(DECODE(&d, 0x0f, 0xbe, 0x07), -EINVAL); /* movsx */
	/* Cut short: each prefix of a good instruction is refused. */
	assert_int_equal(DECODE(&d, 0x89), -EINVAL);
	assert_int_equal(DECODE(&d, 0x89, 0x04), -EINVAL);	/* SIB missing */
	assert_int_equal(DECODE(&d, 0x89, 0x47), -EINVAL);	/* disp8 missing */
	assert_int_equal(DECODE(&d, 0x89, 0x87, 0, 0, 0), -EINVAL);
	assert_int_equal(DECODE(&d, 0xc7, 0x07, 0x78, 0x56, 0x34), -EINVAL);
	assert_int_equal(decode(NULL, 0, &d), -EINVAL);
}

/* Anything accepted makes sense; nothing is read past the buffer (ASan). */
static void test_fuzz(void **state)
{
	struct pv_mmio_insn d;
	unsigned int i, n, k, accepted = 0;
	u8 bytes[15];

	(void)state;
	srand(1);
	for (i = 0; i < 500000; i++) {
		n = rand() % 16;
		for (k = 0; k < n; k++) {
			/* Often a prefix or opcode it knows, to go deep. */
			static const u8 likely[] = { 0x66, 0x48, 0x4c, 0x65, 0x89, 0x8b,
						     0x88, 0x8a, 0xc6, 0xc7, 0x0f, 0xb6,
						     0xb7, 0x04, 0x05, 0x24 };
			bytes[k] = rand() % 2 ? likely[rand() % sizeof(likely)] : rand();
		}
		if (decode(bytes, n, &d))
			continue;
		accepted++;
		assert_true(d.len >= 2 && d.len <= n);
		assert_true(d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8);
		assert_true(d.reg < 16);
		assert_true(!d.imm || d.write);
		assert_true(!d.zero_extend || !d.write);
		assert_true(!d.high_byte || (d.size == 1 && d.reg < 4));
	}
	assert_true(accepted > 1000);	/* the fuzzer did reach the decoder */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_loads_and_stores),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
