/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pvrun: the API socket (--api-sock PATH), in Firecracker's shape.
 */
#ifndef PVRUN_API_H
#define PVRUN_API_H

#include <stddef.h>

/*
 * api_listen - make the socket at @path (which must not exist yet); it is
 * removed when pvrun exits.  Returns 0, or -1 with a one-line reason.
 */
int api_listen(const char *path, char *err, size_t errlen);

/*
 * api_serve - answer requests on it from now on, in a thread of their
 * own (once the vCPU threads are known: vm_state_init()).  @version is
 * pvrun's, for GET /.  Returns 0, or -1 with a one-line reason.
 */
int api_serve(const char *version, char *err, size_t errlen);

#endif
