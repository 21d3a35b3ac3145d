// SPDX-License-Identifier: GPL-2.0
/*
 * pvfuzz: a hostile launcher.  Drives /dev/pvhost with random sequences of
 * calls and random arguments from several threads at once: VMs and vCPUs
 * created and closed at random (several of each alive at a time), memory
 * slots over memory that is then unmapped or remapped, eventfds tied and
 * closed, registers and page tables set to garbage and PV_RUN on whatever
 * results (a timer signal ends runs that never exit), run pages mapped,
 * scribbled on and unmapped, fds inherited by forked children (where every
 * call must fail with EPERM), and ioctl numbers nobody defined.
 *
 * Usage: pvfuzz [-n CALLS] [-s SEED] [-t THREADS]
 *
 * The host must survive it: no crash, no report in its dmesg, nothing left
 * pinned or allocated once the fds are closed (scripts/hostvm checks the
 * dmesg and that the module unloads; kmemleak on the debug host).  pvfuzz
 * itself fails (exit 1) only when a forked child could use an inherited fd
 * or /dev/pvhost stops answering.  It prints what it did: calls, calls a
 * second, and how the calls ended, errno by errno.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <pv/abi.h>
#include <pv/pvhost.h>

#define NR_VMS		4	/* alive at a time, per table */
#define NR_VCPUS	4	/* per VM, tracked */
#define NR_EFDS		8
#define NR_REGIONS	8
#define REGION_MAX	(64UL * 4096)	/* a slot's memory: at most 256 KiB */
#define NR_ERRNO	160

struct region {
	char *addr;		/* NULL: none */
	size_t size;
};

/* What every thread shares: the fds alive, guarded by @lock. */
static struct {
	pthread_mutex_t lock;
	int sys;
	int vm[NR_VMS];
	int vcpu[NR_VMS][NR_VCPUS];
	struct pv_run *run[NR_VMS][NR_VCPUS];
	int efd[NR_EFDS];
	struct region region[NR_REGIONS];
} t = { .lock = PTHREAD_MUTEX_INITIALIZER };

static atomic_long calls, budget, runs, forks, vms_made, vcpus_made;
static atomic_long ends[NR_ERRNO + 1];	/* [0]: success, [NR_ERRNO]: other */
static atomic_int failed;

/* xorshift, one state per thread */
static _Thread_local uint64_t rs;

static uint64_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return rs;
}

static unsigned int pick(unsigned int n)
{
	return n ? rnd() % n : 0;
}

/* An argument that a bug would like: 0, -1, small, huge, a boundary. */
static uint64_t garbage(void)
{
	static const uint64_t edge[] = {
		0, 1, ~0ULL, 4095, 4096, 1ULL << 47, (1ULL << 47) - 4096,
		0xffff800000000000ULL, 0xffffffffff600000ULL, PV_MAX_GUEST_PHYS,
		PV_MAX_GUEST_PHYS - 4096, 1ULL << 63, 0x7fffffffffffULL,
	};

	switch (pick(5)) {
	case 0: return edge[pick(sizeof(edge) / sizeof(edge[0]))];
	case 1: return rnd() & 0xffff;
	case 2: return (rnd() & 0xfffff) << 12;
	default: return rnd();
	}
}

/*
 * An address the kernel must refuse to write through: never one of ours
 * (a garbage output pointer into pvfuzz's own data would only corrupt
 * pvfuzz, and prove nothing about the host).
 */
static void *bad_ptr(void)
{
	static const uint64_t bad[] = {
		0, 16, 4095, ~0ULL, 1ULL << 47, (1ULL << 47) - 8,
		0xffff888000000000ULL, 0xffffffff81000000ULL,
		0xffffffffff600000ULL, 0x8000000000000000ULL,
	};

	return (void *)(uintptr_t)bad[pick(sizeof(bad) / sizeof(bad[0]))];
}

/* Count how a call ended; returns @r. */
static long note(long r)
{
	int e = r < 0 ? errno : 0;

	atomic_fetch_add(&calls, 1);
	atomic_fetch_add(&ends[e >= 0 && e < NR_ERRNO ? e : NR_ERRNO], 1);
	return r;
}

/* A random fd of ours, alive or not (-1: none); under t.lock. */
static int any_fd(void)
{
	switch (pick(5)) {
	case 0: return t.vm[pick(NR_VMS)];
	case 1: case 2: return t.vcpu[pick(NR_VMS)][pick(NR_VCPUS)];
	case 3: return t.efd[pick(NR_EFDS)];
	default: return pick(2) ? t.sys : (int)pick(64);
	}
}

static int a_vm(void)
{
	int fd;

	pthread_mutex_lock(&t.lock);
	fd = pick(8) ? t.vm[pick(NR_VMS)] : any_fd();
	pthread_mutex_unlock(&t.lock);
	return fd;
}

static int a_vcpu(void)
{
	int fd;

	pthread_mutex_lock(&t.lock);
	fd = pick(8) ? t.vcpu[pick(NR_VMS)][pick(NR_VCPUS)] : any_fd();
	pthread_mutex_unlock(&t.lock);
	return fd;
}

/* A user address: in a region of ours (mapped or not), or anywhere. */
static uint64_t an_address(size_t *room)
{
	struct region *r;
	uint64_t a;

	pthread_mutex_lock(&t.lock);
	r = &t.region[pick(NR_REGIONS)];
	a = (uint64_t)(uintptr_t)r->addr;
	*room = r->size;
	pthread_mutex_unlock(&t.lock);
	if (!a || !pick(6)) {
		/* Anywhere but near pvfuzz's own image (the guest writes there). */
		*room = 4096;
		return (pick(2) ? (uint64_t)(uintptr_t)bad_ptr() : rnd()) & ~4095ULL;
	}
	return a;
}

static void close_slot(int *slot)
{
	int fd = *slot;

	*slot = -1;
	if (fd >= 0)
		note(close(fd));
}

static void op_create_vm(void)
{
	int fd = note(ioctl(t.sys, PV_CREATE_VM, pick(16) ? 0 : garbage()));
	int i = pick(NR_VMS), j;

	if (fd < 0)
		return;
	atomic_fetch_add(&vms_made, 1);
	pthread_mutex_lock(&t.lock);
	/* The old VM there goes: its vCPU fds stay open a while, or not. */
	close_slot(&t.vm[i]);
	t.vm[i] = fd;
	if (pick(2))
		for (j = 0; j < NR_VCPUS; j++) {
			close_slot(&t.vcpu[i][j]);
			if (t.run[i][j]) {
				munmap(t.run[i][j], 4096);
				t.run[i][j] = NULL;
			}
		}
	pthread_mutex_unlock(&t.lock);
}

static void op_create_vcpu(void)
{
	unsigned int i = pick(NR_VMS), j = pick(NR_VCPUS);
	uint64_t id = pick(8) ? pick(NR_VCPUS + 1) : garbage();
	int vm, fd;

	pthread_mutex_lock(&t.lock);
	vm = t.vm[i];
	pthread_mutex_unlock(&t.lock);
	fd = note(ioctl(vm, PV_CREATE_VCPU, id));
	if (fd < 0)
		return;
	atomic_fetch_add(&vcpus_made, 1);
	pthread_mutex_lock(&t.lock);
	close_slot(&t.vcpu[i][j]);
	t.vcpu[i][j] = fd;
	pthread_mutex_unlock(&t.lock);
}

static void op_close(void)
{
	unsigned int i = pick(NR_VMS), j = pick(NR_VCPUS);

	pthread_mutex_lock(&t.lock);
	switch (pick(3)) {
	case 0: close_slot(&t.vm[i]); break;
	case 1: close_slot(&t.vcpu[i][j]); break;
	default: close_slot(&t.efd[pick(NR_EFDS)]); break;
	}
	pthread_mutex_unlock(&t.lock);
}

static void op_memory_slot(void)
{
	size_t room;
	uint64_t addr = an_address(&room);
	struct pv_memory_slot s = {
		.slot = pick(8) ? pick(8) : (uint32_t)garbage(),
		.flags = pick(16) ? 0 : (uint32_t)garbage(),
		.guest_phys_addr = pick(4) ? (uint64_t)pick(64) << 12 : garbage(),
		.memory_size = pick(8) ? (uint64_t)(1 + pick(room / 4096)) << 12 : garbage(),
		.userspace_addr = addr + (pick(4) ? 0 : pick(room)),
	};

	if (!pick(6))
		s.memory_size = 0;	/* delete */
	/* Guest physical 0 on: what a vCPU's page tables will look for. */
	if (pick(3) == 0)
		s.guest_phys_addr = 0;
	note(ioctl(a_vm(), PV_SET_MEMORY_SLOT, pick(32) ? &s : (void *)garbage()));
}

static void op_region(void)
{
	struct region *r;
	size_t size = (1 + pick(REGION_MAX / 4096)) * 4096;
	void *p;

	pthread_mutex_lock(&t.lock);
	r = &t.region[pick(NR_REGIONS)];
	if (r->addr && pick(3)) {
		/* Unmapped under a slot that pins it, or not. */
		note(munmap(r->addr, r->size));
		r->addr = NULL;
	} else if (r->addr) {
		/* New memory over old: the slot's pins keep the old pages. */
		p = mmap(r->addr, r->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
		note(p == MAP_FAILED ? -1 : 0);
	} else {
		p = mmap(NULL, size, pick(8) ? PROT_READ | PROT_WRITE : PROT_READ,
			 pick(4) ? MAP_PRIVATE | MAP_ANONYMOUS : MAP_SHARED | MAP_ANONYMOUS,
			 -1, 0);
		if (note(p == MAP_FAILED ? -1 : 0) == 0) {
			r->addr = p;
			r->size = size;
		}
	}
	/* Random contents: page tables, code, data for whatever runs. */
	if (r->addr && pick(2)) {
		uint64_t *w = (uint64_t *)r->addr;
		size_t i, n = r->size / 8;

		if (mprotect(r->addr, r->size, PROT_READ | PROT_WRITE) == 0)
			for (i = 0; i < n; i += 1 + pick(64))
				w[i] = pick(2) ? garbage() : (rnd() & 0x3f000) | pick(0x1000);
	}
	pthread_mutex_unlock(&t.lock);
}

static void op_vm_misc(void)
{
	char buf[4096];
	struct pv_irq_line l = { .line = pick(PV_NR_LINES + 2), .pad = pick(16) ? 0 : 1 };
	struct pv_console_input in = {
		.data = pick(4) ? (uint64_t)(uintptr_t)buf : garbage(),
		.len = pick(4) ? pick(sizeof(buf)) : (uint32_t)garbage(),
	};
	int efd;

	memset(buf, 'a' + pick(26), sizeof(buf));
	switch (pick(4)) {
	case 0:
		note(ioctl(a_vm(), PV_IRQ_LINE, pick(32) ? &l : (void *)garbage()));
		break;
	case 1:
		note(ioctl(a_vm(), PV_CONSOLE_INPUT, pick(32) ? &in : (void *)garbage()));
		break;
	case 2:
		note(ioctl(a_vm(), PV_GET_EXIT_COUNTS, pick(8) ? (void *)buf : bad_ptr()));
		break;
	default: {
		struct pv_irqfd_req r = {
			.line = pick(PV_NR_LINES + 1),
			.flags = pick(3) ? 0 : pick(16) ? PV_IRQFD_DEASSIGN : (uint32_t)garbage(),
			.pad = pick(32) ? 0 : 1,
		};

		pthread_mutex_lock(&t.lock);
		efd = pick(8) ? t.efd[pick(NR_EFDS)] : any_fd();
		pthread_mutex_unlock(&t.lock);
		r.fd = efd;
		note(ioctl(a_vm(), PV_IRQFD, &r));
	}
	}
}

static void op_eventfd(void)
{
	unsigned int i = pick(NR_EFDS);
	uint64_t v = pick(4) ? 1 : garbage() >> 1;
	int fd;

	pthread_mutex_lock(&t.lock);
	fd = t.efd[i];
	if (fd < 0 || !pick(16)) {
		close_slot(&t.efd[i]);
		t.efd[i] = note(eventfd(pick(3), EFD_NONBLOCK | (pick(4) ? 0 : EFD_SEMAPHORE)));
		pthread_mutex_unlock(&t.lock);
		return;
	}
	pthread_mutex_unlock(&t.lock);
	if (pick(3))
		note(write(fd, &v, sizeof(v)));
	else
		note(read(fd, &v, sizeof(v)));
}

static void op_vcpu_state(void)
{
	struct pv_regs regs;
	struct pv_sregs sregs;
	uint64_t *w = (uint64_t *)&regs;
	unsigned int i;
	int fd = a_vcpu();

	switch (pick(4)) {
	case 0:
		note(ioctl(fd, PV_GET_REGS, pick(16) ? (void *)&regs : bad_ptr()));
		break;
	case 1:
		for (i = 0; i < sizeof(regs) / 8; i++)
			w[i] = pick(2) ? garbage() : pick(64) << 12;
		if (pick(2))
			regs.rflags = 0x202 & garbage();
		if (pick(2))
			regs.rip = PV_KERNEL_MAP_BASE + (pick(64) << 12) + pick(4096);
		note(ioctl(fd, PV_SET_REGS, &regs));
		break;
	case 2:
		note(ioctl(fd, PV_GET_SREGS, pick(16) ? (void *)&sregs : bad_ptr()));
		break;
	default:
		memset(&sregs, 0, sizeof(sregs));
		sregs.cr3 = pick(4) ? (uint64_t)pick(64) << 12 : garbage();
		sregs.shared = pick(2) ? 0 : pick(4) ? (uint64_t)pick(64) << 12 : garbage();
		if (!pick(32))
			sregs.reserved[pick(6)] = garbage();
		note(ioctl(fd, PV_SET_SREGS, &sregs));
	}
}

static void op_run(void)
{
	note(ioctl(a_vcpu(), PV_RUN, pick(16) ? 0 : garbage()));
	atomic_fetch_add(&runs, 1);
}

/* Map a vCPU's run page (well or badly), scribble on it, unmap it. */
static void op_run_page(void)
{
	unsigned int i = pick(NR_VMS), j = pick(NR_VCPUS);
	struct pv_run *run;
	int fd;

	pthread_mutex_lock(&t.lock);
	fd = t.vcpu[i][j];
	run = t.run[i][j];
	if (run && pick(2)) {
		note(munmap(run, 4096));
		t.run[i][j] = NULL;
	} else if (run) {
		/* What a launcher writes back: MMIO data, garbage lengths. */
		run->mmio.len = pick(2) ? 1u << pick(4) : (uint32_t)garbage();
		memset(run->mmio.data, (int)rnd(), sizeof(run->mmio.data));
		run->exit_reason = pick(2) ? PV_EXIT_MMIO : (uint32_t)garbage();
	} else if (pick(4)) {
		run = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (note(run == MAP_FAILED ? -1 : 0) == 0)
			t.run[i][j] = run;
	} else {
		void *p = mmap(NULL, 4096 * (1 + pick(2)), PROT_READ, MAP_SHARED,
			       fd, 4096 * (off_t)pick(2));

		if (note(p == MAP_FAILED ? -1 : 0) == 0)
			munmap(p, 4096);
	}
	pthread_mutex_unlock(&t.lock);
}

/* Any ioctl number, of pv's type or not, on any fd. */
static void op_stray_ioctl(void)
{
	unsigned long nr;
	int fd;

	pthread_mutex_lock(&t.lock);
	fd = any_fd();
	pthread_mutex_unlock(&t.lock);
	switch (pick(3)) {
	case 0: nr = _IO(PVIO, pick(0x40)); break;
	case 1: nr = _IOC(pick(4), PVIO, pick(0x40), pick(0x4000)); break;
	default: nr = (unsigned int)rnd(); break;
	}
	/* Not FIONCLEX and friends on our own stdio: pv's fds only matter. */
	if (fd <= 2)
		fd = t.sys;
	note(ioctl(fd, nr, (unsigned long)bad_ptr()));
}

static void op_dup(void)
{
	unsigned int i = pick(NR_VMS), j = pick(NR_VCPUS);
	int fd;

	pthread_mutex_lock(&t.lock);
	/* Two fds of one object: the tables lose one, the close is random. */
	fd = pick(2) ? t.vm[i] : t.vcpu[i][j];
	fd = fd >= 0 ? note(dup(fd)) : -1;
	if (fd >= 0) {
		if (pick(2)) {
			close_slot(&t.vm[i]);
			t.vm[i] = fd;
		} else {
			close_slot(&t.vcpu[i][j]);
			t.vcpu[i][j] = fd;
		}
	}
	pthread_mutex_unlock(&t.lock);
}

/*
 * A child inherits every fd: nothing it does with the VM and vCPU fds may
 * succeed (every ioctl EPERM; mmap EPERM).  Closing them there must not
 * close them for the parent.  Only thread 0 forks (fork() copies only the
 * calling thread, and t.lock is then taken by nobody).
 */
static void op_fork(void)
{
	int status, i, bad = 0, fd;
	pid_t pid;

	atomic_fetch_add(&forks, 1);
	pthread_mutex_lock(&t.lock);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		struct pv_irq_line l = { .line = 1 };
		struct pv_regs regs;

		for (i = 0; i < 64; i++) {
			int *slot = pick(2) ? &t.vm[pick(NR_VMS)] :
				    &t.vcpu[pick(NR_VMS)][pick(NR_VCPUS)];

			fd = *slot;
			if (fd < 0)
				continue;
			/* Every ioctl, of either kind of fd: EPERM first. */
			errno = 0;
			if (ioctl(fd, PV_IRQ_LINE, &l) != -1 || errno != EPERM)
				bad |= 1;
			errno = 0;
			if (ioctl(fd, PV_GET_REGS, &regs) != -1 || errno != EPERM)
				bad |= 2;
			errno = 0;
			if (ioctl(fd, PV_RUN, 0) != -1 || errno != EPERM)
				bad |= 4;
			errno = 0;
			if (mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED ||
			    (errno != EPERM && errno != ENODEV))
				bad |= 8;
			if (pick(4)) {
				close(fd);
				*slot = -1;
			}
		}
		_exit(bad);
	}
	pthread_mutex_unlock(&t.lock);
	if (pid < 0)
		return;
	while (waitpid(pid, &status, 0) != pid)
		if (errno != EINTR)
			return;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "pvfuzz: a forked child could use an inherited fd (status %#x)\n",
			status);
		atomic_store(&failed, 1);
	}
}

static void sys_misc(void)
{
	switch (pick(3)) {
	case 0: note(ioctl(t.sys, PV_GET_API_VERSION, pick(8) ? 0 : garbage())); break;
	case 1: note(ioctl(t.sys, PV_GET_VCPU_MMAP_SIZE, pick(8) ? 0 : garbage())); break;
	default: {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, t.sys, 0);

		if (note(p == MAP_FAILED ? -1 : 0) == 0)
			munmap(p, 4096);
	}
	}
}

static void noop(int sig)
{
	(void)sig;
}

/*
 * A tick of this thread's own: PV_RUN on garbage may never exit, and a
 * signal aimed at the process could always land on another thread.
 */
static void thread_tick(void)
{
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } };
	timer_t timer;

	ev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &ev, &timer) == 0)
		timer_settime(timer, 0, &its, NULL);
}

static void *worker(void *arg)
{
	long id = (long)arg;

	thread_tick();
	rs = 0x9e3779b97f4a7c15ULL * (uint64_t)(id + 1) ^ rs;
	if (!rs)
		rs = 1;
	while (atomic_fetch_sub(&budget, 1) > 0) {
		switch (pick(20)) {
		case 0: op_create_vm(); break;
		case 1: case 2: op_create_vcpu(); break;
		case 3: op_close(); break;
		case 4: case 5: op_memory_slot(); break;
		case 6: op_region(); break;
		case 7: case 8: op_vm_misc(); break;
		case 9: op_eventfd(); break;
		case 10: case 11: op_vcpu_state(); break;
		case 12: case 13: op_run(); break;
		case 14: op_run_page(); break;
		case 15: op_stray_ioctl(); break;
		case 16: op_dup(); break;
		case 17:
			if (id == 0 && !pick(64))
				op_fork();
			else
				sys_misc();
			break;
		default: op_vcpu_state(); break;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	long n = 1000000, nthreads = 2, i;
	uint64_t seed = (uint64_t)time(NULL);
	struct sigaction sa = { .sa_handler = noop };
	struct timespec t0, t1;
	pthread_t th[16];
	double secs;
	int opt, j;

	while ((opt = getopt(argc, argv, "n:s:t:")) != -1) {
		switch (opt) {
		case 'n': n = strtol(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': nthreads = strtol(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: pvfuzz [-n CALLS] [-s SEED] [-t THREADS]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 16 || n < 0) {
		fprintf(stderr, "pvfuzz: 1 to 16 threads, a count >= 0\n");
		return 2;
	}
	t.sys = open("/dev/pvhost", O_RDWR);
	if (t.sys < 0) {
		perror("pvfuzz: /dev/pvhost");
		return 1;
	}
	memset(t.vm, -1, sizeof(t.vm));
	memset(t.vcpu, -1, sizeof(t.vcpu));
	memset(t.efd, -1, sizeof(t.efd));
	/* No SA_RESTART: the tick ends a PV_RUN with EINTR. */
	sigaction(SIGALRM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	printf("pvfuzz: seed %llu, %ld calls, %ld threads\n",
	       (unsigned long long)seed, n, nthreads);
	fflush(stdout);
	atomic_store(&budget, n);
	rs = seed ? seed : 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 1; i < nthreads; i++)
		pthread_create(&th[i], NULL, worker, (void *)i);
	worker((void *)0);
	for (i = 1; i < nthreads; i++)
		pthread_join(th[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	/* Everything goes: then the host must hold nothing of ours. */
	for (i = 0; i < NR_VMS; i++) {
		close_slot(&t.vm[i]);
		for (j = 0; j < NR_VCPUS; j++) {
			close_slot(&t.vcpu[i][j]);
			if (t.run[i][j])
				munmap(t.run[i][j], 4096);
		}
	}
	for (i = 0; i < NR_EFDS; i++)
		close_slot(&t.efd[i]);
	for (i = 0; i < NR_REGIONS; i++)
		if (t.region[i].addr)
			munmap(t.region[i].addr, t.region[i].size);
	if (ioctl(t.sys, PV_GET_API_VERSION, 0) != PV_API_VERSION) {
		fprintf(stderr, "pvfuzz: /dev/pvhost no longer answers\n");
		failed = 1;
	}
	close(t.sys);

	printf("pvfuzz: %ld calls in %.1f s (%.0f a second): %ld VMs, %ld vCPUs made, %ld runs, %ld forks\n",
	       (long)calls, secs, secs > 0 ? calls / secs : 0.0, (long)vms_made,
	       (long)vcpus_made, (long)runs, (long)forks);
	printf("pvfuzz: ended with:");
	for (j = 0; j <= NR_ERRNO; j++)
		if (ends[j])
			printf(" %s %ld;", j == 0 ? "success" : j == NR_ERRNO ? "other" :
			       strerrorname_np(j) ? strerrorname_np(j) : "?", (long)ends[j]);
	printf("\n");
	return failed;
}
