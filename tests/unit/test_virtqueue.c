// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests for pvrun's split virtqueues (tools/pvrun/virtqueue.c): the
 * rings a hostile guest can write, checked before use, and a fuzzer that
 * fills them with random bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../tools/pvrun/virtqueue.h"

#define MEM_SIZE	(256 * 1024)
#define DESC		0x1000
#define AVAIL		0x2000
#define USED		0x3000
#define QSIZE		16

static struct guest_mem mem;
static struct virtq q;
static struct vchain c;

static struct vring_desc *desc(unsigned int i)
{
	return (struct vring_desc *)(mem.base + DESC) + i;
}

static uint16_t *avail(void)
{
	return (uint16_t *)(mem.base + AVAIL);
}

static uint16_t *used(void)
{
	return (uint16_t *)(mem.base + USED);
}

static void set_desc(unsigned int i, uint64_t addr, uint32_t len, uint16_t flags,
		     uint16_t next)
{
	*desc(i) = (struct vring_desc){ addr, len, flags, next };
}

/* Make chain @head available. */
static void offer(uint16_t head)
{
	avail()[2 + avail()[1] % QSIZE] = head;
	avail()[1]++;
}

static int setup(void **state)
{
	(void)state;
	mem.size = MEM_SIZE;
	mem.base = calloc(1, MEM_SIZE);
	memset(&q, 0, sizeof(q));
	q.num = QSIZE;
	q.desc_gpa = DESC;
	q.avail_gpa = AVAIL;
	q.used_gpa = USED;
	assert_int_equal(virtq_enable(&q, &mem), 0);
	q.ready = true;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(mem.base);
	return 0;
}

static void test_enable(void **state)
{
	struct virtq b = q;

	(void)state;
	b.num = 12;
	assert_int_equal(virtq_enable(&b, &mem), -1);	/* not a power of 2 */
	b.num = 512;
	assert_int_equal(virtq_enable(&b, &mem), -1);	/* too large */
	b.num = 0;
	assert_int_equal(virtq_enable(&b, &mem), -1);
	b = q;
	b.desc_gpa = DESC + 8;
	assert_int_equal(virtq_enable(&b, &mem), -1);	/* misaligned */
	b = q;
	b.used_gpa = MEM_SIZE - 8;
	assert_int_equal(virtq_enable(&b, &mem), -1);	/* runs out of memory */
	b = q;
	b.avail_gpa = ~0ULL - 1;
	assert_int_equal(virtq_enable(&b, &mem), -1);	/* wraps */
}

static void test_chain(void **state)
{
	uint32_t *elem;

	(void)state;
	assert_int_equal(virtq_pop(&q, &mem, &c), 0);	/* nothing yet */
	set_desc(0, 0x8000, 16, VRING_DESC_F_NEXT, 5);
	set_desc(5, 0x9000, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
	set_desc(2, 0xa000, 1, VRING_DESC_F_WRITE, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &c), 1);
	assert_int_equal(c.head, 0);
	assert_int_equal(c.nr_read, 1);
	assert_int_equal(c.nr_write, 2);
	assert_ptr_equal(c.read[0].iov_base, mem.base + 0x8000);
	assert_ptr_equal(c.write[1].iov_base, mem.base + 0xa000);
	assert_int_equal(c.read_len, 16);
	assert_int_equal(c.write_len, 513);
	assert_int_equal(virtq_pop(&q, &mem, &c), 0);

	virtq_push(&q, 0, 513);
	assert_int_equal(used()[1], 1);
	elem = (uint32_t *)(used() + 2);
	assert_int_equal(elem[0], 0);
	assert_int_equal(elem[1], 513);

	assert_true(virtq_wants_interrupt(&q));
	avail()[0] = VRING_AVAIL_F_NO_INTERRUPT;
	assert_false(virtq_wants_interrupt(&q));
}

/*
 * A chain the device holds (the balloon's statistics buffer) while the
 * driver turns its queue off and writes another size: giving it back
 * writes nothing, and divides by no size of 0.
 */
static void test_push_after_disable(void **state)
{
	(void)state;
	set_desc(0, 0x8000, 16, 0, 0);
	offer(0);
	assert_int_equal(virtq_pop(&q, &mem, &c), 1);
	q.ready = false;
	q.num = 0;
	virtq_push(&q, c.head, 0);
	assert_int_equal(used()[1], 0);
	q.num = 1U << 16;
	virtq_push(&q, c.head, 0);
	assert_int_equal(used()[1], 0);
}

static void test_indirect(void **state)
{
	struct vring_desc *table = (struct vring_desc *)(mem.base + 0x4000);

	(void)state;
	table[0] = (struct vring_desc){ 0x8000, 16, VRING_DESC_F_NEXT, 1 };
	table[1] = (struct vring_desc){ 0x9000, 4096, VRING_DESC_F_WRITE, 0 };
	set_desc(3, 0x4000, 2 * sizeof(*table), VRING_DESC_F_INDIRECT, 0);
	offer(3);
	assert_int_equal(virtq_pop(&q, &mem, &c), 1);
	assert_int_equal(c.head, 3);
	assert_int_equal(c.nr_read, 1);
	assert_int_equal(c.nr_write, 1);
	assert_int_equal(c.write_len, 4096);
}

/* Each of these chains breaks a rule: virtq_pop() says so. */
static void bad_chain(void (*make)(void))
{
	setup(NULL);
	make();
	assert_int_equal(virtq_pop(&q, &mem, &c), -1);
	teardown(NULL);
}

static void loop(void) { set_desc(0, 0x8000, 8, VRING_DESC_F_NEXT, 0); offer(0); }
static void next_out(void) { set_desc(0, 0x8000, 8, VRING_DESC_F_NEXT, QSIZE); offer(0); }
static void head_out(void) { offer(QSIZE); }
static void outside(void) { set_desc(0, MEM_SIZE - 4, 8, 0, 0); offer(0); }
static void wraps(void) { set_desc(0, ~0ULL - 2, 8, 0, 0); offer(0); }
static void read_after_write(void)
{
	set_desc(0, 0x8000, 8, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x9000, 8, 0, 0);
	offer(0);
}
static void avail_jump(void) { set_desc(0, 0x8000, 8, 0, 0); avail()[1] = QSIZE + 1; }
static void indirect_next(void)
{
	set_desc(0, 0x4000, 16, VRING_DESC_F_INDIRECT | VRING_DESC_F_NEXT, 1);
	offer(0);
}
static void indirect_nested(void)
{
	struct vring_desc *t = (struct vring_desc *)(mem.base + 0x4000);

	t[0] = (struct vring_desc){ 0x4000, 16, VRING_DESC_F_INDIRECT, 0 };
	set_desc(0, 0x4000, 16, VRING_DESC_F_INDIRECT, 0);
	offer(0);
}
static void indirect_loop(void)
{
	struct vring_desc *t = (struct vring_desc *)(mem.base + 0x4000);

	t[0] = (struct vring_desc){ 0x8000, 8, VRING_DESC_F_NEXT, 1 };
	t[1] = (struct vring_desc){ 0x8000, 8, VRING_DESC_F_NEXT, 0 };
	set_desc(0, 0x4000, 32, VRING_DESC_F_INDIRECT, 0);
	offer(0);
}
static void indirect_odd_len(void) { set_desc(0, 0x4000, 24, VRING_DESC_F_INDIRECT, 0); offer(0); }
static void indirect_empty(void) { set_desc(0, 0x4000, 0, VRING_DESC_F_INDIRECT, 0); offer(0); }
static void indirect_outside(void)
{
	set_desc(0, MEM_SIZE - 16, 32, VRING_DESC_F_INDIRECT, 0);
	offer(0);
}
static void indirect_second(void)
{
	set_desc(0, 0x8000, 8, VRING_DESC_F_NEXT, 1);
	set_desc(1, 0x4000, 16, VRING_DESC_F_INDIRECT, 0);
	offer(0);
}

static void test_bad_chains(void **state)
{
	(void)state;
	teardown(NULL);
	bad_chain(loop);
	bad_chain(next_out);
	bad_chain(head_out);
	bad_chain(outside);
	bad_chain(wraps);
	bad_chain(read_after_write);
	bad_chain(avail_jump);
	bad_chain(indirect_next);
	bad_chain(indirect_nested);
	bad_chain(indirect_loop);
	bad_chain(indirect_odd_len);
	bad_chain(indirect_empty);
	bad_chain(indirect_outside);
	bad_chain(indirect_second);
	setup(NULL);
}

/* Random rings: whatever is accepted lies inside guest memory. */
static void test_fuzz(void **state)
{
	unsigned int round, i, n, accepted = 0, refused = 0;
	int r;

	(void)state;
	srand(2);
	for (round = 0; round < 20000; round++) {
		unsigned char *p = mem.base + DESC;

		for (i = 0; i < 0x3000 + 6 + 8 * QSIZE; i++)
			p[i] = rand();
		/* Often small, plausible values, to get past the first checks. */
		for (i = 0; i < QSIZE; i++) {
			if (rand() % 2) {
				desc(i)->addr = rand() % (MEM_SIZE + 64);
				desc(i)->len = rand() % 8192;
				desc(i)->next = rand() % (QSIZE + 2);
				desc(i)->flags &= 7;
			}
			if (rand() % 2)
				avail()[2 + i] = rand() % (QSIZE + 1);
		}
		q.last_avail = rand();
		avail()[1] = q.last_avail + rand() % (QSIZE + 2);
		for (n = 0; n < QSIZE + 2; n++) {
			r = virtq_pop(&q, &mem, &c);
			refused += r < 0;
			if (r <= 0)
				break;
			accepted++;
			assert_true(c.head < QSIZE);
			for (i = 0; i < c.nr_read; i++)
				assert_true((unsigned char *)c.read[i].iov_base >= mem.base &&
					    (unsigned char *)c.read[i].iov_base + c.read[i].iov_len <=
					    mem.base + MEM_SIZE);
			for (i = 0; i < c.nr_write; i++)
				assert_true((unsigned char *)c.write[i].iov_base >= mem.base &&
					    (unsigned char *)c.write[i].iov_base + c.write[i].iov_len <=
					    mem.base + MEM_SIZE);
			virtq_push(&q, c.head, 0);
		}
	}
	/* The fuzzer reached both outcomes often. */
	assert_true(accepted > 1000 && refused > 1000);
}

static void test_iov(void **state)
{
	char a[4] = "abcd", b[3] = "efg", out[8] = { 0 };
	struct iovec iov[2] = { { a, 4 }, { b, 3 } }, part[2];
	unsigned int n;

	(void)state;
	assert_int_equal(iov_to_buf(iov, 2, 2, out, 8), 5);
	assert_memory_equal(out, "cdefg", 5);
	assert_int_equal(buf_to_iov(iov, 2, 3, "XYZ", 3), 3);
	assert_memory_equal(a, "abcX", 4);
	assert_memory_equal(b, "YZg", 3);
	n = iov_slice(iov, 2, 3, 2, part, 2);
	assert_int_equal(n, 2);
	assert_ptr_equal(part[0].iov_base, a + 3);
	assert_int_equal(part[0].iov_len, 1);
	assert_int_equal(part[1].iov_len, 1);
	assert_int_equal(iov_slice(iov, 2, 7, 5, part, 2), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_enable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_push_after_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_indirect, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_chains, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fuzz, setup, teardown),
		cmocka_unit_test(test_iov),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
