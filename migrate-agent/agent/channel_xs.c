// SPDX-License-Identifier: GPL-2.0
/*
 * The guest channel, host side, over xenstore (xs_paths.h): a request is
 * a write of data/shadow/request under the domain's path; a reply is the
 * next change of data/shadow/reply that parses, which the caller matches
 * by its sequence number and session (channel.c).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "channel.h"
#include "qmp.h"
#include "xs_paths.h"

#define WATCH_TOKEN	"migrate-agent-reply"

/* Owned by the channel; freed by xs_close(). */
struct xs_chan {
	struct xs_handle *xs;
	char *request, *reply;	/* absolute paths, from asprintf */
};

static int xs_send(struct channel *ch, struct json_object *msg)
{
	struct xs_chan *x = ch->priv;
	const char *s = json_object_to_json_string_ext(msg,
			JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	return xs_write(x->xs, XBT_NULL, x->request, s, strlen(s)) ? 0 :
	       -(errno ?: EIO);
}

/* The reply node's value as an object, or NULL (none yet, or no JSON). */
static struct json_object *read_reply(struct xs_chan *x)
{
	struct json_object *obj;
	unsigned int len;
	char *s;

	s = xs_read(x->xs, XBT_NULL, x->reply, &len);
	if (!s)
		return NULL;
	obj = json_tokener_parse(s);
	free(s);
	if (obj && !json_object_is_type(obj, json_type_object)) {
		json_object_put(obj);
		obj = NULL;
	}
	return obj;
}

static struct json_object *xs_recv(struct channel *ch, int timeout_ms)
{
	long long deadline = ma_now_ms() + timeout_ms;
	struct xs_chan *x = ch->priv;
	struct json_object *obj = NULL;
	struct pollfd pfd = { .fd = xs_fileno(x->xs), .events = POLLIN };
	bool changed;
	char **ev;
	int wait;

	for (;;) {
		wait = deadline - ma_now_ms();
		if (wait < 0)
			wait = 0;
		if (poll(&pfd, 1, wait) < 0 && errno != EINTR)
			return NULL;
		changed = false;
		while ((ev = xs_check_watch(x->xs))) {
			changed = true;
			free(ev);
		}
		if (errno != EAGAIN)
			return NULL;
		if (changed)
			obj = read_reply(x);
		if (obj)
			return obj;
		if (ma_now_ms() >= deadline) {
			errno = ETIMEDOUT;
			return NULL;
		}
	}
}

static void xs_chan_close(struct channel *ch)
{
	struct xs_chan *x = ch->priv;

	if (!x)
		return;
	if (x->xs) {
		xs_unwatch(x->xs, x->reply, WATCH_TOKEN);
		xs_close(x->xs);
	}
	free(x->request);
	free(x->reply);
	free(x);
	ch->priv = NULL;
}

static const struct channel_ops xs_ops = {
	.send = xs_send,
	.recv = xs_recv,
	.close = xs_chan_close,
};

int channel_open_xs(struct channel *ch, unsigned int domid)
{
	struct xs_chan *x;
	char *home;
	int err;

	channel_init(ch, &xs_ops, "xenstore");
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	ch->priv = x;
	x->xs = xs_open(0);
	if (!x->xs) {
		err = -errno;
		snprintf(ch->error, sizeof(ch->error),
			 "cannot open xenstore: %s", strerror(errno));
		goto fail;
	}
	home = xs_get_domain_path(x->xs, domid);
	if (!home || asprintf(&x->request, "%s/" MA_XS_REQUEST, home) < 0 ||
	    asprintf(&x->reply, "%s/" MA_XS_REPLY, home) < 0) {
		free(home);
		err = -ENOMEM;
		snprintf(ch->error, sizeof(ch->error), "out of memory");
		goto fail;
	}
	snprintf(ch->path, sizeof(ch->path), "%s/" MA_XS_DIR, home);
	free(home);
	/* a watch fires once when set: that read finds no reply of ours */
	if (!xs_watch(x->xs, x->reply, WATCH_TOKEN)) {
		err = -(errno ?: EIO);
		snprintf(ch->error, sizeof(ch->error), "xenstore watch %s: %s",
			 x->reply, strerror(-err));
		goto fail;
	}
	return 0;
fail:
	xs_chan_close(ch);
	ch->ops = NULL;
	return err;
}
