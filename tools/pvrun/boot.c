// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: the guest's memory at boot.
 *
 *   0 .. kernel start          RAM
 *   kernel start .. end        the PT_LOAD segments (PV_MEM_KERNEL)
 *   next 2 MiB boundary ..     boot info, vCPU 0's shared page, the boot
 *                              page tables, the boot stack (PV_MEM_BOOT_DATA)
 *   ...                        RAM
 *   end of memory - initrd     the initrd, page aligned (PV_MEM_INITRD)
 *
 * The boot page tables map all memory at PV_DIRECT_MAP_BASE and the first
 * PV_KERNEL_MAP_SIZE bytes at PV_KERNEL_MAP_BASE, with 2 MiB pages.
 */
#include <elf.h>
#include <stdio.h>
#include <string.h>

#include <pv/abi.h>

#include "error.h"
#include "boot.h"

#define PAGE_SIZE	4096ULL
#define PMD_SIZE	(2ULL << 20)
#define PUD_SIZE	(1ULL << 30)
#define PGD_SIZE	(1ULL << 39)
#define MAX_MEMORY	PGD_SIZE	/* one PDPT maps the direct map */

#define PTE_PRESENT	0x001ULL
#define PTE_WRITE	0x002ULL
#define PTE_ACCESSED	0x020ULL
#define PTE_DIRTY	0x040ULL
#define PTE_LARGE	0x080ULL
#define PTE_GLOBAL	0x100ULL
#define PTE_TABLE	(PTE_PRESENT | PTE_WRITE | PTE_ACCESSED)
#define PTE_2M		(PTE_PRESENT | PTE_WRITE | PTE_ACCESSED | PTE_DIRTY | \
			 PTE_LARGE | PTE_GLOBAL)

static uint64_t align_up(uint64_t x, uint64_t a)
{
	return (x + a - 1) & ~(a - 1);
}

static unsigned int pt_index(uint64_t va, int level)
{
	return (va >> (12 + 9 * level)) & 511;
}

/* Copy the PT_LOAD segments; report the guest-physical range they cover. */
static int load_segments(struct guest_mem *mem, const struct boot_params *p,
			 uint64_t *start, uint64_t *end, char *err, size_t errlen)
{
	const unsigned char *img = p->image;
	Elf64_Ehdr eh;
	unsigned int i;

	memcpy(&eh, img, sizeof(eh));	/* sizes checked by pv_image_check */
	*start = UINT64_MAX;
	*end = 0;
	for (i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph;

		memcpy(&ph, img + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (ph.p_filesz > ph.p_memsz ||
		    ph.p_offset > p->image_len ||
		    ph.p_filesz > p->image_len - ph.p_offset)
			return fail(err, errlen, "segment %u: outside the file", i);
		if (ph.p_paddr >= PV_KERNEL_MAP_SIZE ||
		    ph.p_memsz > PV_KERNEL_MAP_SIZE - ph.p_paddr)
			return fail(err, errlen,
				    "segment %u: not in the first %llu MiB of guest memory",
				    i, PV_KERNEL_MAP_SIZE >> 20);
		/*
		 * Linked where the kernel map puts it; or at 0, as Linux's
		 * per-CPU section is (reached through the kernel map too).
		 */
		if (ph.p_vaddr != PV_KERNEL_MAP_BASE + ph.p_paddr && ph.p_vaddr)
			return fail(err, errlen,
				    "segment %u: p_vaddr %#llx is not %#llx + p_paddr",
				    i, (unsigned long long)ph.p_vaddr,
				    PV_KERNEL_MAP_BASE);
		if (ph.p_paddr + ph.p_memsz > mem->size)
			return fail(err, errlen,
				    "kernel needs %llu MiB of memory, the guest has %llu",
				    (unsigned long long)(ph.p_paddr + ph.p_memsz) >> 20,
				    (unsigned long long)mem->size >> 20);
		memcpy(mem->base + ph.p_paddr, img + ph.p_offset, ph.p_filesz);
		memset(mem->base + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
		if (ph.p_paddr < *start)
			*start = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > *end)
			*end = ph.p_paddr + ph.p_memsz;
	}
	if (!*end)
		return fail(err, errlen, "no loadable segment");
	return 0;
}

static uint64_t *table(struct guest_mem *mem, uint64_t gpa)
{
	return (uint64_t *)(mem->base + gpa);
}

/*
 * Build the boot page tables at @gpa; returns the bytes used.  Layout:
 * PML4, direct-map PDPT, its PDs (one per GiB), kernel-map PDPT and PD.
 */
static uint64_t build_page_tables(struct guest_mem *mem, uint64_t gpa)
{
	uint64_t pml4 = gpa, pdpt = gpa + PAGE_SIZE, pd = pdpt + PAGE_SIZE;
	uint64_t nr_pd = align_up(mem->size, PUD_SIZE) / PUD_SIZE;
	uint64_t kpdpt = pd + nr_pd * PAGE_SIZE, kpd = kpdpt + PAGE_SIZE;
	uint64_t addr;

	table(mem, pml4)[pt_index(PV_DIRECT_MAP_BASE, 3)] = pdpt | PTE_TABLE;
	for (addr = 0; addr < mem->size; addr += PMD_SIZE) {
		uint64_t this_pd = pd + (addr / PUD_SIZE) * PAGE_SIZE;

		table(mem, pdpt)[addr / PUD_SIZE] = this_pd | PTE_TABLE;
		table(mem, this_pd)[pt_index(addr, 1)] = addr | PTE_2M;
	}

	table(mem, pml4)[pt_index(PV_KERNEL_MAP_BASE, 3)] = kpdpt | PTE_TABLE;
	table(mem, kpdpt)[pt_index(PV_KERNEL_MAP_BASE, 2)] = kpd | PTE_TABLE;
	for (addr = 0; addr < PV_KERNEL_MAP_SIZE && addr < mem->size;
	     addr += PMD_SIZE)
		table(mem, kpd)[pt_index(PV_KERNEL_MAP_BASE + addr, 1)] =
			addr | PTE_2M;
	return kpd + PAGE_SIZE - gpa;
}

static void add_range(struct pv_boot_info *bi, uint64_t start, uint64_t end,
		      uint32_t type)
{
	struct pv_mem_range *r = &bi->mem[bi->nr_mem];

	if (start >= end)
		return;
	r->start = start;
	r->size = end - start;
	r->type = type;
	bi->nr_mem++;
}

int boot_setup(struct guest_mem *mem, const struct boot_params *p,
	       struct boot_layout *out, char *err, size_t errlen)
{
	uint64_t kstart, kend, boot, tables, stack_top, data_end;
	uint64_t initrd = mem->size;
	struct pv_boot_info *bi;

	if (mem->size % PMD_SIZE || !mem->size || mem->size > MAX_MEMORY)
		return fail(err, errlen,
			    "guest memory must be a multiple of 2 MiB, at most %llu GiB",
			    MAX_MEMORY >> 30);
	if (strlen(p->cmdline) >= PV_BOOT_CMDLINE_SIZE)
		return fail(err, errlen, "command line longer than %d bytes",
			    PV_BOOT_CMDLINE_SIZE - 1);
	if (load_segments(mem, p, &kstart, &kend, err, errlen))
		return -1;
	if (p->img->entry < PV_KERNEL_MAP_BASE + kstart ||
	    p->img->entry >= PV_KERNEL_MAP_BASE + kend)
		return fail(err, errlen, "entry point %#llx is outside the kernel",
			    (unsigned long long)p->img->entry);

	/* Boot data: info page, shared page, tables, stack. */
	boot = align_up(kend, PMD_SIZE);
	tables = boot + 2 * PAGE_SIZE;
	data_end = tables + 4 * PAGE_SIZE +
		   align_up(mem->size, PUD_SIZE) / PUD_SIZE * PAGE_SIZE;
	stack_top = data_end + BOOT_STACK_SIZE;
	data_end = stack_top;
	if (p->initrd_len) {
		if (p->initrd_len > mem->size)
			return fail(err, errlen, "initrd larger than guest memory");
		initrd = (mem->size - p->initrd_len) & ~(PAGE_SIZE - 1);
	}
	if (data_end > initrd)
		return fail(err, errlen,
			    "guest memory too small for kernel, boot data and initrd (%llu MiB)",
			    (unsigned long long)mem->size >> 20);
	memset(mem->base + boot, 0, data_end - boot);
	build_page_tables(mem, tables);
	if (p->initrd_len)
		memcpy(mem->base + initrd, p->initrd, p->initrd_len);

	bi = (struct pv_boot_info *)(mem->base + boot);
	bi->magic = PV_BOOT_MAGIC;
	bi->abi_version = PV_ABI_VERSION;
	bi->features = p->features;
	bi->nr_vcpus = p->nr_vcpus;
	add_range(bi, 0, kstart & ~(PAGE_SIZE - 1), PV_MEM_RAM);
	add_range(bi, kstart & ~(PAGE_SIZE - 1), align_up(kend, PAGE_SIZE),
		  PV_MEM_KERNEL);
	add_range(bi, align_up(kend, PAGE_SIZE), boot, PV_MEM_RAM);
	add_range(bi, boot, data_end, PV_MEM_BOOT_DATA);
	add_range(bi, data_end, initrd, PV_MEM_RAM);
	add_range(bi, initrd, mem->size, PV_MEM_INITRD);
	bi->boot_pgd = tables;
	bi->boot_stack_top = PV_DIRECT_MAP_BASE + stack_top;
	bi->vcpu0_shared = boot + PAGE_SIZE;
	bi->initrd_start = p->initrd_len ? initrd : 0;
	bi->initrd_size = p->initrd_len;
	bi->tsc_khz = p->tsc_khz;
	strcpy(bi->cmdline, p->cmdline);

	out->entry = p->img->entry;
	out->stack_top = bi->boot_stack_top;
	out->boot_info = PV_DIRECT_MAP_BASE + boot;
	out->boot_info_gpa = boot;
	out->pgd_gpa = tables;
	out->shared_gpa = bi->vcpu0_shared;
	return 0;
}
