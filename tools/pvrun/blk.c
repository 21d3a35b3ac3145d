// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: virtio-blk (spec 5.2) on a raw image file.
 *
 * Requests are done synchronously in the device's thread with preadv()
 * and pwritev(); a flush is fdatasync(), so what the guest wrote and
 * synced is on the host file.  An image is locked (an OFD lock) for
 * writing, or for reading with ",ro", so that two pvruns cannot write
 * one disk under each other.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "devices.h"
#include "error.h"
#include "virtio.h"

#define VIRTIO_BLK_F_SEG_MAX	2
#define VIRTIO_BLK_F_RO		5
#define VIRTIO_BLK_F_FLUSH	9

#define VIRTIO_BLK_T_IN		0
#define VIRTIO_BLK_T_OUT	1
#define VIRTIO_BLK_T_FLUSH	4
#define VIRTIO_BLK_T_GET_ID	8

#define VIRTIO_BLK_S_OK		0
#define VIRTIO_BLK_S_IOERR	1
#define VIRTIO_BLK_S_UNSUPP	2

#define SECTOR_SIZE		512
#define BLK_ID_BYTES		20
#define BLK_SEG_MAX		(VIRTQ_MAX_SIZE - 2)

struct blk_config {
	uint64_t capacity;	/* in 512-byte sectors */
	uint32_t size_max;
	uint32_t seg_max;
} __attribute__((packed));

struct blk_req_header {
	uint32_t type;
	uint32_t ioprio;
	uint64_t sector;
};

struct blk {
	struct virtio_dev dev;
	struct blk_config config;
	int fd;
	bool read_only;
	uint64_t sectors;
	char id[BLK_ID_BYTES];
	struct vchain chain;
	struct iovec data[VCHAIN_MAX];
};

static unsigned int nr_disks;

/* Read or write all of @len bytes at @pos, however the kernel splits it. */
static int blk_rw(struct blk *b, bool write, const struct iovec *iov,
		  unsigned int n, uint64_t pos, size_t len)
{
	struct iovec part[VCHAIN_MAX];
	unsigned int k;
	size_t done = 0;
	ssize_t r;

	while (done < len) {
		k = iov_slice(iov, n, done, len - done, part, VCHAIN_MAX);
		r = write ? pwritev(b->fd, part, k, pos + done) :
			    preadv(b->fd, part, k, pos + done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0) {
			if (write)
				return -1;
			/* The image shrank under us: what is gone reads as 0. */
			while (done < len) {
				static const char zero[4096];
				size_t c = len - done < sizeof(zero) ? len - done : sizeof(zero);

				buf_to_iov(iov, n, done, zero, c);
				done += c;
			}
			return 0;
		}
		done += r;
	}
	return 0;
}

/* Whether [sector, sector + len) lies on the disk. */
static bool in_range(const struct blk *b, uint64_t sector, size_t len)
{
	uint64_t count = (len + SECTOR_SIZE - 1) / SECTOR_SIZE;

	return sector <= b->sectors && count <= b->sectors - sector;
}

/* Do one request; returns the bytes written into the guest's buffers. */
static uint32_t blk_request(struct virtio_dev *dev, struct vchain *c)
{
	struct blk *b = dev->priv;
	struct blk_req_header h;
	uint8_t status = VIRTIO_BLK_S_OK;
	size_t len = 0;
	unsigned int n;

	if (c->read_len < sizeof(h) || c->write_len < 1) {
		virtio_broken(&b->dev, "a request without its header or status byte");
		return 0;
	}
	iov_to_buf(c->read, c->nr_read, 0, &h, sizeof(h));
	switch (h.type) {
	case VIRTIO_BLK_T_IN:
		len = c->write_len - 1;
		n = iov_slice(c->write, c->nr_write, 0, len, b->data, VCHAIN_MAX);
		if (!in_range(b, h.sector, len) ||
		    blk_rw(b, false, b->data, n, h.sector * SECTOR_SIZE, len))
			status = VIRTIO_BLK_S_IOERR;
		break;
	case VIRTIO_BLK_T_OUT:
		len = c->read_len - sizeof(h);
		n = iov_slice(c->read, c->nr_read, sizeof(h), len, b->data, VCHAIN_MAX);
		if (b->read_only || !in_range(b, h.sector, len) ||
		    blk_rw(b, true, b->data, n, h.sector * SECTOR_SIZE, len))
			status = VIRTIO_BLK_S_IOERR;
		len = 0;	/* nothing was written into the guest's buffers */
		break;
	case VIRTIO_BLK_T_FLUSH:
		while (fdatasync(b->fd) < 0) {
			if (errno != EINTR) {
				status = VIRTIO_BLK_S_IOERR;
				break;
			}
		}
		break;
	case VIRTIO_BLK_T_GET_ID:
		len = c->write_len - 1 < BLK_ID_BYTES ? c->write_len - 1 : BLK_ID_BYTES;
		buf_to_iov(c->write, c->nr_write, 0, b->id, len);
		break;
	default:
		status = VIRTIO_BLK_S_UNSUPP;
		break;
	}
	buf_to_iov(c->write, c->nr_write, c->write_len - 1, &status, 1);
	return len + 1;
}

static void blk_notify(struct virtio_dev *dev)
{
	struct blk *b = dev->priv;

	virtio_serve(dev, 0, &b->chain, blk_request);
}

static const struct virtio_dev_ops blk_ops = {
	.name = "virtio-blk",
	.device_id = VIRTIO_ID_BLOCK,
	.nr_queues = 1,
	.notify = blk_notify,
};

/* Lock the image as a reader or writer, so another pvrun cannot write it. */
static int lock_image(int fd, bool read_only)
{
	struct flock l = {
		.l_type = read_only ? F_RDLCK : F_WRLCK,
		.l_whence = SEEK_SET,
	};

	return fcntl(fd, F_OFD_SETLK, &l);
}

int blk_add(const struct disk_spec *spec, char *err, size_t errlen)
{
	struct blk *b = calloc(1, sizeof(*b));
	struct stat st;
	off_t size;

	if (!b)
		return fail(err, errlen, "--disk %s: out of memory", spec->path);
	b->read_only = spec->read_only;
	b->fd = open(spec->path, (b->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (b->fd < 0)
		return fail(err, errlen, "--disk %s: %s", spec->path, strerror(errno));
	if (fstat(b->fd, &st) < 0)
		return fail(err, errlen, "--disk %s: %s", spec->path, strerror(errno));
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
		return fail(err, errlen, "--disk %s: not a disk image (a regular file or block device)",
			    spec->path);
	size = lseek(b->fd, 0, SEEK_END);
	if (size < 0)
		return fail(err, errlen, "--disk %s: %s", spec->path, strerror(errno));
	if (size < SECTOR_SIZE)
		return fail(err, errlen, "--disk %s: smaller than one 512-byte sector",
			    spec->path);
	if (lock_image(b->fd, b->read_only) < 0) {
		if (errno == EAGAIN || errno == EACCES)
			return fail(err, errlen, "--disk %s: in use: another pvrun has it open%s",
				    spec->path, b->read_only ? " for writing" : "");
		return fail(err, errlen, "--disk %s: cannot lock: %s", spec->path,
			    strerror(errno));
	}
	b->sectors = size / SECTOR_SIZE;
	b->config.capacity = b->sectors;
	b->config.seg_max = BLK_SEG_MAX;
	snprintf(b->id, sizeof(b->id), "pvrun-disk%u", nr_disks++);
	b->dev.ops = &blk_ops;
	b->dev.priv = b;
	b->dev.config = &b->config;
	b->dev.config_len = sizeof(b->config);
	b->dev.input_fd = -1;
	b->dev.features = 1ULL << VIRTIO_BLK_F_SEG_MAX | 1ULL << VIRTIO_BLK_F_FLUSH |
			  (b->read_only ? 1ULL << VIRTIO_BLK_F_RO : 0);
	if (virtio_add(&b->dev))
		return fail(err, errlen, "--disk %s: too many devices", spec->path);
	return 0;
}
