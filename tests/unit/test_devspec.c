// SPDX-License-Identifier: GPL-2.0
/* Unit tests for pvrun's --disk and --net syntax (tools/pvrun/devspec.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/pvrun/devices.h"

static char err[200];

static void test_disk(void **state)
{
	struct disk_spec d;

	(void)state;
	assert_int_equal(parse_disk_spec("/tmp/a.img", &d, err, sizeof(err)), 0);
	assert_string_equal(d.path, "/tmp/a.img");
	assert_false(d.read_only);
	assert_int_equal(parse_disk_spec("a.img,ro", &d, err, sizeof(err)), 0);
	assert_string_equal(d.path, "a.img");
	assert_true(d.read_only);
	assert_int_equal(parse_disk_spec("a.img,rw", &d, err, sizeof(err)), 0);
	assert_false(d.read_only);
	assert_int_equal(parse_disk_spec("dir,x/a.img", &d, err, sizeof(err)), 0);
	assert_string_equal(d.path, "dir,x/a.img");

	assert_int_equal(parse_disk_spec("", &d, err, sizeof(err)), -1);
	assert_int_equal(parse_disk_spec(",ro", &d, err, sizeof(err)), -1);
	assert_int_equal(parse_disk_spec("a.img,readonly", &d, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown option 'readonly'"));
}

static void test_net(void **state)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	struct net_spec n;

	(void)state;
	assert_int_equal(parse_net_spec("tap=tap0", &n, err, sizeof(err)), 0);
	assert_string_equal(n.tap, "tap0");
	assert_false(n.has_mac);
	assert_int_equal(parse_net_spec("tap=pv0,mac=52:54:00:AB:cd:ef", &n, err,
					sizeof(err)), 0);
	assert_true(n.has_mac);
	assert_memory_equal(n.mac, mac, 6);
	assert_int_equal(parse_net_spec("mac=52:54:00:ab:cd:ef,tap=x", &n, err,
					sizeof(err)), 0);

	assert_int_equal(parse_net_spec("", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_net_spec("tap=", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_net_spec("mac=52:54:00:ab:cd:ef", &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no TAP device"));
	assert_int_equal(parse_net_spec("tap=a-name-much-too-long", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_net_spec("tap=a/b", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_net_spec("tap=t,mac=01:00:5e:00:00:01", &n, err,
					sizeof(err)), -1);	/* multicast */
	assert_int_equal(parse_net_spec("tap=t,mac=52:54:00:ab:cd", &n, err, sizeof(err)), -1);
	assert_int_equal(parse_net_spec("tap=t,mac=52:54:00:ab:cd:efg", &n, err,
					sizeof(err)), -1);
	assert_int_equal(parse_net_spec("tap=t,mac=52-54-00-ab-cd-ef", &n, err,
					sizeof(err)), -1);
	assert_int_equal(parse_net_spec("tap=t,model=e1000", &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "unknown option 'model=e1000'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_net),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
