// SPDX-License-Identifier: GPL-2.0
/*
 * pvtest: what userspace expects of a kernel, run inside the pv Linux
 * guest (tests/host/linux-boot.t).  One line per case, "PASS name" or
 * "FAIL name: why"; the exit status is the number of failures.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <asm/ldt.h>
#include <elf.h>
#include <errno.h>
#include <sched.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/auxv.h>
#include <sys/file.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

static void result(const char *name, const char *why)
{
	if (why) {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	} else {
		printf("PASS %s\n", name);
	}
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "pvtest: writing to stdout failed: %s\n", strerror(errno));
		clearerr(stdout);
	}
}

static const char *fork_exec(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return "fork failed";
	if (!pid) {
		execl("/bin/sh", "sh", "-c", "exit 3", (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return "no exit status";
	return WEXITSTATUS(status) == 3 ? NULL : "wrong exit status";
}

static char altstack[65536];
static volatile int on_altstack, handled;

static void usr1_handler(int sig)
{
	char here;

	on_altstack = &here >= altstack && &here < altstack + sizeof(altstack);
	handled = sig;
}

static const char *signals(void)
{
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
	struct sigaction sa = { .sa_handler = usr1_handler, .sa_flags = SA_ONSTACK };
	volatile int after = 0;

	if (sigaltstack(&ss, NULL) || sigaction(SIGUSR1, &sa, NULL))
		return "sigaltstack or sigaction failed";
	raise(SIGUSR1);
	after = 1;		/* sigreturn brought us back here */
	if (handled != SIGUSR1)
		return "handler did not run";
	if (!on_altstack)
		return "handler not on the alternate stack";
	return after ? NULL : "did not return";
}

static const char *pipes(void)
{
	char buf[32] = "";
	int fd[2], status;
	pid_t pid;

	if (pipe(fd))
		return "pipe failed";
	pid = fork();
	if (!pid) {
		close(fd[0]);
		_exit(write(fd[1], "through the pipe", 17) == 17 ? 0 : 1);
	}
	close(fd[1]);
	if (read(fd[0], buf, sizeof(buf)) != 17 || strcmp(buf, "through the pipe"))
		return "wrong data";
	waitpid(pid, &status, 0);
	return WIFEXITED(status) && !WEXITSTATUS(status) ? NULL : "writer failed";
}

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread long tls_value;

static void *thread_main(void *arg)
{
	int i;

	tls_value = (long)arg;
	for (i = 0; i < 100000; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
	}
	return (void *)(intptr_t)(tls_value == (long)arg);
}

static const char *threads(void)
{
	pthread_t t[4];
	void *ok;
	long i;

	tls_value = -1;
	for (i = 0; i < 4; i++)
		if (pthread_create(&t[i], NULL, thread_main, (void *)i))
			return "pthread_create failed";
	for (i = 0; i < 4; i++) {
		pthread_join(t[i], &ok);
		if (!ok)
			return "a thread's TLS changed under it";
	}
	if (tls_value != -1)
		return "the main thread's TLS changed";
	return counter == 400000 ? NULL : "lost increments";
}

static const char *tls_arch_prctl(void)
{
	unsigned long fs = 0;

	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs) || !fs)
		return "ARCH_GET_FS failed";
	/* glibc's thread pointer points at itself. */
	return *(unsigned long *)fs == fs ? NULL : "FS base is not the TCB";
}

static sigjmp_buf segv_jump;
static void *volatile segv_addr;

static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	segv_addr = si->si_addr;
	siglongjmp(segv_jump, 1);
}

/* Does writing (or reading) @p raise SIGSEGV at @p? */
static int faults(volatile char *p, int write)
{
	segv_addr = NULL;
	if (sigsetjmp(segv_jump, 1))
		return segv_addr == p;
	if (write)
		*p = 1;
	else
		(void)*p;
	return 0;
}

static const char *memory_protection(void)
{
	struct sigaction sa = { .sa_sigaction = segv_handler, .sa_flags = SA_SIGINFO };
	char *p;

	sigaction(SIGSEGV, &sa, NULL);
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return "mmap failed";
	p[0] = 42;
	if (mprotect(p, 4096, PROT_READ))
		return "mprotect failed";
	if (!faults(p, 1))
		return "a write to a read-only page did not fault";
	if (faults(p, 0) || p[0] != 42)
		return "a read of a read-only page faulted";
	if (munmap(p, 8192))
		return "munmap failed";
	if (!faults(p + 4096, 0))
		return "a read of an unmapped page did not fault";
	if (!faults((char *)8, 1))
		return "a write to address 8 did not fault";
	return NULL;
}

static const char *copy_on_write(void)
{
	static volatile int shared = 1;
	int status;
	pid_t pid;

	shared = 2;
	pid = fork();
	if (!pid) {
		shared = 3;
		_exit(shared == 3 ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return "the child could not write its copy";
	return shared == 2 ? NULL : "the child's write reached the parent";
}

static const char *proc_and_sys(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		found |= !strncmp(line, "Name:\tpvtest", 12);
	if (f)
		fclose(f);
	if (!found)
		return "/proc/self/status does not name us";
	f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	if (f)
		fclose(f);
	return access("/sys/devices", F_OK) ? "/sys is empty" : NULL;
}

static long ns_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000000000L + b->tv_nsec - a->tv_nsec;
}

static const char *clocks_and_sleep(void)
{
	struct timespec t0, t1, d = { 0, 50000000 };
	long i, ns;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < 100000; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (ns_between(&t0, &t1) < 0)
			return "CLOCK_MONOTONIC went back";
		t0 = t1;
	}
	nanosleep(&d, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ns = ns_between(&t0, &t1);
	printf("  nanosleep(50 ms) took %ld us\n", ns / 1000);
	if (ns < 50000000)
		return "nanosleep returned early";
	/* Generous: the host VM is emulated. */
	return ns < 250000000 ? NULL : "nanosleep overslept by more than 200 ms";
}

/*
 * clock_gettime() through the vDSO, without entering the kernel: a child
 * whose seccomp filter fails the clock_gettime and gettimeofday system
 * calls with EPERM must still read a clock that advances.
 */
static int vdso_clock_child(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_clock_gettime, 1, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_gettimeofday, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };
	struct timespec t0, t1;
	int i;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		return 1;
	/* The filter works: the system call itself is refused. */
	if (syscall(__NR_clock_gettime, CLOCK_MONOTONIC, &t0) != -1 || errno != EPERM)
		return 2;
	if (clock_gettime(CLOCK_MONOTONIC, &t0))
		return 3;
	for (i = 0; i < 1000000; i++) {
		if (clock_gettime(CLOCK_MONOTONIC, &t1))
			return 3;
		if (ns_between(&t0, &t1) > 0)
			return 0;
	}
	return 4;
}

static const char *vdso_clock(void)
{
	static const char *const why[] = {
		NULL, "cannot install a seccomp filter",
		"the seccomp filter did not refuse clock_gettime",
		"clock_gettime entered the kernel (no vDSO clock)",
		"the vDSO clock does not advance",
	};
	int status;
	pid_t pid;

	if (!getauxval(AT_SYSINFO_EHDR))
		return "no vDSO mapped";
	pid = fork();
	if (!pid)
		_exit(vdso_clock_child());
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) > 4)
		return "the child died";
	return why[WEXITSTATUS(status)];
}

static const char *wall_clock(void)
{
	time_t now = time(NULL);

	/* The guest's clock starts from the host's: after 2024 began. */
	return now > 1704067200 ? NULL : "the wall clock is not the host's";
}

static const char *touch_64m(void)
{
	size_t size = 64 << 20, i;
	unsigned long sum = 0;
	char *p = malloc(size);

	if (!p)
		return "malloc failed";
	for (i = 0; i < size; i += 4096)
		p[i] = (char)(i >> 12);
	for (i = 0; i < size; i += 4096)
		sum += (unsigned char)p[i];
	free(p);
	/* 16384 pages, page n holds n & 255: 64 rounds of 0..255. */
	return sum == 64UL * 255 * 256 / 2 ? NULL : "wrong data";
}

static const char *ptrace_single_step(void)
{
	int status, steps = 0;
	pid_t pid = fork();

	if (!pid) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		raise(SIGSTOP);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return "the child did not stop";
	while (steps < 100) {
		if (ptrace(PTRACE_SINGLESTEP, pid, NULL, NULL))
			return "PTRACE_SINGLESTEP failed";
		if (waitpid(pid, &status, 0) != pid)
			return "waitpid failed";
		if (WIFEXITED(status))
			break;
		if (!WIFSTOPPED(status) || WSTOPSIG(status) != SIGTRAP)
			return "a step did not stop with SIGTRAP";
		steps++;
	}
	printf("  %d single steps\n", steps);
	if (!WIFEXITED(status)) {
		ptrace(PTRACE_CONT, pid, NULL, NULL);
		waitpid(pid, &status, 0);
	}
	return steps >= 10 ? NULL : "too few steps";
}

/* --- The CPU the guest's processes see (pv's CPUID, XCR0) */

enum { EAX, EBX, ECX, EDX };

static void cpuid_user(unsigned int leaf, unsigned int sub, unsigned int r[4])
{
	asm volatile("cpuid"
		     : "=a" (r[EAX]), "=b" (r[EBX]), "=c" (r[ECX]), "=d" (r[EDX])
		     : "a" (leaf), "c" (sub));
}

/* Is @word one of the whitespace-separated words of @line? */
static int has_word(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p = line;

	while ((p = strstr(p, word))) {
		if ((p == line || p[-1] == ' ' || p[-1] == '\t') &&
		    (p[n] == ' ' || p[n] == '\n' || p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* The "flags" line of /proc/cpuinfo: the features the kernel uses. */
static int kernel_has_flag(const char *flag)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	int found = 0;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "flags", 5)) {
			found = has_word(line, flag);
			break;
		}
	if (f)
		fclose(f);
	return found;
}

static int cmdline_has(const char *word)
{
	char line[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(line, sizeof(line), f))
			line[0] = 0;
		fclose(f);
	}
	return has_word(line, word);
}

static int kernel_log_has(const char *what)
{
	static char log[1 << 20];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);

	if (n < 0)
		return 0;
	log[n] = 0;
	return strstr(log, what) != NULL;
}

/*
 * User mode sees the CPU its kernel does (pv's CPUID policy), where the
 * host CPU can make CPUID fault: linux-boot.t says so with
 * "pvtest.cpuid_fault" on the command line when the host has it.
 */
static const char *cpuid_model(void)
{
	static const struct {
		unsigned int leaf, reg, bit;
		const char *flag;
	} bits[] = {
		{ 1, ECX, 5, "vmx" }, { 1, ECX, 17, "pcid" },
		{ 1, ECX, 21, "x2apic" }, { 1, ECX, 24, "tsc_deadline_timer" },
		{ 1, ECX, 26, "xsave" }, { 1, ECX, 28, "avx" },
		{ 1, EDX, 9, "apic" }, { 1, EDX, 12, "mtrr" },
		{ 7, EBX, 0, "fsgsbase" }, { 7, EBX, 5, "avx2" },
		{ 7, EBX, 7, "smep" }, { 7, EBX, 10, "invpcid" },
		{ 7, EBX, 16, "avx512f" }, { 7, EBX, 20, "smap" },
		{ 7, ECX, 2, "umip" }, { 7, ECX, 3, "pku" },
		{ 7, ECX, 16, "la57" }, { 7, ECX, 22, "rdpid" },
		{ 0x80000001, EDX, 27, "rdtscp" },
	};
	static char why[128];
	unsigned int r[4], i, hidden = 0;

	if (!kernel_log_has("Hypervisor detected: pv"))
		return "the kernel did not say \"Hypervisor detected: pv\"";
	if (!cmdline_has("pvtest.cpuid_fault")) {
		printf("  no CPUID faulting on this host: not compared\n");
		return NULL;
	}
	cpuid_user(0x40000000, 0, r);
	if (r[EAX] != 0x40000000 || memcmp(&r[EBX], "pvpv", 4) ||
	    memcmp(&r[ECX], "pvpv", 4) || memcmp(&r[EDX], "pvpv", 4)) {
		snprintf(why, sizeof(why), "leaf 0x40000000 is %08x %.4s%.4s%.4s, not pv's",
			 r[EAX], (char *)&r[EBX], (char *)&r[ECX], (char *)&r[EDX]);
		return why;
	}
	for (i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
		cpuid_user(bits[i].leaf, 0, r);
		if (!(r[bits[i].reg] & 1u << bits[i].bit)) {
			hidden++;
			continue;
		}
		if (!kernel_has_flag(bits[i].flag)) {
			snprintf(why, sizeof(why),
				 "user mode sees %s, which the kernel does not have",
				 bits[i].flag);
			return why;
		}
	}
	printf("  %u of %zu features checked are hidden from both\n", hidden,
	       sizeof(bits) / sizeof(bits[0]));
	return NULL;
}

/* SYSCALLs to sched_yield, @n of them, between the loads and the stores. */
#define YIELD_LOOP						\
		     "1: mov $24, %%eax\n\t"			\
		     "syscall\n\t"				\
		     "dec %[n]\n\t"				\
		     "jnz 1b\n\t"

/* Load ymm0-15 from @in, yield @n times, store them to @out. */
static void ymm_yield(const void *in, void *out, long n)
{
	asm volatile(
		     "vmovdqu 0(%[in]), %%ymm0\n\t"
		     "vmovdqu 32(%[in]), %%ymm1\n\t"
		     "vmovdqu 64(%[in]), %%ymm2\n\t"
		     "vmovdqu 96(%[in]), %%ymm3\n\t"
		     "vmovdqu 128(%[in]), %%ymm4\n\t"
		     "vmovdqu 160(%[in]), %%ymm5\n\t"
		     "vmovdqu 192(%[in]), %%ymm6\n\t"
		     "vmovdqu 224(%[in]), %%ymm7\n\t"
		     "vmovdqu 256(%[in]), %%ymm8\n\t"
		     "vmovdqu 288(%[in]), %%ymm9\n\t"
		     "vmovdqu 320(%[in]), %%ymm10\n\t"
		     "vmovdqu 352(%[in]), %%ymm11\n\t"
		     "vmovdqu 384(%[in]), %%ymm12\n\t"
		     "vmovdqu 416(%[in]), %%ymm13\n\t"
		     "vmovdqu 448(%[in]), %%ymm14\n\t"
		     "vmovdqu 480(%[in]), %%ymm15\n\t"
		     YIELD_LOOP
		     "vmovdqu %%ymm0, 0(%[out])\n\t"
		     "vmovdqu %%ymm1, 32(%[out])\n\t"
		     "vmovdqu %%ymm2, 64(%[out])\n\t"
		     "vmovdqu %%ymm3, 96(%[out])\n\t"
		     "vmovdqu %%ymm4, 128(%[out])\n\t"
		     "vmovdqu %%ymm5, 160(%[out])\n\t"
		     "vmovdqu %%ymm6, 192(%[out])\n\t"
		     "vmovdqu %%ymm7, 224(%[out])\n\t"
		     "vmovdqu %%ymm8, 256(%[out])\n\t"
		     "vmovdqu %%ymm9, 288(%[out])\n\t"
		     "vmovdqu %%ymm10, 320(%[out])\n\t"
		     "vmovdqu %%ymm11, 352(%[out])\n\t"
		     "vmovdqu %%ymm12, 384(%[out])\n\t"
		     "vmovdqu %%ymm13, 416(%[out])\n\t"
		     "vmovdqu %%ymm14, 448(%[out])\n\t"
		     "vmovdqu %%ymm15, 480(%[out])\n\t"
		     : [n] "+r" (n)
		     : [in] "r" (in), [out] "r" (out)
		     : "rax", "rcx", "r11", "memory", "xmm0", "xmm1", "xmm2",
		       "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9",
		       "xmm10", "xmm11", "xmm12", "xmm13", "xmm14", "xmm15");
}

/* The same with zmm0-31 and k1-k7 (16 bits each, from @in + 2048). */
__attribute__((target("avx512f")))
static void zmm_yield(const void *in, void *out, long n)
{
	asm volatile(
		     "vmovdqu64 0(%[in]), %%zmm0\n\t"
		     "vmovdqu64 64(%[in]), %%zmm1\n\t"
		     "vmovdqu64 128(%[in]), %%zmm2\n\t"
		     "vmovdqu64 192(%[in]), %%zmm3\n\t"
		     "vmovdqu64 256(%[in]), %%zmm4\n\t"
		     "vmovdqu64 320(%[in]), %%zmm5\n\t"
		     "vmovdqu64 384(%[in]), %%zmm6\n\t"
		     "vmovdqu64 448(%[in]), %%zmm7\n\t"
		     "vmovdqu64 512(%[in]), %%zmm8\n\t"
		     "vmovdqu64 576(%[in]), %%zmm9\n\t"
		     "vmovdqu64 640(%[in]), %%zmm10\n\t"
		     "vmovdqu64 704(%[in]), %%zmm11\n\t"
		     "vmovdqu64 768(%[in]), %%zmm12\n\t"
		     "vmovdqu64 832(%[in]), %%zmm13\n\t"
		     "vmovdqu64 896(%[in]), %%zmm14\n\t"
		     "vmovdqu64 960(%[in]), %%zmm15\n\t"
		     "vmovdqu64 1024(%[in]), %%zmm16\n\t"
		     "vmovdqu64 1088(%[in]), %%zmm17\n\t"
		     "vmovdqu64 1152(%[in]), %%zmm18\n\t"
		     "vmovdqu64 1216(%[in]), %%zmm19\n\t"
		     "vmovdqu64 1280(%[in]), %%zmm20\n\t"
		     "vmovdqu64 1344(%[in]), %%zmm21\n\t"
		     "vmovdqu64 1408(%[in]), %%zmm22\n\t"
		     "vmovdqu64 1472(%[in]), %%zmm23\n\t"
		     "vmovdqu64 1536(%[in]), %%zmm24\n\t"
		     "vmovdqu64 1600(%[in]), %%zmm25\n\t"
		     "vmovdqu64 1664(%[in]), %%zmm26\n\t"
		     "vmovdqu64 1728(%[in]), %%zmm27\n\t"
		     "vmovdqu64 1792(%[in]), %%zmm28\n\t"
		     "vmovdqu64 1856(%[in]), %%zmm29\n\t"
		     "vmovdqu64 1920(%[in]), %%zmm30\n\t"
		     "vmovdqu64 1984(%[in]), %%zmm31\n\t"
 		     "kmovw 2056(%[in]), %%k1\n\t"
		     "kmovw 2064(%[in]), %%k2\n\t"
		     "kmovw 2072(%[in]), %%k3\n\t"
		     "kmovw 2080(%[in]), %%k4\n\t"
		     "kmovw 2088(%[in]), %%k5\n\t"
		     "kmovw 2096(%[in]), %%k6\n\t"
		     "kmovw 2104(%[in]), %%k7\n\t"
		     YIELD_LOOP
		     "vmovdqu64 %%zmm0, 0(%[out])\n\t"
		     "vmovdqu64 %%zmm1, 64(%[out])\n\t"
		     "vmovdqu64 %%zmm2, 128(%[out])\n\t"
		     "vmovdqu64 %%zmm3, 192(%[out])\n\t"
		     "vmovdqu64 %%zmm4, 256(%[out])\n\t"
		     "vmovdqu64 %%zmm5, 320(%[out])\n\t"
		     "vmovdqu64 %%zmm6, 384(%[out])\n\t"
		     "vmovdqu64 %%zmm7, 448(%[out])\n\t"
		     "vmovdqu64 %%zmm8, 512(%[out])\n\t"
		     "vmovdqu64 %%zmm9, 576(%[out])\n\t"
		     "vmovdqu64 %%zmm10, 640(%[out])\n\t"
		     "vmovdqu64 %%zmm11, 704(%[out])\n\t"
		     "vmovdqu64 %%zmm12, 768(%[out])\n\t"
		     "vmovdqu64 %%zmm13, 832(%[out])\n\t"
		     "vmovdqu64 %%zmm14, 896(%[out])\n\t"
		     "vmovdqu64 %%zmm15, 960(%[out])\n\t"
		     "vmovdqu64 %%zmm16, 1024(%[out])\n\t"
		     "vmovdqu64 %%zmm17, 1088(%[out])\n\t"
		     "vmovdqu64 %%zmm18, 1152(%[out])\n\t"
		     "vmovdqu64 %%zmm19, 1216(%[out])\n\t"
		     "vmovdqu64 %%zmm20, 1280(%[out])\n\t"
		     "vmovdqu64 %%zmm21, 1344(%[out])\n\t"
		     "vmovdqu64 %%zmm22, 1408(%[out])\n\t"
		     "vmovdqu64 %%zmm23, 1472(%[out])\n\t"
		     "vmovdqu64 %%zmm24, 1536(%[out])\n\t"
		     "vmovdqu64 %%zmm25, 1600(%[out])\n\t"
		     "vmovdqu64 %%zmm26, 1664(%[out])\n\t"
		     "vmovdqu64 %%zmm27, 1728(%[out])\n\t"
		     "vmovdqu64 %%zmm28, 1792(%[out])\n\t"
		     "vmovdqu64 %%zmm29, 1856(%[out])\n\t"
		     "vmovdqu64 %%zmm30, 1920(%[out])\n\t"
		     "vmovdqu64 %%zmm31, 1984(%[out])\n\t"
 		     "kmovw %%k1, 2056(%[out])\n\t"
		     "kmovw %%k2, 2064(%[out])\n\t"
		     "kmovw %%k3, 2072(%[out])\n\t"
		     "kmovw %%k4, 2080(%[out])\n\t"
		     "kmovw %%k5, 2088(%[out])\n\t"
		     "kmovw %%k6, 2096(%[out])\n\t"
		     "kmovw %%k7, 2104(%[out])\n\t"
		     : [n] "+r" (n)
		     : [in] "r" (in), [out] "r" (out)
		     : "rax", "rcx", "r11", "memory",
		       "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5",
		       "xmm6", "xmm7", "xmm8", "xmm9", "xmm10", "xmm11",
		       "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17",
		       "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23",
		       "xmm24", "xmm25", "xmm26", "xmm27", "xmm28", "xmm29",
		       "xmm30", "xmm31",
		       "k1", "k2", "k3", "k4", "k5", "k6", "k7");
}

static unsigned long long xgetbv0(void)
{
	unsigned int lo, hi;

	asm volatile("xgetbv" : "=a" (lo), "=d" (hi) : "c" (0));
	return (unsigned long long)hi << 32 | lo;
}

/* One process's run: its own pattern in, the same out, or 1. */
static int vector_run(unsigned int seed, int avx512)
{
	static uint32_t in[(2048 + 64) / 4] __attribute__((aligned(64)));
	static uint32_t out[(2048 + 64) / 4] __attribute__((aligned(64)));
	size_t i, len = avx512 ? 2048 + 64 : 512;

	for (i = 0; i < sizeof(in) / 4; i++)
		in[i] = seed * 0x9e3779b9u + i * 0x01000193u;
	/* k1-k7: 16 bits each (kmovw: AVX-512F), in 8-byte slots. */
	for (i = 2048 / 4; i < sizeof(in) / 4; i++)
		in[i] = i % 2 ? 0 : in[i] & 0xffff;
	memset(out, 0, sizeof(out));
	if (avx512)
		zmm_yield(in, out, 2000);
	else
		ymm_yield(in, out, 2000);
	return memcmp(in, out, len) ? 1 : 0;
}

/*
 * Two processes hold different values in the AVX (and AVX-512) registers
 * across 2000 context switches each: each must get its own back, as the
 * kernel saves what XCR0 enables (finding 12 of issue 11).
 */
static const char *vector_state(void)
{
	unsigned int r[4];
	int avx512, status, mine;
	pid_t pid;

	cpuid_user(1, 0, r);
	if (!(r[ECX] & 1u << 27) || !(r[ECX] & 1u << 28) ||
	    (xgetbv0() & 6) != 6) {
		printf("  no AVX state enabled for user mode: not run\n");
		return NULL;
	}
	cpuid_user(7, 0, r);
	avx512 = (r[EBX] & 1u << 16) && (xgetbv0() & 0xe6) == 0xe6;
	printf("  %s registers, 2 processes\n", avx512 ? "zmm0-31, k1-7" : "ymm0-15");
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (!pid)
		_exit(vector_run(2, avx512));
	mine = vector_run(1, avx512);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return "the child did not exit";
	if (mine || WEXITSTATUS(status))
		return avx512 ? "zmm/k register contents changed across context switches" :
				"ymm register contents changed across context switches";
	return NULL;
}

/*
 * Protection keys: pv offers none, so a process's WRPKRU is an invalid
 * instruction (SIGILL), as on a CPU without them, whatever the host CPU
 * has; above all, the kernel survives a process that tries to lock
 * itself, and with it its kernel, out of key 0 (finding 13 of issue 11).
 */
static const char *pkru_denied(void)
{
	unsigned int r[4];
	int status, fds[2], i;
	pid_t pid;

	/* Where CPUID faults, user mode sees the kernel's CPUID. */
	cpuid_user(7, 0, r);
	if (cmdline_has("pvtest.cpuid_fault") && (r[ECX] & (1u << 3 | 1u << 4)))
		return "CPUID offers PKU or OSPKE";
	if (kernel_has_flag("pku") || kernel_has_flag("ospke"))
		return "the kernel has protection keys";
	if (pipe(fds))
		return "pipe failed";
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (!pid) {
		/* Every key, 0 included, denied; then a system call. */
		asm volatile("wrpkru" : : "a" (~0u), "c" (0), "d" (0));
		_exit(write(fds[1], "x", 1) == 1 ? 0 : 1);
	}
	/* Five seconds for the child to end, then it is stuck. */
	for (i = 0; i < 500 && waitpid(pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 500) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		return "the process that denied key 0 got stuck";
	}
	close(fds[1]);
	close(fds[0]);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGILL)
		return NULL;
	if (WIFEXITED(status))
		return "WRPKRU worked, as if the guest had protection keys";
	return "the process died of another signal than SIGILL";
}

/* --- Page-table changes: each one must take the old translation away. */

static void catch_segv(void)
{
	struct sigaction sa = { .sa_sigaction = segv_handler, .sa_flags = SA_SIGINFO };

	sigaction(SIGSEGV, &sa, NULL);
}

static char *map_anon(size_t size)
{
	char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static const char *pte_munmap(void)
{
	char *p = map_anon(8192), *q;

	if (!p)
		return "mmap failed";
	catch_segv();
	p[0] = 'a';
	p[4096] = 'b';
	if (p[0] != 'a' || p[4096] != 'b' || munmap(p, 8192))
		return "munmap failed";
	if (!faults(p, 0) || !faults(p + 4096, 1))
		return "an unmapped page is still reachable";
	/* The same address, mapped anew, is new memory. */
	q = mmap(p, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	if (q != p)
		return "mmap MAP_FIXED failed";
	if (q[0])
		return "a new mapping shows the old page's data";
	munmap(q, 4096);
	return NULL;
}

static const char *pte_mremap(void)
{
	char *p = map_anon(8192), *t, *q;

	if (!p)
		return "mmap failed";
	catch_segv();
	p[0] = 'a';
	p[4096] = 'b';
	/* A destination of our choosing, so that the data must move. */
	t = mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t == MAP_FAILED)
		return "mmap failed";
	q = mremap(p, 8192, 8192, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	if (q != t)
		return "mremap failed";
	if (q[0] != 'a' || q[4096] != 'b')
		return "the data did not move with mremap";
	if (!faults(p, 0) || !faults(p + 4096, 1))
		return "the old address still reaches the pages";
	/* Shrinking in place drops the tail. */
	if (mremap(q, 8192, 4096, 0) != q)
		return "mremap (shrink) failed";
	if (!faults(q + 4096, 0) || q[0] != 'a')
		return "the tail is still there after shrinking";
	munmap(q, 4096);
	return NULL;
}

static const char *pte_madv_dontneed(void)
{
	char *p = map_anon(8192);

	if (!p)
		return "mmap failed";
	memset(p, 0x5a, 8192);
	if (madvise(p, 8192, MADV_DONTNEED))
		return "madvise(MADV_DONTNEED) failed";
	if (p[0] || p[4096] || p[8191])
		return "anonymous memory did not read zero after MADV_DONTNEED";
	p[0] = 1;	/* and it is writable memory again */
	if (p[0] != 1)
		return "lost a write after MADV_DONTNEED";
	munmap(p, 8192);
	return NULL;
}

/*
 * The number after @key at the start of a line of @path (a /proc file of
 * "Key: N kB" or "key N" lines), or -1.
 */
static long proc_number(const char *path, const char *key)
{
	char line[256];
	FILE *f = fopen(path, "r");
	size_t len = strlen(key);
	long v = -1;

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len)) {
			v = strtol(line + len, NULL, 10);
			break;
		}
	if (f)
		fclose(f);
	return v;
}

/* /sys/kernel/mm/transparent_hugepage/enabled, as the kernel says it. */
static const char *thp_enabled(void)
{
	static char mode[64];
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	strcpy(mode, "?");
	if (f && fgets(mode, sizeof(mode), f))
		mode[strcspn(mode, "\n")] = 0;
	if (f)
		fclose(f);
	return mode;
}

/* Write @mode to /sys/kernel/mm/transparent_hugepage/enabled, if there. */
static void thp_set(const char *mode)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "w");

	if (f) {
		fputs(mode, f);
		fclose(f);
	}
}

/*
 * A transparent huge page, every 4 KiB of it read, then dropped with
 * MADV_DONTNEED: Linux flushes it as one page (one INVLPG drops a large
 * TLB entry), and the host, which holds it as 4 KiB pieces, must drop
 * them all.  One kept reads the old data.  Not run where the kernel has
 * no transparent huge pages: CI's guests have none, the Debian-config
 * guest (scripts/build-guest debian) has them always on.
 */
static const char *pte_thp_dontneed(void)
{
	size_t huge = 2UL << 20, i;
	char *raw, *p;

	raw = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return "mmap failed";
	p = (char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
	/*
	 * Linux turns THP off by default below 512 MiB of RAM (the test
	 * guests have 256): ask for it where madvise() says so.
	 */
	thp_set("madvise");
	if (madvise(p, huge, MADV_HUGEPAGE)) {
		munmap(raw, 2 * huge);
		if (errno != EINVAL)
			return "madvise(MADV_HUGEPAGE) failed";
		printf("  no transparent huge pages in this kernel: not run\n");
		return NULL;
	}
	memset(p, 0x5a, huge);
	if (proc_number("/proc/self/smaps_rollup", "AnonHugePages:") < 2048) {
		static char why[160];

		munmap(raw, 2 * huge);
		snprintf(why, sizeof(why),
			 "no huge page was made (THP %s, thp_fault_alloc %ld, thp_fault_fallback %ld)",
			 thp_enabled(),
			 proc_number("/proc/vmstat", "thp_fault_alloc "),
			 proc_number("/proc/vmstat", "thp_fault_fallback "));
		return why;
	}
	for (i = 0; i < huge; i += 4096)
		if (((volatile char *)p)[i] != 0x5a)
			return "the huge page lost a write";
	if (madvise(p, huge, MADV_DONTNEED))
		return "madvise(MADV_DONTNEED) failed";
	for (i = 0; i < huge; i += 4096)
		if (((volatile char *)p)[i])
			return "a dropped huge page still reads its old data";
	munmap(raw, 2 * huge);
	return NULL;
}

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/*
 * MADV_FREE makes the pages clean and old; reclaim (MADV_PAGEOUT here)
 * then discards them unless they were written again.  A write that goes
 * through a translation kept from before MADV_FREE does not dirty the
 * page, and reclaim then throws its data away.
 */
static const char *pte_madv_free(void)
{
	char *p = map_anon(8192);

	if (!p)
		return "mmap failed";
	memset(p, 'A', 8192);
	if (madvise(p, 8192, MADV_FREE))
		return "madvise(MADV_FREE) failed";
	p[0] = 'B';
	if (madvise(p, 8192, MADV_PAGEOUT))
		return "madvise(MADV_PAGEOUT) failed";
	if (p[0] != 'B')
		return "a write after MADV_FREE was lost (the page stayed clean)";
	if (p[4096] != 'A' && p[4096])
		return "a freed page holds neither its data nor zeroes";
	munmap(p, 8192);
	return NULL;
}

static const char *pte_mprotect(void)
{
	char *p = map_anon(4096);

	if (!p)
		return "mmap failed";
	catch_segv();
	p[0] = 42;
	if (mprotect(p, 4096, PROT_READ))
		return "mprotect failed";
	if (!faults(p, 1))
		return "a write after mprotect(PROT_READ) did not fault";
	if (mprotect(p, 4096, PROT_NONE))
		return "mprotect failed";
	if (!faults(p, 0))
		return "a read after mprotect(PROT_NONE) did not fault";
	if (mprotect(p, 4096, PROT_READ | PROT_WRITE))
		return "mprotect failed";
	p[1] = 43;
	if (p[0] != 42 || p[1] != 43)
		return "the page lost its data across mprotect";
	munmap(p, 4096);
	return NULL;
}

/*
 * fork() write-protects the parent's pages: the parent's own write after
 * the fork must copy, or the child would see it.  Then the child's write
 * must not reach the parent.
 */
static const char *pte_cow_parent_first(void)
{
	char *p = map_anon(4096), c = 0;
	int to_child[2], to_parent[2], status;
	pid_t pid;

	if (!p || pipe(to_child) || pipe(to_parent))
		return "mmap or pipe failed";
	p[0] = 'P';
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (!pid) {
		if (read(to_child[0], &c, 1) != 1)
			_exit(2);
		c = p[0] == 'P' ? 'y' : 'n';
		p[0] = 'C';
		if (write(to_parent[1], &c, 1) != 1)
			_exit(2);
		_exit(p[0] == 'C' ? 0 : 1);
	}
	p[0] = 'Q';
	if (write(to_child[1], "go", 1) != 1 || read(to_parent[0], &c, 1) != 1)
		return "the child did not answer";
	waitpid(pid, &status, 0);
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	if (c != 'y')
		return "the parent's write after fork reached the child";
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return "the child could not write its copy";
	if (p[0] != 'Q')
		return "the child's write reached the parent";
	munmap(p, 4096);
	return NULL;
}

/* --- System calls a distribution kernel offers */

#ifndef __NR_cachestat
#define __NR_cachestat 451
#endif
#ifndef __NR_map_shadow_stack
#define __NR_map_shadow_stack 453
#endif
#ifndef __NR_futex_waitv
#define __NR_futex_waitv 449
#endif
#ifndef __NR_lsm_list_modules
#define __NR_lsm_list_modules 461
#endif
#ifndef __NR_mseal
#define __NR_mseal 462
#endif

/*
 * Each call with arguments that are harmless (mostly refused for a bad
 * file descriptor or pointer): what matters is that the kernel has it,
 * so the error is anything but ENOSYS.  Calls that would make a file
 * descriptor are given flags that refuse.
 */
/*
 * More processes than the host keeps tagged address spaces (and than
 * Linux has ASIDs per CPU) pass a token round a ring of pipes.  Each has
 * its own page at one address, and on each turn checks it still holds
 * what it wrote last, then writes something new and maps a fresh page at
 * a second address.  A shadow kept under a stale tag, or one tag's
 * translations seen through another's, shows as a wrong value.
 */
#define RING		12
#define RING_ROUNDS	50

static int ring_member(int id, int in, int out, volatile long *mine)
{
	long *fresh = (long *)0x5a0000000000UL;
	char token;
	int round;

	for (round = 0; round < RING_ROUNDS; round++) {
		if (read(in, &token, 1) != 1)
			return 1;
		if (*mine != id * 1000 + round)
			return 2;
		*mine = id * 1000 + round + 1;
		if (mmap(fresh, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != fresh)
			return 3;
		if (*fresh)	/* a fresh page reads as zeroes */
			return 4;
		*fresh = id;
		if (write(out, &token, 1) != 1)
			return 5;
		if (*fresh != id)
			return 6;
	}
	return 0;
}

static const char *address_spaces(void)
{
	static volatile long mine;
	static char why[96];
	int fds[RING][2], i, status, bad = 0;
	pid_t pids[RING];

	if (!kernel_has_flag("pcid"))
		return "the kernel does not use PCIDs (no pcid in /proc/cpuinfo)";
	for (i = 0; i < RING; i++)
		if (pipe(fds[i]))
			return "pipe failed";
	for (i = 0; i < RING; i++) {
		mine = i * 1000;
		pids[i] = fork();
		if (!pids[i])
			_exit(ring_member(i, fds[i][0], fds[(i + 1) % RING][1], &mine));
	}
	if (write(fds[0][1], "t", 1) != 1)
		return "write failed";
	for (i = 0; i < RING; i++) {
		waitpid(pids[i], &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			snprintf(why, sizeof(why), "process %d of %d: status %#x", i,
				 RING, status);
			bad = 1;
		}
	}
	for (i = 0; i < RING; i++) {
		close(fds[i][0]);
		close(fds[i][1]);
	}
	return bad ? why : NULL;
}

static const char *syscalls_exist(void)
{
	static char missing[512];
	int pid = getpid();
	char *page = map_anon(4096);
	const struct {
		const char *name;
		long nr, a[6];
	} calls[] = {
		{ "madvise", SYS_madvise, { 0, 4096, MADV_NORMAL } },
		{ "fadvise64", SYS_fadvise64, { -1, 0, 0, 0 } },
		{ "process_madvise", SYS_process_madvise, { -1, 0, 0, 0, 0 } },
		{ "membarrier", SYS_membarrier, { 0 /* QUERY */, 0, 0 } },
		{ "userfaultfd", SYS_userfaultfd, { -1 } },
		{ "name_to_handle_at", SYS_name_to_handle_at, { -1, 0, 0, 0, 0 } },
		{ "open_by_handle_at", SYS_open_by_handle_at, { -1, 0, 0 } },
		{ "kcmp", SYS_kcmp, { pid, pid, 1 /* KCMP_VM */, 0, 0 } },
		{ "io_uring_setup", SYS_io_uring_setup, { 0, 0 } },
		{ "io_uring_enter", SYS_io_uring_enter, { -1, 0, 0, 0, 0, 0 } },
		{ "io_uring_register", SYS_io_uring_register, { -1, 0, 0, 0 } },
		{ "bpf", SYS_bpf, { -1, 0, 0 } },
		{ "msgctl", SYS_msgctl, { -1, 2 /* IPC_STAT */, 0 } },
		{ "semctl", SYS_semctl, { -1, 0, 2 /* IPC_STAT */, 0 } },
		{ "shmctl", SYS_shmctl, { -1, 2 /* IPC_STAT */, 0 } },
		{ "shmat", SYS_shmat, { -1, 0, 0 } },
		{ "mq_open", SYS_mq_open, { 0, 0, 0, 0 } },
		{ "mq_unlink", SYS_mq_unlink, { 0 } },
		{ "process_vm_readv", SYS_process_vm_readv, { pid, 0, 0, 0, 0, 0 } },
		{ "process_vm_writev", SYS_process_vm_writev, { pid, 0, 0, 0, 0, 0 } },
		{ "rseq", SYS_rseq, { 0, 0, 0, 0 } },
		{ "cachestat", __NR_cachestat, { -1, 0, 0, 0 } },
		{ "sysfs", SYS_sysfs, { 3 /* number of filesystem types */ } },
		{ "flock", SYS_flock, { -1, LOCK_SH } },
		{ "inotify_init1", SYS_inotify_init1, { -1 } },
		{ "inotify_add_watch", SYS_inotify_add_watch, { -1, 0, 0 } },
		{ "fanotify_init", SYS_fanotify_init, { -1, 0 } },
		{ "fanotify_mark", SYS_fanotify_mark, { -1, 0, 0, 0, 0 } },
		{ "quotactl", SYS_quotactl, { 0, 0, 0, 0 } },
		{ "add_key", SYS_add_key, { 0, 0, 0, 0, 0 } },
		{ "request_key", SYS_request_key, { 0, 0, 0, 0 } },
		{ "keyctl", SYS_keyctl, { -1, 0, 0, 0, 0 } },
		{ "landlock_create_ruleset", SYS_landlock_create_ruleset,
		  { 0, 0, 1 /* LANDLOCK_CREATE_RULESET_VERSION */ } },
		{ "lsm_list_modules", __NR_lsm_list_modules, { 0, 0, 0 } },
		{ "swapoff", SYS_swapoff, { 0 } },
		{ "swapon", SYS_swapon, { 0, 0 } },
		{ "acct", SYS_acct, { 1 /* a bad pointer */ } },
		{ "mbind", SYS_mbind, { 0, 0, 0, 0, 0, 0 } },
		{ "get_mempolicy", SYS_get_mempolicy, { 0, 0, 0, 0, 0 } },
		{ "set_mempolicy", SYS_set_mempolicy, { 0 /* MPOL_DEFAULT */, 0, 0 } },
		{ "migrate_pages", SYS_migrate_pages, { 0, 0, 0, 0 } },
		{ "move_pages", SYS_move_pages, { 0, 0, 0, 0, 0, 0 } },
		{ "memfd_secret", SYS_memfd_secret, { -1 } },
		{ "pkey_alloc", SYS_pkey_alloc, { -1, 0 } },
		{ "map_shadow_stack", __NR_map_shadow_stack, { 0, 4096, -1 } },
		{ "futex_waitv", __NR_futex_waitv, { 0, 0, -1, 0, 0 } },
		{ "mseal", __NR_mseal, { 0, 0, -1 } },
		{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, 0 } },
		{ "syslog", SYS_syslog, { 10 /* SIZE_BUFFER */, 0, 0 } },
		{ "ioprio_get", SYS_ioprio_get, { 1 /* WHO_PROCESS */, 0 } },
	};
	unsigned int i;
	long r;

	if (!page)
		return "mmap failed";
	missing[0] = 0;
	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long a0 = calls[i].a[0];

		if (calls[i].nr == SYS_madvise)
			a0 = (long)page;
		errno = 0;
		r = syscall(calls[i].nr, a0, calls[i].a[1], calls[i].a[2],
			    calls[i].a[3], calls[i].a[4], calls[i].a[5]);
		if (r == -1 && errno == ENOSYS) {
			if (strlen(missing) + strlen(calls[i].name) + 2 < sizeof(missing)) {
				strcat(missing, " ");
				strcat(missing, calls[i].name);
			}
		}
	}
	munmap(page, 4096);
	if (!missing[0])
		return NULL;
	printf("  ENOSYS:%s\n", missing);
	return "system calls are missing";
}

/* --- A process with hostile state: it dies of a signal, the kernel lives. */

/* "int $n; ret" for every n, 3 bytes apart. */
extern const char torture_int_stubs[];
asm(".pushsection .text\n"
    ".globl torture_int_stubs\n"
    "torture_int_stubs:\n"
    ".set vec, 0\n"
    ".rept 256\n"
    ".byte 0xcd, vec\n"
    "ret\n"
    ".set vec, vec + 1\n"
    ".endr\n"
    ".popsection\n");

static sigjmp_buf torture_jump;

static void torture_handler(int sig)
{
	(void)sig;
	siglongjmp(torture_jump, 1);
}

/* INT n for every n: each one a signal (or nothing), never an oops. */
static int torture_int_n(void)
{
	static const int sigs[] = { SIGSEGV, SIGTRAP, SIGILL, SIGBUS, SIGFPE };
	struct sigaction sa = { .sa_handler = torture_handler, .sa_flags = SA_NODEFER };
	volatile int n;
	unsigned int i;

	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	for (n = 0; n < 256; n++) {
		if (!sigsetjmp(torture_jump, 1))
			((void (*)(void))(torture_int_stubs + 3 * n))();
	}
	return 0;
}

/* Each of these ends in a fault the process cannot handle. */
extern const char t_rsp_zero[], t_rsp_noncanon[], t_rsp_kernel[],
	t_rsp_hole[], t_rsp_top[], t_jmp_noncanon[], t_jmp_hole[],
	t_jmp_kernel[], t_read_kernel[], t_read_noncanon[], t_cli[], t_hlt[],
	t_inb[], t_rdmsr[], t_mov_cr0[], t_eretu[], t_erets[], t_swapgs[],
	t_sysenter[], t_int1[], t_lret_kernel[], t_seg_kernel_ds[],
	t_seg_gs_tls[], t_seg_fs_cpunode[], t_seg_gs_code[], t_compat[],
	t_std_ud2[], t_std_syscall_rsp0[];
asm(".pushsection .text\n"
    "t_rsp_zero: xor %esp, %esp; ud2\n"
    "t_rsp_noncanon: movabs $0x8000000000000000, %rsp; ud2\n"
    "t_rsp_kernel: movabs $0xffffffff81000000, %rsp; ud2\n"
    "t_rsp_hole: movabs $0xffff800000001000, %rsp; int3\n"
    "t_rsp_top: movabs $0x7ffffffffff8, %rsp; mov $39, %eax; syscall; ud2\n"
    "t_jmp_noncanon: movabs $0x0000800000000000, %rax; jmp *%rax\n"
    "t_jmp_hole: movabs $0xffff800000000000, %rax; jmp *%rax\n"
    "t_jmp_kernel: movabs $0xffffffff81000000, %rax; jmp *%rax\n"
    "t_read_kernel: movabs $0xffffffff81000000, %rax; mov (%rax), %rax; ud2\n"
    "t_read_noncanon: movabs $0x8000000000000000, %rax; mov (%rax), %rax; ud2\n"
    "t_cli: cli; ud2\n"
    "t_hlt: hlt; ud2\n"
    "t_inb: inb $0x80, %al; ud2\n"
    "t_rdmsr: xor %ecx, %ecx; rdmsr; ud2\n"
    "t_mov_cr0: mov %cr0, %rax; ud2\n"
    "t_eretu: .byte 0xf3, 0x0f, 0x01, 0xca; ud2\n"
    "t_erets: .byte 0xf2, 0x0f, 0x01, 0xca; ud2\n"
    "t_swapgs: swapgs; ud2\n"
    "t_sysenter: sysenter; ud2\n"
    "t_int1: .byte 0xf1; ud2\n"
    "t_lret_kernel: lea 1f(%rip), %rax; push $0x10; push %rax; lretq; 1: ud2\n"
    "t_seg_kernel_ds: mov $0x18, %eax; mov %eax, %ds; ud2\n"
    "t_seg_gs_tls: mov $0x63, %eax; mov %eax, %gs; mov $39, %eax; syscall; ud2\n"
    "t_seg_fs_cpunode: mov $0x7b, %eax; mov %eax, %fs; mov $39, %eax; syscall; ud2\n"
    "t_seg_gs_code: mov $0x33, %eax; mov %eax, %gs; mov $39, %eax; syscall; ud2\n"
    "t_compat: lea 2f(%rip), %rax; ljmpl *(%rax)\n"
    "2: .long 3f; .word 0x23\n"
    ".code32\n"
    "3: mov $20, %eax; syscall; int $0x80; sysenter; ud2\n"
    ".code64\n"
    "t_std_ud2: std; ud2\n"
    "t_std_syscall_rsp0: std; xor %esp, %esp; mov $39, %eax; syscall; ud2\n"
    ".popsection\n");

static const struct {
	const char *name;
	const char *code;
} torture_code[] = {
	{ "rsp=0", t_rsp_zero }, { "rsp non-canonical", t_rsp_noncanon },
	{ "rsp in the kernel", t_rsp_kernel }, { "rsp in the hole", t_rsp_hole },
	{ "rsp at the top", t_rsp_top },
	{ "jump non-canonical", t_jmp_noncanon }, { "jump to the hole", t_jmp_hole },
	{ "jump to the kernel", t_jmp_kernel }, { "read the kernel", t_read_kernel },
	{ "read non-canonical", t_read_noncanon }, { "cli", t_cli },
	{ "hlt", t_hlt }, { "in", t_inb }, { "rdmsr", t_rdmsr },
	{ "mov cr0", t_mov_cr0 }, { "eretu", t_eretu }, { "erets", t_erets },
	{ "swapgs", t_swapgs }, { "sysenter", t_sysenter }, { "int1", t_int1 },
	{ "lret to the kernel", t_lret_kernel },
	{ "kernel ds", t_seg_kernel_ds }, { "gs = TLS", t_seg_gs_tls },
	{ "fs = CPUNODE", t_seg_fs_cpunode }, { "gs = code", t_seg_gs_code },
	{ "32-bit mode", t_compat }, { "std; ud2", t_std_ud2 },
	{ "std, rsp=0, syscall", t_std_syscall_rsp0 },
};

/* sigreturn from a frame of garbage, or of almost good values. */
static void __attribute__((noreturn)) torture_sigreturn(int variant)
{
	static unsigned long frame[1024] __attribute__((aligned(64)));
	char *uc = (char *)&frame[512];
	char *mc = uc + 40;	/* struct ucontext's uc_mcontext */
	unsigned long ud2 = (unsigned long)t_rsp_zero + 2;

	memset(frame, variant == 1 ? 0xff : 0, sizeof(frame));
	if (variant >= 2) {
		*(unsigned short *)(mc + 144) = 0x33;		/* cs */
		*(unsigned short *)(mc + 150) = 0x2b;		/* ss */
		*(unsigned long *)(mc + 120) = (unsigned long)&frame[256];
		*(unsigned long *)(mc + 128) = ud2;		/* rip */
	}
	switch (variant) {
	case 2:	/* the first non-canonical address */
		*(unsigned long *)(mc + 128) = 0x0000800000000000UL;
		break;
	case 3:	/* the kernel */
		*(unsigned long *)(mc + 128) = 0xffffffff81000000UL;
		break;
	case 4:	/* a non-canonical stack */
		*(unsigned long *)(mc + 120) = 0x8000000000000000UL;
		break;
	case 5:	/* a stack just past the lower half */
		*(unsigned long *)(mc + 120) = 0x0000800000000000UL;
		break;
	case 6:	/* every flag sigreturn lets through: TF, DF, AC, ... */
		*(unsigned long *)(mc + 136) = ~0UL;
		break;
	case 7:	/* 32-bit code */
		*(unsigned short *)(mc + 144) = 0x23;
		break;
	case 8:	/* kernel selectors */
		*(unsigned short *)(mc + 144) = 0x10;
		*(unsigned short *)(mc + 150) = 0x18;
		break;
	}
	asm volatile("mov %0, %%rsp; mov $15, %%eax; syscall; ud2"
		     : : "r" (uc) : "memory");
	__builtin_unreachable();
}

#define TORTURE_SIGRETURNS 9

/* std; system calls and faults: the kernel must not run with DF set. */
static int torture_df(void)
{
	char out[256], in[256], *p = map_anon(8 * 4096);
	int fd[2], i;
	long r;

	if (!p || pipe(fd))
		return 10;
	for (i = 0; i < 256; i++)
		out[i] = 'a' + i % 26;
	memset(in, 0, sizeof(in));
	asm volatile("std; syscall; cld" : "=a" (r)
		     : "0" ((long)SYS_write), "D" (fd[1]), "S" (out), "d" (256L)
		     : "rcx", "r11", "memory");
	if (r != 256)
		return 11;
	asm volatile("std; syscall; cld" : "=a" (r)
		     : "0" ((long)SYS_read), "D" (fd[0]), "S" (in), "d" (256L)
		     : "rcx", "r11", "memory");
	if (r != 256 || memcmp(in, out, 256))
		return 12;
	/* Page faults with DF set: the kernel clears the new pages. */
	asm volatile("std\n"
		     "movb $1, (%0)\n"
		     "movb $1, 4096(%0)\n"
		     "movb $1, 8192(%0)\n"
		     "movb $1, 12288(%0)\n"
		     "cld" : : "r" (p + 4096) : "memory");
	if (p[4096] != 1 || p[4097] || p[8191] || p[8192] != 1)
		return 13;
	return 0;
}

static const char *kernel_log_complaint(void)
{
	static char log[1 << 17];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, log, sizeof(log) - 1);

	if (n < 0)
		return NULL;
	log[n] = 0;
	if (strstr(log, "Oops") || strstr(log, "BUG:") ||
	    strstr(log, "invalid or fatal FRED event") ||
	    strstr(log, "WARNING:"))
		return "the kernel logged an oops, BUG or WARNING";
	return NULL;
}

#define TORTURE_SECONDS 20

/* waitpid(), but a child that does not end in time is killed: 1. */
static int wait_or_kill(pid_t pid, int *status)
{
	int i;

	for (i = 0; i < TORTURE_SECONDS * 100; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return 0;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return 1;
}

static const char *torture(void)
{
	static char why[160];
	int status, i, n = sizeof(torture_code) / sizeof(torture_code[0]);
	pid_t pid;

	for (i = 0; i < n + TORTURE_SIGRETURNS + 2; i++) {
		const char *name = i < n ? torture_code[i].name : "sigreturn";

		if (i == n + TORTURE_SIGRETURNS)
			name = "int $n";
		else if (i == n + TORTURE_SIGRETURNS + 1)
			name = "std";
		fflush(stdout);
		pid = fork();
		if (pid < 0)
			return "fork failed";
		if (!pid) {
			signal(SIGSEGV, SIG_DFL);	/* earlier cases caught it */
			if (i < n)
				((void (*)(void))torture_code[i].code)();
			else if (i < n + TORTURE_SIGRETURNS)
				torture_sigreturn(i - n);
			else if (i == n + TORTURE_SIGRETURNS)
				_exit(torture_int_n());
			else
				_exit(torture_df());
			_exit(99);
		}
		if (wait_or_kill(pid, &status)) {
			snprintf(why, sizeof(why), "%s: still running after %d s",
				 name, TORTURE_SECONDS);
			return why;
		}
		if (i >= n + TORTURE_SIGRETURNS) {
			if (WIFEXITED(status) && !WEXITSTATUS(status))
				continue;
		} else if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
			continue;
		}
		snprintf(why, sizeof(why), "%s (%d): %s %d", name,
			 i < n ? 0 : i - n,
			 WIFSIGNALED(status) ? "killed by signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		return why;
	}
	return kernel_log_complaint();
}

/*
 * Far transfers within user mode: a far RET and an IRETQ to the same
 * privilege, as code that switches code segments does.  QEMU's TCG reads
 * their stack with supervisor accesses; with SMAP on while the guest ran,
 * those faulted forever and the process never got past its "lretq".
 * (Only 64-bit operand sizes: QEMU 7.2 truncates RSP to 32 bits for a
 * 32-bit far CALL or RET in 64-bit mode, and AMD CPUs have no far CALL
 * through a 64-bit pointer.)
 */
extern const char far_transfers_code[];
asm(".pushsection .text\n"
    "far_transfers_code:\n"
    "	lea 1f(%rip), %rax\n"
    "	push $0x33\n"
    "	push %rax\n"
    "	lretq\n"
    "1:	mov %ss, %eax\n"
    "	push %rax\n"
    "	push %rsp\n"
    "	addq $8, (%rsp)\n"
    "	pushfq\n"
    "	mov %cs, %eax\n"
    "	push %rax\n"
    "	lea 2f(%rip), %rax\n"
    "	push %rax\n"
    "	iretq\n"
    "2:	ret\n"
    ".popsection\n");

static const char *far_transfers(void)
{
	static char why[64];
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (!pid) {
		((void (*)(void))far_transfers_code)();
		_exit(0);
	}
	if (wait_or_kill(pid, &status))
		return "still running: killed";
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return NULL;
	snprintf(why, sizeof(why), "%s %d",
		 WIFSIGNALED(status) ? "killed by signal" : "exit status",
		 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return why;
}

/* --- FS and GS bases that user mode writes itself */

static unsigned int cpuid_7_ebx(void)
{
	unsigned int a = 0, b, c = 0, d;

	asm volatile("cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d));
	if (a < 7)
		return 0;
	a = 7;
	c = 0;
	asm volatile("cpuid" : "+a" (a), "=b" (b), "+c" (c), "=d" (d));
	return b;
}

/*
 * WRFSBASE and WRGSBASE @val, then yield @rounds times, checking both
 * bases after each.  FS is glibc's thread pointer: nothing here may call
 * the C library until it is put back.  Returns 0 when the bases held.
 */
static long fsgsbase_rounds(unsigned long val, long rounds)
{
	long bad;

	asm volatile("rdfsbase %%r12\n\t"
		     "wrfsbase %[val]\n\t"
		     "wrgsbase %[val]\n\t"
		     "xor %[bad], %[bad]\n"
		     "1:\tmov $24, %%eax\n\t"		/* sched_yield */
		     "syscall\n\t"
		     "rdfsbase %%rax\n\t"
		     "cmp %[val], %%rax\n\t"
		     "jne 2f\n\t"
		     "rdgsbase %%rax\n\t"
		     "cmp %[val], %%rax\n\t"
		     "jne 2f\n\t"
		     "dec %[n]\n\t"
		     "jnz 1b\n\t"
		     "jmp 3f\n"
		     "2:\tmov $1, %[bad]\n"
		     "3:\twrfsbase %%r12"
		     : [bad] "=&r" (bad), [n] "+r" (rounds)
		     : [val] "r" (val)
		     : "rax", "rcx", "r11", "r12", "memory");
	return bad;
}

/*
 * Two processes write their own FS and GS bases with WRFSBASE/WRGSBASE
 * (user mode may, where CPUID says FSGSBASE) and switch back and forth:
 * each must keep its own.  The kernel must then also say it offers
 * FSGSBASE (HWCAP2_FSGSBASE), as it handles it.
 */
static const char *fsgsbase_switch(void)
{
	pid_t pid[2];
	int i, status, bad = 0;

	if (!(cpuid_7_ebx() & 1)) {
		printf("  no FSGSBASE on this CPU: nothing to test\n");
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		pid[i] = fork();
		if (pid[i] < 0)
			return "fork failed";
		if (!pid[i])
			_exit(fsgsbase_rounds(0x10000000UL + (i << 12), 300));
	}
	for (i = 0; i < 2; i++) {
		if (waitpid(pid[i], &status, 0) != pid[i] || !WIFEXITED(status))
			return "a child died (is WRFSBASE refused?)";
		bad |= WEXITSTATUS(status);
	}
	if (bad)
		return "a process lost the FS or GS base it wrote (WRFSBASE/WRGSBASE)";
	if (!(getauxval(AT_HWCAP2) & 2 /* HWCAP2_FSGSBASE */))
		return "the kernel does not offer FSGSBASE (HWCAP2), yet user mode has it";
	return NULL;
}

/*
 * The vDSO's getcpu, where the kernel offers no RDPID, is LSL on the
 * per-CPU segment: it must give the CPU the getcpu system call names,
 * the guest's, not the host's.
 */
static const char *vdso_getcpu(void)
{
	unsigned int cpu = ~0u, lsl = ~0u;
	long n = sysconf(_SC_NPROCESSORS_ONLN), i;
	cpu_set_t set, old;

	/* On each CPU in turn, pinned there: a migration would change it. */
	if (sched_getaffinity(0, sizeof(old), &old))
		return "sched_getaffinity failed";
	for (i = 0; i < n; i++) {
		CPU_ZERO(&set);
		CPU_SET(i, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			return "sched_setaffinity failed";
		if (syscall(SYS_getcpu, &cpu, NULL, NULL))
			return "getcpu failed";
		asm volatile("lsl %1, %0" : "+r" (lsl) : "r" (0x7b /* __CPUNODE_SEG */));
		if ((lsl & 0xfff) != cpu || cpu != i) {
			printf("  on CPU %ld: getcpu() %u, LSL on the CPUNODE segment %u\n",
			       i, cpu, lsl & 0xfff);
			sched_setaffinity(0, sizeof(old), &old);
			return "the CPUNODE segment names another CPU";
		}
	}
	sched_setaffinity(0, sizeof(old), &old);
	return NULL;
}

/*
 * 32-bit code in a 64-bit process: a far jump to the 32-bit user CS (or
 * ia32_target_cs), system calls with INT $0x80 (getpid, and write with a
 * pointer below 4 GiB), a far jump back.  RSP is kept in memory: 32-bit code has no
 * use of its upper half.
 */
long ia32_syscall3(long nr, long a, long b, long c);
asm(".pushsection .text\n"
    "ia32_syscall3:\n"
    "	push %rbx\n"
    "	push %rbp\n"
    "	mov %rsp, ia32_saved_rsp(%rip)\n"
    "	mov %rdi, %rax\n"
    "	mov %rsi, %rbx\n"
    "	xchg %rdx, %rcx\n"		/* ia32: %ebx, %ecx, %edx */
    "	ljmpl *ia32_target(%rip)\n"
    ".code32\n"
    "1:	int $0x80\n"
    "	ljmp $0x33, $2f\n"
    ".code64\n"
    "2:	mov ia32_saved_rsp(%rip), %rsp\n"
    "	pop %rbp\n"
    "	pop %rbx\n"
    "	movslq %eax, %rax\n"
    "	ret\n"
    ".popsection\n"
    ".pushsection .data\n"
    "ia32_target: .long 1b\n"
    ".globl ia32_target_cs\n"
    "ia32_target_cs: .word 0x23\n"
    "ia32_saved_rsp: .quad 0\n"
    ".popsection\n");

static char ia32_text[] = "through int 0x80";
extern unsigned short ia32_target_cs;

/*
 * 32-bit code in an LDT code segment of its own (modify_ldt with
 * contents 2; Linux takes only data segments as TLS), far-jumped to as
 * any 32-bit CS: the kernel must return to it after INT $0x80.  The
 * entry is cleared again afterwards.
 */
static const char *ia32_ldt_code_segment(void)
{
	struct user_desc d = {
		.entry_number = 1, .limit = 0xfffff, .seg_32bit = 1,
		.contents = 2 /* code */, .limit_in_pages = 1, .useable = 1,
	};
	const char *why = NULL;

	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
		return "modify_ldt of a code segment failed";
	ia32_target_cs = 1 << 3 | 7;
	if (ia32_syscall3(20 /* getpid */, 0, 0, 0) != getpid())
		why = "getpid from an LDT code segment gave another pid";
	ia32_target_cs = 0x23;
	d = (struct user_desc) { .entry_number = 1, .read_exec_only = 1,
				 .seg_not_present = 1 };
	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
		why = "clearing the LDT entry failed";
	return why;
}

static const char *ia32_int80(void)
{
	char buf[32] = "";
	const char *why;
	int fd[2];
	long n;

	if (ia32_syscall3(20 /* getpid */, 0, 0, 0) != getpid())
		return "32-bit getpid gave another pid";
	why = ia32_ldt_code_segment();
	if (why)
		return why;
	if (pipe(fd))
		return "pipe failed";
	n = ia32_syscall3(4 /* write */, fd[1], (long)ia32_text, sizeof(ia32_text));
	if (n != sizeof(ia32_text) || read(fd[0], buf, sizeof(buf)) != n ||
	    strcmp(buf, ia32_text)) {
		printf("  32-bit write returned %ld\n", n);
		return "32-bit write did not reach the pipe";
	}
	close(fd[0]);
	close(fd[1]);
	return NULL;
}

/*
 * A 32-bit program: an ELF32 image written to /tmp and run.  It pushes
 * and pops on its own stack below 4 GiB, calls getpid and exits with 42,
 * all with INT $0x80: the kernel must load it and enter and leave 32-bit
 * user mode.
 */
static const char *ia32_exec(void)
{
	static const unsigned char code[] = {
		0xbb, 42, 0, 0, 0,		/* mov $42, %ebx */
		0x53,				/* push %ebx */
		0xb8, 20, 0, 0, 0,		/* mov $20, %eax: getpid */
		0xcd, 0x80,			/* int $0x80 */
		0x5b,				/* pop %ebx */
		0xb8, 1, 0, 0, 0,		/* mov $1, %eax: exit */
		0xcd, 0x80,			/* int $0x80 */
	};
	const unsigned int base = 0x08048000, hdrs = sizeof(Elf32_Ehdr) + sizeof(Elf32_Phdr);
	unsigned char image[256] = { 0 };
	Elf32_Ehdr *eh = (Elf32_Ehdr *)image;
	Elf32_Phdr *ph = (Elf32_Phdr *)(image + sizeof(*eh));
	const char *path = "/tmp/pvtest-ia32";
	int status;
	pid_t pid;
	FILE *f;

	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_386;
	eh->e_version = EV_CURRENT;
	eh->e_entry = base + hdrs;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_vaddr = ph->p_paddr = base;
	ph->p_filesz = ph->p_memsz = hdrs + sizeof(code);
	ph->p_flags = PF_R | PF_X;
	ph->p_align = 4096;
	memcpy(image + hdrs, code, sizeof(code));

	f = fopen(path, "w");
	if (!f || fwrite(image, 1, hdrs + sizeof(code), f) != hdrs + sizeof(code) ||
	    fclose(f) || chmod(path, 0755))
		return "cannot write the 32-bit program";
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (!pid) {
		execl(path, path, (char *)NULL);
		_exit(errno == ENOEXEC ? 98 : 99);
	}
	if (waitpid(pid, &status, 0) != pid)
		return "waitpid failed";
	unlink(path);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 42)
		return NULL;
	printf("  32-bit program: %s %d\n",
	       WIFSIGNALED(status) ? "killed by signal" : "exit status",
	       WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
	return "the 32-bit program did not run to its exit(42)";
}

static volatile unsigned int seg_marker[2] = { 0x5e6a0001, 0x5e6a0002 };

/* A data segment of 4 KiB at @base, as modify_ldt() or set_thread_area() take it. */
static struct user_desc data_segment(int entry, const volatile void *base)
{
	return (struct user_desc) {
		.entry_number = entry,
		.base_addr = (unsigned int)(unsigned long)base,
		.limit = 0xfff,
		.seg_32bit = 1,
		.contents = 0,		/* data */
		.useable = 1,
	};
}

static unsigned int gs_read(void)
{
	unsigned int v;

	asm volatile("movl %%gs:0, %0" : "=r" (v));
	return v;
}

static void gs_load(unsigned int sel)
{
	asm volatile("mov %0, %%gs" : : "r" (sel));
}

/*
 * Each process reads its own marker through GS while the other runs:
 * 200 rounds of sched_yield() switch between them (and between their
 * LDTs or TLS descriptors).  Returns the number of wrong reads.
 */
static int gs_rounds(unsigned int want)
{
	int i, bad = 0;

	for (i = 0; i < 200; i++) {
		sched_yield();
		bad += gs_read() != want;
	}
	return bad;
}

/*
 * @setup(0) in a child, @setup(1) in its child: each then reads its own
 * marker through GS while the other runs.  NULL when both read right.
 */
static const char *two_segment_processes(int (*setup)(int which), const char *what)
{
	static char why[96];
	int status, bad;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return "fork failed";
	if (!pid) {
		pid_t gc;
		int gbad;

		/* Child: marker 0; its own child: marker 1, set after the fork. */
		if (setup(0))
			_exit(100);
		gc = fork();
		if (gc < 0)
			_exit(101);
		if (!gc)
			_exit(setup(1) ? 102 : gs_rounds(seg_marker[1]) ? 103 : 0);
		gbad = gs_rounds(seg_marker[0]);
		if (waitpid(gc, &status, 0) != gc || !WIFEXITED(status))
			_exit(104);
		_exit(gbad ? 105 : WEXITSTATUS(status));
	}
	if (waitpid(pid, &status, 0) != pid)
		return "waitpid failed";
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return NULL;
	bad = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
	snprintf(why, sizeof(why), "%s: %s", what,
		 bad == 100 || bad == 102 ? "the kernel refused the segment" :
		 bad == 103 || bad == 105 ? "a process read through another's segment" :
		 bad < 0 ? "a process died of a signal" : "fork or wait failed");
	return why;
}

static int ldt_setup(int which)
{
	struct user_desc d = data_segment(0, &seg_marker[which]);
	unsigned int limit = 0;

	if (syscall(SYS_modify_ldt, 1, &d, sizeof(d)))
		return 1;
	asm volatile("lsl %1, %0" : "+r" (limit) : "r" (0x7));
	if (limit != 0xfff)
		return 1;
	gs_load(0x7);			/* LDT entry 0, RPL 3 */
	return gs_read() != seg_marker[which];
}

/* modify_ldt(): an LDT per process, used through GS across switches. */
static const char *ldt_segments(void)
{
	return two_segment_processes(ldt_setup, "LDT");
}

static int tls_setup(int which)
{
	/* A fixed entry: the second process changes the one it inherited. */
	static struct user_desc d;
	long r;

	d = data_segment(which ? 12 : -1, &seg_marker[which]);
	r = ia32_syscall3(243 /* set_thread_area */, (long)&d, 0, 0);
	if (r || d.entry_number != 12)
		return 1;
	gs_load(12 * 8 + 3);
	return gs_read() != seg_marker[which];
}

/* set_thread_area(): 32-bit TLS descriptors per process, through GS. */
static const char *tls_segments(void)
{
	return two_segment_processes(tls_setup, "TLS");
}

int main(void)
{
	result("fork-exec-wait", fork_exec());
	result("signal-altstack-sigreturn", signals());
	result("pipe", pipes());
	result("pthreads-futex-tls", threads());
	result("arch_prctl-fs", tls_arch_prctl());
	result("mmap-mprotect-munmap-sigsegv", memory_protection());
	result("copy-on-write", copy_on_write());
	result("address-spaces-ring-of-12", address_spaces());
	result("proc-sys", proc_and_sys());
	result("clock-nanosleep", clocks_and_sleep());
	result("vdso-clock-gettime", vdso_clock());
	result("wall-clock", wall_clock());
	result("touch-64MiB", touch_64m());
	result("ptrace-single-step", ptrace_single_step());
	result("cpuid-user-sees-kernel-cpu", cpuid_model());
	result("avx-state-per-process", vector_state());
	result("wrpkru-sigill-kernel-survives", pkru_denied());
	result("pte-munmap", pte_munmap());
	result("pte-mremap", pte_mremap());
	result("pte-madvise-dontneed", pte_madv_dontneed());
	result("pte-thp-madvise-dontneed", pte_thp_dontneed());
	result("pte-madvise-free", pte_madv_free());
	result("pte-mprotect", pte_mprotect());
	result("pte-cow-parent-writes", pte_cow_parent_first());
	result("syscalls-exist", syscalls_exist());
	result("fsgsbase-context-switch", fsgsbase_switch());
	result("vdso-getcpu", vdso_getcpu());
	result("far-ret-iret", far_transfers());
	result("ia32-int80", ia32_int80());
	result("ia32-exec", ia32_exec());
	result("modify-ldt-per-process", ldt_segments());
	result("set-thread-area-per-process", tls_segments());
	result("hostile-user-state", torture());
	printf("pvtest: %d failed\n", failures);
	return failures;
}
