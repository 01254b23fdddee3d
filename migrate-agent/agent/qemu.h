/* SPDX-License-Identifier: GPL-2.0 */
/* The QEMU back end of migrate-agent (see qemu.c). */
#ifndef _MA_QEMU_H
#define _MA_QEMU_H

#include <stdbool.h>

struct migrate_opts {
	const char *qmp, *dest_qmp;		/* QMP sockets */
	const char *channel, *dest_channel;	/* the guest port's sockets */
	const char *uri;			/* where to migrate */
	const char *nic_id;			/* the source NIC's QEMU id */
	const char *dev;			/* the guest interface */
	const char *to_model, *to_netdev, *to_mac, *to_id;
	const char *verify_addr;
	int guest_timeout_ms, park_timeout_ms, migrate_timeout_ms;
	bool dry_run, quit_source;
};

int qemu_migrate(const struct migrate_opts *o);
/* qemu_status: the guest's shadowed interfaces, through CHANNEL. */
int qemu_status(const char *channel, int timeout_ms, bool json);

#endif /* _MA_QEMU_H */
