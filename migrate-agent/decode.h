/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Decoding of the "shadow" family's replies (linux/shadow.h): a message
 * becomes a struct, and the struct becomes one line of text or one JSON
 * object. Nothing here talks to the kernel, so the unit tests feed it
 * messages they build themselves.
 */
#ifndef _SC_DECODE_H
#define _SC_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <linux/netlink.h>
#include <linux/types.h>
#include <json-c/json.h>

/* What a message describes. */
enum sc_kind {
	SC_KIND_DEV,	/* SHADOW_CMD_DEV_GET reply or SHADOW_CMD_EVENT */
	SC_KIND_LOG,	/* SHADOW_CMD_LOG_GET reply */
	SC_KIND_OBJ,	/* SHADOW_CMD_OBJ_GET reply */
	SC_KIND_EVENT,	/* SHADOW_CMD_EVENT: attach, detach, a swap's phase */
	SC_KIND_DISK,	/* SHADOW_CMD_DISK_GET reply */
};

/* Strings point into the message; absent attributes are NULL or -1. */
struct sc_dev {
	__u32 ifindex;
	const char *ifname;
	const char *driver;
	const char *bus;
	const char *bus_addr;
	long long state;
	long long log_len;
	long long objects;
	int attached;
	long long priv_size;
	long long txq;
	long long rxq;
	const char *can_host;	/* comma-separated, or NULL */
	long long swap_seq;	/* the swap running on it, or -1 */
};

/* The phase times of a swap's final event, SHADOW_A_SWAP_*_US. */
enum sc_swap_phase {
	SC_SWAP_PARK,
	SC_SWAP_UNBIND,
	SC_SWAP_PROBE,
	SC_SWAP_REPLAY,
	SC_SWAP_LINK,
	SC_SWAP_TOTAL,
	SC_SWAP_DRIVERS,	/* of the total, inside the drivers */
	SC_SWAP_OWN,		/* of the total, the shadow's own in the outage */
	SC_SWAP_PREPARE,	/* of the total, before the park */
	SC_SWAP_PHASES
};

#define SC_SWAP_NOTES	32	/* notes kept, the rest left out (kernel: 12) */

/* The swap attributes of an event; absent: NULL or -1. */
struct sc_swap {
	long long seq;		/* -1: not a swap event */
	const char *from;
	const char *from_addr;
	const char *to;
	const char *to_addr;
	long long err;		/* positive errno */
	const char *reason;
	long long us[SC_SWAP_PHASES];
	const char *notes[SC_SWAP_NOTES];
	unsigned int nnotes;
};

/* A SHADOW_CMD_EVENT message. */
struct sc_event {
	struct sc_dev dev;
	struct sc_swap swap;
};

struct sc_log {
	__u64 seq;
	__u32 ifindex;
	__u32 key;
	const unsigned char *data;
	int len;
};

struct sc_obj {
	__u32 type;
	__u64 id;
	const char *driver;
	long long ifindex;
	const char *bus_addr;
};

/* A disk the block class records; -1 for an absent number. */
struct sc_disk {
	const char *name;
	const char *driver;
	const char *bus_addr;		/* NULL: no PCI device under it */
	long long major, minor;
	long long capacity;		/* 512-byte sectors */
	long long ro;
	long long lbs, pbs, io_min, io_opt;
	long long max_hw_sectors, max_segments, max_segment_size;
	long long max_discard_sectors, hw_queues;
};

/*
 * Each returns 0, or -EINVAL with a message in ERR when the message is
 * malformed (missing attribute, short SHADOW_A_LOG_DATA, ...).
 */
int sc_dev_parse(struct nlmsghdr *nlh, struct sc_dev *dev,
		 char *err, size_t errlen);
int sc_log_parse(struct nlmsghdr *nlh, struct sc_log *log,
		 char *err, size_t errlen);
int sc_obj_parse(struct nlmsghdr *nlh, struct sc_obj *obj,
		 char *err, size_t errlen);
int sc_disk_parse(struct nlmsghdr *nlh, struct sc_disk *disk,
		  char *err, size_t errlen);
/* Also -ENOMSG when the message is no SHADOW_CMD_EVENT. */
int sc_event_parse(struct nlmsghdr *nlh, struct sc_event *ev,
		   char *err, size_t errlen);
/* The SHADOW_A_SWAP_SEQ of a SHADOW_CMD_SWAP reply. */
int sc_swap_reply_parse(struct nlmsghdr *nlh, __u32 *seq,
			char *err, size_t errlen);

void sc_dev_text(FILE *f, const struct sc_dev *dev);
void sc_log_text(FILE *f, const struct sc_log *log);
void sc_obj_text(FILE *f, const struct sc_obj *obj);
void sc_disk_text(FILE *f, const struct sc_disk *disk);
/* monitor's line: "attach ...", "detach ..." or "swap SEQ PHASE ..." */
void sc_event_text(FILE *f, const struct sc_event *ev);

struct json_object *sc_dev_json(const struct sc_dev *dev);
struct json_object *sc_log_json(const struct sc_log *log);
struct json_object *sc_obj_json(const struct sc_obj *obj);
struct json_object *sc_disk_json(const struct sc_disk *disk);
/* sc_dev_json() with "event" and, for a swap, a "swap" object. */
struct json_object *sc_event_json(const struct sc_event *ev);

/* A swap's last event: SHADOW_STATE_SWAPPED or SHADOW_STATE_FAILED. */
bool sc_swap_final(const struct sc_event *ev);
/* SWAPPED without SHADOW_A_SWAP_ERRNO: the new driver runs, no rollback. */
bool sc_swap_ok(const struct sc_event *ev);

/*
 * What shadowctl swap prints: a line per phase ("eth0: parking (e1000
 * 0000:00:03.0)"), and the outcome of the final event, as text (a summary,
 * its notes and error) or as one JSON object. STATE is the interface's
 * state after the swap, NULL if unknown.
 */
void sc_swap_phase_text(FILE *f, const struct sc_event *ev);
void sc_swap_result_text(FILE *f, const struct sc_event *ev,
			 const char *state);
struct json_object *sc_swap_result_json(const struct sc_event *ev,
					const char *state);

/*
 * Parse a message of KIND and print it: a text line to F, or, when ARRAY
 * is not NULL, a JSON object appended to it. 0 or -EINVAL (SC_KIND_EVENT:
 * -ENOMSG for another command), with a message in ERR.
 */
int sc_decode(enum sc_kind kind, struct nlmsghdr *nlh, FILE *f,
	      struct json_object *array, char *err, size_t errlen);

const char *sc_state_name(long long state);
const char *sc_log_key_name(__u32 key);
const char *sc_obj_type_name(__u32 type);

#endif /* _SC_DECODE_H */
