// SPDX-License-Identifier: GPL-2.0
/* Unit tests for pvrun's size parser (tools/pvrun/size.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../tools/pvrun/size.h"

static uint64_t size_of(const char *s)
{
	uint64_t v = 12345;

	assert_int_equal(parse_size(s, &v), 0);
	return v;
}

static void test_good(void **state)
{
	(void)state;
	assert_true(size_of("256") == 256ULL << 20);
	assert_true(size_of("256M") == 256ULL << 20);
	assert_true(size_of("256m") == 256ULL << 20);
	assert_true(size_of("256MiB") == 256ULL << 20);
	assert_true(size_of("1G") == 1ULL << 30);
	assert_true(size_of("2g") == 2ULL << 30);
	assert_true(size_of("4096K") == 4ULL << 20);
	assert_true(size_of("1T") == 1ULL << 40);
}

static void test_bad(void **state)
{
	const char *bad[] = {
		"", "M", "-1", "+5", " 5", "5 ", "5X", "5MM", "0", "0G",
		"1.5G", "0x100", "99999999999999999999", "17179869184T",
	};
	uint64_t v = 7;
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse_size(bad[i], &v) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_true(v == 7);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_bad),
	};

	return cmocka_run_group_tests_name("pvrun sizes", tests, NULL, NULL);
}
