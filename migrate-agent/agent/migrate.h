/* SPDX-License-Identifier: GPL-2.0 */
/*
 * migrate-agent migrate: what the user asked, for either back end, and
 * the host-side steps both take through the guest channel (steps.c).
 */
#ifndef _MA_MIGRATE_H
#define _MA_MIGRATE_H

#include <stdbool.h>
#include <stddef.h>

#include <json-c/json.h>

struct channel;

struct migrate_opts {
	/* QEMU (qemu.c) */
	const char *qmp, *dest_qmp;		/* QMP sockets */
	const char *channel, *dest_channel;	/* the guest port's sockets */
	const char *uri;			/* where to migrate */
	const char *nic_id;			/* the source NIC's QEMU id */
	const char *to_model, *to_netdev, *to_mac, *to_id;
	bool quit_source;
	/* Xen (xen.c) */
	const char *domain, *dest;		/* xl's DOMAIN and HOST */
	const char *nic, *to_nic;		/* PCI addresses (BDF) */
	const char *ssh;			/* xl migrate -s; NULL: ssh */
	const char *xl;				/* the xl program */
	const char *remote_agent;		/* migrate-agent at the dest */
	/* both */
	const char *dev;			/* the guest interface */
	const char *verify_addr;
	int guest_timeout_ms, park_timeout_ms, migrate_timeout_ms;
	bool dry_run;
};

/* What a run has found out: its interface and, once it fails, why. */
struct steps {
	const struct migrate_opts *o;
	char dev[32];
	char reason[2048];
};

/*
 * steps_check_guest: the guest answers, shadow.ko is loaded and drives an
 * interface: o->dev, else the one on BUS_ADDR (the NIC's address as the
 * guest sees it), else (BUS_ADDR NULL) its only attached one. 0 and
 * s->dev set, or -1 and s->reason.
 */
int steps_check_guest(struct steps *s, struct channel *ch,
		      const char *bus_addr, const char *nic_name);
/*
 * steps_park: the guest parks s->dev (a swap with no target that waits
 * o->park_timeout_ms for the next NIC), loading the modules PRELOAD names
 * (NULL-terminated, may be NULL) first. 0, or -1 and s->reason.
 */
int steps_park(struct steps *s, struct channel *ch,
	       const char *const *preload);
/*
 * steps_wait_swap: wait for the park's swap to end (the guest took a NIC,
 * or gave up); its shadowctl JSON result in *swap, its exit status
 * returned (-1: no outcome in time, s->reason says why).
 */
int steps_wait_swap(struct steps *s, struct channel *ch,
		    struct json_object **swap);
/* steps_verify: the guest pings o->verify_addr through s->dev; 0 or -1. */
int steps_verify(struct steps *s, struct channel *ch);
/*
 * steps_swap_back: after a failed migration put the NIC back at the
 * source: wait for the guest to take it; the outcome reported (rolled
 * back, or parked), its exit code returned. WHY: what failed.
 */
int steps_swap_back(struct steps *s, struct channel *ch, const char *why);
/*
 * steps_arrive: the destination's NIC is attached and DCH opened (or not:
 * OPEN_ERR, its error): wait for the guest's swap onto it, verify, report
 * the outcome, close DCH; its exit code.
 */
int steps_arrive(struct steps *s, struct channel *dch, int open_err);
/* swap_field: SIDE ("from", "to") KEY of a shadowctl swap result. */
const char *swap_field(struct json_object *swap, const char *side,
		       const char *key);
/* steps_status: print the guest's interfaces (migrate-agent status). */
int steps_status(struct channel *ch, int timeout_ms, bool json);

int qemu_migrate(const struct migrate_opts *o);
/* qemu_status: the guest's shadowed interfaces, through CHANNEL. */
int qemu_status(const char *channel, int timeout_ms, bool json);
int xen_migrate(const struct migrate_opts *o);
/* xen_arrive: the destination half (migrate-agent arrive --xen). */
int xen_arrive(const struct migrate_opts *o);
/* xen_status: the guest's shadowed interfaces, through xenstore. */
int xen_status(const char *domain, int timeout_ms, bool json);

#endif /* _MA_MIGRATE_H */
