// SPDX-License-Identifier: GPL-2.0
/*
 * Guest memory is the launcher's, unpinned (drivers/pv/memory.c): what
 * the host's mm does to it under a running guest, the guest sees at once,
 * and what the guest writes lands in the launcher's memory as it is now.
 * A launcher runs a few bytes of guest code of its own:
 *
 *  - dontneed: MADV_DONTNEED of a page the guest has mapped; the guest
 *    then reads zeros, and its write lands in the launcher's new page.
 *  - replace: a shmem page mapped over it (MAP_FIXED); the guest reads
 *    and writes the new page.
 *  - file: guest memory is a private mapping of a file; the guest reads
 *    the file, its writes stay private, MADV_DONTNEED brings the file's
 *    contents back, and MADV_PAGEOUT can reclaim the page cache the guest
 *    runs from (nothing holds it) and the guest runs on after.
 *  - swap: where vm-memory.t could turn swap on, MADV_PAGEOUT swaps out
 *    a page the guest wrote; the guest reads it back from swap.
 *  - unmapped: the launcher unmaps or write-protects memory the guest
 *    uses: the vCPU stops with an internal error, nothing else happens.
 *  - frame: an event frame the host writes with IRQs off, just before an
 *    entry (a #GP for a RIP past the lower half), onto a stack page the
 *    launcher has dropped: the host faults it in and delivers.
 *  - shared: the vCPU's shared page, which the host pins, follows the
 *    launcher's mapping when that changes.
 *  - ksm: two VMs' identical pages merge while both guests have them
 *    mapped; a guest's write then gets its own copy again.
 *  - storm: one thread keeps dropping a page the guest keeps writing and
 *    reading back, from another thread, for seconds: the guest only ever
 *    reads what it wrote or zeros, and once the storm ends its writes are
 *    in the launcher's page (no stale mapping survived).
 *
 * Prints one line per check; exits non-zero if any failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <pv/abi.h>
#include <pv/pvhost.h>

#define MIB		(1024UL * 1024)
#define MEM_SIZE	(4 * MIB)
#define TOP_PAGE	0x7ffffffff000UL
#define CODE_GPA	0x9000UL
#define SHARED_GPA	0xa000UL
#define DATA_GPA	0x100000UL	/* and VA: 64 pages, mapped 1:1 */
#define DATA_PAGES	64

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT	21
#endif

static int failed;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	fflush(stdout);
	failed |= !ok;
}

/*
 * step: read the data word at %rbx into %r8, exit; write %rdx there,
 * exit; again.  (Exits are 0-byte console writes; SYSCALL takes %rcx.)
 */
static const unsigned char step_code[] = {
	0x4c, 0x8b, 0x03,		/* mov (%rbx), %r8 */
	0x31, 0xc0,			/* xor %eax, %eax: CONSOLE_WRITE */
	0x31, 0xf6,			/* xor %esi, %esi: 0 bytes */
	0x31, 0xff,			/* xor %edi, %edi */
	0x0f, 0x05,			/* syscall */
	0x48, 0x89, 0x13,		/* mov %rdx, (%rbx) */
	0x31, 0xc0,			/* xor %eax, %eax */
	0x0f, 0x05,			/* syscall */
	0xeb, 0xec,			/* jmp 0 */
};

/*
 * storm: write ++%r9 at %rbx and read it back into %r8; exit only when
 * what came back is neither that nor 0 (a dropped page).
 */
static const unsigned char storm_code[] = {
	0x49, 0xff, 0xc1,		/* 0: inc %r9 */
	0x4c, 0x89, 0x0b,		/* mov %r9, (%rbx) */
	0x4c, 0x8b, 0x03,		/* mov (%rbx), %r8 */
	0x4d, 0x39, 0xc1,		/* cmp %r8, %r9 */
	0x74, 0xf2,			/* je 0 */
	0x4d, 0x85, 0xc0,		/* test %r8, %r8 */
	0x74, 0xed,			/* je 0 */
	0x31, 0xc0,			/* xor %eax, %eax */
	0x31, 0xf6,			/* xor %esi, %esi */
	0x31, 0xff,			/* xor %edi, %edi */
	0x0f, 0x05,			/* syscall */
	0xeb, 0xe3,			/* jmp 0 */
};

struct vm {
	int vm, vcpu;
	unsigned char *mem;
	struct pv_run *run;
};

static uint64_t *word(unsigned char *mem, unsigned long gpa)
{
	return (uint64_t *)(mem + gpa);
}

/*
 * Page tables at 0x1000..0x8000: the data pages at their own addresses
 * (supervisor, writable), the code page at the lower half's last page.
 */
static void build_image(unsigned char *mem, const unsigned char *code,
			size_t len)
{
	unsigned int i;

	*word(mem, 0x1000) = 0x2000 | 7;
	*word(mem, 0x2000) = 0x3000 | 7;
	*word(mem, 0x3000) = 0x4000 | 7;
	for (i = 0; i < DATA_PAGES; i++)
		word(mem, 0x4000)[(DATA_GPA >> 12) + i] = (DATA_GPA + i * 4096) | 3;
	word(mem, 0x1000)[255] = 0x6000 | 7;
	word(mem, 0x6000)[511] = 0x7000 | 7;
	word(mem, 0x7000)[511] = 0x8000 | 7;
	word(mem, 0x8000)[511] = CODE_GPA | 3;
	memset(mem + CODE_GPA, 0xcc, 4096);	/* int3 */
	memcpy(mem + CODE_GPA, code, len);
}

/* A VM on @mem (MEM_SIZE, already holding its image), running at rip 0. */
static int vm_open(struct vm *v, int sys, unsigned char *mem, unsigned long data_va)
{
	struct pv_memory_slot s = { .memory_size = MEM_SIZE,
				    .userspace_addr = (unsigned long)mem };
	struct pv_sregs sr = { .cr3 = 0x1000 };
	struct pv_regs r = { .rip = TOP_PAGE, .rsp = TOP_PAGE + 2048,
			     .rbx = data_va };

	v->mem = mem;
	v->vm = ioctl(sys, PV_CREATE_VM, 0);
	if (v->vm < 0 || ioctl(v->vm, PV_SET_MEMORY_SLOT, &s))
		return -1;
	v->vcpu = ioctl(v->vm, PV_CREATE_VCPU, 0);
	if (v->vcpu < 0 || ioctl(v->vcpu, PV_SET_SREGS, &sr) ||
	    ioctl(v->vcpu, PV_SET_REGS, &r))
		return -1;
	v->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	return v->run == MAP_FAILED ? -1 : 0;
}

static void vm_close(struct vm *v)
{
	munmap(v->run, 4096);
	close(v->vcpu);
	close(v->vm);
}

static unsigned char *anon_mem(void)
{
	unsigned char *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return mem == MAP_FAILED ? NULL : mem;
}

/* Run to the next exit; 0 when it is the guest's (console) exit. */
static int run_exit(struct vm *v)
{
	if (ioctl(v->vcpu, PV_RUN, 0))
		return -1;
	return v->run->exit_reason == PV_EXIT_CONSOLE ? 0 : -1;
}

/* step: the guest reads its data word; return it (~0 on a failure). */
static uint64_t guest_read(struct vm *v)
{
	struct pv_regs r;

	if (run_exit(v) || ioctl(v->vcpu, PV_GET_REGS, &r))
		return ~0ULL;
	return r.r8;
}

/* step, after guest_read(): the guest writes @value. */
static int guest_write(struct vm *v, uint64_t value)
{
	struct pv_regs r;

	if (ioctl(v->vcpu, PV_GET_REGS, &r))
		return -1;
	r.rdx = value;
	if (ioctl(v->vcpu, PV_SET_REGS, &r))
		return -1;
	return run_exit(v);
}

static void test_dontneed(int sys)
{
	unsigned char *mem = anon_mem();
	uint64_t *data;
	struct vm v;

	if (!mem || (build_image(mem, step_code, sizeof(step_code)),
		     vm_open(&v, sys, mem, DATA_GPA))) {
		expect(0, "dontneed: a VM");
		return;
	}
	data = word(mem, DATA_GPA);
	*data = 0x1111;
	expect(guest_read(&v) == 0x1111, "dontneed: the guest reads the launcher's word");
	expect(guest_write(&v, 0x2222) == 0 && *data == 0x2222,
	       "dontneed: and the launcher reads the guest's");
	expect(madvise(data, 4096, MADV_DONTNEED) == 0 && *data == 0,
	       "dontneed: MADV_DONTNEED of the page the guest has mapped");
	expect(guest_read(&v) == 0, "dontneed: the guest reads 0 after it");
	expect(guest_write(&v, 0x3333) == 0 && *data == 0x3333,
	       "dontneed: the guest's write lands in the launcher's new page");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
}

static void test_replace(int sys)
{
	unsigned char *mem = anon_mem(), *page;
	int fd = memfd_create("vm_memory", 0);
	uint64_t value = 0x4444, back = 0;
	struct vm v;

	if (!mem || fd < 0 || ftruncate(fd, 4096) ||
	    (build_image(mem, step_code, sizeof(step_code)),
	     vm_open(&v, sys, mem, DATA_GPA))) {
		expect(0, "replace: a VM and a memfd");
		return;
	}
	*word(mem, DATA_GPA) = 0x1111;
	expect(guest_read(&v) == 0x1111 && guest_write(&v, 0x1111) == 0,
	       "replace: the guest reads and writes its page");
	expect(pwrite(fd, &value, 8, 0) == 8, "replace: the memfd holds 0x4444");
	page = mmap(mem + DATA_GPA, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_FIXED, fd, 0);
	expect(page == mem + DATA_GPA, "replace: the memfd mapped over the page (MAP_FIXED)");
	expect(guest_read(&v) == 0x4444, "replace: the guest reads the memfd's word");
	expect(guest_write(&v, 0x5555) == 0 && pread(fd, &back, 8, 0) == 8 &&
	       back == 0x5555, "replace: the guest's write reaches the memfd");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
	close(fd);
}

/* The launcher's pagemap entry for @p (root sees frames; bit 62: swapped). */
static uint64_t pagemap(void *p)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	uint64_t e = 0;

	if (fd >= 0 && pread(fd, &e, 8, (uintptr_t)p / 4096 * 8) != 8)
		e = 0;
	if (fd >= 0)
		close(fd);
	return e;
}

/* Is the page at @p in memory (mincore())? */
static int resident(void *p)
{
	unsigned char vec = 0;

	return !mincore(p, 4096, &vec) && (vec & 1);
}

/*
 * file: on VM_MEMORY_DIR (vm-memory.t mounts an ext4 there where the host
 * has a block layer), else /tmp, whose tmpfs is shmem: no page cache that
 * reclaim could take without swap, and a shared mapping that may back a
 * slot.
 */
static void test_file(int sys)
{
	const char *dir = getenv("VM_MEMORY_DIR") ? getenv("VM_MEMORY_DIR") : "/tmp";
	unsigned char *image = calloc(1, MEM_SIZE), *mem = MAP_FAILED;
	char path[256];
	uint64_t back = 0;
	struct statfs fs;
	int fd, tmpfs;
	struct vm v;

	snprintf(path, sizeof(path), "%s/vm_memory.XXXXXX", dir);
	fd = mkstemp(path);
	tmpfs = fd < 0 || fstatfs(fd, &fs) || fs.f_type == TMPFS_MAGIC ||
		fs.f_type == RAMFS_MAGIC;
	printf("file: guest memory in %s (%s)\n", path,
	       tmpfs ? "tmpfs: no reclaim without swap" : "a page cache");

	if (fd >= 0 && image) {
		build_image(image, step_code, sizeof(step_code));
		*word(image, DATA_GPA) = 0x5555;
		if (pwrite(fd, image, MEM_SIZE, 0) == (ssize_t)MEM_SIZE && !fsync(fd))
			mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE, fd, 0);
	}
	if (mem == MAP_FAILED || vm_open(&v, sys, mem, DATA_GPA)) {
		expect(0, "file: a VM on a private mapping of a file");
		return;
	}
	expect(guest_read(&v) == 0x5555, "file: the guest reads the file's word");
	expect(guest_write(&v, 0x6666) == 0 && *word(mem, DATA_GPA) == 0x6666,
	       "file: the guest's write is in the launcher's private copy");
	expect(pread(fd, &back, 8, DATA_GPA) == 8 && back == 0x5555,
	       "file: and not in the file");
	expect(madvise(mem + DATA_GPA, 4096, MADV_DONTNEED) == 0 &&
	       *word(mem, DATA_GPA) == 0x5555,
	       "file: MADV_DONTNEED drops the private copy");
	expect(guest_read(&v) == 0x5555, "file: the guest reads the file's word again");
	if (!tmpfs) {
		/* The code page is the file's page cache, which the guest runs from. */
		expect(resident(mem + CODE_GPA), "file: the code page is in memory");
		expect(madvise(mem, MEM_SIZE, MADV_PAGEOUT) == 0,
		       "file: MADV_PAGEOUT of guest memory");
		expect(!resident(mem + CODE_GPA),
		       "file: the code page was reclaimed (the host held no reference)");
	}
	expect(guest_write(&v, 0x7777) == 0 && guest_read(&v) == 0x7777,
	       "file: the guest runs on, its code read back from the file");
	expect(resident(mem + CODE_GPA), "file: the code page is in memory");
	vm_close(&v);
	if (!tmpfs) {
		/* A shared mapping would let the guest write the file unseen. */
		struct pv_memory_slot s = { .memory_size = MEM_SIZE };
		int vm = ioctl(sys, PV_CREATE_VM, 0);
		void *shared = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0);

		s.userspace_addr = (unsigned long)shared;
		errno = 0;
		expect(vm >= 0 && shared != MAP_FAILED &&
		       ioctl(vm, PV_SET_MEMORY_SLOT, &s) == -1 && errno == EINVAL,
		       "file: a shared mapping of the file cannot back a slot (EINVAL)");
		munmap(shared, MEM_SIZE);
		close(vm);
	}
	munmap(mem, MEM_SIZE);
	close(fd);
	unlink(path);
	free(image);
}

static void test_swap(int sys)
{
	unsigned char *mem = anon_mem();
	uint64_t *data;
	struct vm v;

	if (!getenv("VM_MEMORY_SWAP")) {
		printf("swap: no swap in this host (no block layer)\n");
		return;
	}
	if (!mem || (build_image(mem, step_code, sizeof(step_code)),
		     vm_open(&v, sys, mem, DATA_GPA))) {
		expect(0, "swap: a VM");
		return;
	}
	data = word(mem, DATA_GPA);
	expect(guest_read(&v) == 0 && guest_write(&v, 0x8888) == 0 && *data == 0x8888,
	       "swap: the guest writes its page");
	expect(madvise(data, 4096, MADV_PAGEOUT) == 0 && (pagemap(data) & 1ULL << 62),
	       "swap: MADV_PAGEOUT swapped it out (the host held no reference)");
	expect(guest_read(&v) == 0x8888, "swap: the guest reads it back from swap");
	expect(guest_write(&v, 0x9999) == 0 && *data == 0x9999,
	       "swap: and writes it again");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
}

/*
 * frame: register the event entry (the code page), then an MMIO load in
 * the lower half's last two bytes; its completion takes RIP to
 * 0x800000000000, whose #GP the host delivers right before the next
 * entry, IRQs off.  The entry (at +256) exits.
 */
#define MMIO_VA		0x1000UL
#define MMIO_GPA	0x10000000UL
static const unsigned char frame_code[] = {
	0xb8, 0x0c, 0, 0, 0,		/* mov $PV_HC_WRMSR, %eax */
	0xbf, 0xd4, 0x01, 0, 0,		/* mov $MSR_IA32_FRED_CONFIG, %edi */
	0x48, 0xbe, 0x00, 0xf0, 0xff, 0xff, 0xff, 0x7f, 0, 0,
					/* movabs $TOP_PAGE, %rsi */
	0x0f, 0x05,			/* syscall */
	0xb8, 0x00, 0x10, 0, 0,		/* mov $MMIO_VA, %eax */
	0xe9, 0xde, 0x0f, 0, 0,		/* jmp 4094 */
};

static void test_frame(int sys)
{
	static const unsigned char entry[] = {
		0x31, 0xc0, 0x31, 0xf6, 0x31, 0xff, 0x0f, 0x05,	/* exit */
	};
	unsigned char *mem = anon_mem();
	struct pv_regs r;
	unsigned int i;
	struct vm v;
	int found = 0;

	if (!mem) {
		expect(0, "frame: guest memory");
		return;
	}
	build_image(mem, frame_code, sizeof(frame_code));
	memcpy(mem + CODE_GPA + 256, entry, sizeof(entry));
	mem[CODE_GPA + 4094] = 0x8b;		/* mov (%rax), %ebx */
	mem[CODE_GPA + 4095] = 0x18;
	word(mem, 0x4000)[MMIO_VA >> 12] = MMIO_GPA | 3;
	if (vm_open(&v, sys, mem, 0) ||
	    ioctl(v.vcpu, PV_GET_REGS, &r)) {
		expect(0, "frame: a VM");
		return;
	}
	r.rsp = DATA_GPA + 2048;	/* the stack: a data page */
	i = ioctl(v.vcpu, PV_SET_REGS, &r) == 0 && ioctl(v.vcpu, PV_RUN, 0) == 0;
	expect(i && v.run->exit_reason == PV_EXIT_MMIO && v.run->mmio.phys_addr == MMIO_GPA,
	       "frame: the guest registers its entry and loads from MMIO");
	/* The stack page is not there when the host writes the frame. */
	expect(madvise(mem + DATA_GPA, 4096, MADV_DONTNEED) == 0,
	       "frame: the launcher drops the stack page");
	memset(v.run->mmio.data, 0, sizeof(v.run->mmio.data));
	expect(ioctl(v.vcpu, PV_RUN, 0) == 0, "frame: PV_RUN completes the load");
	printf("frame: exit %u%s%s\n", v.run->exit_reason,
	       v.run->exit_reason == PV_EXIT_INTERNAL_ERROR ? ": " : "",
	       v.run->exit_reason == PV_EXIT_INTERNAL_ERROR ? v.run->internal.reason : "");
	expect(v.run->exit_reason == PV_EXIT_CONSOLE && ioctl(v.vcpu, PV_GET_REGS, &r) == 0 &&
	       r.rip == TOP_PAGE + 256 + sizeof(entry),
	       "frame: the #GP reached the guest's entry");
	for (i = 0; i < 512; i++)
		found |= word(mem, DATA_GPA)[i] == 0x800000000000ULL;
	expect(found, "frame: its frame, with RIP 0x800000000000, is on the stack page");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
}

/* The vCPU stopped with an internal error saying @words. */
static int stopped(struct vm *v, const char *words)
{
	return v->run->exit_reason == PV_EXIT_INTERNAL_ERROR &&
	       strstr(v->run->internal.reason, words);
}

static void test_unmapped(int sys)
{
	unsigned char *mem = anon_mem();
	struct vm v;
	int ret;

	if (!mem || (build_image(mem, step_code, sizeof(step_code)),
		     vm_open(&v, sys, mem, DATA_GPA))) {
		expect(0, "unmapped: a VM");
		return;
	}
	*word(mem, DATA_GPA) = 0x1111;
	expect(guest_read(&v) == 0x1111, "unmapped: the guest reads its page");
	expect(mprotect(mem + DATA_GPA, 4096, PROT_READ) == 0,
	       "unmapped: the launcher makes the page read-only");
	ret = guest_write(&v, 0x2222);
	printf("unmapped: exit %u: %s\n", v.run->exit_reason,
	       v.run->exit_reason == PV_EXIT_INTERNAL_ERROR ? v.run->internal.reason : "");
	expect(ret && stopped(&v, "no longer mapped") && *word(mem, DATA_GPA) == 0x1111,
	       "unmapped: the guest's write stops the vCPU, the page unchanged");
	vm_close(&v);

	/* A fresh VM: the page unmapped under a guest that has it mapped. */
	mprotect(mem + DATA_GPA, 4096, PROT_READ | PROT_WRITE);
	if (vm_open(&v, sys, mem, DATA_GPA)) {
		expect(0, "unmapped: a second VM");
		return;
	}
	expect(guest_read(&v) == 0x1111 && guest_write(&v, 0x1111) == 0,
	       "unmapped: the guest reads and writes its page");
	expect(munmap(mem + DATA_GPA, 4096) == 0, "unmapped: the launcher unmaps it");
	ret = run_exit(&v);
	printf("unmapped: exit %u: %s\n", v.run->exit_reason,
	       v.run->exit_reason == PV_EXIT_INTERNAL_ERROR ? v.run->internal.reason : "");
	expect(ret && stopped(&v, "no longer mapped"),
	       "unmapped: the guest's read stops the vCPU");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
}

static void test_shared(int sys)
{
	unsigned char *mem = anon_mem();
	struct pv_sregs sr = { .cr3 = 0x1000, .shared = SHARED_GPA };
	struct pv_vcpu_shared *sh;
	struct vm v;

	if (!mem || (build_image(mem, step_code, sizeof(step_code)),
		     vm_open(&v, sys, mem, DATA_GPA))) {
		expect(0, "shared: a VM");
		return;
	}
	sh = (struct pv_vcpu_shared *)(mem + SHARED_GPA);
	expect(ioctl(v.vcpu, PV_SET_SREGS, &sr) == 0, "shared: a shared page registered");
	/* The host marks the vCPU preempted in its shared page out of PV_RUN. */
	expect(guest_read(&v) == 0 && sh->preempted == 1,
	       "shared: the host writes the launcher's page");
	expect(madvise(sh, 4096, MADV_DONTNEED) == 0 && sh->preempted == 0,
	       "shared: MADV_DONTNEED of the shared page");
	expect(guest_write(&v, 0) == 0 && sh->preempted == 1,
	       "shared: the host writes the launcher's new page (pinned again)");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
}

static long ksm_read(const char *name)
{
	char path[128];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", name);
	f = fopen(path, "r");
	if (f && fscanf(f, "%ld", &n) != 1)
		n = -1;
	if (f)
		fclose(f);
	return n;
}

static int ksm_write(const char *name, const char *value)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/kernel/mm/ksm/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fputs(value, f) >= 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

/* The host frame behind @p, or 0. */
static uint64_t frame_of(void *p)
{
	uint64_t e = pagemap(p);

	return e & (1ULL << 63) ? e & ((1ULL << 55) - 1) : 0;
}

static void test_ksm(int sys)
{
	const unsigned long page5 = DATA_GPA + 5 * 4096;
	const uint64_t pattern = 0xa5a5a5a5a5a5a5a5ULL;
	unsigned char *mem[2] = { anon_mem(), anon_mem() };
	struct vm v[2];
	int i, merged = 0;

	if (ksm_read("run") < 0) {
		expect(0, "ksm: the host kernel has KSM (/sys/kernel/mm/ksm)");
		return;
	}
	for (i = 0; i < 2; i++) {
		if (!mem[i]) {
			expect(0, "ksm: guest memory");
			return;
		}
		build_image(mem[i], step_code, sizeof(step_code));
		memset(mem[i] + DATA_GPA, 0xa5, DATA_PAGES * 4096);
		if (vm_open(&v[i], sys, mem[i], page5)) {
			expect(0, "ksm: two VMs");
			return;
		}
		/* The guest maps page 5 writable (it writes what is there). */
		expect(guest_read(&v[i]) == pattern && guest_write(&v[i], pattern) == 0,
		       "ksm: a guest reads and writes its page");
		expect(madvise(mem[i] + DATA_GPA, DATA_PAGES * 4096, MADV_MERGEABLE) == 0,
		       "ksm: its data pages are mergeable");
	}
	ksm_write("sleep_millisecs", "10");
	ksm_write("pages_to_scan", "2000");
	expect(ksm_write("run", "1") == 0, "ksm: ksmd runs");
	for (i = 0; i < 600 && !merged; i++) {
		usleep(50000);
		merged = frame_of(mem[0] + page5) &&
			 frame_of(mem[0] + page5) == frame_of(mem[1] + page5);
	}
	printf("ksm: pages_sharing %ld after %d ms\n", ksm_read("pages_sharing"), i * 50);
	expect(merged, "ksm: both guests' page 5 became one host page");
	expect(guest_read(&v[0]) == pattern && guest_read(&v[1]) == pattern,
	       "ksm: both guests read it");
	expect(guest_write(&v[0], 0x1234) == 0 && *word(mem[0], page5) == 0x1234 &&
	       *word(mem[1], page5) == pattern,
	       "ksm: one guest's write is its own (copy-on-write)");
	expect(guest_write(&v[1], pattern) == 0 && guest_read(&v[1]) == pattern &&
	       guest_read(&v[0]) == 0x1234, "ksm: each guest reads its own page");
	ksm_write("run", "2");		/* unmerge everything, under the guests */
	expect(guest_write(&v[0], 0x1234) == 0 && guest_read(&v[0]) == 0x1234 &&
	       guest_write(&v[1], pattern) == 0 && guest_read(&v[1]) == pattern,
	       "ksm: unmerged, each guest still reads its own page");
	ksm_write("run", "0");
	for (i = 0; i < 2; i++) {
		vm_close(&v[i]);
		munmap(mem[i], MEM_SIZE);
	}
}

struct storm {
	struct vm *v;
	volatile int stop, done;
	long runs, mismatches;
	uint64_t bad_r8, bad_r9;
};

static void on_signal(int sig)
{
	(void)sig;
}

/* The vCPU thread: PV_RUN until told to stop (a signal ends each run). */
static void *storm_vcpu(void *arg)
{
	struct storm *st = arg;
	struct pv_regs r;

	while (!st->stop) {
		st->runs++;
		if (ioctl(st->v->vcpu, PV_RUN, 0)) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (st->v->run->exit_reason != PV_EXIT_CONSOLE)
			break;
		if (!ioctl(st->v->vcpu, PV_GET_REGS, &r)) {
			st->bad_r8 = r.r8;
			st->bad_r9 = r.r9;
		}
		st->mismatches++;
	}
	st->done = 1;
	return NULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_storm(int sys)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned char *mem = anon_mem();
	struct storm st = { 0 };
	long drops = 0, replaces = 0;
	uint64_t last, *data;
	struct pv_regs r;
	pthread_t t;
	double end;
	struct vm v;

	if (!mem || (build_image(mem, storm_code, sizeof(storm_code)),
		     vm_open(&v, sys, mem, DATA_GPA))) {
		expect(0, "storm: a VM");
		return;
	}
	data = word(mem, DATA_GPA);
	sigaction(SIGUSR1, &sa, NULL);
	st.v = &v;
	pthread_create(&t, NULL, storm_vcpu, &st);
	for (end = now() + 3; now() < end;) {
		if (madvise(data, 4096, MADV_DONTNEED) == 0)
			drops++;
		/* Now and then a new page altogether, not a zapped one. */
		if (!(drops & 15) &&
		    mmap(data, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == data)
			replaces++;
		usleep(drops & 1 ? 0 : 100);
	}
	/* The storm is over: the guest writes on a while, then stops. */
	usleep(300000);
	st.stop = 1;
	while (!st.done) {
		pthread_kill(t, SIGUSR1);
		usleep(10000);
	}
	pthread_join(t, NULL);
	last = *data;
	expect(ioctl(v.vcpu, PV_GET_REGS, &r) == 0, "storm: the guest's registers");
	printf("storm: %ld drops, %ld new pages, %ld runs; the guest wrote %llu, the page holds %llu\n",
	       drops, replaces, st.runs, (unsigned long long)r.r9,
	       (unsigned long long)last);
	if (st.mismatches)
		printf("storm: the guest read %llu after writing %llu\n",
		       (unsigned long long)st.bad_r8, (unsigned long long)st.bad_r9);
	expect(drops > 20, "storm: the page was dropped many times");
	expect(st.mismatches == 0, "storm: the guest only read what it wrote, or 0");
	expect(r.r9 > 1000 && (last == r.r9 || last == r.r9 - 1),
	       "storm: the guest's last write is in the launcher's page");
	vm_close(&v);
	munmap(mem, MEM_SIZE);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		void (*run)(int sys);
	} tests[] = {
		{ "dontneed", test_dontneed }, { "replace", test_replace },
		{ "file", test_file }, { "swap", test_swap },
		{ "unmapped", test_unmapped },
		{ "frame", test_frame }, { "shared", test_shared },
		{ "ksm", test_ksm },
		{ "storm", test_storm },
	};
	int sys = open("/dev/pvhost", O_RDWR);
	unsigned int i;

	expect(sys >= 0, "open /dev/pvhost");
	if (sys < 0)
		return 1;
	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		if (argc < 2 || !strcmp(argv[1], tests[i].name))
			tests[i].run(sys);
	close(sys);
	return failed;
}
