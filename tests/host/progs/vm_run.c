// SPDX-License-Identifier: GPL-2.0
/*
 * A launcher runs guest code of its own (a few bytes in guest memory, its
 * own page tables) to check what the host does with state the launcher
 * can steer:
 *
 *  - mmio-top: an MMIO load in the last two bytes of the lower half; its
 *    completion at the next PV_RUN steps RIP to 0x800000000000, which is
 *    not canonical.  The vCPU must stop cleanly (a #GP the guest, with no
 *    event entry registered, cannot take), and the host live on.  Before
 *    pvhost checked RIP before each entry, the host CPU hung.
 *  - ds-es: the guest loads DS and ES; the launcher's own DS and ES must
 *    not change across PV_RUN, and the guest's must survive the
 *    launcher's.  Before pvhost saved them, the guest's leaked into the
 *    launcher.
 *
 * Prints one line per check; exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <pv/abi.h>
#include <pv/pvhost.h>

#define MIB		(1024UL * 1024)
#define TOP_PAGE	0x7ffffffff000UL
#define MMIO_VA		0x1000UL
#define MMIO_GPA	0x10000000UL
#define CODE_GPA	0x9000UL
#define USER_DS		0x2b

static int failed;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	failed |= !ok;
}

struct vm {
	int vm, vcpu;
	unsigned char *mem;
	struct pv_run *run;
};

static unsigned long *table(struct vm *v, unsigned long gpa)
{
	return (unsigned long *)(v->mem + gpa);
}

/*
 * 4 MiB of guest memory; page tables at 0x1000..0x8000 mapping the lower
 * half's last page to CODE_GPA and MMIO_VA to MMIO_GPA (not RAM).
 */
static int vm_setup(struct vm *v, int sys)
{
	struct pv_memory_slot s = { .memory_size = 4 * MIB };
	struct pv_sregs sr = { .cr3 = 0x1000 };

	v->vm = ioctl(sys, PV_CREATE_VM, 0);
	v->mem = mmap(NULL, 4 * MIB, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (v->vm < 0 || v->mem == MAP_FAILED)
		return -1;
	s.userspace_addr = (unsigned long)v->mem;
	table(v, 0x1000)[0] = 0x2000 | 7;
	table(v, 0x2000)[0] = 0x3000 | 7;
	table(v, 0x3000)[0] = 0x4000 | 7;
	table(v, 0x4000)[MMIO_VA >> 12] = MMIO_GPA | 7;
	table(v, 0x1000)[255] = 0x6000 | 7;
	table(v, 0x6000)[511] = 0x7000 | 7;
	table(v, 0x7000)[511] = 0x8000 | 7;
	/* Supervisor-only: the host refuses kernel fetches from user pages. */
	table(v, 0x8000)[511] = CODE_GPA | 3;
	memset(v->mem + CODE_GPA, 0xcc, 4096);	/* int3 */
	if (ioctl(v->vm, PV_SET_MEMORY_SLOT, &s))
		return -1;
	v->vcpu = ioctl(v->vm, PV_CREATE_VCPU, 0);
	if (v->vcpu < 0 || ioctl(v->vcpu, PV_SET_SREGS, &sr))
		return -1;
	v->run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
	return v->run == MAP_FAILED ? -1 : 0;
}

static void vm_close(struct vm *v)
{
	munmap(v->run, 4096);
	close(v->vcpu);
	close(v->vm);
	munmap(v->mem, 4 * MIB);
}

static int set_regs(struct vm *v, unsigned long rip, unsigned long rax)
{
	struct pv_regs r = { .rip = rip, .rax = rax, .rsp = TOP_PAGE + 2048 };

	return ioctl(v->vcpu, PV_SET_REGS, &r);
}

static void test_mmio_top(int sys)
{
	struct vm v;
	int ret;

	if (vm_setup(&v, sys)) {
		expect(0, "mmio-top: a VM with page tables");
		return;
	}
	v.mem[CODE_GPA + 4094] = 0x8b;		/* mov (%rax), %ebx */
	v.mem[CODE_GPA + 4095] = 0x18;
	expect(set_regs(&v, TOP_PAGE + 4094, MMIO_VA) == 0,
	       "mmio-top: PV_SET_REGS at 0x7ffffffffffe");
	ret = ioctl(v.vcpu, PV_RUN, 0);
	expect(ret == 0 && v.run->exit_reason == PV_EXIT_MMIO &&
	       v.run->mmio.phys_addr == MMIO_GPA && !v.run->mmio.is_write,
	       "mmio-top: the load exits as PV_EXIT_MMIO");
	memcpy(v.run->mmio.data, "\x11\x22\x33\x44", 4);
	printf("mmio-top: completing the load (RIP goes to 0x800000000000)\n");
	fflush(stdout);
	ret = ioctl(v.vcpu, PV_RUN, 0);
	printf("mmio-top: PV_RUN %d, exit %u, rip %llx vector %llu: %s\n", ret,
	       v.run->exit_reason, (unsigned long long)v.run->internal.rip,
	       (unsigned long long)v.run->internal.vector,
	       v.run->exit_reason == PV_EXIT_INTERNAL_ERROR ?
	       v.run->internal.reason : "");
	expect(ret == 0 && v.run->exit_reason == PV_EXIT_INTERNAL_ERROR &&
	       v.run->internal.vector == 13 &&
	       v.run->internal.rip == 0x800000000000UL,
	       "mmio-top: a #GP at 0x800000000000 the guest cannot take stops it");
	vm_close(&v);
}

static unsigned short ds(void)
{
	unsigned short sel;

	asm volatile("mov %%ds, %0" : "=r" (sel));
	return sel;
}

static unsigned short es(void)
{
	unsigned short sel;

	asm volatile("mov %%es, %0" : "=r" (sel));
	return sel;
}

static void test_ds_es(int sys)
{
	static const unsigned char code[] = {
		0xb8, USER_DS, 0, 0, 0,		/* mov $USER_DS, %eax */
		0x8e, 0xd8,			/* mov %eax, %ds */
		0x8e, 0xc0,			/* mov %eax, %es */
		0x31, 0xc0,			/* xor %eax, %eax: CONSOLE_WRITE */
		0x31, 0xf6,			/* xor %esi, %esi: 0 bytes */
		0x31, 0xff,			/* xor %edi, %edi */
		0x0f, 0x05,			/* syscall */
		0x8c, 0xdb,			/* mov %ds, %ebx */
		0x8c, 0xc5,			/* mov %es, %ebp */
		0x31, 0xc0,			/* xor %eax, %eax */
		0x0f, 0x05,			/* syscall */
	};
	unsigned short ds0 = ds(), es0 = es();
	struct pv_regs r;
	struct vm v;
	int ret;

	if (vm_setup(&v, sys)) {
		expect(0, "ds-es: a VM with page tables");
		return;
	}
	memcpy(v.mem + CODE_GPA, code, sizeof(code));
	expect(set_regs(&v, TOP_PAGE, 0) == 0, "ds-es: PV_SET_REGS");
	ret = ioctl(v.vcpu, PV_RUN, 0);
	printf("ds-es: launcher ds 0x%x es 0x%x before, 0x%x 0x%x after\n",
	       ds0, es0, ds(), es());
	expect(ret == 0 && v.run->exit_reason == PV_EXIT_CONSOLE,
	       "ds-es: the guest loads DS and ES, then exits");
	expect(ds() == ds0 && es() == es0,
	       "ds-es: the launcher's DS and ES are its own after PV_RUN");
	/* The launcher's own loads must not reach the guest either. */
	asm volatile("mov %0, %%ds; mov %0, %%es" : : "r" (0));
	ret = ioctl(v.vcpu, PV_RUN, 0);
	expect(ret == 0 && v.run->exit_reason == PV_EXIT_CONSOLE &&
	       ioctl(v.vcpu, PV_GET_REGS, &r) == 0, "ds-es: the guest runs on");
	printf("ds-es: the guest read ds 0x%llx es 0x%llx\n",
	       (unsigned long long)r.rbx, (unsigned long long)r.rbp);
	expect(r.rbx == USER_DS && r.rbp == USER_DS,
	       "ds-es: the guest's DS and ES survive the launcher's");
	asm volatile("mov %0, %%ds; mov %0, %%es" : : "r" (ds0));
	vm_close(&v);
}

int main(int argc, char **argv)
{
	int sys = open("/dev/pvhost", O_RDWR);

	expect(sys >= 0, "open /dev/pvhost");
	if (sys < 0)
		return 1;
	if (argc < 2 || !strcmp(argv[1], "ds-es"))
		test_ds_es(sys);
	if (argc < 2 || !strcmp(argv[1], "mmio-top"))
		test_mmio_top(sys);
	close(sys);
	return failed;
}
