// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: recognising a pv kernel image.
 *
 * The file comes from the user and may be anything: every header field is
 * checked before it is used, and every offset against the file's length.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include <pv/abi.h>

#include "image.h"
#include "error.h"

/* Does [off, off + size) lie inside a buffer of @len bytes? */
static int in_bounds(uint64_t off, uint64_t size, size_t len)
{
	return off <= len && size <= len - off;
}

static size_t align4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

/*
 * Walk the notes in one PT_NOTE segment and record the pv ones in @img.
 * Returns -1 on a malformed note, else 0.
 */
static int read_pv_notes(const unsigned char *seg, size_t size,
			 struct pv_image *img, int *have_abi, int *have_entry)
{
	const size_t namesz_pv = sizeof(PV_ELFNOTE_NAME);
	size_t pos = 0;

	while (size - pos >= sizeof(Elf64_Nhdr)) {
		Elf64_Nhdr nh;
		size_t name, desc;

		memcpy(&nh, seg + pos, sizeof(nh));
		name = pos + sizeof(nh);
		if (nh.n_namesz > size - name)
			return -1;
		desc = name + align4(nh.n_namesz);
		if (desc > size || nh.n_descsz > size - desc)
			return -1;
		if (nh.n_namesz == namesz_pv &&
		    !memcmp(seg + name, PV_ELFNOTE_NAME, namesz_pv)) {
			if (nh.n_type == PV_ELFNOTE_ABI_VERSION) {
				if (nh.n_descsz != sizeof(img->abi_version))
					return -1;
				memcpy(&img->abi_version, seg + desc,
				       sizeof(img->abi_version));
				*have_abi = 1;
			} else if (nh.n_type == PV_ELFNOTE_ENTRY) {
				if (nh.n_descsz != sizeof(img->entry))
					return -1;
				memcpy(&img->entry, seg + desc, sizeof(img->entry));
				*have_entry = 1;
			}
		}
		pos = desc + align4(nh.n_descsz);
		if (pos > size)
			break;
	}
	return 0;
}

int pv_image_check(const void *buf, size_t len, struct pv_image *img,
		   char *err, size_t errlen)
{
	const unsigned char *p = buf;
	int have_abi = 0, have_entry = 0;
	Elf64_Ehdr eh;
	unsigned int i;

	if (len < EI_NIDENT || memcmp(p, ELFMAG, SELFMAG))
		return fail(err, errlen, "not an ELF file");
	if (len < sizeof(eh))
		return fail(err, errlen, "truncated ELF header");
	memcpy(&eh, p, sizeof(eh));
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_machine != EM_X86_64)
		return fail(err, errlen, "not an x86-64 ELF64 file");
	if (eh.e_type != ET_EXEC)
		return fail(err, errlen, "not an ELF executable (a kernel is ET_EXEC)");
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    !in_bounds(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), len))
		return fail(err, errlen, "bad ELF program headers");

	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, p + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_NOTE)
			continue;
		if (!in_bounds(ph.p_offset, ph.p_filesz, len))
			return fail(err, errlen, "ELF note segment outside the file");
		if (read_pv_notes(p + ph.p_offset, ph.p_filesz, img,
				  &have_abi, &have_entry))
			return fail(err, errlen, "malformed ELF note");
	}
	if (!have_abi)
		return fail(err, errlen, "not a pv kernel (no \"%s\" ABI note)",
			    PV_ELFNOTE_NAME);
	if (img->abi_version != PV_ABI_VERSION)
		return fail(err, errlen,
			    "built for pv ABI %u, this pvrun speaks ABI %u",
			    img->abi_version, PV_ABI_VERSION);
	if (!have_entry)
		img->entry = eh.e_entry;
	return 0;
}
