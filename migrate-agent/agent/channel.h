/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest channel, host side: requests and replies as JSON objects,
 * over one of two transports: JSON lines on the unix socket of a QEMU
 * virtio-serial port (chardev socket, server; channel_open), or the
 * domain's own xenstore subtree on Xen (channel_xs.c).
 *
 * Protocol version 1. A request is {"proto":1,"seq":N,"session":S,
 * "op":OP,...}; its reply is {"proto":1,"seq":N,"session":S,"ok":true|
 * false,...} with "error" when not ok. S names the channel (a new one per
 * open, so that replies a migrated guest still has from an earlier host
 * connection never match); replies to other sequence numbers or sessions
 * (of requests that timed out) are dropped. The ops are in guest.c;
 * migrate-agent.8 lists them.
 */
#ifndef _MA_CHANNEL_H
#define _MA_CHANNEL_H

#include "jsonline.h"

#define MA_PROTO	1
/* how long the guest side waits for its interface to read "parked" */
#define MA_PARK_WAIT_MS	20000

struct channel;

/* A transport: send one object, receive the next (NULL and errno). */
struct channel_ops {
	int (*send)(struct channel *ch, struct json_object *msg);
	struct json_object *(*recv)(struct channel *ch, int timeout_ms);
	void (*close)(struct channel *ch);
};

struct channel {
	const struct channel_ops *ops;
	struct jsonline jl;		/* the virtio-serial transport */
	void *priv;			/* another transport's state */
	char path[256];			/* what the errors name */
	char session[40];
	long seq;
	char error[512];
};

/* channel_open: connect to PATH, retrying until timeout_ms; 0 or -errno. */
int channel_open(struct channel *ch, const char *path, int timeout_ms);
/* channel_open_xs: the xenstore transport to domain DOMID (channel_xs.c). */
int channel_open_xs(struct channel *ch, unsigned int domid);
void channel_close(struct channel *ch);
/* channel_init: the fields every transport sets up (for channel_xs.c). */
void channel_init(struct channel *ch, const struct channel_ops *ops,
		  const char *path);
/*
 * channel_call: send OP with the members of ARGS (taken; may be NULL) and
 * wait for its reply; 0 and the reply in *reply (put by the caller), or
 * -ETIMEDOUT (no answer), -EREMOTEIO (the guest said no: ch->error says
 * why, *reply still set) or another -errno.
 */
int channel_call(struct channel *ch, const char *op, struct json_object *args,
		 struct json_object **reply, int timeout_ms);

#endif /* _MA_CHANNEL_H */
