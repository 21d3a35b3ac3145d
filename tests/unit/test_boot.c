// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pvrun's boot layout (tools/pvrun/boot.c): the kernel is
 * loaded where its headers say, the boot page tables translate as the
 * boot protocol promises (checked by walking them like the MMU does), the
 * boot info describes memory exactly, and bad input is refused.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <pv/abi.h>

#include "../../tools/pvrun/boot.h"

#define MIB		(1ULL << 20)
#define KBASE		0x1000000ULL		/* Linux's physical start */
#define TEXT_SIZE	0x3000ULL
#define DATA_FILE	0x800ULL
#define DATA_MEM	0x5000ULL		/* bss after the file part */

struct fake_kernel {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	unsigned char text[TEXT_SIZE];
	unsigned char data[DATA_FILE];
};

static struct fake_kernel kern;
static struct pv_image img;
static struct guest_mem mem;
static struct boot_params params;
static struct boot_layout out;
static char err[200];

static void make_kernel(void)
{
	memset(&kern, 0, sizeof(kern));
	memcpy(kern.eh.e_ident, ELFMAG, SELFMAG);
	kern.eh.e_phoff = offsetof(struct fake_kernel, ph);
	kern.eh.e_phentsize = sizeof(Elf64_Phdr);
	kern.eh.e_phnum = 2;
	kern.ph[0] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_offset = offsetof(struct fake_kernel, text),
		.p_paddr = KBASE, .p_vaddr = PV_KERNEL_MAP_BASE + KBASE,
		.p_filesz = TEXT_SIZE, .p_memsz = TEXT_SIZE,
	};
	kern.ph[1] = (Elf64_Phdr){
		.p_type = PT_LOAD, .p_offset = offsetof(struct fake_kernel, data),
		.p_paddr = KBASE + TEXT_SIZE,
		.p_vaddr = PV_KERNEL_MAP_BASE + KBASE + TEXT_SIZE,
		.p_filesz = DATA_FILE, .p_memsz = DATA_MEM,
	};
	memset(kern.text, 0xcc, sizeof(kern.text));
	memset(kern.data, 0xdd, sizeof(kern.data));
	img.entry = PV_KERNEL_MAP_BASE + KBASE + 0x40;
	img.abi_version = PV_ABI_VERSION;
}

static int setup(void **state)
{
	(void)state;
	make_kernel();
	mem.size = 64 * MIB;
	mem.base = calloc(1, mem.size);
	memset(mem.base, 0x5a, mem.size);	/* the bss must be cleared */
	params = (struct boot_params){
		.image = &kern, .image_len = sizeof(kern), .img = &img,
		.cmdline = "console=hvc0 quiet", .nr_vcpus = 1,
		.tsc_khz = 2000000, .features = PV_FEATURE_FSGSBASE,
	};
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem.base);
	return 0;
}

/* Walk the guest's 4-level tables from @cr3; -1 when not mapped. */
static int64_t translate(uint64_t cr3, uint64_t va, uint64_t *flags)
{
	uint64_t table = cr3, e = 0;
	int level;

	for (level = 3; level >= 0; level--) {
		unsigned int idx = (va >> (12 + 9 * level)) & 511;

		assert_true(table + 4096 <= mem.size);
		memcpy(&e, mem.base + table + idx * 8, 8);
		if (!(e & 1))
			return -1;
		if (level == 1 && (e & 0x80)) {
			*flags = e & 0xfff;
			return (e & 0x000fffffffe00000ULL) | (va & 0x1fffff);
		}
		assert_true(level > 0);
		assert_true(!(e & 0x80));	/* only 2 MiB large pages */
		table = e & 0x000ffffffffff000ULL;
	}
	*flags = e & 0xfff;
	return (e & 0x000ffffffffff000ULL) | (va & 0xfff);
}

static void test_layout(void **state)
{
	struct pv_boot_info *bi;
	uint64_t flags, covered = 0, i;

	(void)state;
	assert_int_equal(boot_setup(&mem, &params, &out, err, sizeof(err)), 0);

	/* The kernel segments, bss cleared. */
	assert_int_equal(mem.base[KBASE], 0xcc);
	assert_int_equal(mem.base[KBASE + TEXT_SIZE - 1], 0xcc);
	assert_int_equal(mem.base[KBASE + TEXT_SIZE], 0xdd);
	assert_int_equal(mem.base[KBASE + TEXT_SIZE + DATA_FILE], 0);
	assert_int_equal(mem.base[KBASE + TEXT_SIZE + DATA_MEM - 1], 0);

	/* The registers vCPU 0 starts with. */
	assert_true(out.entry == img.entry);
	assert_true(out.boot_info == PV_DIRECT_MAP_BASE + out.boot_info_gpa);
	assert_int_equal(out.stack_top % 16, 0);

	/* Direct map: all memory, and not one byte beyond. */
	assert_int_equal(translate(out.pgd_gpa, PV_DIRECT_MAP_BASE, &flags), 0);
	assert_true(flags & 0x100);	/* global */
	assert_int_equal(translate(out.pgd_gpa, PV_DIRECT_MAP_BASE + 12345678, &flags),
			 12345678);
	assert_int_equal(translate(out.pgd_gpa, PV_DIRECT_MAP_BASE + mem.size - 1, &flags),
			 mem.size - 1);
	assert_int_equal(translate(out.pgd_gpa, PV_DIRECT_MAP_BASE + mem.size, &flags), -1);
	/* Kernel map: the entry point reaches the loaded text. */
	assert_int_equal(translate(out.pgd_gpa, img.entry, &flags), KBASE + 0x40);
	assert_int_equal(translate(out.pgd_gpa, PV_KERNEL_MAP_BASE + mem.size, &flags), -1);
	/* The boot stack and boot info are mapped writable. */
	assert_int_equal(translate(out.pgd_gpa, out.stack_top - 8, &flags),
			 out.stack_top - 8 - PV_DIRECT_MAP_BASE);
	assert_true(flags & 2);
	/* Nothing in the lower half, nothing in the guard hole. */
	assert_int_equal(translate(out.pgd_gpa, 0, &flags), -1);
	assert_int_equal(translate(out.pgd_gpa, KBASE, &flags), -1);
	assert_int_equal(translate(out.pgd_gpa, PV_GUARD_HOLE_START, &flags), -1);

	/* The boot info. */
	bi = (struct pv_boot_info *)(mem.base + out.boot_info_gpa);
	assert_int_equal(bi->magic, PV_BOOT_MAGIC);
	assert_int_equal(bi->abi_version, PV_ABI_VERSION);
	assert_true(bi->features == PV_FEATURE_FSGSBASE);
	assert_int_equal(bi->nr_vcpus, 1);
	assert_true(bi->boot_pgd == out.pgd_gpa);
	assert_true(bi->boot_stack_top == out.stack_top);
	assert_true(bi->vcpu0_shared == out.shared_gpa);
	assert_int_equal(bi->vcpu0_shared % 4096, 0);
	assert_true(bi->tsc_khz == 2000000);
	assert_string_equal(bi->cmdline, "console=hvc0 quiet");
	assert_true(bi->initrd_start == 0 && bi->initrd_size == 0);

	/* The memory map: sorted, disjoint, covering all memory exactly. */
	assert_true(bi->nr_mem > 0 && bi->nr_mem <= PV_BOOT_MAX_MEM);
	for (i = 0; i < bi->nr_mem; i++) {
		assert_true(bi->mem[i].start == covered);
		assert_int_equal(bi->mem[i].start % 4096, 0);
		assert_int_equal(bi->mem[i].size % 4096, 0);
		covered += bi->mem[i].size;
	}
	assert_true(covered == mem.size);
	assert_int_equal(bi->mem[1].type, PV_MEM_KERNEL);
	assert_true(bi->mem[1].start == KBASE);
}

static void test_initrd(void **state)
{
	static unsigned char rd[100000];
	struct pv_boot_info *bi;
	unsigned int i;

	(void)state;
	memset(rd, 0x77, sizeof(rd));
	params.initrd = rd;
	params.initrd_len = sizeof(rd);
	assert_int_equal(boot_setup(&mem, &params, &out, err, sizeof(err)), 0);
	bi = (struct pv_boot_info *)(mem.base + out.boot_info_gpa);
	assert_true(bi->initrd_size == sizeof(rd));
	assert_int_equal(bi->initrd_start % 4096, 0);
	assert_true(bi->initrd_start + sizeof(rd) <= mem.size);
	assert_memory_equal(mem.base + bi->initrd_start, rd, sizeof(rd));
	for (i = 0; i < bi->nr_mem; i++)
		if (bi->mem[i].type == PV_MEM_INITRD)
			assert_true(bi->mem[i].start == bi->initrd_start);
	assert_int_equal(bi->mem[bi->nr_mem - 1].type, PV_MEM_INITRD);
}

static void expect_refused(const char *why)
{
	assert_int_equal(boot_setup(&mem, &params, &out, err, sizeof(err)), -1);
	if (!strstr(err, why))
		fail_msg("error '%s' does not say '%s'", err, why);
}

/* Linux's per-CPU section is linked at 0: loaded at p_paddr all the same. */
static void test_zero_based_segment(void **state)
{
	(void)state;
	kern.ph[1].p_vaddr = 0;
	assert_int_equal(boot_setup(&mem, &params, &out, err, sizeof(err)), 0);
	assert_int_equal(mem.base[KBASE + TEXT_SIZE], 0xdd);
	assert_int_equal(mem.base[KBASE + TEXT_SIZE + DATA_MEM - 1], 0);
}

static void test_refused(void **state)
{
	static char longline[PV_BOOT_CMDLINE_SIZE + 1];
	static unsigned char big[64 * MIB];

	(void)state;
	kern.ph[1].p_filesz = DATA_MEM + 1;
	expect_refused("segment 1: outside the file");
	make_kernel();
	kern.ph[0].p_offset = sizeof(kern) - 16;
	expect_refused("segment 0: outside the file");
	make_kernel();
	kern.ph[0].p_vaddr += 4096;
	expect_refused("is not 0xffffffff80000000 + p_paddr");
	make_kernel();
	kern.ph[1].p_paddr = 63 * MIB;
	kern.ph[1].p_vaddr = PV_KERNEL_MAP_BASE + 63 * MIB;
	kern.ph[1].p_memsz = 2 * MIB;
	expect_refused("kernel needs 65 MiB of memory");
	make_kernel();
	kern.ph[1].p_paddr = PV_KERNEL_MAP_SIZE - 4096;
	kern.ph[1].p_vaddr = PV_KERNEL_MAP_BASE + kern.ph[1].p_paddr;
	expect_refused("not in the first 1024 MiB");
	make_kernel();
	kern.ph[1].p_memsz = ~0ULL;
	expect_refused("segment 1");
	make_kernel();
	kern.ph[0].p_type = PT_NULL;
	kern.ph[1].p_type = PT_NULL;
	expect_refused("no loadable segment");
	make_kernel();
	img.entry = PV_KERNEL_MAP_BASE;
	expect_refused("entry point 0xffffffff80000000 is outside the kernel");
	make_kernel();
	memset(longline, 'x', PV_BOOT_CMDLINE_SIZE);
	params.cmdline = longline;
	expect_refused("command line longer than 2047 bytes");
	params.cmdline = "";
	params.initrd = big;
	params.initrd_len = sizeof(big);
	expect_refused("guest memory too small");
	params.initrd_len = sizeof(big) + 1;
	expect_refused("initrd larger than guest memory");
	params.initrd_len = 0;
	mem.size = 3 * MIB;
	expect_refused("multiple of 2 MiB");
	mem.size = 64 * MIB;
	assert_int_equal(boot_setup(&mem, &params, &out, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_initrd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_based_segment, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("pvrun boot layout", tests, NULL, NULL);
}
