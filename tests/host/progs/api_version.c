// SPDX-License-Identifier: GPL-2.0
/*
 * Talks to /dev/pvhost directly: the API-version ioctl answers
 * PV_API_VERSION, refuses an argument, and unknown ioctls get ENOTTY.
 * Prints one line per check; exits non-zero if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <pv/pvhost.h>

static int failed;

static void expect(int ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAILED", what);
	failed |= !ok;
}

int main(void)
{
	int fd = open("/dev/pvhost", O_RDWR);
	int ret;

	expect(fd >= 0, "open /dev/pvhost");
	if (fd < 0)
		return 1;
	ret = ioctl(fd, PV_GET_API_VERSION, 0);
	printf("PV_GET_API_VERSION = %d\n", ret);
	expect(ret == PV_API_VERSION, "PV_GET_API_VERSION returns PV_API_VERSION");
	ret = ioctl(fd, PV_GET_API_VERSION, 1);
	expect(ret == -1 && errno == EINVAL, "PV_GET_API_VERSION with an argument is EINVAL");
	ret = ioctl(fd, _IO(PVIO, 0x7f), 0);
	expect(ret == -1 && errno == ENOTTY, "an unknown pvhost ioctl is ENOTTY");
	ret = ioctl(fd, _IO('T', 0x01), 0);
	expect(ret == -1 && errno == ENOTTY, "a foreign ioctl is ENOTTY");
	close(fd);
	return failed;
}
