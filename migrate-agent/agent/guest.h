/* SPDX-License-Identifier: GPL-2.0 */
/* migrate-agent guest: the guest side of the channel (see guest.c). */
#ifndef _MA_GUEST_H
#define _MA_GUEST_H

#define MA_PORT_NAME	"org.shadow.migrate.0"

struct guest_opts {
	const char *port;	/* a character device path, or NULL */
	const char *port_name;	/* the virtio-serial port name to look for */
	const char *shadowctl;	/* the program that drives shadow.ko */
};

int guest_main(const struct guest_opts *o);

#endif /* _MA_GUEST_H */
