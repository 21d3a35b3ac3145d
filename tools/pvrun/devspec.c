// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: the syntax of --disk and --net (devices.h).
 */
#include <stdio.h>
#include <string.h>

#include "devices.h"
#include "error.h"

int parse_disk_spec(const char *s, struct disk_spec *out, char *err, size_t errlen)
{
	const char *comma = strrchr(s, ',');
	size_t len = strlen(s);

	memset(out, 0, sizeof(*out));
	if (comma && strcmp(comma, ",ro") == 0) {
		out->read_only = true;
		len = comma - s;
	} else if (comma && strcmp(comma, ",rw") == 0) {
		len = comma - s;
	} else if (comma && !strchr(comma, '/')) {
		return fail(err, errlen, "--disk %s: unknown option '%s' (PATH[,ro])",
			    s, comma + 1);
	}
	if (len == 0)
		return fail(err, errlen, "--disk %s: no file (PATH[,ro])", s);
	if (len >= sizeof(out->path))
		return fail(err, errlen, "--disk: path too long");
	memcpy(out->path, s, len);
	out->path[len] = 0;
	return 0;
}

static int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6], i;
	char end;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6)
		return -1;
	for (i = 0; i < 6; i++) {
		if (s[3 * i] == ' ' || s[3 * i] == '+' || s[3 * i] == '-' ||
		    s[3 * i + 1] == ' ' || (i < 5 && s[3 * i + 2] != ':'))
			return -1;
		mac[i] = b[i];
	}
	/* A multicast address cannot be a NIC's. */
	return mac[0] & 1 ? -1 : 0;
}

int parse_net_spec(const char *s, struct net_spec *out, char *err, size_t errlen)
{
	char buf[128], *opt, *save = NULL;

	memset(out, 0, sizeof(*out));
	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "--net: value too long");
	strcpy(buf, s);
	for (opt = strtok_r(buf, ",", &save); opt; opt = strtok_r(NULL, ",", &save)) {
		if (strncmp(opt, "tap=", 4) == 0) {
			if (!opt[4] || strlen(opt + 4) >= sizeof(out->tap) ||
			    strchr(opt + 4, '/') || strchr(opt + 4, ' '))
				return fail(err, errlen, "--net %s: '%s' is not a network interface name",
					    s, opt + 4);
			strcpy(out->tap, opt + 4);
		} else if (strncmp(opt, "mac=", 4) == 0) {
			if (parse_mac(opt + 4, out->mac))
				return fail(err, errlen, "--net %s: '%s' is not a unicast MAC address (52:54:00:12:34:56)",
					    s, opt + 4);
			out->has_mac = true;
		} else {
			return fail(err, errlen, "--net %s: unknown option '%s' (tap=NAME[,mac=MAC])",
				    s, opt);
		}
	}
	if (!out->tap[0])
		return fail(err, errlen, "--net %s: no TAP device (tap=NAME[,mac=MAC])", s);
	return 0;
}
