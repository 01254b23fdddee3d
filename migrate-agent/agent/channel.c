// SPDX-License-Identifier: GPL-2.0
/* The guest channel, host side (protocol in channel.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "channel.h"
#include "qmp.h"

int channel_open(struct channel *ch, const char *path, int timeout_ms)
{
	long long deadline = ma_now_ms() + timeout_ms;
	int fd;

	memset(ch, 0, sizeof(*ch));
	ch->path = path;
	ch->jl.fd = -1;
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
	jl_close(&ch->jl);
}

int channel_call(struct channel *ch, const char *op, struct json_object *args,
		 struct json_object **reply, int timeout_ms)
{
	struct json_object *req = args ?: json_object_new_object(), *msg;
	long long deadline = ma_now_ms() + timeout_ms;
	int err;

	*reply = NULL;
	json_object_object_add(req, "proto", json_object_new_int(MA_PROTO));
	json_object_object_add(req, "seq", json_object_new_int64(++ch->seq));
	json_object_object_add(req, "op", json_object_new_string(op));
	err = jl_write(&ch->jl, req);
	json_object_put(req);
	if (err) {
		snprintf(ch->error, sizeof(ch->error), "%s: %s: %s", ch->path,
			 op, strerror(-err));
		return err;
	}
	for (;;) {
		msg = jl_read(&ch->jl, deadline - ma_now_ms());
		if (!msg) {
			err = errno;
			snprintf(ch->error, sizeof(ch->error),
				 "%s: %s: %s", ch->path, op,
				 err == ETIMEDOUT ? "the guest did not answer" :
				 strerror(err));
			return -err;
		}
		if (js_int(msg, "seq", -1) == ch->seq &&
		    js_int(msg, "proto", -1) == MA_PROTO)
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
