// SPDX-License-Identifier: GPL-2.0
/*
 * pvsmp: what an SMP guest must do as bare metal does, run inside the pv
 * Linux guest by tests/linux/pv-run when it has more than one CPU
 * (tests/host/linux-boot.t boots it with --smp 4).  Each case prints
 * PASS or FAIL and a reason; the last line is "pvsmp: N failed".
 *
 * One clock: CLOCK_MONOTONIC (the vDSO's pvclock) read on any CPU is never
 * behind a reading another CPU published before.
 *
 * Readers on other CPUs see an mprotect() or a munmap() at once: a read
 * after the call returned never goes through the old translation (the
 * pv TLB shootdown), and no read faults while the mapping is there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CPUS	64

static int failures, ncpus, no_steal;

static void result(const char *name, const char *why)
{
	if (why) {
		printf("FAIL %s: %s\n", name, why);
		failures++;
	} else {
		printf("PASS %s\n", name);
	}
	fflush(stdout);
}

static int pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* --- every CPU runs what is pinned to it */

static const char *pinned(void)
{
	unsigned int cpu, lsl;
	int i, n;

	for (i = 0; i < ncpus; i++) {
		if (pin(i))
			return "sched_setaffinity failed";
		for (n = 0; n < 1000; n++) {
			if (sched_getcpu() != i)
				return "a pinned thread ran on another CPU";
			if (syscall(SYS_getcpu, &cpu, NULL, NULL) || cpu != (unsigned int)i)
				return "getcpu() names another CPU";
			/* The vDSO's getcpu: the per-CPU segment's limit. */
			asm volatile("lsl %1, %0" : "=r" (lsl) : "r" (0x7b));
			if ((lsl & 0xfff) != (unsigned int)i)
				return "the CPUNODE segment names another CPU";
		}
	}
	return NULL;
}

/* --- TLB shootdowns: mprotect and munmap seen at once by other CPUs */

static volatile char *shared_page;
static atomic_int revoking, revoked, stop_readers, readers_ready;
static _Thread_local sigjmp_buf reader_jmp;
static _Thread_local volatile int reader_saw_revoked;
static atomic_int stale_reads, spurious_faults, faults_taken;

static void reader_segv(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	if ((void *)si->si_addr != (void *)shared_page)
		_exit(99);
	/* A fault before the mapping began to change. */
	if (!atomic_load(&revoking))
		atomic_fetch_add(&spurious_faults, 1);
	siglongjmp(reader_jmp, 1);
}

static void *reader(void *arg)
{
	int cpu = (int)(intptr_t)arg;

	pin(cpu);
	atomic_fetch_add(&readers_ready, 1);
	while (!atomic_load(&stop_readers)) {
		if (sigsetjmp(reader_jmp, 1)) {
			atomic_fetch_add(&faults_taken, 1);
			while (!atomic_load(&stop_readers))
				sched_yield();
			break;
		}
		reader_saw_revoked = atomic_load_explicit(&revoked, memory_order_acquire);
		(void)shared_page[0];
		/* Read after the revocation was announced, and it worked. */
		if (reader_saw_revoked) {
			atomic_fetch_add(&stale_reads, 1);
			while (!atomic_load(&stop_readers))
				sched_yield();
			break;
		}
	}
	return NULL;
}

/* @how: 0 mprotect(PROT_NONE), 1 munmap */
static const char *shootdown(int how, int rounds)
{
	struct sigaction sa = { .sa_sigaction = reader_segv, .sa_flags = SA_SIGINFO };
	pthread_t t[MAX_CPUS];
	int r, i;

	sigaction(SIGSEGV, &sa, NULL);
	for (r = 0; r < rounds; r++) {
		shared_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (shared_page == MAP_FAILED)
			return "mmap failed";
		shared_page[0] = 1;
		atomic_store(&revoking, 0);
		atomic_store(&revoked, 0);
		atomic_store(&stop_readers, 0);
		atomic_store(&readers_ready, 0);
		for (i = 1; i < ncpus; i++)
			pthread_create(&t[i], NULL, reader, (void *)(intptr_t)i);
		pin(0);
		while (atomic_load(&readers_ready) != ncpus - 1)
			sched_yield();
		/* Let them read a while: their TLBs hold the page. */
		usleep(2000);
		atomic_store(&revoking, 1);
		if (how)
			munmap((void *)shared_page, 4096);
		else
			mprotect((void *)shared_page, 4096, PROT_NONE);
		atomic_store_explicit(&revoked, 1, memory_order_release);
		usleep(2000);
		atomic_store(&stop_readers, 1);
		for (i = 1; i < ncpus; i++)
			pthread_join(t[i], NULL);
		if (!how)
			munmap((void *)shared_page, 4096);
	}
	signal(SIGSEGV, SIG_DFL);
	if (atomic_load(&stale_reads))
		return "a read after the call returned went through the old translation";
	if (atomic_load(&spurious_faults))
		return "a read faulted while the page was mapped";
	if (!atomic_load(&faults_taken))
		return "no reader ever faulted on the revoked page";
	return NULL;
}

static const char *mprotect_seen(void)
{
	return shootdown(0, 20);
}

static const char *munmap_seen(void)
{
	return shootdown(1, 20);
}

/* --- atomics and futexes across CPUs */

#define ADDS	200000
static atomic_long counter;

static void *adder(void *arg)
{
	int i;

	pin((int)(intptr_t)arg);
	for (i = 0; i < ADDS; i++)
		atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
	return NULL;
}

static const char *atomics(void)
{
	pthread_t t[MAX_CPUS];
	int i;

	for (i = 0; i < ncpus; i++)
		pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i);
	for (i = 0; i < ncpus; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&counter) == (long)ncpus * ADDS ? NULL :
	       "locked adds from every CPU were lost";
}

#define PINGS	2000
static atomic_int turn;

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static void *ponger(void *arg)
{
	int i, v;

	pin((int)(intptr_t)arg);
	for (i = 0; i < PINGS; i++) {
		while ((v = atomic_load(&turn)) != 2 * i + 1)
			futex(&turn, FUTEX_WAIT, v);
		atomic_store(&turn, 2 * i + 2);
		futex(&turn, FUTEX_WAKE, 1);
	}
	return NULL;
}

static const char *futex_pingpong(void)
{
	pthread_t t;
	int i, v;

	atomic_store(&turn, 0);
	pthread_create(&t, NULL, ponger, (void *)(intptr_t)(ncpus - 1));
	pin(0);
	for (i = 0; i < PINGS; i++) {
		atomic_store(&turn, 2 * i + 1);
		futex(&turn, FUTEX_WAKE, 1);
		while ((v = atomic_load(&turn)) != 2 * i + 2)
			futex(&turn, FUTEX_WAIT, v);
	}
	pthread_join(t, NULL);
	return NULL;
}

/* --- one clock: never backwards across CPUs, nor for a migrating thread */

static _Atomic long long clock_last;
static atomic_int clock_back, clock_stop;

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * A reading published by any CPU is never later than a reading taken
 * after it was seen, here.  @arg: the CPU, or -1 to hop between them.
 */
static void *clock_reader(void *arg)
{
	int cpu = (int)(intptr_t)arg, hop = 0;
	long long seen, t;

	if (cpu >= 0)
		pin(cpu);
	while (!atomic_load(&clock_stop)) {
		if (cpu < 0)
			pin(hop++ % ncpus);
		seen = atomic_load(&clock_last);
		t = mono_ns();
		if (t < seen)
			atomic_fetch_add(&clock_back, 1);
		while (t > seen && !atomic_compare_exchange_weak(&clock_last, &seen, t))
			;
	}
	return NULL;
}

static const char *clock_monotonic(void)
{
	pthread_t t[MAX_CPUS + 1];
	int i;

	atomic_store(&clock_last, 0);
	for (i = 0; i < ncpus; i++)
		pthread_create(&t[i], NULL, clock_reader, (void *)(intptr_t)i);
	pthread_create(&t[ncpus], NULL, clock_reader, (void *)(intptr_t)-1);
	sleep(2);
	atomic_store(&clock_stop, 1);
	for (i = 0; i <= ncpus; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&clock_back) ?
	       "CLOCK_MONOTONIC went backwards between CPUs" : NULL;
}

/* --- fork and copy-on-write from every CPU */

static const char *fork_cow(void)
{
	char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int i, status;
	pid_t pid;

	if (p == MAP_FAILED)
		return "mmap failed";
	for (i = 0; i < ncpus; i++) {
		pin(i);
		p[0] = 'P';
		pid = fork();
		if (pid < 0)
			return "fork failed";
		if (!pid) {
			/* The child moves to the next CPU and writes there. */
			pin((i + 1) % ncpus);
			if (p[0] != 'P')
				_exit(2);
			p[0] = 'C';
			usleep(1000);
			_exit(p[0] == 'C' ? 0 : 3);
		}
		usleep(500);
		if (p[0] != 'P')
			return "the child's write reached the parent";
		p[0] = 'Q';
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			return "the child saw the parent's page change";
	}
	munmap(p, 4096);
	return NULL;
}

/* --- mmap/munmap storms on every CPU at once */

static atomic_int storm_errors;

static void *stormer(void *arg)
{
	int cpu = (int)(intptr_t)arg, i;
	unsigned int seed = cpu;

	pin(cpu);
	for (i = 0; i < 400; i++) {
		size_t len = (1 + rand_r(&seed) % 16) * 4096;
		unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		size_t j;

		if (p == MAP_FAILED) {
			atomic_fetch_add(&storm_errors, 1);
			continue;
		}
		for (j = 0; j < len; j += 4096)
			p[j] = (unsigned char)(cpu + j);
		for (j = 0; j < len; j += 4096)
			if (p[j] != (unsigned char)(cpu + j))
				atomic_fetch_add(&storm_errors, 1);
		munmap(p, len);
	}
	return NULL;
}

static const char *mmap_storm(void)
{
	pthread_t t[MAX_CPUS];
	int i;

	for (i = 0; i < ncpus; i++)
		pthread_create(&t[i], NULL, stormer, (void *)(intptr_t)i);
	for (i = 0; i < ncpus; i++)
		pthread_join(t[i], NULL);
	return atomic_load(&storm_errors) ? "a page read back wrong" : NULL;
}

/* --- /proc/stat: time on every CPU, steal time under overcommit */

struct cpustat {
	unsigned long long user, system, steal;
};

/* cpu[-1] is the "cpu" total line; returns the CPUs found. */
static int read_stat(struct cpustat *cpu)
{
	unsigned long long v[10];
	char line[512];
	FILE *f = fopen("/proc/stat", "r");
	int n = 0, id;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "cpu", 3))
			continue;
		memset(v, 0, sizeof(v));
		if (line[3] == ' ') {
			id = -1;
			sscanf(line + 4, "%llu %llu %llu %llu %llu %llu %llu %llu",
			       &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7]);
		} else if (sscanf(line + 3, "%d %llu %llu %llu %llu %llu %llu %llu %llu",
				  &id, &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
				  &v[6], &v[7]) >= 9 && id < MAX_CPUS) {
			n++;
		} else {
			continue;
		}
		cpu[id].user = v[0];
		cpu[id].system = v[2];
		cpu[id].steal = v[7];
	}
	fclose(f);
	return n;
}

static atomic_int spin_stop;

static void *spinner(void *arg)
{
	pin((int)(intptr_t)arg);
	while (!atomic_load(&spin_stop))
		;
	return NULL;
}

static const char *proc_stat(void)
{
	struct cpustat before[MAX_CPUS + 1], after[MAX_CPUS + 1];
	pthread_t t[MAX_CPUS];
	static char why[96];
	int i;

	if (read_stat(before + 1) != ncpus)
		return "/proc/stat does not have a line for every CPU";
	atomic_store(&spin_stop, 0);
	for (i = 0; i < ncpus; i++)
		pthread_create(&t[i], NULL, spinner, (void *)(intptr_t)i);
	sleep(3);
	atomic_store(&spin_stop, 1);
	for (i = 0; i < ncpus; i++)
		pthread_join(t[i], NULL);
	read_stat(after + 1);
	/*
	 * Busy time shows as user time, or as steal where the host ran
	 * something else meanwhile: a tick whose length was all stolen
	 * counts as steal only (account_process_tick()), which with four
	 * vCPUs on one host CPU is most ticks.
	 */
	for (i = 0; i < ncpus; i++) {
		if (after[i + 1].user + after[i + 1].steal <=
		    before[i + 1].user + before[i + 1].steal) {
			snprintf(why, sizeof(why), "CPU %d's user and steal time did not grow", i);
			return why;
		}
	}
	printf("  steal: %llu ticks over 3 s of %d busy CPUs\n",
	       after[0].steal - before[0].steal, ncpus);
	if (no_steal) {
		printf("  the host keeps no steal time (pvsmp.nosteal): not checked\n");
		return NULL;
	}
	if (after[0].steal <= before[0].steal)
		return "no steal time while the vCPUs outnumber the host's CPUs";
	return NULL;
}

/* --- CPU hotplug */

static int set_online(int cpu, int on)
{
	char path[64];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%d\n", on) > 0;
	return fclose(f) == 0 && ok ? 0 : -1;
}

static const char *hotplug(void)
{
	int cpu = ncpus - 1, round;

	for (round = 0; round < 3; round++) {
		if (set_online(cpu, 0))
			return "taking the last CPU offline failed";
		if (sysconf(_SC_NPROCESSORS_ONLN) != ncpus - 1)
			return "the CPU is still online";
		if (!pin(cpu))
			return "a thread could be pinned to an offline CPU";
		if (set_online(cpu, 1))
			return "bringing the CPU back failed";
		if (sysconf(_SC_NPROCESSORS_ONLN) != ncpus)
			return "the CPU did not come back";
		if (pin(cpu) || sched_getcpu() != cpu)
			return "the CPU that came back does not run threads";
	}
	if (set_online(0, 0) == 0)
		return "CPU 0 went offline";
	return NULL;
}

/* --- device interrupts follow smp_affinity */

/* The count of IRQ @irq on CPU @cpu in /proc/interrupts, or -1. */
static long irq_count(int irq, int cpu)
{
	char line[1024], *p;
	FILE *f = fopen("/proc/interrupts", "r");
	long v = -1;
	int i;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strtol(line, &p, 10) != irq || *p != ':')
			continue;
		p++;
		for (i = 0; i <= cpu; i++)
			v = strtol(p, &p, 10);
		break;
	}
	fclose(f);
	return v;
}

static const char *irq_affinity(void)
{
	int cpu = ncpus - 1, irqs[64], n = 0, fd, i;
	char line[1024], path[64], buf[64];
	long before = 0, after = 0;
	FILE *f;

	/* Every virtio line moves to the last CPU; reading /dev/hwrng fires one. */
	f = fopen("/proc/interrupts", "r");
	if (!f)
		return "no /proc/interrupts";
	while (fgets(line, sizeof(line), f) && n < 64)
		if (strstr(line, "pv-line") && strstr(line, "virtio"))
			irqs[n++] = atoi(line);
	fclose(f);
	fd = open("/dev/hwrng", O_RDONLY);
	if (!n || fd < 0) {
		printf("  no virtio-rng interrupt to move: not checked\n");
		return NULL;
	}
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/irq/%d/smp_affinity_list", irqs[i]);
		f = fopen(path, "w");
		if (!f || fprintf(f, "%d\n", cpu) < 0 || fclose(f))
			return "smp_affinity_list cannot be written";
		before += irq_count(irqs[i], cpu);
	}
	for (i = 0; i < 16; i++)
		if (read(fd, buf, sizeof(buf)) <= 0)
			return "reading /dev/hwrng failed";
	close(fd);
	for (i = 0; i < n; i++)
		after += irq_count(irqs[i], cpu);
	if (after <= before)
		return "the interrupt did not arrive on the CPU its affinity names";
	return NULL;
}

int main(void)
{
	double t0 = now();

	char cmdline[4096] = "";
	FILE *f = fopen("/proc/cmdline", "r");

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	no_steal = strstr(cmdline, "pvsmp.nosteal") != NULL;
	ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	printf("pvsmp: %d CPUs\n", ncpus);
	if (ncpus < 2 || ncpus > MAX_CPUS) {
		printf("pvsmp: needs 2 to %d CPUs\n", MAX_CPUS);
		return 1;
	}
	result("smp-pinned-threads", pinned());
	result("smp-mprotect-seen-by-all", mprotect_seen());
	result("smp-munmap-seen-by-all", munmap_seen());
	result("smp-atomics", atomics());
	result("smp-futex-pingpong", futex_pingpong());
	result("smp-clock-monotonic", clock_monotonic());
	result("smp-fork-cow", fork_cow());
	result("smp-mmap-storm", mmap_storm());
	result("smp-proc-stat-steal", proc_stat());
	result("smp-cpu-hotplug", hotplug());
	result("smp-irq-affinity", irq_affinity());
	printf("pvsmp: %d failed (%.1f s)\n", failures, now() - t0);
	return failures != 0;
}
