// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: the pv launcher.
 *
 * It checks the kernel image, opens /dev/pvhost and makes sure the module
 * speaks its API version.  Every bad input ends with one line on stderr and
 * a non-zero exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pv/abi.h>
#include <pv/pvhost.h>

#include "image.h"

#define PVRUN_VERSION	"0.1"
#define PVHOST_DEV	"/dev/pvhost"

static void __attribute__((noreturn, format(printf, 1, 2)))
die(const char *fmt, ...)
{
	va_list ap;

	fputs("pvrun: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

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

/* Map the kernel image read-only and check it; dies on a bad one. */
static void load_image(const char *path, struct pv_image *img)
{
	char why[160];
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
	if (pv_image_check(buf, st.st_size, img, why, sizeof(why)))
		die("%s: %s", path, why);
	munmap(buf, st.st_size);
	close(fd);
}

static void usage(FILE *f)
{
	fputs("usage: pvrun --kernel FILE\n"
	      "       pvrun --version | --help\n"
	      "\n"
	      "Run a pv guest kernel under pvhost.ko (see pvrun(1)).\n"
	      "  -k, --kernel FILE   pv kernel image (ELF with a \"pv\" note)\n"
	      "  -V, --version       print versions of pvrun and pvhost.ko\n"
	      "  -h, --help          this text\n", f);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel",	required_argument,	NULL, 'k' },
		{ "version",	no_argument,		NULL, 'V' },
		{ "help",	no_argument,		NULL, 'h' },
		{ }
	};
	const char *kernel = NULL;
	struct pv_image img;
	int c, api;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":k:Vh", opts, NULL)) != -1) {
		switch (c) {
		case 'k':
			kernel = optarg;
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
	if (!kernel)
		die("no kernel given: use --kernel FILE (try --help)");

	load_image(kernel, &img);
	close(open_pvhost(&api));
	die("%s: pv ABI %u kernel, entry %#llx: booting guests is not implemented yet",
	    kernel, img.abi_version, (unsigned long long)img.entry);
}
