// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pvrun's kernel image checks (tools/pvrun/image.c).
 * Built with ASan and UBSan: a read out of bounds fails the test.
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

#include "../../tools/pvrun/image.h"

/* A minimal pv kernel image: header, one PT_LOAD, one PT_NOTE. */
struct fake_image {
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];
	Elf64_Nhdr other_nh;		/* an unrelated note first */
	char other_name[8];
	uint32_t other_desc;
	Elf64_Nhdr nh;
	char name[4];			/* "pv\0" padded to 4 */
	uint32_t abi;
	Elf64_Nhdr entry_nh;		/* the optional entry note */
	char entry_name[4];
	uint64_t entry;
} __attribute__((packed));

static void make_image(struct fake_image *f)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->eh.e_ident, ELFMAG, SELFMAG);
	f->eh.e_ident[EI_CLASS] = ELFCLASS64;
	f->eh.e_ident[EI_DATA] = ELFDATA2LSB;
	f->eh.e_ident[EI_VERSION] = EV_CURRENT;
	f->eh.e_type = ET_EXEC;
	f->eh.e_machine = EM_X86_64;
	f->eh.e_entry = 0xffffffff81000000ULL;
	f->eh.e_phoff = offsetof(struct fake_image, ph);
	f->eh.e_phentsize = sizeof(Elf64_Phdr);
	f->eh.e_phnum = 2;
	f->ph[0].p_type = PT_LOAD;
	f->ph[1].p_type = PT_NOTE;
	f->ph[1].p_offset = offsetof(struct fake_image, other_nh);
	f->ph[1].p_filesz = sizeof(*f) - offsetof(struct fake_image, other_nh);
	f->other_nh.n_namesz = 6;	/* "Linux\0" */
	f->other_nh.n_descsz = 4;
	f->other_nh.n_type = 1;
	memcpy(f->other_name, "Linux", 6);
	f->nh.n_namesz = 3;
	f->nh.n_descsz = 4;
	f->nh.n_type = PV_ELFNOTE_ABI_VERSION;
	memcpy(f->name, PV_ELFNOTE_NAME, 3);
	f->abi = PV_ABI_VERSION;
	f->entry_nh.n_namesz = 3;
	f->entry_nh.n_descsz = 8;
	f->entry_nh.n_type = PV_ELFNOTE_ENTRY;
	memcpy(f->entry_name, PV_ELFNOTE_NAME, 3);
	f->entry = 0xffffffff81000040ULL;
}

static char err[160];
static struct pv_image img;

/* Check a copy of exactly @len bytes, so ASan sees the real end. */
static int check(const void *buf, size_t len)
{
	void *copy = malloc(len ? len : 1);
	int ret;

	memcpy(copy, buf, len);
	err[0] = 0;
	ret = pv_image_check(copy, len, &img, err, sizeof(err));
	free(copy);
	return ret;
}

static void test_valid(void **state)
{
	struct fake_image f;

	(void)state;
	make_image(&f);
	assert_int_equal(check(&f, sizeof(f)), 0);
	assert_int_equal(img.abi_version, PV_ABI_VERSION);
	assert_true(img.entry == 0xffffffff81000040ULL);
}

/* Without the entry note the ELF entry point is the entry. */
static void test_entry_default(void **state)
{
	struct fake_image f;

	(void)state;
	make_image(&f);
	f.entry_nh.n_type = 99;		/* an unknown pv note is skipped */
	assert_int_equal(check(&f, sizeof(f)), 0);
	assert_true(img.entry == 0xffffffff81000000ULL);

	make_image(&f);
	f.entry_nh.n_descsz = 4;
	f.ph[1].p_filesz -= 4;
	assert_int_equal(check(&f, sizeof(f) - 4), -1);
	assert_string_equal(err, "malformed ELF note");
}

static void test_not_elf(void **state)
{
	(void)state;
	assert_int_equal(check("", 0), -1);
	assert_string_equal(err, "not an ELF file");
	assert_int_equal(check("#!/bin/sh\necho hi\n", 18), -1);
	assert_string_equal(err, "not an ELF file");
}

static void test_truncated(void **state)
{
	struct fake_image f;
	size_t len;

	(void)state;
	make_image(&f);
	/* Every prefix of a valid image must be refused, never overrun. */
	for (len = 0; len < sizeof(f); len++)
		assert_int_equal(check(&f, len), -1);
}

static void test_wrong_kind(void **state)
{
	struct fake_image f;

	(void)state;
	make_image(&f);
	f.eh.e_ident[EI_CLASS] = ELFCLASS32;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "not an x86-64 ELF64 file");

	make_image(&f);
	f.eh.e_machine = EM_AARCH64;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "not an x86-64 ELF64 file");

	make_image(&f);
	f.eh.e_type = ET_DYN;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "not an ELF executable (a kernel is ET_EXEC)");
}

static void test_bad_phdrs(void **state)
{
	struct fake_image f;

	(void)state;
	make_image(&f);
	f.eh.e_phoff = ~0ULL - 8;	/* would wrap around */
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "bad ELF program headers");

	make_image(&f);
	f.eh.e_phnum = 0xffff;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "bad ELF program headers");

	make_image(&f);
	f.eh.e_phentsize = 12;
	assert_int_equal(check(&f, sizeof(f)), -1);

	make_image(&f);
	f.ph[1].p_offset = sizeof(f) - 4;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "ELF note segment outside the file");

	make_image(&f);
	f.ph[1].p_filesz = ~0ULL;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "ELF note segment outside the file");
}

static void test_notes(void **state)
{
	struct fake_image f;

	(void)state;
	make_image(&f);
	f.ph[1].p_type = PT_NULL;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "not a pv kernel (no \"pv\" ABI note)");

	make_image(&f);
	f.name[1] = 'x';
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "not a pv kernel (no \"pv\" ABI note)");

	make_image(&f);
	f.other_nh.n_namesz = 0xfffffff0;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "malformed ELF note");

	make_image(&f);
	f.other_nh.n_descsz = 0xfffffff0;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "malformed ELF note");

	make_image(&f);
	f.nh.n_descsz = 8;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_string_equal(err, "malformed ELF note");

	make_image(&f);
	f.abi = PV_ABI_VERSION + 1;
	assert_int_equal(check(&f, sizeof(f)), -1);
	assert_true(strstr(err, "this pvrun speaks ABI") != NULL);
}

/* Random byte flips of a valid image: refused or accepted, never a crash. */
static void test_mutations(void **state)
{
	struct fake_image f;
	unsigned int i, seed = 1;

	(void)state;
	for (i = 0; i < 200000; i++) {
		unsigned char *b = (unsigned char *)&f;
		int flips = 1 + rand_r(&seed) % 4;

		make_image(&f);
		while (flips--)
			b[rand_r(&seed) % sizeof(f)] = rand_r(&seed);
		check(&f, rand_r(&seed) % 8 ? sizeof(f) : rand_r(&seed) % sizeof(f));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_entry_default),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_kind),
		cmocka_unit_test(test_bad_phdrs),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests_name("pvrun image", tests, NULL, NULL);
}
