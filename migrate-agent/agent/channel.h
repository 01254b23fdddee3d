/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The guest channel, host side: requests and replies as JSON lines over
 * the unix socket of a QEMU virtio-serial port (chardev socket, server).
 *
 * Protocol version 1. A request is {"proto":1,"seq":N,"op":OP,...}; its
 * reply is {"proto":1,"seq":N,"ok":true|false,...} with "error" when not
 * ok. Replies to other sequence numbers (of requests that timed out) are
 * dropped. The ops are in guest.c; migrate-agent.8 lists them.
 */
#ifndef _MA_CHANNEL_H
#define _MA_CHANNEL_H

#include "jsonline.h"

#define MA_PROTO	1
/* how long the guest side waits for its interface to read "parked" */
#define MA_PARK_WAIT_MS	20000

struct channel {
	struct jsonline jl;
	const char *path;
	long seq;
	char error[512];
};

/* channel_open: connect to PATH, retrying until timeout_ms; 0 or -errno. */
int channel_open(struct channel *ch, const char *path, int timeout_ms);
void channel_close(struct channel *ch);
/*
 * channel_call: send OP with the members of ARGS (taken; may be NULL) and
 * wait for its reply; 0 and the reply in *reply (put by the caller), or
 * -ETIMEDOUT (no answer), -EREMOTEIO (the guest said no: ch->error says
 * why, *reply still set) or another -errno.
 */
int channel_call(struct channel *ch, const char *op, struct json_object *args,
		 struct json_object **reply, int timeout_ms);

#endif /* _MA_CHANNEL_H */
