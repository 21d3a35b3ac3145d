/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: the virtio devices a guest can have, and their option syntax.
 *
 * Each *_add() opens what the device needs on the host and gives the
 * guest the device (virtio_add()).  On failure it returns -1 with a
 * one-line reason in @err.
 */
#ifndef PVRUN_DEVICES_H
#define PVRUN_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* --disk PATH[,ro] */
struct disk_spec {
	char path[4096];
	bool read_only;
};

/* --net tap=NAME[,mac=XX:XX:XX:XX:XX:XX] */
struct net_spec {
	char tap[16];		/* IFNAMSIZ */
	uint8_t mac[6];
	bool has_mac;
};

/*
 * parse_disk_spec / parse_net_spec - read an option's value
 *
 * Return 0, or -1 with a one-line reason in @err.
 */
int parse_disk_spec(const char *s, struct disk_spec *out, char *err, size_t errlen);
int parse_net_spec(const char *s, struct net_spec *out, char *err, size_t errlen);

int blk_add(const struct disk_spec *spec, char *err, size_t errlen);
int net_add(const struct net_spec *spec, unsigned int index, char *err,
	    size_t errlen);
int console_add(char *err, size_t errlen);
int rng_add(char *err, size_t errlen);
/* --balloon SIZE: virtio-balloon, SIZE bytes taken back at start (0: none) */
int balloon_add(uint64_t target, uint64_t mem_size, char *err, size_t errlen);
bool balloon_present(void);
/* Pages the guest gave back so far (inflated or reported free). */
uint64_t balloon_dropped_pages(void);
/* Pages in the balloon, as the guest's driver last said (config actual). */
uint32_t balloon_actual_pages(void);
/* The pages the host wants in the balloon, and a new target (4 KiB pages). */
uint32_t balloon_target_pages(void);
int balloon_set_target(uint64_t bytes, char *err, size_t errlen);
/* Statistics: polled every @seconds (0: never), as the driver last gave them. */
#define BALLOON_STATS_NR	10	/* the spec's tags 0..9 */
unsigned int balloon_stats_interval(void);
int balloon_set_stats_interval(unsigned int seconds, char *err, size_t errlen);
/* Fills @out[BALLOON_STATS_NR]; returns the tags seen (bit n: tag n). */
uint32_t balloon_stats(uint64_t *out);

#endif
