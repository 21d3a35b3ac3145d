// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: virtio-console (spec 5.3), one port, on pvrun's stdin and stdout.
 * The guest sees it as /dev/hvc1 (hvc0 is the pv console).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "devices.h"
#include "error.h"
#include "virtio.h"

#define RECEIVEQ	0
#define TRANSMITQ	1

static struct vchain chain;

/* Write all of a chain to stdout; nothing is written into it. */
static uint32_t console_out(struct virtio_dev *dev, struct vchain *c)
{
	struct iovec part[VCHAIN_MAX];
	size_t done = 0;
	unsigned int n;
	ssize_t r;

	(void)dev;
	while (done < c->read_len) {
		n = iov_slice(c->read, c->nr_read, done, c->read_len - done, part,
			      VCHAIN_MAX);
		r = writev(STDOUT_FILENO, part, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;		/* stdout is gone: drop the rest */
		done += r;
	}
	return 0;
}

static void console_notify(struct virtio_dev *dev)
{
	virtio_serve(dev, TRANSMITQ, &chain, console_out);
	/* Perhaps there are receive buffers now: listen to stdin again. */
	dev->input_wanted = true;
}

static void console_input(struct virtio_dev *dev)
{
	ssize_t n;
	int r;

	r = virtio_pop(dev, RECEIVEQ, &chain);
	if (r != 1) {
		dev->input_wanted = false;	/* until the guest gives buffers */
		return;
	}
	do {
		n = readv(dev->input_fd, chain.write, chain.nr_write);
	} while (n < 0 && errno == EINTR);
	if (n <= 0) {
		dev->input_fd = -1;		/* end of input */
		n = 0;
	}
	virtio_push(dev, RECEIVEQ, chain.head, n);
	virtio_interrupt(dev, RECEIVEQ);
}

static const struct virtio_dev_ops console_ops = {
	.name = "virtio-console",
	.device_id = VIRTIO_ID_CONSOLE,
	.nr_queues = 2,
	.notify = console_notify,
	.input = console_input,
};

static struct virtio_dev console_dev = {
	.ops = &console_ops,
	.input_fd = STDIN_FILENO,
};

int console_add(char *err, size_t errlen)
{
	if (virtio_add(&console_dev))
		return fail(err, errlen, "virtio-console: too many devices");
	return 0;
}
