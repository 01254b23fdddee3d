// SPDX-License-Identifier: GPL-2.0
/* The guest channel, host side (protocol in channel.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "qmp.h"

static int port_send(struct channel *ch, struct json_object *msg)
{
	return jl_write(&ch->jl, msg);
}

static struct json_object *port_recv(struct channel *ch, int timeout_ms)
{
	return jl_read(&ch->jl, timeout_ms);
}

static void port_close(struct channel *ch)
{
	jl_close(&ch->jl);
}

static const struct channel_ops port_ops = {
	.send = port_send,
	.recv = port_recv,
	.close = port_close,
};

void channel_init(struct channel *ch, const struct channel_ops *ops,
		  const char *path)
{
	struct timespec ts;

	memset(ch, 0, sizeof(*ch));
	ch->ops = ops;
	ch->jl.fd = -1;
	snprintf(ch->path, sizeof(ch->path), "%s", path);
	clock_gettime(CLOCK_REALTIME, &ts);
	snprintf(ch->session, sizeof(ch->session), "%d.%lld.%ld", getpid(),
		 (long long)ts.tv_sec, ts.tv_nsec);
}

int channel_open(struct channel *ch, const char *path, int timeout_ms)
{
	long long deadline = ma_now_ms() + timeout_ms;
	int fd;

	channel_init(ch, &port_ops, path);
	/* a destination QEMU creates its socket only once it is started */
	while ((fd = jl_connect_unix(path)) < 0 && ma_now_ms() < deadline)
		usleep(100 * 1000);
	if (fd < 0) {
		snprintf(ch->error, sizeof(ch->error), "%s: connect: %s",
			 path, strerror(-fd));
		return fd;
	}
	return jl_init(&ch->jl, fd);
}

void channel_close(struct channel *ch)
{
	if (ch->ops)
		ch->ops->close(ch);
	ch->ops = NULL;
}

int channel_call(struct channel *ch, const char *op, struct json_object *args,
		 struct json_object **reply, int timeout_ms)
{
	struct json_object *req = args ?: json_object_new_object(), *msg;
	long long deadline = ma_now_ms() + timeout_ms, left;
	int err;

	*reply = NULL;
	json_object_object_add(req, "proto", json_object_new_int(MA_PROTO));
	json_object_object_add(req, "seq", json_object_new_int64(++ch->seq));
	json_object_object_add(req, "session",
			       json_object_new_string(ch->session));
	json_object_object_add(req, "op", json_object_new_string(op));
	err = ch->ops->send(ch, req);
	json_object_put(req);
	if (err) {
		snprintf(ch->error, sizeof(ch->error), "%s: %s: %s", ch->path,
			 op, strerror(-err));
		return err;
	}
	for (;;) {
		left = deadline - ma_now_ms();
		/* never negative: a transport waits forever on -1 */
		msg = ch->ops->recv(ch, left > 0 ? (int)left : 0);
		if (!msg) {
			err = errno;
			snprintf(ch->error, sizeof(ch->error),
				 "%s: %s: %s", ch->path, op,
				 err == ETIMEDOUT ? "the guest did not answer" :
				 strerror(err));
			return -err;
		}
		/* a guest side older than sessions echoes none */
		if (js_int(msg, "seq", -1) == ch->seq &&
		    js_int(msg, "proto", -1) == MA_PROTO &&
		    !strcmp(js_str(msg, "session") ?: ch->session, ch->session))
			break;
		json_object_put(msg);
	}
	*reply = msg;
	if (js_bool(msg, "ok"))
		return 0;
	snprintf(ch->error, sizeof(ch->error), "guest: %s: %s", op,
		 js_str(msg, "error") ?: "refused");
	return -EREMOTEIO;
}
