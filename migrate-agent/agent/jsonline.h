/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One JSON object per line over a stream file descriptor: both QMP and the
 * guest channel speak it. Parsing is json-c's; this only frames lines and
 * waits with a deadline.
 */
#ifndef _MA_JSONLINE_H
#define _MA_JSONLINE_H

#include <stddef.h>

#include <json-c/json.h>

#define JL_BUF_SIZE	(256 * 1024)

struct jsonline {
	int fd;
	size_t len;			/* bytes buffered in buf */
	char *buf;			/* JL_BUF_SIZE bytes, owned */
};

int jl_init(struct jsonline *jl, int fd);
void jl_close(struct jsonline *jl);
/*
 * jl_read: the next object, or NULL with errno ETIMEDOUT (nothing within
 * timeout_ms; -1 waits forever), EPIPE (the peer closed), EPROTO (a line
 * that is no JSON object) or another read error. The caller puts it.
 */
struct json_object *jl_read(struct jsonline *jl, int timeout_ms);
/* jl_write: obj as one line; 0 or -errno. */
int jl_write(struct jsonline *jl, struct json_object *obj);
/* jl_connect_unix: a connected stream socket to PATH, or -errno. */
int jl_connect_unix(const char *path);

/* The monotonic clock in milliseconds, for deadlines and phase times. */
long long ma_now_ms(void);

#endif /* _MA_JSONLINE_H */
