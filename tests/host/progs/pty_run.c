// SPDX-License-Identifier: GPL-2.0
/*
 * pty_run COMMAND [ARG...]: run COMMAND on a new pseudo-terminal, as a
 * user at a terminal would, feeding it our stdin and copying what it
 * writes to our stdout.  Exits with COMMAND's status.  (The host VM's
 * busybox has no script(1).)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int master, slave, status, in_open = 1;
	char buf[4096];
	pid_t pid;
	ssize_t n;

	if (argc < 2) {
		fprintf(stderr, "usage: pty_run COMMAND [ARG...]\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY);
	if (master < 0 || grantpt(master) || unlockpt(master)) {
		perror("pty_run: posix_openpt");
		return 2;
	}
	pid = fork();
	if (pid == 0) {
		setsid();
		slave = open(ptsname(master), O_RDWR);
		if (slave < 0) {
			perror("pty_run: slave");
			_exit(2);
		}
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		close(master);
		execvp(argv[1], argv + 1);
		perror("pty_run: exec");
		_exit(127);
	}
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = master, .events = POLLIN },
			{ .fd = in_open ? 0 : -1, .events = POLLIN },
		};

		if (poll(p, 2, -1) < 0 && errno != EINTR)
			break;
		if (p[0].revents) {
			n = read(master, buf, sizeof(buf));
			if (n <= 0)
				break;	/* the command is gone */
			if (write(1, buf, n) != n)
				break;
		}
		if (p[1].revents) {
			n = read(0, buf, sizeof(buf));
			if (n <= 0)
				in_open = 0;
			else if (write(master, buf, n) != n)
				break;
		}
	}
	if (waitpid(pid, &status, 0) < 0)
		return 2;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
