// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: split virtqueues, the device's side (virtqueue.h).
 *
 * The rings live in guest memory, which the guest can change at any
 * moment: every field is read once into a local and checked there.
 */
#include <string.h>

#include "virtqueue.h"

#define MAX_INDIRECT	(VCHAIN_MAX)

void *gmem_ptr(const struct guest_mem *mem, uint64_t gpa, uint64_t len)
{
	if (len > mem->size || gpa > mem->size - len)
		return NULL;
	return mem->base + gpa;
}

int virtq_enable(struct virtq *q, const struct guest_mem *mem)
{
	uint32_t n = q->num;

	if (n == 0 || n > VIRTQ_MAX_SIZE || (n & (n - 1)))
		return -1;
	if (q->desc_gpa % 16 || q->avail_gpa % 2 || q->used_gpa % 4)
		return -1;
	q->desc = gmem_ptr(mem, q->desc_gpa, 16ULL * n);
	q->avail = gmem_ptr(mem, q->avail_gpa, 6 + 2ULL * n);
	q->used = gmem_ptr(mem, q->used_gpa, 6 + 8ULL * n);
	if (!q->desc || !q->avail || !q->used)
		return -1;
	q->last_avail = 0;
	q->used_idx = 0;
	return 0;
}

void virtq_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

/* Add one buffer to the chain, checking it against guest memory. */
static int chain_add(struct vchain *c, const struct guest_mem *mem,
		     const struct vring_desc *d)
{
	void *p = gmem_ptr(mem, d->addr, d->len);

	if (!p || c->nr_read + c->nr_write >= VCHAIN_MAX)
		return -1;
	if (d->flags & VRING_DESC_F_WRITE) {
		c->write[c->nr_write++] = (struct iovec){ p, d->len };
		c->write_len += d->len;
	} else {
		/* The spec puts every readable buffer before the writable ones. */
		if (c->nr_write)
			return -1;
		c->read[c->nr_read++] = (struct iovec){ p, d->len };
		c->read_len += d->len;
	}
	return 0;
}

/* The descriptors of an indirect table, in the order their links say. */
static int chain_indirect(struct vchain *c, const struct guest_mem *mem,
			  const struct vring_desc *table_desc)
{
	const struct vring_desc *table;
	struct vring_desc d;
	unsigned int n, i, seen;

	if (table_desc->len % sizeof(d) || table_desc->len == 0 ||
	    table_desc->len / sizeof(d) > MAX_INDIRECT)
		return -1;
	n = table_desc->len / sizeof(d);
	table = gmem_ptr(mem, table_desc->addr, table_desc->len);
	if (!table || table_desc->addr % 16)
		return -1;
	for (i = 0, seen = 0;; seen++) {
		if (seen >= n)
			return -1;		/* a loop */
		memcpy(&d, &table[i], sizeof(d));
		__asm__ volatile("" ::: "memory");
		if (d.flags & VRING_DESC_F_INDIRECT)
			return -1;		/* no nesting */
		if (chain_add(c, mem, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 0;
		if (d.next >= n)
			return -1;
		i = d.next;
	}
}

int virtq_pop(struct virtq *q, const struct guest_mem *mem, struct vchain *c)
{
	uint16_t avail_idx, head, i;
	struct vring_desc d;
	unsigned int seen;

	if (!q->ready || !q->desc)
		return 0;
	avail_idx = __atomic_load_n(&q->avail[1], __ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail)
		return 0;
	/* More new chains than the ring holds: the index is garbage. */
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return -1;
	head = __atomic_load_n(&q->avail[2 + q->last_avail % q->num],
			       __ATOMIC_RELAXED);
	if (head >= q->num)
		return -1;
	q->last_avail++;

	c->head = head;
	c->nr_read = c->nr_write = 0;
	c->read_len = c->write_len = 0;
	for (i = head, seen = 0;; seen++) {
		if (seen >= q->num)
			return -1;		/* a loop */
		memcpy(&d, &q->desc[i], sizeof(d));
		__asm__ volatile("" ::: "memory");
		if (d.flags & VRING_DESC_F_INDIRECT) {
			/* An indirect table stands alone (spec 2.7.5.3.1). */
			if (d.flags & VRING_DESC_F_NEXT || seen)
				return -1;
			return chain_indirect(c, mem, &d) ? -1 : 1;
		}
		if (chain_add(c, mem, &d))
			return -1;
		if (!(d.flags & VRING_DESC_F_NEXT))
			return 1;
		if (d.next >= q->num)
			return -1;
		i = d.next;
	}
}

void virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	uint32_t *elem;

	/*
	 * A chain held while the driver turned the queue off (and perhaps
	 * resized it) goes nowhere: the ring it came from is not there.
	 */
	if (!q->ready || !q->used)
		return;
	elem = (uint32_t *)(q->used + 2) + 2 * (q->used_idx % q->num);

	elem[0] = head;
	elem[1] = len;
	q->used_idx++;
	/* The element is written before the index that publishes it. */
	__atomic_store_n(&q->used[1], q->used_idx, __ATOMIC_RELEASE);
}

bool virtq_wants_interrupt(const struct virtq *q)
{
	/* Order the index store above before reading the driver's flags. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return !(__atomic_load_n(&q->avail[0], __ATOMIC_RELAXED) &
		 VRING_AVAIL_F_NO_INTERRUPT);
}

/* Copy between @iov from byte @offset on and @buf: into @buf, or out of it. */
static size_t iov_copy(const struct iovec *iov, unsigned int n, size_t offset,
		       char *buf, size_t len, bool into_iov)
{
	size_t done = 0, chunk;
	unsigned int i;
	char *p;

	for (i = 0; i < n && done < len; i++) {
		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - offset;
		if (chunk > len - done)
			chunk = len - done;
		p = (char *)iov[i].iov_base + offset;
		if (into_iov)
			memcpy(p, buf + done, chunk);
		else
			memcpy(buf + done, p, chunk);
		done += chunk;
		offset = 0;
	}
	return done;
}

size_t iov_to_buf(const struct iovec *iov, unsigned int n, size_t offset,
		  void *buf, size_t len)
{
	return iov_copy(iov, n, offset, buf, len, false);
}

size_t buf_to_iov(const struct iovec *iov, unsigned int n, size_t offset,
		  const void *buf, size_t len)
{
	return iov_copy(iov, n, offset, (char *)buf, len, true);
}

unsigned int iov_slice(const struct iovec *iov, unsigned int n, size_t offset,
		       size_t len, struct iovec *out, unsigned int max)
{
	unsigned int i, k = 0;
	size_t chunk;

	for (i = 0; i < n && len && k < max; i++) {
		if (offset >= iov[i].iov_len) {
			offset -= iov[i].iov_len;
			continue;
		}
		chunk = iov[i].iov_len - offset;
		if (chunk > len)
			chunk = len;
		out[k].iov_base = (char *)iov[i].iov_base + offset;
		out[k++].iov_len = chunk;
		len -= chunk;
		offset = 0;
	}
	return k;
}
