/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Xen back end's destination half on another host: `migrate-agent
 * arrive --xen` run there through the migration's own transport (the
 * --ssh command), its events relayed here (xen_remote.c).
 */
#ifndef _MA_XEN_REMOTE_H
#define _MA_XEN_REMOTE_H

#include <stdbool.h>

#include "migrate.h"

/* The outcome the destination's agent reported. */
struct remote_end {
	int exit;			/* its exit code; MA_BROKEN if none */
	char result[32];
	char state[128];
	char reason[1024];
};

/*
 * xen_remote_arrive: run the arrive half on o->dest through o->ssh, for
 * the guest interface DEV: with DRY_RUN its checks only (the destination
 * NIC), else the attach, the guest's swap and the verification, whose
 * phases are reported here as they come. The outcome in *END; its exit
 * code returned.
 */
int xen_remote_arrive(const struct migrate_opts *o, const char *dev,
		      bool dry_run, struct remote_end *end);

#endif /* _MA_XEN_REMOTE_H */
