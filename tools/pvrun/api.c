// SPDX-License-Identifier: GPL-2.0
/*
 * pvrun: the API socket (--api-sock PATH), in Firecracker's shape.
 *
 * HTTP/1.1 on a Unix socket, served by libmicrohttpd (one thread of its
 * own: requests are answered one at a time), with JSON bodies read and
 * written by jansson: Firecracker's paths, bodies and error format for
 * what pv supports, so that curl --unix-socket and Firecracker's tooling
 * speak to it.  A request that is not understood gets 400 and
 * {"fault_message": "..."} saying why, and changes nothing.
 * Documentation/pv/pvrun.rst, "The API socket", lists the paths.
 */
#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "api.h"
#include "devices.h"
#include "error.h"
#include "vmstate.h"

/* The largest body taken (Firecracker's limit is 50 KiB too). */
#define API_MAX_BODY	(50 * 1024)

/* A request as it arrives: its body, whole or too big. */
struct request {
	char body[API_MAX_BODY];
	size_t len;
	bool too_big;
};

/* What a handler answers: a status and a JSON body (NULL: none). */
struct reply {
	unsigned int status;
	json_t *body;
};

static const char *socket_path;
static struct stat socket_made;	/* what bind() made: only that is removed */
static int listen_fd = -1;
static const char *pvrun_version;
static const char *instance_id = "anonymous-instance";

static struct reply fault(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static struct reply fault(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	json_t *body;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* (A path or a name that is not UTF-8 cannot go into JSON as it is.) */
	body = json_pack("{s:s}", "fault_message", msg);
	if (!body)
		body = json_pack("{s:s}", "fault_message",
				 "the request was not understood (not UTF-8)");
	return (struct reply){ MHD_HTTP_BAD_REQUEST, body };
}

static struct reply no_content(void)
{
	return (struct reply){ MHD_HTTP_NO_CONTENT, NULL };
}

/*
 * The body as a JSON object with only the fields in @allowed (a NULL-
 * terminated list), or NULL with *r the fault saying why.
 */
static json_t *object_body(const struct request *req, const char *const *allowed,
			   struct reply *r)
{
	const char *key, *const *a;
	json_error_t e;
	json_t *o, *v;

	if (!req->len) {
		*r = fault("the request needs a JSON body");
		return NULL;
	}
	o = json_loadb(req->body, req->len, JSON_REJECT_DUPLICATES, &e);
	if (!o) {
		*r = fault("the body is not JSON: %s (line %d, column %d)",
			   e.text, e.line, e.column);
		return NULL;
	}
	if (!json_is_object(o)) {
		json_decref(o);
		*r = fault("the body must be a JSON object");
		return NULL;
	}
	json_object_foreach(o, key, v) {
		for (a = allowed; *a && strcmp(*a, key); a++)
			;
		if (!*a) {
			*r = fault("unknown field '%s'", key);
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* A whole number field of @o from @min to @max; -1 with *r set if not. */
static long long number_field(json_t *o, const char *name, long long min,
			      long long max, struct reply *r)
{
	json_t *v = json_object_get(o, name);
	long long n;

	if (!v) {
		*r = fault("missing field '%s'", name);
		return -1;
	}
	if (!json_is_integer(v)) {
		*r = fault("'%s' must be a whole number", name);
		return -1;
	}
	n = json_integer_value(v);
	if (n < min || n > max) {
		*r = fault("'%s' must be from %lld to %lld", name, min, max);
		return -1;
	}
	return n;
}

/* GET /: what pvrun is and whether its guest runs. */
static struct reply get_instance(void)
{
	return (struct reply){ MHD_HTTP_OK,
		json_pack("{s:s, s:s, s:s, s:s}", "id", instance_id,
			  "state", vm_paused() ? "Paused" : "Running",
			  "vmm_version", pvrun_version, "app_name", "pvrun") };
}

/* PATCH /vm {"state": "Paused" | "Resumed"} */
static struct reply patch_vm(const struct request *req)
{
	static const char *const fields[] = { "state", NULL };
	struct reply r;
	const char *state;
	json_t *o = object_body(req, fields, &r);

	if (!o)
		return r;
	state = json_string_value(json_object_get(o, "state"));
	if (state && !strcmp(state, "Paused")) {
		r = vm_pause() ? fault("a vCPU did not stop within 5 s") : no_content();
	} else if (state && !strcmp(state, "Resumed")) {
		vm_resume();
		r = no_content();
	} else {
		r = fault("'state' must be \"Paused\" or \"Resumed\"");
	}
	json_decref(o);
	return r;
}

static struct reply no_balloon(void)
{
	return fault("no balloon device: start pvrun with --balloon SIZE");
}

/* GET /balloon */
static struct reply get_balloon(void)
{
	if (!balloon_present())
		return no_balloon();
	return (struct reply){ MHD_HTTP_OK,
		json_pack("{s:I, s:b, s:i}",
			  "amount_mib", (json_int_t)(balloon_target_pages() / 256),
			  "deflate_on_oom", 0,
			  "stats_polling_interval_s", (int)balloon_stats_interval()) };
}

static int set_target(long long mib, char *why, size_t len)
{
	return balloon_set_target((unsigned long long)mib << 20, why, len);
}

static int set_interval(long long seconds, char *why, size_t len)
{
	return balloon_set_stats_interval(seconds, why, len);
}

/*
 * PATCH of the balloon with a body of one number @field, @min to @max,
 * which @set takes (or refuses, saying why).
 */
static struct reply patch_balloon_number(const struct request *req,
					 const char *field, long long min,
					 long long max,
					 int (*set)(long long n, char *why, size_t len))
{
	const char *const fields[] = { field, NULL };
	char why[160];
	struct reply r;
	long long n;
	json_t *o;

	if (!balloon_present())
		return no_balloon();
	o = object_body(req, fields, &r);
	if (!o)
		return r;
	n = number_field(o, field, min, max, &r);
	json_decref(o);
	if (n < 0)
		return r;
	if (set(n, why, sizeof(why)))
		return fault("%s", why);
	return no_content();
}

/* GET /balloon/statistics: Firecracker's names; memory in bytes. */
static struct reply get_balloon_stats(void)
{
	static const char *const names[BALLOON_STATS_NR] = {
		"swap_in", "swap_out", "major_faults", "minor_faults",
		"free_memory", "total_memory", "available_memory",
		"disk_caches", "hugetlb_allocations", "hugetlb_failures",
	};
	uint64_t stats[BALLOON_STATS_NR];
	uint32_t seen, target, actual;
	unsigned int i;
	json_t *o;

	if (!balloon_present())
		return no_balloon();
	if (!balloon_stats_interval())
		return fault("balloon statistics are off: PATCH /balloon/statistics with a stats_polling_interval_s");
	seen = balloon_stats(stats);
	target = balloon_target_pages();
	actual = balloon_actual_pages();
	o = json_pack("{s:I, s:I, s:I, s:I}",
		      "target_pages", (json_int_t)target,
		      "actual_pages", (json_int_t)actual,
		      "target_mib", (json_int_t)(target / 256),
		      "actual_mib", (json_int_t)(actual / 256));
	for (i = 0; i < BALLOON_STATS_NR; i++)
		if (seen & 1U << i)
			json_object_set_new(o, names[i], json_integer((json_int_t)stats[i]));
	return (struct reply){ MHD_HTTP_OK, o };
}

static struct reply route(const char *method, const char *url,
			  const struct request *req)
{
	bool get = !strcmp(method, "GET"), patch = !strcmp(method, "PATCH");
	bool put = !strcmp(method, "PUT");

	if (req->too_big)
		return fault("the body is larger than %d bytes", API_MAX_BODY);
	if (get && !strcmp(url, "/"))
		return get_instance();
	if (patch && !strcmp(url, "/vm"))
		return patch_vm(req);
	if (get && !strcmp(url, "/balloon"))
		return get_balloon();
	if (patch && !strcmp(url, "/balloon"))	/* {"amount_mib": N} */
		return patch_balloon_number(req, "amount_mib", 0, 1LL << 30, set_target);
	if (put && !strcmp(url, "/balloon"))
		return fault("pvrun gives the balloon at start (--balloon SIZE); PATCH /balloon changes its size");
	if (get && !strcmp(url, "/balloon/statistics"))
		return get_balloon_stats();
	if (patch && !strcmp(url, "/balloon/statistics"))
		return patch_balloon_number(req, "stats_polling_interval_s", 0, 3600,
					    set_interval);
	if (put && (!strcmp(url, "/snapshot/create") || !strcmp(url, "/snapshot/load")))
		return fault("snapshots are not supported yet");
	return fault("Invalid request method and/or path: %s %s", method, url);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c,
			      const char *url, const char *method,
			      const char *version, const char *upload,
			      size_t *upload_size, void **con_cls)
{
	struct request *req = *con_cls;
	struct MHD_Response *resp;
	enum MHD_Result ret;
	struct reply r;
	char *text;

	(void)cls;
	(void)version;
	if (!req) {
		req = calloc(1, sizeof(*req));
		if (!req)
			return MHD_NO;
		*con_cls = req;
		return MHD_YES;
	}
	if (*upload_size) {
		if (*upload_size > sizeof(req->body) - req->len)
			req->too_big = true;
		else
			memcpy(req->body + req->len, upload, *upload_size);
		if (!req->too_big)
			req->len += *upload_size;
		*upload_size = 0;
		return MHD_YES;
	}
	r = route(method, url, req);
	text = r.body ? json_dumps(r.body, JSON_COMPACT) : NULL;
	json_decref(r.body);
	resp = MHD_create_response_from_buffer(text ? strlen(text) : 0, text ? text : "",
					       MHD_RESPMEM_MUST_COPY);
	free(text);
	if (!resp)
		return MHD_NO;
	if (r.status != MHD_HTTP_NO_CONTENT)
		MHD_add_response_header(resp, "Content-Type", "application/json");
	ret = MHD_queue_response(c, r.status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode why)
{
	(void)cls;
	(void)c;
	(void)why;
	free(*con_cls);
	*con_cls = NULL;
}

static void remove_socket(void)
{
	struct stat st;

	if (!lstat(socket_path, &st) && st.st_dev == socket_made.st_dev &&
	    st.st_ino == socket_made.st_ino)
		unlink(socket_path);
}

int api_listen(const char *path, char *err, size_t errlen)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	mode_t old_mask;
	struct stat st;
	int fd, made;

	if (strlen(path) >= sizeof(a.sun_path))
		return fail(err, errlen, "--api-sock %s: longer than %zu bytes", path,
			    sizeof(a.sun_path) - 1);
	/* Someone else's file is never removed. */
	if (!lstat(path, &st))
		return fail(err, errlen, "--api-sock %s: exists already", path);
	strcpy(a.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, errlen, "--api-sock: socket: %s", strerror(errno));
	/* Only pvrun's user may connect: mode 0600 (pvrun has one thread yet). */
	old_mask = umask(077);
	made = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old_mask);
	if (made || listen(fd, 16) || lstat(path, &socket_made)) {
		fail(err, errlen, "--api-sock %s: %s", path, strerror(errno));
		if (!made)
			unlink(path);
		close(fd);
		return -1;
	}
	socket_path = path;
	listen_fd = fd;
	atexit(remove_socket);
	return 0;
}

int api_serve(const char *version, char *err, size_t errlen)
{
	pvrun_version = version;
	if (!MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL, NULL,
			      answer, NULL, MHD_OPTION_LISTEN_SOCKET, listen_fd,
			      MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
			      /* Idle or piled-up clients do not pile up memory. */
			      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)10,
			      MHD_OPTION_CONNECTION_LIMIT, (unsigned int)16,
			      MHD_OPTION_END))
		return fail(err, errlen, "--api-sock %s: the HTTP server did not start",
			    socket_path);
	return 0;
}
