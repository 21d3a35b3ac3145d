// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: virtio-net (spec 5.1) on a host TAP device.
 *
 * Frames go between the TAP device and the guest's queues as they are,
 * with the 12-byte virtio-net header, which the TAP device understands
 * too (IFF_VNET_HDR): checksum offload and TSO pass through both ways, so
 * a TCP stream moves in 64 KiB segments.  The TAP device is opened, or
 * created if it does not exist, as QEMU's "-netdev tap" does; configuring
 * the host side is the user's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "devices.h"
#include "error.h"
#include "virtio.h"

#define VIRTIO_NET_F_CSUM	0	/* the guest sends partial checksums */
#define VIRTIO_NET_F_GUEST_CSUM	1	/* ... and takes them */
#define VIRTIO_NET_F_MAC	5
#define VIRTIO_NET_F_GUEST_TSO4	7	/* the guest takes TCP segments ... */
#define VIRTIO_NET_F_GUEST_TSO6	8
#define VIRTIO_NET_F_HOST_TSO4	11	/* ... and sends them */
#define VIRTIO_NET_F_HOST_TSO6	12
#define VIRTIO_NET_F_STATUS	16
#define VIRTIO_NET_S_LINK_UP	1

#define RXQ		0
#define TXQ		1
#define NET_HDR_LEN	12	/* struct virtio_net_hdr_v1 */
#define FRAME_MAX	(65536 + 4096)	/* a TSO segment and its headers */
#define RX_BATCH	64

struct net_config {
	uint8_t mac[6];
	uint16_t status;
} __attribute__((packed));

struct net {
	struct virtio_dev dev;
	struct net_config config;
	struct vchain chain;
	size_t pending;		/* bytes of a frame read but not delivered */
	uint8_t frame[NET_HDR_LEN + FRAME_MAX];
};

/*
 * One frame to the TAP device.  Header and frame go as they are: the TAP
 * device checks the header and refuses (EINVAL) one it does not accept.
 * A full or downed TAP drops the frame, as a wire would.
 */
static uint32_t net_send_frame(struct virtio_dev *dev, struct vchain *c)
{
	struct iovec part[VCHAIN_MAX];
	unsigned int k;
	ssize_t r;

	if (c->read_len > NET_HDR_LEN) {
		k = iov_slice(c->read, c->nr_read, 0, c->read_len, part,
			      VCHAIN_MAX);
		do {
			r = writev(dev->input_fd, part, k);
		} while (r < 0 && errno == EINTR);
	}
	return 0;
}

static void net_transmit(struct net *n)
{
	virtio_serve(&n->dev, TXQ, &n->chain, net_send_frame);
}

/* Frames from the TAP device into the guest's receive buffers. */
static void net_receive(struct virtio_dev *dev)
{
	struct net *n = dev->priv;
	unsigned int delivered = 0;
	ssize_t r;

	while (delivered < RX_BATCH) {
		if (!n->pending) {
			r = read(dev->input_fd, n->frame, sizeof(n->frame));
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= NET_HDR_LEN)
				break;		/* EAGAIN: nothing more now */
			n->pending = r - NET_HDR_LEN;
			n->frame[10] = 1;	/* num_buffers: the TAP skips it */
			n->frame[11] = 0;
		}
		if (virtio_pop(dev, RXQ, &n->chain) != 1) {
			dev->input_wanted = false;	/* wait for buffers */
			break;
		}
		if (n->chain.write_len >= NET_HDR_LEN + n->pending) {
			buf_to_iov(n->chain.write, n->chain.nr_write, 0, n->frame,
				   NET_HDR_LEN + n->pending);
			virtio_push(dev, RXQ, n->chain.head, NET_HDR_LEN + n->pending);
		} else {
			virtio_push(dev, RXQ, n->chain.head, 0); /* too small: dropped */
		}
		n->pending = 0;
		delivered++;
	}
	if (delivered)
		virtio_interrupt(dev, RXQ);
}

static void net_notify(struct virtio_dev *dev)
{
	net_transmit(dev->priv);
	/* New receive buffers, perhaps: deliver what waits, listen again. */
	dev->input_wanted = true;
	net_receive(dev);
}

/*
 * The driver accepted its features: the TAP device may now hand us what
 * the guest said it takes (partial checksums, TCP segments), no more.
 */
static void net_start(struct virtio_dev *dev)
{
	uint64_t f = dev->driver_features;
	unsigned int offload = 0;

	if (f & 1ULL << VIRTIO_NET_F_GUEST_CSUM) {
		offload |= TUN_F_CSUM;
		if (f & 1ULL << VIRTIO_NET_F_GUEST_TSO4)
			offload |= TUN_F_TSO4;
		if (f & 1ULL << VIRTIO_NET_F_GUEST_TSO6)
			offload |= TUN_F_TSO6;
	}
	if (ioctl(dev->input_fd, TUNSETOFFLOAD, offload) < 0)
		pr_warning("virtio-net: TUNSETOFFLOAD: %s", strerror(errno));
}

static void net_reset(struct virtio_dev *dev)
{
	struct net *n = dev->priv;

	n->pending = 0;
}

static const struct virtio_dev_ops net_ops = {
	.name = "virtio-net",
	.device_id = VIRTIO_ID_NET,
	.nr_queues = 2,
	.notify = net_notify,
	.input = net_receive,
	.start = net_start,
	.reset = net_reset,
};

static int open_tap(const char *name, char *err, size_t errlen)
{
	struct ifreq ifr;
	int fd, hdr_len = NET_HDR_LEN;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return fail(err, errlen, "--net tap=%s: /dev/net/tun: %s (is the tun module loaded?)",
			    name, strerror(errno));
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		fail(err, errlen, "--net tap=%s: cannot open TAP device %s: %s%s",
		     name, name, strerror(errno),
		     errno == EPERM ? " (needs CAP_NET_ADMIN, or a TAP device made for this user)" :
		     errno == EBUSY ? " (another program has it open)" :
		     errno == EINVAL ? " (an interface of another kind has that name)" : "");
		close(fd);
		return -1;
	}
	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_len) < 0 ||
	    ioctl(fd, TUNSETOFFLOAD, 0) < 0) {
		fail(err, errlen, "--net tap=%s: cannot set up TAP device %s: %s",
		     name, name, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int net_add(const struct net_spec *spec, unsigned int index, char *err,
	    size_t errlen)
{
	struct net *n = calloc(1, sizeof(*n));
	static const uint8_t qemu_oui[3] = { 0x52, 0x54, 0x00 };

	if (!n)
		return fail(err, errlen, "--net: out of memory");
	n->dev.input_fd = open_tap(spec->tap, err, errlen);
	if (n->dev.input_fd < 0)
		return -1;
	if (spec->has_mac) {
		memcpy(n->config.mac, spec->mac, 6);
	} else {
		/* QEMU's default prefix, then the host's pid and the index. */
		memcpy(n->config.mac, qemu_oui, 3);
		n->config.mac[3] = getpid() >> 8;
		n->config.mac[4] = getpid();
		n->config.mac[5] = index;
	}
	n->config.status = VIRTIO_NET_S_LINK_UP;
	n->dev.ops = &net_ops;
	n->dev.priv = n;
	n->dev.config = &n->config;
	n->dev.config_len = sizeof(n->config);
	n->dev.features = 1ULL << VIRTIO_NET_F_MAC | 1ULL << VIRTIO_NET_F_STATUS |
			  1ULL << VIRTIO_NET_F_CSUM | 1ULL << VIRTIO_NET_F_GUEST_CSUM |
			  1ULL << VIRTIO_NET_F_HOST_TSO4 | 1ULL << VIRTIO_NET_F_HOST_TSO6 |
			  1ULL << VIRTIO_NET_F_GUEST_TSO4 | 1ULL << VIRTIO_NET_F_GUEST_TSO6;
	if (virtio_add(&n->dev))
		return fail(err, errlen, "--net tap=%s: too many devices", spec->tap);
	return 0;
}
