// SPDX-License-Identifier: GPL-2.0
/*
 * pvbench: lmbench-style microbenchmarks, run the same way natively in the
 * host VM and inside a pv guest (scripts/bench, make bench).
 *
 *   pvbench micro RUNS      every microbenchmark, RUNS times each
 *   pvbench macro SECONDS   the mixed workload until SECONDS have passed
 *   pvbench macro-n N       the mixed workload, N rounds
 *   pvbench cc-n N          the compile macro (/cc/build), N rounds
 *   pvbench smp RUNS        the two-CPU benchmarks (CPUs 0 and 1), RUNS times
 *
 * Output, one fact per line, for scripts/bench to collect:
 *   BENCH name unit value          one run of a microbenchmark
 *   EXITS name counter per-op      pv guest only: exits per operation
 *   MACRO rounds N seconds S
 *   MACROCC rounds N seconds S
 * Each run times enough iterations to last about RUN_NS with
 * clock_gettime(CLOCK_MONOTONIC).  In a pv guest, the host's exit counts
 * (/sys/kernel/pv/exit_counts) are read around one extra run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <linux/membarrier.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUN_NS		200000000L	/* one run: about 0.2 s */
#define FAULT_PAGES	256		/* pages per mapping in page-fault */
#define COUNTS_PATH	"/sys/kernel/pv/exit_counts"
#define MAX_COUNTERS	96

static char self[4096];
static char page_buf[4096];
static int zero_fd;

static long now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "pvbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* --- the operations: each does its operation @n times */

static void op_getppid(long n)
{
	while (n--)
		getppid();
}

static void op_read_zero(long n)
{
	while (n--)
		if (read(zero_fd, page_buf, sizeof(page_buf)) != sizeof(page_buf))
			die("read /dev/zero");
}

/* One operation: the first touch of one fresh anonymous page. */
static void op_page_fault(long n)
{
	long page = sysconf(_SC_PAGESIZE), i, chunk;

	for (; n > 0; n -= chunk) {
		char *p;

		chunk = n < FAULT_PAGES ? n : FAULT_PAGES;
		p = mmap(NULL, chunk * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			die("mmap");
		for (i = 0; i < chunk; i++)
			p[i * page] = 1;
		munmap(p, chunk * page);
	}
}

static void wait_child(pid_t pid)
{
	int status;

	if (pid < 0)
		die("fork");
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		die("child");
}

static void op_fork_exit(long n)
{
	while (n--) {
		pid_t pid = fork();

		if (!pid)
			_exit(0);
		wait_child(pid);
	}
}

static void op_fork_exec(long n)
{
	while (n--) {
		pid_t pid = fork();

		if (!pid) {
			execl(self, self, "exit", (char *)NULL);
			_exit(127);
		}
		wait_child(pid);
	}
}

/* One operation: one switch, half a round trip between two processes. */
static void op_pipe_switch(long n)
{
	int ping[2], pong[2];
	char c = 0;
	pid_t pid;

	if (pipe(ping) || pipe(pong))
		die("pipe");
	pid = fork();
	if (!pid) {
		while (read(ping[0], &c, 1) == 1 && c)
			if (write(pong[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	for (n = (n + 1) / 2; n > 0; n--) {
		c = 1;
		if (write(ping[1], &c, 1) != 1 || read(pong[0], &c, 1) != 1)
			die("pipe round trip");
	}
	c = 0;
	if (write(ping[1], &c, 1) != 1)
		die("pipe");
	wait_child(pid);
	close(ping[0]);
	close(ping[1]);
	close(pong[0]);
	close(pong[1]);
}

static void op_mmap_1m(long n)
{
	while (n--) {
		void *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED)
			die("mmap");
		munmap(p, 1 << 20);
	}
}

static volatile long signals_handled;

static void on_usr1(int sig __attribute__((unused)))
{
	signals_handled++;
}

static void op_signal(long n)
{
	while (n--)
		raise(SIGUSR1);
}

static void op_clock_gettime(long n)
{
	struct timespec t;

	while (n--)
		clock_gettime(CLOCK_MONOTONIC, &t);
}

static void op_nanosleep0(long n)
{
	struct timespec zero = { 0, 0 };

	while (n--)
		nanosleep(&zero, NULL);
}

/* exec alone: a child that execs itself @n times over, then exits. */
static void op_exec(long n)
{
	char count[24];
	pid_t pid;

	snprintf(count, sizeof(count), "%ld", n);
	pid = fork();
	if (!pid) {
		execl(self, self, "exec-chain", count, (char *)NULL);
		_exit(127);
	}
	wait_child(pid);
}

static void op_sh_true(long n)
{
	while (n--) {
		pid_t pid = fork();

		if (!pid) {
			execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
			_exit(127);
		}
		wait_child(pid);
	}
}

/* Files in a directory of our own (bench_dir, made by main()). */
static char bench_dir[64], bench_file[96], mapped_file[96];

static void op_open_close(long n)
{
	while (n--) {
		int fd = open(bench_file, O_RDONLY);

		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void op_stat(long n)
{
	struct stat st;

	while (n--)
		if (stat(bench_file, &st))
			die("stat");
}

/* Create, write @bytes, close, delete. */
static void create_delete(long n, size_t bytes)
{
	static char data[10240];
	char path[128];

	snprintf(path, sizeof(path), "%s/new", bench_dir);
	while (n--) {
		int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

		if (fd < 0)
			die("create");
		if (bytes && write(fd, data, bytes) != (ssize_t)bytes)
			die("write");
		close(fd);
		if (unlink(path))
			die("unlink");
	}
}

static void op_create_delete_0k(long n)
{
	create_delete(n, 0);
}

static void op_create_delete_10k(long n)
{
	create_delete(n, 10240);
}

/* One operation: the first read of one page of a file mapping. */
static void op_file_fault(long n)
{
	long page = sysconf(_SC_PAGESIZE), i, chunk;
	volatile char sink;
	int fd = open(mapped_file, O_RDONLY);

	if (fd < 0)
		die("open the mapped file");
	for (; n > 0; n -= chunk) {
		char *p;

		chunk = n < FAULT_PAGES ? n : FAULT_PAGES;
		p = mmap(NULL, chunk * page, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED)
			die("mmap the file");
		for (i = 0; i < chunk; i++)
			sink = p[i * page];
		munmap(p, chunk * page);
	}
	(void)sink;
	close(fd);
}

/* One operation: a byte there and back over an AF_UNIX stream socket. */
static void op_unix_round_trip(long n)
{
	int sv[2];
	char c = 1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		die("socketpair");
	pid = fork();
	if (!pid) {
		close(sv[0]);
		while (read(sv[1], &c, 1) == 1 && c)
			if (write(sv[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(sv[1]);
	while (n--) {
		c = 1;
		if (write(sv[0], &c, 1) != 1 || read(sv[0], &c, 1) != 1)
			die("AF_UNIX round trip");
	}
	c = 0;
	if (write(sv[0], &c, 1) != 1)
		die("AF_UNIX");
	wait_child(pid);
	close(sv[0]);
}

/* The loopback interface up (a bare init leaves it down): 0 or -1. */
static int loopback_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), ret = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		ret = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return ret;
}

/* One operation: a byte there and back over TCP on 127.0.0.1. */
static void op_tcp_round_trip(long n)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	int lfd, fd, one = 1;
	char c = 1;
	pid_t pid;

	if (loopback_up())
		die("loopback up");
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) ||
	    listen(lfd, 1) || getsockname(lfd, (struct sockaddr *)&addr, &len))
		die("TCP listen");
	pid = fork();
	if (!pid) {
		int cfd = accept(lfd, NULL, NULL);

		if (cfd < 0)
			_exit(1);
		setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		while (read(cfd, &c, 1) == 1 && c)
			if (write(cfd, &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(lfd);
	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)))
		die("TCP connect");
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (n--) {
		c = 1;
		if (write(fd, &c, 1) != 1 || read(fd, &c, 1) != 1)
			die("TCP round trip");
	}
	c = 0;
	if (write(fd, &c, 1) != 1)
		die("TCP");
	wait_child(pid);
	close(fd);
}

static void *thread_nothing(void *arg)
{
	return arg;
}

static void op_thread_create_join(long n)
{
	pthread_t t;

	while (n--) {
		if (pthread_create(&t, NULL, thread_nothing, NULL))
			die("pthread_create");
		pthread_join(t, NULL);
	}
}

/*
 * The control row: arithmetic in registers, no system call, no memory
 * beyond the stack; pv and native must run it at the same speed.
 */
static void op_cpu_only(long n)
{
	unsigned long x = 88172645463325252UL;

	while (n--) {
		int i;

		for (i = 0; i < 100; i++) {	/* xorshift64 */
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
		}
		asm volatile("" : "+r" (x));
	}
}

struct bench {
	const char *name;
	void (*op)(long n);
};

static const struct bench benches[] = {
	{ "null-syscall",	op_getppid },
	{ "read-dev-zero-4k",	op_read_zero },
	{ "page-fault",		op_page_fault },
	{ "fork-exit-wait",	op_fork_exit },
	{ "fork-exec-wait",	op_fork_exec },
	{ "pipe-ctx-switch",	op_pipe_switch },
	{ "mmap-munmap-1m",	op_mmap_1m },
	{ "signal-deliver",	op_signal },
	{ "clock-gettime",	op_clock_gettime },
	{ "nanosleep-0",	op_nanosleep0 },
	{ "exec",		op_exec },
	{ "sh-c-true",		op_sh_true },
	{ "open-close",		op_open_close },
	{ "stat",		op_stat },
	{ "create-delete-0k",	op_create_delete_0k },
	{ "create-delete-10k",	op_create_delete_10k },
	{ "file-page-fault",	op_file_fault },
	{ "unix-round-trip",	op_unix_round_trip },
	{ "tcp-round-trip",	op_tcp_round_trip },
	{ "thread-create-join",	op_thread_create_join },
	{ "cpu-only-100",	op_cpu_only },
};

/* --- exit counts (pv guest only) */

struct counts {
	int n;
	char name[MAX_COUNTERS][48];
	unsigned long long value[MAX_COUNTERS];
};

static int read_counts(struct counts *c)
{
	FILE *f = fopen(COUNTS_PATH, "r");

	c->n = 0;
	if (!f)
		return -1;
	while (c->n < MAX_COUNTERS &&
	       fscanf(f, "%47s %llu", c->name[c->n], &c->value[c->n]) == 2)
		c->n++;
	fclose(f);
	return 0;
}

/* What reading the counts costs in counts, taken off every delta. */
static struct counts reading_cost;

/* @c's value of the counter @name, 0 if it has none (matched by name). */
static unsigned long long count_of(const struct counts *c, const char *name)
{
	int i;

	for (i = 0; i < c->n; i++)
		if (!strcmp(c->name[i], name))
			return c->value[i];
	return 0;
}

static void counts_delta(struct counts *d, const struct counts *a,
			 const struct counts *b)
{
	int i;

	*d = *b;
	for (i = 0; i < d->n; i++)
		d->value[i] = b->value[i] - count_of(a, b->name[i]);
}

static void print_exits(const char *name, long n, const struct counts *d)
{
	int i;

	for (i = 0; i < d->n; i++) {
		long long v = d->value[i] - count_of(&reading_cost, d->name[i]);
		double per_op = (double)(v > 0 ? v : 0) / n;

		if (per_op >= 0.005)
			printf("EXITS %s %s %.2f\n", name, d->name[i], per_op);
	}
}

/* --- running */

static long iterations_for(const struct bench *b)
{
	long n = 1, t;

	for (;;) {
		t = now_ns();
		b->op(n);
		t = now_ns() - t;
		if (t >= RUN_NS / 8 || n >= 1L << 30)
			break;
		n *= 2;
	}
	n = (long)((double)n * RUN_NS / (t > 0 ? t : 1));
	return n > 0 ? n : 1;
}

/*
 * Each benchmark of @table, @runs times, then (in a pv guest, @pv) once
 * more between two readings of the exit counts.
 */
static void run_table(const struct bench *table, unsigned int n, int runs,
		      int pv)
{
	struct counts a, b, d;
	unsigned int i;
	int r;

	for (i = 0; i < n; i++) {
		const struct bench *b_ = &table[i];
		long iters = iterations_for(b_), t;

		for (r = 0; r < runs; r++) {
			t = now_ns();
			b_->op(iters);
			t = now_ns() - t;
			printf("BENCH %s ns %.1f\n", b_->name, (double)t / iters);
			fflush(stdout);
		}
		if (pv) {
			read_counts(&a);
			b_->op(iters);
			read_counts(&b);
			counts_delta(&d, &a, &b);
			print_exits(b_->name, iters, &d);
			fflush(stdout);
		}
	}
}

/* Whether exit counts can be read (a pv guest), and their own cost. */
static int counts_setup(void)
{
	struct counts a, b;

	if (read_counts(&a))
		return 0;
	read_counts(&b);
	counts_delta(&reading_cost, &a, &b);
	return 1;
}

static void micro(int runs)
{
	run_table(benches, sizeof(benches) / sizeof(benches[0]), runs,
		  counts_setup());
}

/*
 * What interrupts take from a busy loop: over one second, every gap
 * between two clock readings longer than 20 times the shortest is time
 * the loop lost (mostly the timer tick and whatever it wakes).
 */
static void timer_loss(int runs, int pv)
{
	long start, last, t, gap, min_gap, lost;
	struct counts a, b, d;
	int r;

	for (r = 0; r < runs; r++) {
		min_gap = 1L << 40;
		lost = 0;
		start = last = now_ns();
		while ((t = now_ns()) - start < 1000000000L) {
			gap = t - last;
			if (gap < min_gap)
				min_gap = gap;
			last = t;
		}
		if (pv)
			read_counts(&a);
		start = last = now_ns();
		while ((t = now_ns()) - start < 1000000000L) {
			gap = t - last;
			if (gap > 20 * min_gap + 1000)
				lost += gap - min_gap;
			last = t;
		}
		/* Read before the line below is written: its write is an exit. */
		if (pv)
			read_counts(&b);
		printf("BENCH busy-loop-lost us/s %.1f\n", lost / 1000.0);
		/*
		 * In a pv guest, once: the exits of the one second of the
		 * loop, by kind; scripts/bench divides them by the lines
		 * delivered (nearly all of them the timer tick): what a tick
		 * costs.
		 */
		if (pv && r == runs - 1) {
			counts_delta(&d, &a, &b);
			print_exits("busy-loop-lost", 1, &d);
		}
		fflush(stdout);
	}
}

/* The mixed workload: CPU-bound tools and the processes that run them. */
static void macro_round(void)
{
	pid_t pid = fork();

	if (!pid) {
		execl("/bin/sh", "sh", "-c",
		      "seq 1 20000 | sort -rn | md5sum > /dev/null;"
		      "seq 1 5000 | gzip -c | gzip -dc | wc -l > /dev/null;"
		      "i=0; while [ $i -lt 200 ]; do i=$((i + 1)); done",
		      (char *)NULL);
		_exit(127);
	}
	wait_child(pid);
}

/* The compile macro: /cc/build (tests/bench/cc-build) once. */
static void cc_round(void)
{
	pid_t pid = fork();

	if (!pid) {
		execl("/bin/sh", "sh", "/cc/build", (char *)NULL);
		_exit(127);
	}
	wait_child(pid);
}

/* --- two CPUs: CPU 0 runs the benchmark, a helper thread CPU 1 */

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

static atomic_int helper_stop, turn;

/* A thread of ours spinning on CPU 1: IPIs and flushes have a target. */
static void *spinner(void *arg __attribute__((unused)))
{
	pin(1);
	while (!atomic_load(&helper_stop))
		;
	return NULL;
}

static pthread_t helper;

static void helper_start(void *(*fn)(void *))
{
	atomic_store(&helper_stop, 0);
	if (pthread_create(&helper, NULL, fn, NULL))
		die("pthread_create");
}

static void helper_end(void)
{
	atomic_store(&helper_stop, 1);
	pthread_join(helper, NULL);
}

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* The other side of the ping-pong, on CPU 1: odd turns are its. */
static void *ponger(void *arg __attribute__((unused)))
{
	int v;

	pin(1);
	for (;;) {
		while (!((v = atomic_load(&turn)) & 1)) {
			if (atomic_load(&helper_stop))
				return NULL;
			futex(&turn, FUTEX_WAIT, v);
		}
		atomic_store(&turn, v + 1);
		futex(&turn, FUTEX_WAKE, 1);
	}
}

/* A futex round trip between two threads on two CPUs. */
static void op_futex_pingpong(long n)
{
	int v;

	atomic_store(&turn, 0);
	helper_start(ponger);
	while (n--) {
		v = atomic_load(&turn);
		atomic_store(&turn, v + 1);
		futex(&turn, FUTEX_WAKE, 1);
		while ((v = atomic_load(&turn)) & 1)
			futex(&turn, FUTEX_WAIT, v);
	}
	atomic_store(&helper_stop, 1);
	atomic_fetch_add(&turn, 2);
	futex(&turn, FUTEX_WAKE, 1);
	pthread_join(helper, NULL);
}

/* An IPI to the other CPU and the wait for it: membarrier. */
static void op_membarrier_ipi(long n)
{
	helper_start(spinner);
	while (n--)
		if (syscall(SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0))
			die("membarrier");
	helper_end();
}

static char *shoot_page;

/* A write-protect the other CPU must see: one TLB shootdown each. */
static void op_tlb_shootdown(long n)
{
	helper_start(spinner);
	while (n--) {
		shoot_page[0]++;
		if (mprotect(shoot_page, 4096, PROT_READ) ||
		    mprotect(shoot_page, 4096, PROT_READ | PROT_WRITE))
			die("mprotect");
	}
	helper_end();
}

static const struct bench smp_benches[] = {
	{ "smp-futex-pingpong",	op_futex_pingpong },
	{ "smp-membarrier-ipi",	op_membarrier_ipi },
	{ "smp-tlb-shootdown",	op_tlb_shootdown },
};

static volatile unsigned long work_sink;

static void *work(void *arg)
{
	unsigned long i, x = (unsigned long)arg, n = 1UL << 26;

	for (i = 0; i < n; i++)
		x = x * 6364136223846793005UL + 1442695040888963407UL;
	work_sink = x;
	return NULL;
}

/* The same CPU-bound work once, then twice at once on two CPUs. */
static double parallel_speedup(void)
{
	pthread_t t;
	long one, two;

	pin(0);
	one = now_ns();
	work((void *)1);
	one = now_ns() - one;
	two = now_ns();
	if (pthread_create(&t, NULL, work, (void *)2))
		die("pthread_create");
	work((void *)3);
	pthread_join(t, NULL);
	two = now_ns() - two;
	return 2.0 * one / (two > 0 ? two : 1);
}

static void smp(int runs)
{
	int r;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2) {
		fprintf(stderr, "pvbench: smp wants two CPUs\n");
		exit(1);
	}
	shoot_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (shoot_page == MAP_FAILED ||
	    syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0))
		die("smp setup");
	pin(0);
	run_table(smp_benches, sizeof(smp_benches) / sizeof(smp_benches[0]),
		  runs, counts_setup());
	for (r = 0; r < runs; r++) {
		printf("BENCH smp-parallel-speedup x %.2f\n", parallel_speedup());
		fflush(stdout);
	}
}

/* The files the file benchmarks use, in a directory of their own. */
static void files_setup(void)
{
	long page = sysconf(_SC_PAGESIZE), i;
	int fd;

	mkdir("/tmp", 01777);	/* (a rootfs may have none) */
	snprintf(bench_dir, sizeof(bench_dir), "/tmp/pvbench.XXXXXX");
	if (!mkdtemp(bench_dir))
		die("mkdtemp");
	snprintf(bench_file, sizeof(bench_file), "%s/file", bench_dir);
	snprintf(mapped_file, sizeof(mapped_file), "%s/mapped", bench_dir);
	fd = open(bench_file, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		die("create the file");
	close(fd);
	fd = open(mapped_file, O_CREAT | O_WRONLY, 0600);
	if (fd < 0)
		die("create the mapped file");
	for (i = 0; i < FAULT_PAGES; i++)
		if (write(fd, page_buf, page) != page)
			die("write the mapped file");
	close(fd);
}

static void files_remove(void)
{
	unlink(bench_file);
	unlink(mapped_file);
	rmdir(bench_dir);
}

int main(int argc, char **argv)
{
	long t, rounds = 0;
	ssize_t len;

	if (argc == 2 && !strcmp(argv[1], "exit"))
		return 0;	/* fork-exec-wait's child */
	if (argc == 3 && !strcmp(argv[1], "exec-chain")) {	/* exec's */
		char count[24];

		t = atol(argv[2]);
		if (t <= 1)
			return 0;
		snprintf(count, sizeof(count), "%ld", t - 1);
		execl("/proc/self/exe", "pvbench", "exec-chain", count,
		      (char *)NULL);
		return 127;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: pvbench micro RUNS | macro SECONDS | macro-n N | cc-n N | smp RUNS\n");
		return 2;
	}
	len = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (len < 0)
		die("/proc/self/exe");
	self[len] = 0;
	zero_fd = open("/dev/zero", O_RDONLY);
	if (zero_fd < 0)
		die("/dev/zero");
	signal(SIGUSR1, on_usr1);
	if (!strcmp(argv[1], "micro")) {
		files_setup();
		micro(atoi(argv[2]));
		timer_loss(atoi(argv[2]), counts_setup());
		files_remove();
		return 0;
	}
	if (!strcmp(argv[1], "timer")) {	/* busy-loop-lost alone */
		timer_loss(atoi(argv[2]), counts_setup());
		return 0;
	}
	if (!strcmp(argv[1], "smp")) {
		smp(atoi(argv[2]));
		return 0;
	}
	if (!strcmp(argv[1], "macro")) {
		long limit = atol(argv[2]) * 1000000000L;

		t = now_ns();
		while (now_ns() - t < limit) {
			macro_round();
			rounds++;
		}
	} else if (!strcmp(argv[1], "cc-n")) {
		t = now_ns();
		for (rounds = atol(argv[2]); rounds > 0; rounds--)
			cc_round();
		printf("MACROCC rounds %ld seconds %.3f\n", atol(argv[2]),
		       (now_ns() - t) / 1e9);
		return 0;
	} else if (!strcmp(argv[1], "macro-n")) {
		t = now_ns();
		for (rounds = atol(argv[2]); rounds > 0; rounds--)
			macro_round();
		rounds = atol(argv[2]);
	} else {
		fprintf(stderr, "pvbench: unknown mode %s\n", argv[1]);
		return 2;
	}
	printf("MACRO rounds %ld seconds %.3f\n", rounds, (now_ns() - t) / 1e9);
	return 0;
}
