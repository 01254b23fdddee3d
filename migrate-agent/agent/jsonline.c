// SPDX-License-Identifier: GPL-2.0
/*
 * Line framing for QMP and the guest channel: QEMU writes each QMP reply
 * and event as one line, and the channel protocol does the same, so a
 * line is the unit json-c is handed.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "jsonline.h"

long long ma_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int jl_init(struct jsonline *jl, int fd)
{
	jl->fd = fd;
	jl->len = 0;
	jl->buf = malloc(JL_BUF_SIZE);
	return jl->buf ? 0 : -ENOMEM;
}

void jl_close(struct jsonline *jl)
{
	if (jl->fd >= 0)
		close(jl->fd);
	jl->fd = -1;
	free(jl->buf);
	jl->buf = NULL;
	jl->len = 0;
}

/* Take the first complete line out of the buffer, if there is one. */
static struct json_object *take_line(struct jsonline *jl, int *err)
{
	struct json_object *obj;
	char *nl = memchr(jl->buf, '\n', jl->len);
	size_t n;

	*err = 0;
	if (!nl)
		return NULL;
	*nl = '\0';
	n = nl - jl->buf + 1;
	obj = json_tokener_parse(jl->buf);
	memmove(jl->buf, jl->buf + n, jl->len - n);
	jl->len -= n;
	if (!obj || !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		*err = EPROTO;
		return NULL;
	}
	return obj;
}

struct json_object *jl_read(struct jsonline *jl, int timeout_ms)
{
	long long deadline = ma_now_ms() + timeout_ms;
	struct json_object *obj;
	struct pollfd pfd;
	ssize_t n;
	int err, wait, ret;

	for (;;) {
		obj = take_line(jl, &err);
		if (obj || err) {
			errno = err;
			return obj;
		}
		if (jl->len == JL_BUF_SIZE - 1) {
			errno = EMSGSIZE;
			return NULL;
		}
		wait = -1;
		if (timeout_ms >= 0) {
			wait = deadline - ma_now_ms();
			if (wait <= 0) {
				errno = ETIMEDOUT;
				return NULL;
			}
		}
		pfd.fd = jl->fd;
		pfd.events = POLLIN;
		ret = poll(&pfd, 1, wait);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return NULL;
		if (ret == 0)
			continue;
		n = read(jl->fd, jl->buf + jl->len, JL_BUF_SIZE - 1 - jl->len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return NULL;
		if (n == 0) {
			errno = EPIPE;
			return NULL;
		}
		jl->len += n;
	}
}

int jl_write(struct jsonline *jl, struct json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	size_t len = strlen(s), off = 0;
	ssize_t n;

	while (off <= len) {
		/* the terminating NUL goes out as the newline */
		if (off == len)
			n = write(jl->fd, "\n", 1);
		else
			n = write(jl->fd, s + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		off += n;
	}
	return 0;
}

int jl_connect_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}
