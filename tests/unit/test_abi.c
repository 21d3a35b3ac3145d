// SPDX-License-Identifier: GPL-2.0
/*
 * The guest ABI's structure layouts are part of the ABI
 * (Documentation/pv/abi.rst): a change that moves a field fails here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pv/abi.h>

static void test_event_frame(void **state)
{
	(void)state;
	/* FRED's frame: 8 quadwords, error code first. */
	assert_int_equal(sizeof(struct pv_event_frame), 64);
	assert_int_equal(offsetof(struct pv_event_frame, error_code), 0);
	assert_int_equal(offsetof(struct pv_event_frame, rip), 8);
	assert_int_equal(offsetof(struct pv_event_frame, cs), 16);
	assert_int_equal(offsetof(struct pv_event_frame, rflags), 24);
	assert_int_equal(offsetof(struct pv_event_frame, rsp), 32);
	assert_int_equal(offsetof(struct pv_event_frame, ss), 40);
	assert_int_equal(offsetof(struct pv_event_frame, event_data), 48);
}

static void test_shared_page(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct pv_vcpu_shared), 4096);
	assert_int_equal(offsetof(struct pv_vcpu_shared, irq_enabled), 0);
	assert_int_equal(offsetof(struct pv_vcpu_shared, rsp0), 8);
	assert_int_equal(offsetof(struct pv_vcpu_shared, irq_pending), 16);
	assert_int_equal(offsetof(struct pv_vcpu_shared, pending_lines), 24);
	assert_int_equal(offsetof(struct pv_vcpu_shared, cr2), 32);
	assert_int_equal(offsetof(struct pv_vcpu_shared, wall_clock), 40);
	assert_int_equal(offsetof(struct pv_vcpu_shared, steal), 48);
	assert_int_equal(offsetof(struct pv_vcpu_shared, clock), 64);
	assert_int_equal(offsetof(struct pv_vcpu_shared, preempted), 128);
	assert_int_equal(offsetof(struct pv_vcpu_shared, user_gs_base), 192);
	assert_int_equal(offsetof(struct pv_vcpu_shared, user_gs_dirty), 200);
	assert_int_equal(offsetof(struct pv_vcpu_shared, flushed_page), 208);
	assert_int_equal(offsetof(struct pv_vcpu_shared, timer_deadline), 216);
	assert_int_equal(offsetof(struct pv_vcpu_shared, timer_armed), 224);
	assert_int_equal(offsetof(struct pv_vcpu_shared, timer_period), 232);
	/* Linux's struct pvclock_vcpu_time_info is 32 bytes. */
	assert_int_equal(sizeof(struct pv_pvclock), 32);
	assert_int_equal(offsetof(struct pv_pvclock, tsc_to_system_mul), 24);
	assert_int_equal(offsetof(struct pv_pvclock, flags), 29);
}

static void test_boot_info(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct pv_mem_range), 24);
	assert_int_equal(offsetof(struct pv_boot_info, mem), 24);
	assert_int_equal(offsetof(struct pv_boot_info, boot_pgd),
			 24 + PV_BOOT_MAX_MEM * 24);
	assert_int_equal(offsetof(struct pv_boot_info, cmdline),
			 24 + PV_BOOT_MAX_MEM * 24 + 6 * 8);
	assert_true(sizeof(struct pv_boot_info) <= 4096);
}

static void test_layout_constants(void **state)
{
	(void)state;
	/* The guard hole is exactly one PML4 slot, slot 256. */
	assert_true(PV_GUARD_HOLE_END - PV_GUARD_HOLE_START == 1ULL << 39);
	assert_int_equal((PV_GUARD_HOLE_START >> 39) & 511, 256);
	assert_true(PV_DIRECT_MAP_BASE >= PV_GUARD_HOLE_END);
	assert_true((PV_EVENT_ENTRY_KERNEL & 0xfff) == PV_EVENT_ENTRY_KERNEL);
	assert_true(PV_HC_MAX == PV_HC_FLUSH_TLB_MULTI + 1);
	/* Every hypercall has a count of its own. */
	assert_true(PV_HC_MAX <= PV_EXIT_COUNTS_HYPERCALLS);
}

/* struct pv_exit_counts: u64 counts only, in the order abi.rst gives. */
static void test_exit_counts(void **state)
{
	(void)state;
	assert_int_equal(sizeof(struct pv_exit_counts), (8 + 32 + 32) * 8);
	assert_int_equal(offsetof(struct pv_exit_counts, exits), 0);
	assert_int_equal(offsetof(struct pv_exit_counts, lines), 56);
	assert_int_equal(offsetof(struct pv_exit_counts, hypercalls), 64);
	assert_int_equal(offsetof(struct pv_exit_counts, exceptions), 64 + 32 * 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_frame),
		cmocka_unit_test(test_shared_page),
		cmocka_unit_test(test_boot_info),
		cmocka_unit_test(test_layout_constants),
		cmocka_unit_test(test_exit_counts),
	};

	return cmocka_run_group_tests_name("pv ABI layout", tests, NULL, NULL);
}
