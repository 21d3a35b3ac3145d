// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: virtio-rng (spec 5.4).  The guest's buffers are filled from the
 * host's getrandom(); /dev/hwrng in the guest reads them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "devices.h"
#include "error.h"
#include "virtio.h"

static struct vchain chain;

static uint32_t rng_fill(struct virtio_dev *dev, struct vchain *c)
{
	size_t done = 0;
	unsigned int i;
	ssize_t n;

	(void)dev;
	for (i = 0; i < c->nr_write; i++) {
		n = getrandom(c->write[i].iov_base, c->write[i].iov_len, 0);
		if (n < 0 && errno == EINTR) {
			i--;
			continue;
		}
		if (n < 0)
			break;
		done += n;
		if ((size_t)n < c->write[i].iov_len)
			break;
	}
	return done;
}

static void rng_notify(struct virtio_dev *dev)
{
	virtio_serve(dev, 0, &chain, rng_fill);
}

static const struct virtio_dev_ops rng_ops = {
	.name = "virtio-rng",
	.device_id = VIRTIO_ID_RNG,
	.nr_queues = 1,
	.notify = rng_notify,
};

static struct virtio_dev rng_dev = {
	.ops = &rng_ops,
	.input_fd = -1,
};

int rng_add(char *err, size_t errlen)
{
	if (virtio_add(&rng_dev))
		return fail(err, errlen, "virtio-rng: too many devices");
	return 0;
}
