// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: the pv launcher.
 *
 * It checks the kernel image, opens /dev/pvhost, makes sure the module
 * speaks its API version, creates the VM and loads the guest into it as the
 * boot protocol says.  Every bad input ends with one line on stderr and a
 * non-zero exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <pv/abi.h>
#include <pv/pvhost.h>

#include "api.h"
#include "boot.h"
#include "devices.h"
#include "error.h"
#include "image.h"
#include "size.h"
#include "virtio.h"
#include "vmstate.h"

#define PVRUN_VERSION	"0.1"
/* Where the pv-guest package puts the default guest (pvrun.rst). */
#ifndef PV_LIBDIR
#define PV_LIBDIR	"/usr/lib/pv"
#endif
#define PVHOST_DEV	"/dev/pvhost"
/* The lowest address of the devices' registers (above RAM if RAM is larger). */
#define VIRTIO_MMIO_LOW	0xd0000000ULL

/*
 * Open /dev/pvhost and check that the module speaks our API; dies if not.
 * Returns the fd; the module's API version goes to *version.
 */
static int open_pvhost(int *version)
{
	int fd, ver;

	fd = open(PVHOST_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT || errno == ENXIO || errno == ENODEV)
			die("%s: %s (is pvhost.ko loaded?)", PVHOST_DEV,
			    strerror(errno));
		die("%s: %s", PVHOST_DEV, strerror(errno));
	}
	ver = ioctl(fd, PV_GET_API_VERSION, 0);
	if (ver < 0)
		die("%s: PV_GET_API_VERSION: %s (not a pvhost device?)",
		    PVHOST_DEV, strerror(errno));
	if (ver != PV_API_VERSION)
		die("pvhost.ko speaks API version %d, this pvrun needs %d",
		    ver, PV_API_VERSION);
	*version = ver;
	return fd;
}

/* Map a whole file read-only; dies with one line if it cannot. */
static void *map_file(const char *path, size_t *len)
{
	struct stat st;
	void *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		die("%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die("%s: not a regular file", path);
	if (st.st_size == 0)
		die("%s: empty file", path);
	buf = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (buf == MAP_FAILED)
		die("%s: %s", path, strerror(errno));
	close(fd);
	*len = st.st_size;
	return buf;
}

/* The host's RAM in bytes, from /proc/meminfo (0 if unknown). */
static uint64_t host_memory(void)
{
	unsigned long long kb = 0;
	char line[128];
	FILE *f = fopen("/proc/meminfo", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb << 10;
}

/*
 * Create the VM and its vCPUs with the guest loaded as the boot protocol
 * says: vCPU 0 set up to boot, the others down until the guest starts
 * them.  Their fds go to vcpus[0..bp->nr_vcpus).
 */
static int vm_fd;

static void create_guest(int sys, const char *kernel, struct boot_params *bp,
			 uint64_t mem_size, int *vcpus)
{
	struct boot_layout layout;
	struct pv_memory_slot slot;
	struct pv_sregs sregs;
	struct guest_mem mem;
	struct pv_regs regs;
	char why[200];
	int vm, vcpu;
	unsigned int i;

	vm = ioctl(sys, PV_CREATE_VM, 0);
	if (vm < 0)
		die("cannot create a VM: %s", strerror(errno));
	vm_fd = vm;
	mem.size = mem_size;
	mem.base = mmap(NULL, mem_size, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem.base == MAP_FAILED)
		die("cannot allocate %llu MiB of guest memory: %s",
		    (unsigned long long)mem_size >> 20, strerror(errno));
	virtio_set_guest(vm, &mem);
	if (boot_setup(&mem, bp, &layout, why, sizeof(why)))
		die("%s: %s", kernel, why);

	slot = (struct pv_memory_slot){
		.slot = 0, .guest_phys_addr = 0, .memory_size = mem_size,
		.userspace_addr = (uintptr_t)mem.base,
	};
	if (ioctl(vm, PV_SET_MEMORY_SLOT, &slot) < 0)
		die("cannot give %llu MiB to the guest: %s",
		    (unsigned long long)mem_size >> 20, strerror(errno));
	vcpu = ioctl(vm, PV_CREATE_VCPU, 0);
	if (vcpu < 0)
		die("cannot create vCPU 0: %s", strerror(errno));
	memset(&regs, 0, sizeof(regs));
	regs.rip = layout.entry;
	regs.rsp = layout.stack_top;
	regs.rsi = layout.boot_info;
	if (ioctl(vcpu, PV_SET_REGS, &regs) < 0)
		die("cannot set vCPU 0's registers: %s", strerror(errno));
	sregs = (struct pv_sregs){ .cr3 = layout.pgd_gpa,
				   .shared = layout.shared_gpa };
	if (ioctl(vcpu, PV_SET_SREGS, &sregs) < 0)
		die("cannot set vCPU 0's page tables: %s", strerror(errno));
	vcpus[0] = vcpu;
	for (i = 1; i < bp->nr_vcpus; i++) {
		vcpus[i] = ioctl(vm, PV_CREATE_VCPU, i);
		if (vcpus[i] < 0)
			die("cannot create vCPU %u: %s", i, strerror(errno));
	}
}

/*
 * SIGQUIT (Ctrl-\\): each vCPU says where it is, and the guest goes on.
 * The thread that takes the signal pokes the others with SIGUSR1, so that
 * every vCPU leaves PV_RUN and dumps its own registers.
 */
static volatile sig_atomic_t dump_generation;
static pthread_t vcpu_threads[PV_MAX_VCPUS];
static unsigned int nr_threads;

static void on_sigquit(int sig)
{
	unsigned int i;

	(void)sig;
	dump_generation++;
	for (i = 0; i < nr_threads; i++)
		if (!pthread_equal(vcpu_threads[i], pthread_self()))
			pthread_kill(vcpu_threads[i], SIGUSR1);
}

static void on_sigusr1(int sig)
{
	(void)sig;
}

static void dump_vcpu(int vcpu)
{
	struct pv_regs r;
	struct pv_sregs s;

	if (ioctl(vcpu, PV_GET_REGS, &r) < 0 || ioctl(vcpu, PV_GET_SREGS, &s) < 0)
		return;
	fprintf(stderr,
		"pvrun: vCPU fd %d: rip %#llx rsp %#llx rflags %#llx cr3 %#llx\n"
		"  rax %#llx rbx %#llx rcx %#llx rdx %#llx rsi %#llx rdi %#llx\n",
		vcpu, (unsigned long long)r.rip, (unsigned long long)r.rsp,
		(unsigned long long)r.rflags, (unsigned long long)s.cr3,
		(unsigned long long)r.rax, (unsigned long long)r.rbx,
		(unsigned long long)r.rcx, (unsigned long long)r.rdx,
		(unsigned long long)r.rsi, (unsigned long long)r.rdi);
}

/*
 * --exit-counts: when pvrun ends, for whatever reason, say how often the
 * guest left for the host and why (PV_GET_EXIT_COUNTS).
 */
static int show_exit_counts;

static void print_counts(const char *what, const __u64 *v, unsigned int n)
{
	unsigned int i;

	fprintf(stderr, "pvrun: %s by number:", what);
	for (i = 0; i < n; i++)
		if (v[i])
			fprintf(stderr, " %u:%llu", i, (unsigned long long)v[i]);
	fputc('\n', stderr);
}

/* --balloon was given. */
static bool with_balloon;
/* --api-sock was given. */
static bool api_socket;

static void print_exit_counts(void)
{
	struct pv_exit_counts c;

	if (!show_exit_counts || !vm_fd || ioctl(vm_fd, PV_GET_EXIT_COUNTS, &c) < 0)
		return;
	fprintf(stderr,
		"pvrun: %llu exits: %llu user syscalls, %llu host interrupts, "
		"%llu shadow fills, %llu shadow resets, %llu emulated, "
		"%llu reflected, %llu lines\n",
		(unsigned long long)c.exits, (unsigned long long)c.syscalls,
		(unsigned long long)c.interrupts, (unsigned long long)c.shadow_fills,
		(unsigned long long)c.shadow_resets, (unsigned long long)c.emulated,
		(unsigned long long)c.reflected, (unsigned long long)c.lines);
	print_counts("hypercalls", c.hypercalls, PV_EXIT_COUNTS_HYPERCALLS);
	print_counts("exceptions", c.exceptions, 32);
	if (with_balloon)
		fprintf(stderr, "pvrun: balloon: %llu pages (4 KiB) given back, %u in the balloon\n",
			(unsigned long long)balloon_dropped_pages(),
			balloon_actual_pages());
}

static const char *const shutdown_names[] = {
	[PV_SHUTDOWN_POWEROFF] = "poweroff",
	[PV_SHUTDOWN_REBOOT] = "reboot",
	[PV_SHUTDOWN_CRASH] = "crash",
};

/*
 * The guest's console output, all of it: signals (a pause, SIGQUIT's
 * dump) interrupt a write to a full pipe or a stopped terminal, and are
 * no error.
 */
static void console_out(const void *data, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(STDOUT_FILENO, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("stdout: %s", n ? strerror(errno) : "closed");
		data = (const char *)data + n;
		len -= n;
	}
}

/*
 * Run one vCPU until the guest stops; returns pvrun's exit status.  Each
 * vCPU has a thread of its own; the first to see the guest stop ends the
 * whole process (and with it the other vCPUs).
 */
static int run_vcpu(int sys, int vcpu)
{
	int size = ioctl(sys, PV_GET_VCPU_MMAP_SIZE, 0);
	sig_atomic_t dumped = dump_generation;
	struct pv_run *run;

	if (size < (int)sizeof(*run))
		die("PV_GET_VCPU_MMAP_SIZE: %s", size < 0 ? strerror(errno) : "too small");
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
	if (run == MAP_FAILED)
		die("cannot map the vCPU's run page: %s", strerror(errno));
	for (;;) {
		if (ioctl(vcpu, PV_RUN, 0) < 0) {
			if (errno == EINTR) {
				if (dumped != dump_generation) {
					dumped = dump_generation;
					dump_vcpu(vcpu);
				}
				vm_park();	/* while the API has it paused */
				continue;
			}
			die("PV_RUN: %s", strerror(errno));
		}
		switch (run->exit_reason) {
		case PV_EXIT_CONSOLE:
			console_out(run->console.data, run->console.len);
			break;
		case PV_EXIT_SHUTDOWN:
			if (run->shutdown.reason == PV_SHUTDOWN_POWEROFF)
				return run->shutdown.status & 0xff;
			pr_warning("guest %s, status %u",
				   run->shutdown.reason < 3 ?
				   shutdown_names[run->shutdown.reason] : "stop",
				   run->shutdown.status);
			return run->shutdown.reason == PV_SHUTDOWN_CRASH ? 2 : 0;
		case PV_EXIT_MMIO:
			/*
			 * Where no device answers, loads see all-ones, as on
			 * an open bus, and stores are dropped.
			 */
			if (run->mmio.len > sizeof(run->mmio.data) ||
			    !virtio_mmio_access(run->mmio.phys_addr, run->mmio.data,
						run->mmio.len, run->mmio.is_write)) {
				if (!run->mmio.is_write)
					memset(run->mmio.data, 0xff,
					       sizeof(run->mmio.data));
			}
			break;
		case PV_EXIT_HALT:
			die("guest halted with nothing to wake it (no timer, no device)");
		case PV_EXIT_INTERNAL_ERROR:
			die("guest stopped: %s (vector %llu, error code %#llx, address %#llx, rip %#llx)",
			    run->internal.reason,
			    (unsigned long long)run->internal.vector,
			    (unsigned long long)run->internal.error_code,
			    (unsigned long long)run->internal.address,
			    (unsigned long long)run->internal.rip);
		default:
			die("PV_RUN: unknown exit reason %u", run->exit_reason);
		}
	}
}

static int pvhost_fd;

/*
 * The console's input: what arrives on stdin goes to the guest, which
 * reads it by hypercall.  A terminal is put in raw mode, so that keys
 * such as Ctrl-C reach the guest; it is restored at exit.
 */
static struct termios saved_tty;
static int tty_raw;

static void restore_tty(void)
{
	if (tty_raw)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tty);
}

static void raw_tty(void)
{
	struct termios t;

	if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved_tty))
		return;
	t = saved_tty;
	cfmakeraw(&t);
	t.c_oflag |= OPOST;	/* pvrun's own messages still end lines */
	if (tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0) {
		tty_raw = 1;
		atexit(restore_tty);
	}
}

static void *console_input_thread(void *arg)
{
	char buf[256];
	ssize_t n, off;
	int r;

	(void)arg;
	for (;;) {
		n = read(STDIN_FILENO, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return NULL;	/* end of input: the guest reads nothing more */
		for (off = 0; off < n; off += r) {
			struct pv_console_input in = {
				.data = (uintptr_t)(buf + off), .len = n - off,
			};

			r = ioctl(vm_fd, PV_CONSOLE_INPUT, &in);
			if (r < 0 && errno == EINTR)
				r = 0;
			else if (r < 0)
				return NULL;
			if (!r)
				usleep(10000);	/* the guest has not read yet */
		}
	}
}

static void *vcpu_thread(void *fd)
{
	exit(run_vcpu(pvhost_fd, (int)(intptr_t)fd));
}

/*
 * Run the guest: a thread for each vCPU but 0, which runs on this one, and
 * one for each device.  @console_input: stdin goes to the pv console.
 */
static int run_guest(int sys, const int *vcpus, unsigned int nr_vcpus,
		     bool console_input)
{
	char why[160];
	unsigned int i;
	pthread_t t;
	int err;

	struct sigaction sa = { .sa_handler = on_sigusr1 };
	sigset_t quit;

	pvhost_fd = sys;
	/* No SA_RESTART: the signal must end PV_RUN with EINTR. */
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_sigquit;
	sigaction(SIGQUIT, &sa, NULL);
	/* Until every thread is known, SIGQUIT waits. */
	sigemptyset(&quit);
	sigaddset(&quit, SIGQUIT);
	pthread_sigmask(SIG_BLOCK, &quit, NULL);
	vcpu_threads[nr_threads++] = pthread_self();
	for (i = 1; i < nr_vcpus; i++) {
		err = pthread_create(&t, NULL, vcpu_thread,
				     (void *)(intptr_t)vcpus[i]);
		if (err)
			die("cannot start a thread for vCPU %u: %s", i,
			    strerror(err));
		vcpu_threads[nr_threads++] = t;
	}
	vm_state_init(vcpu_threads, nr_threads);
	raw_tty();
	virtio_start();
	if (api_socket && api_serve(PVRUN_VERSION, why, sizeof(why)))
		die("%s", why);
	err = console_input ? pthread_create(&t, NULL, console_input_thread, NULL) : 0;
	if (err)
		die("cannot start the console input thread: %s", strerror(err));
	pthread_sigmask(SIG_UNBLOCK, &quit, NULL);
	return run_vcpu(sys, vcpus[0]);
}

static void usage(FILE *f)
{
	fputs("usage: pvrun [--kernel FILE] [--initrd FILE] [--append ARGS] [--memory SIZE]\n"
	      "             [--disk PATH[,ro]]... [--net tap=NAME[,mac=MAC]]...\n"
	      "             [--console pv|virtio] [--smp N] [--balloon SIZE]\n"
	      "             [--api-sock PATH] [--exit-counts]\n"
	      "       pvrun --version | --help\n"
	      "\n"
	      "Run a pv guest kernel under pvhost.ko.\n"
	      "  -k, --kernel FILE   pv kernel image (ELF with a \"pv\" note); default\n"
	      "                      " PV_LIBDIR "/vmlinux with " PV_LIBDIR "/rootfs.cpio\n"
	      "                      as initrd (the pv-guest package)\n"
	      "  -i, --initrd FILE   initial ramdisk for the guest\n"
	      "  -a, --append ARGS   the guest's kernel command line\n"
	      "  -m, --memory SIZE   guest memory: 256M, 1G, ... (plain numbers\n"
	      "                      are MiB; a multiple of 2 MiB; default 256M)\n"
	      "  -d, --disk PATH[,ro]\n"
	      "                      a raw disk image as virtio-blk (/dev/vda, vdb,\n"
	      "                      ... in order); ,ro: the guest cannot write it\n"
	      "  -n, --net tap=NAME[,mac=MAC]\n"
	      "                      virtio-net on host TAP device NAME (opened,\n"
	      "                      or created if missing)\n"
	      "  -c, --console pv|virtio\n"
	      "                      stdin and stdout are the pv console hvc0\n"
	      "                      (default) or virtio-console hvc1\n"
	      "  -s, --smp N         vCPUs, 1 to 64 (default 1)\n"
	      "  -b, --balloon SIZE  virtio-balloon: the guest gives back free memory;\n"
	      "                      SIZE (0, 64M, ...) it gives up at start\n"
	      "      --api-sock PATH serve Firecracker's HTTP API on Unix socket PATH\n"
	      "      --exit-counts   at the end, how often the guest exited and why\n"
	      "  -V, --version       print versions of pvrun and pvhost.ko\n"
	      "  -h, --help          this text\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel",	required_argument,	NULL, 'k' },
		{ "initrd",	required_argument,	NULL, 'i' },
		{ "append",	required_argument,	NULL, 'a' },
		{ "memory",	required_argument,	NULL, 'm' },
		{ "smp",	required_argument,	NULL, 's' },
		{ "disk",	required_argument,	NULL, 'd' },
		{ "net",	required_argument,	NULL, 'n' },
		{ "console",	required_argument,	NULL, 'c' },
		{ "balloon",	required_argument,	NULL, 'b' },
		{ "api-sock",	required_argument,	NULL, 'A' },
		{ "exit-counts", no_argument,		NULL, 'E' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ }
	};
	const char *kernel = NULL, *initrd = NULL, *memory = "256M", *smp = "1";
	const char *console = "pv", *append = "", *balloon = NULL;
	const char *api_sock = NULL;
	static struct disk_spec disks[VIRTIO_MAX_DEVICES];
	static struct net_spec nets[VIRTIO_MAX_DEVICES];
	static char cmdline[PV_BOOT_CMDLINE_SIZE];
	unsigned int nr_disks = 0, nr_nets = 0, i;
	bool virtio_console;
	int vcpus[PV_MAX_VCPUS];
	char *end;
	struct boot_params bp = { .cmdline = "", .nr_vcpus = 1 };
	uint64_t mem_size, host;
	struct pv_image img;
	char why[160];
	int c, api, sys;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:i:a:m:s:d:n:c:b:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kernel = optarg;
			break;
		case 'i':
			initrd = optarg;
			break;
		case 'a':
			append = optarg;
			break;
		case 'd':
			if (nr_disks == VIRTIO_MAX_DEVICES)
				die("--disk: at most %d disks", VIRTIO_MAX_DEVICES);
			if (parse_disk_spec(optarg, &disks[nr_disks++], why, sizeof(why)))
				die("%s", why);
			break;
		case 'n':
			if (nr_nets == VIRTIO_MAX_DEVICES)
				die("--net: at most %d network devices", VIRTIO_MAX_DEVICES);
			if (parse_net_spec(optarg, &nets[nr_nets++], why, sizeof(why)))
				die("%s", why);
			break;
		case 'c':
			console = optarg;
			break;
		case 'b':
			balloon = optarg;
			break;
		case 'A':
			api_sock = optarg;
			break;
		case 'm':
			memory = optarg;
			break;
		case 's':
			smp = optarg;
			break;
		case 'E':
			show_exit_counts = 1;
			break;
		case 'V':
			printf("pvrun %s (pv ABI %d, pvhost API %d)\n",
			       PVRUN_VERSION, PV_ABI_VERSION, PV_API_VERSION);
			fflush(stdout);
			close(open_pvhost(&api));
			printf("pvhost.ko: API version %d\n", api);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case ':':
			die("%s needs an argument (try --help)", argv[optind - 1]);
		default:
			die("unknown option %s (try --help)", argv[optind - 1]);
		}
	}
	if (optind < argc)
		die("unexpected argument '%s' (try --help)", argv[optind]);
	/* The pv-guest package's kernel and root filesystem, when installed. */
	if (!kernel && access(PV_LIBDIR "/vmlinux", R_OK) == 0) {
		kernel = PV_LIBDIR "/vmlinux";
		if (!initrd && access(PV_LIBDIR "/rootfs.cpio", R_OK) == 0)
			initrd = PV_LIBDIR "/rootfs.cpio";
	}
	if (!kernel)
		die("no kernel given: use --kernel FILE, or install pv-guest for %s/vmlinux (try --help)",
		    PV_LIBDIR);
	if (parse_size(memory, &mem_size))
		die("--memory %s: not a size (try 256M or 1G)", memory);
	if (mem_size % (2 << 20))
		die("--memory %s: not a multiple of 2 MiB", memory);
	host = host_memory();
	if (host && mem_size > host)
		die("--memory %s: more than this host's %llu MiB", memory,
		    (unsigned long long)host >> 20);
	errno = 0;
	bp.nr_vcpus = strtoul(smp, &end, 10);
	if (errno || end == smp || *end || bp.nr_vcpus < 1 ||
	    bp.nr_vcpus > PV_MAX_VCPUS)
		die("--smp %s: not a number of vCPUs from 1 to %d", smp,
		    PV_MAX_VCPUS);
	if (strlen(append) >= PV_BOOT_CMDLINE_SIZE)
		die("--append: longer than %d bytes", PV_BOOT_CMDLINE_SIZE - 1);
	if (strcmp(console, "pv") && strcmp(console, "virtio"))
		die("--console %s: must be pv or virtio", console);
	virtio_console = strcmp(console, "virtio") == 0;

	/*
	 * The devices: disks first, so that the first --disk is /dev/vda.
	 * Their windows start above RAM, and never below 3.25 GiB.
	 */
	virtio_init(mem_size > VIRTIO_MMIO_LOW ? mem_size : VIRTIO_MMIO_LOW);
	for (i = 0; i < nr_disks; i++)
		if (blk_add(&disks[i], why, sizeof(why)))
			die("%s", why);
	for (i = 0; i < nr_nets; i++)
		if (net_add(&nets[i], i, why, sizeof(why)))
			die("%s", why);
	if ((virtio_console && console_add(why, sizeof(why))) ||
	    rng_add(why, sizeof(why)))
		die("%s", why);
	if (balloon) {
		uint64_t target;

		target = 0;
		if (strcmp(balloon, "0") && parse_size(balloon, &target))
			die("--balloon %s: not a size (try 0 or 64M)", balloon);
		if (balloon_add(target, mem_size, why, sizeof(why)))
			die("--balloon %s: %s", balloon, why);
		with_balloon = true;
	}
	snprintf(cmdline, sizeof(cmdline), "%s%s", append,
		 virtio_console ? " console=hvc1" : "");
	if (virtio_cmdline(cmdline, sizeof(cmdline)))
		die("--append: too long to add the devices' parameters (%d bytes in all)",
		    PV_BOOT_CMDLINE_SIZE - 1);
	bp.cmdline = cmdline;

	bp.image = map_file(kernel, &bp.image_len);
	if (pv_image_check(bp.image, bp.image_len, &img, why, sizeof(why)))
		die("%s: %s", kernel, why);
	bp.img = &img;
	if (initrd)
		bp.initrd = map_file(initrd, &bp.initrd_len);

	if (api_sock) {
		if (api_listen(api_sock, why, sizeof(why)))
			die("%s", why);
		api_socket = true;
	}
	sys = open_pvhost(&api);
	create_guest(sys, kernel, &bp, mem_size, vcpus);
	atexit(print_exit_counts);
	return run_guest(sys, vcpus, bp.nr_vcpus, !virtio_console);
}
