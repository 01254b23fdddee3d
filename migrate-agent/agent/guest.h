/* SPDX-License-Identifier: GPL-2.0 */
/* migrate-agent guest: the guest side of the channel (see guest.c). */
#ifndef _MA_GUEST_H
#define _MA_GUEST_H

#define MA_PORT_NAME	"org.shadow.migrate.0"

#include <json-c/json.h>
#include <stdbool.h>

struct guest_opts {
	const char *port;	/* a character device path, or NULL */
	bool xenstore;		/* the Xen transport instead (guest_xs.c) */
	const char *port_name;	/* the virtio-serial port name to look for */
	const char *shadowctl;	/* the program that drives shadow.ko */
};

int guest_main(const struct guest_opts *o);
/* guest_handle: the reply to one request (the caller puts both). */
struct json_object *guest_handle(struct json_object *req);
/* park_reap: note the park's end if it ended; call it often. */
void park_reap(void);
/* guest_xs_main: the xenstore transport's loop (guest_xs.c). */
int guest_xs_main(void);

#endif /* _MA_GUEST_H */
