// SPDX-License-Identifier: GPL-2.0
/*
 * pvctl: a small client of pvrun's API socket, for people.
 *
 *   pvctl SOCK status | pause | resume | balloon MIB | balloon-stats SECONDS
 *              | stats | snapshot STATE MEM | load STATE MEM
 *
 * Each command is one HTTP request (libcurl, over the Unix socket), with
 * a JSON body made by jansson, as Documentation/pv/pvrun.rst describes
 * them.  What the server answers with a body is printed; an error is one
 * line, "pvctl: ...", with the server's fault_message, and exit status 1.
 */
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The body of the answer, as it arrives (at most 64 KiB kept). */
struct answer {
	char text[65536];
	size_t len;
};

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fputs("pvctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static size_t take(char *p, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t len = size * n, room = sizeof(a->text) - 1 - a->len;

	memcpy(a->text + a->len, p, len < room ? len : room);
	a->len += len < room ? len : room;
	a->text[a->len] = 0;
	return len;
}

/*
 * One request; returns the HTTP status, the answer's body in @a.  Dies
 * when the socket does not answer.
 */
static long request(const char *sock, const char *method, const char *path,
		    const char *body, struct answer *a)
{
	struct curl_slist *headers = NULL;
	char url[256];
	long status = 0;
	CURLcode rc;
	CURL *c;

	c = curl_easy_init();
	if (!c)
		die("cannot start libcurl");
	snprintf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, take);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	/* A pause may take 5 s; nothing takes a minute. */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	if (body) {
		headers = curl_slist_append(headers, "Content-Type: application/json");
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	}
	rc = curl_easy_perform(c);
	if (rc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	if (rc != CURLE_OK)
		die("%s: %s", sock, curl_easy_strerror(rc));
	return status;
}

/*
 * The request, with @body (a JSON object, taken; NULL: none), must
 * succeed; print what it answered, if anything.
 */
static void call(const char *sock, const char *method, const char *path,
		 json_t *body)
{
	static struct answer a;
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	const char *msg;
	json_t *fault;
	long status;

	json_decref(body);
	if (!body && strcmp(method, "GET"))
		die("%s %s: an argument that is not UTF-8", method, path);
	if (body && !text)
		die("cannot make the request's JSON");
	status = request(sock, method, path, text, &a);
	free(text);
	if (status >= 200 && status < 300) {
		if (a.len)
			printf("%s\n", a.text);
		return;
	}
	/* {"fault_message": "..."}: the message alone. */
	fault = json_loadb(a.text, a.len, 0, NULL);
	msg = json_string_value(json_object_get(fault, "fault_message"));
	if (msg)
		die("%s %s: %s", method, path, msg);
	die("%s %s: HTTP status %ld", method, path, status);
}

/* A whole number from 0 to @max, or death. */
static unsigned long number(const char *s, unsigned long max, const char *what)
{
	unsigned long n;
	char *end;

	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || n > max)
		die("%s %s: not a number from 0 to %lu", what, s, max);
	return n;
}

static void usage(FILE *f)
{
	fputs("usage: pvctl SOCK status | pause | resume | balloon MIB\n"
	      "                  | balloon-stats SECONDS | stats\n"
	      "                  | snapshot STATE MEM | load STATE MEM\n", f);
}

int main(int argc, char **argv)
{
	const char *sock, *cmd;

	if (argc == 2 && !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	if (argc < 3) {
		usage(stderr);
		return 1;
	}
	sock = argv[1];
	cmd = argv[2];
	if (curl_global_init(CURL_GLOBAL_NOTHING))
		die("cannot start libcurl");
	if (!strcmp(cmd, "status") && argc == 3) {
		call(sock, "GET", "/", NULL);
	} else if (!strcmp(cmd, "pause") && argc == 3) {
		call(sock, "PATCH", "/vm", json_pack("{s:s}", "state", "Paused"));
	} else if (!strcmp(cmd, "resume") && argc == 3) {
		call(sock, "PATCH", "/vm", json_pack("{s:s}", "state", "Resumed"));
	} else if (!strcmp(cmd, "balloon") && argc == 4) {
		call(sock, "PATCH", "/balloon", json_pack("{s:I}", "amount_mib",
			(json_int_t)number(argv[3], 1UL << 30, "balloon")));
	} else if (!strcmp(cmd, "balloon-stats") && argc == 4) {
		call(sock, "PATCH", "/balloon/statistics",
		     json_pack("{s:I}", "stats_polling_interval_s",
			       (json_int_t)number(argv[3], 3600, "balloon-stats")));
	} else if (!strcmp(cmd, "stats") && argc == 3) {
		call(sock, "GET", "/balloon/statistics", NULL);
	} else if (!strcmp(cmd, "snapshot") && argc == 5) {
		call(sock, "PUT", "/snapshot/create",
		     json_pack("{s:s, s:s, s:s}", "snapshot_type", "Full",
			       "snapshot_path", argv[3], "mem_file_path", argv[4]));
	} else if (!strcmp(cmd, "load") && argc == 5) {
		call(sock, "PUT", "/snapshot/load",
		     json_pack("{s:s, s:{s:s, s:s}, s:b}", "snapshot_path", argv[3],
			       "mem_backend", "backend_type", "File",
			       "backend_path", argv[4], "resume_vm", 1));
	} else {
		usage(stderr);
		return 1;
	}
	curl_global_cleanup();
	return 0;
}
